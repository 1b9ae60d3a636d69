"""Where receipts are kept: beside MEDIA_ROOT, never under it.

Everything under MEDIA_ROOT may be served as it is at MEDIA_URL (Django does so in
development, a web server in front may do so in production). Receipts name payees and
amounts, so they live in a folder nothing serves, and reach a browser only through the
scoped download view. ``HUOBAN_PRIVATE_MEDIA_ROOT`` chooses the folder; without it, a
folder ``private`` next to MEDIA_ROOT.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property


def private_root() -> Path:
    configured = getattr(settings, "HUOBAN_PRIVATE_MEDIA_ROOT", None)
    if configured:
        return Path(configured)
    return Path(settings.MEDIA_ROOT).parent / "private"


@deconstructible(path="huoban.budget.storage.PrivateStorage")
class PrivateStorage(FileSystemStorage):
    """A file system storage without URLs, in :func:`private_root`."""

    def __init__(self) -> None:
        super().__init__()

    @cached_property
    def base_location(self) -> Path:  # type: ignore[override]
        return private_root()

    def url(self, name: str | None) -> str:
        raise ValueError("Private files have no public URL; use the scoped download view.")

    def _clear_cached_properties(self, setting: str, **kwargs: Any) -> None:
        super()._clear_cached_properties(setting, **kwargs)
        if setting in {"MEDIA_ROOT", "HUOBAN_PRIVATE_MEDIA_ROOT"}:
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)
