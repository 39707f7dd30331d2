import zoneinfo

from django.contrib.auth.models import (
    AbstractBaseUser,
    BaseUserManager,
    PermissionsMixin,
)
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone as dj_timezone
from django.utils.translation import gettext_lazy as _

from core.crypto import EncryptedTextField

TIMEZONE_CHOICES = [(tz, tz) for tz in sorted(zoneinfo.available_timezones())]
LANGUAGE_CHOICES = [("ru", "Русский"), ("en", "English")]


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required")
        email = self.normalize_email(email).lower()
        extra.setdefault("display_name", email.split("@")[0][:40])
        user = self.model(email=email, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("status", "member")
        extra.setdefault("member_since", dj_timezone.now())
        user = self._create_user(email, password, **extra)
        RoleAssignment.objects.get_or_create(user=user, role="admin", club=None)
        return user


class User(AbstractBaseUser, PermissionsMixin):
    class Status(models.TextChoices):
        APPLICANT = "applicant", _("Applicant")
        MEMBER = "member", _("Member")

    """A person on the platform, known by a pseudonymous display name.

    No real name is asked for anywhere. The email is used to sign in and to
    receive messages and is never shown to other members.
    """

    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(
        _("display name"),
        max_length=40,
        help_text=_("Shown to other members. It need not be your real name."),
    )
    language = models.CharField(
        _("language"), max_length=8, choices=LANGUAGE_CHOICES, default="ru"
    )
    timezone = models.CharField(
        _("time zone"), max_length=64, choices=TIMEZONE_CHOICES, default="UTC"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.APPLICANT
    )
    member_since = models.DateTimeField(_("member since"), null=True, blank=True)
    journal_in_aggregates = models.BooleanField(
        _("count my journal in anonymous totals"),
        default=False,
        help_text=_(
            "If on, your journal counts towards platform-wide totals that never show "
            "groups smaller than five. Nobody can read your entries either way."
        ),
    )
    reminders_enabled = models.BooleanField(
        _("meeting reminders by email"),
        default=True,
        help_text=_("Reminders before meetings you registered for."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("Django admin access"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=dj_timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                Lower("display_name"), name="user_display_name_unique_ci"
            ),
        ]

    def __str__(self):
        return self.display_name

    def get_absolute_url(self):
        return reverse("members:account")

    @property
    def is_member(self) -> bool:
        return self.status == self.Status.MEMBER

    def get_short_name(self):
        return self.display_name

    def get_full_name(self):
        return self.display_name


def user_display(user) -> str:
    """allauth's ACCOUNT_USER_DISPLAY: the pseudonym, never the email."""
    return user.display_name


class Role(models.TextChoices):
    VETTER = "vetter", _("Vetter")
    TRAINER = "trainer", _("Trainer")
    ADMIN = "admin", _("Administrator")
    ORGANIZER = "organizer", _("Organizer")


STAFF_ROLES = {Role.VETTER, Role.TRAINER, Role.ADMIN, Role.ORGANIZER}


class RoleAssignment(models.Model):
    """A role held by a user: platform-wide (club empty) or for one club (organizer)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    club = models.ForeignKey(
        "clubs.Club", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    granted_by_id = models.BigIntegerField(null=True, blank=True)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "club"],
                name="role_assignment_unique",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(role="organizer", club__isnull=False)
                    | (~models.Q(role="organizer") & models.Q(club__isnull=True))
                ),
                name="role_assignment_club_only_for_organizer",
            ),
        ]

    def __str__(self):
        return f"{self.user_id}:{self.role}:{self.club_id or '-'}"


LANGUAGE_OPTIONS = [
    ("ru", _("Russian")),
    ("en", _("English")),
    ("uk", _("Ukrainian")),
    ("be", _("Belarusian")),
    ("kk", _("Kazakh")),
    ("ky", _("Kyrgyz")),
    ("uz", _("Uzbek")),
    ("ka", _("Georgian")),
    ("de", _("German")),
    ("pl", _("Polish")),
    ("lt", _("Lithuanian")),
]


class Application(models.Model):
    """An applicant's request to be admitted, with their position and vouchers."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("New")
        INFO_REQUESTED = "info_requested", _("Waiting for more information")
        PARTIALLY_APPROVED = "partially_approved", _("Waiting for a further approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    OPEN_STATUSES = (Status.SUBMITTED, Status.INFO_REQUESTED, Status.PARTIALLY_APPROVED)
    DECIDED_STATUSES = (Status.APPROVED, Status.REJECTED)

    applicant = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="applications"
    )
    status = models.CharField(
        max_length=24, choices=Status.choices, default=Status.SUBMITTED
    )
    country = models.CharField(_("country of residence"), max_length=80, blank=True)
    city = models.CharField(_("city of residence"), max_length=80, blank=True)
    languages = ArrayField(
        models.CharField(max_length=8, choices=LANGUAGE_OPTIONS),
        verbose_name=_("languages"),
        default=list,
    )
    statement = models.TextField(_("your position on the war"))
    motivation = models.TextField(_("what you hope to get from a club"))
    heard_from = models.CharField(_("how you heard of the clubs"), max_length=300)
    info_request = models.TextField(blank=True)
    applicant_reply = models.TextField(_("your reply"), blank=True)
    submitted_at = models.DateTimeField(default=dj_timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["submitted_at", "id"]
        indexes = [models.Index(fields=["status", "submitted_at"])]
        constraints = [
            # One open application per person at a time.
            models.UniqueConstraint(
                fields=["applicant"],
                condition=models.Q(
                    status__in=["submitted", "info_requested", "partially_approved"]
                ),
                name="application_one_open_per_applicant",
            ),
        ]

    def __str__(self):
        return f"Application #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.SUBMITTED, self.Status.INFO_REQUESTED)


class Vouch(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Waiting for an answer")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="vouches"
    )
    voucher = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="vouches_given"
    )
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.REQUESTED
    )
    comment = models.TextField(_("comment"), blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "voucher"], name="vouch_once_per_application"
            )
        ]

    def __str__(self):
        return f"Vouch #{self.pk}"


