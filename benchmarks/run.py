"""Print throughput, latency, start-up and memory figures for the committed model, peers alongside.

Usage: ``python -m benchmarks.run [--seconds S] [--quick] [--no-mlserver]``. One run measures, on
loopback and bounded in time: the ``predict_proba`` ceiling, our scorer in-process, our service (1
and 2 workers), a minimal FastAPI app and MLServer serving the same artifact, the batch CLI, start-up
time and memory. Load comes from wrk (Debian's package) when installed, else an async httpx client.
"""

from __future__ import annotations

import argparse
import itertools
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks import wrk
from benchmarks.corpus import documents, sentences
from benchmarks.peers.mlserver import mlserver, v2_body
from benchmarks.server import ROOT, load, rss_mb, serve
from benchmarks.table import Row, print_table
from model.artifact import ARTIFACT_NAME, DEFAULT_MODEL_DIR, load_model
from model.scorer import DocumentInput, Scorer


def _rate(fn: Callable[[], Any], units: int, seconds: float) -> float:
    """Units per second of ``fn`` repeated for about ``seconds``."""
    fn()  # warm
    done, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        fn()
        done += units
    return done / (time.perf_counter() - started)


def in_process(seconds: float) -> tuple[list[Row], float]:
    started = time.perf_counter()
    loaded = load_model(DEFAULT_MODEL_DIR)
    load_s = time.perf_counter() - started
    scorer = Scorer(loaded)
    pool = sentences()
    pipeline = loaded.pipeline
    one = pool[:1]
    # The ceiling cycles through the whole pool, as the batch CLI's input file does: the first
    # sentences alone are shorter than average and would flatter it.
    batches = itertools.cycle([pool[k : k + 512] for k in range(0, len(pool) - 511, 512)])
    docs1 = [DocumentInput(text=t) for t in pool[:64]]
    doc40 = [DocumentInput(text=t) for t in documents(8, 40)]
    n40 = sum(len(r["sentences"]) for r in scorer.score_documents(doc40, explain=False))
    ceiling = _rate(lambda: pipeline.predict_proba(next(batches)), 512, seconds)
    rows = [
        ("model load (sha256 + version checks + joblib)", f"{load_s * 1000:.0f} ms"),
        ("artifact size", f"{(DEFAULT_MODEL_DIR / ARTIFACT_NAME).stat().st_size / 1e6:.1f} MB"),
        (
            "ceiling: predict_proba, batch 1",
            f"{_rate(lambda: pipeline.predict_proba(one), 1, seconds):,.0f} sentences/s",
        ),
        ("ceiling: predict_proba, batch 512", f"{ceiling:,.0f} sentences/s"),
    ]
    for explain in (True, False):
        tag = "evidence on" if explain else "evidence off"
        rate1 = _rate(lambda e=explain: scorer.score_documents(docs1, explain=e), len(docs1), seconds)  # type: ignore[misc]
        rate40 = _rate(lambda e=explain: scorer.score_documents(doc40, explain=e), n40, seconds)  # type: ignore[misc]
        rows.append((f"scorer in-process: 1-sentence documents (64 a call), {tag}", f"{rate1:,.0f} sentences/s"))
        rows.append((f"scorer in-process: ~40-sentence documents, {tag}", f"{rate40:,.0f} sentences/s"))
    return rows, ceiling


def _drive(url: str, body: bytes, connections: int, seconds: float) -> dict[str, float]:
    if wrk.available():
        return wrk.run_wrk(url, body, connections, seconds)
    return load(url, [body], connections, seconds)


def _load_rows(
    name: str,
    url: str,
    bodies: dict[int, bytes],
    conns: tuple[int, ...],
    seconds: float,
    results: dict[tuple[str, int, int], dict[str, float]],
) -> list[Row]:
    rows = []
    for per, body in bodies.items():
        for c in conns:
            _drive(url, body, c, 1.0)  # warm-up, not measured: caches, allocator, connections
            r = _drive(url, body, c, seconds)
            results[(name, per, c)] = r
            rows.append(
                (
                    f"{name}: {per}-sentence requests, {c} connections",
                    f"{r['rps']:,.0f} req/s = {r['rps'] * per:,.0f} sentences/s; p50 {r['p50_ms']:.1f} ms, "
                    f"p99 {r['p99_ms']:.1f} ms; {r['errors']} errors",
                )
            )
    return rows


