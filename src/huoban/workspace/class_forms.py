"""Forms for classes: courses, scheduling a session, cancelling one, the desk's check-in code.

They collect and type the input; the rules live in ``classes.services``.
"""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from huoban.classes.models import CODE_ALPHABET, ClassSession, Course, SessionKind, SessionStatus
from huoban.classes.selectors import PAST, UPCOMING, courses
from huoban.lib.forms import DescribedErrorsMixin
from huoban.sites.models import Service, ServiceKind, Site
from huoban.sites.selectors import services_public
from huoban.workspace.forms import EMPTY_CHOICE, WorkspaceForm, time_field
from huoban.workspace.record_forms import SiteChoiceField

# The code is the last six letters and digits of what was typed or scanned: the
# confirmation QR holds a URL or a line of text ending with it.
CODE_AT_END = re.compile(rf"([{CODE_ALPHABET}]{{6}})[^0-9A-Z]*$")


def code_from_text(text: str) -> str | None:
    """``K7M2QX`` from "k7m2qx", " K7M2QX ", or "https://…/signups/K7M2QX/"; else None."""
    found = CODE_AT_END.search((text or "").strip().upper())
    return found.group(1) if found else None


class CourseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Course) -> str:
        return obj.title


class ScenarioChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Service) -> str:
        return obj.display_name


