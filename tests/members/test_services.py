from datetime import timedelta

import pytest
import time_machine
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from core.exceptions import DomainError
from core.models import AuditEntry, Notification
from members import services
from members.models import Application, Decision, Role, RoleAssignment, User, Vouch
from tests.factories import (
    MemberFactory,
    UserFactory,
    make_admin,
    make_vetter,
)

pytestmark = pytest.mark.django_db

DATA = {
    "country": "Georgia",
    "city": "Tbilisi",
    "languages": ["ru", "ka"],
    "statement": "I condemn the aggression.",
    "motivation": "Learn to talk with my father.",
    "heard_from": "A friend",
}


def _submit(applicant, refs=()):
    return services.application_submit(
        applicant=applicant,
        display_name=applicant.display_name,
        data=DATA,
        voucher_refs=list(refs),
    )


# --- Applying ----------


def test_submit_creates_application_and_asks_vouchers():
    applicant = UserFactory()
    by_name = MemberFactory(display_name="Old Friend")
    by_email = MemberFactory(email="colleague@example.org")
    application = _submit(applicant, ["old friend", "Colleague@Example.org"])
    assert application.status == Application.Status.SUBMITTED
    assert set(application.vouches.values_list("voucher_id", flat=True)) == {
        by_name.pk,
        by_email.pk,
    }
    requests = Notification.objects.filter(kind="vouch_requested")
    assert set(requests.values_list("recipient_id", flat=True)) == {
        by_name.pk,
        by_email.pk,
    }
    assert AuditEntry.objects.filter(action="application.submitted").count() == 1


def test_submit_unknown_voucher_names_it_and_saves_nothing():
    applicant = UserFactory()
    with pytest.raises(DomainError, match="Nobody Known"):
        _submit(applicant, ["Nobody Known"])
    assert not Application.objects.exists()


def test_applicant_cannot_be_named_as_voucher():
    applicant = UserFactory()
    other_applicant = UserFactory(display_name="Not Yet Member")
    with pytest.raises(DomainError, match="Not Yet Member"):
        _submit(applicant, ["Not Yet Member"])
    assert other_applicant.status == User.Status.APPLICANT


def test_at_most_three_vouchers():
    names = [MemberFactory().display_name for _ in range(4)]
    with pytest.raises(DomainError):
        _submit(UserFactory(), names)


def test_failed_voucher_lookups_are_rate_limited():
    applicant = UserFactory()
    member = MemberFactory(display_name="Real Member")
    for i in range(services.VOUCHER_LOOKUP_FAILURES_PER_DAY):
        with pytest.raises(DomainError):
            _submit(applicant, [f"guess{i}@example.org"])
    with pytest.raises(DomainError, match="Too many"):
        _submit(applicant, [member.display_name])


def test_second_open_application_is_refused():
    applicant = UserFactory()
    _submit(applicant)
    with pytest.raises(DomainError, match="already have an application"):
        _submit(applicant)


def test_member_cannot_apply():
    with pytest.raises(DomainError):
        _submit(MemberFactory())


def test_rejected_applicant_waits_for_cooling_off(settings):
    settings.APPLICATION_COOLING_OFF_DAYS = 30
    applicant = UserFactory()
    application = _submit(applicant)
    services.application_decide(
        application_id=application.pk,
        vetter=make_vetter(),
        kind="reject",
        reason="No clear position.",
    )
    with pytest.raises(DomainError, match="apply again"):
        _submit(applicant)
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        assert _submit(applicant).status == Application.Status.SUBMITTED


def test_update_while_pending_and_removed_voucher_is_not_asked():
    applicant = UserFactory()
    voucher = MemberFactory()
    application = _submit(applicant, [voucher.display_name])
    services.application_update(
        application=application,
        applicant=applicant,
        display_name="Renamed",
        data={**DATA, "city": "Batumi"},
        voucher_refs=[],
    )
    application.refresh_from_db()
    assert application.city == "Batumi"
    assert not application.vouches.exists()
    assert Notification.objects.get(kind="vouch_requested").status == "cancelled"
    applicant.refresh_from_db()
    assert applicant.display_name == "Renamed"


