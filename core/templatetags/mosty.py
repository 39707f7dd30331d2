"""Template helpers for unambiguous times."""

from zoneinfo import ZoneInfo

from django import template
from django.utils import dateformat, formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext

from core.links import reverse_pk

register = template.Library()


@register.simple_tag
def pk_url(name, pk):
    """``{% url name pk %}`` for rows of a list: see core.links.reverse_pk."""
    return reverse_pk(name, pk)


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
    lists render it once per row, and this is the cost of one function call."""
    iso = dateformat.format(timezone.localtime(event.starts_at), "c")
    club_zone = event.club.timezone
    if event.format != "online":
        return format_html(
            '<time datetime="{}">{}–{}</time>',
            iso,
            local_dt(event.starts_at, club_zone),
            local_time(event.ends_at, club_zone),
        )
    html = format_html(
        '<time datetime="{}">{}–{}</time>',
        iso,
        local_dt(event.starts_at),
        local_time(event.ends_at),
    )
    if timezone.get_current_timezone_name() != club_zone:
        club_time = gettext("%(t)s in %(zone)s, the club's time") % {
            "t": local_time(event.starts_at, club_zone),
            "zone": club_zone,
        }
        html += format_html(' <span class="text-body-secondary">({})</span>', club_time)
    return html


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
