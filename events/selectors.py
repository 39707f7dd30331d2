from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils import timezone

from clubs.models import Club, ClubMembership

from .models import Event, Registration
from .querysets import registration_count


def my_registration(*, event: Event, user) -> Registration | None:
    if not user.is_authenticated:
        return None
    return (
        Registration.objects.filter(event=event, member=user)
        .exclude(status=Registration.Status.CANCELLED)
        .first()
    )


# What the home page shows of each event (title, link, time, club): the lists
# load these columns only, not the descriptions and every setting of each
# event and club. tests/test_query_budget.py fails if the page needs another.
HOME_EVENT_FIELDS = (
    "title",
    "format",
    "starts_at",
    "ends_at",
    "status",
    "club_id",
    "club__name",
    "club__slug",
    "club__timezone",
)
HOME_REGISTRATION_FIELDS = (
    "status",
    "queued_at",
    "event_id",
    *(f"event__{field}" for field in HOME_EVENT_FIELDS),
)


def member_home(*, user) -> dict:
    """Next events (with waitlist positions) and clubs, in a fixed number of queries."""
    registrations = list(
        Registration.objects.filter(
            member=user,
            status__in=[Registration.Status.CONFIRMED, Registration.Status.WAITLISTED],
            event__ends_at__gte=timezone.now(),
            event__status=Event.Status.SCHEDULED,
        )
        .select_related("event__club")
        .only(*HOME_REGISTRATION_FIELDS)
        .order_by("event__starts_at")[:20]
    )
    waitlisted = [
        r for r in registrations if r.status == Registration.Status.WAITLISTED
    ]
    positions = {}
    if waitlisted:
        # One query: for each waitlisted registration, how many are ahead of it.
        ahead = Registration.objects.filter(
            event_id__in=[r.event_id for r in waitlisted],
            status=Registration.Status.WAITLISTED,
        ).values_list("event_id", "queued_at", "id")
        rows = list(ahead)
        for registration in waitlisted:
            positions[registration.pk] = sum(
                1
                for event_id, queued_at, pk in rows
                if event_id == registration.event_id
                and (queued_at, pk) <= (registration.queued_at, registration.pk)
            )
    memberships = list(
        ClubMembership.objects.filter(user=user)
        .select_related("club")
        .only("status", "club_id", "club__name", "club__slug")
        .order_by("club__name")
    )
    club_ids = [
        m.club_id for m in memberships if m.status == ClubMembership.Status.ACTIVE
    ]
    suggestions = list(
        Event.objects.scheduled()
        .upcoming()
        .filter(club_id__in=club_ids)
        .exclude(
            # The member's own live registration: one NOT EXISTS, so that an
            # event they cancelled is suggested again.
            Exists(
                Registration.objects.filter(
                    event=OuterRef("pk"),
                    member=user,
                    status__in=[
                        Registration.Status.CONFIRMED,
                        Registration.Status.WAITLISTED,
                    ],
                )
            )
        )
        .select_related("club")
        .only(*HOME_EVENT_FIELDS)[:5]
    )
    from clubs.access import organized_club_ids

    organized = list(
        Club.objects.filter(pk__in=organized_club_ids(user)).order_by("name")
    )
    return {
        "organized": organized,
        "registrations": [(r, positions.get(r.pk)) for r in registrations],
        "memberships": memberships,
        "suggestions": suggestions,
    }


MEMBER_COUNTS_KEY = "club-member-counts"


def club_member_counts() -> dict[int, int]:
    """Active members per club id. Counting every membership costs more the
    more members there are, so the counts are kept as long as public pages are
    (PUBLIC_PAGE_CACHE_SECONDS): a new member shows up within that time."""
    counts = cache.get(MEMBER_COUNTS_KEY)
    if counts is None:
        counts = dict(
            ClubMembership.objects.filter(status=ClubMembership.Status.ACTIVE)
            .values_list("club")
            .annotate(n=Count("id"))
            .order_by()
        )
        if settings.PUBLIC_PAGE_CACHE_SECONDS > 0:
            cache.set(MEMBER_COUNTS_KEY, counts, settings.PUBLIC_PAGE_CACHE_SECONDS)
    return counts


def club_directory(*, filters: dict) -> list[Club]:
    queryset = Club.objects.all()
    if filters.get("country"):
        queryset = queryset.filter(country__iexact=filters["country"])
    if filters.get("city"):
        queryset = queryset.filter(city__iexact=filters["city"])
    if filters.get("language"):
        queryset = queryset.filter(languages__contains=[filters["language"]])
    if filters.get("online"):
        queryset = queryset.filter(is_online=True)
    clubs = list(queryset.order_by("country", "city", "name"))
    counts = club_member_counts()
    for club in clubs:
        club.member_count = counts.get(club.pk, 0)
    return clubs


def club_public_events(*, club: Club) -> QuerySet[Event]:
    """What a club page shows the public: when it meets. Never who attends."""
    return (
        Event.objects.scheduled()
        .upcoming()
        .filter(club=club)
        .select_related("club")
        .only(
            "id",
            "title",
            "kind",
            "format",
            "starts_at",
            "ends_at",
            "language",
            "club__id",
            "club__timezone",
        )[:10]
    )


# What the organizer dashboard shows of each event (templates/clubs/
# club_dashboard.html): not the descriptions, summaries and settings.
DASHBOARD_EVENT_FIELDS = (
    "title",
    "format",
    "starts_at",
    "ends_at",
    "status",
    "capacity",
    "club_id",
    "club__timezone",
)


def organizer_dashboard(*, club: Club) -> dict:
    upcoming = list(
        Event.objects.filter(club=club)
        .upcoming()
        .select_related("club")
        .only(*DASHBOARD_EVENT_FIELDS)
        .with_seat_counts()[:20]
    )
    recent = list(
        Event.objects.filter(club=club, status=Event.Status.SCHEDULED)
        .past()
        .only("title", "starts_at")
        .annotate(
            attended=registration_count(attendance="attended"),
            no_show=registration_count(attendance="no_show"),
            confirmed_count=registration_count(status="confirmed"),
        )[:10]
    )
    pending = ClubMembership.objects.filter(
        club=club, status=ClubMembership.Status.PENDING
    ).count()
    return {"upcoming": upcoming, "recent": recent, "pending_members": pending}


def attendee_list(*, event: Event) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(
            event=event,
            status__in=[Registration.Status.CONFIRMED, Registration.Status.WAITLISTED],
        )
        .select_related("member")
        .only(
            "id",
            "status",
            "attendance",
            "queued_at",
            "member__id",
            "member__display_name",
        )
        .order_by("status", "queued_at", "id")
    )


def club_members(*, club: Club) -> QuerySet[ClubMembership]:
    return (
        ClubMembership.objects.filter(club=club)
        .select_related("user")
        .only("id", "status", "created_at", "user__id", "user__display_name")
        .order_by("status", "user__display_name")
    )


def feed_events_for_member(*, user) -> QuerySet[Event]:
    """The member's events for their private feed (cancelled events stay, marked
    cancelled, so calendar apps remove them properly)."""
    since = timezone.now() - timedelta(days=60)
    return (
        Event.objects.filter(
            registrations__member=user,
            registrations__status__in=["confirmed", "waitlisted"],
            starts_at__gte=since,
        )
        .select_related("club")
        .distinct()
        .order_by("starts_at")
    )


def club_feed_events(*, club: Club) -> QuerySet[Event]:
    since = timezone.now() - timedelta(days=60)
    return Event.objects.filter(club=club, starts_at__gte=since).order_by("starts_at")
