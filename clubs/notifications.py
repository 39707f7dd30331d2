from django.utils.translation import gettext_lazy as _

from core.notifications import register

from .models import ClubMembership


@register("club_join_requested", label=_("A request to join your club"))
def build_club_join_requested(notification):
    pending = ClubMembership.objects.filter(
        pk=notification.context_ids.get("membership"),
        status=ClubMembership.Status.PENDING,
    ).exists()
    return {} if pending else None


@register("club_join_approved", label=_("You joined a club"))
def build_club_join_approved(notification):
    active = ClubMembership.objects.filter(
        pk=notification.context_ids.get("membership"),
        status=ClubMembership.Status.ACTIVE,
    ).exists()
    return {} if active else None
