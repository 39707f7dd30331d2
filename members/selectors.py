"""Reads for applications, vetting, roles and the audit log."""

from datetime import datetime, time

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from core.models import AuditEntry
from core.querysets import subquery_count

from .models import Application, Decision, RoleAssignment, User, Vouch

QUEUE_STATES = {
    "new": [Application.Status.SUBMITTED],
    "info": [Application.Status.INFO_REQUESTED],
    "further": [Application.Status.PARTIALLY_APPROVED],
    "decided": list(Application.DECIDED_STATUSES),
}


QUEUE_COUNTS_KEY = "vetting:queue-counts"
# Short: a request that counted just before a change and stored its count
# just after the change dropped it would show the old tab counts (and page
# the queue by them) until this runs out.
QUEUE_COUNTS_SECONDS = 60


def vetting_queue_counts() -> dict[str, int]:
    """Applications per queue state: counted in one query over every
    application, then kept in the cache (four numbers, no names) until an
    application is created, changes or is deleted (members/apps.py)."""
    cached = cache.get(QUEUE_COUNTS_KEY)
    if cached is not None:
        return cached
    counts = dict(
        Application.objects.values_list("status").annotate(n=Count("id")).order_by()
    )
    result = {
        state: sum(counts.get(status, 0) for status in statuses)
        for state, statuses in QUEUE_STATES.items()
    }
    cache.set(QUEUE_COUNTS_KEY, result, QUEUE_COUNTS_SECONDS)
    return result


def vetting_queue_counts_forget() -> None:
    """Now and again at commit, as pending_vouch_count_forget does."""
    cache.delete(QUEUE_COUNTS_KEY)
    transaction.on_commit(lambda: cache.delete(QUEUE_COUNTS_KEY))


def vetting_queue(*, state: str) -> QuerySet[Application]:
    """Oldest first for open states, newest decisions first for 'decided'."""
    statuses = QUEUE_STATES.get(state, QUEUE_STATES["new"])
    queryset = (
        Application.objects.filter(status__in=statuses)
        .select_related("applicant")
        .only(
            "id",
            "status",
            "submitted_at",
            "decided_at",
            "country",
            "city",
            "languages",
            "applicant__id",
            "applicant__display_name",
        )
        .annotate(
            # Counted for the page shown only; the paginator's count skips them.
            confirmed_vouches=subquery_count(
                Vouch.objects.filter(
                    application=OuterRef("pk"), status=Vouch.Status.CONFIRMED
                ),
                per="application",
            ),
            approvals=subquery_count(
                Decision.objects.filter(
                    application=OuterRef("pk"), kind=Decision.Kind.APPROVE
                ),
                per="application",
            ),
        )
    )
    if state == "decided":
        return queryset.order_by("-decided_at", "-id")
    return queryset.order_by("submitted_at", "id")


def next_in_queue(*, after: Application) -> Application | None:
    """The oldest other open application, for 'decide and go to the next'."""
    return (
        Application.objects.filter(status__in=Application.OPEN_STATUSES)
        .exclude(pk=after.pk)
        .order_by("submitted_at", "id")
        .only("id")
        .first()
    )


def dossier(*, application: Application) -> Application:
    return (
        Application.objects.select_related("applicant")
        .prefetch_related(
            Prefetch("vouches", queryset=Vouch.objects.select_related("voucher")),
            Prefetch("decisions", queryset=Decision.objects.select_related("vetter")),
        )
        .get(pk=application.pk)
    )


def previous_applications(*, application: Application) -> QuerySet[Application]:
    return (
        Application.objects.filter(applicant_id=application.applicant_id)
        .exclude(pk=application.pk)
        .only("id", "status", "submitted_at", "decided_at")
        .order_by("-submitted_at")
    )


def application_current(*, user: User) -> Application | None:
    return (
        Application.objects.filter(applicant=user)
        .prefetch_related(
            Prefetch("vouches", queryset=Vouch.objects.select_related("voucher"))
        )
        .order_by("-submitted_at", "-id")
        .first()
    )


