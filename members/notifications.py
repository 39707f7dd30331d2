"""Messages about membership. Neutral wording: no club, topic or name in them."""

from django.utils.translation import gettext_lazy as _

from core.notifications import register

from .models import Application, Vouch


@register("welcome", label=_("Welcome message"))
def build_welcome(notification):
    return {}


@register("vouch_requested", label=_("Request to confirm you know someone"))
def build_vouch_requested(notification):
    still_open = Vouch.objects.filter(
        pk=notification.context_ids.get("vouch"),
        status=Vouch.Status.REQUESTED,
        application__status__in=Application.OPEN_STATUSES,
    ).exists()
    return {} if still_open else None


def _application_in(notification, status):
    return Application.objects.filter(
        pk=notification.context_ids.get("application"), status=status
    ).exists()


@register("application_approved", label=_("Your application was approved"))
def build_application_approved(notification):
    return {} if _application_in(notification, Application.Status.APPROVED) else None


@register("application_rejected", label=_("Decision on your application"))
def build_application_rejected(notification):
    return {} if _application_in(notification, Application.Status.REJECTED) else None


@register("application_info_requested", label=_("A question about your application"))
def build_application_info_requested(notification):
    if _application_in(notification, Application.Status.INFO_REQUESTED):
        return {}
    return None
