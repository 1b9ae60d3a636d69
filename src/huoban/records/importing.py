"""Importing help sessions from a spreadsheet (xlsx or csv).

A file is first checked: every row goes through the same service as a session logged on
the workspace, inside a transaction that is then rolled back, so the preview reports
exactly what the import would refuse — each bad row by its row number and reason. A file
with any bad row imports nothing. Each row has a stable key (a hash of its values), so
importing the same rows again adds nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huoban.accounts import roles
from huoban.accounts.models import User
from huoban.audit.services import audit_record
from huoban.lib.ids import mask_mobile, normalize_mobile
from huoban.lib.spreadsheets import SpreadsheetRefused
from huoban.lib.spreadsheets import read_rows as read_sheet
from huoban.people.models import Elder
from huoban.people.selectors import elder_search, elders_for
from huoban.records import integrity
from huoban.records.models import (
    DEFAULT_DURATION_MINUTES,
    Channel,
    HelpSession,
    ImportBatch,
    Outcome,
    Source,
)
from huoban.records.services import help_session_log
from huoban.sites.models import Service, ServiceKind, Site
from huoban.sites.selectors import sites_for

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000

COLUMNS = (
    "站点",
    "日期",
    "时间",
    "时长（分钟）",
    "长者手机",
    "长者姓名",
    "场景",
    "方式",
    "结果",
    "帮办人手机",
    "备注",
)
REQUIRED = ("站点", "日期", "时间", "场景")
EXAMPLE = (
    "曹杨新村为老服务中心",
    "2026-11-23",
    "09:30",
    "15",
    "",
    "",
    "就医、亮码",
    "到站",
    "已解决",
    "",
    "",
)


@dataclass
class RowError:
    row: int
    message: str


@dataclass
class Checked:
    total: int = 0
    new: int = 0
    known: int = 0
    errors: list[RowError] = field(default_factory=list)


# --- Reading the file -----------------------------------------------------------------------


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip()
    return "" if value is None else value


def read_rows(filename: str, content: bytes) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row number as the spreadsheet shows it, {column: value}) for each non-empty row."""
    # Blank rows are skipped, so read well past MAX_ROWS; reaching the end of what is read
    # means the sheet is longer than any allowed file, and it is refused, never cut short.
    cap = 4 * MAX_ROWS + 1
    rows = iter(read_sheet(filename, content, max_bytes=MAX_BYTES, max_rows=cap))
    try:
        header = next(rows)
    except StopIteration:
        raise SpreadsheetRefused(_("文件是空的。")) from None
    names = [str(_cell(h)) for h in header]
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise SpreadsheetRefused(
            _("第 1 行缺少这些列：%(cols)s。请使用下载的模板。") % {"cols": "、".join(missing)}
        )
    count = 0
    for number, values in enumerate(rows, start=2):
        row = {n: _cell(v) for n, v in zip(names, values, strict=False) if n in COLUMNS}
        if not any(str(v) for v in row.values()):
            continue
        count += 1
        if count > MAX_ROWS or number >= cap:
            raise SpreadsheetRefused(_("一次最多导入 %(n)s 行。") % {"n": MAX_ROWS})
        yield number, row


# --- Turning a row into a session -----------------------------------------------------------


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    m = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", str(value))
    if not m:
        raise ValidationError(_("日期“%(v)s”看不懂，请写成 2026-11-23。") % {"v": value})
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        raise ValidationError(_("没有“%(v)s”这一天。") % {"v": value}) from None


def _time(value: Any) -> dt.time:
    if isinstance(value, dt.datetime):
        return value.time()
    if isinstance(value, dt.time):
        return value
    m = re.fullmatch(r"(\d{1,2})\s*[:：点]\s*(\d{1,2})?\s*分?", str(value))
    if not m or int(m[1]) > 23 or int(m[2] or 0) > 59:
        raise ValidationError(_("时间“%(v)s”看不懂，请写成 09:30。") % {"v": value})
    return dt.time(int(m[1]), int(m[2] or 0))


