"""Template helpers for unambiguous times."""

from zoneinfo import ZoneInfo

from django import template
from django.utils import formats, timezone

register = template.Library()


@register.filter
def local_dt(value, zone: str | None = None):
    """'22 November 2026, 19:00 (Europe/Berlin)': a time with its zone named,
    in ``zone`` or else the active zone (the viewer's or the recipient's)."""
    if not value:
        return ""
    tz = ZoneInfo(zone) if zone else timezone.get_current_timezone()
    local = timezone.localtime(value, tz)
    date = formats.date_format(local, "DATE_FORMAT")
    return f"{date}, {local:%H:%M} ({tz.key if hasattr(tz, 'key') else tz})"


@register.filter
def local_time(value, zone: str | None = None):
    if not value:
        return ""
    tz = ZoneInfo(zone) if zone else timezone.get_current_timezone()
    return f"{timezone.localtime(value, tz):%H:%M}"
