"""Inviting people, granting roles and issuing API tokens: the right person gets the right
role over the right scope, bad input is refused in Chinese, and every change is audited."""

from __future__ import annotations

import datetime as dt
import hashlib
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from huoban.accounts import roles, services
from huoban.accounts.models import ApiToken, Invitation, Membership, Role, User
from huoban.audit.models import AuditEvent
from huoban.roster.services import membership_revoke
from huoban.sites.selectors import sites_for

SH = ZoneInfo("Asia/Shanghai")
NEW_MOBILE = "13812345678"
NEW_PASSWORD = "qingshan-lvshui-2026"
INVITED_AT = dt.datetime(2026, 11, 23, 10, 0, tzinfo=SH)


def errors_on(exc: pytest.ExceptionInfo[ValidationError], field: str) -> str:
    return " ".join(exc.value.message_dict[field])


@pytest.fixture
def invite(world):
    """City admin invites a new street admin for 曹杨 on Monday 23 Nov 2026, 10:00."""

    def make(**overrides):
        fields = {
            "actor": world.personas["city_admin"],
            "mobile": NEW_MOBILE,
            "name": "李建国",
            "role": Role.STREET_ADMIN,
            "region": world.caoyang,
        }
        with time_machine.travel(INVITED_AT, tick=False):
            return services.invitation_create(**{**fields, **overrides})

    return make


def accept(
    invitation: Invitation,
    password: str = NEW_PASSWORD,
    when: dt.datetime = INVITED_AT + dt.timedelta(days=1),
) -> User:
    with time_machine.travel(when, tick=False):
        return services.invitation_accept(invitation=invitation, password=password)


# --- invitations -------------------------------------------------------------------------


def test_it_invites_a_new_mobile_with_a_one_time_token(world, invite):
    invitation, token, membership = invite(mobile="138 1234 5678")
    assert membership is None
    assert token and isinstance(token, str)
    assert invitation.mobile == NEW_MOBILE
    assert invitation.expires_at == INVITED_AT + dt.timedelta(days=7)
    assert services.invitation_by_token(token) == invitation
    assert services.invitation_by_token(token + "x") is None
    assert not Invitation.objects.filter(token_hash=token).exists()
    assert not User.objects.filter(mobile=NEW_MOBILE).exists()
    event = AuditEvent.objects.get(action="invitation.create")
    assert event.actor == world.personas["city_admin"]
    assert token not in str(event.changes)


def test_accepting_an_invitation_creates_the_account_with_its_role(world, invite):
    invitation, token, _m = invite()
    user = accept(services.invitation_by_token(token), when=INVITED_AT + dt.timedelta(days=2))
    assert (user.mobile, user.name) == (NEW_MOBILE, "李建国")
    assert user.check_password(NEW_PASSWORD)
    membership = Membership.objects.get(user=user)
    assert (membership.role, membership.region) == (Role.STREET_ADMIN, world.caoyang)
    assert {s.name for s in sites_for(user, roles.SITE_VIEW)} == {world.site_a.name}
    invitation.refresh_from_db()
    assert invitation.accepted_at == INVITED_AT + dt.timedelta(days=2)
    assert AuditEvent.objects.get(action="invitation.accept").actor == user
    assert AuditEvent.objects.get(action="membership.grant").actor == user


def test_an_invitation_can_be_used_only_once(world, invite):
    invitation, _t, _m = invite()
    accept(invitation)
    users = User.objects.count()
    with pytest.raises(ValidationError) as exc:
        accept(invitation, "another-good-password")
    assert exc.value.messages == ["这个邀请已经使用过或已过期，请联系邀请您的工作人员重新邀请。"]
    assert User.objects.count() == users
    assert User.objects.get(mobile=NEW_MOBILE).check_password(NEW_PASSWORD)


def test_an_expired_invitation_is_refused(world, invite):
    invitation, _t, _m = invite()
    users = User.objects.count()
    with pytest.raises(ValidationError) as exc:
        accept(invitation, when=INVITED_AT + dt.timedelta(days=7))
    assert "已过期" in exc.value.messages[0]
    assert User.objects.count() == users
    assert not Membership.objects.filter(user__mobile=NEW_MOBILE).exists()


def test_an_invitation_still_works_one_second_before_it_expires(world, invite):
    invitation, _t, _m = invite()
    last_second = INVITED_AT + dt.timedelta(days=7) - dt.timedelta(seconds=1)
    user = accept(invitation, when=last_second)
    assert Membership.objects.filter(user=user, role=Role.STREET_ADMIN).exists()


