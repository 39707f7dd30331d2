from django.db.models import Count, Q, QuerySet
from django.utils import timezone


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
        trainee = Q(
            eligibility="programme",
            programme__applications__member=user,
            programme__applications__status="accepted",
        )
        club_member = ~Q(eligibility="programme") & Q(
            club__memberships__user=user, club__memberships__status="active"
        )
        return self.filter(
            Q(eligibility="all")
            | club_member
            | trainee
            | Q(programme__trainers=user)
            | Q(club_id__in=organized)
        ).distinct()

    def with_seat_counts(self):
        return self.annotate(
            confirmed_count=Count(
                "registrations",
                filter=Q(registrations__status="confirmed"),
                distinct=True,
            ),
            waitlist_count=Count(
                "registrations",
                filter=Q(registrations__status="waitlisted"),
                distinct=True,
            ),
        )
