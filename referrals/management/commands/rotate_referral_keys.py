"""After putting a new key in front of FIELD_ENCRYPTION_KEYS: re-encrypt every referral field with it and
recompute the lookup hashes, so the old key can be removed."""

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from referrals import crypto
from referrals.fields import EncryptedTextField
from referrals.models import Referral, ReferralNote, ReferralStatusChange, VulnerableLocation


class Command(BaseCommand):
    help = "Re-encrypt the referral register with the newest FIELD_ENCRYPTION_KEYS key and recompute lookup hashes."

    @transaction.atomic
    def handle(self, *args, **options):
        rows = 0
        quote = connection.ops.quote_name
        for model in (VulnerableLocation, Referral, ReferralNote, ReferralStatusChange):
            columns = [f.column for f in model._meta.fields if isinstance(f, EncryptedTextField)]
            table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
            with connection.cursor() as cursor:
                # The stored tokens, read past the field (which would decrypt them).
                cursor.execute(f"SELECT {pk}, {', '.join(quote(c) for c in columns)} FROM {table}")  # noqa: S608
                stored = cursor.fetchall()
                for pk_value, *tokens in stored:
                    assignments = [(c, crypto.rotate(t)) for c, t in zip(columns, tokens, strict=True) if t]
                    if not assignments:
                        continue
                    cursor.execute(
                        f"UPDATE {table} SET {', '.join(f'{quote(c)} = %s' for c, _t in assignments)} WHERE {pk} = %s",  # noqa: S608
                        [t for _c, t in assignments] + [pk_value],
                    )
                    rows += 1
        for location in VulnerableLocation.objects.all():
            location.save(update_fields=["address_hash", "owner_name_hash", "owner_contact_hash"])
        self.stdout.write(
            self.style.SUCCESS(f"Re-encrypted {rows} rows with the newest key; lookup hashes recomputed.")
        )
