from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    ClubFactory,
    MemberFactory,
    ProgrammeFactory,
    UserFactory,
    make_admin,
    make_trainer,
    sign_in,
    training_session,
)
from trainings import services
from trainings.models import CheckIn, Programme, Strategy, TrainingApplication

pytestmark = pytest.mark.django_db
APPLY = {"motivation": "m", "hours_per_week": "4", "experience": "e", "audience": "a"}


_login = sign_in


@pytest.fixture
def trainer():
    return make_trainer(language="en")


@pytest.fixture
def programme(trainer):
    return ProgrammeFactory(trainers=[trainer], cohort_size=2)


def _trainee(programme, trainer, member=None):
    application = services.training_apply(
        programme=programme,
        member=member or MemberFactory(),
        data={
            "motivation": "m",
            "hours_per_week": 4,
            "experience": "e",
            "audience": "a",
        },
    )
    return services.training_decide(
        application=application, trainer=trainer, decision="accept"
    )


def test_trainer_creates_programme(client, trainer):
    club = ClubFactory()
    _login(client, trainer)
    now = timezone.now()
    response = client.post(
        reverse("trainings:programme-create"),
        {
            "title": "Communicators",
            "description": "",
            "language": "ru",
            "club": club.pk,
            "cohort_size": "2",
            "applications_open_at": (now - timedelta(days=1)).strftime(
                "%Y-%m-%dT%H:%M"
            ),
            "applications_close_at": (now + timedelta(days=9)).strftime(
                "%Y-%m-%dT%H:%M"
            ),
            "min_meetings_attended": "0",
            "completion_share": "75",
            "requires_strategy": "on",
        },
    )
    assert response.status_code == 302
    assert list(Programme.objects.get().trainers.all()) == [trainer]


def test_programme_form_errors_are_explained(client, trainer):
    _login(client, trainer)
    response = client.post(reverse("trainings:programme-create"), {"title": "x"})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_member_applies_and_unmet_prerequisite_is_explained(client, trainer):
    easy = ProgrammeFactory(trainers=[trainer])
    hard = ProgrammeFactory(trainers=[trainer], min_meetings_attended=3)
    _login(client, MemberFactory(language="en"))
    assert (
        client.post(
            reverse("trainings:programme-apply", args=[easy.pk]), APPLY
        ).status_code
        == 302
    )
    page = client.get(hard.get_absolute_url())
    assert "attend 3 club meetings" in page.text
    response = client.post(reverse("trainings:programme-apply", args=[hard.pk]), APPLY)
    assert response.status_code == 200
    assert not TrainingApplication.objects.filter(programme=hard).exists()


@pytest.mark.parametrize(
    "name",
    [
        "trainings:application-list",
        "trainings:trainee-list",
        "trainings:session-create",
        "trainings:programme-edit",
    ],
)
def test_trainer_pages_are_404_for_others(client, programme, name):
    url = reverse(name, args=[programme.pk])
    for user in (MemberFactory(), make_trainer(), UserFactory()):
        _login(client, user)
        assert client.get(url).status_code in (404, 302)
    _login(client, make_trainer())  # trainer of another programme
    assert client.get(url).status_code == 404


def test_application_detail_is_404_for_another_programmes_trainer(client, programme):
    application = services.training_apply(
        programme=programme,
        member=MemberFactory(),
        data={
            "motivation": "m",
            "hours_per_week": 4,
            "experience": "e",
            "audience": "a",
        },
    )
    _login(client, make_trainer())
    assert (
        client.get(
            reverse("trainings:application-detail", args=[application.pk])
        ).status_code
        == 404
    )


def test_trainer_decides_from_detail_page(client, programme, trainer):
    application = services.training_apply(
        programme=programme,
        member=MemberFactory(),
        data={
            "motivation": "m",
            "hours_per_week": 4,
            "experience": "e",
            "audience": "a",
        },
    )
    _login(client, trainer)
    response = client.post(
        reverse("trainings:application-detail", args=[application.pk]),
        {"decision": "decline", "reason": ""},
    )
    assert response.status_code == 200
    assert "reason" in response.text
    client.post(
        reverse("trainings:application-detail", args=[application.pk]),
        {"decision": "accept"},
    )
    application.refresh_from_db()
    assert application.status == "accepted"


def test_strategy_visible_to_trainee_trainers_admins_only(client, programme, trainer):
    trainee = _trainee(programme, trainer)
    url = reverse("trainings:strategy", args=[trainee.pk])
    for allowed in (trainee.member, trainer, make_admin()):
        _login(client, allowed)
        assert client.get(url).status_code == 200
    for denied in (MemberFactory(), make_trainer()):
        _login(client, denied)
        assert client.get(url).status_code == 404


