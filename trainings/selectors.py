from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from events.models import Event, Registration

from .models import CheckIn, Programme, Strategy, TrainingApplication


def programmes_for_members() -> QuerySet[Programme]:
    return (
        Programme.objects.select_related("club")
        .annotate(
            accepted=Count("applications", filter=Q(applications__status="accepted"))
        )
        .order_by("-applications_open_at")
    )


def programme_sessions(*, programme: Programme) -> QuerySet[Event]:
    return (
        Event.objects.filter(programme=programme)
        .select_related("club")
        .order_by("starts_at")
    )


def applications(*, programme: Programme, status: str | None) -> QuerySet:
    queryset = programme.applications.select_related("member").order_by(
        "queued_at", "id"
    )
    if status:
        queryset = queryset.filter(status=status)
    return queryset


def trainee_overview(*, programme: Programme) -> list[dict]:
    """Each trainee: attendance, completion reasons, strategy status, milestones
    due, check-ins. A fixed number of queries whatever the cohort size."""
    from .services import completion_status_bulk

    trainees = list(
        programme.applications.filter(status=TrainingApplication.Status.ACCEPTED)
        .select_related("member")
        .prefetch_related(
            Prefetch("checkins", queryset=CheckIn.objects.order_by("day")),
        )
        .order_by("member__display_name")
    )
    strategies = {
        s.trainee_id: s
        for s in Strategy.objects.filter(trainee__in=trainees).prefetch_related(
            "milestones"
        )
    }
    statuses = completion_status_bulk(programme=programme, trainees=trainees)
    today = timezone.localdate()
    rows = []
    for trainee in trainees:
        strategy = strategies.get(trainee.pk)
        milestones = list(strategy.milestones.all()) if strategy else []
        rows.append(
            {
                "trainee": trainee,
                "status": statuses[trainee.pk],
                "strategy": strategy,
                "milestones_due": [
                    m for m in milestones if not m.done_at and m.due_date <= today
                ],
                "checkins": list(trainee.checkins.all()),
            }
        )
    return rows


def my_training(*, user) -> list[TrainingApplication]:
    return list(
        TrainingApplication.objects.filter(member=user)
        .select_related("programme")
        .prefetch_related(
            Prefetch("checkins", queryset=CheckIn.objects.order_by("day"))
        )
        .order_by("-created_at")
    )


def attended_sessions(*, application: TrainingApplication) -> int:
    return Registration.objects.filter(
        member_id=application.member_id,
        event__programme_id=application.programme_id,
        attendance=Registration.Attendance.ATTENDED,
    ).count()
