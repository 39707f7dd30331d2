import smtplib
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from core import services, tasks
from core.models import Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _welcome(user, **kwargs):
    return services.notification_enqueue(
        recipient=user,
        kind="welcome",
        dedupe_key=f"welcome:{user.pk}",
        context_ids={"user": user.pk},
        **kwargs,
    )


def test_enqueue_same_dedupe_key_gives_one_row(user):
    first = _welcome(user)
    second = _welcome(user)
    assert first.pk == second.pk
    assert Notification.objects.count() == 1


def test_enqueue_rejects_personal_data_in_context(user):
    with pytest.raises(TypeError):
        services.notification_enqueue(
            recipient=user,
            kind="welcome",
            dedupe_key="x",
            context_ids={"email": user.email},
        )


def test_enqueue_rejects_unknown_kind(user):
    with pytest.raises(ValueError):
        services.notification_enqueue(recipient=user, kind="nope", dedupe_key="x")


def test_send_task_twice_sends_one_email(user):
    notification = _welcome(user)
    tasks.send_notification(notification_id=notification.pk)
    tasks.send_notification(notification_id=notification.pk)
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert notification.sent_at is not None


def test_send_renders_in_recipient_language(db):
    russian = UserFactory(language="ru")
    english = UserFactory(language="en")
    for u in (russian, english):
        tasks.send_notification(notification_id=_welcome(u).pk)
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert by_recipient[english.email].subject == "Your account is ready"
    assert by_recipient[russian.email].subject == "Ваша учётная запись готова"
    html = by_recipient[russian.email].alternatives[0][0]
    assert "Здравствуйте" in html


def test_send_uses_neutral_sender(user):
    tasks.send_notification(notification_id=_welcome(user).pk)
    assert mail.outbox[0].from_email == "Notifications <noreply@localhost>"


def test_not_yet_due_is_not_sent(user):
    notification = _welcome(user, due_at=timezone.now() + timedelta(hours=1))
    assert services.notification_send(notification_id=notification.pk) is None
    assert mail.outbox == []
    assert notification.pk not in services.notifications_claim_due()


def test_claim_due_hands_out_each_row_once_until_requeue(user):
    notification = _welcome(user)
    assert services.notifications_claim_due() == [notification.pk]
    assert services.notifications_claim_due() == []
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        assert services.notifications_claim_due() == [notification.pk]


def test_stale_claim_from_killed_worker_is_retried(user):
    notification = _welcome(user)
    Notification.objects.filter(pk=notification.pk).update(
        status=Notification.Status.SENDING, claimed_at=timezone.now()
    )
    assert services.notifications_claim_due() == []
    with time_machine.travel(timezone.now() + timedelta(minutes=10)):
        assert services.notifications_claim_due() == [notification.pk]
        services.notification_send(notification_id=notification.pk)
    assert len(mail.outbox) == 1


