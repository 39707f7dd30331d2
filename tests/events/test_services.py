from dataclasses import replace
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core import notifications as notifications_registry
from core import services as outbox
from core.exceptions import DomainError
from core.models import Notification
from core.notifications import get_kind
from events import services
from events.models import Event, Registration
from tests.factories import (
    ClubFactory,
    EventFactory,
    MemberFactory,
    UserFactory,
    join,
    make_organizer,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def club():
    return ClubFactory()


def _member(club, **kwargs):
    return join(club, MemberFactory(**kwargs))


def _register(event, member):
    return services.registration_register(event=event, member=member)


def _send_due(at=None):
    """What beat and the workers do, run inline: claim due rows and send them."""
    with time_machine.travel(at or timezone.now()):
        for notification_id in outbox.notifications_claim_due():
            outbox.notification_send(notification_id=notification_id)


def test_register_confirms_and_queues_confirmation_and_reminders(club):
    event = EventFactory(club=club, capacity=3)
    member = _member(club)
    registration = _register(event, member)
    assert registration.status == Registration.Status.CONFIRMED
    keys = set(Notification.objects.values_list("dedupe_key", flat=True))
    assert keys == {
        f"registration:{registration.pk}",
        f"reminder:{registration.pk}:24",
        f"reminder:{registration.pk}:1",
    }


def test_double_submit_gives_one_registration(club):
    event = EventFactory(club=club)
    member = _member(club)
    assert _register(event, member).pk == _register(event, member).pk
    assert Registration.objects.count() == 1


def test_full_event_waitlists_with_position(club):
    event = EventFactory(club=club, capacity=1)
    first, second, third = (_member(club) for _ in range(3))
    _register(event, first)
    waiting = [_register(event, second), _register(event, third)]
    assert [r.status for r in waiting] == ["waitlisted", "waitlisted"]
    assert [services.waitlist_position(registration=r) for r in waiting] == [1, 2]


def test_cancel_promotes_first_waitlisted_and_tells_them(club):
    event = EventFactory(club=club, capacity=1)
    first, second, third = (_member(club) for _ in range(3))
    seat = _register(event, first)
    promoted = _register(event, second)
    _register(event, third)
    services.registration_cancel(registration=seat, member=first)
    promoted.refresh_from_db()
    assert promoted.status == Registration.Status.CONFIRMED
    assert (
        Notification.objects.filter(kind="waitlist_promoted", recipient=second).count()
        == 1
    )
    assert Notification.objects.get(dedupe_key=f"reminder:{seat.pk}:24").status == (
        "cancelled"
    )
    assert (
        Event.objects.get(pk=event.pk).registrations.filter(status="confirmed").count()
        == 1
    )


def test_cancel_twice_is_refused(club):
    event = EventFactory(club=club)
    member = _member(club)
    registration = _register(event, member)
    services.registration_cancel(registration=registration, member=member)
    with pytest.raises(DomainError):
        services.registration_cancel(registration=registration, member=member)


def test_registration_closes_at_start(club):
    event = EventFactory(club=club)
    with time_machine.travel(event.starts_at + timedelta(minutes=1)):
        with pytest.raises(DomainError, match="closed"):
            _register(event, _member(club))


def test_registration_window_not_open_yet(club):
    event = EventFactory(
        club=club, registration_opens_at=timezone.now() + timedelta(days=1)
    )
    with pytest.raises(DomainError, match="opens"):
        _register(event, _member(club))


def test_club_only_event_refuses_other_members(club):
    event = EventFactory(club=club)
    with pytest.raises(DomainError, match="members of its club"):
        _register(event, MemberFactory())
    open_event = EventFactory(club=club, eligibility="all")
    assert _register(open_event, MemberFactory()).status == "confirmed"


def test_applicant_cannot_register(club):
    event = EventFactory(club=club, eligibility="all")
    with pytest.raises(DomainError):
        _register(event, UserFactory())


def test_cancelled_event_refuses_registration(club):
    event = EventFactory(club=club)
    services.event_cancel(event=event, actor=make_organizer(club))
    with pytest.raises(DomainError, match="cancelled"):
        _register(event, _member(club))


def test_reminders_go_out_24h_and_1h_before_in_member_zone(club):
    event = EventFactory(club=club, starts_at=timezone.now() + timedelta(days=2))
    member = _member(club, language="ru", timezone="Asia/Almaty")
    _register(event, member)
    _send_due()
    assert len(mail.outbox) == 1  # the confirmation
    _send_due(event.starts_at - timedelta(hours=23))
    _send_due(event.starts_at - timedelta(minutes=59))
    subjects = [m.subject for m in mail.outbox]
    assert subjects.count("Напоминание") == 2
    body = mail.outbox[1].body
    assert "Asia/Almaty" in body
    assert "Canary" not in "".join(m.body + m.subject for m in mail.outbox)


def _send_due_in_chunks(at=None):
    """As the workers do for the beat's batches: one chunk, one connection."""
    with time_machine.travel(at or timezone.now()):
        ids = outbox.notifications_claim_due()
        return outbox.notifications_send(notification_ids=ids)


def _three_reminders(club):
    """Three confirmed seats whose 24-hour reminders fall due together: one
    still wanted, one whose seat was cancelled and one whose meeting was
    cancelled behind the services' back (their reminders still pending)."""
    starts = timezone.now() + timedelta(days=2)
    kept, dropped, called_off = (_member(club) for _ in range(3))
    event = EventFactory(club=club, starts_at=starts)
    other = EventFactory(club=club, starts_at=starts)
    _register(event, kept)
    seat = _register(event, dropped)
    _register(other, called_off)
    _send_due_in_chunks()  # the confirmations
    Registration.objects.filter(pk=seat.pk).update(status="cancelled")
    Event.objects.filter(pk=other.pk).update(status=Event.Status.CANCELLED)
    mail.outbox.clear()
    return starts, kept


def test_a_chunk_of_reminders_reads_its_registrations_once(club):
    starts, kept = _three_reminders(club)
    with CaptureQueriesContext(connection) as captured:
        sent = _send_due_in_chunks(starts - timedelta(hours=23))
    assert [m.to for m in mail.outbox] == [[kept.email]]
    assert sorted(n.status for n in sent) == ["cancelled", "cancelled", "sent"]
    reads = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith("SELECT") and '"events_registration"' in q["sql"]
    ]
    assert len(reads) == 1, reads


