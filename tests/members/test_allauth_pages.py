"""Every allauth page renders in the site's layout, in Russian and English."""

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.views import defaults

pytestmark = pytest.mark.django_db

ANONYMOUS_PAGES = [
    "account_login",
    "account_signup",
    "account_reset_password",
    "account_request_login_code",
    "account_email_verification_sent",
]
SIGNED_IN_PAGES = [
    "members:account",
    "account_email",
    "account_change_password",
    "mfa_index",
    "usersessions_list",
]


@pytest.fixture
def fresh_client(client, user):
    """Signed in and just re-authenticated, as allauth asks before MFA changes."""
    from tests.factories import PASSWORD

    client.force_login(user)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    return client


def _assert_site_layout(response, language):
    assert response.status_code == 200
    assert f'lang="{language}"' in response.text
    assert 'id="main-nav"' in response.text  # our navigation
    assert "language-switcher" in response.text


@pytest.mark.parametrize("name", ANONYMOUS_PAGES)
@pytest.mark.parametrize("language", ["ru", "en"])
def test_anonymous_allauth_pages(client, name, language):
    response = client.get(reverse(name), HTTP_ACCEPT_LANGUAGE=language)
    _assert_site_layout(response, language)


@pytest.mark.parametrize("name", SIGNED_IN_PAGES)
@pytest.mark.parametrize("language", ["ru", "en"])
def test_signed_in_pages(user_client, user, name, language):
    user.language = language
    user.save(update_fields=["language"])
    response = user_client.get(reverse(name))
    _assert_site_layout(response, language)


def test_login_page_is_translated(client):
    response = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="ru")
    assert "Войти" in response.text
    assert "Пароль" in response.text


@pytest.mark.parametrize("language", ["ru", "en"])
def test_totp_setup_page(fresh_client, user, language):
    user.language = language
    user.save(update_fields=["language"])
    _assert_site_layout(fresh_client.get(reverse("mfa_activate_totp")), language)


def test_totp_setup_shows_qr_code_inline_without_third_party(fresh_client):
    response = fresh_client.get(reverse("mfa_activate_totp"))
    assert 'src="data:image/svg+xml' in response.text


def test_500_page_is_translated():
    from django.utils import translation

    with translation.override("ru"):
        response = defaults.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Что-то пошло не так" in response.content.decode()


def test_403_page_is_translated(rf):
    from django.core.exceptions import PermissionDenied
    from django.utils import translation

    request = rf.get("/")
    request.user = None
    with translation.override("ru"):
        response = defaults.permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    assert "Доступ запрещён" in response.content.decode()
