"""A member logs four conversations with one person over three months, sees
the trend, shares a story; an organizer approves it; the admin's impact page
counts it."""

import re
from datetime import date, timedelta

import pytest

from tests.e2e.helpers import sign_in  # noqa: E402
from tests.factories import (
    ClubFactory,
    MemberFactory,
    join,
    make_admin,
    make_organizer,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_journal_story_and_impact(page_factory, settings):
    settings.IMPACT_MIN_GROUP_SIZE = 1  # one story by one author counts in this test
    club = ClubFactory(name="Berlin club", slug="berlin")
    join(
        club,
        MemberFactory(email="m@example.org", display_name="Member M", language="en"),
    )
    make_organizer(club, email="org@example.org", language="en")
    make_admin(email="admin@example.org", language="en")

    member = page_factory(locale="en-US")
    sign_in(member, "m@example.org")
    member.get_by_role("link", name="Journal").click()
    member.get_by_label("Label").fill("father")
    member.get_by_label("Relationship").select_option("parent")
    member.get_by_role("button", name="Add").click()
    for days_ago, before, after in ((90, 2, 2), (60, 2, 3), (30, 3, 3), (1, 3, 4)):
        member.get_by_label("Date").fill(
            (date.today() - timedelta(days=days_ago)).isoformat()
        )
        member.get_by_label("Channel").select_option("call")
        member.get_by_label("Their stance before").select_option(str(before))
        member.get_by_label("Their stance after").select_option(str(after))
        member.get_by_label("How it felt").select_option("3")
        member.get_by_label("Notes").fill("We talked about the news")
        member.get_by_role("button", name="Save").click()
        assert member.get_by_text("The conversation was added").is_visible()
    assert member.locator("svg circle").count() == 8
    assert member.get_by_text("There is movement").is_visible()

    member.goto("/stories/")
    member.get_by_label("Title").fill("Slowly, it worked")
    member.get_by_role("textbox", name="Story").fill(
        "Four calls in three months, and he listened."
    )
    member.get_by_label("Your club").select_option(str(club.pk))
    member.get_by_role("button", name="Send for approval").click()
    assert member.get_by_text("will appear once an organizer").is_visible()

    organizer = page_factory(locale="en-US")
    sign_in(organizer, "org@example.org", mfa=True)
    organizer.goto("/stories/")
    organizer.get_by_role("button", name="Publish", exact=True).click()
    member.goto("/stories/")
    assert member.get_by_role("heading", name="Slowly, it worked").is_visible()

    admin = page_factory(locale="en-US")
    sign_in(admin, "admin@example.org", mfa=True)
    admin.get_by_role("link", name="Impact").click()
    assert admin.locator("[data-figure=stories]").inner_text().strip() == "1"

    for page in (member, organizer, admin):
        assert page.request_log.foreign() == []
        assert not any(
            re.match(r"https?://(?!127\.0\.0\.1|localhost)", u)
            for u in page.request_log.urls
        )
