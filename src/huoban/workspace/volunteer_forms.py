"""Forms of the volunteer pages: the list's filters, the profile, the pledges, a certificate.

They only collect and type the input; the rules are in ``huoban.people.volunteers``.
"""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from huoban.lib.when import weekday_name
from huoban.people.models import AVAILABILITY_SLOTS, Dialect, Skill
from huoban.people.pledges import CURRENT
from huoban.sites.models import Site
from huoban.workspace.forms import EMPTY_CHOICE, WorkspaceForm

STUDENT_CHOICES = [EMPTY_CHOICE, ("yes", _("学生志愿者")), ("no", _("非学生"))]
HALF_DAY_LABELS = {"am": _("上午"), "pm": _("下午")}


def availability_choices() -> list[tuple[str, str]]:
    """周一上午 … 周日下午, in the order the grid shows them."""
    out = []
    for slot in AVAILABILITY_SLOTS:
        day, half = slot.split("_")
        out.append((slot, f"{weekday_name(int(day))}{HALF_DAY_LABELS[half]}"))
    return out


class VolunteerFilterForm(WorkspaceForm):
    q = forms.CharField(label=_("姓名"), required=False, max_length=50)
    site = forms.ModelChoiceField(
        label=_("站点"),
        queryset=Site.objects.none(),
        required=False,
        empty_label=_("全部"),
        to_field_name="public_id",
    )
    student = forms.ChoiceField(label=_("学生"), required=False, choices=STUDENT_CHOICES)
    dialect = forms.ChoiceField(
        label=_("方言"), required=False, choices=[EMPTY_CHOICE, *Dialect.choices]
    )

    def __init__(self, *args, sites: QuerySet[Site], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites


class VolunteerForm(WorkspaceForm):
    skills = forms.MultipleChoiceField(
        label=_("擅长帮助的事项"),
        required=False,
        choices=Skill.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    skills_other = forms.CharField(
        label=_("其他特长"),
        required=False,
        max_length=100,
        help_text=_("例如：会修电脑、会剪视频。"),
    )
    dialects = forms.MultipleChoiceField(
        label=_("会说的语言和方言"),
        required=False,
        choices=Dialect.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("会说长者的家乡话，讲解起来更容易听懂。"),
    )
    availability = forms.MultipleChoiceField(
        label=_("通常有空的时间"),
        required=False,
        choices=availability_choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("只作排班参考，具体值班以排班表为准。"),
    )
    is_student = forms.BooleanField(label=_("我是学生志愿者（中小学生、大学生）"), required=False)
    school = forms.CharField(
        label=_("学校"), required=False, max_length=100, help_text=_("学生志愿者必填。")
    )
    grade = forms.CharField(
        label=_("年级和班级"), required=False, max_length=50, help_text=_("例如：初二（3）班。")
    )
    guardian_name = forms.CharField(label=_("监护人姓名"), required=False, max_length=50)
    guardian_mobile = forms.CharField(
        label=_("监护人手机号"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    bio = forms.CharField(
        label=_("个人简介"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PledgeForm(WorkspaceForm):
    """One tick box for each pledge not yet accepted; each must be ticked."""

    def __init__(self, *args, missing, on_behalf: bool, **kwargs):
        super().__init__(*args, **kwargs)
        for text in missing:
            label = (
                _("本人已签署《%(title)s》（%(version)s 版）")
                if on_behalf
                else _("我已阅读并承诺遵守《%(title)s》（%(version)s 版）")
            ) % {"title": text.title, "version": text.version}
            self.fields[text.document] = forms.BooleanField(
                label=label,
                required=True,
                error_messages={
                    "required": _("请阅读《%(title)s》后勾选。") % {"title": text.title}
                },
            )

    def accepted(self) -> list:
        return [CURRENT[name] for name, ticked in self.cleaned_data.items() if ticked]  # type: ignore[index]


class CertificateForm(WorkspaceForm):
    site = forms.ModelChoiceField(
        label=_("出具站点"),
        queryset=Site.objects.none(),
        to_field_name="public_id",
        error_messages={"required": _("请选择出具证明的站点。")},
    )
    period_start = forms.DateField(
        label=_("起始日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": _("请填写起始日期。"),
            "invalid": _("请按 2026-09-01 的格式填写日期。"),
        },
    )
    period_end = forms.DateField(
        label=_("截止日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": _("请填写截止日期。"),
            "invalid": _("请按 2026-09-01 的格式填写日期。"),
        },
    )

    def __init__(self, *args, sites: QuerySet[Site], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
        if sites.count() == 1:
            self.fields["site"].initial = sites.first()