def test_a_weak_password_is_refused_and_the_invitation_stays_open(world, invite):
    invitation, _t, _m = invite()
    with pytest.raises(ValidationError) as exc:
        accept(invitation, "12345678")
    assert exc.value.message_dict["password1"]
    assert not User.objects.filter(mobile=NEW_MOBILE).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    accept(invitation)
    assert User.objects.filter(mobile=NEW_MOBILE).exists()


def test_an_invitation_for_a_mobile_registered_meanwhile_is_refused(world, invite):
    invitation, _t, _m = invite()
    User.objects.create_user(NEW_MOBILE, "another-good-password", name="李建国")
    with pytest.raises(ValidationError) as exc:
        accept(invitation)
    assert exc.value.messages == ["这个手机号码已经注册，请直接登录。"]
    assert not Membership.objects.filter(user__mobile=NEW_MOBILE).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_inviting_someone_who_already_has_an_account_grants_the_role_at_once(world, invite):
    outsider = world.personas["outsider"]
    invitation, token, membership = invite(
        mobile=outsider.mobile, role=Role.VOLUNTEER, region=None, site=world.site_b
    )
    assert (invitation, token) == (None, None)
    assert (membership.user, membership.role, membership.site) == (
        outsider,
        Role.VOLUNTEER,
        world.site_b,
    )
    assert not Invitation.objects.exists()
    outsider = User.objects.get(pk=outsider.pk)
    assert {s.name for s in sites_for(outsider, roles.SITE_VIEW)} == {world.site_b.name}


@pytest.mark.parametrize(
    ("mobile", "text"),
    [
        ("12345", "手机号码应为11位数字，您输入了5位"),
        ("2381234567", "请填写11位手机号码"),
        ("021-62000000", "这是固定电话号码"),
        ("10012345678", "不是有效的中国大陆手机号码"),
        ("", "请输入手机号码。"),
    ],
)
def test_it_refuses_an_invalid_mobile_in_chinese(world, invite, mobile, text):
    with pytest.raises(ValidationError) as exc:
        invite(mobile=mobile)
    assert text in errors_on(exc, "mobile")
    assert not Invitation.objects.exists()
    assert not AuditEvent.objects.exists()


def test_it_refuses_an_invitation_without_a_name(world, invite):
    with pytest.raises(ValidationError) as exc:
        invite(name="  ")
    assert errors_on(exc, "name") == "请填写姓名。"
    assert not Invitation.objects.exists()


def test_it_refuses_a_street_admin_over_a_district(world, invite):
    with pytest.raises(ValidationError) as exc:
        invite(region=world.putuo)
    assert errors_on(exc, "region") == ("角色“街镇管理员”的范围应是街镇级区划，“普陀区”是区级。")
    assert not Invitation.objects.exists()


def test_it_refuses_a_volunteer_given_a_region_instead_of_a_site(world, invite):
    with pytest.raises(ValidationError) as exc:
        invite(role=Role.VOLUNTEER)
    assert errors_on(exc, "region") == "角色“志愿者/工作人员”不应选择区划。"
    assert errors_on(exc, "site") == "角色“志愿者/工作人员”需要选择站点。"
    assert not Invitation.objects.exists()


def test_it_refuses_an_unknown_role(world, invite):
    with pytest.raises(ValidationError) as exc:
        invite(role="mayor")
    assert errors_on(exc, "role") == "请选择角色。"


# --- memberships -------------------------------------------------------------------------


def test_it_grants_an_existing_user_a_role_and_audits_it(world):
    admin, outsider = world.personas["district_admin"], world.personas["outsider"]
    membership = services.membership_grant(
        actor=admin, user=outsider, role=Role.SITE_MANAGER, site=world.site_b
    )
    assert membership.scope_label == world.site_b.name
    assert {s.name for s in sites_for(outsider, roles.SITE_EDIT)} == {world.site_b.name}
    event = AuditEvent.objects.get(action="membership.grant")
    assert event.actor == admin
    assert event.changes["role"] == Role.SITE_MANAGER


def test_granting_the_same_role_twice_keeps_one_membership(world):
    admin, outsider = world.personas["district_admin"], world.personas["outsider"]
    first = services.membership_grant(
        actor=admin, user=outsider, role=Role.DISTRICT_ADMIN, region=world.putuo
    )
    again = services.membership_grant(
        actor=admin, user=outsider, role=Role.DISTRICT_ADMIN, region=world.putuo
    )
    assert first.pk == again.pk
    assert Membership.objects.filter(user=outsider).count() == 1
    assert AuditEvent.objects.filter(action="membership.grant").count() == 1


