"""Person-time targets on the workspace: progress per region and year (tables and charts),
the indicator table's export and import, and setting and splitting targets."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from huoban.accounts import roles
from huoban.accounts.permissions import require_roles
from huoban.accounts.selectors import regions_for, top_region
from huoban.records.selectors import PersonTimesByChild
from huoban.regions.models import Region, RegionLevel
from huoban.regions.selectors import PROGRAMME_LEVELS, programme_children
from huoban.targets.indicators import (
    IndicatorImportError,
    indicator_workbook,
    indicators_import,
)
from huoban.targets.models import MAX_YEAR, MIN_YEAR, Measure, Period, Target
from huoban.targets.selectors import (
    Cell,
    Row,
    progress_table,
    targets_for,
    targets_in,
    targets_rollup,
)
from huoban.targets.services import (
    SPLIT_LEVELS,
    may_set_target,
    may_split_target,
    target_pair_set,
    target_split,
)
from huoban.workspace.progress_forms import (
    SPLIT_MANUAL,
    IndicatorImportForm,
    ProgressChooserForm,
    SplitForm,
    TotalForm,
)
from huoban.workspace.views.charts import Chart, Series
from huoban.workspace.views.common import apply_errors, render_page

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Years offered besides those that have targets: a few back, and the next one to plan.
YEARS_BACK = 3
MEASURE = Measure.BOTH  # seed 001 counts training and help together


# --- Scope ---------------------------------------------------------------------------------------


def _year(value: object) -> int:
    try:
        year = int(str(value))
    except ValueError:
        raise Http404 from None
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Http404
    return year


def _years(user, today: dt.date, year: int) -> list[int]:
    """Years to choose from: those with targets in scope, a few back, next year, ``year``."""
    with_targets = targets_for(user).values_list("year", flat=True).distinct().order_by()
    recent = range(today.year - YEARS_BACK, today.year + 2)
    return sorted({*recent, *with_targets, year}, reverse=True)


def progress_url(region: Region, year: int) -> str:
    query = urlencode({"region": region.code, "year": str(year)})
    return f"{reverse('workspace:progress')}?{query}"


# --- Counting -----------------------------------------------------------------------------------


# --- The progress page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One row of a period's table: a child region (or the total) and its figures."""

    name: str
    link: str  # the row's own progress page ("" when it has none worth opening)
    cell: Cell


@dataclass(frozen=True)
class PeriodTable:
    """One period's figures as the page shows them: a table and its chart."""

    period: str
    label: str
    deadline: dt.date
    lines: list[Line]  # the children (or the street alone)
    total: Cell | None  # the 合计 row; None when the region has no children
    chart: Chart | None


def _period_tables(region: Region, rows: list[Row], year: int) -> list[PeriodTable]:
    children = [r for r in rows if not r.is_total]
    total_row = rows[-1]
    level = children[0].region.get_level_display() if children else region.get_level_display()
    tables = []
    for period in (Period.HALF, Period.YEAR):

        def cell_of(row: Row, period: str = period) -> Cell:
            return row.half if period == Period.HALF else row.year

        label = str(Period(period).label)
        if children:
            lines = [
                Line(
                    name=r.region.name,
                    link=""
                    if r.region.level == RegionLevel.STREET
                    else progress_url(r.region, year),
                    cell=cell_of(r),
                )
                for r in children
            ]
        else:
            lines = [Line(name=region.name, link="", cell=cell_of(total_row))]
        chart = None
        if any(line.cell.target or line.cell.done for line in lines):
            chart = Chart(
                id=f"chart-{period}",
                label=_("条形图：各%(level)s的%(period)s指标和已完成人次。数字见上面的表格。")
                % {"level": level, "period": label},
                kind="bars",
                categories=[line.name for line in lines],
                series=[
                    Series(_("指标"), [line.cell.target for line in lines]),
                    Series(_("已完成"), [line.cell.done for line in lines]),
                ],
            )
        tables.append(
            PeriodTable(
                period=period,
                label=label,
                deadline=cell_of(total_row).deadline,
                lines=lines,
                total=cell_of(total_row) if children else None,
                chart=chart,
            )
        )
    return tables


