"""Every main page fits a 360 px phone screen (no sideways scrolling), for a
member and for an organizer, with the demo data loaded."""

import pytest
from django.core.management import call_command

from events.models import Event
from members.management.commands.seed_demo import DEMO_PASSWORD, DEMO_TOTP_SECRET

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _sign_in(page, email, mfa=False):
    from tests.factories import totp_code

    page.goto("/accounts/login/")
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    if mfa:
        page.locator("#id_code").fill(totp_code(DEMO_TOTP_SECRET))
        page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/")


def _overflow(page, path):
    page.goto(path)
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def test_member_and_organizer_pages_fit_360px(page_factory):
    call_command("seed_demo", verbosity=0)
    event = Event.objects.filter(club__slug="berlin").order_by("-starts_at").first()
    member_paths = [
        "/",
        "/clubs/",
        "/clubs/berlin/",
        f"/events/{event.pk}/",
        "/journal/",
        "/stories/",
        "/trainings/library/",
        "/trainings/",
        "/account/",
        "/account/calendar/",
        "/notifications/",
        "/vouches/",
    ]
    organizer_paths = [
        "/clubs/berlin/dashboard/",
        "/clubs/berlin/members/",
        f"/events/{event.pk}/check-in/",
        "/clubs/berlin/events/new/",
        "/clubs/impact/",
        "/clubs/berlin/health/",
    ]
    for email, paths, mfa in (
        ("member@demo.mosty.test", member_paths, False),
        ("organizer@demo.mosty.test", organizer_paths, True),
    ):
        page = page_factory(locale="ru-RU", width=360, height=740)
        _sign_in(page, email, mfa=mfa)
        wide = {path: px for path in paths if (px := _overflow(page, path)) > 0}
        assert wide == {}, f"pages wider than 360 px for {email}: {wide}"
        assert page.request_log.foreign() == []