def vouch_requests(*, user: User) -> QuerySet[Vouch]:
    return (
        Vouch.objects.filter(voucher=user)
        .select_related("application__applicant")
        .order_by("-requested_at")
    )


PENDING_VOUCHES_KEY = "nav:pending-vouches:{}"
PENDING_VOUCHES_SECONDS = 300


def pending_vouch_count(*, user: User) -> int:
    """The badge in every signed-in member's navigation. Kept in the cache
    (a count, no names), dropped whenever one of the user's vouches or the
    application behind it changes (members/apps.py), so it is never stale."""
    key = PENDING_VOUCHES_KEY.format(user.pk)
    count = cache.get(key)
    if count is None:
        count = Vouch.objects.filter(
            voucher=user,
            status=Vouch.Status.REQUESTED,
            application__status__in=Application.OPEN_STATUSES,
        ).count()
        cache.set(key, count, PENDING_VOUCHES_SECONDS)
    return count


def pending_vouch_count_forget(*, user_ids) -> None:
    """Drop the cached badge counts now and again when the transaction
    commits (a request reading in between would cache the old count)."""
    keys = [PENDING_VOUCHES_KEY.format(pk) for pk in set(user_ids)]
    if not keys:
        return
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


def role_assignments() -> QuerySet[RoleAssignment]:
    return RoleAssignment.objects.select_related("user", "club").order_by(
        "role", "user__display_name"
    )


def audit_entries(*, filters: dict) -> QuerySet[AuditEntry]:
    queryset = AuditEntry.objects.all()
    if filters.get("action"):
        queryset = queryset.filter(action__startswith=filters["action"])
    if filters.get("actor"):
        queryset = queryset.filter(actor_id=filters["actor"])
    if filters.get("target_type"):
        queryset = queryset.filter(target_type=filters["target_type"])
    if filters.get("target_id"):
        queryset = queryset.filter(target_id=filters["target_id"])
    tz = timezone.get_current_timezone()
    if filters.get("since"):
        queryset = queryset.filter(
            created_at__gte=datetime.combine(filters["since"], time.min, tzinfo=tz)
        )
    if filters.get("until"):
        queryset = queryset.filter(
            created_at__lte=datetime.combine(filters["until"], time.max, tzinfo=tz)
        )
    return queryset.order_by("-created_at", "-id")


def display_names(*, user_ids) -> dict[int, str]:
    """Pseudonyms for a page of audit rows, in one query."""
    ids = {i for i in user_ids if i}
    return dict(User.objects.filter(pk__in=ids).values_list("pk", "display_name"))


# --- Journal (only ever for its owner) ------------------------------------------


def journal_people(*, owner: User):
    from django.db.models import Max

    from .models import JournalPerson

    return (
        JournalPerson.objects.filter(owner=owner)
        .annotate(conversations=Count("entries"), last_talk=Max("entries__date"))
        .order_by("-last_talk", "created_at")
    )


def journal_trend(*, person) -> dict:
    """Stance over time for one person, and what the guidance should say."""
    entries = list(person.entries.order_by("date", "id"))
    points = [(e.date, e.stance_before, e.stance_after) for e in entries]
    change = None
    if entries:
        change = entries[-1].stance_after - entries[0].stance_before
    return {
        "entries": entries,
        "points": points,
        "change": change,
        "count": len(entries),
    }


def stories_for_member(*, user: User):
    from .models import Story

    clubs = list(
        user.club_memberships.filter(status="active").values_list("club_id", flat=True)
    )
    return (
        Story.objects.filter(status=Story.Status.APPROVED)
        .filter(Q(audience=Story.Audience.ALL) | Q(club_id__in=clubs))
        .select_related("author", "club")
        .annotate(helped=Count("reactions"))
        .order_by("-created_at")
    )


def stories_to_review(*, club_ids):
    from .models import Story

    return (
        Story.objects.filter(status=Story.Status.PENDING, club_id__in=club_ids)
        .select_related("author", "club")
        .order_by("created_at")
    )
