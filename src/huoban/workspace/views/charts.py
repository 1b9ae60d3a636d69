"""Charts on workspace pages: the data a page hands to static/huoban/charts.js.

A chart is drawn by ECharts (vendored, SVG renderer, aria on) from a ``json_script`` block;
every chart stands next to a table with the same figures, its text equivalent, and without
JavaScript the table alone is shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Above this many categories a bar chart gets the taller box (.chart-tall).
TALL_FROM = 7


@dataclass(frozen=True)
class Series:
    name: str
    data: list[int | None]


@dataclass(frozen=True)
class Chart:
    id: str
    # What the chart shows, for screen readers; it names the table with the figures.
    label: str
    # "bars" (horizontal bars, one per category and series) or "line" (one point a category).
    kind: str
    categories: list[str]
    series: list[Series] = field(default_factory=list)

    @property
    def data_id(self) -> str:
        return f"{self.id}-data"

    @property
    def size_class(self) -> str:
        bars = len(self.categories) * max(len(self.series), 1)
        return "chart-tall" if self.kind == "bars" and bars >= TALL_FROM else ""

    @property
    def data(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "label": self.label,
            "categories": self.categories,
            "series": [{"name": s.name, "data": s.data} for s in self.series],
        }
