"""Adding, voiding and capping: the rules a street's money is kept by."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from huoban.audit.models import AuditEvent
from huoban.budget import services
from huoban.budget.models import DEFAULT_CAP, BudgetCap, Expense
from huoban.budget.selectors import budget_summary, cap_for, spent_in
from huoban.budget.storage import private_root
from tests.budget.conftest import JPG, PDF, PNG, TODAY, YEAR, add, upload

pytestmark = pytest.mark.usefixtures("frozen")


def messages_of(exc: pytest.ExceptionInfo[ValidationError], field: str) -> list[str]:
    return exc.value.message_dict[field]


# --- The cap -------------------------------------------------------------------------------


def test_it_allows_an_expense_that_reaches_the_cap_exactly(world):
    add(world, "59000.00")
    expense = add(world, "1000.00", category="venue", payee="曹杨文化中心")
    assert expense.year == YEAR
    summary = budget_summary(world.caoyang, YEAR)
    assert (summary.cap, summary.spent, summary.remaining) == (
        Decimal("60000.00"),
        Decimal("60000.00"),
        Decimal("0.00"),
    )
    assert summary.percent_used == Decimal("100.0")


def test_it_refuses_one_cent_over_the_cap_and_says_what_remains(world):
    add(world, "58765.99")
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        add(world, "1234.02", receipt=upload())
    assert messages_of(exc, "amount") == [
        "超出本年度经费上限：剩余 1,234.01 元，本笔 1,234.02 元。"
    ]
    assert Expense.objects.count() == 1
    assert AuditEvent.objects.count() == events
    assert not private_root().exists() or not any(private_root().rglob("*.pdf"))
    assert spent_in(world.caoyang, YEAR) == Decimal("58765.99")


def test_it_states_the_remaining_money_in_the_example_of_the_brief(world):
    add(world, "58766.00")
    with pytest.raises(ValidationError) as exc:
        add(world, "2000")
    assert "超出本年度经费上限：剩余 1,234.00 元，本笔 2,000.00 元" in messages_of(exc, "amount")[0]


def test_it_frees_the_amount_when_an_expense_is_voided(world):
    first = add(world, "50000.00")
    with pytest.raises(ValidationError):
        add(world, "20000.00")
    services.expense_void(actor=world.personas["street_admin"], expense=first, reason="重复登记")
    assert spent_in(world.caoyang, YEAR) == Decimal("0.00")
    add(world, "20000.00")
    assert spent_in(world.caoyang, YEAR) == Decimal("20000.00")
    first.refresh_from_db()
    assert first.voided and first.void_reason == "重复登记"
    assert first.voided_by == world.personas["street_admin"]


def test_it_keeps_each_year_and_street_to_its_own_cap(world):
    add(world, "60000.00")
    add(world, "60000.00", date=dt.date(YEAR - 1, 12, 31))
    add(world, "60000.00", street=world.changfeng, persona="district_admin")
    assert spent_in(world.caoyang, YEAR) == Decimal("60000.00")
    assert spent_in(world.caoyang, YEAR - 1) == Decimal("60000.00")
    with pytest.raises(ValidationError):
        add(world, "0.01")


def test_it_uses_the_cap_set_for_the_street_and_year(world):
    assert cap_for(world.caoyang, YEAR) == DEFAULT_CAP
    services.budget_cap_set(
        actor=world.personas["district_admin"], street=world.caoyang, year=YEAR, cap="45000"
    )
    assert cap_for(world.caoyang, YEAR) == Decimal("45000.00")
    assert cap_for(world.caoyang, YEAR - 1) == DEFAULT_CAP
    assert cap_for(world.changfeng, YEAR) == DEFAULT_CAP
    with pytest.raises(ValidationError) as exc:
        add(world, "45000.01")
    assert messages_of(exc, "amount") == [
        "超出本年度经费上限：剩余 45,000.00 元，本笔 45,000.01 元。"
    ]
    event = AuditEvent.objects.get(action="budget.cap_set")
    assert event.changes["cap"] == ["60000.00", "45000.00"]
    assert event.actor == world.personas["district_admin"]


def test_it_refuses_a_cap_below_what_is_already_spent(world):
    add(world, "30000.00")
    with pytest.raises(ValidationError) as exc:
        services.budget_cap_set(
            actor=world.personas["city_admin"], street=world.caoyang, year=YEAR, cap="29999.99"
        )
    assert messages_of(exc, "cap") == ["上限不能低于本年度已支出的 30,000.00 元。"]
    assert not BudgetCap.objects.exists()
    services.budget_cap_set(
        actor=world.personas["city_admin"], street=world.caoyang, year=YEAR, cap="30000"
    )
    assert cap_for(world.caoyang, YEAR) == Decimal("30000.00")


@pytest.mark.parametrize(
    ("persona", "street"),
    [("street_admin", "caoyang"), ("district_admin", "jingan_street"), ("site_manager", "caoyang")],
)
def test_it_lets_only_the_district_and_the_programme_office_set_caps(world, persona, street):
    with pytest.raises(PermissionDenied):
        services.budget_cap_set(
            actor=world.personas[persona], street=getattr(world, street), year=YEAR, cap="1000"
        )
    assert not BudgetCap.objects.exists()


# --- Bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0", "金额必须大于 0 元。"),
        ("-5", "金额必须大于 0 元。"),
        ("12.345", "金额最多精确到分（小数点后两位）。"),
        ("十二元", "请填写金额，例如 1200.50。"),
        ("100000000", "金额不能超过 99,999,999.99 元。"),
        ("1e30", "金额不能超过 99,999,999.99 元。"),
    ],
)
def test_it_refuses_amounts_that_are_not_money(world, amount, message):
    with pytest.raises(ValidationError) as exc:
        services.expense_add(
            actor=world.personas["street_admin"],
            street=world.caoyang,
            date=TODAY,
            category="training",
            amount=amount,
            payee="曹杨社区学校",
        )
    assert messages_of(exc, "amount") == [message]
    assert not Expense.objects.exists()


def test_it_refuses_a_date_before_the_programmes_ledgers(world):
    with pytest.raises(ValidationError) as exc:
        services.expense_add(
            actor=world.personas["street_admin"],
            street=world.caoyang,
            date=dt.date(2019, 5, 1),
            category="training",
            amount="100",
            payee="曹杨社区学校",
        )
    assert "年之间" in messages_of(exc, "date")[0]
    assert not Expense.objects.exists()


def test_it_reads_amounts_with_thousands_separators(world):
    expense = services.expense_add(
        actor=world.personas["street_admin"],
        street=world.caoyang,
        date=TODAY,
        category="materials",
        amount="1,200.50",
        payee="印刷厂",
    )
    assert expense.amount == Decimal("1200.50")


def test_it_refuses_a_future_date_an_empty_payee_and_an_unknown_category_at_once(world):
    with pytest.raises(ValidationError) as exc:
        add(world, "100", date=TODAY + dt.timedelta(days=1), payee="  ", category="lunch")
    errors = exc.value.message_dict
    assert errors["date"] == ["支出日期不能晚于今天（2026-11-23）。"]
    assert errors["payee"] == ["请填写收款方（单位或个人）。"]
    assert errors["category"] == ["请选择支出类别。"]
    assert not Expense.objects.exists()


def test_it_refuses_a_date_outside_the_ledger_being_filled_in(world):
    with pytest.raises(ValidationError) as exc:
        add(world, "100", date=dt.date(YEAR - 1, 6, 1), year=YEAR)
    assert messages_of(exc, "date") == [f"这是 {YEAR} 年的台账，日期应在 {YEAR} 年内。"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("发票.docx", PDF, "收据只能是 PDF、JPG 或 PNG 文件，“发票.docx”不是。"),
        ("收据", PDF, "收据只能是 PDF、JPG 或 PNG 文件，“收据”不是。"),
        (
            "收据.pdf",
            b"MZ\x90\x00 not a pdf",
            "“收据.pdf”的内容不是 PDF 文件，请重新扫描或拍照后上传。",
        ),
        ("照片.png", JPG, "“照片.png”的内容不是 PNG 文件，请重新扫描或拍照后上传。"),
        ("收据.pdf", b"", "“收据.pdf”是空文件，请重新选择。"),
        (
            "扫描件.pdf",
            PDF + b"\x00" * (10 * 1024 * 1024),
            "收据文件不能超过 10 MB，“扫描件.pdf”有 10.0 MB。",
        ),
    ],
)
def test_it_refuses_receipts_of_the_wrong_type_or_size(world, private_dir, name, content, message):
    with pytest.raises(ValidationError) as exc:
        add(world, "100", receipt=upload(name, content))
    assert messages_of(exc, "receipt") == [message]
    assert not Expense.objects.exists()
    assert not private_dir.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [("收据扫描.PDF", PDF), ("发票照片.jpeg", JPG), ("收款凭证.png", PNG)],
    ids=["pdf", "jpeg", "png"],
)
def test_it_keeps_receipts_outside_the_public_media_folder(
    world, settings, private_dir, name, content
):
    expense = add(world, "100", receipt=upload(name, content))
    stored = private_dir / expense.receipt.name
    assert stored.read_bytes() == content
    assert not (settings.MEDIA_ROOT / expense.receipt.name).exists()
    assert expense.receipt_name == name
    # The stored name is random: the uploader's file name is not part of any path.
    assert name.split(".")[0] not in expense.receipt.name
    assert expense.receipt.name.endswith(name.split(".")[1].lower())
    assert expense.receipt.name.startswith(f"receipts/{YEAR}/")
    with pytest.raises(ValueError):
        expense.receipt.url  # noqa: B018 (no public address exists)


# --- Voiding ---------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   "])
def test_it_needs_a_reason_to_void(world, reason):
    expense = add(world, "500")
    with pytest.raises(ValidationError) as exc:
        services.expense_void(actor=world.personas["street_admin"], expense=expense, reason=reason)
    assert messages_of(exc, "reason") == ["请写明作废原因。"]
    expense.refresh_from_db()
    assert not expense.voided
    assert spent_in(world.caoyang, YEAR) == Decimal("500.00")


def test_it_voids_only_once_and_never_deletes(world):
    expense = add(world, "500")
    services.expense_void(actor=world.personas["district_admin"], expense=expense, reason="填错")
    with pytest.raises(ValidationError) as exc:
        services.expense_void(actor=world.personas["city_admin"], expense=expense, reason="再次")
    assert exc.value.messages == ["这笔支出已经作废。"]
    expense.refresh_from_db()
    assert expense.void_reason == "填错"
    assert Expense.objects.count() == 1


# --- Who may ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "street"),
    [
        ("street_admin", "changfeng"),
        ("district_admin", "jingan_street"),
        ("site_manager", "caoyang"),
        ("volunteer", "caoyang"),
    ],
)
def test_it_refuses_expenses_from_outside_the_actors_streets(world, persona, street):
    with pytest.raises(PermissionDenied):
        add(world, "100", persona=persona, street=getattr(world, street))
    assert not Expense.objects.exists()


def test_it_refuses_voiding_another_streets_expense(world):
    expense = add(world, "100", persona="district_admin", street=world.changfeng)
    with pytest.raises(PermissionDenied):
        services.expense_void(actor=world.personas["street_admin"], expense=expense, reason="x")
    expense.refresh_from_db()
    assert not expense.voided


@pytest.mark.parametrize("persona", ["street_admin", "district_admin", "city_admin"])
def test_it_lets_the_street_and_everyone_above_it_add(world, persona):
    add(world, "100", persona=persona)
    assert spent_in(world.caoyang, YEAR) == Decimal("100.00")


def test_it_books_expenses_by_street_only(world):
    with pytest.raises(ValidationError) as exc:
        add(world, "100", persona="district_admin", street=world.putuo)
    assert "street" in exc.value.message_dict


# --- The trail and the database ----------------------------------------------------------------


def test_it_audits_adding_and_voiding(world):
    expense = add(world, "321.50", receipt=upload("发票.pdf"), note="第一期培训")
    services.expense_void(actor=world.personas["street_admin"], expense=expense, reason="重复")
    added, voided = AuditEvent.objects.filter(object_id=str(expense.pk)).order_by("id")
    assert added.action == "expense.add"
    assert added.actor == world.personas["street_admin"]
    assert added.changes["amount"] == "321.50"
    assert added.changes["receipt"] == "发票.pdf"
    assert added.changes["note"] == "第一期培训"
    assert voided.action == "expense.void"
    assert voided.changes["reason"] == "重复"


def test_the_database_refuses_amounts_of_nothing(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Expense.objects.create(
            street=world.caoyang,
            region_path=world.caoyang.path,
            category="other",
            date=TODAY,
            amount=Decimal("0.00"),
            payee="x",
        )


def test_the_database_refuses_a_void_without_reason(world):
    expense = add(world, "100")
    with pytest.raises(IntegrityError), transaction.atomic():
        Expense.objects.filter(pk=expense.pk).update(voided=True)
