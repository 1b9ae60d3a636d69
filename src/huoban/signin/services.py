"""Signing elders and family members in by SMS code, and who acts for which elder.

The flows that tie an account (``accounts``) to an elder's record (``people``): a code sent
to a mobile and typed back, the account a verified mobile signs in to (an elder registered
at a desk gets one linked to their record), registering online, and family links made with
the elder's consent. Staff accounts never sign in with a code: they have a password.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huoban.accounts.models import (
    CodePurpose,
    ConsentMethod,
    ElderLink,
    LinkRelation,
    Membership,
    Role,
    SignInCode,
    User,
)
from huoban.audit.services import audit_record
from huoban.lib.crypto import blind_index, mobile_index
from huoban.lib.ids import mask_mobile, normalize_mobile, validate_mobile
from huoban.notify.channels import sms_gateway
from huoban.people.models import Elder
from huoban.people.services import elder_create_online

logger = logging.getLogger("huoban.sms")


# --- Codes ----------------------------------------------------------------------------------

CODE_DIGITS = 6
CODE_LIFETIME = dt.timedelta(minutes=10)
CODE_RESEND_AFTER = dt.timedelta(seconds=60)
CODES_PER_HOUR = 5
CODE_TRIES = 5
STAFF_USE_PASSWORD = gettext_lazy("这是工作人员账号，请从页面底部的“工作人员入口”用密码登录。")


def deliver_text(*, mobile: str, text: str, kind: str) -> None:
    """Send a one-off text message now (codes are never queued or stored in clear)."""
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


def staff_user(user: User) -> bool:
    """Whether the account is a staff one (those sign in with a password, never a code):
    a staff role, access to the admin, or a password of its own."""
    if user.is_staff or user.is_superuser or user.has_usable_password():
        return True
    return Membership.objects.filter(user=user).exclude(role__in=[Role.ELDER, Role.FAMILY]).exists()


def _refuse_staff_number(mobile: str) -> None:
    """A number that belongs to a staff account gets no sign-in code: staff sign in with
    their password (a number that is not valid belongs to nobody)."""
    try:
        normalised = normalize_mobile(mobile)
    except ValidationError:
        return
    known = User.objects.filter(mobile=normalised).first()
    if known is not None and staff_user(known):
        raise ValidationError({"mobile": STAFF_USE_PASSWORD})


def sign_in_code_send(
    *,
    mobile: str,
    purpose: str = CodePurpose.SIGN_IN,
    requested_by: User | None = None,
    now: dt.datetime | None = None,
    throttle: Callable[[], None] | None = None,
) -> SignInCode:
    """Send a six-digit code by SMS to ``mobile`` (to sign in, or for an elder's consent).

    A staff account's number gets no sign-in code (``STAFF_USE_PASSWORD``). ``throttle`` is
    the caller's own limit (the portal's, per network address): called once the number may
    have a code, before anything is checked or counted for it; it raises to refuse. At most
    one code a minute and five an hour per number; a new code replaces the old.
    """
    if purpose == CodePurpose.SIGN_IN:
        _refuse_staff_number(mobile)
    if throttle is not None:
        throttle()
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


# --- Accounts for verified mobiles, and family links -------------------------------------------


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
