import secrets
import uuid
from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.links import reverse_pk
from members.models import LANGUAGE_OPTIONS

from .querysets import EventQuerySet


class EventKind(models.TextChoices):
    MEETING = "meeting", _("Club meeting")
    LECTURE = "lecture", _("Lecture")
    SEMINAR = "seminar", _("Seminar")
    TRAINING = "training", _("Training session")


class EventFormat(models.TextChoices):
    OFFLINE = "offline", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("In person and online")


class Eligibility(models.TextChoices):
    CLUB = "club", _("Members of this club")
    ALL = "all", _("All members")
    PROGRAMME = "programme", _("Trainees of the programme")


class Series(models.Model):
    """A recurring meeting. Occurrences are Event rows created ahead for a horizon
    (events.extend_series, daily); each keeps its local wall-clock time in the
    club's zone across daylight-saving changes."""

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", _("Every N weeks")
        MONTHLY_WEEKDAY = (
            "monthly_weekday",
            _("Monthly on a weekday (e.g. every third Wednesday)"),
        )

    club = models.ForeignKey(
        "clubs.Club", on_delete=models.CASCADE, related_name="series"
    )
    frequency = models.CharField(max_length=24, choices=Frequency.choices)
    interval = models.PositiveSmallIntegerField(default=1)
    # For monthly_weekday: 1..4, or -1 for "last".
    week_of_month = models.SmallIntegerField(null=True, blank=True)
    # Wall-clock date and time of the first meeting in the club's zone. Kept as
    # a date and a time (not a DateTimeField, which stores an instant in UTC).
    first_date = models.DateField()
    start_time = models.TimeField()
    duration_minutes = models.PositiveIntegerField()
    until = models.DateField(null=True, blank=True)
    generated_until = models.DateTimeField(null=True, blank=True)
    template = models.JSONField(default=dict)  # event fields copied to occurrences
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Series #{self.pk}"

    @property
    def first_start_local(self) -> datetime:
        """Naive local datetime of the first meeting."""
        return datetime.combine(self.first_date, self.start_time)


class Event(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    club = models.ForeignKey(
        "clubs.Club", on_delete=models.CASCADE, related_name="events"
    )
    series = models.ForeignKey(
        Series, on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    programme = models.ForeignKey(
        "trainings.Programme",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sessions",
    )
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(
        _("kind"), max_length=16, choices=EventKind.choices, default=EventKind.MEETING
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=LANGUAGE_OPTIONS, default="ru"
    )
    speaker = models.CharField(_("speaker"), max_length=120, blank=True)
    format = models.CharField(
        _("format"),
        max_length=16,
        choices=EventFormat.choices,
        default=EventFormat.OFFLINE,
    )
    venue_address = models.CharField(_("venue address"), max_length=300, blank=True)
    online_link = models.URLField(_("online link"), max_length=500, blank=True)
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveIntegerField(_("seats"), null=True, blank=True)
    registration_opens_at = models.DateTimeField(
        _("registration opens"), null=True, blank=True
    )
    eligibility = models.CharField(
        _("who may register"),
        max_length=12,
        choices=Eligibility.choices,
        default=Eligibility.CLUB,
    )
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.SCHEDULED
    )
    summary = models.TextField(_("notes after the event"), blank=True)
    sequence = models.PositiveIntegerField(default=0)  # iCalendar SEQUENCE
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["club", "starts_at"]),
            models.Index(fields=["series", "starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="event_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse_pk("events:event-detail", self.pk)

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def is_online_only(self) -> bool:
        return self.format == EventFormat.ONLINE


class Registration(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Registered")
        WAITLISTED = "waitlisted", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    class Attendance(models.TextChoices):
        UNKNOWN = "unknown", _("Not marked")
        ATTENDED = "attended", _("Attended")
        NO_SHOW = "no_show", _("Did not come")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="registrations"
    )
    # Null once anonymised (retention, or the member deleted their account):
    # the row keeps counting in the aggregate figures without saying who.
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registrations",
    )
    status = models.CharField(max_length=16, choices=Status.choices)
    attendance = models.CharField(
        max_length=16, choices=Attendance.choices, default=Attendance.UNKNOWN
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Place in the queue: first come, first served (set when waitlisted).
    queued_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["queued_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "member"],
                condition=Q(status__in=["confirmed", "waitlisted"]),
                name="registration_one_active_per_member",
            )
        ]
        indexes = [
            models.Index(fields=["event", "status", "queued_at"]),
            models.Index(fields=["member", "status"]),
        ]

    def __str__(self):
        return f"{self.member_id}@{self.event_id}:{self.status}"


def _calendar_token():
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A member's private, revocable iCal feed address."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=_calendar_token)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"feed of {self.user_id}"
