"""Access to clubs. Objects a user may not see raise Http404."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from members.access import has_role
from members.models import Role

from .models import Club, ClubMembership


def is_organizer(user, club: Club) -> bool:
    return (
        user.is_authenticated
        and user.is_member
        and has_role(user, Role.ORGANIZER, club_id=club.pk)
    )


def organized_club_ids(user) -> set[int]:
    from members.access import is_admin, user_roles

    if is_admin(user):
        return set(Club.objects.values_list("pk", flat=True))
    return {club for role, club in user_roles(user) if role == Role.ORGANIZER}


def is_member_of(user, *, club_id: int) -> bool:
    """An active member of the club. Asked once per club and request object:
    an event page asks it to show the event and again to offer registration."""
    if not user.is_authenticated:
        return False
    known = getattr(user, "_mosty_club_member", None)
    if known is None:
        known = user._mosty_club_member = {}
    if club_id not in known:
        known[club_id] = ClubMembership.objects.filter(
            club_id=club_id, user=user, status=ClubMembership.Status.ACTIVE
        ).exists()
    return known[club_id]


def forget_membership(user, *, club_id: int) -> None:
    """After a membership of ``user`` changed: the next is_member_of asks again."""
    known = getattr(user, "_mosty_club_member", None)
    if known:
        known.pop(club_id, None)


def get_club_for_organizer(user, slug: str) -> Club:
    club = get_object_or_404(Club, slug=slug)
    if not is_organizer(user, club):
        raise Http404
    return club
