"""Recurring meetings keep their wall-clock time in the club's zone."""

import calendar
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from clubs.models import Club
from events import recurrence, services
from events.models import Event, Series
from tests.factories import make_admin

pytestmark = pytest.mark.django_db

BERLIN = "Europe/Berlin"
ALMATY = "Asia/Almaty"
# Europe/Berlin in 2026: summer time from Sunday 29 March (02:00 -> 03:00)
# until Sunday 25 October (03:00 -> 02:00).
SPRING_FORWARD = date(2026, 3, 29)
FALL_BACK = date(2026, 10, 25)


def _club(zone=BERLIN, slug="berlin"):
    return Club.objects.create(
        name=f"Club {slug}", slug=slug, city="Berlin", country="DE", timezone=zone
    )


def _data(club, local_start, minutes=90):
    zone = ZoneInfo(club.timezone)
    starts_at = local_start.replace(tzinfo=zone).astimezone(UTC)
    return {
        "kind": "meeting",
        "title": "Conversation evening",
        "description": "",
        "language": "ru",
        "speaker": "",
        "format": "offline",
        "venue_address": "Hauptstrasse 1",
        "online_link": "",
        "capacity": 12,
        "eligibility": "club",
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(minutes=minutes),
        "registration_opens_at": None,
    }


def _create(club, local_start, *, minutes=90, frequency="weekly", **kwargs):
    return services.series_create(
        club=club,
        actor=make_admin(),
        data=_data(club, local_start, minutes),
        frequency=frequency,
        **kwargs,
    )


def _occurrences(series):
    return list(Event.objects.filter(series=series).order_by("starts_at"))


def _local(event):
    return event.starts_at.astimezone(ZoneInfo(event.club.timezone))


# --- Daylight saving ----------


@time_machine.travel(datetime(2026, 3, 1, 9, tzinfo=UTC), tick=False)
def test_weekly_series_keeps_local_time_across_spring_forward():
    club = _club()

    series = _create(club, datetime(2026, 3, 4, 19, 0))

    events = _occurrences(series)
    winter = [e for e in events if e.starts_at.date() < SPRING_FORWARD]
    summer = [e for e in events if e.starts_at.date() > SPRING_FORWARD]
    assert winter and summer
    assert {(_local(e).hour, _local(e).minute) for e in events} == {(19, 0)}
    assert {e.starts_at.astimezone(UTC).hour for e in winter} == {18}
    assert {e.starts_at.astimezone(UTC).hour for e in summer} == {17}
    assert {e.ends_at - e.starts_at for e in events} == {timedelta(minutes=90)}


@time_machine.travel(datetime(2026, 10, 1, 9, tzinfo=UTC), tick=False)
def test_weekly_series_keeps_local_time_across_fall_back():
    club = _club()

    series = _create(club, datetime(2026, 10, 7, 19, 0))

    events = _occurrences(series)
    summer = [e for e in events if e.starts_at.date() < FALL_BACK]
    winter = [e for e in events if e.starts_at.date() > FALL_BACK]
    assert summer and winter
    assert {(_local(e).hour, _local(e).minute) for e in events} == {(19, 0)}
    assert {e.starts_at.astimezone(UTC).hour for e in summer} == {17}
    assert {e.starts_at.astimezone(UTC).hour for e in winter} == {18}


@time_machine.travel(datetime(2026, 3, 1, 9, tzinfo=UTC), tick=False)
def test_weekly_series_in_zone_without_dst_keeps_constant_utc_hour():
    club = _club(ALMATY, slug="almaty")

    series = _create(club, datetime(2026, 3, 4, 19, 0))

    events = _occurrences(series)
    assert len(events) >= 12  # spans the European DST change
    assert {(_local(e).hour, _local(e).minute) for e in events} == {(19, 0)}
    assert len({e.starts_at.astimezone(UTC).time() for e in events}) == 1


# --- Rules ----------


@time_machine.travel(datetime(2026, 3, 1, 9, tzinfo=UTC), tick=False)
def test_series_every_two_weeks_is_spaced_fourteen_days():
    club = _club()

    series = _create(club, datetime(2026, 3, 4, 19, 0), interval=2)

    local_starts = [_local(e).replace(tzinfo=None) for e in _occurrences(series)]
    assert len(local_starts) >= 6
    gaps = {b - a for a, b in zip(local_starts, local_starts[1:], strict=False)}
    assert gaps == {timedelta(days=14)}


@time_machine.travel(datetime(2026, 1, 1, 9, tzinfo=UTC), tick=False)
def test_monthly_series_third_wednesday_falls_on_days_15_to_21():
    club = _club()

    # 21 January 2026 is the third Wednesday of January.
    series = _create(
        club,
        datetime(2026, 1, 21, 19, 0),
        frequency="monthly_weekday",
        week_of_month=3,
    )

    starts = [_local(e) for e in _occurrences(series)]
    assert [s.month for s in starts] == [1, 2, 3]
    for start in starts:
        assert start.weekday() == calendar.WEDNESDAY
        assert 15 <= start.day <= 21
        assert (start.hour, start.minute) == (19, 0)


