"""`make bench`: the app at scale, measured against the framework's own floor.

1. Seed the scale dataset once into ``mosty_bench_seed`` (bench/seed.py) and
   copy it to a fresh ``mosty_bench`` for this run, times moved to "now".
2. Serve it as in production (gunicorn, DJANGO_DEBUG=false) on 127.0.0.1:8765,
   with MOSTY_BENCH=1 mounting /bench/floor, the smallest Django view.
3. wrk, 16 connections, a fixed time per page, each page between two runs of
   the floor (the machine may be shared: page and floor see the same load).
4. 1,000 members register for one 50-seat event at the same moment.
5. 10,000 due reminders through one Celery worker to a local SMTP sink.
6. Peak memory of the web and worker processes.

Prints a table and writes the same figures as JSON under bench/results/.
Everything it starts is stopped before it exits, also on failure or Ctrl-C.
Settings (environment): BENCH_PORT (8765), BENCH_SMTP_PORT (8766),
BENCH_PG_URL (postgres://root@127.0.0.1:5432), BENCH_REDIS_URL
(redis://127.0.0.1:6379/13, flushed at the start), BENCH_SECONDS (15 per page),
BENCH_FLOOR_SECONDS (10 per floor run),
BENCH_WEB_WORKERS (2 x cores + 1), BENCH_RESEED=1 to rebuild the dataset,
BENCH_PARTS (pages,fanout,burst) to run only some parts.
"""

import hashlib
import json
import os
import platform
import secrets
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from . import loadtest
from .procs import (
    CpuMeter,
    Processes,
    TreeMemory,
    children,
    peak_rss_mb,
    received,
    wait_for_http,
    wait_for_port,
)

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
VAR = ROOT / "var" / "bench"
SINK_FILE = VAR / "smtp-recipients.txt"
HOST = "127.0.0.1"
PORT = int(os.environ.get("BENCH_PORT", "8765"))
SMTP_PORT = int(os.environ.get("BENCH_SMTP_PORT", "8766"))
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://root@127.0.0.1:5432").rstrip("/")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
SECONDS = int(os.environ.get("BENCH_SECONDS", "15"))
WARMUP_SECONDS = 3
FLOOR_SECONDS = int(os.environ.get("BENCH_FLOOR_SECONDS", "10"))
CONNECTIONS = 16
CORES = os.cpu_count() or 1
WEB_WORKERS = int(os.environ.get("BENCH_WEB_WORKERS", str(2 * CORES + 1)))
SEED_DB = "mosty_bench_seed"
BENCH_DB = "mosty_bench"
BURST_MEMBERS = 1000
BURST_SEATS = 50
FANOUT = 10_000
FANOUT_EVENTS = 200
FANOUT_TIMEOUT = 300
PARTS = os.environ.get("BENCH_PARTS", "pages,fanout,burst").split(",")

TARGETS = {
    "public_share": 0.30,
    "signed_in_share": 0.15,
    "p99_ms": 100,
    "queries": 12,
    "burst_p95_s": 1.0,
    "fanout_s": 60,
    "web_mb": 150,
    "worker_mb": 250,
}


def log(message: str) -> None:
    print(f"[bench {datetime.now():%H:%M:%S}] {message}", flush=True)


def _raise_exit(signum, frame):
    raise SystemExit(128 + signum)


# --- Database --------------------------------------------------------------------


def _pg(dbname: str):
    import psycopg2

    connection = psycopg2.connect(f"{PG_URL}/{dbname}")
    connection.autocommit = True
    return connection


def seed_key() -> str:
    """Changes when the seeder or any migration changes: then re-seed."""
    digest = hashlib.sha256()
    files = [ROOT / "bench" / "seed.py", *sorted(ROOT.glob("*/migrations/*.py"))]
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _seed_meta() -> dict | None:
    import psycopg2

    try:
        connection = _pg(SEED_DB)
    except psycopg2.OperationalError:
        return None
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT meta FROM bench_meta WHERE id = 1")
            row = cursor.fetchone()
            return row[0] if row else None
    except psycopg2.Error:
        return None
    finally:
        connection.close()


