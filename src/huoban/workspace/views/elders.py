"""The elders a site serves: the register, one elder's profile and correction, and reading
a number in full (audited)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from huoban.accounts import roles
from huoban.accounts.permissions import require_roles
from huoban.accounts.selectors import streets_in_region_scopes
from huoban.people import services as people_services
from huoban.people.selectors import elder_search, elders_for
from huoban.records.selectors import help_sessions_for
from huoban.sites.selectors import sites_for, streets_with_sites
from huoban.workspace.forms import SearchForm
from huoban.workspace.record_forms import ElderDetailsForm, ElderForm
from huoban.workspace.views.common import apply_errors, paginate, render_page
from huoban.workspace.views.records import LAST_SITE

REVEAL_FIELDS = {"mobile": "masked_mobile", "id_number": "masked_id_number"}


def _scoped_streets(user):
    """Streets the user serves: inside their region scopes, or holding one of their sites."""
    return (
        streets_in_region_scopes(user, roles.RECORDS_LOG)
        | streets_with_sites(user, roles.RECORDS_LOG)
    ).distinct()


@require_roles(roles.RECORDS_LOG)
def elder_list(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    form.is_valid()
    text = (getattr(form, "cleaned_data", {}).get("q") or "").strip()
    qs = elders_for(request.user, roles.RECORDS_LOG)
    if text:
        qs = elder_search(qs, text)
    qs = (
        qs.select_related("street", "home_site")
        .annotate(
            sessions=Count(
                "help_sessions",
                filter=Q(help_sessions__voided_at__isnull=True)
                & Q(help_sessions__in=help_sessions_for(request.user, roles.RECORDS_VIEW)),
            )
        )
        .order_by("name", "id")
    )
    return render_page(
        request, "workspace/elder_list.html", {"form": form, "page": paginate(request, qs)}
    )


def _elder(request: HttpRequest, public_id: uuid.UUID):
    return get_object_or_404(
        elders_for(request.user, roles.RECORDS_LOG).select_related("street", "home_site"),
        public_id=public_id,
    )


@require_roles(roles.RECORDS_LOG)
@require_http_methods(["GET", "POST"])
def elder_edit(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Correct an elder's profile; numbers are only replaced, never shown in full here."""
    elder = _elder(request, public_id)
    form = ElderDetailsForm(
        request.POST or None,
        streets=_scoped_streets(request.user),
        initial={"name": elder.name, "birth_year": elder.birth_year, "street": elder.street},
    )
    for field in ("mobile", "id_number"):
        form.fields[field].help_text = _("现为 %(value)s。留空则不修改；要删除请联系管理员。") % {
            "value": getattr(elder, REVEAL_FIELDS[field]) or _("未填写")
        }
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k in people_services.EDITABLE}
        for number in ("mobile", "id_number"):
            if not fields.get(number):
                fields.pop(number, None)  # empty: keep what is on file
        try:
            people_services.elder_update(actor=request.user, elder=elder, **fields)
        except ValidationError as exc:
            apply_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已保存“%(name)s”的资料。") % {"name": elder.name})
            return redirect("workspace:elder_list")
    recent = (
        help_sessions_for(request.user, roles.RECORDS_VIEW)
        .filter(elder=elder)
        .select_related("site")
        .order_by("-occurred_at")[:10]
    )
    return render_page(
        request,
        "workspace/elder_edit.html",
        {
            "form": form,
            "elder": elder,
            "recent": recent,
            "can_reveal": elders_for(request.user, people_services.REVEAL_ROLES)
            .filter(pk=elder.pk)
            .exists(),
        },
        forms_with_errors=[form],
    )


@require_roles(roles.RECORDS_LOG)
@require_POST
def elder_reveal(request: HttpRequest, public_id: uuid.UUID, field: str) -> HttpResponse:
    """Show one number in full, once, for a call back; the reading is audited."""
    elder = _elder(request, public_id)
    if field not in REVEAL_FIELDS:
        raise PermissionDenied
    value = people_services.elder_reveal(
        actor=request.user, elder=elder, field=field, ip_address=request.META.get("REMOTE_ADDR")
    )
    return render_page(
        request,
        "workspace/elder_reveal.html",
        {"elder": elder, "field": field, "value": value},
    )


@require_roles(roles.RECORDS_LOG)
@require_http_methods(["GET", "POST"])
def elder_create(request: HttpRequest) -> HttpResponse:
    """Register an elder at the desk (with consent), then go back to logging."""
    user = request.user
    sites = list(sites_for(user, roles.RECORDS_LOG).order_by("name", "id"))
    back = request.GET.get("next") or request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    form = ElderForm(request.POST or None, streets=_scoped_streets(user))
    if request.method == "POST" and form.is_valid():
        # The site of the desk: the one last logged at, or the user's only site. A region
        # admin with many sites registers without one (the service then asks for a street).
        last = request.session.get(LAST_SITE)
        site = next((s for s in sites if s.pk == last), sites[0] if len(sites) == 1 else None)
        try:
            elder = people_services.elder_create(actor=user, site=site, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已登记长者“%(name)s”。") % {"name": elder.name})
            target = back or reverse("workspace:record_log")
            sep = "&" if "?" in target else "?"
            return redirect(f"{target}{sep}elder={elder.public_id}")
    return render_page(
        request,
        "workspace/elder_form.html",
        {"form": form, "next": back},
        forms_with_errors=[form],
    )
