"""Print throughput, latency, start-up and memory figures for the committed model, in one run.

Usage: ``python -m benchmarks.run [--seconds S] [--quick]``. Everything runs on this machine, on
loopback, bounded in time. Figures are printed as a Markdown table; docs/benchmarks.md records them.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from benchmarks.corpus import documents, sentences
from model.artifact import DEFAULT_MODEL_DIR, load_model
from model.scorer import DocumentInput, Scorer

ROOT = Path(__file__).resolve().parent.parent


def _rate(fn: Any, units: int, seconds: float) -> float:
    """Units per second of ``fn`` repeated for about ``seconds``."""
    fn()  # warm
    done, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        fn()
        done += units
    return done / (time.perf_counter() - started)


def in_process(seconds: float) -> list[tuple[str, str]]:
    started = time.perf_counter()
    loaded = load_model(DEFAULT_MODEL_DIR)
    load_s = time.perf_counter() - started
    scorer = Scorer(loaded)
    pool = sentences()
    batch512 = pool[:512]
    one = pool[:1]
    docs1 = [DocumentInput(text=t) for t in pool[:64]]
    doc40 = [DocumentInput(text=t) for t in documents(8, 40)]
    n40 = sum(len(scorer.score_documents([d], explain=False)[0]["sentences"]) for d in doc40)
    pipeline = loaded.pipeline
    rows = [
        ("model load (joblib + sha256 + checks)", f"{load_s * 1000:.0f} ms"),
        ("artifact size", f"{(DEFAULT_MODEL_DIR / 'pipeline.joblib').stat().st_size / 1e6:.1f} MB"),
        (
            "ceiling: predict_proba, batch 1",
            f"{_rate(lambda: pipeline.predict_proba(one), 1, seconds):,.0f} sentences/s",
        ),
        (
            "ceiling: predict_proba, batch 512",
            f"{_rate(lambda: pipeline.predict_proba(batch512), 512, seconds):,.0f} sentences/s",
        ),
    ]
    for explain in (True, False):
        tag = "evidence on" if explain else "evidence off"
        rate1 = _rate(lambda e=explain: scorer.score_documents(docs1, explain=e), len(docs1), seconds)
        rate40 = _rate(lambda e=explain: scorer.score_documents(doc40, explain=e), n40, seconds)
        rows.append((f"scorer: 1-sentence documents, {tag}", f"{rate1:,.0f} sentences/s"))
        rows.append((f"scorer: ~40-sentence documents, {tag}", f"{rate40:,.0f} sentences/s"))
    return rows


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _rss_mb(pid: int) -> float:
    total = 0
    for child in [pid, *_children(pid)]:
        try:
            for line in Path(f"/proc/{child}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            pass
    return total / 1024


def _children(pid: int) -> list[int]:
    try:
        kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except FileNotFoundError:
        return []
    out = [int(k) for k in kids]
    for k in list(out):
        out += _children(k)
    return out


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
                r = await client.post(url, content=body, headers={"content-type": "application/json"})
                latencies.append(time.perf_counter() - t)
                if r.status_code != 200:
                    errors += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker(k) for k in range(connections)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "errors": errors,
        "p50_ms": 1000 * latencies[len(latencies) // 2],
        "p99_ms": 1000 * latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
    }


def service(seconds: float, workers: int, connections: tuple[int, ...]) -> list[tuple[str, str]]:
    port = _free_port()
    started = time.perf_counter()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "app.main:app",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "CLAIM_RISK_LOG_LEVEL": "warning"},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.05)
            if time.perf_counter() - started > 60:
                raise RuntimeError("service did not start")
        startup = time.perf_counter() - started
        rows = [(f"service, {workers} worker(s): start-up to first /health", f"{startup:.2f} s")]
        pool = sentences()
        one = [json.dumps({"documents": [{"id": str(i), "text": t}]}).encode() for i, t in enumerate(pool[:500])]
        many = [
            json.dumps({"documents": [{"id": str(i), "text": t} for i, t in enumerate(pool[k : k + 32])]}).encode()
            for k in range(0, 32 * 50, 32)
        ]
        for conns in connections:
            for name, bodies, per in (("1-sentence requests", one, 1), ("32-sentence requests", many, 32)):
                r = asyncio.run(_load(f"{base}/score", bodies, conns, seconds))
                rows.append(
                    (
                        f"service, {workers} worker(s), {name}, {conns} connections",
                        f"{r['rps']:,.0f} req/s = {r['rps'] * per:,.0f} sentences/s; p50 {r['p50_ms']:.1f} ms, "
                        f"p99 {r['p99_ms']:.1f} ms; {r['requests']} requests, {r['errors']} errors",
                    )
                )
        rows.append((f"service, {workers} worker(s): resident memory after load", f"{_rss_mb(proc.pid):.0f} MB"))
        return rows
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def batch_cli(n: int) -> list[tuple[str, str]]:
    pool = sentences()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.jsonl"
        with src.open("w") as fh:
            for i in range(n):
                fh.write(json.dumps({"id": str(i), "text": pool[i % len(pool)]}) + "\n")
        for workers in (1, 2):
            started = time.perf_counter()
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "model.cli",
                    "score",
                    str(src),
                    "-o",
                    str(Path(tmp) / "out.jsonl"),
                    "--workers",
                    str(workers),
                ],
                cwd=ROOT,
                check=True,
            )
            elapsed = time.perf_counter() - started
            rows.append(
                (
                    f"batch CLI, {n:,} one-sentence lines, {workers} worker(s)",
                    f"{n / elapsed:,.0f} sentences/s ({elapsed:.1f} s incl. start-up)",
                )
            )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0, help="duration of each timed step")
    parser.add_argument("--quick", action="store_true", help="short steps and a small batch file (CI)")
    args = parser.parse_args()
    seconds = 1.0 if args.quick else args.seconds
    rows: list[tuple[str, str]] = []
    rows += in_process(seconds)
    rows += service(seconds, 1, (16,) if args.quick else (16, 64))
    if not args.quick:
        rows += service(seconds, 2, (16, 64))
    rows += batch_cli(5_000 if args.quick else 100_000)
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    print(
        f"# claim-risk benchmarks, {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, {mem:.0f} GiB, "
        f"Python {platform.python_version()}"
    )
    print(f"command: python -m benchmarks.run {' '.join(sys.argv[1:])}".rstrip())
    print()
    print("| measure | figure |")
    print("|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")
    print()
    print("p50/p99 over all requests of a step; loopback, httpx async client, one client process.")


if __name__ == "__main__":
    main()
