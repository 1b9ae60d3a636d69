"""Reading targets: scoped lists, the bottom-up roll-up and the progress table.

Person-times are not counted here: the progress table takes ``count_done(region, start,
end, measure) -> int`` from its caller (the records app's ``person_times``), so targets
do not depend on how records are kept.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from huoban.accounts import roles
from huoban.accounts.selectors import scope_q
from huoban.regions.models import Region
from huoban.regions.selectors import PROGRAMME_LEVELS
from huoban.targets.models import Measure, Period, Target, default_deadline, period_start
from huoban.targets.progress import Progress, progress

CountDone = Callable[[Region, dt.date, dt.date, str], int]
# Targets live on these levels; neighbourhoods are left out of the tree (there are many).


def targets_for(user) -> QuerySet[Target]:
    """Targets of the regions inside the user's scopes (street admin and above)."""
    return Target.objects.filter(
        scope_q(user, roles.TARGETS_VIEW, site_field=None, region_path_field="region__path")
    ).select_related("region")


def targets_in(
    regions: Iterable[Region], *, year: int, measure: str, period: str | None = None
) -> QuerySet[Target]:
    """The targets of ``regions`` (already within the reader's scope) for one year and
    measure, and one period if given, with their region."""
    qs = Target.objects.filter(region__in=list(regions), year=year, measure=measure)
    if period is not None:
        qs = qs.filter(period=period)
    return qs.select_related("region")


# --- Roll-up ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rollup:
    """A region's target for one period, its own and as its children's add up.

    ``effective`` is the region's own value if set, else the sum of its children's
    effective targets (None when neither exists). ``differs`` is the warning: the region's
    own target is set and its children's do not add up to it.
    """

    region: Region
    period: str
    own: int | None
    deadline: dt.date | None  # of the region's own target
    children_total: int | None  # None when no child has an effective target
    children: tuple[Rollup, ...]

    @property
    def effective(self) -> int | None:
        return self.own if self.own is not None else self.children_total

    @property
    def differs(self) -> bool:
        return (
            self.own is not None
            and self.children_total is not None
            and self.own != self.children_total
        )

    @property
    def missing(self) -> list[Region]:
        """Children with no target at all (neither their own nor from below)."""
        return [c.region for c in self.children if c.effective is None]

    @property
    def warning(self) -> str | None:
        """A sentence for the admin when the children's targets do not add up to this one."""
        if not self.differs:
            return None
        assert self.own is not None and self.children_total is not None
        params = {
            "region": self.region.name,
            "period": Period(self.period).label,
            "own": self.own,
            "level": self.children[0].region.get_level_display(),
            "sum": self.children_total,
            "diff": abs(self.own - self.children_total),
        }
        if self.children_total > self.own:
            message = _(
                "%(region)s的%(period)s指标是 %(own)s，各%(level)s指标合计 %(sum)s，多 %(diff)s。"
            )
        else:
            message = _(
                "%(region)s的%(period)s指标是 %(own)s，各%(level)s指标合计 %(sum)s，少 %(diff)s。"
            )
        return message % params


def _tree(region: Region) -> dict[int | None, list[Region]]:
    """Children by parent id, for ``region`` and the target levels below it (one query)."""
    below: dict[int | None, list[Region]] = defaultdict(list)
    for r in Region.objects.filter(path__under=region.path, level__in=PROGRAMME_LEVELS).order_by(
        "code"
    ):
        if r.pk != region.pk:
            below[r.parent_id].append(r)
    return below


def _own_targets(region: Region, year: int, measure: str) -> dict[tuple[int, str], Target]:
    """(region id, period) → target, for ``region`` and everything below it (one query)."""
    qs = Target.objects.filter(region__path__under=region.path, year=year, measure=measure)
    return {(t.region_id, t.period): t for t in qs}