def prepare_database(env: dict) -> dict:
    """Seed the template if it is missing or stale; copy it to a fresh BENCH_DB."""
    key = seed_key()
    meta = _seed_meta()
    reseed = os.environ.get("BENCH_RESEED") == "1"
    admin = _pg("postgres")
    with admin.cursor() as cursor:
        if meta is None or meta.get("key") != key or reseed:
            log(f"seeding the scale dataset into {SEED_DB} (once; reused later)")
            cursor.execute(f'DROP DATABASE IF EXISTS "{SEED_DB}"')
            cursor.execute(f'CREATE DATABASE "{SEED_DB}"')
            started = time.monotonic()
            subprocess.run(  # noqa: S603 - our own command line
                [sys.executable, "-m", "bench.seed", key],
                env={**env, "DATABASE_URL": f"{PG_URL}/{SEED_DB}"},
                cwd=ROOT,
                check=True,
            )
            meta = _seed_meta()
            meta["seed_wall_seconds"] = round(time.monotonic() - started, 1)
            meta["reused"] = False
        else:
            log(f"reusing the scale dataset in {SEED_DB} (seeded {meta['seeded_at']})")
            meta["reused"] = True
        started = time.monotonic()
        cursor.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}"')
        cursor.execute(f'CREATE DATABASE "{BENCH_DB}" TEMPLATE "{SEED_DB}"')
        meta["copy_seconds"] = round(time.monotonic() - started, 1)
    admin.close()
    return meta


def shift_times(meta: dict) -> float:
    """Move every time the pages depend on so the data is 'as of now'."""
    from django.db import connection

    seeded = datetime.fromisoformat(meta["seeded_at"])
    delta = datetime.now(UTC) - seeded
    days = delta.days
    with connection.cursor() as cursor:
        cursor.execute(
            """UPDATE events_event SET starts_at = starts_at + %s,
               ends_at = ends_at + %s, created_at = created_at + %s,
               updated_at = updated_at + %s""",
            [delta] * 4,
        )
        cursor.execute(
            """UPDATE events_series SET first_date = first_date + %s,
               generated_until = generated_until + %s""",
            [days, delta],
        )
        cursor.execute(
            """UPDATE core_notification SET due_at = due_at + %s
               WHERE status = 'pending'""",
            [delta],
        )
        cursor.execute(
            """UPDATE members_application SET submitted_at = submitted_at + %s,
               decided_at = decided_at + %s""",
            [delta, delta],
        )
        cursor.execute("ANALYZE")
    return delta.total_seconds()


# --- Environment and servers ------------------------------------------------------


def production_env() -> dict:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
            "DJANGO_ALLOWED_HOSTS": f"{HOST},localhost",
            # Plain HTTP on loopback: no TLS proxy in front, so no redirect to
            # HTTPS and cookies without the Secure flag.
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_SECURE_COOKIES": "false",
            "DATABASE_URL": f"{PG_URL}/{BENCH_DB}",
            "REDIS_URL": REDIS_URL,
            "CACHE_KEY_PREFIX": "mosty-bench",
            "EMAIL_URL": f"smtp://{HOST}:{SMTP_PORT}",
            "SITE_URL": f"http://{HOST}:{PORT}",
            "DJANGO_STATIC_ROOT": str(VAR / "staticfiles"),
            "LOG_LEVEL": "INFO",
            "MOSTY_BENCH": "1",
            # A fixed key for the synthetic journal, so the seeded copy stays
            # readable from run to run (each run has a new secret key).
            "JOURNAL_ENCRYPTION_KEYS": "bW9zdHktYmVuY2gtam91cm5hbC1rZXktbm90LXNlY3I=",
        }
    )
    return env


