"""The OpenAPI document of API v1: django-ninja's, checked and with links added.

Checked: django-ninja files every model under its class name and silently keeps the last of
two different models with one name, so a response then fails its own documented schema (two
``DayOut`` classes did that to a site's detail). Here a clash stops the document instead.

Links (OpenAPI 3.1 ``links``) say where an operation's ids can be used next: the sessions of
the timetable for sign-up and check-in, a sign-up for cancelling, a site for its hours and
shifts. Client generators show them, and the contract test's stateful phase follows them to
reach real objects rather than guessing ids.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema


def operation_id(view: Callable[..., Any]) -> str:
    """The operationId django-ninja gives ``view`` (``NinjaAPI.get_openapi_operation_id``)."""
    return f"{view.__module__}_{view.__name__}".replace(".", "_")


@dataclass(frozen=True)
class Link:
    """After ``source`` answers ``status``, ``target`` can be called with these values.

    ``parameters`` maps ``path.<name>`` / ``query.<name>`` to a runtime expression such as
    ``$response.body#/items/0/public_id``; ``body`` is the request body (or some of its
    fields) made of such expressions.
    """

    source: Callable[..., Any]
    status: int
    target: Callable[..., Any]
    description: str
    parameters: dict[str, str] = field(default_factory=dict)
    body: Any = None

    def as_openapi(self) -> dict[str, Any]:
        link: dict[str, Any] = {
            "operationId": operation_id(self.target),
            "description": self.description,
        }
        if self.parameters:
            link["parameters"] = dict(self.parameters)
        if self.body is not None:
            link["requestBody"] = self.body
        return link


class Document(OpenAPISchema):
    """django-ninja's document with unique names and operation ids, and the links added."""

    def __init__(self, api: NinjaAPI, path_prefix: str, links: Iterable[Link] = ()) -> None:
        super().__init__(api, path_prefix)
        operations = self._operations()
        for link in links:
            self._add_link(operations, link)

    def add_schema_definitions(self, definitions: dict[str, Any]) -> None:
        for name, schema in definitions.items():
            known = self.schemas.get(name)
            if known is not None and known != schema:
                raise ImproperlyConfigured(
                    f"Two different schemas of the API are named {name!r}; the document can "
                    "keep only one of them. Give one of the classes another name."
                )
        super().add_schema_definitions(definitions)

    def _operations(self) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for item in self["paths"].values():
            for op in item.values():
                if op["operationId"] in found:
                    raise ImproperlyConfigured(f"Two operations are both {op['operationId']!r}.")
                found[op["operationId"]] = op
        return found

    def _add_link(self, operations: dict[str, dict[str, Any]], link: Link) -> None:
        source, target = operation_id(link.source), operation_id(link.target)
        if source not in operations or target not in operations:
            raise ImproperlyConfigured(f"A link from {source} to {target}: no such operation.")
        response = operations[source]["responses"].get(link.status)
        if response is None:
            raise ImproperlyConfigured(f"A link from {source}: it has no {link.status} response.")
        links = response.setdefault("links", {})
        name = link.target.__name__
        suffix = 2
        while name in links:
            name = f"{link.target.__name__}_{suffix}"
            suffix += 1
        links[name] = link.as_openapi()
