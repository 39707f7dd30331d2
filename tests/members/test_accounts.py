import re
from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.usersessions.models import UserSession
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from core.models import Notification
from members.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = {
    "email": "new@example.org",
    "display_name": "Quiet Heron",
    "timezone": "Asia/Almaty",
    "password1": "a-long-enough-password-42",
    "password2": "a-long-enough-password-42",
}


def test_signup_stores_pseudonym_zone_and_language_and_asks_to_verify(client):
    response = client.post(reverse("account_signup"), SIGNUP, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    user = User.objects.get(email="new@example.org")
    assert (user.display_name, user.timezone, user.language) == (
        "Quiet Heron",
        "Asia/Almaty",
        "en",
    )
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    assert "Quiet Heron" not in mail.outbox[0].subject


def test_signup_with_taken_display_name_explains_in_russian(client):
    UserFactory(display_name="quiet heron")
    response = client.post(reverse("account_signup"), SIGNUP, HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 200
    assert "Это имя уже занято" in response.text
    assert 'value="new@example.org"' in response.text  # nothing typed is lost


def test_signup_rejects_email_as_display_name(client):
    data = {**SIGNUP, "display_name": "me@example.org"}
    response = client.post(reverse("account_signup"), data, HTTP_ACCEPT_LANGUAGE="en")
    assert "must not be an email address" in response.text


def test_signup_for_existing_email_looks_the_same(client):
    UserFactory(email="new@example.org", display_name="Someone")
    response = client.post(reverse("account_signup"), SIGNUP)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")


def test_unverified_account_cannot_sign_in(client):
    UserFactory(email="u@example.org", verified=False)
    response = client.post(
        reverse("account_login"), {"login": "u@example.org", "password": PASSWORD}
    )
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


def test_confirming_email_queues_one_welcome(client):
    user = UserFactory(verified=False)
    address = EmailAddress.objects.create(user=user, email=user.email, primary=True)
    key = EmailConfirmationHMAC(address).key
    url = reverse("account_confirm_email", args=[key])
    client.post(url)
    client.post(url)
    assert Notification.objects.filter(recipient=user, kind="welcome").count() == 1
    address.refresh_from_db()
    assert address.verified


def test_login_applies_account_language(client):
    UserFactory(email="ru@example.org", language="ru")
    client.post(
        reverse("account_login"),
        {"login": "ru@example.org", "password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert 'lang="ru"' in response.text


def test_password_reset_same_answer_for_unknown_address(client):
    UserFactory(email="known@example.org")
    known = client.post(
        reverse("account_reset_password"), {"email": "known@example.org"}
    )
    unknown = client.post(
        reverse("account_reset_password"), {"email": "nobody@example.org"}
    )
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]


def test_login_by_code_is_offered(client):
    response = client.get(reverse("account_request_login_code"))
    assert response.status_code == 200


def test_failed_logins_are_rate_limited(client):
    UserFactory(email="target@example.org")
    responses = [
        client.post(
            reverse("account_login"),
            {"login": "target@example.org", "password": "wrong"},
            HTTP_ACCEPT_LANGUAGE="en",
        )
        for _ in range(6)
    ]
    assert "Too many failed login attempts" not in responses[0].text
    assert "Too many failed login attempts" in responses[-1].text


def test_rate_limit_ignores_forged_forwarded_for(client):
    UserFactory(email="target@example.org")
    for i in range(6):
        response = client.post(
            reverse("account_login"),
            {"login": f"someone-else-{i}@example.org", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{i}",
            HTTP_ACCEPT_LANGUAGE="en",
        )
    # 10 failures per minute per address: the forged header does not reset it.
    for i in range(5):
        response = client.post(
            reverse("account_login"),
            {"login": f"other-{i}@example.org", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"192.0.2.{i}",
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert "Too many failed login attempts" in response.text


def test_admin_login_goes_through_allauth(client):
    response = client.get("/admin/login/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_account_page_updates_preferences(user_client, user):
    response = user_client.post(
        reverse("members:account"),
        {"display_name": "New Name", "language": "ru", "timezone": "Asia/Tbilisi"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.display_name, user.language, user.timezone) == (
        "New Name",
        "ru",
        "Asia/Tbilisi",
    )


def test_account_page_bad_zone_keeps_input_and_explains(user_client, user):
    response = user_client.post(
        reverse("members:account"),
        {"display_name": "Kept Name", "language": "en", "timezone": "Mars/Olympus"},
    )
    assert response.status_code == 200
    assert "Kept Name" in response.text
    assert response.context["form"].errors["timezone"]


def test_account_page_requires_login(client):
    assert client.get(reverse("members:account")).status_code == 302


def test_session_list_does_not_store_ip_addresses(client):
    UserFactory(email="s@example.org")
    client.post(
        reverse("account_login"),
        {"login": "s@example.org", "password": PASSWORD},
        REMOTE_ADDR="203.0.113.7",
    )
    assert UserSession.objects.count() == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT host(ip) FROM usersessions_usersession")
        assert {row[0] for row in cursor.fetchall()} == {"0.0.0.0"}
    page = client.get(reverse("usersessions_list"))
    assert "203.0.113.7" not in page.text


def _seed_snapshot():
    from allauth.mfa.models import Authenticator

    from members.models import Application, Decision, RoleAssignment, Vouch

    return [
        list(model.objects.order_by("pk").values_list("pk", flat=True))
        for model in (Application, Decision, RoleAssignment, Vouch, Authenticator)
    ]


def test_seed_demo_is_idempotent():
    call_command("seed_demo")
    snapshot = list(User.objects.order_by("pk").values_list("pk", "password", "email"))
    tables = _seed_snapshot()
    assert all(tables[:3])
    call_command("seed_demo")
    assert _seed_snapshot() == tables
    assert (
        list(User.objects.order_by("pk").values_list("pk", "password", "email"))
        == snapshot
    )
    assert len(snapshot) == 11
    assert EmailAddress.objects.filter(verified=True).count() == 11


def test_display_names_are_unique_case_insensitively(db):
    UserFactory(display_name="Heron")
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(display_name="HERON")


def test_verification_email_is_neutral(client):
    client.post(reverse("account_signup"), SIGNUP, HTTP_ACCEPT_LANGUAGE="en")
    message = mail.outbox[0]
    assert message.from_email == "Notifications <noreply@localhost>"
    assert not re.search(r"club|war|russia", message.subject, re.I)


def test_seed_demo_clubs_events_and_registrations_are_idempotent():
    from django.utils import timezone

    from clubs.models import Club, ClubMembership
    from events.models import Event, Registration, Series

    def snapshot():
        return [
            list(model.objects.order_by("pk").values())
            for model in (Club, ClubMembership, Event, Registration, Series)
        ]

    call_command("seed_demo")
    tables = snapshot()
    call_command("seed_demo")
    assert snapshot() == tables

    now = timezone.now()
    assert Club.objects.count() == 8
    for club in Club.objects.all():
        assert club.events.filter(starts_at__lt=now).exists(), club.slug
        assert club.events.filter(starts_at__gt=now).exists(), club.slug
    member = User.objects.get(email="member@demo.mosty.test")
    statuses = set(member.registrations.values_list("status", flat=True))
    assert {"confirmed", "waitlisted"} <= statuses
    assert Registration.objects.filter(attendance="attended").exists()


def test_seed_demo_training_programmes_are_idempotent():
    from django.utils import timezone

    from events.models import Event, Registration
    from trainings.models import CheckIn, Programme, Strategy, TrainingApplication

    models = (Programme, TrainingApplication, Strategy, CheckIn, Event, Registration)

    def snapshot():
        return [list(model.objects.order_by("pk").values()) for model in models]

    call_command("seed_demo")
    tables = snapshot()
    call_command("seed_demo")
    assert snapshot() == tables

    now = timezone.now()
    assert Programme.objects.count() == 2
    done = Programme.objects.filter(applications__completed_at__isnull=False)
    assert done.distinct().count() == 1
    completed = done.first().applications.filter(
        status="accepted", completed_at__isnull=False
    )
    assert completed.count() == 2
    assert not completed.first().programme.sessions.filter(starts_at__gt=now).exists()
    assert CheckIn.objects.filter(submitted_at__isnull=False, wants_help=True).exists()
    assert CheckIn.objects.filter(submitted_at__isnull=True, due_at__gt=now).exists()
    running = Programme.objects.filter(sessions__starts_at__gt=now).distinct().get()
    assert running.sessions.filter(starts_at__lt=now).exists()
    assert set(running.applications.values_list("status", flat=True)) == {
        "accepted",
        "waitlisted",
    }


def test_seed_demo_impact_data_is_idempotent_and_journal_figure_shows():
    from clubs import impact
    from clubs.models import ClubProposal, Playbook
    from members.models import JournalEntry, JournalPerson, Story, StoryReaction
    from trainings.models import Resource

    models = (
        Resource,
        Playbook,
        ClubProposal,
        JournalPerson,
        JournalEntry,
        Story,
        StoryReaction,
    )

    def snapshot():
        return [list(model.objects.order_by("pk").values()) for model in models]

    call_command("seed_demo")
    tables = snapshot()
    assert all(tables)
    call_command("seed_demo")
    assert snapshot() == tables

    journal = impact.figures(period=impact.default_period())["journal"]
    assert isinstance(journal["improved_share"], int)
    assert not isinstance(journal["members"], impact.Suppressed)
    assert journal["members"] >= 5
    assert Story.objects.filter(status="approved").count() == 2
    assert Story.objects.filter(status="pending").count() == 1
    assert ClubProposal.objects.get().playbook == Playbook.objects.get()


class _RefusingBackend:
    """A mail server that refuses connections: the one boundary we stand in for."""

    def __init__(self, *args, **kwargs):
        pass

    def open(self):
        raise ConnectionRefusedError(111, "Connection refused")

    def close(self):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError(111, "Connection refused")


@pytest.fixture
def smtp_down(settings):
    settings.EMAIL_BACKEND = "tests.members.test_accounts._RefusingBackend"


def _messages(response):
    return [str(m) for m in response.context["messages"]]


NOT_SENT_RU = (
    "Сейчас не получается отправить вам письмо. Попробуйте ещё раз через "
    "несколько минут."
)
NOT_SENT_EN = (
    "We could not send you an email just now. Please try again in a few minutes."
)


def test_signup_with_the_mail_server_down_keeps_the_account_and_explains(
    client, smtp_down, settings
):
    response = client.post(
        reverse("account_signup"), SIGNUP, HTTP_ACCEPT_LANGUAGE="ru", follow=True
    )
    assert response.status_code == 200
    # Only ours: not allauth's "a confirmation email was sent to ...".
    assert _messages(response) == [NOT_SENT_RU]
    assert "не удалось отправить" in response.text
    assert "Мы отправили вам письмо" not in response.text
    user = User.objects.get(email="new@example.org")
    assert user.display_name == "Quiet Heron"
    # Once the server is back, signing in sends the confirmation again (after
    # allauth's pause between two confirmation emails to one address).
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        client.post(
            reverse("account_login"),
            {"login": SIGNUP["email"], "password": SIGNUP["password1"]},
        )
    assert [m.to for m in mail.outbox] == [["new@example.org"]]


def _answers_to(client, url_name, submissions):
    """Each submission posted afresh (no cookies kept) in English, followed to
    its page: the redirects and messages each ends with, and the pages."""
    answers, pages = [], []
    for data in submissions:
        client.cookies.clear()
        response = client.post(
            reverse(url_name), data, HTTP_ACCEPT_LANGUAGE="en", follow=True
        )
        assert response.status_code == 200
        answers.append((response.redirect_chain, _messages(response)))
        pages.append(response.text)
    return answers, pages


def test_signup_with_the_mail_server_down_looks_the_same_for_a_taken_address(
    client, smtp_down
):
    UserFactory(email="taken@example.org", display_name="Someone")
    answers, _ = _answers_to(
        client,
        "account_signup",
        [
            {**SIGNUP, "email": "taken@example.org", "display_name": "Grey Heron"},
            {**SIGNUP, "email": "free@example.org", "display_name": "Blue Heron"},
        ],
    )
    assert answers[0] == answers[1]
    assert answers[0][1] == [NOT_SENT_EN]


KNOWN_AND_UNKNOWN = [{"email": "known@example.org"}, {"email": "nobody@example.org"}]


def test_password_reset_with_the_mail_server_down_looks_the_same_for_any_address(
    client, smtp_down
):
    UserFactory(email="known@example.org")
    answers, pages = _answers_to(client, "account_reset_password", KNOWN_AND_UNKNOWN)
    assert answers[0] == answers[1]
    assert answers[0][1] == [NOT_SENT_EN]
    for page in pages:
        assert "could not be sent" in page
        assert "We have sent you an email" not in page


def test_sign_in_code_with_the_mail_server_down_looks_the_same_for_any_address(
    client, smtp_down
):
    UserFactory(email="known@example.org")
    answers, _ = _answers_to(client, "account_request_login_code", KNOWN_AND_UNKNOWN)
    assert answers[0] == answers[1]
    # Only ours: not allauth's "a sign-in code has been sent to ...".
    assert answers[0][1] == [NOT_SENT_EN]
