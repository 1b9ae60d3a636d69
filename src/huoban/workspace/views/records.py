"""Help records: log a session at the desk, the list, one record, corrections, the review
queue, imports, and registering an elder."""

from __future__ import annotations

import contextlib
import uuid

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from huoban.accounts import roles
from huoban.accounts.permissions import require_roles
from huoban.accounts.selectors import holds_role_at_site
from huoban.lib.spreadsheets import SpreadsheetRefused
from huoban.lib.when import time_words
from huoban.people.models import Elder
from huoban.people.selectors import elder_search, elders_for
from huoban.records import importing
from huoban.records import services as record_services
from huoban.records.models import HelpSession, ImportBatch
from huoban.records.selectors import (
    filter_help_sessions,
    flags_for,
    help_counts,
    help_sessions_for,
    import_batches_of,
    open_flags_for,
    with_open_flags,
)
from huoban.sites.models import ServiceKind, Site
from huoban.sites.selectors import services_public, sites_for
from huoban.workspace.record_forms import (
    ANONYMOUS,
    AmendForm,
    FlagReviewForm,
    HelpSessionForm,
    ImportForm,
    ReasonForm,
    RecordFilterForm,
)
from huoban.workspace.views.common import apply_errors, paginate, render_page

ELDER_MATCHES = 8
LAST_SITE = "huoban.records.last_site"


def _log_sites(user) -> list[Site]:
    return list(sites_for(user, roles.RECORDS_LOG).order_by("name", "id"))


def _elder_matches(user, text: str, chosen: str | None) -> list[Elder]:
    """Elders matching the desk's search, plus the one already chosen (kept on an error)."""
    qs = elders_for(user, roles.RECORDS_LOG)
    found = list(elder_search(qs, text)[:ELDER_MATCHES]) if text else []
    if chosen and chosen != ANONYMOUS and all(str(e.public_id) != chosen for e in found):
        with contextlib.suppress(ValueError):
            found += list(qs.filter(public_id=uuid.UUID(chosen)))
    return found


def _session_form(request: HttpRequest, form_class=HelpSessionForm, **kwargs):
    user = request.user
    sites = _log_sites(user)
    text = (request.GET.get("q") or request.POST.get("q") or "").strip()[:50]
    chosen = request.POST.get("elder") or request.GET.get("elder")
    elders = _elder_matches(user, text, chosen)
    initial = kwargs.pop("initial", {})
    last = request.session.get(LAST_SITE)
    if "site" not in initial and any(s.pk == last for s in sites):
        initial["site"] = last
    if chosen and "elder" not in initial:
        initial["elder"] = chosen
    form = form_class(
        request.POST or None,
        sites=sites_for(user, roles.RECORDS_LOG).order_by("name", "id"),
        scenarios=services_public(ServiceKind.SCENARIO),
        elders=elders,
        initial=initial,
        **kwargs,
    )
    return form, text


@require_roles(roles.RECORDS_LOG)
@require_http_methods(["GET", "POST"])
def record_log(request: HttpRequest) -> HttpResponse:
    """The desk's page: a walk-in is a tap on a scenario and "save"."""
    form, text = _session_form(request)
    if request.method == "POST" and form.is_valid():
        fields = form.session_fields()
        try:
            session = record_services.help_session_log(actor=request.user, **fields)
        except ValidationError as exc:
            apply_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error("site", str(exc))
        else:
            request.session[LAST_SITE] = session.site_id
            who = session.elder.name if session.elder else _("匿名长者")
            what = "、".join(s.display_name for s in fields["scenarios"]) or session.scenario_other
            messages.success(
                request,
                _("已记录：%(who)s，%(what)s，%(time)s。")
                % {
                    "who": who,
                    "what": what,
                    "time": time_words(timezone.localtime(session.occurred_at).time()),
                },
            )
            return redirect("workspace:record_log")
    if request.htmx and request.htmx.target == "elder-choices":
        return render_page(
            request, "workspace/record_log.html#elder-choices", {"form": form, "q": text}
        )
    today = timezone.localdate()
    mine = help_sessions_for(request.user, roles.RECORDS_LOG).filter(
        helper=request.user, voided_at__isnull=True, occurred_at__date=today
    )
    return render_page(
        request,
        "workspace/record_log.html",
        {
            "form": form,
            "q": text,
            "today_count": mine.count(),
        },
        forms_with_errors=[form],
    )


