"""Help sessions (帮办/答疑), the person-time ledger, corrections, integrity flags, imports.

The programme is judged by these records ("以随申学工作模块记录数据为准"), so nothing here is
ever deleted: a correction is an amendment with a reason, a wrong record is voided with a
reason, and both keep the history.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    WALK_IN = "walk_in", _("到站")
    PHONE = "phone", _("电话")
    HOME_VISIT = "home_visit", _("上门")
    ONLINE = "online", _("线上")


class Outcome(models.TextChoices):
    SOLVED = "solved", _("已解决")
    TAUGHT = "taught", _("已教会")
    REFERRED = "referred", _("已转介")


class Source(models.TextChoices):
    WORKSPACE = "workspace", _("工作台")
    IMPORT = "import", _("表格导入")
    API = "api", _("接口")


class LedgerKind(models.TextChoices):
    HELP = "help", _("帮办")
    TRAINING = "training", _("培训")


DEFAULT_DURATION_MINUTES = 15


class HelpSession(models.Model):
    """One older person helped once at (or by) a site. Anonymous when ``elder`` is empty."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    site = models.ForeignKey(
        "sites.Site", verbose_name=_("站点"), on_delete=models.PROTECT, related_name="help_sessions"
    )
    # Copy of site.region_path, so that scope and street totals need no join.
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    helper = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("帮办人"),
        on_delete=models.PROTECT,
        related_name="help_sessions",
    )
    elder = models.ForeignKey(
        "people.Elder",
        verbose_name=_("长者"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="help_sessions",
    )
    occurred_at = models.DateTimeField(_("时间"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("时长（分钟）"), default=DEFAULT_DURATION_MINUTES
    )
    channel = models.CharField(
        _("方式"), max_length=16, choices=Channel.choices, default=Channel.WALK_IN
    )
    outcome = models.CharField(
        _("结果"), max_length=16, choices=Outcome.choices, default=Outcome.SOLVED
    )
    scenarios = models.ManyToManyField(
        "sites.Service", verbose_name=_("场景"), related_name="help_sessions"
    )
    scenario_other = models.CharField(_("其他场景"), max_length=50, blank=True)
    note = models.TextField(_("备注"), blank=True)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.WORKSPACE)
    # For imports: a stable hash of the row, so that the same row imported twice adds nothing.
    import_key = models.CharField(max_length=64, blank=True, editable=False)
    voided_at = models.DateTimeField(null=True, blank=True, editable=False)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    void_reason = models.CharField(_("作废原因"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("帮办记录")
        verbose_name_plural = _("帮办记录")
        indexes = [
            models.Index(fields=["region_path", "occurred_at"], name="help_region_time_idx"),
            models.Index(fields=["helper", "occurred_at"], name="help_helper_time_idx"),
            models.Index(fields=["elder", "occurred_at"], name="help_elder_time_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["import_key"], condition=~Q(import_key=""), name="help_import_key_unique"
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1, duration_minutes__lte=480),
                name="help_duration_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.site} {timezone.localtime(self.occurred_at):%Y-%m-%d %H:%M}"

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None


class LedgerEntry(models.Model):
    """The person-time ledger (人次台账): one entry per elder per help session or class.

    Targets and dashboards count these rows: person-times are the entries that are not
    voided; persons are their distinct known elders (an anonymous entry is a person-time
    but not a person).
    """

    kind = models.CharField(max_length=16, choices=LedgerKind.choices)
    site = models.ForeignKey("sites.Site", on_delete=models.PROTECT, related_name="+")
    region_path = models.CharField(max_length=255, editable=False)
    elder = models.ForeignKey(
        "people.Elder", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    occurred_at = models.DateTimeField()
    # The local (Asia/Shanghai) date, so that "by 30 June" needs no time-zone arithmetic.
    occurred_on = models.DateField()
    help_session = models.OneToOneField(
        HelpSession, on_delete=models.PROTECT, null=True, blank=True, related_name="ledger_entry"
    )
    # Where a class attendance (or another source) writes: a stable key, one entry per key.
    source_key = models.CharField(max_length=100, unique=True)
    voided = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("人次台账")
        verbose_name_plural = _("人次台账")
        indexes = [
            models.Index(
                fields=["region_path", "occurred_on", "kind"], name="ledger_region_day_idx"
            ),
            models.Index(fields=["site", "occurred_on"], name="ledger_site_day_idx"),
        ]

    def __str__(self) -> str:
        return self.source_key


class Amendment(models.Model):
    """A correction to a help session: what changed, by whom, when and why."""

    help_session = models.ForeignKey(
        HelpSession, on_delete=models.PROTECT, related_name="amendments"
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("更正原因"), max_length=200)
    # {field: [old, new]} in display form.
    changes = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("更正")
        verbose_name_plural = _("更正")

    def __str__(self) -> str:
        return f"{self.help_session} — {self.reason}"


class FlagRule(models.TextChoices):
    ELDER_MANY_TIMES = "elder_many_times", _("同一长者一天多次")
    OUTSIDE_HOURS = "outside_hours", _("不在咨询时段")
    HELPER_OVERLOAD = "helper_overload", _("一人一天记录时长过多")
    HELPER_TWO_SITES = "helper_two_sites", _("同一人同时在两个站点")
    BULK_IDENTICAL = "bulk_identical", _("批量相同记录")
    BACK_DATED = "back_dated", _("补记过久")


class FlagStatus(models.TextChoices):
    OPEN = "open", _("待复核")
    CONFIRMED = "confirmed", _("已确认无误")
    VOIDED = "voided", _("已作废记录")


class Flag(models.Model):
    """A help session a rule found suspicious, waiting for the street admin's review."""

    help_session = models.ForeignKey(HelpSession, on_delete=models.PROTECT, related_name="flags")
    rule = models.CharField(_("规则"), max_length=32, choices=FlagRule.choices)
    detail = models.CharField(_("说明"), max_length=200)
    status = models.CharField(
        _("状态"), max_length=16, choices=FlagStatus.choices, default=FlagStatus.OPEN
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(_("复核说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("待复核记录")
        verbose_name_plural = _("待复核记录")
        constraints = [
            models.UniqueConstraint(fields=["help_session", "rule"], name="flag_once_per_rule"),
        ]

    def __str__(self) -> str:
        return f"{self.help_session} — {self.get_rule_display()}"


class ImportBatch(models.Model):
    """An uploaded spreadsheet: checked first (preview), imported only when it has no errors."""

    class Status(models.TextChoices):
        CHECKED = "checked", _("已检查")
        IMPORTED = "imported", _("已导入")
        REJECTED = "rejected", _("有错误，未导入")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    filename = models.CharField(max_length=200)
    content = models.BinaryField()
    status = models.CharField(max_length=16, choices=Status.choices)
    rows_total = models.PositiveIntegerField(default=0)
    rows_new = models.PositiveIntegerField(default=0)
    rows_known = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    imported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("导入批次")
        verbose_name_plural = _("导入批次")

    def __str__(self) -> str:
        return self.filename
