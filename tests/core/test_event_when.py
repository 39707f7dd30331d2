"""The `event_when` tag: times in the club's zone for meetings in a place, in
the viewer's zone for online ones, the club's time added when they differ."""

import zoneinfo
from datetime import datetime

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

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
