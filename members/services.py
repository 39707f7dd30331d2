from django.db import transaction

from core.services import notification_enqueue

from .models import User


def user_welcome(*, user: User):
    """Queue the neutral welcome message once per account (idempotent)."""
    with transaction.atomic():
        return notification_enqueue(
            recipient=user,
            kind="welcome",
            dedupe_key=f"welcome:{user.pk}",
            context_ids={"user": user.pk},
        )


def user_update_preferences(
    *, user: User, display_name: str, language: str, timezone: str
) -> User:
    user.display_name = display_name
    user.language = language
    user.timezone = timezone
    user.save(update_fields=["display_name", "language", "timezone"])
    return user


def user_set_language(*, user: User, language: str) -> User:
    user.language = language
    user.save(update_fields=["language"])
    return user
