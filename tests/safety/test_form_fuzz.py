"""Every form, fuzzed over HTTP with hypothesis: hundreds of submissions per
form, built from the fields the page really shows (and junk), as the role that
may use it, in Russian and in English. Never a 500; a refused submission shows
an error, and every error reads in the user's language."""

import copy
import inspect
import os
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

import pytest
from allauth.core import context as allauth_context
from django import forms as django_forms
from django.http import QueryDict
from django.urls import reverse
from django.utils import translation
from django.utils.datastructures import MultiValueDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from members.models import User

from .conftest import report
from .forms import error_messages, language_problem, page_forms
from .matrix import RoleClient, resolve_ref

pytestmark = pytest.mark.django_db

# Submissions per form bound as the view binds it, and over HTTP (where a
# submission the form accepts reaches the service and the database).
EXAMPLES = int(os.environ.get("SAFETY_FUZZ_EXAMPLES", "300"))
EXAMPLES_HTTP = int(os.environ.get("SAFETY_FUZZ_HTTP_EXAMPLES", "12"))
EXAMPLES_ACCEPTED_HTTP = int(os.environ.get("SAFETY_FUZZ_HTTP_ACCEPTED", "12"))


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
    context: tuple = ("form",)  # the page's context names of the form(s)


TARGETS = [
    # --- members
    Target("signup", "anonymous", ("members.forms.SignupForm",), "account_signup"),
    Target("account", "member", ("members.forms.AccountForm",), "members:account"),
    Target(
        "application",
        "applicant",
        ("members.forms.ApplicationForm",),
        "members:application",
    ),
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
    Target(
        "role grant", "admin", ("members.forms.RoleGrantForm",), "members:role-list"
    ),
    Target(
        "role revoke",
        "admin",
        ("members.forms.RoleRevokeForm",),
        "members:role-list",
        action="members:role-revoke",
        action_kwargs={"pk": "role_assignment"},
        follow=True,
        context=("revoke_form",),
    ),
    Target(
        "audit filter", "admin", ("members.forms.AuditFilterForm",), "members:audit-log"
    ),
    Target(
        "account deletion",
        "member",
        ("members.forms.DeleteAccountForm",),
        "members:account-delete",
        reauthenticate=True,
    ),
    Target(
        "journal person",
        "member",
        ("members.forms.JournalPersonForm",),
        "members:journal",
    ),
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
    Target(
        "club create",
        "admin",
        ("clubs.forms.ClubCreateForm", "clubs.forms.ClubForm"),
        "clubs:club-create",
    ),
    Target(
        "club filter", "anonymous", ("clubs.forms.ClubFilterForm",), "clubs:club-list"
    ),
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
    Target(
        "impact filter", "organizer", ("clubs.forms.ImpactFilterForm",), "clubs:impact"
    ),
    Target(
        "club proposal",
        "member",
        ("clubs.forms.ProposalForm",),
        "clubs:proposal-create",
    ),
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
        context=("summary_form",),
    ),
    Target(
        "attendance",
        "organizer",
        (),
        "events:event-checkin",
        kwargs={"pk": "event"},
        follow=True,
        context=(),
    ),
    Target(
        "calendar reset",
        "member",
        (),
        "events:calendar-settings",
        follow=True,
        context=(),
    ),
    # --- trainings
    Target(
        "programme create",
        "trainer",
        ("trainings.forms.ProgrammeForm",),
        "trainings:programme-create",
    ),
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
        kwargs={"pk": "training_application"},
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
        context=("form", "formset"),
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
        context=("comment_form",),
    ),
    Target(
        "check-in",
        "member",
        ("trainings.forms.CheckInForm",),
        "trainings:checkin",
        kwargs={"pk": "checkin"},
    ),
    Target(
        "library entry",
        "trainer",
        ("trainings.forms.ResourceForm",),
        "trainings:resource-create",
    ),
    Target(
        "library search",
        "member",
        ("trainings.forms.ResourceSearchForm",),
        "trainings:resource-list",
    ),
    # --- core and allauth
    Target(
        "language", "member", (), "core:home", action="core:language-set", context=()
    ),
    Target("login", "anonymous", (), "account_login"),
    Target("password reset", "anonymous", (), "account_reset_password"),
    Target("login by code", "anonymous", (), "account_request_login_code"),
    Target("password change", "member", (), "account_change_password"),
    Target("email addresses", "member", (), "account_email"),
    Target("reauthentication", "member", (), "account_reauthenticate"),
    Target(
        "two-factor enrolment", "member", (), "mfa_activate_totp", reauthenticate=True
    ),
]

