"""The demo's records, targets and budgets (issue acceptance: Putuo 10 × 500 and 10 × 1,000)."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import load_workbook

from huoban.budget.models import Expense
from huoban.records.models import Flag, FlagStatus, HelpSession, LedgerEntry
from huoban.records.selectors import person_times
from huoban.regions.models import Region
from huoban.targets.indicators import indicator_workbook
from huoban.targets.models import Target


def check_the_demo_loads_records_targets_and_budgets() -> None:
    """Each acceptance point."""
    check_putuo_has_seed_001s_targets_split_evenly()
    check_the_exported_indicator_table_has_the_targets_and_a_total_row()
    check_some_streets_are_ahead_and_some_behind()
    check_the_demo_has_flagged_records_and_budget_entries()


def check_putuo_has_seed_001s_targets_split_evenly():
    putuo = Region.objects.get(code="310107000")
    streets = Target.objects.filter(region__parent=putuo, year=2026)
    assert sorted(streets.filter(period="half").values_list("value", flat=True)) == [500] * 10
    assert sorted(streets.filter(period="year").values_list("value", flat=True)) == [1000] * 10
    district = {t.period: t.value for t in Target.objects.filter(region=putuo, year=2026)}
    assert district == {"half": 5000, "year": 10000}
    assert sum(streets.filter(period="year").values_list("value", flat=True)) == district["year"]


def check_the_exported_indicator_table_has_the_targets_and_a_total_row():
    putuo = Region.objects.get(code="310107000")
    content = indicator_workbook(putuo, 2026, count_done=person_times, today=dt.date(2026, 11, 23))
    sheet = load_workbook(io.BytesIO(content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    total = next(r for r in rows if r[0] == "合计")
    assert total[1:3] == [5000, 10000]
    streets = [r for r in rows if r[1] == 500]
    assert len(streets) == 10 and all(r[2] == 1000 for r in streets)


def check_some_streets_are_ahead_and_some_behind():
    year_done = {
        s.name: person_times(s, dt.date(2026, 1, 1), dt.date(2026, 9, 30), "both")
        for s in Region.objects.filter(parent__code="310107000")
    }
    assert any(v >= 1000 for v in year_done.values())
    assert any(v < 800 for v in year_done.values())
    assert HelpSession.objects.count() == LedgerEntry.objects.filter(kind="help").count() > 5000


def check_the_demo_has_flagged_records_and_budget_entries():
    assert Flag.objects.filter(status=FlagStatus.OPEN).count() >= 5
    assert {f.rule for f in Flag.objects.all()} >= {
        "elder_many_times",
        "outside_hours",
        "bulk_identical",
    }
    assert Expense.objects.count() >= 20
