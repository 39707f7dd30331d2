from datetime import datetime, timedelta

from django.db.models import Q, QuerySet

from .models import Notification


def notification_list_for_user(*, user) -> QuerySet[Notification]:
    return (
        Notification.objects.filter(recipient=user)
        .exclude(status=Notification.Status.CANCELLED)
        .only("id", "kind", "status", "due_at", "sent_at")
        .order_by("-due_at", "-id")
    )


# A row handed to the workers is not handed out again before this, so a slow
# worker does not get the same id twice from successive scans.
REQUEUE_AFTER = timedelta(minutes=5)


def notifications_due(*, now: datetime) -> QuerySet[Notification]:
    """Pending rows due by ``now`` that no recent scan handed out: what the beat
    scan claims. Served by the partial index ``notification_pending_due``."""
    return Notification.objects.filter(
        status=Notification.Status.PENDING, due_at__lte=now
    ).filter(Q(queued_at__isnull=True) | Q(queued_at__lt=now - REQUEUE_AFTER))
