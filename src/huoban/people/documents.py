"""A volunteer's printed matter: the badge (志愿者铭牌) and a student's service-hour
certificate (服务时长证明), each with a QR code leading to a public page that verifies it.

Seed 001 asks volunteers to wear a uniform badge; anyone (an older person first of all) can
scan it to see that the wearer is a volunteer of the programme, where, and whether they are
still serving. A school scans the certificate to see that it was issued and what it says.
Both documents are always in Chinese, like the site poster. The address each QR code holds
(a page of the public face) is given by the caller: domain code never names a face's URL.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone, translation

from huoban.lib.documents import render_pdf
from huoban.lib.qr import qr_svg
from huoban.people.models import Certificate, Volunteer
from huoban.people.volunteers import volunteer_sites

BADGE_TEMPLATE = "documents/volunteer_badge.html"
CERTIFICATE_TEMPLATE = "documents/volunteer_certificate.html"
BADGE_QR_CAPTION = "扫码核验志愿者身份"
CERTIFICATE_QR_CAPTION = "扫码核验本证明"
CHINESE_DIGITS = "〇一二三四五六七八九"


def _number_words(n: int) -> str:
    """1–31 as Chinese numerals, the way a date is written on a certificate: 二十三."""
    tens, ones = divmod(n, 10)
    if tens == 0:
        return CHINESE_DIGITS[ones]
    head = "" if tens == 1 else CHINESE_DIGITS[tens]
    return f"{head}十{CHINESE_DIGITS[ones] if ones else ''}"


def chinese_date_words(d: dt.date) -> str:
    """二〇二六年十一月二十三日 — a date in words, as official certificates are dated."""
    year = "".join(CHINESE_DIGITS[int(c)] for c in str(d.year))
    return f"{year}年{_number_words(d.month)}月{_number_words(d.day)}日"


def plain_date(d: dt.date) -> str:
    """2026年11月23日."""
    return f"{d.year}年{d.month}月{d.day}日"


def badge_context(volunteer: Volunteer, *, verify_url: str, now: dt.datetime | None = None) -> dict:
    """``verify_url``: the absolute address of the public page that verifies the badge."""
    sites = volunteer_sites(volunteer.user)
    return {
        "programme_name": settings.HUOBAN_PROGRAMME_NAME,
        "help_phone": settings.HUOBAN_HELP_PHONE,
        "name": volunteer.user.name,
        "site_names": [s.name for s in sites],
        "is_student": volunteer.is_student,
        "dialects": volunteer.dialect_labels,
        "qr_svg": qr_svg(verify_url, scale=6, title=f"{volunteer.user.name}：{BADGE_QR_CAPTION}"),
        "qr_caption": BADGE_QR_CAPTION,
        "verify_url": verify_url,
        "number": volunteer.public_id.hex[:8].upper(),
        "printed_on": plain_date(timezone.localdate(now) if now else timezone.localdate()),
    }


def badge_pdf(volunteer: Volunteer, *, verify_url: str, now: dt.datetime | None = None) -> bytes:
    """The volunteer's A6 badge (one page, to slip into a badge holder or a lanyard); its QR
    code holds ``verify_url``."""
    with translation.override("zh-hans"):
        return render_pdf(BADGE_TEMPLATE, badge_context(volunteer, verify_url=verify_url, now=now))


def certificate_context(certificate: Certificate, *, verify_url: str) -> dict:
    """``verify_url``: the absolute address of the public page that verifies the paper."""
    return {
        "programme_name": settings.HUOBAN_PROGRAMME_NAME,
        "certificate": certificate,
        "site_name": certificate.site.name,
        "street_name": certificate.site.region.name,
        "hours": certificate.hours,
        "period_start": plain_date(certificate.period_start),
        "period_end": plain_date(certificate.period_end),
        "issued_words": chinese_date_words(certificate.issued_on),
        "qr_svg": qr_svg(
            verify_url, scale=6, title=f"{certificate.name}：{CERTIFICATE_QR_CAPTION}"
        ),
        "qr_caption": CERTIFICATE_QR_CAPTION,
        "verify_url": verify_url,
    }


def certificate_pdf(certificate: Certificate, *, verify_url: str) -> bytes:
    """The A4 certificate a student hands to their school; its QR code holds ``verify_url``."""
    with translation.override("zh-hans"):
        return render_pdf(
            CERTIFICATE_TEMPLATE, certificate_context(certificate, verify_url=verify_url)
        )
