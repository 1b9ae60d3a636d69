"""Forms of the budget ledger pages.

They only collect the input: amounts stay text (people type "1,200.50"), and the rules
(the cap, the file's type and size, a date in the ledger's year) are the budget services',
whose messages the views put back onto these forms.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from huoban.budget.models import Category
from huoban.workspace.forms import WorkspaceForm

DATE_FORMAT = "%Y-%m-%d"


class YearForm(WorkspaceForm):
    year = forms.TypedChoiceField(label=_("年度"), coerce=int, choices=())

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, _("%(year)s 年") % {"year": y}) for y in years]


def money_field(label, *, help_text="", required_message) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=30,
        help_text=help_text,
        error_messages={"required": required_message},
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


class ExpenseForm(WorkspaceForm):
    date = forms.DateField(
        label=_("支出日期"),
        input_formats=[DATE_FORMAT],
        widget=forms.DateInput(attrs={"type": "date"}, format=DATE_FORMAT),
        error_messages={
            "required": _("请填写支出日期。"),
            "invalid": _("请按“年-月-日”填写日期，例如 2025-03-04。"),
        },
    )
    category = forms.ChoiceField(
        label=_("类别"),
        choices=[("", _("请选择")), *Category.choices],
        error_messages={"required": _("请选择支出类别。")},
    )
    amount = money_field(
        _("金额（元）"),
        help_text=_("例如 1200.50，最多两位小数。"),
        required_message=_("请填写金额。"),
    )
    payee = forms.CharField(
        label=_("收款方"),
        max_length=100,
        help_text=_("收款的单位或个人，与收据一致。"),
        error_messages={"required": _("请填写收款方（单位或个人）。")},
    )
    receipt = forms.FileField(
        label=_("收据"),
        required=False,
        help_text=_("PDF、JPG 或 PNG，不超过 10 MB。"),
        widget=forms.FileInput(
            attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}
        ),
        error_messages={"empty": _("这个文件是空的，请重新选择。")},
    )
    note = forms.CharField(
        label=_("备注"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CapForm(WorkspaceForm):
    cap = money_field(
        _("经费上限（元）"),
        help_text=_("方案标准为每个街镇不超过 60,000 元；不能低于本年度已支出的金额。"),
        required_message=_("请填写经费上限。"),
    )


class VoidForm(WorkspaceForm):
    reason = forms.CharField(
        label=_("作废原因"),
        max_length=200,
        help_text=_("例如：重复登记、金额填错。作废后这笔支出不计入已支出，但仍保存在台账里。"),
        error_messages={"required": _("请写明作废原因。")},
        widget=forms.Textarea(attrs={"rows": 2}),
    )
