"""A headless Chromium crawl of every page each role can reach (every URL of
the expectation table that answers the role with a page): not one request to
any origin but the app's own (privacy rule 4)."""

import os

import pytest
from django.conf import settings
from django.test import Client

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, RequestLog

from .conftest import report
from .matrix import OK, build_url, url_patterns
from .url_expectations import EXPECTATIONS
from .world import ROLES, build_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


NOT_PAGES = (".ics", ".csv", ".svg")  # files: downloaded, not rendered


def _pages_for(world, role):
    """GET URLs the role is answered with a page, per the table."""
    for pattern in url_patterns():
        expect = EXPECTATIONS.get(pattern.key)
        if expect is None or expect.get[role] != OK:
            continue
        url = build_url(world, pattern.key, expect)
        if not url.split("?")[0].endswith(NOT_PAGES):
            yield url


def _session_cookie(user) -> str | None:
    if user is None:
        return None
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


async def _crawl(browser, live_server, role, cookie, urls):
    """Browser work only: the sign-ins and URLs are prepared beforehand in the
    test's thread, so this thread opens no database connection of its own
    (one left open would outlive the test and block the test database's
    teardown)."""
    context = await browser.new_context(base_url=live_server.url, locale="ru-RU")
    if cookie is not None:
        await context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": cookie,
                    "url": live_server.url,
                }
            ]
        )
    page = await context.new_page()
    log = RequestLog(live_server.url)
    page.on("request", log)
    pages = 0
    for url in urls:
        await page.goto(url, wait_until="load")
        pages += 1
    await context.close()
    return pages, log


def test_no_page_requests_another_origin(live_server, production_rendering):
    import asyncio

    from playwright.async_api import async_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium")
    world = build_world()
    plans = [
        (role, _session_cookie(world.users[role]), list(_pages_for(world, role)))
        for role in ROLES
    ]

    async def crawl_all():
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=CHROMIUM,
                headless=True,
                args=CHROMIUM_ARGS,
            )
            try:
                return await asyncio.gather(
                    *(
                        _crawl(browser, live_server, role, cookie, urls)
                        for role, cookie, urls in plans
                    )
                )
            finally:
                await browser.close()

    # Playwright's sync API (the e2e tests' session browser) may already run an
    # event loop in this thread: run the async crawl in a thread of its own.
    import threading

    outcome = {}

    def run():
        try:
            outcome["results"] = asyncio.run(crawl_all())
        except BaseException as exc:  # noqa: BLE001 - re-raised below
            outcome["error"] = exc

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    if "error" in outcome:
        raise outcome["error"]
    results = outcome["results"]
    pages = sum(n for n, _ in results)
    requests = sum(len(log.urls) for _, log in results)
    foreign = [
        (role, url) for role, (_, log) in zip(ROLES, results) for url in log.foreign()
    ]
    report(
        "crawl: requests to other origins (Chromium)",
        tried=requests,
        passed=requests - len(foreign),
        note=f"{pages} pages, {len(ROLES)} roles",
    )
    assert pages > 150
    assert not foreign, foreign
