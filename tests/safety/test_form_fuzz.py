"""Every form, fuzzed over HTTP with hypothesis: hundreds of submissions per
form, built from the fields the page really shows (and junk), as the role that
may use it, in Russian and in English. Never a 500; a refused submission shows
an error, and every error reads in the user's language."""

import inspect
import os
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

import pytest
from django import forms as django_forms
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from members.models import User

from .conftest import report
from .forms import error_messages, language_problem, page_forms
from .matrix import RoleClient, resolve_ref
from .world import build_world

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("SAFETY_FUZZ_EXAMPLES", "200"))


@dataclass(frozen=True)
class Target:
    name: str
    role: str
    forms: tuple  # dotted names of the form classes this submission exercises
    page: str  # URL name of the page that shows the form
    kwargs: dict = field(default_factory=dict)
    action: str | None = None  # URL name the form posts to, if not the page
    action_kwargs: dict | None = None
    follow: bool = False  # errors are flashed after a redirect
    reauthenticate: bool = False


TARGETS = [
    # --- members
    Target("signup", "anonymous", ("members.forms.SignupForm",), "account_signup"),
    Target("account", "member", ("members.forms.AccountForm",), "members:account"),
    Target("application", "applicant", ("members.forms.ApplicationForm",), "members:application"),
    Target(
        "vouch response",
        "member",
        ("members.forms.VouchResponseForm",),
        "members:vouch-list",
        action="members:vouch-respond",
        action_kwargs={"pk": "vouch"},
        follow=True,
    ),
    Target(
        "vetting decision",
        "vetter",
        ("members.forms.DecisionForm",),
        "members:vetting-dossier",
        kwargs={"pk": "application"},
    ),
    Target("role grant", "admin", ("members.forms.RoleGrantForm",), "members:role-list"),
    Target(
        "role revoke",
        "admin",
        ("members.forms.RoleRevokeForm",),
        "members:role-list",
        action="members:role-revoke",
        action_kwargs={"pk": "role_assignment"},
        follow=True,
    ),
    Target("audit filter", "admin", ("members.forms.AuditFilterForm",), "members:audit-log"),
    Target(
        "account deletion",
        "member",
        ("members.forms.DeleteAccountForm",),
        "members:account-delete",
        reauthenticate=True,
    ),
    Target("journal person", "member", ("members.forms.JournalPersonForm",), "members:journal"),
    Target(
        "journal entry",
        "member",
        ("members.forms.JournalEntryForm",),
        "members:journal-person",
        kwargs={"pk": "journal_person"},
    ),
    Target(
        "journal entry edit",
        "member",
        ("members.forms.JournalEntryForm",),
        "members:journal-entry-edit",
        kwargs={"pk": "journal_entry"},
    ),
    Target("story", "member", ("members.forms.StoryForm",), "members:story-list"),
    # --- clubs
    Target("club create", "admin", ("clubs.forms.ClubCreateForm", "clubs.forms.ClubForm"), "clubs:club-create"),
    Target("club filter", "anonymous", ("clubs.forms.ClubFilterForm",), "clubs:club-list"),
    Target(
        "organizer add",
        "organizer",
        ("clubs.forms.OrganizerAddForm",),
        "clubs:club-members",
        kwargs={"slug": "club.slug"},
        action="clubs:organizer-add",
        action_kwargs={"slug": "club.slug"},
        follow=True,
    ),
    Target("impact filter", "organizer", ("clubs.forms.ImpactFilterForm",), "clubs:impact"),
    Target("club proposal", "member", ("clubs.forms.ProposalForm",), "clubs:proposal-create"),
    Target(
        "proposal decision",
        "admin",
        ("clubs.forms.ProposalDecisionForm",),
        "clubs:proposal-list",
        action="clubs:proposal-decide",
        action_kwargs={"pk": "proposal"},
        follow=True,
    ),
    Target(
        "playbook",
        "admin",
        ("clubs.forms.PlaybookForm",),
        "clubs:playbook-create",
        kwargs={"slug": "club.slug"},
    ),
    # --- events
    Target(
        "event create",
        "organizer",
        ("events.forms.EventCreateForm", "events.forms.EventForm"),
        "events:event-create",
        kwargs={"slug": "club.slug"},
    ),
    Target(
        "event edit",
        "organizer",
        ("events.forms.EventEditForm",),
        "events:event-edit",
        kwargs={"pk": "event"},
    ),
    Target(
        "event notes",
        "organizer",
        ("events.forms.SummaryForm",),
        "events:event-checkin",
        kwargs={"pk": "event"},
        action="events:event-summary",
        action_kwargs={"pk": "event"},
        follow=True,
    ),
    Target(
        "attendance",
        "organizer",
        (),
        "events:event-checkin",
        kwargs={"pk": "event"},
        follow=True,
    ),
    Target("calendar reset", "member", (), "events:calendar-settings", follow=True),
    # --- trainings
    Target("programme create", "trainer", ("trainings.forms.ProgrammeForm",), "trainings:programme-create"),
    Target(
        "programme edit",
        "trainer",
        ("trainings.forms.ProgrammeForm",),
        "trainings:programme-edit",
        kwargs={"pk": "programme"},
    ),
    Target(
        "programme trainers",
        "admin",
        ("trainings.forms.TrainersForm",),
        "trainings:programme-trainers",
        kwargs={"pk": "programme"},
    ),
    Target(
        "session create",
        "trainer",
        ("trainings.forms.SessionForm",),
        "trainings:session-create",
        kwargs={"pk": "programme"},
    ),
    Target(
        "training application",
        "other_member",
        ("trainings.forms.TrainingApplicationForm",),
        "trainings:programme-apply",
        kwargs={"pk": "programme"},
    ),
    Target(
        "training decision",
        "trainer",
        ("trainings.forms.DecisionForm",),
        "trainings:application-detail",
        kwargs={"pk": "trainee"},
    ),
    Target(
        "training applications filter",
        "trainer",
        ("trainings.forms.ApplicationFilterForm",),
        "trainings:application-list",
        kwargs={"pk": "programme"},
    ),
    Target(
        "strategy",
        "member",
        ("trainings.forms.StrategyForm", "trainings.forms.MilestoneForm"),
        "trainings:strategy",
        kwargs={"pk": "trainee"},
    ),
    Target(
        "strategy comment",
        "trainer",
        ("trainings.forms.CommentForm",),
        "trainings:strategy",
        kwargs={"pk": "trainee"},
        action="trainings:strategy-comment",
        action_kwargs={"pk": "trainee"},
        follow=True,
    ),
    Target(
        "check-in",
        "member",
        ("trainings.forms.CheckInForm",),
        "trainings:checkin",
        kwargs={"pk": "checkin"},
    ),
    Target("library entry", "trainer", ("trainings.forms.ResourceForm",), "trainings:resource-create"),
    Target("library search", "member", ("trainings.forms.ResourceSearchForm",), "trainings:resource-list"),
    # --- core and allauth
    Target("language", "member", (), "core:home", action="core:language-set"),
    Target("login", "anonymous", (), "account_login"),
    Target("password reset", "anonymous", (), "account_reset_password"),
    Target("login by code", "anonymous", (), "account_request_login_code"),
    Target("password change", "member", (), "account_change_password"),
    Target("email addresses", "member", (), "account_email"),
    Target("reauthentication", "member", (), "account_reauthenticate"),
    Target("two-factor enrolment", "member", (), "mfa_activate_totp", reauthenticate=True),
]

