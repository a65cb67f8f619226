"""Load the labeled corpus in data/ and validate it.

Validation fails on an unknown label, an empty or over-long text, an exact or
near duplicate (same normalised text), a missing field, a passage or a
minimal-pair family split across splits, and a frozen test passage that left
the test split.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from model.labels import LABELS

__all__ = [
    "DATA_DIR",
    "CORPUS_FILE",
    "TEST_LOCK_FILE",
    "SPLITS",
    "GENRES",
    "REQUIRED_FIELDS",
    "MAX_TEXT_CHARS",
    "CorpusValidationError",
    "load_records",
    "validate_records",
    "validate_corpus",
    "normalise_text",
    "data_sha256",
    "texts_and_labels",
]

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
CORPUS_FILE = "sentences.jsonl"
TEST_LOCK_FILE = "test_passages.txt"
SPLITS = ("train", "dev", "test")
GENRES = (
    "product_page",
    "blog_post",
    "social_post",
    "testimonial",
    "faq",
    "email",
    "ad_copy",
    "headline",
    "news_report",
    "medical_reference",
    "regulator_notice",
    "forum_reply",
)
REQUIRED_FIELDS = ("id", "text", "label", "passage_id", "agent", "condition", "genre", "split")
MAX_TEXT_CHARS = 600


class CorpusValidationError(ValueError):
    """The corpus breaks its rules; ``problems`` lists every breach found."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = "\n".join(f"- {p}" for p in problems[:50])
        more = f"\n… and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"{len(problems)} problem(s) in the corpus:\n{shown}{more}")


@dataclass(frozen=True)
class Corpus:
    """Validated records and where they came from."""

    records: list[dict[str, Any]]
    path: Path

    def split(self, name: str) -> list[dict[str, Any]]:
        return [r for r in self.records if r["split"] == name]


def normalise_text(text: str) -> str:
    """Case-, accent-, punctuation- and space-insensitive form used for duplicate checks."""
    folded = unicodedata.normalize("NFKD", text).casefold()
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return re.sub(r"[\W_]+", " ", folded).strip()


def load_records(path: Path) -> list[dict[str, Any]]:
    """Read a JSON Lines file; raises CorpusValidationError naming bad lines."""
    records: list[dict[str, Any]] = []
    problems: list[str] = []
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                problems.append(f"{path.name}:{number}: not JSON ({exc.msg})")
                continue
            if not isinstance(record, dict):
                problems.append(f"{path.name}:{number}: not a JSON object")
                continue
            record["_line"] = number
            records.append(record)
    if problems:
        raise CorpusValidationError(problems)
    return records


def validate_records(records: list[dict[str, Any]], locked_test: set[str] | None = None) -> list[str]:
    """Return every rule the records break (empty if none)."""
    problems: list[str] = []
    seen_ids: set[str] = set()
    seen_text: dict[str, str] = {}
    passage_split: dict[str, str] = {}
    family_split: dict[str, str] = {}
    for r in records:
        where = f"line {r.get('_line', '?')} ({r.get('id', 'no id')})"
        missing = [f for f in REQUIRED_FIELDS if f not in r]
        if missing:
            problems.append(f"{where}: missing field(s) {', '.join(missing)}")
            continue
        if r["id"] in seen_ids:
            problems.append(f"{where}: duplicate id")
        seen_ids.add(r["id"])
        if r["label"] not in LABELS:
            problems.append(f"{where}: unknown label {r['label']!r}")
        if r["split"] not in SPLITS:
            problems.append(f"{where}: unknown split {r['split']!r}")
        if r["genre"] not in GENRES:
            problems.append(f"{where}: unknown genre {r['genre']!r}")
        text = r["text"]
        if not isinstance(text, str) or not text.strip():
            problems.append(f"{where}: empty text")
            continue
        if len(text) > MAX_TEXT_CHARS:
            problems.append(f"{where}: text of {len(text)} characters (max {MAX_TEXT_CHARS})")
        if text != text.strip():
            problems.append(f"{where}: text has leading or trailing whitespace")
        key = normalise_text(text)
        if key in seen_text:
            problems.append(f"{where}: duplicate of {seen_text[key]} (normalised text {key[:60]!r})")
        else:
            seen_text[key] = str(r["id"])
        previous = passage_split.setdefault(r["passage_id"], r["split"])
        if previous != r["split"]:
            problems.append(f"{where}: passage {r['passage_id']} is in both {previous} and {r['split']}")
        family = r.get("family")
        if family:
            previous = family_split.setdefault(family, r["split"])
            if previous != r["split"]:
                problems.append(f"{where}: family {family} is in both {previous} and {r['split']}")
    for passage in sorted(locked_test or ()):
        if passage_split.get(passage) != "test":
            problems.append(f"frozen test passage {passage} is missing or no longer in test")
    return problems


def read_test_lock(data_dir: Path) -> set[str]:
    path = data_dir / TEST_LOCK_FILE
    if not path.exists():
        return set()
    return {line.strip() for line in path.read_text().splitlines() if line.strip() and not line.startswith("#")}


def validate_corpus(data_dir: Path = DATA_DIR) -> Corpus:
    """Load ``data_dir/sentences.jsonl`` and validate it; raises CorpusValidationError."""
    path = data_dir / CORPUS_FILE
    records = load_records(path)
    problems = validate_records(records, read_test_lock(data_dir))
    if problems:
        raise CorpusValidationError(problems)
    for r in records:
        r.pop("_line", None)
    return Corpus(records=records, path=path)


def data_sha256(data_dir: Path = DATA_DIR) -> str:
    """sha256 of the corpus file: the model's metadata records it to catch a stale model."""
    return hashlib.sha256((data_dir / CORPUS_FILE).read_bytes()).hexdigest()


def texts_and_labels(records: list[dict[str, Any]]) -> tuple[list[str], list[str]]:
    return [r["text"] for r in records], [r["label"] for r in records]


def groups_of(records: list[dict[str, Any]]) -> list[str]:
    """Group key per record: passages linked by a minimal-pair family share one group."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    family_first: dict[str, str] = {}
    for r in records:
        p = "p:" + r["passage_id"]
        find(p)
        if r.get("family"):
            first = family_first.setdefault(r["family"], p)
            a, b = find(first), find(p)
            if a != b:
                parent[max(a, b)] = min(a, b)
    return [find("p:" + r["passage_id"]) for r in records]


def count_by(records: list[dict[str, Any]], field: str) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for r in records:
        counts[str(r.get(field))] += 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
