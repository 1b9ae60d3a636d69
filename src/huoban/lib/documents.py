"""Printable documents: Django templates rendered to PDF with WeasyPrint.

Rendering never touches the network. The only resources a document may load are
``data:`` URLs and files inside the project (its templates and static files, or the
collected static root); anything else is refused, so a stray ``<img src="https://…">``
in a template or in user-entered text cannot make the server fetch it.

Fonts come from the system through fontconfig (Debian ``fonts-noto-cjk``); templates name
"Noto Sans CJK SC" explicitly and set ``lang="zh-CN"`` so Chinese glyphs use the
simplified-Chinese forms.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse, path2url


class DocumentResourceRefused(ValueError):
    """A document tried to load something from outside the project."""


def _allowed_roots() -> list[Path]:
    roots = [Path(settings.BASE_DIR), Path(settings.PROJECT_DIR)]
    if getattr(settings, "STATIC_ROOT", None):
        roots.append(Path(settings.STATIC_ROOT))
    return [root.resolve() for root in roots]


def _static_base() -> Path:
    return Path(settings.BASE_DIR) / "static"


class ProjectURLFetcher(URLFetcher):
    """Fetches ``data:`` URLs and files under the project; refuses everything else.

    A root-relative URL such as ``/static/css/print.css`` (what ``{% static %}`` writes)
    arrives here as a file URL under ``/static/``; it is looked up with the staticfiles finders.
    """

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"data", "file"}, allow_redirects=False)

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme != "file":
            raise DocumentResourceRefused(f"Documents may not load {url!r}.")
        path = Path(url2pathname(unquote(urlsplit(url).path)))
        static_url = settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/static/"
        if not path.exists() and path.as_posix().startswith(static_url):
            found = finders.find(path.as_posix().removeprefix(static_url))
            if found:
                path = Path(found if isinstance(found, str) else found[0])
        resolved = path.resolve()
        if not resolved.is_file() or not any(resolved.is_relative_to(r) for r in _allowed_roots()):
            raise DocumentResourceRefused(f"Documents may not load {url!r}.")
        return super().fetch(path2url(str(resolved)), headers)


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render ``template_name`` with ``context`` and return the PDF bytes.

    Relative URLs in the template resolve against the project's ``static`` folder.
    """
    html = render_to_string(template_name, context)
    base_url = path2url(f"{_static_base()}/")  # trailing slash: a folder
    document = HTML(string=html, base_url=base_url, url_fetcher=ProjectURLFetcher())
    return document.write_pdf()
