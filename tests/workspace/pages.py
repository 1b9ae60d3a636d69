"""Helpers for reading workspace pages the way a user (or a screen reader) would."""

from __future__ import annotations

import lxml.html


def html(response):
    return lxml.html.fromstring(response.content.decode())


def text(node) -> str:
    return " ".join(node.text_content().split())


def title(response) -> str:
    return html(response).findtext(".//title").strip()


def summary_links(response) -> list[tuple[str, str]]:
    """(href, text) of every link in the error summary."""
    return [(a.get("href"), text(a)) for a in html(response).xpath("//*[@data-error-summary]//a")]


def field_error(response, field_id: str) -> str:
    """The message shown at a field (the element its aria-describedby points at)."""
    node = html(response).get_element_by_id(f"{field_id}_error", None)
    return text(node) if node is not None else ""


def value_of(response, field_id: str) -> str | None:
    node = html(response).get_element_by_id(field_id)
    if node.tag == "select":
        chosen = node.xpath(".//option[@selected]")
        return chosen[0].get("value") if chosen else None
    return node.get("value")


def table_column(response, index: int = 0) -> list[str]:
    """The text of one column of the page's first data table's body."""
    rows = html(response).xpath("(//table)[1]/tbody/tr")
    return [text(row.xpath("./td|./th")[index]) for row in rows]


def status_messages(response) -> list[str]:
    return [text(p) for p in html(response).xpath("//*[@role='status']/p")]
