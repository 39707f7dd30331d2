from celery import shared_task

from . import services


@shared_task(name="members.purge_decided_applications", ignore_result=True)
def purge_decided_applications() -> int:
    return services.applications_purge_expired()