def test_trainee_saves_strategy_and_trainer_comments(client, programme, trainer):
    trainee = _trainee(programme, trainer)
    _login(client, trainee.member)
    response = client.post(
        reverse("trainings:strategy", args=[trainee.pk]),
        {
            "goal": "Reach my colleagues",
            "audiences": ["colleagues"],
            "planned_reach": "30",
            "channels": "Calls",
            "key_messages": "Questions first",
            "milestones-TOTAL_FORMS": "2",
            "milestones-INITIAL_FORMS": "0",
            "milestones-0-title": "First call",
            "milestones-0-due_date": timezone.localdate().isoformat(),
            "milestones-1-title": "",
            "milestones-1-due_date": "",
            "submit": "1",
        },
    )
    assert response.status_code == 302
    strategy = Strategy.objects.get(trainee=trainee)
    assert strategy.status == "submitted" and strategy.milestones.count() == 1
    # A trainer cannot overwrite it; they comment.
    _login(client, trainer)
    assert (
        client.post(
            reverse("trainings:strategy", args=[trainee.pk]), {"goal": "x"}
        ).status_code
        == 404
    )
    client.post(
        reverse("trainings:strategy-comment", args=[trainee.pk]),
        {"body": "Add a second audience"},
    )
    assert strategy.comments.count() == 1
    _login(client, trainee.member)
    assert (
        client.post(
            reverse("trainings:strategy-comment", args=[trainee.pk]), {"body": "self"}
        ).status_code
        == 404
    )


def test_certificate_only_for_the_completed_trainee(client, programme, trainer):
    trainee = _trainee(programme, trainer)
    training_session(programme)
    url = reverse("trainings:certificate", args=[trainee.pk])
    _login(client, trainee.member)
    assert client.get(url).status_code == 404  # not complete yet
    services.trainee_complete(application=trainee, actor=trainer)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    assert trainee.member.display_name in response.content.decode()
    assert trainee.member.email not in response.content.decode()
    _login(client, trainer)
    assert client.get(url).status_code == 404


def test_checkin_form_for_own_checkin_only(client, programme, trainer):
    trainee = _trainee(programme, trainer)
    services.trainee_complete(application=trainee, actor=trainer)
    checkin = CheckIn.objects.get(trainee=trainee, day=7)
    _login(client, MemberFactory())
    assert (
        client.get(reverse("trainings:checkin", args=[checkin.pk])).status_code == 404
    )
    _login(client, trainee.member)
    import time_machine

    with time_machine.travel(checkin.due_at + timedelta(minutes=1)):
        response = client.post(
            reverse("trainings:checkin", args=[checkin.pk]),
            {
                "people_reached": "8",
                "conversations": "3",
                "worked": "Stories",
                "hard": "",
            },
        )
    assert response.status_code == 302
    checkin.refresh_from_db()
    assert checkin.people_reached == 8 and checkin.submitted_at


def test_trainer_marks_session_attendance(client, programme, trainer):
    session = training_session(programme)
    trainee = _trainee(programme, trainer)
    from events.models import Registration

    registration = Registration.objects.get(event=session, member=trainee.member)
    _login(client, trainer)
    client.post(
        reverse("events:event-checkin", args=[session.pk]),
        {"registration": registration.pk, "attended": "1"},
    )
    registration.refresh_from_db()
    assert registration.attendance == "attended"
    _login(client, make_trainer())
    assert (
        client.get(reverse("events:event-checkin", args=[session.pk])).status_code
        == 404
    )


def test_session_is_hidden_from_non_trainees(client, programme, trainer):
    session = training_session(programme)
    member = MemberFactory()
    from tests.factories import join

    join(programme.club, member)
    _login(client, member)
    assert client.get(session.get_absolute_url()).status_code == 404
    trainee = _trainee(programme, trainer)
    _login(client, trainee.member)
    assert client.get(session.get_absolute_url()).status_code == 200


def test_admin_assigns_trainers(client, programme):
    new = make_trainer()
    _login(client, make_admin())
    client.post(
        reverse("trainings:programme-trainers", args=[programme.pk]),
        {"trainers": [new.pk]},
    )
    assert list(programme.trainers.all()) == [new]
    _login(client, new)
    assert (
        client.get(
            reverse("trainings:programme-trainers", args=[programme.pk])
        ).status_code
        == 404
    )


@pytest.mark.parametrize(
    "name", ["trainings:application-list", "trainings:trainee-list"]
)
def test_trainer_lists_query_count_is_flat(client, name, trainer):
    programme = ProgrammeFactory(trainers=[trainer], cohort_size=20)
    training_session(programme)
    _login(client, trainer)
    seen = []
    for total in (1, 10):
        while programme.applications.count() < total:
            _trainee(programme, trainer)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(name, args=[programme.pk])).status_code == 200
        seen.append(len(captured))
    assert seen[0] == seen[1], seen
