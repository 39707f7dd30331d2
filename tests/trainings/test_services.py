from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from core import services as outbox
from core.exceptions import DomainError
from core.models import Notification
from events.models import Registration
from tests.factories import (
    EventFactory,
    MemberFactory,
    ProgrammeFactory,
    make_trainer,
    training_session,
)
from trainings import services
from trainings.models import CheckIn, Strategy, TrainingApplication

pytestmark = pytest.mark.django_db

APPLY = {
    "motivation": "Reach my town",
    "hours_per_week": 5,
    "experience": "Talks with family",
    "audience": "Parents' friends",
}


@pytest.fixture
def trainer():
    return make_trainer()


@pytest.fixture
def programme(trainer):
    return ProgrammeFactory(trainers=[trainer], cohort_size=2)


def _apply(programme, member=None):
    return services.training_apply(
        programme=programme, member=member or MemberFactory(), data=APPLY
    )


def _deliver(at=None):
    with time_machine.travel(at or timezone.now()):
        for notification_id in outbox.notifications_claim_due():
            outbox.notification_send(notification_id=notification_id)


def test_apply_notifies_trainers(programme, trainer):
    application = _apply(programme)
    assert application.status == "submitted"
    assert (
        Notification.objects.filter(
            kind="training_application_received", recipient=trainer
        ).count()
        == 1
    )


def test_apply_twice_is_refused(programme):
    member = MemberFactory()
    _apply(programme, member)
    with pytest.raises(DomainError, match="already applied"):
        _apply(programme, member)


def test_apply_outside_window(programme):
    with time_machine.travel(programme.applications_close_at + timedelta(minutes=1)):
        with pytest.raises(DomainError, match="closed"):
            _apply(programme)


def test_prerequisite_explained_when_unmet(trainer):
    programme = ProgrammeFactory(trainers=[trainer], min_meetings_attended=2)
    member = MemberFactory()
    with pytest.raises(DomainError, match="attended 0 so far"):
        _apply(programme, member)
    for _ in range(2):
        event = EventFactory(kind="meeting", eligibility="all")
        Registration.objects.create(
            event=event, member=member, status="confirmed", attendance="attended"
        )
    assert _apply(programme, member).status == "submitted"


def test_accept_registers_for_sessions_and_creates_strategy(programme, trainer):
    session = training_session(programme)
    application = _apply(programme)
    services.training_decide(
        application=application, trainer=trainer, decision="accept"
    )
    application.refresh_from_db()
    assert application.status == "accepted"
    assert Registration.objects.get(
        event=session, member=application.member
    ).status == ("confirmed")
    assert Strategy.objects.filter(trainee=application).exists()
    later = services.session_add(
        programme=programme,
        actor=trainer,
        data={
            "title": "Session 2",
            "description": "",
            "language": "ru",
            "speaker": "",
            "format": "offline",
            "venue_address": "Room 1",
            "online_link": "",
            "starts_at": timezone.now() + timedelta(days=9),
            "ends_at": timezone.now() + timedelta(days=9, hours=2),
            "registration_opens_at": None,
        },
    )
    assert later.kind == "training" and later.programme_id == programme.pk
    assert Registration.objects.filter(event=later, member=application.member).exists()


def test_cohort_limit_and_waitlist_promotion(programme, trainer):
    first, second, third = (_apply(programme) for _ in range(3))
    services.training_decide(application=first, trainer=trainer, decision="accept")
    services.training_decide(application=second, trainer=trainer, decision="accept")
    with pytest.raises(DomainError, match="cohort is full"):
        services.training_decide(application=third, trainer=trainer, decision="accept")
    services.training_decide(application=third, trainer=trainer, decision="waitlist")
    services.training_withdraw(application=first, member=first.member)
    third.refresh_from_db()
    assert third.status == "accepted"
    assert (
        Notification.objects.filter(
            kind="training_accepted", recipient=third.member
        ).count()
        == 1
    )


