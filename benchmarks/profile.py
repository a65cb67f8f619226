"""Time (and optionally profile) one /score request through the whole ASGI app, without a network.

Usage: ``python -m benchmarks.profile [--sentences N] [--requests R] [--cprofile] [--steps]``. The
request holds N one-sentence documents from our data (the benchmark's 32-sentence request by
default); it goes through every middleware, validation, scoring and JSON rendering, as uvicorn would
call it. ``--cprofile`` prints the 30 functions with the most internal time; ``--steps`` times each
step of scoring the same units on its own (no profiler overhead).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import pstats
import time
from typing import Any

import numpy as np

from app.config import Settings
from app.main import create_app
from benchmarks.corpus import sentences
from model.artifact import load_model
from model.labels import RISK_INDEX
from model.render import render_results
from model.scorer import DocumentInput, Scorer
from model.sentences import split_sentences


def _request(app: Any, body: bytes) -> Any:
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/score",
        "raw_path": b"/score",
        "query_string": b"",
        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        "http_version": "1.1",
        "scheme": "http",
        "server": ("127.0.0.1", 8000),
        "client": ("127.0.0.1", 1),
        "root_path": "",
        "app": app,
    }

    async def call() -> int:
        pending = [{"type": "http.request", "body": body, "more_body": False}]
        status = 0

        async def receive() -> dict[str, Any]:
            return pending.pop() if pending else {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]

        await app(scope, receive, send)
        return status

    return call


async def _main(n: int, requests: int, profile: bool) -> None:
    pool = sentences()
    body = json.dumps({"documents": [{"id": str(i), "text": t} for i, t in enumerate(pool[100 : 100 + n])]}).encode()
    app = create_app(Settings(log_level="warning"))
    call = _request(app, body)
    async with app.router.lifespan_context(app):
        assert await call() == 200
        started = time.perf_counter()
        for _ in range(requests):
            await call()
        each = (time.perf_counter() - started) / requests
        print(f"{n}-document /score request, in-process: {each * 1e6:,.0f} µs ({n / each:,.0f} documents/s)")
        if profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(requests):
                await call()
            profiler.disable()
            pstats.Stats(profiler).sort_stats("tottime").print_stats(30)


def _each(fn: Any, repeat: int) -> float:
    fn()
    started = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - started) / repeat * 1e6


def steps(n: int, repeat: int) -> None:
    """Microseconds per step for the units of an n-document request, each step timed alone."""
    scorer = Scorer(load_model())
    texts = sentences()[100 : 100 + n]
    docs = [DocumentInput(text=t, id=str(i)) for i, t in enumerate(texts)]
    units = [t[s:e] for t in texts for s, e in split_sentences(t)]
    features = scorer._fast.transform_rows(units)
    probs = scorer._softmax(features)
    others = probs.copy()
    others[:, RISK_INDEX] = -1.0
    competitors = others.argmax(axis=1)
    results = scorer.score_documents(docs)
    timings = {
        "split into sentences": _each(lambda: [split_sentences(t) for t in texts], repeat),
        **{
            f"counts, {'character n-grams (per word)' if b.per_word else 'word n-grams'}": _each(
                lambda b=b: b.counts(units), repeat
            )
            for b in scorer._fast._blocks
        },
        "TF-IDF rows (both blocks, counts included)": _each(lambda: scorer._fast.transform_rows(units), repeat),
        "logits and probabilities": _each(lambda: scorer._softmax(features), repeat),
        "evidence (all units)": _each(lambda: scorer.evidence_rows(features, competitors), repeat),
        "evidence (unit by unit)": _each(
            lambda: [scorer.evidence(features, i, int(c)) for i, c in enumerate(competitors)], repeat
        ),
        "score_documents (all of the above and the result dicts)": _each(lambda: scorer.score_documents(docs), repeat),
        "JSON of the results, generic json.dumps": _each(
            lambda: json.dumps(results, ensure_ascii=False, allow_nan=False, separators=(",", ":")), repeat
        ),
        "JSON of the results, template (model/render.py, what the service uses)": _each(
            lambda: render_results(results), repeat
        ),
    }
    print(f"{n} documents, {len(units)} units ({np.diff(features.indptr).sum():,} features in all):")
    for name, micros in timings.items():
        print(f"  {name}: {micros:,.0f} µs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sentences", type=int, default=32, help="one-sentence documents in the request")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--cprofile", action="store_true", help="print a cProfile table sorted by internal time")
    parser.add_argument("--steps", action="store_true", help="time each scoring step alone")
    args = parser.parse_args()
    if args.steps:
        steps(args.sentences, args.requests)
    else:
        asyncio.run(_main(args.sentences, args.requests, args.cprofile))


if __name__ == "__main__":
    main()
