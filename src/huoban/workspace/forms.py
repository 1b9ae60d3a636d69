"""Forms of the staff workspace.

They only collect and type the input. The rules (valid credit code, periods that do not
overlap, the scope a role needs, …) live in the services, whose errors the views put back
onto these forms with ``form.add_error``.
"""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from huoban.accounts import roles
from huoban.accounts.models import ROLE_SCOPE, Role
from huoban.regions.models import Region
from huoban.sites.models import (
    ExceptionKind,
    Organisation,
    Service,
    ServiceKind,
    Site,
    SiteLevel,
    SiteStatus,
    VenueType,
    Weekday,
)
from huoban.sites.selectors import services_public

TIME_FORMAT = "%H:%M"
EMPTY_CHOICE = ("", _("全部"))


class WorkspaceForm(forms.Form):
    """No colon after labels: the label stands on its own line above the field."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def time_field(label, *, required: bool = True) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        required=required,
        input_formats=[TIME_FORMAT, "%H:%M:%S"],
        widget=forms.TimeInput(attrs={"type": "time"}, format=TIME_FORMAT),
    )


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Region) -> str:
        return f"{obj.name}（{obj.get_level_display()}）"


# --- Sites ----------------------------------------------------------------------------------

SORT_CHOICES = [
    (key, key)
    for field in ("name", "street", "level", "status", "updated")
    for key in (field, f"-{field}")
]


class SiteFilterForm(WorkspaceForm):
    q = forms.CharField(label=_("名称或地址"), required=False, max_length=100)
    street = forms.ModelChoiceField(
        label=_("街镇"),
        queryset=Region.objects.none(),
        required=False,
        to_field_name="code",
        empty_label=_("全部"),
    )
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[EMPTY_CHOICE, *SiteStatus.choices]
    )
    level = forms.TypedChoiceField(
        label=_("等级"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[EMPTY_CHOICE, *SiteLevel.choices],
    )
    venue_type = forms.ChoiceField(
        label=_("场所类型"), required=False, choices=[EMPTY_CHOICE, *VenueType.choices]
    )
    sort = forms.ChoiceField(required=False, choices=SORT_CHOICES, widget=forms.HiddenInput)

    def __init__(self, *args, streets: QuerySet[Region], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["street"].queryset = streets


class SiteForm(WorkspaceForm):
    """A site's profile, facilities and services.

    ``organisations`` / ``regions`` None leaves those fields out (the user may not move the
    site); ``can_certify`` adds the certified level (programme office only).
    """

    organisation = forms.ModelChoiceField(label=_("运营单位"), queryset=Organisation.objects.none())
    region = RegionChoiceField(label=_("所属街镇"), queryset=Region.objects.none())
    name = forms.CharField(
        label=_("站点名称"), max_length=100, error_messages={"required": _("请填写站点名称。")}
    )
    venue_type = forms.ChoiceField(label=_("场所类型"), choices=VenueType.choices)
    address = forms.CharField(
        label=_("地址"), max_length=200, error_messages={"required": _("请填写地址。")}
    )
    latitude = forms.DecimalField(
        label=_("纬度（WGS-84）"),
        max_digits=9,
        decimal_places=6,
        help_text=_("例如 31.240000。可在地图软件中长按位置查看。"),
        error_messages={"required": _("请填写纬度。")},
    )
    longitude = forms.DecimalField(
        label=_("经度（WGS-84）"),
        max_digits=9,
        decimal_places=6,
        help_text=_("例如 121.410000。"),
        error_messages={"required": _("请填写经度。")},
    )
    phone = forms.CharField(label=_("咨询电话"), max_length=20, required=False)
    description = forms.CharField(
        label=_("服务说明"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    has_desk = forms.BooleanField(label=_("咨询台和座椅"), required=False)
    classroom_capacity = forms.IntegerField(
        label=_("课堂容纳人数"),
        min_value=0,
        initial=0,
        help_text=_("没有课堂填 0；二级站点要求不少于 20 人。"),
        error_messages={"required": _("请填写课堂容纳人数，没有课堂填 0。")},
    )
    has_projector = forms.BooleanField(label=_("投影"), required=False)
    has_microphone = forms.BooleanField(label=_("话筒"), required=False)
    has_showcase = forms.BooleanField(label=_("产品展示区（含展台、电源）"), required=False)
    services = forms.ModelMultipleChoiceField(
        label=_("服务项目"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        queryset=services_public(ServiceKind.SERVICE),
    )
    scenarios = forms.ModelMultipleChoiceField(
        label=_("帮助的场景"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        queryset=services_public(ServiceKind.SCENARIO),
    )
    level_claimed = forms.TypedChoiceField(
        label=_("申报等级"), coerce=int, choices=SiteLevel.choices
    )
    level_certified = forms.TypedChoiceField(
        label=_("认定等级"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=[("", _("未认定")), *SiteLevel.choices],
    )
    status = forms.ChoiceField(label=_("状态"), choices=SiteStatus.choices)

    PROFILE = (
        "organisation",
        "region",
        "name",
        "venue_type",
        "address",
        "latitude",
        "longitude",
        "phone",
        "description",
    )
    FACILITIES = (
        "has_desk",
        "classroom_capacity",
        "has_projector",
        "has_microphone",
        "has_showcase",
    )
    STANDING = ("level_claimed", "level_certified", "status")

    def __init__(
        self,
        *args,
        organisations: QuerySet[Organisation] | None,
        regions: QuerySet[Region] | None,
        can_certify: bool,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        if organisations is None:
            del self.fields["organisation"]
        else:
            self.fields["organisation"].queryset = organisations
        if regions is None:
            del self.fields["region"]
        else:
            self.fields["region"].queryset = regions
        if not can_certify:
            del self.fields["level_certified"]

    def site_fields(self) -> dict:
        """The cleaned values the site services take as keyword arguments."""
        names = (*self.PROFILE, *self.FACILITIES, *self.STANDING)
        return {n: self.cleaned_data[n] for n in names if n in self.fields}

    def chosen_services(self) -> list[Service]:
        return [*self.cleaned_data["services"], *self.cleaned_data["scenarios"]]

    def bound(self, names: tuple[str, ...]) -> list[forms.BoundField]:
        return [self[n] for n in names if n in self.fields]

    def profile_fields(self) -> list[forms.BoundField]:
        return self.bound(self.PROFILE)

    def facility_fields(self) -> list[forms.BoundField]:
        return self.bound(self.FACILITIES)

    def standing_fields(self) -> list[forms.BoundField]:
        return self.bound(self.STANDING)


def site_initial(site: Site) -> dict:
    services = list(site.services.all())
    return {
        **{n: getattr(site, n) for n in (*SiteForm.FACILITIES, *SiteForm.STANDING)},
        **{n: getattr(site, n) for n in SiteForm.PROFILE},
        "services": [s for s in services if s.kind == ServiceKind.SERVICE],
        "scenarios": [s for s in services if s.kind == ServiceKind.SCENARIO],
    }


class PeriodForm(WorkspaceForm):
    weekday = forms.TypedChoiceField(
        label=_("星期"),
        coerce=int,
        empty_value=None,
        choices=[("", _("请选择")), *Weekday.choices],
        error_messages={"required": _("请选择星期。")},
    )
    start = time_field(_("开始时间"))
    end = time_field(_("结束时间"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["start"].error_messages["required"] = _("请填写开始时间。")
        self.fields["end"].error_messages["required"] = _("请填写结束时间。")


class BasePeriodFormSet(forms.BaseFormSet):
    """Rows left blank are ignored, whether they were spare rows or emptied ones.

    Bound formsets get no ``initial``, so a row counts as filled in when it has values, not
    when it differs from what was saved before.
    """

    def get_form_kwargs(self, index):
        return {"empty_permitted": True}


PeriodFormSet = forms.formset_factory(
    PeriodForm, formset=BasePeriodFormSet, extra=3, can_delete=True, max_num=50, absolute_max=60
)


class ExceptionForm(WorkspaceForm):
    date = forms.DateField(
        label=_("日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("请填写日期。")},
    )
    kind = forms.ChoiceField(
        label=_("类型"),
        choices=ExceptionKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择例外类型。")},
    )
    start = time_field(_("开始时间"), required=False)
    end = time_field(_("结束时间"), required=False)
    reason = forms.CharField(
        label=_("说明"),
        max_length=100,
        required=False,
        help_text=_("例如：国庆节休息。会显示在公开页面上。"),
    )


# --- Organisations ----------------------------------------------------------------------------


class SearchForm(WorkspaceForm):
    q = forms.CharField(label=_("搜索"), required=False, max_length=100)


class OrganisationForm(WorkspaceForm):
    name = forms.CharField(
        label=_("单位名称"), max_length=200, error_messages={"required": _("请填写单位名称。")}
    )
    uscc = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=30,
        help_text=_("18 位，见营业执照或登记证书。字母大写，不含 I、O、Z、S、V。"),
        error_messages={"required": _("请输入统一社会信用代码。")},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
    )
    contact_name = forms.CharField(label=_("联系人"), max_length=50, required=False)
    contact_phone = forms.CharField(
        label=_("联系电话"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel"}),
    )
    address = forms.CharField(label=_("注册地址"), max_length=200, required=False)


# --- People -------------------------------------------------------------------------------

STAFF_ROLE_CHOICES = [(r.value, r.label) for r in Role if r in roles.STAFF]


class PeopleFilterForm(WorkspaceForm):
    role = forms.ChoiceField(label=_("角色"), required=False, choices=[EMPTY_CHOICE, *Role.choices])


class InviteForm(WorkspaceForm):
    name = forms.CharField(
        label=_("姓名"), max_length=50, error_messages={"required": _("请填写姓名。")}
    )
    mobile = forms.CharField(
        label=_("手机号码"),
        max_length=20,
        help_text=_("对方用这个号码登录。"),
        error_messages={"required": _("请填写手机号码。")},
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    role = forms.ChoiceField(
        label=_("角色"),
        choices=[("", _("请选择")), *STAFF_ROLE_CHOICES],
        error_messages={"required": _("请选择角色。")},
    )
    region = RegionChoiceField(
        label=_("区划"),
        required=False,
        queryset=Region.objects.none(),
        to_field_name="code",
        empty_label=_("不选"),
        help_text=_("街镇管理员选街镇，区管理员选区，市项目办选市。"),
    )
    site = forms.ModelChoiceField(
        label=_("站点"),
        required=False,
        queryset=Site.objects.none(),
        to_field_name="public_id",
        empty_label=_("不选"),
        help_text=_("志愿者/工作人员和站点负责人选站点。"),
    )
    organisation = forms.ModelChoiceField(
        label=_("单位"),
        required=False,
        queryset=Organisation.objects.none(),
        to_field_name="public_id",
        empty_label=_("不选"),
        help_text=_("产品企业选单位。"),
    )

    def __init__(
        self,
        *args,
        regions: QuerySet[Region],
        sites: QuerySet[Site],
        organisations: QuerySet[Organisation],
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.fields["site"].queryset = sites
        self.fields["organisation"].queryset = organisations
        # Which scope field each role uses, for the script that shows only that one.
        self.fields["role"].widget.attrs["data-scope-switch"] = "true"
        for field in ("region", "site", "organisation"):
            self.fields[field].widget.attrs["data-scope-for"] = " ".join(
                r.value for r, kind in ROLE_SCOPE.items() if kind == field
            )
