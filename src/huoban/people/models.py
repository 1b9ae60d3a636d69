"""The older people a site serves (服务对象): a minimal profile, kept with consent.

Mobile and resident ID numbers are encrypted at rest; each has a blind index for exact
look-up and de-duplication. The last four digits of the mobile are kept in clear: the desk
finds people by them, and every screen shows them anyway (138****5678).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huoban.lib.crypto import EncryptedTextField, blind_index
from huoban.lib.ids import mask_mobile, mask_resident_id

# Blind-index purposes: the same digits as a mobile and as an ID number index differently.
MOBILE = "mobile"
ID_NUMBER = "id_number"


def mobile_index(mobile: str) -> str:
    """The blind index of a normalised 11-digit mobile ("" for none)."""
    return blind_index(mobile, purpose=MOBILE)


def id_number_index(id_number: str) -> str:
    """The blind index of a validated resident ID (upper-case X) ("" for none)."""
    return blind_index(id_number, purpose=ID_NUMBER)


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
