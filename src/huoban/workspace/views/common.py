"""What every workspace view shares: the page frame, error summaries, paging, links."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.forms.formsets import BaseFormSet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huoban.accounts import roles
from huoban.accounts.selectors import has_any_role
from huoban.lib.forms import apply_errors  # noqa: F401  (re-exported for the views)
from huoban.people import volunteers as volunteer_roles

PAGE_SIZE = 25


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: Any
    roles: frozenset
    # url names (without namespace) that belong to this section
    section: tuple[str, ...]


NAV = (
    NavItem("home", gettext_lazy("首页"), roles.STAFF, ("home",)),
    NavItem(
        "site_list",
        gettext_lazy("站点"),
        roles.SITE_VIEW,
        (
            "site_list",
            "site_detail",
            "site_create",
            "site_edit",
            "site_hours",
            "site_exceptions",
            "site_exception_delete",
        ),
    ),
    NavItem(
        "record_list",
        gettext_lazy("帮办记录"),
        roles.RECORDS_VIEW,
        (
            "record_list",
            "record_log",
            "record_detail",
            "record_amend",
            "record_void",
            "review_queue",
            "flag_review",
            "record_import",
            "record_import_preview",
            "elder_create",
            "elder_list",
            "elder_edit",
            "elder_reveal",
        ),
    ),
    NavItem(
        "class_list",
        gettext_lazy("课堂"),
        roles.CLASSES_DESK,
        (
            "class_list",
            "class_create",
            "class_detail",
            "class_edit",
            "class_publish",
            "class_cancel",
            "class_roster",
            "class_code",
            "class_signup_action",
            "course_list",
            "course_create",
            "course_edit",
        ),
    ),
    NavItem("dashboard", gettext_lazy("数据看板"), roles.RECORDS_VIEW, ("dashboard",)),
    NavItem(
        "evaluation_overview",
        gettext_lazy("评价"),
        roles.RECORDS_VIEW,
        ("evaluation_overview", "evaluation_session", "evaluation_enter", "evaluation_help"),
    ),
    NavItem(
        "roster_list",
        gettext_lazy("值班"),
        roles.ROSTER_VIEW,
        (
            "roster_list",
            "roster_week",
            "roster_shift_add",
            "roster_shift_cancel",
            "roster_request_decide",
            "my_shifts",
            "my_shift_request",
        ),
    ),
    NavItem(
        "volunteer_list",
        gettext_lazy("志愿者"),
        volunteer_roles.MANAGE_ROLES,
        (
            "volunteer_list",
            "volunteer_detail",
            "volunteer_edit",
            "volunteer_pledges",
            "certificate_issue",
        ),
    ),
    NavItem(
        "volunteer_me",
        gettext_lazy("我的志愿服务"),
        volunteer_roles.SELF_ROLES,
        ("volunteer_me",),
    ),
    NavItem(
        "progress",
        gettext_lazy("指标进度"),
        roles.TARGETS_VIEW,
        ("progress", "indicators_export", "indicators_import", "targets_edit"),
    ),
    NavItem(
        "budget_list",
        gettext_lazy("经费"),
        roles.BUDGET_VIEW,
        (
            "budget_list",
            "budget_ledger",
            "budget_cap",
            "budget_export",
            "expense_void",
            "expense_receipt",
        ),
    ),
    NavItem(
        "organisation_list",
        gettext_lazy("运营单位"),
        roles.ORGANISATIONS,
        ("organisation_list", "organisation_create", "organisation_edit"),
    ),
    NavItem(
        "people", gettext_lazy("人员"), roles.PEOPLE, ("people", "invite", "membership_revoke")
    ),
)


def nav_for(request: HttpRequest) -> list[dict[str, Any]]:
    current = getattr(request.resolver_match, "url_name", None)
    return [
        {
            "href": reverse(f"workspace:{item.url_name}"),
            "label": item.label,
            "current": current in item.section,
        }
        for item in NAV
        if has_any_role(request.user, item.roles)
    ]


def render_page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    forms_with_errors: Iterable[Any] = (),
    extra_errors: Iterable[dict[str, str]] = (),
    status: int = 200,
) -> HttpResponse:
    """Render a workspace page with its navigation and the GOV.UK-style error summary.

    ``extra_errors`` are summary items (``{"href", "text"}``) that belong to no form field.
    """
    ctx = dict(context or {})
    ctx["nav"] = nav_for(request)
    ctx["programme_name"] = settings.HUOBAN_PROGRAMME_NAME
    ctx["error_summary"] = [*extra_errors, *error_summary(*forms_with_errors)]
    return render(request, template, ctx, status=status)


# --- Errors ------------------------------------------------------------------------------------


def field_anchor(bound: forms.BoundField) -> str:
    """The id an error summary link points at: the input, or a group's first option."""
    widget = bound.field.widget
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return f"{bound.auto_id}_0"
    return bound.auto_id


def _form_errors(form: forms.Form, label: str = "") -> list[dict[str, str]]:
    if not form.is_bound or not form.errors:
        return []
    visible = form.visible_fields()
    first = f"#{field_anchor(visible[0])}" if visible else "#main"
    items = []
    for name, errors in form.errors.items():
        if name == NON_FIELD_ERRORS or name not in form.fields or form[name].is_hidden:
            href = first
        else:
            href = f"#{field_anchor(form[name])}"
        for message in errors:
            text = (
                _("%(label)s：%(message)s") % {"label": label, "message": message}
                if label
                else message
            )
            items.append({"href": href, "text": text})
    return items


def error_summary(*forms_or_formsets: Any) -> list[dict[str, str]]:
    """Every error of the given forms and formsets, each linking to its field."""
    items: list[dict[str, str]] = []
    for obj in forms_or_formsets:
        if obj is None or not obj.is_bound:
            continue
        if isinstance(obj, BaseFormSet):
            first = obj.forms[0] if obj.forms else None
            href = f"#{field_anchor(first.visible_fields()[0])}" if first else "#main"
            items += [{"href": href, "text": str(m)} for m in obj.non_form_errors()]
            for i, form in enumerate(obj.forms, start=1):
                items += _form_errors(form, _("时段 %(n)s") % {"n": i})
        else:
            items += _form_errors(obj)
    return items


# --- Lists ---------------------------------------------------------------------------------------


def paginate(request: HttpRequest, qs: QuerySet, per_page: int = PAGE_SIZE) -> Page:
    return Paginator(qs, per_page).get_page(request.GET.get("page"))


@dataclass(frozen=True)
class Column:
    key: str
    label: Any
    aria_sort: str  # "ascending", "descending" or "" (not sorted by this column)
    next_sort: str  # the sort parameter a click on the header asks for


def sort_columns(columns: Iterable[tuple[str, Any]], current: str) -> list[Column]:
    """Header links: clicking the sorted column reverses it, any other sorts ascending."""
    out = []
    for key, label in columns:
        if current == key:
            out.append(Column(key, label, "ascending", f"-{key}"))
        elif current == f"-{key}":
            out.append(Column(key, label, "descending", key))
        else:
            out.append(Column(key, label, "", key))
    return out
