"""The progress pages: each street's target, what is done (from the ledger), the rate, the
forecast and a status in words; the indicator table's export and import; setting and
splitting targets (Putuo 5,000 / 10,000 → 500 / 1,000 a street)."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from huoban.audit.models import AuditEvent
from huoban.records.selectors import person_times
from huoban.records.services import help_session_log, help_session_void
from huoban.regions.management.commands.import_regions import BUNDLED
from huoban.regions.models import Region
from huoban.regions.services import regions_import
from huoban.sites.models import Service
from huoban.targets.models import Target
from huoban.targets.services import target_pair_set, target_set
from tests.conftest import SH
from tests.targets.conftest import PUTUO_STREETS
from tests.workspace.pages import html, status_messages, summary_links, text, title

YEAR = 2026
# Wednesday 20 May 2026, 10:00: the half-year is under way (day 140 of 181).
MAY_20 = dt.datetime(YEAR, 5, 20, 10, tzinfo=SH)


@pytest.fixture
def may(db):
    with time_machine.travel(MAY_20, tick=False):
        yield MAY_20


def progress_url(region=None, year=None) -> str:
    url = reverse("workspace:progress")
    params = []
    if region is not None:
        params.append(f"region={region.code}")
    if year is not None:
        params.append(f"year={year}")
    return f"{url}?{'&'.join(params)}" if params else url


def add_putuo_streets(world) -> None:
    """Putuo's other eight streets (the world has two), from the bundled division codes."""
    lines = (BUNDLED / "shanghai.csv").read_text(encoding="utf-8-sig").splitlines()
    wanted = [lines[0]] + [ln for ln in lines[1:] if ln.startswith(("310000000,", "310107"))]
    regions_import(text="\n".join(wanted) + "\n", actor=None)


@pytest.fixture
def ten_streets(world) -> list[Region]:
    add_putuo_streets(world)
    return list(Region.objects.filter(parent=world.putuo).order_by("code"))


def log(world, site, day: dt.date, n: int = 1):
    """``n`` walk-ins at ``site`` on ``day`` at 10:00, logged by the office."""
    return [
        help_session_log(
            actor=world.personas["city_admin"],
            site=site,
            scenarios=[Service.objects.get(code="medical")],
            occurred_at=dt.datetime(day.year, day.month, day.day, 10, tzinfo=SH),
        )
        for _ in range(n)
    ]


def rows_of(response, period: str = "half") -> dict[str, list[str]]:
    """The table of one period as {first cell: the other cells}, 合计 included."""
    page = html(response)
    table = page.xpath(f"//section[@aria-labelledby='{period}-title']//table")[0]
    out = {}
    for tr in table.xpath("./tbody/tr|./tfoot/tr"):
        cells = [text(c) for c in tr.xpath("./th|./td")]
        out[cells[0]] = cells[1:]
    return out


def test_it_shows_each_street_with_target_done_rate_forecast_and_status(world, client_for, may):
    for street, half, annual in ((world.caoyang, 100, 200), (world.changfeng, 300, 600)):
        target_pair_set(actor=None, region=street, year=YEAR, half=half, annual=annual)
    log(world, world.site_a, dt.date(YEAR, 1, 5), 60)
    log(world, world.site_a, dt.date(YEAR, 5, 19), 20)
    log(world, world.site_b, dt.date(YEAR, 3, 1), 10)
    voided = log(world, world.site_b, dt.date(YEAR, 3, 2))[0]
    help_session_void(actor=world.personas["city_admin"], session=voided, reason="重复登记")
    log(world, world.site_b, dt.date(YEAR - 1, 12, 31))  # last year: not counted

    response = client_for("district_admin").get(progress_url())

    assert response.status_code == 200
    assert title(response) == "普陀区 2026 年指标进度 - 工作台 - 数字伙伴计划"
    half = rows_of(response, "half")
    head = [text(th) for th in html(response).xpath("(//table)[1]/thead//th")]
    assert head == ["街镇", "目标", "已完成", "完成率", "预计（按目前进度）", "状态"]
    start, today = dt.date(YEAR, 1, 1), dt.date(YEAR, 5, 20)
    assert person_times(world.caoyang, start, today, "both") == 80
    assert person_times(world.changfeng, start, today, "both") == 10
    # 80 in 140 days → 103 by 30 June (181 days): on track; 10 → 12: behind.
    assert half["曹杨新村街道"][:3] == ["100", "80", "80.0%"]
    assert half["曹杨新村街道"][3].startswith("103")
    assert half["曹杨新村街道"][4].startswith("按计划")
    assert half["长风新村街道"][:3] == ["300", "10", "3.3%"]
    assert half["长风新村街道"][4].startswith("落后")
    assert "每天需 7 人次才能按期完成" in half["长风新村街道"][4]  # 290 in 42 days
    assert half["合计"][:3] == ["400", "90", "22.5%"]
    annual = rows_of(response, "year")
    assert annual["曹杨新村街道"][:3] == ["200", "80", "40.0%"]
    assert annual["合计"][:2] == ["800", "90"]
    # The status is in words and in a colour class, never in colour alone.
    statuses = html(response).xpath("(//table)[1]//span[contains(@class,'status-')]")
    assert {s.get("class") for s in statuses} >= {"status status-success", "status status-caution"}
    assert all(text(s) for s in statuses)


