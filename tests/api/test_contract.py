"""The API keeps its contract: schemathesis against the app in process (WSGI, no server).

Every operation of the OpenAPI document is called with generated requests, valid and
invalid, public ones anonymously and workspace ones with the token of a persona who may use
them; then a stateful run follows the document's links from the list operations to the
operations that take their ids (sign-up, cancel, check-in, hours, shifts, help records).
Each response must be no server error, have a status the operation declares, the declared
content type, and a body that matches the declared schema.

The database is the ``world`` (three sites, one persona per role) plus what the operations
need to find: a class starting soon with a sign-up to check in, a full class with a waiting
list, elders, a help record and a shift. Time is frozen (``frozen``: Monday 23 November 2026,
10:30 in Shanghai) and Hypothesis is derandomized, so each run sends the same requests.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from huoban.accounts.models import ApiToken
from huoban.accounts.selectors import has_any_role
from huoban.accounts.services import api_token_revoke
from huoban.api.auth import ApiTokenAuth
from huoban.api.openapi import operation_id as id_of
from huoban.api.urls import api
from huoban.classes.services import session_create, session_publish, signup_create
from huoban.people.services import elder_create
from huoban.records.services import help_session_log
from huoban.roster.services import shift_create
from huoban.sites.models import Service
from tests.conftest import PERSONAS

pytestmark = pytest.mark.usefixtures("frozen")

PREFIX = "/api/v1/"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Only the checks above, the document's own links (no inferred ones), no scan of the app's
# source for constants: the run depends on the document and the data, nothing else.
CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 20261123,
        "generation": {"with-security-parameters": False},
        "phases": {"stateful": {"inference": {"algorithms": []}}},
        "analysis": {"constants": {"enabled": False}},
    }
)
BOUNDED = settings(
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.generate],
    print_blob=False,
)
FUZZ_EXAMPLES = 25
STATEFUL_STEPS = 10

# --- The document and who may call what ---------------------------------------------------

DOCUMENT = api.get_openapi_schema(path_prefix=PREFIX)
OPERATION_IDS = sorted(
    op["operationId"] for item in DOCUMENT["paths"].values() for op in item.values()
)


def _token_auth() -> dict[str, ApiTokenAuth | None]:
    """operationId → the bearer auth guarding it (None: public)."""
    found: dict[str, ApiTokenAuth | None] = {}
    for _prefix, router, *_rest in api._router_registrations:
        for path_view in router.path_operations.values():
            for op in path_view.operations:
                guards = [
                    c for c in [*op.auth_callbacks, router.auth] if isinstance(c, ApiTokenAuth)
                ]
                found[id_of(op.view_func)] = guards[0] if guards else None
    return found


AUTH = _token_auth()


def personas_for(operation_id: str, world: Any) -> list[str | None]:
    """Who may call the operation: nobody needed (None) when it is public, else every persona
    holding one of its roles (every persona when it asks for none)."""
    auth = AUTH[operation_id]
    if auth is None:
        return [None]
    return [
        p for p in PERSONAS if auth.roles is None or has_any_role(world.personas[p], auth.roles)
    ]


# --- The app in process --------------------------------------------------------------------


@pytest.fixture(scope="module")
def app() -> Any:
    return get_wsgi_application()


@pytest.fixture
def schema(app: Any, db: Any) -> Iterator[Any]:
    """The served document, loaded by schemathesis, calling the WSGI app in this thread.

    Django closes the database connection at the end of each request unless it is a test
    client's: here that would end the test's transaction, so it is kept open as the test
    client keeps it."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi(f"{PREFIX}openapi.json", app, config=CONFIG)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


# --- The data ------------------------------------------------------------------------------


@dataclass
class Data:
    """Real values a request can name, by kind."""

    now: dt.datetime  # local time
    values: dict[str, list[Any]]
    tokens: dict[str, str]

    def at(self, *, days: int, hour: int) -> dt.datetime:
        return (self.now + dt.timedelta(days=days)).replace(hour=hour, minute=0, second=0)

    def headers(self, persona: str | None) -> dict[str, str] | None:
        return {"Authorization": f"Bearer {self.tokens[persona]}"} if persona else None


