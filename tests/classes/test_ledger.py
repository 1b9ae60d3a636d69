"""Check-in feeds the same person-time counts as help records: targets and dashboards."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from huoban.classes.services import signup_check_in, signup_create
from huoban.records.selectors import person_times
from huoban.records.services import help_session_log
from huoban.sites.models import Service
from tests.classes.test_signups import NOW, make_elders, published


def test_it_counts_a_check_in_as_a_training_person_time_in_the_targets(world, frozen):
    world.site_a.classroom_capacity = 30
    world.site_a.save()
    manager, desk = world.personas["site_manager"], world.personas["volunteer"]
    session = published(manager, world.site_a)
    first, second = make_elders(world, 2)
    during = session.start + dt.timedelta(minutes=5)
    for elder in (first, second):
        signup = signup_create(actor=desk, session=session, elder=elder, now=NOW)
        signup_check_in(actor=desk, signup=signup, now=during)
        signup_check_in(actor=desk, signup=signup, now=during)  # twice: counted once
    help_session_log(
        actor=desk,
        site=world.site_a,
        scenarios=[Service.objects.get(code="medical")],
        occurred_at=NOW,
    )
    day = timezone.localdate(session.start)
    start = min(day, timezone.localdate(NOW))
    assert person_times(world.caoyang, start, day, "training") == 2
    assert person_times(world.caoyang, start, day, "help") == 1
    assert person_times(world.caoyang, start, day, "both") == 3
    assert person_times(world.putuo, start, day, "both") == 3
    assert person_times(world.changfeng, start, day, "both") == 0
