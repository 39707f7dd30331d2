from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clubs.models import ClubMembership
from core.models import AuditEntry
from events import services
from events.models import Event, Registration
from tests.factories import (
    ClubFactory,
    EventFactory,
    MemberFactory,
    UserFactory,
    join,
    make_admin,
    make_organizer,
    sign_in,
)

pytestmark = pytest.mark.django_db


_login = sign_in


def _flat(client, url, make_items, counts=(1, 10)):
    """Same number of queries with 1 and with 10 items."""
    seen = []
    for n in counts:
        make_items(n)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        seen.append(len(captured))
    assert seen[0] == seen[1], seen


# --- Public pages ----------


def test_directory_filters_and_hides_members(client):
    berlin = ClubFactory(city="Berlin", country="Germany", languages=["ru", "de"])
    ClubFactory(city="Almaty", country="Kazakhstan", timezone="Asia/Almaty")
    online = ClubFactory(city="", country="", is_online=True)
    join(berlin, MemberFactory(display_name="Secret Attendee"))
    page = client.get(
        reverse("clubs:club-list") + "?country=germany", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert [c.pk for c in page.context["clubs"]] == [berlin.pk]
    assert "Secret Attendee" not in page.text
    assert "1 member" in page.text
    assert [
        c.pk
        for c in client.get(reverse("clubs:club-list") + "?online=on").context["clubs"]
    ] == [online.pk]
    assert [
        c.pk
        for c in client.get(reverse("clubs:club-list") + "?language=de").context[
            "clubs"
        ]
    ] == [berlin.pk]


def test_directory_query_count_is_flat(client):
    def make(n):
        while ClubMembership.objects.values("club").distinct().count() < n:
            join(ClubFactory(), MemberFactory())

    _flat(client, reverse("clubs:club-list"), make)


def test_club_page_public_without_members_or_places(client):
    club = ClubFactory()
    join(club, MemberFactory(display_name="Hidden Member"))
    EventFactory(club=club, title="Open evening")
    page = client.get(club.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    assert "Open evening" in page.text
    assert "Hidden Member" not in page.text
    assert "Canary Street" not in page.text


def test_unknown_club_is_404(client):
    assert client.get("/clubs/nope/").status_code == 404


# --- Joining ----------


def test_join_open_and_approval_clubs(client):
    member = MemberFactory()
    open_club = ClubFactory(join_policy="open")
    approval_club = ClubFactory(join_policy="approval")
    organizer = make_organizer(approval_club)
    _login(client, member)
    client.post(reverse("clubs:club-join", args=[open_club.slug]))
    client.post(reverse("clubs:club-join", args=[approval_club.slug]))
    statuses = dict(
        ClubMembership.objects.filter(user=member).values_list("club_id", "status")
    )
    assert statuses == {open_club.pk: "active", approval_club.pk: "pending"}
    membership = ClubMembership.objects.get(user=member, club=approval_club)
    _login(client, organizer)
    client.post(
        reverse("clubs:membership-decide", args=[approval_club.slug, membership.pk]),
        {"decision": "approve"},
    )
    membership.refresh_from_db()
    assert membership.status == "active"


def test_applicant_cannot_join(client):
    club = ClubFactory()
    _login(client, UserFactory())
    response = client.post(reverse("clubs:club-join", args=[club.slug]))
    assert response.status_code == 302
    assert not ClubMembership.objects.exists()


def test_member_list_is_for_organizers_and_audited(client):
    club, other = ClubFactory(), ClubFactory()
    organizer = make_organizer(club)
    make_organizer(other)
    _login(client, organizer)
    response = client.get(reverse("clubs:club-members", args=[club.slug]))
    assert response.status_code == 200
    assert AuditEntry.objects.filter(
        action="club.members_viewed", target_id=club.pk
    ).exists()
    assert (
        client.get(reverse("clubs:club-members", args=[other.slug])).status_code == 404
    )
    _login(client, join(club, MemberFactory()))
    assert (
        client.get(reverse("clubs:club-members", args=[club.slug])).status_code == 404
    )


def test_co_organizer_added_and_last_one_kept(client):
    club = ClubFactory()
    organizer = make_organizer(club)
    co = MemberFactory(display_name="Co Organizer")
    _login(client, organizer)
    client.post(
        reverse("clubs:organizer-add", args=[club.slug]), {"member": "co organizer"}
    )
    from members.models import RoleAssignment

    assert RoleAssignment.objects.filter(club=club, user=co).exists()
    client.post(reverse("clubs:organizer-remove", args=[club.slug, co.pk]))
    client.post(reverse("clubs:organizer-remove", args=[club.slug, organizer.pk]))
    assert RoleAssignment.objects.filter(club=club, user=organizer).exists()


def test_admin_creates_club_with_organizer(client):
    future = MemberFactory(display_name="First Organizer")
    _login(client, make_admin())
    response = client.post(
        reverse("clubs:club-create"),
        {
            "name": "Tbilisi club",
            "slug": "tbilisi",
            "city": "Tbilisi",
            "country": "Georgia",
            "timezone": "Asia/Tbilisi",
            "languages": ["ru"],
            "description": "",
            "rhythm": "",
            "join_policy": "open",
            "organizer": "First Organizer",
        },
    )
    assert response.status_code == 302
    from clubs.access import is_organizer
    from clubs.models import Club

    assert is_organizer(future, Club.objects.get(slug="tbilisi"))


# --- Events: organizers ----------


FORM = {
    "kind": "meeting",
    "title": "Weekly meeting",
    "description": "",
    "language": "ru",
    "speaker": "",
    "format": "offline",
    "venue_address": "Canary Street 13",
    "online_link": "",
    "start_time": "19:00",
    "end_time": "21:00",
    "capacity": "3",
    "registration_opens": "",
    "eligibility": "club",
}


def test_organizer_schedules_in_club_time_zone(client):
    club = ClubFactory(timezone="Asia/Almaty")
    _login(client, make_organizer(club))
    date = (timezone.now() + timedelta(days=10)).date().isoformat()
    response = client.post(
        reverse("events:event-create", args=[club.slug]), {**FORM, "date": date}
    )
    assert response.status_code == 302
    event = Event.objects.get()
    assert (
        event.starts_at.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Almaty")).hour
        == 19
    )


def test_organizer_schedules_weekly_series(client):
    club = ClubFactory()
    _login(client, make_organizer(club))
    date = (timezone.now() + timedelta(days=2)).date().isoformat()
    client.post(
        reverse("events:event-create", args=[club.slug]),
        {**FORM, "date": date, "repeat": "weekly", "interval": "1"},
    )
    assert Event.objects.count() >= 12


def test_bad_event_form_explains_and_keeps_input(client):
    club = ClubFactory()
    _login(client, make_organizer(club, language="en"))
    response = client.post(
        reverse("events:event-create", args=[club.slug]),
        {**FORM, "date": "2030-01-01", "end_time": "18:00", "venue_address": ""},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["end_time"]
    assert "Weekly meeting" in response.text


@pytest.mark.parametrize("name", ["events:event-edit", "events:event-checkin"])
def test_other_clubs_organizer_gets_404(client, name):
    event = EventFactory()
    _login(client, make_organizer(ClubFactory()))
    assert client.get(reverse(name, args=[event.pk])).status_code == 404


@pytest.mark.parametrize("name", ["events:event-cancel", "events:event-summary"])
def test_other_clubs_organizer_cannot_post(client, name):
    event = EventFactory()
    _login(client, make_organizer(ClubFactory()))
    assert client.post(reverse(name, args=[event.pk])).status_code == 404
    assert Event.objects.get(pk=event.pk).status == "scheduled"


def test_other_club_dashboard_and_create_are_404(client):
    club = ClubFactory()
    _login(client, make_organizer(ClubFactory()))
    assert (
        client.get(reverse("clubs:club-dashboard", args=[club.slug])).status_code == 404
    )
    assert (
        client.get(reverse("events:event-create", args=[club.slug])).status_code == 404
    )


def test_checkin_marks_attendance_and_audits_the_list(client):
    club = ClubFactory()
    organizer = make_organizer(club)
    event = EventFactory(club=club)
    registration = services.registration_register(
        event=event, member=join(club, MemberFactory())
    )
    _login(client, organizer)
    client.get(reverse("events:event-checkin", args=[event.pk]))
    assert AuditEntry.objects.filter(
        action="event.attendees_viewed", target_id=event.pk
    ).exists()
    client.post(
        reverse("events:event-checkin", args=[event.pk]),
        {"registration": registration.pk, "attended": "1"},
    )
    registration.refresh_from_db()
    assert registration.attendance == "attended"
    response = client.post(
        reverse("events:event-checkin", args=[event.pk]),
        {"registration": "abc", "attended": "1"},
    )
    assert response.status_code == 302


def test_checkin_query_count_is_flat(client):
    club = ClubFactory()
    event = EventFactory(club=club)
    _login(client, make_organizer(club))

    def make(n):
        while Registration.objects.filter(event=event).count() < n:
            services.registration_register(
                event=event, member=join(club, MemberFactory())
            )

    _flat(client, reverse("events:event-checkin", args=[event.pk]), make)


def test_dashboard_query_count_is_flat(client):
    club = ClubFactory()
    _login(client, make_organizer(club))

    def make(n):
        # Upcoming and past events: both lists load only the columns they show.
        while Event.objects.filter(club=club).count() < 2 * n:
            EventFactory(club=club)
            past = timezone.now() - timedelta(days=3 + n)
            EventFactory(club=club, starts_at=past, ends_at=past + timedelta(hours=2))

    _flat(client, reverse("clubs:club-dashboard", args=[club.slug]), make)


# --- Events: members ----------


def test_register_and_cancel_in_one_click(client):
    club = ClubFactory()
    event = EventFactory(club=club, capacity=1)
    member = join(club, MemberFactory())
    _login(client, member)
    client.post(reverse("events:event-register", args=[event.pk]))
    client.post(reverse("events:event-register", args=[event.pk]))  # double submit
    registration = Registration.objects.get()
    assert registration.status == "confirmed"
    client.post(reverse("events:registration-cancel", args=[registration.pk]))
    registration.refresh_from_db()
    assert registration.status == "cancelled"


def test_waitlist_position_shown(client):
    club = ClubFactory()
    event = EventFactory(club=club, capacity=1)
    services.registration_register(event=event, member=join(club, MemberFactory()))
    member = join(club, MemberFactory(language="en"))
    _login(client, member)
    client.post(reverse("events:event-register", args=[event.pk]))
    page = client.get(event.get_absolute_url())
    assert "waiting list, number 1" in page.text


def test_other_members_registration_is_404(client):
    club = ClubFactory()
    event = EventFactory(club=club)
    registration = services.registration_register(
        event=event, member=join(club, MemberFactory())
    )
    _login(client, join(club, MemberFactory()))
    response = client.post(
        reverse("events:registration-cancel", args=[registration.pk])
    )
    assert response.status_code == 404


def test_club_only_event_is_404_for_other_clubs_members(client):
    event = EventFactory()
    _login(client, join(ClubFactory(), MemberFactory()))
    assert client.get(event.get_absolute_url()).status_code == 404
    assert (
        client.post(reverse("events:event-register", args=[event.pk])).status_code
        == 404
    )


def test_event_page_needs_admitted_member(client):
    event = EventFactory(eligibility="all")
    assert client.get(event.get_absolute_url()).status_code == 302
    _login(client, UserFactory())
    response = client.get(event.get_absolute_url())
    assert response["Location"] == reverse("members:application")


def test_member_home_shows_next_events_positions_and_clubs(client):
    club = ClubFactory(name="Berlin club")
    member = join(club, MemberFactory(language="en"))
    full = EventFactory(club=club, capacity=1, title="Full one")
    services.registration_register(event=full, member=join(club, MemberFactory()))
    services.registration_register(event=full, member=member)
    services.registration_register(
        event=EventFactory(club=club, title="Seat one"), member=member
    )
    _login(client, member)
    page = client.get("/")
    assert "Full one" in page.text and "Seat one" in page.text
    assert "Waiting list: number 1" in page.text
    assert "Berlin club" in page.text


def test_event_page_asks_membership_once_and_counts_seats_with_the_event(client):
    club = ClubFactory()
    member = join(club, MemberFactory())
    event = EventFactory(club=club, eligibility="club", capacity=3)
    services.registration_register(event=event, member=join(club, MemberFactory()))
    _login(client, member)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(event.get_absolute_url())
    assert "1 of 3 taken" in page.text
    assert 'action="{}"'.format(reverse("events:event-register", args=[event.pk])) in (
        page.text
    )
    sql = [q["sql"] for q in queries.captured_queries]
    assert sum('FROM "clubs_clubmembership"' in q for q in sql) == 1
    assert not any(q.startswith("SELECT COUNT(*)") for q in sql)


def test_member_home_suggests_club_events_not_yet_registered_for(client):
    from events.selectors import member_home

    club = ClubFactory()
    member = join(club, MemberFactory())
    mine = EventFactory(club=club, title="Mine")
    services.registration_register(event=mine, member=member)
    # Cancelled: suggested again, though others are registered.
    again = EventFactory(club=club, title="Again")
    services.registration_register(event=again, member=join(club, MemberFactory()))
    cancelled = services.registration_register(event=again, member=member)
    services.registration_cancel(registration=cancelled, member=member)
    fresh = EventFactory(club=club, title="Fresh")
    EventFactory(title="Another club's")
    suggested = {e.title for e in member_home(user=member)["suggestions"]}
    assert suggested == {again.title, fresh.title}


def test_member_home_query_count_is_flat(client):
    club = ClubFactory()
    member = join(club, MemberFactory())
    _login(client, member)

    def make(n):
        while Registration.objects.filter(member=member).count() < n:
            event = EventFactory(club=club, capacity=1)
            services.registration_register(
                event=event, member=join(club, MemberFactory())
            )
            services.registration_register(event=event, member=member)

    _flat(client, "/", make)


# --- Who may use the remaining URLs ---------------------------------------------


def test_leave_club(client):
    club = ClubFactory()
    member = join(club, MemberFactory())
    _login(client, member)
    client.post(reverse("clubs:club-leave", args=[club.slug]))
    assert not ClubMembership.objects.filter(user=member).exists()


def test_other_clubs_organizer_cannot_manage_members(client):
    club = ClubFactory(join_policy="approval")
    membership = ClubMembership.objects.create(
        club=club, user=MemberFactory(), status="pending"
    )
    _login(client, make_organizer(ClubFactory()))
    decide = reverse("clubs:membership-decide", args=[club.slug, membership.pk])
    assert client.post(decide, {"decision": "approve"}).status_code == 404
    add = reverse("clubs:organizer-add", args=[club.slug])
    assert client.post(add, {"member": "x"}).status_code == 404
    organizer = make_organizer(club)
    remove = reverse("clubs:organizer-remove", args=[club.slug, organizer.pk])
    assert client.post(remove).status_code == 404
    membership.refresh_from_db()
    assert membership.status == "pending"


def test_membership_of_another_club_is_404_for_its_organizer(client):
    club, other = ClubFactory(), ClubFactory()
    foreign = ClubMembership.objects.create(
        club=other, user=MemberFactory(), status="pending"
    )
    _login(client, make_organizer(club))
    url = reverse("clubs:membership-decide", args=[club.slug, foreign.pk])
    assert client.post(url, {"decision": "approve"}).status_code == 404


def test_only_admins_create_clubs(client):
    _login(client, make_organizer(ClubFactory()))
    assert client.get(reverse("clubs:club-create")).status_code == 404


def test_calendar_settings_for_members_only(client):
    assert client.get(reverse("events:calendar-settings")).status_code == 302
    _login(client, UserFactory())
    response = client.get(reverse("events:calendar-settings"))
    assert response["Location"] == reverse("members:application")
