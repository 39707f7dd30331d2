"""The event row locked by another transaction: a registration over HTTP ends
within a few seconds with a clear message, never a hung request or a 500."""

import threading
import time

import pytest
from django.db import connections, transaction
from django.test import Client

from events.models import Event, Registration
from tests.factories import ClubFactory, EventFactory, MemberFactory, join

from .conftest import report

pytestmark = pytest.mark.django_db(transaction=True)


def test_locked_event_row_gives_a_clear_message_over_http():
    # In the member's language (Russian here; the English text is checked by
    # tests/events/test_concurrency.py at the service level).
    language, message = "ru", "попробуйте ещё раз"
    club = ClubFactory()
    event = EventFactory(club=club, capacity=5)
    member = join(club, MemberFactory(language=language))
    holder_ready, release = threading.Event(), threading.Event()

    def hold_lock():
        with transaction.atomic():
            list(Event.objects.select_for_update().filter(pk=event.pk))
            holder_ready.set()
            release.wait(timeout=30)
        connections.close_all()

    holder = threading.Thread(target=hold_lock)
    holder.start()
    assert holder_ready.wait(timeout=10)
    client = Client(raise_request_exception=False)
    client.force_login(member)
    try:
        started = time.monotonic()
        response = client.post(event.get_absolute_url() + "register/", follow=True)
        elapsed = time.monotonic() - started
    finally:
        release.set()
        holder.join(timeout=30)
    body = response.content.decode()
    cases = [
        response.status_code == 200,
        elapsed < 8,
        message.lower() in body.lower(),
        not Registration.objects.filter(event=event).exists(),
    ]
    report(
        f"faults: locked event row over HTTP ({language})",
        tried=len(cases),
        passed=sum(cases),
        note=f"answered in {elapsed:.1f} s",
    )
    assert cases == [True, True, True, True], (response.status_code, elapsed)
    # Once the lock is gone, the same click registers.
    assert client.post(event.get_absolute_url() + "register/").status_code == 302
    assert Registration.objects.filter(event=event, member=member).exists()
