from django.utils.functional import SimpleLazyObject

from . import access, selectors


def navigation(request):
    """What the signed-in person can do, for the navigation bar (lazy)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def build():
        return {
            "is_member": user.is_member,
            "can_vet": access.can_vet(user),
            "is_admin": user.is_member and access.is_admin(user),
            "is_trainer": user.is_member
            and any(
                role in ("trainer", "admin") for role, _ in access.user_roles(user)
            ),
            "is_organizer": user.is_member
            and any(role == "organizer" for role, _ in access.user_roles(user)),
            "pending_vouches": (
                selectors.pending_vouch_count(user=user) if user.is_member else 0
            ),
        }

    return {"nav": SimpleLazyObject(build)}
