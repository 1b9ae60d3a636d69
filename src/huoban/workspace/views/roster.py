"""The duty roster (值班): each site's week, planning and cancelling shifts, my shifts, and
volunteers' swap and cancel requests."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from huoban.accounts import roles
from huoban.accounts.permissions import require_roles
from huoban.accounts.selectors import holds_role_at_site
from huoban.lib.when import in_years
from huoban.roster import coverage
from huoban.roster import services as roster_services
from huoban.roster.coverage import MINUTES_PER_DAY, DayCoverage, Span, monday_of
from huoban.roster.models import RequestKind, RequestStatus, Shift, ShiftStatus
from huoban.roster.selectors import my_shifts as my_shifts_between
from huoban.roster.selectors import (
    open_request_counts,
    open_requests,
    own_decided_requests,
    own_planned_shifts,
    roster_people,
    shift_requests_for,
    shifts_for,
    week_coverage,
    week_coverages,
    week_shifts,
    with_open_requests,
)
from huoban.sites.models import Site
from huoban.sites.selectors import sites_for
from huoban.workspace.roster_forms import (
    APPROVE,
    CancelForm,
    DecideForm,
    RequestForm,
    ShiftForm,
)
from huoban.workspace.views.common import apply_errors, paginate, render_page

# How far ahead "my shifts" looks.
MY_SHIFTS_AHEAD = dt.timedelta(weeks=8)
# Decided requests stay on "my shifts" this long, so the person sees the answer.
DECIDED_SHOWN = dt.timedelta(days=30)


# --- Words and small helpers -------------------------------------------------------------------


def duration_words(minutes: int) -> str:
    """3 小时 30 分钟, 45 分钟, 2 小时."""
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return _("%(h)s 小时 %(m)s 分钟") % {"h": hours, "m": rest}
    if hours:
        return _("%(h)s 小时") % {"h": hours}
    return _("%(m)s 分钟") % {"m": rest}


def shift_span(shift: Shift) -> Span:
    return coverage.shift_span(shift.start, shift.end)


def shift_words(shift: Shift) -> str:
    """11月24日 周二 上午9:00–中午12:00."""
    return coverage.shift_words(shift.start, shift.end)


def _hhmm(minute: int) -> str:
    return "00:00" if minute >= MINUTES_PER_DAY else f"{minute // 60:02d}:{minute % 60:02d}"


def _posted(request: HttpRequest):
    """The submitted data on a POST (even an empty one, so it is validated), else None."""
    return request.POST if request.method == "POST" else None


def _chosen_week(request: HttpRequest) -> dt.date:
    """The Monday of ``?week=`` (any date of that week); this week when absent or unreadable."""
    try:
        day = dt.date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        day = timezone.localdate()
    if not in_years(day):  # 0001-01-01 or 9999-12-31: no week before or after to link to
        day = timezone.localdate()
    return monday_of(day)


def week_url(site: Site, day: dt.date) -> str:
    base = reverse("workspace:roster_week", kwargs={"public_id": site.public_id})
    return f"{base}?{urlencode({'week': monday_of(day).isoformat()})}"


# --- The week ----------------------------------------------------------------------------------


@dataclass
class Gap:
    """A published span with nobody on duty; ``href`` plans a shift for it (editors only)."""

    span: Span
    href: str = ""


@dataclass
class PeriodRow:
    span: Span
    shifts: list[Shift]
    gaps: list[Gap]


@dataclass
class DayRow:
    coverage: DayCoverage
    periods: list[PeriodRow]
    outside: list[Shift] = field(default_factory=list)  # on duty outside the published hours
    add_href: str = ""


def _overlaps(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def _day_rows(
    site: Site, days: list[DayCoverage], shifts: list[Shift], can_edit: bool
) -> list[DayRow]:
    add = reverse("workspace:roster_shift_add", kwargs={"public_id": site.public_id})
    spans: dict[int, Span] = {}
    by_day: dict[dt.date, list[Shift]] = {}
    for shift in shifts:
        spans[shift.pk] = shift.span = shift_span(shift)  # type: ignore[attr-defined]
        by_day.setdefault(timezone.localtime(shift.start).date(), []).append(shift)

    def gap(day: dt.date, span: Span) -> Gap:
        if not can_edit:
            return Gap(span)
        query = {"date": day.isoformat(), "start": _hhmm(span.start), "end": _hhmm(span.end)}
        return Gap(span, f"{add}?{urlencode(query)}")

    rows = []
    for day in days:
        mine = by_day.get(day.date, [])
        periods = [
            PeriodRow(
                span=published,
                shifts=[s for s in mine if _overlaps(spans[s.pk], published)],
                gaps=[gap(day.date, g) for g in day.uncovered if _overlaps(g, published)],
            )
            for published in day.published
        ]
        outside = [s for s in mine if not any(_overlaps(spans[s.pk], p) for p in day.published)]
        add_href = f"{add}?{urlencode({'date': day.date.isoformat()})}" if can_edit else ""
        rows.append(DayRow(coverage=day, periods=periods, outside=outside, add_href=add_href))
    return rows


@require_roles(roles.ROSTER_VIEW)
def roster_list(request: HttpRequest) -> HttpResponse:
    """The user's sites with this week's desk rule result and the hours nobody is on duty."""
    user = request.user
    monday = monday_of(timezone.localdate())
    page = paginate(
        request, sites_for(user, roles.ROSTER_VIEW).select_related("region").order_by("name", "id")
    )
    sites = list(page.object_list)
    ids = [s.pk for s in sites]
    weeks = week_coverages(ids, monday)
    editable = {s.pk for s in sites if holds_role_at_site(user, roles.ROSTER_EDIT, s)}
    counts = open_request_counts(editable) if editable else {}
    rows = [
        {
            "site": s,
            "week": weeks[s.pk],
            "uncovered": duration_words(sum(d.uncovered_minutes for d in weeks[s.pk].days)),
            "can_edit": s.pk in editable,
            "open_requests": counts.get(s.pk, 0),
        }
        for s in sites
    ]
    return render_page(
        request,
        "workspace/roster_list.html",
        {
            "page": page,
            "rows": rows,
            "monday": monday,
            "sunday": monday + dt.timedelta(days=6),
        },
    )


@require_roles(roles.ROSTER_VIEW)
def roster_week(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """One site's week, Monday to Sunday: desk periods, who is on duty, every gap, the rule."""
    user = request.user
    site = get_object_or_404(
        sites_for(user, roles.ROSTER_VIEW).select_related("region"), public_id=public_id
    )
    monday = _chosen_week(request)
    today = timezone.localdate()
    week = week_coverage(site, monday)
    can_edit = holds_role_at_site(user, roles.ROSTER_EDIT, site)
    shifts = list(week_shifts(site, monday))
    requests = (
        list(
            open_requests(
                shift_requests_for(user, roles.ROSTER_EDIT).filter(shift__site=site)
            ).select_related("shift__person")
        )
        if can_edit
        else []
    )
    for req in requests:
        req.when = shift_words(req.shift)  # type: ignore[attr-defined]
    this_monday = monday_of(today)
    return render_page(
        request,
        "workspace/roster_week.html",
        {
            "site": site,
            "week": week,
            "days": _day_rows(site, week.days, shifts, can_edit),
            "monday": monday,
            "sunday": monday + dt.timedelta(days=6),
            "today": today,
            "is_this_week": monday == this_monday,
            "previous_href": week_url(site, monday - dt.timedelta(days=7)),
            "next_href": week_url(site, monday + dt.timedelta(days=7)),
            "this_week_href": week_url(site, today),
            "published": duration_words(week.published_minutes),
            "staffed": duration_words(week.staffed_minutes),
            "uncovered": duration_words(sum(d.uncovered_minutes for d in week.days)),
            "can_edit": can_edit,
            "requests": requests,
            "add_href": reverse("workspace:roster_shift_add", kwargs={"public_id": site.public_id}),
        },
    )