class Decision(models.Model):
    """One vetter's decision on an application, with the reason. Kept for good."""

    class Kind(models.TextChoices):
        APPROVE = "approve", _("Approve")
        REJECT = "reject", _("Reject")
        REQUEST_INFO = "request_info", _("Ask for more information")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="decisions"
    )
    vetter = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="decisions_made"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            # Distinct vetters: one approval per vetter per application.
            models.UniqueConstraint(
                fields=["application", "vetter"],
                condition=models.Q(kind="approve"),
                name="decision_one_approval_per_vetter",
            )
        ]

    def __str__(self):
        return f"{self.kind} on #{self.application_id}"


# --- The conversation journal (each member's own; encrypted free text) -------------

RELATIONSHIPS = [
    ("parent", _("Parent")),
    ("sibling", _("Sibling")),
    ("partner_relative", _("Partner's relative")),
    ("friend", _("Friend")),
    ("colleague", _("Colleague")),
    ("other", _("Other")),
]
CHANNELS = [
    ("call", _("Call")),
    ("messenger", _("Messenger")),
    ("in_person", _("In person")),
]
TOPICS = [
    ("war", _("The war")),
    ("mobilisation", _("Mobilisation")),
    ("propaganda", _("Propaganda and news")),
    ("emigration", _("Why I left")),
    ("economy", _("Prices and economy")),
    ("family", _("Family and safety")),
    ("other", _("Other")),
]
APPROACHES = [
    ("listening", _("Listening first")),
    ("questions", _("Asking questions")),
    ("personal_story", _("Personal story")),
    ("shared_values", _("Shared values")),
    ("facts", _("Facts")),
    ("humour", _("Humour")),
    ("pause", _("Taking a pause")),
]
STANCE = [
    (1, _("1 · supports the war")),
    (2, _("2 · leans to support")),
    (3, _("3 · unsure")),
    (4, _("4 · leans against")),
    (5, _("5 · against the war")),
]
FEELINGS = [
    (1, _("Very hard")),
    (2, _("Hard")),
    (3, _("Neutral")),
    (4, _("Good")),
    (5, _("Very good")),
]


class JournalPerson(models.Model):
    """Someone the member talks to, under a label of their choice. Never a name
    the platform asks for; label and region are encrypted at rest."""

    owner = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="journal_people"
    )
    label = EncryptedTextField(_("label"))
    relationship = models.CharField(
        _("relationship"), max_length=20, choices=RELATIONSHIPS
    )
    region = EncryptedTextField(_("region (optional, coarse)"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"journal person {self.pk}"


class JournalEntry(models.Model):
    person = models.ForeignKey(
        JournalPerson, on_delete=models.CASCADE, related_name="entries"
    )
    owner = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="journal_entries"
    )
    date = models.DateField(_("date"))
    channel = models.CharField(_("channel"), max_length=16, choices=CHANNELS)
    topics = ArrayField(
        models.CharField(max_length=16, choices=TOPICS),
        verbose_name=_("topics"),
        default=list,
        blank=True,
    )
    approaches = ArrayField(
        models.CharField(max_length=16, choices=APPROACHES),
        verbose_name=_("approaches tried"),
        default=list,
        blank=True,
    )
    stance_before = models.PositiveSmallIntegerField(
        _("their stance before"), choices=STANCE
    )
    stance_after = models.PositiveSmallIntegerField(
        _("their stance after"), choices=STANCE
    )
    feeling = models.PositiveSmallIntegerField(_("how it felt"), choices=FEELINGS)
    notes = EncryptedTextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]
        indexes = [models.Index(fields=["owner", "date"])]

    def __str__(self):
        return f"journal entry {self.pk}"


class Story(models.Model):
    """Experience a member shares with their club or all members, anonymised by
    default, shown to others only after an organizer (or admin) approves it."""

    class Audience(models.TextChoices):
        CLUB = "club", _("My club")
        ALL = "all", _("All members")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Published")
        REJECTED = "rejected", _("Not published")

    author = models.ForeignKey(User, on_delete=models.CASCADE, related_name="stories")
    audience = models.CharField(
        _("share with"), max_length=8, choices=Audience.choices, default=Audience.CLUB
    )
    club = models.ForeignKey(
        "clubs.Club",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="stories",
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("story"))
    anonymous = models.BooleanField(_("share anonymously"), default=True)
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.PENDING
    )
    decided_by_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "audience", "club"])]

    def __str__(self):
        return self.title


class StoryReaction(models.Model):
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="reactions")
    member = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["story", "member"], name="story_reaction_once"
            )
        ]

    def __str__(self):
        return f"reaction {self.pk}"
