import pytest
from celery.fixups.django import DjangoWorkerFixup
from celery.signals import task_prerun
from django.db import OperationalError, connection

from config.celery import app as celery_app
from core import tasks


@pytest.mark.django_db(transaction=True)
def test_worker_keeps_its_database_connection_between_tasks():
    fixup = DjangoWorkerFixup(celery_app)
    connection.ensure_connection()
    before = connection.connection
    for _ in range(3):
        fixup.on_task_prerun(sender=tasks.send_notification)
        fixup.on_task_postrun(sender=tasks.send_notification)
    assert connection.connection is before


@pytest.mark.django_db(transaction=True)
def test_worker_drops_a_broken_connection_before_the_next_task():
    connection.ensure_connection()
    before = connection.connection
    with pytest.raises(OperationalError), connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")
    task_prerun.send(sender=tasks.send_notification)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    assert connection.connection is not before