def check_services(env: dict) -> None:
    import psycopg2
    import redis

    try:
        _pg("postgres").close()
    except psycopg2.OperationalError as exc:
        raise SystemExit(f"PostgreSQL does not answer at {PG_URL}: {exc}") from None
    try:
        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3)
        client.flushdb()  # the bench's own Redis database: broker and cache
        client.close()
    except redis.exceptions.RedisError as exc:
        raise SystemExit(f"Redis does not answer at {REDIS_URL}: {exc}") from None


def start_servers(processes: Processes, env: dict):
    venv = Path(sys.executable).parent
    web = processes.start(
        "gunicorn",
        [
            str(venv / "gunicorn"),
            "config.wsgi",
            "--bind",
            f"{HOST}:{PORT}",
            "--workers",
            str(WEB_WORKERS),
            "--backlog",
            "2048",
        ],
        env=env,
        cwd=ROOT,
    )
    worker = processes.start(
        "celery-worker",
        [str(venv / "celery"), "-A", "config", "worker", "--loglevel=INFO"],
        env=env,
        cwd=ROOT,
    )
    wait_for_http(f"http://{HOST}:{PORT}/bench/floor", timeout=60, process=web)
    return web, worker


def wait_for_worker(timeout: float = 60) -> int:
    from config.celery import app

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        replies = app.control.ping(timeout=1.0)
        if replies:
            stats = app.control.inspect(timeout=2.0).stats() or {}
            for reply in stats.values():
                return int(reply.get("pool", {}).get("max-concurrency", 0))
            return 0
    raise RuntimeError("the Celery worker did not answer")


# --- Signed-in users ----------------------------------------------------------