def _warnings(region: Region, year: int) -> list[str]:
    """The roll-up warnings: a region whose own target is not what its children add up to."""
    found = []
    for period in (Period.HALF, Period.YEAR):
        rollup = targets_rollup(region, year, period, MEASURE)
        for r in (rollup, *rollup.children):
            if r.warning:
                found.append(r.warning)
    return found


@require_roles(roles.TARGETS_VIEW)
def progress(request: HttpRequest) -> HttpResponse:
    """Targets, done, rate, forecast and status of the region's streets (or districts)."""
    user = request.user
    today = timezone.localdate()
    regions = regions_for(user, roles.TARGETS_VIEW)
    code = request.GET.get("region")
    region = get_object_or_404(regions, code=code) if code else top_region(user, roles.TARGETS_VIEW)
    if region is None:
        raise Http404
    year = _year(request.GET["year"]) if request.GET.get("year") else today.year
    rows = progress_table(
        region, year, count_done=PersonTimesByChild(region), today=today, measure=MEASURE
    )
    children = [r.region for r in rows if not r.is_total]
    can_import = may_split_target(user, region, children)
    can_set = region.level in SPLIT_LEVELS and (can_import or may_set_target(user, region))
    parent = regions.filter(pk=region.parent_id).first() if region.parent_id else None
    parent_link = progress_url(parent, year) if parent else ""
    chooser = ProgressChooserForm(
        regions=regions.select_related("parent").order_by("path"),
        years=_years(user, today, year),
        initial={"region": region, "year": year},
    )
    return render_page(
        request,
        "workspace/progress.html",
        {
            "region": region,
            "year": year,
            "today": today,
            "chooser": chooser,
            "tables": _period_tables(region, rows, year),
            "parent": parent,
            "parent_link": parent_link,
            "first_header": (
                children[0].get_level_display() if children else region.get_level_display()
            ),
            "warnings": _warnings(region, year),
            "can_import": can_import,
            "can_set": can_set,
        },
    )


# --- The indicator table ------------------------------------------------------------------------


def _region(request: HttpRequest, code: str, wanted, levels=PROGRAMME_LEVELS) -> Region:
    return get_object_or_404(regions_for(request.user, wanted).filter(level__in=levels), code=code)


