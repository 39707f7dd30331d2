"""Writes for events: scheduling, series, registration with a waitlist,
attendance, and the messages they cause (all through the outbox)."""

import logging
import secrets
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clubs.access import is_member_of
from clubs.models import Club
from core.audit import audit_record
from core.exceptions import DomainError
from core.services import (
    notification_enqueue,
    notifications_cancel,
    notifications_enqueue_new,
)
from members.models import User

from . import recurrence
from .models import Eligibility, Event, EventFormat, Registration, Series

logger = logging.getLogger(__name__)

REMINDER_HOURS = (24, 1)
EVENT_FIELDS = (
    "kind",
    "title",
    "description",
    "language",
    "speaker",
    "format",
    "venue_address",
    "online_link",
    "capacity",
    "eligibility",
)

# Test seams for the concurrency control run (tests/events/test_concurrency.py).
_LOCK_EVENT = True


def _between_count_and_write():  # pragma: no cover - replaced in tests
    pass


def video_room_link() -> str:
    """An unguessable room on the configured video-call service."""
    base = settings.VIDEO_CALL_BASE_URL.rstrip("/")
    return f"{base}/mosty-{secrets.token_urlsafe(18)}"


def _validate(data: dict) -> None:
    if data["ends_at"] <= data["starts_at"]:
        raise DomainError(_("The end must be after the start."))
    fmt = data.get("format")
    if fmt in (EventFormat.OFFLINE, EventFormat.HYBRID) and not data.get(
        "venue_address"
    ):
        raise DomainError(_("An in-person meeting needs a venue address."))
    opens = data.get("registration_opens_at")
    if opens and opens >= data["starts_at"]:
        raise DomainError(_("Registration must open before the start."))


def _prepare(data: dict) -> dict:
    data = dict(data)
    if data.get("format") in (EventFormat.ONLINE, EventFormat.HYBRID):
        if not data.get("online_link"):
            data["online_link"] = video_room_link()
    else:
        data["online_link"] = ""
    if data.get("format") == EventFormat.ONLINE:
        data["venue_address"] = ""
    return data


def event_create(*, club: Club, actor: User, data: dict) -> Event:
    """Schedule one event. ``data`` holds EVENT_FIELDS plus starts_at, ends_at
    (aware datetimes) and optional registration_opens_at."""
    _validate(data)
    data = _prepare(data)
    with transaction.atomic():
        event = Event.objects.create(club=club, **data)
        audit_record(
            actor=actor, action="event.created", target_type="event", target_id=event.pk
        )
    return event


# --- Series ----------


