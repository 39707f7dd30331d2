"""Writes for trainings: programmes, sessions, selection under a cohort limit,
completion, strategies with versions, follow-up check-ins."""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.exceptions import DomainError
from core.services import notification_enqueue
from events import services as event_services
from events.models import Eligibility, Event, EventKind, Registration
from members.models import Role, RoleAssignment, User

from .models import (
    CheckIn,
    Milestone,
    Programme,
    Strategy,
    StrategyComment,
    StrategyVersion,
    TrainingApplication,
)

# Test seams for the concurrency control run (tests/trainings/test_concurrency.py).
_LOCK_PROGRAMME = True


def _between_count_and_write():  # pragma: no cover - replaced in tests
    pass


# --- Programmes and sessions ----------


def programme_create(*, trainer: User, data: dict) -> Programme:
    if data["applications_close_at"] <= data["applications_open_at"]:
        raise DomainError(_("Applications must close after they open."))
    with transaction.atomic():
        programme = Programme.objects.create(**data)
        programme.trainers.add(trainer)
        audit_record(
            actor=trainer,
            action="programme.created",
            target_type="programme",
            target_id=programme.pk,
        )
    return programme


def programme_update(*, programme: Programme, actor: User, data: dict) -> Programme:
    if data["applications_close_at"] <= data["applications_open_at"]:
        raise DomainError(_("Applications must close after they open."))
    for field, value in data.items():
        setattr(programme, field, value)
    programme.save()
    return programme


def programme_set_trainers(*, programme: Programme, actor: User, trainers: list[User]):
    """Admins assign trainers; each must hold the trainer role."""
    for trainer in trainers:
        if not RoleAssignment.objects.filter(user=trainer, role=Role.TRAINER).exists():
            raise DomainError(
                _("%(name)s does not hold the trainer role.")
                % {"name": trainer.display_name}
            )
    if not trainers:
        raise DomainError(_("A programme needs at least one trainer."))
    with transaction.atomic():
        programme.trainers.set(trainers)
        audit_record(
            actor=actor,
            action="programme.trainers_set",
            target_type="programme",
            target_id=programme.pk,
            data={"count": len(trainers)},
        )


def session_add(*, programme: Programme, actor: User, data: dict) -> Event:
    """A session is an event of kind 'training' for the programme's trainees;
    every accepted trainee is registered for it at once."""
    data = {
        **data,
        "kind": EventKind.TRAINING,
        "eligibility": Eligibility.PROGRAMME,
        "capacity": None,
    }
    with transaction.atomic():
        event = event_services.event_create(club=programme.club, actor=actor, data=data)
        Event.objects.filter(pk=event.pk).update(programme=programme)
        event.programme = programme
        if event.starts_at > timezone.now():  # a past session is recorded, not joined
            for trainee in programme.applications.filter(
                status=TrainingApplication.Status.ACCEPTED
            ).select_related("member"):
                event_services.registration_register(
                    event=event, member=trainee.member, enrol=True
                )
    return event


def _register_for_sessions(application: TrainingApplication) -> None:
    for event in Event.objects.filter(
        programme_id=application.programme_id,
        status=Event.Status.SCHEDULED,
        starts_at__gt=timezone.now(),
    ):
        event_services.registration_register(
            event=event, member=application.member, enrol=True
        )


def _unregister_from_sessions(application: TrainingApplication) -> None:
    for registration in Registration.objects.filter(
        member_id=application.member_id,
        event__programme_id=application.programme_id,
        event__starts_at__gt=timezone.now(),
        status__in=[Registration.Status.CONFIRMED, Registration.Status.WAITLISTED],
    ):
        event_services.registration_cancel(
            registration=registration, member=application.member
        )


# --- Applying and selection ----------


def meetings_attended(*, member: User) -> int:
    return Registration.objects.filter(
        member=member,
        attendance=Registration.Attendance.ATTENDED,
        event__kind=EventKind.MEETING,
    ).count()


def prerequisites_unmet(*, programme: Programme, member: User) -> list[str]:
    """Plain-language reasons why the member cannot apply yet (empty when they can)."""
    reasons = []
    if not member.is_member:
        reasons.append(_("Only admitted members can apply."))
    attended = meetings_attended(member=member)
    if attended < programme.min_meetings_attended:
        reasons.append(
            _(
                "This programme asks that you first attend %(required)d club meetings; "
                "you have attended %(attended)d so far."
            )
            % {"required": programme.min_meetings_attended, "attended": attended}
        )
    return reasons


