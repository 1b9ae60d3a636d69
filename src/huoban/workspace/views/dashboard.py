"""The dashboard (数据看板): person-times and persons for a site or a region — today, this
week, this month, the year so far — and where they come from: scenarios, channels, sites,
the last 30 days. Every breakdown is one grouped query (``records.selectors`` counts them,
by the same rule as everywhere else); every chart has its table."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from huoban.accounts import roles
from huoban.accounts.permissions import require_roles
from huoban.accounts.selectors import regions_for, top_region
from huoban.records.models import LedgerEntry
from huoban.records.selectors import (
    Part,
    channel_parts,
    daily_counts,
    ledger_for,
    ledger_in,
    scenario_parts,
    site_parts,
    span_counts,
)
from huoban.regions.models import Region, RegionLevel
from huoban.sites.models import Site
from huoban.sites.selectors import sites_for
from huoban.workspace.progress_forms import DashboardChooserForm
from huoban.workspace.views.charts import Chart, Series
from huoban.workspace.views.common import render_page

TOP_SITES = 10
DAYS = 30
DEFAULT_PERIOD = "year"


@dataclass(frozen=True)
class Window:
    key: str
    label: str
    start: dt.date
    end: dt.date
    person_times: int = 0
    persons: int = 0


def windows(today: dt.date) -> list[Window]:
    """Today, this week (Monday to Sunday), this month, and 1 January to today."""
    monday = today - dt.timedelta(days=today.weekday())
    month_start = today.replace(day=1)
    next_month = (month_start + dt.timedelta(days=32)).replace(day=1)
    return [
        Window("today", _("今天"), today, today),
        Window("week", _("本周"), monday, monday + dt.timedelta(days=6)),
        Window("month", _("本月"), month_start, next_month - dt.timedelta(days=1)),
        Window("year", _("今年以来"), today.replace(month=1, day=1), today),
    ]


def _counted(qs: QuerySet[LedgerEntry], spans: list[Window]) -> list[Window]:
    """Person-times and persons of every window (counted in one query by the records app)."""
    counts = span_counts(qs, {w.key: (w.start, w.end) for w in spans})
    return [
        replace(w, person_times=counts[w.key].person_times, persons=counts[w.key].persons)
        for w in spans
    ]


def _bars(chart_id: str, label: str, parts: list[Part]) -> Chart | None:
    if not parts:
        return None
    return Chart(
        id=chart_id,
        label=label,
        kind="bars",
        categories=[p.name for p in parts],
        series=[Series(_("人次"), [p.person_times for p in parts])],
    )


def day_label(day: dt.date) -> str:
    return _("%(month)s月%(day)s日") % {"month": day.month, "day": day.day}


# --- Scope -------------------------------------------------------------------------------------


def _site(sites: QuerySet[Site], value: str) -> Site:
    try:
        pk = int(value)
    except ValueError:
        raise Http404 from None
    return get_object_or_404(sites.select_related("region"), pk=pk)


def _scope(request: HttpRequest) -> tuple[Region | None, Site | None]:
    """The region or the site the dashboard shows: asked for (and inside the user's scope,
    else 404) or the user's own — their top region, else their first site."""
    user = request.user
    sites = sites_for(user, roles.RECORDS_VIEW)
    site_value = request.GET.get("site", "")
    region_value = request.GET.get("region", "")
    region = (
        get_object_or_404(regions_for(user, roles.RECORDS_VIEW), code=region_value)
        if region_value
        else None
    )
    if site_value:
        site = _site(sites, site_value)
        # The chooser sends both: a site from another region means the region was changed.
        if region is None or site.region_path.startswith(region.path):
            return None, site
        return region, None
    if region is not None:
        return region, None
    top = top_region(user, roles.RECORDS_VIEW)
    if top is not None:
        return top, None
    first = sites.select_related("region").order_by("name", "id").first()
    if first is None:
        raise Http404
    return None, first


@require_roles(roles.RECORDS_VIEW)
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    region, site = _scope(request)
    ledger = ledger_for(user, roles.RECORDS_VIEW)
    if site is not None:
        ledger = ledger.filter(site=site)
    else:
        assert region is not None
        ledger = ledger.filter(region_path__under=region.path)

    spans = _counted(ledger, windows(today))
    period = request.GET.get("period", DEFAULT_PERIOD)
    chosen = next((w for w in spans if w.key == period), spans[-1])
    in_period = ledger_in(qs=ledger, start=chosen.start, end=chosen.end)
    scenarios = scenario_parts(in_period)
    channels = channel_parts(in_period)
    top_sites = site_parts(in_period, TOP_SITES) if site is None else []
    daily = daily_counts(ledger, today - dt.timedelta(days=DAYS - 1), today)

    # The chooser: regions for region-scoped users; sites when a street (or a site) is shown,
    # or for users who hold sites only.
    region_scoped = top_region(user, roles.RECORDS_VIEW) is not None
    street = region if region is not None else (site.region if site is not None else None)
    if not region_scoped:
        site_options = sites_for(user, roles.RECORDS_VIEW).order_by("name", "id")
    elif street is not None and street.level == RegionLevel.STREET:
        site_options = (
            sites_for(user, roles.RECORDS_VIEW)
            .filter(region_path__under=street.path)
            .order_by("name", "id")
        )
    else:
        site_options = None
    chooser = DashboardChooserForm(
        regions=regions_for(user, roles.RECORDS_VIEW).select_related("parent").order_by("path")
        if region_scoped
        else None,
        sites=site_options,
        initial={
            "region": street if region is None else region,
            "site": site,
            "period": chosen.key,
        },
    )
    name = site.name if site is not None else region.name if region is not None else ""
    return render_page(
        request,
        "workspace/dashboard.html",
        {
            "name": name,
            "site": site,
            "region": region,
            "today": today,
            "chooser": chooser,
            "windows": spans,
            "chosen": chosen,
            "scenarios": scenarios,
            "scenario_chart": _bars(
                "chart-scenarios",
                _("条形图：各场景的人次，多的在前。数字见上面的表格。"),
                scenarios[:TOP_SITES],
            ),
            "channels": channels,
            "channel_chart": _bars(
                "chart-channels", _("条形图：各服务方式的人次。数字见上面的表格。"), channels
            ),
            "top_sites": top_sites,
            "site_chart": _bars(
                "chart-sites",
                _("条形图：人次最多的站点。数字见上面的表格。"),
                top_sites,
            ),
            "daily": [(day_label(d), d, n) for d, n in daily],
            "daily_chart": Chart(
                id="chart-daily",
                label=_("折线图：最近 30 天每天的人次。每天的数字见下面的表格。"),
                kind="line",
                categories=[day_label(d) for d, _n in daily],
                series=[Series(_("人次"), [n for _d, n in daily])],
            )
            if any(n for _d, n in daily)
            else None,
            "daily_total": sum(n for _d, n in daily),
        },
    )
