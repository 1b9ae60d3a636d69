"""The elder portal's classes: timetables (all, a street's, a site's) and their iCalendar
feeds, a class's page, signing up (for oneself or a bound family member), the confirmation
with its code and QR, cancelling and undoing.

Three taps from the home page — 上课学手机, the class, 我要报名 — then one confirmation.
Every step is a plain link or form; nothing needs JavaScript.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huoban.accounts.models import LinkRelation
from huoban.accounts.selectors import elder_links_held_by
from huoban.classes.models import UNDO_WINDOW, ClassSession, SignUp, SignUpStatus
from huoban.classes.selectors import elder_signups_for, waiting_place
from huoban.classes.services import signup_cancel, signup_create, signup_undo
from huoban.classes.timetable import (
    days_of,
    for_cards,
    in_street,
    places_of,
    published_sessions,
    timetable_page,
    upcoming_sessions,
)
from huoban.lib import ical
from huoban.lib.qr import qr_svg
from huoban.lib.urls import absolute
from huoban.lib.when import date_words, time_range_words
from huoban.portal.account_forms import TimetableForm
from huoban.portal.account_views import elder_login_required
from huoban.portal.views import page_links, street_of
from huoban.regions.models import RegionLevel
from huoban.regions.selectors import regions_public
from huoban.sites.selectors import sites_public

PER_PAGE = 20
FEED_DAYS_BACK = 14
FEED_LIMIT = 500


def _timetable(request: HttpRequest, qs, context: dict) -> HttpResponse:
    # Paginator.get_page turns a missing, bad or out-of-range number into a real page.
    page, rows = timetable_page(for_cards(qs), request.GET.get("page"), PER_PAGE)
    context.update(
        {
            "page": page,
            "days": days_of(rows),
            "today": timezone.localdate(),
            **page_links(request, page),
        }
    )
    return render(request, "portal/timetable.html", context)


def timetable(request: HttpRequest) -> HttpResponse:
    """All classes still to come, filtered by district or street."""
    form = TimetableForm(request.GET or None)
    qs = upcoming_sessions()
    region = None
    if form.is_valid():
        region = form.cleaned_data.get("street") or form.cleaned_data.get("district")
    if region is not None:
        qs = qs.filter(region_path__under=region.path)
    context = {"heading": _("上课学手机"), "region": region, "filter": True, "form": form}
    return _timetable(request, qs, context)


def street_timetable(request: HttpRequest, code: str) -> HttpResponse:
    street = get_object_or_404(regions_public(), code=code, level=RegionLevel.STREET)
    qs = upcoming_sessions().filter(region_path__under=street.path)
    heading = _("%(street)s的课堂") % {"street": street.name}
    feed = reverse("portal:street_feed", args=[street.code])
    return _timetable(request, qs, {"heading": heading, "region": street, "feed_url": feed})


def site_timetable(request: HttpRequest, public_id) -> HttpResponse:
    site = get_object_or_404(sites_public(), public_id=public_id)
    qs = upcoming_sessions().filter(site=site)
    heading = _("%(site)s的课堂") % {"site": site.name}
    feed = reverse("portal:site_feed", args=[site.public_id])
    return _timetable(request, qs, {"heading": heading, "site": site, "feed_url": feed})


def _feed(request: HttpRequest, qs, name: str) -> HttpResponse:
    now = timezone.now()
    sessions = qs.filter(end__gt=now - dt.timedelta(days=FEED_DAYS_BACK)).order_by("start")[
        :FEED_LIMIT
    ]
    events = [
        ical.Event(
            uid=f"{s.public_id}@huoban",
            start=s.start,
            end=s.end,
            summary=s.title,
            location=f"{s.site.name} {s.site.address}",
            description=s.course.description if s.course else "",
            url=absolute(reverse("portal:class", args=[s.public_id])),
            stamp=s.published_at,
        )
        for s in sessions
    ]
    response = HttpResponse(
        ical.calendar(name, events, now=now), content_type="text/calendar; charset=utf-8"
    )
    response["Cache-Control"] = "public, max-age=900"
    return response


def street_feed(request: HttpRequest, code: str) -> HttpResponse:
    street = get_object_or_404(regions_public(), code=code, level=RegionLevel.STREET)
    qs = published_sessions().filter(region_path__under=street.path)
    return _feed(request, qs, _("%(street)s的课堂") % {"street": street.name})


def site_feed(request: HttpRequest, public_id) -> HttpResponse:
    site = get_object_or_404(sites_public(), public_id=public_id)
    return _feed(
        request,
        published_sessions().filter(site=site),
        _("%(site)s的课堂") % {"site": site.name},
    )


def _session(public_id) -> ClassSession:
    return get_object_or_404(published_sessions(), public_id=public_id)


def _choices(request: HttpRequest, session: ClassSession) -> list[dict]:
    """For each elder the signed-in person acts for: their sign-up here, if any."""
    links = elder_links_held_by(request.user)
    if not links:
        return []
    signups = elder_signups_for(request.user).filter(session=session)
    current = {s.elder_id: s for s in signups.exclude(status=SignUpStatus.CANCELLED)}
    return [
        {"link": link, "elder": link.elder, "signup": current.get(link.elder_id)} for link in links
    ]


def class_page(request: HttpRequest, public_id) -> HttpResponse:
    session = _session(public_id)
    now = timezone.now()
    places = places_of([session])[session.pk]
    neighbours = in_street(upcoming_sessions(now), session.region_path).exclude(pk=session.pk)
    return render(
        request,
        "portal/class.html",
        {
            "session": session,
            "places": places,
            "choices": _choices(request, session),
            "when": _when(session),
            "more_in_street": neighbours.exists(),
            "street": street_of(session.site),
        },
    )


def _when(session: ClassSession) -> str:
    start = timezone.localtime(session.start)
    end = timezone.localtime(session.end)
    return f"{date_words(start.date())} {time_range_words(start.time(), end.time())}"


def _elder_for(request: HttpRequest, public_id) -> tuple:
    """An elder the signed-in person acts for (404 for anyone else's)."""
    for link in elder_links_held_by(request.user):
        if str(link.elder.public_id) == str(public_id):
            return link.elder, link.relation
    raise Http404


@elder_login_required
def sign_up(request: HttpRequest, public_id) -> HttpResponse:
    """The confirmation step: who, which class, what happens; then the place is taken."""
    session = get_object_or_404(
        published_sessions().select_related(None).select_related("site"), public_id=public_id
    )
    links = elder_links_held_by(request.user)
    chosen = request.POST.get("elder") or request.GET.get("elder")
    if not chosen and len(links) == 1:
        chosen = str(links[0].elder.public_id)
    if not chosen:
        if not links:
            return render(request, "portal/no_elder.html", {"session": session})
        return redirect("portal:class", public_id=session.public_id)
    elder, relation = _elder_for(request, chosen)
    errors: list[str] = []
    if request.method == "POST":
        try:
            signup = signup_create(actor=request.user, session=session, elder=elder)
        except ValidationError as exc:
            errors = exc.messages
        else:
            return redirect("portal:signup", public_id=signup.public_id)
    return render(
        request,
        "portal/sign_up.html",
        {
            "session": session,
            "elder": elder,
            "is_self": relation == LinkRelation.SELF,
            "places": places_of([session])[session.pk],
            "when": _when(session),
            "errors": errors,
        },
        status=422 if errors else 200,
    )


def _own_signup(request: HttpRequest, public_id) -> SignUp:
    return get_object_or_404(
        elder_signups_for(request.user).select_related("session", "session__site", "elder"),
        public_id=public_id,
    )


def _signup_context(signup: SignUp, errors: list[str] | None = None) -> dict:
    now = timezone.now()
    session = signup.session
    undo_until = signup.status_changed_at + UNDO_WINDOW
    return {
        "signup": signup,
        "session": session,
        "when": _when(session),
        "position": waiting_place(signup) if signup.status == SignUpStatus.WAITING else None,
        "qr": qr_svg(signup.code, scale=6, title=_("报名凭证二维码，签到时出示")),
        "can_undo": signup.undo_open(now),
        "undo_until": timezone.localtime(undo_until),
        "can_cancel": signup.cancel_open(now),
        "errors": errors or [],
    }


@elder_login_required
def signup_page(request: HttpRequest, public_id) -> HttpResponse:
    """The confirmation to show or print: status, code and QR, when and where."""
    signup = _own_signup(request, public_id)
    return render(request, "portal/signup.html", _signup_context(signup))


@elder_login_required
def signup_cancel_page(request: HttpRequest, public_id) -> HttpResponse:
    signup = _own_signup(request, public_id)
    errors: list[str] = []
    if request.method == "POST":
        try:
            signup_cancel(actor=request.user, signup=signup)
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            errors = exc.messages
        else:
            return redirect("portal:signup", public_id=signup.public_id)
    context = _signup_context(signup, errors)
    return render(request, "portal/signup_cancel.html", context, status=422 if errors else 200)


@elder_login_required
@require_POST
def signup_undo_page(request: HttpRequest, public_id) -> HttpResponse:
    signup = _own_signup(request, public_id)
    try:
        signup_undo(actor=request.user, signup=signup)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        signup.refresh_from_db()
        return render(
            request, "portal/signup.html", _signup_context(signup, exc.messages), status=422
        )
    return redirect("portal:signup", public_id=signup.public_id)
