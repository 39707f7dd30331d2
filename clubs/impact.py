"""Impact figures and club health (reads).

Privacy: no figure about people is ever shown or exported for a group smaller
than IMPACT_MIN_GROUP_SIZE; such a figure is returned as Suppressed and reads
"fewer than N". Journal aggregates use only members who opted in to count, and
never read a journal's text.
"""

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from events.models import Event, Registration
from members.models import JournalEntry, Story, User
from trainings.models import CheckIn, Strategy, TrainingApplication

from .models import Club, ClubMembership


@dataclass(frozen=True)
class Suppressed:
    minimum: int

    def __str__(self):
        from django.utils.translation import gettext

        return gettext("fewer than %(n)d") % {"n": self.minimum}


def guard(value, group_size: int):
    """The value, or Suppressed if it describes fewer people than the minimum."""
    minimum = settings.IMPACT_MIN_GROUP_SIZE
    return value if group_size >= minimum else Suppressed(minimum)


@dataclass
class Period:
    start: date
    end: date

    @property
    def start_dt(self):
        return datetime.combine(
            self.start, time.min, tzinfo=timezone.get_current_timezone()
        )

    @property
    def end_dt(self):
        return datetime.combine(
            self.end, time.max, tzinfo=timezone.get_current_timezone()
        )


def default_period() -> Period:
    today = timezone.localdate()
    return Period(start=today - timedelta(days=365), end=today)


def _months(period: Period) -> list[date]:
    months, cursor = [], period.start.replace(day=1)
    while cursor <= period.end:
        months.append(cursor)
        cursor = (cursor + timedelta(days=32)).replace(day=1)
    return months


def figures(*, period: Period, club: Club | None = None) -> dict:
    """Every figure of the impact page, for the platform or one club."""
    events = Event.objects.filter(
        status=Event.Status.SCHEDULED,
        starts_at__range=(period.start_dt, period.end_dt),
        ends_at__lt=timezone.now(),
    )
    memberships = ClubMembership.objects.filter(status=ClubMembership.Status.ACTIVE)
    registrations = Registration.objects.filter(
        event__in=events, status=Registration.Status.CONFIRMED
    )
    if club is not None:
        events = events.filter(club=club)
        memberships = memberships.filter(club=club)
        registrations = registrations.filter(event__club=club)

    active_since = timezone.now() - timedelta(days=90)
    active_members = (
        Registration.objects.filter(
            attendance=Registration.Attendance.ATTENDED,
            event__starts_at__gte=active_since,
            member__isnull=False,
        )
        .filter(**({"event__club": club} if club else {}))
        .values("member")
        .distinct()
        .count()
    )
    marked = registrations.exclude(attendance=Registration.Attendance.UNKNOWN)
    attendance = marked.aggregate(
        marked=Count("id"),
        attended=Count("id", filter=Q(attendance=Registration.Attendance.ATTENDED)),
    )
    rate = (
        round(100 * attendance["attended"] / attendance["marked"])
        if attendance["marked"]
        else None
    )

    if club is None:
        joined = User.objects.filter(
            status=User.Status.MEMBER,
            member_since__range=(period.start_dt, period.end_dt),
        )
        joined_by_month = dict(
            joined.annotate(m=TruncMonth("member_since"))
            .values_list("m")
            .annotate(n=Count("id"))
            .order_by()
        )
    else:
        joined = memberships.filter(created_at__range=(period.start_dt, period.end_dt))
        joined_by_month = dict(
            joined.annotate(m=TruncMonth("created_at"))
            .values_list("m")
            .annotate(n=Count("id"))
            .order_by()
        )
    new_members = []
    for month in _months(period):
        count = sum(n for m, n in joined_by_month.items() if m and m.date() == month)
        new_members.append((month, guard(count, count)))

    trainings = TrainingApplication.objects.filter(
        completed_at__isnull=False, completed_at__range=(period.start_dt, period.end_dt)
    )
    strategies = Strategy.objects.filter(
        status=Strategy.Status.SUBMITTED, trainee__completed_at__isnull=False
    )
    checkins = CheckIn.objects.filter(
        submitted_at__isnull=False, submitted_at__range=(period.start_dt, period.end_dt)
    )
    if club is not None:
        trainings = trainings.filter(programme__club=club)
        strategies = strategies.filter(trainee__programme__club=club)
        checkins = checkins.filter(trainee__programme__club=club)
    # People reached: the latest check-in of each trainee (numbers are cumulative).
    latest = {}
    for trainee_id, day, reached in checkins.values_list(
        "trainee_id", "day", "people_reached"
    ):
        if trainee_id not in latest or day > latest[trainee_id][0]:
            latest[trainee_id] = (day, reached or 0)
    reached = sum(r for _, r in latest.values())

    journal = journal_aggregate(period=period, club=club)
    stories = Story.objects.filter(
        status=Story.Status.APPROVED, created_at__range=(period.start_dt, period.end_dt)
    )
    if club is not None:
        stories = stories.filter(club=club)
    story_count = stories.count()
    story_authors = stories.values("author").distinct().count()
    trainings_completed = trainings.count()
    strategies_active = strategies.count()
    return {
        "period": period,
        "club": club,
        "clubs": 1 if club else Club.objects.count(),
        "active_members": guard(active_members, active_members),
        "events_held": events.count(),
        "attendance_rate": guard(rate, attendance["marked"])
        if rate is not None
        else None,
        "new_members": new_members,
        "new_members_total": guard(joined.count(), joined.count()),
        "trainings_completed": guard(trainings_completed, trainings_completed),
        "strategies_active": guard(strategies_active, strategies_active),
        "people_reached": guard(reached, len(latest)),
        "stories_shared": guard(story_count, story_authors),
        "journal": journal,
        "attendance_by_month": attendance_by_month(
            registrations=registrations, period=period
        ),
    }


