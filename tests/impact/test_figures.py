import csv
import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from clubs import impact
from clubs import services as club_services
from clubs.models import Club, ClubProposal, Playbook
from core.models import AuditEntry
from events import services as event_services
from events.models import Registration
from members import journal
from tests.factories import (
    ClubFactory,
    EventFactory,
    MemberFactory,
    join,
    make_admin,
    make_organizer,
    make_trainer,
)
from trainings.models import Resource

pytestmark = pytest.mark.django_db


def _past_event_with_attendance(club, attendees, no_shows=0):
    start = timezone.now() - timedelta(days=10)
    event = EventFactory(club=club, starts_at=start, ends_at=start + timedelta(hours=2))
    for i in range(attendees + no_shows):
        member = join(club, MemberFactory())
        Registration.objects.create(
            event=event,
            member=member,
            status="confirmed",
            attendance="attended" if i < attendees else "no_show",
        )
    return event


def test_no_figure_for_a_group_of_four_a_figure_for_five():
    small, big = ClubFactory(), ClubFactory()
    _past_event_with_attendance(small, 4)
    _past_event_with_attendance(big, 5)
    period = impact.default_period()
    small_figures = impact.figures(period=period, club=small)
    big_figures = impact.figures(period=period, club=big)
    assert isinstance(small_figures["active_members"], impact.Suppressed)
    assert str(small_figures["active_members"]) == "fewer than 5"
    assert big_figures["active_members"] == 5
    assert isinstance(small_figures["attendance_rate"], impact.Suppressed)
    assert big_figures["attendance_rate"] == 100


def _journal_relationship(owner, stances):
    person = journal.person_create(owner=owner, label="x", relationship="parent")
    for offset, (before, after) in enumerate(stances):
        journal.entry_save(
            person=person,
            owner=owner,
            data={
                "date": date.today() - timedelta(days=60 - offset),
                "channel": "call",
                "topics": [],
                "approaches": [],
                "stance_before": before,
                "stance_after": after,
                "feeling": 3,
                "notes": "",
            },
        )


def test_journal_aggregate_uses_only_opted_in_members_and_minimum():
    improving = [(2, 2), (2, 3), (3, 4)]
    for _ in range(4):
        _journal_relationship(MemberFactory(journal_in_aggregates=True), improving)
    _journal_relationship(MemberFactory(journal_in_aggregates=False), improving)
    period = impact.default_period()
    assert isinstance(
        impact.journal_aggregate(period=period)["improved_share"], impact.Suppressed
    )
    _journal_relationship(MemberFactory(journal_in_aggregates=True), [(3, 3)] * 3)
    aggregate = impact.journal_aggregate(period=period)
    assert aggregate["members"] == 5
    assert aggregate["improved_share"] == 80  # 4 of 5; the opted-out one never counts


def test_people_reached_from_latest_checkins():
    from trainings.models import CheckIn, Programme, TrainingApplication

    club = ClubFactory()
    programme = Programme.objects.create(
        title="P",
        club=club,
        applications_open_at=timezone.now(),
        applications_close_at=timezone.now() + timedelta(days=1),
    )
    for i in range(5):
        application = TrainingApplication.objects.create(
            programme=programme,
            member=MemberFactory(),
            status="accepted",
            motivation="m",
            hours_per_week=2,
            experience="e",
            audience="a",
            completed_at=timezone.now() - timedelta(days=40),
        )
        for day, reached in ((7, 3), (30, 10)):
            CheckIn.objects.create(
                trainee=application,
                day=day,
                due_at=timezone.now() - timedelta(days=40 - day),
                submitted_at=timezone.now() - timedelta(days=1),
                people_reached=reached,
                conversations=1,
            )
    figures = impact.figures(period=impact.default_period())
    assert figures["people_reached"] == 50
    assert figures["trainings_completed"] == 5


def test_impact_page_admin_and_organizer_scopes(client):
    club, other = ClubFactory(), ClubFactory()
    organizer = make_organizer(club)
    client.force_login(organizer)
    assert client.get(reverse("clubs:impact")).status_code == 200
    assert (
        client.get(reverse("clubs:impact") + f"?club={other.slug}").status_code == 404
    )
    client.force_login(MemberFactory())
    assert client.get(reverse("clubs:impact")).status_code == 404
    client.force_login(make_admin())
    page = client.get(reverse("clubs:impact"))
    assert page.status_code == 200
    assert "<svg" in page.text
    assert "http://" not in page.text.replace("http://www.w3.org", "")
    assert "https://" not in page.text


