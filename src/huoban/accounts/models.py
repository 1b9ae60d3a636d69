"""People who sign in, the roles they hold and where, invitations and API tokens."""

from __future__ import annotations

import hashlib
import uuid

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from huoban.lib.ids import mask_mobile, normalize_mobile


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, mobile: str, password: str | None = None, **extra) -> User:
        user = self.model(mobile=normalize_mobile(mobile), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, mobile: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(mobile, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with a mainland mobile number and a password."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    mobile = models.CharField(_("手机号码"), max_length=11, unique=True)
    name = models.CharField(_("姓名"), max_length=50)
    is_active = models.BooleanField(_("启用"), default=True)
    is_staff = models.BooleanField(_("可进入后台管理"), default=False)
    date_joined = models.DateTimeField(_("注册时间"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = UserManager()

    USERNAME_FIELD = "mobile"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return f"{self.name} ({self.masked_mobile})"

    @property
    def masked_mobile(self) -> str:
        return mask_mobile(self.mobile)


class Role(models.TextChoices):
    ELDER = "elder", _("长者")
    FAMILY = "family", _("亲友")
    VOLUNTEER = "volunteer", _("志愿者/工作人员")
    SITE_MANAGER = "site_manager", _("站点负责人")
    STREET_ADMIN = "street_admin", _("街镇管理员")
    DISTRICT_ADMIN = "district_admin", _("区管理员")
    PROGRAMME_OFFICE = "programme_office", _("市项目办")
    REVIEWER = "reviewer", _("评审专家")
    VENDOR = "vendor", _("产品企业")


class ScopeKind(models.TextChoices):
    NONE = "none", _("本人")
    SITE = "site", _("站点")
    REGION = "region", _("区划")
    ORGANISATION = "organisation", _("单位")


# Which kind of scope each role is given, and for region roles, which level.
ROLE_SCOPE = {
    Role.ELDER: ScopeKind.NONE,
    Role.FAMILY: ScopeKind.NONE,
    Role.REVIEWER: ScopeKind.NONE,
    Role.VOLUNTEER: ScopeKind.SITE,
    Role.SITE_MANAGER: ScopeKind.SITE,
    Role.STREET_ADMIN: ScopeKind.REGION,
    Role.DISTRICT_ADMIN: ScopeKind.REGION,
    Role.PROGRAMME_OFFICE: ScopeKind.REGION,
    Role.VENDOR: ScopeKind.ORGANISATION,
}
ROLE_REGION_LEVEL = {
    Role.STREET_ADMIN: "street",
    Role.DISTRICT_ADMIN: "district",
    Role.PROGRAMME_OFFICE: "city",
}


def _scope_constraint() -> Q:
    """Exactly the scope the role calls for, and no other."""

    def roles(kind: ScopeKind) -> list[str]:
        return [r.value for r, k in ROLE_SCOPE.items() if k == kind]

    empty = Q(region__isnull=True, site__isnull=True, organisation__isnull=True)
    return (
        (Q(role__in=roles(ScopeKind.NONE)) & empty)
        | (
            Q(role__in=roles(ScopeKind.SITE))
            & Q(site__isnull=False, region__isnull=True, organisation__isnull=True)
        )
        | (
            Q(role__in=roles(ScopeKind.REGION))
            & Q(region__isnull=False, site__isnull=True, organisation__isnull=True)
        )
        | (
            Q(role__in=roles(ScopeKind.ORGANISATION))
            & Q(organisation__isnull=False, site__isnull=True, region__isnull=True)
        )
    )


class Membership(models.Model):
    """A role held by a user over one scope: a site, a region's subtree or an organisation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    site = models.ForeignKey(
        "sites.Site",
        verbose_name=_("站点"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    organisation = models.ForeignKey(
        "sites.Organisation",
        verbose_name=_("单位"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user_id", "role", "id"]
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [
            models.CheckConstraint(
                condition=_scope_constraint(), name="membership_scope_fits_role"
            ),
            # One membership per user, role and scope (written per scope kind: SQLite has
            # no NULLS NOT DISTINCT).
            models.UniqueConstraint(
                fields=["user", "role", "site"],
                condition=Q(site__isnull=False),
                name="membership_unique_site",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "region"],
                condition=Q(region__isnull=False),
                name="membership_unique_region",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "organisation"],
                condition=Q(organisation__isnull=False),
                name="membership_unique_organisation",
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(site__isnull=True, region__isnull=True, organisation__isnull=True),
                name="membership_unique_self",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} · {self.scope_label}"

    @property
    def scope_label(self) -> str:
        target = self.site or self.region or self.organisation
        return str(target) if target else str(ScopeKind.NONE.label)


class Invitation(models.Model):
    """An invitation to take a role, opened through a one-time link to set a password."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    token_hash = models.CharField(max_length=64, unique=True)
    mobile = models.CharField(_("手机号码"), max_length=11)
    name = models.CharField(_("姓名"), max_length=50)
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    region = models.ForeignKey(
        "regions.Region", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    site = models.ForeignKey(
        "sites.Site", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    organisation = models.ForeignKey(
        "sites.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    invited_by = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="invitations_sent"
    )
    expires_at = models.DateTimeField(_("有效期至"))
    accepted_at = models.DateTimeField(_("接受时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("邀请")
        verbose_name_plural = _("邀请")

    def __str__(self) -> str:
        return f"{self.name} ({mask_mobile(self.mobile)})"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 hash is stored."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("用途"), max_length=100)
    prefix = models.CharField(max_length=8)
    token_hash = models.CharField(max_length=64, unique=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class CodePurpose(models.TextChoices):
    SIGN_IN = "sign_in", _("登录")
    CONSENT = "consent", _("同意家人代办")


class SignInCode(models.Model):
    """A six-digit code sent by SMS: to sign in, or for an elder to consent to a family link.

    Only keyed hashes are stored (of the number and of the code). A code expires, allows a
    few wrong tries, and is used once.
    """

    mobile_index = models.CharField(max_length=64, db_index=True)
    purpose = models.CharField(max_length=16, choices=CodePurpose.choices)
    code_hash = models.CharField(max_length=64)
    # For a consent code: the family member who asked for it.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["mobile_index", "created_at"], name="code_mobile_idx")]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} · {self.created_at:%Y-%m-%d}"


class LinkRelation(models.TextChoices):
    SELF = "self", _("本人")
    FAMILY = "family", _("家人代办")


class ConsentMethod(models.TextChoices):
    SMS_CODE = "sms_code", _("长者手机验证码")
    DESK = "desk", _("在服务点当面确认")


class ElderLink(models.Model):
    """A user who acts for an elder: the elder themself, or a family member the elder agreed
    to (亲友代办: one phone, several elders). Every proxy action names the proxy as actor."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="elder_links")
    elder = models.ForeignKey("people.Elder", on_delete=models.PROTECT, related_name="links")
    relation = models.CharField(_("关系"), max_length=16, choices=LinkRelation.choices)
    consent_method = models.CharField(_("同意方式"), max_length=16, choices=ConsentMethod.choices)
    consent_at = models.DateTimeField(_("同意时间"))
    recorded_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(_("解除时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["relation", "created_at", "id"]
        verbose_name = _("长者绑定")
        verbose_name_plural = _("长者绑定")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "elder"],
                condition=Q(revoked_at__isnull=True),
                name="elder_link_once",
            ),
            # An elder has one own account.
            models.UniqueConstraint(
                fields=["elder"],
                condition=Q(revoked_at__isnull=True, relation="self"),
                name="elder_link_one_self",
            ),
            # An account is one elder's own at most.
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(revoked_at__isnull=True, relation="self"),
                name="elder_link_user_self_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.elder} ({self.get_relation_display()})"