@pytest.fixture
def data(world: Any, frozen: dt.datetime, token_for: Callable[[str], str]) -> Data:
    manager, volunteer = world.personas["site_manager"], world.personas["volunteer"]
    now = timezone.localtime(frozen)
    world.site_a.classroom_capacity = 30
    world.site_a.save()
    elders = [
        elder_create(actor=manager, site=world.site_a, name=name, consent=True)
        for name in ("甲阿姨", "乙伯伯", "丙阿姨")
    ]
    # Starting in half an hour (sign-up still open, check-in already open), and in a week
    # with one place, taken, and one elder waiting.
    soon = session_create(
        actor=manager,
        site=world.site_a,
        title="智能手机入门",
        start=now + dt.timedelta(minutes=30),
        end=now + dt.timedelta(minutes=120),
        capacity=2,
    )
    next_week = now.replace(hour=14, minute=0) + dt.timedelta(days=7)
    full = session_create(
        actor=manager,
        site=world.site_a,
        title="防范电信诈骗",
        start=next_week,
        end=next_week + dt.timedelta(minutes=90),
        capacity=1,
    )
    for session in (soon, full):
        session_publish(actor=manager, session=session)
    signups = [
        signup_create(actor=manager, session=soon, elder=elders[0]),
        signup_create(actor=manager, session=full, elder=elders[0]),
        signup_create(actor=manager, session=full, elder=elders[1]),
    ]
    medical = Service.objects.get(code="medical")
    help_session_log(actor=volunteer, site=world.site_a, scenarios=[medical], elder=elders[0])
    # Tomorrow afternoon: the morning the document's examples name stays free for anyone the
    # links pick, whichever order the people come in.
    tomorrow_13 = now.replace(hour=13, minute=0) + dt.timedelta(days=1)
    shift_create(
        actor=manager,
        site=world.site_a,
        person=volunteer,
        start=tomorrow_13,
        end=tomorrow_13 + dt.timedelta(hours=3),
    )
    regions = (world.city, world.putuo, world.caoyang, world.changfeng, world.jingan)
    values = {
        "site": [str(s.public_id) for s in (world.site_a, world.site_b, world.site_c)],
        "class": [str(s.public_id) for s in (soon, full)],
        "signup": [str(s.public_id) for s in signups],
        "signup_code": [s.code for s in signups],
        "elder": [str(e.public_id) for e in elders],
        "person": [str(volunteer.public_id), str(manager.public_id)],
        "region": [r.code for r in regions],
        "district": [world.putuo.code, world.jingan.code],
        "street": [world.caoyang.code, world.changfeng.code],
        "scenarios": [["medical"], ["pay_bills", "show_code"]],
    }
    return Data(now, values, {p: token_for(p) for p in PERSONAS})


# Which kind of real value each parameter names.
PATH_KINDS = {
    f"{PREFIX}sites/": "site",
    f"{PREFIX}workspace/sites/": "site",
    f"{PREFIX}classes/": "class",
    f"{PREFIX}workspace/classes/": "class",
    f"{PREFIX}workspace/signups/": "signup",
}
QUERY_KINDS = {
    "site": "site",
    "district": "district",
    "street": "street",
    "region": "region",
    "parent": "region",
}
BODY_KINDS = {
    "site": "site",
    "elder": "elder",
    "person": "person",
    "code": "signup_code",
    "scenarios": "scenarios",
}


def with_real_values(case: Case, data: Data, pick: Callable[[list[Any]], Any]) -> Case:
    """The case with some of its generated ids replaced by real ones (``pick`` chooses among
    the generated value and the real ones), so that requests reach real objects."""
    path = case.path_parameters
    kind = next((k for p, k in PATH_KINDS.items() if case.operation.path.startswith(p)), None)
    if "public_id" in path and kind:
        path["public_id"] = pick([path["public_id"], *data.values[kind]])
    if "code" in path:
        path["code"] = pick([path["code"], *data.values["region"]])
    for name, kind in QUERY_KINDS.items():
        if name in case.query:
            case.query[name] = pick([case.query[name], *data.values[kind]])
    if isinstance(case.body, dict):
        for name, kind in BODY_KINDS.items():
            if name in case.body:
                case.body[name] = pick([case.body[name], *data.values[kind]])
    return case


def with_real_body(case: Case, data: Data, pick: Callable[[list[Any]], Any]) -> Case:
    """The case with the ids in its body replaced by real ones and, where it has a start and
    an end, a free slot tomorrow morning (the path is left as the link gave it)."""
    body = case.body
    for name, kind in BODY_KINDS.items():
        if name in body:
            body[name] = pick(data.values[kind])
    if "start" in body and "end" in body:
        body["start"] = data.at(days=1, hour=9).isoformat()
        body["end"] = data.at(days=1, hour=12).isoformat()
    return case


