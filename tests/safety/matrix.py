"""Machinery of the access matrix: enumerate URL patterns from the resolver,
build each URL from the world, send a request as a role, classify the answer.

The expectations themselves live in ``url_expectations.py``.
"""

from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

# Outcome codes used in the expectation table.
OK = "ok"  # 2xx: the page or file
DONE = "done"  # a redirect to an ordinary page (the action ran, or "go there")
LOGIN = "login"  # redirect to sign in
REAUTH = "reauth"  # redirect to confirm the password again
APPLY = "apply"  # applicant sent to their application
MFA = "mfa"  # staff sent to enrol two-factor authentication
DENIALS = {"404", "405", "403", "400", LOGIN, APPLY, MFA, REAUTH}


@dataclass(frozen=True)
class Pattern:
    key: str  # the URL name ("app:name"), or "route:<route>" for unnamed ones
    route: str
    converters: tuple[str, ...]


def _walk(patterns, prefix="", namespace=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            route = prefix + str(p.pattern)
            if p.name:
                key = f"{namespace}:{p.name}" if namespace else p.name
            else:
                key = f"route:{route}"
            yield Pattern(key, route, tuple(p.pattern.converters))


def url_patterns() -> list[Pattern]:
    """Every URL pattern the project defines, as the resolver sees it now."""
    seen, out = set(), []
    for pattern in _walk(get_resolver().url_patterns):
        if pattern.key not in seen:
            seen.add(pattern.key)
            out.append(pattern)
    return out


def resolve_ref(world, ref: str):
    """'event' -> the event's pk; 'club.slug' -> its slug; '=text' -> 'text';
    '@member' -> the pk of the user playing that role."""
    if ref.startswith("="):
        return ref[1:]
    if ref.startswith("@"):
        return world.users[ref[1:]].pk
    name, _, attr = ref.partition(".")
    value = world.obj[name]
    return getattr(value, attr or "pk")


def build_url(world, key: str, expect, *, foreign=False) -> str:
    kwargs = dict(expect.kwargs)
    query = dict(expect.query)
    if foreign:
        for k, v in expect.foreign.items():
            if k in kwargs:
                kwargs[k] = v
            else:
                query[k] = v
    kwargs = {k: resolve_ref(world, v) for k, v in kwargs.items()}
    query = {k: resolve_ref(world, v) for k, v in query.items()}
    if expect.path:
        url = expect.path.format(**kwargs)
    else:
        url = reverse(key, kwargs=kwargs or None)
    if query:
        url += "?" + urlencode(query)
    return url


def classify(response) -> str:
    status = response.status_code
    if status in (301, 302, 303, 307, 308):
        path = urlsplit(response["Location"]).path
        if path.startswith((reverse("account_login"), reverse("admin:login"))):
            return LOGIN
        if path.startswith(reverse("account_reauthenticate")):
            return REAUTH
        if path == reverse("members:application"):
            return APPLY
        if path == reverse("mfa_index"):
            return MFA
        return DONE
    if 200 <= status < 300:
        return OK
    return str(status)


class RoleClient:
    """A test client signed in as one role. The session cookie is restored
    before every request (a logout must not sign the rest of the matrix out)
    and every request runs in a savepoint that is rolled back, so a POST that
    cancels an event or leaves a club does not change the world for the next."""

    def __init__(self, user, remote_addr="127.0.0.1"):
        # Each role its own address: per-address rate limits (signup, login)
        # count one role's requests, as for one person.
        self.client = Client(raise_request_exception=False, REMOTE_ADDR=remote_addr)
        if user is not None:
            self.client.force_login(user)
        self.cookies = SimpleCookie(self.client.cookies.output(header="", sep="\n"))

    def request(
        self,
        method: str,
        url: str,
        data=None,
        *,
        before=None,
        keep_cookies=False,
        **extra,
    ):
        if not keep_cookies:
            self.client.cookies = SimpleCookie(self.cookies.output(header="", sep="\n"))
        with transaction.atomic():
            if before is not None:
                before()
            if method == "POST":
                response = self.client.post(url, data or {}, **extra)
            elif method == "GET" and data:
                response = self.client.get(url, data, **extra)
            else:
                response = self.client.generic(method, url, **extra)
            transaction.set_rollback(True)
        return response
