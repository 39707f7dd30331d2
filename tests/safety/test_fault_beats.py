"""Two beat processes by mistake: both scan the outbox every second, and no
message is sent twice (the claim guards it). Real `celery beat` subprocesses
and a real worker subprocess, on a private redis-server."""

import time

import pytest

from config.celery import app as celery_app
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

WAVES, PER_WAVE = 5, 60


def test_two_beats_send_nothing_twice(tmp_path):
    broker = PrivateRedis(tmp_path)
    broker.start()
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    old = celery_app.conf.broker_url
    celery_app.conf.broker_url = broker.url
    reset_broker_connections()
    env = subprocess_env(broker_url=broker.url, mail_dir=mail_dir)
    beats = [
        CeleryProcess(
            "beat",
            env,
            tmp_path / f"beat{n}.log",
            "-s",
            str(tmp_path / f"schedule{n}"),
            "--loglevel=INFO",
            app="tests.safety.celery_fast",  # the scan every second, not minute
        )
        for n in range(2)
    ]
    worker = CeleryProcess(
        "worker",
        env,
        tmp_path / "worker.log",
        "--concurrency=2",
        "--loglevel=WARNING",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    )
    try:
        worker.start()
        for beat in beats:
            beat.start()
        recipients = set()
        for wave in range(WAVES):
            recipients |= due_reminders(PER_WAVE, prefix=f"beat{wave}-")
            time.sleep(1.0)
        total = WAVES * PER_WAVE
        delivered = wait_until(
            lambda: Notification.objects.filter(status="sent").count() == total,
            timeout=90,
            interval=0.5,
        )
        time.sleep(3)  # both beats keep scanning the finished outbox
        for beat in beats:
            beat.stop()
        worker.stop()
        counts = count_mail_files(mail_dir)
        scans = sum(
            (tmp_path / f"beat{n}.log").read_text().count("Sending due task")
            for n in range(2)
        )
        twice = [to for to, n in counts.items() if n > 1]
        report(
            "faults: two beats, messages sent once",
            tried=total,
            passed=total - len(twice) - len(recipients - set(counts)),
            note=f"{scans} scans by 2 beats",
        )
        assert delivered
        assert scans >= 10
        assert not twice
        assert set(counts) == recipients
    finally:
        for process in (*beats, worker):
            process.kill()
        celery_app.conf.broker_url = old
        reset_broker_connections()
        broker.stop()
