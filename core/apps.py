from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self):
        # Notification kinds are registered by each app's notifications module.
        from . import notifications  # noqa: F401