PROJECT_FORM_MODULES = ("members.forms", "clubs.forms", "events.forms", "trainings.forms")


def _project_form_classes():
    import importlib

    found = {}
    for module_name in PROJECT_FORM_MODULES:
        module = importlib.import_module(module_name)
        for name, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, django_forms.BaseForm) and obj.__module__ == module_name:
                found[f"{module_name}.{name}"] = obj
    return found


def test_every_form_has_a_fuzz_target():
    classes = _project_form_classes()
    listed = {name for target in TARGETS for name in target.forms}
    missing = sorted(set(classes) - listed)
    report("fuzz: project forms with a target", tried=len(classes), passed=len(classes) - len(missing))
    assert not missing, (
        "These forms are not fuzzed: add a Target (page, role) for each to "
        f"TARGETS in tests/safety/test_form_fuzz.py: {missing}"
    )


# --- Values -------------------------------------------------------------------------

NASTY = [
    "",
    " ",
    "\t\n",
    "a\x00b",
    "<script>alert(1)</script>",
    "' OR '1'='1' --",
    "%s%s%n{0}{{x}}",
    "../../etc/passwd",
    "😀" * 30,
    "Ж" * 301,
    "x" * 5001,
    "\u202etxt.exe",
    "-1",
    "0",
    "99999999999999999999999",
    "1e309",
    "NaN",
    "2024-02-30",
    "0001-01-01",
    "9999-12-31",
    "25:61",
    "2026-13-01T25:00",
    "@",
    "someone@example.org",
    "Member There",
    "Organizer Here",
]