def test_csv_export_is_audited_and_keeps_suppression(client):
    club = ClubFactory()
    _past_event_with_attendance(club, 3)
    admin = make_admin()
    client.force_login(admin)
    response = client.get(reverse("clubs:impact-csv") + f"?club={club.slug}")
    rows = dict(csv.reader(io.StringIO(response.content.decode())))
    assert rows["active_members"] == "<5"
    assert rows["events_held"] == "1"
    assert AuditEntry.objects.filter(
        action="impact.csv_exported", actor_id=admin.pk, target_id=club.pk
    ).exists()


def test_club_health_for_its_organizers_only(client):
    club = ClubFactory()
    _past_event_with_attendance(club, 6)
    client.force_login(make_organizer(club))
    page = client.get(reverse("clubs:club-health", args=[club.slug]))
    assert page.status_code == 200
    client.force_login(make_organizer(ClubFactory()))
    assert client.get(reverse("clubs:club-health", args=[club.slug])).status_code == 404


def test_retention_keeps_figures_correct(settings):
    settings.ATTENDANCE_RETENTION_DAYS = 5
    club = ClubFactory()
    _past_event_with_attendance(club, 6, no_shows=2)
    period = impact.Period(start=date.today() - timedelta(days=60), end=date.today())
    before = impact.figures(period=period, club=club)
    assert event_services.registrations_anonymise_old() == 8
    assert not Registration.objects.filter(member__isnull=False).exists()
    after = impact.figures(period=period, club=club)
    for key in (
        "events_held",
        "attendance_rate",
        "new_members_total",
        "new_members",
        "attendance_by_month",
    ):
        assert after[key] == before[key], key


def test_account_deletion_frees_upcoming_seats():
    from members import services as member_services

    club = ClubFactory()
    event = EventFactory(club=club, capacity=1)
    leaving, waiting = join(club, MemberFactory()), join(club, MemberFactory())
    event_services.registration_register(event=event, member=leaving)
    queued = event_services.registration_register(event=event, member=waiting)
    member_services.user_delete(user=leaving)
    queued.refresh_from_db()
    assert queued.status == "confirmed"


# --- Replicable clubs and the library -----------------------------------------------


def test_member_proposes_and_admin_creates_club_from_playbook(client):
    source = ClubFactory(
        rhythm="Every Tuesday 19:00", join_policy="approval", description="Talks"
    )
    plan = Resource.objects.create(
        title="First meeting plan",
        kind="session_plan",
        body="Introductions",
        language="ru",
    )
    admin = make_admin()
    playbook = club_services.playbook_from_club(
        club=source,
        actor=admin,
        name="Tuesday",
        meeting_format="Circle",
        resources=[plan],
    )
    proposer = MemberFactory()
    client.force_login(proposer)
    response = client.post(
        reverse("clubs:proposal-create"),
        {
            "city": "Aktau",
            "country": "Kazakhstan",
            "timezone": "Asia/Aqtau",
            "languages": ["ru"],
            "playbook": playbook.pk,
            "motivation": "Many arrived",
        },
    )
    assert response.status_code == 302
    proposal = ClubProposal.objects.get()
    client.force_login(admin)
    client.post(
        reverse("clubs:proposal-decide", args=[proposal.pk]),
        {"decision": "approve", "name": "Aktau club", "slug": "aktau"},
    )
    club = Club.objects.get(slug="aktau")
    assert (club.rhythm, club.join_policy, club.playbook) == (
        "Every Tuesday 19:00",
        "approval",
        playbook,
    )
    from clubs.access import is_organizer

    assert is_organizer(proposer, club)
    client.force_login(proposer)
    page = client.get(club.get_absolute_url())
    assert "First meeting plan" in page.text
    assert Playbook.objects.count() == 1


def test_library_publish_search_and_access(client):
    trainer = make_trainer()
    client.force_login(trainer)
    client.post(
        reverse("trainings:resource-create"),
        {
            "title": "Listening first",
            "kind": "article",
            "language": "ru",
            "summary": "How to start",
            "body": "Ask before you tell.",
            "published": "on",
        },
    )
    member = MemberFactory()
    client.force_login(member)
    found = client.get(reverse("trainings:resource-list") + "?q=ask+before")
    assert "Listening first" in found.text
    assert (
        "Listening first"
        not in client.get(
            reverse("trainings:resource-list") + "?q=nothing-like-this"
        ).text
    )
    assert client.get(reverse("trainings:resource-create")).status_code == 404


@pytest.mark.parametrize("count", [1, 10])
def test_impact_query_count_does_not_grow(client, count, django_assert_max_num_queries):
    club = ClubFactory()
    for _ in range(count):
        _past_event_with_attendance(club, 1)
    client.force_login(make_admin())
    with django_assert_max_num_queries(40):
        client.get(reverse("clubs:impact"))
