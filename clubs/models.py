from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from members.models import LANGUAGE_OPTIONS, TIMEZONE_CHOICES


class Club(models.Model):
    """A club. Its organizers are roles (members.RoleAssignment with this club),
    the same mechanism as platform roles. Its members are never shown publicly."""

    class JoinPolicy(models.TextChoices):
        OPEN = "open", _("Open to every member")
        APPROVAL = "approval", _("Approved by the organizers")

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("short name"), unique=True)
    city = models.CharField(_("city"), max_length=80, blank=True)
    country = models.CharField(_("country"), max_length=80, blank=True)
    is_online = models.BooleanField(_("meets online"), default=False)
    timezone = models.CharField(
        _("time zone"), max_length=64, choices=TIMEZONE_CHOICES, default="UTC"
    )
    languages = ArrayField(
        models.CharField(max_length=8, choices=LANGUAGE_OPTIONS),
        verbose_name=_("languages"),
        default=list,
        blank=True,
    )
    description = models.TextField(_("description"), blank=True)
    rhythm = models.CharField(
        _("meeting rhythm"),
        max_length=200,
        blank=True,
        help_text=_("For example: every Wednesday at 19:00."),
    )
    join_policy = models.CharField(
        _("joining"), max_length=16, choices=JoinPolicy.choices, default=JoinPolicy.OPEN
    )
    playbook = models.ForeignKey(
        "clubs.Playbook",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="clubs",
        verbose_name=_("started from"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("club")
        verbose_name_plural = _("clubs")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("clubs:club-detail", args=[self.slug])


class ClubMembership(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        ACTIVE = "active", _("Member")

    club = models.ForeignKey(Club, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="club_memberships",
    )
    status = models.CharField(max_length=16, choices=Status.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["club", "user"], name="club_membership_once"
            )
        ]
        indexes = [models.Index(fields=["club", "status"])]

    def __str__(self):
        return f"{self.user_id}@{self.club_id}:{self.status}"


class Playbook(models.Model):
    """A proven club format a new club starts from: meeting formats, the first
    meeting plans from the library, and default settings."""

    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    meeting_format = models.TextField(_("meeting format"), blank=True)
    source_club = models.ForeignKey(
        Club, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    first_meetings = models.ManyToManyField(
        "trainings.Resource",
        blank=True,
        related_name="playbooks",
        verbose_name=_("first meeting plans"),
    )
    default_rhythm = models.CharField(_("meeting rhythm"), max_length=200, blank=True)
    default_join_policy = models.CharField(
        _("joining"),
        max_length=16,
        choices=Club.JoinPolicy.choices,
        default=Club.JoinPolicy.OPEN,
    )
    default_capacity = models.PositiveIntegerField(
        _("seats per meeting"), null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class ClubProposal(models.Model):
    """A member proposes a club in their city; admins approve and name its first
    organizers."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        # "Approved" alone is also an application's state, whose Russian
        # differs (заявка: одобрена; предложение: одобрено).
        APPROVED = "approved", pgettext_lazy("club proposal", "Approved")
        REJECTED = "rejected", _("Not approved")

    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="club_proposals",
    )
    city = models.CharField(_("city"), max_length=80)
    country = models.CharField(_("country"), max_length=80)
    timezone = models.CharField(_("time zone"), max_length=64, choices=TIMEZONE_CHOICES)
    languages = ArrayField(
        models.CharField(max_length=8, choices=LANGUAGE_OPTIONS),
        verbose_name=_("languages"),
        default=list,
        blank=True,
    )
    playbook = models.ForeignKey(
        Playbook,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("start from the format of"),
    )
    motivation = models.TextField(_("why a club there, and who would come"))
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.PENDING
    )
    reason = models.TextField(blank=True)
    decided_by_id = models.BigIntegerField(null=True, blank=True)
    club = models.ForeignKey(
        Club, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"proposal {self.pk}"