@time_machine.travel(datetime(2026, 1, 1, 9, tzinfo=UTC), tick=False)
def test_monthly_series_week_inferred_from_first_start():
    club = _club()

    series = _create(club, datetime(2026, 1, 21, 19, 0), frequency="monthly_weekday")

    assert series.week_of_month == 3
    assert [_local(e).day for e in _occurrences(series)] == [21, 18, 18]


@time_machine.travel(datetime(2026, 1, 1, 9, tzinfo=UTC), tick=False)
def test_monthly_series_last_friday_falls_in_last_week_of_month():
    club = _club()

    # 30 January 2026 is the last Friday of January.
    series = _create(
        club,
        datetime(2026, 1, 30, 19, 0),
        frequency="monthly_weekday",
        week_of_month=-1,
    )

    starts = [_local(e) for e in _occurrences(series)]
    assert [s.date() for s in starts] == [
        date(2026, 1, 30),
        date(2026, 2, 27),
        date(2026, 3, 27),
    ]
    for start in starts:
        days_in_month = calendar.monthrange(start.year, start.month)[1]
        assert start.weekday() == calendar.FRIDAY
        assert start.day + 7 > days_in_month


@time_machine.travel(datetime(2026, 3, 1, 9, tzinfo=UTC), tick=False)
def test_series_until_ends_the_series_inclusively():
    club = _club()

    series = _create(club, datetime(2026, 3, 4, 19, 0), until=date(2026, 3, 25))

    assert [_local(e).date() for e in _occurrences(series)] == [
        date(2026, 3, 4),
        date(2026, 3, 11),
        date(2026, 3, 18),
        date(2026, 3, 25),
    ]


def test_week_of_month_counts_fifth_weekday_as_last():
    assert recurrence.week_of_month(datetime(2026, 1, 1)) == 1
    assert recurrence.week_of_month(datetime(2026, 1, 21)) == 3
    assert recurrence.week_of_month(datetime(2026, 1, 28)) == 4
    assert recurrence.week_of_month(datetime(2026, 1, 30)) == -1


# --- The spring-forward gap --------------------------------------------------------


def test_local_to_utc_in_spring_forward_gap_moves_forward_by_the_gap():
    in_gap = datetime(2026, 3, 29, 2, 30)

    result = recurrence.local_to_utc(in_gap, BERLIN)

    assert result == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert result.astimezone(ZoneInfo(BERLIN)).replace(tzinfo=None) == datetime(
        2026, 3, 29, 3, 30
    )


@time_machine.travel(datetime(2026, 3, 1, 9, tzinfo=UTC), tick=False)
def test_series_start_in_spring_forward_gap_lands_at_0330():
    club = _club()

    # Sundays at 02:30; on 29 March 02:30 does not exist in Berlin.
    series = _create(club, datetime(2026, 3, 22, 2, 30), minutes=120)

    events = {_local(e).date(): e for e in _occurrences(series)}
    assert _local(events[SPRING_FORWARD]).replace(tzinfo=None) == datetime(
        2026, 3, 29, 3, 30
    )
    assert _local(events[date(2026, 3, 22)]).hour == 2
    assert _local(events[date(2026, 4, 5)]).hour == 2


@pytest.mark.parametrize("minutes", [30, 60, 90])
@time_machine.travel(datetime(2026, 3, 1, 9, tzinfo=UTC), tick=False)
def test_series_start_in_spring_forward_gap_keeps_duration(minutes):
    club = _club()

    series = _create(club, datetime(2026, 3, 22, 2, 30), minutes=minutes)

    events = {_local(e).date(): e for e in _occurrences(series)}
    gap_day = events[SPRING_FORWARD]
    assert _local(gap_day).replace(tzinfo=None) == datetime(2026, 3, 29, 3, 30)
    assert gap_day.ends_at - gap_day.starts_at == timedelta(minutes=minutes)


# --- Extending ahead ----------


@time_machine.travel(datetime(2026, 3, 1, 9, tzinfo=UTC), tick=False)
def test_series_extend_twice_creates_no_duplicates():
    club = _club()
    series = _create(club, datetime(2026, 3, 4, 19, 0))
    created = Event.objects.filter(series=series).count()

    first = services.series_extend(series=series)
    second = services.series_extend(series=series)

    assert (first, second) == (0, 0)
    assert Event.objects.filter(series=series).count() == created


@time_machine.travel(datetime(2026, 3, 1, 9, tzinfo=UTC), tick=False)
def test_series_extend_after_lost_watermark_creates_no_duplicates():
    club = _club()
    series = _create(club, datetime(2026, 3, 4, 19, 0))
    created = Event.objects.filter(series=series).count()
    Series.objects.filter(pk=series.pk).update(generated_until=None)
    series.refresh_from_db()

    added = services.series_extend(series=series)

    assert added == 0
    assert Event.objects.filter(series=series).count() == created


