"""Re-encrypt every encrypted column under the newest key of HUOBAN_FIELD_KEYS.

Rotation: put the new key first in HUOBAN_FIELD_KEYS (keep the old ones after it), restart,
run this command, then remove the old keys. Values already under the newest key are left
alone, so running it twice is harmless. One transaction: a value that no key decrypts stops
the run and nothing is changed.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast

from huoban.lib.crypto import DecryptionError, decrypt, encrypted_fields, is_current


class Command(BaseCommand):
    help = (
        "用 HUOBAN_FIELD_KEYS 的第一个密钥重新加密所有加密字段。"
        "Re-encrypt every encrypted field with the first key of HUOBAN_FIELD_KEYS."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size", type=int, default=500, help="每批行数 rows per batch (500)"
        )

    def handle(self, *args, batch_size, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        total = 0
        with transaction.atomic():
            for model, fields in encrypted_fields():
                for field in fields:
                    rotated, current = self._rotate(model, field, batch_size)
                    total += rotated
                    self.stdout.write(
                        f"{model._meta.label}.{field.name}: 重新加密 {rotated} 个 re-encrypted, "
                        f"已是新密钥 {current} 个 already current"
                    )
        self.stdout.write(self.style.SUCCESS(f"完成：共重新加密 {total} 个值。Done: {total}."))

    def _rotate(self, model, field, batch_size):
        """Re-encrypt one column in batches of primary keys; returns (rotated, current)."""
        rotated = current = 0
        # The raw column, not decrypted: whether a value needs rotating is read off its token.
        rows = (
            model._default_manager.exclude(Q(**{f"{field.name}__isnull": True}))
            .exclude(**{field.name: ""})
            .annotate(raw_token=Cast(field.name, output_field=TextField()))
            .order_by("pk")
        )
        last = None
        while True:
            batch_qs = rows if last is None else rows.filter(pk__gt=last)
            batch = list(batch_qs.values_list("pk", "raw_token")[:batch_size])
            if not batch:
                break
            last = batch[-1][0]
            stale = []
            for pk, token in batch:
                if is_current(token):
                    current += 1
                    continue
                try:
                    plaintext = decrypt(token, where=f"{model._meta.label}.{field.name}")
                except DecryptionError as exc:
                    raise CommandError(f"{exc} (pk={pk}); nothing was changed.") from None
                stale.append(model(pk=pk, **{field.attname: plaintext}))
            # bulk_update encrypts through the field with the newest key; it leaves
            # updated_at alone: re-encrypting is not a change to the data.
            model._default_manager.bulk_update(stale, [field.name], batch_size=batch_size)
            rotated += len(stale)
        return rotated, current
