"""A site's printed matter: its QR code and the A4 entrance poster.

The poster is the entrance sign and guide the grading criteria ask of every level: the
programme's name and mark, the site's name and level, where it is, when the help desk is
staffed, what it offers, and a QR code leading to the site's public page (live hours,
closures and classes). That page's absolute address is given by the caller (the portal):
domain code never names a face's URL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone, translation

from huoban.lib.documents import render_pdf
from huoban.lib.qr import qr_svg
from huoban.lib.when import time_range_words, weekday_name
from huoban.sites.hours import DeskHours
from huoban.sites.models import ServiceKind, Site, SiteLevel

POSTER_TEMPLATE = "documents/site_poster.html"
QR_CAPTION = "扫码查看开放时间和课程"
CLOSED_WORDS = "不开放"


def site_qr_svg(site: Site, *, public_url: str, scale: int = 8) -> str:
    """Inline SVG of the QR code for the site's public page (at ``public_url``)."""
    return qr_svg(public_url, scale=scale, title=f"{site.name}：{QR_CAPTION}")


def site_level_words(site: Site) -> str:
    """二级站点（学习课堂） — the level the public sees, as words."""
    label = str(SiteLevel(site.level).label)  # 二级（学习课堂）
    head, sep, tail = label.partition("（")
    return f"{head}站点{sep}{tail}"


@dataclass(frozen=True)
class DayHours:
    day: str  # 周一
    periods: tuple[str, ...]  # ("上午9:00–中午12:00", "下午1:00–下午5:00")

    @property
    def is_open(self) -> bool:
        return bool(self.periods)

    @property
    def words(self) -> str:
        return "、".join(self.periods) or CLOSED_WORDS


def weekly_hours_rows(site: Site) -> list[DayHours]:
    """Monday to Sunday of a normal week (weekly periods, no dated exceptions)."""
    weekly = DeskHours.for_site(site).weekly
    return [
        DayHours(
            weekday_name(weekday),
            tuple(time_range_words(p.start, p.end) for p in weekly.get(weekday, [])),
        )
        for weekday in range(7)
    ]


def _name_size(name: str) -> str:
    """A type size class so that the name stays on one or two lines of an A4 page."""
    length = len(name)
    if length <= 8:
        return "xl"
    if length <= 11:
        return "l"
    if length <= 16:
        return "m"
    if length <= 36:
        return "s"
    return "xs"


def site_poster_context(site: Site, *, public_url: str, now: dt.datetime | None = None) -> dict:
    services = list(site.services.all())
    return {
        "programme_name": settings.HUOBAN_PROGRAMME_NAME,
        "help_phone": settings.HUOBAN_HELP_PHONE,
        "site": site,
        "name_size": _name_size(site.name),
        "level_words": site_level_words(site),
        "certified_words": "已认定" if site.is_certified else "申报中",
        "is_certified": site.is_certified,
        "street_name": site.region.name,
        "hours_rows": weekly_hours_rows(site),
        "closed_words": CLOSED_WORDS,
        "offered": [s.name for s in services if s.kind == ServiceKind.SERVICE],
        "scenarios": [s.name for s in services if s.kind == ServiceKind.SCENARIO],
        "qr_svg": site_qr_svg(site, public_url=public_url),
        "qr_caption": QR_CAPTION,
        "public_url": public_url,
        "printed_on": timezone.localdate(now) if now else timezone.localdate(),
    }


def site_poster_pdf(site: Site, *, public_url: str, now: dt.datetime | None = None) -> bytes:
    """The printable A4 portrait entrance poster of ``site`` (always Chinese, one page).

    ``public_url`` is the absolute address of the site's public page, which its QR code
    holds; ``now`` dates the "printed on" line; the hours shown are those of a normal week.
    """
    with translation.override("zh-hans"):
        return render_pdf(
            POSTER_TEMPLATE, site_poster_context(site, public_url=public_url, now=now)
        )