def is_positive(case: Case) -> bool:
    return case.meta is None or case.meta.generation.mode == GenerationMode.POSITIVE


@contextmanager
def undone() -> Iterator[None]:
    """Whatever the requests inside change is rolled back at the end: each generated example
    starts from the same data, so a failure replays (and shrinks) the same way."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def call(case: Case, data: Data, persona: str | None) -> int:
    """Send the case as ``persona`` (anonymously for None) and check the response."""
    response = case.call_and_validate(headers=data.headers(persona), checks=CHECKS)
    return response.status_code


# --- Every operation, generated requests ---------------------------------------------------


@pytest.mark.parametrize("operation_id", OPERATION_IDS)
def test_it_keeps_the_contract_of_each_operation(schema, data, world, operation_id):
    """The coverage phase (boundary and invalid values of each parameter, deterministic)
    then generated valid and invalid requests, valid ones often with real ids."""
    operation = schema.find_operation_by_id(operation_id)
    personas = personas_for(operation_id, world)
    assert personas, f"no persona may call {operation_id}"
    statuses: Counter[int] = Counter()

    generation = schema.config.generation_for(operation=operation, phase="coverage")
    coverage = schema.iter_coverage_cases(
        operation, generation_modes=list(GenerationMode), generation_config=generation
    )
    for i, case in enumerate(coverage):
        if is_positive(case):
            with_real_values(case, data, lambda options, i=i: options[i % len(options)])
        with undone():
            statuses[call(case, data, personas[i % len(personas)])] += 1

    generated = st.one_of(
        operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    )

    @settings(BOUNDED, max_examples=FUZZ_EXAMPLES)
    @given(st.data())
    def fuzz(draw: st.DataObject) -> None:
        case = draw.draw(generated, label="case")
        if is_positive(case):
            with_real_values(case, data, lambda options: draw.draw(st.sampled_from(options)))
        persona = draw.draw(st.sampled_from(personas), label="persona")
        with undone():
            statuses[call(case, data, persona)] += 1

    fuzz()
    # Every response above was checked. Some must have got past the door (a success, or the
    # operation's own refusal), or the run only ever met 401, 404 and 405. That each
    # operation also succeeds is test_it_exercised_every_operation's.
    past_the_door = [s for s in statuses if s < 300 or s in (409, 422)]
    assert past_the_door, (operation_id, sorted(statuses.items()))


# --- Every operation, as every persona ------------------------------------------------------

# One valid request per operation, naming real objects: (path parameters, query, body).
KNOWN_GOOD: dict[str, Callable[[Data], tuple[dict, dict, Any]]] = {
    "huoban_api_public_region_list": lambda d: ({}, {"level": "street"}, None),
    "huoban_api_public_region_detail": lambda d: ({"code": d.values["street"][0]}, {}, None),
    "huoban_api_public_site_list": lambda d: ({}, {"lat": 31.24, "lng": 121.41}, None),
    "huoban_api_public_site_detail": lambda d: ({"public_id": d.values["site"][0]}, {}, None),
    "huoban_api_classes_class_list": lambda d: ({}, {"street": d.values["street"][0]}, None),
    "huoban_api_classes_class_detail": lambda d: ({"public_id": d.values["class"][0]}, {}, None),
    "huoban_api_workspace_me": lambda d: ({}, {}, None),
    "huoban_api_workspace_site_list": lambda d: ({}, {"status": "active"}, None),
    "huoban_api_workspace_site_detail": lambda d: ({"public_id": d.values["site"][0]}, {}, None),
    "huoban_api_workspace_site_hours_set": lambda d: (
        {"public_id": d.values["site"][0]},
        {},
        [{"weekday": day, "start": "09:00", "end": "12:00"} for day in range(5)],
    ),
    "huoban_api_records_help_session_create": lambda d: (
        {},
        {},
        {"site": d.values["site"][0], "scenarios": ["medical"], "elder": d.values["elder"][1]},
    ),
    "huoban_api_records_help_session_list": lambda d: ({}, {"site": d.values["site"][0]}, None),
    "huoban_api_records_ledger_count": lambda d: ({}, {"region": d.values["street"][0]}, None),
    "huoban_api_targets_progress": lambda d: ({}, {"year": d.now.year}, None),
    "huoban_api_roster_site_week": lambda d: ({"public_id": d.values["site"][0]}, {}, None),
    "huoban_api_roster_site_shift_create": lambda d: (
        {"public_id": d.values["site"][0]},
        {},
        {
            "person": d.values["person"][0],
            "start": d.at(days=2, hour=13).isoformat(),
            "end": d.at(days=2, hour=17).isoformat(),
        },
    ),
    "huoban_api_roster_my_shift_list": lambda d: ({}, {"days": 7}, None),
    "huoban_api_classes_signup_add": lambda d: (
        {"public_id": d.values["class"][1]},
        {},
        {"elder": d.values["elder"][2]},
    ),
    "huoban_api_classes_signup_list": lambda d: ({"public_id": d.values["class"][0]}, {}, None),
    "huoban_api_classes_signup_remove": lambda d: ({"public_id": d.values["signup"][2]}, {}, None),
    "huoban_api_classes_check_in": lambda d: (
        {"public_id": d.values["class"][0]},
        {},
        {"code": d.values["signup_code"][0]},
    ),
}


def known_good(schema: Any, data: Data, operation_id: str) -> Case:
    path, query, body = KNOWN_GOOD[operation_id](data)
    operation = schema.find_operation_by_id(operation_id)
    return operation.Case(
        path_parameters=path, query=query, **({} if body is None else {"body": body})
    )


def test_it_exercised_every_operation(schema, data, world):
    """Every operation of the served document is called with real objects, by a persona who
    may use it, and succeeds: the operation ids hit are those of the document. An operation
    added without a way to exercise it fails here (add it to KNOWN_GOOD, and links to it)."""
    served = {schema.get_operation_id(result.ok()) for result in schema.get_all_operations()}
    hit: dict[str, int] = {}
    for operation_id in sorted(served & set(KNOWN_GOOD)):
        case = known_good(schema, data, operation_id)
        with undone():
            status = call(case, data, personas_for(operation_id, world)[-1])
        hit[schema.get_operation_id(case.operation)] = status

    assert set(hit) == served == set(OPERATION_IDS), "operations never exercised"
    assert {operation: status for operation, status in hit.items() if status >= 300} == {}


@pytest.mark.parametrize("persona", [*PERSONAS, "no token", "revoked token"])
def test_it_answers_every_persona_as_declared(schema, data, world, persona):
    """The same valid requests as each persona (and without a token, and with a revoked
    one): 2xx, 401, 403 or 404 as the roles and scopes say, each as documented."""
    if persona == "revoked token":
        admin = world.personas["city_admin"]
        for token in ApiToken.objects.filter(user=admin):
            api_token_revoke(actor=admin, token=token)
        data.tokens[persona] = data.tokens["city_admin"]
    for operation_id in OPERATION_IDS:
        case = known_good(schema, data, operation_id)
        public = AUTH[operation_id] is None
        with undone():
            status = call(case, data, None if public or persona == "no token" else persona)
        if not public and persona in ("no token", "revoked token"):
            assert status == 401, operation_id
        elif not public and persona not in personas_for(operation_id, world):
            assert status == 403, operation_id
        elif public or persona == "city_admin":  # the whole city is in scope
            assert status < 300, operation_id


# --- Linked calls ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Flow:
    """A stateful run of ``scenarios`` sequences: over these operations (all when empty), as
    this persona; in a flow each operation is called, and these (operation, status) must be
    reached, not only answered with 404."""

    persona: str
    scenarios: int
    operations: tuple[str, ...] = ()
    must_reach: frozenset[tuple[str, int]] = frozenset()


FLOWS = {
    "the whole API": Flow("district_admin", 30),
    "sign-up, cancel and check-in": Flow(
        "volunteer",
        50,
        (
            "huoban_api_classes_class_list",
            "huoban_api_classes_class_detail",
            "huoban_api_classes_signup_list",
            "huoban_api_classes_signup_add",
            "huoban_api_classes_signup_remove",
            "huoban_api_classes_check_in",
        ),
        frozenset(
            {
                ("huoban_api_classes_signup_add", 201),
                ("huoban_api_classes_signup_remove", 200),
                ("huoban_api_classes_check_in", 200),
            }
        ),
    ),
    "hours and shifts": Flow(
        "site_manager",
        50,
        (
            "huoban_api_workspace_me",
            "huoban_api_workspace_site_list",
            "huoban_api_workspace_site_detail",
            "huoban_api_workspace_site_hours_set",
            "huoban_api_roster_site_week",
            "huoban_api_roster_site_shift_create",
            "huoban_api_roster_my_shift_list",
        ),
        frozenset(
            {
                ("huoban_api_workspace_site_hours_set", 200),
                ("huoban_api_roster_site_shift_create", 201),
            }
        ),
    ),
    "help records and person-times": Flow(
        "street_admin",
        50,
        (
            "huoban_api_public_site_list",
            "huoban_api_public_site_detail",
            "huoban_api_public_region_list",
            "huoban_api_public_region_detail",
            "huoban_api_workspace_site_list",
            "huoban_api_workspace_site_detail",
            "huoban_api_records_help_session_list",
            "huoban_api_records_help_session_create",
            "huoban_api_records_ledger_count",
            "huoban_api_targets_progress",
        ),
        frozenset({("huoban_api_records_help_session_create", 201)}),
    ),
}


@pytest.mark.parametrize("name", list(FLOWS))
def test_it_keeps_the_contract_through_linked_calls(schema, data, name):
    """Schemathesis's stateful phase: sequences of calls, each taking ids from an earlier
    response by the document's links (the timetable → a class's sign-ups → check-in, cancel,
    sign-up again; sites → hours, shifts and help records), every response checked. Once over
    the whole API, and once over each flow's operations, where it must get as far as a
    sign-up, a check-in, a shift.

    A sequence starts at a list (or a create). Generated filters seldom match anything, so
    every other first list is asked for everything in scope, and the others' filters name
    real regions and sites now and then: the lists have items for the links to take ids
    from. Ids reach sign-up, check-in, cancel, shifts and hours only through the links."""
    flow = FLOWS[name]
    scoped = schema.include(operation_id=list(flow.operations)) if flow.operations else schema
    reached: Counter[tuple[str, int]] = Counter()

    class Workflow(scoped.as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:
            # Each sequence starts from the same data (see ``undone``).
            self.savepoint = transaction.savepoint_create()
            self.lists: Counter[str] = Counter()
            self.bodies: Counter[str] = Counter()

        def teardown(self) -> None:
            transaction.savepoint_rollback(self.savepoint)
            super().teardown()

        def before_call(self, case: Case) -> None:
            first = self.recorder.find_parent(case_id=case.id) is None
            if first and case.method == "GET" and is_positive(case):
                self.lists[case.operation.label] += 1
                turn = self.lists[case.operation.label]
                if turn % 2:
                    case.query = {}  # the whole list in scope
                else:
                    with_real_values(case, data, lambda options: options[turn % len(options)])
            elif not first and isinstance(case.body, dict) and is_positive(case):
                # A call after a link: its ids in the path came from the link. Generated
                # bodies seldom name a real person or elder, or a time in 2000–2099, so
                # every other one is given real ones (and a free slot tomorrow morning).
                self.bodies[case.operation.label] += 1
                turn = self.bodies[case.operation.label]
                if turn % 2:
                    with_real_body(case, data, lambda options: options[turn % len(options)])

        def get_call_kwargs(self, case: Case) -> dict[str, Any]:
            return {"headers": data.headers(flow.persona)}

        def after_call(self, response: Any, case: Case) -> None:
            super().after_call(response, case)
            reached[schema.get_operation_id(case.operation), response.status_code] += 1

        def validate_response(self, response: Any, case: Case, *args: Any, **kwargs: Any) -> None:
            case.validate_response(
                response, checks=CHECKS, transport_kwargs=kwargs, recorder=self.recorder
            )

    Workflow.run(
        settings=settings(BOUNDED, max_examples=flow.scenarios, stateful_step_count=STATEFUL_STEPS)
    )
    if flow.operations:
        called = {operation for operation, _status in reached}
        assert called == set(flow.operations), "operations the flow never called"
        assert set(reached) >= flow.must_reach, sorted(reached)


def test_it_has_a_flow_for_every_operation():
    """Each operation is in a flow that must call it, beside the run over the whole API."""
    in_flows = {operation for flow in FLOWS.values() for operation in flow.operations}
    assert in_flows == set(OPERATION_IDS)
