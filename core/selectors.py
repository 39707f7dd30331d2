from django.db.models import QuerySet

from .models import Notification


def notification_list_for_user(*, user) -> QuerySet[Notification]:
    return (
        Notification.objects.filter(recipient=user)
        .exclude(status=Notification.Status.CANCELLED)
        .only("id", "kind", "status", "due_at", "sent_at")
        .order_by("-due_at", "-id")
    )