def _field_strategy(f):
    nasty = st.sampled_from(NASTY)
    text = st.text(max_size=f.maxlength + 5 if f.maxlength else 120)
    if f.kind in ("checkbox", "radio", "submit") or f.kind == "select":
        choice = st.sampled_from(f.options) if f.options else nasty
        single = st.one_of(choice, choice, choice, nasty)
        if f.multiple:
            return st.lists(single, max_size=4)
        return single
    if f.kind == "number":
        return st.one_of(st.integers(-(2**70), 2**70).map(str), st.integers(0, 500).map(str), nasty)
    if f.kind == "date":
        return st.one_of(st.dates().map(str), nasty)
    if f.kind == "time":
        return st.one_of(st.times().map(lambda t: t.strftime("%H:%M")), nasty)
    if f.kind == "datetime-local":
        return st.one_of(st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M")), nasty)
    if f.kind == "hidden":
        return st.one_of(st.just(f.value), st.just(f.value), nasty)
    return st.one_of(text, nasty, st.just(f.value or "A plain answer"))


def _typed_values(data):
    for value in data.values():
        if isinstance(value, list):
            yield from (str(v) for v in value)
        else:
            yield str(value)


@pytest.mark.parametrize("target", TARGETS, ids=[t.name for t in TARGETS])
def test_form_fuzz(target):
    world = build_world()
    user = world.users[target.role]
    client = RoleClient(user)
    if target.reauthenticate:
        client.client.post(reverse("account_reauthenticate"), {"password": "correct-horse-battery-9"})
        client.cookies = SimpleCookie(client.client.cookies.output(header="", sep="\n"))
    page_url = reverse(
        target.page, kwargs={k: resolve_ref(world, v) for k, v in target.kwargs.items()} or None
    )
    action_url = page_url
    if target.action:
        kwargs = target.action_kwargs if target.action_kwargs is not None else target.kwargs
        action_url = reverse(
            target.action, kwargs={k: resolve_ref(world, v) for k, v in kwargs.items()} or None
        )
    page = client.request("GET", page_url, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200, f"{target.name}: {page_url} gives {page.status_code}"
    candidates = [f for f in page_forms(page.content.decode(), page_url) if f.action == action_url]
    assert candidates, f"{target.name}: no form posting to {action_url} on {page_url}"
    form = max(candidates, key=lambda f: len(f.fields))
    form.fields.pop("csrfmiddlewaretoken", None)
    method = form.method.upper()
    fields = st.fixed_dictionaries({}, optional={n: _field_strategy(f) for n, f in form.fields.items()})
    stats = {"tried": 0, "server_errors": 0, "refused": 0, "accepted": 0}
    problems = []

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=fields, language=st.sampled_from(["ru", "en"]))
    def submit(data, language):
        stats["tried"] += 1
        if user is not None:
            User.objects.filter(pk=user.pk).update(language=language)
        extra = {"HTTP_ACCEPT_LANGUAGE": language}
        if method == "GET":
            response = client.request("GET", action_url, data=data, **extra)
        else:
            response = client.request("POST", action_url, data=data, **extra)
        if response.status_code >= 500:
            stats["server_errors"] += 1
            problems.append(f"{response.status_code} for {data!r}")
            raise AssertionError(f"{target.name}: {response.status_code} for {data!r}")
        html = response.content.decode(errors="replace") if "html" in response.get("Content-Type", "") else ""
        if response.status_code in (301, 302) and target.follow:
            html = client.client.get(response["Location"], **extra).content.decode()
        messages = error_messages(html)
        if method == "POST" and response.status_code == 200 and not messages:
            problems.append(f"refused without an error message: {data!r}")
            raise AssertionError(f"{target.name}: no error shown for {data!r}")
        stats["refused" if messages else "accepted"] += 1
        typed = list(_typed_values(data))
        for message in messages:
            problem = language_problem(message, language, typed)
            if problem:
                problems.append(problem)
                raise AssertionError(f"{target.name}: {problem} for {data!r}")

    try:
        submit()
    finally:
        report(
            f"fuzz: {target.name} ({method} as {target.role})",
            tried=stats["tried"],
            passed=stats["tried"] - len(problems),
            note=f"{stats['refused']} refused with a message",
        )
