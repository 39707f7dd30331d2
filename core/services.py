"""Outbox writes: enqueue, reschedule, cancel, claim and send notifications."""

import logging
import smtplib
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .emails import render_email
from .models import Notification
from .notifications import get_kind
from .selectors import notifications_due

logger = logging.getLogger(__name__)


def notification_enqueue(
    *,
    recipient,
    kind: str,
    dedupe_key: str,
    due_at: datetime | None = None,
    context_ids: dict[str, int] | None = None,
) -> Notification:
    """Write one outbox row, or return the existing row with the same dedupe key.

    Call it inside the transaction of the change that causes the message: the
    row commits or rolls back with it. Nothing touches the broker here, so a
    request never waits on Redis; the beat scan picks the row up.
    """
    _check(kind, context_ids)
    notification, _ = Notification.objects.get_or_create(
        dedupe_key=dedupe_key,
        defaults={
            "recipient": recipient,
            "kind": kind,
            "due_at": due_at or timezone.now(),
            "context_ids": context_ids or {},
        },
    )
    return notification


def notifications_enqueue_new(*, rows: list[dict]) -> None:
    """Write several outbox rows in one INSERT, e.g. a new registration's
    confirmation and reminders. ``rows`` hold notification_enqueue's
    arguments. Meant for rows whose dedupe keys are new (they name a row just
    created); a key that exists anyway is skipped, never duplicated."""
    now = timezone.now()
    for row in rows:
        _check(row["kind"], row.get("context_ids"))
    Notification.objects.bulk_create(
        [
            Notification(
                recipient=row["recipient"],
                kind=row["kind"],
                dedupe_key=row["dedupe_key"],
                due_at=row.get("due_at") or now,
                context_ids=row.get("context_ids") or {},
            )
            for row in rows
        ],
        ignore_conflicts=True,
    )


def _check(kind: str, context_ids: dict | None) -> None:
    if get_kind(kind) is None:
        raise ValueError(f"unknown notification kind {kind!r}")
    for key, value in (context_ids or {}).items():
        if not isinstance(value, int):
            # Only ids go into the outbox: never names, emails or addresses.
            raise TypeError(f"context id {key!r} must be an int")


def notification_reschedule(*, dedupe_key: str, due_at: datetime) -> int:
    """Move a pending message (a reminder whose event moved). Returns rows moved."""
    return Notification.objects.filter(
        dedupe_key=dedupe_key, status=Notification.Status.PENDING
    ).update(due_at=due_at, queued_at=None)


def notifications_cancel(*, dedupe_keys: list[str]) -> int:
    """Cancel pending messages that are no longer wanted. Returns rows cancelled."""
    return Notification.objects.filter(
        dedupe_key__in=dedupe_keys, status=Notification.Status.PENDING
    ).update(status=Notification.Status.CANCELLED)


def notifications_claim_due(*, limit: int = 5000) -> list[int]:
    """Pick due rows for the workers and mark them queued.

    Rows whose worker died mid-send (``sending`` for longer than
    OUTBOX_STALE_CLAIM_SECONDS) go back to pending first. Queued rows are not
    handed out again for REQUEUE_AFTER, so a slow worker does not get the same
    id twice from successive scans; the claim in ``notification_send`` makes
    a duplicate hand-out harmless anyway.
    """
    now = timezone.now()
    stale = now - timedelta(seconds=settings.OUTBOX_STALE_CLAIM_SECONDS)
    Notification.objects.filter(
        status=Notification.Status.SENDING, claimed_at__lt=stale
    ).update(status=Notification.Status.PENDING, queued_at=None)
    with transaction.atomic():
        ids = list(
            notifications_due(now=now)
            .select_for_update(skip_locked=True)
            .order_by("due_at")
            .values_list("id", flat=True)[:limit]
        )
        if ids:
            Notification.objects.filter(id__in=ids).update(queued_at=now)
    return ids


