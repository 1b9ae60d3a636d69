"""Courses, class sessions at sites, sign-ups with a waiting list, check-in.

Seed 000's level-2 rows: classes at least monthly, each at least 1.5 hours, announced and
recruited at least two weeks ahead. A session that misses either is allowed but marked as
not counting toward level 2, and the site manager is told why before publishing.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Seed 000, level 2: each class at least 1.5 hours, recruited at least two weeks ahead.
LEVEL2_MINUTES = 90
LEVEL2_NOTICE = dt.timedelta(days=14)
# Sign-ups and cancellations can be taken back for this long (a mistaken tap).
UNDO_WINDOW = dt.timedelta(minutes=10)
# Staff may tick the roster from two hours before a class until two hours after it.
CHECK_IN_MARGIN = dt.timedelta(hours=2)
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read out on the phone


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))


class Course(models.Model):
    """A course template: what is taught, for which scenario, with which materials."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(gettext_lazy("课程名称"), max_length=100)
    scenario = models.ForeignKey(
        "sites.Service",
        verbose_name=gettext_lazy("场景"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        limit_choices_to={"kind": "scenario"},
    )
    description = models.TextField(gettext_lazy("课程介绍"), blank=True)
    materials = models.TextField(gettext_lazy("教材和准备"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "id"]
        verbose_name = gettext_lazy("课程")
        verbose_name_plural = gettext_lazy("课程")

    def __str__(self) -> str:
        return self.title


class SessionKind(models.TextChoices):
    CLASS = "class", gettext_lazy("课堂")
    LECTURE = "lecture", gettext_lazy("讲座")
    PRODUCT = "product", gettext_lazy("产品体验")


class SessionStatus(models.TextChoices):
    DRAFT = "draft", gettext_lazy("草稿")
    PUBLISHED = "published", gettext_lazy("已发布")
    CANCELLED = "cancelled", gettext_lazy("已取消")


class ClassSession(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    site = models.ForeignKey(
        "sites.Site",
        verbose_name=gettext_lazy("站点"),
        on_delete=models.PROTECT,
        related_name="class_sessions",
    )
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    course = models.ForeignKey(
        Course,
        verbose_name=gettext_lazy("课程"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions",
    )
    kind = models.CharField(
        gettext_lazy("类型"), max_length=16, choices=SessionKind.choices, default=SessionKind.CLASS
    )
    title = models.CharField(gettext_lazy("标题"), max_length=100)
    start = models.DateTimeField(gettext_lazy("开始"))
    end = models.DateTimeField(gettext_lazy("结束"))
    capacity = models.PositiveSmallIntegerField(gettext_lazy("名额"))
    teacher = models.CharField(gettext_lazy("授课人"), max_length=50, blank=True)
    status = models.CharField(
        gettext_lazy("状态"),
        max_length=16,
        choices=SessionStatus.choices,
        default=SessionStatus.DRAFT,
    )
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start", "id"]
        verbose_name = gettext_lazy("课堂")
        verbose_name_plural = gettext_lazy("课堂")
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="class_ends_after"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="class_has_places"),
        ]
        indexes = [models.Index(fields=["site", "start"], name="class_site_start_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)

    def level2_reasons(self) -> list[str]:
        """Why this session would not count toward level 2 (empty: it counts)."""
        reasons = []
        if self.minutes < LEVEL2_MINUTES:
            reasons.append(
                _("时长 %(n)s 分钟，二级站点要求每次课不少于 90 分钟。") % {"n": self.minutes}
            )
        announced = self.published_at
        if announced is not None and self.start - announced < LEVEL2_NOTICE:
            days = max((self.start - announced).days, 0)
            reasons.append(
                _("开课前 %(n)s 天才发布，二级站点要求提前至少 14 天发布招募。") % {"n": days}
            )
        return reasons

    @property
    def counts_for_level2(self) -> bool:
        return self.published_at is not None and not self.level2_reasons()

    # --- What may be done to the session at ``now``: one rule each. The services raise the
    # refusal; views and templates ask ``*_open`` (a template calls it without ``now``).

    def edit_refusal(self, now: dt.datetime | None = None) -> str | None:
        """Why the session may not be changed (None: it may): not once cancelled or begun."""
        now = now or timezone.now()
        if self.status == SessionStatus.CANCELLED:
            return _("这节课已经取消，不能再修改。")
        if self.start <= now:
            return _("这节课已经开始，不能再修改。")
        return None

    def edit_open(self, now: dt.datetime | None = None) -> bool:
        return self.edit_refusal(now) is None

    def publish_status_refusal(self) -> str | None:
        """The part of :meth:`publish_refusal` that does not depend on the time: only a
        draft. (The publish page turns anything else away before showing itself; a draft
        whose start has passed still sees the page and is refused on confirming.)"""
        if self.status != SessionStatus.DRAFT:
            return _("只有草稿可以发布。")
        return None

    def publish_refusal(self, now: dt.datetime | None = None) -> str | None:
        """Why the session may not be published (None: it may): only a draft not yet begun."""
        now = now or timezone.now()
        refusal = self.publish_status_refusal()
        if refusal:
            return refusal
        if self.start <= now:
            return _("开始时间已经过去了，不能发布。")
        return None

    def publish_open(self, now: dt.datetime | None = None) -> bool:
        return self.publish_refusal(now) is None

    def cancel_status_refusal(self) -> str | None:
        """The part of :meth:`cancel_refusal` that does not depend on the time: not twice.
        (The cancel page turns a cancelled session away before showing itself; one that has
        begun still sees the form and is refused on sending it.)"""
        if self.status == SessionStatus.CANCELLED:
            return _("这节课已经取消了。")
        return None

    def cancel_refusal(self, now: dt.datetime | None = None) -> str | None:
        """Why the site may not call the session off (None: it may): not twice, not once
        begun.

        One more part of the rule is not here: once anyone has checked in (possible from two
        hours before the start) the session may not be called off either. That needs the
        session's sign-ups, other rows, so it lives in ``services.session_cancel``, which
        reads them under the session's lock anyway. Until then the detail page still shows
        the cancel button and the service gives the reason."""
        now = now or timezone.now()
        refusal = self.cancel_status_refusal()
        if refusal:
            return refusal
        if self.start <= now:
            return _("这节课已经开始，不能取消。")
        return None

    def cancel_open(self, now: dt.datetime | None = None) -> bool:
        return self.cancel_refusal(now) is None

    def sign_up_refusal(self, now: dt.datetime | None = None) -> str | None:
        """Why no sign-up is taken (None: they are): only published, before it begins."""
        now = now or timezone.now()
        if self.status != SessionStatus.PUBLISHED:
            return _("这节课还没有发布或已经取消，不能报名。")
        if self.start <= now:
            return _("这节课已经开始，不能再报名。")
        return None

    def sign_up_open(self, now: dt.datetime | None = None) -> bool:
        return self.sign_up_refusal(now) is None

    def check_in_status_refusal(self) -> str | None:
        """The part of :meth:`check_in_refusal` that does not depend on the time: only a
        published session. (``SignUp.check_in_refusal`` asks it before the sign-up's own
        status, and the time after.)"""
        if self.status != SessionStatus.PUBLISHED:
            return _("这节课没有发布或已经取消。")
        return None

    def check_in_refusal(self, now: dt.datetime | None = None) -> str | None:
        """Why the desk may not tick the roster (None: it may): only a published session,
        from two hours before it to two hours after. (For one sign-up, ask
        ``SignUp.check_in_refusal``: it also needs a place.)"""
        now = now or timezone.now()
        refusal = self.check_in_status_refusal()
        if refusal:
            return refusal
        if not self.start - CHECK_IN_MARGIN <= now <= self.end + CHECK_IN_MARGIN:
            return _("只能在上课前后两小时内签到。")
        return None

    def check_in_open(self, now: dt.datetime | None = None) -> bool:
        return self.check_in_refusal(now) is None


class SignUpStatus(models.TextChoices):
    CONFIRMED = "confirmed", gettext_lazy("已报名")
    WAITING = "waiting", gettext_lazy("候补")
    CANCELLED = "cancelled", gettext_lazy("已取消")


class SignUpChannel(models.TextChoices):
    SELF = "self", gettext_lazy("本人")
    FAMILY = "family", gettext_lazy("亲友代报")
    STAFF = "staff", gettext_lazy("工作人员代报")
    WALK_IN = "walk_in", gettext_lazy("现场加入")


class Undoable(models.TextChoices):
    NOTHING = "", gettext_lazy("无")
    SIGN_UP = "sign_up", gettext_lazy("报名")
    CANCEL = "cancel", gettext_lazy("取消")


class SignUp(models.Model):
    """One elder's place (or place in the queue) in one class session."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    session = models.ForeignKey(ClassSession, on_delete=models.PROTECT, related_name="signups")
    elder = models.ForeignKey("people.Elder", on_delete=models.PROTECT, related_name="signups")
    status = models.CharField(max_length=16, choices=SignUpStatus.choices)
    channel = models.CharField(max_length=16, choices=SignUpChannel.choices)
    # The waiting list's order: the moment one joined it (a restored place keeps its own).
    queued_at = models.DateTimeField()
    code = models.CharField(max_length=8, unique=True, default=new_code, editable=False)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status_changed_at = models.DateTimeField()
    # What may still be undone (within UNDO_WINDOW of status_changed_at): the sign-up itself
    # or its cancellation; nothing after a promotion, a walk-in or an undo.
    undoable = models.CharField(max_length=16, choices=Undoable.choices, blank=True)
    promoted_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["queued_at", "id"]
        verbose_name = gettext_lazy("报名")
        verbose_name_plural = gettext_lazy("报名")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "elder"],
                condition=~Q(status="cancelled"),
                name="signup_once_per_elder",
            ),
        ]
        indexes = [models.Index(fields=["session", "status", "queued_at"], name="signup_queue_idx")]

    def __str__(self) -> str:
        return f"{self.session} — {self.elder}"

    def cancel_refusal(self, now: dt.datetime | None = None) -> str | None:
        """Why the place may not be given up (None: it may): once only, before the start,
        not once checked in."""
        now = now or timezone.now()
        if self.status == SignUpStatus.CANCELLED:
            return _("这个报名已经取消了。")
        if self.session.start <= now:
            return _("课程已经开始，不能再取消。")
        if self.checked_in_at is not None:
            return _("已经签到，不能再取消。")
        return None

    def cancel_open(self, now: dt.datetime | None = None) -> bool:
        return self.cancel_refusal(now) is None

    def undo_refusal(self, now: dt.datetime | None = None) -> str | None:
        """Why the last sign-up or cancellation may not be taken back (None: it may): only
        within ten minutes of it, before the class starts, not checked in, the class on."""
        now = now or timezone.now()
        session = self.session
        if not self.undoable:
            return _("这个报名没有可以撤销的操作。")
        if now - self.status_changed_at > UNDO_WINDOW:
            return _("已经超过 10 分钟，不能撤销了。")
        if session.start <= now:
            return _("课程已经开始，不能撤销。")
        if self.checked_in_at is not None:
            return _("已经签到，不能撤销。")
        if session.status != SessionStatus.PUBLISHED:
            return _("这节课已经被站点取消，不能撤销。")
        return None

    def undo_open(self, now: dt.datetime | None = None) -> bool:
        return self.undo_refusal(now) is None

    def check_in_refusal(self, now: dt.datetime | None = None) -> str | None:
        """Why the desk may not mark this elder present (None: it may): the session's rule
        (:meth:`ClassSession.check_in_refusal`), and only a place, not the waiting list or a
        cancelled sign-up. The session's status is asked first and its time last, so a
        waiting elder hears about the place even outside the check-in hours. The refusal
        names the elder (load ``elder`` with the sign-up)."""
        session = self.session
        refusal = session.check_in_status_refusal()
        if refusal:
            return refusal
        if self.status != SignUpStatus.CONFIRMED:
            return _("%(name)s的报名是“%(status)s”，不能签到。") % {
                "name": self.elder.name,
                "status": self.get_status_display(),
            }
        return session.check_in_refusal(now)
