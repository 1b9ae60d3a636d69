"""The help-record pages: log at the desk, list and counts, correct, void, review, import."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook

from huoban.records.importing import COLUMNS
from huoban.records.models import Flag, HelpSession, LedgerEntry
from huoban.records.services import help_session_log, help_session_void
from tests.conftest import at

pytestmark = pytest.mark.usefixtures("frozen")
LOG = "/workspace/records/log/"


def test_a_walk_in_is_a_scenario_and_save(world, client_for, scenarios):
    client = client_for("volunteer")
    page = client.get(LOG)
    assert page.status_code == 200
    body = page.content.decode()
    assert 'value="anonymous"' in body and "checked" in body
    response = client.post(
        LOG,
        {
            "site": world.site_a.pk,
            "elder": "anonymous",
            "scenarios": [scenarios["medical"].pk],
            "channel": "walk_in",
            "outcome": "solved",
            "duration_minutes": "15",
        },
        follow=True,
    )
    assert "已记录：匿名长者，就医，上午10:30。" in response.content.decode()
    session = HelpSession.objects.get()
    assert session.helper == world.personas["volunteer"] and session.elder is None
    assert LedgerEntry.objects.count() == 1


def test_a_forgotten_scenario_is_explained_and_what_was_typed_is_kept(world, client_for):
    response = client_for("volunteer").post(
        LOG,
        {
            "site": world.site_a.pk,
            "elder": "anonymous",
            "channel": "phone",
            "outcome": "taught",
            "duration_minutes": "25",
            "note": "教会了挂号",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "请至少选择一个场景" in body and "教会了挂号" in body and 'value="25"' in body
    assert not HelpSession.objects.exists()


def test_the_desk_finds_a_known_elder_by_the_last_four_digits(world, client_for, elders):
    client = client_for("volunteer")
    body = client.get(LOG, {"q": "5678"}).content.decode()
    assert "张小明" in body and "李秀英" not in body
    elder = elders[0]
    response = client.post(
        LOG,
        {
            "site": world.site_a.pk,
            "elder": str(elder.public_id),
            "scenarios": [],
            "scenario_other": "医保卡绑定",
            "channel": "walk_in",
            "outcome": "solved",
            "duration_minutes": "15",
        },
    )
    assert response.status_code == 302
    assert HelpSession.objects.get().elder == elder


def test_the_elder_search_answers_htmx_with_only_the_choices(world, client_for, elders):
    response = client_for("volunteer").get(
        LOG, {"q": "zxm"}, headers={"HX-Request": "true", "HX-Target": "elder-choices"}
    )
    body = response.content.decode()
    assert 'id="elder-choices"' in body and "张小明" in body and "<html" not in body


def test_the_list_shows_person_times_and_persons(world, client_for, scenarios, elders):
    volunteer = world.personas["volunteer"]
    for elder in (None, elders[0], elders[0]):
        help_session_log(
            actor=volunteer, site=world.site_a, elder=elder, scenarios=[scenarios["chat"]]
        )
    body = client_for("street_admin").get("/workspace/records/").content.decode()
    assert 'data-testid="person-times">3<' in body and 'data-testid="persons">1<' in body


def test_the_list_of_a_street_admin_holds_only_their_street(world, client_for, scenarios):
    help_session_log(
        actor=world.personas["district_admin"], site=world.site_b, scenarios=[scenarios["chat"]]
    )
    body = client_for("street_admin").get("/workspace/records/").content.decode()
    assert "长风长者照护之家" not in body and 'data-testid="person-times">0<' in body
    body = client_for("district_admin").get("/workspace/records/").content.decode()
    assert "长风长者照护之家" in body


def test_the_list_is_a_fixed_number_of_queries(
    world, client_for, scenarios, django_assert_max_num_queries
):
    for _ in range(30):
        help_session_log(
            actor=world.personas["volunteer"], site=world.site_a, scenarios=[scenarios["chat"]]
        )
    client = client_for("street_admin")
    with django_assert_max_num_queries(20):
        client.get("/workspace/records/")


def test_a_manager_corrects_a_record_with_a_reason(world, client_for, scenarios):
    session = help_session_log(
        actor=world.personas["volunteer"], site=world.site_a, scenarios=[scenarios["chat"]]
    )
    url = reverse("workspace:record_amend", args=[session.public_id])
    client = client_for("site_manager")
    data = {
        "site": world.site_a.pk,
        "elder": "anonymous",
        "scenarios": [scenarios["chat"].pk],
        "channel": "phone",
        "outcome": "solved",
        "duration_minutes": "15",
        "occurred_at": "2026-11-23T10:30",
    }
    missing = client.post(url, data)
    assert "请写明更正原因" in missing.content.decode()
    client.post(url, {**data, "reason": "其实是电话咨询"})
    session.refresh_from_db()
    assert session.channel == "phone"
    detail = client.get(reverse("workspace:record_detail", args=[session.public_id]))
    body = detail.content.decode()
    assert "其实是电话咨询" in body and "到站 → 电话" in body


def test_voiding_from_the_page_needs_a_reason(world, client_for, scenarios):
    session = help_session_log(
        actor=world.personas["volunteer"], site=world.site_a, scenarios=[scenarios["chat"]]
    )
    url = reverse("workspace:record_void", args=[session.public_id])
    client = client_for("site_manager")
    assert "请写明原因" in client.post(url, {"reason": ""}).content.decode()
    client.post(url, {"reason": "重复录入"})
    assert LedgerEntry.objects.get().voided


def test_the_review_queue_confirms_a_flag(world, client_for, scenarios):
    help_session_log(
        actor=world.personas["volunteer"],
        site=world.site_a,
        scenarios=[scenarios["chat"]],
        occurred_at=at(10, day=10),
    )
    client = client_for("street_admin")
    flag = Flag.objects.get()
    assert "补记过久" in client.get("/workspace/records/review/").content.decode()
    url = reverse("workspace:flag_review", args=[flag.pk])
    assert "作废记录时请写明原因" in client.post(url, {"decision": "void"}).content.decode()
    client.post(url, {"decision": "confirm", "note": "已核实"})
    flag.refresh_from_db()
    assert flag.status == "confirmed"
    assert "没有待复核的记录" in client.get("/workspace/records/review/").content.decode()


def _xlsx(rows) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(COLUMNS)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "records.xlsx"
    return out


def test_an_import_with_a_bad_row_lists_it_and_imports_nothing(world, client_for):
    rows = [
        ("曹杨新村为老服务中心", "2026-11-20", "09:30", "", "", "", "就医"),
        ("曹杨新村为老服务中心", "2026-11-20", "09:40", "", "", "", "遛弯"),
    ]
    client = client_for("site_manager")
    response = client.post("/workspace/records/import/", {"file": _xlsx(rows)}, follow=True)
    body = response.content.decode()
    assert "整个文件都没有导入" in body and "<td>3</td>" in body and "遛弯" in body
    assert not HelpSession.objects.exists()


def test_a_good_import_is_confirmed_then_saved(world, client_for):
    rows = [("曹杨新村为老服务中心", "2026-11-20", "09:30", "", "", "", "就医")]
    client = client_for("site_manager")
    preview = client.post("/workspace/records/import/", {"file": _xlsx(rows)})
    assert preview.status_code == 302
    page = client.get(preview.url)
    assert "确认导入 1 条" in page.content.decode()
    done = client.post(preview.url, follow=True)
    assert "已导入 1 条记录" in done.content.decode()
    assert HelpSession.objects.filter(source="import").count() == 1


def test_the_template_downloads_as_a_spreadsheet(world, client_for):
    response = client_for("volunteer").get("/workspace/records/import/template.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_registering_an_elder_needs_consent_and_returns_to_the_desk(world, client_for):
    client = client_for("volunteer")
    url = "/workspace/elders/new/?next=/workspace/records/log/"
    refused = client.post(url, {"name": "王阿婆", "mobile": "13812349999"})
    assert "需要长者本人同意" in refused.content.decode()
    done = client.post(url, {"name": "王阿婆", "mobile": "13812349999", "consent": "on"})
    assert done.status_code == 302 and done.url.startswith("/workspace/records/log/?elder=")
    page = client.get(done.url).content.decode()
    assert "王阿婆" in page


def test_the_counts_follow_the_filters(world, client_for, scenarios, elders):
    log = help_session_log
    kept = log(
        actor=world.personas["volunteer"],
        site=world.site_a,
        elder=elders[0],
        scenarios=[scenarios["chat"]],
        occurred_at=at(9, day=20),
    )
    log(actor=world.personas["volunteer"], site=world.site_a, scenarios=[scenarios["chat"]])
    voided = log(
        actor=world.personas["volunteer"],
        site=world.site_a,
        elder=elders[1],
        scenarios=[scenarios["chat"]],
    )
    help_session_void(actor=world.personas["site_manager"], session=voided, reason="重复")
    client = client_for("street_admin")

    def counts(**params) -> tuple[str, str]:
        body = client.get("/workspace/records/", params).content.decode()
        times = body.split('data-testid="person-times">')[1].split("<")[0]
        persons = body.split('data-testid="persons">')[1].split("<")[0]
        return times, persons

    assert counts() == ("2", "1")
    assert counts(start="2026-11-23") == ("1", "0")
    assert counts(end="2026-11-20") == ("1", "1")
    assert counts(status="voided") == ("0", "0")
    assert kept.elder == elders[0]


def test_confirming_an_import_twice_says_so_instead_of_failing(world, client_for):
    rows = [("曹杨新村为老服务中心", "2026-11-20", "09:30", "", "", "", "就医")]
    client = client_for("site_manager")
    preview = client.post("/workspace/records/import/", {"file": _xlsx(rows)})
    client.post(preview.url)
    again = client.post(preview.url, follow=True)
    assert again.status_code == 200
    assert "没有通过检查或已经导入过" in again.content.decode()
    assert HelpSession.objects.count() == 1
