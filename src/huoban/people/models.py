"""The people of the programme: the older people a site serves (服务对象), a minimal profile
kept with consent; and the volunteers who serve them, their pledges and certificates.

Mobile and resident ID numbers are encrypted at rest; each has a blind index for exact
look-up and de-duplication. The last four digits of the mobile are kept in clear: the desk
finds people by them, and every screen shows them anyway (138****5678).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from decimal import ROUND_DOWN, Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huoban.lib.crypto import EncryptedTextField
from huoban.lib.ids import mask_mobile, mask_resident_id


def mask_name(name: str) -> str:
    """A name with its middle hidden, for telling someone a profile exists: 张*明, 李*."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


class Elder(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(gettext_lazy("姓名"), max_length=50)
    mobile = EncryptedTextField(gettext_lazy("手机号"), blank=True)
    mobile_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    mobile_last4 = models.CharField(max_length=4, blank=True, db_index=True, editable=False)
    id_number = EncryptedTextField(gettext_lazy("身份证号"), blank=True)
    id_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    birth_year = models.PositiveSmallIntegerField(gettext_lazy("出生年份"), null=True, blank=True)
    street = models.ForeignKey(
        "regions.Region",
        verbose_name=gettext_lazy("居住街镇"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The street's path, else the home site's: what region scopes see.
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    home_site = models.ForeignKey(
        "sites.Site",
        verbose_name=gettext_lazy("登记站点"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="elders",
    )
    consent_at = models.DateTimeField(gettext_lazy("同意保存记录的时间"))
    # Name, full pinyin and pinyin initials, lower case: "张小明 zhangxiaoming zxm".
    search_text = models.TextField(editable=False, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = gettext_lazy("长者")
        verbose_name_plural = gettext_lazy("长者")
        constraints = [
            models.UniqueConstraint(
                fields=["mobile_index"], condition=~Q(mobile_index=""), name="elder_mobile_once"
            ),
            models.UniqueConstraint(
                fields=["id_index"], condition=~Q(id_index=""), name="elder_id_number_once"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_mobile(self) -> str:
        """138****5678, or "" when there is no number."""
        return mask_mobile(self.mobile) if self.mobile else ""

    @property
    def masked_id_number(self) -> str:
        """310***********1234, or "" when there is no number."""
        return mask_resident_id(self.id_number) if self.id_number else ""

    @property
    def desk_label(self) -> str:
        """How the desk tells people apart: 张小明 · 138****5678 · 1948年生."""
        parts = [self.name]
        if self.mobile_last4:
            # A list that deferred the encrypted column still has the clear last four digits.
            deferred = "mobile" in self.get_deferred_fields()
            parts.append("*******" + self.mobile_last4 if deferred else self.masked_mobile)
        if self.birth_year:
            parts.append(_("%(year)s年生") % {"year": self.birth_year})
        return " · ".join(parts)


# --- Volunteers ----------------------------------------------------------------------------


class Skill(models.TextChoices):
    """What a volunteer can help with: the high-frequency scenarios (seed 001) and teaching."""

    PHONE_BASICS = "phone_basics", gettext_lazy("手机基本操作")
    MEDICAL = "medical", gettext_lazy("就医挂号")
    TRAVEL = "travel", gettext_lazy("出行打车")
    CODES = "codes", gettext_lazy("亮码扫码")
    PAYMENTS = "payments", gettext_lazy("缴费与移动支付")
    CHAT = "chat", gettext_lazy("微信聊天与视频")
    SHOPPING = "shopping", gettext_lazy("网上购物")
    GOVERNMENT = "government", gettext_lazy("政务办事")
    ANTI_FRAUD = "anti_fraud", gettext_lazy("防范诈骗")
    PRODUCTS = "products", gettext_lazy("一键通产品操作")
    TEACHING = "teaching", gettext_lazy("课堂授课")


class Dialect(models.TextChoices):
    MANDARIN = "mandarin", gettext_lazy("普通话")
    SHANGHAINESE = "shanghainese", gettext_lazy("沪语")
    CANTONESE = "cantonese", gettext_lazy("粤语")
    SUZHOU = "suzhou", gettext_lazy("苏州话")
    NINGBO = "ningbo", gettext_lazy("宁波话")
    SUBEI = "subei", gettext_lazy("苏北话")
    MINNAN = "minnan", gettext_lazy("闽南语")
    SICHUAN = "sichuan", gettext_lazy("四川话")
    SIGN = "sign", gettext_lazy("手语")


# Half days a volunteer can usually come, Monday morning to Sunday afternoon.
HALF_DAYS = ("am", "pm")
AVAILABILITY_SLOTS = tuple(f"{day}_{half}" for day in range(7) for half in HALF_DAYS)


def _codes(stored: str) -> list[str]:
    return [c for c in stored.split(",") if c]


def join_codes(codes: Iterable[str]) -> str:
    """Codes stored as ",a,b," so that one code is found with ``__contains=",a,"``."""
    codes = [c for c in codes if c]
    return f",{','.join(codes)}," if codes else ""


def code_q(field: str, code: str) -> Q:
    """Rows whose code list ``field`` holds ``code``."""
    return Q(**{f"{field}__contains": f",{code},"})


class Volunteer(models.Model):
    """The volunteer profile of a user who holds the volunteer role at one or more sites.

    Created by the first profile change or pledge; a volunteer without one simply has not
    been onboarded yet. ``public_id`` is what the badge's QR code verifies.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="volunteer_profile"
    )
    skills = models.CharField(gettext_lazy("擅长"), max_length=300, blank=True)
    skills_other = models.CharField(gettext_lazy("其他特长"), max_length=100, blank=True)
    dialects = models.CharField(gettext_lazy("会说的方言"), max_length=300, blank=True)
    availability = models.CharField(gettext_lazy("通常有空的时间"), max_length=300, blank=True)
    is_student = models.BooleanField(gettext_lazy("学生志愿者"), default=False)
    school = models.CharField(gettext_lazy("学校"), max_length=100, blank=True)
    grade = models.CharField(gettext_lazy("年级和班级"), max_length=50, blank=True)
    guardian_name = models.CharField(gettext_lazy("监护人姓名"), max_length=50, blank=True)
    guardian_mobile = EncryptedTextField(gettext_lazy("监护人手机号"), blank=True)
    bio = models.TextField(gettext_lazy("个人简介"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user__name", "id"]
        verbose_name = gettext_lazy("志愿者")
        verbose_name_plural = gettext_lazy("志愿者")
        constraints = [
            models.CheckConstraint(
                condition=Q(is_student=True) | Q(school="", grade="", guardian_name=""),
                name="volunteer_school_only_for_students",
            )
        ]

    def __str__(self) -> str:
        return self.user.name

    @property
    def skill_codes(self) -> list[str]:
        return _codes(self.skills)

    @property
    def dialect_codes(self) -> list[str]:
        return _codes(self.dialects)

    @property
    def availability_codes(self) -> list[str]:
        return _codes(self.availability)

    @property
    def skill_labels(self) -> list[str]:
        labels = [str(Skill(c).label) for c in self.skill_codes if c in Skill.values]
        return [*labels, self.skills_other] if self.skills_other else labels

    @property
    def dialect_labels(self) -> list[str]:
        return [str(Dialect(c).label) for c in self.dialect_codes if c in Dialect.values]

    @property
    def masked_guardian_mobile(self) -> str:
        return mask_mobile(self.guardian_mobile) if self.guardian_mobile else ""


class PledgeDocument(models.TextChoices):
    """The two texts a volunteer accepts before serving (seed 001: 依照“服务手册”规范地开展服务，
    主动保障服务对象的信息安全、支付安全)."""

    SERVICE_MANUAL = "service_manual", gettext_lazy("服务手册")
    PRIVACY = "privacy", gettext_lazy("隐私与资金安全承诺")


class Pledge(models.Model):
    """A volunteer's acceptance of one version of a pledge document.

    ``accepted_by`` is the volunteer, or the site manager who recorded a paper signature.
    A new version of a text needs a new acceptance; old ones are kept.
    """

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="pledges")
    document = models.CharField(gettext_lazy("文件"), max_length=32, choices=PledgeDocument.choices)
    version = models.CharField(gettext_lazy("版本"), max_length=20)
    accepted_at = models.DateTimeField(gettext_lazy("确认时间"))
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("记录人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["volunteer_id", "document", "-accepted_at"]
        verbose_name = gettext_lazy("志愿者承诺")
        verbose_name_plural = gettext_lazy("志愿者承诺")
        constraints = [
            models.UniqueConstraint(
                fields=["volunteer", "document", "version"], name="pledge_once_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_document_display()} {self.version}"


def hours_of(minutes: int) -> Decimal:
    """Minutes as hours to one decimal, rounded down (a record never claims more): 89 → 1.4."""
    return (Decimal(minutes) / 60).quantize(Decimal("0.1"), rounding=ROUND_DOWN)


class Certificate(models.Model):
    """A student volunteer's service-hour certificate (数字技能反哺, seed 002).

    What it says is frozen when issued (name, school, hours), so that the printed paper and
    the verification page always agree; ``public_id`` is what its QR code verifies.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="certificates")
    site = models.ForeignKey(
        "sites.Site",
        verbose_name=gettext_lazy("出具站点"),
        on_delete=models.PROTECT,
        related_name="volunteer_certificates",
    )
    period_start = models.DateField(gettext_lazy("起始日期"))
    period_end = models.DateField(gettext_lazy("截止日期"))
    minutes = models.PositiveIntegerField(gettext_lazy("服务时长（分钟）"))
    name = models.CharField(gettext_lazy("姓名"), max_length=50)
    school = models.CharField(gettext_lazy("学校"), max_length=100)
    grade = models.CharField(gettext_lazy("年级和班级"), max_length=50, blank=True)
    issued_on = models.DateField(gettext_lazy("出具日期"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("出具人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = gettext_lazy("服务时长证明")
        verbose_name_plural = gettext_lazy("服务时长证明")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="certificate_period_in_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.period_start}–{self.period_end}"

    @property
    def number(self) -> str:
        """The short number printed on the paper: the first 8 hex digits of its public id."""
        return self.public_id.hex[:8].upper()

    @property
    def hours(self) -> Decimal:
        """Hours to one decimal, rounded down (a certificate never claims more)."""
        return hours_of(self.minutes)
