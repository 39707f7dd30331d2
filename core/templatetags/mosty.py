"""Template helpers for unambiguous times."""

import functools
from zoneinfo import ZoneInfo

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import dateformat, formats, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext

from core.links import reverse_pk

register = template.Library()


@register.simple_tag
def pk_url(name, pk):
    """``{% url name pk %}`` for rows of a list: see core.links.reverse_pk."""
    return reverse_pk(name, pk)


@register.filter
def has_tag(messages, tag: str) -> bool:
    """``{% if messages|has_tag:"mail-not-sent" %}``: whether a message of
    this request carries ``tag`` in its extra tags. The messages are still
    shown where the layout shows them."""
    return any(tag in (message.extra_tags or "").split() for message in messages)


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


@register.simple_tag
def event_when(event):
    """When an event takes place, for lists and pages: in the club's zone for
    meetings in a place; in the viewer's zone for online ones, with the club's
    time added when the zones differ. A tag rather than an included template:
    lists render it once per row, and this is the cost of one function call,
    or of a dictionary look-up for a time already shown in this language and
    zone (the text is the same for everyone who reads it there)."""
    # format_html's SafeString, kept as it is by the cache.
    return _when(
        event.starts_at,
        event.ends_at,
        event.format == "online",
        event.club.timezone,
        timezone.get_current_timezone_name(),
        get_language(),
    )


# Keyed by everything the text depends on, the active language and zone
# included: times and zone names only, nothing about who looks or attends.
# 2,048 entries of about 200 characters: under 1 MB per process.
@functools.lru_cache(maxsize=2048)
def _when(starts_at, ends_at, online, club_zone, viewer_zone, language) -> SafeString:
    iso = dateformat.format(timezone.localtime(starts_at), "c")
    if not online:
        return format_html(
            '<time datetime="{}">{}–{}</time>',
            iso,
            local_dt(starts_at, club_zone),
            local_time(ends_at, club_zone),
        )
    html = format_html(
        '<time datetime="{}">{}–{}</time>',
        iso,
        local_dt(starts_at),
        local_time(ends_at),
    )
    if viewer_zone != club_zone:
        club_time = gettext("%(t)s in %(zone)s, the club's time") % {
            "t": local_time(starts_at, club_zone),
            "zone": club_zone,
        }
        html += format_html(' <span class="text-body-secondary">({})</span>', club_time)
    return html


@receiver(setting_changed)
def _forget_times(**kwargs):
    """Formats are settings too (DATE_FORMAT, USE_TZ...): tests that change
    one see the change."""
    _when.cache_clear()


@register.inclusion_tag("_bar_chart.html")
def bar_chart(rows, title, chart_id, label_format="%m.%y"):
    """rows: [(date or label, int or Suppressed)] -> an accessible SVG bar chart."""
    numbers = [v for _, v in rows if isinstance(v, int)]
    top = max(numbers) if numbers else 0
    width = max(600, 40 * len(rows))
    step = width / max(len(rows), 1)
    out = []
    for index, (label, value) in enumerate(rows):
        text = (
            label.strftime(label_format) if hasattr(label, "strftime") else str(label)
        )
        height = None
        if isinstance(value, int):
            height = round(120 * value / top) if top else 0
        out.append(
            {
                "x": round(index * step, 1),
                "w": round(step - 4, 1),
                "cx": round(step / 2, 1),
                "y": 130 - (height or 0),
                "height": height,
                "label": text,
                "value": value,
            }
        )
    return {
        "chart_rows": out,
        "chart_title": title,
        "chart_id": chart_id,
        "chart_width": width,
    }


@register.filter
def figure(value):
    """A figure for display: Suppressed reads 'fewer than N', None reads '—'."""
    if value is None:
        return "—"
    return str(value)
