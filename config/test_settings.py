"""Test settings: the real PostgreSQL and Redis, on a Redis database of their own."""

import os

os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
os.environ.setdefault("DJANGO_DEBUG", "true")

from .settings import *  # noqa: E402, F403
from .settings import CACHES, REDIS_URL  # noqa: E402

# One prefix per test run: parallel runs on one machine never see each
# other's rate-limit counters or sessions (tests/conftest.py clears only ours).
CACHES["default"]["KEY_PREFIX"] = f"mosty-test-{os.getpid()}"
CELERY_BROKER_URL = REDIS_URL
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Every test renders its pages; tests/core/test_pagecache.py turns the cache on.
PUBLIC_PAGE_CACHE_SECONDS = 0
