"""The scale dataset for `make bench`, loaded with COPY into its own database.

Run by ``bench/run.py`` (``python -m bench.seed`` with DATABASE_URL pointing at
the seed database, ``mosty_bench_seed``): migrate, then load 50 clubs, 20,000
members, 5,000 events (past and upcoming, 50 weekly series), 200,000
registrations with waiting lists, 2,000 applications and the outbox history.
The seed database is only a template: every run copies it to ``mosty_bench``
(CREATE DATABASE ... TEMPLATE), so each run starts from the same data, and the
copy is re-seeded only when this file or a migration changes.

Programmes are created when the trainings app has its model; journal entries
do not exist yet and are reported as "n/a (not built yet)".
"""

import io
import json
import os
import random
import sys
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from zoneinfo import ZoneInfo

SEED_PASSWORD = "bench-password-2026"  # noqa: S105 - local benchmark accounts only
BENCH_TOTP_SECRET = "MOSTYBENCHMOSTYBENCHMOSTYBENCH23"  # noqa: S105

CLUBS = 50
MEMBERS = 20_000
EVENTS_PER_CLUB = 100  # 5,000 events
REGISTRATIONS = 200_000
APPLICATIONS = 2_000
PROGRAMMES = 10
JOURNAL_PEOPLE = 5_000
JOURNAL_ENTRIES = 50_000
WEEKS_BACK = 52
WEEKS_AHEAD = 12

# (city, country, time zone, second language)
CITIES = [
    ("Vilnius", "Lithuania", "Europe/Vilnius", "lt"),
    ("Warsaw", "Poland", "Europe/Warsaw", "pl"),
    ("Berlin", "Germany", "Europe/Berlin", "de"),
    ("Almaty", "Kazakhstan", "Asia/Almaty", "kk"),
    ("Bishkek", "Kyrgyzstan", "Asia/Bishkek", "ky"),
    ("Tashkent", "Uzbekistan", "Asia/Tashkent", "uz"),
    ("Tbilisi", "Georgia", "Asia/Tbilisi", "ka"),
    ("", "", "Europe/Berlin", "en"),  # online
]
# Application states: (status, how many, applicant is already a member)
APPLICATION_MIX = [
    ("submitted", 600, False),
    ("info_requested", 200, False),
    ("partially_approved", 200, False),
    ("approved", 700, True),
    ("rejected", 300, False),
]
DESCRIPTION = (
    "A club for Russian speakers who left after 2022. We meet to practise calm, "
    "honest conversations with family and friends at home, and to share what "
    "worked and what did not."
)


def _text(value) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime | date | dtime):
        return value.isoformat()
    if isinstance(value, dict):
        value = json.dumps(value)
    elif isinstance(value, list):
        value = "{" + ",".join(value) + "}"
    value = str(value)
    return (
        value.replace("\\", "\\\\")
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
    )


def copy_rows(model, rows: list[dict], *, now: datetime) -> int:
    """COPY ``rows`` (dicts keyed by field attname) into ``model``'s table.

    Fields left out take their default (called per row, e.g. uuid4), ``now``
    for auto_now(_add), or NULL."""
    from django.db import connection
    from django.db.models import NOT_PROVIDED

    fields = list(model._meta.concrete_fields)
    buffer = io.StringIO()
    for row in rows:
        values = []
        for field in fields:
            if field.attname in row:
                value = row[field.attname]
            elif getattr(field, "auto_now", False) or getattr(
                field, "auto_now_add", False
            ):
                value = now
            elif field.default is not NOT_PROVIDED:
                value = field.get_default()
            elif field.null:
                value = None
            else:
                raise KeyError(f"{model.__name__}.{field.attname} has no value")
            values.append(_text(value))
        buffer.write("\t".join(values))
        buffer.write("\n")
    buffer.seek(0)
    columns = ", ".join(f'"{field.column}"' for field in fields)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f'COPY "{model._meta.db_table}" ({columns}) FROM STDIN', buffer
        )
        if model._meta.pk.get_internal_type() in ("AutoField", "BigAutoField"):
            table = model._meta.db_table  # the model's own name, not user input
            reset = f"""SELECT setval(pg_get_serial_sequence(%s, 'id'),
                (SELECT COALESCE(MAX(id), 1) FROM "{table}"))"""  # noqa: S608
            cursor.execute(reset, [table])
    return len(rows)


