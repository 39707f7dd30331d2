"""Privacy rule 2, tested with canaries: the venue address and the online link
are planted in an event, then every page, feed and email produced for every
role that is not entitled to them is searched. Entitled: confirmed registrants
(approved members) from 24 hours before the start, and the club's organizers."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from core import services as outbox
from events import services
from events.models import CalendarFeed
from tests.factories import (
    ClubFactory,
    EventFactory,
    MemberFactory,
    UserFactory,
    join,
    make_organizer,
)

pytestmark = pytest.mark.django_db

VENUE = "Canary Street 13"
LINK = "https://video.example/canary-room-7f3a"
CANARIES = (VENUE, LINK, "canary-room")


@pytest.fixture
def world():
    club = ClubFactory()
    organizer = make_organizer(club)
    event = EventFactory(
        club=club,
        format="hybrid",
        venue_address=VENUE,
        online_link=LINK,
        capacity=2,
        starts_at=timezone.now() + timedelta(days=3),
        title="Evening talk",
    )
    confirmed = join(club, MemberFactory())
    services.registration_register(event=event, member=confirmed)
    services.registration_register(event=event, member=join(club, MemberFactory()))
    waitlisted = join(club, MemberFactory())
    services.registration_register(event=event, member=waitlisted)
    roles = {
        "anonymous": None,
        "applicant": UserFactory(),
        "member_not_registered": join(club, MemberFactory()),
        "member_of_other_club": join(ClubFactory(), MemberFactory()),
        "waitlisted": waitlisted,
        "confirmed_before_window": confirmed,
    }
    return {
        "club": club,
        "event": event,
        "organizer": organizer,
        "roles": roles,
        "confirmed": confirmed,
    }


def _urls(world, user):
    event, club = world["event"], world["club"]
    urls = [
        "/",
        reverse("core:privacy"),
        reverse("clubs:club-list"),
        club.get_absolute_url(),
        reverse("clubs:club-calendar", args=[club.slug]),
        event.get_absolute_url(),
        reverse("events:event-ics", args=[event.pk]),
        reverse("core:notification-list"),
        reverse("members:account"),
        reverse("members:application"),
    ]
    if user is not None and user.is_member:
        feed, _ = CalendarFeed.objects.get_or_create(user=user)
        urls.append(f"/calendar/{feed.token}.ics")
    return urls


def _crawl(client, world, user):
    if user is not None:
        client.force_login(user)
    else:
        client.logout()
    checked, hits = 0, []
    for url in _urls(world, user):
        response = client.get(url, follow=True)
        body = response.content.decode()
        checked += 1
        hits += [(url, c) for c in CANARIES if c in body]
    return checked, hits


def test_no_role_without_entitlement_sees_the_canaries(client, world):
    total = 0
    for role, user in world["roles"].items():
        checked, hits = _crawl(client, world, user)
        total += checked
        assert hits == [], f"{role} saw {hits}"
    print(
        f"\nprivacy canaries: {len(world['roles'])} roles, {total} pages/feeds, 0 hits"
    )


def test_confirmed_member_sees_them_only_inside_the_window(client, world):
    event = world["event"]
    client.force_login(world["confirmed"])
    with time_machine.travel(event.starts_at - timedelta(hours=23)):
        page = client.get(event.get_absolute_url()).content.decode()
        assert VENUE in page and LINK in page
        title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
        assert VENUE not in title and LINK not in title
        ics = client.get(reverse("events:event-ics", args=[event.pk])).content.decode()
        assert VENUE not in ics and LINK not in ics
    with time_machine.travel(event.ends_at + timedelta(minutes=1)):
        assert VENUE not in client.get(event.get_absolute_url()).content.decode()


def test_organizer_sees_them(client, world):
    client.force_login(world["organizer"])
    page = client.get(world["event"].get_absolute_url()).content.decode()
    assert VENUE in page and LINK in page


def test_no_email_ever_carries_them(world):
    event = world["event"]
    for moment in (
        timezone.now(),
        event.starts_at - timedelta(hours=23),
        event.starts_at - timedelta(minutes=30),
    ):
        with time_machine.travel(moment):
            for notification_id in outbox.notifications_claim_due():
                outbox.notification_send(notification_id=notification_id)
    services.event_cancel(event=event, actor=world["organizer"])
    for notification_id in outbox.notifications_claim_due():
        outbox.notification_send(notification_id=notification_id)
    assert len(mail.outbox) >= 5
    for message in mail.outbox:
        blob = (
            message.subject + message.body + "".join(a[0] for a in message.alternatives)
        )
        assert not any(c in blob for c in CANARIES), message.subject
        assert "Evening talk" not in blob  # nor the topic
    print(f"\nprivacy canaries: {len(mail.outbox)} emails, 0 hits")
