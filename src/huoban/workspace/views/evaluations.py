"""Evaluations in the workspace: the overview (per site, course or teacher), one class's
results, entering a rating for an elder, and the help session's rating QR code."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from huoban.accounts.permissions import require_roles
from huoban.accounts.selectors import holds_role_at_site
from huoban.classes.models import SessionStatus
from huoban.classes.selectors import attendees
from huoban.evaluations import rules
from huoban.evaluations.selectors import (
    VIEW,
    class_evaluations,
    class_sessions_for_evaluation,
    evaluations_for,
    help_evaluation,
    overview,
    session_summaries,
    signups_for_evaluation,
    summary,
)
from huoban.evaluations.services import ENTER, evaluation_create
from huoban.evaluations.tokens import help_token
from huoban.lib.qr import qr_svg
from huoban.lib.urls import absolute
from huoban.records.selectors import help_sessions_for
from huoban.workspace.evaluation_forms import OnBehalfForm, OverviewForm
from huoban.workspace.views.common import apply_errors, paginate, render_page

RECENT_COMMENTS = 10


@require_roles(VIEW)
@require_GET
def evaluation_overview(request: HttpRequest) -> HttpResponse:
    """Ratings in the user's scope: totals, a table per site, course or teacher, the classes
    that ended most recently with their figures, and the latest comments."""
    user = request.user
    form = OverviewForm(request.GET or None)
    by = (form.cleaned_data.get("by") if form.is_valid() else "") or "site"
    qs = evaluations_for(user, VIEW)
    now = timezone.now()
    sessions = (
        class_sessions_for_evaluation(user, VIEW)
        .filter(status=SessionStatus.PUBLISHED, end__lte=now)
        .select_related("site")
        .order_by("-end", "-id")
    )
    page = paginate(request, sessions)
    figures = session_summaries(s.pk for s in page.object_list)
    session_rows = [
        {
            "session": s,
            "summary": figures.get(s.pk),
            "open": rules.window_for(s).is_open(now),
        }
        for s in page.object_list
    ]
    comments = (
        qs.exclude(comment="")
        .select_related("site", "class_session", "help_session")
        .order_by("-created_at", "-id")[:RECENT_COMMENTS]
    )
    return render_page(
        request,
        "workspace/evaluation_overview.html",
        {
            "form": form,
            "by": by,
            "totals": summary(qs),
            "rows": overview(qs, by),
            "page": page,
            "session_rows": session_rows,
            "comments": comments,
            "evaluation_days": settings.HUOBAN_EVALUATION_DAYS,
        },
    )


def _session(request: HttpRequest, public_id: uuid.UUID, wanted=VIEW):
    return get_object_or_404(
        class_sessions_for_evaluation(request.user, wanted).select_related("site", "course"),
        public_id=public_id,
    )


@require_roles(VIEW)
@require_GET
def evaluation_session(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """One class's results: the figures, the comments, and who attended and rated."""
    session = _session(request, public_id)
    now = timezone.now()
    evaluations = list(class_evaluations(session))
    by_elder = {e.elder_id: e for e in evaluations}
    came = list(attendees(session))
    window = rules.window_for(session)
    return render_page(
        request,
        "workspace/evaluation_session.html",
        {
            "session": session,
            "summary": summary(class_evaluations(session)),
            "comments": [e for e in evaluations if e.comment],
            "attendees": [(s, by_elder.get(s.elder_id)) for s in came],
            "window": window,
            "state": window.state(now),
            "can_enter": holds_role_at_site(request.user, ENTER, session.site),
        },
    )


@require_roles(ENTER)
@require_http_methods(["GET", "POST"])
def evaluation_enter(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Staff type in an attendee's rating (on the phone, from a paper form, at the desk)."""
    signup = get_object_or_404(
        signups_for_evaluation(request.user, ENTER).select_related(
            "session", "session__site", "elder"
        ),
        public_id=public_id,
    )
    session = signup.session
    problem = rules.obstacle(session, signup.elder, timezone.now())
    form = OnBehalfForm(request.POST or None)
    if request.method == "POST" and problem is None and form.is_valid():
        try:
            evaluation_create(
                actor=request.user,
                subject=session,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
                elder=signup.elder,
                on_behalf=True,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已代%(name)s提交评价。") % {"name": signup.elder.name})
            return redirect("workspace:evaluation_session", public_id=session.public_id)
    return render_page(
        request,
        "workspace/evaluation_enter.html",
        {"signup": signup, "session": session, "form": form, "problem": problem},
        forms_with_errors=[form],
    )


@require_roles(ENTER)
@require_GET
def evaluation_help(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The help session's rating QR code, for the helper to show or print; its result once
    the elder has rated."""
    record = get_object_or_404(
        help_sessions_for(request.user, ENTER).select_related("site", "elder", "helper"),
        public_id=public_id,
    )
    link = absolute(reverse("portal:evaluate_help", kwargs={"token": help_token(record)}))
    evaluation = help_evaluation(record)
    window = rules.window_for(record)
    now = timezone.now()
    return render_page(
        request,
        "workspace/evaluation_help.html",
        {
            "record": record,
            "link": link,
            # segno's markup, with the title escaped by qr_svg.
            "qr": mark_safe(qr_svg(link, title=_("扫码评价这次服务"))),  # noqa: S308
            "evaluation": evaluation,
            "window": window,
            "state": window.state(now),
            "voided": record.voided_at is not None,
        },
    )
