"""The indicator table (任务指标分解表) of seed 001's annex 1: export and import.

Export: an xlsx workbook — a title, "单位：人次", the header 街镇 | 半年指标 | 年度指标 |
半年完成 | 半年完成率 | 年度完成 | 年度完成率, one row per street (or per district for the
city), a 合计 row and the note on the deadlines. Figures are values, not formulas, so the
file reads the same in any program.

Import: the same form (xlsx), or a csv of 街镇,半年指标,年度指标. Rows above the header
(title, unit) and the note below are skipped; the completed and rate columns are ignored.
Streets are matched by full name or by the short name the annex uses (曹杨 for
曹杨新村街道, 长征 for 长征镇). All or nothing: every bad row is reported with its row number
and reason, and nothing is written unless every row is good. Targets are then set through
``target_pair_set`` (audited), with one audit event for the import itself.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from huoban.audit.services import audit_record
from huoban.lib.spreadsheets import SpreadsheetRefused, read_rows
from huoban.regions.models import Region
from huoban.regions.selectors import programme_children
from huoban.targets.models import MAX_YEAR, MIN_YEAR, Measure, Period, Target
from huoban.targets.selectors import CountDone, progress_table
from huoban.targets.services import may_split_target, target_pair_set

# The programme's name in seed 001's title; a caller may name another.
DEFAULT_PROGRAMME = "长者智能技术运用提升行动"
NUMBER_FORMAT = "#,##0"
RATE_FORMAT = "0.0%"


def _floored(rate: float | None) -> float | None:
    """A rate cut to the shown 0.1 %, so that 99.96 % reads 99.9 %, not 100.0 %."""
    return None if rate is None else math.floor(rate * 1000) / 1000


# Uploads: a district's table is a few dozen rows. Limits keep a hostile file small.
MAX_BYTES = 1024 * 1024
MAX_SCAN_ROWS = 1000  # rows of the sheet read at most
MAX_COLUMNS = 20
HEADER_SCAN_ROWS = 10  # the header must be among the first rows

NAME_HEADERS = ("街镇", "街道", "街道（镇）", "区", "区县", "名称", "区划")
HALF_HEADER = "半年指标"
YEAR_HEADER = "年度指标"
TOTAL_NAMES = ("合计", "总计")
# Short forms of a street's name (seed 001: 曹杨 for 曹杨新村街道, 真如 for 真如镇街道,
# 甘泉 for 甘泉路街道, 长征 for 长征镇).
SUFFIXES = ("新村街道", "路街道", "镇街道", "街道", "镇", "乡")
SPACE_RE = re.compile(r"\s+")
WHOLE_RE = re.compile(r"-?\d+(\.0*)?")


# --- Export ----------------------------------------------------------------------------------


def _deadline_words(deadline: dt.date) -> str:
    """6 月底 for the month's last day (as seed 001 writes it), else 6 月 15 日."""
    if (deadline + dt.timedelta(days=1)).month != deadline.month:
        return _("%(month)s 月底") % {"month": deadline.month}
    return _("%(month)s 月 %(day)s 日") % {"month": deadline.month, "day": deadline.day}


def indicator_note(half_deadline: dt.date, year_deadline: dt.date) -> str:
    """注：半年指标需在 6 月底前完成，年度指标需在 9 月底前完成。"""
    return _("注：半年指标需在 %(half)s前完成，年度指标需在 %(year)s前完成。") % {
        "half": _deadline_words(half_deadline),
        "year": _deadline_words(year_deadline),
    }


def indicator_title(region: Region, programme: str = DEFAULT_PROGRAMME) -> str:
    return _("%(region)s%(programme)s任务指标分解表") % {
        "region": region.name,
        "programme": programme,
    }


