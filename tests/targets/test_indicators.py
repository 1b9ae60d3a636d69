"""The indicator table of seed 001's annex 1: exported as xlsx with Putuo's 10 × 500 / 1000
and a 合计 of 5000 / 10000, and imported back — all or nothing, bad rows named."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import Workbook, load_workbook

from huoban.audit.models import AuditEvent
from huoban.targets.indicators import (
    MAX_BYTES,
    IndicatorImportError,
    indicator_workbook,
    indicators_import,
    short_names,
)
from huoban.targets.models import Target
from huoban.targets.selectors import targets_rollup
from huoban.targets.services import target_set, target_split
from tests.targets.conftest import ANNEX_1, PUTUO_STREETS, YEAR

pytestmark = pytest.mark.django_db

HEADER = ["街镇", "半年指标", "年度指标", "半年完成", "半年完成率", "年度完成", "年度完成率"]
NOTE = "注：半年指标需在 6 月底前完成，年度指标需在 9 月底前完成。"
TODAY = dt.date(YEAR, 3, 31)  # day 90


@pytest.fixture
def split(putuo, streets, office, district_admin):
    """The demo's Putuo targets: 5000 / 10000 on the district, split evenly."""
    for period, value in (("year", 10000), ("half", 5000)):
        parent = target_set(actor=office, region=putuo, year=YEAR, period=period, value=value)
        target_split(actor=district_admin, parent=parent, mode="even")
    return streets


def sheet_rows(content: bytes) -> list[tuple]:
    book = load_workbook(io.BytesIO(content))
    rows = list(book.active.iter_rows(values_only=True))
    book.close()
    return rows


def street_targets(streets) -> list[tuple[int | None, int | None]]:
    found = {(t.region_id, t.period): t.value for t in Target.objects.filter(year=YEAR)}
    return [(found.get((s.pk, "half")), found.get((s.pk, "year"))) for s in streets]


def annex_1_xlsx(rows: list[list], *, total: list | None = None) -> bytes:
    """A table laid out as seed 001 prints it: title, unit, header, rows, 合计, note."""
    book = Workbook()
    sheet = book.active
    sheet.append(["普陀区长者智能技术运用提升行动任务指标分解表"])
    sheet.append(["单位：人次"])
    sheet.append(["街镇", "半年指标", "年度指标"])
    for row in rows:
        sheet.append(row)
    if total is not None:
        sheet.append(["合计", *total])
    sheet.append([NOTE])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def seed_rows() -> list[list]:
    return [[name, 500, 1000] for name in ANNEX_1]


def run_import(actor, region, content: bytes, filename: str = "指标分解表.xlsx"):
    return indicators_import(
        actor=actor, region=region, year=YEAR, filename=filename, content=content
    )


# --- Export (the acceptance) --------------------------------------------------------------------


def test_it_exports_putuos_targets_as_seed_001s_table(putuo, split, counter):
    counter.per_day = {"310107005": 3, "310107014": 2}
    content = indicator_workbook(putuo, YEAR, count_done=counter, today=TODAY)
    rows = sheet_rows(content)
    assert rows[0][0] == "普陀区长者智能技术运用提升行动任务指标分解表"
    assert rows[1][0] == "单位：人次"
    assert list(rows[2]) == HEADER
    body = rows[3:13]
    assert [r[0] for r in body] == PUTUO_STREETS
    assert [(r[1], r[2]) for r in body] == [(500, 1000)] * 10
    assert body[0][3:] == (270, pytest.approx(0.54), 270, pytest.approx(0.27))
    assert body[1][3:] == (180, pytest.approx(0.36), 180, pytest.approx(0.18))
    assert body[2][3:] == (0, 0, 0, 0)
    total = rows[13]
    assert total[:3] == ("合计", 5000, 10000)
    assert total[3] == 450
    assert total[4] == pytest.approx(0.09)
    assert total[1] == sum(r[1] for r in body)
    assert total[2] == sum(r[2] for r in body)
    assert rows[14][0] == NOTE
    # The district's total is the sum of its streets.
    assert targets_rollup(putuo, YEAR, "half").effective == 5000 == total[1]
    assert targets_rollup(putuo, YEAR, "year").effective == 10000 == total[2]


