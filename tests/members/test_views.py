import json

import pytest
from django.urls import reverse

from core.models import AuditEntry
from members.models import Application, Role, RoleAssignment, User
from members.selectors import pending_vouch_count
from tests.factories import (
    APPLICATION_DATA,
    PASSWORD,
    ApplicationFactory,
    MemberFactory,
    UserFactory,
    give_role,
    make_admin,
    make_vetter,
    sign_in,
)

pytestmark = pytest.mark.django_db

FORM = {"display_name": "Quiet Heron", **APPLICATION_DATA}


_login = sign_in


# --- Applicant ----------


def test_applicant_applies_and_sees_status(client):
    applicant = UserFactory(language="en")
    _login(client, applicant)
    voucher = MemberFactory(display_name="Known Member")
    response = client.post(
        reverse("members:application"), {**FORM, "voucher_1": "known member"}
    )
    assert response.status_code == 302
    page = client.get(reverse("members:application"))
    assert "Nothing is asked of you now" in page.text
    assert "Known Member" in page.text
    application = Application.objects.get(applicant=applicant)
    assert application.vouches.get().voucher == voucher


def test_unknown_voucher_error_keeps_everything_typed(client):
    _login(client, UserFactory(language="ru"))
    response = client.post(
        reverse("members:application"), {**FORM, "voucher_1": "Nobody Such"}
    )
    assert response.status_code == 200
    assert "Nobody Such" in response.text
    assert "I condemn the war." in response.text
    assert not Application.objects.exists()


