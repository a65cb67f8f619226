"""Start the service (or any ASGI app) under uvicorn on loopback, and measure its processes."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

__all__ = ["ROOT", "free_port", "rss_mb", "children", "serve", "load"]

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def children(pid: int) -> list[int]:
    """All descendant process ids (uvicorn workers, their spawn helpers)."""
    try:
        kids = [int(k) for k in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except (FileNotFoundError, ProcessLookupError):
        return []
    return kids + [g for k in kids for g in children(k)]


def rss_mb(pid: int, with_children: bool = True) -> float:
    total = 0
    for p in [pid, *(children(pid) if with_children else [])]:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except (FileNotFoundError, ProcessLookupError):
            pass
    return total / 1024


@contextmanager
def serve(
    app: str = "app.main:app",
    workers: int = 1,
    env: dict[str, str] | None = None,
    python: str = sys.executable,
    cwd: Path = ROOT,
    extra: list[str] | None = None,
    timeout: float = 60.0,
    health_path: str | None = "/health",
    ready: Callable[[str], tuple[str, bytes]] | None = None,
    log_to: Path | None = None,
) -> Iterator[tuple[str, subprocess.Popen[bytes], float]]:
    """Run uvicorn; yields (base URL, process, seconds to the first good answer).

    Our service runs under ``app.serve`` (the runner the Makefile and the image use), any other app
    under plain uvicorn. Readiness is a 200 from ``GET health_path``, or from the POST that
    ``ready(base)`` names. ``log_to`` sends the server's stderr to a file (for logs read afterwards).
    """
    port = free_port()
    started = time.perf_counter()
    runner = ["app.serve"] if app == "app.main:app" else ["uvicorn", app]
    log_file = open(log_to, "wb") if log_to is not None else None  # noqa: SIM115 (closed below)
    proc = subprocess.Popen(
        [
            python,
            "-m",
            *runner,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--no-access-log",
            "--log-level",
            "warning",
            *(extra or []),
        ],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=log_file if log_file is not None else subprocess.PIPE,
        env={**os.environ, "CLAIM_RISK_LOG_LEVEL": "warning", **(env or {})},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        while True:
            if proc.poll() is not None:
                err = proc.stderr.read().decode() if proc.stderr else log_to.read_text() if log_to else ""
                err = err[-2000:]
                raise RuntimeError(f"server exited with {proc.returncode}: {err}")
            try:
                if ready is not None:
                    url, body = ready(base)
                    r = httpx.post(url, content=body, headers={"content-type": "application/json"}, timeout=1)
                else:
                    r = httpx.get(f"{base}{health_path}", timeout=1)
                if r.status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.05)
            if time.perf_counter() - started > timeout:
                raise RuntimeError("server did not become healthy")
        yield base, proc, time.perf_counter() - started
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        if log_file is not None:
            log_file.close()


async def _load(url: str, bodies: list[bytes], connections: int, seconds: float) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:

        async def worker(k: int) -> None:
            nonlocal errors
            i = k
            while time.perf_counter() < deadline:
                body = bodies[i % len(bodies)]
                i += connections
                t = time.perf_counter()
                try:
                    r = await client.post(url, content=body, headers={"content-type": "application/json"})
                    ok = r.status_code == 200
                except httpx.HTTPError:
                    ok = False
                latencies.append(time.perf_counter() - t)
                errors += not ok

        started = time.perf_counter()
        await asyncio.gather(*(worker(k) for k in range(connections)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    n = max(1, len(latencies))
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "errors": errors,
        "p50_ms": 1000 * latencies[n // 2] if latencies else 0.0,
        "p99_ms": 1000 * latencies[min(n - 1, int(n * 0.99))] if latencies else 0.0,
    }


def load(url: str, bodies: list[bytes], connections: int, seconds: float) -> dict[str, float]:
    """Closed-loop load from one async client: requests, req/s, errors, p50/p99 latency (ms)."""
    return asyncio.run(_load(url, bodies, connections, seconds))