def test_it_names_another_programme_and_other_deadlines(putuo, split, counter, settings):
    settings.HUOBAN_TARGET_DEADLINES = {"half": (6, 15), "year": (12, 31)}
    Target.objects.all().delete()
    content = indicator_workbook(
        putuo, YEAR, count_done=counter, today=TODAY, programme="数字伙伴计划"
    )
    rows = sheet_rows(content)
    assert rows[0][0] == "普陀区数字伙伴计划任务指标分解表"
    assert rows[-1][0] == "注：半年指标需在 6 月 15 日前完成，年度指标需在 12 月底前完成。"
    assert rows[13][:3] == ("合计", None, None)  # no targets yet: blank, not 0


def test_it_writes_region_names_as_text_never_as_formulas(world, putuo, counter):
    world.caoyang.name = "=HYPERLINK(1)"
    world.caoyang.save()
    rows = sheet_rows(indicator_workbook(putuo, YEAR, count_done=counter, today=TODAY))
    assert rows[3][0] == "=HYPERLINK(1)"
    book = load_workbook(
        io.BytesIO(indicator_workbook(putuo, YEAR, count_done=counter, today=TODAY))
    )
    assert book.active["A4"].data_type == "s"


# --- Import -------------------------------------------------------------------------------------


def test_it_imports_its_own_export_to_the_same_targets(putuo, split, counter, district_admin):
    content = indicator_workbook(putuo, YEAR, count_done=counter, today=TODAY)
    exported = street_targets(split)
    Target.objects.filter(region__in=split).delete()
    result = run_import(district_admin, putuo, content)
    assert street_targets(split) == exported == [(500, 1000)] * 10
    assert (result.rows, result.created, result.updated) == (10, 20, 0)
    event = AuditEvent.objects.get(action="targets.import")
    assert event.actor == district_admin
    assert event.changes["rows"] == 10
    again = run_import(district_admin, putuo, content)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 20)


def test_it_imports_seed_001s_short_names(putuo, streets, district_admin):
    rows = [[name, 500 + i, 1000 + i] for i, name in enumerate(ANNEX_1)]
    run_import(district_admin, putuo, annex_1_xlsx(rows, total=[5045, 10045]))
    by_name = {s.name: t for s, t in zip(streets, street_targets(streets), strict=True)}
    assert by_name["曹杨新村街道"] == (500, 1000)
    assert by_name["甘泉路街道"] == (501, 1001)
    assert by_name["长风新村街道"] == (503, 1003)
    assert by_name["真如镇街道"] == (506, 1006)
    assert by_name["长征镇"] == (508, 1008)
    assert by_name["桃浦镇"] == (509, 1009)


def test_it_imports_a_csv_of_street_half_year_and_year(putuo, streets, district_admin):
    text = "街镇,半年指标,年度指标\n" + "".join(f"{n},500,1000\n" for n in ANNEX_1)
    text += "合计,5000,10000\n"
    run_import(district_admin, putuo, text.encode("utf-8-sig"), "指标.csv")
    assert street_targets(streets) == [(500, 1000)] * 10


def test_it_reads_a_csv_saved_by_chinese_excel(putuo, streets, district_admin):
    text = '街镇,半年指标,年度指标\n曹杨,"1,200","2,000"\n'
    run_import(district_admin, putuo, text.encode("gb18030"), "指标.csv")
    assert street_targets(streets)[0] == (1200, 2000)
    assert street_targets(streets)[1] == (None, None)  # streets left out keep theirs


def test_it_imports_nothing_from_a_file_with_one_bad_row_and_names_the_row(
    putuo, streets, district_admin
):
    rows = seed_rows()
    rows[4] = ["长寿", 500, "一千"]  # sheet row 8: title, unit and header come first
    with pytest.raises(IndicatorImportError) as refused:
        run_import(district_admin, putuo, annex_1_xlsx(rows, total=[5000, 10000]))
    assert refused.value.errors == [(8, "年度指标“一千”不是整数。")]
    assert "第 8 行" in str(refused.value)
    assert not Target.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="target").exists()


