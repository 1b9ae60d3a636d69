"""Who may open which workspace page, for every page and every persona.

Allowed → 200, no role for the page → 403, the object outside the persona's scope → 404,
signed out → 302 to the sign-in page. A new URL in ``workspace.urls`` fails
``test_it_covers_every_workspace_url`` until it has rows here.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from huoban.accounts.models import Membership, Role
from huoban.budget.models import Expense
from huoban.people.services import elder_create
from huoban.records.models import Flag, ImportBatch
from huoban.records.services import help_session_log
from huoban.sites.models import DeskException, Organisation, Service
from huoban.workspace import urls as workspace_urls
from tests.conftest import PERSONAS, make_uscc, region, site_in

ANONYMOUS = "anonymous"
COLUMNS = [*PERSONAS, ANONYMOUS]
assert COLUMNS == [
    "elder",
    "family",
    "volunteer",
    "site_manager",
    "street_admin",
    "district_admin",
    "city_admin",
    "reviewer",
    "vendor",
    "outsider",
    ANONYMOUS,
]

# (url name, target)       elder fam  vol  mgr  street dist city rev  vend out  anon
TABLE = [
    ("home", None, (403, 403, 200, 200, 200, 200, 200, 200, 200, 403, 302)),
    ("site_list", None, (403, 403, 200, 200, 200, 200, 200, 403, 403, 403, 302)),
    ("site_create", None, (403, 403, 403, 403, 200, 200, 200, 403, 403, 403, 302)),
    ("site_detail", "site_a", (403, 403, 200, 200, 200, 200, 200, 403, 403, 403, 302)),
    ("site_detail", "site_b", (403, 403, 404, 404, 404, 200, 200, 403, 403, 403, 302)),
    ("site_detail", "site_c", (403, 403, 404, 404, 404, 404, 200, 403, 403, 403, 302)),
    ("site_edit", "site_a", (403, 403, 403, 200, 200, 200, 200, 403, 403, 403, 302)),
    ("site_edit", "site_b", (403, 403, 403, 404, 404, 200, 200, 403, 403, 403, 302)),
    ("site_edit", "site_c", (403, 403, 403, 404, 404, 404, 200, 403, 403, 403, 302)),
    ("site_hours", "site_a", (403, 403, 403, 200, 200, 200, 200, 403, 403, 403, 302)),
    ("site_hours", "site_b", (403, 403, 403, 404, 404, 200, 200, 403, 403, 403, 302)),
    ("site_hours", "site_c", (403, 403, 403, 404, 404, 404, 200, 403, 403, 403, 302)),
    ("site_exceptions", "site_a", (403, 403, 403, 200, 200, 200, 200, 403, 403, 403, 302)),
    ("site_exceptions", "site_b", (403, 403, 403, 404, 404, 200, 200, 403, 403, 403, 302)),
    ("site_exceptions", "site_c", (403, 403, 403, 404, 404, 404, 200, 403, 403, 403, 302)),
    (
        "site_exception_delete",
        "exception_a",
        (403, 403, 403, 200, 200, 200, 200, 403, 403, 403, 302),
    ),
    (
        "site_exception_delete",
        "exception_b",
        (403, 403, 403, 404, 404, 200, 200, 403, 403, 403, 302),
    ),
    (
        "site_exception_delete",
        "exception_c",
        (403, 403, 403, 404, 404, 404, 200, 403, 403, 403, 302),
    ),
    ("budget_list", None, (403, 403, 403, 403, 200, 200, 200, 403, 403, 403, 302)),
    ("budget_ledger", "budget_a", (403, 403, 403, 403, 200, 200, 200, 403, 403, 403, 302)),
    ("budget_ledger", "budget_b", (403, 403, 403, 403, 404, 200, 200, 403, 403, 403, 302)),
    ("budget_ledger", "budget_c", (403, 403, 403, 403, 404, 404, 200, 403, 403, 403, 302)),
    ("budget_export", "budget_a", (403, 403, 403, 403, 200, 200, 200, 403, 403, 403, 302)),
    ("budget_export", "budget_b", (403, 403, 403, 403, 404, 200, 200, 403, 403, 403, 302)),
    ("budget_export", "budget_c", (403, 403, 403, 403, 404, 404, 200, 403, 403, 403, 302)),
    ("budget_ledger", "budget_elsewhere", (403, 403, 403, 403, 404, 404, 404, 403, 403, 403, 302)),
    ("budget_cap", "budget_a", (403, 403, 403, 403, 403, 200, 200, 403, 403, 403, 302)),
    ("budget_cap", "budget_b", (403, 403, 403, 403, 403, 200, 200, 403, 403, 403, 302)),
    ("budget_cap", "budget_c", (403, 403, 403, 403, 403, 404, 200, 403, 403, 403, 302)),
    ("expense_void", "expense_a", (403, 403, 403, 403, 200, 200, 200, 403, 403, 403, 302)),
    ("expense_void", "expense_b", (403, 403, 403, 403, 404, 200, 200, 403, 403, 403, 302)),
    ("expense_void", "expense_c", (403, 403, 403, 403, 404, 404, 200, 403, 403, 403, 302)),
    ("expense_receipt", "expense_a", (403, 403, 403, 403, 200, 200, 200, 403, 403, 403, 302)),
    ("expense_receipt", "expense_b", (403, 403, 403, 403, 404, 200, 200, 403, 403, 403, 302)),
    ("expense_receipt", "expense_c", (403, 403, 403, 403, 404, 404, 200, 403, 403, 403, 302)),
    (
        "expense_receipt",
        "expense_elsewhere",
        (403, 403, 403, 403, 404, 404, 404, 403, 403, 403, 302),
    ),
    ("organisation_list", None, (403, 403, 403, 403, 403, 403, 200, 403, 403, 403, 302)),
    ("organisation_create", None, (403, 403, 403, 403, 403, 403, 200, 403, 403, 403, 302)),
    ("organisation_edit", "org", (403, 403, 403, 403, 403, 403, 200, 403, 403, 403, 302)),
    ("organisation_edit", "org_elsewhere", (403, 403, 403, 403, 403, 403, 404, 403, 403, 403, 302)),
    ("people", None, (403, 403, 403, 403, 403, 403, 200, 403, 403, 403, 302)),
    ("invite", None, (403, 403, 403, 403, 403, 403, 200, 403, 403, 403, 302)),
    ("membership_revoke", "membership", (403, 403, 403, 403, 403, 403, 200, 403, 403, 403, 302)),
    (
        "membership_revoke",
        "membership_elsewhere",
        (403, 403, 403, 403, 403, 403, 404, 403, 403, 403, 302),
    ),
    # Help records: volunteers and staff log; managers and admins correct; admins review.
    ("record_list", None, (403, 403, 200, 200, 200, 200, 200, 403, 403, 403, 302)),
    ("record_log", None, (403, 403, 200, 200, 200, 200, 200, 403, 403, 403, 302)),
    ("record_import", None, (403, 403, 200, 200, 200, 200, 200, 403, 403, 403, 302)),
    ("record_import_template", None, (403, 403, 200, 200, 200, 200, 200, 403, 403, 403, 302)),
    ("record_import_preview", "batch", (403, 403, 200, 404, 404, 404, 404, 403, 403, 403, 302)),
    ("elder_list", None, (403, 403, 200, 200, 200, 200, 200, 403, 403, 403, 302)),
    ("elder_edit", "elder_a", (403, 403, 200, 200, 200, 200, 200, 403, 403, 403, 302)),
    ("elder_edit", "elder_b", (403, 403, 404, 404, 404, 200, 200, 403, 403, 403, 302)),
    ("elder_edit", "elder_c", (403, 403, 404, 404, 404, 404, 200, 403, 403, 403, 302)),
    # Reading a number is a POST (audited); a GET is refused after the role check.
    ("elder_reveal", "elder_a", (403, 403, 405, 405, 405, 405, 405, 403, 403, 403, 302)),
    ("elder_create", None, (403, 403, 200, 200, 200, 200, 200, 403, 403, 403, 302)),
    ("review_queue", None, (403, 403, 403, 403, 200, 200, 200, 403, 403, 403, 302)),
    ("record_detail", "record_a", (403, 403, 200, 200, 200, 200, 200, 403, 403, 403, 302)),
    ("record_detail", "record_b", (403, 403, 404, 404, 404, 200, 200, 403, 403, 403, 302)),
    ("record_detail", "record_c", (403, 403, 404, 404, 404, 404, 200, 403, 403, 403, 302)),
    ("record_amend", "record_a", (403, 403, 403, 200, 200, 200, 200, 403, 403, 403, 302)),
    ("record_amend", "record_b", (403, 403, 403, 404, 404, 200, 200, 403, 403, 403, 302)),
    ("record_amend", "record_c", (403, 403, 403, 404, 404, 404, 200, 403, 403, 403, 302)),
    ("record_void", "record_a", (403, 403, 403, 200, 200, 200, 200, 403, 403, 403, 302)),
    ("record_void", "record_b", (403, 403, 403, 404, 404, 200, 200, 403, 403, 403, 302)),
    ("record_void", "record_c", (403, 403, 403, 404, 404, 404, 200, 403, 403, 403, 302)),
    ("flag_review", "flag_a", (403, 403, 403, 403, 200, 200, 200, 403, 403, 403, 302)),
    ("flag_review", "flag_b", (403, 403, 403, 403, 404, 200, 200, 403, 403, 403, 302)),
    ("flag_review", "flag_c", (403, 403, 403, 403, 404, 404, 200, 403, 403, 403, 302)),
    # Targets: street admins and above read progress in their scope; the office and district
    # admins set and split (a district admin the streets of their district only).
    ("progress", None, (403, 403, 403, 403, 200, 200, 200, 403, 403, 403, 302)),
    ("progress", "?region=a", (403, 403, 403, 403, 200, 200, 200, 403, 403, 403, 302)),
    ("progress", "?region=b", (403, 403, 403, 403, 404, 200, 200, 403, 403, 403, 302)),
    ("progress", "?region=c", (403, 403, 403, 403, 404, 404, 200, 403, 403, 403, 302)),
    ("progress", "?region=putuo", (403, 403, 403, 403, 404, 200, 200, 403, 403, 403, 302)),
    ("progress", "?region=elsewhere", (403, 403, 403, 403, 404, 404, 404, 403, 403, 403, 302)),
    ("indicators_export", "targets_a", (403, 403, 403, 403, 200, 200, 200, 403, 403, 403, 302)),
    ("indicators_export", "targets_b", (403, 403, 403, 403, 404, 200, 200, 403, 403, 403, 302)),
    (
        "indicators_export",
        "targets_putuo",
        (403, 403, 403, 403, 404, 200, 200, 403, 403, 403, 302),
    ),
    (
        "indicators_export",
        "targets_jingan",
        (403, 403, 403, 403, 404, 404, 200, 403, 403, 403, 302),
    ),
    (
        "indicators_import",
        "targets_putuo",
        (403, 403, 403, 403, 403, 200, 200, 403, 403, 403, 302),
    ),
    (
        "indicators_import",
        "targets_jingan",
        (403, 403, 403, 403, 403, 404, 200, 403, 403, 403, 302),
    ),
    ("indicators_import", "targets_city", (403, 403, 403, 403, 403, 404, 200, 403, 403, 403, 302)),
    # A street's targets are not split further: no import or split page for one.
    ("indicators_import", "targets_a", (403, 403, 403, 403, 403, 404, 404, 403, 403, 403, 302)),
    ("targets_edit", "targets_putuo", (403, 403, 403, 403, 403, 200, 200, 403, 403, 403, 302)),
    ("targets_edit", "targets_jingan", (403, 403, 403, 403, 403, 404, 200, 403, 403, 403, 302)),
    ("targets_edit", "targets_city", (403, 403, 403, 403, 403, 404, 200, 403, 403, 403, 302)),
    ("targets_edit", "targets_a", (403, 403, 403, 403, 403, 404, 404, 403, 403, 403, 302)),
    # The dashboard: everyone who sees records, for their site or region.
    ("dashboard", None, (403, 403, 200, 200, 200, 200, 200, 403, 403, 403, 302)),
    ("dashboard", "?site=a", (403, 403, 200, 200, 200, 200, 200, 403, 403, 403, 302)),
    ("dashboard", "?site=b", (403, 403, 404, 404, 404, 200, 200, 403, 403, 403, 302)),
    ("dashboard", "?site=c", (403, 403, 404, 404, 404, 404, 200, 403, 403, 403, 302)),
    ("dashboard", "?region=a", (403, 403, 404, 404, 200, 200, 200, 403, 403, 403, 302)),
    ("dashboard", "?region=putuo", (403, 403, 404, 404, 404, 200, 200, 403, 403, 403, 302)),
    ("dashboard", "?site=elsewhere", (403, 403, 404, 404, 404, 404, 404, 403, 403, 403, 302)),
]

CASES = [
    pytest.param(name, target, persona, status, id=f"{name}-{target}-{persona}")
    for name, target, statuses in TABLE
    for persona, status in zip(COLUMNS, statuses, strict=True)
]


@pytest.fixture(autouse=True)
def _receipts_in_tmp(settings, tmp_path):
    """The receipt files of the budget rows are written in this test's own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


