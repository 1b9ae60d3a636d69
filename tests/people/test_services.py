"""Registering, changing and revealing elders: what the desk is told, what is kept, audited."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from huoban.audit.models import AuditEvent
from huoban.people import services
from huoban.people.models import Elder
from huoban.people.services import elder_create, elder_reveal, elder_update
from tests.people.conftest import LI_MOBILE, X_ID, ZHANG_ID, ZHANG_MOBILE, resident_id


def errors_of(excinfo) -> dict[str, list[str]]:
    return excinfo.value.message_dict


def audit_text() -> str:
    """Everything the audit trail holds, as one string."""
    return json.dumps(
        [[e.action, e.object_repr, e.changes] for e in AuditEvent.objects.all()],
        ensure_ascii=False,
    )


# --- Creating ------------------------------------------------------------------------------


def test_it_registers_an_elder_with_consent(world, frozen):
    manager = world.personas["site_manager"]
    elder = elder_create(
        actor=manager,
        site=world.site_a,
        name="  张小明 ",
        mobile="138 1234 5678",
        id_number=ZHANG_ID,
        street=world.caoyang,
        consent=True,
    )
    elder = Elder.objects.get(pk=elder.pk)
    assert elder.name == "张小明"
    assert elder.mobile == ZHANG_MOBILE
    assert elder.id_number == ZHANG_ID
    assert elder.mobile_last4 == "5678"
    assert elder.masked_mobile == "138****5678"
    assert elder.masked_id_number == ZHANG_ID[:3] + "*" * 11 + ZHANG_ID[-4:]
    assert elder.birth_year == 1948  # read from the ID number
    assert elder.region_path == world.caoyang.path
    assert elder.home_site == world.site_a
    assert elder.created_by == manager
    assert elder.consent_at == frozen
    assert elder.search_text == "张小明 zhangxiaoming zxm"
    assert elder.desk_label == "张小明 · 138****5678 · 1948年生"


def test_it_registers_with_a_name_only_and_places_them_by_the_site(world, frozen):
    volunteer = world.personas["volunteer"]
    elder = elder_create(actor=volunteer, site=world.site_a, name="钱阿婆", consent=True)
    elder.refresh_from_db()
    assert (elder.mobile, elder.mobile_index, elder.mobile_last4) == ("", "", "")
    assert (elder.id_number, elder.id_index, elder.birth_year) == ("", "", None)
    assert elder.street is None
    assert elder.region_path == world.site_a.region_path


def test_it_audits_the_registration_without_the_numbers(world, frozen):
    manager = world.personas["site_manager"]
    elder = elder_create(
        actor=manager,
        site=world.site_a,
        name="张小明",
        mobile=ZHANG_MOBILE,
        id_number=ZHANG_ID,
        consent=True,
    )
    event = AuditEvent.objects.get(action="elder.create")
    assert event.actor == manager
    assert event.object_id == str(elder.pk)
    assert event.changes["name"] == "张小明"
    assert event.changes["mobile"] == "138****5678"
    assert event.changes["id_number"] == ZHANG_ID[:3] + "*" * 11 + ZHANG_ID[-4:]
    assert event.changes["home_site"] == str(world.site_a.pk)
    assert ZHANG_MOBILE not in audit_text()
    assert ZHANG_ID not in audit_text()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"name": "   "}, "name", "请填写长者的姓名。"),
        ({"name": "张" * 51}, "name", "姓名最多 50 个字，现在有 51 个字。"),
        ({"mobile": "1381234"}, "mobile", "手机号码应为11位数字，您输入了7位，例如 13812345678。"),
        (
            {"mobile": "021 6200 0000"},
            "mobile",
            "这是固定电话号码，请填写11位手机号码，例如 13812345678。",
        ),
        (
            {"id_number": ZHANG_ID[:-1] + ("1" if ZHANG_ID[-1] != "1" else "2")},
            "id_number",
            "身份证号码的校验码（最后一位）不正确，可能有数字输错，请对照身份证逐位核对。",
        ),
        (
            {"id_number": "310107480315001"},
            "id_number",
            "这是15位的旧版身份证号码，请填写18位的居民身份证号码。",
        ),
        (
            {"birth_year": 1899},
            "birth_year",
            "出生年份应在 1900 年到 1976 年之间：这里登记的是参加为老服务的长者（50 岁以上），"
            "请核对是否输错。",
        ),
        (
            {"birth_year": 1990},
            "birth_year",
            "出生年份应在 1900 年到 1976 年之间：这里登记的是参加为老服务的长者（50 岁以上），"
            "请核对是否输错。",
        ),
        ({"birth_year": "1950"}, "birth_year", "请填写四位数字的出生年份，例如 1950。"),
        (
            {"id_number": ZHANG_ID, "birth_year": 1950},
            "birth_year",
            "出生年份与身份证号码中的 1948 年不一致，请核对。",
        ),
        (
            {"id_number": resident_id("31010720150601001")},
            "id_number",
            "这个身份证号码的出生年份是 2015 年：这里登记的是 50 岁以上的长者，"
            "请核对是否填成了家属的号码。",
        ),
        ({"consent": False}, "consent", "需要长者本人同意保存服务记录；不同意时请按匿名记录。"),
        ({"street": "district"}, "street", "请选择街道或镇，而不是区或居委。"),
        ({"site": None}, "street", "请选择长者居住的街道或镇。"),
    ],
)
def test_it_refuses_bad_input_with_a_message_and_keeps_nothing(
    world, frozen, fields, field, message
):
    kwargs = {"site": world.site_a, "name": "张小明", "consent": True, **fields}
    if kwargs.get("street") == "district":
        kwargs["street"] = world.putuo
    with pytest.raises(ValidationError) as excinfo:
        elder_create(actor=world.personas["city_admin"], **kwargs)
    assert errors_of(excinfo) == {field: [message]}
    assert not Elder.objects.exists()
    assert not AuditEvent.objects.exists()


def test_it_reports_every_bad_field_at_once(world, frozen):
    with pytest.raises(ValidationError) as excinfo:
        elder_create(
            actor=world.personas["volunteer"],
            site=world.site_a,
            name="",
            mobile="12",
            birth_year=2020,
        )
    assert set(errors_of(excinfo)) == {"name", "mobile", "birth_year", "consent"}


def test_it_accepts_a_lower_case_x_and_full_width_mobile_digits(world, frozen):
    elder = elder_create(
        actor=world.personas["volunteer"],
        site=world.site_a,
        name="赵丽",
        mobile="１３９１２３４０００１",
        id_number=X_ID.lower(),
        consent=True,
    )
    elder.refresh_from_db()
    assert elder.mobile == LI_MOBILE
    assert elder.id_number == X_ID


def test_it_lets_staff_register_only_at_their_own_site(world, frozen):
    with pytest.raises(PermissionDenied):
        elder_create(
            actor=world.personas["volunteer"], site=world.site_b, name="李秀英", consent=True
        )
    for persona in ("outsider", "elder", "family", "reviewer", "vendor"):
        with pytest.raises(PermissionDenied):
            elder_create(
                actor=world.personas[persona], site=world.site_a, name="李秀英", consent=True
            )
    assert not Elder.objects.exists()


def test_it_lets_a_street_admin_register_without_a_site_in_their_street_only(world, frozen):
    admin = world.personas["street_admin"]
    elder = elder_create(actor=admin, site=None, name="吴阿姨", street=world.caoyang, consent=True)
    assert elder.region_path == world.caoyang.path
    assert elder.home_site is None
    with pytest.raises(ValidationError) as caught:
        elder_create(actor=admin, site=None, name="吴阿姨", street=world.changfeng, consent=True)
    assert caught.value.message_dict["street"] == ["长风新村街道不在您的服务范围内。"]


def test_it_keeps_a_site_manager_from_moving_an_elder_out_of_their_street(world, folks):
    with pytest.raises(ValidationError) as caught:
        elder_update(
            actor=world.personas["site_manager"], elder=folks.zhang, street=world.jingan_street
        )
    assert "不在您的服务范围内" in caught.value.message_dict["street"][0]
    folks.zhang.refresh_from_db()
    assert folks.zhang.street != world.jingan_street


# --- De-duplication -------------------------------------------------------------------------


def test_it_names_the_elder_who_already_has_the_mobile(world, folks):
    with pytest.raises(ValidationError) as excinfo:
        elder_create(
            actor=world.personas["volunteer"],
            site=world.site_a,
            name="张晓明",
            mobile="+86 138-1234-5678",
            consent=True,
        )
    assert errors_of(excinfo) == {
        "mobile": [
            "手机号 138****5678 已登记在长者“张小明”名下，请直接选择这位长者，不要重复登记。"
        ]
    }
    error = excinfo.value.error_dict["mobile"][0]
    assert error.code == "duplicate"
    assert error.params["elder"] == str(folks.zhang.public_id)
    assert Elder.objects.filter(name="张晓明").count() == 0


def test_it_names_the_elder_who_already_has_the_id_number(world, folks):
    with pytest.raises(ValidationError) as excinfo:
        elder_create(
            actor=world.personas["site_manager"],
            site=world.site_a,
            name="张小明",
            id_number=ZHANG_ID,
            consent=True,
        )
    masked = ZHANG_ID[:3] + "*" * 11 + ZHANG_ID[-4:]
    assert errors_of(excinfo) == {
        "id_number": [
            f"身份证号码 {masked} 已登记在长者“张小明”名下，请直接选择这位长者，不要重复登记。"
        ]
    }


def test_it_masks_the_name_of_a_duplicate_outside_the_desks_scope(world, folks):
    # 李秀英 is registered and lives in 长风: site_a's volunteer may not see her.
    with pytest.raises(ValidationError) as excinfo:
        elder_create(
            actor=world.personas["volunteer"],
            site=world.site_a,
            name="李秀英",
            mobile=LI_MOBILE,
            consent=True,
        )
    [message] = errors_of(excinfo)["mobile"]
    assert message == (
        "手机号 139****0001 已登记在别处的长者“李*英”名下，请联系街镇管理员核对，不要重复登记。"
    )
    assert "李秀英" not in message


def test_it_turns_a_duplicate_that_slips_past_the_check_into_the_same_message(
    world, folks, monkeypatch
):
    real = services._check_duplicates
    calls = []

    def first_call_misses(*args, **kwargs):
        calls.append(1)
        if len(calls) > 1:
            real(*args, **kwargs)

    monkeypatch.setattr(services, "_check_duplicates", first_call_misses)
    with pytest.raises(ValidationError) as excinfo:
        elder_create(
            actor=world.personas["city_admin"],
            site=world.site_a,
            name="张晓明",
            mobile=ZHANG_MOBILE,
            consent=True,
        )
    assert "已登记在长者“张小明”名下" in errors_of(excinfo)["mobile"][0]
    assert Elder.objects.filter(mobile_last4="5678").count() == 1


# --- Changing -------------------------------------------------------------------------------


def test_it_changes_an_elder_and_audits_old_and_new_masked(world, folks):
    manager = world.personas["district_admin"]
    elder = elder_update(
        actor=manager,
        elder=folks.zhang,
        name="张晓明",
        mobile="13600005678",
        street=world.changfeng,
    )
    elder.refresh_from_db()
    assert elder.name == "张晓明"
    assert elder.search_text == "张晓明 zhangxiaoming zxm"
    assert elder.mobile == "13600005678"
    assert elder.region_path == world.changfeng.path
    event = AuditEvent.objects.get(action="elder.update")
    assert event.actor == manager
    assert event.changes == {
        "name": ["张小明", "张晓明"],
        "mobile": ["138****5678", "136****5678"],
        "street": [str(world.caoyang.pk), str(world.changfeng.pk)],
    }
    assert "13600005678" not in audit_text()
    assert ZHANG_MOBILE not in audit_text()


def test_it_finds_an_elder_by_a_new_mobile_and_not_by_the_old(world, folks):
    from huoban.people.selectors import elder_search

    elder_update(actor=world.personas["site_manager"], elder=folks.zhang, mobile="13600005679")
    assert list(elder_search(Elder.objects.all(), "13600005679")) == [folks.zhang]
    assert list(elder_search(Elder.objects.all(), ZHANG_MOBILE)) == []
    assert list(elder_search(Elder.objects.all(), "5679")) == [folks.zhang]


def test_it_removes_numbers_and_records_that_they_were_removed(world, folks):
    elder = elder_update(
        actor=world.personas["site_manager"], elder=folks.zhang, mobile="", id_number=""
    )
    elder.refresh_from_db()
    assert (elder.mobile, elder.mobile_index, elder.mobile_last4) == ("", "", "")
    assert (elder.id_number, elder.id_index) == ("", "")
    event = AuditEvent.objects.get(action="elder.update")
    assert event.changes["mobile"] == ["138****5678", ""]
    assert event.changes["id_number"][1] == ""


def test_it_places_an_elder_by_the_home_site_when_the_street_is_removed(world, folks):
    elder = elder_update(actor=world.personas["site_manager"], elder=folks.zhou, street=None)
    elder.refresh_from_db()
    assert elder.street is None
    assert elder.region_path == world.site_a.region_path


def test_it_keeps_an_elders_own_numbers_without_calling_them_duplicates(world, folks):
    elder_update(
        actor=world.personas["site_manager"],
        elder=folks.zhang,
        mobile="138 1234 5678",
        id_number=ZHANG_ID,
    )
    assert not AuditEvent.objects.filter(action="elder.update").exists()


def test_it_refuses_to_give_an_elder_another_elders_mobile(world, folks):
    with pytest.raises(ValidationError) as excinfo:
        elder_update(actor=world.personas["city_admin"], elder=folks.zhou, mobile=LI_MOBILE)
    assert errors_of(excinfo) == {
        "mobile": [
            "手机号 139****0001 已登记在长者“李秀英”名下，请直接选择这位长者，不要重复登记。"
        ]
    }
    folks.zhou.refresh_from_db()
    assert folks.zhou.mobile == "13700001111"


def test_it_refuses_a_bad_change_with_a_message_and_keeps_the_old_values(world, folks):
    with pytest.raises(ValidationError) as excinfo:
        elder_update(actor=world.personas["site_manager"], elder=folks.zhang, name=" ")
    assert errors_of(excinfo) == {"name": ["请填写长者的姓名。"]}
    assert Elder.objects.get(pk=folks.zhang.pk).name == "张小明"


def test_it_lets_only_staff_whose_scope_holds_the_elder_change_them(world, folks):
    volunteer = world.personas["volunteer"]
    # 王建国 lives in 曹杨, site_a's street: its volunteer may correct his profile.
    elder_update(actor=volunteer, elder=folks.wang, birth_year=1951)
    for elder in (folks.li, folks.sun, folks.zhao):
        with pytest.raises(PermissionDenied):
            elder_update(actor=volunteer, elder=elder, name="改名")
    with pytest.raises(PermissionDenied):
        elder_update(actor=world.personas["outsider"], elder=folks.zhang, name="改名")
    assert Elder.objects.filter(name="改名").count() == 0


def test_it_refuses_fields_it_does_not_know(world, folks):
    with pytest.raises(TypeError):
        elder_update(actor=world.personas["city_admin"], elder=folks.zhang, consent_at=None)


# --- Revealing ------------------------------------------------------------------------------


def test_it_reveals_a_number_to_a_site_manager_and_audits_the_reading(world, folks):
    manager = world.personas["site_manager"]
    assert elder_reveal(actor=manager, elder=folks.zhang, field="mobile") == ZHANG_MOBILE
    assert (
        elder_reveal(actor=manager, elder=folks.zhang, field="id_number", ip_address="10.0.0.8")
        == ZHANG_ID
    )
    events = list(AuditEvent.objects.filter(action="elder.reveal").order_by("id"))
    assert [(e.actor, e.object_id, e.changes) for e in events] == [
        (manager, str(folks.zhang.pk), {"field": "mobile"}),
        (manager, str(folks.zhang.pk), {"field": "id_number"}),
    ]
    assert events[1].ip_address == "10.0.0.8"
    assert ZHANG_MOBILE not in audit_text()


def test_it_reveals_to_region_admins_within_their_region(world, folks):
    assert elder_reveal(actor=world.personas["street_admin"], elder=folks.zhang, field="mobile")
    assert elder_reveal(actor=world.personas["district_admin"], elder=folks.li, field="mobile")
    assert elder_reveal(actor=world.personas["city_admin"], elder=folks.zhao, field="id_number")
    with pytest.raises(PermissionDenied):
        elder_reveal(actor=world.personas["street_admin"], elder=folks.li, field="mobile")


def test_it_never_reveals_a_number_to_a_volunteer(world, folks):
    with pytest.raises(PermissionDenied):
        elder_reveal(actor=world.personas["volunteer"], elder=folks.zhang, field="mobile")
    assert not AuditEvent.objects.filter(action="elder.reveal").exists()


def test_it_never_reveals_an_elder_outside_the_managers_site(world, folks):
    for persona in ("site_manager", "outsider", "elder", "family"):
        with pytest.raises(PermissionDenied):
            elder_reveal(actor=world.personas[persona], elder=folks.zhao, field="id_number")
    assert not AuditEvent.objects.filter(action="elder.reveal").exists()


def test_it_reveals_only_the_two_numbers(world, folks):
    with pytest.raises(ValueError):
        elder_reveal(actor=world.personas["city_admin"], elder=folks.zhang, field="mobile_index")


def test_it_keeps_every_number_out_of_the_audit_trail(world, folks):
    admin = world.personas["city_admin"]
    elder_update(actor=admin, elder=folks.li, mobile="18600003333")
    elder_update(actor=admin, elder=folks.zhao, mobile="13500004444")
    elder_reveal(actor=admin, elder=folks.zhao, field="id_number")
    text = audit_text()
    for number in (ZHANG_MOBILE, ZHANG_ID, LI_MOBILE, X_ID, "18600003333", "13500004444"):
        assert number not in text
    assert AuditEvent.objects.filter(action__startswith="elder.").count() == 6 + 2 + 1
