"""Inter-annotator agreement between the two independent labeling passes."""

from __future__ import annotations

from typing import Any

from sklearn.metrics import cohen_kappa_score

from model.labels import LABELS, RISK_LABEL

__all__ = ["agreement"]


def agreement(records: list[dict[str, Any]]) -> dict[str, Any]:
    """Cohen's kappa, 3-class and unhedged-vs-rest, over records with both pass labels.

    Records carry ``label_a`` and ``label_b`` (the two blind passes) and
    ``label`` (the adjudicated label).
    """
    pairs = [(r["label_a"], r["label_b"]) for r in records if r.get("label_a") and r.get("label_b")]
    if not pairs:
        return {"n": 0}
    a, b = [x for x, _ in pairs], [y for _, y in pairs]
    agree = sum(x == y for x, y in pairs)
    return {
        "n": len(pairs),
        "raw_agreement": agree / len(pairs),
        "kappa_3class": float(cohen_kappa_score(a, b, labels=list(LABELS))),
        "kappa_unhedged_vs_rest": float(cohen_kappa_score([x == RISK_LABEL for x in a], [y == RISK_LABEL for y in b])),
        "disagreements": len(pairs) - agree,
        "adjudicated_changed_a": sum(1 for r in records if r.get("label_a") and r["label"] != r["label_a"]),
    }
