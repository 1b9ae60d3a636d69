"""QR codes with segno: inline SVG for pages and posters, PNG for tools that want pixels.

Every code uses error correction level M (segno is told not to raise it, so the level is
what the print shop and the tests expect) and the standard quiet zone of 4 modules.
"""

from __future__ import annotations

import hashlib
import io

import segno
from django.utils.html import escape

ERROR_LEVEL = "m"
QUIET_ZONE = 4  # modules of white border, as ISO/IEC 18004 requires


def _make(data: str) -> segno.QRCode:
    if not data:
        raise ValueError("A QR code needs some data.")
    return segno.make(data, error=ERROR_LEVEL, boost_error=False, micro=False)


def qr_svg(data: str, *, scale: int = 8, title: str = "") -> str:
    """SVG markup for ``data``: no XML declaration, so it embeds inline in HTML, and with
    the SVG namespace, so it also serves as a standalone ``image/svg+xml`` file.

    The ``<svg>`` has ``role="img"``; with a ``title`` it also has a ``<title>`` that names
    it for screen readers (``aria-labelledby``), otherwise it is hidden from them.
    """
    code = _make(data)
    # xmlns so the same markup also works as a standalone image/svg+xml file; a white
    # background keeps the quiet zone light on any coloured panel.
    out = io.BytesIO()
    code.save(
        out,
        kind="svg",
        xmldecl=False,
        svgns=True,
        nl=False,
        scale=scale,
        border=QUIET_ZONE,
        dark="#000",
        light="#fff",
        svgclass="qr",
        lineclass="qr-modules",
    )
    markup = out.getvalue().decode()
    # segno writes '<svg width=… height=… class="qr">'; add a viewBox so CSS can resize
    # it, and the accessible name.
    size = code.symbol_size(scale=scale, border=QUIET_ZONE)[0]
    attrs = f' viewBox="0 0 {size} {size}" role="img"'
    if title:
        digest = hashlib.blake2s(f"{data}\n{title}".encode(), digest_size=4).hexdigest()
        label_id = f"qr-title-{digest}"
        attrs += f' aria-labelledby="{label_id}"'
        markup = markup.replace(">", f'><title id="{label_id}">{escape(title)}</title>', 1)
    else:
        attrs += ' aria-hidden="true"'
    return markup.replace("<svg", f"<svg{attrs}", 1)


def qr_png_bytes(data: str, *, scale: int = 8) -> bytes:
    """A PNG of the same code (black on white, same quiet zone)."""
    out = io.BytesIO()
    _make(data).save(out, kind="png", scale=scale, border=QUIET_ZONE)
    return out.getvalue()
