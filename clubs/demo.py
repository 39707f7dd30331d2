"""Demo clubs and events for `manage.py seed_demo`. Idempotent: a second run
changes nothing (clubs are found by slug, events are only scheduled for a club
that has none, and registrations are only written together with the events)."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from events import recurrence
from events.models import Eligibility, Event, EventFormat, EventKind, Registration
from events.services import event_create, registration_register, series_create
from members.models import Role, RoleAssignment, User

from .models import Club
from .services import club_join, organizer_add

MEETING_HOUR = 19
MEETING_MINUTES = 120
MEETING_CAPACITY = 12
LECTURE_MINUTES = 90
LECTURE_CAPACITY = 30
WEEKDAYS = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
]

# (slug, city, country, time zone, languages, weekday 0=Monday, join policy)
DEMO_CLUBS = [
    ("vilnius", "Vilnius", "Lithuania", "Europe/Vilnius", ["ru", "lt"], 1, "open"),
    ("warsaw", "Warsaw", "Poland", "Europe/Warsaw", ["ru", "pl"], 3, "approval"),
    ("berlin", "Berlin", "Germany", "Europe/Berlin", ["ru", "de"], 2, "open"),
    ("almaty", "Almaty", "Kazakhstan", "Asia/Almaty", ["ru", "kk"], 0, "open"),
    ("bishkek", "Bishkek", "Kyrgyzstan", "Asia/Bishkek", ["ru", "ky"], 4, "open"),
    ("tashkent", "Tashkent", "Uzbekistan", "Asia/Tashkent", ["ru", "uz"], 3, "open"),
    ("tbilisi", "Tbilisi", "Georgia", "Asia/Tbilisi", ["ru", "ka"], 1, "open"),
    ("online", "", "", "Europe/Berlin", ["ru"], 6, "open"),
]


def _club_defaults(city, country, tz, languages, weekday, policy) -> dict:
    where = f"in {city}" if city else "online"
    return {
        "name": f"{city or 'Online'} communication club",
        "city": city,
        "country": country,
        "is_online": not city,
        "timezone": tz,
        "languages": languages,
        "description": (
            f"A small club {where} for Russian speakers. We meet every week to "
            "practise calm, honest conversations with family and friends, and "
            "to share what worked."
        ),
        "rhythm": f"Every {WEEKDAYS[weekday]} at {MEETING_HOUR}:00",
        "join_policy": policy,
    }


def _make_organizer(club: Club, user: User, actor: User) -> None:
    if not RoleAssignment.objects.filter(
        user=user, role=Role.ORGANIZER, club=club
    ).exists():
        organizer_add(club=club, user=user, actor=actor)


def _local(club: Club, day, hour: int = MEETING_HOUR) -> datetime:
    return recurrence.local_to_utc(datetime.combine(day, time(hour)), club.timezone)


def _schedule(club: Club, weekday: int, actor: User) -> None:
    """A weekly meeting that started about three weeks ago, and a lecture."""
    today = timezone.now().astimezone(ZoneInfo(club.timezone)).date()
    first = today - timedelta(days=21)
    first -= timedelta(days=(first.weekday() - weekday) % 7)
    place = (
        {"format": EventFormat.ONLINE, "venue_address": ""}
        if club.is_online
        else {
            "format": EventFormat.OFFLINE,
            "venue_address": f"Demo street 1, {club.city}",
        }
    )
    common = {"language": "ru", "online_link": "", **place}
    starts_at = _local(club, first)
    series_create(
        club=club,
        actor=actor,
        frequency="weekly",
        data={
            **common,
            "kind": EventKind.MEETING,
            "title": "Weekly club meeting",
            "description": (
                "Practice in pairs and a short round of sharing. Newcomers are welcome."
            ),
            "speaker": "",
            "capacity": MEETING_CAPACITY,
            "eligibility": Eligibility.CLUB,
            "starts_at": starts_at,
            "ends_at": starts_at + timedelta(minutes=MEETING_MINUTES),
        },
    )
    starts_at = _local(club, today + timedelta(days=10))
    event_create(
        club=club,
        actor=actor,
        data={
            **common,
            "kind": EventKind.LECTURE,
            "title": "Lecture: keeping a difficult conversation going",
            "description": "Listening first, asking questions, and taking breaks.",
            "speaker": "Guest speaker",
            "capacity": LECTURE_CAPACITY,
            "eligibility": Eligibility.ALL,
            "starts_at": starts_at,
            "ends_at": starts_at + timedelta(minutes=LECTURE_MINUTES),
        },
    )


def _berlin_registrations(club: Club, users: dict) -> None:
    """Seats, attendance and a waiting list, so every demo page has content."""
    member, organizer = users["member"], users["organizer"]
    now = timezone.now()
    meetings = Event.objects.filter(club=club, kind=EventKind.MEETING)
    upcoming = list(meetings.filter(starts_at__gt=now).order_by("starts_at")[:3])
    for event in upcoming[:2]:
        registration_register(event=event, member=member)
    past = meetings.filter(ends_at__lt=now).order_by("-starts_at").first()
    if past is not None and not past.registrations.exists():
        for who, attendance in (
            (member, Registration.Attendance.ATTENDED),
            (organizer, Registration.Attendance.NO_SHOW),
        ):
            Registration.objects.create(
                event=past,
                member=who,
                status=Registration.Status.CONFIRMED,
                attendance=attendance,
            )
    if len(upcoming) < 3:
        return
    # The third upcoming meeting is full and the demo member waits for a seat.
    # The other demo members take the seats; a new demo account would change the
    # account set, so the seats are reduced to the number of people available.
    full = upcoming[2]
    others = list(
        User.objects.filter(
            status=User.Status.MEMBER, email__endswith="@demo.mosty.test"
        )
        .exclude(pk=member.pk)
        .order_by("pk")[:MEETING_CAPACITY]
    )
    if not others:
        return
    Event.objects.filter(pk=full.pk).update(capacity=len(others))
    full.refresh_from_db()
    for other in others:
        club_join(club=club, member=other)
        registration_register(event=full, member=other)
    registration_register(event=full, member=member)


def seed_clubs(*, users: dict) -> int:
    """Create the demo clubs, their organizers, members and events.
    Returns how many clubs were created."""
    admin, organizer, member = users["admin"], users["organizer"], users["member"]
    clubs, created = {}, 0
    for slug, city, country, tz, languages, weekday, policy in DEMO_CLUBS:
        club, was_created = Club.objects.get_or_create(
            slug=slug,
            defaults=_club_defaults(city, country, tz, languages, weekday, policy),
        )
        clubs[slug] = club
        created += was_created

    _make_organizer(clubs["berlin"], organizer, admin)
    _make_organizer(clubs["online"], organizer, admin)
    _make_organizer(clubs["vilnius"], admin, admin)
    _make_organizer(clubs["warsaw"], admin, admin)
    for slug in ("berlin", "online", "warsaw"):
        club_join(club=clubs[slug], member=member)

    actors = {"berlin": organizer, "online": organizer}
    scheduled = set()
    for slug, *_rest, weekday, _policy in DEMO_CLUBS:
        club = clubs[slug]
        if not club.events.exists():
            _schedule(club, weekday, actors.get(slug, admin))
            scheduled.add(slug)

    # Registrations are written only with freshly scheduled events, so a later
    # run (even weeks later, when "the next meetings" are other rows) adds none.
    if "berlin" in scheduled:
        _berlin_registrations(clubs["berlin"], users)
    if "online" in scheduled:
        lecture = Event.objects.filter(
            club=clubs["online"], kind=EventKind.LECTURE
        ).first()
        if lecture is not None:
            registration_register(event=lecture, member=member)
    return created