# --- Planning and cancelling -------------------------------------------------------------------


def _initial_shift(request: HttpRequest) -> dict[str, Any]:
    """Date and times from a gap's or a day's link (``?date=&start=&end=``), if readable."""
    initial: dict[str, Any] = {}
    for key, parse in (
        ("date", dt.date.fromisoformat),
        ("start", dt.time.fromisoformat),
        ("end", dt.time.fromisoformat),
    ):
        try:
            initial[key] = parse(request.GET.get(key, ""))
        except ValueError:
            continue
    return initial


@require_roles(roles.ROSTER_EDIT)
@require_http_methods(["GET", "POST"])
def shift_add(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = request.user
    site = get_object_or_404(sites_for(user, roles.ROSTER_EDIT), public_id=public_id)
    people = roster_people(site)
    form = ShiftForm(_posted(request), people=people, initial=_initial_shift(request))
    if request.method == "POST" and form.is_valid():
        fields = form.shift_fields()
        try:
            shift = roster_services.shift_create(actor=user, site=site, **fields)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("已排班：%(name)s，%(when)s。")
                % {"name": shift.person.name, "when": shift_words(shift)},
            )
            return redirect(week_url(site, timezone.localtime(shift.start).date()))
    back_day = form.initial.get("date") or timezone.localdate()
    return render_page(
        request,
        "workspace/roster_shift_form.html",
        {
            "site": site,
            "form": form,
            "has_people": people.exists(),
            "back_href": week_url(site, back_day),
        },
        forms_with_errors=[form],
    )