def _rollup(
    region: Region,
    period: str,
    tree: dict[int | None, list[Region]],
    own: dict[tuple[int, str], Target],
) -> Rollup:
    children = tuple(_rollup(c, period, tree, own) for c in tree.get(region.pk, []))
    values = [c.effective for c in children if c.effective is not None]
    target = own.get((region.pk, period))
    return Rollup(
        region=region,
        period=period,
        own=target.value if target else None,
        deadline=target.deadline if target else None,
        children_total=sum(values) if values else None,
        children=children,
    )


def targets_rollup(region: Region, year: int, period: str, measure: str = Measure.BOTH) -> Rollup:
    """``region``'s target for ``period`` of ``year``, rolled up from below (two queries)."""
    return _rollup(region, Period(period).value, _tree(region), _own_targets(region, year, measure))


# --- Progress table --------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One period of one row: target (None when none is set), done so far, progress."""

    target: int | None
    done: int
    deadline: dt.date
    progress: Progress | None

    @property
    def rate(self) -> float | None:
        return self.progress.rate if self.progress else None


@dataclass(frozen=True)
class Row:
    region: Region
    half: Cell
    year: Cell
    is_total: bool = False

    @property
    def name(self) -> str:
        return _("合计") if self.is_total else self.region.name


def _cell(target: int | None, done: int, deadline: dt.date, year: int, today: dt.date) -> Cell:
    if target is None:
        return Cell(target=None, done=done, deadline=deadline, progress=None)
    report = progress(
        target=target, done=done, start=period_start(year), deadline=deadline, today=today
    )
    return Cell(target=target, done=done, deadline=deadline, progress=report)


def progress_table(
    region: Region,
    year: int,
    *,
    count_done: CountDone,
    today: dt.date,
    measure: str = Measure.BOTH,
) -> list[Row]:
    """One row per child region (a district's streets, the city's districts) and a total.

    For each row and period: the target (the child's own, else what its children add up
    to), the person-times done from 1 January to the deadline or today if earlier, the
    rate and the status. The total row's targets and done are the sums of the rows (the
    region's own target may differ: see ``targets_rollup(...).warning``). A region with no
    children (a street) gives its total row alone, counted directly.
    """
    tree = _tree(region)
    own = _own_targets(region, year, measure)
    start = period_start(year)
    rollups = {p: _rollup(region, p, tree, own) for p in (Period.HALF, Period.YEAR)}

    def deadline_of(rollup: Rollup, fallback: dt.date) -> dt.date:
        return rollup.deadline or fallback

    def done(r: Region, deadline: dt.date) -> int:
        if today < start:
            return 0
        return count_done(r, start, min(today, deadline), measure)

    top = {
        p: deadline_of(rollups[p], default_deadline(year, p)) for p in (Period.HALF, Period.YEAR)
    }
    rows: list[Row] = []
    for half, annual in zip(
        rollups[Period.HALF].children, rollups[Period.YEAR].children, strict=True
    ):
        cells = {}
        for p, rollup in ((Period.HALF, half), (Period.YEAR, annual)):
            deadline = deadline_of(rollup, top[p])
            cells[p] = _cell(rollup.effective, done(rollup.region, deadline), deadline, year, today)
        rows.append(Row(region=half.region, half=cells[Period.HALF], year=cells[Period.YEAR]))

    totals = {}
    for p in (Period.HALF, Period.YEAR):
        if rows:
            cells_p = [r.half if p == Period.HALF else r.year for r in rows]
            targeted = [c for c in cells_p if c.target is not None]
            # Measured against the targets that are set: a row without one adds no target,
            # so its person-times must not make the others look further along.
            target = sum(c.target or 0 for c in targeted) if targeted else None
            total_done = sum(c.done for c in (targeted or cells_p))
        else:
            target = rollups[p].own
            total_done = done(region, top[p])
        totals[p] = _cell(target, total_done, top[p], year, today)
    rows.append(
        Row(region=region, half=totals[Period.HALF], year=totals[Period.YEAR], is_total=True)
    )
    return rows
