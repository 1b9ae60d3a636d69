"""The finder's filter form: every field optional, every value checked."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from huoban.regions.models import Region, RegionLevel
from huoban.sites.models import Service, ServiceKind
from huoban.sites.selectors import regions_with_sites, services_public


class RegionFilterForm(forms.Form):
    """A district and a street (town), both optional, among those with sites in service."""

    district = forms.ModelChoiceField(
        label=_("区"),
        queryset=Region.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("全部区"),
    )
    street = forms.ModelChoiceField(
        label=_("街道/镇"),
        queryset=Region.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("全部街镇"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = regions_with_sites(RegionLevel.DISTRICT)
        self.fields["street"].queryset = regions_with_sites(RegionLevel.STREET)
        for name in ("district", "street"):
            self.fields[name].label_from_instance = str


class FinderForm(RegionFilterForm):
    service = forms.ModelChoiceField(
        label=_("服务"),
        queryset=Service.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("全部服务"),
    )
    open = forms.BooleanField(label=_("只看现在开放的"), required=False)
    near = forms.ModelChoiceField(
        label=_("我住在哪个街道/镇"),
        queryset=Region.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("请选择"),
    )
    lat = forms.DecimalField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lng = forms.DecimalField(
        required=False, min_value=-180, max_value=180, widget=forms.HiddenInput
    )
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["near"].queryset = self.fields["street"].queryset
        self.fields["service"].queryset = services_public(ServiceKind.SERVICE)
        for name in ("service", "near"):
            self.fields[name].label_from_instance = str

    def clean(self):
        data = super().clean()
        if (data.get("lat") is None) != (data.get("lng") is None):
            raise forms.ValidationError(_("位置信息不完整，请重新点“找离我最近的”。"))
        return data
