"""Authentication backends: Django's and allauth's, with one change.

Every signed-in page needs the user's roles (navigation, access checks).
Django loads the user of a session with one query, and ``access.user_roles``
then asked for the roles with a second. Here the roles come with the user, as
an array in the same row, and are handed to ``user_roles``' per-request cache.
Nothing is cached across requests: a role granted or revoked counts from the
very next request, as before.
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.db import connection

from .models import RoleAssignment, User


def _sql() -> str:
    """The user's row and their roles as 'role:club_id' strings, in one
    statement. Written out once rather than built by the ORM: this runs on
    every signed-in request, and composing the subquery through the ORM
    costs more Python than the second query it saves. Identifiers come from
    the models' metadata; the user id is the only (bound) parameter."""
    q = connection.ops.quote_name
    user, role = User._meta, RoleAssignment._meta

    def column(meta, name):
        return q(meta.get_field(name).column)

    columns = ", ".join(f"u.{q(field.column)}" for field in user.concrete_fields)
    roles = (
        f"SELECT r.{column(role, 'role')} || ':' || "  # noqa: S608
        f"COALESCE(r.{column(role, 'club')}::text, '') FROM {q(role.db_table)} r "
        f"WHERE r.{column(role, 'user')} = u.{q(user.pk.column)}"
    )
    return (
        f"SELECT {columns}, ARRAY({roles}) AS role_pairs "  # noqa: S608
        f"FROM {q(user.db_table)} u WHERE u.{q(user.pk.column)} = %s"
    )


_SQL = None


def user_with_roles(user_id) -> User | None:
    """The user with ``_mosty_roles`` filled in (see members.access.user_roles)."""
    global _SQL
    if _SQL is None:
        _SQL = _sql()
    user = next(iter(User._default_manager.raw(_SQL, [int(user_id)])), None)
    if user is None:
        return None
    roles = set()
    for pair in user.role_pairs:
        role, _, club = pair.partition(":")
        roles.add((role, int(club) if club else None))
    del user.role_pairs
    user._mosty_roles = roles
    return user


class RolesWithUserMixin:
    def get_user(self, user_id):
        user = user_with_roles(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(RolesWithUserMixin, DjangoModelBackend):
    pass


class AuthenticationBackend(RolesWithUserMixin, AllauthBackend):
    pass
