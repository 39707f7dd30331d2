"""Who may see and do what. Views never build visibility rules themselves.

Objects a user may not see raise Http404 (not 403): no existence oracle.
"""

from functools import wraps

from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from .models import STAFF_ROLES, Application, Role, RoleAssignment, User, Vouch


def user_roles(user) -> set[tuple[str, int | None]]:
    """(role, club_id) pairs held by the user, loaded once per request object."""
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_mosty_roles", None)
    if cached is None:
        cached = set(
            RoleAssignment.objects.filter(user=user).values_list("role", "club_id")
        )
        user._mosty_roles = cached
    return cached


def has_role(user, role: str, *, club_id: int | None = None) -> bool:
    roles = user_roles(user)
    if (Role.ADMIN, None) in roles:
        return True
    if role == Role.ORGANIZER and club_id is None:
        return any(r == Role.ORGANIZER for r, _ in roles)
    return (role, club_id) in roles


def is_admin(user) -> bool:
    return (Role.ADMIN, None) in user_roles(user)


def can_vet(user) -> bool:
    return user.is_authenticated and user.is_member and has_role(user, Role.VETTER)


def is_staff_member(user) -> bool:
    return any(role in STAFF_ROLES for role, _ in user_roles(user))


def mfa_redirect(request):
    messages.warning(
        request,
        _(
            "Staff pages need two-factor authentication. Please set it up first: "
            "it protects the members whose data you can see."
        ),
    )
    return redirect(
        f"{reverse('mfa_index')}?{urlencode({'next': request.get_full_path()})}"
    )


def role_required(*roles: str):
    """Staff page: the user holds one of ``roles`` (else 404) and has MFA enrolled
    (else they are sent to enrol first)."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_member or not any(has_role(user, r) for r in roles):
                raise Http404
            if not is_mfa_enabled(user):
                return mfa_redirect(request)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def member_required(view):
    """Member-only page: applicants are sent to their application."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_member:
            messages.info(
                request,
                _("This page opens once your application has been approved."),
            )
            return redirect("members:application")
        return view(request, *args, **kwargs)

    return wrapper


def get_application_for_vetter(user, pk: int) -> Application:
    if not can_vet(user):
        raise Http404
    return get_object_or_404(Application.objects.select_related("applicant"), pk=pk)


def get_vouch_for_voucher(user, pk: int) -> Vouch:
    return get_object_or_404(
        Vouch.objects.select_related("application__applicant"), pk=pk, voucher=user
    )


def get_user_for_admin(user, pk: int) -> User:
    if not is_admin(user):
        raise Http404
    return get_object_or_404(User, pk=pk)
