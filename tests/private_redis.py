"""A redis-server of a test's own, for the tests that stop, restart or flush
Redis (tests/core/test_redis_outage.py, the fault batteries in tests/safety)
without touching the shared one on 6379."""

import shutil
import socket
import subprocess
import time

import pytest

from config.celery import app as celery_app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def reset_broker_connections():
    # Drop pooled connections so the next publish dials the broker afresh.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


class PrivateRedis:
    """A redis-server of the test's own, on a free port: it may be stopped,
    restarted and flushed without touching the shared one on 6379."""

    def __init__(self, directory):
        self.port = free_port()
        self.dir = directory
        self.proc = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        server = shutil.which("redis-server")
        if server is None:
            raise RuntimeError(
                "redis-server is required (apt-get install -y redis-server)"
            )
        self.proc = subprocess.Popen(
            [
                server,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        if self.proc:
            self.proc.terminate()
            self.proc.wait(timeout=10)
            self.proc = None


@pytest.fixture
def private_redis(tmp_path, settings):
    """The cache and the Celery broker on a private redis-server, with short
    socket timeouts so a stopped server is noticed in 0.2 s."""
    redis_server = PrivateRedis(tmp_path)
    redis_server.start()
    old = celery_app.conf.broker_url
    celery_app.conf.broker_url = redis_server.url
    reset_broker_connections()
    settings.REDIS_URL = redis_server.url
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            **settings.CACHES["default"],
            "LOCATION": redis_server.url,
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        },
    }
    yield redis_server
    redis_server.stop()
    celery_app.conf.broker_url = old
    reset_broker_connections()
