"""Organisations, help-point sites, their facilities, services and desk hours."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from huoban.lib.ids import validate_uscc


class Organisation(models.Model):
    """An operating organisation (独立法人), identified by its unified social credit code."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("单位名称"), max_length=200)
    uscc = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, validators=[validate_uscc]
    )
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    address = models.CharField(_("注册地址"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("运营单位")
        verbose_name_plural = _("运营单位")

    def __str__(self) -> str:
        return self.name


class ServiceKind(models.TextChoices):
    SERVICE = "service", _("服务")
    SCENARIO = "scenario", _("场景")


class Service(models.Model):
    """A service a site offers (help desk, classes, …) or a scenario it helps with (就医, …)."""

    code = models.SlugField(_("代码"), max_length=32, unique=True)
    kind = models.CharField(_("类别"), max_length=16, choices=ServiceKind.choices)
    name = models.CharField(_("名称"), max_length=50)
    name_en = models.CharField(_("英文名称"), max_length=80)
    sort = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["kind", "sort", "code"]
        verbose_name = _("服务项目")
        verbose_name_plural = _("服务项目")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") else self.name


class VenueType(models.TextChoices):
    ELDER_CARE_HOME = "elder_care_home", _("养老机构")
    CARE_HOUSE = "care_house", _("长者照护之家")
    DAY_CARE = "day_care", _("老年日间照护机构")
    COMMUNITY_CENTRE = "community_centre", _("社区综合为老服务中心")
    CANTEEN = "canteen", _("社区长者食堂/助餐点")
    ACTIVITY_ROOM = "activity_room", _("老年活动室")
    NEIGHBOURHOOD_CENTRE = "neighbourhood_centre", _("党群服务中心/居委会")
    LIBRARY = "library", _("图书馆")
    BANK = "bank", _("银行网点")
    TELECOM = "telecom", _("通信营业厅")
    SCHOOL = "school", _("社区学校/老年大学")
    OTHER = "other", _("其他场所")


class SiteLevel(models.IntegerChoices):
    ONE = 1, _("一级（咨询帮办）")
    TWO = 2, _("二级（学习课堂）")
    THREE = 3, _("三级（产品体验）")


class SiteStatus(models.TextChoices):
    DRAFT = "draft", _("筹备中")
    ACTIVE = "active", _("运营中")
    SUSPENDED = "suspended", _("暂停服务")
    CLOSED = "closed", _("已关闭")


class Site(models.Model):
    """A help point (微站点)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("运营单位"), on_delete=models.PROTECT, related_name="sites"
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("所属街镇"),
        on_delete=models.PROTECT,
        related_name="sites",
    )
    # Copy of region.path, so that scope and district/street filters need no join.
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    name = models.CharField(_("站点名称"), max_length=100)
    venue_type = models.CharField(_("场所类型"), max_length=32, choices=VenueType.choices)
    address = models.CharField(_("地址"), max_length=200)
    latitude = models.DecimalField(
        _("纬度（WGS-84）"),
        max_digits=9,
        decimal_places=6,
        validators=[MinValueValidator(Decimal(-90)), MaxValueValidator(Decimal(90))],
    )
    longitude = models.DecimalField(
        _("经度（WGS-84）"),
        max_digits=9,
        decimal_places=6,
        validators=[MinValueValidator(Decimal(-180)), MaxValueValidator(Decimal(180))],
    )
    phone = models.CharField(_("咨询电话"), max_length=20, blank=True)
    description = models.TextField(_("服务说明"), blank=True)
    level_claimed = models.PositiveSmallIntegerField(
        _("申报等级"), choices=SiteLevel.choices, default=SiteLevel.ONE
    )
    level_certified = models.PositiveSmallIntegerField(
        _("认定等级"), choices=SiteLevel.choices, null=True, blank=True
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=SiteStatus.choices, default=SiteStatus.ACTIVE
    )
    has_desk = models.BooleanField(_("咨询台和座椅"), default=True)
    classroom_capacity = models.PositiveSmallIntegerField(
        _("课堂容纳人数"), default=0, help_text=_("没有课堂填 0；二级站点要求不少于 20 人。")
    )
    has_projector = models.BooleanField(_("投影"), default=False)
    has_microphone = models.BooleanField(_("话筒"), default=False)
    has_showcase = models.BooleanField(_("产品展示区（含展台、电源）"), default=False)
    services = models.ManyToManyField(Service, verbose_name=_("服务项目"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["region_path", "name", "id"]
        verbose_name = _("站点")
        verbose_name_plural = _("站点")
        indexes = [
            models.Index(fields=["latitude", "longitude"]),
            models.Index(fields=["status", "region_path"]),
            models.Index(
                fields=["status", "latitude", "longitude"], name="site_status_position_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90)
                & Q(longitude__gte=-180, longitude__lte=180),
                name="site_coordinates_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def level(self) -> int:
        """The level the public sees: certified when there is one, else claimed."""
        return self.level_certified or self.level_claimed

    @property
    def is_certified(self) -> bool:
        return self.level_certified is not None


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("周一")
    TUESDAY = 1, _("周二")
    WEDNESDAY = 2, _("周三")
    THURSDAY = 3, _("周四")
    FRIDAY = 4, _("周五")
    SATURDAY = 5, _("周六")
    SUNDAY = 6, _("周日")


class DeskPeriod(models.Model):
    """A weekly period when the help desk is staffed: weekday, start and end (local time)."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="desk_periods")
    weekday = models.PositiveSmallIntegerField(_("星期"), choices=Weekday.choices)
    start = models.TimeField(_("开始"))
    end = models.TimeField(_("结束"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["site_id", "weekday", "start"]
        verbose_name = _("咨询时段")
        verbose_name_plural = _("咨询时段")
        indexes = [
            models.Index(
                fields=["site", "weekday", "start", "end"], name="deskperiod_site_day_idx"
            ),
            models.Index(
                fields=["weekday", "start", "end", "site"], name="deskperiod_day_site_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="desk_period_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}-{self.end:%H:%M}"


class ExceptionKind(models.TextChoices):
    CLOSED = "closed", _("全天不开放")
    OPEN = "open", _("特别开放时段")


class DeskException(models.Model):
    """A dated change to the weekly hours.

    ``closed`` shuts the desk for the whole day (a holiday or closure). ``open`` rows replace
    that day's weekly periods with their own (shorter hours, or an extra day).
    """

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="desk_exceptions")
    date = models.DateField(_("日期"))
    kind = models.CharField(_("类型"), max_length=8, choices=ExceptionKind.choices)
    start = models.TimeField(_("开始"), null=True, blank=True)
    end = models.TimeField(_("结束"), null=True, blank=True)
    reason = models.CharField(_("说明"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["site_id", "date", "start"]
        verbose_name = _("例外日期")
        verbose_name_plural = _("例外日期")
        indexes = [
            models.Index(fields=["date", "kind"]),
            models.Index(fields=["site", "date"], name="deskexception_site_date_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="closed", start__isnull=True, end__isnull=True))
                | (Q(kind="open", start__isnull=False, end__gt=F("start"))),
                name="desk_exception_times_fit_kind",
            )
        ]

    def __str__(self) -> str:
        if self.kind == ExceptionKind.CLOSED:
            return f"{self.date} {self.get_kind_display()}"
        return f"{self.date} {self.start:%H:%M}-{self.end:%H:%M}"
