"""Granting roles, inviting people, issuing API tokens."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huoban.accounts import roles
from huoban.accounts.models import (
    ROLE_REGION_LEVEL,
    ROLE_SCOPE,
    ApiToken,
    CodePurpose,
    ConsentMethod,
    ElderLink,
    Invitation,
    LinkRelation,
    Membership,
    Role,
    ScopeKind,
    SignInCode,
    User,
)
from huoban.accounts.selectors import holds_role_over
from huoban.audit.services import audit_record
from huoban.lib.crypto import blind_index
from huoban.lib.ids import mask_mobile, validate_mobile
from huoban.people.models import mobile_index

INVITATION_DAYS = 7
logger = logging.getLogger("huoban.sms")


def _check_authority(actor: Any, region: Any, site: Any, organisation: Any) -> None:
    """The actor may only give roles inside their own people-management scope."""
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
def membership_revoke(*, actor: Any, membership: Membership) -> None:
    """Take a role away; the actor must manage people over the membership's scope."""
    _check_authority(actor, membership.region, membership.site, membership.organisation)
    audit_record(
        actor=actor,
        action="membership.revoke",
        obj=membership,
        changes={
            "user": membership.user_id,
            "role": membership.role,
            "scope": membership.scope_label,
        },
    )
    membership.delete()
    from huoban.roster.services import shifts_release  # the roster builds on accounts

    shifts_release(actor=actor, person=membership.user)


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
    _check_authority(actor, region, site, organisation)
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


# --- Elders and family members: sign-in by SMS code, and who acts for which elder ----------

CODE_DIGITS = 6
CODE_LIFETIME = dt.timedelta(minutes=10)
CODE_RESEND_AFTER = dt.timedelta(seconds=60)
CODES_PER_HOUR = 5
CODE_TRIES = 5
STAFF_USE_PASSWORD = gettext_lazy("这是工作人员账号，请从页面底部的“工作人员入口”用密码登录。")


def deliver_text(*, mobile: str, text: str, kind: str) -> None:
    """Send a one-off text message now (codes are never queued or stored in clear)."""
    from django.conf import settings

    from huoban.notify.channels import sms_gateway

    if "sms" in settings.HUOBAN_NOTIFY_CHANNELS:
        sms_gateway().send(mobile, text)
    else:  # the demo and development: the code is printed where the server runs
        logger.warning("短信 %s → %s：%s", kind, mask_mobile(mobile), text)


def _code_hash(mobile_index: str, code: str) -> str:
    return blind_index(f"{mobile_index}:{code}", purpose="sign_in_code")


def _checked_mobile(mobile: str, field: str = "mobile") -> str:
    try:
        return validate_mobile(mobile)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None


def sign_in_code_send(
    *,
    mobile: str,
    purpose: str = CodePurpose.SIGN_IN,
    requested_by: User | None = None,
    now: dt.datetime | None = None,
) -> SignInCode:
    """Send a six-digit code by SMS to ``mobile`` (to sign in, or for an elder's consent).

    At most one code a minute and five an hour per number; a new code replaces the old.
    """
    now = now or timezone.now()
    mobile = _checked_mobile(mobile)
    index = mobile_index(mobile)
    hour_ago = now - dt.timedelta(hours=1)
    # Each purpose (and each requester's consent codes) counts and replaces its own codes:
    # someone asking for an elder's consent never uses up or voids the elder's sign-in code.
    same_kind = SignInCode.objects.filter(
        mobile_index=index, purpose=purpose, requested_by=requested_by
    )
    recent = same_kind.filter(created_at__gt=hour_ago).order_by("-created_at")
    last = recent.first()
    if last is not None and now - last.created_at < CODE_RESEND_AFTER:
        wait = int((CODE_RESEND_AFTER - (now - last.created_at)).total_seconds()) + 1
        raise ValidationError(
            {"mobile": _("验证码刚刚发出，请 %(n)s 秒后再重新获取。") % {"n": wait}}
        )
    if recent.count() >= CODES_PER_HOUR:
        raise ValidationError(
            {"mobile": _("这个号码一小时内获取验证码太多次了，请稍后再试或打电话求助。")}
        )
    if (
        requested_by is not None
        and SignInCode.objects.filter(requested_by=requested_by, created_at__gt=hour_ago).count()
        >= CODES_PER_HOUR
    ):
        raise ValidationError(
            {"mobile": _("您一小时内发出的验证码太多了，请稍后再试或打电话求助。")}
        )
    code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
    with transaction.atomic():
        same_kind.filter(used_at__isnull=True).update(used_at=now)
        sent = SignInCode.objects.create(
            mobile_index=index,
            purpose=purpose,
            code_hash=_code_hash(index, code),
            requested_by=requested_by,
            expires_at=now + CODE_LIFETIME,
            created_at=now,
        )
    if purpose == CodePurpose.CONSENT:
        text = _(
            "【数字伙伴】%(name)s请求代您在数字伙伴报名课程、求助。同意请把验证码 %(code)s "
            "告诉对方，10 分钟内有效；不同意请不要告诉任何人。"
        ) % {"name": requested_by.name if requested_by else "", "code": code}
    else:
        text = _("【数字伙伴】您的登录验证码是 %(code)s，10 分钟内有效。请勿告诉他人。") % {
            "code": code
        }
    deliver_text(mobile=mobile, text=text, kind=f"code.{purpose}")
    return sent