def _minutes(value: Any) -> int:
    if value in ("", None):
        return DEFAULT_DURATION_MINUTES
    text = str(value).removesuffix(".0")
    if not text.isdigit():
        raise ValidationError(_("时长“%(v)s”应是整数分钟。") % {"v": value})
    return int(text)


def _choice(value: Any, choices: type[Channel] | type[Outcome], default: str, what: str) -> str:
    if value in ("", None):
        return default
    text = str(value)
    for code, label in choices.choices:
        if text in (code, str(label), str(label).removeprefix("已")):
            return code
    allowed = "、".join(str(label) for _code, label in choices.choices)
    raise ValidationError(
        _("%(what)s“%(v)s”不认识，可填：%(allowed)s。")
        % {"what": what, "v": text, "allowed": allowed}
    )


def _scenarios(value: Any, known: dict[str, Service]) -> list[Service]:
    names = [n for n in re.split(r"[、,，;；/\s]+", str(value)) if n]
    if not names:
        raise ValidationError(_("请填写场景。"))
    unknown = [n for n in names if n not in known]
    if unknown:
        allowed = "、".join(sorted({s.name for s in known.values()}, key=len))
        raise ValidationError(
            _("场景“%(v)s”不认识，可填：%(allowed)s。")
            % {"v": "、".join(unknown), "allowed": allowed}
        )
    return list({known[n].pk: known[n] for n in names}.values())


def _one(matches: list[Any], none: str, many: str) -> Any:
    if not matches:
        raise ValidationError(none)
    if len(matches) > 1:
        raise ValidationError(many)
    return matches[0]


