"""One small world with every role, two clubs and objects on both sides.

"This" club is the one the roles under test belong to; "other" objects belong
to another club or another member and must never be reachable through them.
Canaries (a venue address, an online link, an applicant's statement, a journal
note and a member's email) are planted here for the privacy batteries.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.apps import apps
from django.utils import timezone

from events import services as event_services
from events.models import CalendarFeed
from members.models import RoleAssignment, Vouch
from tests.factories import (
    ApplicationFactory,
    ClubFactory,
    EventFactory,
    MemberFactory,
    ProgrammeFactory,
    UserFactory,
    join,
    make_admin,
    make_organizer,
    make_trainer,
    make_vetter,
)

ROLES = (
    "anonymous",
    "applicant",
    "member",
    "other_member",
    "organizer",
    "other_organizer",
    "trainer",
    "vetter",
    "admin",
)

VENUE = "Canary Lane 4711, courtyard"
LINK = "https://video.example/canary-room-9c1e77"
STATEMENT = "canary-statement-5b2f: I condemn the war openly."
JOURNAL_NOTE = "canary-journal-8d41 mother softened a little"
MEMBER_EMAIL = "canary-member-3e7a@example.org"
CANARIES = {
    "venue": VENUE,
    "link": LINK,
    "link_room": "canary-room-9c1e77",
    "statement": "canary-statement-5b2f",
    "journal": "canary-journal-8d41",
    "email": MEMBER_EMAIL,
}


@dataclass
class World:
    users: dict = field(default_factory=dict)
    obj: dict = field(default_factory=dict)

    def user(self, role):
        return self.users[role]


def model(label: str):
    """A model of the app under construction, or None while it does not exist."""
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def _trainee(programme, member, *, completed=True):
    from trainings.models import CheckIn, TrainingApplication

    trainee = TrainingApplication.objects.create(
        programme=programme,
        member=member,
        status="accepted",
        motivation="To help",
        hours_per_week=3,
        experience="Some",
        audience="Parents",
        completed_at=timezone.now() - timedelta(days=8) if completed else None,
    )
    checkin = CheckIn.objects.create(
        trainee=trainee, day=7, due_at=timezone.now() - timedelta(days=1)
    )
    return trainee, checkin


def build_world() -> World:
    w = World()
    o = w.obj
    club = o["club"] = ClubFactory(name="Home club", slug="home-club")
    other_club = o["other_club"] = ClubFactory(name="Far club", slug="far-club")

    organizer = make_organizer(club, display_name="Organizer Here")
    o["co_organizer"] = make_organizer(club, display_name="Co Organizer")
    other_organizer = make_organizer(other_club, display_name="Organizer There")
    trainer = make_trainer(display_name="Trainer Here")
    other_trainer = make_trainer(display_name="Trainer There")
    vetter = make_vetter(display_name="Vetter One")
    admin = make_admin(display_name="Admin One")
    member = join(club, MemberFactory(email=MEMBER_EMAIL, display_name="Member Here"))
    other_member = join(other_club, MemberFactory(display_name="Member There"))
    applicant = UserFactory(display_name="Applicant One")
    other_applicant = UserFactory(display_name="Applicant Two")

    w.users = {
        "anonymous": None,
        "applicant": applicant,
        "member": member,
        "other_member": other_member,
        "organizer": organizer,
        "other_organizer": other_organizer,
        "trainer": trainer,
        "vetter": vetter,
        "admin": admin,
    }

    # Events: ours carries the venue and link canaries; starts in three days,
    # so even the confirmed member is outside the private-details window.
    o["event"] = EventFactory(
        club=club,
        title="Evening talk",
        format="hybrid",
        venue_address=VENUE,
        online_link=LINK,
        capacity=10,
        starts_at=timezone.now() + timedelta(days=3),
    )
    o["other_event"] = EventFactory(
        club=other_club,
        format="hybrid",
        venue_address="Far Street 1",
        online_link="https://video.example/far-room",
        starts_at=timezone.now() + timedelta(days=3),
    )
    o["registration"] = event_services.registration_register(
        event=o["event"], member=member
    )
    o["other_registration"] = event_services.registration_register(
        event=o["other_event"], member=other_member
    )

    # Applications and vouches: the applicant names the member as voucher.
    o["application"] = ApplicationFactory(applicant=applicant, statement=STATEMENT)
    o["other_application"] = ApplicationFactory(applicant=other_applicant)
    o["vouch"] = Vouch.objects.create(application=o["application"], voucher=member)
    o["other_vouch"] = Vouch.objects.create(
        application=o["other_application"], voucher=other_member
    )

    # Club membership requests and roles.
    from clubs.models import ClubMembership

    o["membership"] = ClubMembership.objects.create(
        club=club, user=MemberFactory(display_name="Waiting Here"), status="pending"
    )
    o["other_membership"] = ClubMembership.objects.create(
        club=other_club,
        user=MemberFactory(display_name="Waiting There"),
        status="pending",
    )
    o["role_assignment"] = RoleAssignment.objects.get(user=vetter, role="vetter")

    # Trainings: the member is a (completed) trainee of our programme.
    o["programme"] = ProgrammeFactory(club=club, trainers=[trainer])
    o["other_programme"] = ProgrammeFactory(club=other_club, trainers=[other_trainer])
    o["trainee"], o["checkin"] = _trainee(o["programme"], member)
    from trainings.models import TrainingApplication

    o["training_application"] = TrainingApplication.objects.create(
        programme=o["programme"],
        member=join(club, MemberFactory(display_name="Applying Here")),
        motivation="To learn",
        hours_per_week=2,
        experience="Little",
        audience="Friends",
    )
    o["other_trainee"], o["other_checkin"] = _trainee(
        o["other_programme"], other_member
    )

    o["feed"] = CalendarFeed.objects.create(user=member)
    o["other_feed"] = CalendarFeed.objects.create(user=other_member)

    # Rows the Django admin pages of the matrix open.
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    from core.models import Notification

    o["admin_account_emailaddress"] = EmailAddress.objects.get(user=member)
    o["admin_mfa_authenticator"] = Authenticator.objects.filter(user=admin).first()
    o["admin_core_notification"] = Notification.objects.filter(recipient=member).first()
    o["admin_members_user"] = member

    _build_impact_objects(w)
    return w


def _build_impact_objects(w: World) -> None:
    """Journal, stories, library and club proposals: created when the models
    exist (the feature is being added alongside these batteries)."""
    o, member, other_member = w.obj, w.users["member"], w.users["other_member"]
    journal_person = model("members.JournalPerson")
    if journal_person is not None:
        from members import journal

        person = o["journal_person"] = journal.person_create(
            owner=member, label="Mother", relationship="parent"
        )
        o["journal_entry"] = journal.entry_save(
            person=person,
            owner=member,
            data=_journal_data(JOURNAL_NOTE),
        )
        other_person = o["other_journal_person"] = journal.person_create(
            owner=other_member, label="Brother", relationship="sibling"
        )
        o["other_journal_entry"] = journal.entry_save(
            person=other_person, owner=other_member, data=_journal_data("far note")
        )
    story = model("members.Story")
    if story is not None:
        o["story"] = story.objects.create(
            author=member,
            audience="club",
            club=o["club"],
            title="What helped",
            body="Listening first.",
            status="approved",
        )
        o["pending_story"] = story.objects.create(
            author=member,
            audience="club",
            club=o["club"],
            title="Pending",
            body="Waiting.",
        )
        o["other_story"] = story.objects.create(
            author=other_member,
            audience="club",
            club=o["other_club"],
            title="Far story",
            body="Far away.",
            status="approved",
        )
        o["other_pending_story"] = story.objects.create(
            author=other_member,
            audience="club",
            club=o["other_club"],
            title="Far pending",
            body="Far waiting.",
        )
    proposal = model("clubs.ClubProposal")
    if proposal is not None:
        o["proposal"] = proposal.objects.create(
            proposer=member,
            city="Riga",
            country="Latvia",
            timezone="Europe/Riga",
            motivation="Many of us here.",
        )
        o["other_proposal"] = proposal.objects.create(
            proposer=other_member,
            city="Yerevan",
            country="Armenia",
            timezone="Asia/Yerevan",
            motivation="Many of us there too.",
        )
    playbook = model("clubs.Playbook")
    if playbook is not None:
        o["playbook"] = playbook.objects.create(name="Weekly circle")
    resource = model("trainings.Resource")
    if resource is not None:
        o["resource"] = _resource(resource, w.users["trainer"])


def _journal_data(notes: str) -> dict:
    return {
        "date": timezone.localdate(),
        "channel": "call",
        "topics": ["war"],
        "approaches": ["listening"],
        "stance_before": 2,
        "stance_after": 3,
        "feeling": 3,
        "notes": notes,
    }


def _resource(resource_model, author):
    fields = {f.name for f in resource_model._meta.get_fields()}
    data = {"title": "Listening first"}
    for name, value in (
        ("body", "Start by listening."),
        ("summary", "Listening."),
        ("language", "ru"),
        ("kind", "article"),
        ("published", True),
        ("author", author),
    ):
        if name in fields:
            data[name] = value
    return resource_model.objects.create(**data)
