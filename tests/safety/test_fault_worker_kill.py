"""A Celery worker killed with SIGKILL, again and again, while 2,000 reminders
are due: once the workers are back every reminder is delivered, with at most
one duplicate per kill and none lost.

Real processes: two `celery -A config worker --pool=solo` subprocesses on a
private redis-server, the pytest database (committed: transaction=True) and
Django's file email backend in a temporary directory, so the test can count
what really left, per recipient (one reminder per recipient)."""

import os
import random
import time
from datetime import timedelta

import pytest
from django.db.models import Count

from config.celery import app as celery_app
from core import selectors, tasks
from core.models import Notification

from .conftest import report
from .faults import (
    CeleryProcess,
    PrivateRedis,
    count_mail_files,
    due_reminders,
    reset_broker_connections,
    subprocess_env,
    wait_until,
)

pytestmark = pytest.mark.django_db(transaction=True)

REMINDERS = int(os.environ.get("SAFETY_KILL_REMINDERS", "2000"))
KILLS = int(os.environ.get("SAFETY_KILLS", "6"))
STALE_SECONDS = 3
REQUEUE_SECONDS = 8


def test_killed_workers_lose_no_reminder_and_duplicate_at_most_one_per_kill(
    tmp_path, settings, monkeypatch
):
    started = time.monotonic()
    broker = PrivateRedis(tmp_path)
    broker.start()
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    old_broker = celery_app.conf.broker_url
    # Beat's scan runs here in the test process, every half second: a claim left
    # by a killed worker is stale after 3 s; an id lost with a killed worker's
    # prefetched messages is handed out again after 8 s (in production: 5 min).
    settings.OUTBOX_STALE_CLAIM_SECONDS = STALE_SECONDS
    monkeypatch.setattr(selectors, "REQUEUE_AFTER", timedelta(seconds=REQUEUE_SECONDS))
    celery_app.conf.broker_url = broker.url
    reset_broker_connections()
    env = subprocess_env(
        broker_url=broker.url,
        mail_dir=mail_dir,
        OUTBOX_STALE_CLAIM_SECONDS=STALE_SECONDS,
    )
    workers = [
        CeleryProcess(
            "worker",
            env,
            tmp_path / f"worker{n}.log",
            "--pool=solo",
            "--prefetch-multiplier=1",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            f"--hostname=kill{n}@%h",
        )
        for n in range(2)
    ]
    try:
        recipients = due_reminders(REMINDERS)
        for worker in workers:
            worker.start()

        def sent():
            return Notification.objects.filter(status=Notification.Status.SENT).count()

        kills, rng = 0, random.Random(7)
        last_scan = 0.0
        give_up = time.monotonic() + 120
        while kills < KILLS and time.monotonic() < give_up:
            if time.monotonic() - last_scan > 0.5:
                tasks.dispatch_due_notifications()
                last_scan = time.monotonic()
            before = sent()
            if before >= REMINDERS * (kills + 1) // (KILLS + 2) and before > 0:
                victim = workers[kills % 2]
                victim.kill()  # SIGKILL mid-work: no goodbye, no ack
                kills += 1
                time.sleep(rng.uniform(0.2, 0.8))
                victim.start()
            time.sleep(0.1)

        def all_sent():
            tasks.dispatch_due_notifications()
            return sent() == REMINDERS

        delivered = wait_until(all_sent, timeout=180, interval=0.5)
        for worker in workers:
            worker.stop()
        per_recipient = count_mail_files(mail_dir)
        lost = recipients - set(per_recipient)
        duplicates = sum(n - 1 for n in per_recipient.values() if n > 1)
        statuses = dict(
            Notification.objects.values_list("status").annotate(n=Count("id"))
        )
        retried = Notification.objects.filter(attempts__gt=1).count()
        report(
            "faults: SIGKILLed workers, reminders delivered",
            tried=REMINDERS,
            passed=REMINDERS - len(lost),
            note=f"{kills} kills, {retried} stale claims retried, "
            f"{duplicates} duplicates, {time.monotonic() - started:.0f} s",
        )
        assert delivered, statuses
        assert not lost, f"{len(lost)} reminders never sent"
        assert kills == KILLS
        assert duplicates <= kills
        assert set(per_recipient) == recipients
    finally:
        for worker in workers:
            worker.kill()
        celery_app.conf.broker_url = old_broker
        reset_broker_connections()
        broker.stop()