def series_create(
    *,
    club: Club,
    actor: User,
    data: dict,
    frequency: str,
    interval: int = 1,
    week_of_month: int | None = None,
    until=None,
) -> Series:
    """Create a recurring meeting and its occurrences up to the horizon."""
    _validate(data)
    data = _prepare(data)
    tz = ZoneInfo(club.timezone)
    first_local = data["starts_at"].astimezone(tz).replace(tzinfo=None)
    duration = int((data["ends_at"] - data["starts_at"]).total_seconds() // 60)
    template = {f: data.get(f) for f in EVENT_FIELDS}
    template["registration_lead_minutes"] = (
        int((data["starts_at"] - data["registration_opens_at"]).total_seconds() // 60)
        if data.get("registration_opens_at")
        else None
    )
    if frequency == Series.Frequency.MONTHLY_WEEKDAY and not week_of_month:
        week_of_month = recurrence.week_of_month(first_local)
    with transaction.atomic():
        series = Series.objects.create(
            club=club,
            frequency=frequency,
            interval=max(interval, 1),
            week_of_month=week_of_month,
            first_date=first_local.date(),
            start_time=first_local.time(),
            duration_minutes=duration,
            until=until,
            template=template,
        )
        series_extend(series=series)
        audit_record(
            actor=actor,
            action="series.created",
            target_type="series",
            target_id=series.pk,
        )
    return series


def series_extend(*, series: Series, now: datetime | None = None) -> int:
    """Create the occurrences up to the horizon that do not exist yet (idempotent)."""
    now = now or timezone.now()
    horizon = now + timedelta(days=settings.EVENT_SERIES_HORIZON_DAYS)
    tz = ZoneInfo(series.club.timezone)
    start_local = series.first_start_local
    if series.generated_until:
        start_local = max(
            start_local,
            series.generated_until.astimezone(tz).replace(tzinfo=None)
            + timedelta(minutes=1),
        )
    end_local = horizon.astimezone(tz).replace(tzinfo=None)
    template = dict(series.template)
    lead = template.pop("registration_lead_minutes", None)
    created = 0
    with transaction.atomic():
        locked = Series.objects.select_for_update().get(pk=series.pk)
        if locked.generated_until and locked.generated_until >= horizon:
            return 0
        for local_start in recurrence.occurrences_between(
            locked, start_local, end_local
        ):
            starts_at = recurrence.local_to_utc(local_start, series.club.timezone)
            # The duration is kept exactly, also when the start falls in a DST gap.
            ends_at = starts_at + timedelta(minutes=locked.duration_minutes)
            if Event.objects.filter(series=locked, starts_at=starts_at).exists():
                continue
            fields = {k: v for k, v in template.items() if k in EVENT_FIELDS}
            if fields.get("format") in (EventFormat.ONLINE, EventFormat.HYBRID):
                fields["online_link"] = video_room_link()
            Event.objects.create(
                club=series.club,
                series=locked,
                starts_at=starts_at,
                ends_at=ends_at,
                registration_opens_at=(starts_at - timedelta(minutes=lead))
                if lead
                else None,
                **fields,
            )
            created += 1
        locked.generated_until = horizon
        locked.save(update_fields=["generated_until"])
    return created


def series_extend_all() -> int:
    today = timezone.localdate()
    total = 0
    for series in Series.objects.select_related("club").exclude(until__lt=today):
        total += series_extend(series=series)
    return total


# --- Editing and cancelling ----------


def _notify_registrants(event: Event, kind: str) -> None:
    for registration in event.registrations.filter(
        status__in=[Registration.Status.CONFIRMED, Registration.Status.WAITLISTED]
    ).only("pk", "member_id"):
        notification_enqueue(
            recipient=User(pk=registration.member_id),
            kind=kind,
            dedupe_key=f"{kind}:{event.pk}:{event.sequence}:{registration.pk}",
            context_ids={"event": event.pk, "registration": registration.pk},
        )


def _reminder_key(registration_id: int, hours: int) -> str:
    return f"reminder:{registration_id}:{hours}"


def _reminders(registration: Registration, event: Event) -> list[dict]:
    """The reminders a confirmed seat gets, as notification_enqueue arguments."""
    now = timezone.now()
    reminders = []
    for hours in REMINDER_HOURS:
        due = event.starts_at - timedelta(hours=hours)
        if due <= now:
            continue  # never send a reminder for a moment already past
        reminders.append(
            {
                "recipient": User(pk=registration.member_id),
                "kind": "event_reminder",
                "dedupe_key": _reminder_key(registration.pk, hours),
                "due_at": due,
                "context_ids": {"registration": registration.pk, "hours": hours},
            }
        )
    return reminders


def _schedule_reminders(registration: Registration, event: Event) -> None:
    for reminder in _reminders(registration, event):
        notification = notification_enqueue(**reminder)
        due = reminder["due_at"]
        if notification.due_at != due:
            from core.services import notification_reschedule

            notification_reschedule(dedupe_key=notification.dedupe_key, due_at=due)


def _cancel_reminders(registration_ids) -> None:
    notifications_cancel(
        dedupe_keys=[
            _reminder_key(pk, h) for pk in registration_ids for h in REMINDER_HOURS
        ]
    )


def event_update(*, event: Event, actor: User, data: dict) -> Event:
    """Change an event. A new time moves every pending reminder (no stale one
    is ever sent) and tells everyone registered."""
    _validate(data)
    data = _prepare(
        {**data, "online_link": data.get("online_link") or event.online_link}
    )
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if locked.is_cancelled:
            raise DomainError(_("This event has been cancelled."))
        moved = (
            data["starts_at"] != locked.starts_at or data["ends_at"] != locked.ends_at
        )
        if data.get("capacity") is not None:
            confirmed = locked.registrations.filter(
                status=Registration.Status.CONFIRMED
            ).count()
            if data["capacity"] < confirmed:
                raise DomainError(
                    _(
                        "%(n)d people are already registered: the number of seats "
                        "cannot be lower."
                    )
                    % {"n": confirmed}
                )
        for field, value in data.items():
            setattr(locked, field, value)
        locked.sequence += 1
        locked.save()
        if moved:
            _notify_registrants(locked, "event_changed")
            for registration in locked.registrations.filter(
                status=Registration.Status.CONFIRMED
            ):
                _cancel_reminders([registration.pk])
                _reschedule_after_cancel(registration, locked)
        _promote_waitlist(locked)
        audit_record(
            actor=actor,
            action="event.updated",
            target_type="event",
            target_id=locked.pk,
            data={"moved": moved},
        )
    return locked


def _reschedule_after_cancel(registration: Registration, event: Event) -> None:
    """Reminders were cancelled; bring back the ones still ahead at the new time."""
    from core.models import Notification

    now = timezone.now()
    for hours in REMINDER_HOURS:
        due = event.starts_at - timedelta(hours=hours)
        key = _reminder_key(registration.pk, hours)
        if due <= now:
            continue
        updated = Notification.objects.filter(
            dedupe_key=key,
            status__in=[Notification.Status.CANCELLED, Notification.Status.PENDING],
        ).update(status=Notification.Status.PENDING, due_at=due, queued_at=None)
        if not updated:
            # Already sent for the old time: a fresh reminder for the new time.
            notification_enqueue(
                recipient=User(pk=registration.member_id),
                kind="event_reminder",
                dedupe_key=f"{key}:{event.sequence}",
                due_at=due,
                context_ids={"registration": registration.pk, "hours": hours},
            )


def event_cancel(*, event: Event, actor: User) -> Event:
    """Cancel an event: reminders are cancelled, everyone registered is told."""
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if locked.is_cancelled:
            return locked
        locked.status = Event.Status.CANCELLED
        locked.sequence += 1
        locked.save(update_fields=["status", "sequence", "updated_at"])
        ids = list(locked.registrations.values_list("pk", flat=True))
        _cancel_reminders(ids)
        _notify_registrants(locked, "event_cancelled")
        audit_record(
            actor=actor,
            action="event.cancelled",
            target_type="event",
            target_id=locked.pk,
        )
    return locked


def series_cancel_from(*, event: Event, actor: User) -> int:
    """Cancel this occurrence and every later one; the series ends here."""
    if event.series_id is None:
        event_cancel(event=event, actor=actor)
        return 1
    count = 0
    with transaction.atomic():
        series = Series.objects.select_for_update().get(pk=event.series_id)
        series.until = (event.starts_at - timedelta(days=1)).date()
        series.save(update_fields=["until"])
        for later in Event.objects.filter(
            series=series, starts_at__gte=event.starts_at, status=Event.Status.SCHEDULED
        ):
            event_cancel(event=later, actor=actor)
            count += 1
    return count


def series_update_from(*, event: Event, actor: User, data: dict) -> int:
    """Apply the changes to this occurrence and every later one. A new time of
    day is applied as a local wall-clock shift in the club's zone."""
    if event.series_id is None:
        event_update(event=event, actor=actor, data=data)
        return 1
    tz = ZoneInfo(event.club.timezone)
    old_start = event.starts_at.astimezone(tz).replace(tzinfo=None)
    new_start = data["starts_at"].astimezone(tz).replace(tzinfo=None)
    shift = new_start - old_start
    duration = data["ends_at"] - data["starts_at"]
    count = 0
    with transaction.atomic():
        for later in Event.objects.filter(
            series_id=event.series_id,
            starts_at__gte=event.starts_at,
            status=Event.Status.SCHEDULED,
        ).select_related("club"):
            local = later.starts_at.astimezone(tz).replace(tzinfo=None) + shift
            starts_at = recurrence.local_to_utc(local, event.club.timezone)
            changes = {**data, "starts_at": starts_at, "ends_at": starts_at + duration}
            if data.get("registration_opens_at"):
                # Keep the same lead time before each meeting, not one fixed moment.
                lead = data["starts_at"] - data["registration_opens_at"]
                changes["registration_opens_at"] = starts_at - lead
            if later.pk != event.pk:
                changes["online_link"] = later.online_link
            event_update(event=later, actor=actor, data=changes)
            count += 1
        series = Series.objects.select_for_update().get(pk=event.series_id)
        series.template.update({f: data.get(f) for f in EVENT_FIELDS if f in data})
        series.template["registration_lead_minutes"] = (
            int(
                (data["starts_at"] - data["registration_opens_at"]).total_seconds()
                // 60
            )
            if data.get("registration_opens_at")
            else None
        )
        series.template.pop("online_link", None)
        shifted = series.first_start_local + shift
        series.first_date, series.start_time = shifted.date(), shifted.time()
        series.duration_minutes = int(duration.total_seconds() // 60)
        series.save(
            update_fields=["template", "first_date", "start_time", "duration_minutes"]
        )
    return count


def event_save_summary(*, event: Event, actor: User, summary: str) -> Event:
    event.summary = summary.strip()
    event.save(update_fields=["summary", "updated_at"])
    return event


# --- Registration ----------


def can_register(*, event: Event, member: User) -> bool:
    if not member.is_member:
        return False
    if event.eligibility == Eligibility.ALL:
        return True
    if event.eligibility == Eligibility.PROGRAMME:
        return (
            event.programme_id is not None
            and event.programme.applications.filter(
                member=member, status="accepted"
            ).exists()
        )
    return is_member_of(member, club_id=event.club_id)


def _lock_event(event_id: int) -> Event:
    query = Event.objects.all()
    if _LOCK_EVENT:
        query = query.select_for_update()
    try:
        # No savepoint of its own: callers hold a transaction, and a lock
        # timeout ends it (DomainError). A savepoint would be two more round
        # trips for every registration in a burst.
        with transaction.atomic(savepoint=False):
            if _LOCK_EVENT and transaction.get_connection().vendor == "postgresql":
                from django.db import connection

                with connection.cursor() as cursor:
                    # A seat is never worth a hung request: give up after 5 s.
                    cursor.execute("SET LOCAL lock_timeout = '5s'")
            return query.get(pk=event_id)
    except OperationalError:
        raise DomainError(
            _("Many people are registering right now. Please try again in a moment.")
        ) from None


def registration_register(
    *, event: Event, member: User, enrol: bool = False
) -> Registration:
    """Register a member: a seat if one is free, else the waiting list.

    Locks the event row, then counts confirmed seats, then writes: never more
    confirmed registrations than seats, under any concurrency. Registering
    twice returns the same registration. A confirmation is queued; reminders
    are queued for confirmed seats.
    """
    with transaction.atomic():
        locked = _lock_event(event.pk)
        now = timezone.now()
        if locked.is_cancelled:
            raise DomainError(_("This event has been cancelled."))
        if now >= locked.starts_at:
            raise DomainError(_("Registration closed when the event started."))
        # enrol=True: a trainee placed in a programme's session by the system,
        # regardless of the session's public registration window.
        if (
            not enrol
            and locked.registration_opens_at
            and now < locked.registration_opens_at
        ):
            raise DomainError(
                _("Registration opens on %(date)s.")
                % {
                    "date": timezone.localtime(locked.registration_opens_at).strftime(
                        "%Y-%m-%d %H:%M"
                    )
                }
            )
        if not can_register(event=locked, member=member):
            raise DomainError(_("This event is open to the members of its club only."))
        existing = Registration.objects.filter(
            event=locked,
            member=member,
            status__in=[Registration.Status.CONFIRMED, Registration.Status.WAITLISTED],
        ).first()
        if existing is not None:
            return existing
        confirmed = locked.registrations.filter(
            status=Registration.Status.CONFIRMED
        ).count()
        _between_count_and_write()
        seat_free = locked.capacity is None or confirmed < locked.capacity
        status = (
            Registration.Status.CONFIRMED
            if seat_free
            else Registration.Status.WAITLISTED
        )
        try:
            with transaction.atomic():
                registration = Registration.objects.create(
                    event=locked, member=member, status=status
                )
        except IntegrityError:
            # A double submit raced us: the first one won; return it.
            return Registration.objects.get(
                event=locked,
                member=member,
                status__in=[
                    Registration.Status.CONFIRMED,
                    Registration.Status.WAITLISTED,
                ],
            )
        # The confirmation and reminders of this new row, in one INSERT: the
        # event row stays locked until commit, so every round trip here is
        # one more wait for everyone else registering at the same moment.
        messages = [
            {
                "recipient": member,
                "kind": "registration_confirmed",
                "dedupe_key": f"registration:{registration.pk}",
                "context_ids": {"registration": registration.pk},
            }
        ]
        if status == Registration.Status.CONFIRMED:
            messages += _reminders(registration, locked)
        notifications_enqueue_new(rows=messages)
    return registration


def _promote_waitlist(event: Event) -> list[Registration]:
    """Fill free seats from the waiting list, first come first served.
    Call with the event row locked."""
    if event.capacity is None:
        waiting = list(
            event.registrations.filter(status=Registration.Status.WAITLISTED)
        )
    else:
        confirmed = event.registrations.filter(
            status=Registration.Status.CONFIRMED
        ).count()
        free = event.capacity - confirmed
        if free <= 0:
            return []
        waiting = list(
            event.registrations.filter(status=Registration.Status.WAITLISTED).order_by(
                "queued_at", "id"
            )[:free]
        )
    promoted = []
    for registration in waiting:
        updated = Registration.objects.filter(
            pk=registration.pk, status=Registration.Status.WAITLISTED
        ).update(status=Registration.Status.CONFIRMED, updated_at=timezone.now())
        if updated != 1:
            continue
        notification_enqueue(
            recipient=User(pk=registration.member_id),
            kind="waitlist_promoted",
            dedupe_key=f"promoted:{registration.pk}",
            context_ids={"registration": registration.pk},
        )
        _schedule_reminders(registration, event)
        promoted.append(registration)
    return promoted


def registration_cancel(*, registration: Registration, member: User) -> Registration:
    """Cancel a registration; the first on the waiting list takes the seat at
    once, in the same transaction, and is told."""
    with transaction.atomic():
        locked = _lock_event(registration.event_id)
        updated = Registration.objects.filter(
            pk=registration.pk,
            member=member,
            status__in=[Registration.Status.CONFIRMED, Registration.Status.WAITLISTED],
        ).update(status=Registration.Status.CANCELLED, updated_at=timezone.now())
        if updated != 1:
            raise DomainError(_("This registration is already cancelled."))
        _cancel_reminders([registration.pk])
        if not locked.is_cancelled and timezone.now() < locked.starts_at:
            _promote_waitlist(locked)
    registration.refresh_from_db()
    return registration


def waitlist_position(*, registration: Registration) -> int | None:
    if registration.status != Registration.Status.WAITLISTED:
        return None
    return (
        Registration.objects.filter(
            event_id=registration.event_id,
            status=Registration.Status.WAITLISTED,
            queued_at__lte=registration.queued_at,
        )
        .exclude(queued_at=registration.queued_at, id__gt=registration.id)
        .count()
    )


def attendance_mark(
    *, event: Event, registration_id: int, actor: User, attended: bool
) -> None:
    updated = Registration.objects.filter(
        pk=registration_id, event=event, status=Registration.Status.CONFIRMED
    ).update(
        attendance=Registration.Attendance.ATTENDED
        if attended
        else Registration.Attendance.NO_SHOW
    )
    if updated != 1:
        raise DomainError(_("This person is not registered for this event."))


def attendees_viewed(*, event: Event, viewer: User) -> None:
    """Every view of an attendee list is written to the audit log."""
    audit_record(
        actor=viewer,
        action="event.attendees_viewed",
        target_type="event",
        target_id=event.pk,
    )


def calendar_feed_for(*, user: User):
    from .models import CalendarFeed

    feed, _ = CalendarFeed.objects.get_or_create(user=user)
    return feed


def calendar_feed_reset(*, user: User):
    """A new private address; the old one stops working at once."""
    from .models import CalendarFeed, _calendar_token

    feed, created = CalendarFeed.objects.get_or_create(user=user)
    if not created:
        feed.token = _calendar_token()
        feed.save(update_fields=["token"])
    return feed


def registrations_anonymise_old() -> int:
    """Registrations and attendance older than ATTENDANCE_RETENTION_DAYS lose
    the member: the rows stay, so every aggregate figure stays correct."""
    cutoff = timezone.now() - timedelta(days=settings.ATTENDANCE_RETENTION_DAYS)
    count = Registration.objects.filter(
        event__ends_at__lt=cutoff, member__isnull=False
    ).update(member=None)
    if count:
        logger.info("anonymised %d old registrations", count)
    return count
