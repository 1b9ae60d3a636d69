"""Classes in the staff workspace: the class list, courses, scheduling, publishing (with the
level-2 reasons first), cancelling, and the desk's roster and check-in by code."""

from __future__ import annotations

import contextlib
import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from huoban.accounts import roles
from huoban.accounts.permissions import require_roles
from huoban.accounts.selectors import holds_role_at_site, holds_role_over
from huoban.classes import services as class_services
from huoban.classes.models import SignUpChannel, SignUpStatus
from huoban.classes.selectors import (
    UPCOMING,
    courses,
    filter_sessions,
    level2_reasons_if_published,
    roster,
    sessions_for,
    signups_for,
    with_counts,
)
from huoban.people.models import Elder
from huoban.people.selectors import elder_search, elders_for
from huoban.sites.selectors import sites_for
from huoban.workspace.class_forms import (
    CancelForm,
    ClassFilterForm,
    CodeForm,
    CourseForm,
    RosterAddForm,
    SessionForm,
)
from huoban.workspace.views.common import apply_errors, paginate, render_page

ELDER_MATCHES = 8


def _session(request: HttpRequest, public_id: uuid.UUID, wanted=roles.CLASSES_DESK):
    return get_object_or_404(
        with_counts(sessions_for(request.user, wanted)).select_related("site", "course"),
        public_id=public_id,
    )


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# --- The class list ------------------------------------------------------------------------


@require_roles(roles.CLASSES_DESK)
def class_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    sites = sites_for(user, roles.CLASSES_DESK).order_by("name", "id")
    form = ClassFilterForm(request.GET or None, sites=sites, initial={"when": UPCOMING})
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    now = timezone.now()
    qs = filter_sessions(
        with_counts(sessions_for(user, roles.CLASSES_DESK)).select_related("site", "course"),
        site=data.get("site"),
        status=data.get("status") or "",
        when=data.get("when") or UPCOMING,
        now=now,
    )
    page = paginate(request, qs)
    rows = [(s, level2_reasons_if_published(s, now)) for s in page]
    return render_page(
        request,
        "workspace/class_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "can_schedule": holds_role_over(user, roles.CLASSES_EDIT, anywhere=True),
        },
    )


# --- Courses -----------------------------------------------------------------------------------


@require_roles(roles.CLASSES_DESK)
def course_list(request: HttpRequest) -> HttpResponse:
    return render_page(
        request,
        "workspace/course_list.html",
        {
            "page": paginate(request, courses()),
            "can_edit": holds_role_over(request.user, roles.CLASSES_EDIT, anywhere=True),
        },
    )


@require_roles(roles.CLASSES_EDIT)
@require_http_methods(["GET", "POST"])
def course_create(request: HttpRequest) -> HttpResponse:
    return _course_form(request, None)


