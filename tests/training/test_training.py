"""Training functions on small real inputs: selection, thresholds, calibration, saving."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from model.artifact import load_model
from model.labels import LABELS
from model.scorer import Scorer
from training import evaluate
from training.corpus import groups_of, validate_corpus
from training.select import select
from training.train import apply_temperature, fit, predict, save, train


def test_choose_threshold() -> None:
    y = [False, False, True, True, True]
    risk = np.array([0.1, 0.6, 0.55, 0.8, 0.9])
    assert evaluate.choose_threshold(y, risk) == pytest.approx(0.55)
    assert evaluate.choose_threshold(y, risk, min_recall=0.66) == pytest.approx(0.8)


def test_binary_metrics() -> None:
    m = evaluate.binary_risk_metrics([True, False, True, False], np.array([0.9, 0.8, 0.2, 0.1]), 0.5)
    assert (m["precision"], m["recall"], m["f1"]) == (0.5, 0.5, 0.5)
    assert m["roc_auc"] == pytest.approx(0.75)


def test_fit_temperature_recovers_a_known_scale() -> None:
    rng = np.random.default_rng(0)
    true_logits = rng.normal(size=(4000, 3)) * 2
    p = np.exp(true_logits) / np.exp(true_logits).sum(axis=1, keepdims=True)
    y = np.array([rng.choice(3, p=row) for row in p])
    assert evaluate.fit_temperature(true_logits * 3.0, y) == pytest.approx(3.0, rel=0.1)


def test_select_and_save_on_a_slice(tmp_path: Path) -> None:
    corpus = validate_corpus()
    rows = corpus.split("train")[:600]
    params, results = select(
        rows,
        groups_of(rows),
        feature_grid=[{"word_ngram_max": 1, "use_char": False}],
        classifier_grid=[{"C": 1.0, "class_weight": "balanced"}, {"C": 10.0, "class_weight": "balanced"}],
        folds=3,
        n_jobs=1,
    )
    assert len(results) == 2 and results[0]["pr_auc"] >= results[1]["pr_auc"]
    assert params.C in (1.0, 10.0) and 0.5 < results[0]["pr_auc"] <= 1.0
    pipeline = fit(rows, params)
    probs = predict(pipeline, ["Our capsules cure insomnia."])
    before = probs.copy()
    apply_temperature(pipeline, 2.0)
    after = predict(pipeline, ["Our capsules cure insomnia."])
    assert after.argmax() == before.argmax() and after.max() < before.max()


@pytest.mark.slow
def test_small_training_run_saves_a_loadable_model(tmp_path: Path) -> None:
    result = train(search="small")
    assert set(result.metrics) >= {"dev", "test", "cv", "high_recall_threshold"}
    assert result.metrics["test"]["n"] == len(result.gold["test"])
    loaded = save(result, model_dir=tmp_path)
    scorer = Scorer(loaded)
    claim, plain = "Our capsules cure insomnia and relieve back pain.", "Store the bottle in a cool, dry place."
    probs = scorer.probabilities([claim, plain])
    assert probs.shape == (2, len(LABELS))
    assert probs[0, 2] > probs[1, 2]
    assert load_model(tmp_path).metadata["metrics"]["test"] == result.metrics["test"]
