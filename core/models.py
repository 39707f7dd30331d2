from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One outgoing message: the outbox row every app writes.

    Written in the same transaction as the change that causes it. Holds ids of
    what it is about (``context_ids``), never copies of addresses or names: the
    message is rendered at send time, in the recipient's language and zone.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(max_length=64)
    dedupe_key = models.CharField(max_length=200, unique=True)
    context_ids = models.JSONField(default=dict, blank=True)
    due_at = models.DateTimeField()
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    queued_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-due_at", "-id"]
        indexes = [
            # The beat scan: due pending rows, oldest first.
            models.Index(
                fields=["due_at"],
                name="notification_pending_due",
                condition=Q(status="pending"),
            ),
            # Stale claims (a worker killed mid-send).
            models.Index(
                fields=["claimed_at"],
                name="notification_sending_claimed",
                condition=Q(status="sending"),
            ),
            models.Index(fields=["recipient", "-due_at"], name="notification_inbox"),
        ]

    def __str__(self):
        return f"{self.kind}#{self.pk} ({self.status})"


class AuditEntry(models.Model):
    """Append-only record of who did what to what, and why.

    Ids only: ``actor_id`` and ``target_id`` are plain integers, not foreign
    keys, so that deleting an account neither rewrites nor removes history, and
    no email, name or address is ever copied here (pseudonyms are looked up
    when the log is read). The database refuses UPDATE and DELETE on this table
    (trigger in migration 0003).
    """

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    action = models.CharField(max_length=64, db_index=True)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.BigIntegerField(null=True, blank=True)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self):
        return (
            f"{self.action} by {self.actor_id} on {self.target_type}#{self.target_id}"
        )