def test_it_reports_every_bad_row_with_its_reason(putuo, streets, district_admin):
    rows = [
        ["曹杨", 500, 1000],  # row 4: good
        ["外滩", 500, 1000],  # row 5: not a Putuo street
        ["甘泉", 12.5, 1000],  # row 6: not whole
        ["石泉", -5, 1000],  # row 7: negative
        ["长风", 1200, 1000],  # row 8: half-year above the year
        ["曹杨新村街道", 500, 1000],  # row 9: 曹杨 again
        ["长寿", None, 1000],  # row 10: blank
        ["", 500, 1000],  # row 11: no name
    ]
    with pytest.raises(IndicatorImportError) as refused:
        run_import(district_admin, putuo, annex_1_xlsx(rows))
    assert refused.value.errors == [
        (5, "“外滩”不是普陀区下属的街镇。"),
        (6, "半年指标“12.5”不是整数。"),
        (7, "半年指标 -5 是负数。"),
        (8, "半年指标 1200 大于年度指标 1000。"),
        (9, "曹杨新村街道在第 4 行已经出现过。"),
        (10, "半年指标没有填写。"),
        (11, "没有填写街镇名称。"),
    ]
    assert not Target.objects.exists()


def test_it_checks_the_total_row_when_there_is_one(putuo, streets, district_admin):
    with pytest.raises(IndicatorImportError) as refused:
        run_import(district_admin, putuo, annex_1_xlsx(seed_rows(), total=[5000, 9000]))
    assert refused.value.errors == [
        (14, "合计行的年度指标是 9000，但各行相加是 10000，相差 1000。")
    ]
    assert not Target.objects.exists()
    run_import(district_admin, putuo, annex_1_xlsx(seed_rows(), total=[5000, None]))
    assert street_targets(streets) == [(500, 1000)] * 10


def test_it_raises_and_lowers_targets_already_set(putuo, streets, office, district_admin):
    # 桃浦 goes up from 100 / 100 to 500 / 1000, 曹杨 down from 900 / 2000 to 500 / 1000:
    # each pair is set in the order that never puts a half-year above its year.
    for street, half, annual in ((streets[9], 100, 100), (streets[0], 900, 2000)):
        target_set(actor=office, region=street, year=YEAR, period="year", value=annual)
        target_set(actor=office, region=street, year=YEAR, period="half", value=half)
    result = run_import(district_admin, putuo, annex_1_xlsx(seed_rows()))
    assert street_targets(streets) == [(500, 1000)] * 10
    assert (result.created, result.updated, result.unchanged) == (16, 4, 0)


@pytest.mark.parametrize(
    ("filename", "content", "words"),
    [
        ("指标.xls", b"\xd0\xcf\x11\xe0", ".xlsx 或 .csv"),
        ("指标.xlsx", b"not a workbook", "无法读取"),
        ("指标.xlsx", b"", "空的"),
        ("指标.csv", b"x" * (MAX_BYTES + 1), "1 MB"),
        ("指标.csv", "名称,数量\n曹杨,5\n".encode(), "找不到表头"),
        ("指标.csv", "街镇,半年指标,年度指标\n".encode(), "没有任何街镇的指标"),
        ("指标.csv", b"\xff\xfe\x00\xd8\x00", "编码"),
    ],
)
def test_it_refuses_a_file_it_cannot_use(putuo, district_admin, filename, content, words):
    with pytest.raises(IndicatorImportError) as refused:
        run_import(district_admin, putuo, content, filename)
    assert words in str(refused.value)
    assert not Target.objects.exists()


def test_it_refuses_a_workbook_that_unpacks_to_something_huge(putuo, district_admin):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (21 * 1024 * 1024))
    assert len(out.getvalue()) < MAX_BYTES
    with pytest.raises(IndicatorImportError) as refused:
        run_import(district_admin, putuo, out.getvalue())
    assert "过大" in str(refused.value)


def test_it_lets_only_those_who_may_set_street_targets_import(putuo, world, jingan_admin):
    content = annex_1_xlsx(seed_rows())
    for persona in ("street_admin", "site_manager", "outsider"):
        with pytest.raises(PermissionDenied):
            run_import(world.personas[persona], putuo, content)
    with pytest.raises(PermissionDenied):
        run_import(jingan_admin, putuo, content)
    assert not Target.objects.exists()


def test_it_knows_the_short_names_of_putuos_streets():
    assert "曹杨" in short_names("曹杨新村街道")
    assert "真如" in short_names("真如镇街道")
    assert "甘泉" in short_names("甘泉路街道")
    assert "长征" in short_names("长征镇")
    assert "万里" in short_names("万里街道")


def test_it_reads_workbooks_through_defusedxml():
    import openpyxl

    assert openpyxl.DEFUSEDXML  # entity expansion and external entities are refused


def test_it_refuses_a_caller_asking_for_an_impossible_year(putuo, district_admin):
    with pytest.raises(ValueError):
        indicators_import(
            actor=district_admin, region=putuo, year=20260, filename="a.csv", content=b"x"
        )
