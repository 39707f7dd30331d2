"""Browser tests: Debian's Chromium driven by Playwright, against live_server."""

import os
import shutil
from urllib.parse import urlsplit

import pytest

# Playwright's sync API runs an event loop in this thread; the live server and
# the ORM calls in the test are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = (
    os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
)
# Headless, with no traffic of the browser's own (updates, sync, first run):
# the crawl in tests/safety counts every request a page makes.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: apt-get install -y chromium "
            "(bash .ci/run does it)"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
        )
        yield browser
        browser.close()


class RequestLog:
    """Every URL the page asked for; the privacy rule is: only our own origin."""

    def __init__(self, origin):
        self.origin = origin
        self.urls = []

    def __call__(self, request):
        self.urls.append(request.url)

    def foreign(self):
        own = urlsplit(self.origin).netloc
        return [
            url
            for url in self.urls
            if not url.startswith(("data:", "blob:")) and urlsplit(url).netloc != own
        ]


@pytest.fixture
def page_factory(browser, live_server):
    contexts = []

    def make(*, locale="en-US", width=1280, height=900):
        context = browser.new_context(
            locale=locale,
            viewport={"width": width, "height": height},
            base_url=live_server.url,
        )
        context.set_default_timeout(15000)
        contexts.append(context)
        page = context.new_page()
        page.request_log = RequestLog(live_server.url)
        page.on("request", page.request_log)
        return page

    yield make
    for context in contexts:
        context.close()
