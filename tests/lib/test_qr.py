"""QR codes: inline SVG that screen readers can name, and codes that really scan."""

from __future__ import annotations

import base64
import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from defusedxml import ElementTree
from PIL import Image
from weasyprint import HTML

from huoban.lib.qr import qr_png_bytes, qr_svg

URL = "https://huoban.example.org/sites/7b0c6a1e-2f4d-4c59-9a8e-3d2f1b0a9c8d/"
SHORT = "https://example.org/sites/1/"  # 28 bytes: version 3 at level M, version 2 at L


def needs(*binaries: str) -> pytest.MarkDecorator:
    """Skip when a tool is missing, except in CI, where a missing tool must fail the test."""
    missing = [b for b in binaries if shutil.which(b) is None]
    return pytest.mark.skipif(
        bool(missing) and not os.environ.get("CI"),
        reason=f"needs {', '.join(missing)} (poppler-utils / zbar-tools)",
    )


def zbar(image: Path) -> str:
    result = subprocess.run(
        ["zbarimg", "--raw", "-q", str(image)],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result.stdout.strip()


def test_it_writes_svg_for_inline_embedding():
    svg = qr_svg(URL, title="扫码 <查看>")
    assert svg.startswith("<svg") and "<?xml" not in svg
    assert 'role="img"' in svg
    label = re.search(r'aria-labelledby="([^"]+)"', svg)[1]
    assert f'<title id="{label}">扫码 &lt;查看&gt;</title>' in svg


def test_it_hides_an_untitled_code_from_screen_readers():
    svg = qr_svg(URL)
    assert 'aria-hidden="true"' in svg and "<title" not in svg


def test_it_uses_level_m_and_a_quiet_zone_of_four_modules():
    # Version 3 (29 modules) holds these 28 bytes at M; L would fit version 2 (25 modules).
    assert 'viewBox="0 0 37 37"' in qr_svg(SHORT, scale=1)
    with Image.open(io.BytesIO(qr_png_bytes(SHORT, scale=1))) as image:
        assert image.size == (37, 37)
        pixels = image.convert("L")
        border = [pixels.getpixel((x, y)) for x in range(37) for y in range(4)]
        assert set(border) == {255}  # the four top rows are white
        assert pixels.getpixel((4, 4)) == 0  # the finder pattern starts right after


def test_it_refuses_empty_data():
    with pytest.raises(ValueError):
        qr_svg("")


@needs("zbarimg")
def test_it_makes_a_png_that_scans(tmp_path):
    image = tmp_path / "qr.png"
    image.write_bytes(qr_png_bytes(URL))
    assert zbar(image) == URL


def test_it_is_a_well_formed_standalone_svg_file():
    root = ElementTree.fromstring(qr_svg(URL, title="扫码"))
    assert root.tag == "{http://www.w3.org/2000/svg}svg"


@needs("pdftoppm", "zbarimg")
@pytest.mark.parametrize("data", [URL, "数字伙伴计划 曹杨新村为老服务中心"])
@pytest.mark.parametrize("embed", ["inline", "image"])
def test_it_makes_an_svg_that_scans(tmp_path, data, embed):
    # Draw the SVG itself through WeasyPrint, inline as on the poster or as a standalone
    # image file as the portal serves it, and scan the pixels.
    svg = qr_svg(data, scale=6)
    if embed == "image":
        svg = f'<img src="data:image/svg+xml;base64,{base64.b64encode(svg.encode()).decode()}">'
    pdf = tmp_path / "qr.pdf"
    pdf.write_bytes(HTML(string=f"<body>{svg}</body>").write_pdf())
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-singlefile", str(pdf), str(tmp_path / "qr")],
        check=True,
        timeout=60,
    )
    assert zbar(tmp_path / "qr.png") == data
