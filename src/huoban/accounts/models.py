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
