"""Granting roles, creating accounts, inviting people, issuing API tokens.

(Taking a role away also releases the person's shifts: ``roster.services.membership_revoke``.
Signing elders in by SMS code and family links: ``signin.services``.)"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huoban.accounts import roles
from huoban.accounts.models import (
    ROLE_REGION_LEVEL,
    ROLE_SCOPE,
    ApiToken,
    Invitation,
    Membership,
    Role,
    ScopeKind,
    User,
)
from huoban.accounts.selectors import holds_role_over
from huoban.audit.services import audit_record
from huoban.lib.ids import validate_mobile

INVITATION_DAYS = 7


def check_authority(actor: Any, region: Any, site: Any, organisation: Any) -> None:
    """The actor may only give (or take away) roles inside their own people-management
    scope; ``actor=None`` is the system (commands, demo data)."""
    if actor is None:
        return
    if region is not None:
        allowed = holds_role_over(actor, roles.PEOPLE, region_path=region.path)
    elif site is not None:
        allowed = holds_role_over(actor, roles.PEOPLE, region_path=site.region_path)
    else:
        allowed = holds_role_over(actor, roles.PEOPLE, anywhere=True)
    if not allowed:
        raise ValidationError(_("您只能在自己负责的范围内授予角色。"))


def _check_scope(role: str, region: Any, site: Any, organisation: Any) -> None:
    kind = ROLE_SCOPE[Role(role)]
    given = {ScopeKind.REGION: region, ScopeKind.SITE: site, ScopeKind.ORGANISATION: organisation}
    errors: dict[str, str] = {}
    for scope_kind, value in given.items():
        if scope_kind == kind and value is None:
            errors[scope_kind.value] = _("角色“%(role)s”需要选择%(scope)s。") % {
                "role": Role(role).label,
                "scope": scope_kind.label,
            }
        elif scope_kind != kind and value is not None:
            errors[scope_kind.value] = _("角色“%(role)s”不应选择%(scope)s。") % {
                "role": Role(role).label,
                "scope": scope_kind.label,
            }
    level = ROLE_REGION_LEVEL.get(Role(role))
    if region is not None and level and region.level != level:
        errors["region"] = _(
            "角色“%(role)s”的范围应是%(level)s级区划，“%(name)s”是%(actual)s级。"
        ) % {
            "role": Role(role).label,
            "level": dict(region._meta.get_field("level").choices)[level],
            "name": region.name,
            "actual": region.get_level_display(),
        }
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def membership_grant(
    *,
    actor: Any,
    user: User,
    role: str,
    region: Any = None,
    site: Any = None,
    organisation: Any = None,
) -> Membership:
    """Give ``user`` the ``role`` over one scope (the kind the role calls for)."""
    _check_scope(role, region, site, organisation)
    membership, created = Membership.objects.get_or_create(
        user=user, role=role, region=region, site=site, organisation=organisation
    )
    if created:
        audit_record(
            actor=actor,
            action="membership.grant",
            obj=membership,
            changes={"user": user.pk, "role": role, "scope": membership.scope_label},
        )
    return membership


@transaction.atomic
def user_create(*, actor: Any, mobile: str, name: str, password: str | None) -> User:
    """Create an account; the mobile number must be valid and not yet registered."""
    try:
        mobile = validate_mobile(mobile)
    except ValidationError as exc:
        raise ValidationError({"mobile": exc.messages}) from None
    if not name.strip():
        raise ValidationError({"name": _("请填写姓名。")})
    if User.objects.filter(mobile=mobile).exists():
        raise ValidationError({"mobile": _("这个手机号码已经注册。")})
    user = User.objects.create_user(mobile, password, name=name.strip())
    audit_record(actor=actor, action="user.create", obj=user, changes={"name": user.name})
    return user


@transaction.atomic
def invitation_create(
    *,
    actor: Any,
    mobile: str,
    name: str,
    role: str,
    region: Any = None,
    site: Any = None,
    organisation: Any = None,
) -> tuple[Invitation | None, str | None, Membership | None]:
    """Invite a person to a role.

    A mobile number that already has an account gets the role at once (returns its
    membership). Otherwise an invitation is stored and its one-time token returned: the link
    built from it lets the person choose a password, once, within ``INVITATION_DAYS``.
    """
    try:
        mobile = validate_mobile(mobile)
    except ValidationError as exc:
        raise ValidationError({"mobile": exc.messages}) from None
    if not name.strip():
        raise ValidationError({"name": _("请填写姓名。")})
    if role not in Role.values:
        raise ValidationError({"role": _("请选择角色。")})
    _check_scope(role, region, site, organisation)
    check_authority(actor, region, site, organisation)
    existing = User.objects.filter(mobile=mobile).first()
    if existing is not None:
        membership = membership_grant(
            actor=actor,
            user=existing,
            role=role,
            region=region,
            site=site,
            organisation=organisation,
        )
        return None, None, membership
    token = secrets.token_urlsafe(24)
    invitation = Invitation.objects.create(
        token_hash=Invitation.hash_token(token),
        mobile=mobile,
        name=name.strip(),
        role=role,
        region=region,
        site=site,
        organisation=organisation,
        invited_by=actor,
        expires_at=timezone.now() + dt.timedelta(days=INVITATION_DAYS),
    )
    audit_record(
        actor=actor,
        action="invitation.create",
        obj=invitation,
        changes={"role": role, "name": invitation.name},
    )
    return invitation, token, None


def invitation_by_token(token: str) -> Invitation | None:
    return Invitation.objects.filter(token_hash=Invitation.hash_token(token)).first()


@transaction.atomic
def invitation_accept(*, invitation: Invitation, password: str) -> User:
    """Create the invited account with ``password`` and give it the invited role."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise ValidationError(_("这个邀请已经使用过或已过期，请联系邀请您的工作人员重新邀请。"))
    user = User(mobile=invitation.mobile, name=invitation.name)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password1": exc.messages}) from None
    if User.objects.filter(mobile=invitation.mobile).exists():
        raise ValidationError(_("这个手机号码已经注册，请直接登录。"))
    user.set_password(password)
    user.save()
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at", "updated_at"])
    membership_grant(
        actor=user,
        user=user,
        role=invitation.role,
        region=invitation.region,
        site=invitation.site,
        organisation=invitation.organisation,
    )
    audit_record(actor=user, action="invitation.accept", obj=invitation)
    return user


@transaction.atomic
def api_token_create(*, actor: Any, user: User, name: str) -> tuple[ApiToken, str]:
    """Issue a token; the plain token is returned once and only its hash is kept."""
    if not name.strip():
        raise ValidationError({"name": _("请说明令牌的用途。")})
    plain = "hb_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name.strip(), prefix=plain[:8], token_hash=Invitation.hash_token(plain)
    )
    audit_record(actor=actor, action="api_token.create", obj=token, changes={"name": token.name})
    return token, plain


@transaction.atomic
def api_token_revoke(*, actor: Any, token: ApiToken) -> None:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at", "updated_at"])
    audit_record(actor=actor, action="api_token.revoke", obj=token)