def test_it_draws_a_chart_of_done_against_target_with_the_table_as_its_equivalent(
    world, client_for, may
):
    target_pair_set(actor=None, region=world.caoyang, year=YEAR, half=100, annual=200)
    log(world, world.site_a, dt.date(YEAR, 2, 1), 3)
    page = html(client_for("district_admin").get(progress_url()))
    chart = page.get_element_by_id("chart-half")
    assert chart.get("role") == "img" and "数字见上面的表格" in chart.get("aria-label")
    assert chart.get("hidden") is not None  # shown by the script; without it, the table alone
    data = page.get_element_by_id("chart-half-data")
    assert data.get("type") == "application/json"
    assert json.loads(data.text) == {
        "kind": "bars",
        "label": chart.get("aria-label"),
        "categories": ["曹杨新村街道", "长风新村街道"],
        "series": [{"name": "指标", "data": [100, None]}, {"name": "已完成", "data": [3, 0]}],
    }
    scripts = page.xpath("//head/script/@src")
    assert "/static/vendor/echarts/echarts.min.js" in scripts
    assert "/static/huoban/charts.js" in scripts


def test_it_shows_a_street_admin_their_own_street_as_one_row(world, client_for, may):
    target_pair_set(actor=None, region=world.caoyang, year=YEAR, half=100, annual=200)
    log(world, world.site_a, dt.date(YEAR, 4, 1), 5)
    log(world, world.site_b, dt.date(YEAR, 4, 1), 7)
    response = client_for("street_admin").get(progress_url())
    half = rows_of(response, "half")
    assert list(half) == ["曹杨新村街道"]
    assert half["曹杨新村街道"][:3] == ["100", "5", "5.0%"]
    hrefs = html(response).xpath("//main//a/@href")
    assert reverse("workspace:indicators_export", args=[world.caoyang.code, YEAR]) in hrefs
    assert not [h for h in hrefs if "/import/" in h or "/targets/" in h]


def test_it_shows_the_office_the_districts_and_opens_one(world, client_for, may):
    target_pair_set(actor=None, region=world.putuo, year=YEAR, half=1000, annual=2000)
    log(world, world.site_c, dt.date(YEAR, 4, 1), 2)
    client = client_for("city_admin")
    response = client.get(progress_url())
    half = rows_of(response, "half")
    assert list(half) == ["静安区", "普陀区", "合计"]  # by division code
    assert half["普陀区"][:2] == ["1,000", "0"]
    assert half["静安区"][:2] == ["未设定", "2"]
    assert "未设定指标" in half["静安区"][4]
    link = html(response).xpath("//table//a[normalize-space()='普陀区']/@href")[0]
    opened = client.get(link)
    assert list(rows_of(opened, "half")) == ["曹杨新村街道", "长风新村街道", "合计"]
    assert html(opened).xpath("//nav[@class='breadcrumbs']//a/@href") == [
        progress_url(world.city, YEAR)
    ]


def test_it_warns_when_a_district_target_differs_from_its_streets(world, client_for, may):
    target_pair_set(actor=None, region=world.putuo, year=YEAR, half=1000, annual=2000)
    target_pair_set(actor=None, region=world.caoyang, year=YEAR, half=400, annual=800)
    target_pair_set(actor=None, region=world.changfeng, year=YEAR, half=500, annual=1200)
    page = html(client_for("district_admin").get(progress_url()))
    warnings = [text(p) for p in page.xpath("//p[contains(@class,'notice-warning')]")]
    # The year's streets add up (800 + 1,200 = 2,000): only the half-year is named.
    assert warnings == ["指标不一致：普陀区的半年指标是 1000，各街镇指标合计 900，少 100。"]


def test_it_chooses_another_year_within_the_list(world, client_for, may):
    target_pair_set(actor=None, region=world.caoyang, year=YEAR + 1, half=10, annual=20)
    response = client_for("district_admin").get(progress_url(world.putuo, YEAR + 1))
    assert title(response).startswith("普陀区 2027 年指标进度")
    assert rows_of(response, "half")["曹杨新村街道"][:2] == ["10", "0"]
    assert "还没有开始" in rows_of(response, "half")["曹杨新村街道"][3]
    options = html(response).xpath("//select[@name='year']/option/@value")
    assert "2027" in options and "2026" in options


