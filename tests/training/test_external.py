"""External evaluation on ../shared/: skipped with a reason when it is absent (a fresh clone)."""

from __future__ import annotations

import pytest

from model.artifact import DEFAULT_MODEL_DIR, load_model
from model.scorer import Scorer
from training.external import SHARED_MISSING, evaluate_corpora, evaluate_seeds, shared_dir

SHARED = shared_dir()
needs_shared = pytest.mark.skipif(SHARED is None, reason=SHARED_MISSING)


@pytest.fixture(scope="module")
def scorer() -> Scorer:
    return Scorer(load_model(DEFAULT_MODEL_DIR))


@needs_shared
def test_seeds(scorer: Scorer) -> None:
    assert SHARED is not None
    result = evaluate_seeds(scorer.probabilities, SHARED, scorer.threshold)
    assert result["n"] == 211
    assert sum(map(sum, result["confusion_matrix"])) == 211
    # Far better than chance on text it never saw (a loose floor; the figures are in the model card).
    assert result["risk"]["pr_auc"] > 0.4 and result["macro_f1"] > 0.4


@needs_shared
def test_corpora(scorer: Scorer) -> None:
    assert SHARED is not None
    results = evaluate_corpora(scorer.probabilities, SHARED, scorer.threshold)
    assert set(results) == {
        "causal-language-pubmed",
        "claim-strength-eureka",
        "health-advice-pubmed",
        "cw-cure-tweets",
        "sci-exaggeration-insciout",
        "conll2010-wiki-weasel",
    }
    assert results["causal-language-pubmed"]["three_class_without_correlational"]["n"] == 3061 - 998
    assert results["cw-cure-tweets"]["claim_vs_not"]["n"] == 3266
    assert 0.5 < results["conll2010-wiki-weasel"]["hedged_auc"] <= 1.0
