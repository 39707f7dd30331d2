"""The project's Celery app with beat's outbox scan every second instead of
every minute: for the two-beats battery (tests/safety/test_fault_beats.py).
Same tasks, same code; only the clock is faster."""

from config.celery import app

app.conf.beat_schedule = {
    "dispatch-due-notifications": {
        "task": "core.dispatch_due_notifications",
        "schedule": 1.0,
    },
}