def test_answering_a_question_returns_application_to_the_vetters():
    applicant = UserFactory()
    application = _submit(applicant)
    services.application_decide(
        application_id=application.pk,
        vetter=make_vetter(),
        kind="request_info",
        reason="Which city?",
    )
    with pytest.raises(DomainError, match="answer"):
        services.application_update(
            application=application,
            applicant=applicant,
            display_name=applicant.display_name,
            data=DATA,
            voucher_refs=[],
            reply=" ",
        )
    services.application_update(
        application=application,
        applicant=applicant,
        display_name=applicant.display_name,
        data=DATA,
        voucher_refs=[],
        reply="Tbilisi.",
    )
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert application.applicant_reply == "Tbilisi."


def test_decided_application_cannot_be_edited():
    applicant = UserFactory()
    application = _submit(applicant)
    services.application_decide(
        application_id=application.pk, vetter=make_vetter(), kind="reject", reason="x"
    )
    with pytest.raises(DomainError, match="decided"):
        services.application_update(
            application=application,
            applicant=applicant,
            display_name=applicant.display_name,
            data=DATA,
            voucher_refs=[],
        )


# --- Vouching ----------


def test_vouch_confirm_then_second_answer_refused():
    voucher = MemberFactory()
    application = _submit(UserFactory(), [voucher.display_name])
    vouch = application.vouches.get()
    services.vouch_respond(
        vouch=vouch, voucher=voucher, confirm=True, comment=" Known 5y "
    )
    vouch.refresh_from_db()
    assert (vouch.status, vouch.comment) == (Vouch.Status.CONFIRMED, "Known 5y")
    with pytest.raises(DomainError):
        services.vouch_respond(vouch=vouch, voucher=voucher, confirm=False, comment="")


def test_cached_vouch_badge_follows_every_change(django_assert_num_queries):
    from members.selectors import pending_vouch_count

    voucher, other = MemberFactory(), MemberFactory()
    assert pending_vouch_count(user=voucher) == 0
    with django_assert_num_queries(0):  # from the cache
        assert pending_vouch_count(user=voucher) == 0
    first = _submit(UserFactory(), [voucher.display_name])
    second = _submit(UserFactory(), [voucher.display_name, other.display_name])
    assert pending_vouch_count(user=voucher) == 2
    assert pending_vouch_count(user=other) == 1
    services.vouch_respond(
        vouch=first.vouches.get(), voucher=voucher, confirm=True, comment=""
    )
    assert pending_vouch_count(user=voucher) == 1
    services.application_decide(
        application_id=second.pk, vetter=make_vetter(), kind="reject", reason="x"
    )
    assert pending_vouch_count(user=voucher) == 0
    assert pending_vouch_count(user=other) == 0


def test_cached_vetting_queue_counts_follow_every_change(django_assert_num_queries):
    from members.selectors import vetting_queue_counts

    assert vetting_queue_counts() == {"new": 0, "info": 0, "further": 0, "decided": 0}
    with django_assert_num_queries(0):  # from the cache
        vetting_queue_counts()
    applicant = UserFactory()
    application = _submit(applicant)
    assert vetting_queue_counts()["new"] == 1
    services.application_decide(
        application_id=application.pk, vetter=make_vetter(), kind="reject", reason="x"
    )
    assert vetting_queue_counts() == {"new": 0, "info": 0, "further": 0, "decided": 1}
    services.user_delete(user=applicant)
    assert vetting_queue_counts()["decided"] == 0


def test_vouch_on_closed_application_refused():
    voucher = MemberFactory()
    application = _submit(UserFactory(), [voucher.display_name])
    services.application_decide(
        application_id=application.pk, vetter=make_vetter(), kind="reject", reason="x"
    )
    with pytest.raises(DomainError):
        services.vouch_respond(
            vouch=application.vouches.get(), voucher=voucher, confirm=True, comment=""
        )
    # the pending request email is cancelled with the decision
    assert Notification.objects.get(kind="vouch_requested").status == "cancelled"


# --- Vetting ----------