def test_missing_fields_show_errors_not_500(client):
    _login(client, UserFactory(language="en"))
    response = client.post(reverse("members:application"), {"display_name": "x"})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_applicant_sees_question_and_answers_it(client):
    applicant = UserFactory(language="en")
    application = ApplicationFactory(
        applicant=applicant,
        status=Application.Status.INFO_REQUESTED,
        info_request="Which city?",
    )
    _login(client, applicant)
    page = client.get(reverse("members:application"))
    assert "Which city?" in page.text
    response = client.post(
        reverse("members:application"),
        {**FORM, "display_name": applicant.display_name, "reply": "Tbilisi"},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


def test_applicant_cannot_open_member_or_staff_pages(client):
    _login(client, UserFactory())
    assert client.get(reverse("members:vouch-list")).status_code == 404
    assert client.get(reverse("members:vetting-queue")).status_code == 404
    assert client.get(reverse("members:role-list")).status_code == 404
    assert client.get(reverse("members:audit-log")).status_code == 404


def test_application_page_requires_login(client):
    response = client.get(reverse("members:application"))
    assert response.status_code == 302


# --- Vouching ----------


def test_voucher_confirms_from_the_list(client):
    voucher = MemberFactory()
    application = ApplicationFactory()
    vouch = application.vouches.create(voucher=voucher)
    _login(client, voucher)
    assert (
        application.applicant.display_name
        in client.get(reverse("members:vouch-list")).text
    )
    response = client.post(
        reverse("members:vouch-respond", args=[vouch.pk]),
        {"answer": "confirm", "comment": "Known for years"},
    )
    assert response.status_code == 302
    vouch.refresh_from_db()
    assert vouch.status == "confirmed"


def test_another_members_vouch_is_404(client):
    vouch = ApplicationFactory().vouches.create(voucher=MemberFactory())
    _login(client, MemberFactory())
    response = client.post(
        reverse("members:vouch-respond", args=[vouch.pk]), {"answer": "confirm"}
    )
    assert response.status_code == 404


# --- Vetting ----------


def test_vetter_without_mfa_is_sent_to_enrol(client):
    vetter = give_role(MemberFactory(), Role.VETTER)
    _login(client, vetter)
    response = client.get(reverse("members:vetting-queue"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_index"))


@pytest.mark.parametrize("url_name", ["members:vetting-queue", "members:role-list"])
def test_member_without_role_gets_404(client, url_name):
    _login(client, MemberFactory())
    assert client.get(reverse(url_name)).status_code == 404


def test_dossier_is_404_for_non_vetters(client):
    application = ApplicationFactory()
    for user in (UserFactory(), MemberFactory(), application.applicant):
        _login(client, user)
        assert (
            client.get(
                reverse("members:vetting-dossier", args=[application.pk])
            ).status_code
            == 404
        )


def test_dossier_view_is_audited_and_decision_recorded(client, settings):
    settings.VETTING_REQUIRED_APPROVALS = 1
    application = ApplicationFactory()
    vetter = make_vetter(language="en")
    _login(client, vetter)
    page = client.get(reverse("members:vetting-dossier", args=[application.pk]))
    assert application.statement in page.text
    assert application.applicant.email not in page.text
    assert AuditEntry.objects.filter(
        action="dossier.viewed", actor_id=vetter.pk, target_id=application.pk
    ).exists()
    response = client.post(
        reverse("members:vetting-dossier", args=[application.pk]),
        {"kind": "approve", "reason": "Vouched and clear."},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "approved"


def test_decision_without_reason_explains(client):
    application = ApplicationFactory()
    _login(client, make_vetter(language="en"))
    response = client.post(
        reverse("members:vetting-dossier", args=[application.pk]), {"kind": "reject"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]


def test_decision_goes_to_the_next_application(client, settings):
    settings.VETTING_REQUIRED_APPROVALS = 2
    first, second = ApplicationFactory(), ApplicationFactory()
    _login(client, make_vetter())
    response = client.post(
        reverse("members:vetting-dossier", args=[first.pk]),
        {"kind": "approve", "reason": "ok", "next": "1"},
    )
    assert response["Location"] == reverse("members:vetting-dossier", args=[second.pk])


def test_queue_counts_and_states(client):
    ApplicationFactory()
    ApplicationFactory(status=Application.Status.INFO_REQUESTED)
    ApplicationFactory(status=Application.Status.REJECTED)
    _login(client, make_vetter())
    response = client.get(reverse("members:vetting-queue"))
    assert response.context["counts"] == {
        "new": 1,
        "info": 1,
        "further": 0,
        "decided": 1,
    }
    assert len(response.context["page_obj"]) == 1
    decided = client.get(reverse("members:vetting-queue") + "?state=decided")
    assert len(decided.context["page_obj"]) == 1


def test_queue_query_count_is_flat_with_1_and_10_items(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    vetter = make_vetter()
    _login(client, vetter)
    pending_vouch_count(user=vetter)  # the navigation's badge, cached on its own
    counts = []
    for total in (1, 10):
        while Application.objects.count() < total:
            application = ApplicationFactory()
            application.vouches.create(voucher=MemberFactory(), status="confirmed")
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("members:vetting-queue"))
        assert len(response.context["page_obj"]) == total
        counts.append(len(captured))
    assert counts[0] == counts[1], counts


# --- Admin pages ----------


def test_admin_grants_and_revokes_role(client):
    admin = make_admin()
    member = MemberFactory(display_name="Future Vetter")
    _login(client, admin)
    response = client.post(
        reverse("members:role-list"),
        {"member": "future vetter", "role": "vetter", "reason": "Trusted"},
    )
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=member)
    response = client.post(
        reverse("members:role-revoke", args=[assignment.pk]), {"reason": "Rotation"}
    )
    assert response.status_code == 302
    assert not RoleAssignment.objects.filter(user=member).exists()


def test_role_grant_to_applicant_explains(client):
    _login(client, make_admin(language="en"))
    UserFactory(display_name="Just Applied")
    response = client.post(
        reverse("members:role-list"),
        {"member": "Just Applied", "role": "vetter", "reason": "x"},
    )
    assert response.status_code == 200
    assert "Only admitted members" in response.text


def test_audit_log_filters_and_is_admin_only(client):
    admin = make_admin()
    from core.audit import audit_record

    audit_record(actor=admin, action="role.granted", target_type="user", target_id=7)
    audit_record(
        actor=admin, action="dossier.viewed", target_type="application", target_id=3
    )
    _login(client, admin)
    page = client.get(reverse("members:audit-log") + "?action=dossier")
    assert len(page.context["rows"]) == 1
    assert admin.display_name in page.text
    bad = client.get(reverse("members:audit-log") + "?actor=abc&since=notadate")
    assert bad.status_code == 200
    _login(client, make_vetter())
    assert client.get(reverse("members:audit-log")).status_code == 404


# --- Account ----------


def test_export_downloads_json_and_is_audited(client):
    user = UserFactory(email="me@example.org")
    _login(client, user)
    assert client.get(reverse("members:account-export")).status_code == 405
    response = client.post(reverse("members:account-export"))
    assert response["Content-Disposition"].startswith("attachment;")
    assert json.loads(response.content)["account"]["email"] == "me@example.org"
    assert AuditEntry.objects.filter(action="personal_data.exported").count() == 1


def test_delete_account_needs_reauthentication(client):
    user = UserFactory()
    _login(client, user)
    response = client.post(reverse("members:account-delete"), {"confirm": "on"})
    assert response.status_code == 302
    assert reverse("account_reauthenticate") in response["Location"]
    assert User.objects.filter(pk=user.pk).exists()


def test_delete_account_after_reauthentication(client):
    user = UserFactory()
    user_id = user.pk
    _login(client, user)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    response = client.post(reverse("members:account-delete"), {"confirm": "on"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=user_id).exists()
    assert AuditEntry.objects.filter(
        action="account.deleted", target_id=user_id
    ).exists()
    assert "_auth_user_id" not in client.session


def test_delete_account_needs_confirmation(client):
    user = UserFactory()
    _login(client, user)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    response = client.post(reverse("members:account-delete"), {})
    assert response.status_code == 200
    assert User.objects.filter(pk=user.pk).exists()


def test_django_admin_needs_mfa(client):
    staff = give_role(MemberFactory(), Role.ADMIN)
    staff.is_staff = staff.is_superuser = True
    staff.save(update_fields=["is_staff", "is_superuser"])
    _login(client, staff)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_index"))
    _login(client, make_admin())
    assert client.get("/admin/").status_code == 200
