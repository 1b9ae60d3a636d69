"""The workspace home: who you are here and what you can do."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from huoban.accounts import roles
from huoban.accounts.permissions import require_roles
from huoban.accounts.selectors import has_any_role, memberships_of
from huoban.workspace.views.common import render_page


@require_roles(roles.STAFF)
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    can = {
        "view_sites": has_any_role(user, roles.SITE_VIEW),
        "create_sites": has_any_role(user, roles.SITE_CREATE),
        "organisations": has_any_role(user, roles.ORGANISATIONS),
        "people": has_any_role(user, roles.PEOPLE),
        "log": has_any_role(user, roles.RECORDS_LOG),
        "review": has_any_role(user, roles.RECORDS_REVIEW),
        "dashboard": has_any_role(user, roles.RECORDS_VIEW),
        "progress": has_any_role(user, roles.TARGETS_VIEW),
        "budget": has_any_role(user, roles.BUDGET_VIEW),
    }
    return render_page(
        request,
        "workspace/home.html",
        {
            "memberships": memberships_of(user),
            "can": can,
        },
    )