def seed(*, key: str) -> dict:
    """Load the dataset into the (freshly migrated, empty) current database."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from django.contrib.auth.hashers import make_password
    from django.db import connection

    from clubs.models import Club, ClubMembership
    from core.models import Notification
    from events.models import Event, Registration, Series
    from members.models import Application, Decision, RoleAssignment, User, Vouch

    rng = random.Random(2026)  # noqa: S311 - reproducible data, not secrets
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    password = make_password(SEED_PASSWORD)
    counts: dict[str, int | str] = {}
    started = time.monotonic()

    def log(message):
        print(f"  seed {time.monotonic() - started:5.1f}s  {message}", flush=True)

    # --- Clubs -------------------------------------------------------------
    clubs = []
    for index in range(CLUBS):
        city, country, tz, language = CITIES[index % len(CITIES)]
        number = index // len(CITIES) + 1
        name = f"{city or 'Online'} club {number}"
        clubs.append(
            {
                "id": index + 1,
                "name": name,
                "slug": f"{(city or 'online').lower()}-{number}",
                "city": city,
                "country": country,
                "is_online": not city,
                "timezone": tz,
                "languages": ["ru", language],
                "description": DESCRIPTION,
                "rhythm": f"Every week, day {index % 7 + 1}, at 19:00",
                "join_policy": "approval" if index % 5 == 1 else "open",
            }
        )
    counts["clubs"] = copy_rows(Club, clubs, now=now)

    # --- People ------------------------------------------------------------
    zones = [c[2] for c in CITIES]
    users = []
    for uid in range(1, MEMBERS + 1):
        users.append(
            {
                "id": uid,
                "password": password,
                "is_superuser": uid == 1,
                "email": f"member{uid:05d}@bench.mosty.test",
                "display_name": f"Member {uid:05d}",
                "language": "ru" if uid % 3 else "en",
                "timezone": zones[uid % len(zones)],
                "status": "member",
                "member_since": now - timedelta(days=uid % 700),
                "reminders_enabled": uid % 10 != 0,
                "is_active": True,
                "is_staff": uid == 1,
                "date_joined": now - timedelta(days=uid % 700 + 10),
            }
        )
    applicant_id = MEMBERS
    applicant_ids = []
    for _status, how_many, is_member in APPLICATION_MIX:
        if is_member:
            continue
        for _ in range(how_many):
            applicant_id += 1
            applicant_ids.append(applicant_id)
            users.append(
                {
                    "id": applicant_id,
                    "password": password,
                    "is_superuser": False,
                    "email": f"applicant{applicant_id:05d}@bench.mosty.test",
                    "display_name": f"Applicant {applicant_id:05d}",
                    "language": "ru",
                    "timezone": "Europe/Berlin",
                    "status": "applicant",
                    "member_since": None,
                    "is_active": True,
                    "is_staff": False,
                    "date_joined": now - timedelta(days=applicant_id % 90),
                }
            )
    counts["users"] = copy_rows(User, users, now=now)
    counts["members"] = MEMBERS
    copy_rows(
        EmailAddress,
        [
            {
                "id": u["id"],
                "email": u["email"],
                "verified": True,
                "primary": True,
                "user_id": u["id"],
            }
            for u in users
        ],
        now=now,
    )
    log(f"{len(users)} users")

    # --- Club membership and organizers --------------------------------------
    weights = [rng.uniform(0.5, 2.0) for _ in clubs]
    club_ids = [c["id"] for c in clubs]
    active_members: dict[int, list[int]] = {c: [] for c in club_ids}
    memberships = []
    for uid in range(1, MEMBERS + 1):
        how_many = rng.choices([1, 2, 3], weights=[4, 4, 2])[0]
        chosen = set()
        while len(chosen) < how_many:
            chosen.add(rng.choices(club_ids, weights=weights)[0])
        for club_id in sorted(chosen):
            status = "pending" if rng.random() < 0.05 else "active"
            memberships.append(
                {
                    "id": len(memberships) + 1,
                    "club_id": club_id,
                    "user_id": uid,
                    "status": status,
                    "created_at": now - timedelta(days=rng.randint(1, 600)),
                    "approved_at": None if status == "pending" else now,
                }
            )
            if status == "active":
                active_members[club_id].append(uid)
    counts["club_memberships"] = copy_rows(ClubMembership, memberships, now=now)

    roles = [
        {"id": 1, "user_id": 1, "role": "admin", "club_id": None},
        {"id": 2, "user_id": 1, "role": "vetter", "club_id": None},
    ]
    vetter_ids = list(range(2, 11))
    for uid in vetter_ids:
        roles.append(
            {"id": len(roles) + 1, "user_id": uid, "role": "vetter", "club_id": None}
        )
    organizers: dict[int, list[int]] = {}
    for club_id in club_ids:
        pool = [u for u in active_members[club_id] if u > 10]
        organizers[club_id] = pool[:2]
        for uid in organizers[club_id]:
            roles.append(
                {
                    "id": len(roles) + 1,
                    "user_id": uid,
                    "role": "organizer",
                    "club_id": club_id,
                }
            )
    copy_rows(RoleAssignment, roles, now=now)
    staff_ids = sorted({r["user_id"] for r in roles})
    copy_rows(
        Authenticator,
        [
            {
                "id": i + 1,
                "user_id": uid,
                "type": "totp",
                "data": {"secret": BENCH_TOTP_SECRET},
                "created_at": now,
            }
            for i, uid in enumerate(staff_ids)
        ],
        now=now,
    )
    organizer_ids = {uid for ids in organizers.values() for uid in ids}
    log(f"{len(memberships)} memberships, {len(staff_ids)} staff with MFA")

    # --- Series and events ---------------------------------------------------
    series_rows, events = [], []
    for club in clubs:
        tz = ZoneInfo(club["timezone"])
        first_local = (now - timedelta(weeks=WEEKS_BACK)).astimezone(tz).replace(
            hour=19, minute=0, second=0, microsecond=0, tzinfo=None
        ) + timedelta(days=club["id"] % 7)
        template = {
            "kind": "meeting",
            "title": "Weekly meeting",
            "description": "",
            "language": "ru",
            "speaker": "",
            "format": "offline",
            "venue_address": f"Community room, {club['city'] or 'Online'}",
            "online_link": "",
            "capacity": 30,
            "eligibility": "club",
            "registration_lead_minutes": None,
        }
        if club["is_online"]:
            template.update(
                format="online",
                venue_address="",
                online_link="https://meet.jit.si/mosty-bench-room",
            )
        series_id = club["id"]
        occurrences = WEEKS_BACK + WEEKS_AHEAD + 1
        series_rows.append(
            {
                "id": series_id,
                "club_id": club["id"],
                "frequency": "weekly",
                "interval": 1,
                "week_of_month": None,
                "first_date": first_local.date(),
                "start_time": first_local.time(),
                "duration_minutes": 120,
                "until": None,
                "generated_until": now + timedelta(weeks=WEEKS_AHEAD + 1),
                "template": template,
                "created_at": now - timedelta(days=400),
            }
        )
        for week in range(occurrences):
            local = first_local + timedelta(weeks=week)
            starts = local.replace(tzinfo=tz).astimezone(UTC)
            events.append(
                {
                    "club_id": club["id"],
                    "series_id": series_id,
                    "kind": "meeting",
                    "title": f"Weekly meeting {week + 1}",
                    "format": template["format"],
                    "venue_address": template["venue_address"],
                    "online_link": template["online_link"],
                    "starts_at": starts,
                    "ends_at": starts + timedelta(hours=2),
                    "capacity": None if week % 10 == 3 else 30,
                    "eligibility": "club",
                    "status": "cancelled" if week % 25 == 7 else "scheduled",
                }
            )
        for extra in range(EVENTS_PER_CLUB - occurrences):
            kind = "lecture" if extra % 3 else "seminar"
            starts = now + timedelta(
                days=rng.randint(-330, 90), hours=rng.randint(0, 23)
            )
            starts = starts.replace(minute=0)
            events.append(
                {
                    "club_id": club["id"],
                    "series_id": None,
                    "kind": kind,
                    "title": f"{kind.capitalize()} {extra + 1}",
                    "description": "How to listen first and argue later.",
                    "speaker": "Guest speaker",
                    "format": "online" if club["is_online"] else "hybrid",
                    "venue_address": "" if club["is_online"] else "Library hall",
                    "online_link": "https://meet.jit.si/mosty-bench-lecture",
                    "starts_at": starts,
                    "ends_at": starts + timedelta(minutes=90),
                    "capacity": 60 if kind == "lecture" else 20,
                    "eligibility": "all" if extra % 4 == 0 else "club",
                    "status": "scheduled",
                }
            )
    for index, event in enumerate(events, start=1):
        event["id"] = index
        event["uid"] = uuid.UUID(int=rng.getrandbits(128), version=4)
        event["language"] = "ru"
        event.setdefault("description", "")
        event.setdefault("speaker", "")
        event["summary"] = ""
        event["sequence"] = 0
        event["registration_opens_at"] = None
        event["created_at"] = event["updated_at"] = min(
            now, event["starts_at"] - timedelta(days=30)
        )
    counts["series"] = copy_rows(Series, series_rows, now=now)
    counts["events"] = copy_rows(Event, events, now=now)
    counts["events_upcoming"] = sum(1 for e in events if e["ends_at"] >= now)
    counts["events_recurring"] = sum(1 for e in events if e["series_id"])
    log(f"{len(events)} events ({counts['events_upcoming']} upcoming)")

    # --- Registrations with waiting lists, and the outbox history --------------
    sizes = [rng.randint(15, 65) for _ in events]
    while sum(sizes) != REGISTRATIONS:
        i = rng.randrange(len(sizes))
        if sum(sizes) > REGISTRATIONS and sizes[i] > 5:
            sizes[i] -= 1
        elif sum(sizes) < REGISTRATIONS and sizes[i] < 80:
            sizes[i] += 1
    all_members = list(range(11, MEMBERS + 1))
    registrations, notifications = [], []
    for event, size in zip(events, sizes, strict=True):
        pool = (
            all_members
            if event["eligibility"] == "all"
            else active_members[event["club_id"]]
        )
        people = rng.sample(pool, min(size, len(pool)))
        past = event["ends_at"] < now
        confirmed = 0
        # Registrations happened before now, even for meetings months ahead.
        opened = min(event["starts_at"] - timedelta(days=21), now - timedelta(days=2))
        for position, uid in enumerate(people):
            queued = opened + timedelta(minutes=position * 7 + rng.randint(0, 6))
            if rng.random() < 0.05:
                status = "cancelled"
            elif event["capacity"] is None or confirmed < event["capacity"]:
                status = "confirmed"
                confirmed += 1
            else:
                status = "waitlisted"
            attendance = "unknown"
            if past and status == "confirmed" and event["status"] == "scheduled":
                attendance = "attended" if rng.random() < 0.85 else "no_show"
            rid = len(registrations) + 1
            registrations.append(
                {
                    "id": rid,
                    "event_id": event["id"],
                    "member_id": uid,
                    "status": status,
                    "attendance": attendance,
                    "created_at": queued,
                    "queued_at": queued,
                    "updated_at": queued,
                }
            )
            sent_at = min(queued + timedelta(seconds=40), now)
            notifications.append(
                {
                    "recipient_id": uid,
                    "kind": "registration_confirmed",
                    "dedupe_key": f"registration:{rid}",
                    "context_ids": {"registration": rid},
                    "due_at": queued,
                    "status": "sent",
                    "attempts": 1,
                    "queued_at": queued,
                    "claimed_at": sent_at,
                    "sent_at": sent_at,
                    "last_error": "",
                    "created_at": queued,
                }
            )
            if status != "confirmed" or event["status"] != "scheduled":
                continue
            for hours in (24, 1):
                due = event["starts_at"] - timedelta(hours=hours)
                if due < queued:
                    continue
                done = due <= now
                notifications.append(
                    {
                        "recipient_id": uid,
                        "kind": "event_reminder",
                        "dedupe_key": f"reminder:{rid}:{hours}",
                        "context_ids": {"registration": rid, "hours": hours},
                        "due_at": due,
                        "status": "sent" if done else "pending",
                        "attempts": 1 if done else 0,
                        "queued_at": due if done else None,
                        "claimed_at": due if done else None,
                        "sent_at": due if done else None,
                        "last_error": "",
                        "created_at": queued,
                    }
                )
    counts["registrations"] = copy_rows(Registration, registrations, now=now)
    for status in ("confirmed", "waitlisted", "cancelled"):
        counts[f"registrations_{status}"] = sum(
            1 for r in registrations if r["status"] == status
        )
    for index, notification in enumerate(notifications, start=1):
        notification["id"] = index
    counts["notifications"] = copy_rows(Notification, notifications, now=now)
    counts["notifications_pending"] = sum(
        1 for n in notifications if n["status"] == "pending"
    )
    log(f"{len(registrations)} registrations, {len(notifications)} outbox rows")

    # --- Applications, vouches, decisions --------------------------------------
    applications, vouches, decisions = [], [], []
    applicants = iter(applicant_ids)
    approved_members = iter(range(MEMBERS, 10, -1))
    for status, how_many, is_member in APPLICATION_MIX:
        for _ in range(how_many):
            aid = len(applications) + 1
            applicant = next(approved_members) if is_member else next(applicants)
            submitted = now - timedelta(
                days=rng.randint(0, 120), minutes=rng.randint(0, 1440)
            )
            decided = (
                submitted + timedelta(days=3)
                if status in ("approved", "rejected")
                else None
            )
            applications.append(
                {
                    "id": aid,
                    "applicant_id": applicant,
                    "status": status,
                    "country": "Germany",
                    "city": "Berlin",
                    "languages": ["ru"],
                    "statement": "I condemn the war and say so openly.",
                    "motivation": "Talk better with my parents.",
                    "heard_from": "A friend",
                    "info_request": "",
                    "applicant_reply": "",
                    "submitted_at": submitted,
                    "updated_at": submitted,
                    "decided_at": decided,
                    "purged_at": None,
                }
            )
            for voucher in rng.sample(range(11, MEMBERS // 2), rng.randint(1, 3)):
                vouch_status = rng.choice(["requested", "confirmed", "confirmed"])
                vouches.append(
                    {
                        "id": len(vouches) + 1,
                        "application_id": aid,
                        "voucher_id": voucher,
                        "status": vouch_status,
                        "comment": "",
                        "requested_at": submitted,
                        "responded_at": None
                        if vouch_status == "requested"
                        else submitted + timedelta(days=1),
                    }
                )
            kinds = {
                "info_requested": ["request_info"],
                "partially_approved": ["approve"],
                "approved": ["approve", "approve"],
                "rejected": ["reject"],
            }.get(status, [])
            for vetter, kind in zip(rng.sample(vetter_ids, 2), kinds, strict=False):
                decisions.append(
                    {
                        "id": len(decisions) + 1,
                        "application_id": aid,
                        "vetter_id": vetter,
                        "kind": kind,
                        "reason": "Checked.",
                        "created_at": submitted + timedelta(days=2),
                    }
                )
    counts["applications"] = copy_rows(Application, applications, now=now)
    copy_rows(Vouch, vouches, now=now)
    copy_rows(Decision, decisions, now=now)
    log(f"{len(applications)} applications, {len(vouches)} vouches")

    # --- Programmes and the journal: built while this was written; seeded when
    # their models are there, reported as n/a otherwise (never faked).
    counts["programmes"] = _seed_programmes(now=now, club_ids=club_ids)
    counts["journal_entries"] = _seed_journal(now=now, rng=rng)
    log(f"programmes: {counts['programmes']}, journal: {counts['journal_entries']}")

    # --- Who the benchmark signs in as ------------------------------------------
    upcoming_ids = {
        e["id"] for e in events if e["ends_at"] >= now and e["status"] == "scheduled"
    }
    per_member: dict[int, list[dict]] = {}
    for registration in registrations:
        if (
            registration["event_id"] in upcoming_ids
            and registration["status"] in ("confirmed", "waitlisted")
            and registration["member_id"] not in organizer_ids
        ):
            per_member.setdefault(registration["member_id"], []).append(registration)
    member_id = max(
        (
            uid
            for uid, regs in per_member.items()
            if any(r["status"] == "waitlisted" for r in regs)
        ),
        key=lambda uid: (len(per_member[uid]), -uid),
    )
    waitlisted = [r for r in per_member[member_id] if r["status"] == "waitlisted"]
    event_id = waitlisted[0]["event_id"]
    biggest_club = max(club_ids, key=lambda c: len(active_members[c]))
    meta = {
        "key": key,
        "seeded_at": now.isoformat(),
        "seconds": round(time.monotonic() - started, 1),
        "counts": counts,
        "member_id": member_id,
        "member_upcoming_registrations": len(per_member[member_id]),
        "event_id": event_id,
        "organizer_id": organizers[biggest_club][0],
        "organizer_club_id": biggest_club,
        "vetter_id": vetter_ids[0],
        "club_id": biggest_club,
    }
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute(
            "CREATE TABLE bench_meta (id int PRIMARY KEY, meta jsonb NOT NULL)"
        )
        cursor.execute("INSERT INTO bench_meta VALUES (1, %s)", [json.dumps(meta)])
    log("analyzed")
    return meta


def _seed_programmes(*, now: datetime, club_ids: list[int]) -> int | str:
    from django.apps import apps
    from django.db import transaction

    try:
        programme = apps.get_model("trainings", "Programme")
    except LookupError:
        return "n/a (not built yet)"
    try:
        with transaction.atomic():
            programme.objects.bulk_create(
                programme(
                    title=f"Communicator training {n + 1}",
                    club_id=club_ids[n % len(club_ids)],
                    applications_open_at=now - timedelta(days=30),
                    applications_close_at=now + timedelta(days=30 + n),
                )
                for n in range(PROGRAMMES)
            )
    except Exception as exc:  # noqa: BLE001 - the model is still being built
        return f"n/a (seeding failed: {type(exc).__name__})"
    return PROGRAMMES


def _seed_journal(*, now: datetime, rng: random.Random) -> int | str:
    """JOURNAL_PEOPLE people, JOURNAL_ENTRIES entries, for the first members."""
    from django.apps import apps

    try:
        person = apps.get_model("members", "JournalPerson")
        entry = apps.get_model("members", "JournalEntry")
    except LookupError:
        return "n/a (not built yet)"
    try:
        from core.crypto import encrypt

        def choices(model, name):
            field = model._meta.get_field(name)
            field = getattr(field, "base_field", field)
            return [value for value, _ in field.choices]

        relationships = choices(person, "relationship")
        channels, topics = choices(entry, "channel"), choices(entry, "topics")
        approaches = choices(entry, "approaches")
        people = [
            {
                "id": n + 1,
                "owner_id": 11 + n // 2,
                "label": encrypt(f"Person {n + 1}"),
                "relationship": relationships[n % len(relationships)],
                "region": "",
                "created_at": now - timedelta(days=200),
            }
            for n in range(JOURNAL_PEOPLE)
        ]
        copy_rows(person, people, now=now)
        entries = []
        for n in range(JOURNAL_ENTRIES):
            who = people[n % JOURNAL_PEOPLE]
            before = rng.randint(1, 5)
            entries.append(
                {
                    "id": n + 1,
                    "person_id": who["id"],
                    "owner_id": who["owner_id"],
                    "date": (now - timedelta(days=rng.randint(0, 365))).date(),
                    "channel": rng.choice(channels),
                    "topics": rng.sample(topics, 2),
                    "approaches": rng.sample(approaches, 2),
                    "stance_before": before,
                    "stance_after": min(5, before + rng.choice([0, 0, 1])),
                    "feeling": rng.randint(1, 5),
                    "notes": "",
                    "created_at": now,
                }
            )
        return copy_rows(entry, entries, now=now)
    except Exception as exc:  # noqa: BLE001 - the model is still being built
        return f"n/a (seeding failed: {type(exc).__name__}: {exc})"[:200]


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)
    meta = seed(key=sys.argv[1])
    print(f"  seed done in {meta['seconds']}s", flush=True)


if __name__ == "__main__":
    main()
