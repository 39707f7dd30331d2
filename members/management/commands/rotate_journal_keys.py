"""Re-encrypt every journal field with the newest key in JOURNAL_ENCRYPTION_KEYS.

Rotation: put the new key first (keep the old one after it), run this command,
then remove the old key. Idempotent; prints counts only, never content.
"""

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from core.crypto import rotate

FIELDS = {
    "members_journalperson": ["label", "region"],
    "members_journalentry": ["notes"],
}


class Command(BaseCommand):
    help = "Re-encrypt journal text with the newest key."

    def handle(self, *args, **options):
        total = 0
        with transaction.atomic(), connection.cursor() as cursor:
            for table, columns in FIELDS.items():
                cursor.execute(f"SELECT id, {', '.join(columns)} FROM {table}")  # noqa: S608
                for row in cursor.fetchall():
                    pk, values = row[0], row[1:]
                    new = [rotate(v) for v in values]
                    assignments = ", ".join(f"{c} = %s" for c in columns)
                    cursor.execute(
                        f"UPDATE {table} SET {assignments} WHERE id = %s",  # noqa: S608
                        [*new, pk],
                    )
                    total += 1
        self.stdout.write(f"Re-encrypted {total} rows.")
