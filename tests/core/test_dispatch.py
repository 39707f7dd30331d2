import pytest
from django.core import mail

from config.celery import app as celery_app
from core import services, tasks
from core.models import Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def eager_tasks():
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


def _due(n):
    for user in UserFactory.create_batch(n):
        services.notification_enqueue(
            recipient=user, kind="welcome", dedupe_key=f"welcome:{user.pk}"
        )


def test_full_batch_scans_again_at_once(settings, eager_tasks):
    settings.OUTBOX_DISPATCH_BATCH = 2
    _due(5)
    assert tasks.dispatch_due_notifications() == 2
    # 2 + 2 + 1: the rest went out without waiting for the next beat.
    assert Notification.objects.filter(status="sent").count() == 5
    assert len(mail.outbox) == 5


def test_partial_batch_leaves_later_rows_to_the_next_beat(settings, eager_tasks):
    settings.OUTBOX_DISPATCH_BATCH = 10
    _due(3)
    assert tasks.dispatch_due_notifications() == 3
    assert len(mail.outbox) == 3
    assert tasks.dispatch_due_notifications() == 0


def test_ids_go_to_the_workers_in_chunks(settings, eager_tasks, monkeypatch):
    settings.OUTBOX_SEND_CHUNK = 2
    chunks = []
    real = services.notifications_send

    def spy(*, notification_ids):
        chunks.append(list(notification_ids))
        return real(notification_ids=notification_ids)

    monkeypatch.setattr(services, "notifications_send", spy)
    _due(5)
    assert tasks.dispatch_due_notifications() == 5
    assert [len(c) for c in chunks] == [2, 2, 1]
    assert len(mail.outbox) == 5
