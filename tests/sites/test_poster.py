"""The A4 entrance poster of a site: one page, the right words, a QR code that scans."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from PIL import Image

from huoban.lib.documents import DocumentResourceRefused, ProjectURLFetcher
from huoban.portal.views import site_public_url
from huoban.sites.documents import (
    site_poster_pdf,
    site_qr_svg,
    weekly_hours_rows,
)
from huoban.sites.models import DeskPeriod, Service, SiteLevel

NOW = dt.datetime(2025, 6, 2, 10, 0, tzinfo=dt.UTC)
DPI = 150


def needs(*binaries: str) -> pytest.MarkDecorator:
    """Skip when a tool is missing, except in CI, where a missing tool must fail the test."""
    missing = [b for b in binaries if shutil.which(b) is None]
    return pytest.mark.skipif(
        bool(missing) and not os.environ.get("CI"),
        reason=f"needs {', '.join(missing)} (poppler-utils / zbar-tools)",
    )


def run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True, timeout=60).stdout


def pdf_file(tmp_path: Path, pdf: bytes) -> Path:
    path = tmp_path / "poster.pdf"
    path.write_bytes(pdf)
    return path


def pages(path: Path) -> int:
    info = run("pdfinfo", str(path))
    return int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])


@pytest.fixture
def poster(world, tmp_path) -> Path:
    return pdf_file(
        tmp_path, site_poster_pdf(world.site_a, public_url=site_public_url(world.site_a), now=NOW)
    )


def test_it_points_the_qr_code_at_the_sites_public_page(world):
    site = world.site_a
    assert site_public_url(site) == f"{settings.HUOBAN_BASE_URL}/sites/{site.public_id}/"
    svg = site_qr_svg(site, public_url=site_public_url(site))
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert "<title" in svg and site.name in svg


def test_it_lists_a_normal_week_monday_to_sunday(world):
    rows = weekly_hours_rows(world.site_a)
    assert [row.day for row in rows] == ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]
    assert rows[0].words == "上午9:00–中午12:00、下午1:00–下午5:00" and rows[0].is_open
    assert rows[5].words == "不开放" and not rows[5].is_open


@needs("pdfinfo", "pdftotext")
def test_it_prints_the_poster_on_exactly_one_a4_page(poster):
    assert pages(poster) == 1
    info = run("pdfinfo", str(poster))
    size = next(line for line in info.splitlines() if line.startswith("Page size:"))
    assert "(A4)" in size


@needs("pdftotext")
def test_it_shows_the_name_level_where_and_when(world, poster):
    text = run("pdftotext", "-layout", str(poster), "-")
    flat = "".join(text.split())
    assert world.site_a.name in flat
    assert "数字伙伴计划" in flat and "微站点" in flat
    assert "一级站点（咨询帮办）" in flat and "申报中" in flat
    assert "曹杨新村街道" in flat
    assert world.site_a.address in flat
    assert "021-62000000" in flat
    assert "上午9:00–中午12:00" in flat and "下午1:00–下午5:00" in flat
    assert "周日不开放" in flat
    assert "答疑帮办" in flat
    assert "扫码查看开放时间和课程" in flat
    assert site_public_url(world.site_a) in flat
    # The big help number sits on a higher baseline, so pdftotext may read it first.
    assert "遇到困难请拨打求助热线" in flat and settings.HUOBAN_HELP_PHONE in flat


@needs("pdftotext", "pdfinfo")
def test_it_shows_a_certified_level_and_every_service_on_one_page(world, tmp_path):
    site = world.site_a
    site.name = "曹杨新村街道社区综合为老服务中心数字伙伴学习课堂"
    site.level_claimed = SiteLevel.THREE
    site.level_certified = SiteLevel.TWO
    site.save()
    site.services.set(Service.objects.all())
    for weekday in (5, 6):
        for start, end in ((8, 11), (12, 14), (18, 20)):
            DeskPeriod.objects.create(
                site=site, weekday=weekday, start=dt.time(start), end=dt.time(end)
            )
    path = pdf_file(tmp_path, site_poster_pdf(site, public_url=site_public_url(site), now=NOW))
    assert pages(path) == 1
    flat = "".join(run("pdftotext", str(path), "-").split())
    assert "二级站点（学习课堂）" in flat and "已认定" in flat
    assert "晚上6:00–晚上8:00" in flat
    for service in Service.objects.all():
        assert service.name in flat


def render_png(pdf: Path, dpi: int) -> Path:
    run("pdftoppm", "-r", str(dpi), "-png", "-singlefile", str(pdf), str(pdf.with_suffix("")))
    return pdf.with_suffix(".png")


@needs("pdftoppm", "zbarimg")
def test_it_prints_a_qr_code_that_scans_to_the_public_page(world, poster):
    decoded = run("zbarimg", "--raw", "-q", str(render_png(poster, DPI))).strip()
    assert decoded == site_public_url(world.site_a)


@needs("pdftoppm")
def test_it_prints_the_qr_code_at_least_6_cm_wide(poster):
    # The QR modules are the only pure black on the poster (text is #111, colours are
    # blue and orange), so their bounding box is the printed symbol without quiet zone.
    with Image.open(render_png(poster, DPI)) as page:
        black = page.convert("L").point(lambda v: 255 if v < 8 else 0)
        left, top, right, bottom = black.getbbox()
    width_mm, height_mm = ((right - left) / DPI * 25.4, (bottom - top) / DPI * 25.4)
    assert width_mm >= 60 and height_mm >= 60, (width_mm, height_mm)
    assert abs(width_mm - height_mm) < 1  # one square symbol, nothing else black


def test_it_never_fetches_from_outside_the_project(tmp_path):
    fetcher = ProjectURLFetcher()
    with pytest.raises(DocumentResourceRefused):
        fetcher.fetch("https://example.org/logo.png")
    with pytest.raises(DocumentResourceRefused):
        fetcher.fetch(Path("/etc/passwd").as_uri())
    outside = tmp_path / "secret.txt"
    outside.write_text("no")
    with pytest.raises(DocumentResourceRefused):
        fetcher.fetch(outside.as_uri())
    inside = Path(settings.BASE_DIR) / "templates" / "documents" / "site_poster.html"
    assert b"<html" in fetcher.fetch(inside.as_uri()).read()
    assert fetcher.fetch("data:text/plain;base64,aHVvYmFu").read() == b"huoban"
