"""Reproduce published tables: our pipeline code on two public PubMed benchmarks.

Same protocol as the papers' code: 5-fold ``StratifiedKFold(shuffle=True,
random_state=0)`` over the file's rows, macro-F1 over the source labels. The
pipeline is built by :func:`model.pipeline.build_pipeline`, the one we ship;
only its hyper-parameters are chosen here, by an inner grouped-free 3-fold CV
on each training fold, so the outer test folds stay untouched.
"""

from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold, cross_val_score

from model.pipeline import Hyperparameters, build_pipeline

__all__ = ["BENCHMARKS", "reproduce", "format_table"]

BENCHMARKS: dict[str, dict[str, Any]] = {
    "causal-language-pubmed": {
        "file": "causal-language-pubmed/pubmed_causal_language_use.csv",
        "text": "sentence",
        "published": {"BioBERT (Yu et al. 2019)": 0.883, "linear SVM (second-hand, unverified)": 0.722},
        "target": 0.80,
    },
    "health-advice-pubmed": {
        "file": "health-advice-pubmed/annotations_structured_abstract.csv",
        "text": "sentence",
        "published": {"TF-IDF + linear SVM (Li et al. 2021)": 0.833, "BioBERT (Li et al. 2021)": 0.933},
        "target": 0.833,
    },
}
INNER_GRID: list[dict[str, Any]] = [{"C": c} for c in (10.0, 30.0, 100.0)]
BASE = Hyperparameters(word_ngram_max=3, use_char=True, class_weight="balanced")


def _load(shared: Path, spec: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    with (shared / "corpora" / spec["file"]).open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    texts = np.asarray([r[spec["text"]].strip() for r in rows], dtype=object)
    return texts, np.asarray([r["label"] for r in rows], dtype=object)


def reproduce(shared: Path, *, n_jobs: int = 2, inner_search: bool = True) -> dict[str, Any]:
    """Macro-F1 per outer fold and overall for each benchmark."""
    out: dict[str, Any] = {}
    for name, spec in BENCHMARKS.items():
        texts, labels = _load(shared, spec)
        outer = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
        fold_f1, chosen = [], []
        for train_idx, test_idx in outer.split(texts, labels):
            params = BASE
            if inner_search:
                inner = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)
                scores = [
                    cross_val_score(
                        build_pipeline(replace(BASE, **g)),
                        texts[train_idx],
                        labels[train_idx],
                        cv=inner,
                        scoring="f1_macro",
                        n_jobs=n_jobs,
                    ).mean()
                    for g in INNER_GRID
                ]
                params = replace(BASE, **INNER_GRID[int(np.argmax(scores))])
            pipeline = build_pipeline(params).fit(texts[train_idx], labels[train_idx])
            predicted = pipeline.predict(texts[test_idx])
            fold_f1.append(float(f1_score(labels[test_idx], predicted, average="macro")))
            chosen.append(params.C)
        out[name] = {
            "macro_f1": float(np.mean(fold_f1)),
            "folds": fold_f1,
            "C_per_fold": chosen,
            "published": spec["published"],
            "target": spec["target"],
            "n": len(texts),
        }
    return out


def format_table(results: dict[str, Any]) -> str:
    """A Markdown table of our macro-F1 beside the published figures."""
    lines = ["| benchmark | ours: TF-IDF + LR (5-fold macro-F1) | published | target | met |", "|---|---|---|---|---|"]
    for name, r in results.items():
        published = "; ".join(f"{k} {v:.3f}" for k, v in r["published"].items())
        met = "yes" if r["macro_f1"] >= r["target"] else "no"
        lines.append(
            f"| {name} | {r['macro_f1']:.3f} (folds {', '.join(f'{f:.3f}' for f in r['folds'])}) "
            f"| {published} | ≥ {r['target']:.3f} | {met} |"
        )
    return "\n".join(lines)
