"""The fast scoring path equals predict_proba, and its evidence is an exact decomposition."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model.artifact import LoadedModel
from model.labels import LABELS, RISK_INDEX
from model.scorer import DocumentInput, Scorer

TEXTS = [
    "Our gummies relieve arthritis pain overnight.",
    "Some people say the tea may help with nausea.",
    "Ships in two business days.",
    "",
    "Relieves pain. May ease anxiety? No evidence it cures cancer.",
    "😀 \u0301 \ud800 ???",
]


@pytest.fixture(scope="module")
def scorer(tiny_model: LoadedModel) -> Scorer:
    return Scorer(tiny_model)


def test_fast_path_matches_predict_proba(scorer: Scorer, tiny_model: LoadedModel) -> None:
    texts = [t for t in TEXTS if t] + ["kratom " * 300, "zzz unseen words only"]
    classes = list(tiny_model.pipeline.classes_)
    expected = tiny_model.pipeline.predict_proba(texts)[:, [classes.index(label) for label in LABELS]]
    np.testing.assert_allclose(scorer.probabilities(texts), expected, rtol=0, atol=1e-9)


def test_evidence_is_exact(scorer: Scorer, tiny_model: LoadedModel) -> None:
    text = "Our gummies relieve arthritis pain overnight."
    features = scorer.vectorize([text])
    classifier = tiny_model.pipeline.named_steps["classifier"]
    order = [list(classifier.classes_).index(label) for label in LABELS]
    coef, intercept = classifier.coef_[order], classifier.intercept_[order]
    logits = (features @ coef.T)[0] + intercept
    for competitor in (0, 1):
        # Log-odds of unhedged against the competitor, minus its intercept part, is the sum of all terms.
        margin = logits[RISK_INDEX] - logits[competitor] - (intercept[RISK_INDEX] - intercept[competitor])
        terms = features.data * (coef[RISK_INDEX] - coef[competitor])[features.indices]
        assert terms.sum() == pytest.approx(margin, abs=1e-9)
        everything = scorer.evidence(features, 0, competitor, top=10_000)
        assert sum(t["contribution"] for t in everything) == pytest.approx(terms[terms > 0].sum(), abs=1e-9)
        top = scorer.evidence(features, 0, competitor)
        assert 0 < len(top) <= 5 and top == everything[: len(top)]
        assert [t["contribution"] for t in top] == sorted((t["contribution"] for t in top), reverse=True)


def test_batch_evidence_equals_a_plain_sort_per_row(scorer: Scorer) -> None:
    texts = [t for t in TEXTS if t] * 3 + ["kratom kratom kratom", "zzz unseen words only"]
    features = scorer._fast.transform_rows(texts)
    competitors = np.array([i % 2 for i in range(len(texts))])
    batch = scorer.evidence_rows(features, competitors)
    assert len(texts) > 2, "large enough for the vectorised path"
    for i, competitor in enumerate(competitors):
        lo, hi = features.indptr[i], features.indptr[i + 1]
        idx, val = features.indices[lo:hi], features.data[lo:hi]
        terms = val * scorer._evidence_weights[competitor][idx]
        # Largest first, ties in feature order: the plain, slow definition.
        expected = sorted((-c, int(j)) for c, j in zip(terms, idx, strict=True) if c > 0)[:5]
        names = scorer.feature_names
        assert batch[i] == [{"term": names[j], "contribution": -c} for c, j in expected]


def test_hedges_are_not_evidence_for_risk(scorer: Scorer) -> None:
    (result,) = scorer.score_documents([DocumentInput(text="The powder may ease arthritis pain for some people.")])
    (sentence,) = result["sentences"]
    assert sentence["label"] == "hedged_claim"
    assert "may" not in [e["term"] for e in sentence["evidence"]]


def test_documents(scorer: Scorer) -> None:
    docs = [DocumentInput(text=t, id=str(i)) for i, t in enumerate(TEXTS)]
    results = scorer.score_documents(docs, threshold=0.5)
    assert [r["id"] for r in results] == [str(i) for i in range(len(TEXTS))]
    for doc, result in zip(docs, results):
        for s in result["sentences"]:
            assert doc.text[s["start"] : s["end"]] == s["text"]
            assert 0.0 <= s["risk"] <= 1.0
            assert sum(s["probabilities"].values()) == pytest.approx(1.0)
            assert s["flagged"] == (s["risk"] >= 0.5)
            assert s["label"] == max(s["probabilities"], key=s["probabilities"].get)
        risks = [s["risk"] for s in result["sentences"]]
        assert result["risk"] == (max(risks) if risks else 0.0)
        assert sum(result["counts"].values()) == len(result["sentences"])
    empty = results[3]
    assert empty["sentences"] == [] and empty["risk"] == 0.0 and empty["label"] is None and not empty["flagged"]


def test_threshold_and_explain(scorer: Scorer) -> None:
    doc = [DocumentInput(text="Our gummies relieve arthritis pain overnight.")]
    everything = scorer.score_documents(doc, threshold=0.0)[0]
    assert everything["flagged"] and all(s["flagged"] for s in everything["sentences"])
    plain = scorer.score_documents(doc, explain=False)[0]
    assert all(s["evidence"] == [] for s in plain["sentences"])
    assert scorer.score_documents(doc)[0]["sentences"][0]["evidence"]


def test_claim_outranks_plain_text(scorer: Scorer) -> None:
    p = scorer.probabilities(["The balm heals eczema fast.", "Store in a cool dry place."])
    assert p[0, RISK_INDEX] > p[1, RISK_INDEX]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=400) | st.sampled_from(["a" * 100_000, "!?." * 3000, "\x00" * 50, "\u202eabc\u202c", ""]))
def test_any_text_gives_valid_offsets_and_finite_risks(scorer: Scorer, text: str) -> None:
    (result,) = scorer.score_documents([DocumentInput(text=text)])
    assert 0.0 <= result["risk"] <= 1.0 and math.isfinite(result["risk"])
    end = 0
    for s in result["sentences"]:
        assert end <= s["start"] < s["end"] <= len(text) and text[s["start"] : s["end"]] == s["text"]
        assert all(math.isfinite(p) and 0.0 <= p <= 1.0 for p in s["probabilities"].values())
        assert all(math.isfinite(e["contribution"]) for e in s["evidence"])
        end = s["end"]


def test_fast_features_equal_the_union(tiny_model: LoadedModel) -> None:
    from model.features import FastTfidf

    union = tiny_model.pipeline.named_steps["features"]
    fast = FastTfidf(union)
    assert fast.exact
    texts = [*TEXTS, "RELIEVES pain!! Relieves PAIN?", "can't won't doesn’t", "a" * 3000, "ΟΔΟΣ  Σ\u00a0x\u2028y"]
    for batch in (texts, texts * 30, list(reversed(texts))):  # the second and third pass hit the word cache
        ours, theirs = fast.transform(batch), union.transform(batch)
        assert ours.shape == theirs.shape
        np.testing.assert_allclose(ours.toarray(), theirs.toarray(), rtol=0, atol=1e-12)