def sign_in(user) -> str:
    """A session for ``user``, as a login would store it (database + cache)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save(must_create=True)
    return store.session_key


def cookie_for(user) -> tuple[str, str]:
    from django.conf import settings

    token = secrets.token_hex(16)  # a CSRF secret: 32 characters
    cookie = (
        f"{settings.SESSION_COOKIE_NAME}={sign_in(user)}; "
        f"{settings.CSRF_COOKIE_NAME}={token}"
    )
    return cookie, token


# --- Pages -----------------------------------------------------------------------


def _load(name: str, group: str, path: str, cookie: str, seconds: int) -> dict:
    """wrk on one page: warm-up run discarded, then the measured run; queries
    and size from plain requests before (cold) and after (warm)."""
    cold = loadtest.fetch(HOST, PORT, path, cookie=cookie)
    if cold["status"] != 200:
        raise RuntimeError(f"{name} {path}: HTTP {cold['status']} {cold}")
    url = f"http://{HOST}:{PORT}{path}"
    options = {"connections": CONNECTIONS, "threads": 2, "cookie": cookie}
    loadtest.wrk(url, seconds=WARMUP_SECONDS, **options)
    cpu = CpuMeter([os.getpid()]).start()
    figures = loadtest.wrk(url, seconds=seconds, **options)
    machine_cpu = cpu.stop()
    warm = [loadtest.fetch(HOST, PORT, path, cookie=cookie) for _ in range(3)]
    return {
        "page": name,
        "group": group,
        "path": path,
        "rps": round(figures["rps"], 1),
        "p50_ms": round(figures["p50_us"] / 1000, 2),
        "p90_ms": round(figures["p90_us"] / 1000, 2),
        "p99_ms": round(figures["p99_us"] / 1000, 2),
        "max_ms": round(figures["max_us"] / 1000, 2),
        "requests": figures["requests"],
        "errors": figures["errors"],
        "queries": max(w["queries"] for w in warm),
        "queries_first_request": cold["queries"],
        "bytes": warm[-1]["bytes"],
        "cpu": machine_cpu,
    }


def measure_pages(meta: dict) -> list[dict]:
    """Each page between two runs of the floor, so that a machine getting busier
    or quieter during the run (it is shared) moves the page and its floor alike."""
    from clubs.models import Club
    from members.models import User

    club = Club.objects.get(pk=meta["club_id"])
    organizer_club = Club.objects.get(pk=meta["organizer_club_id"])
    member_cookie, _ = cookie_for(User.objects.get(pk=meta["member_id"]))
    organizer_cookie, _ = cookie_for(User.objects.get(pk=meta["organizer_id"]))
    vetter_cookie, _ = cookie_for(User.objects.get(pk=meta["vetter_id"]))
    dashboard = f"/clubs/{organizer_club.slug}/dashboard/"
    pages = [
        ("club directory", "public", "/clubs/", ""),
        ("club page", "public", club.get_absolute_url(), ""),
        (
            "event page (member)",
            "signed_in",
            f"/events/{meta['event_id']}/",
            member_cookie,
        ),
        ("member home", "signed_in", "/", member_cookie),
        ("organizer dashboard", "signed_in", dashboard, organizer_cookie),
        ("vetting queue", "signed_in", "/vetting/", vetter_cookie),
        # No target: the signed-in layout alone (navigation, account menu),
        # what every signed-in page costs before its own content.
        ("privacy page (member)", "info", "/privacy/", member_cookie),
    ]
    floors = [_load("floor", "floor", "/bench/floor", "", FLOOR_SECONDS)]
    rows = []
    for name, group, path, cookie in pages:
        row = _load(name, group, path, cookie, SECONDS)
        floors.append(_load("floor", "floor", "/bench/floor", "", FLOOR_SECONDS))
        # The floor runs just before and just after the page.
        row["floor_rps"] = round((floors[-2]["rps"] + floors[-1]["rps"]) / 2, 1)
        row["floor_share"] = round(row["rps"] / row["floor_rps"], 3)
        rows.append(row)
        log(
            f"{name:<22} {row['rps']:>7.1f} rps (floor {row['floor_rps']:.0f}, "
            f"{row['floor_share']:.0%})  p99 {row['p99_ms']:>7.2f} ms  "
            f"{row['queries']} queries  {row['bytes']} B  cpu {row['cpu']}"
        )
    # The floor row: the median of its runs, and every run's rps.
    floor = sorted(floors, key=lambda f: f["rps"])[len(floors) // 2]
    floor.update(
        floor_share=1.0,
        floor_rps=floor["rps"],
        runs_rps=[f["rps"] for f in floors],
    )
    return [floor, *rows]


# --- Registration burst -----------------------------------------------------------


def registration_burst(meta: dict) -> dict:
    from django.db.models import Count
    from django.utils import timezone

    from events.models import Event, Registration
    from members.models import User

    starts = timezone.now() + timedelta(days=7)
    event = Event.objects.create(
        club_id=meta["club_id"],
        title="Burst meeting",
        format="offline",
        venue_address="Bench hall",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        capacity=BURST_SEATS,
        eligibility="all",
    )
    members = list(
        User.objects.filter(status="member", roles__isnull=True, is_active=True)
        .exclude(pk__in=meta.get("fanout_member_ids", []))
        .order_by("-pk")[:BURST_MEMBERS]
    )
    log(f"burst: signing in {len(members)} members")
    clients = [cookie_for(member) for member in members]
    cpu = CpuMeter([os.getpid()]).start()
    results, wall = loadtest.burst(HOST, PORT, f"/events/{event.pk}/register/", clients)
    machine_cpu = cpu.stop()
    statuses = dict(
        Registration.objects.filter(event=event)
        .values_list("status")
        .annotate(n=Count("id"))
    )
    http_errors = sum(1 for r in results if r["status"] != 302)
    confirmed = statuses.get("confirmed", 0)
    waitlisted = statuses.get("waitlisted", 0)
    latencies = [r["seconds"] for r in results if r["status"] is not None]
    figures = {
        "members": len(members),
        "seats": BURST_SEATS,
        "confirmed": confirmed,
        "waitlisted": waitlisted,
        "errors": http_errors
        + max(0, len(members) - confirmed - waitlisted - http_errors),
        "http_errors": http_errors,
        "without_registration": len(members) - confirmed - waitlisted,
        "p50_s": round(loadtest.percentile(latencies, 0.50), 3),
        "p95_s": round(loadtest.percentile(latencies, 0.95), 3),
        "max_s": round(max(latencies, default=0), 3),
        "wall_s": round(wall, 3),
        "requests_per_s": round(len(results) / wall, 1) if wall else None,
        "cpu": machine_cpu,
    }
    log(f"burst: {figures}")
    return figures


# --- Reminder fan-out ---------------------------------------------------------------


def due_scan_plan() -> str:
    """EXPLAIN ANALYZE of the beat scan, inside a transaction rolled back."""
    from django.db import transaction
    from django.utils import timezone

    from core.services import notifications_due

    with transaction.atomic():
        plan = (
            notifications_due(now=timezone.now())
            .select_for_update(skip_locked=True)
            .order_by("due_at")
            .values_list("id", flat=True)[:5000]
            .explain(analyze=True)
        )
        transaction.set_rollback(True)
    return plan


def reminder_fanout(meta: dict) -> dict:
    from django.db.models import Count, Max, Q
    from django.utils import timezone

    from config.celery import app
    from core.models import Notification
    from events.models import Event, Registration
    from members.models import User

    now = timezone.now()
    # Members with nothing else due soon, so every message is one of ours.
    busy = Notification.objects.filter(
        status="pending", due_at__lt=now + timedelta(hours=1)
    ).values("recipient_id")
    members = list(
        User.objects.filter(status="member", reminders_enabled=True, is_active=True)
        .exclude(pk__in=busy)
        .order_by("pk")
        .values_list("pk", "email")[:FANOUT]
    )
    assert len(members) == FANOUT, len(members)
    meta["fanout_member_ids"] = [pk for pk, _ in members]
    starts = now + timedelta(hours=24, seconds=-30)
    events = Event.objects.bulk_create(
        Event(
            club_id=(index % 50) + 1,
            title=f"Reminder meeting {index + 1}",
            format="offline",
            venue_address="Bench hall",
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            eligibility="all",
        )
        for index in range(FANOUT_EVENTS)
    )
    per_event = FANOUT // FANOUT_EVENTS
    registrations = Registration.objects.bulk_create(
        Registration(event=events[index // per_event], member_id=pk, status="confirmed")
        for index, (pk, _) in enumerate(members)
    )
    due = starts - timedelta(hours=24)
    created = Notification.objects.bulk_create(
        Notification(
            recipient_id=registration.member_id,
            kind="event_reminder",
            dedupe_key=f"reminder:{registration.pk}:24",
            context_ids={"registration": registration.pk, "hours": 24},
            due_at=due,
        )
        for registration in registrations
    )
    ids = [n.pk for n in created]
    other_due = (
        Notification.objects.filter(status="pending", due_at__lte=now)
        .exclude(pk__in=ids)
        .count()
    )
    plan = due_scan_plan()
    log("fan-out: plan of the due scan:\n    " + plan.replace("\n", "\n    "))
    # bulk_create numbers the rows in one run of ids: a range, not a long IN list.
    ours = Notification.objects.filter(pk__gte=min(ids), pk__lte=max(ids))
    assert ours.count() == len(ids)
    emails = {email for _, email in members}
    log(f"fan-out: {len(ids)} due reminders; dispatching")
    began = time.monotonic()
    dispatched_at = timezone.now()
    cpu = CpuMeter([os.getpid()]).start()
    app.send_task("core.dispatch_due_notifications")  # what beat does each minute
    sent = 0
    while time.monotonic() - began < FANOUT_TIMEOUT:
        state = ours.aggregate(
            sent=Count("id", filter=Q(status="sent")),
            done=Count("id", filter=~Q(status__in=["pending", "sending"])),
        )
        sent = state["sent"]
        if state["done"] >= len(ids):
            break
        time.sleep(0.5)
    machine_cpu = cpu.stop()
    # From the dispatch to the last sent_at the worker wrote (not to the next
    # poll): the database clock on both ends.
    last = ours.aggregate(last=Max("sent_at"))["last"]
    seconds = (
        (last - dispatched_at).total_seconds()
        if last and sent == len(ids)
        else time.monotonic() - began
    )
    time.sleep(1.0)  # anything sent twice arrives within this second
    counts = received(SINK_FILE)
    received_ours = {email: n for email, n in counts.items() if email in emails}
    state = dict(ours.values_list("status").annotate(n=Count("id")))
    figures = {
        "due": len(ids),
        "sent": state.get("sent", 0),
        "failed": state.get("failed", 0),
        "cancelled": state.get("cancelled", 0),
        "still_pending": state.get("pending", 0) + state.get("sending", 0),
        "seconds": round(seconds, 2),
        "per_second": round(sent / seconds, 1) if seconds else None,
        "emails_received": sum(received_ours.values()),
        "duplicates": sum(n - 1 for n in received_ours.values() if n > 1),
        "claimed_more_than_once": ours.filter(attempts__gt=1).count(),
        "other_due_rows_at_start": other_due,
        "scan_plan": plan,
        "scan_uses_index": "notification_pending_due" in plan,
        "cpu": machine_cpu,
    }
    log(
        f"fan-out: {figures['sent']} sent in {figures['seconds']} s, "
        f"{figures['duplicates']} duplicates"
    )
    return figures


# --- Report ------------------------------------------------------------------------


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = int(line.split()[1]) // 1024
    except OSError:
        pass
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    return {
        "cores": CORES,
        "cpu": cpu,
        "memory_mb": memory,
        "os": platform.platform(),
        "python": platform.python_version(),
        "postgres": postgres,
    }


def verdicts(result: dict) -> list[tuple[str, bool, str]]:
    """(target, met, measured) for every target of the issue."""
    out = []
    for row in result.get("pages", []):
        if row["group"] in ("floor", "info"):
            continue
        share = TARGETS[f"{row['group']}_share"]
        name, p99, queries = row["page"], row["p99_ms"], row["queries"]
        out += [
            (
                f"{name}: >= {share:.0%} of the floor's rps",
                row["floor_share"] >= share,
                f"{row['floor_share']:.0%}",
            ),
            (
                f"{name}: p99 < {TARGETS['p99_ms']} ms",
                p99 < TARGETS["p99_ms"],
                f"{p99} ms",
            ),
            (
                f"{name}: <= {TARGETS['queries']} queries",
                queries <= TARGETS["queries"],
                str(queries),
            ),
        ]
    if burst := result.get("burst"):
        counts = f"{burst['confirmed']}/{burst['waitlisted']}/{burst['errors']}"
        exact = (burst["confirmed"], burst["waitlisted"], burst["errors"]) == (
            BURST_SEATS,
            BURST_MEMBERS - BURST_SEATS,
            0,
        )
        out += [
            ("burst: 50 confirmed / 950 waitlisted / 0 errors", exact, counts),
            (
                f"burst: p95 < {TARGETS['burst_p95_s']} s",
                burst["p95_s"] < TARGETS["burst_p95_s"],
                f"{burst['p95_s']} s",
            ),
        ]
    if fanout := result.get("fanout"):
        in_time = fanout["sent"] == FANOUT and fanout["seconds"] < TARGETS["fanout_s"]
        no_dupes = fanout["duplicates"] == 0 and fanout["claimed_more_than_once"] == 0
        out += [
            (
                f"fan-out: {FANOUT} sent in < {TARGETS['fanout_s']} s",
                in_time,
                f"{fanout['sent']} in {fanout['seconds']} s",
            ),
            ("fan-out: 0 duplicates", no_dupes, str(fanout["duplicates"])),
            (
                "fan-out: the due scan uses notification_pending_due",
                fanout["scan_uses_index"],
                "yes" if fanout["scan_uses_index"] else "no",
            ),
        ]
    memory = result["memory"]
    web, worker = memory["web_worker_peak_mb"], memory["celery_total_peak_mb"]
    out += [
        (f"web process < {TARGETS['web_mb']} MB", web < TARGETS["web_mb"], f"{web} MB"),
        (
            f"worker < {TARGETS['worker_mb']} MB",
            worker < TARGETS["worker_mb"],
            f"{worker} MB",
        ),
    ]
    return out


def render_table(result: dict) -> str:
    m, config = result["machine"], result["config"]
    lines = [
        f"Mosty bench, {result['date']}: {m['cores']} cores ({m['cpu']}), "
        f"{m['memory_mb']} MB RAM, PostgreSQL {m['postgres']}; gunicorn "
        f"{config['web_workers']} sync workers; wrk {CONNECTIONS} connections, "
        f"{config['seconds']} s per page after {config['warmup_seconds']} s warm-up",
        "",
        "| page | rps | p50 ms | p99 ms | floor rps | vs floor | SQL queries "
        "| bytes | other load |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in result.get("pages", []):
        floor = (
            f"{min(row['runs_rps']):.0f}-{max(row['runs_rps']):.0f}"
            if "runs_rps" in row
            else f"{row['floor_rps']:.0f}"
        )
        lines.append(
            f"| {row['page']} | {row['rps']:.0f} | {row['p50_ms']:.1f} | "
            f"{row['p99_ms']:.1f} | {floor} | {row['floor_share']:.0%} | "
            f"{row['queries']} | {row['bytes']} | "
            f"{row['cpu'].get('others_pct', 0):.0f}% |"
        )
    lines += [
        "",
        "floor rps: mean of the floor's runs just before and just after the page "
        "(floor row: median and range of all its runs); vs floor: page rps / "
        "that mean; other load: CPU used during the page's run by processes that "
        "are neither this benchmark nor PostgreSQL (the machine is shared), as a "
        "share of all cores.",
    ]
    lines.append("")
    if b := result.get("burst"):
        lines.append(
            f"Registration burst: {b['members']} members at once for {b['seats']} "
            f"seats: {b['confirmed']} confirmed, {b['waitlisted']} waitlisted, "
            f"{b['errors']} errors; p50 {b['p50_s']} s, p95 {b['p95_s']} s, "
            f"max {b['max_s']} s ({b['requests_per_s']} registrations/s; "
            f"other load {b['cpu'].get('others_pct', 0):.0f}%)"
        )
    if f := result.get("fanout"):
        lines.append(
            f"Reminder fan-out: {f['sent']} of {f['due']} sent in {f['seconds']} s "
            f"({f['per_second']}/s, one worker, concurrency "
            f"{config['worker_concurrency']}), {f['duplicates']} duplicates; "
            "due scan on notification_pending_due: "
            f"{'yes' if f['scan_uses_index'] else 'NO'} (other load "
            f"{f['cpu'].get('others_pct', 0):.0f}%)"
        )
    mem = result["memory"]
    lines.append(
        f"Peak memory: web process {mem['web_worker_peak_mb']} MB (largest of "
        f"{mem['web_workers']} gunicorn workers, RSS); Celery worker "
        f"{mem['celery_total_peak_mb']} MB ({mem['celery_processes']} processes, "
        f"PSS; RSS sum {mem['celery_rss_sum_upper_bound_mb']} MB)"
    )
    counts = result["dataset"]["counts"]
    lines.append(
        f"Dataset: {counts['clubs']} clubs, {counts['members']} members, "
        f"{counts['events']} events ({counts['events_upcoming']} upcoming, "
        f"{counts['events_recurring']} recurring), {counts['registrations']} "
        f"registrations ({counts['registrations_waitlisted']} waitlisted), "
        f"{counts['applications']} applications, {counts['notifications']} outbox "
        f"rows; programmes: {counts['programmes']}; journal entries: "
        f"{counts['journal_entries']}"
    )
    lines += ["", "Targets:"]
    for label, ok, value in result["verdicts"]:
        lines.append(f"  [{'ok' if ok else 'MISS'}] {label}: {value}")
    return "\n".join(lines)


def memory_figures(web, worker, celery_tree: TreeMemory) -> dict:
    """Web: the peak resident memory (VmHWM) of the largest gunicorn worker.
    Worker: the peak of the summed PSS of the Celery main process and its pool
    (sampled): RSS would count the pages the forked pool shares several times;
    the sum of each process's own RSS peak is given too, as an upper bound."""
    web_workers = children(web.pid)
    celery = [worker.pid, *children(worker.pid)]
    web_peaks = [peak_rss_mb(pid) or 0 for pid in web_workers]
    celery_peaks = [peak_rss_mb(pid) or 0 for pid in celery]
    return {
        "web_worker_peak_mb": round(max(web_peaks, default=0), 1),
        "web_workers": len(web_workers),
        "web_master_peak_mb": round(peak_rss_mb(web.pid) or 0, 1),
        "celery_total_peak_mb": round(celery_tree.peak_mb, 1),
        "celery_rss_sum_upper_bound_mb": round(sum(celery_peaks), 1),
        "celery_process_peak_mb": round(max(celery_peaks, default=0), 1),
        "celery_processes": len(celery),
    }


