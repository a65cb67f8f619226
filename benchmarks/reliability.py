"""Reliability figures: hostile requests, sustained load, graceful shutdown, a killed worker, start-up faults.

Usage: ``python -m benchmarks.reliability [--quick]``. Loopback only, every loop bounded in count and
time. Prints a Markdown table; docs/reliability.md records the figures with this command.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from benchmarks.corpus import documents, sentences
from benchmarks.server import ROOT, load, rss_mb, serve
from benchmarks.table import Row, print_table
from model.artifact import ARTIFACT_NAME, DEFAULT_MODEL_DIR, METADATA_NAME, load_model


def _raw(base: str, head: bytes, body_chunks: list[bytes], pause: float = 0.0) -> tuple[int, float]:
    """Send a raw HTTP request (optionally slowly); returns (status, seconds to the status line)."""
    host, port = base.removeprefix("http://").split(":")
    started = time.perf_counter()
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(head)
        try:
            for chunk in body_chunks:
                sock.sendall(chunk)
                if pause:
                    time.sleep(pause)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server refused and closed: what we want
        sock.settimeout(30)
        data = b""
        while b"\r\n" not in data:
            more = sock.recv(4096)
            if not more:
                break
            data += more
    status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else 0
    return status, time.perf_counter() - started


HOSTILE_JSON: list[tuple[str, bytes, str]] = [
    ("10,000 documents", json.dumps({"documents": [{"text": "a"}] * 10_000}).encode(), "application/json"),
    ("deeply nested JSON (100,000 levels)", b"[" * 100_000 + b"]" * 100_000, "application/json"),
    ("invalid UTF-8", b'{"text": "\xff\xfe"}', "application/json"),
    ("invalid JSON", b'{"text": ', "application/json"),
    ("wrong content type", b"text=hello", "text/plain"),
    ("number where a string belongs", b'{"text": 42}', "application/json"),
    ("duplicate ids", b'{"documents": [{"id": "a", "text": "x"}, {"id": "a", "text": "y"}]}', "application/json"),
    ("threshold NaN", b'{"text": "x", "threshold": NaN}', "application/json"),
    ("threshold -1", b'{"text": "x", "threshold": -1}', "application/json"),
    ("threshold 2", b'{"text": "x", "threshold": 2}', "application/json"),
]


def hostile(base: str, pid: int) -> list[dict[str, Any]]:
    """Send every hostile request once; each result has name, status, seconds and the field named."""
    results: list[dict[str, Any]] = []
    big = b'{"text": "' + b"a" * (10 << 20) + b'"}'
    head = (
        f"POST /score HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {len(big)}\r\n\r\n"
    ).encode()
    status, secs = _raw(base, head, [big[i : i + 65536] for i in range(0, len(big), 65536)])
    results.append(
        {"name": "10 MB body sent fast (Content-Length declared)", "status": status, "seconds": secs, "field": "body"}
    )
    chunked = b"POST /score HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    piece = b"a" * 65536
    status, secs = _raw(base, chunked, [b"%x\r\n%s\r\n" % (len(piece), piece)] * 40, pause=0.02)
    results.append(
        {
            "name": "2.5 MiB chunked body sent slowly (64 KiB every 20 ms; limit 1 MiB)",
            "status": status,
            "seconds": secs,
            "field": "body",
        }
    )
    with httpx.Client(timeout=30) as client:
        for name, body, ctype in HOSTILE_JSON:
            t = time.perf_counter()
            r = client.post(f"{base}/score", content=body, headers={"content-type": ctype})
            fields = r.json().get("error", {}).get("fields") or [{"field": ""}]
            results.append(
                {"name": name, "status": r.status_code, "seconds": time.perf_counter() - t, "field": fields[0]["field"]}
            )
    return results


def hostile_rows(base: str, pid: int) -> list[Row]:
    before = rss_mb(pid)
    rows = [(r["name"], f"{r['status']} ({r['field']}) in {r['seconds'] * 1000:.1f} ms") for r in hostile(base, pid)]
    rows.append(("server memory before / after the hostile requests", f"{before:.0f} MB / {rss_mb(pid):.0f} MB"))
    return rows


#: Largest growth of the server's resident memory over the sustained load that we accept: the
#: per-word n-gram cache and allocator pools fill up, then memory should stay flat.
MEMORY_GROWTH_BOUND_MB = 50


def sustained(base: str, pid: int, seconds: float, connections: int) -> list[Row]:
    pool = sentences()
    bodies = [json.dumps({"documents": [{"id": str(i), "text": t}]}).encode() for i, t in enumerate(pool[:300])]
    bodies += [json.dumps({"documents": [{"id": "a", "text": d}]}).encode() for d in documents(60, 40)]
    bodies += [
        json.dumps({"documents": [{"id": str(i), "text": t} for i, t in enumerate(pool[k : k + 32])]}).encode()
        for k in range(0, 32 * 40, 32)
    ]
    start_mb = rss_mb(pid)
    r = load(f"{base}/score", bodies, connections, seconds)
    return [
        (
            f"sustained load: {seconds:.0f} s, {connections} connections, mixed sizes (1, 32, ~40 sentences)",
            f"{r['requests']} requests, {r['errors']} errors, {r['rps']:.0f} req/s, p50 {r['p50_ms']:.1f} ms, "
            f"p99 {r['p99_ms']:.1f} ms",
        ),
        (
            "server memory at start / end of the sustained load",
            f"{start_mb:.0f} MB / {(end_mb := rss_mb(pid)):.0f} MB: grew {end_mb - start_mb:.0f} MB, "
            + ("within" if end_mb - start_mb <= MEMORY_GROWTH_BOUND_MB else "OVER")
            + f" the {MEMORY_GROWTH_BOUND_MB} MB bound",
        ),
    ]


@dataclass
class _Attempt:
    started: float
    request_id: str
    status: int  # 0: no response
    error: str = ""  # the client's exception class when there was no response


def _hammer(base: str, stop: threading.Event, results: list[_Attempt]) -> None:
    body = json.dumps({"documents": [{"text": d} for d in documents(4, 40)]}).encode()
    with httpx.Client(timeout=30) as client:
        n = 0
        while not stop.is_set():
            n += 1
            attempt = _Attempt(time.perf_counter(), f"{threading.get_ident()}-{n}", 0)
            try:
                attempt.status = client.post(
                    f"{base}/score",
                    content=body,
                    headers={"content-type": "application/json", "x-request-id": attempt.request_id},
                ).status_code
            except httpx.HTTPError as exc:
                attempt.error = type(exc).__name__
            results.append(attempt)


@contextmanager
def _clients(base: str, clients: int = 8) -> Iterator[list[_Attempt]]:
    """``clients`` threads posting to /score back to back until the block ends; yields their attempts."""
    stop, results = threading.Event(), list[_Attempt]()
    threads = [threading.Thread(target=_hammer, args=(base, stop, results)) for _ in range(clients)]
    for t in threads:
        t.start()
    try:
        time.sleep(2.0)
        yield results
    finally:
        stop.set()
        for t in threads:
            t.join()


def sigterm_under_load(env: dict[str, str] | None = None, clients: int = 8, workers: int = 1) -> dict[str, Any]:
    """SIGTERM while clients post; the server's own request log says which requests it received.

    A request counts as received (in flight) if the server logged it: the log line is written when
    its response is done or has failed. A client request the server never logged was sent on a
    kept-alive connection that the server closed before reading it; HTTP leaves such a request to
    the client to retry (POST /score is idempotent).
    """
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "server.log"
        settings = {**(env or {}), "CLAIM_RISK_LOG_LEVEL": "info"}
        with serve(env=settings, log_to=log, workers=workers) as (base, proc, _), _clients(base, clients) as results:
            signalled = time.perf_counter()
            proc.send_signal(signal.SIGTERM)
            code = proc.wait(timeout=60)
        logged: dict[str, int] = {}
        for line in log.read_text().splitlines():
            if line.startswith("{"):
                entry = json.loads(line)
                if entry.get("event") == "request":
                    logged[entry["request_id"]] = entry["status"]
    before = [a for a in results if a.started < signalled]
    after = [a for a in results if a.started >= signalled]
    received = [a for a in before if a.request_id in logged]
    return {
        "exit_code": code,
        "sent_before": len(before),
        "received": len(received),
        "dropped": len([a for a in received if a.status != 200 or logged[a.request_id] != 200]),
        "unread": [a.error or str(a.status) for a in before if a.request_id not in logged],
        "answered_after": len([a for a in after if a.status == 200]),
        "refused_after": len([a for a in after if a.status != 200]),
    }


def graceful_shutdown(runs: int = 1, workers: int = 1) -> list[Row]:
    rows: list[Row] = []
    for k in range(runs):
        r = sigterm_under_load(workers=workers)
        kinds = sorted(set(r["unread"]))
        rows.append(
            (
                f"SIGTERM under load ({workers} worker(s), 8 clients posting ~160-sentence requests), "
                f"run {k + 1} of {runs}",
                f"exit code {r['exit_code']}; of {r['sent_before']} requests sent before the signal the server "
                f"received {r['received']} and answered {r['received'] - r['dropped']} with 200 "
                f"({r['dropped']} dropped); {len(r['unread'])} were sent on connections it closed before reading "
                f"them" + (f" (client saw: {', '.join(kinds)})" if kinds else "") + f"; after the signal "
                f"{r['answered_after']} were answered and {r['refused_after']} refused",
            )
        )
    return rows


def killed_worker() -> list[Row]:
    from benchmarks.server import children

    with serve(workers=2) as (base, proc, _):
        with _clients(base) as results:
            workers_before = [p for p in children(proc.pid) if _is_worker(p)]
            victim = workers_before[0]
            killed_at = time.perf_counter()
            os.kill(victim, signal.SIGKILL)
            time.sleep(6.0)
        workers_after = [p for p in children(proc.pid) if _is_worker(p)]
    failures = len([a for a in results if a.status != 200])
    ok_after = len([a for a in results if a.started > killed_at + 3 and a.status == 200])
    return [
        (
            "SIGKILL one of 2 workers under load (8 clients)",
            f"{len(workers_before)} workers before, {len(workers_after)} after (replaced: "
            f"{victim not in workers_after and len(workers_after) == 2}); {failures} of {len(results)} requests "
            f"failed; {ok_after} succeeded from 3 s after the kill",
        )
    ]


def _is_worker(pid: int) -> bool:
    try:
        return b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except FileNotFoundError:
        return False


def startup_faults() -> list[Row]:
    rows: list[Row] = []
    import sklearn

    faults: dict[str, Any] = {
        "missing artifact": lambda d: (d / ARTIFACT_NAME).unlink(),
        "truncated artifact": lambda d: (d / ARTIFACT_NAME).write_bytes((d / ARTIFACT_NAME).read_bytes()[:4096]),
        "wrong hash in metadata": lambda d: _edit(d, artifact_sha256="0" * 64),
        "different scikit-learn version": lambda d: _edit(d, sklearn_version="0.0." + sklearn.__version__),
        "unreadable metadata": lambda d: (d / METADATA_NAME).write_text("{oops"),
    }
    for name, breakage in faults.items():
        with tempfile.TemporaryDirectory() as tmp:
            broken = Path(tmp) / "model"
            shutil.copytree(DEFAULT_MODEL_DIR, broken, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
            breakage(broken)
            t = time.perf_counter()
            proc = subprocess.run(
                [sys.executable, "-m", "app.serve", "--port", "0"],
                cwd=ROOT,
                env={**os.environ, "CLAIM_RISK_MODEL_DIR": str(broken)},
                capture_output=True,
                text=True,
                timeout=60,
            )
            lines = [json.loads(x) for x in proc.stderr.splitlines() if x.startswith("{")]
            reason = next((x["reason"] for x in lines if x.get("event") == "startup_failed"), "NO CLEAR LINE")
            served = any(x.get("event") == "startup" for x in lines)
            rows.append(
                (
                    f"start-up with {name}",
                    f'exit {proc.returncode} in {time.perf_counter() - t:.1f} s, served: {served}; "{reason[:110]}…"',
                )
            )
    return rows


def _edit(directory: Path, **changes: Any) -> None:
    meta = json.loads((directory / METADATA_NAME).read_text())
    meta.update(changes)
    (directory / METADATA_NAME).write_text(json.dumps(meta))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="short load (CI)")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    seconds = 10.0 if args.quick else args.seconds
    rows: list[Row] = []
    with serve() as (base, proc, _):
        rows += hostile_rows(base, proc.pid)
        rows += sustained(base, proc.pid, seconds, args.connections)
    rows += graceful_shutdown(runs=1 if args.quick else 5)
    rows += graceful_shutdown(runs=1 if args.quick else 3, workers=2)
    rows += killed_worker()
    rows += startup_faults()
    print_table(
        "claim-risk reliability",
        "benchmarks.reliability",
        ("check", "result"),
        rows,
        [f"model {load_model(DEFAULT_MODEL_DIR).version}"],
    )


if __name__ == "__main__":
    main()
