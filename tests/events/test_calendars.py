"""iCalendar output: stable UIDs, SEQUENCE, UTC times, cancellations, and never
a venue address or an online link (privacy rule 2)."""

from datetime import UTC, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from clubs.models import Club, ClubMembership
from events import calendars, services
from events.models import CalendarFeed
from tests.factories import MemberFactory, make_admin

pytestmark = pytest.mark.django_db

CANARY_ADDRESS = "Canary Street 13"
CANARY_LINK = "https://video.example/canary-room"
BASE_URL = "https://mosty.example"


def _club(slug="tbilisi"):
    return Club.objects.create(
        name=f"Club {slug}",
        slug=slug,
        city="Tbilisi",
        country="GE",
        timezone="Asia/Tbilisi",
    )


def _member_of(club):
    member = MemberFactory()
    ClubMembership.objects.create(club=club, user=member, status="active")
    return member


def _data(*, days_ahead=7, title="Conversation evening", eligibility="club"):
    starts_at = (timezone.now() + timedelta(days=days_ahead)).replace(
        second=0, microsecond=0
    )
    return {
        "kind": "meeting",
        "title": title,
        "description": "We talk.",
        "language": "ru",
        "speaker": "",
        "format": "hybrid",
        "venue_address": CANARY_ADDRESS,
        "online_link": CANARY_LINK,
        "capacity": 20,
        "eligibility": eligibility,
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(hours=2),
        "registration_opens_at": None,
    }


def _event(club, **kwargs):
    return services.event_create(club=club, actor=make_admin(), data=_data(**kwargs))


def _vevents(body: bytes):
    return Calendar.from_ical(body).walk("VEVENT")


def _only_vevent(body: bytes):
    (vevent,) = _vevents(body)
    return vevent


def _uids(body: bytes) -> set[str]:
    return {str(vevent["UID"]) for vevent in _vevents(body)}


def _render(*events) -> bytes:
    return calendars.render(list(events), name="Test", base_url=BASE_URL)


def _feed_url(member) -> str:
    token = services.calendar_feed_for(user=member).token
    return reverse("events:member-feed", args=[token])


# --- The iCalendar itself ----------


def test_render_uid_stable_across_renders_and_edits():
    event = _event(_club())
    first = _only_vevent(_render(event))["UID"]

    edited = services.event_update(
        event=event, actor=make_admin(), data={**_data(), "title": "New title"}
    )
    second = _only_vevent(_render(edited))["UID"]

    assert first == second == f"{event.uid}@mosty"


def test_render_sequence_increases_after_update_and_cancel():
    event = _event(_club())
    before = _only_vevent(_render(event)).decoded("SEQUENCE")

    updated = services.event_update(
        event=event, actor=make_admin(), data={**_data(), "title": "Moved"}
    )
    after_update = _only_vevent(_render(updated)).decoded("SEQUENCE")
    cancelled = services.event_cancel(event=updated, actor=make_admin())
    after_cancel = _only_vevent(_render(cancelled))

    assert before < after_update < after_cancel.decoded("SEQUENCE")
    assert (before, after_update, after_cancel.decoded("SEQUENCE")) == (0, 1, 2)
    assert str(after_cancel["STATUS"]) == "CANCELLED"


def test_render_scheduled_event_is_confirmed():
    event = _event(_club())

    vevent = _only_vevent(_render(event))

    assert str(vevent["STATUS"]) == "CONFIRMED"


def test_render_times_are_utc():
    event = _event(_club())

    body = _render(event)

    vevent = _only_vevent(body)
    starts_at = vevent.decoded("DTSTART")
    assert starts_at.utcoffset() == timedelta(0)
    assert starts_at == event.starts_at
    assert vevent.decoded("DTEND") == event.ends_at
    utc_start = event.starts_at.astimezone(UTC)
    assert f"DTSTART:{utc_start:%Y%m%dT%H%M%S}Z".encode() in body
    assert b"TZID" not in body


def test_render_without_title_hides_the_title():
    event = _event(_club(), title="Secret topic")

    body = calendars.render([event], name="Test", base_url=BASE_URL, with_title=False)

    assert str(_only_vevent(body)["SUMMARY"]) == "Meeting"
    assert b"Secret topic" not in body


# --- Privacy: no place, no link ----------------------------------------------------


