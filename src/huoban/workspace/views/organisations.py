"""Organisations: the register of operating organisations (programme office)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from huoban.accounts import roles
from huoban.accounts.permissions import require_roles
from huoban.sites import services as site_services
from huoban.sites.selectors import organisations_in_scope_or_siteless
from huoban.sites.services import ORGANISATION_FIELDS
from huoban.workspace.forms import OrganisationForm, SearchForm
from huoban.workspace.views.common import apply_errors, paginate, render_page


@require_roles(roles.ORGANISATIONS)
def organisation_list(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    form.is_valid()
    text = (getattr(form, "cleaned_data", {}).get("q") or "").strip()
    qs = organisations_in_scope_or_siteless(request.user, roles.ORGANISATIONS)
    if text:
        qs = qs.filter(Q(name__icontains=text) | Q(uscc__icontains=text))
    qs = qs.annotate(site_count=Count("sites")).order_by("name", "id")
    return render_page(
        request,
        "workspace/organisation_list.html",
        {
            "form": form,
            "page": paginate(request, qs),
            "text": text,
        },
    )


@require_roles(roles.ORGANISATIONS)
def organisation_create(request: HttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            org = site_services.organisation_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("运营单位“%(name)s”已登记。") % {"name": org.name})
            return redirect("workspace:organisation_list")
    return render_page(
        request,
        "workspace/organisation_form.html",
        {"form": form, "organisation": None},
        forms_with_errors=[form],
    )


@require_roles(roles.ORGANISATIONS)
def organisation_edit(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    org = get_object_or_404(
        organisations_in_scope_or_siteless(request.user, roles.ORGANISATIONS), public_id=public_id
    )
    form = OrganisationForm(
        request.POST or None, initial={f: getattr(org, f) for f in ORGANISATION_FIELDS}
    )
    if request.method == "POST" and form.is_valid():
        try:
            site_services.organisation_update(
                actor=request.user, organisation=org, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_errors(form, exc)
            org.refresh_from_db()  # the service may have changed the object before failing
        else:
            messages.success(request, _("运营单位“%(name)s”已保存。") % {"name": org.name})
            return redirect("workspace:organisation_list")
    return render_page(
        request,
        "workspace/organisation_form.html",
        {
            "form": form,
            "organisation": org,
            "sites": org.sites.select_related("region")[:50],
        },
        forms_with_errors=[form],
    )
