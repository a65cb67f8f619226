"""External evaluation: the seed articles and the public corpora, never trained on.

Each public corpus is read through the label mapping its README suggests.
Everything here needs ``../shared/``; callers skip with a clear message when
:func:`shared_dir` returns None (a fresh clone does not have it).
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.metrics import roc_auc_score

from model.labels import LABELS, RISK_INDEX
from training.evaluate import binary_risk_metrics, classification_metrics

__all__ = ["shared_dir", "SHARED_MISSING", "evaluate_seeds", "evaluate_corpora", "load_seeds", "headline"]

#: Claim-strength corpora: file, the README's mapping onto our labels, and the correlational label,
#: which is reported both dropped and mapped to hedged_claim.
STRENGTH_CORPORA: dict[str, tuple[str, dict[str, str], str]] = {
    "causal-language-pubmed": (
        "pubmed_causal_language_use.csv",
        {"1": "unhedged_claim", "2": "hedged_claim", "0": "no_claim"},
        "3",
    ),
    "claim-strength-eureka": (
        "annotated_eureka.csv",
        {"3": "unhedged_claim", "2": "hedged_claim", "0": "no_claim"},
        "1",
    ),
}
SHARED_MISSING = "../shared/ is absent (a fresh clone has no external evaluation data)"
Predict = Callable[[list[str]], NDArray[np.float64]]


def shared_dir() -> Path | None:
    """``$CLAIM_RISK_SHARED`` or ``../shared`` beside the repository, if present."""
    candidate = Path(os.environ.get("CLAIM_RISK_SHARED", Path(__file__).resolve().parents[2] / "shared"))
    return candidate if (candidate / "annotation-guidelines.md").is_file() else None


def load_seeds(shared: Path) -> list[dict[str, Any]]:
    rows = []
    for line in (shared / "seeds" / "labeled.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            rows.append(json.loads(line))
    return rows


def evaluate_seeds(predict: Predict, shared: Path, threshold: float) -> dict[str, Any]:
    """3-class and unhedged-claim metrics on the adjudicated seed sentences."""
    rows = load_seeds(shared)
    probs = predict([r["text"] for r in rows])
    return classification_metrics([r["label"] for r in rows], probs, threshold)


def _read_csv(path: Path, delimiter: str = ",") -> list[dict[str, str]]:
    csv.field_size_limit(10**7)
    # The tweet TSVs are unquoted and their texts contain stray quote marks.
    with path.open(encoding="utf-8", newline="") as fh:
        if delimiter == "\t":
            return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
        return list(csv.DictReader(fh, delimiter=delimiter))


def _mapped(predict: Predict, texts: list[str], gold: list[str], threshold: float) -> dict[str, Any]:
    probs = predict(texts)
    return classification_metrics(gold, probs, threshold)


def _strength_corpus(
    predict: Predict, rows: list[tuple[str, str]], mapping: dict[str, str], correlational: str, threshold: float
) -> dict[str, Any]:
    kept = [(t.strip(), mapping[lab]) for t, lab in rows if lab in mapping]
    texts, gold = [t for t, _ in kept], [g for _, g in kept]
    out = {"three_class_without_correlational": _mapped(predict, texts, gold, threshold)}
    with_corr = [(t.strip(), mapping.get(lab, "hedged_claim" if lab == correlational else "")) for t, lab in rows]
    out["three_class_correlational_as_hedged"] = _mapped(
        predict, [t for t, _ in with_corr], [g for _, g in with_corr], threshold
    )
    return out


def evaluate_corpora(predict: Predict, shared: Path, threshold: float) -> dict[str, Any]:
    """Every public corpus through its README's mapping; see each README for caveats."""
    base = shared / "corpora"
    results: dict[str, Any] = {}

    for name, (file, mapping, correlational) in STRENGTH_CORPORA.items():
        rows = _read_csv(base / name / file)
        results[name] = _strength_corpus(
            predict, [(r["sentence"], r["label"]) for r in rows], mapping, correlational, threshold
        )

    rows = _read_csv(base / "health-advice-pubmed" / "annotations_structured_abstract.csv")
    advice = {"2": "unhedged_claim", "1": "hedged_claim", "0": "no_claim"}
    results["health-advice-pubmed"] = _mapped(
        predict, [r["sentence"].strip() for r in rows], [advice[r["label"]] for r in rows], threshold
    )

    tweets: list[tuple[str, bool, bool]] = []
    for path in sorted((base / "cw-cure-tweets").glob("*_test.tsv")):
        for r in _read_csv(path, delimiter="\t"):
            tweets.append((r["Tweet"], r["IsCureClaim"] == "True", r["IsCheckworthy"] == "True"))
    probs = predict([t for t, _, _ in tweets])
    claim = 1.0 - probs[:, LABELS.index("no_claim")]
    is_claim = [cure and worthy for _, cure, worthy in tweets]
    results["cw-cure-tweets"] = {
        "note": "claim (hedged or unhedged) vs not; CURE & check-worthy counts as claim",
        "claim_vs_not": binary_risk_metrics(is_claim, claim, 0.5),
        "risk_vs_not": binary_risk_metrics(is_claim, probs[:, RISK_INDEX], threshold),
    }

    pairs = []
    for split in ("insciout_train.jsonl", "insciout_test.jsonl"):
        for line in (base / "sci-exaggeration-insciout" / split).read_text(encoding="utf-8").splitlines():
            if line.strip():
                pairs.append(json.loads(line))
    press = predict([p["press_release_conclusion"] for p in pairs])[:, RISK_INDEX]
    abstract = predict([p["abstract_conclusion"] for p in pairs])[:, RISK_INDEX]
    exaggerates = np.asarray([p["exaggeration_label"] == "exaggerates" for p in pairs])
    downplays = np.asarray([p["exaggeration_label"] == "downplays" for p in pairs])
    results["sci-exaggeration-insciout"] = {
        "note": "share of pairs where the risk moves the way the exaggeration label says",
        "exaggerates_press_riskier": float(np.mean(press[exaggerates] > abstract[exaggerates])),
        "downplays_abstract_riskier": float(np.mean(abstract[downplays] > press[downplays])),
        "pairs": len(pairs),
    }

    rows = _read_csv(base / "conll2010-wiki-weasel" / "test.csv")
    rows = [r for r in rows if r["text"].strip()]
    probs = predict([r["text"].strip() for r in rows])
    uncertain = [r["label"] == "1" for r in rows]
    results["conll2010-wiki-weasel"] = {
        "note": "hedge probe: ROC-AUC of P(hedged_claim) for uncertain vs certain sentences",
        "hedged_auc": float(roc_auc_score(uncertain, probs[:, LABELS.index("hedged_claim")])),
        "n": len(rows),
    }
    return results


def headline(result: dict[str, Any]) -> dict[str, Any]:
    """The figures the model card shows for a 3-class result."""
    return {
        "unhedged_precision": result["risk"]["precision"],
        "unhedged_recall": result["risk"]["recall"],
        "unhedged_f1": result["risk"]["f1"],
        "unhedged_pr_auc": result["risk"]["pr_auc"],
        "macro_f1": result["macro_f1"],
        "n": result["n"],
    }