def _filtered_records(request: HttpRequest):
    user = request.user
    sites = sites_for(user, roles.RECORDS_VIEW).order_by("name", "id")
    form = RecordFilterForm(request.GET or None, sites=sites)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    qs = filter_help_sessions(
        help_sessions_for(user, roles.RECORDS_VIEW),
        site=data.get("site"),
        start=data.get("start"),
        end=data.get("end"),
        status=data.get("status") or "",
        rule=data.get("rule") or "",
    )
    return form, qs


@require_roles(roles.RECORDS_VIEW)
def record_list(request: HttpRequest) -> HttpResponse:
    form, qs = _filtered_records(request)
    qs = with_open_flags(
        qs.select_related("site", "elder", "helper").prefetch_related("scenarios")
    ).order_by("-occurred_at", "-id")
    return render_page(
        request,
        "workspace/record_list.html",
        {
            "form": form,
            "page": paginate(request, qs),
            "counts": help_counts(qs),
            "can_log": sites_for(request.user, roles.RECORDS_LOG).exists(),
            "can_review": open_flags_for(request.user, roles.RECORDS_REVIEW).exists(),
        },
    )


def _record(request: HttpRequest, public_id: uuid.UUID, wanted=roles.RECORDS_VIEW):
    return get_object_or_404(
        help_sessions_for(request.user, wanted).select_related(
            "site", "elder", "helper", "voided_by"
        ),
        public_id=public_id,
    )


def _label(field: str) -> str:
    if field == "scenarios":
        return _("场景")
    try:
        return str(HelpSession._meta.get_field(field).verbose_name)
    except FieldDoesNotExist:  # a field removed since the amendment was written
        return field


@require_roles(roles.RECORDS_VIEW)
def record_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    session = _record(request, public_id)
    user = request.user
    return render_page(
        request,
        "workspace/record_detail.html",
        {
            "record": session,
            "scenarios": list(session.scenarios.all()),
            "amendments": [
                (a, [(_label(k), old, new) for k, (old, new) in a.changes.items()])
                for a in session.amendments.select_related("actor")
            ],
            "flags": list(session.flags.select_related("reviewed_by")),
            "can_correct": holds_role_at_site(user, roles.RECORDS_CORRECT, session.site)
            and not session.is_voided,
            "can_review": holds_role_at_site(user, roles.RECORDS_REVIEW, session.site),
        },
    )