@require_roles(roles.TARGETS_VIEW)
def indicators_export(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """The indicator table (seed 001, annex 1) with what is done, as an Excel file."""
    region = _region(request, code, roles.TARGETS_VIEW)
    year = _year(year)
    content = indicator_workbook(
        region,
        year,
        count_done=PersonTimesByChild(region),
        today=timezone.localdate(),
        measure=MEASURE,
    )
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True,
        filename=_("指标分解表-%(region)s-%(year)s.xlsx") % {"region": region.name, "year": year},
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_roles(roles.TARGETS_SET)
@require_http_methods(["GET", "POST"])
def indicators_upload(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """Targets of the region's streets (or districts) from a filled-in indicator table: all
    rows or none, every bad row named."""
    region = _region(request, code, roles.TARGETS_SET, SPLIT_LEVELS)
    year = _year(year)
    form = IndicatorImportForm(request.POST or None, request.FILES or None)
    row_errors: list[tuple[int, str]] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = indicators_import(
                actor=request.user,
                region=region,
                year=year,
                filename=upload.name,
                content=upload.read(),
                measure=MEASURE,
            )
        except IndicatorImportError as exc:
            row_errors = [(row, reason) for row, reason in exc.errors if row]
            for row, reason in exc.errors:
                if not row:
                    form.add_error("file", reason)
            if row_errors:
                form.add_error(
                    "file",
                    _("表格有 %(n)s 处问题，没有导入任何指标。请按下面列出的行改正后重新上传。")
                    % {"n": len(row_errors)},
                )
        else:
            messages.success(
                request,
                _(
                    "已导入 %(rows)s 行指标：新设 %(created)s 项，修改 %(updated)s 项，"
                    "%(unchanged)s 项没有变化。"
                )
                % {
                    "rows": result.rows,
                    "created": result.created,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                },
            )
            return redirect(progress_url(region, year))
    return render_page(
        request,
        "workspace/indicators_import.html",
        {"region": region, "year": year, "form": form, "row_errors": row_errors},
        forms_with_errors=[form],
    )


# --- Setting and splitting --------------------------------------------------------------------


def _own_targets(region: Region, year: int) -> dict[str, Target]:
    return {t.period: t for t in targets_in([region], year=year, measure=MEASURE)}


def _child_values(children: list[Region], year: int, period: str) -> dict[str, int]:
    return {
        SplitForm.child_field(t.region): t.value
        for t in targets_in(children, year=year, measure=MEASURE, period=period)
    }


@require_roles(roles.TARGETS_SET)
@require_http_methods(["GET", "POST"])
def targets_edit(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """The programme office sets a district's (or the city's) half-year and year targets; the
    office or the district admin splits each among the streets, evenly or by hand."""
    user = request.user
    region = _region(request, code, roles.TARGETS_SET, SPLIT_LEVELS)
    year = _year(year)
    children = list(programme_children(region))
    can_total = may_set_target(user, region)
    can_split = may_split_target(user, region, children)
    if not (can_total or can_split):
        raise Http404
    own = _own_targets(region, year)
    action = request.POST.get("action", "") if request.method == "POST" else ""

    total_form = None
    if can_total:
        total_form = TotalForm(
            request.POST if action == "total" else None,
            initial={
                "half": own[Period.HALF].value if Period.HALF in own else None,
                "annual": own[Period.YEAR].value if Period.YEAR in own else None,
            },
        )
    split_forms: dict[str, SplitForm] = {}
    if can_split:
        for period in (Period.HALF, Period.YEAR):
            split_forms[period] = SplitForm(
                request.POST if action == f"split-{period}" else None,
                children=children,
                prefix=period,
                initial=_child_values(children, year, period),
            )
    if request.method == "POST":
        done = _apply(request, region, year, own, action, total_form, split_forms)
        if done:
            return redirect(progress_url(region, year))
    return render_page(
        request,
        "workspace/targets_edit.html",
        {
            "region": region,
            "year": year,
            "children": children,
            "level": children[0].get_level_display() if children else _("街镇"),
            "own": own,
            "total_form": total_form,
            "splits": [
                {"period": p, "label": Period(p).label, "form": f, "parent": own.get(p)}
                for p, f in split_forms.items()
            ],
        },
        forms_with_errors=[f for f in (total_form, *split_forms.values()) if f is not None],
    )


def _apply(
    request: HttpRequest,
    region: Region,
    year: int,
    own: dict[str, Target],
    action: str,
    total_form: TotalForm | None,
    split_forms: dict[str, SplitForm],
) -> bool:
    """Run the posted action through the target services; True when it was saved."""
    user = request.user
    if action == "total":
        if total_form is None:
            raise PermissionDenied
        if not total_form.is_valid():
            return False
        try:
            target_pair_set(
                actor=user,
                region=region,
                year=year,
                half=total_form.cleaned_data["half"],
                annual=total_form.cleaned_data["annual"],
                measure=MEASURE,
            )
        except ValidationError as exc:
            apply_errors(total_form, exc, aliases={"value": "half"})
            return False
        messages.success(
            request,
            _("%(region)s %(year)s 年的指标已保存。") % {"region": region.name, "year": year},
        )
        return True
    period = action.removeprefix("split-")
    form = split_forms.get(period)
    if form is None:
        raise PermissionDenied if period in Period.values else Http404
    if not form.is_valid():
        return False
    parent = own.get(period)
    if parent is None:
        form.add_error(
            None,
            _("%(region)s还没有%(period)s指标，设定后才能分解。")
            % {"region": region.name, "period": Period(period).label},
        )
        return False
    mode = form.cleaned_data["mode"]
    try:
        targets = target_split(
            actor=user,
            parent=parent,
            mode=mode,
            values=form.values() if mode == SPLIT_MANUAL else None,
        )
    except ValidationError as exc:
        apply_errors(form, exc)
        return False
    messages.success(
        request,
        _("%(region)s的%(period)s指标 %(value)s 已分解到 %(n)s 个%(level)s。")
        % {
            "region": region.name,
            "period": parent.get_period_display(),
            "value": f"{parent.value:,}",
            "n": len(targets),
            "level": targets[0].region.get_level_display() if targets else "",
        },
    )
    return True
