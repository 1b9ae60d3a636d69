"""Changing the budget ledger: a street's cap, adding an expense, voiding one.

Every change is checked (who may, the cap, the file) and audited. Adding an expense locks
the street's row first, so two expenses added at once cannot both take the last money.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huoban.accounts import roles
from huoban.accounts.selectors import holds_role_over
from huoban.audit.services import audit_record
from huoban.budget.models import DEFAULT_CAP, BudgetCap, Category, Expense
from huoban.budget.selectors import budget_years, cap_for, spent_in
from huoban.lib.money import CENT, yuan
from huoban.regions.models import Region, RegionLevel

MAX_RECEIPT_BYTES = 10 * 1024 * 1024
MAX_AMOUNT = Decimal("99999999.99")  # Expense.amount: 10 digits, 2 after the point
MAX_CAP = Decimal("9999999999.99")  # BudgetCap.cap: 12 digits, 2 after the point
MAX_REASON = 200
MAX_PAYEE = 100
MAX_NOTE = 1000
# What a receipt may be: its suffix, and the bytes such a file starts with.
RECEIPT_TYPES = {
    ".pdf": (b"%PDF-",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
}


def _require(actor: Any, wanted: frozenset, street_path: str, message: str) -> None:
    if not holds_role_over(actor, wanted, region_path=street_path):
        raise PermissionDenied(message)


def _money(value: Any, field: str, *, maximum: Decimal) -> Decimal:
    """A positive-or-zero amount in yuan with at most two decimals, or a ValidationError."""
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise ValidationError({field: _("请填写金额，例如 1200.50。")}) from None
    if not amount.is_finite():
        raise ValidationError({field: _("请填写金额，例如 1200.50。")})
    # Before rounding: a huge number (1e30) cannot be quantized to cents at all.
    if amount > maximum:
        raise ValidationError({field: _("金额不能超过 %(max)s 元。") % {"max": yuan(maximum)}})
    if amount != amount.quantize(CENT):
        raise ValidationError({field: _("金额最多精确到分（小数点后两位）。")})
    return amount.quantize(CENT)


def _check_street(street: Region) -> None:
    if street.level != RegionLevel.STREET:
        raise ValidationError({"street": _("经费按街镇登记，请选择一个街道或镇。")})


def _check_year(year: int) -> None:
    years = budget_years()
    if year not in years:
        raise ValidationError(
            {
                "year": _("年度应在 %(first)s 到 %(last)s 之间。")
                % {"first": years[0], "last": years[-1]}
            }
        )


def receipt_errors(receipt: File) -> list[str]:
    """What is wrong with an uploaded receipt: type (PDF, JPG, PNG, by name and content)
    and size (≤ 10 MB). An empty list when it may be kept."""
    name = PurePath(receipt.name or "").name
    suffix = PurePath(name).suffix.lower()
    if suffix not in RECEIPT_TYPES:
        return [_("收据只能是 PDF、JPG 或 PNG 文件，“%(name)s”不是。") % {"name": name}]
    size = receipt.size or 0
    if size > MAX_RECEIPT_BYTES:
        return [
            _("收据文件不能超过 10 MB，“%(name)s”有 %(size)s MB。")
            % {"name": name, "size": f"{size / 1024 / 1024:.1f}"}
        ]
    if size == 0:
        return [_("“%(name)s”是空文件，请重新选择。") % {"name": name}]
    receipt.seek(0)
    head = receipt.read(16)
    receipt.seek(0)
    if not any(head.startswith(magic) for magic in RECEIPT_TYPES[suffix]):
        return [
            _("“%(name)s”的内容不是 %(kind)s 文件，请重新扫描或拍照后上传。")
            % {"name": name, "kind": suffix.lstrip(".").upper()}
        ]
    return []


@transaction.atomic
def budget_cap_set(*, actor: Any, street: Region, year: int, cap: Decimal | str) -> BudgetCap:
    """Set a street's cap for a year (district admin over the street or programme office).

    The cap may not be below what the street has already spent that year.
    """
    _require(actor, roles.BUDGET_CAP, street.path, _("您不能设定这个街镇的经费上限。"))
    _check_street(street)
    _check_year(year)
    amount = _money(cap, "cap", maximum=MAX_CAP)
    Region.objects.select_for_update().filter(pk=street.pk).first()
    spent = spent_in(street, year)
    if amount < spent:
        raise ValidationError(
            {"cap": _("上限不能低于本年度已支出的 %(spent)s 元。") % {"spent": yuan(spent)}}
        )
    row, created = BudgetCap.objects.get_or_create(
        street=street, year=year, defaults={"cap": amount}
    )
    before = DEFAULT_CAP if created else row.cap
    if not created and row.cap != amount:
        row.cap = amount
        row.save(update_fields=["cap", "updated_at"])
    if created or before != amount:
        audit_record(
            actor=actor,
            action="budget.cap_set",
            obj=row,
            changes={"street": street.code, "year": year, "cap": [str(before), str(amount)]},
        )
    return row


@transaction.atomic
def expense_add(
    *,
    actor: Any,
    street: Region,
    date: dt.date,
    category: str,
    amount: Decimal | str,
    payee: str,
    receipt: File | None = None,
    note: str = "",
    year: int | None = None,
) -> Expense:
    """Record a payment from the street's money (street admin of the street, district
    admin above it, programme office).

    The date may not be in the future, and with ``year`` (the ledger being filled in) it
    must fall in that year. An amount that would take the year's spending over the cap is
    refused with the remaining money in the message; reaching the cap exactly is allowed.
    """
    _require(actor, roles.BUDGET_EDIT, street.path, _("您不能登记这个街镇的经费支出。"))
    _check_street(street)
    errors: dict[str, list[str]] = defaultdict(list)
    today = timezone.localdate()
    if date is None:
        errors["date"].append(_("请填写支出日期。"))
    elif date > today:
        errors["date"].append(
            _("支出日期不能晚于今天（%(today)s）。") % {"today": today.isoformat()}
        )
    elif year is not None and date.year != year:
        errors["date"].append(
            _("这是 %(year)s 年的台账，日期应在 %(year)s 年内。") % {"year": year}
        )
    elif date.year not in budget_years():
        years = budget_years()
        errors["date"].append(
            _("支出日期应在 %(first)s 到 %(last)s 年之间。")
            % {"first": years[0], "last": years[-1]}
        )
    if category not in Category.values:
        errors["category"].append(_("请选择支出类别。"))
    value: Decimal | None = None
    try:
        value = _money(amount, "amount", maximum=MAX_AMOUNT)
    except ValidationError as exc:
        errors["amount"] += exc.message_dict["amount"]
    else:
        if value <= 0:
            errors["amount"].append(_("金额必须大于 0 元。"))
    payee = (payee or "").strip()
    if not payee:
        errors["payee"].append(_("请填写收款方（单位或个人）。"))
    elif len(payee) > MAX_PAYEE:
        errors["payee"].append(_("收款方不超过 %(n)s 个字。") % {"n": MAX_PAYEE})
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        errors["note"].append(_("备注不超过 %(n)s 个字。") % {"n": MAX_NOTE})
    if receipt is not None and (problems := receipt_errors(receipt)):
        errors["receipt"] += problems
    if errors:
        raise ValidationError(dict(errors))
    assert value is not None and date is not None

    # Serialises expenses of one street: the cap check below sees every earlier one.
    Region.objects.select_for_update().filter(pk=street.pk).first()
    remaining = cap_for(street, date.year) - spent_in(street, date.year)
    if value > remaining:
        raise ValidationError(
            {
                "amount": _("超出本年度经费上限：剩余 %(remaining)s 元，本笔 %(amount)s 元。")
                % {"remaining": yuan(max(remaining, Decimal(0))), "amount": yuan(value)}
            }
        )
    expense = Expense(
        street=street,
        region_path=street.path,
        category=category,
        date=date,
        amount=value,
        payee=payee,
        note=note,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    if receipt is not None:
        expense.receipt_name = PurePath(receipt.name or "").name[:200]
        expense.year = date.year  # the receipt's folder
        expense.receipt.save(expense.receipt_name, receipt, save=False)
    try:
        expense.save()
    except Exception:
        if expense.receipt:
            expense.receipt.delete(save=False)  # no file without its row
        raise
    audit_record(
        actor=actor,
        action="expense.add",
        obj=expense,
        changes={
            "street": street.code,
            "year": expense.year,
            "date": date.isoformat(),
            "category": category,
            "amount": str(value),
            "payee": payee,
            "receipt": expense.receipt_name,
            "note": note,
        },
    )
    return expense


@transaction.atomic
def expense_void(*, actor: Any, expense: Expense, reason: str) -> Expense:
    """Void an expense with the reason: it stays on file and stops counting against the cap."""
    _require(actor, roles.BUDGET_EDIT, expense.region_path, _("您不能作废这笔支出。"))
    expense = Expense.objects.select_for_update().get(pk=expense.pk)
    if expense.voided:
        raise ValidationError(_("这笔支出已经作废。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请写明作废原因。")})
    if len(reason) > MAX_REASON:
        raise ValidationError({"reason": _("作废原因不超过 %(n)s 个字。") % {"n": MAX_REASON}})
    expense.voided = True
    expense.void_reason = reason
    expense.voided_by = actor if getattr(actor, "pk", None) else None
    expense.voided_at = timezone.now()
    expense.save(update_fields=["voided", "void_reason", "voided_by", "voided_at", "updated_at"])
    audit_record(
        actor=actor,
        action="expense.void",
        obj=expense,
        changes={"reason": reason, "amount": str(expense.amount)},
    )
    return expense
