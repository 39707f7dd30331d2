"""Demo training programmes for `manage.py seed_demo`. Idempotent: a programme
is found by its title, and its sessions, applications, strategies,
registrations and check-ins are written only together with the programme.

One programme is in progress (a session behind, two ahead, a waiting list,
a draft strategy with a trainer's comment); one is completed (every session
attended, strategies submitted, follow-up check-ins partly answered)."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from clubs.models import Club
from core.services import notification_enqueue
from events import recurrence
from events.models import EventFormat, Registration
from members.models import User

from .models import (
    CheckIn,
    Milestone,
    Programme,
    Strategy,
    StrategyVersion,
    TrainingApplication,
)
from .services import (
    STRATEGY_FIELDS,
    programme_create,
    session_add,
    strategy_comment,
    strategy_save,
    training_apply,
    training_decide,
)

SPRING_TITLE = "Communicators: spring cohort"
AUTUMN_TITLE = "Communicators: autumn cohort"
COHORT_SIZE = 2
SESSION_HOUR = 19
SESSION_MINUTES = 120
SECOND_MEMBER_EMAIL = "approved@demo.mosty.test"

DESCRIPTION = (
    "Three evening sessions on talking about the war with people who see it "
    "differently: listening first, asking questions, sharing your own story, "
    "and knowing when to pause. Between sessions every trainee writes an "
    "individual strategy, and a trainer comments on it."
)
SESSION_TOPICS = [
    ("Session 1: listening first", "Why arguments fail and what to do instead."),
    ("Session 2: questions and stories", "Open questions, personal stories, pauses."),
    ("Session 3: your strategy", "Whom you will talk to, how often, and how."),
]
APPLICATION = {
    "motivation": "I want to talk with my family at home without quarrelling.",
    "hours_per_week": 3,
    "experience": "A few difficult conversations with my parents; some went badly.",
    "audience": "My parents, my aunt and a few school friends.",
}


def _session_time(club: Club, day: date) -> tuple[datetime, datetime]:
    starts_at = recurrence.local_to_utc(
        datetime.combine(day, time(SESSION_HOUR)), club.timezone
    )
    return starts_at, starts_at + timedelta(minutes=SESSION_MINUTES)


def _add_session(programme, trainer, day, number):
    club = programme.club
    starts_at, ends_at = _session_time(club, day)
    title, description = SESSION_TOPICS[number]
    place = (
        {"format": EventFormat.ONLINE, "venue_address": ""}
        if club.is_online
        else {
            "format": EventFormat.OFFLINE,
            "venue_address": f"Demo training room, {club.city}",
        }
    )
    return session_add(
        programme=programme,
        actor=trainer,
        data={
            **place,
            "title": title,
            "description": description,
            "language": programme.language,
            "speaker": trainer.display_name,
            "online_link": "",
            "starts_at": starts_at,
            "ends_at": ends_at,
        },
    )


def _programme(title, club, trainer, opens, closes) -> Programme:
    return programme_create(
        trainer=trainer,
        data={
            "title": title,
            "description": DESCRIPTION,
            "language": "ru",
            "club": club,
            "cohort_size": COHORT_SIZE,
            "applications_open_at": opens,
            "applications_close_at": closes,
            "completion_share": 75,
            "requires_strategy": True,
        },
    )


def _attended(event, members, attendance=Registration.Attendance.ATTENDED):
    """Sessions in the past take no registrations through the service (it
    refuses started events), so the rows are written as they would be after
    the trainer marked attendance."""
    for member in members:
        Registration.objects.create(
            event=event,
            member=member,
            status=Registration.Status.CONFIRMED,
            attendance=attendance,
        )


def _second_member(users: dict) -> User:
    other = User.objects.filter(
        email=SECOND_MEMBER_EMAIL, status=User.Status.MEMBER
    ).first()
    return other or users["organizer"]


def _spring(users: dict) -> None:
    trainer, member, waiting = users["trainer"], users["member"], users["vetter"]
    other = _second_member(users)
    club = Club.objects.get(slug="berlin")
    now = timezone.now()
    today = now.astimezone(ZoneInfo(club.timezone)).date()
    programme = _programme(
        SPRING_TITLE,
        club,
        trainer,
        now - timedelta(days=10),
        now + timedelta(days=20),
    )
    # The past session first: with no trainees yet, session_add registers nobody.
    past = _add_session(programme, trainer, today - timedelta(days=5), 0)
    applications = [
        training_apply(programme=programme, member=who, data=APPLICATION)
        for who in (member, other, waiting)
    ]
    for application, decision in zip(
        applications, ("accept", "accept", "waitlist"), strict=True
    ):
        training_decide(application=application, trainer=trainer, decision=decision)
    # Accepted trainees are registered for future sessions by session_add.
    _add_session(programme, trainer, today + timedelta(days=3), 1)
    _add_session(programme, trainer, today + timedelta(days=10), 2)
    _attended(past, [member])
    _attended(past, [other], Registration.Attendance.NO_SHOW)

    strategy = Strategy.objects.get(trainee=applications[0])
    strategy = strategy_save(
        strategy=strategy,
        trainee=member,
        submit=False,
        data={
            "goal": "Hold one calm conversation a week with my parents and my aunt.",
            "audiences": ["relatives", "friends"],
            "planned_reach": 40,
            "channels": "Video calls on Sundays, messages in the family chat.",
            "key_messages": "Ask first; share what I saw myself; no lectures.",
        },
        milestones=[
            {"title": "First call with my parents", "due_date": today},
            {
                "title": "Talk with two school friends",
                "due_date": today + timedelta(days=14),
            },
        ],
    )
    strategy_comment(
        strategy=strategy,
        author=trainer,
        body=(
            "A good, concrete goal. Forty people is a lot for a start: who are "
            "they? Try naming the first ten."
        ),
    )


def _strategy_content(data: dict, milestones: list[dict]) -> dict:
    return {
        **{field: data[field] for field in STRATEGY_FIELDS},
        "milestones": [
            {"title": m["title"], "due_date": str(m["due_date"])} for m in milestones
        ],
    }


def _submitted_strategy(application, data, milestones, submitted_at) -> None:
    """A draft and the submitted version, as strategy_save writes them."""
    strategy = Strategy.objects.create(
        trainee=application,
        status=Strategy.Status.SUBMITTED,
        version=2,
        submitted_at=submitted_at,
        **data,
    )
    Milestone.objects.bulk_create(
        Milestone(strategy=strategy, **milestone) for milestone in milestones
    )
    draft = {**data, "key_messages": "", "planned_reach": data["planned_reach"] // 2}
    StrategyVersion.objects.create(
        strategy=strategy, number=1, content=_strategy_content(draft, [])
    )
    StrategyVersion.objects.create(
        strategy=strategy, number=2, content=_strategy_content(data, milestones)
    )


def _checkins(application, completed_at, answers) -> None:
    """Check-ins as trainee_complete schedules them; the past ones answered,
    the open one with its request and reminder waiting in the outbox."""
    for day in settings.TRAINING_FOLLOWUP_DAYS:
        due_at = completed_at + timedelta(days=day)
        answer = answers.get(day)
        checkin = CheckIn.objects.create(
            trainee=application,
            day=day,
            due_at=due_at,
            **(
                {"submitted_at": due_at + timedelta(days=1), **answer}
                if answer and due_at < timezone.now()
                else {}
            ),
        )
        if checkin.submitted_at is None:
            notification_enqueue(
                recipient=application.member,
                kind="checkin_request",
                dedupe_key=f"checkin:{checkin.pk}",
                due_at=due_at,
                context_ids={"checkin": checkin.pk},
            )
            notification_enqueue(
                recipient=application.member,
                kind="checkin_reminder",
                dedupe_key=f"checkin-reminder:{checkin.pk}",
                due_at=due_at + timedelta(days=settings.TRAINING_CHECKIN_GRACE_DAYS),
                context_ids={"checkin": checkin.pk},
            )


AUTUMN_TRAINEES = [
    # (user key, strategy, answers to the check-ins by day)
    (
        "organizer",
        {
            "goal": "Start a monthly evening of honest talk in my club.",
            "audiences": ["friends", "colleagues"],
            "planned_reach": 30,
            "channels": "Club evenings and one-to-one walks.",
            "key_messages": "We can disagree and still stay close.",
        },
        {
            7: {"people_reached": 4, "conversations": 3, "worked": "Walks."},
            30: {
                "people_reached": 12,
                "conversations": 9,
                "worked": "Inviting people in pairs.",
                "hard": "Keeping calm when a friend repeated TV slogans.",
                "wants_help": True,
            },
        },
    ),
    (
        "member",
        {
            "goal": "Talk with my parents every week without a quarrel.",
            "audiences": ["relatives"],
            "planned_reach": 10,
            "channels": "Sunday video calls.",
            "key_messages": "Questions first; my own story; pauses are fine.",
        },
        {
            7: {"people_reached": 2, "conversations": 2, "worked": "Asking first."},
            30: {
                "people_reached": 5,
                "conversations": 8,
                "worked": "My mother now asks me questions too.",
                "hard": "My father changes the subject.",
            },
        },
    ),
]


def _autumn(users: dict) -> None:
    trainer = users["trainer"]
    club = Club.objects.get(slug="online")
    now = timezone.now()
    today = now.astimezone(ZoneInfo(club.timezone)).date()
    opens, closes = now - timedelta(days=120), now - timedelta(days=100)
    programme = _programme(AUTUMN_TITLE, club, trainer, opens, closes)
    # Past sessions take no registrations through session_add: there are no
    # accepted trainees yet, and attendance is written below.
    sessions = [
        _add_session(programme, trainer, today - timedelta(days=ago), number)
        for number, ago in enumerate((90, 83, 76))
    ]
    completed_at = sessions[-1].ends_at + timedelta(days=1)
    # training_apply and training_decide check the window against now, so the
    # past cohort is written directly, in the state the services leave it in.
    for index, (key, strategy, answers) in enumerate(AUTUMN_TRAINEES):
        applied_at = opens + timedelta(days=2 + index)
        application = TrainingApplication.objects.create(
            programme=programme,
            member=users[key],
            status=TrainingApplication.Status.ACCEPTED,
            completed_at=completed_at,
            decided_at=closes + timedelta(days=1),
            **APPLICATION,
        )
        TrainingApplication.objects.filter(pk=application.pk).update(
            created_at=applied_at, queued_at=applied_at
        )
        for event in sessions:
            _attended(event, [users[key]])
        last = sessions[-1].starts_at.astimezone(ZoneInfo(club.timezone)).date()
        _submitted_strategy(
            application,
            strategy,
            [
                {
                    "title": "First conversation",
                    "due_date": last + timedelta(days=7),
                    "done_at": completed_at + timedelta(days=5),
                },
                {"title": "Ten people reached", "due_date": last + timedelta(days=60)},
            ],
            submitted_at=sessions[-1].ends_at - timedelta(minutes=30),
        )
        _checkins(application, completed_at, answers)


def seed_trainings(*, users: dict) -> int:
    """Create the demo programmes that do not exist yet (found by title).
    Returns how many were created."""
    created = 0
    for title, build in ((SPRING_TITLE, _spring), (AUTUMN_TITLE, _autumn)):
        if not Programme.objects.filter(title=title).exists():
            build(users)
            created += 1
    return created
