import logging

from celery import shared_task
from django.conf import settings
from kombu.exceptions import OperationalError

from . import services

logger = logging.getLogger(__name__)


@shared_task(name="core.dispatch_due_notifications", ignore_result=True)
def dispatch_due_notifications() -> int:
    """Beat, every minute: hand the ids of due outbox rows to the workers.

    The ids go out in chunks of OUTBOX_SEND_CHUNK: a worker sends a chunk over
    one SMTP connection, with one claim and one read for all of it.
    If the broker goes away mid-way, the ids not yet published are released
    at once so the next scan after Redis returns picks them up. A full batch
    (OUTBOX_DISPATCH_BATCH) queues the next scan at once, so a burst of due
    rows does not wait a minute per batch.
    """
    batch = settings.OUTBOX_DISPATCH_BATCH
    chunk = max(1, settings.OUTBOX_SEND_CHUNK)
    ids = services.notifications_claim_due(limit=batch)
    for start in range(0, len(ids), chunk):
        try:
            send_notifications.delay(notification_ids=ids[start : start + chunk])
        except OperationalError:
            services.notifications_release(notification_ids=ids[start:])
            logger.warning("broker unavailable; released %d ids", len(ids) - start)
            return start
    if ids:
        logger.info("dispatched %d notifications", len(ids))
    if ids and len(ids) == batch:
        # A full batch: more rows may be due. Scan again now, not a minute later.
        try:
            dispatch_due_notifications.delay()
        except OperationalError:
            logger.warning("broker unavailable; the next beat scan continues")
    return len(ids)


@shared_task(name="core.send_notification", ignore_result=True)
def send_notification(*, notification_id: int) -> None:
    services.notification_send(notification_id=notification_id)


@shared_task(name="core.send_notifications", ignore_result=True)
def send_notifications(*, notification_ids: list[int]) -> None:
    services.notifications_send(notification_ids=notification_ids)