def _street(world, target: str):
    return {"a": world.caoyang, "b": world.changfeng, "c": world.jingan_street}[target[-1]]


def _expense(street) -> Expense:
    return Expense.objects.create(
        street=street,
        region_path=street.path,
        category="training",
        date=timezone.localdate(),
        amount=Decimal("100.00"),
        payee="社区学校",
        receipt=ContentFile(b"%PDF-1.4\n%%EOF\n", name="收据.pdf"),
        receipt_name="收据.pdf",
    )


def _kwargs(world, target: str | None, name: str = "") -> dict:
    """URL arguments for a target; creates the objects that the world fixture lacks."""
    if target is None or target.startswith("?"):
        return {}
    if target.startswith("targets_"):
        return {"code": _region(world, target).code, "year": timezone.localdate().year}
    if target.startswith(("record_", "flag_")):
        session = help_session_log(
            actor=world.personas["city_admin"],
            site=getattr(world, f"site_{target[-1]}"),
            scenarios=[Service.objects.get(code="medical")],
        )
        if target.startswith("record_"):
            return {"public_id": session.public_id}
        flag = Flag.objects.create(help_session=session, rule="back_dated", detail="补记过久")
        return {"flag_id": flag.pk}
    if target.startswith("elder_"):
        site = getattr(world, f"site_{target[-1]}")
        elder = elder_create(
            actor=world.personas["city_admin"], site=site, name="张小明", consent=True
        )
        kwargs = {"public_id": elder.public_id}
        if name == "elder_reveal":
            kwargs["field"] = "mobile"
        return kwargs
    if target == "batch":
        batch = ImportBatch.objects.create(
            filename="a.xlsx",
            content=b"",
            status=ImportBatch.Status.CHECKED,
            created_by=world.personas["volunteer"],
        )
        return {"public_id": batch.public_id}
    if target.startswith("site_"):
        return {"public_id": getattr(world, target).public_id}
    if target.startswith("exception_"):
        site = getattr(world, f"site_{target[-1]}")
        exc = DeskException.objects.create(
            site=site,
            date=timezone.localdate() + dt.timedelta(days=10),
            kind="closed",
            reason="国庆节",
        )
        return {"public_id": site.public_id, "exception_id": exc.pk}
    if target in {"budget_a", "budget_b", "budget_c"}:
        return {"code": _street(world, target).code, "year": timezone.localdate().year}
    if target in {"expense_a", "expense_b", "expense_c"}:
        return {"public_id": _expense(_street(world, target)).public_id}
    if target == "org":
        return {"public_id": world.org.public_id}
    if target == "membership":
        membership = Membership.objects.get(user=world.personas["volunteer"])
        return {"membership_id": membership.pk}
    # Another city: outside even the programme office's scope.
    beijing = region("110000000", "北京市", "city")
    dongcheng = region("110101000", "东城区", "district", beijing)
    street = region("110101001", "东华门街道", "street", dongcheng)
    org = Organisation.objects.create(name="东城为老服务社", uscc=make_uscc("52110101MJ0000009"))
    site = site_in(street, org, "东华门为老服务站", "39.914000", "116.403000")
    if target == "org_elsewhere":
        return {"public_id": org.public_id}
    if target == "budget_elsewhere":
        return {"code": street.code, "year": timezone.localdate().year}
    if target == "expense_elsewhere":
        return {"public_id": _expense(street).public_id}
    assert target == "membership_elsewhere"
    membership = Membership.objects.create(
        user=world.personas["outsider"], role=Role.SITE_MANAGER, site=site
    )
    return {"membership_id": membership.pk}


