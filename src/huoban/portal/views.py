"""The elder portal: home, site finder, map, site pages, QR code and poster.

Every page works without JavaScript; scripts only add read-aloud and geolocation.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huoban.classes.timetable import street_neighbours, timetable_rows, upcoming_sessions
from huoban.evaluations.selectors import site_rating
from huoban.lib.geo import wgs84_to_gcj02
from huoban.lib.urls import absolute
from huoban.portal.context import TEXT_SIZES
from huoban.portal.forms import FinderForm
from huoban.regions.models import RegionLevel
from huoban.roster.selectors import on_duty_now
from huoban.sites.hours import DeskHours
from huoban.sites.selectors import (
    filter_sites,
    nearest_rows,
    open_at_q,
    page_of_sites,
    site_rows,
    sites_public,
    street_centre,
    with_hours,
)

PAGE_SIZE = 20
SITE_CLASSES = 5
MAP_LIMIT = 300


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html")


def _finder_results(request: HttpRequest, form: FinderForm, *, page_size: int):
    """The filtered sites with open state and distance, for the finder and the map."""
    now = timezone.now()
    data = form.cleaned_data if form.is_valid() else {}
    region = data.get("street") or data.get("district")
    qs = filter_sites(
        sites_public(), region=region, service=data["service"].code if data.get("service") else None
    )
    if data.get("open"):
        qs = qs.filter(open_at_q(now))
    origin = None
    if data.get("lat") is not None:
        origin = (float(data["lat"]), float(data["lng"]))
    elif data.get("near"):
        origin = street_centre(data["near"])
    page_number = data.get("page") or 1
    qs = qs.select_related("region")
    if origin:
        offset = (page_number - 1) * page_size
        return nearest_rows(qs, origin, now, limit=page_size, offset=offset), None, origin
    page = page_of_sites(qs, page_number, page_size)
    return site_rows(page.object_list, now), page, None


def page_links(request: HttpRequest, page) -> dict:
    if page is None:
        return {}
    params = request.GET.copy()
    links = {}
    if page.has_previous():
        params["page"] = page.previous_page_number()
        links["previous_url"] = f"?{params.urlencode()}"
    if page.has_next():
        params["page"] = page.next_page_number()
        links["next_url"] = f"?{params.urlencode()}"
    return links


def site_finder(request: HttpRequest) -> HttpResponse:
    form = FinderForm(request.GET or None)
    rows, page, origin = _finder_results(request, form, page_size=PAGE_SIZE)
    context = {
        "form": form,
        "rows": rows,
        "page": page,
        "origin": origin,
        "now": timezone.localtime(),
        "has_errors": form.is_bound and not form.is_valid(),
        **page_links(request, page),
    }
    return render(request, "portal/finder.html", context)


def site_map(request: HttpRequest) -> HttpResponse:
    form = FinderForm(request.GET or None)
    rows, _page, origin = _finder_results(request, form, page_size=MAP_LIMIT)
    gcj = settings.HUOBAN_MAP_TILE_CRS == "gcj02"

    def point(lat: float, lng: float) -> list[float]:
        return list(wgs84_to_gcj02(lat, lng)) if gcj else [lat, lng]

    markers = [
        {
            "name": row.site.name,
            "url": f"/sites/{row.site.public_id}/",
            "open": row.state.is_open,
            "pos": point(float(row.site.latitude), float(row.site.longitude)),
        }
        for row in rows
    ]
    map_config = {
        "tiles": settings.HUOBAN_MAP_TILE_URL,
        "attribution": settings.HUOBAN_MAP_TILE_ATTRIBUTION,
        "markers": markers,
        "open": _("开放中"),
        "closed": _("未开放"),
    }
    return render(
        request,
        "portal/map.html",
        {
            "form": form,
            "rows": rows,
            "origin": origin,
            "map_config": map_config,
            "now": timezone.localtime(),
        },
    )


def _public_site(public_id):
    return get_object_or_404(
        with_hours(
            sites_public()
            .select_related("region", "region__parent", "organisation")
            .prefetch_related("services")
        ),
        public_id=public_id,
    )


def site_page(request: HttpRequest, public_id) -> HttpResponse:
    site = _public_site(public_id)
    now = timezone.localtime()
    hours = DeskHours.for_site(site)
    state = hours.state_at(now)
    context = {
        "site": site,
        "state": state,
        "week": hours.week(now.date()),
        "today": now.date(),
        "now": now,
        "services": [s for s in site.services.all() if s.kind == "service"],
        "scenarios": [s for s in site.services.all() if s.kind == "scenario"],
        "nearby": _nearby_open(site, now),
        "on_duty": on_duty_now(site, now) if state.is_open else [],
        "classes": timetable_rows(upcoming_sessions(now).filter(site=site)[:SITE_CLASSES]),
        "street_classes": street_neighbours(site, now, limit=SITE_CLASSES),
        "rating": site_rating(site, now),
        "street": street_of(site),
    }
    return render(request, "portal/site.html", context)


def street_of(site):
    """The street (or town) a site belongs to, also when it is placed in a neighbourhood."""
    region = site.region
    return region if region.level == RegionLevel.STREET else region.parent


def _nearby_open(site, now, limit: int = 3):
    """Other sites open now, nearest first: where to go when this one is closed."""
    open_qs = sites_public().exclude(pk=site.pk).filter(open_at_q(now))
    origin = (float(site.latitude), float(site.longitude))
    return nearest_rows(open_qs, origin, now, limit=limit, max_radius_m=20_000)


def site_public_url(site) -> str:
    """The absolute address of the site's public page: what its QR code and poster hold."""
    return absolute(reverse("portal:site", kwargs={"public_id": site.public_id}))


def site_qr(request: HttpRequest, public_id) -> HttpResponse:
    from huoban.sites.documents import site_qr_svg

    site = get_object_or_404(sites_public(), public_id=public_id)
    svg = site_qr_svg(site, public_url=site_public_url(site))
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=86400"
    return response


def site_poster(request: HttpRequest, public_id) -> HttpResponse:
    from huoban.sites.documents import site_poster_pdf

    site = _public_site(public_id)
    pdf = site_poster_pdf(site, public_url=site_public_url(site))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="poster-{site.public_id}.pdf"'
    return response


def help_page(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/help.html")


@require_POST
def text_size(request: HttpRequest) -> HttpResponse:
    """Set the text size (a cookie), then go back: works without JavaScript."""
    size = request.POST.get("size", "normal")
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    if size in TEXT_SIZES:
        response.set_cookie(
            "text_size", size, max_age=365 * 24 * 3600, samesite="Lax", secure=request.is_secure()
        )
    return response