@require_roles(roles.RECORDS_CORRECT)
@require_http_methods(["GET", "POST"])
def record_amend(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    session = _record(request, public_id, roles.RECORDS_CORRECT)
    if session.is_voided:
        messages.error(request, _("这条记录已作废，不能再更正。"))
        return redirect("workspace:record_detail", public_id=session.public_id)
    initial = {
        "site": session.site_id,
        "elder": str(session.elder.public_id) if session.elder else ANONYMOUS,
        "scenarios": list(session.scenarios.all()),
        "scenario_other": session.scenario_other,
        "channel": session.channel,
        "outcome": session.outcome,
        "duration_minutes": session.duration_minutes,
        "occurred_at": timezone.localtime(session.occurred_at),
        "note": session.note,
    }
    form, text = _session_form(request, AmendForm, initial=initial)
    if session.elder and all(k != str(session.elder.public_id) for k in form.elder_objects):
        form.elder_objects[str(session.elder.public_id)] = session.elder
        form.fields["elder"].choices = [
            *form.fields["elder"].choices,
            (str(session.elder.public_id), session.elder.desk_label),
        ]
    if request.method == "POST" and form.is_valid():
        fields = form.session_fields()
        scenarios = fields.pop("scenarios")
        try:
            record_services.help_session_amend(
                actor=request.user,
                session=session,
                reason=form.cleaned_data["reason"],
                scenarios=scenarios,
                **fields,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error("site", str(exc))
        else:
            messages.success(request, _("记录已更正。"))
            return redirect("workspace:record_detail", public_id=session.public_id)
    return render_page(
        request,
        "workspace/record_amend.html",
        {"form": form, "record": session, "q": text},
        forms_with_errors=[form],
    )


@require_roles(roles.RECORDS_CORRECT)
@require_http_methods(["GET", "POST"])
def record_void(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    session = _record(request, public_id, roles.RECORDS_CORRECT)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record_services.help_session_void(
                actor=request.user, session=session, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("记录已作废，不再计入人次。"))
            return redirect("workspace:record_detail", public_id=session.public_id)
    return render_page(
        request,
        "workspace/record_void.html",
        {"form": form, "record": session},
        forms_with_errors=[form],
    )


@require_roles(roles.RECORDS_REVIEW)
def review_queue(request: HttpRequest) -> HttpResponse:
    flags = (
        open_flags_for(request.user, roles.RECORDS_REVIEW)
        .select_related("help_session__site", "help_session__elder", "help_session__helper")
        .order_by("created_at", "id")
    )
    return render_page(
        request,
        "workspace/review_queue.html",
        {"page": paginate(request, flags), "form": FlagReviewForm()},
    )


@require_roles(roles.RECORDS_REVIEW)
@require_http_methods(["GET", "POST"])
def flag_review(request: HttpRequest, flag_id: int) -> HttpResponse:
    flag = get_object_or_404(
        flags_for(request.user, roles.RECORDS_REVIEW).select_related(
            "help_session__site", "help_session__elder", "help_session__helper"
        ),
        pk=flag_id,
    )
    form = FlagReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record_services.flag_review(
                actor=request.user,
                flag=flag,
                decision=form.cleaned_data["decision"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已复核。"))
            return redirect("workspace:review_queue")
    return render_page(
        request,
        "workspace/flag_review.html",
        {"form": form, "flag": flag, "record": flag.help_session},
        forms_with_errors=[form],
    )


@require_roles(roles.RECORDS_LOG)
@require_http_methods(["GET", "POST"])
def record_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            content = upload.read(importing.MAX_BYTES + 1)
            batch = importing.import_check(
                actor=request.user, filename=upload.name, content=content
            )
        except SpreadsheetRefused as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("workspace:record_import_preview", public_id=batch.public_id)
    recent = import_batches_of(request.user).order_by("-created_at")[:10]
    return render_page(
        request,
        "workspace/record_import.html",
        {"form": form, "recent": recent},
        forms_with_errors=[form],
    )


@require_roles(roles.RECORDS_LOG)
@require_http_methods(["GET", "POST"])
def record_import_preview(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    batch = get_object_or_404(import_batches_of(request.user).defer("content"), public_id=public_id)
    if request.method == "POST":
        try:
            batch = importing.import_commit(
                actor=request.user, batch=import_batches_of(request.user).get(pk=batch.pk)
            )
        except ValidationError as exc:  # confirmed twice (a double click), or refused
            messages.error(request, " ".join(exc.messages))
            return redirect("workspace:record_import_preview", public_id=batch.public_id)
        if batch.status == ImportBatch.Status.IMPORTED:
            messages.success(
                request,
                _("已导入 %(new)s 条记录；%(known)s 条以前导入过，未重复导入。")
                % {"new": batch.rows_new, "known": batch.rows_known},
            )
            return redirect("workspace:record_list")
    return render_page(request, "workspace/record_import_preview.html", {"batch": batch})


@require_roles(roles.RECORDS_LOG)
def record_import_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        importing.import_template(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = "attachment; filename*=UTF-8''help-sessions-template.xlsx"
    return response
