"""Access to events. Objects a user may not see raise Http404."""

from datetime import timedelta

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from clubs.access import is_member_of, is_organizer

from .models import Eligibility, Event, Registration


def get_event_for_user(user, pk: int, *, write: bool = False, queryset=None) -> Event:
    """An event the member may see; with write=True, one they organize.
    ``queryset`` (of events) may add what the caller shows, such as counts."""
    queryset = (queryset if queryset is not None else Event.objects).select_related(
        "club"
    )
    event = get_object_or_404(queryset, pk=pk)
    if write:
        if not can_manage(user, event):
            raise Http404
        return event
    if not can_see(user, event):
        raise Http404
    return event


def can_see(user, event: Event) -> bool:
    """``Event.objects.visible_to(user)``'s rule for one loaded event.

    The same answer (tests/events/test_access.py holds the two together), but
    checked in order of cost: most events need no query at all or one EXISTS,
    where the queryset builds four subqueries on every page view.
    """
    from members.access import has_role
    from members.models import Role

    if not user.is_authenticated or not user.is_member:
        return False
    if event.eligibility == Eligibility.ALL:
        return True
    # Organizers of the club, and admins (who organize every club).
    if has_role(user, Role.ORGANIZER, club_id=event.club_id):
        return True
    if event.eligibility != Eligibility.PROGRAMME and is_member_of(
        user, club_id=event.club_id
    ):
        return True
    if event.programme_id is None:
        return False
    from trainings.models import Programme, TrainingApplication

    if (
        event.eligibility == Eligibility.PROGRAMME
        and TrainingApplication.objects.filter(
            programme_id=event.programme_id, member=user, status="accepted"
        ).exists()
    ):
        return True
    return Programme.trainers.through.objects.filter(
        programme_id=event.programme_id, user=user
    ).exists()


def can_manage(user, event: Event) -> bool:
    """The club's organizers, and for a training session its programme's trainers."""
    if is_organizer(user, event.club):
        return True
    if event.programme_id is not None:
        from trainings.access import is_trainer_of

        return is_trainer_of(user, event.programme)
    return False


def get_registration_for_member(user, pk: int) -> Registration:
    return get_object_or_404(
        Registration.objects.select_related("event"), pk=pk, member=user
    )


def private_details_visible(*, event: Event, user, registration=None) -> bool:
    """The venue address and the online link: only for a confirmed registrant
    who is an approved member, and only from the configured time before the
    start (privacy rule 2). Organizers of the club always see them."""
    if not user.is_authenticated or not user.is_member or event.is_cancelled:
        return False
    if can_manage(user, event):
        return True
    if registration is None or registration.status != Registration.Status.CONFIRMED:
        return False
    lead = timedelta(hours=settings.EVENT_PRIVATE_DETAILS_LEAD_HOURS)
    return event.starts_at - lead <= timezone.now() <= event.ends_at


def private_details_from(event: Event):
    return event.starts_at - timedelta(hours=settings.EVENT_PRIVATE_DETAILS_LEAD_HOURS)
