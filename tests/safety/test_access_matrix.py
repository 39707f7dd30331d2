"""Access control: every URL pattern x every role x every method, checked
against the expectation table in url_expectations.py; every URL that names an
object is tried with another club's or another member's object."""

import os

import pytest

from .conftest import report
from .matrix import DENIALS, RoleClient, build_url, classify, url_patterns
from .test_attacks import security_header_problems
from .url_expectations import EXPECTATIONS
from .world import ROLES

pytestmark = pytest.mark.django_db

# Methods no page expects: where GET is refused they must be refused too.
OTHER_METHODS = tuple(
    m
    for m in os.environ.get("SAFETY_OTHER_METHODS", "PUT,PATCH,DELETE").split(",")
    if m
)


def test_every_url_pattern_has_an_expectation():
    patterns = url_patterns()
    missing = [p for p in patterns if p.key not in EXPECTATIONS]
    stale = sorted(set(EXPECTATIONS) - {p.key for p in patterns})
    report(
        "access: URL patterns with an expectation",
        tried=len(patterns),
        passed=len(patterns) - len(missing),
    )
    assert not missing, (
        "These URL patterns have no entry in tests/safety/url_expectations.py. "
        "Add one per URL name saying what every role gets for GET and POST "
        "(and which object it names, with another club's or member's object "
        "under 'foreign'):\n" + "\n".join(f"  {p.key!r}  ({p.route})" for p in missing)
    )
    assert not stale, f"Entries for URLs that no longer exist: {stale}"


def _address(role):
    return f"192.0.2.{ROLES.index(role) + 1}"


def _check_role(world, role):
    client = RoleClient(world.users[role], remote_addr=_address(role))
    tried, failures = 0, []
    for pattern in url_patterns():
        expect = EXPECTATIONS.get(pattern.key)
        if expect is None:
            continue  # reported by test_every_url_pattern_has_an_expectation
        url = build_url(world, pattern.key, expect)
        for method in ("GET", "POST"):
            tried += 1
            # Over HTTPS: every answer must carry the security headers, HSTS too.
            response = client.request(method, url, secure=True)
            got = classify(response)
            want = getattr(expect, method.lower())[role]
            if got != want:
                failures.append(f"{method} {pattern.key} {url}: want {want}, got {got}")
            HEADERS["checked"] += 1
            problems = security_header_problems(response, https=True)
            if problems:
                failures.append(f"{method} {pattern.key} {url}: {', '.join(problems)}")
        for method in OTHER_METHODS:
            tried += 1
            outcome = classify(client.request(method, url))
            refused_on_get = expect.get[role] in DENIALS
            if outcome == "500" or (refused_on_get and outcome not in DENIALS):
                failures.append(
                    f"{method} {pattern.key} {url}: GET gives {expect.get[role]}, "
                    f"{method} gives {outcome}"
                )
    return tried, failures


def _check_foreign(world, role):
    """Every URL naming an object, with another club's or member's object."""
    client = RoleClient(world.users[role], remote_addr=_address(role))
    tried, failures = 0, []
    for key, expect in EXPECTATIONS.items():
        if not expect.foreign or role in expect.foreign_ok:
            continue
        try:
            url = build_url(world, key, expect, foreign=True)
        except KeyError:
            continue  # the object's model does not exist (yet)
        for method in ("GET", "POST"):
            tried += 1
            outcome = classify(client.request(method, url))
            entitled = getattr(expect, method.lower())[role] in ("ok", "done")
            if outcome not in DENIALS:
                failures.append(f"{method} {key} {url}: got {outcome}")
            elif entitled and outcome != "404":
                # Entitled to their own object: another one is a plain 404.
                failures.append(f"{method} {key} {url}: want 404, got {outcome}")
    return tried, failures


HEADERS = {"checked": 0}


@pytest.fixture
def world(shared_world, db, production_rendering, settings):
    # Production's HSTS (DJANGO_DEBUG=false sends one year; development none,
    # see test_attacks.test_development_settings_send_no_hsts).
    settings.SECURE_HSTS_SECONDS = 31536000
    return shared_world


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(world, role):
    before = HEADERS["checked"]
    tried, failures = _check_role(world, role)
    report(f"access matrix: {role}", tried=tried, passed=tried - len(failures))
    headers = HEADERS["checked"] - before
    bad = sum(
        "CSP" in f or "HSTS" in f or "nosniff" in f or "Referrer" in f for f in failures
    )
    report(
        f"security headers: every GET/POST answer ({role})",
        tried=headers,
        passed=headers - bad,
    )
    assert not failures, "\n".join(failures)


# The "other" roles own the foreign objects; how they fare with ours is the
# matrix above.
@pytest.mark.parametrize("role", [r for r in ROLES if not r.startswith("other_")])
def test_objects_of_another_club_or_member_give_404(world, role):
    tried, failures = _check_foreign(world, role)
    report(
        f"access: foreign objects as {role}", tried=tried, passed=tried - len(failures)
    )
    assert not failures, "\n".join(failures)


def test_every_url_naming_an_object_is_tried_with_a_foreign_one():
    unexplained = [
        key
        for key, expect in EXPECTATIONS.items()
        if (expect.kwargs or expect.query)
        and not expect.foreign
        and not expect.no_foreign
    ]
    assert not unexplained, (
        "These URLs name an object: give a 'foreign' object (another club's or "
        f"member's) or a 'no_foreign' reason in url_expectations.py: {unexplained}"
    )
