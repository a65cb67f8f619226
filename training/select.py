"""Model selection by cross-validation on train, grouped by passage and family.

Two stages keep the search affordable on two cores: first the feature
settings at a fixed classifier, then C and class weights on the winning
features. Each fold's features are fitted once per feature setting and
reused for every classifier setting. The score is the average precision
(PR-AUC) of the unhedged-claim risk: threshold-free, on the class we sell.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import clone
from sklearn.metrics import average_precision_score, f1_score
from sklearn.model_selection import GroupKFold

from model.labels import RISK_LABEL
from model.pipeline import Hyperparameters, build_pipeline

__all__ = ["FEATURE_GRID", "CLASSIFIER_GRID", "SMALL_FEATURE_GRID", "SMALL_CLASSIFIER_GRID", "select"]

# Character n-grams stay inside words (char_wb): n-grams across word boundaries ("char") scored
# +0.003 CV PR-AUC on the first 5,000 sentences, well within one standard deviation (0.02), and
# would turn off the per-word cache that makes serving fast (model/features.py).
FEATURE_GRID: list[dict[str, Any]] = [
    {"word_ngram_max": n, "use_char": c, "sublinear_tf": s, "word_min_df": m}
    for n in (1, 2, 3)
    for c in (False, True)
    for s in (True, False)
    for m in (1, 2)
]
CLASSIFIER_GRID: list[dict[str, Any]] = [
    {"C": c, "class_weight": w} for c in (1.0, 3.0, 10.0, 30.0, 100.0) for w in ("balanced", None)
]
SMALL_FEATURE_GRID: list[dict[str, Any]] = [{"word_ngram_max": 2, "use_char": False}]
SMALL_CLASSIFIER_GRID: list[dict[str, Any]] = [{"C": 10.0, "class_weight": "balanced"}]


def _fold_scores(
    texts: np.ndarray,
    labels: np.ndarray,
    train_idx: np.ndarray,
    valid_idx: np.ndarray,
    base: Hyperparameters,
    classifier_grid: list[dict[str, Any]],
) -> list[tuple[float, float]]:
    pipeline = build_pipeline(base)
    features = pipeline.named_steps["features"]
    x_train = features.fit_transform(texts[train_idx])
    x_valid = features.transform(texts[valid_idx])
    is_risky = labels[valid_idx] == RISK_LABEL
    scores = []
    for setting in classifier_grid:
        classifier = clone(build_pipeline(replace(base, **setting)).named_steps["classifier"])
        classifier.fit(x_train, labels[train_idx])
        probs = classifier.predict_proba(x_valid)
        risk = probs[:, list(classifier.classes_).index(RISK_LABEL)]
        predicted = classifier.classes_[probs.argmax(axis=1)]
        f1 = f1_score(labels[valid_idx], predicted, labels=[RISK_LABEL], average="macro", zero_division=0)
        scores.append((float(average_precision_score(is_risky, risk)), float(f1)))
    return scores


def _evaluate(
    texts: np.ndarray,
    labels: np.ndarray,
    folds: list[tuple[np.ndarray, np.ndarray]],
    base: Hyperparameters,
    classifier_grid: list[dict[str, Any]],
    n_jobs: int,
) -> list[dict[str, Any]]:
    per_fold = Parallel(n_jobs=n_jobs)(
        delayed(_fold_scores)(texts, labels, tr, va, base, classifier_grid) for tr, va in folds
    )
    rows = []
    for k, setting in enumerate(classifier_grid):
        ap = [fold[k][0] for fold in per_fold]
        f1 = [fold[k][1] for fold in per_fold]
        rows.append(
            {
                "params": replace(base, **setting).to_dict(),
                "pr_auc": float(np.mean(ap)),
                "pr_auc_std": float(np.std(ap)),
                "f1": float(np.mean(f1)),
            }
        )
    return rows


def select(
    records: list[dict[str, Any]],
    groups: list[str],
    *,
    feature_grid: list[dict[str, Any]] = FEATURE_GRID,
    classifier_grid: list[dict[str, Any]] = CLASSIFIER_GRID,
    folds: int = 5,
    n_jobs: int = 2,
) -> tuple[Hyperparameters, list[dict[str, Any]]]:
    """Choose hyper-parameters by grouped K-fold CV on ``records``.

    Returns
    -------
    (Hyperparameters, list of dict)
        The best parameters and every setting tried with its mean CV PR-AUC
        and unhedged-claim F1, best first.
    """
    texts = np.asarray([r["text"] for r in records], dtype=object)
    labels = np.asarray([r["label"] for r in records], dtype=object)
    splitter = GroupKFold(n_splits=folds)
    split = list(splitter.split(texts, labels, groups))
    default = Hyperparameters()
    results: list[dict[str, Any]] = []
    first = classifier_grid[0] if len(classifier_grid) == 1 else {"C": default.C, "class_weight": default.class_weight}
    for setting in feature_grid:
        results += _evaluate(texts, labels, split, replace(default, **setting, **first), [first], n_jobs)
    best_features = Hyperparameters.from_dict(max(results, key=lambda r: (r["pr_auc"], r["f1"]))["params"])
    if classifier_grid != [first]:
        results += _evaluate(texts, labels, split, best_features, classifier_grid, n_jobs)
    unique = {tuple(sorted(r["params"].items())): r for r in results}
    ranked = sorted(unique.values(), key=lambda r: (-r["pr_auc"], -r["f1"]))
    return Hyperparameters.from_dict(ranked[0]["params"]), ranked
