"""Every view of an attendee list, a vetting dossier, an impact CSV export and
every personal data export leaves an audit row; the audit table refuses
UPDATE and DELETE from the application's own database connection."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from core.models import AuditEntry

from .conftest import report
from .matrix import RoleClient
from .world import build_world

pytestmark = pytest.mark.django_db

# (what, role, method, url name, kwargs, query, audit action)
AUDITED_VIEWS = [
    (
        "attendee list: event check-in",
        "organizer",
        "GET",
        "events:event-checkin",
        {"pk": "event"},
        {},
        "event.attendees_viewed",
    ),
    (
        "attendee list: club members",
        "organizer",
        "GET",
        "clubs:club-members",
        {"slug": "club.slug"},
        {},
        "club.members_viewed",
    ),
    (
        "attendee list: programme trainees",
        "trainer",
        "GET",
        "trainings:trainee-list",
        {"pk": "programme"},
        {},
        "programme.trainees_viewed",
    ),
    (
        "vetting dossier",
        "vetter",
        "GET",
        "members:vetting-dossier",
        {"pk": "application"},
        {},
        "dossier.viewed",
    ),
    (
        "impact CSV (organizer)",
        "organizer",
        "GET",
        "clubs:impact-csv",
        {},
        {"club": "club.slug"},
        "impact.csv_exported",
    ),
    (
        "impact CSV (admin)",
        "admin",
        "GET",
        "clubs:impact-csv",
        {},
        {},
        "impact.csv_exported",
    ),
]
EXPORT_ROLES = ["applicant", "member", "organizer", "trainer", "vetter", "admin"]


def test_every_sensitive_view_leaves_an_audit_row():
    from .matrix import resolve_ref

    world = build_world()
    cases, failures = 0, []
    views = list(AUDITED_VIEWS) + [
        (
            f"personal data export ({role})",
            role,
            "POST",
            "members:account-export",
            {},
            {},
            "personal_data.exported",
        )
        for role in EXPORT_ROLES
    ]
    for what, role, method, name, kwargs, query, action in views:
        user = world.users[role]
        client = RoleClient(user)
        url = reverse(
            name, kwargs={k: resolve_ref(world, v) for k, v in kwargs.items()} or None
        )
        if query:
            url += "?" + "&".join(
                f"{k}={resolve_ref(world, v)}" for k, v in query.items()
            )
        for _ in range(2):  # every view, not the first one only
            cases += 1
            before = AuditEntry.objects.filter(action=action, actor_id=user.pk).count()
            client.client.cookies = client.cookies
            response = (
                client.client.get(url) if method == "GET" else client.client.post(url)
            )
            after = AuditEntry.objects.filter(action=action, actor_id=user.pk).count()
            if response.status_code != 200 or after != before + 1:
                failures.append(
                    f"{what}: {response.status_code}, audit rows {before}->{after}"
                )
    report(
        "audit: every sensitive view leaves a row",
        tried=cases,
        passed=cases - len(failures),
    )
    assert not failures, failures


def _refused(sql, params=()):
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except DatabaseError:
        return True
    return False


def _refused_orm(operation):
    try:
        with transaction.atomic():
            operation()
    except DatabaseError:
        return True
    return False


def test_audit_table_refuses_update_and_delete():
    entry = AuditEntry.objects.create(actor_id=1, action="test.planted")
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        role = cursor.fetchone()[0]
    attempts = {
        "SQL UPDATE": _refused(
            "UPDATE core_auditentry SET reason = 'x' WHERE id = %s", [entry.pk]
        ),
        "SQL UPDATE all": _refused("UPDATE core_auditentry SET actor_id = NULL"),
        "SQL DELETE": _refused("DELETE FROM core_auditentry WHERE id = %s", [entry.pk]),
        "SQL DELETE all": _refused("DELETE FROM core_auditentry"),
        "ORM update": _refused_orm(
            lambda: AuditEntry.objects.filter(pk=entry.pk).update(reason="x")
        ),
        "ORM save": _refused_orm(lambda: AuditEntry.objects.get(pk=entry.pk).save()),
        "ORM delete": _refused_orm(
            lambda: AuditEntry.objects.filter(pk=entry.pk).delete()
        ),
    }
    entry.refresh_from_db()
    report(
        f"audit: UPDATE/DELETE refused for the app's role ({role})",
        tried=len(attempts),
        passed=sum(attempts.values()),
    )
    assert all(attempts.values()), attempts
    assert entry.reason == "" and entry.actor_id == 1
