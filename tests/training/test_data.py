"""The committed corpus meets the targets it was built to, and its data card is current."""

from __future__ import annotations

from pathlib import Path

import pytest

from model.labels import LABELS
from training.corpus import DATA_DIR, validate_corpus
from training.datacard import corpus_stats, write_data_card


@pytest.fixture(scope="module")
def stats() -> dict[str, object]:
    return corpus_stats(validate_corpus())


def test_size_and_balance(stats: dict) -> None:  # type: ignore[type-arg]
    assert stats["n"] >= 4000
    for label in LABELS:
        assert stats["labels"][label] / stats["n"] >= 0.25, label


def test_breadth(stats: dict) -> None:  # type: ignore[type-arg]
    assert len(stats["agents"]) >= 50
    assert len(stats["conditions"]) >= 50
    assert len(stats["genres"]) >= 10


def test_hard_cases_and_condition_mentions(stats: dict) -> None:  # type: ignore[type-arg]
    assert stats["hard_case_share"] >= 0.20
    assert stats["no_claim_with_condition"] >= 1 / 3
    assert stats["families"] >= 100


def test_double_labeled_with_agreement(stats: dict) -> None:  # type: ignore[type-arg]
    agreement = stats["agreement"]
    assert agreement["n"] == stats["n"]
    assert 0.0 < agreement["kappa_3class"] <= 1.0
    assert 0.0 < agreement["kappa_unhedged_vs_rest"] <= 1.0


def test_every_split_has_every_label(stats: dict) -> None:  # type: ignore[type-arg]
    for split, counts in stats["split_labels"].items():
        assert all(counts[label] >= 100 for label in LABELS), split


def test_data_card_is_generated_from_the_files(tmp_path: Path) -> None:
    fresh = write_data_card(validate_corpus(), out=tmp_path / "README.md")
    committed = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    assert fresh.read_text(encoding="utf-8") == committed, "data/README.md is stale: run `python -m training card`"
