"""The demo's targets: seed 001's annex 1 for Putuo, for the current year.

The programme office gives the district 5,000 person-times by the half-year and 10,000 for
the year; the district admin splits both evenly among its ten streets (10 × 500, 10 × 1,000).
Through the services, so the demo's audit trail shows who set what. Running it again
changes nothing.
"""

from __future__ import annotations

from huoban.accounts.models import User
from huoban.regions.models import Region
from huoban.targets.models import Period, Target
from huoban.targets.services import target_set, target_split

DISTRICT = "310107000"  # 普陀区
ANNEX_1 = {Period.HALF: 5000, Period.YEAR: 10000}


def load(*, office: User, district_admin: User, year: int) -> list[Target]:
    """Set Putuo's targets for ``year`` and split them; returns the streets' targets."""
    district = Region.objects.get(code=DISTRICT)
    streets: list[Target] = []
    # The year first: a half-year's target may not exceed its year's.
    for period in (Period.YEAR, Period.HALF):
        parent = target_set(
            actor=office, region=district, year=year, period=period, value=ANNEX_1[period]
        )
        streets += target_split(actor=district_admin, parent=parent, mode="even")
    return streets
