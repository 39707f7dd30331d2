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