def indicator_workbook(
    region: Region,
    year: int,
    *,
    count_done: CountDone,
    today: dt.date,
    programme: str = DEFAULT_PROGRAMME,
    measure: str = Measure.BOTH,
) -> bytes:
    """The xlsx bytes of ``region``'s indicator table for ``year`` (seed 001, annex 1)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    rows = progress_table(region, year, count_done=count_done, today=today, measure=measure)
    children = [r for r in rows if not r.is_total]
    total = rows[-1]
    first_header = children[0].region.get_level_display() if children else _("街镇")
    headers = [
        first_header,
        _("半年指标"),
        _("年度指标"),
        _("半年完成"),
        _("半年完成率"),
        _("年度完成"),
        _("年度完成率"),
    ]
    width = len(headers)

    book = Workbook()
    sheet = book.active
    sheet.title = _("指标分解表")
    bold = Font(bold=True)

    def put(row: int, column: int, value: Any, *, fmt: str = "", strong: bool = False):
        cell = sheet.cell(row=row, column=column, value=value)
        if isinstance(value, str):
            cell.data_type = "s"  # text stays text, even if it starts with "="
        if fmt:
            cell.number_format = fmt
        if strong:
            cell.font = bold
        return cell

    title = put(1, 1, indicator_title(region, programme))
    title.font = Font(bold=True, size=14)
    title.alignment = Alignment(horizontal="center")
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    put(2, 1, _("单位：人次"))
    for column, header in enumerate(headers, start=1):
        put(3, column, header, strong=True).alignment = Alignment(horizontal="center")

    line = 3
    for row in rows:
        line += 1
        strong = row.is_total
        put(line, 1, row.name, strong=strong)
        put(line, 2, row.half.target, fmt=NUMBER_FORMAT, strong=strong)
        put(line, 3, row.year.target, fmt=NUMBER_FORMAT, strong=strong)
        put(line, 4, row.half.done, fmt=NUMBER_FORMAT, strong=strong)
        put(line, 5, _floored(row.half.rate), fmt=RATE_FORMAT, strong=strong)
        put(line, 6, row.year.done, fmt=NUMBER_FORMAT, strong=strong)
        put(line, 7, _floored(row.year.rate), fmt=RATE_FORMAT, strong=strong)

    line += 1
    put(line, 1, indicator_note(total.half.deadline, total.year.deadline))
    sheet.merge_cells(start_row=line, start_column=1, end_row=line, end_column=width)

    sheet.column_dimensions["A"].width = 18
    for letter in "BCDEFG":
        sheet.column_dimensions[letter].width = 12
    sheet.freeze_panes = "A4"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- Import ----------------------------------------------------------------------------------


class IndicatorImportError(Exception):
    """The file was not imported; ``errors`` lists (row number, reason), row 0 = the file."""

    def __init__(self, errors: list[tuple[int, str]]):
        self.errors = errors
        super().__init__(
            "; ".join(msg if row == 0 else f"第 {row} 行：{msg}" for row, msg in errors)
        )


@dataclass(frozen=True)
class IndicatorImportResult:
    rows: int
    created: int
    updated: int
    unchanged: int


@dataclass
class _Line:
    row: int
    name: str
    half: Any
    annual: Any


def short_names(name: str) -> set[str]:
    """The names a street goes by: its full name and the forms without its suffix."""
    name = SPACE_RE.sub("", name)
    found = {name}
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            found.add(name[: -len(suffix)])
    return found


def _text(value: Any) -> str:
    return "" if value is None else SPACE_RE.sub("", str(value))


def _lines(filename: str, content: bytes) -> tuple[list[_Line], _Line | None]:
    """The data rows and the 合计 row (if any) of the file, by their row numbers."""
    rows = read_rows(
        filename,
        content,
        max_bytes=MAX_BYTES,
        max_rows=MAX_SCAN_ROWS + 1,
        max_columns=MAX_COLUMNS,
    )
    columns: tuple[int, int, int] | None = None
    lines: list[_Line] = []
    total: _Line | None = None
    for number, values in enumerate(rows, start=1):
        cells = [_text(v) for v in values]
        if columns is None:
            if HALF_HEADER in cells and YEAR_HEADER in cells:
                name_col = next((i for i, c in enumerate(cells) if c in NAME_HEADERS), 0)
                columns = (name_col, cells.index(HALF_HEADER), cells.index(YEAR_HEADER))
            elif number >= HEADER_SCAN_ROWS:
                break
            continue
        if number > MAX_SCAN_ROWS:
            if any(cells):
                raise IndicatorImportError(
                    [(0, _("表格超过 %(n)s 行，不像是一张指标分解表。") % {"n": MAX_SCAN_ROWS})]
                )
            break

        def at(i: int, values: Any = values) -> Any:
            return values[i] if i < len(values) else None

        line = _Line(number, _text(at(columns[0])), at(columns[1]), at(columns[2]))
        if not line.name and _text(line.half) == "" and _text(line.annual) == "":
            continue
        if line.name.startswith(("注", "备注")):
            continue
        if line.name in TOTAL_NAMES:
            total = line
            continue
        lines.append(line)
    if columns is None:
        raise IndicatorImportError(
            [(0, _("找不到表头：应有“街镇”“半年指标”“年度指标”三列。请使用导出的指标分解表。"))]
        )
    return lines, total


def _whole(value: Any, what: str) -> tuple[int | None, str | None]:
    """(number, None) or (None, why it is not a whole number of person-times)."""
    if value is None or _text(value) == "":
        return None, _("%(what)s没有填写。") % {"what": what}
    if isinstance(value, bool):
        return None, _("%(what)s“%(v)s”不是整数。") % {"what": what, "v": value}
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            return None, _("%(what)s“%(v)s”不是整数。") % {"what": what, "v": value}
        number = int(value)
    else:
        text = _text(value).replace(",", "").replace("，", "")
        if not WHOLE_RE.fullmatch(text):
            return None, _("%(what)s“%(v)s”不是整数。") % {"what": what, "v": value}
        number = int(text.split(".")[0])
    if number < 0:
        return None, _("%(what)s %(v)s 是负数。") % {"what": what, "v": number}
    return number, None


class _Names:
    """Match a cell to one of ``region``'s children by full or short name."""

    def __init__(self, region: Region, children: list[Region]):
        self.region = region
        self.full = {SPACE_RE.sub("", c.name): c for c in children}
        self.short: dict[str, list[Region]] = defaultdict(list)
        for child in children:
            for alias in short_names(child.name):
                self.short[alias].append(child)
        self.level = children[0].get_level_display() if children else _("街镇")

    def match(self, name: str) -> tuple[Region | None, str | None]:
        if not name:
            return None, _("没有填写%(level)s名称。") % {"level": self.level}
        if name in self.full:
            return self.full[name], None
        found = self.short.get(name, [])
        if len(found) == 1:
            return found[0], None
        if len(found) > 1:
            return None, _("“%(name)s”可以指%(names)s，请写全称。") % {
                "name": name,
                "names": "或".join(c.name for c in found),
            }
        return None, _("“%(name)s”不是%(region)s下属的%(level)s。") % {
            "name": name,
            "region": self.region.name,
            "level": self.level,
        }