@pytest.mark.parametrize("year", ["1999", "abc", "2100"])
def test_it_answers_404_for_a_year_out_of_range(world, client_for, may, year):
    url = f"{reverse('workspace:progress')}?year={year}"
    assert client_for("district_admin").get(url).status_code == 404


# --- Setting and splitting ----------------------------------------------------------------------


def targets_url(region, year=YEAR) -> str:
    return reverse("workspace:targets_edit", args=[region.code, year])


def test_the_office_sets_putuo_and_the_district_splits_it_500_a_street(
    world, client_for, may, ten_streets
):
    office, district = client_for("city_admin"), client_for("district_admin")
    response = office.post(
        targets_url(world.putuo), {"action": "total", "half": "5000", "annual": "10000"}
    )
    assert response.status_code == 302
    assert response.url == progress_url(world.putuo, YEAR)
    # The district admin cannot set the district's own number, only split it.
    page = html(district.get(targets_url(world.putuo)))
    assert not page.xpath("//button[@value='total']")
    assert page.xpath("//button[@value='split-half']") and page.xpath(
        "//button[@value='split-year']"
    )
    for period in ("half", "year"):
        response = district.post(
            targets_url(world.putuo), {"action": f"split-{period}", f"{period}-mode": "even"}
        )
        assert response.status_code == 302
    followed = district.get(response.url)
    assert status_messages(followed) == [
        "普陀区的半年指标 5,000 已分解到 10 个街镇。",
        "普陀区的年度指标 10,000 已分解到 10 个街镇。",
    ]
    half, annual = rows_of(followed, "half"), rows_of(followed, "year")
    assert list(half) == [*PUTUO_STREETS, "合计"]
    assert {half[name][0] for name in PUTUO_STREETS} == {"500"}
    assert {annual[name][0] for name in PUTUO_STREETS} == {"1,000"}
    assert half["合计"][0] == "5,000" and annual["合计"][0] == "10,000"
    assert not html(followed).xpath("//p[contains(@class,'notice-warning')]")


def test_a_manual_split_that_does_not_add_up_is_refused_and_changes_nothing(world, client_for, may):
    target_set(actor=None, region=world.putuo, year=YEAR, period="half", value=1000)
    data = {"action": "split-half", "half-mode": "manual"}
    data |= {f"half-r{world.caoyang.code}": "600", f"half-r{world.changfeng.code}": "300"}
    response = client_for("district_admin").post(targets_url(world.putuo), data)
    assert response.status_code == 200
    assert title(response).startswith("错误：")
    assert [t for _h, t in summary_links(response)] == [
        "各街镇指标合计 900，比普陀区的半年指标 1000 少 100。合计须与之相等，请调整后再保存。"
    ]
    assert html(response).get_element_by_id(f"id_half-r{world.caoyang.code}").get("value") == "600"
    assert not Target.objects.filter(region__in=[world.caoyang, world.changfeng]).exists()


def test_a_manual_split_that_adds_up_sets_each_street(world, client_for, may):
    target_set(actor=None, region=world.putuo, year=YEAR, period="half", value=1000)
    data = {"action": "split-half", "half-mode": "manual"}
    data |= {f"half-r{world.caoyang.code}": "700", f"half-r{world.changfeng.code}": "300"}
    response = client_for("district_admin").post(targets_url(world.putuo), data)
    assert response.status_code == 302
    values = dict(Target.objects.filter(period="half").values_list("region__name", "value"))
    assert values == {"普陀区": 1000, "曹杨新村街道": 700, "长风新村街道": 300}
    assert AuditEvent.objects.filter(action="target.split").count() == 1


def test_a_split_needs_the_districts_own_target_first(world, client_for, may):
    client = client_for("district_admin")
    page = html(client.get(targets_url(world.putuo)))
    assert "普陀区还没有半年指标，设定后才能分解。" in text(page)
    assert not page.xpath("//button[@value='split-half']")
    response = client.post(targets_url(world.putuo), {"action": "split-half", "half-mode": "even"})
    assert response.status_code == 200 and title(response).startswith("错误：")
    assert not Target.objects.exists()


def test_the_total_form_refuses_a_half_year_above_the_year(world, client_for, may):
    response = client_for("city_admin").post(
        targets_url(world.putuo), {"action": "total", "half": "3000", "annual": "2000"}
    )
    assert response.status_code == 200
    assert summary_links(response) == [
        ("#id_half", "普陀区的半年指标 3000 不能大于年度指标 2000。")
    ]
    assert not Target.objects.exists()