def test_series_extend_all_follows_the_horizon():
    with time_machine.travel(datetime(2026, 3, 1, 9, tzinfo=UTC), tick=False):
        club = _club()
        series = _create(club, datetime(2026, 3, 4, 19, 0))
        before = Event.objects.filter(series=series).count()
        last_before = Event.objects.filter(series=series).latest("starts_at")

    with time_machine.travel(datetime(2026, 3, 29, 9, tzinfo=UTC), tick=False):
        added = services.series_extend_all()
        again = services.series_extend_all()

    events = _occurrences(series)
    assert before == 13  # 4 March .. 27 May, 90 days ahead of 1 March
    assert (added, again) == (4, 0)
    assert len(events) == before + 4
    assert events[-1].starts_at > last_before.starts_at
    assert events[-1].starts_at <= datetime(2026, 3, 29, 9, tzinfo=UTC) + timedelta(
        days=90
    )
    assert {(_local(e).hour, _local(e).minute) for e in events} == {(19, 0)}


def test_series_extend_all_skips_ended_series():
    with time_machine.travel(datetime(2026, 3, 1, 9, tzinfo=UTC), tick=False):
        club = _club()
        series = _create(club, datetime(2026, 3, 4, 19, 0), until=date(2026, 3, 25))

    with time_machine.travel(datetime(2026, 5, 1, 9, tzinfo=UTC), tick=False):
        added = services.series_extend_all()

    assert added == 0
    assert Event.objects.filter(series=series).count() == 4


# --- Changing the rest of a series ----------


@time_machine.travel(datetime(2026, 3, 1, 9, tzinfo=UTC), tick=False)
def test_series_cancel_from_cancels_that_and_later_occurrences_only():
    club = _club()
    series = _create(club, datetime(2026, 3, 4, 19, 0))
    events = _occurrences(series)
    pivot = events[2]

    count = services.series_cancel_from(event=pivot, actor=make_admin())

    statuses = [e.status for e in _occurrences(series)]
    assert count == len(events) - 2
    assert statuses[:2] == [Event.Status.SCHEDULED] * 2
    assert statuses[2:] == [Event.Status.CANCELLED] * (len(events) - 2)


def test_series_cancel_from_stops_later_extension():
    with time_machine.travel(datetime(2026, 3, 1, 9, tzinfo=UTC), tick=False):
        club = _club()
        series = _create(club, datetime(2026, 3, 4, 19, 0))
        pivot = _occurrences(series)[2]
        services.series_cancel_from(event=pivot, actor=make_admin())

    with time_machine.travel(datetime(2026, 4, 1, 9, tzinfo=UTC), tick=False):
        services.series_extend_all()

    assert not Event.objects.filter(
        series=series, starts_at__gte=pivot.starts_at, status=Event.Status.SCHEDULED
    ).exists()


@time_machine.travel(datetime(2026, 3, 1, 9, tzinfo=UTC), tick=False)
def test_series_update_from_keeps_new_local_time_across_dst():
    club = _club()
    series = _create(club, datetime(2026, 3, 4, 19, 0))
    events = _occurrences(series)
    pivot = events[1]  # 11 March, winter time
    data = _data(club, datetime(2026, 3, 11, 18, 30), minutes=90)

    count = services.series_update_from(event=pivot, actor=make_admin(), data=data)

    after = _occurrences(series)
    later = after[1:]
    winter = [e for e in later if e.starts_at.date() < SPRING_FORWARD]
    summer = [e for e in later if e.starts_at.date() > SPRING_FORWARD]
    assert count == len(events) - 1
    assert winter and summer
    assert (_local(after[0]).hour, _local(after[0]).minute) == (19, 0)
    assert {(_local(e).hour, _local(e).minute) for e in later} == {(18, 30)}
    assert {e.starts_at.astimezone(UTC).hour for e in winter} == {17}
    assert {e.starts_at.astimezone(UTC).hour for e in summer} == {16}
    assert {e.ends_at - e.starts_at for e in later} == {timedelta(minutes=90)}
    assert {e.sequence for e in later} == {1}


def test_series_extend_after_update_from_uses_new_local_time():
    with time_machine.travel(datetime(2026, 3, 1, 9, tzinfo=UTC), tick=False):
        club = _club()
        series = _create(club, datetime(2026, 3, 4, 19, 0))
        pivot = _occurrences(series)[1]
        data = _data(club, datetime(2026, 3, 11, 18, 30), minutes=90)
        services.series_update_from(event=pivot, actor=make_admin(), data=data)
        before = Event.objects.filter(series=series).count()

    with time_machine.travel(datetime(2026, 4, 1, 9, tzinfo=UTC), tick=False):
        services.series_extend_all()

    added = _occurrences(series)[before:]
    assert len(added) == 4  # 3 .. 24 June: 90 days ahead of 1 April
    assert {(_local(e).hour, _local(e).minute) for e in added} == {(18, 30)}
    assert {e.ends_at - e.starts_at for e in added} == {timedelta(minutes=90)}
