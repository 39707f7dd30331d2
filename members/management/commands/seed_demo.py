"""Demo data for `make run`. Idempotent: a second run changes nothing."""

from allauth.account.models import EmailAddress
from django.core.management.base import BaseCommand
from django.db import transaction

from members.models import User

DEMO_PASSWORD = "mosty-demo-2026"  # noqa: S105 - printed for local demo use only

# (role, email, display name, language, time zone, is_staff/superuser)
DEMO_ACCOUNTS = [
    ("admin", "admin@demo.mosty.test", "Admin Demo", "en", "Europe/Vilnius", True),
    ("vetter", "vetter@demo.mosty.test", "Vetter Demo", "ru", "Europe/Berlin", False),
    (
        "organizer",
        "organizer@demo.mosty.test",
        "Organizer Demo",
        "ru",
        "Europe/Berlin",
        False,
    ),
    ("trainer", "trainer@demo.mosty.test", "Trainer Demo", "ru", "Asia/Tbilisi", False),
    ("member", "member@demo.mosty.test", "Member Demo", "ru", "Europe/Warsaw", False),
    (
        "applicant",
        "applicant@demo.mosty.test",
        "Applicant Demo",
        "en",
        "Asia/Almaty",
        False,
    ),
]


class Command(BaseCommand):
    help = "Load demo accounts and data (safe to run more than once)."

    @transaction.atomic
    def handle(self, *args, **options):
        created = 0
        for _role, email, name, language, tz, staff in DEMO_ACCOUNTS:
            user, was_created = User.objects.get_or_create(
                email=email,
                defaults={
                    "display_name": name,
                    "language": language,
                    "timezone": tz,
                    "is_staff": staff,
                    "is_superuser": staff,
                },
            )
            if was_created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
                created += 1
            EmailAddress.objects.get_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
        self.stdout.write(f"Demo data ready ({created} accounts created).")
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
        for role, email, *_ in DEMO_ACCOUNTS:
            self.stdout.write(f"  {role:<10} {email}")
