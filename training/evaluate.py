"""Quality figures for a fitted pipeline: per-class metrics, ranking, calibration, errors.

Everything here is a pure function of labels and probabilities (columns in
``LABELS`` order), so the same code scores our splits, the seeds and the
public corpora.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.metrics import (
    average_precision_score,
    brier_score_loss,
    confusion_matrix,
    f1_score,
    precision_recall_curve,
    precision_recall_fscore_support,
    roc_auc_score,
)

from model.labels import LABELS, RISK_INDEX, RISK_LABEL

__all__ = [
    "classification_metrics",
    "binary_risk_metrics",
    "choose_threshold",
    "reliability_bins",
    "fit_temperature",
    "worst_errors",
    "top_features",
]


def classification_metrics(y_true: list[str], probs: NDArray[np.float64], threshold: float) -> dict[str, Any]:
    """3-class metrics from argmax, plus the risk metrics at ``threshold``.

    Returns a JSON-ready dict: per-class precision/recall/F1/support,
    macro-F1, accuracy, confusion matrix (rows true, columns predicted, in
    ``LABELS`` order) and ``risk`` (see :func:`binary_risk_metrics`).
    """
    y_pred = [LABELS[i] for i in probs.argmax(axis=1)]
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=list(LABELS), zero_division=0)
    per_class = {
        label: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]), "support": int(s[i])}
        for i, label in enumerate(LABELS)
    }
    return {
        "n": len(y_true),
        "accuracy": float(np.mean([a == b for a, b in zip(y_true, y_pred)])) if y_true else 0.0,
        "macro_f1": float(f1_score(y_true, y_pred, labels=list(LABELS), average="macro", zero_division=0)),
        "per_class": per_class,
        "confusion_matrix": confusion_matrix(y_true, y_pred, labels=list(LABELS)).tolist(),
        "risk": binary_risk_metrics([y == RISK_LABEL for y in y_true], probs[:, RISK_INDEX], threshold),
    }


def binary_risk_metrics(is_risky: list[bool], risk: NDArray[np.float64], threshold: float) -> dict[str, Any]:
    """Unhedged-claim detection as a binary task: flagged = risk >= threshold."""
    y = np.asarray(is_risky, dtype=bool)
    flagged = risk >= threshold
    tp = int(np.sum(flagged & y))
    fp = int(np.sum(flagged & ~y))
    fn = int(np.sum(~flagged & y))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    both = y.any() and (~y).any()
    return {
        "threshold": float(threshold),
        "precision": precision,
        "recall": recall,
        "f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
        "pr_auc": float(average_precision_score(y, risk)) if both else None,
        "roc_auc": float(roc_auc_score(y, risk)) if both else None,
        "brier": float(brier_score_loss(y, risk)) if len(y) else None,
        "positives": int(y.sum()),
        "n": len(y),
    }


def choose_threshold(is_risky: list[bool], risk: NDArray[np.float64], min_recall: float | None = None) -> float:
    """Pick the flagging threshold on held-out data.

    With ``min_recall`` unset, the threshold maximising F1; otherwise the
    highest threshold whose recall is at least ``min_recall``.
    """
    precision, recall, thresholds = precision_recall_curve(np.asarray(is_risky, dtype=bool), risk)
    precision, recall = precision[:-1], recall[:-1]
    if min_recall is not None:
        ok = np.flatnonzero(recall >= min_recall)
        return float(thresholds[ok[-1]]) if ok.size else float(thresholds[0])
    f1 = np.divide(
        2 * precision * recall, precision + recall, out=np.zeros_like(precision), where=(precision + recall) > 0
    )
    return float(thresholds[int(np.argmax(f1))])


def reliability_bins(is_risky: list[bool], risk: NDArray[np.float64], bins: int = 10) -> list[dict[str, float]]:
    """Mean predicted risk against observed frequency, in equal-width bins."""
    y = np.asarray(is_risky, dtype=float)
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(risk, edges[1:-1]), 0, bins - 1)
    out = []
    for b in range(bins):
        mask = which == b
        if mask.any():
            out.append(
                {
                    "lo": float(edges[b]),
                    "hi": float(edges[b + 1]),
                    "mean_risk": float(risk[mask].mean()),
                    "observed": float(y[mask].mean()),
                    "n": int(mask.sum()),
                }
            )
    return out


def fit_temperature(logits: NDArray[np.float64], y_index: NDArray[np.int64]) -> float:
    """Temperature T minimising the log loss of softmax(logits / T) on held-out data.

    Dividing the classifier's coefficients and intercepts by T keeps the
    model a plain linear pipeline, so calibration costs nothing at serving.
    """
    best_t, best_loss = 1.0, np.inf
    for t in np.exp(np.linspace(np.log(0.25), np.log(4.0), 161)):
        z = logits / t
        z = z - z.max(axis=1, keepdims=True)
        log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        loss = -float(log_p[np.arange(len(y_index)), y_index].mean())
        if loss < best_loss:
            best_t, best_loss = float(t), loss
    return best_t


def worst_errors(records: list[dict[str, Any]], probs: NDArray[np.float64], limit: int = 25) -> list[dict[str, Any]]:
    """The most confident mistakes: wrong argmax, sorted by the probability given to it."""
    errors = []
    for record, p in zip(records, probs):
        predicted = LABELS[int(p.argmax())]
        if predicted != record["label"]:
            errors.append(
                {
                    "id": record.get("id"),
                    "text": record["text"],
                    "label": record["label"],
                    "predicted": predicted,
                    "confidence": float(p.max()),
                    "risk": float(p[RISK_INDEX]),
                }
            )
    errors.sort(key=lambda e: -e["confidence"])
    return errors[:limit]


def top_features(pipeline: Any, per_class: int = 30) -> dict[str, list[dict[str, float | str]]]:
    """The features with the largest coefficient for each label."""
    classifier = pipeline.named_steps["classifier"]
    names = pipeline.named_steps["features"].get_feature_names_out()
    classes = list(map(str, classifier.classes_))
    out: dict[str, list[dict[str, float | str]]] = {}
    for label in LABELS:
        row = classifier.coef_[classes.index(label)]
        order = np.argsort(-row)[:per_class]
        out[label] = [{"feature": str(names[i]), "weight": float(row[i])} for i in order]
    return out
