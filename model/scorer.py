"""Score text: split into units, compute P(label) for every unit, and explain the risk.

The fitted pipeline is linear, so the scorer reads its coefficients once and
computes probabilities from the sparse TF-IDF matrix directly: all units of a
call are vectorised together and scored with one sparse-dense product. This
gives the same probabilities as ``pipeline.predict_proba`` (tested to 1e-9)
without its per-call validation overhead.

Evidence is exact. For each unit, the competitor ``c`` is the most probable
label other than ``unhedged_claim``; the log-odds ``log P(u) / P(c) = z_u - z_c``
is a sum over features of ``x_j * (w_uj - w_cj)`` plus the intercept
difference, so each feature's term is its exact contribution to "unhedged
rather than c". A hedge word therefore counts against the risk, as a reviewer
expects.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from model.artifact import LoadedModel
from model.features import FastTfidf, Rows
from model.labels import LABELS, RISK_INDEX
from model.sentences import split_sentences

__all__ = ["Scorer", "DocumentInput", "EVIDENCE_TERMS"]

#: How many evidence terms a unit reports at most.
EVIDENCE_TERMS = 5
_EMPTY_COUNTS = dict.fromkeys(LABELS, 0)
#: Up to this many units, evidence is ranked row by row; above, in one vectorised pass, whose
#: fixed cost is higher (measured: docs/benchmarks.md).
_PER_ROW_EVIDENCE = 2


@dataclass(frozen=True)
class DocumentInput:
    """One document to score; ``id`` is echoed back as given."""

    text: str
    id: str | None = None


class Scorer:
    """Turns documents into per-unit risks with evidence, from one loaded model."""

    def __init__(self, model: LoadedModel) -> None:
        self.model = model
        self.threshold = model.threshold
        pipeline = model.pipeline
        self._features = pipeline.named_steps["features"]
        self._fast = FastTfidf(self._features)
        classifier = pipeline.named_steps["classifier"]
        order = [list(map(str, classifier.classes_)).index(label) for label in LABELS]
        coef = np.asarray(classifier.coef_, dtype=np.float64)[order]
        self._weights_t = np.ascontiguousarray(coef.T)  # (features, labels)
        self._intercept = np.asarray(classifier.intercept_, dtype=np.float64)[order]
        # Row c: weights of the log-odds of unhedged_claim against label c (the row for
        # unhedged_claim itself is never used as a competitor).
        self._evidence_weights = coef[RISK_INDEX][None, :] - coef
        self._feature_names: list[str] | None = None

    # -- probabilities ---------------------------------------------------

    def vectorize(self, units: Sequence[str]) -> sparse.csr_matrix:
        """TF-IDF features of ``units`` (one row each), computed by :class:`FastTfidf`."""
        return self._fast.transform(units)

    def probabilities(self, units: Sequence[str]) -> NDArray[np.float64]:
        """P(label) for each unit, columns in ``LABELS`` order."""
        if not units:
            return np.zeros((0, len(LABELS)))
        return self._softmax(self.vectorize(units))

    def _softmax(self, features: sparse.csr_matrix | Rows) -> NDArray[np.float64]:
        if isinstance(features, Rows):
            # scipy's sparse-dense product (C++) beats gathering weights in numpy ~5x at 37 units.
            features = sparse.csr_matrix(
                (features.data, features.indices, features.indptr),
                shape=(len(features.indptr) - 1, self._weights_t.shape[0]),
            )
        logits = np.asarray(features @ self._weights_t) + self._intercept
        logits -= logits.max(axis=1, keepdims=True)
        np.exp(logits, out=logits)
        logits /= logits.sum(axis=1, keepdims=True)
        return logits

    # -- evidence ----------------------------------------------------------

    @property
    def feature_names(self) -> list[str]:
        """Feature names without the FeatureUnion prefix (``word__`` / ``char__``)."""
        if self._feature_names is None:
            names = self._features.get_feature_names_out()
            self._feature_names = [_display_term(str(n)) for n in names]
        return self._feature_names

    def evidence(
        self, features: sparse.csr_matrix | Rows, row: int, competitor: int, top: int = EVIDENCE_TERMS
    ) -> list[dict[str, Any]]:
        """The features of one row that favour unhedged_claim over ``competitor`` most, exactly."""
        lo, hi = features.indptr[row], features.indptr[row + 1]
        if lo == hi:
            return []
        indices = features.indices[lo:hi]
        contributions = features.data[lo:hi] * self._evidence_weights[competitor][indices]
        positive = np.flatnonzero(contributions > 0)
        # Largest first; equal contributions in feature order, so the evidence is deterministic.
        ranked = positive[np.lexsort((indices[positive], -contributions[positive]))][:top]
        names = self.feature_names
        return [{"term": names[indices[i]], "contribution": float(contributions[i])} for i in ranked]

    def evidence_rows(
        self, features: Rows, competitors: NDArray[np.intp], top: int = EVIDENCE_TERMS
    ) -> list[list[dict[str, Any]]]:
        """:meth:`evidence` for every row at once (row ``i`` against ``competitors[i]``)."""
        n = len(features.indptr) - 1
        if n <= _PER_ROW_EVIDENCE:
            return [self.evidence(features, i, int(competitors[i]), top) for i in range(n)]
        row = np.repeat(np.arange(n), np.diff(features.indptr))
        contributions = features.data * self._evidence_weights[competitors[row], features.indices]
        keep = np.flatnonzero(contributions > 0)
        row, indices, contributions = row[keep], features.indices[keep], contributions[keep]
        # Candidates first, cheaply: each row's `top` largest plus anything tied with its last one
        # (features that always co-occur in training have equal weights, so ties are common).
        order = np.argsort(-contributions)
        order = order[np.argsort(row[order], kind="stable")]
        ranked_rows, ranked = row[order], contributions[order]
        starts = np.searchsorted(ranked_rows, np.arange(n + 1))
        rank = np.arange(len(order)) - starts[ranked_rows]
        # Each row's `top`-th largest contribution (its smallest, if it has fewer); empty rows get
        # a placeholder that no entry reads.
        nth = np.clip(starts[:-1] + np.minimum(top, np.diff(starts)) - 1, 0, None)
        last = ranked[np.minimum(nth, len(ranked) - 1)] if len(ranked) else np.zeros(n)
        candidates = order[(rank < top) | (ranked == last[ranked_rows])]
        row, indices, contributions = row[candidates], indices[candidates], contributions[candidates]
        # Exact order among the candidates: by row; largest first; equal contributions in feature order.
        order = np.lexsort((indices, -contributions, row))
        row, indices, contributions = row[order], indices[order], contributions[order]
        starts = np.searchsorted(row, np.arange(n))
        rank = np.arange(len(row)) - starts[row]
        chosen = rank < top
        names = self.feature_names
        result: list[list[dict[str, Any]]] = [[] for _ in range(n)]
        for r, j, c in zip(row[chosen].tolist(), indices[chosen].tolist(), contributions[chosen].tolist(), strict=True):
            result[r].append({"term": names[j], "contribution": c})
        return result

    # -- documents ---------------------------------------------------------

    def score_documents(
        self,
        documents: Sequence[DocumentInput],
        *,
        threshold: float | None = None,
        explain: bool = True,
    ) -> list[dict[str, Any]]:
        """Score documents; one result dict per document, in input order.

        Parameters
        ----------
        documents : sequence of DocumentInput
        threshold : float, optional
            Risk at or above which a unit or document is flagged; defaults to
            the model's stored threshold.
        explain : bool
            Include evidence terms for each unit.
        """
        cut = self.threshold if threshold is None else float(threshold)
        spans_per_doc = [split_sentences(doc.text) for doc in documents]
        units = [doc.text[s:e] for doc, spans in zip(documents, spans_per_doc) for s, e in spans]
        features = self._fast.transform_rows(units) if units else None
        probs = self._softmax(features) if features is not None else np.zeros((0, len(LABELS)))
        best = probs.argmax(axis=1)
        others = probs.copy()
        others[:, RISK_INDEX] = -1.0
        competitor = others.argmax(axis=1)
        probs_list = probs.tolist()
        evidence = self.evidence_rows(features, competitor) if explain and features is not None else [[] for _ in units]
        results: list[dict[str, Any]] = []
        row = 0
        for doc, spans in zip(documents, spans_per_doc):
            counts = dict(_EMPTY_COUNTS)
            sentences: list[dict[str, Any]] = []
            top_risk, top_label = 0.0, None
            for start, end in spans:
                p = probs_list[row]
                label = LABELS[best[row]]
                risk = p[RISK_INDEX]
                counts[label] += 1
                if top_label is None or risk > top_risk:
                    top_risk, top_label = risk, label
                sentences.append(
                    {
                        "start": start,
                        "end": end,
                        "text": units[row],
                        "label": label,
                        "risk": risk,
                        "probabilities": dict(zip(LABELS, p)),
                        "flagged": risk >= cut,
                        "evidence": evidence[row],
                    }
                )
                row += 1
            results.append(
                {
                    "id": doc.id,
                    "risk": top_risk,
                    "flagged": top_risk >= cut if spans else False,
                    "label": top_label,
                    "counts": counts,
                    "sentences": sentences,
                }
            )
        return results


def _display_term(name: str) -> str:
    kind, _, term = name.partition("__")
    return f"~{term}~" if kind == "char" else term
