"""WCAG 2.x A/AA checks with axe-core (from npm, injected only in the test
browser) on the main pages, anonymous and signed in, in both languages."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command

from events.models import Event
from members.management.commands.seed_demo import DEMO_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def _violations(page, path):
    page.goto(path)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (tags) => (await axe.run(document,"
        " {runOnly: {type: 'tag', values: tags}}))"
        ".violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length,"
        " target: v.nodes[0].target.join(' ')}))",
        TAGS,
    )
    return result


@pytest.fixture
def axe_page(browser, live_server):
    contexts = []

    def make(locale):
        # bypass_csp only lets the test inject axe; the app's pages are unchanged.
        context = browser.new_context(
            locale=locale, base_url=live_server.url, bypass_csp=True
        )
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.mark.parametrize("locale", ["ru-RU", "en-US"])
def test_main_pages_have_no_axe_violations(axe_page, locale):
    assert AXE.exists(), "run npm ci (make test does) to install axe-core"
    call_command("seed_demo", verbosity=0)
    event = Event.objects.filter(club__slug="berlin").order_by("-starts_at").first()
    page = axe_page(locale)
    found = {}
    for path in [
        "/",
        "/privacy/",
        "/clubs/",
        "/clubs/berlin/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
    ]:
        if violations := _violations(page, path):
            found[path] = violations
    page.goto("/accounts/login/")
    page.locator("#id_login").fill("member@demo.mosty.test")
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/")
    for path in [
        "/",
        f"/events/{event.pk}/",
        "/journal/",
        "/stories/",
        "/trainings/",
        "/trainings/library/",
        "/account/",
        "/account/calendar/",
        "/apply/",
    ]:
        if violations := _violations(page, path):
            found[path] = violations
    assert found == {}, json.dumps(found, indent=1, ensure_ascii=False)
