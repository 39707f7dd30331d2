"""The pages `make bench` measures: at most 12 SQL queries each, whatever the
amount of data behind them (the flat 1-vs-10 tests sit with each app), and the
counts they show computed right."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import Event, Registration
from members.models import Application
from members.selectors import pending_vouch_count
from tests.factories import (
    ApplicationFactory,
    ClubFactory,
    EventFactory,
    MemberFactory,
    join,
    make_organizer,
    make_vetter,
)

pytestmark = pytest.mark.django_db

BUDGET = 12


@pytest.fixture
def world():
    club = ClubFactory()
    organizer = make_organizer(club)
    member = join(club, MemberFactory())
    events = []
    for n in range(10):
        event = EventFactory(club=club, capacity=1)
        services.registration_register(event=event, member=join(club, MemberFactory()))
        services.registration_register(event=event, member=member)  # waitlisted
        events.append(event)
    past = EventFactory(
        club=club,
        starts_at=timezone.now() - timedelta(days=3),
        ends_at=timezone.now() - timedelta(days=3, hours=-2),
    )
    Registration.objects.create(event=past, member=member, status="confirmed")
    for _ in range(10):
        application = ApplicationFactory()
        application.vouches.create(voucher=MemberFactory(), status="confirmed")
    return {
        "club": club,
        "organizer": organizer,
        "member": member,
        "event": events[0],
        "vetter": make_vetter(),
    }


@pytest.mark.parametrize(
    "page, who",
    [
        ("directory", None),
        ("club", None),
        ("club", "member"),
        ("event", "member"),
        ("home", "member"),
        ("dashboard", "organizer"),
        ("vetting", "vetter"),
    ],
)
def test_benchmarked_page_stays_within_budget(client, world, page, who):
    url = {
        "directory": reverse("clubs:club-list"),
        "club": world["club"].get_absolute_url(),
        "event": world["event"].get_absolute_url(),
        "home": "/",
        "dashboard": reverse("clubs:club-dashboard", args=[world["club"].slug]),
        "vetting": reverse("members:vetting-queue"),
    }[page]
    if who:
        client.force_login(world[who])
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    assert len(captured) <= BUDGET, [q["sql"][:80] for q in captured]


def test_dashboard_counts_seats_waitlist_and_attendance(client):
    club = ClubFactory()
    event = EventFactory(club=club, capacity=2)
    for _ in range(3):
        services.registration_register(event=event, member=join(club, MemberFactory()))
    past = EventFactory(
        club=club,
        starts_at=timezone.now() - timedelta(days=2),
        ends_at=timezone.now() - timedelta(days=2, hours=-2),
    )
    for attendance in ("attended", "attended", "no_show"):
        Registration.objects.create(
            event=past,
            member=join(club, MemberFactory()),
            status="confirmed",
            attendance=attendance,
        )
    client.force_login(make_organizer(club))
    context = client.get(reverse("clubs:club-dashboard", args=[club.slug])).context
    [upcoming] = context["upcoming"]
    assert (upcoming.confirmed_count, upcoming.waitlist_count) == (2, 1)
    [recent] = context["recent"]
    assert (recent.confirmed_count, recent.attended, recent.no_show) == (3, 2, 1)


def test_vetting_queue_counts_confirmed_vouches_and_approvals(client):
    application = ApplicationFactory(status=Application.Status.PARTIALLY_APPROVED)
    for status in ("confirmed", "confirmed", "requested"):
        application.vouches.create(voucher=MemberFactory(), status=status)
    vetters = [make_vetter(), make_vetter()]
    application.decisions.create(vetter=vetters[0], kind="approve", reason="ok")
    application.decisions.create(vetter=vetters[1], kind="request_info", reason="?")
    ApplicationFactory(status=Application.Status.PARTIALLY_APPROVED)  # nothing yet
    client.force_login(vetters[0])
    page = client.get(reverse("members:vetting-queue") + "?state=further")
    rows = {a.pk: (a.confirmed_vouches, a.approvals) for a in page.context["page_obj"]}
    assert rows[application.pk] == (2, 1)
    assert sorted(rows.values()) == [(0, 0), (2, 1)]
    assert page.context["page_obj"].paginator.count == 2


def test_directory_member_counts_are_kept_with_public_pages(client, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    club = ClubFactory()
    join(club, MemberFactory())
    member = join(club, MemberFactory())
    client.force_login(member)
    pending_vouch_count(user=member)  # the navigation's badge, cached on its own
    queries = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as captured:
            page = client.get(reverse("clubs:club-list"))
        queries.append(len(captured))
    assert [c.member_count for c in page.context["clubs"]] == [2]
    assert queries[1] == queries[0] - 1  # the counts came from the cache


def test_registration_holds_the_event_row_for_few_round_trips():
    # A burst of registrations queues on the event row lock: what runs while
    # it is held decides how fast the queue moves.
    event = EventFactory(capacity=5, eligibility="all")
    member = MemberFactory()
    with CaptureQueriesContext(connection) as captured:
        services.registration_register(event=event, member=member)
    statements = [q["sql"] for q in captured]
    locked_at = next(i for i, sql in enumerate(statements) if "FOR UPDATE" in sql)
    assert len(statements) - locked_at <= 8, statements[locked_at:]
    kinds = sorted(
        member.notifications.values_list("kind", flat=True)  # one INSERT
    )
    assert kinds == ["event_reminder", "event_reminder", "registration_confirmed"]


def test_event_visibility_does_not_join_every_club_member():
    # The check runs on every event page and registration: it looks up the
    # member's own membership (EXISTS) instead of joining and de-duplicating
    # all of the club's members, which grows with the club.
    club = ClubFactory()
    member = join(club, MemberFactory())
    for _ in range(5):
        join(club, MemberFactory())
    event = EventFactory(club=club)
    visible = Event.objects.visible_to(member)
    sql = str(visible.query)
    assert "DISTINCT" not in sql
    assert 'JOIN "clubs_clubmembership"' not in sql
    assert list(visible.filter(pk=event.pk)) == [event]
    outsider = join(ClubFactory(), MemberFactory())
    assert not Event.objects.visible_to(outsider).filter(pk=event.pk).exists()


def test_home_query_count_is_flat_with_1_and_10_meetings(client, world):
    # The home page loads only some columns of each event and club: a column
    # the template needs but the query left out would cost a query per row.
    few = join(world["club"], MemberFactory())
    services.registration_register(event=world["event"], member=few)
    counts = []
    for member, expected in ((few, 1), (world["member"], 10)):
        client.force_login(member)
        pending_vouch_count(user=member)  # the navigation's badge, cached on its own
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/")
        assert len(response.context["home"]["registrations"]) == expected
        assert b"Waiting list: number" in response.content
        counts.append(len(captured))
    assert counts[0] == counts[1], counts
