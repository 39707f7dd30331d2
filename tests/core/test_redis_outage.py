"""With Redis stopped, requests that create messages still succeed; the
messages go out once Redis is back. A real redis-server of the test's own is
stopped and started: no mock of Redis or the broker."""

import shutil
import socket
import subprocess
import time

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.urls import reverse

from config.celery import app as celery_app
from core import tasks
from core.models import Notification
from tests.factories import UserFactory


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _reset_broker_connections():
    # Drop pooled connections so the next publish dials the broker afresh.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


class PrivateRedis:
    def __init__(self, tmp_path):
        self.port = _free_port()
        self.dir = tmp_path
        self.proc = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.proc = subprocess.Popen(
            [
                shutil.which("redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        if self.proc:
            self.proc.terminate()
            self.proc.wait(timeout=10)
            self.proc = None


@pytest.fixture
def private_redis(tmp_path, settings):
    redis = PrivateRedis(tmp_path)
    redis.start()
    old = celery_app.conf.broker_url
    celery_app.conf.broker_url = redis.url
    _reset_broker_connections()
    settings.REDIS_URL = redis.url
    settings.CACHES = {
        "default": {
            **settings.CACHES["default"],
            "LOCATION": redis.url,
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    yield redis
    redis.stop()
    celery_app.conf.broker_url = old
    _reset_broker_connections()


@pytest.mark.django_db(transaction=True)
def test_request_succeeds_while_redis_is_down_and_message_follows(
    client, private_redis
):
    user = UserFactory(verified=False)
    address = EmailAddress.objects.create(user=user, email=user.email, primary=True)

    private_redis.stop()
    _reset_broker_connections()
    started = time.monotonic()
    response = client.post(
        reverse("account_confirm_email", args=[EmailConfirmationHMAC(address).key])
    )
    assert response.status_code == 302
    assert time.monotonic() - started < 5  # the request did not wait on the broker
    notification = Notification.objects.get(recipient=user, kind="welcome")
    assert notification.status == Notification.Status.PENDING

    # Beat's scan while the broker is down publishes nothing and loses nothing.
    assert tasks.dispatch_due_notifications() == 0
    notification.refresh_from_db()
    assert notification.status == Notification.Status.PENDING
    assert notification.queued_at is None

    private_redis.start()
    _reset_broker_connections()
    assert tasks.dispatch_due_notifications() == 1  # queued in the broker
    with start_worker(celery_app, perform_ping_check=False, pool="solo"):
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            notification.refresh_from_db()
            if notification.status == Notification.Status.SENT:
                break
            time.sleep(0.1)
    assert notification.status == Notification.Status.SENT
    assert [m.to for m in mail.outbox] == [[user.email]]
