"""Forms for the duty roster (值班). They collect and type the input; the rules (no overlap,
within one day, the person works at the site, …) live in ``roster.services``."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from huoban.accounts.models import User
from huoban.lib.forms import DescribedErrorsMixin
from huoban.lib.when import in_years, years_error
from huoban.roster.models import RequestKind
from huoban.workspace.forms import WorkspaceForm, time_field

APPROVE = "approve"
DECLINE = "decline"


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.name


class ShiftForm(DescribedErrorsMixin, WorkspaceForm):
    person = PersonChoiceField(
        label=_("值班人"),
        queryset=User.objects.none(),
        empty_label=_("请选择"),
        help_text=_("本站点的志愿者和站点负责人。"),
        error_messages={
            "required": _("请选择值班人。"),
            "invalid_choice": _("请从列表中选择本站点的志愿者或负责人。"),
        },
    )
    date = forms.DateField(
        label=_("日期"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("请填写日期。"),
            "invalid": _("日期看不懂，请按“年-月-日”填写，例如 2026-11-24。"),
        },
    )
    start = time_field(_("开始时间"))
    end = time_field(_("结束时间"))
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args, people: QuerySet[User], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        self.fields["start"].error_messages.update(
            required=_("请填写开始时间。"), invalid=_("开始时间看不懂，请按“时:分”填写。")
        )
        self.fields["end"].error_messages.update(
            required=_("请填写结束时间。"),
            invalid=_("结束时间看不懂，请按“时:分”填写。"),
        )
        self.fields["end"].help_text = _("到午夜结束请填 00:00。")

    def clean_date(self) -> dt.date:
        day = self.cleaned_data["date"]
        if not in_years(day):
            raise forms.ValidationError(years_error(), code="out_of_range")
        return day

    def shift_fields(self) -> dict:
        """The service's arguments: aware start and end (an end of 0:00 is midnight)."""
        data = self.cleaned_data
        tz = timezone.get_current_timezone()
        day: dt.date = data["date"]
        start = dt.datetime.combine(day, data["start"], tz)
        end_day = day + dt.timedelta(days=1) if data["end"] == dt.time(0) else day
        end = dt.datetime.combine(end_day, data["end"], tz)
        return {"person": data["person"], "start": start, "end": end, "note": data["note"]}


class CancelForm(DescribedErrorsMixin, WorkspaceForm):
    reason = forms.CharField(
        label=_("取消原因"),
        max_length=200,
        error_messages={"required": _("请填写取消原因。")},
        help_text=_("值班人和站点负责人都能看到。"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RequestForm(DescribedErrorsMixin, WorkspaceForm):
    kind = forms.ChoiceField(
        label=_("申请什么"),
        choices=RequestKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择换班或取消值班。")},
    )
    reason = forms.CharField(
        label=_("原因"),
        max_length=200,
        error_messages={"required": _("请填写原因。")},
        help_text=_("站点负责人会看到，并同意或不同意。"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DecideForm(DescribedErrorsMixin, WorkspaceForm):
    decision = forms.ChoiceField(
        label=_("处理结果"),
        choices=[(APPROVE, _("同意")), (DECLINE, _("不同意"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择“同意”或“不同意”。")},
    )
    replacement = PersonChoiceField(
        label=_("接班人"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("暂不指定"),
        help_text=_("同意换班时可以直接指定接班人；也可以以后再排班。"),
        error_messages={"invalid_choice": _("请从列表中选择接班人。")},
    )

    def __init__(self, *args, people: QuerySet[User] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if people is None:
            del self.fields["replacement"]
        else:
            self.fields["replacement"].queryset = people
