"""The OpenAPI document: what an integrator generates a client from."""

from __future__ import annotations

import pytest


@pytest.fixture
def document(db, api_client) -> dict:
    response = api_client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


# Every operation and the error responses it declares.
OPERATIONS = {
    ("get", "/api/v1/regions"): {"404", "422"},
    ("get", "/api/v1/regions/{code}"): {"404"},
    ("get", "/api/v1/sites"): {"404", "422"},
    ("get", "/api/v1/sites/{public_id}"): {"404", "422"},
    ("get", "/api/v1/workspace/sites"): {"401", "403", "404", "422"},
    ("get", "/api/v1/workspace/sites/{public_id}"): {"401", "403", "404", "422"},
    ("put", "/api/v1/workspace/sites/{public_id}/hours"): {"400", "401", "403", "404", "422"},
    ("get", "/api/v1/workspace/me"): {"401"},
    ("post", "/api/v1/workspace/help-sessions"): {"201", "401", "403", "404", "422"},
    ("get", "/api/v1/workspace/help-sessions"): {"401", "403", "404", "422"},
    ("get", "/api/v1/workspace/ledger/counts"): {"401", "403", "404", "422"},
    ("get", "/api/v1/workspace/progress"): {"401", "403", "404", "422"},
    ("get", "/api/v1/workspace/sites/{public_id}/shifts"): {"401", "403", "404", "422"},
    ("post", "/api/v1/workspace/sites/{public_id}/shifts"): {"201", "401", "403", "404", "422"},
    ("get", "/api/v1/workspace/my-shifts"): {"401", "403", "422"},
    ("get", "/api/v1/classes"): {"404", "422"},
    ("get", "/api/v1/classes/{public_id}"): {"404", "422"},
    ("post", "/api/v1/workspace/classes/{public_id}/signups"): {"201", "401", "403", "404", "422"},
    ("get", "/api/v1/workspace/classes/{public_id}/signups"): {"401", "403", "404", "422"},
    ("post", "/api/v1/workspace/signups/{public_id}/cancel"): {"401", "403", "404", "422"},
    ("post", "/api/v1/workspace/classes/{public_id}/check-in"): {"401", "403", "404", "422"},
}


def test_it_names_the_api(document):
    assert document["info"]["title"] == "Huoban API"
    assert document["info"]["version"] == "1"
    assert document["openapi"].startswith("3.1")


def test_it_lists_every_operation_and_its_errors(document):
    found = {
        (method, path): set(op["responses"]) - {"200"}
        for path, ops in document["paths"].items()
        for method, op in ops.items()
    }

    assert found == OPERATIONS


def test_it_describes_errors_as_detail_text(document):
    schemas = document["components"]["schemas"]

    assert schemas["ErrorOut"]["properties"]["detail"]["type"] == "string"
    assert schemas["ErrorOut"]["required"] == ["detail"]
    assert schemas["ValidationErrorOut"]["properties"]["detail"]["type"] == "string"
    op = document["paths"]["/api/v1/workspace/sites"]["get"]
    for status in ("401", "403", "404"):
        ref = op["responses"][status]["content"]["application/json"]["schema"]["$ref"]
        assert ref == "#/components/schemas/ErrorOut"


def test_it_asks_for_a_bearer_token_only_on_the_workspace(document):
    schemes = document["components"]["securitySchemes"]
    assert schemes == {"ApiTokenAuth": {"type": "http", "scheme": "bearer"}}
    for path, ops in document["paths"].items():
        for op in ops.values():
            secured = op.get("security") == [{"ApiTokenAuth": []}]
            assert secured == path.startswith("/api/v1/workspace/"), path


def test_it_documents_the_coordinate_ranges(document):
    params = {p["name"]: p for p in document["paths"]["/api/v1/sites"]["get"]["parameters"]}

    lat = params["lat"]["schema"]["anyOf"][0]
    assert (lat["minimum"], lat["maximum"]) == (-90, 90)
    assert params["limit"]["schema"]["maximum"] == 100
    assert set(params) == {
        "district",
        "street",
        "service",
        "open_now",
        "lat",
        "lng",
        "limit",
        "offset",
    }


def test_it_serves_the_interactive_docs(db, api_client):
    response = api_client.get("/api/v1/docs")

    assert response.status_code == 200
    assert b"Huoban API" in response.content
