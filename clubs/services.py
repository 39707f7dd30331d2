"""Writes for clubs: creation, joining, approval, organizers."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.exceptions import DomainError
from core.services import notification_enqueue
from members.models import Role, RoleAssignment, User

from .access import forget_membership
from .models import Club, ClubMembership


def club_create(*, actor: User, data: dict, organizers: list[User]) -> Club:
    """An admin creates a club and names its first organizers (audited)."""
    try:
        with transaction.atomic():
            club = Club.objects.create(**data)
            for organizer in organizers:
                organizer_add(club=club, user=organizer, actor=actor)
            audit_record(
                actor=actor,
                action="club.created",
                target_type="club",
                target_id=club.pk,
            )
    except IntegrityError:
        raise DomainError(_("A club with this short name already exists.")) from None
    return club


def club_update(*, club: Club, actor: User, data: dict) -> Club:
    for field, value in data.items():
        setattr(club, field, value)
    club.save(update_fields=list(data))
    return club


def club_join(*, club: Club, member: User) -> ClubMembership:
    """Join an open club at once, or ask the organizers of an approval club.
    Joining twice returns the existing membership."""
    if not member.is_member:
        raise DomainError(_("Only admitted members can join clubs."))
    status = (
        ClubMembership.Status.ACTIVE
        if club.join_policy == Club.JoinPolicy.OPEN
        else ClubMembership.Status.PENDING
    )
    with transaction.atomic():
        membership, created = ClubMembership.objects.get_or_create(
            club=club,
            user=member,
            defaults={
                "status": status,
                "approved_at": timezone.now()
                if status == ClubMembership.Status.ACTIVE
                else None,
            },
        )
        if created and status == ClubMembership.Status.PENDING:
            for organizer_id in RoleAssignment.objects.filter(
                role=Role.ORGANIZER, club=club
            ).values_list("user_id", flat=True):
                notification_enqueue(
                    recipient=User(pk=organizer_id),
                    kind="club_join_requested",
                    dedupe_key=f"club-join:{membership.pk}:{organizer_id}",
                    context_ids={"membership": membership.pk},
                )
    forget_membership(member, club_id=club.pk)
    return membership


def club_leave(*, club: Club, member: User) -> None:
    with transaction.atomic():
        ClubMembership.objects.filter(club=club, user=member).delete()
        RoleAssignment.objects.filter(
            user=member, role=Role.ORGANIZER, club=club
        ).delete()
    forget_membership(member, club_id=club.pk)


def membership_decide(
    *, membership: ClubMembership, actor: User, approve: bool
) -> None:
    """An organizer approves or declines a request to join (audited)."""
    with transaction.atomic():
        if approve:
            updated = ClubMembership.objects.filter(
                pk=membership.pk, status=ClubMembership.Status.PENDING
            ).update(status=ClubMembership.Status.ACTIVE, approved_at=timezone.now())
            if updated:
                notification_enqueue(
                    recipient=membership.user,
                    kind="club_join_approved",
                    dedupe_key=f"club-join-approved:{membership.pk}",
                    context_ids={"membership": membership.pk},
                )
        else:
            updated, _rows = ClubMembership.objects.filter(
                pk=membership.pk, status=ClubMembership.Status.PENDING
            ).delete()
        if not updated:
            raise DomainError(_("This request has already been handled."))
        forget_membership(membership.user, club_id=membership.club_id)
        audit_record(
            actor=actor,
            action="club.join_approved" if approve else "club.join_declined",
            target_type="club",
            target_id=membership.club_id,
            data={"user": membership.user_id},
        )


def organizer_add(*, club: Club, user: User, actor: User) -> RoleAssignment:
    """Make a member an organizer of the club (they join it if needed). Audited."""
    if not user.is_member:
        raise DomainError(_("Only admitted members can organize a club."))
    with transaction.atomic():
        ClubMembership.objects.update_or_create(
            club=club,
            user=user,
            defaults={
                "status": ClubMembership.Status.ACTIVE,
                "approved_at": timezone.now(),
            },
        )
        forget_membership(user, club_id=club.pk)
        assignment, created = RoleAssignment.objects.get_or_create(
            user=user,
            role=Role.ORGANIZER,
            club=club,
            defaults={"granted_by_id": actor.pk},
        )
        if not created:
            raise DomainError(_("This member already organizes this club."))
        audit_record(
            actor=actor,
            action="role.granted",
            target_type="user",
            target_id=user.pk,
            data={"role": Role.ORGANIZER, "club": club.pk},
        )
    return assignment


def organizer_remove(*, club: Club, user: User, actor: User) -> None:
    with transaction.atomic():
        organizers = RoleAssignment.objects.select_for_update().filter(
            role=Role.ORGANIZER, club=club
        )
        if organizers.count() <= 1:
            raise DomainError(_("A club needs at least one organizer."))
        deleted, _rows = organizers.filter(user=user).delete()
        if not deleted:
            raise DomainError(_("This member does not organize this club."))
        audit_record(
            actor=actor,
            action="role.revoked",
            target_type="user",
            target_id=user.pk,
            data={"role": Role.ORGANIZER, "club": club.pk},
        )


def club_members_viewed(*, club: Club, viewer: User) -> None:
    """Every view of a club's member list is written to the audit log."""
    audit_record(
        actor=viewer,
        action="club.members_viewed",
        target_type="club",
        target_id=club.pk,
    )


