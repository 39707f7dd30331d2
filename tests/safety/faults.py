"""Real processes for the fault batteries: a private redis-server per test and
Celery workers and beats started as subprocesses against the test database."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from core.models import Notification
from events.models import Registration
from members.models import User
from tests.factories import ClubFactory, EventFactory
from tests.private_redis import (  # noqa: F401 - re-exported for the batteries
    PrivateRedis,
    free_port,
    reset_broker_connections,
)

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    """The pytest test database, for subprocesses (transaction=True tests only:
    otherwise nothing the test wrote is visible to them)."""
    db = settings.DATABASES["default"]
    auth = db["USER"] or ""
    if db.get("PASSWORD"):
        auth += f":{db['PASSWORD']}"
    host = db["HOST"] or "127.0.0.1"
    return f"postgres://{auth}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


def subprocess_env(*, broker_url: str, mail_dir: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        # Production mode (DEBUG off: no query log growing in a long worker).
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="safety-battery-" + "k" * 60,
        DJANGO_SECURE_SSL_REDIRECT="false",
        DATABASE_URL=database_url(),
        REDIS_URL=broker_url,
        # Four slashes: django-environ drops one from an absolute filemail path.
        EMAIL_URL=f"filemail:///{mail_dir}",
        CACHE_KEY_PREFIX="mosty-safety",
        LOG_LEVEL="WARNING",
    )
    env.update({k: str(v) for k, v in extra.items()})
    return env


class CeleryProcess:
    """`celery -A config worker|beat` as a real subprocess."""

    def __init__(self, kind: str, env: dict, log_path: Path, *args: str, app="config"):
        self.kind, self.env, self.log_path, self.args = kind, env, log_path, args
        self.app = app
        self.proc = None

    def start(self):
        log = open(self.log_path, "ab")  # noqa: SIM115 - closed with the process
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", self.app, self.kind, *self.args],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: we kill all of it
        )
        return self

    def kill(self):
        """SIGKILL, no warning, the whole group (pool children included)."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        self.proc = None

    def stop(self):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
        self.proc = None


def wait_until(predicate, *, timeout: float, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def count_mail_files(mail_dir: Path) -> dict:
    """Messages per recipient address in the file email backend's output."""
    import email
    from collections import Counter

    counts = Counter()
    for path in mail_dir.glob("*.log"):
        raw = path.read_bytes()
        # The file backend writes each message followed by a line of dashes.
        for chunk in raw.split(b"\n" + b"-" * 79 + b"\n"):
            if not chunk.strip():
                continue
            message = email.message_from_bytes(chunk.lstrip(b"\n"))
            to = message.get("To")
            if to:
                counts[to] += 1
    return counts


def due_reminders(count, prefix="kill"):
    """``count`` members, each with a confirmed seat and a reminder due now
    (one reminder per recipient, so mail can be counted per reminder)."""
    event = EventFactory(
        club=ClubFactory(), starts_at=timezone.now() + timedelta(hours=1, seconds=-30)
    )
    users = User.objects.bulk_create(
        User(
            email=f"{prefix}{i}@example.org",
            display_name=f"{prefix} {i}",
            status=User.Status.MEMBER,
            language="en",
            timezone="Europe/Berlin",
            password="!",
        )
        for i in range(count)
    )
    registrations = Registration.objects.bulk_create(
        Registration(event=event, member=user, status=Registration.Status.CONFIRMED)
        for user in users
    )
    due = event.starts_at - timedelta(hours=1)
    Notification.objects.bulk_create(
        Notification(
            recipient=user,
            kind="event_reminder",
            dedupe_key=f"reminder:{registration.pk}:1",
            due_at=due,
            context_ids={"registration": registration.pk, "hours": 1},
        )
        for user, registration in zip(users, registrations, strict=True)
    )
    return {user.email for user in users}
