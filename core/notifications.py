"""Registry of notification kinds.

Each app registers the kinds of message it sends, with a builder that re-reads
what the message is about at send time and returns the template context, or
``None`` when the message is no longer wanted (the event was cancelled, the
application withdrawn...). The outbox row itself holds only ids.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import Notification

Builder = Callable[["Notification"], dict[str, Any] | None]
# Optional: reads what the builders of one sending chunk will need, in one
# query for the chunk (core.services.notifications_send), and leaves it on the
# notifications, only once the read has succeeded (a preload that raises must
# leave nothing half-read behind). Builders still decide on it; without it
# they read their own.
Preloader = Callable[[list["Notification"]], None]


@dataclass(frozen=True)
class NotificationKind:
    name: str
    label: Any  # lazy translated string shown in the in-app list
    template: str  # "emails/<name>": _subject.txt, _body.txt, _body.html
    build_context: Builder
    preload: Preloader | None = None


_REGISTRY: dict[str, NotificationKind] = {}


def register(
    name: str, *, label, template: str | None = None, preload: Preloader | None = None
):
    def decorator(builder: Builder) -> Builder:
        if name in _REGISTRY:
            raise ValueError(f"notification kind {name!r} registered twice")
        _REGISTRY[name] = NotificationKind(
            name=name,
            label=label,
            template=template or f"emails/{name}",
            build_context=builder,
            preload=preload,
        )
        return builder

    return decorator


def get_kind(name: str) -> NotificationKind | None:
    return _REGISTRY.get(name)


def kind_label(name: str):
    kind = _REGISTRY.get(name)
    return kind.label if kind else name
