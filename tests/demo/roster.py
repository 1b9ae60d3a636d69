"""The demo's duty rosters: four weeks at every demo site, mostly staffed, a few gaps, one
site left unstaffed, and open requests for the demo's manager to decide."""

from __future__ import annotations

import datetime as dt
import io

import time_machine
from django.core.management import call_command

from huoban.accounts.models import User
from huoban.roster.coverage import monday_of
from huoban.roster.models import RequestStatus, Shift, ShiftRequest, ShiftStatus
from huoban.roster.selectors import my_shifts, week_coverages
from huoban.sites.models import Site
from tests.conftest import NOW

ONE_DAY = dt.timedelta(days=1)


def check_the_demo_loads_rosters_with_a_few_gaps(output: str) -> None:
    with time_machine.travel(NOW, tick=False):
        assert "值班班次" in output
        sites = list(Site.objects.filter(region__parent__code="310107000").order_by("pk"))
        monday = monday_of(NOW.date())
        weeks = {
            offset: week_coverages([s.pk for s in sites], monday + offset * 7 * ONE_DAY)
            for offset in (-1, 0, 1, 2)
        }
        check_most_sites_are_staffed_every_week(sites, weeks)
        check_a_few_sites_have_gaps_and_one_is_left_unstaffed(sites, weeks)
        check_the_demo_accounts_have_shifts_and_requests()
        # Loading again changes nothing.
        count = Shift.objects.count()
        call_command("load_demo", stdout=io.StringIO())
        assert Shift.objects.count() == count


def check_most_sites_are_staffed_every_week(sites, weeks):
    assert len(sites) == 30
    for week in weeks.values():
        staffed = [s for s in sites if not week[s.pk].gaps]
        assert len(staffed) >= 26
    # Staffed sites with a desk open 5 hours on at least three days meet the level-1 rule.
    assert sum(weeks[0][s.pk].passes for s in sites) >= 20


def check_a_few_sites_have_gaps_and_one_is_left_unstaffed(sites, weeks):
    gaps = {offset: [s.name for s in sites if weeks[offset][s.pk].gaps] for offset in weeks}
    assert 1 <= len(gaps[0]) <= 4 and gaps[1] and gaps[2]
    worst = max(sites, key=lambda s: sum(d.uncovered_minutes for d in weeks[0][s.pk].days))
    week = weeks[0][worst.pk]
    assert not week.passes
    assert sum(d.uncovered_minutes for d in week.days) >= 5 * 5 * 60
    assert any("无人值班" in r for r in week.reasons)
    assert Shift.objects.filter(status=ShiftStatus.CANCELLED).count() == 1


def check_the_demo_accounts_have_shifts_and_requests():
    volunteer = User.objects.get(mobile="13900000005")
    mine = list(my_shifts(volunteer, NOW, NOW + dt.timedelta(weeks=3)))
    assert len(mine) >= 5
    open_ = ShiftRequest.objects.filter(status=RequestStatus.OPEN)
    assert open_.count() == 2
    assert open_.filter(requested_by=volunteer, kind="swap").exists()