def sign_in_code_check(
    *,
    mobile: str,
    code: str,
    purpose: str = CodePurpose.SIGN_IN,
    requested_by: User | None = None,
    now: dt.datetime | None = None,
) -> str:
    """Check a code typed back; returns the normalised mobile it was sent to.

    Wrong tries are counted even though this raises (they are saved outside any caller's
    transaction), and a code is used once.
    """
    now = now or timezone.now()
    mobile = _checked_mobile(mobile)
    index = mobile_index(mobile)
    typed = "".join(ch for ch in (code or "") if not ch.isspace())
    typed = typed.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if not typed:
        raise ValidationError({"code": _("请输入短信里的 6 位验证码。")})
    found = (
        SignInCode.objects.filter(
            mobile_index=index, purpose=purpose, requested_by=requested_by, used_at__isnull=True
        )
        .order_by("-created_at")
        .first()
    )
    if found is None or found.expires_at <= now:
        raise ValidationError({"code": _("验证码已过期，请点“重新获取验证码”。")})
    if found.attempts >= CODE_TRIES:
        raise ValidationError({"code": _("输错次数太多，请点“重新获取验证码”。")})
    # Every try takes one of the code's five before it is compared, counted in the database
    # (F + a guard), so that tries sent at the same moment cannot share one count.
    unspent = SignInCode.objects.filter(pk=found.pk, used_at__isnull=True)
    if not unspent.filter(attempts__lt=CODE_TRIES).update(attempts=F("attempts") + 1):
        raise ValidationError({"code": _("输错次数太多，请点“重新获取验证码”。")})
    if not secrets.compare_digest(found.code_hash, _code_hash(index, typed)):
        left = CODE_TRIES - SignInCode.objects.get(pk=found.pk).attempts
        if left <= 0:
            raise ValidationError({"code": _("输错次数太多，请点“重新获取验证码”。")})
        raise ValidationError(
            {"code": _("验证码不对，请再看一下短信。还可以输入 %(n)s 次。") % {"n": left}}
        )
    if not unspent.update(used_at=now):  # used at the same moment by another request
        raise ValidationError({"code": _("验证码已过期，请点“重新获取验证码”。")})
    return mobile


def staff_user(user: User) -> bool:
    """Whether the account is a staff one (those sign in with a password, never a code):
    a staff role, access to the admin, or a password of its own."""
    if user.is_staff or user.is_superuser or user.has_usable_password():
        return True
    return Membership.objects.filter(user=user).exclude(role__in=[Role.ELDER, Role.FAMILY]).exists()


def _grant_self_role(user: User, role: str) -> None:
    Membership.objects.get_or_create(user=user, role=role)


def _link_self(user: User, elder: Any, now: dt.datetime) -> ElderLink:
    """The elder's own account (their mobile verified by an SMS code)."""
    _grant_self_role(user, Role.ELDER)
    link = ElderLink.objects.create(
        user=user,
        elder=elder,
        relation=LinkRelation.SELF,
        consent_method=ConsentMethod.SMS_CODE,
        consent_at=now,
    )
    audit_record(actor=user, action="elder_link.self", obj=link, changes={"elder": elder.pk})
    return link


@transaction.atomic
def elder_account_for_mobile(*, mobile: str, now: dt.datetime | None = None) -> User | None:
    """The account a verified mobile signs in to.

    An existing account is returned as it is; an elder registered at a desk with this number
    gets an account linked to their record. ``None``: nobody is known by this number yet
    (the portal then asks for a name — ``elder_self_register``).
    """
    from huoban.people.models import Elder

    now = now or timezone.now()
    user = User.objects.filter(mobile=mobile).first()
    if user is not None:
        if staff_user(user):
            raise ValidationError({"code": STAFF_USE_PASSWORD})
        if not user.is_active:
            raise ValidationError({"code": _("这个账号已停用。请打电话求助。")})
        return user
    elder = Elder.objects.filter(mobile_index=mobile_index(mobile)).first()
    if elder is None:
        return None
    user = User.objects.create_user(mobile, None, name=elder.name)
    _link_self(user, elder, now)
    return user


