"""Volunteers: who sees whom, profile changes, pledges, and who sees a certificate. (Service
hours and issuing certificates are ``records.hours``: tests/records/test_hours.py.)

Time is Monday 23 November 2026, 10:30 in Shanghai (the ``frozen`` fixture).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from huoban.accounts.models import Membership, Role, User
from huoban.audit.models import AuditEvent
from huoban.people.models import Certificate, Pledge, PledgeDocument, Volunteer
from huoban.people.pledges import CURRENT
from huoban.people.volunteers import (
    certificates_for,
    is_onboarded,
    pledge_accept,
    pledges_missing,
    volunteer_is_active,
    volunteer_update,
    volunteers_for,
)

VIEW = {Role.VOLUNTEER, Role.SITE_MANAGER, Role.STREET_ADMIN, Role.DISTRICT_ADMIN}
VIEW |= {Role.PROGRAMME_OFFICE}


def volunteer_at(site, name: str, mobile: str) -> User:
    user = User.objects.create_user(mobile, "pw-123456789", name=name)
    Membership.objects.create(user=user, role=Role.VOLUNTEER, site=site)
    return user


@pytest.fixture
def vol(world):
    return world.personas["volunteer"]


# --- Who sees whom ----------------------------------------------------------------------------


def test_it_shows_each_role_the_volunteers_of_its_sites(world, vol):
    same_site = volunteer_at(world.site_a, "王同学", "13700000001")
    elsewhere = volunteer_at(world.site_b, "李阿姨", "13700000002")
    far = volunteer_at(world.site_c, "赵先生", "13700000003")
    p = world.personas

    def seen(persona):
        return set(volunteers_for(p[persona], VIEW))

    assert seen("site_manager") == {vol, same_site}
    assert seen("street_admin") == {vol, same_site}
    assert seen("district_admin") == {vol, same_site, elsewhere}
    assert seen("city_admin") == {vol, same_site, elsewhere, far}
    # A volunteer's scope over volunteers is their own profile.
    assert seen("volunteer") == {vol}
    assert seen("outsider") == set()
    assert set(volunteers_for(p["site_manager"], {Role.VOLUNTEER})) == set()


def test_it_does_not_list_the_site_managers_themselves(world):
    assert world.personas["site_manager"] not in volunteers_for(world.personas["city_admin"], VIEW)


# --- Profile ----------------------------------------------------------------------------------


def test_it_creates_the_profile_on_the_first_change_and_audits_it(world, vol, frozen):
    profile = volunteer_update(
        actor=vol,
        person=vol,
        skills=["medical", "phone_basics"],
        dialects=["shanghainese", "mandarin"],
        availability=["0_am", "2_pm"],
        bio="  退休教师，会讲沪语。 ",
    )
    assert profile.skill_codes == ["phone_basics", "medical"]  # the list's order
    assert profile.dialect_labels == ["普通话", "沪语"]
    assert profile.availability_codes == ["0_am", "2_pm"]
    assert profile.bio == "退休教师，会讲沪语。"
    event = AuditEvent.objects.get(action="volunteer.create")
    assert event.actor == vol and event.changes["dialects"][1] == ",mandarin,shanghainese,"


def test_it_refuses_codes_outside_the_lists(vol):
    with pytest.raises(ValidationError) as info:
        volunteer_update(actor=vol, person=vol, dialects=["klingon"], availability=["7_am"])
    assert set(info.value.message_dict) == {"dialects", "availability"}
    assert not Volunteer.objects.exists()


def test_it_asks_a_student_for_a_school_and_a_guardians_name(vol):
    with pytest.raises(ValidationError) as info:
        volunteer_update(actor=vol, person=vol, is_student=True, guardian_mobile="13812345678")
    assert info.value.message_dict == {
        "school": ["学生志愿者请填写学校名称。"],
        "guardian_name": ["填写了监护人手机号，请同时填写监护人姓名。"],
    }


def test_it_keeps_the_guardians_mobile_masked_in_the_audit_and_forgets_it_for_adults(world, vol):
    manager = world.personas["site_manager"]
    volunteer_update(
        actor=manager,
        person=vol,
        is_student=True,
        school="曹杨二中",
        grade="高一（2）班",
        guardian_name="王女士",
        guardian_mobile="138 1234 5678",
    )
    profile = Volunteer.objects.get(user=vol)
    assert profile.guardian_mobile == "13812345678"
    assert profile.masked_guardian_mobile == "138****5678"
    event = AuditEvent.objects.get(action="volunteer.create")
    assert event.actor == manager
    assert event.changes["guardian_mobile"] == ["", "138****5678"]
    assert "13812345678" not in str(event.changes)
    volunteer_update(actor=vol, person=vol, is_student=False)
    profile.refresh_from_db()
    assert (profile.school, profile.grade, profile.guardian_name, profile.guardian_mobile) == (
        "",
        "",
        "",
        "",
    )


def test_it_refuses_a_bad_guardian_mobile(vol):
    with pytest.raises(ValidationError) as info:
        volunteer_update(
            actor=vol, person=vol, is_student=True, school="曹杨二中", guardian_mobile="12345"
        )
    assert "guardian_mobile" in info.value.message_dict


def test_it_lets_only_the_volunteer_and_their_sites_managers_change_a_profile(world, vol):
    other = volunteer_at(world.site_a, "王同学", "13700000001")
    with pytest.raises(PermissionDenied):
        volunteer_update(actor=vol, person=other, bio="x")
    far = volunteer_at(world.site_b, "李阿姨", "13700000002")
    with pytest.raises(PermissionDenied):
        volunteer_update(actor=world.personas["site_manager"], person=far, bio="x")
    volunteer_update(actor=world.personas["district_admin"], person=far, bio="x")


# --- Pledges ----------------------------------------------------------------------------------


def test_it_records_both_pledges_before_the_badge(world, vol, frozen):
    assert not is_onboarded(vol)
    assert [t.document for t in pledges_missing(vol)] == ["service_manual", "privacy"]
    manual = CURRENT[PledgeDocument.SERVICE_MANUAL]
    pledge_accept(actor=vol, person=vol, document=manual.document, version=manual.version)
    assert not is_onboarded(vol)
    privacy = CURRENT[PledgeDocument.PRIVACY]
    manager = world.personas["site_manager"]
    pledge = pledge_accept(
        actor=manager, person=vol, document=privacy.document, version=privacy.version
    )
    assert is_onboarded(vol)
    assert pledge.accepted_by == manager and pledge.accepted_at == frozen
    event = AuditEvent.objects.filter(action="pledge.accept").latest("id")
    assert event.changes["on_behalf"] is True and event.changes["version"] == privacy.version


def test_it_accepts_a_pledge_once_and_only_its_current_version(vol):
    manual = CURRENT[PledgeDocument.SERVICE_MANUAL]
    first = pledge_accept(actor=vol, person=vol, document=manual.document, version=manual.version)
    again = pledge_accept(actor=vol, person=vol, document=manual.document, version=manual.version)
    assert first == again and Pledge.objects.count() == 1
    with pytest.raises(ValidationError) as info:
        pledge_accept(actor=vol, person=vol, document=manual.document, version="2020.1")
    assert info.value.message_dict == {
        "service_manual": ["《服务手册》已更新，请阅读新版本后再确认。"]
    }


def test_it_does_not_let_a_volunteer_pledge_for_another(world, vol):
    other = volunteer_at(world.site_a, "王同学", "13700000001")
    manual = CURRENT[PledgeDocument.SERVICE_MANUAL]
    with pytest.raises(PermissionDenied):
        pledge_accept(actor=vol, person=other, document=manual.document, version=manual.version)


def test_it_tells_whether_a_volunteer_is_still_serving(world, vol):
    profile = volunteer_update(actor=vol, person=vol, bio="x")
    assert volunteer_is_active(profile)
    Membership.objects.filter(user=vol).delete()
    assert not volunteer_is_active(profile)
    Membership.objects.create(user=vol, role=Role.VOLUNTEER, site=world.site_b)
    vol.is_active = False
    vol.save()
    assert not volunteer_is_active(profile)


# --- Certificates -----------------------------------------------------------------------------


def test_it_shows_certificates_to_their_site_and_their_student(world, vol, frozen):
    profile = volunteer_update(actor=vol, person=vol, is_student=True, school="曹杨二中")
    certificate = Certificate.objects.create(
        volunteer=profile,
        site=world.site_a,
        period_start=dt.date(2026, 11, 1),
        period_end=dt.date(2026, 11, 23),
        minutes=225,
        name=vol.name,
        school=profile.school,
        issued_on=dt.date(2026, 11, 23),
        issued_by=world.personas["site_manager"],
    )
    p = world.personas
    assert list(certificates_for(p["volunteer"], {Role.VOLUNTEER})) == [certificate]
    assert list(certificates_for(p["street_admin"], VIEW)) == [certificate]
    other = volunteer_at(world.site_a, "王同学", "13700000001")
    assert list(certificates_for(other, {Role.VOLUNTEER})) == []
    assert list(certificates_for(p["outsider"], VIEW)) == []
