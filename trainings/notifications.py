"""Training messages: neutral subjects, no programme title or topic in emails."""

from django.utils.translation import gettext_lazy as _

from core.notifications import register

from .models import CheckIn, StrategyComment, TrainingApplication


def _application(notification, status=None):
    query = TrainingApplication.objects.filter(
        pk=notification.context_ids.get("application")
    )
    if status:
        query = query.filter(status=status)
    return query.first()


@register("training_application_received", label=_("A new application to review"))
def build_application_received(notification):
    application = _application(notification, TrainingApplication.Status.SUBMITTED)
    return None if application is None else {}


@register("training_accepted", label=_("You were accepted"))
def build_accepted(notification):
    return (
        {} if _application(notification, TrainingApplication.Status.ACCEPTED) else None
    )


@register("training_waitlisted", label=_("You are on a waiting list"))
def build_waitlisted(notification):
    return (
        {}
        if _application(notification, TrainingApplication.Status.WAITLISTED)
        else None
    )


@register("training_declined", label=_("A decision on your application"))
def build_declined(notification):
    return (
        {} if _application(notification, TrainingApplication.Status.DECLINED) else None
    )


@register("strategy_commented", label=_("A new comment for you"))
def build_strategy_commented(notification):
    exists = StrategyComment.objects.filter(
        pk=notification.context_ids.get("comment")
    ).exists()
    return {} if exists else None


def _open_checkin(notification):
    return CheckIn.objects.filter(
        pk=notification.context_ids.get("checkin"), submitted_at__isnull=True
    ).first()


@register("checkin_request", label=_("A short check-in"))
def build_checkin_request(notification):
    checkin = _open_checkin(notification)
    return None if checkin is None else {"checkin": checkin}


@register("checkin_reminder", label=_("Check-in reminder"))
def build_checkin_reminder(notification):
    # One reminder if the check-in was missed, then nothing more.
    checkin = _open_checkin(notification)
    return None if checkin is None else {"checkin": checkin}


@register("checkin_help_requested", label=_("Someone asked for help"))
def build_help_requested(notification):
    exists = CheckIn.objects.filter(
        pk=notification.context_ids.get("checkin"), wants_help=True
    ).exists()
    return {} if exists else None
