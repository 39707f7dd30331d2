from celery import shared_task

from . import services


@shared_task(name="events.extend_series", ignore_result=True)
def extend_series() -> int:
    return services.series_extend_all()


@shared_task(name="events.anonymise_old_registrations", ignore_result=True)
def anonymise_old_registrations() -> int:
    return services.registrations_anonymise_old()
