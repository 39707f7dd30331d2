from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.links import reverse_pk
from members.models import LANGUAGE_OPTIONS


class Programme(models.Model):
    """A training programme: a series of sessions (events of kind 'training')
    for a cohort of selected members, then individual strategies."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=LANGUAGE_OPTIONS, default="ru"
    )
    club = models.ForeignKey(
        "clubs.Club",
        on_delete=models.PROTECT,
        related_name="programmes",
        verbose_name=_("host club"),
        help_text=_(
            "Where the sessions take place (its city or online) and its time zone."
        ),
    )
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="programmes_trained", blank=True
    )
    cohort_size = models.PositiveIntegerField(_("cohort size"), default=12)
    applications_open_at = models.DateTimeField(_("applications open"))
    applications_close_at = models.DateTimeField(_("applications close"))
    min_meetings_attended = models.PositiveIntegerField(
        _("club meetings attended before applying"),
        default=0,
        help_text=_("Prerequisite: 0 for none."),
    )
    completion_share = models.PositiveSmallIntegerField(
        _("share of sessions to attend (%)"),
        default=75,
    )
    requires_strategy = models.BooleanField(
        _("a submitted strategy is required"), default=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-applications_open_at", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(completion_share__lte=100),
                name="programme_share_at_most_100",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse_pk("trainings:programme-detail", self.pk)


class TrainingApplication(models.Model):
    """A member's application to a programme; once accepted, they are a trainee."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("New")
        ACCEPTED = "accepted", _("Accepted")
        WAITLISTED = "waitlisted", _("On the waiting list")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="applications"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="training_applications",
    )
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.SUBMITTED
    )
    motivation = models.TextField(_("why you want to take part"))
    hours_per_week = models.PositiveSmallIntegerField(_("hours per week you can give"))
    experience = models.TextField(_("your experience of such conversations"))
    audience = models.TextField(_("whom you want to reach"))
    decision_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    queued_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "member"], name="training_application_once"
            ),
        ]
        indexes = [models.Index(fields=["programme", "status", "queued_at"])]

    def __str__(self):
        return f"{self.member_id}@{self.programme_id}:{self.status}"

    @property
    def is_trainee(self) -> bool:
        return self.status == self.Status.ACCEPTED


AUDIENCES = [
    ("relatives", _("Relatives")),
    ("friends", _("Friends")),
    ("colleagues", _("Colleagues")),
    ("followers", _("Followers online")),
    ("neighbours", _("Neighbours")),
    ("other", _("Other")),
]


class Strategy(models.Model):
    """A trainee's individual communication strategy. Seen by the trainee, the
    programme's trainers and admins only. Every save keeps a version."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    trainee = models.OneToOneField(
        TrainingApplication, on_delete=models.CASCADE, related_name="strategy"
    )
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    goal = models.TextField(_("goal"), blank=True)
    audiences = ArrayField(
        models.CharField(max_length=16, choices=AUDIENCES),
        verbose_name=_("audiences"),
        default=list,
        blank=True,
    )
    planned_reach = models.PositiveIntegerField(_("planned reach (people)"), default=0)
    channels = models.TextField(_("channels"), blank=True)
    key_messages = models.TextField(_("key messages and approaches"), blank=True)
    version = models.PositiveIntegerField(default=0)
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Strategy of {self.trainee_id}"


class StrategyVersion(models.Model):
    strategy = models.ForeignKey(
        Strategy, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField()
    content = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "number"], name="strategy_version_once"
            )
        ]

    def __str__(self):
        return f"v{self.number} of strategy {self.strategy_id}"


class StrategyComment(models.Model):
    strategy = models.ForeignKey(
        Strategy, on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True
    )
    version = models.PositiveIntegerField()
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"comment {self.pk} on strategy {self.strategy_id}"


class Milestone(models.Model):
    strategy = models.ForeignKey(
        Strategy, on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("milestone"), max_length=200)
    due_date = models.DateField(_("due"))
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_date", "id"]

    def __str__(self):
        return self.title


class CheckIn(models.Model):
    """A follow-up N days after completion: people reached, conversations held,
    what worked, what was hard, and whether they want help."""

    trainee = models.ForeignKey(
        TrainingApplication, on_delete=models.CASCADE, related_name="checkins"
    )
    day = models.PositiveSmallIntegerField()
    due_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    people_reached = models.PositiveIntegerField(
        _("people reached so far"), null=True, blank=True
    )
    conversations = models.PositiveIntegerField(
        _("conversations held"), null=True, blank=True
    )
    worked = models.TextField(_("what worked"), blank=True)
    hard = models.TextField(_("what was hard"), blank=True)
    wants_help = models.BooleanField(
        _("I would like help from a trainer"), default=False
    )

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["trainee", "day"], name="checkin_once_per_day"
            )
        ]

    def __str__(self):
        return f"check-in {self.day}d of {self.trainee_id}"


class Resource(models.Model):
    """The library: articles, checklists and session plans on methods of
    communication, per language. Trainers and organizers publish; members read."""

    class Kind(models.TextChoices):
        ARTICLE = "article", _("Article")
        CHECKLIST = "checklist", _("Checklist")
        SESSION_PLAN = "session_plan", _("Session plan")

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=16, choices=Kind.choices, default=Kind.ARTICLE
    )
    language = models.CharField(
        _("language"), max_length=8, choices=LANGUAGE_OPTIONS, default="ru"
    )
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = models.TextField(_("text"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    published = models.BooleanField(_("published"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        indexes = [models.Index(fields=["language", "kind"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse_pk("trainings:resource-detail", self.pk)
