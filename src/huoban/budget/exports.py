"""The ledger of one street and year as an Excel workbook, for the finance office.

A header (street, year, cap), every expense (voided ones marked and not counted), the
subtotal of each category, the total spent and what remains. Figures are values, not
formulas, so the file reads the same in any program.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from django.utils.translation import gettext as _

from huoban.budget.models import Expense
from huoban.budget.selectors import BudgetSummary

MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"


def ledger_workbook(summary: BudgetSummary, expenses: Iterable[Expense]) -> bytes:
    """The xlsx bytes of ``summary``'s ledger with ``expenses`` (in the order given)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = _("经费台账")
    bold = Font(bold=True)

    def put(row: int, column: int, value, *, money: bool = False, strong: bool = False):
        cell = sheet.cell(row=row, column=column, value=value)
        if isinstance(value, str):
            # Typed text is text: "=..." from a payee must not become a formula.
            cell.data_type = "s"
        if money:
            cell.number_format = MONEY_FORMAT
        if strong:
            cell.font = bold
        return cell

    put(1, 1, _("街镇"), strong=True)
    put(1, 2, summary.street.name)
    put(2, 1, _("年度"), strong=True)
    put(2, 2, summary.year)
    put(3, 1, _("经费上限（元）"), strong=True)
    put(3, 2, summary.cap, money=True)

    headers = [
        _("日期"),
        _("类别"),
        _("收款方"),
        _("金额（元）"),
        _("备注"),
        _("状态"),
        _("作废原因"),
    ]
    row = 5
    for column, header in enumerate(headers, start=1):
        put(row, column, header, strong=True)
    for expense in expenses:
        row += 1
        put(row, 1, expense.date).number_format = DATE_FORMAT
        put(row, 2, expense.get_category_display())
        put(row, 3, expense.payee)
        put(row, 4, expense.amount, money=True)
        put(row, 5, expense.note)
        put(row, 6, _("已作废（不计入）") if expense.voided else _("有效"))
        put(row, 7, expense.void_reason)

    row += 2
    put(row, 1, _("分类小计"), strong=True)
    for total in summary.categories:
        row += 1
        put(row, 1, total.label)
        put(row, 4, total.total, money=True)
    row += 2
    put(row, 1, _("合计"), strong=True)
    put(row, 4, summary.spent, money=True, strong=True)
    row += 1
    put(row, 1, _("经费上限"), strong=True)
    put(row, 4, summary.cap, money=True)
    row += 1
    put(row, 1, _("剩余"), strong=True)
    put(row, 4, summary.remaining, money=True, strong=True)

    for letter, width in zip("ABCDEFG", (14, 24, 28, 16, 30, 16, 30), strict=True):
        sheet.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