def test_reminders_are_sent_right_if_the_chunk_read_fails(club, monkeypatch):
    starts, kept = _three_reminders(club)

    def broken(notifications):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 / 0")  # a failed query, inside the chunk

    kind = get_kind("event_reminder")
    monkeypatch.setattr(
        notifications_registry, "_REGISTRY", {**notifications_registry._REGISTRY}
    )
    notifications_registry._REGISTRY["event_reminder"] = replace(kind, preload=broken)
    sent = _send_due_in_chunks(starts - timedelta(hours=23))
    assert [m.to for m in mail.outbox] == [[kept.email]]
    assert sorted(n.status for n in sent) == ["cancelled", "cancelled", "sent"]


def test_a_seat_given_up_while_its_chunk_is_sending_gets_no_reminder(club, monkeypatch):
    # The chunk's read is renewed for the rest of the chunk once it is older
    # than PRELOAD_MAX_AGE_SECONDS (a slow mail server): here the second
    # message is built 7 s after the read, and its seat went in between.
    starts = timezone.now() + timedelta(days=2)
    event = EventFactory(club=club, starts_at=starts)
    first, second = _member(club), _member(club)
    _register(event, first)
    later = _register(event, second)
    _send_due_in_chunks()  # the confirmations
    mail.outbox.clear()
    clock = iter([0.0, 1.0, 7.0])
    monkeypatch.setattr(outbox.time, "monotonic", lambda: next(clock))
    real_render = outbox.render_email

    def render(template, context, **kwargs):
        if context["recipient"].pk == first.pk:
            Registration.objects.filter(pk=later.pk).update(status="cancelled")
        return real_render(template, context, **kwargs)

    monkeypatch.setattr(outbox, "render_email", render)
    sent = _send_due_in_chunks(starts - timedelta(hours=23))
    assert [m.to for m in mail.outbox] == [[first.email]]
    assert sorted(n.status for n in sent) == ["cancelled", "sent"]


def test_reminders_off_sends_none(club):
    event = EventFactory(club=club, starts_at=timezone.now() + timedelta(days=2))
    member = _member(club, reminders_enabled=False)
    _register(event, member)
    _send_due(event.starts_at - timedelta(minutes=30))
    assert [m.subject for m in mail.outbox] == ["Your registration"]


def test_moving_an_event_moves_reminders_and_tells_registrants(club):
    organizer = make_organizer(club)
    event = EventFactory(club=club, starts_at=timezone.now() + timedelta(days=3))
    member = _member(club, language="en")
    registration = _register(event, member)
    new_start = event.starts_at + timedelta(days=2)
    data = {
        "kind": event.kind,
        "title": event.title,
        "description": "",
        "language": "ru",
        "speaker": "",
        "format": "offline",
        "venue_address": event.venue_address,
        "online_link": "",
        "capacity": None,
        "eligibility": "club",
        "starts_at": new_start,
        "ends_at": new_start + timedelta(hours=2),
        "registration_opens_at": None,
    }
    services.event_update(event=event, actor=organizer, data=data)
    reminder = Notification.objects.get(dedupe_key=f"reminder:{registration.pk}:24")
    assert reminder.due_at == new_start - timedelta(hours=24)
    assert (
        Notification.objects.filter(kind="event_changed", recipient=member).count() == 1
    )
    # At the old reminder time nothing is sent; at the new one it is.
    _send_due(event.starts_at - timedelta(hours=23))
    assert "Reminder" not in [m.subject for m in mail.outbox]
    _send_due(new_start - timedelta(hours=23))
    assert [m.subject for m in mail.outbox].count("Reminder") == 1


