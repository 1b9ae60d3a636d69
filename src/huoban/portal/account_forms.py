"""Forms of the elder portal's account pages: one question per page where it can be."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from huoban.lib.forms import DescribedErrorsMixin
from huoban.portal.forms import RegionFilterForm
from huoban.regions.models import Region, RegionLevel
from huoban.sites.selectors import regions_with_sites


class MobileForm(DescribedErrorsMixin, forms.Form):
    mobile = forms.CharField(
        label=_("手机号码"),
        max_length=20,
        help_text=_("我们会发一条短信验证码到这个号码。"),
        widget=forms.TextInput(
            attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel", "size": 13}
        ),
        error_messages={"required": _("请输入手机号码。")},
    )


class CodeForm(DescribedErrorsMixin, forms.Form):
    code = forms.CharField(
        label=_("短信验证码"),
        max_length=12,
        help_text=_("6 位数字，10 分钟内有效。可以直接粘贴。"),
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "size": 8,
                "spellcheck": "false",
            }
        ),
        error_messages={"required": _("请输入短信里的 6 位验证码。")},
    )


def _street_field(label, help_text, required=False) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=label,
        help_text=help_text,
        queryset=Region.objects.none(),  # set per form: it reads the sites
        to_field_name="code",
        required=required,
        empty_label=_("请选择"),
    )


def _streets(field: forms.ModelChoiceField) -> None:
    field.queryset = regions_with_sites(RegionLevel.STREET).select_related("parent")
    field.label_from_instance = lambda r: f"{r.parent.name} {r.name}"


class RegisterForm(DescribedErrorsMixin, forms.Form):
    WHO = (
        ("elder", _("我是长者本人，给自己报名")),
        ("family", _("我是亲友，帮家里的老人办事")),
    )
    who = forms.ChoiceField(
        label=_("您是"),
        choices=WHO,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择您是长者本人还是亲友。")},
    )
    name = forms.CharField(
        label=_("您的姓名"), max_length=50, error_messages={"required": _("请填写您的姓名。")}
    )
    street = _street_field(_("您住在哪个街道/镇"), _("长者本人请选择，亲友可以不选。"))
    consent = forms.BooleanField(
        label=_("我同意保存我的报名和上课记录，只用于为我提供服务。"),
        help_text=_("长者本人请勾选。"),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _streets(self.fields["street"])


class FamilyCodeForm(CodeForm):
    name = forms.CharField(
        label=_("家人的姓名"),
        max_length=50,
        required=False,
        help_text=_("家人还没有在服务点登记过时需要填写。"),
    )
    street = _street_field(_("家人住在哪个街道/镇"), _("家人还没有在服务点登记过时需要选择。"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].label = _("家人手机收到的验证码")
        self.fields["code"].help_text = _("请家人把短信里的 6 位数字告诉您。")
        _streets(self.fields["street"])


class TimetableForm(RegionFilterForm):
    """The timetable's filter: a district or a street."""