def test_inactive_recipient_is_cancelled(user):
    notification = _welcome(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    services.notification_send(notification_id=notification.pk)
    notification.refresh_from_db()
    assert notification.status == Notification.Status.CANCELLED
    assert mail.outbox == []


def test_cancel_and_reschedule_touch_only_pending(user):
    notification = _welcome(user)
    later = timezone.now() + timedelta(days=1)
    assert (
        services.notification_reschedule(
            dedupe_key=notification.dedupe_key, due_at=later
        )
        == 1
    )
    notification.refresh_from_db()
    assert notification.due_at == later
    assert services.notifications_cancel(dedupe_keys=[notification.dedupe_key]) == 1
    assert services.notifications_cancel(dedupe_keys=[notification.dedupe_key]) == 0


class _FailingBackend:
    error: Exception

    def __init__(self, *args, **kwargs):
        pass

    def open(self):
        raise self.error

    def close(self):
        pass

    def send_messages(self, messages):
        raise self.error


@pytest.fixture
def failing_smtp(settings):
    # The SMTP server is the one external boundary we stand in for.
    settings.EMAIL_BACKEND = "tests.core.test_outbox._FailingBackend"
    return _FailingBackend


def test_transient_smtp_error_retries_with_backoff(user, failing_smtp):
    failing_smtp.error = smtplib.SMTPServerDisconnected("gone")
    notification = _welcome(user)
    services.notification_send(notification_id=notification.pk)
    notification.refresh_from_db()
    assert notification.status == Notification.Status.PENDING
    assert notification.due_at > timezone.now()
    assert notification.attempts == 1
    assert "SMTPServerDisconnected" in notification.last_error


def test_permanent_smtp_error_marks_failed(user, failing_smtp):
    failing_smtp.error = smtplib.SMTPRecipientsRefused({user.email: (550, b"no")})
    notification = _welcome(user)
    services.notification_send(notification_id=notification.pk)
    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    assert user.email not in notification.last_error


def test_transient_errors_give_up_after_max_attempts(user, failing_smtp, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    failing_smtp.error = smtplib.SMTPServerDisconnected("gone")
    notification = _welcome(user)
    services.notification_send(notification_id=notification.pk)
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        services.notification_send(notification_id=notification.pk)
    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED


def test_task_arguments_carry_ids_only(user):
    notification = _welcome(user)
    signature = tasks.send_notification.s(notification_id=notification.pk)
    assert signature.kwargs == {"notification_id": notification.pk}
    assert signature.args == ()


class _CountingBackend:
    """Django's in-memory backend that also counts connections opened, and
    refuses the recipients in ``refuse`` (transient) for a chosen test."""

    opened = 0
    refuse: set[str] = set()

    def __init__(self, *args, **kwargs):
        self.is_open = False

    def open(self):
        if self.is_open:
            return False
        type(self).opened += 1
        self.is_open = True
        return True

    def close(self):
        self.is_open = False

    def send_messages(self, messages):
        created = self.open()
        try:
            for message in messages:
                if set(message.to) & self.refuse:
                    raise smtplib.SMTPServerDisconnected("gone")
                mail.outbox.append(message)
            return len(messages)
        finally:
            if created:
                self.close()


@pytest.fixture
def counting_smtp(settings):
    settings.EMAIL_BACKEND = "tests.core.test_outbox._CountingBackend"
    _CountingBackend.opened = 0
    _CountingBackend.refuse = set()
    return _CountingBackend


def test_batch_sends_each_message_once_over_one_connection(db, counting_smtp):
    users = UserFactory.create_batch(5)
    ids = [_welcome(u).pk for u in users]
    sent = services.notifications_send(notification_ids=ids)
    assert [n.status for n in sent] == [Notification.Status.SENT] * 5
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in users)
    assert counting_smtp.opened == 1
    # A second hand-out of the same ids (a re-queued task) sends nothing.
    assert services.notifications_send(notification_ids=ids) == []
    assert len(mail.outbox) == 5


def test_batch_skips_rows_not_due_or_not_pending(db, counting_smtp):
    due, later, cancelled = UserFactory.create_batch(3)
    ids = [
        _welcome(due).pk,
        _welcome(later, due_at=timezone.now() + timedelta(hours=1)).pk,
        _welcome(cancelled).pk,
    ]
    Notification.objects.filter(pk=ids[2]).update(status=Notification.Status.CANCELLED)
    sent = services.notifications_send(notification_ids=ids)
    assert [n.pk for n in sent] == [ids[0]]
    assert [m.to[0] for m in mail.outbox] == [due.email]
    assert Notification.objects.get(pk=ids[1]).status == Notification.Status.PENDING


def test_batch_transient_error_backs_off_that_message_only(db, counting_smtp):
    first, refused, last = UserFactory.create_batch(3)
    counting_smtp.refuse = {refused.email}
    ids = [_welcome(u).pk for u in (first, refused, last)]
    services.notifications_send(notification_ids=ids)
    statuses = dict(Notification.objects.values_list("recipient_id", "status"))
    assert statuses[first.pk] == Notification.Status.SENT
    assert statuses[last.pk] == Notification.Status.SENT
    assert statuses[refused.pk] == Notification.Status.PENDING
    retry = Notification.objects.get(recipient=refused)
    assert (
        retry.due_at > timezone.now() and "SMTPServerDisconnected" in retry.last_error
    )
    # The broken connection was closed and a new one opened for the last message.
    assert counting_smtp.opened == 2


def test_batch_with_smtp_down_backs_off_every_message(db, failing_smtp):
    failing_smtp.error = smtplib.SMTPServerDisconnected("gone")
    ids = [_welcome(u).pk for u in UserFactory.create_batch(2)]
    services.notifications_send(notification_ids=ids)
    assert set(Notification.objects.values_list("status", flat=True)) == {
        Notification.Status.PENDING
    }
    assert mail.outbox == []


def test_batch_task_arguments_carry_ids_only(user):
    notification = _welcome(user)
    signature = tasks.send_notifications.s(notification_ids=[notification.pk])
    assert signature.kwargs == {"notification_ids": [notification.pk]}


def test_batch_out_of_time_hands_the_rest_back_untried(
    db, counting_smtp, settings, monkeypatch
):
    # Claims older than OUTBOX_STALE_CLAIM_SECONDS are retried by another
    # worker: a chunk stops at half that and gives back what it did not try.
    settings.OUTBOX_STALE_CLAIM_SECONDS = 100
    clock = iter([0.0, 10.0, 60.0])  # deadline at 50; first message at 10, next at 60
    monkeypatch.setattr(services.time, "monotonic", lambda: next(clock))
    users = UserFactory.create_batch(3)
    ids = [_welcome(u).pk for u in users]
    services.notifications_send(notification_ids=ids)
    assert [m.to[0] for m in mail.outbox] == [users[0].email]
    rest = Notification.objects.filter(pk__in=ids[1:])
    assert {(n.status, n.attempts, n.queued_at) for n in rest} == {
        (Notification.Status.PENDING, 0, None)
    }


def test_batch_unexpected_error_in_one_message_does_not_stop_the_others(
    db, counting_smtp, monkeypatch
):
    first, broken, last = UserFactory.create_batch(3)
    real = services.render_email

    def render(template, context, **kwargs):
        if context["recipient"].pk == broken.pk:
            raise ValueError("a template bug")
        return real(template, context, **kwargs)

    monkeypatch.setattr(services, "render_email", render)
    ids = [_welcome(u).pk for u in (first, broken, last)]
    services.notifications_send(notification_ids=ids)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([first.email, last.email])
    retry = Notification.objects.get(recipient=broken)
    assert retry.status == Notification.Status.PENDING
    assert retry.due_at > timezone.now() and retry.last_error == "ValueError"
