"""The `event_when` tag: times in the club's zone for meetings in a place, in
the viewer's zone for online ones, the club's time added when they differ."""

import zoneinfo
from datetime import datetime

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from core.templatetags.mosty import _when
from tests.factories import ClubFactory, EventFactory

pytestmark = pytest.mark.django_db

WHEN = Template("{% load mosty %}{% event_when event %}")


def _render(event, viewer_zone):
    with timezone.override(zoneinfo.ZoneInfo(viewer_zone)):
        return WHEN.render(Context({"event": event}))


def _event(fmt):
    club = ClubFactory(timezone="Europe/Berlin")
    starts = datetime(2026, 12, 3, 18, 0, tzinfo=zoneinfo.ZoneInfo("UTC"))
    return EventFactory(
        club=club,
        format=fmt,
        starts_at=starts,
        ends_at=starts.replace(hour=20),
    )


def test_meeting_in_a_place_shows_the_clubs_time_whoever_looks():
    event = _event("offline")
    html = _render(event, "Asia/Almaty")
    assert html == (
        '<time datetime="2026-12-03T23:00:00+05:00">'
        "Dec. 3, 2026, 19:00 (Europe/Berlin)–21:00</time>"
    )


def test_online_meeting_in_the_viewers_zone_with_the_clubs_time():
    event = _event("online")
    html = _render(event, "Asia/Almaty")
    assert "Dec. 3, 2026, 23:00 (Asia/Almaty)–01:00</time>" in html
    assert "(19:00 in Europe/Berlin, the club&#x27;s time)" in html
    assert "the club" not in _render(event, "Europe/Berlin")


def test_online_meeting_in_russian():
    event = _event("online")
    with translation.override("ru"):
        html = _render(event, "Asia/Almaty")
    assert "(19:00 по времени клуба, Europe/Berlin)" in html


def test_a_time_shown_before_is_shown_again_in_each_language_and_zone():
    """The text is remembered per language and zone: reading the same event in
    one never gives the text of another."""
    _when.cache_clear()
    event = _event("online")
    english_almaty = _render(event, "Asia/Almaty")
    with translation.override("ru"):
        russian_almaty = _render(event, "Asia/Almaty")
    english_berlin = _render(event, "Europe/Berlin")
    assert "the club&#x27;s time" in english_almaty
    assert "по времени клуба" in russian_almaty
    assert "23:00 (Asia/Almaty)" in russian_almaty
    assert "19:00 (Europe/Berlin)" in english_berlin
    assert "the club" not in english_berlin
    assert _when.cache_info().hits == 0
    assert _render(event, "Asia/Almaty") == english_almaty
    assert _when.cache_info().hits == 1  # this time, from the cache
    # Same times, another club's zone: another text.
    event.club.timezone = "Asia/Tbilisi"
    assert "Asia/Tbilisi" in _render(event, "Asia/Almaty")