def test_a_district_admin_posting_the_district_total_is_refused(world, client_for, may):
    response = client_for("district_admin").post(
        targets_url(world.putuo), {"action": "total", "half": "1", "annual": "2"}
    )
    assert response.status_code == 403
    assert not Target.objects.exists()


# --- The indicator table -----------------------------------------------------------------------


def test_it_exports_the_indicator_table_that_opens_in_openpyxl(world, client_for, may, ten_streets):
    for street in ten_streets:
        target_pair_set(actor=None, region=street, year=YEAR, half=500, annual=1000)
    log(world, world.site_a, dt.date(YEAR, 3, 3), 4)
    client = client_for("district_admin")
    page = html(client.get(progress_url()))
    url = reverse("workspace:indicators_export", args=[world.putuo.code, YEAR])
    assert url in page.xpath("//main//a/@href")
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][0] == "普陀区长者智能技术运用提升行动任务指标分解表"
    assert rows[2][:3] == ("街镇", "半年指标", "年度指标")
    body = {r[0]: r[1:] for r in rows[3:14]}
    assert list(body) == [*PUTUO_STREETS, "合计"]
    assert body["曹杨新村街道"][:4] == (500, 1000, 4, 0.008)
    assert body["合计"][:3] == (5000, 10000, 4)


def import_url(region, year=YEAR) -> str:
    return reverse("workspace:indicators_import", args=[region.code, year])


def xlsx(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["普陀区长者智能技术运用提升行动任务指标分解表"])
    sheet.append(["单位：人次"])
    sheet.append(["街镇", "半年指标", "年度指标"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(content: bytes, name: str = "指标.xlsx"):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_an_import_with_a_bad_row_imports_nothing_and_names_the_row(world, client_for, may):
    content = xlsx([["曹杨", 500, 1000], ["长风", 800, 600], ["外滩", 1, 2]])
    response = client_for("district_admin").post(import_url(world.putuo), {"file": upload(content)})
    assert response.status_code == 200
    assert title(response).startswith("错误：")
    assert summary_links(response) == [
        ("#id_file", "表格有 2 处问题，没有导入任何指标。请按下面列出的行改正后重新上传。")
    ]
    errors = {
        text(tr.xpath("./th")[0]): text(tr.xpath("./td")[0])
        for tr in html(response).xpath("//table[@id='import-errors']/tbody/tr")
    }
    assert errors == {
        "第 5 行": "半年指标 800 大于年度指标 600。",
        "第 6 行": "“外滩”不是普陀区下属的街镇。",
    }
    assert not Target.objects.exists()


def test_a_good_import_sets_the_targets_and_says_so(world, client_for, may):
    content = xlsx([["曹杨", 500, 1000], ["长风新村街道", 400, 900], ["合计", 900, 1900]])
    client = client_for("city_admin")
    response = client.post(import_url(world.putuo), {"file": upload(content)})
    assert response.status_code == 302
    followed = client.get(response.url)
    assert status_messages(followed) == ["已导入 2 行指标：新设 4 项，修改 0 项，0 项没有变化。"]
    assert rows_of(followed, "half")["合计"][0] == "900"


def test_an_unreadable_file_is_refused_with_a_message(world, client_for, may):
    response = client_for("district_admin").post(
        import_url(world.putuo), {"file": upload(b"not a spreadsheet", "指标.pdf")}
    )
    assert response.status_code == 200
    assert summary_links(response) == [("#id_file", "只能导入 .xlsx 或 .csv 文件。")]


def test_the_import_and_set_links_show_only_to_those_who_may_set(world, client_for, may):
    district = html(client_for("district_admin").get(progress_url()))
    hrefs = district.xpath("//main//a/@href")
    assert import_url(world.putuo) in hrefs and targets_url(world.putuo) in hrefs
    street = html(client_for("street_admin").get(progress_url(world.caoyang)))
    assert import_url(world.caoyang) not in street.xpath("//main//a/@href")


# --- Queries -----------------------------------------------------------------------------------


def test_the_page_takes_the_same_number_of_queries_for_two_streets_or_ten(
    world, client_for, may, django_assert_num_queries, django_assert_max_num_queries
):
    client = client_for("district_admin")
    target_pair_set(actor=None, region=world.caoyang, year=YEAR, half=10, annual=20)
    log(world, world.site_a, dt.date(YEAR, 3, 3), 3)
    with CaptureQueriesContext(connection) as two_streets:
        client.get(progress_url())
    with django_assert_max_num_queries(16):
        client.get(progress_url())
    add_putuo_streets(world)
    with django_assert_num_queries(len(two_streets)):
        response = client.get(progress_url())
    assert len(rows_of(response, "half")) == 11
