"""Sites: the list, one site's page, its profile, weekly hours and exceptions."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Case, F, IntegerField, Value, When
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from huoban.accounts import roles
from huoban.accounts.models import Role
from huoban.accounts.permissions import require_roles
from huoban.accounts.selectors import has_any_role, holds_role_at_site, streets_in_region_scopes
from huoban.lib.when import time_range_words, weekday_name
from huoban.sites import services as site_services
from huoban.sites.hours import DeskHours
from huoban.sites.models import ServiceKind, SiteLevel, SiteStatus
from huoban.sites.selectors import (
    all_organisations,
    filter_sites,
    sites_for,
    streets_with_sites,
    with_hours,
)
from huoban.workspace.forms import (
    ExceptionForm,
    PeriodFormSet,
    SiteFilterForm,
    SiteForm,
    site_initial,
)
from huoban.workspace.views.common import (
    apply_errors,
    paginate,
    render_page,
    sort_columns,
)

# Only the programme office certifies a level (seed 000: publication after review).
CERTIFY = frozenset({Role.PROGRAMME_OFFICE})

SITE_COLUMNS = (
    ("name", gettext_lazy("站点名称")),
    ("street", gettext_lazy("所属街镇")),
    ("level", gettext_lazy("等级")),
    ("status", gettext_lazy("状态")),
    ("updated", gettext_lazy("最近更新")),
)
STATUS_ORDER = Case(
    *(When(status=value, then=Value(i)) for i, value in enumerate(SiteStatus.values)),
    output_field=IntegerField(),
)
SORT_KEYS = {
    "name": (F("name"), F("id")),
    "street": (F("region__name"), F("name"), F("id")),
    "level": (Coalesce("level_certified", "level_claimed"), F("name"), F("id")),
    "status": (STATUS_ORDER, F("name"), F("id")),
    "updated": (F("updated_at"), F("id")),
}


def _ordering(sort: str) -> list:
    descending = sort.startswith("-")
    keys = SORT_KEYS[sort.lstrip("-")]
    return [k.desc() if descending else k.asc() for k in keys]


@require_roles(roles.SITE_VIEW)
def site_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = SiteFilterForm(request.GET or None, streets=streets_with_sites(user, roles.SITE_VIEW))
    form.is_valid()  # a bad value in one filter (an edited address) drops that filter only
    data = getattr(form, "cleaned_data", {})
    sort = data.get("sort") or "name"
    qs = filter_sites(
        sites_for(user, roles.SITE_VIEW),
        region=data.get("street"),
        text=(data.get("q") or "").strip() or None,
        level=data.get("level"),
        venue_type=data.get("venue_type") or None,
        status=data.get("status") or None,
    )
    page = paginate(request, qs.select_related("region").order_by(*_ordering(sort)))
    filtered = any(data.get(k) for k in ("q", "street", "status", "level", "venue_type"))
    return render_page(
        request,
        "workspace/site_list.html",
        {
            "form": form,
            "page": page,
            "columns": sort_columns(SITE_COLUMNS, sort),
            "filtered": filtered,
            "can_create": has_any_role(user, roles.SITE_CREATE),
        },
    )


@require_roles(roles.SITE_VIEW)
def site_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    qs = with_hours(sites_for(user, roles.SITE_VIEW), today)
    site = get_object_or_404(
        qs.select_related("region__parent", "organisation").prefetch_related("services"),
        public_id=public_id,
    )
    hours = DeskHours.for_site(site)
    services = list(site.services.all())
    kwargs = {"public_id": site.public_id}
    return render_page(
        request,
        "workspace/site_detail.html",
        {
            "site": site,
            "week": hours.week(today),
            "today": today,
            "state": hours.state_at(timezone.now()),
            "upcoming": [e for e in site.desk_exceptions.all() if e.date >= today],
            "offered": [s for s in services if s.kind == ServiceKind.SERVICE],
            "scenarios": [s for s in services if s.kind == ServiceKind.SCENARIO],
            "can_edit": holds_role_at_site(user, roles.SITE_EDIT, site),
            "public_href": reverse("portal:site", kwargs=kwargs),
            "qr_href": reverse("portal:site_qr", kwargs=kwargs),
            "poster_href": reverse("portal:site_poster", kwargs=kwargs),
        },
    )


def _site_form_context(form: SiteForm, **extra) -> dict:
    return {"form": form, "levels": SiteLevel, **extra}


@require_roles(roles.SITE_CREATE)
def site_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = SiteForm(
        request.POST or None,
        organisations=all_organisations(),
        regions=streets_in_region_scopes(user, roles.SITE_CREATE),
        can_certify=has_any_role(user, CERTIFY),
        initial={
            "has_desk": True,
            "classroom_capacity": 0,
            "status": SiteStatus.ACTIVE,
            "level_claimed": SiteLevel.ONE,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            site = site_services.site_create(
                actor=user, services=form.chosen_services(), **form.site_fields()
            )
        except ValidationError as exc:
            apply_errors(form, exc, aliases={"level_certified": "level_claimed"})
        else:
            messages.success(request, _("站点“%(name)s”已登记。") % {"name": site.name})
            return redirect("workspace:site_detail", public_id=site.public_id)
    return render_page(
        request,
        "workspace/site_form.html",
        _site_form_context(form, site=None),
        forms_with_errors=[form],
    )


@require_roles(roles.SITE_EDIT)
def site_edit(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = request.user
    site = get_object_or_404(
        sites_for(user, roles.SITE_EDIT).select_related("region", "organisation"),
        public_id=public_id,
    )
    # Moving a site to another street or organisation is for the street's own admins.
    streets = streets_in_region_scopes(user, roles.SITE_EDIT)
    movable = streets.filter(pk=site.region_id).exists()
    form = SiteForm(
        request.POST or None,
        organisations=all_organisations() if movable else None,
        regions=streets if movable else None,
        can_certify=holds_role_at_site(user, CERTIFY, site),
        initial=site_initial(site),
    )
    if request.method == "POST" and form.is_valid():
        try:
            site_services.site_update(
                actor=user, site=site, services=form.chosen_services(), **form.site_fields()
            )
        except ValidationError as exc:
            apply_errors(form, exc, aliases={"level_certified": "level_claimed"})
            site.refresh_from_db()  # the service may have changed the object before failing
        else:
            messages.success(request, _("站点“%(name)s”已保存。") % {"name": site.name})
            return redirect("workspace:site_detail", public_id=site.public_id)
    return render_page(
        request,
        "workspace/site_form.html",
        _site_form_context(form, site=site),
        forms_with_errors=[form],
    )


def _place_hours_errors(formset, messages_: list[str]) -> list[str]:
    """Show each of ``desk_hours_set``'s messages at the row it names; return the rest.

    The service names a period by its weekday and time range, the way the user sees it,
    so the row is found by those same words.
    """
    rows = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None) or {}
        if data.get("DELETE") or not all(
            data.get(k) is not None for k in ("weekday", "start", "end")
        ):
            continue
        rows.append((form, data["weekday"], data["start"], data["end"]))
    unplaced = []
    for message in messages_:
        hits = [
            r
            for r in rows
            if weekday_name(r[1]) in message and time_range_words(r[2], r[3]) in message
        ]
        if not hits:
            unplaced.append(message)
            continue
        form, _weekday, start, end = max(hits, key=lambda r: (r[2], r[3]))
        form.add_error("end" if end <= start else "start", message)
    return unplaced


@require_roles(roles.SITE_EDIT)
def site_hours(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = request.user
    site = get_object_or_404(sites_for(user, roles.SITE_EDIT), public_id=public_id)
    initial = [
        {"weekday": p.weekday, "start": p.start, "end": p.end}
        for p in site.desk_periods.order_by("weekday", "start")
    ]
    if request.method == "POST":
        formset = PeriodFormSet(request.POST, prefix="hours")
    else:
        formset = PeriodFormSet(initial=initial, prefix="hours")
    general_errors: list[str] = []
    if request.method == "POST" and formset.is_valid():
        periods = [
            (f.cleaned_data["weekday"], f.cleaned_data["start"], f.cleaned_data["end"])
            for f in formset.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        try:
            site_services.desk_hours_set(actor=user, site=site, periods=periods)
        except ValidationError as exc:
            general_errors = _place_hours_errors(formset, exc.messages)
        else:
            messages.success(request, _("咨询时段已保存。"))
            return redirect("workspace:site_detail", public_id=site.public_id)
    first_row = f"#{formset.forms[0]['weekday'].auto_id}" if formset.forms else "#main"
    return render_page(
        request,
        "workspace/site_hours.html",
        {
            "site": site,
            "formset": formset,
            "general_errors": general_errors,
        },
        forms_with_errors=[formset],
        extra_errors=[{"href": first_row, "text": m} for m in general_errors],
    )


@require_roles(roles.SITE_EDIT)
def site_exceptions(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = request.user
    site = get_object_or_404(sites_for(user, roles.SITE_EDIT), public_id=public_id)
    form = ExceptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            site_services.desk_exception_add(actor=user, site=site, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("例外安排已添加。"))
            return redirect("workspace:site_exceptions", public_id=site.public_id)
    upcoming = site.desk_exceptions.filter(date__gte=timezone.localdate()).order_by("date", "start")
    return render_page(
        request,
        "workspace/site_exceptions.html",
        {
            "site": site,
            "form": form,
            "upcoming": upcoming,
        },
        forms_with_errors=[form],
    )


@require_roles(roles.SITE_EDIT)
@require_http_methods(["GET", "POST"])
def site_exception_delete(
    request: HttpRequest, public_id: uuid.UUID, exception_id: int
) -> HttpResponse:
    user = request.user
    site = get_object_or_404(sites_for(user, roles.SITE_EDIT), public_id=public_id)
    exception = get_object_or_404(site.desk_exceptions, pk=exception_id)
    if request.method == "POST":
        site_services.desk_exception_remove(actor=user, exception=exception)
        messages.success(request, _("例外安排已删除。"))
        return redirect("workspace:site_exceptions", public_id=site.public_id)
    return render_page(
        request,
        "workspace/site_exception_delete.html",
        {
            "site": site,
            "exception": exception,
        },
    )
