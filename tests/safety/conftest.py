"""Safety batteries: shared reporting.

Every battery reports its figures (cases tried, passed) with ``report()``.
The figures are printed (visible with ``-s``) and, because pytest captures
output, also collected here and written in the terminal summary of every run,
together with each battery's runtime.
"""

import time
from collections import defaultdict

import pytest

_FIGURES: list[tuple[str, int, int, str]] = []
_DURATIONS: dict[str, float] = defaultdict(float)
_OUTCOMES: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))


def report(battery: str, *, tried: int, passed: int, note: str = "") -> None:
    """Record one battery's figures for the session summary (and print them)."""
    _FIGURES.append((battery, tried, passed, note))
    print(f"\n[safety] {battery}: {passed}/{tried} passed {note}".rstrip())


@pytest.fixture
def production_rendering(monkeypatch):
    """Render templates as in production. The test environment instruments
    every template render to keep a copy of its context (for
    response.context); the batteries never read it, and it doubles the time of
    pages with long selects (the time zone list)."""
    from django.template.base import Template

    monkeypatch.setattr(
        Template, "_render", lambda self, context: self.nodelist.render(context)
    )


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker):
    """One world per test module, built once inside a transaction that is
    rolled back when the module is done. Each test still runs in its own
    savepoint (the ``db`` fixture), so nothing a test writes reaches the next."""
    from django.db import transaction

    from .world import build_world

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def stopwatch():
    started = time.monotonic()
    return lambda: time.monotonic() - started


def _module(nodeid: str) -> str:
    return nodeid.split("::")[0].rsplit("/", 1)[-1].removesuffix(".py")


def pytest_runtest_logreport(report):
    if "tests/safety/" not in report.nodeid:
        return
    module = _module(report.nodeid)
    _DURATIONS[module] += report.duration
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        _OUTCOMES[module][report.outcome] += 1


def pytest_terminal_summary(terminalreporter):
    if not _DURATIONS:
        return
    write = terminalreporter.write_line
    terminalreporter.section("safety batteries")
    for battery, tried, passed, note in _FIGURES:
        status = "ok" if tried == passed else "FAILED"
        write(f"{battery:<52} {passed:>6}/{tried:<6} {status} {note}".rstrip())
    write("")
    total = 0.0
    for module, seconds in sorted(_DURATIONS.items()):
        total += seconds
        outcomes = ", ".join(f"{n} {k}" for k, n in sorted(_OUTCOMES[module].items()))
        write(f"{module:<40} {seconds:7.1f} s  ({outcomes})")
    write(f"{'tests/safety total':<40} {total:7.1f} s")
