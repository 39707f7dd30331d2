"""Writes for accounts, applications, vouching, vetting and roles."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.audit import audit_record
from core.exceptions import DomainError
from core.services import notification_enqueue, notifications_cancel

from . import selectors
from .models import Application, Decision, Role, RoleAssignment, User, Vouch

logger = logging.getLogger(__name__)

MAX_VOUCHERS = 3
VOUCHER_LOOKUP_FAILURES_PER_DAY = 10

# Test seam for the concurrency control run: tests/members/test_concurrency.py
# turns the lock off to show the race it prevents, and hooks between read and
# write to line the two transactions up. Never changed outside tests.
_LOCK_APPLICATION = True


def _between_read_and_write():  # pragma: no cover - replaced in tests
    pass


# --- Accounts ----------


def user_welcome(*, user: User):
    """Queue the neutral welcome message once per account (idempotent)."""
    with transaction.atomic():
        return notification_enqueue(
            recipient=user,
            kind="welcome",
            dedupe_key=f"welcome:{user.pk}",
            context_ids={"user": user.pk},
        )


def user_update_preferences(
    *,
    user: User,
    display_name: str,
    language: str,
    timezone: str,
    reminders_enabled: bool = True,
    journal_in_aggregates: bool = False,
) -> User:
    user.display_name = display_name
    user.language = language
    user.timezone = timezone
    user.reminders_enabled = reminders_enabled
    user.journal_in_aggregates = journal_in_aggregates
    user.save(
        update_fields=[
            "display_name",
            "language",
            "timezone",
            "reminders_enabled",
            "journal_in_aggregates",
        ]
    )
    return user


def user_set_language(*, user: User, language: str) -> User:
    user.language = language
    user.save(update_fields=["language"])
    return user


# --- Vouchers ----------


def vouchers_resolve(*, applicant: User, references: list[str]) -> list[User]:
    """Turn display names or emails into members who can vouch.

    Unknown references raise a DomainError naming them. Failed look-ups are
    rate-limited per applicant, so the form cannot be used to probe whether an
    address belongs to a member.
    """
    references = [r.strip() for r in references if r and r.strip()]
    if len(references) > MAX_VOUCHERS:
        raise DomainError(
            ngettext(
                "You can name at most %(n)d member.",
                "You can name at most %(n)d members.",
                MAX_VOUCHERS,
            )
            % {"n": MAX_VOUCHERS}
        )
    failures_key = f"voucher-lookup-failures:{applicant.pk}"
    if (cache.get(failures_key) or 0) >= VOUCHER_LOOKUP_FAILURES_PER_DAY:
        raise DomainError(
            _(
                "Too many names that did not match a member. Please check the names "
                "with the people you know and try again tomorrow."
            )
        )
    found: list[User] = []
    unknown: list[str] = []
    for reference in references:
        lookup = (
            Q(email__iexact=reference)
            if "@" in reference
            else Q(display_name__iexact=reference)
        )
        voucher = User.objects.filter(
            lookup, status=User.Status.MEMBER, is_active=True
        ).first()
        if voucher is None:
            unknown.append(reference)
        elif voucher.pk == applicant.pk:
            raise DomainError(_("You cannot vouch for yourself."))
        elif voucher not in found:
            found.append(voucher)
    if unknown:
        try:
            cache.add(failures_key, 0, timeout=24 * 3600)
            cache.incr(failures_key)
        except ValueError:
            pass
        raise DomainError(
            _(
                "We found no member with this display name or email: %(names)s. "
                "Check the spelling with the person, or leave the field empty."
            )
            % {"names": ", ".join(unknown)}
        )
    return found


def _sync_vouches(*, application: Application, vouchers: list[User]) -> None:
    current = {v.voucher_id: v for v in application.vouches.all()}
    wanted = {u.pk for u in vouchers}
    removed = [v for uid, v in current.items() if uid not in wanted]
    for vouch in removed:
        notifications_cancel(dedupe_keys=[f"vouch-request:{vouch.pk}"])
        vouch.delete()
    for voucher in vouchers:
        if voucher.pk in current:
            continue
        vouch = Vouch.objects.create(application=application, voucher=voucher)
        notification_enqueue(
            recipient=voucher,
            kind="vouch_requested",
            dedupe_key=f"vouch-request:{vouch.pk}",
            context_ids={"vouch": vouch.pk},
        )


# --- Applications ----------

APPLICATION_FIELDS = (
    "country",
    "city",
    "languages",
    "statement",
    "motivation",
    "heard_from",
)


def application_reapply_date(*, applicant: User):
    """When a rejected applicant may apply again, or None if they may now."""
    last = (
        Application.objects.filter(
            applicant=applicant, status=Application.Status.REJECTED
        )
        .order_by("-decided_at")
        .first()
    )
    if last is None or last.decided_at is None:
        return None
    allowed = last.decided_at + timedelta(days=settings.APPLICATION_COOLING_OFF_DAYS)
    return allowed if allowed > timezone.now() else None


def application_submit(
    *, applicant: User, display_name: str, data: dict, voucher_refs: list[str]
) -> Application:
    """Create the applicant's application and ask the named members to vouch.

    Refuses members, a second open application, and a new application inside
    the cooling-off period after a rejection.
    """
    if applicant.is_member:
        raise DomainError(_("You are already a member."))
    reapply = application_reapply_date(applicant=applicant)
    if reapply is not None:
        raise DomainError(
            _("You can apply again from %(date)s.")
            % {"date": timezone.localtime(reapply).strftime("%Y-%m-%d")}
        )
    vouchers = vouchers_resolve(applicant=applicant, references=voucher_refs)
    try:
        with transaction.atomic():
            applicant.display_name = display_name
            applicant.save(update_fields=["display_name"])
            application = Application.objects.create(
                applicant=applicant,
                **{f: data[f] for f in APPLICATION_FIELDS},
            )
            _sync_vouches(application=application, vouchers=vouchers)
            audit_record(
                actor=applicant,
                action="application.submitted",
                target_type="application",
                target_id=application.pk,
            )
    except IntegrityError:
        # The partial unique index: a double submit, or a second open application.
        raise DomainError(_("You already have an application under review.")) from None
    return application


def application_update(
    *,
    application: Application,
    applicant: User,
    display_name: str,
    data: dict,
    voucher_refs: list[str],
    reply: str = "",
) -> Application:
    """Edit a pending application. Answering a request for information sends it
    back to the vetters (to 'new', or to 'waiting for a further approval' if it
    already has approvals)."""
    vouchers = vouchers_resolve(applicant=applicant, references=voucher_refs)
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.applicant_id != applicant.pk or not locked.is_editable:
            raise DomainError(
                _("This application can no longer be changed: it has been decided.")
            )
        answered = locked.status == Application.Status.INFO_REQUESTED
        if answered and not reply.strip():
            raise DomainError(_("Please answer the vetters' question."))
        applicant.display_name = display_name
        applicant.save(update_fields=["display_name"])
        for field in APPLICATION_FIELDS:
            setattr(locked, field, data[field])
        fields = [*APPLICATION_FIELDS, "updated_at"]
        if reply.strip():
            locked.applicant_reply = reply.strip()
            fields.append("applicant_reply")
        if answered:
            has_approvals = locked.decisions.filter(kind=Decision.Kind.APPROVE).exists()
            locked.status = (
                Application.Status.PARTIALLY_APPROVED
                if has_approvals
                else Application.Status.SUBMITTED
            )
            fields.append("status")
        locked.save(update_fields=fields)
        _sync_vouches(application=locked, vouchers=vouchers)
        audit_record(
            actor=applicant,
            action="application.replied" if answered else "application.edited",
            target_type="application",
            target_id=locked.pk,
        )
    return locked


def vouch_respond(*, vouch: Vouch, voucher: User, confirm: bool, comment: str) -> Vouch:
    """The named member confirms (with a short comment) or declines."""
    with transaction.atomic():
        updated = Vouch.objects.filter(
            pk=vouch.pk,
            voucher=voucher,
            status=Vouch.Status.REQUESTED,
            application__status__in=Application.OPEN_STATUSES,
        ).update(
            status=Vouch.Status.CONFIRMED if confirm else Vouch.Status.DECLINED,
            comment=comment.strip(),
            responded_at=timezone.now(),
        )
        if updated != 1:
            raise DomainError(_("This request has already been answered or closed."))
        # update() sends no post_save: drop the voucher's cached badge here.
        selectors.pending_vouch_count_forget(user_ids=[voucher.pk])
        audit_record(
            actor=voucher,
            action="vouch.confirmed" if confirm else "vouch.declined",
            target_type="application",
            target_id=vouch.application_id,
        )
    vouch.refresh_from_db()
    return vouch


# --- Vetting ----------


def application_decide(
    *, application_id: int, vetter: User, kind: str, reason: str
) -> Decision:
    """Record one vetter's decision and move the application on.

    Locks the application row first (select_for_update), then re-reads its
    state and approvals: two vetters deciding at once are serialised, so there
    is never a double transition or a lost approval. Admission needs
    VETTING_REQUIRED_APPROVALS distinct vetters. The applicant hears the outcome
    through the outbox; every decision goes to the audit log.
    """
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Please give a reason for your decision."))
    if kind not in Decision.Kind.values:
        raise DomainError(_("Unknown decision."))
    with transaction.atomic():
        query = Application.objects.select_related("applicant")
        if _LOCK_APPLICATION:
            query = query.select_for_update(of=("self",))
        application = query.get(pk=application_id)
        if not application.is_open:
            raise DomainError(_("This application has already been decided."))
        if application.applicant_id == vetter.pk:
            raise DomainError(_("You cannot decide on your own application."))
        if application.vouches.filter(voucher=vetter).exists():
            raise DomainError(
                _(
                    "You were named as a voucher for this applicant, so another "
                    "vetter must decide."
                )
            )
        approvals = set(
            application.decisions.filter(kind=Decision.Kind.APPROVE).values_list(
                "vetter_id", flat=True
            )
        )
        _between_read_and_write()
        if kind == Decision.Kind.APPROVE and vetter.pk in approvals:
            raise DomainError(
                _("You have already approved this application; another vetter must.")
            )
        decision = Decision.objects.create(
            application=application, vetter=vetter, kind=kind, reason=reason
        )
        now = timezone.now()
        applicant = application.applicant
        if kind == Decision.Kind.APPROVE:
            approvals.add(vetter.pk)
            if len(approvals) >= settings.VETTING_REQUIRED_APPROVALS:
                application.status = Application.Status.APPROVED
                application.decided_at = now
                applicant.status = User.Status.MEMBER
                applicant.member_since = now
                applicant.save(update_fields=["status", "member_since"])
                outcome = "application_approved"
            else:
                application.status = Application.Status.PARTIALLY_APPROVED
                outcome = None
        elif kind == Decision.Kind.REJECT:
            application.status = Application.Status.REJECTED
            application.decided_at = now
            outcome = "application_rejected"
        else:
            application.status = Application.Status.INFO_REQUESTED
            application.info_request = reason
            outcome = "application_info_requested"
        application.save(update_fields=["status", "decided_at", "info_request"])
        if outcome:
            notification_enqueue(
                recipient=applicant,
                kind=outcome,
                dedupe_key=f"{outcome}:{application.pk}:{decision.pk}",
                context_ids={"application": application.pk},
            )
        if application.status in Application.DECIDED_STATUSES:
            pending = list(
                application.vouches.filter(status=Vouch.Status.REQUESTED).values_list(
                    "pk", flat=True
                )
            )
            notifications_cancel(dedupe_keys=[f"vouch-request:{pk}" for pk in pending])
        audit_record(
            actor=vetter,
            action=f"application.{kind}",
            target_type="application",
            target_id=application.pk,
            reason=reason,
            data={"status": application.status},
        )
    return decision


def applications_purge_expired() -> int:
    """Delete the statement and motivation of applications decided more than
    APPLICATION_RETENTION_DAYS ago. The outcome and the audit trail stay."""
    cutoff = timezone.now() - timedelta(days=settings.APPLICATION_RETENTION_DAYS)
    with transaction.atomic():
        ids = list(
            Application.objects.filter(
                status__in=Application.DECIDED_STATUSES,
                decided_at__lt=cutoff,
                purged_at__isnull=True,
            ).values_list("pk", flat=True)
        )
        if not ids:
            return 0
        Application.objects.filter(pk__in=ids).update(
            statement="", motivation="", applicant_reply="", purged_at=timezone.now()
        )
        for pk in ids:
            audit_record(
                actor=None,
                action="application.purged",
                target_type="application",
                target_id=pk,
            )
    logger.info("purged %d decided applications", len(ids))
    return len(ids)


# --- Roles ----------


def role_grant(
    *, user: User, role: str, actor: User, reason: str, club=None
) -> RoleAssignment:
    """Give a role. Staff roles need an admitted member. Audited."""
    if role not in Role.values:
        raise DomainError(_("Unknown role."))
    if not user.is_member:
        raise DomainError(_("Only admitted members can hold a role."))
    if (role == Role.ORGANIZER) != (club is not None):
        raise DomainError(_("The organizer role is given for one club."))
    if not (reason or "").strip():
        raise DomainError(_("Please give a reason."))
    with transaction.atomic():
        assignment, created = RoleAssignment.objects.get_or_create(
            user=user, role=role, club=club, defaults={"granted_by_id": actor.pk}
        )
        if not created:
            raise DomainError(_("This member already has this role."))
        if role == Role.ADMIN:
            user.is_staff = user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
        audit_record(
            actor=actor,
            action="role.granted",
            target_type="user",
            target_id=user.pk,
            reason=reason.strip(),
            data={"role": role, "club": club.pk if club else None},
        )
    return assignment


def role_revoke(*, assignment: RoleAssignment, actor: User, reason: str) -> None:
    if not (reason or "").strip():
        raise DomainError(_("Please give a reason."))
    with transaction.atomic():
        user = assignment.user
        if (
            assignment.role == Role.ADMIN
            and RoleAssignment.objects.filter(role=Role.ADMIN).count() <= 1
        ):
            raise DomainError(_("The last administrator cannot be removed."))
        deleted, _rows = RoleAssignment.objects.filter(pk=assignment.pk).delete()
        if not deleted:
            raise DomainError(_("This role was already removed."))
        if assignment.role == Role.ADMIN:
            user.is_staff = user.is_superuser = False
            user.save(update_fields=["is_staff", "is_superuser"])
        audit_record(
            actor=actor,
            action="role.revoked",
            target_type="user",
            target_id=user.pk,
            reason=reason.strip(),
            data={"role": assignment.role, "club": assignment.club_id},
        )


# --- Personal data ----------


def _iso(value):
    return value.isoformat() if value else None


def user_export_data(*, user: User) -> dict:
    """Everything the platform holds about the member, as plain data. Audited.

    Other people appear only as pseudonyms (a voucher's display name), never
    with their email.
    """
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.usersessions.models import UserSession

    from core.models import Notification

    applications = []
    for application in user.applications.prefetch_related(
        "vouches__voucher", "decisions"
    ):
        applications.append(
            {
                "id": application.pk,
                "status": application.status,
                "country": application.country,
                "city": application.city,
                "languages": application.languages,
                "statement": application.statement,
                "motivation": application.motivation,
                "heard_from": application.heard_from,
                "question_from_vetters": application.info_request,
                "your_reply": application.applicant_reply,
                "submitted_at": _iso(application.submitted_at),
                "decided_at": _iso(application.decided_at),
                "vouchers": [
                    {"display_name": v.voucher.display_name, "status": v.status}
                    for v in application.vouches.all()
                ],
                "decisions": [
                    {"kind": d.kind, "at": _iso(d.created_at)}
                    for d in application.decisions.all()
                ],
            }
        )
    data = {
        "format": "mosty-personal-data/1",
        "exported_at": _iso(timezone.now()),
        "account": {
            "id": user.pk,
            "email": user.email,
            "display_name": user.display_name,
            "language": user.language,
            "timezone": user.timezone,
            "status": user.status,
            "member_since": _iso(user.member_since),
            "date_joined": _iso(user.date_joined),
            "last_login": _iso(user.last_login),
            "reminders_enabled": user.reminders_enabled,
            "email_addresses": [
                {"email": e.email, "verified": e.verified, "primary": e.primary}
                for e in EmailAddress.objects.filter(user=user)
            ],
            "two_factor_methods": sorted(
                Authenticator.objects.filter(user=user).values_list("type", flat=True)
            ),
            "sessions": [
                {"browser": s.user_agent, "started_at": _iso(s.created_at)}
                for s in UserSession.objects.filter(user=user)
            ],
        },
        "roles": [
            {"role": r.role, "club_id": r.club_id, "since": _iso(r.granted_at)}
            for r in user.roles.all()
        ],
        "applications": applications,
        "vouches_given": [
            {
                "application_id": v.application_id,
                "status": v.status,
                "comment": v.comment,
                "requested_at": _iso(v.requested_at),
            }
            for v in user.vouches_given.all()
        ],
        "decisions_made": [
            {
                "application_id": d.application_id,
                "kind": d.kind,
                "reason": d.reason,
                "at": _iso(d.created_at),
            }
            for d in user.decisions_made.all()
        ],
        **_clubs_events_trainings(user),
        "messages": [
            {
                "kind": n.kind,
                "status": n.status,
                "due_at": _iso(n.due_at),
                "sent_at": _iso(n.sent_at),
            }
            for n in Notification.objects.filter(recipient=user)
        ],
    }
    audit_record(
        actor=user,
        action="personal_data.exported",
        target_type="user",
        target_id=user.pk,
    )
    return data


def _clubs_events_trainings(user: User) -> dict:
    from clubs.models import ClubMembership
    from events.models import CalendarFeed, Registration
    from trainings.models import TrainingApplication

    applications = (
        TrainingApplication.objects.filter(member=user)
        .select_related("programme")
        .prefetch_related("checkins", "strategy__milestones", "strategy__comments")
    )
    trainings = []
    for application in applications:
        strategy = getattr(application, "strategy", None)
        trainings.append(
            {
                "programme": application.programme.title,
                "status": application.status,
                "motivation": application.motivation,
                "hours_per_week": application.hours_per_week,
                "experience": application.experience,
                "audience": application.audience,
                "completed_at": _iso(application.completed_at),
                "strategy": None
                if strategy is None
                else {
                    "status": strategy.status,
                    "goal": strategy.goal,
                    "audiences": strategy.audiences,
                    "planned_reach": strategy.planned_reach,
                    "channels": strategy.channels,
                    "key_messages": strategy.key_messages,
                    "milestones": [
                        {"title": m.title, "due_date": str(m.due_date)}
                        for m in strategy.milestones.all()
                    ],
                    "comments": [c.body for c in strategy.comments.all()],
                },
                "checkins": [
                    {
                        "day": c.day,
                        "submitted_at": _iso(c.submitted_at),
                        "people_reached": c.people_reached,
                        "conversations": c.conversations,
                        "worked": c.worked,
                        "hard": c.hard,
                        "wants_help": c.wants_help,
                    }
                    for c in application.checkins.all()
                ],
            }
        )
    return {
        "club_memberships": [
            {"club": m.club.name, "status": m.status, "since": _iso(m.created_at)}
            for m in ClubMembership.objects.filter(user=user).select_related("club")
        ],
        "registrations": [
            {
                "event": r.event.title,
                "starts_at": _iso(r.event.starts_at),
                "status": r.status,
                "attendance": r.attendance,
            }
            for r in Registration.objects.filter(member=user).select_related("event")
        ],
        "calendar_feed": CalendarFeed.objects.filter(user=user).exists(),
        "journal": [
            {
                "label": person.label,
                "relationship": person.relationship,
                "region": person.region,
                "conversations": [
                    {
                        "date": str(e.date),
                        "channel": e.channel,
                        "topics": e.topics,
                        "approaches": e.approaches,
                        "stance_before": e.stance_before,
                        "stance_after": e.stance_after,
                        "feeling": e.feeling,
                        "notes": e.notes,
                    }
                    for e in person.entries.all()
                ],
            }
            for person in user.journal_people.prefetch_related("entries")
        ],
        "stories": [
            {
                "title": st.title,
                "body": st.body,
                "audience": st.audience,
                "status": st.status,
                "anonymous": st.anonymous,
            }
            for st in user.stories.all()
        ],
        "trainings": trainings,
    }


def user_delete(*, user: User) -> None:
    """Delete the account and its personal data at once.

    Applications, vouches, messages, sessions, roles and MFA devices go with
    the account (database cascades). Decisions the user made as a vetter stay,
    without the vetter (accountability without personal data). One audit row
    with the account id only remains.
    """
    from importlib import import_module

    from allauth.usersessions.models import UserSession

    session_store = import_module(settings.SESSION_ENGINE).SessionStore
    from events.models import Registration
    from events.services import registration_cancel

    user_id = user.pk
    # Free the seats of upcoming meetings first (the waiting list moves up);
    # past registrations stay, anonymised, so the club's figures stay right.
    for registration in Registration.objects.filter(
        member=user,
        status__in=["confirmed", "waitlisted"],
        event__starts_at__gt=timezone.now(),
    ):
        registration_cancel(registration=registration, member=user)
    with transaction.atomic():
        keys = list(
            UserSession.objects.filter(user=user).values_list("session_key", flat=True)
        )
        user.delete()
        audit_record(
            actor=None, action="account.deleted", target_type="user", target_id=user_id
        )
    for key in keys:
        session_store(key).delete()  # database row and its cache entry


def dossier_record_view(*, application: Application, viewer: User) -> None:
    """Every view of a vetting dossier is written to the audit log."""
    audit_record(
        actor=viewer,
        action="dossier.viewed",
        target_type="application",
        target_id=application.pk,
    )


def user_sessions_end_others(*, user: User, keep_session_key: str | None) -> int:
    """End every signed-in session of the user but ``keep_session_key`` (after
    a change of their two-factor authentication, a stolen session must not
    outlive it). Returns the number of sessions ended."""
    from allauth.usersessions.models import UserSession

    ended = 0
    for session in UserSession.objects.filter(user=user).exclude(
        session_key=keep_session_key or ""
    ):
        session.end()
        ended += 1
    return ended