def services(seconds: float, conns: tuple[int, ...], with_mlserver: bool) -> tuple[list[Row], dict[Any, Any]]:
    pool = sentences()
    texts = {1: pool[:1], 32: pool[100:132]}
    ours = {
        n: json.dumps({"documents": [{"id": str(i), "text": t} for i, t in enumerate(ts)]}).encode()
        for n, ts in texts.items()
    }
    minimal = {n: json.dumps({"texts": ts}).encode() for n, ts in texts.items()}
    rows: list[Row] = []
    results: dict[Any, Any] = {}
    for workers in (1, 2):
        name = OURS[workers]
        with serve(workers=workers, extra=["--loop", "uvloop", "--http", "httptools"]) as (base, proc, startup):
            rows.append((f"{name}: start-up to first answer", f"{startup:.2f} s"))
            rows += _load_rows(name, f"{base}/score", ours, conns, seconds, results)
            per_worker = rss_mb(proc.pid, with_children=True) / (workers + (1 if workers > 1 else 0))
            rows.append((f"{name}: resident memory per process after load", f"{per_worker:.0f} MB"))
    artifact = DEFAULT_MODEL_DIR / ARTIFACT_NAME
    name = MINIMAL
    with serve(
        "benchmarks.peers.minimal_app:app",
        env={"CLAIM_RISK_ARTIFACT": str(artifact)},
        extra=["--loop", "uvloop", "--http", "httptools"],
        health_path=None,
        ready=(lambda base: (f"{base}/predict", minimal[1])),
    ) as (base, proc, startup):
        rows.append((f"{name}: start-up to first answer", f"{startup:.2f} s"))
        rows += _load_rows(name, f"{base}/predict", minimal, conns, seconds, results)
        rows.append((f"{name}: resident memory after load", f"{rss_mb(proc.pid):.0f} MB"))
    if with_mlserver:
        for parallel, name in MLSERVER_SETUPS.items():
            with tempfile.TemporaryDirectory() as tmp, mlserver(artifact, Path(tmp), parallel) as (url, proc, startup):
                rows.append((f"{name}: start-up to first answer", f"{startup:.2f} s"))
                rows += _load_rows(name, url, {n: v2_body(ts) for n, ts in texts.items()}, conns, seconds, results)
                rows.append((f"{name}: resident memory after load (all processes)", f"{rss_mb(proc.pid):.0f} MB"))
    return rows, results


#: MLServer setups measured: its default (inference in 1 process beside the HTTP server's, so 2
#: processes like our 2 workers) and inference in the server's own process (1 process, like ours
#: with 1 worker).
MLSERVER_SETUPS: dict[int | None, str] = {
    None: "MLServer 1.7.1 + mlserver-sklearn, default settings (parallel_workers 1: 2 processes)",
    0: "MLServer 1.7.1 + mlserver-sklearn, parallel_workers 0 (1 process)",
}
OURS = {1: "ours, 1 worker(s), all features on", 2: "ours, 2 worker(s), all features on"}
MINIMAL = "minimal FastAPI + predict_proba, 1 worker"


def batch_cli(n: int) -> tuple[list[Row], dict[int, float]]:
    pool = sentences()
    rows, rates = [], {}
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
            rates[workers] = n / elapsed
            rows.append(
                (
                    f"batch CLI: {n:,} one-sentence JSONL lines, {workers} worker(s), evidence on",
                    f"{n / elapsed:,.0f} sentences/s ({elapsed:.1f} s including start-up)",
                )
            )
    return rows, rates


def ratios(results: dict[Any, Any], ceiling: float, cli: dict[int, float], conns: tuple[int, ...]) -> list[Row]:
    """Ours against each peer: same process count, and each side's best setup on this machine."""
    mls_default, mls_single = MLSERVER_SETUPS[None], MLSERVER_SETUPS[0]
    pairs = [
        (OURS[1], MINIMAL, "ours (1 worker) / minimal FastAPI (1 worker)"),
        (OURS[1], mls_single, "ours (1 worker) / MLServer in 1 process"),
        (OURS[2], mls_default, "ours (2 workers) / MLServer default (2 processes)"),
        (OURS[1], mls_default, "ours (1 worker) / MLServer default (2 processes)"),
    ]
    rows: list[Row] = []
    for c in conns:
        for per in (1, 32):
            for mine_name, peer_name, label in pairs:
                mine, theirs = results.get((mine_name, per, c)), results.get((peer_name, per, c))
                if mine and theirs:
                    rows.append(
                        (
                            f"ratio, {per}-sentence requests, {c} connections: {label}",
                            f"{mine['rps'] / theirs['rps']:.2f}x",
                        )
                    )
            best_mine = max((results.get((n, per, c)) or {"rps": 0.0})["rps"] for n in OURS.values())
            best_mls = max((results.get((n, per, c)) or {"rps": 0.0})["rps"] for n in MLSERVER_SETUPS.values())
            if best_mine and best_mls:
                rows.append(
                    (
                        f"ratio, {per}-sentence requests, {c} connections: best of ours / best of MLServer's setups",
                        f"{best_mine / best_mls:.2f}x",
                    )
                )
    rows.append(("ratio: batch CLI (1 worker) / predict_proba batch-512 ceiling", f"{cli[1] / ceiling:.0%}"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10.0, help="duration of each timed step")
    parser.add_argument("--quick", action="store_true", help="short steps, 16 connections, small batch file (CI)")
    parser.add_argument("--no-mlserver", action="store_true", help="skip the MLServer peer (no venv install)")
    args = parser.parse_args()
    seconds = 2.0 if args.quick else args.seconds
    conns = (16,) if args.quick else (16, 64)
    rows, ceiling = in_process(seconds)
    service_rows, results = services(seconds, conns, not args.no_mlserver)
    cli_rows, cli = batch_cli(5_000 if args.quick else 100_000)
    rows += service_rows + cli_rows + ratios(results, ceiling, cli, conns)
    print_table(
        "claim-risk benchmarks",
        "benchmarks.run",
        ("measure", "figure"),
        rows,
        [
            f"model {load_model(DEFAULT_MODEL_DIR).version}",
            f"load generator: {'wrk, 1 thread' if wrk.available() else 'httpx async client'} on the same machine",
        ],
    )


if __name__ == "__main__":
    main()