def test_two_distinct_approvals_admit(settings):
    settings.VETTING_REQUIRED_APPROVALS = 2
    applicant = UserFactory()
    application = _submit(applicant)
    first, second = make_vetter(), make_vetter()
    services.application_decide(
        application_id=application.pk, vetter=first, kind="approve", reason="Vouched."
    )
    application.refresh_from_db()
    assert application.status == Application.Status.PARTIALLY_APPROVED
    with pytest.raises(DomainError, match="already approved"):
        services.application_decide(
            application_id=application.pk, vetter=first, kind="approve", reason="again"
        )
    services.application_decide(
        application_id=application.pk, vetter=second, kind="approve", reason="Agree."
    )
    application.refresh_from_db()
    applicant.refresh_from_db()
    assert application.status == Application.Status.APPROVED
    assert applicant.status == User.Status.MEMBER and applicant.member_since
    assert (
        Notification.objects.filter(
            recipient=applicant, kind="application_approved"
        ).count()
        == 1
    )
    assert AuditEntry.objects.filter(action="application.approve").count() == 2


def test_one_approval_admits_when_configured(settings):
    settings.VETTING_REQUIRED_APPROVALS = 1
    application = _submit(UserFactory())
    services.application_decide(
        application_id=application.pk, vetter=make_vetter(), kind="approve", reason="ok"
    )
    application.refresh_from_db()
    assert application.status == Application.Status.APPROVED


def test_reason_is_required():
    application = _submit(UserFactory())
    with pytest.raises(DomainError, match="reason"):
        services.application_decide(
            application_id=application.pk,
            vetter=make_vetter(),
            kind="approve",
            reason="  ",
        )


def test_voucher_cannot_decide():
    vetter = make_vetter()
    application = _submit(UserFactory(), [vetter.display_name])
    with pytest.raises(DomainError, match="voucher"):
        services.application_decide(
            application_id=application.pk, vetter=vetter, kind="approve", reason="ok"
        )
    assert not Decision.objects.exists()


def test_reject_and_request_info_notify_applicant():
    applicant = UserFactory()
    application = _submit(applicant)
    services.application_decide(
        application_id=application.pk,
        vetter=make_vetter(),
        kind="request_info",
        reason="Where do you live?",
    )
    application.refresh_from_db()
    assert application.info_request == "Where do you live?"
    services.application_decide(
        application_id=application.pk, vetter=make_vetter(), kind="reject", reason="No."
    )
    kinds = set(
        Notification.objects.filter(recipient=applicant).values_list("kind", flat=True)
    )
    assert kinds == {"application_info_requested", "application_rejected"}
    with pytest.raises(DomainError, match="already been decided"):
        services.application_decide(
            application_id=application.pk,
            vetter=make_vetter(),
            kind="approve",
            reason="x",
        )


def test_retention_purges_statement_but_keeps_outcome(settings):
    settings.APPLICATION_RETENTION_DAYS = 90
    application = _submit(UserFactory())
    services.application_decide(
        application_id=application.pk, vetter=make_vetter(), kind="reject", reason="r"
    )
    assert services.applications_purge_expired() == 0
    with time_machine.travel(timezone.now() + timedelta(days=91)):
        assert services.applications_purge_expired() == 1
        assert services.applications_purge_expired() == 0
    application.refresh_from_db()
    assert (application.statement, application.motivation) == ("", "")
    assert application.status == Application.Status.REJECTED
    assert application.decisions.count() == 1
    assert AuditEntry.objects.filter(action="application.purged").count() == 1


# --- Roles ----------


def test_grant_and_revoke_role_are_audited():
    admin = make_admin()
    member = MemberFactory()
    assignment = services.role_grant(
        user=member, role=Role.TRAINER, actor=admin, reason="Runs seminars"
    )
    with pytest.raises(DomainError):
        services.role_grant(user=member, role=Role.TRAINER, actor=admin, reason="again")
    services.role_revoke(assignment=assignment, actor=admin, reason="Stepped down")
    assert not RoleAssignment.objects.filter(user=member).exists()
    actions = list(
        AuditEntry.objects.filter(target_id=member.pk).values_list("action", flat=True)
    )
    assert sorted(actions) == ["role.granted", "role.revoked"]