class ClassFilterForm(WorkspaceForm):
    WHEN = [(UPCOMING, _("未结束的")), (PAST, _("已结束的")), ("all", _("全部"))]
    when = forms.ChoiceField(label=_("时间"), choices=WHEN, required=False)
    site = SiteChoiceField(
        label=_("站点"), queryset=Site.objects.none(), required=False, empty_label=_("全部")
    )
    status = forms.ChoiceField(
        label=_("状态"), choices=[EMPTY_CHOICE, *SessionStatus.choices], required=False
    )

    def __init__(self, *args, sites: QuerySet[Site], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites


class CourseForm(DescribedErrorsMixin, WorkspaceForm):
    title = forms.CharField(
        label=_("课程名称"), max_length=100, error_messages={"required": _("请填写课程名称。")}
    )
    scenario = ScenarioChoiceField(
        label=_("场景"),
        queryset=services_public(ServiceKind.SCENARIO),
        required=False,
        empty_label=_("不限场景"),
        help_text=_("这门课教长者办哪一类事，例如就医、出行。"),
    )
    description = forms.CharField(
        label=_("课程介绍"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("长者在课表上看到的介绍：学什么、适合谁。"),
    )
    materials = forms.CharField(
        label=_("教材和准备"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("讲义、演示用的手机和账号、长者要带的东西。"),
    )


class SessionForm(DescribedErrorsMixin, WorkspaceForm):
    """Scheduling (``sites`` given) or changing a session (no site field: it stays put)."""

    site = SiteChoiceField(
        label=_("站点"),
        queryset=Site.objects.none(),
        empty_label=None,
        error_messages={"required": _("请选择站点。")},
    )
    course = CourseChoiceField(
        label=_("课程"),
        queryset=Course.objects.none(),
        required=False,
        empty_label=_("不选课程"),
        help_text=_("选了课程而标题留空时，标题用课程名称。"),
    )
    title = forms.CharField(label=_("标题"), max_length=100, required=False)
    kind = forms.ChoiceField(
        label=_("类型"),
        choices=SessionKind.choices,
        initial=SessionKind.CLASS,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择类型。")},
    )
    date = forms.DateField(
        label=_("日期"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("请填写日期。"),
            "invalid": _("日期看不懂，请按“年-月-日”填写。"),
        },
    )
    start = time_field(_("开始时间"))
    end = time_field(_("结束时间"))
    capacity = forms.IntegerField(
        label=_("名额"),
        min_value=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1}),
        error_messages={
            "required": _("请填写名额。"),
            "invalid": _("名额请填整数。"),
            "min_value": _("名额至少 1 人。"),
        },
    )
    teacher = forms.CharField(label=_("授课人"), max_length=50, required=False)

    def __init__(self, *args, sites: QuerySet[Site] | None, site: Site | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = courses()
        for name, label in (("start", gettext("开始时间")), ("end", gettext("结束时间"))):
            self.fields[name].error_messages = {
                "required": gettext("请填写%(label)s。") % {"label": label},
                "invalid": gettext("%(label)s看不懂，请按“时:分”填写，例如 14:00。")
                % {"label": label},
            }
        if sites is None:
            del self.fields["site"]
            shown = [site] if site is not None else []
        else:
            shown = list(sites)
            self.fields["site"].queryset = sites
            if len(shown) == 1:
                self.fields["site"].initial = shown[0].pk
        self.fields["capacity"].help_text = capacity_help(shown)

    def clean(self):
        data = super().clean()
        course = data.get("course")
        if not (data.get("title") or "").strip():
            if course is not None:
                data["title"] = course.title
            elif "title" not in self.errors:
                self.add_error("title", gettext("请填写标题，或选择一门课程。"))
        return data

    def moments(self) -> tuple[dt.datetime, dt.datetime]:
        """The start and end as aware datetimes in the site's (the project's) time zone."""
        zone = timezone.get_current_timezone()
        day = self.cleaned_data["date"]
        return (
            dt.datetime.combine(day, self.cleaned_data["start"], tzinfo=zone),
            dt.datetime.combine(day, self.cleaned_data["end"], tzinfo=zone),
        )

    def session_fields(self) -> dict:
        start, end = self.moments()
        return {
            "title": self.cleaned_data["title"],
            "start": start,
            "end": end,
            "capacity": self.cleaned_data["capacity"],
            "kind": self.cleaned_data["kind"],
            "course": self.cleaned_data.get("course"),
            "teacher": self.cleaned_data.get("teacher") or "",
        }

    @staticmethod
    def initial_for(session: ClassSession) -> dict:
        start = timezone.localtime(session.start)
        return {
            "course": session.course_id,
            "title": session.title,
            "kind": session.kind,
            "date": start.date(),
            "start": start.time(),
            "end": timezone.localtime(session.end).time(),
            "capacity": session.capacity,
            "teacher": session.teacher,
        }


def capacity_help(sites: list[Site]) -> str:
    """The help text naming each site's classroom capacity (the limit for a session)."""
    if len(sites) == 1:
        site = sites[0]
        if site.classroom_capacity:
            return gettext("不能超过%(site)s的课堂容纳人数 %(n)s 人。") % {
                "site": site.name,
                "n": site.classroom_capacity,
            }
        return gettext("%(site)s还没有登记课堂容纳人数，请先在站点资料里填写。") % {
            "site": site.name
        }
    parts = [
        gettext("%(site)s %(n)s 人") % {"site": s.name, "n": s.classroom_capacity}
        if s.classroom_capacity
        else gettext("%(site)s 未登记") % {"site": s.name}
        for s in sites
    ]
    return gettext("不能超过站点的课堂容纳人数：%(list)s。") % {"list": "；".join(parts)}


class CancelForm(DescribedErrorsMixin, WorkspaceForm):
    reason = forms.CharField(
        label=_("取消原因"),
        max_length=200,
        error_messages={"required": _("请写明取消原因。")},
        help_text=_("会告诉已报名和候补的长者。"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CodeForm(DescribedErrorsMixin, WorkspaceForm):
    code = forms.CharField(
        label=_("确认码"),
        max_length=200,
        error_messages={"required": _("请输入确认码。")},
        help_text=_("长者确认单上的 6 位字母和数字，例如 K7M2QX；大小写都可以。"),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "inputmode": "text",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "class": "code-input",
            }
        ),
    )

    def clean_code(self) -> str:
        code = code_from_text(self.cleaned_data["code"])
        if code is None:
            raise forms.ValidationError(
                gettext("确认码是 6 位字母和数字（没有 0、1、O、I、L），例如 K7M2QX。")
            )
        return code


class RosterAddForm(WorkspaceForm):
    """One elder found by the desk's search: sign up (by staff) or add as a walk-in."""

    SIGN_UP = "sign_up"
    WALK_IN = "walk_in"
    elder = forms.UUIDField()
    action = forms.ChoiceField(choices=[(SIGN_UP, SIGN_UP), (WALK_IN, WALK_IN)])