def training_apply(
    *, programme: Programme, member: User, data: dict
) -> TrainingApplication:
    now = timezone.now()
    if now < programme.applications_open_at:
        raise DomainError(_("Applications are not open yet."))
    if now > programme.applications_close_at:
        raise DomainError(_("Applications are closed."))
    reasons = prerequisites_unmet(programme=programme, member=member)
    if reasons:
        raise DomainError(" ".join(reasons))
    try:
        with transaction.atomic():
            application = TrainingApplication.objects.create(
                programme=programme, member=member, **data
            )
            for trainer_id in programme.trainers.values_list("pk", flat=True):
                notification_enqueue(
                    recipient=User(pk=trainer_id),
                    kind="training_application_received",
                    dedupe_key=f"training-app:{application.pk}:{trainer_id}",
                    context_ids={"application": application.pk},
                )
    except IntegrityError:
        raise DomainError(_("You have already applied to this programme.")) from None
    return application


def _lock_programme(programme_id: int) -> Programme:
    query = Programme.objects.all()
    if _LOCK_PROGRAMME:
        query = query.select_for_update()
    return query.get(pk=programme_id)


def _accepted_count(programme: Programme) -> int:
    return programme.applications.filter(
        status=TrainingApplication.Status.ACCEPTED
    ).count()


def _notify_outcome(application: TrainingApplication, kind: str) -> None:
    notification_enqueue(
        recipient=application.member,
        kind=kind,
        dedupe_key=f"{kind}:{application.pk}:{application.status}",
        context_ids={"application": application.pk},
    )


def _accept(application: TrainingApplication) -> None:
    application.status = TrainingApplication.Status.ACCEPTED
    application.decided_at = timezone.now()
    application.save(update_fields=["status", "decided_at", "decision_reason"])
    Strategy.objects.get_or_create(trainee=application)
    _register_for_sessions(application)
    _notify_outcome(application, "training_accepted")


def training_decide(
    *, application: TrainingApplication, trainer: User, decision: str, reason: str = ""
) -> TrainingApplication:
    """Accept, waitlist or decline. Locks the programme row, then counts the
    accepted, then writes: acceptance never exceeds the cohort size."""
    reason = (reason or "").strip()
    if decision == "decline" and not reason:
        raise DomainError(_("Please give a reason when you decline."))
    with transaction.atomic():
        programme = _lock_programme(application.programme_id)
        application = TrainingApplication.objects.select_related("member").get(
            pk=application.pk
        )
        if application.status in (
            TrainingApplication.Status.ACCEPTED,
            TrainingApplication.Status.WITHDRAWN,
            TrainingApplication.Status.DECLINED,
        ):
            raise DomainError(_("This application has already been decided."))
        application.decision_reason = reason
        if decision == "accept":
            accepted = _accepted_count(programme)
            _between_count_and_write()
            if accepted >= programme.cohort_size:
                raise DomainError(
                    _(
                        "The cohort is full (%(n)d of %(n)d). Put the applicant on the "
                        "waiting list instead."
                    )
                    % {"n": programme.cohort_size}
                )
            _accept(application)
        elif decision == "waitlist":
            if application.status != TrainingApplication.Status.WAITLISTED:
                application.queued_at = timezone.now()  # keeps their place otherwise
            application.status = TrainingApplication.Status.WAITLISTED
            application.save(update_fields=["status", "queued_at", "decision_reason"])
            _notify_outcome(application, "training_waitlisted")
        elif decision == "decline":
            application.status = TrainingApplication.Status.DECLINED
            application.decided_at = timezone.now()
            application.save(update_fields=["status", "decided_at", "decision_reason"])
            _notify_outcome(application, "training_declined")
        else:
            raise DomainError(_("Unknown decision."))
        audit_record(
            actor=trainer,
            action=f"training.{decision}",
            target_type="training_application",
            target_id=application.pk,
            reason=reason,
        )
    return application


