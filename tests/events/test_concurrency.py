"""Never more confirmed registrations than seats, under real concurrency.

Twelve members register for a 5-seat event at once, each in its own thread
and transaction against PostgreSQL. With the row lock: exactly 5 confirmed.
The control run takes the lock away and lines the transactions up between
the count and the write: the event is overbooked, so the test can see the
race that the lock prevents."""

import threading

import pytest
from django.db import connection

from events import services
from events.models import Registration
from tests.factories import ClubFactory, EventFactory, MemberFactory, join

pytestmark = pytest.mark.django_db(transaction=True)
SEATS, PEOPLE = 5, 12


def _burst(event, members):
    start = threading.Barrier(len(members))
    errors = []

    def register(member):
        try:
            start.wait(timeout=10)
            services.registration_register(event=event, member=member)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(m,)) for m in members]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def _setup():
    club = ClubFactory()
    event = EventFactory(club=club, capacity=SEATS)
    members = [join(club, MemberFactory()) for _ in range(PEOPLE)]
    return event, members


def test_concurrent_registrations_never_overbook():
    event, members = _setup()
    errors = _burst(event, members)
    assert errors == []
    statuses = list(
        Registration.objects.filter(event=event).values_list("status", flat=True)
    )
    assert statuses.count("confirmed") == SEATS
    assert statuses.count("waitlisted") == PEOPLE - SEATS
    print(
        f"\nregistration burst: {PEOPLE} at once, {SEATS} seats -> "
        f"{statuses.count('confirmed')} confirmed, "
        f"{statuses.count('waitlisted')} waitlisted"
    )


def test_control_without_the_lock_overbooks(monkeypatch):
    event, members = _setup()
    monkeypatch.setattr(services, "_LOCK_EVENT", False)
    everyone_counted = threading.Barrier(PEOPLE)
    monkeypatch.setattr(
        services, "_between_count_and_write", lambda: everyone_counted.wait(timeout=20)
    )
    errors = _burst(event, members)
    assert errors == []
    confirmed = Registration.objects.filter(event=event, status="confirmed").count()
    assert confirmed > SEATS
    print(
        f"\nregistration control: lock removed -> {confirmed} confirmed "
        f"for {SEATS} seats"
    )


def test_locked_event_row_gives_a_clear_message_not_a_hang():
    import time

    from django.db import connections

    from core.exceptions import DomainError

    event, members = _setup()
    holder_ready, release = threading.Event(), threading.Event()

    def hold_lock():
        from django.db import transaction

        with transaction.atomic():
            list(type(event).objects.select_for_update().filter(pk=event.pk))
            holder_ready.set()
            release.wait(timeout=30)
        connections.close_all()

    holder = threading.Thread(target=hold_lock)
    holder.start()
    holder_ready.wait(timeout=10)
    started = time.monotonic()
    try:
        from django.utils import translation

        with translation.override("en"), pytest.raises(DomainError, match="try again"):
            services.registration_register(event=event, member=members[0])
        assert time.monotonic() - started < 10
    finally:
        release.set()
        holder.join(timeout=30)
