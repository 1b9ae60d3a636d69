"""Reading an uploaded spreadsheet (xlsx or csv) safely, as rows of cell values.

Imports of help sessions and of target tables both start here: one set of limits against
oversized and zip-bomb files, XML parsed through defusedxml (openpyxl uses it when it is
installed), and CSVs in UTF-8 or the GB18030 that older Chinese Excel writes.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _

MAX_UNZIPPED_BYTES = 20 * 1024 * 1024
MAX_ZIP_MEMBERS = 200


class SpreadsheetRefused(ValueError):
    """The file as a whole cannot be read; the message says why, for the person."""


def read_rows(
    filename: str, content: bytes, *, max_bytes: int, max_rows: int, max_columns: int = 50
) -> Iterator[list[Any]]:
    """The first ``max_rows`` rows of the first sheet, each cut to ``max_columns`` cells.

    Raises SpreadsheetRefused for a file that is empty, too large, of another type, damaged
    or in an unknown text encoding.
    """
    if not content:
        raise SpreadsheetRefused(_("文件是空的。"))
    if len(content) > max_bytes:
        raise SpreadsheetRefused(
            _("文件超过 %(mb)s MB，请分成几个文件导入。") % {"mb": max_bytes // (1024 * 1024)}
        )
    name = filename.lower()
    if name.endswith(".xlsx"):
        rows: Iterator[Any] = _xlsx_rows(content, max_rows, max_columns)
    elif name.endswith(".csv"):
        rows = _csv_rows(content, max_rows, max_columns)
    else:
        raise SpreadsheetRefused(_("只能导入 .xlsx 或 .csv 文件。"))
    for row in rows:
        yield list(row)


def _xlsx_rows(content: bytes, max_rows: int, max_columns: int) -> Iterator[tuple[Any, ...]]:
    from openpyxl import load_workbook

    refused = SpreadsheetRefused(_("无法读取这个 Excel 文件，请确认它是 .xlsx 格式。"))
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile:
        raise refused from None
    if len(members) > MAX_ZIP_MEMBERS or sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES:
        raise SpreadsheetRefused(_("这个 Excel 文件解压后过大，无法导入。"))
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise refused from exc
    try:
        if not book.worksheets:
            raise refused
        yield from book.worksheets[0].iter_rows(
            min_row=1, max_row=max_rows, max_col=max_columns, values_only=True
        )
    except SpreadsheetRefused:
        raise
    except Exception as exc:  # a damaged sheet part shows up only while reading
        raise refused from exc
    finally:
        book.close()


def _csv_rows(content: bytes, max_rows: int, max_columns: int) -> Iterator[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise SpreadsheetRefused(_("无法识别文件的文字编码，请另存为 UTF-8 的 CSV。"))
    try:
        for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
            if number > max_rows:
                return
            yield row[:max_columns]
    except csv.Error as exc:
        raise SpreadsheetRefused(_("CSV 文件格式有误，无法读取。")) from exc