PROJECT_FORM_MODULES = (
    "members.forms",
    "clubs.forms",
    "events.forms",
    "trainings.forms",
)


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
    report(
        "fuzz: project forms with a target",
        tried=len(classes),
        passed=len(classes) - len(missing),
    )
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
        return st.one_of(
            st.integers(-(2**70), 2**70).map(str), st.integers(0, 500).map(str), nasty
        )
    if f.kind == "date":
        return st.one_of(st.dates().map(str), nasty)
    if f.kind == "time":
        return st.one_of(st.times().map(lambda t: t.strftime("%H:%M")), nasty)
    if f.kind == "datetime-local":
        return st.one_of(
            st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M")), nasty
        )
    if f.kind == "hidden":
        return st.one_of(st.just(f.value), st.just(f.value), nasty)
    return st.one_of(text, nasty, st.just(f.value or "A plain answer"))


def _typed_values(data):
    for value in data.values():
        if isinstance(value, list):
            yield from (str(v) for v in value)
        else:
            yield str(value)


def _bind(prototype, data):
    """The form (or formset) exactly as the view built it, bound to ``data``."""
    bound = copy.copy(prototype)
    bound.data, bound.files, bound.is_bound = data, MultiValueDict(), True
    bound._errors = None
    for attr in (
        "_bound_fields_cache",
        "forms",
        "management_form",
        "_non_form_errors",
        "cleaned_data",
    ):
        bound.__dict__.pop(attr, None)
    if hasattr(prototype, "_bound_fields_cache"):
        bound._bound_fields_cache = {}
    return bound


def _form_errors(bound) -> list[str]:
    if hasattr(bound, "forms"):  # a formset
        texts = [str(e) for e in bound.non_form_errors()]
        for form in bound.forms:
            texts += [str(e) for errors in form.errors.values() for e in errors]
        return texts
    return [str(e) for errors in bound.errors.values() for e in errors]


def _querydict(data) -> QueryDict:
    qd = QueryDict(mutable=True)
    for key, value in data.items():
        if isinstance(value, list):
            qd.setlist(key, [str(v) for v in value])
        else:
            qd[key] = str(value)
    return qd