def test_decline_needs_reason_and_is_told(programme, trainer):
    application = _apply(programme)
    with pytest.raises(DomainError, match="reason"):
        services.training_decide(
            application=application, trainer=trainer, decision="decline"
        )
    services.training_decide(
        application=application,
        trainer=trainer,
        decision="decline",
        reason="Cohort is for Berlin",
    )
    assert Notification.objects.filter(kind="training_declined").count() == 1
    with pytest.raises(DomainError, match="already been decided"):
        services.training_decide(
            application=application, trainer=trainer, decision="accept"
        )


def test_completion_reasons_then_complete(programme, trainer):
    sessions = [training_session(programme, days=d) for d in (2, 4)]
    application = _apply(programme)
    services.training_decide(
        application=application, trainer=trainer, decision="accept"
    )
    status = services.completion_status(application=application)
    assert not status["complete"]
    assert len(status["reasons"]) == 2  # attendance and strategy
    Registration.objects.filter(member=application.member, event__in=sessions).update(
        attendance="attended"
    )
    strategy = Strategy.objects.get(trainee=application)
    services.strategy_save(
        strategy=strategy,
        trainee=application.member,
        submit=True,
        data={
            "goal": "Reach 50 people",
            "audiences": ["relatives"],
            "planned_reach": 50,
            "channels": "Calls",
            "key_messages": "Listen first",
        },
        milestones=[],
    )
    assert services.completion_status(application=application)["complete"]
    assert services.trainees_complete(programme=programme, trainer=trainer) == 1
    assert services.trainees_complete(programme=programme, trainer=trainer) == 0
    assert CheckIn.objects.filter(trainee=application).count() == 3


def test_strategy_versions_and_comments(programme, trainer):
    application = _apply(programme)
    services.training_decide(
        application=application, trainer=trainer, decision="accept"
    )
    strategy = Strategy.objects.get(trainee=application)
    data = {
        "goal": "v1",
        "audiences": [],
        "planned_reach": 10,
        "channels": "",
        "key_messages": "",
    }
    services.strategy_save(
        strategy=strategy,
        trainee=application.member,
        data=data,
        submit=False,
        milestones=[{"title": "First talk", "due_date": timezone.localdate()}],
    )
    services.strategy_save(
        strategy=strategy,
        trainee=application.member,
        data={**data, "goal": "v2"},
        submit=True,
        milestones=[],
    )
    strategy.refresh_from_db()
    assert strategy.version == 2 and strategy.status == "submitted"
    assert list(strategy.versions.values_list("number", flat=True)) == [2, 1]
    assert strategy.versions.get(number=1).content["goal"] == "v1"
    with pytest.raises(DomainError):
        services.strategy_save(
            strategy=strategy, trainee=trainer, data=data, submit=False, milestones=[]
        )
    services.strategy_comment(strategy=strategy, author=trainer, body="Good start")
    assert (
        Notification.objects.filter(
            kind="strategy_commented", recipient=application.member
        ).count()
        == 1
    )
    with pytest.raises(DomainError):
        services.strategy_comment(strategy=strategy, author=trainer, body="  ")


def _completed(programme, trainer):
    application = _apply(programme)
    services.training_decide(
        application=application, trainer=trainer, decision="accept"
    )
    services.trainee_complete(application=application, actor=trainer)
    return application


def test_follow_ups_at_7_30_90_days_one_reminder_then_nothing(programme, trainer):
    application = _completed(programme, trainer)
    completed = TrainingApplication.objects.get(pk=application.pk).completed_at
    _deliver(completed + timedelta(days=6))
    assert mail.outbox == [] or all(
        m.subject != "A short check-in" for m in mail.outbox
    )
    _deliver(completed + timedelta(days=7, minutes=1))
    assert [m.subject for m in mail.outbox].count("A short check-in") == 1
    _deliver(completed + timedelta(days=13))  # missed: one reminder
    assert [m.subject for m in mail.outbox].count("A short check-in") == 2
    _deliver(completed + timedelta(days=25))  # nothing more for day 7
    assert [m.subject for m in mail.outbox].count("A short check-in") == 2
    checkin = CheckIn.objects.get(trainee=application, day=30)
    with time_machine.travel(checkin.due_at + timedelta(minutes=1)):
        _deliver()
        assert [m.subject for m in mail.outbox].count("A short check-in") == 3
        services.checkin_submit(
            checkin=checkin,
            trainee=application.member,
            data={
                "people_reached": 12,
                "conversations": 5,
                "worked": "Stories",
                "hard": "Time",
                "wants_help": True,
            },
        )
    _deliver(completed + timedelta(days=40))  # answered: no reminder for day 30
    assert [m.subject for m in mail.outbox].count("A short check-in") == 3
    assert (
        Notification.objects.filter(
            kind="checkin_help_requested", recipient=trainer
        ).count()
        == 1
    )