def _row_key(site: Site, when: dt.datetime, row: dict[str, Any], parsed: dict[str, Any]) -> str:
    parts = [
        str(site.public_id),
        timezone.localtime(when).strftime("%Y-%m-%d %H:%M"),
        str(parsed["duration_minutes"]),
        parsed["elder_mobile"],
        ",".join(sorted(s.code for s in parsed["scenarios"])),
        parsed["channel"],
        parsed["outcome"],
        str(parsed["helper"].pk),
        str(row.get("备注", "")),
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


class _Context:
    """What rows are resolved against: the actor's sites, elders, scenarios."""

    def __init__(self, actor: Any):
        self.actor = actor
        self.sites: dict[str, list[Site]] = {}
        for site in sites_for(actor, roles.RECORDS_LOG):
            self.sites.setdefault(site.name, []).append(site)
        self.scenarios: dict[str, Service] = {}
        for s in Service.objects.filter(kind=ServiceKind.SCENARIO):
            for name in (s.name, s.code, s.name_en):
                self.scenarios[name] = s
        self.elders = elders_for(actor, roles.RECORDS_LOG)

    def parse(self, row: dict[str, Any]) -> dict[str, Any]:
        """The keyword arguments of ``help_session_log`` for a row, or ValidationError."""
        errors: list[str] = []

        def attempt(fn, *args):
            try:
                return fn(*args)
            except ValidationError as exc:
                errors.extend(exc.messages)
                return None

        name = str(row.get("站点", ""))
        site = attempt(
            _one,
            self.sites.get(name, []),
            _("没有您能记录的站点“%(v)s”。") % {"v": name} if name else _("请填写站点名称。"),
            _("有多个站点叫“%(v)s”，请联系管理员改名后再导入。") % {"v": name},
        )
        day = attempt(_date, row.get("日期", ""))
        at = attempt(_time, row.get("时间", ""))
        parsed: dict[str, Any] = {
            "duration_minutes": attempt(_minutes, row.get("时长（分钟）")),
            "scenarios": attempt(_scenarios, row.get("场景", ""), self.scenarios) or [],
            "channel": attempt(_choice, row.get("方式"), Channel, Channel.WALK_IN, _("方式")),
            "outcome": attempt(_choice, row.get("结果"), Outcome, Outcome.SOLVED, _("结果")),
            "note": str(row.get("备注", "")),
            "elder_mobile": "",
        }
        parsed["elder"] = attempt(self._elder, row, parsed)
        parsed["helper"] = attempt(self._helper, row)
        if errors:
            raise ValidationError(errors)
        tz = timezone.get_current_timezone()
        parsed["occurred_at"] = dt.datetime.combine(day, at, tz)
        parsed["site"] = site
        parsed["import_key"] = _row_key(site, parsed["occurred_at"], row, parsed)
        return parsed

    def _elder(self, row: dict[str, Any], parsed: dict[str, Any]) -> Elder | None:
        mobile, name = str(row.get("长者手机", "")), str(row.get("长者姓名", ""))
        if not mobile:
            if name:
                raise ValidationError(
                    _("填了长者姓名却没有手机号，无法确认是哪位长者；匿名记录请把姓名也留空。")
                )
            return None
        try:
            mobile = normalize_mobile(mobile)
        except ValidationError:
            raise ValidationError(_("长者手机“%(v)s”不是有效的手机号。") % {"v": mobile}) from None
        parsed["elder_mobile"] = mobile
        elder = elder_search(self.elders, mobile).first()
        if elder is None:
            raise ValidationError(
                _("没有手机号为 %(m)s 的长者，请先在工作台登记（需本人同意）。")
                % {"m": mask_mobile(mobile)}
            )
        if name and name != elder.name:
            raise ValidationError(
                _("手机号 %(m)s 登记的长者不叫“%(name)s”。")
                % {"m": mask_mobile(mobile), "name": name}
            )
        return elder

    def _helper(self, row: dict[str, Any]) -> Any:
        mobile = str(row.get("帮办人手机", ""))
        if not mobile:
            return self.actor
        try:
            mobile = normalize_mobile(mobile)
        except ValidationError:
            raise ValidationError(
                _("帮办人手机“%(v)s”不是有效的手机号。") % {"v": mobile}
            ) from None
        helper = User.objects.filter(mobile=mobile, is_active=True).first()
        if helper is None:
            raise ValidationError(
                _("没有手机号为 %(m)s 的工作台账号。") % {"m": mask_mobile(mobile)}
            )
        return helper


def _run(actor: Any, filename: str, content: bytes, now: dt.datetime) -> Checked:
    """Import every row; the caller decides whether to keep the result (rolls back if not)."""
    result = Checked()
    context = _Context(actor)
    first_row_of: dict[str, int] = {}
    rows: list[tuple[int, dict[str, Any], str]] = []
    for number, row in read_rows(filename, content):
        result.total += 1
        try:
            parsed = context.parse(row)
        except ValidationError as exc:
            result.errors.extend(RowError(number, m) for m in exc.messages)
            continue
        key = parsed.pop("import_key")
        if key in first_row_of:
            result.errors.append(
                RowError(
                    number,
                    _("与第 %(n)s 行完全相同；如果确实是两次帮办，请在备注里区分。")
                    % {"n": first_row_of[key]},
                )
            )
            continue
        first_row_of[key] = number
        rows.append((number, parsed, key))
    known = set(
        HelpSession.objects.filter(import_key__in=[key for _n, _p, key in rows]).values_list(
            "import_key", flat=True
        )
    )
    logged: list[HelpSession] = []
    for number, parsed, key in rows:
        if key in known:
            result.known += 1
            continue
        parsed.pop("elder_mobile")
        try:
            with transaction.atomic():
                logged.append(
                    help_session_log(
                        actor=actor,
                        source=Source.IMPORT,
                        import_key=key,
                        now=now,
                        check_integrity=False,
                        **parsed,
                    )
                )
        except ValidationError as exc:
            result.errors.extend(RowError(number, m) for m in exc.messages)
            continue
        except PermissionDenied as exc:
            result.errors.append(RowError(number, str(exc)))
            continue
        result.new += 1
    if logged and not result.errors:
        integrity.check(logged, now=now)
    return result


class _Rollback(Exception):
    pass


def _attempt(actor: Any, filename: str, content: bytes, *, keep: bool) -> Checked:
    now = timezone.now()
    outcome = Checked()
    try:
        with transaction.atomic():
            outcome = _run(actor, filename, content, now)
            if outcome.errors or not keep:
                raise _Rollback
    except _Rollback:
        pass
    return outcome


def _store(batch: ImportBatch, checked: Checked) -> None:
    batch.rows_total, batch.rows_new, batch.rows_known = checked.total, checked.new, checked.known
    batch.errors = [{"row": e.row, "message": e.message} for e in checked.errors]


@transaction.atomic
def import_check(*, actor: Any, filename: str, content: bytes) -> ImportBatch:
    """Check a file without importing it: the preview. Raises SpreadsheetRefused for an unreadable
    file; bad rows are listed on the returned batch."""
    checked = _attempt(actor, filename, content, keep=False)
    batch = ImportBatch(filename=filename[:200], content=content, created_by=actor)
    batch.status = ImportBatch.Status.REJECTED if checked.errors else ImportBatch.Status.CHECKED
    _store(batch, checked)
    batch.save()
    audit_record(
        actor=actor,
        action="help_session.import_check",
        obj=batch,
        changes={"rows": checked.total, "errors": len(checked.errors)},
    )
    return batch


@transaction.atomic
def import_commit(*, actor: Any, batch: ImportBatch) -> ImportBatch:
    """Import a checked file, all or nothing. Rows already imported are skipped."""
    if batch.created_by_id != actor.pk:
        raise PermissionDenied(_("只能导入您自己上传的文件。"))
    if batch.status != ImportBatch.Status.CHECKED:
        raise ValidationError(_("这个文件没有通过检查或已经导入过。"))
    checked = _attempt(actor, batch.filename, bytes(batch.content), keep=True)
    _store(batch, checked)
    if checked.errors:
        batch.status = ImportBatch.Status.REJECTED
        batch.save()
        return batch
    batch.status = ImportBatch.Status.IMPORTED
    batch.imported_at = timezone.now()
    batch.save()
    audit_record(
        actor=actor,
        action="help_session.import",
        obj=batch,
        changes={"new": checked.new, "already": checked.known},
    )
    return batch


def import_template() -> bytes:
    """The spreadsheet to fill in: the columns, one example row, and the allowed values."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "帮办记录"
    sheet.append(COLUMNS)
    sheet.append(EXAMPLE)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for col, width in zip("ABCDEFGHIJK", (22, 12, 8, 12, 14, 10, 18, 8, 8, 14, 20), strict=True):
        sheet.column_dimensions[col].width = width
    help_sheet = book.create_sheet("填写说明")
    scenarios = "、".join(
        Service.objects.filter(kind=ServiceKind.SCENARIO).values_list("name", flat=True)
    )
    lines = [
        ("列", "怎么填"),
        ("站点", _("站点全名，须是您能记录的站点。")),
        ("日期 / 时间", _("例如 2026-11-23 和 09:30。")),
        ("时长（分钟）", _("整数，留空按 15 分钟。")),
        ("长者手机", _("已登记长者的手机号；匿名记录留空。")),
        ("长者姓名", _("可不填；填了会与手机号登记的姓名核对。")),
        ("场景", _("可填多个，用顿号分隔：") + scenarios),
        ("方式", "、".join(str(label) for _c, label in Channel.choices)),
        ("结果", "、".join(str(label) for _c, label in Outcome.choices)),
        ("帮办人手机", _("帮办人的工作台账号手机号；留空即导入人本人。")),
        ("备注", _("可不填。")),
    ]
    for line in lines:
        help_sheet.append(line)
    help_sheet.column_dimensions["A"].width = 16
    help_sheet.column_dimensions["B"].width = 80
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