def _region(world, target: str):
    key = target.rsplit("_", 1)[-1].rsplit("=", 1)[-1]
    named = {"putuo": world.putuo, "jingan": world.jingan, "city": world.city}
    return named.get(key) or _street(world, key)


def _query(world, target: str | None) -> str:
    """The query string of a "?name=target" row (pages that take their scope that way)."""
    if target is None or not target.startswith("?"):
        return ""
    name, key = target[1:].split("=")
    if key == "elsewhere":
        beijing = region("110000000", "北京市", "city")
        dongcheng = region("110101000", "东城区", "district", beijing)
        street = region("110101001", "东华门街道", "street", dongcheng)
        org = Organisation.objects.create(
            name="东城为老服务社", uscc=make_uscc("52110101MJ0000009")
        )
        site = site_in(street, org, "东华门为老服务站", "39.914000", "116.403000")
        value = street.code if name == "region" else str(site.pk)
    elif name == "site":
        value = str(getattr(world, f"site_{key}").pk)
    else:
        value = _region(world, key).code
    return f"?{urlencode({name: value})}"


@pytest.mark.parametrize(("name", "target", "persona", "status"), CASES)
def test_it_gives_each_persona_the_expected_status(
    world, client_for, client, name, target, persona, status
):
    url = reverse(f"workspace:{name}", kwargs=_kwargs(world, target, name)) + _query(world, target)
    response = client.get(url) if persona == ANONYMOUS else client_for(persona).get(url)
    response.close()  # as a server does after sending: closes a streamed file (a receipt)
    assert response.status_code == status, (
        f"{persona} GET {url}: {response.status_code}, expected {status}"
    )
    if status == 302:
        next_ = QueryDict(mutable=True)
        next_["next"] = url
        assert response.url == f"{reverse('accounts:login')}?{next_.urlencode(safe='/')}"


def test_it_covers_every_workspace_url():
    named = {p.name for p in workspace_urls.urlpatterns}
    tabled = {name for name, _target, _statuses in TABLE}
    assert named == tabled, f"missing from TABLE: {named - tabled}; stale: {tabled - named}"


def test_it_guards_every_workspace_view_with_roles():
    for pattern in workspace_urls.urlpatterns:
        assert getattr(pattern.callback, "allowed_roles", None), pattern.name
