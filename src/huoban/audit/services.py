"""Writing the audit trail. Every service that changes data calls `audit_record`."""

from __future__ import annotations

from typing import Any

from django.db import models

from huoban.audit.models import AuditEvent


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    changes: dict[str, Any] | None = None,
    ip_address: str | None = None,
) -> AuditEvent:
    """Record that ``actor`` did ``action`` to ``obj``; ``changes`` maps field -> new value."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        changes={k: _jsonable(v) for k, v in (changes or {}).items()},
        ip_address=ip_address,
    )


def diff_fields(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """The fields whose values differ, as ``{field: [old, new]}``."""
    return {
        k: [_jsonable(before.get(k)), _jsonable(v)] for k, v in after.items() if before.get(k) != v
    }
