"""Acceptance never exceeds the cohort size, under real concurrency: several
trainers accept different applicants at the same moment. With the programme
row locked, exactly cohort_size are accepted; the control run without the
lock overfills the cohort."""

import threading

import pytest
from django.db import connection

from core.exceptions import DomainError
from tests.factories import MemberFactory, ProgrammeFactory, make_trainer
from trainings import services
from trainings.models import TrainingApplication

pytestmark = pytest.mark.django_db(transaction=True)
COHORT, APPLICANTS = 2, 6


def _setup():
    trainers = [make_trainer() for _ in range(APPLICANTS)]
    programme = ProgrammeFactory(trainers=trainers, cohort_size=COHORT)
    applications = [
        services.training_apply(
            programme=programme,
            member=MemberFactory(),
            data={
                "motivation": "m",
                "hours_per_week": 3,
                "experience": "e",
                "audience": "a",
            },
        )
        for _ in range(APPLICANTS)
    ]
    return programme, trainers, applications


def _race(trainers, applications):
    start = threading.Barrier(len(applications))
    unexpected = []

    def accept(trainer, application):
        try:
            start.wait(timeout=10)
            services.training_decide(
                application=application, trainer=trainer, decision="accept"
            )
        except DomainError:
            pass  # "the cohort is full": the expected answer for the late ones
        except Exception as exc:  # noqa: BLE001
            unexpected.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=accept, args=pair)
        for pair in zip(trainers, applications, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return unexpected


def test_concurrent_acceptances_respect_the_cohort_size():
    programme, trainers, applications = _setup()
    assert _race(trainers, applications) == []
    accepted = TrainingApplication.objects.filter(
        programme=programme, status="accepted"
    ).count()
    assert accepted == COHORT
    print(f"\ncohort: {APPLICANTS} accepted at once, cohort {COHORT} -> {accepted}")


def test_control_without_the_lock_overfills(monkeypatch):
    programme, trainers, applications = _setup()
    monkeypatch.setattr(services, "_LOCK_PROGRAMME", False)
    everyone_counted = threading.Barrier(APPLICANTS)
    monkeypatch.setattr(
        services, "_between_count_and_write", lambda: everyone_counted.wait(timeout=20)
    )
    assert _race(trainers, applications) == []
    accepted = TrainingApplication.objects.filter(
        programme=programme, status="accepted"
    ).count()
    assert accepted > COHORT
    print(f"\ncohort control: lock removed -> {accepted} accepted for {COHORT}")