def _check(
    lines: list[_Line], total: _Line | None, names: _Names
) -> tuple[list[tuple[_Line, Region, int, int]], list[tuple[int, str]]]:
    errors: list[tuple[int, str]] = []
    good: list[tuple[_Line, Region, int, int]] = []
    seen: dict[int, int] = {}
    for line in lines:
        row_errors = []
        region, why = names.match(line.name)
        if why:
            row_errors.append(why)
        elif region is not None and region.pk in seen:
            row_errors.append(
                _("%(name)s在第 %(row)s 行已经出现过。")
                % {"name": region.name, "row": seen[region.pk]}
            )
        half, why_half = _whole(line.half, _("半年指标"))
        annual, why_year = _whole(line.annual, _("年度指标"))
        row_errors += [w for w in (why_half, why_year) if w]
        if half is not None and annual is not None and half > annual:
            row_errors.append(
                _("半年指标 %(half)s 大于年度指标 %(year)s。") % {"half": half, "year": annual}
            )
        if region is not None and region.pk not in seen:
            seen[region.pk] = line.row
        if row_errors:
            errors += [(line.row, e) for e in row_errors]
        else:
            assert region is not None and half is not None and annual is not None
            good.append((line, region, half, annual))
    if not lines:
        errors.append((0, _("文件中没有任何%(level)s的指标。") % {"level": names.level}))
    if total is not None and not errors:
        for value, what, expected in (
            (total.half, _("半年指标"), sum(g[2] for g in good)),
            (total.annual, _("年度指标"), sum(g[3] for g in good)),
        ):
            if value is None or _text(value) == "":
                continue  # a 合计 left blank is not checked
            number, why = _whole(value, what)
            if why:
                errors.append((total.row, _("合计行：") + why))
            elif number != expected:
                errors.append(
                    (
                        total.row,
                        _("合计行的%(what)s是 %(total)s，但各行相加是 %(sum)s，相差 %(diff)s。")
                        % {
                            "what": what,
                            "total": number,
                            "sum": expected,
                            "diff": abs((number or 0) - expected),
                        },
                    )
                )
    return good, sorted(errors)


@transaction.atomic
def indicators_import(
    *,
    actor: Any,
    region: Region,
    year: int,
    filename: str,
    content: bytes,
    measure: str = Measure.BOTH,
) -> IndicatorImportResult:
    """Set the half-year and year targets of ``region``'s children from an indicator table.

    Raises :class:`IndicatorImportError` listing every bad row (its number and the reason)
    and writes nothing when any row is bad; ``PermissionDenied`` when the actor may not set
    these targets. Streets left out of the file keep their targets.
    """
    if measure not in Measure.values or not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"no targets for {measure!r} in {year!r}")  # the caller's mistake
    children = list(programme_children(region))
    if not children:
        raise IndicatorImportError(
            [(0, _("%(region)s没有下级区划，无法导入指标分解表。") % {"region": region.name})]
        )
    if not may_split_target(actor, region, children):
        raise PermissionDenied(_("您不能设定%(region)s下属的任务指标。") % {"region": region.name})
    try:
        lines, total = _lines(filename, content)
    except SpreadsheetRefused as exc:
        raise IndicatorImportError([(0, str(exc))]) from None
    good, errors = _check(lines, total, _Names(region, children))
    if errors:
        raise IndicatorImportError(errors)

    before = {
        (t.region_id, t.period): t.value
        for t in Target.objects.filter(region__in=children, year=year, measure=measure)
    }
    created = updated = unchanged = 0
    for line, child, half, annual in good:
        try:
            with transaction.atomic():
                target_pair_set(
                    actor=actor, region=child, year=year, half=half, annual=annual, measure=measure
                )
        except ValidationError as exc:
            errors += [(line.row, m) for m in exc.messages]
            continue
        for period, value in ((Period.HALF, half), (Period.YEAR, annual)):
            old = before.get((child.pk, period))
            if old is None:
                created += 1
            elif old != value:
                updated += 1
            else:
                unchanged += 1
    if errors:
        raise IndicatorImportError(sorted(errors))
    audit_record(
        actor=actor,
        action="targets.import",
        obj=region,
        changes={
            "year": year,
            "measure": measure,
            "file": filename[:100],
            "rows": len(good),
            "created": created,
            "updated": updated,
        },
    )
    return IndicatorImportResult(
        rows=len(good), created=created, updated=updated, unchanged=unchanged
    )
