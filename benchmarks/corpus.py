"""Load-test inputs generated from our own labeled data: 1-sentence and ~40-sentence documents."""

from __future__ import annotations

import random

from training.corpus import validate_corpus

__all__ = ["sentences", "documents"]


def sentences() -> list[str]:
    return [r["text"] for r in validate_corpus().records]


def documents(n: int, per_doc: int, seed: int = 0) -> list[str]:
    """``n`` documents of ``per_doc`` sentences drawn (with a fixed seed) from the corpus."""
    pool = sentences()
    rng = random.Random(seed)
    return [" ".join(rng.choice(pool) for _ in range(per_doc)) for _ in range(n)]