def training_withdraw(*, application: TrainingApplication, member: User) -> None:
    """A trainee or applicant withdraws; a freed place goes to the first on the
    waiting list, who is told."""
    with transaction.atomic():
        programme = _lock_programme(application.programme_id)
        was_accepted = TrainingApplication.objects.filter(
            pk=application.pk, status=TrainingApplication.Status.ACCEPTED
        ).exists()
        updated = TrainingApplication.objects.filter(
            pk=application.pk,
            member=member,
            status__in=[
                TrainingApplication.Status.SUBMITTED,
                TrainingApplication.Status.WAITLISTED,
                TrainingApplication.Status.ACCEPTED,
            ],
        ).update(status=TrainingApplication.Status.WITHDRAWN)
        if updated != 1:
            raise DomainError(_("This application is already closed."))
        if not was_accepted:
            return
        _unregister_from_sessions(application)
        if _accepted_count(programme) < programme.cohort_size:
            following = (
                programme.applications.filter(
                    status=TrainingApplication.Status.WAITLISTED
                )
                .select_related("member")
                .order_by("queued_at", "id")
                .first()
            )
            if following is not None:
                _accept(following)


# --- Completion ----------


def completion_status(*, application: TrainingApplication, sessions=None) -> dict:
    """How far a trainee is from completion, with reasons in plain language."""
    programme = application.programme
    if sessions is None:
        sessions = list(
            Event.objects.filter(
                programme=programme, status=Event.Status.SCHEDULED
            ).values_list("pk", flat=True)
        )
    attended = Registration.objects.filter(
        member_id=application.member_id,
        event_id__in=sessions,
        attendance=Registration.Attendance.ATTENDED,
    ).count()
    submitted = Strategy.objects.filter(
        trainee=application, status=Strategy.Status.SUBMITTED
    ).exists()
    return _status(programme, len(sessions), attended, submitted)