def test_stale_reminder_is_never_sent(club):
    event = EventFactory(club=club, starts_at=timezone.now() + timedelta(days=3))
    registration = _register(event, _member(club))
    # The event moves behind the outbox's back: the builder notices the mismatch.
    Event.objects.filter(pk=event.pk).update(
        starts_at=event.starts_at + timedelta(days=1),
        ends_at=event.ends_at + timedelta(days=1),
    )
    _send_due(event.starts_at - timedelta(hours=23))
    reminder = Notification.objects.get(dedupe_key=f"reminder:{registration.pk}:24")
    assert reminder.status == "cancelled"


def test_cancelling_an_event_cancels_reminders_and_tells_everyone(club):
    event = EventFactory(club=club, capacity=1)
    seat, waiting = _member(club), _member(club)
    registration = _register(event, seat)
    _register(event, waiting)
    services.event_cancel(event=event, actor=make_organizer(club))
    assert (
        Notification.objects.get(dedupe_key=f"reminder:{registration.pk}:24").status
        == "cancelled"
    )
    told = set(
        Notification.objects.filter(kind="event_cancelled").values_list(
            "recipient_id", flat=True
        )
    )
    assert told == {seat.pk, waiting.pk}


def test_capacity_cannot_drop_below_confirmed(club):
    organizer = make_organizer(club)
    event = EventFactory(club=club, capacity=2)
    _register(event, _member(club))
    _register(event, _member(club))
    data = {
        "kind": event.kind,
        "title": event.title,
        "description": "",
        "language": "ru",
        "speaker": "",
        "format": "offline",
        "venue_address": "x",
        "online_link": "",
        "capacity": 1,
        "eligibility": "club",
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "registration_opens_at": None,
    }
    with pytest.raises(DomainError, match="already registered"):
        services.event_update(event=event, actor=organizer, data=data)


def test_raising_capacity_promotes_waitlist(club):
    organizer = make_organizer(club)
    event = EventFactory(club=club, capacity=1)
    _register(event, _member(club))
    waiting = _register(event, _member(club))
    data = {
        "kind": event.kind,
        "title": event.title,
        "description": "",
        "language": "ru",
        "speaker": "",
        "format": "offline",
        "venue_address": "x",
        "online_link": "",
        "capacity": 2,
        "eligibility": "club",
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "registration_opens_at": None,
    }
    services.event_update(event=event, actor=organizer, data=data)
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"


def test_online_event_gets_unguessable_room(club, settings):
    settings.VIDEO_CALL_BASE_URL = "https://video.example"
    start = timezone.now() + timedelta(days=1)
    data = {
        "kind": "meeting",
        "title": "Online",
        "description": "",
        "language": "ru",
        "speaker": "",
        "format": "online",
        "venue_address": "",
        "online_link": "",
        "capacity": None,
        "eligibility": "club",
        "starts_at": start,
        "ends_at": start + timedelta(hours=1),
        "registration_opens_at": None,
    }
    first = services.event_create(club=club, actor=make_organizer(club), data=data)
    second = services.event_create(club=club, actor=make_organizer(club), data=data)
    assert first.online_link.startswith("https://video.example/mosty-")
    assert len(first.online_link) > len("https://video.example/mosty-") + 20
    assert first.online_link != second.online_link


def test_offline_event_needs_venue(club):
    start = timezone.now() + timedelta(days=1)
    data = {
        "kind": "meeting",
        "title": "X",
        "description": "",
        "language": "ru",
        "speaker": "",
        "format": "offline",
        "venue_address": "",
        "online_link": "",
        "capacity": None,
        "eligibility": "club",
        "starts_at": start,
        "ends_at": start + timedelta(hours=1),
        "registration_opens_at": None,
    }
    with pytest.raises(DomainError, match="venue"):
        services.event_create(club=club, actor=make_organizer(club), data=data)


def test_attendance_marking(club):
    event = EventFactory(club=club)
    registration = _register(event, _member(club))
    services.attendance_mark(
        event=event,
        registration_id=registration.pk,
        actor=make_organizer(club),
        attended=True,
    )
    registration.refresh_from_db()
    assert registration.attendance == "attended"
    other = EventFactory(club=club)
    with pytest.raises(DomainError):
        services.attendance_mark(
            event=other,
            registration_id=registration.pk,
            actor=make_organizer(club),
            attended=True,
        )
