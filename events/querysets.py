from django.apps import apps
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from core.querysets import subquery_count


class EventQuerySet(QuerySet):
    def upcoming(self):
        return self.filter(ends_at__gte=timezone.now()).order_by("starts_at", "id")

    def past(self):
        return self.filter(ends_at__lt=timezone.now()).order_by("-starts_at", "-id")

    def scheduled(self):
        return self.filter(status="scheduled")

    def visible_to(self, user):
        """Events a member may open: their clubs', every event open to all
        members, and every event of clubs they organize (admins: all)."""
        from clubs.access import organized_club_ids

        if not user.is_authenticated or not user.is_member:
            return self.none()
        organized = organized_club_ids(user)
        # EXISTS on the unique (club, user) and (programme, member) pairs, not
        # JOINs + DISTINCT: the check costs the same in a club of ten members
        # or ten thousand.
        club = apps.get_model("clubs", "ClubMembership").objects.filter(
            club=OuterRef("club"), user=user, status="active"
        )
        applications = apps.get_model("trainings", "TrainingApplication").objects
        trainee = applications.filter(
            programme=OuterRef("programme"), member=user, status="accepted"
        )
        trainers = apps.get_model("trainings", "Programme").trainers.through.objects
        trainer = trainers.filter(programme=OuterRef("programme"), user=user)
        club_member = ~Q(eligibility="programme") & Q(Exists(club))
        return self.filter(
            Q(eligibility="all")
            | club_member
            | Q(eligibility="programme") & Q(Exists(trainee))
            | Q(Exists(trainer))
            | Q(club_id__in=organized)
        )

    def with_seat_counts(self, *, waitlist: bool = True):
        queryset = self.annotate(confirmed_count=registration_count(status="confirmed"))
        if waitlist:
            queryset = queryset.annotate(
                waitlist_count=registration_count(status="waitlisted")
            )
        return queryset


def registration_count(**filters):
    """Each event's registrations matching ``filters`` (bounded: see
    core.querysets.subquery_count)."""
    from .models import Registration

    return subquery_count(
        Registration.objects.filter(event=OuterRef("pk"), **filters), per="event"
    )
