"""Print throughput, latency, start-up and memory figures for the committed model, in one run.

Usage: ``python -m benchmarks.run [--seconds S] [--quick]``. Everything runs on this machine, on
loopback, bounded in time. Figures are printed as a Markdown table; docs/benchmarks.md records them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.corpus import documents, sentences
from benchmarks.server import ROOT, load, rss_mb, serve
from model.artifact import DEFAULT_MODEL_DIR, load_model
from model.scorer import DocumentInput, Scorer


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


def service(seconds: float, workers: int, connections: tuple[int, ...]) -> list[tuple[str, str]]:
    pool = sentences()
    one = [json.dumps({"documents": [{"id": str(i), "text": t}]}).encode() for i, t in enumerate(pool[:500])]
    many = [
        json.dumps({"documents": [{"id": str(i), "text": t} for i, t in enumerate(pool[k : k + 32])]}).encode()
        for k in range(0, 32 * 50, 32)
    ]
    with serve(workers=workers) as (base, proc, startup):
        rows = [(f"service, {workers} worker(s): start-up to first /health", f"{startup:.2f} s")]
        for conns in connections:
            for name, bodies, per in (("1-sentence requests", one, 1), ("32-sentence requests", many, 32)):
                r = load(f"{base}/score", bodies, conns, seconds)
                rows.append(
                    (
                        f"service, {workers} worker(s), {name}, {conns} connections",
                        f"{r['rps']:,.0f} req/s = {r['rps'] * per:,.0f} sentences/s; p50 {r['p50_ms']:.1f} ms, "
                        f"p99 {r['p99_ms']:.1f} ms; {r['requests']} requests, {r['errors']} errors",
                    )
                )
        rows.append(
            (f"service, {workers} worker(s): resident memory after load (all processes)", f"{rss_mb(proc.pid):.0f} MB")
        )
    return rows


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
