"""Check that PostgreSQL and Redis answer, and create the database if missing.

Used by `make run` and `make test` before anything touches the database, so a
newcomer sees what is wrong and how to fix it, never a traceback.
"""

import sys

import psycopg2
import redis
from django.conf import settings
from django.core.management.base import BaseCommand
from psycopg2 import sql

PG_FIX = (
    "Start it with:\n"
    "  pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n"
    "or point DATABASE_URL at a running server (see .env.example)."
)
REDIS_FIX = (
    "Start it with:\n"
    "  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save '' "
    "--appendonly no\n"
    "or point REDIS_URL at a running server (see .env.example)."
)


class Command(BaseCommand):
    help = "Check PostgreSQL and Redis and create the database if it is missing."

    def add_arguments(self, parser):
        parser.add_argument(
            "--database-name",
            help="Create this database instead of the configured one.",
        )

    def handle(self, *args, **options):
        db = settings.DATABASES["default"]
        name = options["database_name"] or db["NAME"]
        params = {
            "host": db.get("HOST") or None,
            "port": db.get("PORT") or None,
            "user": db.get("USER") or None,
            "password": db.get("PASSWORD") or None,
            "connect_timeout": 3,
        }
        where = f"{db.get('HOST') or 'socket'}:{db.get('PORT') or 5432}"
        try:
            conn = psycopg2.connect(dbname="postgres", **params)
        except psycopg2.OperationalError as exc:
            first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            self.stderr.write(
                f"PostgreSQL does not answer at {where} ({first_line}).\n{PG_FIX}"
            )
            sys.exit(1)
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cur.fetchone() is None:
                cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                self.stdout.write(f"Created database {name}.")
        conn.close()
        self.stdout.write(f"PostgreSQL OK at {where}, database {name}.")

        try:
            client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=3)
            client.ping()
            client.close()
        except redis.exceptions.RedisError as exc:
            self.stderr.write(
                f"Redis does not answer at {settings.REDIS_URL} "
                f"({type(exc).__name__}).\n{REDIS_FIX}"
            )
            sys.exit(1)
        self.stdout.write(f"Redis OK at {settings.REDIS_URL}.")
