"""Attacks: login rate limits (per account, per address, forged
X-Forwarded-For), answers that do not tell known from unknown addresses,
sessions that end when they should, security headers, the deploy check."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings as django_settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, TOTP_SECRET, UserFactory, enable_mfa

from .conftest import report

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
LIMITED = "Too many failed login attempts"


def _login(client, email, password="wrong-password", **extra):
    return client.post(
        reverse("account_login"),
        {"login": email, "password": password},
        HTTP_ACCEPT_LANGUAGE="en",
        **extra,
    )


# --- Login rate limits ----------------------------------------------------------------


def test_login_limit_per_account_holds_across_addresses():
    UserFactory(email="target@example.org")
    client = Client()
    answers = [
        _login(client, "target@example.org", REMOTE_ADDR=f"203.0.113.{i}").text
        for i in range(1, 7)
    ]
    blocked_right = _login(
        client, "target@example.org", PASSWORD, REMOTE_ADDR="203.0.113.99"
    )
    cases = [LIMITED not in a for a in answers[:5]] + [LIMITED in answers[5]]
    cases.append(
        LIMITED in blocked_right.text and "_auth_user_id" not in client.session
    )
    report("login limit per account (6 addresses)", tried=len(cases), passed=sum(cases))
    assert all(cases)


def _burst_per_address(client, *, xff=None, trusted_proxies=0, settings=None):
    """11 failed logins for 11 different accounts from one real address."""
    results = []
    for i in range(11):
        extra = {"REMOTE_ADDR": "198.51.100.7"}
        if xff:
            extra["HTTP_X_FORWARDED_FOR"] = xff(i)
        results.append(
            LIMITED in _login(client, f"nobody{i}@example.org", **extra).text
        )
    return results


def test_login_limit_per_address():
    client = Client()
    results = _burst_per_address(client)
    # 10 failures a minute per address; the 11th is refused, another address is not.
    other = LIMITED in _login(client, "else@example.org", REMOTE_ADDR="192.0.2.1").text
    cases = [not r for r in results[:10]] + [results[10], not other]
    report("login limit per address", tried=len(cases), passed=sum(cases))
    assert all(cases)


def test_forged_forwarded_for_from_untrusted_peer_is_ignored():
    assert django_settings.ALLAUTH_TRUSTED_PROXY_COUNT == 0
    client = Client()
    results = _burst_per_address(client, xff=lambda i: f"10.0.{i}.1")
    cases = [not r for r in results[:10]] + [results[10]]
    report("login limit: forged X-Forwarded-For, no proxy", tried=11, passed=sum(cases))
    assert all(cases)


def test_forged_forwarded_for_behind_one_trusted_proxy_is_ignored(settings):
    # Behind our proxy the client's own (forged) entries come first and the
    # proxy appends the address it saw: only that one counts.
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    client = Client()
    results = _burst_per_address(
        client, xff=lambda i: f"10.0.{i}.1, 172.16.{i}.9, 203.0.113.50"
    )
    cases = [not r for r in results[:10]] + [results[10]]
    report("login limit: forged X-Forwarded-For, 1 proxy", tried=11, passed=sum(cases))
    assert all(cases)


# --- No oracle: known and unknown addresses get the same answer -----------------------

_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def _normalised(response, typed=()):
    # What the visitor typed is echoed back into the form: that is no oracle.
    body = _TOKEN.sub("", response.content.decode())
    for text in typed:
        body = body.replace(text, "<typed>")
    return response.status_code, response.get("Location"), body


def _same_answer(url, data_for):
    answers = []
    for email in ("known@example.org", "unknown@example.org"):
        client = Client()
        data = data_for(email)
        typed = [v for v in data.values() if "@" in v or " " in v]
        first = client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
        page = None
        if first.get("Location"):
            page = _normalised(
                client.get(first["Location"], HTTP_ACCEPT_LANGUAGE="en"), typed
            )
        answers.append((_normalised(first, typed), page))
    return answers[0] == answers[1]


def test_known_and_unknown_addresses_get_the_same_answer():
    UserFactory(email="known@example.org", display_name="Known One")
    signup = {
        "display_name": "Someone New",
        "timezone": "UTC",
        "password1": "a-long-enough-password-42",
        "password2": "a-long-enough-password-42",
    }
    cases = {
        "signup": _same_answer(
            reverse("account_signup"),
            lambda email: {
                **signup,
                "email": email,
                "display_name": f"Someone {email[:3]}",
            },
        ),
        "password reset": _same_answer(
            reverse("account_reset_password"), lambda email: {"email": email}
        ),
        "login by code": _same_answer(
            reverse("account_request_login_code"), lambda email: {"email": email}
        ),
        "wrong password": _same_answer(
            reverse("account_login"),
            lambda email: {"login": email, "password": "not-the-password"},
        ),
    }
    report(
        "no account oracle (signup, reset, code, login)",
        tried=len(cases),
        passed=sum(cases.values()),
    )
    assert all(cases.values()), cases
    # The owner of the known address is told by email; the page said nothing.
    assert any("known@example.org" in m.to for m in mail.outbox)


# --- Sessions -------------------------------------------------------------------------


def _signed_in_client(email, password=PASSWORD):
    client = Client()
    response = client.post(
        reverse("account_login"), {"login": email, "password": password}
    )
    assert response.status_code == 302
    assert "_auth_user_id" in client.session
    return client


def _is_signed_in(client) -> bool:
    return client.get(reverse("members:account")).status_code == 200


def test_session_cookie_replayed_after_logout_fails():
    UserFactory(email="replay@example.org")
    client = _signed_in_client("replay@example.org")
    stolen = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    client.post(reverse("account_logout"))
    thief = Client()
    thief.cookies[django_settings.SESSION_COOKIE_NAME] = stolen
    response = thief.get(reverse("members:account"))
    ok = (
        response.status_code == 302 and reverse("account_login") in response["Location"]
    )
    report("session replay after logout", tried=1, passed=int(ok))
    assert ok


def test_password_change_ends_the_other_sessions():
    UserFactory(email="pw@example.org")
    here, there = (
        _signed_in_client("pw@example.org"),
        _signed_in_client("pw@example.org"),
    )
    response = here.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "another-long-password-77",
            "password2": "another-long-password-77",
        },
    )
    assert response.status_code == 302
    cases = [_is_signed_in(here), not _is_signed_in(there)]
    report("password change ends other sessions", tried=2, passed=sum(cases))
    assert cases == [True, True]


def _totp(secret):
    import time

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_mfa_changes_end_the_other_sessions(django_capture_on_commit_callbacks):
    UserFactory(email="mfa@example.org")
    results = []

    # Enrolling two-factor authentication.
    here, there = (
        _signed_in_client("mfa@example.org"),
        _signed_in_client("mfa@example.org"),
    )
    _reauthenticate(here)
    here.get(reverse("mfa_activate_totp"))
    secret = here.session["mfa.totp.secret"]
    # allauth announces the new authenticator once the transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        response = here.post(reverse("mfa_activate_totp"), {"code": _totp(secret)})
    assert response.status_code == 302, response.content[:500]
    results += [_is_signed_in(here), not _is_signed_in(there)]

    # Removing it again (signed in with both factors, on two devices).
    # A TOTP code works once: each device signs in with the code of a later window.
    here, there = (_mfa_client("mfa@example.org", secret, 60 * k) for k in (1, 2))
    _reauthenticate(here)
    with django_capture_on_commit_callbacks(execute=True):
        response = here.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    results += [_is_signed_in(here), not _is_signed_in(there)]
    report("MFA enrol/remove ends other sessions", tried=4, passed=sum(results))
    assert results == [True, True, True, True]


def _reauthenticate(client):
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302, response.content[:300]


def _mfa_client(email, secret, shift_seconds):
    import time

    import time_machine

    client = Client()
    with time_machine.travel(time.time() + shift_seconds, tick=True):
        client.post(reverse("account_login"), {"login": email, "password": PASSWORD})
        response = client.post(reverse("mfa_authenticate"), {"code": _totp(secret)})
    assert response.status_code == 302
    return client


def test_staff_mfa_login_needs_the_code():
    user = enable_mfa(UserFactory(email="staff2fa@example.org"))
    client = Client()
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert not _is_signed_in(client)
    client.post(reverse("mfa_authenticate"), {"code": _totp(TOTP_SECRET)})
    assert _is_signed_in(client)


# --- Headers and the deploy check -----------------------------------------------------


def security_header_problems(response, *, https: bool) -> list[str]:
    problems = []
    csp = response.get("Content-Security-Policy", "")
    if not csp:
        problems.append("no CSP")
    if "unsafe-inline" in csp or "unsafe-eval" in csp:
        problems.append("CSP allows unsafe code")
    if "frame-ancestors 'none'" not in csp:
        problems.append("CSP without frame-ancestors 'none'")
    if response.get("Referrer-Policy") != "no-referrer":
        problems.append("Referrer-Policy is not no-referrer")
    if response.get("X-Content-Type-Options") != "nosniff":
        problems.append("no nosniff")
    if https and "max-age=31536000" not in response.get(
        "Strict-Transport-Security", ""
    ):
        problems.append("no HSTS on HTTPS")
    return problems


def test_development_settings_send_no_hsts():
    """Honest about the default: with DJANGO_DEBUG=true (development and these
    tests) SECURE_HSTS_SECONDS is 0, so no HSTS header even over HTTPS; the
    production default (DJANGO_DEBUG=false) is one year, checked below."""
    response = Client().get("/", secure=True)
    assert "Strict-Transport-Security" not in response
    assert security_header_problems(response, https=False) == []


def _run(args, **env):
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "PYTEST", "TRUSTED_PROXY"))
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "s" * 30 + "-production-like-secret-for-the-safety-battery",
    "DJANGO_ALLOWED_HOSTS": "mosty.example.org",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://mosty.example.org",
    "DJANGO_BEHIND_TLS_PROXY": "true",
    "TRUSTED_PROXY_COUNT": "1",
}

_PROBE = """
import django, json
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
out = {}
for secure in (True, False):
    # /healthz: no template (a production checkout has no static manifest until
    # collectstatic runs); the headers come from middleware for every response.
    r = Client().get("/healthz", secure=secure, HTTP_HOST="mosty.example.org")
    out[str(secure)] = {"status": r.status_code, "headers": dict(r.headers)}
print(json.dumps(out))
"""


def test_production_mode_passes_the_deploy_check_and_sends_every_header():
    import json

    check = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION
    )
    assert check.returncode == 0, check.stdout + check.stderr
    database = django_settings.DATABASES["default"]
    probe = _run(
        ["-c", _PROBE],
        **PRODUCTION,
        DATABASE_URL=f"postgres://{database['USER']}@{database['HOST']}:"
        f"{database['PORT']}/{database['NAME']}",
    )
    assert probe.returncode == 0, probe.stderr[-3000:]
    answers = json.loads(probe.stdout.strip().splitlines()[-1])

    class Headers(dict):
        def get(self, key, default=None):
            return super().get(key, default)

    https = Headers(answers["True"]["headers"])
    problems = security_header_problems(https, https=True)
    plain = answers["False"]
    cases = [
        check.returncode == 0,
        answers["True"]["status"] == 200 and not problems,
        plain["status"] == 301 and plain["headers"]["Location"].startswith("https://"),
    ]
    report(
        "production: deploy check, headers, HTTPS redirect", tried=3, passed=sum(cases)
    )
    assert cases == [True, True, True], (problems, plain)
