"""Staff pages need two-factor authentication; the Django admin's login is
allauth's (rate-limited, asks for the second factor)."""

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, totp_code

from .conftest import report
from .matrix import MFA, RoleClient, build_url, classify, url_patterns
from .url_expectations import EXPECTATIONS
from .world import build_world

pytestmark = pytest.mark.django_db


def test_staff_pages_without_mfa_send_to_enrolment(production_rendering):
    world = build_world()
    Authenticator.objects.all().delete()
    clients, tried, failures = {}, 0, []
    for pattern in url_patterns():
        expect = EXPECTATIONS.get(pattern.key)
        if expect is None:
            continue
        url = build_url(world, pattern.key, expect)
        for method in ("GET", "POST"):
            for role in expect.staff_roles(method):
                client = clients.setdefault(role, RoleClient(world.users[role]))
                tried += 1
                response = client.request(method, url)
                outcome = classify(response)
                if outcome != MFA:
                    failures.append(
                        f"{method} {pattern.key} {url} as {role}: {outcome}"
                    )
                elif "next=" not in response["Location"]:
                    failures.append(f"{pattern.key}: enrolment does not lead back")
    report(
        "staff pages without MFA -> enrolment",
        tried=tried,
        passed=tried - len(failures),
    )
    assert tried > 40
    assert not failures, "\n".join(failures)


def _login(client, email, password, **extra):
    return client.post(
        reverse("account_login"),
        {"login": email, "password": password},
        HTTP_ACCEPT_LANGUAGE="en",
        **extra,
    )


def test_admin_login_is_allauths_and_asks_for_the_second_factor():
    world = build_world()
    admin = world.users["admin"]
    client = Client()
    response = client.get("/admin/")
    assert response.status_code == 302
    login = client.get(response["Location"])  # /admin/login/?next=/admin/
    assert login.status_code == 302
    assert login["Location"].startswith(reverse("account_login"))

    response = client.post(
        login["Location"], {"login": admin.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_authenticate"))
    assert client.get("/admin/").status_code == 302  # not in yet: second factor first

    response = client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
    report("admin login: allauth + second factor", tried=4, passed=4)


def test_admin_login_is_rate_limited_per_account():
    world = build_world()
    admin = world.users["admin"]
    client = Client()
    texts = [_login(client, admin.email, "wrong-password").text for _ in range(6)]
    assert "Too many failed login attempts" not in texts[0]
    assert "Too many failed login attempts" in texts[-1]
    # While limited, even the right password does not get in.
    response = _login(client, admin.email, PASSWORD)
    assert "Too many failed login attempts" in response.text
    assert client.get("/admin/").status_code == 302
    report("admin login: rate limit per account", tried=7, passed=7)
