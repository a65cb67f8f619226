"""Corpus validation catches every breach; the split is deterministic and grouped."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from training.corpus import groups_of, normalise_text, validate_records
from training.split import assign_splits


def record(i: int, text: str, **fields: Any) -> dict[str, Any]:
    base = {
        "id": f"r{i}",
        "text": text,
        "label": "no_claim",
        "passage_id": f"p{i}",
        "agent": "kratom",
        "condition": None,
        "genre": "blog_post",
        "split": "train",
        "_line": i,
    }
    base.update(fields)
    return base


GOOD = [record(1, "Kratom relieves pain."), record(2, "Kratom may relieve pain.", label="hedged_claim")]


def test_good_records_pass() -> None:
    assert validate_records(copy.deepcopy(GOOD)) == []


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (record(3, "Another sentence.", label="claim"), "unknown label 'claim'"),
        (record(3, "   "), "empty text"),
        (record(3, "x" * 601), "text of 601 characters"),
        (record(3, "KRATOM relieves pain!!"), "duplicate of r1"),
        (record(3, "Kratom relieves pain."), "duplicate of r1"),
        (record(3, "Other text here.", passage_id="p1", split="test"), "passage p1 is in both train and test"),
        (record(3, "Other text here.", genre="poem"), "unknown genre"),
        (record(3, "Other text here.", split="holdout"), "unknown split"),
        (record(3, "Other text here.", id="r1"), "duplicate id"),
        ({k: v for k, v in record(3, "Other text.").items() if k != "condition"}, "missing field(s) condition"),
    ],
)
def test_each_breach_is_reported(bad: dict[str, Any], message: str) -> None:
    problems = validate_records([*copy.deepcopy(GOOD), bad])
    assert any(message in p for p in problems), problems


def test_family_across_splits() -> None:
    rows = [record(1, "A relieves B.", family="f1"), record(2, "A may relieve B.", family="f1", split="dev")]
    assert any("family f1" in p for p in validate_records(rows))


def test_frozen_test_passage_must_stay() -> None:
    assert any("frozen test passage p1" in p for p in validate_records(copy.deepcopy(GOOD), {"p1"}))
    moved = [record(1, "Kratom relieves pain.", split="test")]
    assert validate_records(moved, {"p1"}) == []


def test_normalised_text() -> None:
    assert normalise_text("  Kratom   RELIEVES pain… ") == normalise_text("kratom relieves pain")
    assert normalise_text("Café") == normalise_text("cafe")
    assert normalise_text("may relieve") != normalise_text("relieve")


def test_split_groups_passages_and_families() -> None:
    rows = []
    for p in range(300):
        for s in range(3):
            rows.append({"passage_id": f"p{p}", "text": f"{p}-{s}", "family": f"f{p // 2}" if s == 0 else None})
    assign_splits(rows)
    by_passage: dict[str, set[str]] = {}
    by_family: dict[str, set[str]] = {}
    for r in rows:
        by_passage.setdefault(r["passage_id"], set()).add(r["split"])
        if r["family"]:
            by_family.setdefault(r["family"], set()).add(r["split"])
    assert all(len(v) == 1 for v in by_passage.values())
    assert all(len(v) == 1 for v in by_family.values())
    shares = {s: sum(r["split"] == s for r in rows) / len(rows) for s in ("train", "dev", "test")}
    assert 0.6 < shares["train"] < 0.8 and 0.08 < shares["test"] < 0.25
    # Deterministic, independent of order, and existing assignments are kept.
    again = assign_splits([{k: v for k, v in r.items() if k != "split"} for r in reversed(rows)])
    assert [r["split"] for r in reversed(again)] == [r["split"] for r in rows]
    rows[0]["split"] = "dev"
    kept = assign_splits([rows[0], {"passage_id": "p0", "text": "new sentence", "family": None}])
    assert [r["split"] for r in kept] == ["dev", "dev"]


def test_groups_of_links_passages_through_families() -> None:
    rows = [{"passage_id": "a", "family": "f"}, {"passage_id": "b", "family": "f"}, {"passage_id": "c", "family": None}]
    groups = groups_of(rows)
    assert groups[0] == groups[1] != groups[2]
