"""Event messages. Neutral: no title, club, topic, place or link in any email;
times are rendered in the recipient's zone ("sign in to see the place")."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.notifications import register

from .models import Event, Registration

ACTIVE = [Registration.Status.CONFIRMED, Registration.Status.WAITLISTED]


# Where _preload_registrations leaves each notification's registration.
_PRELOADED = "_preloaded_registration"


def _preload_registrations(notifications) -> None:
    """The registrations of a sending chunk in one query, not one per message
    (a reminder fan-out sends thousands). core.services.notifications_send
    reads again for the rest of the chunk when this read is older than
    PRELOAD_MAX_AGE_SECONDS. A notification without an int id is left to
    the builder's own query."""
    wanted = [n.context_ids.get("registration") for n in notifications]
    found = Registration.objects.select_related("event").in_bulk(
        [pk for pk in wanted if isinstance(pk, int)]
    )
    for notification, pk in zip(notifications, wanted, strict=True):
        if isinstance(pk, int):
            setattr(notification, _PRELOADED, found.get(pk))


def _registration(notification, statuses):
    if hasattr(notification, _PRELOADED):
        registration = getattr(notification, _PRELOADED)
        if registration is None or registration.status not in statuses:
            return None
        return registration
    return (
        Registration.objects.select_related("event")
        .filter(pk=notification.context_ids.get("registration"), status__in=statuses)
        .first()
    )


@register(
    "registration_confirmed",
    label=_("Registration confirmation"),
    preload=_preload_registrations,
)
def build_registration_confirmed(notification):
    registration = _registration(notification, ACTIVE)
    if registration is None or registration.event.is_cancelled:
        return None
    from .services import waitlist_position

    return {
        "event": registration.event,
        "waitlisted": registration.status == Registration.Status.WAITLISTED,
        "position": waitlist_position(registration=registration),
    }


@register("event_reminder", label=_("Meeting reminder"), preload=_preload_registrations)
def build_event_reminder(notification):
    registration = _registration(notification, [Registration.Status.CONFIRMED])
    if registration is None or not notification.recipient.reminders_enabled:
        return None
    event = registration.event
    if event.is_cancelled or event.starts_at <= timezone.now():
        return None
    hours = notification.context_ids.get("hours", 24)
    # A reminder whose time no longer matches the event is stale: never send it.
    if abs(event.starts_at - timedelta(hours=hours) - notification.due_at) > timedelta(
        minutes=2
    ):
        return None
    return {"event": event, "hours": hours}


@register(
    "waitlist_promoted",
    label=_("A seat became free for you"),
    preload=_preload_registrations,
)
def build_waitlist_promoted(notification):
    registration = _registration(notification, [Registration.Status.CONFIRMED])
    if registration is None or registration.event.is_cancelled:
        return None
    return {"event": registration.event}


@register(
    "event_changed", label=_("A meeting time changed"), preload=_preload_registrations
)
def build_event_changed(notification):
    registration = _registration(notification, ACTIVE)
    if registration is None or registration.event.is_cancelled:
        return None
    return {"event": registration.event}


@register("event_cancelled", label=_("A meeting was cancelled"))
def build_event_cancelled(notification):
    event = Event.objects.filter(
        pk=notification.context_ids.get("event"), status=Event.Status.CANCELLED
    ).first()
    return None if event is None else {"event": event}
