"""Processes the benchmark starts (gunicorn, a Celery worker), their peak
memory, and the SMTP sink the worker sends to. Everything started here is in a
process group of its own and is stopped by ``Processes.stop_all``."""

import os
import signal
import socket
import subprocess
import threading
import time
import urllib.request
from collections import Counter
from pathlib import Path


class Processes:
    def __init__(self, log_dir: Path):
        self.log_dir = log_dir
        self.started: dict[str, subprocess.Popen] = {}

    def start(self, name: str, command: list[str], *, env: dict, cwd: Path):
        log = open(self.log_dir / f"{name}.log", "w")  # noqa: SIM115 - kept open
        process = subprocess.Popen(  # noqa: S603 - our own command line
            command,
            env=env,
            cwd=cwd,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped as one
        )
        self.started[name] = process
        return process

    def stop_all(self, timeout: float = 15) -> list[str]:
        """SIGTERM every group, SIGKILL what is left; return groups still alive."""
        # The leader first (gunicorn's master, Celery's main process): each
        # stops its own workers gracefully. Stragglers get SIGKILL below.
        for process in self.started.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for process in self.started.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
        # Children (gunicorn workers, Celery pool processes) may outlive the
        # leader for a moment: wait for the whole group, then force it.
        while time.monotonic() < deadline and any(
            _group_alive(p.pid) for p in self.started.values()
        ):
            time.sleep(0.1)
        for process in self.started.values():
            if _group_alive(process.pid):
                _signal_group(process.pid, signal.SIGKILL)
        time.sleep(0.3)
        for process in self.started.values():
            if process.poll() is None:
                process.kill()
                process.wait(timeout=5)
        return [name for name, p in self.started.items() if _group_alive(p.pid)]


def _signal_group(pgid: int, sig) -> None:
    try:
        os.killpg(pgid, sig)
    except ProcessLookupError:
        pass


def _group_alive(pgid: int) -> bool:
    """True while any process (not a zombie) is left in the group."""
    for pid in _all_pids():
        stat = _stat(pid)
        if stat and stat[4] == pgid and stat[2] != "Z":
            return True
    return False


def _all_pids() -> list[int]:
    return [int(name) for name in os.listdir("/proc") if name.isdigit()]


def _stat(pid: int) -> list[str] | None:
    """Fields of /proc/<pid>/stat: [pid, comm, state, ppid, pgrp, ...]."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    head, _, rest = raw.rpartition(")")
    pid_part, _, comm = head.partition(" (")
    return [pid_part, comm, *rest.split()]


def children(pid: int) -> list[int]:
    return [p for p in _all_pids() if (s := _stat(p)) and int(s[3]) == pid]


def peak_rss_mb(pid: int) -> float | None:
    """Peak resident memory (VmHWM) of one process, in MiB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def pss_mb(pid: int) -> float:
    """Proportional set size of one process in MiB: its private memory plus
    its share of pages shared with others (forked pool processes share most of
    theirs), so the sum over a process tree is the memory the tree uses."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return 0.0
    return 0.0


class TreeMemory(threading.Thread):
    """Samples the summed PSS of a process and its children; keeps the peak."""

    def __init__(self, pid: int, interval: float = 1.0):
        super().__init__(daemon=True)
        self.pid = pid
        self.interval = interval
        self.peak_mb = 0.0
        self._done = threading.Event()

    def run(self):
        while not self._done.is_set():
            total = sum(pss_mb(p) for p in [self.pid, *children(self.pid)])
            self.peak_mb = max(self.peak_mb, total)
            self._done.wait(self.interval)

    def stop(self):
        self._done.set()
        self.join(timeout=5)


def wait_for_http(url: str, *, timeout: float, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited (code {process.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f}s")


def wait_for_port(port: int, *, timeout: float, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"process exited (code {process.returncode})")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port} after {timeout:.0f}s")


def received(path: Path) -> Counter[str]:
    """Messages per recipient that the SMTP sink (bench/smtpsink.py) accepted."""
    try:
        return Counter(path.read_text().split())
    except OSError:
        return Counter()


class CpuMeter:
    """Where the machine's CPU time went during a phase: this benchmark's
    processes (itself, wrk, gunicorn, Celery, the SMTP sink), PostgreSQL (all
    databases: it serves others too), and everything else (other people's
    work on a shared machine), as shares of all cores."""

    def __init__(self, roots: list[int]):
        self.roots = roots

    @staticmethod
    def _machine() -> tuple[int, int]:
        fields = [int(v) for v in Path("/proc/stat").read_text().split()[1:9]]
        idle = fields[3] + fields[4]
        return sum(fields), sum(fields) - idle

    def _ours_and_postgres(self) -> tuple[int, int]:
        ours = postgres = 0
        tree = set()
        for root in self.roots:
            tree |= {root, *children(root)}
            for child in list(tree):
                tree |= set(children(child))
        for pid in _all_pids():
            stat = _stat(pid)
            if stat is None:
                continue
            # utime, stime and the same for exited children it reaped (a
            # connection's backend that ended counts in the postmaster's).
            used = sum(int(v) for v in stat[13:17])
            if pid in tree:
                ours += used
            elif stat[1] == "postgres":
                postgres += used
        return ours, postgres

    def start(self):
        self._begin = (*self._machine(), *self._ours_and_postgres())
        return self

    def stop(self) -> dict:
        total, busy, ours, postgres = (
            now - before
            for now, before in zip(
                (*self._machine(), *self._ours_and_postgres()),
                self._begin,
                strict=True,
            )
        )
        if total <= 0:
            return {}
        others = max(0, busy - ours - postgres)
        return {
            "busy_pct": round(100 * busy / total, 1),
            "bench_pct": round(100 * min(ours, busy) / total, 1),
            "postgres_pct": round(100 * postgres / total, 1),
            "others_pct": round(100 * others / total, 1),
        }
