"""Two vetters approve the same application at the same moment, in real
concurrent transactions against PostgreSQL. With the row lock: one admission,
two approvals. The control run takes the lock away and shows the race it
prevents (both read "no approvals yet", so the admission is lost)."""

import threading

import pytest
from django.db import connection

from members import services
from members.models import Application, Decision, User
from tests.factories import ApplicationFactory, UserFactory, make_vetter

pytestmark = pytest.mark.django_db(transaction=True)


def _race(application_id, vetters):
    start = threading.Barrier(len(vetters))
    errors = []

    def decide(vetter):
        try:
            start.wait(timeout=10)
            services.application_decide(
                application_id=application_id,
                vetter=vetter,
                kind="approve",
                reason="Concurrent approval",
            )
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(v,)) for v in vetters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return errors


def _setup(settings):
    settings.VETTING_REQUIRED_APPROVALS = 2
    application = ApplicationFactory(applicant=UserFactory())
    return application, [make_vetter(), make_vetter()]


def test_concurrent_approvals_admit_exactly_once(settings):
    application, vetters = _setup(settings)
    errors = _race(application.pk, vetters)
    assert errors == []
    application.refresh_from_db()
    assert application.status == Application.Status.APPROVED
    assert Decision.objects.filter(application=application, kind="approve").count() == 2
    assert User.objects.get(pk=application.applicant_id).status == User.Status.MEMBER
    print("\nconcurrency: 2 vetters, locked: approved once, 2 approvals kept")


def test_control_without_the_lock_loses_the_admission(settings, monkeypatch):
    application, vetters = _setup(settings)
    monkeypatch.setattr(services, "_LOCK_APPLICATION", False)
    both_read = threading.Barrier(2)
    monkeypatch.setattr(
        services, "_between_read_and_write", lambda: both_read.wait(timeout=10)
    )
    errors = _race(application.pk, vetters)
    assert errors == []
    application.refresh_from_db()
    # Both transactions saw zero approvals: two approvals, yet never admitted.
    assert Decision.objects.filter(application=application, kind="approve").count() == 2
    assert application.status == Application.Status.PARTIALLY_APPROVED
    print("\nconcurrency control: lock removed -> admission lost (the race is real)")