def notifications_release(*, notification_ids: list[int]) -> int:
    """Make queued rows available to the next scan (the broker was down)."""
    return Notification.objects.filter(
        id__in=notification_ids, status=Notification.Status.PENDING
    ).update(queued_at=None)


def _is_permanent(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return True
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    return False


def _mark(notification_id: int, **fields) -> None:
    Notification.objects.filter(
        id=notification_id, status=Notification.Status.SENDING
    ).update(**fields)


def notification_send(*, notification_id: int) -> Notification | None:
    """Send one due message at most once.

    Claims the row with a conditional UPDATE (pending -> sending); a second
    call, or a second worker, finds nothing to claim and returns None. Then
    ``_deliver`` re-checks, renders and sends it.
    """
    now = timezone.now()
    claimed = Notification.objects.filter(
        id=notification_id, status=Notification.Status.PENDING, due_at__lte=now
    ).update(
        status=Notification.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if claimed != 1:
        logger.info("notification %s: nothing to claim", notification_id)
        return None
    notification = Notification.objects.select_related("recipient").get(
        id=notification_id
    )
    _deliver(notification, connection=None)
    return notification


def notifications_send(*, notification_ids: list[int]) -> list[Notification]:
    """Send several due messages, each at most once, over one SMTP connection.

    What the workers run for the beat scan's batches: one claim for all of
    them (the rows another worker holds or already took are skipped), one
    read, then per message the same re-check, render and send as
    ``notification_send``, each marked sent as soon as it has left, so a
    killed worker re-sends at most the one message it was in. Returns the
    claimed rows with their outcome.
    """
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            Notification.objects.filter(
                id__in=notification_ids,
                status=Notification.Status.PENDING,
                due_at__lte=now,
            )
            .select_for_update(skip_locked=True)
            .values_list("id", flat=True)
        )
        if ids:
            Notification.objects.filter(id__in=ids).update(
                status=Notification.Status.SENDING,
                claimed_at=now,
                attempts=F("attempts") + 1,
            )
    if len(ids) < len(notification_ids):
        logger.info(
            "notifications: %d of %d had nothing to claim",
            len(notification_ids) - len(ids),
            len(notification_ids),
        )
    if not ids:
        return []
    notifications = list(
        Notification.objects.select_related("recipient")
        .filter(id__in=ids)
        .order_by("id")
    )
    connection = get_connection()
    try:
        try:
            # Opened here, the backend keeps it open across send_messages calls
            # (a connection it opens itself it closes after each message).
            connection.open()
        except (smtplib.SMTPException, OSError) as exc:
            # Each message then tries on its own and backs off as usual.
            logger.info("SMTP open failed: %s", type(exc).__name__)
        # Rows left in 'sending' longer than OUTBOX_STALE_CLAIM_SECONDS go back
        # to the queue for another worker: stop well before that (a slow or
        # silent SMTP server) and hand the rest back, never racing that retry.
        started = time.monotonic()
        deadline = started + settings.OUTBOX_STALE_CLAIM_SECONDS / 2
        # Read once for the chunk, after the (possibly slow) connect, and again
        # for the rest whenever that read is older than PRELOAD_MAX_AGE_SECONDS:
        # a reminder is never built from what was true longer ago than that.
        _preload(notifications)
        preloaded_at = started
        for index, notification in enumerate(notifications):
            now_monotonic = time.monotonic()
            if now_monotonic > deadline:
                _release_claims([n.pk for n in notifications[index:]])
                logger.warning(
                    "notifications: chunk out of time, %d handed back",
                    len(notifications) - index,
                )
                break
            if now_monotonic - preloaded_at > PRELOAD_MAX_AGE_SECONDS:
                _preload(notifications[index:])
                preloaded_at = now_monotonic
            try:
                _deliver(notification, connection=connection)
            except Exception as exc:  # noqa: BLE001 - one bad message must not hold the chunk
                logger.exception("notification %s: unexpected error", notification.pk)
                _back_off(notification, reason=type(exc).__name__, permanent=False)
    finally:
        _close_quietly(connection)
    return notifications


# How old a chunk's shared read may be when a message is built from it. A
# single message's own read is as old as its render and send take; this keeps
# a chunk's within a few seconds of that, on a slow mail server too.
PRELOAD_MAX_AGE_SECONDS = 5


def _preload(notifications: list[Notification]) -> None:
    """One read per kind for the whole chunk where the kind offers one (the
    event kinds: their registrations). If it fails, each builder reads its
    own, as for a single message."""
    by_kind: dict[str, list[Notification]] = {}
    for notification in notifications:
        by_kind.setdefault(notification.kind, []).append(notification)
    for name, group in by_kind.items():
        kind = get_kind(name)
        if kind is None or kind.preload is None:
            continue
        try:
            with transaction.atomic():
                kind.preload(group)
        except Exception:  # noqa: BLE001 - the messages can still be sent
            logger.exception("notifications: preload of %s failed", name)


def _release_claims(notification_ids: list[int]) -> None:
    """Claimed rows not tried at all: pending again, the attempt not counted."""
    Notification.objects.filter(
        id__in=notification_ids, status=Notification.Status.SENDING
    ).update(
        status=Notification.Status.PENDING,
        queued_at=None,
        attempts=F("attempts") - 1,
    )


def _close_quietly(connection) -> None:
    try:
        connection.close()
    except (smtplib.SMTPException, OSError) as exc:
        # The messages are marked already; a failed QUIT changes nothing.
        logger.info("SMTP close failed: %s", type(exc).__name__)


def _back_off(notification: Notification, *, reason: str, permanent: bool) -> None:
    """A claimed message that could not be sent: failed for good (permanent,
    or out of attempts), else pending again after an exponential backoff."""
    notification_id = notification.pk
    reason = reason[:300]
    if permanent or notification.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        _mark(notification_id, status=Notification.Status.FAILED, last_error=reason)
        logger.warning("notification %s failed: %s", notification_id, reason)
    else:
        backoff = timedelta(minutes=2 ** (notification.attempts - 1))
        _mark(
            notification_id,
            status=Notification.Status.PENDING,
            due_at=timezone.now() + backoff,
            queued_at=None,
            last_error=reason,
        )
        logger.info("notification %s: transient error, retry later", notification_id)
    notification.refresh_from_db()


def _deliver(notification: Notification, *, connection) -> None:
    """Re-check that a claimed message is still wanted, render it in the
    recipient's language and time zone and send it. Transient SMTP errors put
    the row back with a backoff (the outbox retries, not a far-future ETA);
    permanent ones mark it failed with the reason. ``connection``: an open
    mail connection to reuse, or None for one of its own."""
    notification_id = notification.pk
    recipient = notification.recipient
    kind = get_kind(notification.kind)
    context = None
    if kind is not None and recipient.is_active and recipient.email:
        context = kind.build_context(notification)
    if context is None:
        _mark(notification_id, status=Notification.Status.CANCELLED)
        notification.status = Notification.Status.CANCELLED
        logger.info("notification %s: no longer wanted", notification_id)
        return

    rendered = render_email(
        kind.template,
        {"recipient": recipient, "notification": notification, **context},
        language=recipient.language,
        time_zone=recipient.timezone,
    )
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient.email],
        connection=connection,
    )
    message.attach_alternative(rendered.html, "text/html")
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as exc:
        if connection is not None:
            # The shared connection may be broken: the next message opens a
            # new one (the backend reconnects once its connection is closed).
            _close_quietly(connection)
        reason = f"{type(exc).__name__}: {getattr(exc, 'smtp_code', '')}"
        _back_off(notification, reason=reason, permanent=_is_permanent(exc))
        return

    sent = {
        "status": Notification.Status.SENT,
        "sent_at": timezone.now(),
        "last_error": "",
    }
    _mark(notification_id, **sent)
    for field, value in sent.items():  # what we just wrote: no re-read needed
        setattr(notification, field, value)
    logger.info("notification %s sent", notification_id)