def journal_aggregate(*, period: Period, club: Club | None = None) -> dict:
    """Share of tracked relationships whose stance improved after three or more
    conversations, from opted-in members only; suppressed below the minimum
    number of members."""
    entries = JournalEntry.objects.filter(
        owner__journal_in_aggregates=True, date__lte=period.end
    )
    if club is not None:
        entries = entries.filter(
            owner__club_memberships__club=club, owner__club_memberships__status="active"
        )
    rows = entries.values_list(
        "person_id", "owner_id", "date", "id", "stance_before", "stance_after"
    ).order_by("person_id", "date", "id")
    people: dict[int, list] = {}
    owners: dict[int, int] = {}
    for person_id, owner_id, _date, _id, before, after in rows:
        people.setdefault(person_id, []).append((before, after))
        owners[person_id] = owner_id
    tracked = {p: talks for p, talks in people.items() if len(talks) >= 3}
    improved = sum(1 for talks in tracked.values() if talks[-1][1] > talks[0][0])
    members = len({owners[p] for p in tracked})
    share = round(100 * improved / len(tracked)) if tracked else None
    return {
        "relationships": guard(len(tracked), members),
        "improved_share": guard(share, members) if share is not None else None,
        "members": guard(members, members),
    }


def attendance_by_month(*, registrations, period: Period) -> list:
    rows = dict(
        registrations.filter(attendance=Registration.Attendance.ATTENDED)
        .annotate(m=TruncMonth("event__starts_at"))
        .values_list("m")
        .annotate(n=Count("id"))
        .order_by()
    )
    out = []
    for month in _months(period):
        count = sum(n for m, n in rows.items() if m and m.date() == month)
        out.append((month, guard(count, count)))
    return out


def club_health(*, club: Club) -> dict:
    """Events held, attendance trend, new members and waitlist pressure."""
    period = Period(
        start=timezone.localdate() - timedelta(days=180), end=timezone.localdate()
    )
    data = figures(period=period, club=club)
    past = Event.objects.filter(
        club=club,
        status=Event.Status.SCHEDULED,
        starts_at__range=(period.start_dt, timezone.now()),
    )
    waiting = list(
        past.annotate(
            waiting=Count("registrations", filter=Q(registrations__status="waitlisted"))
        ).values_list("waiting", flat=True)
    )
    people_waiting = sum(waiting)
    data["waitlist"] = {
        "events_with_waitlist": sum(1 for n in waiting if n),
        "events": len(waiting),
        "people_waiting": guard(people_waiting, people_waiting),
    }
    return data


def csv_export(data: dict) -> str:
    """The same figures as the page, for funders. Suppressed stays suppressed."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["figure", "value"])
    writer.writerow(["period_start", data["period"].start.isoformat()])
    writer.writerow(["period_end", data["period"].end.isoformat()])
    writer.writerow(["club", data["club"].slug if data["club"] else "all"])
    for key in (
        "clubs",
        "active_members",
        "events_held",
        "attendance_rate",
        "new_members_total",
        "trainings_completed",
        "strategies_active",
        "people_reached",
        "stories_shared",
    ):
        writer.writerow([key, _cell(data[key])])
    for key, value in data["journal"].items():
        writer.writerow([f"journal_{key}", _cell(value)])
    for month, value in data["new_members"]:
        writer.writerow([f"new_members_{month:%Y-%m}", _cell(value)])
    for month, value in data["attendance_by_month"]:
        writer.writerow([f"attended_{month:%Y-%m}", _cell(value)])
    return buffer.getvalue()


def _cell(value):
    if isinstance(value, Suppressed):
        return f"<{value.minimum}"
    return "" if value is None else value
