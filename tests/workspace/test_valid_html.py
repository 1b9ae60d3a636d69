"""The staff pages are valid HTML by the W3C Nu HTML checker (ACCESSIBILITY.md): no errors.

The pages are rendered by the test client (no browser needed) for the personas who use
them, each with the world's data and a class at site_a so that the class pages have rows.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from huoban.classes.services import session_create, session_publish
from tests.checkers import VNU, need, nu_errors
from tests.conftest import NOW

# An outside checker: run once per suite, on one database (docs/testing.md).
pytestmark = pytest.mark.checkers

# persona → pages (URL names, with the keyword arguments a page needs)
PAGES = {
    "site_manager": [
        ("home", {}),
        ("site_list", {}),
        ("site_detail", {"site": True}),
        ("site_hours", {"site": True}),
        ("record_list", {}),
        ("record_log", {}),
        ("elder_list", {}),
        ("elder_create", {}),
        ("class_list", {}),
        ("class_create", {}),
        ("class_detail", {"session": True}),
        ("class_roster", {"session": True}),
        ("class_code", {"session": True}),
        ("course_list", {}),
        ("course_create", {}),
        ("roster_list", {}),
        ("roster_week", {"site": True}),
        ("roster_shift_add", {"site": True}),
        ("evaluation_overview", {}),
        ("volunteer_list", {}),
    ],
    "volunteer": [("my_shifts", {}), ("volunteer_me", {}), ("record_log", {})],
    "district_admin": [
        ("progress", {}),
        ("dashboard", {}),
        ("budget_list", {}),
        ("review_queue", {}),
    ],
    "city_admin": [("organisation_list", {}), ("people", {})],
}


@pytest.fixture
def session(world):
    world.site_a.classroom_capacity = 30
    world.site_a.save()
    manager = world.personas["site_manager"]
    start = NOW + dt.timedelta(days=20)
    made = session_create(
        actor=manager,
        site=world.site_a,
        title="智能手机入门",
        start=start,
        end=start + dt.timedelta(minutes=90),
        capacity=20,
        now=NOW,
    )
    session_publish(actor=manager, session=made, now=NOW)
    return made


def _url(name: str, needs: dict, world, session) -> str:
    kwargs = {}
    if needs.get("site"):
        kwargs["public_id"] = world.site_a.public_id
    if needs.get("session"):
        kwargs["public_id"] = session.public_id
    return reverse(f"workspace:{name}", kwargs=kwargs)


def test_the_staff_pages_are_valid_html(world, client_for, session, tmp_path):
    need(VNU, "java")
    files = []
    for persona, pages in PAGES.items():
        client = client_for(persona)
        for name, needs in pages:
            url = _url(name, needs, world, session)
            response = client.get(url)
            assert response.status_code == 200, (persona, url, response.status_code)
            path = tmp_path / f"{persona}-{name}.html"
            path.write_bytes(response.content)
            files.append(path)
    errors = nu_errors(files)
    assert len(files) == sum(len(pages) for pages in PAGES.values())
    assert not errors, "the Nu HTML checker found:\n" + "\n".join(errors)
