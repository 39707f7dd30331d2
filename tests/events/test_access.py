"""``can_see`` (one loaded event, cheap checks in order) gives the same answer
as ``Event.objects.visible_to`` (the queryset the lists use), for every kind
of person and every kind of event."""

import pytest

from events.access import can_see, get_event_for_user
from events.models import Event
from tests.factories import (
    ClubFactory,
    EventFactory,
    MemberFactory,
    ProgrammeFactory,
    UserFactory,
    join,
    make_admin,
    make_organizer,
    make_trainer,
    training_session,
)
from trainings.models import TrainingApplication

pytestmark = pytest.mark.django_db


def test_can_see_agrees_with_visible_to_for_everyone_and_every_event(
    django_assert_max_num_queries,
):
    home, other = ClubFactory(), ClubFactory()
    programme = ProgrammeFactory(club=home)
    foreign_programme = ProgrammeFactory(club=other)
    events = [
        EventFactory(club=home, eligibility="club"),
        EventFactory(club=home, eligibility="all"),
        EventFactory(club=other, eligibility="club"),
        EventFactory(club=other, eligibility="all"),
        training_session(programme),
        training_session(foreign_programme),
        # A club-wide meeting that belongs to a programme (not programme-only).
        EventFactory(club=other, eligibility="club", programme=foreign_programme),
    ]
    member = join(home, MemberFactory())
    pending = join(home, MemberFactory(), status="pending")
    trainee = join(other, MemberFactory())
    TrainingApplication.objects.create(
        programme=programme, member=trainee, status="accepted", hours_per_week=2
    )
    refused = MemberFactory()
    TrainingApplication.objects.create(
        programme=programme, member=refused, status="rejected", hours_per_week=2
    )
    trainer = make_trainer()
    foreign_programme.trainers.add(trainer)
    people = {
        "applicant": UserFactory(),
        "member": member,
        "pending member": pending,
        "member of no club": MemberFactory(),
        "trainee": trainee,
        "refused trainee": refused,
        "trainer": trainer,
        "organizer": make_organizer(home),
        "organizer elsewhere": make_organizer(other),
        "admin": make_admin(),
    }
    for name, person in people.items():
        expected = set(Event.objects.visible_to(person).values_list("pk", flat=True))
        fresh = type(person).objects.get(pk=person.pk)  # no cached roles
        seen = set()
        for event in events:
            # At most: roles (once per request), membership, trainee, trainer.
            with django_assert_max_num_queries(4):
                if can_see(fresh, event):
                    seen.add(event.pk)
        assert seen == expected, name


def test_event_page_of_another_club_is_404(client):
    member = join(ClubFactory(), MemberFactory())
    event = EventFactory(eligibility="club")
    from django.http import Http404

    with pytest.raises(Http404):
        get_event_for_user(member, event.pk)
    client.force_login(member)
    assert client.get(event.get_absolute_url()).status_code == 404


def test_membership_answer_follows_joining_and_leaving_in_the_same_request():
    """is_member_of remembers its answer per request object; the services
    that change a membership make it ask again."""
    from clubs import services as club_services
    from clubs.access import is_member_of

    club = ClubFactory(join_policy="open")
    member = MemberFactory()
    event = EventFactory(club=club, eligibility="club")
    assert not is_member_of(member, club_id=club.pk)
    assert not can_see(member, event)
    club_services.club_join(club=club, member=member)
    assert is_member_of(member, club_id=club.pk)
    assert can_see(member, event)
    club_services.club_leave(club=club, member=member)
    assert not is_member_of(member, club_id=club.pk)
    assert not can_see(member, event)