@pytest.mark.parametrize(
    ("role", "scope", "field", "text"),
    [
        (Role.STREET_ADMIN, {"region": "putuo"}, "region", "范围应是街镇级区划，“普陀区”是区级"),
        (Role.DISTRICT_ADMIN, {"region": "caoyang"}, "region", "范围应是区级区划"),
        (Role.PROGRAMME_OFFICE, {"region": "putuo"}, "region", "范围应是市级区划"),
        (Role.SITE_MANAGER, {}, "site", "需要选择站点"),
        (Role.ELDER, {"region": "caoyang"}, "region", "不应选择区划"),
        (Role.VENDOR, {"site": "site_a"}, "organisation", "需要选择单位"),
    ],
)
def test_it_refuses_a_role_over_the_wrong_kind_of_scope(world, role, scope, field, text):
    outsider = world.personas["outsider"]
    with pytest.raises(ValidationError) as exc:
        services.membership_grant(
            actor=world.personas["city_admin"],
            user=outsider,
            role=role,
            **{k: getattr(world, v) for k, v in scope.items()},
        )
    assert text in errors_on(exc, field)
    assert not Membership.objects.filter(user=outsider).exists()
    assert not AuditEvent.objects.exists()


def test_it_revokes_a_role_and_audits_it(world):
    admin, volunteer = world.personas["city_admin"], world.personas["volunteer"]
    membership = Membership.objects.get(user=volunteer)
    membership_revoke(actor=admin, membership=membership)
    volunteer = User.objects.get(pk=volunteer.pk)
    assert not sites_for(volunteer, roles.SITE_VIEW).exists()
    event = AuditEvent.objects.get(action="membership.revoke")
    assert event.actor == admin
    assert event.changes["scope"] == world.site_a.name


# --- accounts ----------------------------------------------------------------------------


def test_it_creates_an_account_with_a_normalised_mobile(world):
    admin = world.personas["city_admin"]
    user = services.user_create(
        actor=admin, mobile="+86 138-1234-5678", name=" 王芳 ", password=NEW_PASSWORD
    )
    assert (user.mobile, user.name) == (NEW_MOBILE, "王芳")
    assert AuditEvent.objects.get(action="user.create").actor == admin


def test_it_refuses_a_mobile_that_is_already_registered(world):
    users = User.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.user_create(
            actor=None, mobile=world.personas["elder"].mobile, name="另一人", password=NEW_PASSWORD
        )
    assert errors_on(exc, "mobile") == "这个手机号码已经注册。"
    assert User.objects.count() == users


# --- API tokens --------------------------------------------------------------------------


def test_it_issues_an_api_token_and_keeps_only_its_hash(world):
    admin = world.personas["city_admin"]
    token, plain = services.api_token_create(actor=admin, user=admin, name=" 区大屏 ")
    assert plain.startswith("hb_")
    assert len(plain) > 40
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.name == "区大屏"
    assert stored.token_hash == hashlib.sha256(plain.encode()).hexdigest()
    assert stored.prefix == plain[:8]
    row = ApiToken.objects.filter(pk=token.pk).values().get()
    assert all(plain not in str(value) for value in row.values())
    event = AuditEvent.objects.get(action="api_token.create")
    assert event.actor == admin
    assert plain not in str(event.changes)


def test_two_api_tokens_differ(world):
    admin = world.personas["city_admin"]
    _a, first = services.api_token_create(actor=admin, user=admin, name="一")
    _b, second = services.api_token_create(actor=admin, user=admin, name="二")
    assert first != second


def test_it_refuses_an_api_token_without_a_purpose(world):
    admin = world.personas["city_admin"]
    with pytest.raises(ValidationError) as exc:
        services.api_token_create(actor=admin, user=admin, name=" ")
    assert errors_on(exc, "name") == "请说明令牌的用途。"
    assert not ApiToken.objects.exists()


def test_it_revokes_an_api_token_and_audits_it(world):
    admin = world.personas["city_admin"]
    token, _plain = services.api_token_create(actor=admin, user=admin, name="区大屏")
    with time_machine.travel(INVITED_AT, tick=False):
        services.api_token_revoke(actor=admin, token=token)
    assert ApiToken.objects.get(pk=token.pk).revoked_at == INVITED_AT
    assert AuditEvent.objects.get(action="api_token.revoke").actor == admin
