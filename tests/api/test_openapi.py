"""The OpenAPI document: what an integrator generates a client from."""

from __future__ import annotations

import pytest


@pytest.fixture
def document(db, api_client) -> dict:
    response = api_client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


# Every operation and the error responses it declares: 400 where a body that is not JSON can
# be sent, 422 wherever a parameter or body can break a rule (the contract test checks that
# nothing else is ever answered).
OPERATIONS = {
    ("get", "/api/v1/regions"): {"404", "422"},
    ("get", "/api/v1/regions/{code}"): {"404", "422"},
    ("get", "/api/v1/sites"): {"404", "422"},
    ("get", "/api/v1/sites/{public_id}"): {"404", "422"},
    ("get", "/api/v1/workspace/sites"): {"401", "403", "404", "422"},
    ("get", "/api/v1/workspace/sites/{public_id}"): {"401", "403", "404", "422"},
    ("put", "/api/v1/workspace/sites/{public_id}/hours"): {"400", "401", "403", "404", "422"},
    ("get", "/api/v1/workspace/me"): {"401"},
    ("post", "/api/v1/workspace/help-sessions"): {"201", "400", "401", "403", "404", "422"},
    ("get", "/api/v1/workspace/help-sessions"): {"401", "403", "404", "422"},
    ("get", "/api/v1/workspace/ledger/counts"): {"401", "403", "404", "422"},
    ("get", "/api/v1/workspace/progress"): {"401", "403", "404", "422"},
    ("get", "/api/v1/workspace/sites/{public_id}/shifts"): {"401", "403", "404", "422"},
    ("post", "/api/v1/workspace/sites/{public_id}/shifts"): {
        "201",
        "400",
        "401",
        "403",
        "404",
        "422",
    },
    ("get", "/api/v1/workspace/my-shifts"): {"401", "403", "422"},
    ("get", "/api/v1/classes"): {"404", "422"},
    ("get", "/api/v1/classes/{public_id}"): {"404", "422"},
    ("post", "/api/v1/workspace/classes/{public_id}/signups"): {
        "201",
        "400",
        "401",
        "403",
        "404",
        "422",
    },
    ("get", "/api/v1/workspace/classes/{public_id}/signups"): {"401", "403", "404", "422"},
    ("post", "/api/v1/workspace/signups/{public_id}/cancel"): {"401", "403", "404", "422"},
    ("post", "/api/v1/workspace/classes/{public_id}/check-in"): {"400", "401", "403", "404", "422"},
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


def test_it_names_every_schema_once(document):
    """Two different classes with one name would leave one of them out of the document, and
    a response would then fail its own schema: the document refuses to build instead."""
    from django.core.exceptions import ImproperlyConfigured
    from ninja import Router, Schema

    from huoban.api.urls import HuobanAPI

    class PlaceOut(Schema):
        name: str

    first = PlaceOut

    class PlaceOut(Schema):  # type: ignore[no-redef]  # another class, the same name
        code: int

    router = Router()

    @router.get("/a", response=first)
    def one(request):
        return {}

    @router.get("/b", response=PlaceOut)
    def other(request):
        return {}

    clashing = HuobanAPI(urls_namespace="clash")
    clashing.add_router("/", router)

    with pytest.raises(ImproperlyConfigured, match="PlaceOut"):
        clashing.get_openapi_schema(path_prefix="/")
    assert {"OpeningDayOut", "CoverageDayOut"} <= set(document["components"]["schemas"])


def _text_inputs(document):
    """Every string a client can send: parameters and request-body properties."""
    schemas = document["components"]["schemas"]

    def strings(schema, where):
        if "$ref" in schema:
            yield from strings(schemas[schema["$ref"].split("/")[-1]], where)
        for option in schema.get("anyOf", []):
            yield from strings(option, where)
        if schema.get("type") == "string" and "format" not in schema and "enum" not in schema:
            yield where, schema
        if schema.get("type") == "array":
            yield from strings(schema["items"], f"{where}[]")
        for name, prop in schema.get("properties", {}).items():
            yield from strings(prop, f"{where}.{name}")

    for path, ops in document["paths"].items():
        for method, op in ops.items():
            for param in op["parameters"]:
                yield from strings(param["schema"], f"{method} {path} {param['name']}")
            body = op.get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                yield from strings(body["schema"], f"{method} {path} body")


def test_it_states_the_rules_of_every_text_input(document):
    """No text input accepts a NUL (a database cannot keep it); the few with a format say so."""
    unruled = [where for where, schema in _text_inputs(document) if "pattern" not in schema]

    assert unruled == []
    patterns = {schema["pattern"] for _where, schema in _text_inputs(document)}
    assert patterns == {
        "^[^\\x00]*$",
        "^([01][0-9]|2[0-3]):[0-5][0-9]$",
        "^(help|training|both)$",
    }


def test_it_bounds_every_integer_input(document):
    def integers(schema):
        if schema.get("type") == "integer":
            yield schema
        for option in schema.get("anyOf", []):
            yield from integers(option)

    bounds = [
        (op["operationId"], p["name"], s.get("minimum"), s.get("maximum"))
        for ops in document["paths"].values()
        for op in ops.values()
        for p in op["parameters"]
        for s in integers(p["schema"])
    ]

    assert bounds and all(low is not None and high is not None for *_name, low, high in bounds)
    assert max(high for *_name, _low, high in bounds) < 2**63


def test_it_links_the_timetable_to_sign_up_and_check_in(document):
    """Links say where an operation's ids can be used next (the contract test follows them)."""
    responses = document["paths"]["/api/v1/classes"]["get"]["responses"]
    links = responses["200"]["links"]

    assert links["signup_add"] == {
        "operationId": "huoban_api_classes_signup_add",
        "description": "为最早的一节课报名（工作台）",
        "parameters": {"path.public_id": "$response.body#/items/0/public_id"},
    }
    signed_up = document["paths"]["/api/v1/workspace/classes/{public_id}/signups"]["post"]
    assert signed_up["responses"]["201"]["links"]["check_in"]["requestBody"] == {
        "code": "$response.body#/code"
    }
    linked = {
        link["operationId"]
        for ops in document["paths"].values()
        for op in ops.values()
        for response in op["responses"].values()
        for link in response.get("links", {}).values()
    }
    everything = {op["operationId"] for ops in document["paths"].values() for op in ops.values()}
    # Every operation is reached by a link from another, except where one starts.
    assert everything - linked == {
        "huoban_api_public_site_list",
        "huoban_api_workspace_site_list",
        "huoban_api_workspace_me",
    }