def _club_feed_body(client, club, event, member):
    return client.get(reverse("clubs:club-calendar", args=[club.slug])).content


def _event_ics_body(client, club, event, member):
    client.force_login(member)
    return client.get(reverse("events:event-ics", args=[event.pk])).content


def _member_feed_body(client, club, event, member):
    services.registration_register(event=event, member=member)
    return client.get(_feed_url(member)).content


@pytest.mark.parametrize("fetch", [_club_feed_body, _event_ics_body, _member_feed_body])
def test_feeds_never_contain_venue_address_or_online_link(client, fetch):
    club = _club()
    event = _event(club)
    member = _member_of(club)
    assert (event.venue_address, event.online_link) == (CANARY_ADDRESS, CANARY_LINK)

    body = fetch(client, club, event, member)

    # Long lines are folded (CRLF + space): unfold before searching.
    unfolded = body.replace(b"\r\n ", b"").lower()
    assert _uids(body) == {f"{event.uid}@mosty"}
    assert b"canary" not in unfolded
    assert b"video.example" not in unfolded


# --- Views ----------


def test_club_feed_is_public_and_lists_club_events(client):
    club = _club()
    other_club = _club("yerevan")
    event = _event(club)
    _event(other_club)

    response = client.get(reverse("clubs:club-calendar", args=[club.slug]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert _uids(response.content) == {f"{event.uid}@mosty"}


def test_event_ics_serves_club_member(client):
    club = _club()
    event = _event(club)
    client.force_login(_member_of(club))

    response = client.get(reverse("events:event-ics", args=[event.pk]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert _uids(response.content) == {f"{event.uid}@mosty"}


def test_event_ics_of_other_clubs_club_only_event_is_404(client):
    event = _event(_club("yerevan"), eligibility="club")
    client.force_login(_member_of(_club()))

    response = client.get(reverse("events:event-ics", args=[event.pk]))

    assert response.status_code == 404


def test_event_ics_of_other_clubs_event_open_to_all_is_served(client):
    event = _event(_club("yerevan"), eligibility="all")
    client.force_login(_member_of(_club()))

    response = client.get(reverse("events:event-ics", args=[event.pk]))

    assert response.status_code == 200


def test_event_ics_anonymous_redirects_to_login(client):
    event = _event(_club())
    url = reverse("events:event-ics", args=[event.pk])

    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_member_feed_lists_only_registered_events(client):
    club = _club()
    member = _member_of(club)
    registered = _event(club, title="Registered")
    _event(club, title="Not registered", days_ahead=8)
    withdrawn = _event(club, title="Withdrawn", days_ahead=9)
    services.registration_register(event=registered, member=member)
    registration = services.registration_register(event=withdrawn, member=member)
    services.registration_cancel(registration=registration, member=member)

    response = client.get(_feed_url(member))

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert _uids(response.content) == {f"{registered.uid}@mosty"}


def test_member_feed_keeps_cancelled_event_marked_cancelled(client):
    club = _club()
    member = _member_of(club)
    event = _event(club)
    services.registration_register(event=event, member=member)
    services.event_cancel(event=event, actor=make_admin())

    response = client.get(_feed_url(member))

    vevent = _only_vevent(response.content)
    assert str(vevent["STATUS"]) == "CANCELLED"
    assert vevent.decoded("SEQUENCE") == 1


def test_member_feed_unknown_token_is_404(client):
    response = client.get(reverse("events:member-feed", args=["not-a-token"]))

    assert response.status_code == 404


def test_calendar_settings_shows_feed_url(client):
    member = _member_of(_club())
    client.force_login(member)

    response = client.get(reverse("events:calendar-settings"))

    token = CalendarFeed.objects.get(user=member).token
    assert response.status_code == 200
    assert response.context["feed_url"].endswith(f"/calendar/{token}.ics")
    assert token in response.content.decode()


def test_calendar_settings_reset_makes_old_feed_url_404(client):
    member = _member_of(_club())
    client.force_login(member)
    old_url = client.get(reverse("events:calendar-settings")).context["feed_url"]
    assert client.get(old_url).status_code == 200

    response = client.post(reverse("events:calendar-settings"))

    new_url = client.get(reverse("events:calendar-settings")).context["feed_url"]
    assert response.status_code == 302
    assert new_url != old_url
    assert client.get(old_url).status_code == 404
    assert client.get(new_url).status_code == 200