# --- Replicable clubs ----------


def proposal_submit(*, proposer: User, data: dict):
    from .models import ClubProposal

    if not proposer.is_member:
        raise DomainError(_("Only admitted members can propose a club."))
    if ClubProposal.objects.filter(
        proposer=proposer, status=ClubProposal.Status.PENDING
    ).exists():
        raise DomainError(_("You already have a proposal waiting for a decision."))
    return ClubProposal.objects.create(proposer=proposer, **data)


def proposal_decide(
    *,
    proposal,
    actor: User,
    approve: bool,
    reason: str = "",
    name: str = "",
    slug: str = "",
    organizers: list[User] | None = None,
):
    """Admins approve (creating the club from the chosen playbook, with the
    proposer and any named members as its first organizers) or decline."""
    from .models import ClubProposal

    if proposal.status != ClubProposal.Status.PENDING:
        raise DomainError(_("This proposal has already been decided."))
    with transaction.atomic():
        club = None
        if approve:
            playbook = proposal.playbook
            data = {
                "name": name or f"{proposal.city}",
                "slug": slug,
                "city": proposal.city,
                "country": proposal.country,
                "timezone": proposal.timezone,
                "languages": proposal.languages,
                "playbook": playbook,
                "description": playbook.description if playbook else "",
                "rhythm": playbook.default_rhythm if playbook else "",
                "join_policy": playbook.default_join_policy
                if playbook
                else Club.JoinPolicy.OPEN,
            }
            club = club_create(
                actor=actor,
                data=data,
                organizers=[proposal.proposer, *(organizers or [])],
            )
        updated = ClubProposal.objects.filter(
            pk=proposal.pk, status=ClubProposal.Status.PENDING
        ).update(
            status=ClubProposal.Status.APPROVED
            if approve
            else ClubProposal.Status.REJECTED,
            reason=reason.strip(),
            decided_by_id=actor.pk,
            club=club,
        )
        if not updated:
            raise DomainError(_("This proposal has already been decided."))
        audit_record(
            actor=actor,
            action="club.proposal_approved" if approve else "club.proposal_rejected",
            target_type="club_proposal",
            target_id=proposal.pk,
            reason=reason.strip(),
        )
    return club


def playbook_from_club(
    *, club: Club, actor: User, name: str, meeting_format: str, resources
):
    """Capture a working club's format as a template for new clubs."""
    from .models import Playbook

    with transaction.atomic():
        playbook = Playbook.objects.create(
            name=name,
            description=club.description,
            meeting_format=meeting_format,
            source_club=club,
            default_rhythm=club.rhythm,
            default_join_policy=club.join_policy,
        )
        playbook.first_meetings.set(resources)
        audit_record(
            actor=actor,
            action="playbook.created",
            target_type="playbook",
            target_id=playbook.pk,
        )
    return playbook
