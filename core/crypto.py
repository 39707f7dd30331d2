"""Encryption at rest for the most sensitive free text (the conversation journal).

Keys come from the environment (JOURNAL_ENCRYPTION_KEYS: comma-separated Fernet
keys, newest first). New values are encrypted with the first key; any listed key
decrypts, so a key is rotated by putting a new one first, running
`manage.py rotate_journal_keys`, then removing the old one. Without the setting
(development), a key is derived from DJANGO_SECRET_KEY.
"""

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models

PREFIX = "enc1:"


def _derived_key() -> bytes:
    digest = hashlib.sha256(f"journal:{settings.SECRET_KEY}".encode()).digest()
    return base64.urlsafe_b64encode(digest)


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    fernets = [Fernet(k.encode() if isinstance(k, str) else k) for k in keys]
    return MultiFernet(fernets)


def fernet() -> MultiFernet:
    keys = tuple(settings.JOURNAL_ENCRYPTION_KEYS) or (_derived_key().decode(),)
    return _fernet(keys)


def encrypt(value: str) -> str:
    if value in (None, ""):
        return value
    return PREFIX + fernet().encrypt(value.encode()).decode()


def decrypt(value: str) -> str:
    if not value or not value.startswith(PREFIX):
        return value
    try:
        return fernet().decrypt(value[len(PREFIX) :].encode()).decode()
    except InvalidToken as exc:
        raise ValueError(
            "journal text cannot be decrypted with the configured keys"
        ) from exc


def rotate(value: str) -> str:
    """Re-encrypt with the newest key."""
    if not value or not value.startswith(PREFIX):
        return encrypt(value)
    return PREFIX + fernet().rotate(value[len(PREFIX) :].encode()).decode()


class EncryptedTextField(models.TextField):
    """A TextField stored encrypted; Python code sees plain text."""

    def from_db_value(self, value, expression, connection):
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt(value)