@require_roles(roles.CLASSES_EDIT)
@require_http_methods(["GET", "POST"])
def course_edit(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _course_form(request, get_object_or_404(courses(), public_id=public_id))


def _course_form(request: HttpRequest, course) -> HttpResponse:
    initial = {}
    if course is not None:
        initial = {
            "title": course.title,
            "scenario": course.scenario_id,
            "description": course.description,
            "materials": course.materials,
        }
    form = CourseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if course is None:
                course = class_services.course_create(actor=request.user, **form.cleaned_data)
                messages.success(request, _("已添加课程“%(title)s”。") % {"title": course.title})
            else:
                class_services.course_update(actor=request.user, course=course, **form.cleaned_data)
                messages.success(request, _("已保存课程“%(title)s”。") % {"title": course.title})
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("workspace:course_list")
    return render_page(
        request,
        "workspace/course_form.html",
        {"form": form, "course": course},
        forms_with_errors=[form],
    )


# --- Scheduling, publishing, cancelling ------------------------------------------------------


@require_roles(roles.CLASSES_EDIT)
@require_http_methods(["GET", "POST"])
def class_create(request: HttpRequest) -> HttpResponse:
    """Schedule a session (saved as a draft); ``?course=`` starts from a course."""
    sites = sites_for(request.user, roles.CLASSES_EDIT).order_by("name", "id")
    initial = {}
    chosen = request.GET.get("course")
    if chosen:
        with contextlib.suppress(ValueError, ValidationError):
            course = courses().filter(public_id=uuid.UUID(chosen)).first()
            if course is not None:
                initial = {"course": course.pk, "title": course.title}
    form = SessionForm(request.POST or None, sites=sites, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            session = class_services.session_create(
                actor=request.user, site=form.cleaned_data["site"], **form.session_fields()
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error("site", str(exc))
        else:
            messages.success(
                request,
                _("已保存草稿“%(title)s”。发布后长者才能看到和报名。") % {"title": session.title},
            )
            return redirect("workspace:class_detail", public_id=session.public_id)
    return render_page(
        request,
        "workspace/class_form.html",
        {"form": form, "session": None},
        forms_with_errors=[form],
    )


@require_roles(roles.CLASSES_EDIT)
@require_http_methods(["GET", "POST"])
def class_edit(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    session = _session(request, public_id, roles.CLASSES_EDIT)
    if not session.edit_open():  # the rule is the session's; the page words it once for both
        messages.error(request, _("这节课已经取消或已经开始，不能再修改。"))
        return redirect("workspace:class_detail", public_id=session.public_id)
    form = SessionForm(
        request.POST or None,
        sites=None,
        site=session.site,
        initial=SessionForm.initial_for(session),
    )
    if request.method == "POST" and form.is_valid():
        try:
            class_services.session_update(
                actor=request.user, session=session, **form.session_fields()
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已保存修改。"))
            return redirect("workspace:class_detail", public_id=session.public_id)
    return render_page(
        request,
        "workspace/class_form.html",
        {"form": form, "session": session},
        forms_with_errors=[form],
    )


@require_roles(roles.CLASSES_DESK)
def class_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    session = _session(request, public_id)
    return render_page(
        request,
        "workspace/class_detail.html",
        {
            "session": session,
            "reasons": level2_reasons_if_published(session, timezone.now()),
            # What may be done is the session's own rule (the template asks it); the role
            # over the site is the view's.
            "can_manage": holds_role_at_site(request.user, roles.CLASSES_EDIT, session.site),
        },
    )


@require_roles(roles.CLASSES_EDIT)
@require_http_methods(["GET", "POST"])
def class_publish(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """First the level-2 reasons (as if published now), then the manager confirms."""
    session = _session(request, public_id, roles.CLASSES_EDIT)
    refusal = session.publish_status_refusal()  # the time is checked on confirming
    if refusal:
        messages.error(request, refusal)
        return redirect("workspace:class_detail", public_id=session.public_id)
    if request.method == "POST":
        try:
            reasons = class_services.session_publish(actor=request.user, session=session)
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(
                request, _("已发布“%(title)s”，长者可以报名了。") % {"title": session.title}
            )
            if reasons:
                messages.warning(
                    request,
                    _("这节课不计入二级站点：%(reasons)s") % {"reasons": " ".join(reasons)},
                )
        return redirect("workspace:class_detail", public_id=session.public_id)
    return render_page(
        request,
        "workspace/class_publish.html",
        {"session": session, "reasons": level2_reasons_if_published(session, timezone.now())},
    )


@require_roles(roles.CLASSES_EDIT)
@require_http_methods(["GET", "POST"])
def class_cancel(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The site calls a class off, with a reason (those signed up are told)."""
    session = _session(request, public_id, roles.CLASSES_EDIT)
    refusal = session.cancel_status_refusal()  # the time is checked on sending the form
    if refusal:
        messages.error(request, refusal)
        return redirect("workspace:class_detail", public_id=session.public_id)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            class_services.session_cancel(
                actor=request.user, session=session, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已取消“%(title)s”。") % {"title": session.title})
            return redirect("workspace:class_detail", public_id=session.public_id)
    return render_page(
        request,
        "workspace/class_cancel.html",
        {"form": form, "session": session},
        forms_with_errors=[form],
    )


# --- The desk: roster, sign-up on an elder's behalf, walk-ins, check-in ------------------------


def _found_elders(request: HttpRequest, text: str) -> list[Elder]:
    """The desk's search, or the elder just registered (``?elder=``)."""
    qs = elders_for(request.user, roles.CLASSES_DESK)
    if text:
        return list(elder_search(qs, text).order_by("name", "id")[:ELDER_MATCHES])
    chosen = request.GET.get("elder")
    if chosen:
        with contextlib.suppress(ValueError, ValidationError):
            return list(qs.filter(public_id=uuid.UUID(chosen)))
    return []


@require_roles(roles.CLASSES_DESK)
@require_http_methods(["GET", "POST"])
def class_roster(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Who has a place, who waits, and adding an elder (a sign-up or a walk-in)."""
    session = _session(request, public_id)
    here = reverse("workspace:class_roster", kwargs={"public_id": session.public_id})
    if request.method == "POST":
        form = RosterAddForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("请先查找并选择一位长者。"))
            return redirect(here)
        elder = get_object_or_404(
            elders_for(request.user, roles.CLASSES_DESK), public_id=form.cleaned_data["elder"]
        )
        try:
            if form.cleaned_data["action"] == RosterAddForm.WALK_IN:
                class_services.walk_in_add(actor=request.user, session=session, elder=elder)
                messages.success(request, _("%(name)s 已现场加入并签到。") % {"name": elder.name})
            else:
                signup = class_services.signup_create(
                    actor=request.user, session=session, elder=elder, channel=SignUpChannel.STAFF
                )
                if signup.status == SignUpStatus.CONFIRMED:
                    text = _("已为%(name)s报名，有名额。")
                else:
                    text = _("名额已满，%(name)s已排入候补。")
                messages.success(request, text % {"name": elder.name})
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        return redirect(here)
    now = timezone.now()
    text = (request.GET.get("q") or "").strip()[:50]
    found = _found_elders(request, text)
    return render_page(
        request,
        "workspace/class_roster.html",
        {
            "session": session,
            "roster": roster(session, now),
            "q": text,
            "found": found,
            "searched": bool(text),
            "register_href": reverse("workspace:elder_create") + "?next=" + here,
        },
    )


SIGNUP_ACTIONS = ("check-in", "cancel", "undo")


@require_roles(roles.CLASSES_DESK)
@require_POST
def class_signup_action(request: HttpRequest, public_id: uuid.UUID, action: str) -> HttpResponse:
    """A button on the roster: check in, cancel, or undo the last step of one sign-up."""
    if action not in SIGNUP_ACTIONS:
        raise Http404
    signup = get_object_or_404(
        signups_for(request.user, roles.CLASSES_DESK).select_related("session__site", "elder"),
        public_id=public_id,
    )
    name = signup.elder.name
    try:
        if action == "check-in":
            first = class_services.signup_check_in(actor=request.user, signup=signup)
            messages.success(request, _checked_in_text(name, first))
        elif action == "cancel":
            promoted = class_services.signup_cancel(actor=request.user, signup=signup)
            messages.success(
                request, _("已取消%(name)s的报名，10 分钟内可以撤销。") % {"name": name}
            )
            for moved in promoted:
                messages.info(
                    request, _("%(name)s 从候补转为已报名。") % {"name": moved.elder.name}
                )
        else:
            undone = class_services.signup_undo(actor=request.user, signup=signup)
            messages.success(
                request,
                _("已撤销，%(name)s现在是“%(status)s”。")
                % {"name": name, "status": undone.get_status_display()},
            )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    return redirect("workspace:class_roster", public_id=signup.session.public_id)


def _checked_in_text(name: str, first: bool) -> str:
    if first:
        return _("%(name)s 已签到。") % {"name": name}
    return _("%(name)s 已签到过，不重复计数。") % {"name": name}


@require_roles(roles.CLASSES_DESK)
@require_http_methods(["GET", "POST"])
def class_code(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Check in by the confirmation code: scanned with the camera, or typed."""
    session = _session(request, public_id)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            signup = class_services.signup_by_code(session, form.cleaned_data["code"])
            first = class_services.signup_check_in(actor=request.user, signup=signup)
        except ValidationError as exc:
            form.add_error("code", exc.messages)
        else:
            messages.success(request, _checked_in_text(signup.elder.name, first))
            return redirect("workspace:class_code", public_id=session.public_id)
    return render_page(
        request,
        "workspace/class_code.html",
        {"form": form, "session": session},
        forms_with_errors=[form],
    )
