"""The volunteer's badge and the student's certificate: one page each, the right words, and
QR codes that scan to the public pages that verify them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from huoban.lib.urls import absolute
from huoban.people.documents import badge_pdf, certificate_pdf, chinese_date_words
from huoban.people.models import PledgeDocument
from huoban.people.pledges import CURRENT
from huoban.people.volunteers import pledge_accept, volunteer_update
from huoban.records.hours import certificate_issue
from huoban.records.models import HelpSession
from huoban.roster.models import Shift
from tests.conftest import at
from tests.sites.test_poster import needs, pages, render_png, run

DPI = 300


def volunteer_verify_url(volunteer) -> str:
    """The address the workspace gives the badge: the portal's verification page."""
    return absolute(reverse("portal:volunteer_verify", kwargs={"public_id": volunteer.public_id}))


def certificate_verify_url(certificate) -> str:
    return absolute(
        reverse("portal:certificate_verify", kwargs={"public_id": certificate.public_id})
    )


def badge(volunteer) -> bytes:
    return badge_pdf(volunteer, verify_url=volunteer_verify_url(volunteer))


def certificate_paper(certificate) -> bytes:
    return certificate_pdf(certificate, verify_url=certificate_verify_url(certificate))


@pytest.fixture
def student(world, frozen):
    person = world.personas["volunteer"]
    person.name = "王小明"
    person.save()
    profile = volunteer_update(
        actor=person,
        person=person,
        is_student=True,
        school="上海市曹杨第二中学",
        grade="高一（2）班",
        dialects=["mandarin", "shanghainese"],
    )
    for document in PledgeDocument.values:
        pledge_accept(
            actor=person, person=person, document=document, version=CURRENT[document].version
        )
    Shift.objects.create(
        site=world.site_a,
        person=person,
        start=at(9, 0, day=20),
        end=at(12, 0, day=20),
        created_by=world.personas["site_manager"],
    )
    HelpSession.objects.create(
        site=world.site_a,
        region_path=world.site_a.region_path,
        helper=person,
        occurred_at=at(14, 0, day=20),
        duration_minutes=45,
    )
    return profile


@pytest.fixture
def certificate(world, student):
    return certificate_issue(
        actor=world.personas["site_manager"],
        person=student.user,
        site=world.site_a,
        period_start=dt.date(2026, 9, 1),
        period_end=dt.date(2026, 11, 23),
    )


def pdf_file(tmp_path: Path, pdf: bytes, name: str) -> Path:
    path = tmp_path / name
    path.write_bytes(pdf)
    return path


def flat_text(path: Path) -> str:
    return "".join(run("pdftotext", "-layout", str(path), "-").split())


def test_it_writes_the_issue_date_in_words():
    assert chinese_date_words(dt.date(2026, 11, 23)) == "二〇二六年十一月二十三日"
    assert chinese_date_words(dt.date(2030, 1, 10)) == "二〇三〇年一月十日"
    assert chinese_date_words(dt.date(2025, 10, 31)) == "二〇二五年十月三十一日"
    assert chinese_date_words(dt.date(2024, 2, 9)) == "二〇二四年二月九日"


def test_it_points_the_qr_codes_at_the_verification_pages(student, certificate):
    base = settings.HUOBAN_BASE_URL
    assert volunteer_verify_url(student) == f"{base}/volunteers/{student.public_id}/"
    assert certificate_verify_url(certificate) == (
        f"{base}/volunteers/certificates/{certificate.public_id}/"
    )


@needs("pdftotext", "pdfinfo")
def test_it_prints_the_badge_on_one_a6_page_with_name_role_and_site(world, student, tmp_path):
    path = pdf_file(tmp_path, badge(student), "badge.pdf")
    assert pages(path) == 1
    info = run("pdfinfo", str(path))
    size = next(line for line in info.splitlines() if line.startswith("Page size:"))
    width, height = (float(v) * 25.4 / 72 for v in size.split()[2:5:2])
    assert (round(width), round(height)) == (105, 148)  # A6 portrait
    flat = flat_text(path)
    assert "王小明" in flat
    assert "志愿者" in flat
    assert world.site_a.name in flat
    assert "学生志愿者" in flat and "普通话、沪语" in flat
    assert "扫码核验志愿者身份" in flat
    assert volunteer_verify_url(student) in flat
    assert "志愿者不会索要您的密码和验证码" in flat


@needs("pdftoppm", "zbarimg")
def test_it_prints_a_badge_qr_code_that_scans_to_its_verification_page(student, tmp_path):
    path = pdf_file(tmp_path, badge(student), "badge.pdf")
    decoded = run("zbarimg", "--raw", "-q", str(render_png(path, DPI))).strip()
    assert decoded == volunteer_verify_url(student)


@needs("pdftotext", "pdfinfo")
def test_it_prints_the_certificate_with_hours_school_site_and_date(world, certificate, tmp_path):
    path = pdf_file(tmp_path, certificate_paper(certificate), "certificate.pdf")
    assert pages(path) == 1
    flat = flat_text(path)
    assert "志愿服务时长证明" in "".join(flat.split())
    assert "上海市曹杨第二中学" in flat and "高一（2）班" in flat
    assert "王小明" in flat
    assert "2026年9月1日至2026年11月23日" in flat
    assert world.site_a.name in flat and "曹杨新村街道" in flat
    assert "3.7小时" in flat  # 3 h of shift + 45 min outside it, rounded down
    assert "二〇二六年十一月二十三日" in flat
    assert f"证明编号{certificate.number}" in flat
    assert certificate_verify_url(certificate) in flat


@needs("pdftoppm", "zbarimg")
def test_it_prints_a_certificate_qr_code_that_scans_to_its_verification_page(certificate, tmp_path):
    path = pdf_file(tmp_path, certificate_paper(certificate), "certificate.pdf")
    decoded = run("zbarimg", "--raw", "-q", str(render_png(path, DPI))).strip()
    assert decoded == certificate_verify_url(certificate)
