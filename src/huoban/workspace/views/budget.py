"""The budget ledger: streets and their money, one street's year, caps, voiding, receipts,
the spreadsheet export."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from huoban.accounts import roles
from huoban.accounts.permissions import require_roles
from huoban.accounts.selectors import holds_role_over
from huoban.budget import services as budget_services
from huoban.budget.exports import ledger_workbook
from huoban.budget.selectors import (
    budget_summary,
    budget_years,
    expenses_for,
    percent_of,
    streets_for_budget,
    with_budget,
)
from huoban.lib.money import yuan
from huoban.regions.models import Region
from huoban.workspace.budget_forms import CapForm, ExpenseForm, VoidForm, YearForm
from huoban.workspace.views.common import apply_errors, paginate, render_page

STREETS_PER_PAGE = 50
RECEIPT_TYPES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class StreetRow:
    street: Region
    cap: Decimal
    spent: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.cap - self.spent

    @property
    def percent(self) -> Decimal | None:
        return percent_of(self.spent, self.cap)


def _street(request: HttpRequest, code: str, wanted=roles.BUDGET_VIEW) -> Region:
    return get_object_or_404(
        streets_for_budget(request.user, wanted).select_related("parent"), code=code
    )


def _year(year: int) -> int:
    if year not in budget_years():
        raise Http404
    return year


@require_roles(roles.BUDGET_VIEW)
def budget_list(request: HttpRequest) -> HttpResponse:
    years = budget_years()
    this_year = timezone.localdate().year
    # Bound only to the year asked for: other parameters (a page number) are not a form.
    asked = {"year": request.GET["year"]} if "year" in request.GET else None
    form = YearForm(asked, years=years, initial={"year": this_year})
    year = form.cleaned_data["year"] if form.is_bound and form.is_valid() else this_year
    streets = with_budget(streets_for_budget(request.user).select_related("parent"), year).order_by(
        "path"
    )
    page = paginate(request, streets, per_page=STREETS_PER_PAGE)
    rows = [StreetRow(s, s.budget_cap, s.budget_spent) for s in page.object_list]
    return render_page(
        request,
        "workspace/budget_list.html",
        {"form": form, "year": year, "page": page, "rows": rows},
    )


@require_roles(roles.BUDGET_VIEW)
@require_http_methods(["GET", "POST"])
def budget_ledger(request: HttpRequest, code: str, year: int) -> HttpResponse:
    user = request.user
    street = _street(request, code)
    year = _year(year)
    can_edit = holds_role_over(user, roles.BUDGET_EDIT, region_path=street.path)
    today = timezone.localdate()
    form = None
    if can_edit:
        form = ExpenseForm(
            request.POST or None,
            request.FILES or None,
            initial={"date": today if today.year == year else None},
        )
    elif request.method == "POST":
        raise PermissionDenied
    if request.method == "POST" and form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            expense = budget_services.expense_add(
                actor=user,
                street=street,
                year=year,
                date=data["date"],
                category=data["category"],
                amount=data["amount"],
                payee=data["payee"],
                receipt=data["receipt"],
                note=data["note"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("已登记支出：%(payee)s %(amount)s 元。")
                % {"payee": expense.payee, "amount": yuan(expense.amount)},
            )
            return redirect("workspace:budget_ledger", code=street.code, year=year)
    # A browser never sends a chosen file again: say so when one was refused with the rest.
    lost_receipt = bool(form is not None and form.errors and request.FILES.get("receipt"))
    expenses = expenses_for(user).filter(street=street, year=year).select_related("voided_by")
    years = budget_years()
    summary = budget_summary(street, year)
    can_set_cap = holds_role_over(user, roles.BUDGET_CAP, region_path=street.path)
    return render_page(
        request,
        "workspace/budget_ledger.html",
        {
            "street": street,
            "year": year,
            "summary": summary,
            "expenses": list(expenses),
            "form": form,
            "lost_receipt": lost_receipt,
            "can_edit": can_edit,
            # Nothing can be paid on a future date, so next year's ledger takes no entries yet.
            "open_for_entries": year <= today.year,
            "can_set_cap": can_set_cap,
            "cap_form": CapForm(initial={"cap": f"{summary.cap:.2f}"}) if can_set_cap else None,
            "previous_year": year - 1 if year - 1 in years else None,
            "next_year": year + 1 if year + 1 in years else None,
        },
        forms_with_errors=[form] if form is not None else [],
    )


@require_roles(roles.BUDGET_CAP)
@require_http_methods(["GET", "POST"])
def budget_cap(request: HttpRequest, code: str, year: int) -> HttpResponse:
    street = _street(request, code, roles.BUDGET_CAP)
    year = _year(year)
    summary = budget_summary(street, year)
    form = CapForm(request.POST or None, initial={"cap": f"{summary.cap:.2f}"})
    if request.method == "POST" and form.is_valid():
        try:
            budget_services.budget_cap_set(
                actor=request.user, street=street, year=year, cap=form.cleaned_data["cap"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(street)s %(year)s 年的经费上限已保存。")
                % {"street": street.name, "year": year},
            )
            return redirect("workspace:budget_ledger", code=street.code, year=year)
    return render_page(
        request,
        "workspace/budget_cap.html",
        {"street": street, "year": year, "summary": summary, "cap_form": form},
        forms_with_errors=[form],
    )


@require_roles(roles.BUDGET_EDIT)
@require_http_methods(["GET", "POST"])
def expense_void(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    expense = get_object_or_404(
        expenses_for(request.user, roles.BUDGET_EDIT).select_related("street"),
        public_id=public_id,
    )
    form = VoidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            budget_services.expense_void(
                actor=request.user, expense=expense, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("这笔支出已作废，不再计入已支出。"))
            return redirect("workspace:budget_ledger", code=expense.street.code, year=expense.year)
    return render_page(
        request,
        "workspace/expense_void.html",
        {"expense": expense, "form": form},
        forms_with_errors=[form],
    )


@require_roles(roles.BUDGET_VIEW)
def expense_receipt(request: HttpRequest, public_id: uuid.UUID) -> FileResponse:
    """The receipt file, to people who may see the expense; never by a public address."""
    expense = get_object_or_404(expenses_for(request.user).exclude(receipt=""), public_id=public_id)
    try:
        handle = expense.receipt.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    suffix = PurePath(expense.receipt.name).suffix.lower()
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=expense.receipt_name or f"receipt{suffix}",
        content_type=RECEIPT_TYPES.get(suffix, "application/octet-stream"),
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_roles(roles.BUDGET_VIEW)
def budget_export(request: HttpRequest, code: str, year: int) -> HttpResponse:
    street = _street(request, code)
    year = _year(year)
    expenses = expenses_for(request.user).filter(street=street, year=year)
    content = ledger_workbook(budget_summary(street, year), expenses)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True,
        filename=_("经费台账-%(street)s-%(year)s.xlsx") % {"street": street.name, "year": year},
    )
    response["Cache-Control"] = "private, no-store"
    return response