@transaction.atomic
def elder_self_register(
    *, mobile: str, name: str, street: Any, consent: bool, now: dt.datetime | None = None
) -> User:
    """Someone new with a verified mobile registers themself as an elder (with consent)."""
    from huoban.people.services import elder_create_online

    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("请填写您的姓名。")]
    if street is None:
        errors["street"] = [_("请选择您住的街道或镇。")]
    if not consent:
        errors["consent"] = [_("需要您同意，我们才能保存您的报名记录。")]
    if User.objects.filter(mobile=mobile).exists():
        errors["mobile"] = [_("这个手机号码已经注册，请直接登录。")]
    if errors:
        raise ValidationError(errors)
    user = User.objects.create_user(mobile, None, name=name)
    elder = elder_create_online(actor=user, name=name, mobile=mobile, street=street)
    _link_self(user, elder, now)
    return user


@transaction.atomic
def family_user_register(*, mobile: str, name: str) -> User:
    """A family member with a verified mobile gets an account (no elder yet)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("请填写您的姓名。")})
    if User.objects.filter(mobile=mobile).exists():
        raise ValidationError({"mobile": _("这个手机号码已经注册，请直接登录。")})
    user = User.objects.create_user(mobile, None, name=name)
    _grant_self_role(user, Role.FAMILY)
    audit_record(actor=user, action="user.create", obj=user, changes={"name": name})
    return user


@transaction.atomic
def family_link_create(
    *,
    actor: User,
    elder: Any,
    consent_method: str,
    now: dt.datetime | None = None,
) -> ElderLink:
    """Bind ``elder`` to ``actor`` as a family member, after the elder's consent (their SMS
    code typed in by the family member, or confirmed at a desk)."""
    now = now or timezone.now()
    if ElderLink.objects.filter(user=actor, elder=elder, revoked_at__isnull=True).exists():
        raise ValidationError({"mobile": _("您已经绑定了这位家人。")})
    if ElderLink.objects.filter(
        user=actor, elder=elder, relation=LinkRelation.SELF, revoked_at__isnull=True
    ).exists():
        raise ValidationError({"mobile": _("这是您本人。")})
    _grant_self_role(actor, Role.FAMILY)
    link = ElderLink.objects.create(
        user=actor,
        elder=elder,
        relation=LinkRelation.FAMILY,
        consent_method=consent_method,
        consent_at=now,
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="elder_link.family",
        obj=link,
        changes={"elder": elder.pk, "consent": consent_method},
    )
    return link


def family_link_add_by_code(
    *,
    actor: User,
    mobile: str,
    code: str,
    name: str = "",
    street: Any = None,
    now: dt.datetime | None = None,
) -> ElderLink:
    """Bind the elder who owns ``mobile``: they consented by passing on the code sent to
    their phone. An elder not yet registered is registered with the name and street given."""
    from huoban.people.models import Elder
    from huoban.people.services import elder_create_online

    now = now or timezone.now()
    mobile = _checked_mobile(mobile)
    elder = Elder.objects.filter(mobile_index=mobile_index(mobile)).first()
    if elder is None:  # checked first: a missing name must not use up the code
        errors: dict[str, list[str]] = {}
        if not (name or "").strip():
            errors["name"] = [_("请填写家人的姓名。")]
        if street is None:
            errors["street"] = [_("请选择家人住的街道或镇。")]
        if errors:
            raise ValidationError(errors)
    # Outside the transaction, so that a wrong try is counted.
    sign_in_code_check(
        mobile=mobile, code=code, purpose=CodePurpose.CONSENT, requested_by=actor, now=now
    )
    with transaction.atomic():
        if elder is None:
            elder = elder_create_online(actor=actor, name=name, mobile=mobile, street=street)
        return family_link_create(
            actor=actor, elder=elder, consent_method=ConsentMethod.SMS_CODE, now=now
        )


@transaction.atomic
def elder_link_revoke(*, actor: User, link: ElderLink, now: dt.datetime | None = None) -> None:
    """End a family link: by the family member, or by the elder on their own account."""
    now = now or timezone.now()
    own = ElderLink.objects.filter(
        user=actor, elder=link.elder, relation=LinkRelation.SELF, revoked_at__isnull=True
    ).exists()
    if link.relation != LinkRelation.FAMILY or not (link.user_id == actor.pk or own):
        raise PermissionDenied(_("您不能解除这个绑定。"))
    if link.revoked_at is not None:
        raise ValidationError(_("这个绑定已经解除了。"))
    link.revoked_at = now
    link.save(update_fields=["revoked_at", "updated_at"])
    audit_record(actor=actor, action="elder_link.revoke", obj=link)
