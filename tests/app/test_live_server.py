"""Hostile requests against a real uvicorn process: the documented 4xx, quickly, without memory growth."""

from __future__ import annotations

from pathlib import Path

from benchmarks.reliability import hostile, sigterm_under_load
from benchmarks.server import rss_mb, serve

EXPECTED = {
    "10 MB body sent fast (Content-Length declared)": (413, "body"),
    "2.5 MiB chunked body sent slowly (64 KiB every 20 ms; limit 1 MiB)": (413, "body"),
    "10,000 documents": (413, "documents"),
    "deeply nested JSON (100,000 levels)": (422, "body"),
    "invalid UTF-8": (422, "body"),
    "invalid JSON": (422, "body"),
    "wrong content type": (415, "Content-Type"),
    "number where a string belongs": (422, "text"),
    "duplicate ids": (422, "documents[1].id"),
    "threshold NaN": (422, "threshold"),
    "threshold -1": (422, "threshold"),
    "threshold 2": (422, "threshold"),
}


def test_hostile_requests_get_their_documented_4xx(tiny_model_dir: Path) -> None:
    with serve(env={"CLAIM_RISK_MODEL_DIR": str(tiny_model_dir)}) as (base, proc, _):
        before = rss_mb(proc.pid)
        results = hostile(base, proc.pid)
        after = rss_mb(proc.pid)
        assert proc.poll() is None, "the server must survive"
    assert {r["name"]: (r["status"], r["field"]) for r in results} == EXPECTED
    slow = next(r for r in results if "slowly" in r["name"])
    # Refused once the limit is passed (~17 chunks in), not after all 40 have been read.
    assert slow["seconds"] < 0.8 * 40 * 0.02 + 0.5
    assert all(r["seconds"] < 5 for r in results)
    assert after - before < 50, f"memory grew from {before:.0f} MB to {after:.0f} MB while refusing"


def test_sigterm_under_load_drains_and_exits_zero(tiny_model_dir: Path) -> None:
    r = sigterm_under_load(env={"CLAIM_RISK_MODEL_DIR": str(tiny_model_dir)}, clients=4)
    assert r["exit_code"] == 0
    assert r["received"] > 0, "the load must have reached the server before the signal"
    assert r["dropped"] == 0, "every request the server received must be answered with 200"
    # Clients hammer back to back on kept-alive connections, so every connection was active inside
    # the drain window: none should have been closed with a request unread.
    assert r["unread"] == []
