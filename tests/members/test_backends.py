"""The session's user comes with their roles in one query (members/backends.py)."""

import pytest
from django.contrib.auth import get_user
from django.db import connection
from django.test.utils import CaptureQueriesContext

from members import services
from members.access import user_roles
from tests.factories import (
    ClubFactory,
    MemberFactory,
    UserFactory,
    make_admin,
    make_organizer,
)

pytestmark = pytest.mark.django_db


def _session_user(client):
    """request.user as the next request would load it."""

    class Request:
        session = client.session

    return get_user(Request())


def test_roles_come_with_the_user_in_one_query(client):
    club, other = ClubFactory(), ClubFactory()
    organizer = make_organizer(club)
    services.role_grant(
        user=organizer, role="organizer", club=other, actor=make_admin(), reason="x"
    )
    services.role_grant(user=organizer, role="vetter", actor=make_admin(), reason="x")
    client.force_login(organizer)
    with CaptureQueriesContext(connection) as queries:
        user = _session_user(client)
        roles = user_roles(user)
    assert user.pk == organizer.pk
    assert roles == {("organizer", club.pk), ("organizer", other.pk), ("vetter", None)}
    assert len(queries) == 1
    assert not hasattr(user, "role_pairs")


def test_no_roles_and_admin(client):
    member = MemberFactory()
    client.force_login(member)
    assert user_roles(_session_user(client)) == set()
    client.force_login(make_admin())
    assert user_roles(_session_user(client)) == {("admin", None)}


def test_a_role_counts_from_the_next_request(client):
    member, admin = MemberFactory(), make_admin()
    client.force_login(member)
    assert user_roles(_session_user(client)) == set()
    assignment = services.role_grant(
        user=member, role="vetter", actor=admin, reason="x"
    )
    assert user_roles(_session_user(client)) == {("vetter", None)}
    services.role_revoke(assignment=assignment, actor=admin, reason="x")
    assert user_roles(_session_user(client)) == set()


def test_inactive_or_deleted_user_is_signed_out(client):
    user = UserFactory()
    client.force_login(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert not _session_user(client).is_authenticated
    gone = MemberFactory()
    client.force_login(gone)
    gone.delete()
    assert not _session_user(client).is_authenticated
