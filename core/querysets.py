"""Query helpers shared by the apps."""

from django.db.models import Count, IntegerField, QuerySet, Subquery
from django.db.models.functions import Coalesce


def subquery_count(rows: QuerySet, *, per: str) -> Coalesce:
    """How many of ``rows`` (filtered on ``OuterRef``) belong to each outer row.

    A correlated subquery, not a JOIN + GROUP BY: PostgreSQL counts only for the
    rows a page shows (after ORDER BY ... LIMIT), so a list costs the same with
    ten or ten thousand rows behind it, and ``count()`` on the list skips it.
    """
    counted = rows.order_by().values(per).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)
