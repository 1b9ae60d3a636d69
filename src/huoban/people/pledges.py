"""The texts a volunteer accepts before serving, each with its version.

The texts are templates (``people/pledges/<document>.html``), always in Chinese like the
printed documents. Changing a text means raising its version here: every volunteer must
then accept the new version before a badge can be printed again.
"""

from __future__ import annotations

from dataclasses import dataclass

from huoban.people.models import PledgeDocument


@dataclass(frozen=True)
class PledgeText:
    document: str
    version: str
    template: str

    @property
    def title(self) -> str:
        return str(PledgeDocument(self.document).label)


CURRENT = {
    PledgeDocument.SERVICE_MANUAL: PledgeText(
        PledgeDocument.SERVICE_MANUAL, "2026.1", "people/pledges/service_manual.html"
    ),
    PledgeDocument.PRIVACY: PledgeText(
        PledgeDocument.PRIVACY, "2026.1", "people/pledges/privacy.html"
    ),
}
