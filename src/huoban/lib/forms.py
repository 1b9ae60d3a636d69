"""Form behaviour shared by every face: errors linked to their fields (GOV.UK pattern)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


class DescribedErrorsMixin:
    """After validation, each field with an error gets ``aria-invalid`` and an
    ``aria-describedby`` pointing at ``<field id>-error``, where templates render the message.
    """

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name in self.errors:  # type: ignore[attr-defined]
            if name not in self.fields:  # type: ignore[attr-defined]
                continue
            bound = self[name]  # type: ignore[index]
            attrs = self.fields[name].widget.attrs  # type: ignore[attr-defined]
            attrs["aria-invalid"] = "true"
            error_id = f"{bound.id_for_label}-error"
            described = attrs.get("aria-describedby", "")
            if error_id not in described.split():
                attrs["aria-describedby"] = f"{described} {error_id}".strip()


def apply_errors(
    form: forms.Form, exc: ValidationError, aliases: dict[str, str] | None = None
) -> None:
    """Put a service's ValidationError onto ``form``: each key at its field, the rest on top.

    ``aliases`` sends a key to another field when the form has no field of that name
    (e.g. a rule about the certified level shown at the claimed level).
    """
    if hasattr(exc, "error_dict"):
        for key, errors in exc.error_dict.items():
            name = key if key in form.fields else (aliases or {}).get(key)
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.error_list)
