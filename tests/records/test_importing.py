"""Importing help sessions: the preview names every bad row; all or nothing; idempotent."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import Workbook, load_workbook

from huoban.records.importing import (
    COLUMNS,
    SpreadsheetRefused,
    import_check,
    import_commit,
    import_template,
)
from huoban.records.models import HelpSession, ImportBatch, LedgerEntry

pytestmark = pytest.mark.usefixtures("frozen")

GOOD = [
    ("曹杨新村为老服务中心", "2026-11-20", "09:30", "20", "", "", "就医、亮码", "到站", "已解决"),
    (
        "曹杨新村为老服务中心",
        "2026/11/20",
        "10:00",
        "",
        "13812345678",
        "张小明",
        "缴费",
        "电话",
        "教会",
    ),
    ("曹杨新村为老服务中心", "2026年11月19日", "9点15", "15", "", "", "safety", "", ""),
]


def xlsx(rows, header=COLUMNS) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows, encoding="utf-8-sig") -> bytes:
    lines = [",".join(COLUMNS)] + [",".join(r) for r in rows]
    return "\n".join(lines).encode(encoding)


@pytest.fixture
def manager(world):
    return world.personas["site_manager"]


def test_a_good_file_is_checked_then_imported_once(world, elders, manager):
    batch = import_check(actor=manager, filename="十一月.xlsx", content=xlsx(GOOD))
    assert batch.status == ImportBatch.Status.CHECKED and batch.errors == []
    assert (batch.rows_total, batch.rows_new) == (3, 3)
    assert not HelpSession.objects.exists()  # the check imports nothing
    import_commit(actor=manager, batch=batch)
    assert HelpSession.objects.filter(source="import").count() == 3
    assert LedgerEntry.objects.count() == 3
    known = HelpSession.objects.get(elder__isnull=False)
    assert known.elder == elders[0] and known.channel == "phone" and known.outcome == "taught"
    assert known.duration_minutes == 15  # blank duration takes the default


def test_the_same_rows_imported_again_add_nothing(world, elders, manager):
    first = import_check(actor=manager, filename="a.xlsx", content=xlsx(GOOD))
    import_commit(actor=manager, batch=first)
    again = import_check(actor=manager, filename="a-again.csv", content=csv_bytes(GOOD))
    assert (again.rows_new, again.rows_known) == (0, 3)
    import_commit(actor=manager, batch=again)
    assert HelpSession.objects.count() == 3


def test_one_bad_row_imports_nothing_and_is_named_by_its_row_number(world, elders, manager):
    rows = [*GOOD, ("曹杨新村为老服务中心", "2026-11-20", "25:00", "", "", "", "遛弯", "", "")]
    batch = import_check(actor=manager, filename="b.xlsx", content=xlsx(rows))
    assert batch.status == ImportBatch.Status.REJECTED
    assert {e["row"] for e in batch.errors} == {5}
    messages = " ".join(e["message"] for e in batch.errors)
    assert "时间“25:00”看不懂" in messages and "场景“遛弯”不认识" in messages
    with pytest.raises(Exception, match="没有通过检查"):
        import_commit(actor=manager, batch=batch)
    assert not HelpSession.objects.exists()


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (("石门二路老年活动室", "2026-11-20", "09:30", "", "", "", "就医"), "没有您能记录的站点"),
        (
            ("曹杨新村为老服务中心", "2026-02-30", "09:30", "", "", "", "就医"),
            "没有“2026-02-30”这一天",
        ),
        (("曹杨新村为老服务中心", "2026-11-30", "09:30", "", "", "", "就医"), "不能晚于现在"),
        (("曹杨新村为老服务中心", "2026-11-20", "09:30", "半小时", "", "", "就医"), "应是整数分钟"),
        (
            ("曹杨新村为老服务中心", "2026-11-20", "09:30", "", "13800000000", "", "就医"),
            "没有手机号为",
        ),
        (
            ("曹杨新村为老服务中心", "2026-11-20", "09:30", "", "13812345678", "王五", "就医"),
            "不叫“王五”",
        ),
        (
            ("曹杨新村为老服务中心", "2026-11-20", "09:30", "", "", "王五", "就医"),
            "没有手机号，无法确认",
        ),
        (("曹杨新村为老服务中心", "2026-11-20", "09:30", "", "", "", ""), "请填写场景"),
    ],
)
def test_each_kind_of_bad_row_is_explained(world, elders, manager, row, message):
    padded = (*row, *([""] * (len(COLUMNS) - len(row))))
    batch = import_check(actor=manager, filename="c.xlsx", content=xlsx([padded]))
    assert [e["row"] for e in batch.errors] == [2]
    assert message in batch.errors[0]["message"]


def test_two_identical_rows_in_one_file_are_reported(world, manager):
    batch = import_check(actor=manager, filename="d.xlsx", content=xlsx([GOOD[0], GOOD[0]]))
    assert batch.errors == [{"row": 3, "message": batch.errors[0]["message"]}]
    assert "与第 2 行完全相同" in batch.errors[0]["message"]


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("e.txt", b"x", "只能导入 .xlsx 或 .csv"),
        ("e.xlsx", b"not a workbook", "无法读取"),
        ("e.csv", b"", "文件是空的"),
        ("e.csv", "日期,时间\n".encode(), "缺少这些列：站点、场景"),
    ],
)
def test_an_unreadable_file_is_refused_whole(world, manager, filename, content, message):
    with pytest.raises(SpreadsheetRefused, match=message):
        import_check(actor=manager, filename=filename, content=content)


def test_a_csv_in_gb18030_from_an_old_excel_is_read(world, manager):
    batch = import_check(actor=manager, filename="f.csv", content=csv_bytes(GOOD[:1], "gb18030"))
    assert batch.rows_new == 1 and batch.errors == []


def test_only_the_uploader_imports_a_checked_file(world, manager):
    batch = import_check(actor=manager, filename="g.xlsx", content=xlsx(GOOD[:1]))
    with pytest.raises(PermissionDenied):
        import_commit(actor=world.personas["street_admin"], batch=batch)


def test_the_template_has_the_columns_and_the_allowed_values(world):
    book = load_workbook(io.BytesIO(import_template()))
    assert tuple(c.value for c in book["帮办记录"][1]) == COLUMNS
    help_text = " ".join(str(c.value) for row in book["填写说明"].iter_rows() for c in row)
    assert "就医" in help_text and "已转介" in help_text


def test_two_helpers_importing_the_same_anonymous_row_both_count(world):
    row = [("曹杨新村为老服务中心", "2026-11-20", "09:30", "", "", "", "就医")]
    padded = [(*r, *([""] * (len(COLUMNS) - len(r)))) for r in row]
    for persona in ("site_manager", "volunteer"):
        actor = world.personas[persona]
        import_commit(
            actor=actor, batch=import_check(actor=actor, filename="a.xlsx", content=xlsx(padded))
        )
    assert HelpSession.objects.count() == 2
