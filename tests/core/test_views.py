import pytest
from django.urls import reverse

from core import services
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_home_anonymous_in_russian_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    assert 'lang="ru"' in response.text
    assert "Клубы общения" in response.text


def test_home_in_english_from_browser(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert 'lang="en"' in response.text
    assert "Communication clubs" in response.text


def test_home_signed_in_greets_by_display_name(user_client, user):
    response = user_client.get("/")
    assert user.display_name in response.text
    assert user.email not in response.text


def test_privacy_page(client):
    response = client.get(reverse("core:privacy"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "We do not store IP addresses" in response.text


def test_security_headers(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_404_page_translated(client):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 404
    assert "Страница не найдена" in response.text


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok"}


def test_healthz_503_when_redis_does_not_answer(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["redis"] == "down"
    assert response.json()["database"] == "ok"


def test_set_language_stores_choice_on_account(user_client, user):
    response = user_client.post(
        reverse("core:language-set"), {"language": "ru", "next": "/privacy/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/privacy/"
    user.refresh_from_db()
    assert user.language == "ru"
    assert "Конфиденциальность" in user_client.get("/privacy/").text


def test_set_language_refuses_foreign_redirect(client):
    response = client.post(
        reverse("core:language-set"),
        {"language": "en", "next": "https://evil.example/"},
    )
    assert response["Location"] == "/"


def test_set_language_ignores_unknown_language(client):
    response = client.post(reverse("core:language-set"), {"language": "xx"})
    assert response.status_code == 302
    assert "django_language" not in response.cookies


def test_set_language_requires_post(client):
    assert client.get(reverse("core:language-set")).status_code == 405


def test_notification_list_requires_login(client):
    response = client.get(reverse("core:notification-list"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def _notify(user, n):
    for i in range(n):
        services.notification_enqueue(
            recipient=user, kind="welcome", dedupe_key=f"t:{user.pk}:{i}"
        )


def test_notification_list_shows_only_own(user_client, user):
    other = UserFactory()
    _notify(user, 1)
    _notify(other, 3)
    response = user_client.get(reverse("core:notification-list"))
    assert len(response.context["rows"]) == 1


@pytest.mark.parametrize("count", [1, 10])
def test_notification_list_query_count_is_flat(
    user_client, user, count, django_assert_num_queries
):
    _notify(user, count)
    # user, count for the paginator, the page of rows (the session is cached)
    with django_assert_num_queries(3):
        response = user_client.get(reverse("core:notification-list"))
    assert response.status_code == 200


def _csrf_client():
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.get("/")
    return csrf_client, csrf_client.cookies["csrftoken"].value


def test_csrf_accepts_same_origin_post_under_no_referrer():
    client, token = _csrf_client()
    response = client.post(
        reverse("core:language-set"),
        {"language": "en", "csrfmiddlewaretoken": token},
        HTTP_ORIGIN="null",
        HTTP_SEC_FETCH_SITE="same-origin",
        secure=True,
    )
    assert response.status_code == 302


def test_csrf_still_rejects_cross_site_post():
    client, token = _csrf_client()
    response = client.post(
        reverse("core:language-set"),
        {"language": "en", "csrfmiddlewaretoken": token},
        HTTP_ORIGIN="null",
        HTTP_SEC_FETCH_SITE="cross-site",
    )
    assert response.status_code == 403


def test_csrf_still_requires_the_token():
    client, _ = _csrf_client()
    response = client.post(
        reverse("core:language-set"),
        {"language": "en"},
        HTTP_ORIGIN="null",
        HTTP_SEC_FETCH_SITE="same-origin",
    )
    assert response.status_code == 403
