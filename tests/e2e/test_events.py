"""An organizer schedules a weekly 3-seat meeting in the browser; four members
register, the fourth is waitlisted; one cancels, the fourth is promoted and
told; moving time forward, the reminders go out."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from events.models import Event, Registration
from tests.e2e.helpers import deliver_due, sign_in  # noqa: E402
from tests.factories import (
    ClubFactory,
    MemberFactory,
    join,
    make_organizer,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_weekly_meeting_waitlist_promotion_and_reminders(page_factory):
    club = ClubFactory(name="Berlin club", slug="berlin", timezone="Europe/Berlin")
    make_organizer(club, email="org@example.org", display_name="Org", language="en")
    members = [
        join(
            club,
            MemberFactory(
                email=f"m{i}@example.org", display_name=f"Member {i}", language="en"
            ),
        )
        for i in range(1, 5)
    ]
    day = (
        (timezone.now() + timedelta(days=3))
        .astimezone(ZoneInfo("Europe/Berlin"))
        .date()
    )

    organizer = page_factory(locale="en-US")
    sign_in(organizer, "org@example.org", mfa=True)
    organizer.goto("/clubs/berlin/")
    organizer.get_by_role("link", name="Schedule an event").first.click()
    organizer.get_by_label("Title").fill("Weekly meeting")
    organizer.get_by_label("Format").select_option("offline")
    organizer.get_by_label("Venue address").fill("Hidden street 5")
    organizer.get_by_label("Date").fill(day.isoformat())
    organizer.get_by_label("Starts at").fill("19:00")
    organizer.get_by_label("Ends at").fill("21:00")
    organizer.get_by_label("Seats").fill("3")
    organizer.get_by_label("Repeat", exact=True).select_option("weekly")
    organizer.get_by_role("button", name="Schedule").click()
    assert organizer.get_by_text("The recurring meeting was scheduled.").is_visible()
    event = Event.objects.order_by("starts_at").first()
    assert Event.objects.filter(series=event.series).count() >= 12
    assert event.starts_at.astimezone(ZoneInfo("Europe/Berlin")).hour == 19

    pages = []
    for member in members:
        page = page_factory(locale="en-US")
        sign_in(page, member.email)
        page.goto(event.get_absolute_url())
        page.get_by_role(
            "button", name=re.compile("Register|Join the waiting list")
        ).click()
        pages.append(page)
    assert pages[3].get_by_text("waiting list, number 1").is_visible()
    assert Registration.objects.filter(event=event, status="confirmed").count() == 3

    pages[0].get_by_role("button", name="Cancel my registration").click()
    pages[3].reload()
    assert pages[3].get_by_text("You are registered.").is_visible()
    deliver_due()
    promoted = [m for m in mail.outbox if m.to == ["m4@example.org"]]
    assert "A seat is yours" in [m.subject for m in promoted]

    mail.outbox.clear()
    with time_machine.travel(event.starts_at - timedelta(hours=23)):
        deliver_due()
    reminded = sorted(m.to[0] for m in mail.outbox if m.subject == "Reminder")
    assert reminded == ["m2@example.org", "m3@example.org", "m4@example.org"]
    assert all("Hidden street" not in m.body for m in mail.outbox)

    for page in [organizer, *pages]:
        assert page.request_log.foreign() == []
