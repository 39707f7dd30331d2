from django.apps import AppConfig


class TrainingsConfig(AppConfig):
    name = "trainings"

    def ready(self):
        from . import notifications  # noqa: F401
