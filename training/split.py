"""Assign records to train/dev/test, grouped by passage and minimal-pair family.

The assignment is a hash of the group key, so it is deterministic and
independent of file order; records that already carry a split keep it, so the
published test split never changes and only grows by new passages.
"""

from __future__ import annotations

import hashlib
from typing import Any

from training.corpus import groups_of

__all__ = ["assign_splits", "SPLIT_SHARES"]

#: Target shares of groups in dev and test; the rest is train.
SPLIT_SHARES = {"test": 0.15, "dev": 0.15}
_SALT = "claim-risk/split/v1"


def _bucket(group: str) -> float:
    digest = hashlib.sha256(f"{_SALT}:{group}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def assign_splits(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Fill in ``split`` for records without one; returns the same list.

    A group with any record already assigned takes that split for all of
    its records (new sentences joining an old passage or family follow it).
    """
    groups = groups_of(records)
    existing: dict[str, str] = {}
    for group, record in zip(groups, records):
        if record.get("split"):
            existing.setdefault(group, record["split"])
    for group, record in zip(groups, records):
        if group in existing:
            record["split"] = existing[group]
            continue
        b = _bucket(group)
        if b < SPLIT_SHARES["test"]:
            record["split"] = "test"
        elif b < SPLIT_SHARES["test"] + SPLIT_SHARES["dev"]:
            record["split"] = "dev"
        else:
            record["split"] = "train"
    return records
