"""Occurrences of a recurring meeting, in the club's wall-clock time.

Rules are evaluated on naive local datetimes (dateutil.rrule), then each one is
given the club's zone: a 19:00 meeting in Berlin stays at 19:00 Berlin time in
winter and in summer, so its UTC time moves with daylight saving.
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import MONTHLY, WEEKLY, rrule, weekday


def local_to_utc(naive_local: datetime, zone: str) -> datetime:
    """Attach the zone; a wall-clock time that does not exist (the spring-forward
    gap) moves forward by the gap, as calendar apps do."""
    tz = ZoneInfo(zone)
    aware = naive_local.replace(tzinfo=tz)
    roundtrip = aware.astimezone(ZoneInfo("UTC")).astimezone(tz).replace(tzinfo=None)
    if roundtrip != naive_local:  # inside a DST gap
        aware = (naive_local + timedelta(hours=1)).replace(tzinfo=tz)
    return aware.astimezone(ZoneInfo("UTC"))


def rule_for(series) -> rrule:
    start = series.first_start_local.replace(tzinfo=None)
    until = (
        datetime.combine(series.until, time.max) if series.until is not None else None
    )
    if series.frequency == "monthly_weekday":
        day = weekday(start.weekday(), series.week_of_month or 1)
        return rrule(MONTHLY, dtstart=start, byweekday=day, until=until)
    return rrule(WEEKLY, dtstart=start, interval=max(series.interval, 1), until=until)


def week_of_month(day: datetime) -> int:
    """1..4 for the first to fourth such weekday of the month, -1 for the last."""
    nth = (day.day - 1) // 7 + 1
    return -1 if nth == 5 else nth


def occurrences_between(series, start_local: datetime, end_local: datetime):
    """Naive local start times of the series in [start_local, end_local)."""
    return [
        occurrence
        for occurrence in rule_for(series).between(
            start_local.replace(tzinfo=None), end_local.replace(tzinfo=None), inc=True
        )
        if occurrence < end_local.replace(tzinfo=None)
    ]
