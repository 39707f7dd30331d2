"""HTTP load: wrk for the pages, an asyncio client for the registration burst."""

import asyncio
import http.client
import json
import subprocess
import time
from pathlib import Path

LUA = Path(__file__).with_name("report.lua")


def fetch(host: str, port: int, path: str, *, cookie: str = "") -> dict:
    """One GET: status, body size and the query count the server reported."""
    connection = http.client.HTTPConnection(host, port, timeout=30)
    headers = {"Cookie": cookie} if cookie else {}
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        queries = response.getheader("X-Bench-Queries")
        return {
            "status": response.status,
            "location": response.getheader("Location"),
            "bytes": len(body),
            "queries": int(queries) if queries is not None else None,
        }
    finally:
        connection.close()


def wrk(
    url: str,
    *,
    seconds: int,
    connections: int,
    threads: int,
    cookie: str = "",
) -> dict:
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA),
    ]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    command.append(url)
    output = subprocess.run(  # noqa: S603 - our own command line
        command, capture_output=True, text=True, timeout=seconds + 60, check=True
    ).stdout
    for line in output.splitlines():
        if line.startswith("BENCH_JSON "):
            figures = json.loads(line.removeprefix("BENCH_JSON "))
            break
    else:
        raise RuntimeError(f"wrk printed no figures:\n{output}")
    duration = figures["duration_us"] / 1e6
    figures["rps"] = figures["requests"] / duration
    figures["errors"] = sum(v for k, v in figures.items() if k.startswith("errors_"))
    return figures


async def _post(host, port, path, *, cookie, token, start: asyncio.Event) -> dict:
    request = (
        f"POST {path} HTTP/1.1\r\n"
        f"Host: {host}:{port}\r\n"
        f"Cookie: {cookie}\r\n"
        f"X-CSRFToken: {token}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        "Content-Length: 0\r\n"
        "Connection: close\r\n\r\n"
    ).encode()
    try:
        reader, writer = await asyncio.open_connection(host, port)
    except OSError as exc:
        return {"status": None, "error": type(exc).__name__, "seconds": 0.0}
    await start.wait()
    began = time.monotonic()
    try:
        writer.write(request)
        await writer.drain()
        status_line = await asyncio.wait_for(reader.readline(), timeout=60)
        await asyncio.wait_for(reader.read(), timeout=60)
        status = int(status_line.split()[1]) if status_line else None
        return {"status": status, "seconds": time.monotonic() - began}
    except (OSError, TimeoutError, ValueError, IndexError) as exc:
        return {
            "status": None,
            "error": type(exc).__name__,
            "seconds": time.monotonic() - began,
        }
    finally:
        writer.close()


async def _burst(host, port, path, clients) -> tuple[list[dict], float]:
    start = asyncio.Event()
    tasks = [
        asyncio.create_task(
            _post(host, port, path, cookie=cookie, token=token, start=start)
        )
        for cookie, token in clients
    ]
    await asyncio.sleep(1.0)  # every connection open before anyone posts
    began = time.monotonic()
    start.set()
    results = await asyncio.gather(*tasks)
    return results, time.monotonic() - began


def burst(host: str, port: int, path: str, clients: list[tuple[str, str]]):
    """POST ``path`` once per (cookie, csrf token), all released at the same
    moment. Returns the per-request results and the wall time."""
    return asyncio.run(_burst(host, port, path, clients))


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))
    return ordered[index]