def test_role_needs_member_and_reason():
    admin = make_admin()
    with pytest.raises(DomainError):
        services.role_grant(
            user=UserFactory(), role=Role.VETTER, actor=admin, reason="x"
        )
    with pytest.raises(DomainError):
        services.role_grant(
            user=MemberFactory(), role=Role.VETTER, actor=admin, reason=""
        )
    with pytest.raises(DomainError):
        services.role_grant(
            user=MemberFactory(), role=Role.ORGANIZER, actor=admin, reason="x"
        )


def test_last_admin_cannot_be_removed():
    admin = make_admin()
    assignment = RoleAssignment.objects.get(user=admin, role=Role.ADMIN)
    with pytest.raises(DomainError, match="last administrator"):
        services.role_revoke(assignment=assignment, actor=admin, reason="oops")


def test_admin_role_gives_django_admin_access():
    member = MemberFactory()
    services.role_grant(user=member, role=Role.ADMIN, actor=make_admin(), reason="x")
    member.refresh_from_db()
    assert member.is_staff and member.is_superuser


# --- Audit log ----------


def test_database_refuses_update_and_delete_of_audit_log():
    from core.audit import audit_record

    entry = audit_record(actor=None, action="test.entry", target_type="x", target_id=1)
    for statement in (
        "UPDATE core_auditentry SET reason = 'changed'",
        "DELETE FROM core_auditentry",
    ):
        with (
            pytest.raises(DatabaseError),
            transaction.atomic(),
            connection.cursor() as c,
        ):
            c.execute(statement)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(reason="x")
    with pytest.raises(DatabaseError), transaction.atomic():
        entry.delete()
    assert AuditEntry.objects.get(pk=entry.pk).reason == ""


def test_audit_data_refuses_personal_values():
    from core.audit import audit_record

    with pytest.raises(TypeError):
        audit_record(actor=None, action="x", data={"note": "a" * 100})


# --- Personal data ----------


def test_export_holds_own_data_and_is_audited():
    applicant = UserFactory(email="me@example.org")
    voucher = MemberFactory(
        email="secret-voucher@example.org", display_name="Voucher V"
    )
    _submit(applicant, [voucher.display_name])
    data = services.user_export_data(user=applicant)
    assert data["account"]["email"] == "me@example.org"
    assert data["applications"][0]["statement"] == DATA["statement"]
    assert data["applications"][0]["vouchers"] == [
        {"display_name": "Voucher V", "status": "requested"}
    ]
    assert "secret-voucher@example.org" not in str(data)
    assert AuditEntry.objects.filter(
        action="personal_data.exported", target_id=applicant.pk
    ).exists()


def test_delete_account_removes_personal_data_and_keeps_decisions():
    vetter = make_vetter()
    application = _submit(UserFactory())
    services.application_decide(
        application_id=application.pk, vetter=vetter, kind="request_info", reason="?"
    )
    mine = _submit(UserFactory())
    applicant = mine.applicant
    applicant_id, vetter_id = applicant.pk, vetter.pk
    services.user_delete(user=applicant)
    services.user_delete(user=vetter)
    assert not User.objects.filter(pk__in=[applicant_id, vetter_id]).exists()
    assert not Application.objects.filter(pk=mine.pk).exists()
    decision = Decision.objects.get()
    assert decision.vetter_id is None and decision.reason == "?"
    deleted = AuditEntry.objects.filter(action="account.deleted")
    assert set(deleted.values_list("target_id", flat=True)) == {applicant_id, vetter_id}
    assert all(entry.data == {} and entry.reason == "" for entry in deleted)


def test_export_includes_clubs_registrations_and_trainings():
    from events.services import registration_register
    from tests.factories import ClubFactory, EventFactory, join

    member = MemberFactory()
    club = ClubFactory(name="Export club")
    join(club, member)
    registration_register(
        event=EventFactory(club=club, title="Export meeting"), member=member
    )
    data = services.user_export_data(user=member)
    assert data["club_memberships"][0]["club"] == "Export club"
    assert data["registrations"][0]["event"] == "Export meeting"
    assert data["trainings"] == []
