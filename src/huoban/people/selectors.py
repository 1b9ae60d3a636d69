"""Finding elders: who may see whom, and the desk's search."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from huoban.accounts.selectors import memberships_of, scope_q
from huoban.lib.crypto import id_number_index, mobile_index
from huoban.lib.ids import normalize_mobile
from huoban.people.models import Elder

RESIDENT_ID = re.compile(r"\d{17}[\dX]")
# Segments of a street's path: city/district/street/.
STREET_DEPTH = 3


def _street_path(region_path: str) -> str | None:
    """The street part of a site's region path; None when the site sits above a street."""
    parts = region_path.strip("/").split("/")
    if len(parts) < STREET_DEPTH:
        return None
    return "/".join(parts[:STREET_DEPTH]) + "/"


def elders_for(user, roles: Iterable[str]) -> QuerySet[Elder]:
    """Elders the user may see with one of ``roles``.

    A region scope (street, district, city admin) sees the elders whose street, or home site
    when no street was given, lies in the region. A site scope (volunteer, site manager) sees
    the elders registered at the site and those living in the site's street.
    """
    wanted = set(roles)
    q = scope_q(user, wanted, site_field="home_site_id", region_path_field="region_path")
    for m in memberships_of(user):
        if m.role in wanted and m.site is not None:
            street = _street_path(m.site.region_path)
            q |= Q(region_path__under=street) if street else Q(region_path=m.site.region_path)
    return Elder.objects.filter(q)


def _compact(text: str) -> str:
    """Full-width digits and letters made ASCII; spaces and dashes dropped."""
    return re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", text))


def elder_search(qs: QuerySet[Elder], text: str) -> QuerySet[Elder]:
    """The desk's search within ``qs``.

    * a full mobile number (11 digits, spaces, dashes or +86 allowed): exact, by blind index;
    * an 18-character resident ID: exact, by blind index;
    * exactly four digits: the mobile's last four digits;
    * letters only: pinyin initials ("zxm") or the start of the full pinyin ("zhang",
      "zhangxiao");
    * anything else: part of the name.

    Empty text finds nobody.
    """
    text = (text or "").strip()
    if not text:
        return qs.none()
    compact = _compact(text).upper()
    if RESIDENT_ID.fullmatch(compact):
        return qs.filter(id_index=id_number_index(compact))
    digits = compact.removeprefix("+")
    if digits.isascii() and digits.isdigit():
        if len(digits) == 4:
            return qs.filter(mobile_last4=digits)
        try:
            mobile = normalize_mobile(compact)
        except ValidationError:
            return qs.none()
        return qs.filter(mobile_index=mobile_index(mobile))
    letters = compact.lower()
    if letters.isascii() and letters.isalpha():
        # Tokens after the name are the full pinyin and the initials: a prefix of either.
        return qs.filter(search_text__contains=f" {letters}")
    return qs.filter(name__contains=" ".join(text.split()))
