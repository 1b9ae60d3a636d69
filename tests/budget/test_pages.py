"""The budget pages of the workspace: the street list, a street's ledger, the cap, voiding,
receipts and the spreadsheet."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from urllib.parse import unquote

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from huoban.budget import services
from huoban.budget.models import Expense
from huoban.budget.selectors import spent_in
from tests.budget.conftest import PDF, TODAY, YEAR, add, upload
from tests.conftest import region
from tests.workspace.pages import (
    field_error,
    html,
    status_messages,
    summary_links,
    table_column,
    text,
    title,
    value_of,
)

pytestmark = pytest.mark.usefixtures("frozen")


def ledger_url(street, year: int = YEAR) -> str:
    return reverse("workspace:budget_ledger", args=[street.code, year])


def expense_data(**changes) -> dict:
    data = {
        "date": TODAY.isoformat(),
        "category": "publicity",
        "amount": "2,480.00",
        "payee": "曹杨广告制作部",
        "note": "宣传海报 200 张",
    }
    data.update(changes)
    return data


def row_cells(response, table: int, row: int) -> list[str]:
    cells = html(response).xpath(f"(//table)[{table}]/tbody/tr[{row}]/*")
    return [text(c) for c in cells]


# --- The list ---------------------------------------------------------------------------------


def test_it_lists_the_streets_in_scope_with_cap_spent_and_remaining(client_for, world):
    add(world, "15000.00")
    add(world, "1000.00", category="other")
    services.expense_void(
        actor=world.personas["street_admin"],
        expense=add(world, "9999.00"),
        reason="重复",
    )
    response = client_for("district_admin").get(reverse("workspace:budget_list"))
    assert response.status_code == 200
    assert title(response).startswith(f"{YEAR} 年经费")
    assert value_of(response, "id_year") == str(YEAR)
    assert table_column(response) == ["曹杨新村街道", "长风新村街道"]
    assert row_cells(response, 1, 1) == [
        "曹杨新村街道",
        "普陀区",
        "60,000.00",
        "16,000.00",
        "44,000.00",
        "26.7%",
    ]
    assert row_cells(response, 1, 2)[2:] == ["60,000.00", "0.00", "60,000.00", "0.0%"]


def test_it_sorts_the_streets_by_division_code_and_shows_each_persona_its_own(client_for, world):
    city = client_for("city_admin").get(reverse("workspace:budget_list"))
    assert table_column(city) == ["石门二路街道", "曹杨新村街道", "长风新村街道"]
    street = client_for("street_admin").get(reverse("workspace:budget_list"))
    assert table_column(street) == ["曹杨新村街道"]


def test_it_shows_another_year_when_asked(client_for, world):
    add(world, "500.00", date=dt.date(YEAR - 1, 3, 1))
    client = client_for("street_admin")
    earlier = client.get(reverse("workspace:budget_list"), {"year": YEAR - 1})
    assert value_of(earlier, "id_year") == str(YEAR - 1)
    assert row_cells(earlier, 1, 1)[3] == "500.00"
    assert html(earlier).xpath("//table//a/@href") == [ledger_url(world.caoyang, YEAR - 1)]
    now = client.get(reverse("workspace:budget_list"), {"year": "1999"})
    assert row_cells(now, 1, 1)[3] == "0.00"


def test_it_reads_the_list_in_a_fixed_number_of_queries(
    client_for, world, django_assert_num_queries
):
    client = client_for("city_admin")
    client.get(reverse("workspace:budget_list"))  # the session and the user, once
    for i in range(12):
        street = region(f"3101071{i:02d}", f"新街道{i}", "street", world.putuo)
        services.budget_cap_set(
            actor=world.personas["city_admin"], street=street, year=YEAR, cap="50000"
        )
        add(world, "100.00", persona="city_admin", street=street)
    with django_assert_num_queries(5):
        response = client.get(reverse("workspace:budget_list"))
    assert len(table_column(response)) == 15
    assert row_cells(response, 1, 4)[:1] + row_cells(response, 1, 4)[2:] == [
        "新街道0",
        "50,000.00",
        "100.00",
        "49,900.00",
        "0.2%",
    ]


# --- The ledger -------------------------------------------------------------------------------


def test_it_shows_the_ledger_with_category_totals_and_voided_rows_struck(client_for, world):
    add(world, "3000.00", category="training", date=TODAY - dt.timedelta(days=30))
    add(world, "1200.50", category="venue", payee="曹杨文化中心", receipt=upload())
    wrong = add(world, "800.00", category="venue", payee="错账")
    services.expense_void(actor=world.personas["street_admin"], expense=wrong, reason="金额填错")
    response = client_for("street_admin").get(ledger_url(world.caoyang))
    page = html(response)
    assert page.findtext(".//h1").strip() == f"曹杨新村街道 {YEAR} 年经费台账"
    totals = [text(dd) for dd in page.xpath("//dl[@class='totals']//dd")]
    assert totals == ["60,000.00", "4,200.50", "55,799.50", "7.0%"]
    categories = dict(zip(table_column(response, 0), table_column(response, 1), strict=True))
    assert categories["组织培训"] == "3,000.00"
    assert categories["场地租赁"] == "1,200.50"
    assert categories["宣传推广"] == "0.00"
    assert len(categories) == 7
    rows = page.xpath("(//table)[2]/tbody/tr")
    assert len(rows) == 3
    voided = next(r for r in rows if "错账" in text(r))
    assert [text(d) for d in voided.xpath(".//del")][2:] == ["错账", "800.00"]
    assert "已作废：金额填错" in text(voided)
    kept = next(r for r in rows if "曹杨文化中心" in text(r))
    assert not kept.xpath(".//del")
    assert kept.xpath(".//a[starts-with(@href, '/workspace/budget/expenses/')]")


def test_it_adds_an_expense_with_its_receipt(client_for, world, private_dir):
    client = client_for("street_admin")
    response = client.post(
        ledger_url(world.caoyang), expense_data(receipt=upload("海报发票.pdf")), follow=True
    )
    assert status_messages(response) == ["已登记支出：曹杨广告制作部 2,480.00 元。"]
    expense = Expense.objects.get()
    assert (expense.amount, expense.category, expense.note) == (
        Decimal("2480.00"),
        "publicity",
        "宣传海报 200 张",
    )
    assert expense.created_by == world.personas["street_admin"]
    download = client.get(reverse("workspace:expense_receipt", args=[expense.public_id]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    disposition = unquote(download["Content-Disposition"])
    assert disposition.startswith("attachment;") and "海报发票.pdf" in disposition
    assert "no-store" in download["Cache-Control"]


def test_it_refuses_an_expense_over_the_cap_and_keeps_what_was_typed(client_for, world):
    add(world, "58000.00")
    response = client_for("street_admin").post(
        ledger_url(world.caoyang), expense_data(receipt=upload("海报发票.pdf"))
    )
    assert response.status_code == 200
    assert title(response).startswith("错误：")
    message = "超出本年度经费上限：剩余 2,000.00 元，本笔 2,480.00 元。"
    assert summary_links(response) == [("#id_amount", message)]
    assert field_error(response, "id_amount") == f"错误：{message}"
    assert value_of(response, "id_amount") == "2,480.00"
    assert value_of(response, "id_payee") == "曹杨广告制作部"
    assert value_of(response, "id_date") == TODAY.isoformat()
    assert value_of(response, "id_category") == "publicity"
    assert html(response).get_element_by_id("id_note").text.strip() == "宣传海报 200 张"
    assert "请重新选择收据文件" in text(html(response))
    assert Expense.objects.count() == 1


def test_it_names_every_missing_field(client_for, world):
    response = client_for("district_admin").post(
        ledger_url(world.caoyang), {"date": "", "amount": "", "payee": "", "category": ""}
    )
    assert summary_links(response) == [
        ("#id_date", "请填写支出日期。"),
        ("#id_category", "请选择支出类别。"),
        ("#id_amount", "请填写金额。"),
        ("#id_payee", "请填写收款方（单位或个人）。"),
    ]
    assert "请重新选择收据文件" not in text(html(response))
    assert not Expense.objects.exists()


def test_it_shows_a_bad_receipt_at_the_receipt_field(client_for, world):
    response = client_for("street_admin").post(
        ledger_url(world.caoyang), expense_data(receipt=upload("报价单.xlsx", b"PK\x03\x04"))
    )
    message = "收据只能是 PDF、JPG 或 PNG 文件，“报价单.xlsx”不是。"
    assert summary_links(response) == [("#id_receipt", message)]
    assert value_of(response, "id_payee") == "曹杨广告制作部"
    assert not Expense.objects.exists()


def test_it_refuses_a_date_outside_the_ledgers_year(client_for, world):
    response = client_for("street_admin").post(ledger_url(world.caoyang, YEAR - 1), expense_data())
    assert summary_links(response) == [
        ("#id_date", f"这是 {YEAR - 1} 年的台账，日期应在 {YEAR - 1} 年内。")
    ]


def test_it_takes_no_entries_for_next_year_yet(client_for, world):
    response = client_for("street_admin").get(ledger_url(world.caoyang, YEAR + 1))
    assert response.status_code == 200
    assert f"{YEAR + 1} 年还没有到，暂时不能登记这一年的支出。" in text(html(response))
    assert html(response).get_element_by_id("id_amount", None) is None


def test_it_has_no_ledger_before_the_programme_or_after_next_year(client_for, world):
    client = client_for("city_admin")
    assert client.get(ledger_url(world.caoyang, 2020)).status_code == 404
    assert client.get(ledger_url(world.caoyang, YEAR + 2)).status_code == 404


def test_it_offers_the_cap_only_to_the_district_and_the_programme_office(client_for, world):
    street = html(client_for("street_admin").get(ledger_url(world.caoyang)))
    assert street.get_element_by_id("id_cap", None) is None
    assert street.get_element_by_id("id_amount", None) is not None
    district = client_for("district_admin").get(ledger_url(world.caoyang))
    assert value_of(district, "id_cap") == "60000.00"


def test_it_sets_the_cap_and_refuses_one_below_the_spending(client_for, world):
    add(world, "20000.00")
    client = client_for("district_admin")
    url = reverse("workspace:budget_cap", args=[world.caoyang.code, YEAR])
    refused = client.post(url, {"cap": "19999"})
    assert title(refused).startswith("错误：")
    assert summary_links(refused) == [("#id_cap", "上限不能低于本年度已支出的 20,000.00 元。")]
    assert value_of(refused, "id_cap") == "19999"
    saved = client.post(url, {"cap": "45,000"}, follow=True)
    assert status_messages(saved) == [f"曹杨新村街道 {YEAR} 年的经费上限已保存。"]
    totals = [text(dd) for dd in html(saved).xpath("//dl[@class='totals']//dd")]
    assert totals[:3] == ["45,000.00", "20,000.00", "25,000.00"]


def test_it_voids_an_expense_with_a_reason(client_for, world):
    expense = add(world, "700.00", payee="错的收款方")
    client = client_for("street_admin")
    url = reverse("workspace:expense_void", args=[expense.public_id])
    refused = client.post(url, {"reason": ""})
    assert title(refused).startswith("错误：")
    assert summary_links(refused) == [("#id_reason", "请写明作废原因。")]
    done = client.post(url, {"reason": "收款方写错，重新登记"}, follow=True)
    assert status_messages(done) == ["这笔支出已作废，不再计入已支出。"]
    assert "已作废：收款方写错，重新登记" in text(html(done))
    assert spent_in(world.caoyang, YEAR) == Decimal("0.00")
    again = client.get(url)
    assert "这笔支出已经作废" in text(html(again))
    assert html(again).get_element_by_id("id_reason", None) is None


def test_it_reads_the_ledger_in_a_fixed_number_of_queries(
    client_for, world, django_assert_num_queries
):
    client = client_for("district_admin")
    url = ledger_url(world.caoyang)
    client.get(url)
    for i in range(10):
        expense = add(world, "100.00", payee=f"收款方{i}", receipt=upload())
        if i % 2:
            services.expense_void(
                actor=world.personas["city_admin"], expense=expense, reason="作废"
            )
    with django_assert_num_queries(7):
        response = client.get(url)
    assert len(html(response).xpath("(//table)[2]/tbody/tr")) == 10


# --- The spreadsheet -------------------------------------------------------------------------


def test_it_exports_the_ledger_with_subtotals_total_and_remaining(client_for, world):
    add(world, "3000.00", category="training", date=TODAY - dt.timedelta(days=3))
    add(world, "1200.50", category="venue", payee='=HYPERLINK("x")')
    services.expense_void(
        actor=world.personas["street_admin"],
        expense=add(world, "800.00", category="venue", payee="错账"),
        reason="金额填错",
    )
    response = client_for("district_admin").get(
        reverse("workspace:budget_export", args=[world.caoyang.code, YEAR])
    )
    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    assert f"{YEAR}.xlsx" in unquote(response["Content-Disposition"])
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [sheet["A1"].value, sheet["B1"].value] == ["街镇", "曹杨新村街道"]
    assert [sheet["A2"].value, sheet["B2"].value] == ["年度", YEAR]
    assert [sheet["A3"].value, sheet["B3"].value] == ["经费上限（元）", Decimal("60000")]
    rows = list(sheet.iter_rows(min_row=5, values_only=True))
    assert rows[0][:4] == ("日期", "类别", "收款方", "金额（元）")
    by_label = {r[0]: r[3] for r in rows if r[0] and r[3] is not None}
    assert by_label["组织培训"] == 3000
    assert by_label["场地租赁"] == Decimal("1200.5")
    assert by_label["合计"] == Decimal("4200.5")
    assert by_label["经费上限"] == 60000
    assert by_label["剩余"] == Decimal("55799.5")
    expenses = rows[1:4]
    assert [r[2] for r in expenses] == ["曹杨社区学校", '=HYPERLINK("x")', "错账"]
    assert expenses[2][5] == "已作废（不计入）" and expenses[2][6] == "金额填错"
    # Typed text stays text: a payee beginning with "=" is not a formula.
    assert sheet.cell(row=7, column=3).data_type == "s"


def test_the_street_list_pages_without_a_year_in_the_address(world, client_for):
    response = client_for("city_admin").get("/workspace/budget/", {"page": "1"})
    assert response.status_code == 200
    assert "field-has-error" not in response.content.decode()