@require_roles(roles.ROSTER_EDIT)
@require_http_methods(["GET", "POST"])
def shift_cancel(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = request.user
    shift = get_object_or_404(
        shifts_for(user, roles.ROSTER_EDIT).filter(status=ShiftStatus.PLANNED),
        public_id=public_id,
    )
    back = week_url(shift.site, timezone.localtime(shift.start).date())
    form = CancelForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            roster_services.shift_cancel(
                actor=user, shift=shift, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("已取消：%(name)s，%(when)s。")
                % {"name": shift.person.name, "when": shift_words(shift)},
            )
            return redirect(back)
    return render_page(
        request,
        "workspace/roster_shift_cancel.html",
        {"shift": shift, "when": shift_words(shift), "form": form, "back_href": back},
        forms_with_errors=[form],
    )


# --- My shifts and requests --------------------------------------------------------------------


@require_roles(roles.ROSTER_VIEW)
def my_shifts(request: HttpRequest) -> HttpResponse:
    """The signed-in person's shifts from now on, at every site, with their requests."""
    user = request.user
    now = timezone.now()
    shifts = list(with_open_requests(my_shifts_between(user, now, now + MY_SHIFTS_AHEAD)))
    for shift in shifts:
        shift.when = shift_words(shift)  # type: ignore[attr-defined]
    decided = list(own_decided_requests(user, now - DECIDED_SHOWN)[:10])
    for req in decided:
        req.when = shift_words(req.shift)  # type: ignore[attr-defined]
    return render_page(
        request,
        "workspace/roster_my_shifts.html",
        {"shifts": shifts, "decided": decided, "ahead_weeks": MY_SHIFTS_AHEAD.days // 7},
    )


@require_roles(roles.ROSTER_VIEW)
@require_http_methods(["GET", "POST"])
def my_shift_request(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Ask the site to swap or cancel one of my own shifts, with a reason."""
    user = request.user
    shift = get_object_or_404(own_planned_shifts(user), public_id=public_id)
    kind = request.GET.get("kind")
    form = RequestForm(
        _posted(request), initial={"kind": kind if kind in RequestKind.values else None}
    )
    if request.method == "POST" and form.is_valid():
        try:
            req = roster_services.shift_request(
                actor=user,
                shift=shift,
                kind=form.cleaned_data["kind"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("已提交%(kind)s申请：%(when)s。站点负责人处理后，这里会显示结果。")
                % {"kind": req.get_kind_display(), "when": shift_words(shift)},
            )
            return redirect("workspace:my_shifts")
    return render_page(
        request,
        "workspace/roster_request_form.html",
        {"shift": shift, "when": shift_words(shift), "form": form},
        forms_with_errors=[form],
    )


@require_roles(roles.ROSTER_EDIT)
@require_http_methods(["GET", "POST"])
def request_decide(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The site approves or declines a swap or cancel request (a swap may name who takes it)."""
    user = request.user
    req = get_object_or_404(
        shift_requests_for(user, roles.ROSTER_EDIT).select_related("shift__person", "handled_by"),
        public_id=public_id,
    )
    shift = req.shift
    is_open = req.status == RequestStatus.OPEN
    people = None
    if req.kind == RequestKind.SWAP:
        people = roster_people(shift.site).exclude(pk=shift.person_id)
    form = DecideForm(_posted(request), people=people)
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["decision"] == APPROVE
        replacement = form.cleaned_data.get("replacement") if approve else None
        try:
            roster_services.shift_request_decide(
                actor=user, request=req, approve=approve, replacement=replacement
            )
        except ValidationError as exc:
            apply_errors(
                form,
                exc,
                aliases={"person": "replacement", "start": "replacement", "end": "replacement"},
            )
        else:
            done = _("已同意") if approve else _("已不同意")
            messages.success(
                request,
                _("%(done)s %(name)s 的%(kind)s申请（%(when)s）。")
                % {
                    "done": done,
                    "name": req.requested_by.name,
                    "kind": req.get_kind_display(),
                    "when": shift_words(shift),
                },
            )
            return redirect(week_url(shift.site, timezone.localtime(shift.start).date()))
    return render_page(
        request,
        "workspace/roster_request_decide.html",
        {
            "req": req,
            "shift": shift,
            "when": shift_words(shift),
            "is_open": is_open,
            "form": form,
            "back_href": week_url(shift.site, timezone.localtime(shift.start).date()),
        },
        forms_with_errors=[form],
    )
