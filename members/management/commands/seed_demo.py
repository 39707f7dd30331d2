"""Demo data for `make run`. Idempotent: a second run changes nothing."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from clubs.demo import DEMO_CLUBS, seed_clubs
from members.demo_impact import seed_impact
from members.models import Application, Decision, Role, RoleAssignment, User, Vouch
from trainings.demo import seed_trainings

DEMO_PASSWORD = "mosty-demo-2026"  # noqa: S105 - printed for local demo use only
# Staff pages need two-factor authentication. The demo staff accounts share this
# TOTP secret: add it to an authenticator app, or run `manage.py demo_totp`.
DEMO_TOTP_SECRET = "MOSTYDEMOMOSTYDEMOMOSTYDEMO23456"  # noqa: S105

# (role, email, display name, language, time zone, platform roles)
DEMO_ACCOUNTS = [
    (
        "admin",
        "admin@demo.mosty.test",
        "Admin Demo",
        "en",
        "Europe/Vilnius",
        [Role.ADMIN, Role.VETTER],
    ),
    (
        "vetter",
        "vetter@demo.mosty.test",
        "Vetter Demo",
        "ru",
        "Europe/Berlin",
        [Role.VETTER],
    ),
    (
        "organizer",
        "organizer@demo.mosty.test",
        "Organizer Demo",
        "ru",
        "Europe/Berlin",
        [],
    ),
    (
        "trainer",
        "trainer@demo.mosty.test",
        "Trainer Demo",
        "ru",
        "Asia/Tbilisi",
        [Role.TRAINER],
    ),
    ("member", "member@demo.mosty.test", "Member Demo", "ru", "Europe/Warsaw", []),
    (
        "applicant",
        "applicant@demo.mosty.test",
        "Applicant Demo",
        "en",
        "Asia/Almaty",
        None,
    ),
]

# Extra applicants for the vetting queue: (email, name, state)
DEMO_APPLICANTS = [
    ("pending@demo.mosty.test", "Quiet Heron", "submitted"),
    ("vouched@demo.mosty.test", "Grey Owl", "vouched"),
    ("asked@demo.mosty.test", "Late Swift", "info_requested"),
    ("approved@demo.mosty.test", "North Finch", "approved"),
    ("rejected@demo.mosty.test", "Odd Crow", "rejected"),
]

STATEMENT = (
    "I left in 2022 because I could not accept the war. I have spoken against it "
    "openly since then and want to keep talking with my family at home."
)


def _account(email, name, language, tz, *, member):
    user, created = User.objects.get_or_create(
        email=email,
        defaults={
            "display_name": name,
            "language": language,
            "timezone": tz,
            "status": User.Status.MEMBER if member else User.Status.APPLICANT,
            "member_since": timezone.now() if member else None,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user, created


class Command(BaseCommand):
    help = "Load demo accounts and data (safe to run more than once)."

    @transaction.atomic
    def handle(self, *args, **options):
        created = 0
        users = {}
        for role, email, name, language, tz, roles in DEMO_ACCOUNTS:
            user, was_created = _account(
                email, name, language, tz, member=roles is not None
            )
            created += was_created
            users[role] = user
            for platform_role in roles or []:
                RoleAssignment.objects.get_or_create(
                    user=user, role=platform_role, club=None
                )
            if (
                platform_role_needs_mfa(role, roles)
                and not Authenticator.objects.filter(
                    user=user, type=Authenticator.Type.TOTP
                ).exists()
            ):
                TOTP.activate(user, DEMO_TOTP_SECRET)
            if Role.ADMIN in (roles or []) and not user.is_superuser:
                user.is_staff = user.is_superuser = True
                user.save(update_fields=["is_staff", "is_superuser"])
        self._applications(users)
        clubs_created = seed_clubs(users=users)
        self.stdout.write(f"Clubs: {len(DEMO_CLUBS)} ({clubs_created} created)")
        trainings_created = seed_trainings(users=users)
        self.stdout.write(f"Trainings: 2 ({trainings_created} created)")
        impact_created = seed_impact(users=users)
        self.stdout.write(f"Impact demo: ready ({impact_created} created)")
        self.stdout.write(f"Demo data ready ({created} accounts created).")
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
        for role, email, *_ in DEMO_ACCOUNTS:
            self.stdout.write(f"  {role:<10} {email}")
        self.stdout.write(
            "Staff accounts (admin, vetter, organizer, trainer) use two-factor codes: "
            "run `.venv/bin/python manage.py demo_totp` for the current one "
            f"(secret {DEMO_TOTP_SECRET})."
        )

    def _applications(self, users):
        vetter, admin, member = users["vetter"], users["admin"], users["member"]
        if not Application.objects.filter(applicant=users["applicant"]).exists():
            Application.objects.create(
                applicant=users["applicant"],
                country="Kazakhstan",
                city="Almaty",
                languages=["ru", "en"],
                statement=STATEMENT,
                motivation="Learn how to talk with my parents.",
                heard_from="A friend in Almaty",
            )
        for email, name, state in DEMO_APPLICANTS:
            member_now = state == "approved"
            user, was_created = _account(
                email, name, "ru", "Europe/Berlin", member=member_now
            )
            if not was_created:
                continue
            application = Application.objects.create(
                applicant=user,
                country="Germany",
                city="Berlin",
                languages=["ru"],
                statement=STATEMENT,
                motivation="Support and methods.",
                heard_from="Telegram channel",
            )
            if state == "vouched":
                Vouch.objects.create(
                    application=application,
                    voucher=member,
                    status=Vouch.Status.CONFIRMED,
                    comment="We studied together; I trust them.",
                    responded_at=timezone.now(),
                )
            elif state == "info_requested":
                question = "Which city do you live in now, roughly?"
                Decision.objects.create(
                    application=application,
                    vetter=vetter,
                    kind=Decision.Kind.REQUEST_INFO,
                    reason=question,
                )
                application.status = Application.Status.INFO_REQUESTED
                application.info_request = question
                application.save(update_fields=["status", "info_request"])
            elif state in ("approved", "rejected"):
                kinds = (
                    [(vetter, Decision.Kind.APPROVE), (admin, Decision.Kind.APPROVE)]
                    if state == "approved"
                    else [(vetter, Decision.Kind.REJECT)]
                )
                for who, kind in kinds:
                    Decision.objects.create(
                        application=application,
                        vetter=who,
                        kind=kind,
                        reason="Demo decision.",
                    )
                application.status = state
                application.decided_at = timezone.now()
                application.save(update_fields=["status", "decided_at"])


def platform_role_needs_mfa(account: str, roles) -> bool:
    """Staff pages need MFA: the organizer (a club role) and every platform role."""
    return account == "organizer" or bool(roles)
