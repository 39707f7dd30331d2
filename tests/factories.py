from datetime import timedelta

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from members.models import User

PASSWORD = "correct-horse-battery-9"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Member {n}")
    language = "en"
    timezone = "Europe/Berlin"

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(
                user=self, email=self.email, verified=True, primary=True
            )


class MemberFactory(UserFactory):
    status = User.Status.MEMBER
    member_since = factory.LazyFunction(timezone.now)


TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def enable_mfa(user):
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(user, TOTP_SECRET)
    return user


def totp_code(secret: str = TOTP_SECRET) -> str:
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def give_role(user, role, club=None):
    from members.models import RoleAssignment

    RoleAssignment.objects.create(user=user, role=role, club=club)
    if hasattr(user, "_mosty_roles"):
        del user._mosty_roles
    return user


def make_vetter(**kwargs):
    return enable_mfa(give_role(MemberFactory(**kwargs), "vetter"))


def make_admin(**kwargs):
    user = enable_mfa(give_role(MemberFactory(**kwargs), "admin"))
    user.is_staff = user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    return user


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "members.Application"

    applicant = factory.SubFactory(UserFactory)
    country = "Germany"
    city = "Berlin"
    languages = ["ru"]
    statement = "I condemn the war and say so openly."
    motivation = "Talk better with my parents."
    heard_from = "A friend"


class ClubFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "clubs.Club"

    name = factory.Sequence(lambda n: f"Club {n}")
    slug = factory.Sequence(lambda n: f"club-{n}")
    city = "Berlin"
    country = "Germany"
    timezone = "Europe/Berlin"
    languages = ["ru"]


# What an applicant writes in the application form (display name aside).
APPLICATION_DATA = {
    "country": "Georgia",
    "city": "Tbilisi",
    "languages": ["ru"],
    "statement": "I condemn the war.",
    "motivation": "Support.",
    "heard_from": "Friend",
}


def join(club, user, status="active"):
    from clubs.access import forget_membership
    from clubs.models import ClubMembership

    ClubMembership.objects.create(club=club, user=user, status=status)
    forget_membership(user, club_id=club.pk)
    return user


def make_organizer(club, **kwargs):
    user = enable_mfa(MemberFactory(**kwargs))
    join(club, user)
    return give_role(user, "organizer", club)


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "events.Event"

    club = factory.SubFactory(ClubFactory)
    title = factory.Sequence(lambda n: f"Meeting {n}")
    format = "offline"
    venue_address = "Canary Street 13, Berlin"
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    eligibility = "club"


def make_trainer(**kwargs):
    return enable_mfa(give_role(MemberFactory(**kwargs), "trainer"))


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "trainings.Programme"
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Programme {n}")
    club = factory.SubFactory(ClubFactory)
    cohort_size = 2
    applications_open_at = factory.LazyFunction(
        lambda: timezone.now() - timedelta(days=1)
    )
    applications_close_at = factory.LazyFunction(
        lambda: timezone.now() + timedelta(days=10)
    )

    @factory.post_generation
    def trainers(self, create, extracted, **kwargs):
        if create and extracted:
            self.trainers.set(extracted)


def training_session(programme, *, days=5, **kwargs):
    return EventFactory(
        club=programme.club,
        programme=programme,
        kind="training",
        eligibility="programme",
        starts_at=timezone.now() + timedelta(days=days),
        **kwargs,
    )


def sign_in(client, user):
    """``client.force_login`` with the navigation's pending-vouch badge (cached
    per user) already warm, so that query counts compare pages, not a cold
    cache with a warm one."""
    from members.selectors import pending_vouch_count

    client.force_login(user)
    pending_vouch_count(user=user)
    return client
