"""People: who holds which role where, invitations, and taking a role away."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from huoban.accounts import roles
from huoban.accounts import services as account_services
from huoban.accounts.permissions import require_roles
from huoban.accounts.selectors import members_for, regions_for
from huoban.lib.urls import absolute
from huoban.roster.services import membership_revoke as revoke
from huoban.sites.selectors import organisations_in_scope_or_siteless, sites_for
from huoban.workspace.forms import InviteForm, PeopleFilterForm
from huoban.workspace.views.common import apply_errors, paginate, render_page


@require_roles(roles.PEOPLE)
def people(request: HttpRequest) -> HttpResponse:
    form = PeopleFilterForm(request.GET or None)
    form.is_valid()
    role = getattr(form, "cleaned_data", {}).get("role")
    qs = members_for(request.user, roles.PEOPLE)
    if role:
        qs = qs.filter(role=role)
    qs = qs.order_by("user__name", "user_id", "role", "id")
    return render_page(
        request,
        "workspace/people.html",
        {
            "form": form,
            "page": paginate(request, qs),
            "filtered": bool(role),
        },
    )


def _invite_form(request: HttpRequest) -> InviteForm:
    user = request.user
    return InviteForm(
        request.POST or None,
        regions=regions_for(user, roles.PEOPLE),
        sites=sites_for(user, roles.PEOPLE).order_by("name", "id"),
        organisations=organisations_in_scope_or_siteless(user, roles.PEOPLE).order_by("name", "id"),
    )


@require_roles(roles.PEOPLE)
def invite(request: HttpRequest) -> HttpResponse:
    form = _invite_form(request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitation, token, membership = account_services.invitation_create(
                actor=request.user,
                mobile=data["mobile"],
                name=data["name"],
                role=data["role"],
                region=data["region"],
                site=data["site"],
                organisation=data["organisation"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if invitation is None:
                messages.success(
                    request,
                    _("已授予：%(name)s 已有账号，现在就能以“%(role)s”身份登录使用。")
                    % {"name": membership.user.name, "role": membership.get_role_display()},
                )
                return redirect("workspace:people")
            # Shown once, never stored in plain: the page is the only place the link exists.
            return render_page(
                request,
                "workspace/invite_done.html",
                {
                    "invitation": invitation,
                    "link": absolute(reverse("accounts:invitation", kwargs={"token": token})),
                    "days": account_services.INVITATION_DAYS,
                },
            )
    return render_page(request, "workspace/invite.html", {"form": form}, forms_with_errors=[form])


@require_roles(roles.PEOPLE)
@require_http_methods(["GET", "POST"])
def membership_revoke(request: HttpRequest, membership_id: int) -> HttpResponse:
    membership = get_object_or_404(members_for(request.user, roles.PEOPLE), pk=membership_id)
    if request.method == "POST":
        revoke(actor=request.user, membership=membership)
        messages.success(
            request,
            _("已撤销 %(name)s 的“%(role)s”角色（%(scope)s）。")
            % {
                "name": membership.user.name,
                "role": membership.get_role_display(),
                "scope": membership.scope_label,
            },
        )
        return redirect("workspace:people")
    return render_page(request, "workspace/membership_revoke.html", {"membership": membership})
