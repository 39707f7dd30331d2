"""The audit log: one function writes it, nothing else may."""

from .models import AuditEntry


def audit_record(
    *,
    actor,
    action: str,
    target_type: str = "",
    target_id: int | None = None,
    reason: str = "",
    data: dict | None = None,
) -> AuditEntry:
    """Append one entry. ``data`` holds ids and codes only, never personal data."""
    for key, value in (data or {}).items():
        if not isinstance(value, int | bool | None | str) or (
            isinstance(value, str) and len(value) > 64
        ):
            raise TypeError(f"audit data {key!r} must be a short code or an id")
    return AuditEntry.objects.create(
        actor_id=getattr(actor, "pk", actor),
        action=action,
        target_type=target_type,
        target_id=target_id,
        reason=reason,
        data=data or {},
    )
