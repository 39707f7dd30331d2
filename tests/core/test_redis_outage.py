"""With Redis stopped, requests that create messages still succeed; the
messages go out once Redis is back. A real redis-server of the test's own is
stopped and started: no mock of Redis or the broker."""

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
from tests.private_redis import reset_broker_connections


@pytest.mark.django_db(transaction=True)
def test_request_succeeds_while_redis_is_down_and_message_follows(
    client, private_redis
):
    user = UserFactory(verified=False)
    address = EmailAddress.objects.create(user=user, email=user.email, primary=True)

    private_redis.stop()
    reset_broker_connections()
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
    reset_broker_connections()
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
