"""Form behaviour shared by every face: errors linked to their fields (GOV.UK pattern)."""

from __future__ import annotations


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
