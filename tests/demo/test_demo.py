"""The demo as a visitor finds it: loaded once for this module (it takes seconds), then
each capability's checks, each test in a savepoint of its own."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
import time_machine
from django.core.management import call_command

from tests.conftest import NOW, module_transaction
from tests.demo import classes, load_demo, roster, volunteers

# Every test of this module on one xdist worker, so the demo is loaded once.
pytestmark = pytest.mark.xdist_group("demo")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker) -> Iterator[str]:
    """What ``load_demo`` printed; its rows stay until the module's last test."""
    with module_transaction(django_db_blocker):
        output = io.StringIO()
        with time_machine.travel(NOW, tick=False):
            call_command("load_demo", stdout=output)
        yield output.getvalue()


def test_the_demo_loads_records_targets_and_budgets(db, demo):
    load_demo.check_the_demo_loads_records_targets_and_budgets()


def test_the_demo_has_a_term_of_classes(db, demo):
    classes.check_the_demo_has_a_term_of_classes(demo)


def test_the_demo_loads_rosters_with_a_few_gaps(db, demo):
    roster.check_the_demo_loads_rosters_with_a_few_gaps(demo)


def test_the_demo_loads_volunteers_of_each_kind(db, demo):
    volunteers.check_the_demo_loads_volunteers_of_each_kind(demo)
