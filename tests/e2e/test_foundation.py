import pytest
from django.core.management import call_command

from members.management.commands.seed_demo import DEMO_PASSWORD
from members.models import User

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_home_in_both_languages_sign_in_and_switch(page_factory):
    call_command("seed_demo")
    page = page_factory(locale="ru-RU")

    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.get_by_role("heading", name="Клубы общения").is_visible()

    page.get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Communication clubs").is_visible()

    page.get_by_role("link", name="Sign in").first.click()
    page.get_by_label("Email").fill("member@demo.mosty.test")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.locator("form").get_by_role("button", name="Sign In").click()

    # The demo member's account says Russian: it wins over the browser's choice.
    page.wait_for_url("**/")
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.get_by_role(
        "heading", name="Добро пожаловать, Member Demo"
    ).is_visible()

    page.get_by_role("button", name="English").click()
    assert page.get_by_role("heading", name="Welcome, Member Demo").is_visible()
    assert User.objects.get(email="member@demo.mosty.test").language == "en"

    page.goto("/account/")
    assert page.get_by_label("Display name").input_value() == "Member Demo"

    assert page.request_log.urls, "the log saw the page's requests"
    assert page.request_log.foreign() == []


def test_pages_fit_a_360px_phone(page_factory):
    page = page_factory(locale="ru-RU", width=360, height=740)
    for path in ["/", "/privacy/", "/accounts/login/", "/accounts/signup/"]:
        page.goto(path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth"
            " - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"
        assert page.request_log.foreign() == []


def test_keyboard_reaches_skip_link_first(page_factory):
    page = page_factory()
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == "#main"
