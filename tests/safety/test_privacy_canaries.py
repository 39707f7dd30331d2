"""Canaries: a venue address, an online link, an applicant's statement, a
journal note and a member's email are planted; then every page, feed,
calendar file, CSV, JSON export, email and log line produced for every role
not entitled to them is searched. Task arguments in the broker carry ids only."""

import base64
import json
import logging
from datetime import timedelta

import pytest
import redis
import time_machine
from django.core import mail
from django.urls import reverse

from config.celery import app as celery_app
from core import services as outbox
from core import tasks
from core.models import Notification

from .conftest import report
from .faults import PrivateRedis, reset_broker_connections
from .matrix import OK, RoleClient, build_url, url_patterns
from .url_expectations import EXPECTATIONS
from .world import CANARIES, ROLES, build_world, model

pytestmark = pytest.mark.django_db

# Who may see what (privacy rules 1, 2, 7 and the journal's "its author's alone").
# The member's confirmed seat is three days ahead: outside the window in which
# registrants see the place and link, so they are not entitled yet.
ENTITLED = {
    "venue": {"organizer", "admin"},
    "link": {"organizer", "admin"},
    "link_room": {"organizer", "admin"},
    "statement": {"applicant", "vetter", "admin"},
    "journal": {"member"},
    "email": {"member", "admin"},
}


class LogCapture(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.NOTSET)
        self.lines = []

    def emit(self, record):
        try:
            line = logging.Formatter("%(name)s %(message)s").format(record)
        except Exception:  # noqa: BLE001
            line = f"{record.name} {record.msg} {record.args}"
        self.lines.append(line)


@pytest.fixture
def logs():
    handler = LogCapture()
    root = logging.getLogger()
    root.addHandler(handler)
    yield handler
    root.removeHandler(handler)


def _hits(text, role):
    return [
        name
        for name, value in CANARIES.items()
        if value in text and role not in ENTITLED[name]
    ]


def _documents(world, role):
    """Every page, feed, calendar file, CSV and export the role can open."""
    client = RoleClient(world.users[role])
    for pattern in url_patterns():
        expect = EXPECTATIONS.get(pattern.key)
        if expect is None or expect.get[role] != OK:
            continue
        url = build_url(world, pattern.key, expect)
        response = client.request("GET", url)
        yield url, response
    if world.users[role] is not None:
        url = reverse("members:account-export")
        yield url, client.request("POST", url)


def test_no_role_sees_a_canary_it_is_not_entitled_to(
    logs, production_rendering, settings
):
    # The public page cache on, as in production; the most privileged roles
    # crawl first, so a page cached for one of them would reach the others.
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    world = build_world()
    documents, hits, kinds, seen = 0, [], set(), set()
    for role in reversed(ROLES):
        for url, response in _documents(world, role):
            documents += 1
            kinds.add(response.get("Content-Type", "").split(";")[0])
            body = response.content.decode(errors="replace")
            hits += [(role, url, name) for name in _hits(body, role)]
            seen |= {name for name, value in CANARIES.items() if value in body}
            for header, value in response.items():
                hits += [(role, f"{url} [{header}]", n) for n in _hits(value, role)]
    report(
        "privacy canaries: pages, feeds, files, exports",
        tried=documents,
        passed=documents - len({(r, u) for r, u, _ in hits}),
        note=f"{len(ROLES)} roles; {', '.join(sorted(kinds))}",
    )
    assert not hits, hits
    assert {"text/html", "text/calendar", "text/csv", "application/json"} <= kinds
    # The control: each canary is planted, and shown to those entitled to it.
    assert seen == set(CANARIES), set(CANARIES) - seen
    _assert_logs_clean(logs, "pages")


def _send_everything_due():
    sent = 0
    for notification_id in outbox.notifications_claim_due():
        outbox.notification_send(notification_id=notification_id)
        sent += 1
    return sent


def test_no_email_carries_a_canary(logs):
    world = build_world()
    event = world.obj["event"]
    for moment in (
        event.starts_at - timedelta(hours=23),
        event.starts_at - timedelta(minutes=30),
    ):
        with time_machine.travel(moment):
            _send_everything_due()
    _send_everything_due()
    from events import services as event_services

    event_services.event_cancel(event=event, actor=world.users["organizer"])
    _send_everything_due()
    checked, hits = 0, []
    for message in mail.outbox:
        checked += 1
        blob = (
            message.subject + message.body + "".join(a[0] for a in message.alternatives)
        )
        blob += message.from_email
        # Nobody is entitled to places, links, statements or notes in an email.
        hits += [
            (message.to, message.subject, name)
            for name, value in CANARIES.items()
            if value in blob and not (name == "email" and message.to == [value])
        ]
    report("privacy canaries: emails", tried=checked, passed=checked - len(hits))
    assert checked >= 5
    assert not hits, hits
    _assert_logs_clean(logs, "sending")


def _assert_logs_clean(logs, what):
    lines = [line for line in logs.lines if any(v in line for v in CANARIES.values())]
    report(
        f"privacy canaries: log lines ({what})",
        tried=len(logs.lines),
        passed=len(logs.lines) - len(lines),
    )
    assert not lines, lines[:5]


@pytest.mark.django_db(transaction=True)
def test_task_arguments_in_the_broker_carry_ids_only(tmp_path, settings):
    broker = PrivateRedis(tmp_path)
    broker.start()
    old = celery_app.conf.broker_url
    try:
        celery_app.conf.broker_url = broker.url
        reset_broker_connections()
        build_world()
        queued = tasks.dispatch_due_notifications()
        assert queued >= 2
        raw = redis.Redis.from_url(broker.url).lrange("celery", 0, -1)
        problems = []
        handed_out = 0
        for item in raw:
            text = item.decode()
            message = json.loads(text)
            args, kwargs, _embed = json.loads(base64.b64decode(message["body"]))
            if args or set(kwargs) != {"notification_ids"}:
                problems.append(("arguments", args, kwargs))
            ids = kwargs.get("notification_ids")
            if not isinstance(ids, list) or not all(isinstance(v, int) for v in ids):
                problems.append(("not a list of ids", kwargs))
            else:
                handed_out += len(ids)
            body = base64.b64decode(message["body"]).decode()
            if "@" in body or any(v in text for v in CANARIES.values()):
                problems.append(("personal data", text[:200]))
        report(
            "broker: task arguments are ids only",
            tried=len(raw),
            passed=len(raw) - len(problems),
        )
        assert handed_out == queued
        assert not problems, problems
        assert Notification.objects.filter(queued_at__isnull=False).count() == queued
    finally:
        celery_app.conf.broker_url = old
        reset_broker_connections()
        broker.stop()


def test_journal_canary_is_planted():
    """The journal canary only means something if the journal exists."""
    if model("members.JournalEntry") is None:
        pytest.skip(
            "the conversation journal (members.JournalEntry) does not exist yet"
        )
    world = build_world()
    client = RoleClient(world.users["member"])
    page = client.request(
        "GET", reverse("members:journal-person", args=[world.obj["journal_person"].pk])
    )
    assert CANARIES["journal"] in page.content.decode()