def completion_status_bulk(*, programme: Programme, trainees) -> dict[int, dict]:
    """completion_status for many trainees in three queries."""
    from django.db.models import Count

    sessions = list(
        Event.objects.filter(
            programme=programme, status=Event.Status.SCHEDULED
        ).values_list("pk", flat=True)
    )
    attended = dict(
        Registration.objects.filter(
            event_id__in=sessions,
            attendance=Registration.Attendance.ATTENDED,
            member_id__in=[t.member_id for t in trainees],
        )
        .values_list("member_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    submitted = set(
        Strategy.objects.filter(
            trainee__in=trainees, status=Strategy.Status.SUBMITTED
        ).values_list("trainee_id", flat=True)
    )
    return {
        t.pk: _status(
            programme, len(sessions), attended.get(t.member_id, 0), t.pk in submitted
        )
        for t in trainees
    }


def _status(programme, total, attended, submitted) -> dict:
    share = round(100 * attended / total) if total else 0
    strategy_ok = not programme.requires_strategy or submitted
    reasons = []
    if total == 0:
        reasons.append(_("The programme has no sessions yet."))
    elif share < programme.completion_share:
        reasons.append(
            _(
                "Attended %(attended)d of %(total)d sessions (%(share)d%%); "
                "%(required)d%% needed."
            )
            % {
                "attended": attended,
                "total": total,
                "share": share,
                "required": programme.completion_share,
            }
        )
    if not strategy_ok:
        reasons.append(_("The strategy has not been submitted yet."))
    return {
        "attended": attended,
        "total": total,
        "share": share,
        "strategy_ok": strategy_ok,
        "complete": not reasons,
        "reasons": reasons,
    }


def trainees_viewed(*, programme: Programme, viewer: User) -> None:
    """Every view of a programme's trainee list (who takes part) is written to
    the audit log, like every attendee list."""
    audit_record(
        actor=viewer,
        action="programme.trainees_viewed",
        target_type="programme",
        target_id=programme.pk,
    )


def trainees_complete(*, programme: Programme, trainer: User) -> int:
    """Mark complete every trainee who meets the rule, and schedule their
    follow-up check-ins. Idempotent."""
    sessions = list(
        Event.objects.filter(
            programme=programme, status=Event.Status.SCHEDULED
        ).values_list("pk", flat=True)
    )
    done = 0
    for application in programme.applications.filter(
        status=TrainingApplication.Status.ACCEPTED, completed_at__isnull=True
    ).select_related("programme"):
        if completion_status(application=application, sessions=sessions)["complete"]:
            trainee_complete(application=application, actor=trainer)
            done += 1
    return done


def trainee_complete(*, application: TrainingApplication, actor: User) -> None:
    now = timezone.now()
    with transaction.atomic():
        updated = TrainingApplication.objects.filter(
            pk=application.pk,
            completed_at__isnull=True,
            status=TrainingApplication.Status.ACCEPTED,
        ).update(completed_at=now)
        if not updated:
            return
        for day in settings.TRAINING_FOLLOWUP_DAYS:
            checkin, _ = CheckIn.objects.get_or_create(
                trainee=application,
                day=day,
                defaults={"due_at": now + timedelta(days=day)},
            )
            notification_enqueue(
                recipient=application.member,
                kind="checkin_request",
                dedupe_key=f"checkin:{checkin.pk}",
                due_at=checkin.due_at,
                context_ids={"checkin": checkin.pk},
            )
            notification_enqueue(
                recipient=application.member,
                kind="checkin_reminder",
                dedupe_key=f"checkin-reminder:{checkin.pk}",
                due_at=checkin.due_at
                + timedelta(days=settings.TRAINING_CHECKIN_GRACE_DAYS),
                context_ids={"checkin": checkin.pk},
            )
        audit_record(
            actor=actor,
            action="training.completed",
            target_type="training_application",
            target_id=application.pk,
        )


# --- Strategies ----------

STRATEGY_FIELDS = ("goal", "audiences", "planned_reach", "channels", "key_messages")


def strategy_save(
    *,
    strategy: Strategy,
    trainee: User,
    data: dict,
    submit: bool,
    milestones: list[dict],
) -> Strategy:
    """The trainee revises their strategy; every save keeps a version."""
    if strategy.trainee.member_id != trainee.pk:
        raise DomainError(_("Only the trainee can change their strategy."))
    if submit and not (data.get("goal") or "").strip():
        raise DomainError(_("Write the goal before you submit the strategy."))
    with transaction.atomic():
        locked = Strategy.objects.select_for_update().get(pk=strategy.pk)
        for field in STRATEGY_FIELDS:
            setattr(locked, field, data[field])
        locked.version += 1
        if submit and locked.status != Strategy.Status.SUBMITTED:
            locked.status = Strategy.Status.SUBMITTED
            locked.submitted_at = timezone.now()
        locked.save()
        locked.milestones.all().delete()
        Milestone.objects.bulk_create(
            Milestone(
                strategy=locked,
                title=m["title"],
                due_date=m["due_date"],
                done_at=m.get("done_at"),
            )
            for m in milestones
        )
        StrategyVersion.objects.create(
            strategy=locked,
            number=locked.version,
            content={
                **{f: getattr(locked, f) for f in STRATEGY_FIELDS},
                "milestones": [
                    {"title": m["title"], "due_date": str(m["due_date"])}
                    for m in milestones
                ],
            },
        )
    return locked


def strategy_comment(*, strategy: Strategy, author: User, body: str) -> StrategyComment:
    body = (body or "").strip()
    if not body:
        raise DomainError(_("The comment is empty."))
    with transaction.atomic():
        comment = StrategyComment.objects.create(
            strategy=strategy, author=author, version=strategy.version, body=body
        )
        notification_enqueue(
            recipient=strategy.trainee.member,
            kind="strategy_commented",
            dedupe_key=f"strategy-comment:{comment.pk}",
            context_ids={"comment": comment.pk},
        )
    return comment


# --- Check-ins ----------


def checkin_submit(*, checkin: CheckIn, trainee: User, data: dict) -> CheckIn:
    if checkin.trainee.member_id != trainee.pk:
        raise DomainError(_("This check-in is not yours."))
    if timezone.now() < checkin.due_at:
        raise DomainError(
            _("This check-in opens on %(date)s.")
            % {"date": checkin.due_at.date().isoformat()}
        )
    with transaction.atomic():
        updated = CheckIn.objects.filter(
            pk=checkin.pk, submitted_at__isnull=True
        ).update(submitted_at=timezone.now(), **data)
        if not updated:
            raise DomainError(_("This check-in has already been sent."))
        if data.get("wants_help"):
            for trainer_id in checkin.trainee.programme.trainers.values_list(
                "pk", flat=True
            ):
                notification_enqueue(
                    recipient=User(pk=trainer_id),
                    kind="checkin_help_requested",
                    dedupe_key=f"help:{checkin.pk}:{trainer_id}",
                    context_ids={"checkin": checkin.pk},
                )
    checkin.refresh_from_db()
    return checkin


# --- Library ---------------------------------------------------------------------


def resource_save(*, author: User, data: dict, resource=None):
    from .models import Resource

    if resource is None:
        resource = Resource(author=author)
    for field, value in data.items():
        setattr(resource, field, value)
    resource.save()
    return resource
