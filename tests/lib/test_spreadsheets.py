"""Reading uploaded spreadsheets: limits, types, encodings."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook

from huoban.lib.spreadsheets import SpreadsheetRefused, read_rows

MB = 1024 * 1024


def xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_it_reads_the_first_sheet_cut_to_the_limits():
    content = xlsx([[1, 2, 3], ["a", "b", "c"], ["x", "y", "z"]])
    rows = list(read_rows("t.xlsx", content, max_bytes=MB, max_rows=2, max_columns=2))
    assert rows == [[1, 2], ["a", "b"]]


def test_it_reads_a_gb18030_csv():
    content = "街镇,半年指标\n曹杨,500\n".encode("gb18030")
    assert list(read_rows("t.csv", content, max_bytes=MB, max_rows=10)) == [
        ["街镇", "半年指标"],
        ["曹杨", "500"],
    ]


def test_it_refuses_a_zip_with_too_many_parts():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for i in range(201):
            archive.writestr(f"part{i}.xml", "x")
    with pytest.raises(SpreadsheetRefused, match="解压后过大"):
        list(read_rows("bomb.xlsx", out.getvalue(), max_bytes=MB, max_rows=10))


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("t.xlsx", b"", "文件是空的"),
        ("t.csv", b"x" * (2 * MB + 1), "文件超过 2 MB"),
        ("t.xls", b"x", "只能导入 .xlsx 或 .csv"),
        ("t.xlsx", b"PK not really", "无法读取"),
        ("t.csv", b"\xff\xfe\x00\xd8\x00", "文字编码"),
        ("t.csv", b"a" * 200_000, "CSV 文件格式有误"),  # a field past csv's size limit
    ],
)
def test_it_refuses_what_it_cannot_read(name, content, message):
    with pytest.raises(SpreadsheetRefused, match=message):
        list(read_rows(name, content, max_bytes=2 * MB, max_rows=10))