class Fuzzer:
    """One target: hundreds of submissions bound to the form exactly as the
    view built it (validation and its messages, in both languages), and a
    sample sent over HTTP through the whole stack (view, service, database,
    template), always including submissions the form accepts."""

    def __init__(self, world, target):
        self.world, self.target = world, target
        self.user = world.users[target.role]
        self.client = RoleClient(self.user)
        if target.reauthenticate:
            self.client.client.post(
                reverse("account_reauthenticate"),
                {"password": "correct-horse-battery-9"},
            )
            self.client.cookies = SimpleCookie(
                self.client.client.cookies.output(header="", sep="\n")
            )
        self.page_url = self._url(target.page, target.kwargs)
        self.action_url = self.page_url
        if target.action:
            kwargs = (
                target.action_kwargs
                if target.action_kwargs is not None
                else target.kwargs
            )
            self.action_url = self._url(target.action, kwargs)
        page = self.client.request("GET", self.page_url, HTTP_ACCEPT_LANGUAGE="en")
        # allauth's forms read the current request (rate limits, the session).
        self.request = page.wsgi_request
        assert page.status_code == 200, (
            f"{target.name}: {self.page_url} gives {page.status_code}"
        )
        self.prototypes = []
        if target.context:
            for name in target.context:
                if page.context and name in page.context:
                    self.prototypes.append(page.context[name])
            assert self.prototypes, (
                f"{target.name}: no {target.context} in the page context"
            )
        candidates = [
            f
            for f in page_forms(page.content.decode(), self.page_url)
            if f.action == self.action_url
        ]
        assert candidates, (
            f"{target.name}: no form posting to {self.action_url} on {self.page_url}"
        )
        html_form = max(candidates, key=lambda f: len(f.fields))
        html_form.fields.pop("csrfmiddlewaretoken", None)
        self.method = html_form.method.upper()
        self.fields = st.fixed_dictionaries(
            {}, optional={n: _field_strategy(f) for n, f in html_form.fields.items()}
        )
        self.accepted_examples = []
        self.stats = {"form": 0, "http": 0, "refused": 0, "problems": 0}

    def _url(self, name, kwargs):
        return reverse(
            name,
            kwargs={k: resolve_ref(self.world, v) for k, v in kwargs.items()} or None,
        )

    def fail(self, message):
        self.stats["problems"] += 1
        raise AssertionError(f"{self.target.name}: {message}")

    # --- the form, bound as the view binds it ---------------------------------
    def check_form(self, data, language):
        self.stats["form"] += 1
        qd = _querydict(data)
        messages = []
        with (
            translation.override(language),
            allauth_context.request_context(self.request),
        ):
            valid = True
            for prototype in self.prototypes:
                bound = _bind(prototype, qd)
                valid = bound.is_valid() and valid
                messages += _form_errors(bound)
        typed = list(_typed_values(data))
        for message in messages:
            problem = language_problem(message, language, typed)
            if problem:
                self.fail(f"{problem} for {data!r}")
        if valid:
            self.accepted_examples.append((data, language))

    # --- the whole stack ----------------------------------------------------------
    def check_http(self, data, language):
        self.stats["http"] += 1
        user = self.user
        extra = {
            "HTTP_ACCEPT_LANGUAGE": language,
            # A fresh address each time: per-address rate limits of signup and
            # login would otherwise answer 429 after a few submissions.
            "REMOTE_ADDR": "10.9.{}.{}".format(*divmod(self.stats["http"], 250)),
        }

        def prepare():
            if user is not None:
                User.objects.filter(pk=user.pk).update(language=language)

        response = self.client.request(
            self.method, self.action_url, data=data, before=prepare, **extra
        )
        if response.status_code >= 500:
            self.fail(f"{response.status_code} for {data!r}")
        html = ""
        if "html" in response.get("Content-Type", ""):
            html = response.content.decode(errors="replace")
        if response.status_code in (301, 302) and self.target.follow:
            html = self.client.request(
                "GET", response["Location"], before=prepare, keep_cookies=True, **extra
            ).content.decode()
        messages = error_messages(html)
        # An empty body is what no browser sends ("request.POST or None" shows
        # the blank form again); anything else refused must say why.
        sent = any(v not in ([], None) for v in data.values())
        if (
            self.method == "POST"
            and response.status_code == 200
            and sent
            and not messages
        ):
            self.fail(f"refused without an error message: {data!r}")
        if messages:
            self.stats["refused"] += 1
        typed = list(_typed_values(data))
        for message in messages:
            problem = language_problem(message, language, typed)
            if problem:
                self.fail(f"{problem} for {data!r}")

    def run(self):
        form_examples = EXAMPLES if self.prototypes else 0
        http_examples = EXAMPLES_HTTP if self.prototypes else EXAMPLES
        common = {
            "deadline": None,
            "database": None,
            "suppress_health_check": list(HealthCheck),
            # The same examples on every run (CI must not flicker); set
            # SAFETY_FUZZ_RANDOM=1 to explore new ones locally.
            "derandomize": not os.environ.get("SAFETY_FUZZ_RANDOM"),
        }

        def form_case(data, language):
            self.check_form(data, language)

        def http_case(data, language):
            self.check_http(data, language)

        if form_examples:
            given(data=self.fields, language=LANGUAGES)(
                settings(max_examples=form_examples, **common)(form_case)
            )()
        given(data=self.fields, language=LANGUAGES)(
            settings(max_examples=http_examples, **common)(http_case)
        )()
        for data, language in self._pick_accepted():
            self.check_http(data, language)

    def _pick_accepted(self):
        """Accepted submissions to send through the whole stack: those with
        the nastiest values first (they are the ones a service may trip on)."""

        def nastiness(example):
            values = list(_typed_values(example[0]))
            return -sum(v in NASTY_SET or len(v) > 200 for v in values)

        ranked = sorted(self.accepted_examples, key=nastiness)
        return ranked[:EXAMPLES_ACCEPTED_HTTP]


LANGUAGES = st.sampled_from(["ru", "en"])
NASTY_SET = set(NASTY)


@pytest.mark.parametrize("target", TARGETS, ids=[t.name for t in TARGETS])
def test_form_fuzz(target, monkeypatch, shared_world, db):
    world = shared_world
    fuzzer = Fuzzer(world, target)  # one GET with template instrumentation: the form
    from django.template.base import Template

    # The test client copies every template context it renders (for
    # response.context); the fuzzer's requests never read it, and it doubles the
    # time of pages with long selects. Render as in production from here on.
    monkeypatch.setattr(
        Template, "_render", lambda self, context: self.nodelist.render(context)
    )
    try:
        fuzzer.run()
    finally:
        stats = fuzzer.stats
        tried = stats["form"] + stats["http"]
        report(
            f"fuzz: {target.name} ({fuzzer.method} as {target.role})",
            tried=tried,
            passed=tried - stats["problems"],
            note=f"{stats['form']} bound, {stats['http']} over HTTP, "
            f"{stats['refused']} refused with a message",
        )
