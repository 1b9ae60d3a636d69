"""Every workspace endpoint × every persona × every target site, written out.

site_a is in 曹杨 (普陀区), where the volunteer and site manager work and the street admin
rules; site_b is in 长风, another street of 普陀区; site_c is in 静安区. A role that may not
use the endpoint at all is 403; a site outside the persona's scope is 404.
"""

from __future__ import annotations

import pytest

from tests.conftest import PERSONAS

A, B, C = "site_a", "site_b", "site_c"
REFUSED = 403

# fmt: off
#                     GET /sites/{id}    PUT /sites/{id}/hours  GET /sites  GET /me
#                      a    b    c        a    b    c           lists
TABLE = {
    "elder":          ((403, 403, 403), (403, 403, 403), REFUSED, 200),
    "family":         ((403, 403, 403), (403, 403, 403), REFUSED, 200),
    "volunteer":      ((200, 404, 404), (403, 403, 403), {A}, 200),
    "site_manager":   ((200, 404, 404), (200, 404, 404), {A}, 200),
    "street_admin":   ((200, 404, 404), (200, 404, 404), {A}, 200),
    "district_admin": ((200, 200, 404), (200, 200, 404), {A, B}, 200),
    "city_admin":     ((200, 200, 200), (200, 200, 200), {A, B, C}, 200),
    "reviewer":       ((403, 403, 403), (403, 403, 403), REFUSED, 200),
    "vendor":         ((403, 403, 403), (403, 403, 403), REFUSED, 200),
    "outsider":       ((403, 403, 403), (403, 403, 403), REFUSED, 200),
}
# fmt: on

NEW_HOURS = [{"weekday": 5, "start": "09:30", "end": "11:30"}]


def test_it_covers_every_persona():
    assert list(TABLE) == PERSONAS


def per_site(column: int) -> list[tuple[str, str, int]]:
    return [
        (persona, site, row[column][i])
        for persona, row in TABLE.items()
        for i, site in enumerate((A, B, C))
    ]


@pytest.mark.parametrize(("persona", "target", "expected"), per_site(0))
def test_it_guards_reading_a_site(world, client_with_token, persona, target, expected):
    site = getattr(world, target)

    response = client_with_token(persona).get(f"/api/v1/workspace/sites/{site.public_id}")

    assert response.status_code == expected
    if expected == 200:
        assert response.json()["public_id"] == str(site.public_id)
    else:
        assert response.json()["detail"]


@pytest.mark.parametrize(("persona", "target", "expected"), per_site(1))
def test_it_guards_setting_hours(world, client_with_token, persona, target, expected):
    site = getattr(world, target)

    response = client_with_token(persona).put(
        f"/api/v1/workspace/sites/{site.public_id}/hours",
        NEW_HOURS,
        content_type="application/json",
    )

    assert response.status_code == expected
    saturday = list(site.desk_periods.filter(weekday=5).values_list("start", flat=True))
    if expected == 200:
        assert site.desk_periods.count() == 1
        assert [f"{t:%H:%M}" for t in saturday] == ["09:30"]
    else:
        assert site.desk_periods.count() == 10
        assert saturday == []


@pytest.mark.parametrize(("persona", "expected"), [(p, row[2]) for p, row in TABLE.items()])
def test_it_guards_the_site_list(world, client_with_token, persona, expected):
    response = client_with_token(persona).get("/api/v1/workspace/sites")

    if expected == REFUSED:
        assert response.status_code == 403
        assert response.json() == {"detail": "您的账号没有查看站点的权限。"}
    else:
        assert response.status_code == 200
        listed = {item["public_id"] for item in response.json()["items"]}
        assert listed == {str(getattr(world, s).public_id) for s in expected}
        assert response.json()["count"] == len(expected)


@pytest.mark.parametrize(("persona", "expected"), [(p, row[3]) for p, row in TABLE.items()])
def test_it_lets_every_token_holder_see_themselves(world, client_with_token, persona, expected):
    response = client_with_token(persona).get("/api/v1/workspace/me")

    assert response.status_code == expected
    assert response.json()["name"] == persona


def test_it_checks_the_role_before_reading_the_request(world, client_with_token):
    """A volunteer learns nothing from a malformed request: 403, not 422 or 404."""
    response = client_with_token("volunteer").put(
        "/api/v1/workspace/sites/not-a-site/hours", {"x": 1}, content_type="application/json"
    )

    assert response.status_code == 403
    assert response.json() == {"detail": "您的账号没有修改站点的权限。"}