def test_checkin_only_by_its_trainee_and_once(programme, trainer):
    application = _completed(programme, trainer)
    checkin = CheckIn.objects.get(trainee=application, day=7)
    data = {
        "people_reached": 1,
        "conversations": 1,
        "worked": "",
        "hard": "",
        "wants_help": False,
    }
    with pytest.raises(DomainError):
        services.checkin_submit(checkin=checkin, trainee=MemberFactory(), data=data)
    with pytest.raises(DomainError, match="opens on"):
        services.checkin_submit(checkin=checkin, trainee=application.member, data=data)
    with time_machine.travel(checkin.due_at + timedelta(minutes=1)):
        services.checkin_submit(checkin=checkin, trainee=application.member, data=data)
        with pytest.raises(DomainError, match="already been sent"):
            services.checkin_submit(
                checkin=checkin, trainee=application.member, data=data
            )


def test_trainers_must_hold_the_role(programme, trainer):
    from members.models import RoleAssignment  # noqa: F401

    with pytest.raises(DomainError, match="trainer role"):
        services.programme_set_trainers(
            programme=programme, actor=trainer, trainers=[MemberFactory()]
        )


def test_session_with_registration_window_still_enrols_trainees(programme, trainer):
    application = _apply(programme)
    services.training_decide(
        application=application, trainer=trainer, decision="accept"
    )
    start = timezone.now() + timedelta(days=6)
    session = services.session_add(
        programme=programme,
        actor=trainer,
        data={
            "title": "S",
            "description": "",
            "language": "ru",
            "speaker": "",
            "format": "offline",
            "venue_address": "Room",
            "online_link": "",
            "starts_at": start,
            "ends_at": start + timedelta(hours=2),
            "registration_opens_at": start - timedelta(days=1),
        },
    )
    assert Registration.objects.filter(
        event=session, member=application.member
    ).exists()


def test_past_session_can_be_recorded_with_trainees(programme, trainer):
    application = _apply(programme)
    services.training_decide(
        application=application, trainer=trainer, decision="accept"
    )
    start = timezone.now() - timedelta(days=2)
    session = services.session_add(
        programme=programme,
        actor=trainer,
        data={
            "title": "Past",
            "description": "",
            "language": "ru",
            "speaker": "",
            "format": "offline",
            "venue_address": "Room",
            "online_link": "",
            "starts_at": start,
            "ends_at": start + timedelta(hours=2),
            "registration_opens_at": None,
        },
    )
    assert session.pk


def test_withdrawing_an_unaccepted_application_promotes_nobody(programme, trainer):
    waiting = _apply(programme)
    services.training_decide(application=waiting, trainer=trainer, decision="waitlist")
    other = _apply(programme)
    services.training_withdraw(application=other, member=other.member)
    waiting.refresh_from_db()
    assert waiting.status == "waitlisted"


def test_rewaitlisting_keeps_the_place(programme, trainer):
    application = _apply(programme)
    services.training_decide(
        application=application, trainer=trainer, decision="waitlist"
    )
    first = TrainingApplication.objects.get(pk=application.pk).queued_at
    services.training_decide(
        application=application, trainer=trainer, decision="waitlist"
    )
    assert TrainingApplication.objects.get(pk=application.pk).queued_at == first
