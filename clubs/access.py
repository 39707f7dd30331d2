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


def is_club_member(user, club: Club) -> bool:
    return (
        user.is_authenticated
        and ClubMembership.objects.filter(
            club=club, user=user, status=ClubMembership.Status.ACTIVE
        ).exists()
    )


def get_club_for_organizer(user, slug: str) -> Club:
    club = get_object_or_404(Club, slug=slug)
    if not is_organizer(user, club):
        raise Http404
    return club
