"""Loading the division tree from a CSV file (``code,name,parent_code,level``)."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from huoban.audit.services import audit_record
from huoban.regions.models import LEVEL_DEPTH, Region, RegionLevel

CODE_RE = re.compile(r"^\d{9}$|^\d{12}$")
HEADER = ["code", "name", "parent_code", "level"]


@dataclass
class RegionImportResult:
    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class RegionImportError(Exception):
    def __init__(self, errors: list[tuple[int, str]]):
        self.errors = errors
        super().__init__("; ".join(f"第 {line} 行：{msg}" for line, msg in errors))


def _parse(text: str) -> tuple[list[tuple[int, dict[str, str]]], list[tuple[int, str]]]:
    reader = csv.reader(io.StringIO(text))
    rows: list[tuple[int, dict[str, str]]] = []
    errors: list[tuple[int, str]] = []
    header = next(reader, None)
    if header is None:
        return rows, [(1, _("文件是空的。"))]
    header = [h.strip().lstrip("\ufeff") for h in header]
    if header != HEADER:
        return rows, [
            (1, _("表头应为 code,name,parent_code,level，实际是 %(h)s。") % {"h": ",".join(header)})
        ]
    for line_no, raw in enumerate(reader, start=2):
        if not any(cell.strip() for cell in raw):
            continue
        if len(raw) != 4:
            errors.append((line_no, _("应有 4 列，实际有 %(n)d 列。") % {"n": len(raw)}))
            continue
        rows.append((line_no, dict(zip(HEADER, (c.strip() for c in raw), strict=True))))
    return rows, errors


def _validate(rows: list[tuple[int, dict[str, str]]]) -> list[tuple[int, str]]:
    errors: list[tuple[int, str]] = []
    levels = {c.value for c in RegionLevel}
    in_file: dict[str, dict[str, str]] = {}
    for line_no, row in rows:
        code, name, parent_code, level = row["code"], row["name"], row["parent_code"], row["level"]
        if not CODE_RE.match(code):
            errors.append((line_no, _("区划代码“%(c)s”应为 9 位或 12 位数字。") % {"c": code}))
        if not name:
            errors.append((line_no, _("名称不能为空。")))
        if level not in levels:
            errors.append(
                (
                    line_no,
                    _("层级“%(l)s”无效，应为 city、district、street 或 neighbourhood。")
                    % {"l": level},
                )
            )
        if code in in_file:
            errors.append((line_no, _("区划代码 %(c)s 在文件中重复。") % {"c": code}))
        in_file[code] = row
    existing = {
        r.code: r.level
        for r in Region.objects.filter(code__in=[r["parent_code"] for _n, r in rows])
    }
    for line_no, row in rows:
        level, parent_code = row["level"], row["parent_code"]
        if level not in levels:
            continue
        if level == RegionLevel.CITY:
            if parent_code:
                errors.append((line_no, _("市级区划不应有上级代码。")))
            continue
        if not parent_code:
            errors.append((line_no, _("缺少上级区划代码。")))
            continue
        parent_level = in_file.get(parent_code, {}).get("level") or existing.get(parent_code)
        if parent_level is None:
            errors.append(
                (
                    line_no,
                    _("上级区划代码 %(c)s 不存在（文件和系统中都没有）。") % {"c": parent_code},
                )
            )
        elif (
            parent_level in levels
            and LEVEL_DEPTH[RegionLevel(parent_level)] + 1 != LEVEL_DEPTH[RegionLevel(level)]
        ):
            errors.append(
                (
                    line_no,
                    _("层级 %(l)s 不能挂在层级为 %(p)s 的上级 %(c)s 之下。")
                    % {"l": level, "p": parent_level, "c": parent_code},
                )
            )
    return sorted(errors)


@transaction.atomic
def regions_import(*, text: str, actor: Any) -> RegionImportResult:
    """Import or update regions from CSV text; all or nothing.

    Raises :class:`RegionImportError` listing every bad line (with its line number) and
    writes nothing when any line is bad.
    """
    rows, errors = _parse(text)
    errors += _validate(rows)
    if errors:
        raise RegionImportError(sorted(errors))
    by_depth = sorted(rows, key=lambda r: LEVEL_DEPTH[RegionLevel(r[1]["level"])])
    known = {r.code: r for r in Region.objects.all()}
    result = RegionImportResult()
    for _line, row in by_depth:
        parent = known.get(row["parent_code"]) if row["parent_code"] else None
        path = f"{parent.path if parent else ''}{row['code']}/"
        region = known.get(row["code"])
        if region is None:
            region = Region.objects.create(
                code=row["code"], name=row["name"], level=row["level"], parent=parent, path=path
            )
            result.created += 1
        elif (region.name, region.level, region.parent_id, region.path) != (
            row["name"],
            row["level"],
            parent.pk if parent else None,
            path,
        ):
            if region.path != path:
                raise RegionImportError(
                    [(_line, _("区划 %(c)s 已存在于另一上级之下，不能移动。") % {"c": region.code})]
                )
            region.name, region.level = row["name"], row["level"]
            region.save(update_fields=["name", "level", "updated_at"])
            result.updated += 1
        known[region.code] = region
    if result.created or result.updated:
        audit_record(
            actor=actor,
            action="regions.import",
            obj=known[by_depth[0][1]["code"]],
            changes={"created": result.created, "updated": result.updated},
        )
    return result