def main() -> int:
    signal.signal(signal.SIGTERM, _raise_exit)
    began = time.monotonic()
    VAR.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    env = production_env()
    check_services(env)
    result: dict = {"date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")}
    meta = prepare_database(env)
    os.environ.update(env)
    import django

    django.setup()
    result["time_shift_seconds"] = shift_times(meta)
    log("collecting static files for production")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        env=env,
        cwd=ROOT,
        check=True,
    )
    processes = Processes(VAR)
    try:
        sink = processes.start(
            "smtp-sink",
            [sys.executable, "-m", "bench.smtpsink", str(SMTP_PORT), str(SINK_FILE)],
            env=env,
            cwd=ROOT,
        )
        wait_for_port(SMTP_PORT, timeout=20, process=sink)
        log(
            f"starting gunicorn ({WEB_WORKERS} workers) on {HOST}:{PORT} "
            "and a Celery worker"
        )
        web, worker = start_servers(processes, env)
        concurrency = wait_for_worker()
        celery_tree = TreeMemory(worker.pid)
        celery_tree.start()
        result["config"] = {
            "web_workers": WEB_WORKERS,
            "worker_concurrency": concurrency,
            "connections": CONNECTIONS,
            "seconds": SECONDS,
            "warmup_seconds": WARMUP_SECONDS,
        }
        result["machine"] = machine()
        result["dataset"] = meta
        result["load_average_before"] = os.getloadavg()
        if "pages" in PARTS:
            result["pages"] = measure_pages(meta)
        if "fanout" in PARTS:
            result["fanout"] = reminder_fanout(meta)
        if "burst" in PARTS:
            result["burst"] = registration_burst(meta)
        result["load_average_after"] = os.getloadavg()
        celery_tree.stop()
        result["memory"] = memory_figures(web, worker, celery_tree)
    finally:
        left = processes.stop_all()
        from django.db import connections

        connections.close_all()
        if left:
            log(f"WARNING: still running after stop: {left}")
    result["dataset"] = {k: v for k, v in meta.items() if k != "fanout_member_ids"}
    result["verdicts"] = verdicts(result)
    result["seconds"] = round(time.monotonic() - began, 1)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS / f"bench-{stamp}.json"
    path.write_text(json.dumps(result, indent=2, default=str))
    print()
    print(render_table(result))
    print()
    log(f"done in {result['seconds']} s; figures in {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
