"""The demo's term of classes, as a visitor to the demo would find it."""

from __future__ import annotations

from django.db.models import Count, Q

from huoban.classes.models import ClassSession, SignUp
from huoban.notify.models import Outbox
from huoban.records.models import LedgerEntry
from huoban.sites.models import Site
from tests.conftest import NOW


def check_the_demo_has_a_term_of_classes(output: str) -> None:
    """What a visitor would notice."""
    assert "课堂" in output
    sessions = ClassSession.objects.annotate(
        confirmed=Count("signups", filter=Q(signups__status="confirmed")),
        waiting=Count("signups", filter=Q(signups__status="waiting")),
    )
    check_every_site_with_a_classroom_holds_classes_monthly(sessions)
    check_upcoming_classes_have_free_places_and_some_are_full_with_a_waiting_list(sessions)
    check_past_classes_wrote_training_person_times(sessions)
    check_most_classes_count_toward_level_2_and_a_few_are_marked(sessions)
    check_a_class_called_off_by_its_site_told_everyone_on_it()


def check_every_site_with_a_classroom_holds_classes_monthly(sessions):
    classrooms = Site.objects.filter(classroom_capacity__gt=0)
    assert classrooms.count() >= 10
    for site in classrooms:
        past = sessions.filter(site=site, start__lt=NOW, start__month=NOW.month - 1)
        assert past.exists(), f"{site.name} held no class in October"
    assert not Site.objects.filter(classroom_capacity=0, class_sessions__isnull=False).exists()


def check_upcoming_classes_have_free_places_and_some_are_full_with_a_waiting_list(sessions):
    upcoming = sessions.filter(status="published", start__gt=NOW)
    assert upcoming.count() >= 15
    with_room = [s for s in upcoming if s.confirmed < s.capacity]
    full = [s for s in upcoming if s.confirmed == s.capacity and s.waiting > 0]
    assert len(with_room) >= 10
    assert len(full) >= 3
    assert all(s.confirmed <= s.capacity for s in sessions)
    assert sessions.filter(status="draft", start__gt=NOW).exists()


def check_past_classes_wrote_training_person_times(sessions):
    past = sessions.filter(status="published", end__lt=NOW)
    assert past.count() >= 40
    attended = SignUp.objects.filter(session__in=past, checked_in_at__isnull=False)
    training = LedgerEntry.objects.filter(kind="training")
    assert training.count() == attended.count() > 300
    assert not training.filter(occurred_at__gte=NOW).exists()
    # Some who had a place gave it up and the first waiting moved up.
    assert SignUp.objects.filter(session__in=past, promoted_at__isnull=False).exists()
    assert SignUp.objects.filter(session__in=past, channel="walk_in").exists()


def check_most_classes_count_toward_level_2_and_a_few_are_marked(sessions):
    published = list(sessions.exclude(published_at=None))
    marked = [s for s in published if not s.counts_for_level2]
    assert 0 < len(marked) < len(published) / 3
    reasons = " ".join(r for s in marked for r in s.level2_reasons())
    assert "不少于 90 分钟" in reasons
    assert "提前至少 14 天发布" in reasons


def check_a_class_called_off_by_its_site_told_everyone_on_it():
    (called_off,) = ClassSession.objects.filter(status="cancelled")
    assert called_off.start > NOW
    told = Outbox.objects.filter(kind="class.cancelled")
    assert told.count() == called_off.signups.count() > 0
    assert all("授课老师临时有事" in m.body for m in told)
    assert {m.status for m in told} == {"sent"}
