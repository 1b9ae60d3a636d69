"""The demo as a visitor finds it: loaded once (it takes seconds), then each capability's
checks as a subtest of one test, each in a savepoint rolled back after it."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction

from tests.conftest import NOW, module_transaction
from tests.demo import classes, load_demo, roster, volunteers


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker) -> Iterator[str]:
    """What ``load_demo`` printed; its rows stay until the module's last test."""
    with module_transaction(django_db_blocker):
        output = io.StringIO()
        with time_machine.travel(NOW, tick=False):
            call_command("load_demo", stdout=output)
        yield output.getvalue()


def test_the_demo_has_each_capabilitys_data(db, demo, subtests):
    checks: dict[str, Callable[[], None]] = {
        "records, targets and budgets": load_demo.check_the_demo_loads_records_targets_and_budgets,
        "a term of classes": lambda: classes.check_the_demo_has_a_term_of_classes(demo),
        "rosters with a few gaps": lambda: roster.check_the_demo_loads_rosters_with_a_few_gaps(
            demo
        ),
        "volunteers of each kind": lambda: volunteers.check_the_demo_loads_volunteers_of_each_kind(
            demo
        ),
    }
    for name, check in checks.items():
        with subtests.test(name), transaction.atomic():
            check()
            transaction.set_rollback(True)
