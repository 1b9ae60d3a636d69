"""The demo's ratings: inside their windows, attendees only, repeatable."""

from __future__ import annotations

import datetime as dt

import time_machine

from huoban.demo import evaluations as demo_evaluations
from huoban.evaluations.models import Evaluation
from huoban.evaluations.rules import window_for
from tests.conftest import NOW
from tests.evaluations.helpers import attendee, ended_class, help_record, new_elder


def test_it_rates_ended_classes_and_some_help_sessions_once(world):
    admin = world.personas["city_admin"]
    past = ended_class(world.site_a, end=NOW - dt.timedelta(days=3))
    future = ended_class(world.site_a, end=NOW + dt.timedelta(days=3))
    present = [attendee(past, new_elder(admin, world.site_a, "长者"), admin) for _ in range(20)]
    absent = attendee(past, new_elder(admin, world.site_a, "缺席"), admin, checked_in=False)
    attendee(future, new_elder(admin, world.site_a, "未来"), admin, checked_in=False)
    with time_machine.travel(NOW, tick=False):
        for _ in range(30):
            help_record(world.personas["volunteer"], world.site_a)

    loaded = demo_evaluations.load(now=NOW + dt.timedelta(minutes=30))
    assert loaded["class_ratings"] >= 10 and loaded["help_ratings"] >= 1
    rated = Evaluation.objects.filter(class_session=past)
    assert rated.count() == loaded["class_ratings"]
    assert set(rated.values_list("elder_id", flat=True)) <= {s.elder_id for s in present}
    assert not Evaluation.objects.filter(elder=absent.elder).exists()
    assert not Evaluation.objects.filter(class_session=future).exists()
    for evaluation in Evaluation.objects.select_related("class_session", "help_session"):
        window = window_for(evaluation.subject)
        assert window.opens_at <= evaluation.created_at < window.closes_at

    assert demo_evaluations.load(now=NOW + dt.timedelta(minutes=30)) == {
        "class_ratings": 0,
        "help_ratings": 0,
    }
