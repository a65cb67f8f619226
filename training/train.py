"""From a validated corpus to a saved, evaluated model: the steps `make train` runs.

select (grouped CV on train) → fit on train → calibrate and choose the
threshold on dev → evaluate on dev and test → save the artifact with its
metadata → write the report and the model card.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.pipeline import Pipeline

from model.artifact import DEFAULT_MODEL_DIR, LoadedModel, load_model, save_model
from model.labels import LABELS, RISK_INDEX, RISK_LABEL
from model.pipeline import Hyperparameters, build_pipeline
from model.scorer import Scorer
from training import evaluate
from training.corpus import DATA_DIR, Corpus, data_sha256, groups_of, validate_corpus
from training.select import select

__all__ = ["TrainResult", "fit", "train", "apply_temperature", "predict"]

REPORT_DIR = Path(__file__).resolve().parent.parent / "docs" / "evaluation"


@dataclass
class TrainResult:
    """What a training run produced; the CLI and the notebook both print from it."""

    pipeline: Pipeline
    params: Hyperparameters
    temperature: float
    threshold: float
    metrics: dict[str, Any]
    cv_results: list[dict[str, Any]]
    dev_errors: list[dict[str, Any]]
    top_features: dict[str, Any]
    probabilities: dict[str, NDArray[np.float64]] = field(default_factory=dict)
    gold: dict[str, list[str]] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)


def fit(records: list[dict[str, Any]], params: Hyperparameters) -> Pipeline:
    """Fit the one pipeline on ``records``."""
    pipeline = build_pipeline(params)
    pipeline.fit([r["text"] for r in records], [r["label"] for r in records])
    return pipeline


def predict(pipeline: Pipeline, texts: list[str]) -> NDArray[np.float64]:
    """Probabilities in ``LABELS`` order."""
    classes = list(map(str, pipeline.classes_))
    return np.asarray(pipeline.predict_proba(texts))[:, [classes.index(label) for label in LABELS]]


def apply_temperature(pipeline: Pipeline, temperature: float) -> None:
    """Scale the classifier in place: softmax(z / T) stays a linear model."""
    classifier = pipeline.named_steps["classifier"]
    classifier.coef_ = classifier.coef_ / temperature
    classifier.intercept_ = classifier.intercept_ / temperature


def _logits(pipeline: Pipeline, texts: list[str]) -> NDArray[np.float64]:
    classes = list(map(str, pipeline.classes_))
    scores = np.asarray(pipeline.decision_function(texts))
    return scores[:, [classes.index(label) for label in LABELS]]


def train(
    *,
    data_dir: Path = DATA_DIR,
    params: Hyperparameters | None = None,
    search: str = "full",
    n_jobs: int = 2,
    corpus: Corpus | None = None,
) -> TrainResult:
    """Run selection (unless ``params`` is given), fitting, calibration and evaluation.

    Parameters
    ----------
    params : Hyperparameters, optional
        Skip the search and use these (how a retrain reproduces a model).
    search : {"full", "small"}
        The grid to search when ``params`` is not given; "small" is one
        setting, for tests and quick notebook runs.
    """
    from training import select as selection

    corpus = corpus or validate_corpus(data_dir)
    train_rows, dev_rows, test_rows = corpus.split("train"), corpus.split("dev"), corpus.split("test")
    cv_results: list[dict[str, Any]] = []
    if params is None:
        grids = {
            "full": (selection.FEATURE_GRID, selection.CLASSIFIER_GRID),
            "small": (selection.SMALL_FEATURE_GRID, selection.SMALL_CLASSIFIER_GRID),
        }[search]
        params, cv_results = select(
            train_rows, groups_of(train_rows), feature_grid=grids[0], classifier_grid=grids[1], n_jobs=n_jobs
        )
    pipeline = fit(train_rows, params)

    dev_texts = [r["text"] for r in dev_rows]
    dev_y = np.asarray([LABELS.index(r["label"]) for r in dev_rows])
    temperature = evaluate.fit_temperature(_logits(pipeline, dev_texts), dev_y)
    dev_before = predict(pipeline, dev_texts)
    brier_before = float(np.mean((dev_before[:, RISK_INDEX] - (dev_y == RISK_INDEX)) ** 2))
    scaled = copy.deepcopy(pipeline)
    apply_temperature(scaled, temperature)
    dev_after = predict(scaled, dev_texts)
    brier_after = float(np.mean((dev_after[:, RISK_INDEX] - (dev_y == RISK_INDEX)) ** 2))
    # Calibrate only if it helps the risk's Brier score on dev.
    if brier_after < brier_before:
        pipeline, dev_probs = scaled, dev_after
    else:
        temperature, dev_probs = 1.0, dev_before

    dev_risky = [r["label"] == RISK_LABEL for r in dev_rows]
    threshold = evaluate.choose_threshold(dev_risky, dev_probs[:, RISK_INDEX])
    high_recall = evaluate.choose_threshold(dev_risky, dev_probs[:, RISK_INDEX], min_recall=0.95)
    test_probs = predict(pipeline, [r["text"] for r in test_rows])
    metrics = {
        "threshold_rule": "maximises unhedged-claim F1 on dev",
        "high_recall_threshold": high_recall,
        "temperature": temperature,
        "dev_brier_uncalibrated": brier_before,
        "dev_brier_calibrated": brier_after,
        "cv": cv_results[0] if cv_results else None,
        "dev": evaluate.classification_metrics([r["label"] for r in dev_rows], dev_probs, threshold),
        "test": evaluate.classification_metrics([r["label"] for r in test_rows], test_probs, threshold),
        "test_reliability": evaluate.reliability_bins(
            [r["label"] == RISK_LABEL for r in test_rows], test_probs[:, RISK_INDEX]
        ),
        "sizes": {"train": len(train_rows), "dev": len(dev_rows), "test": len(test_rows)},
    }
    return TrainResult(
        pipeline=pipeline,
        params=params,
        temperature=temperature,
        threshold=threshold,
        metrics=metrics,
        cv_results=cv_results,
        dev_errors=evaluate.worst_errors(dev_rows, dev_probs, limit=30),
        top_features=evaluate.top_features(pipeline),
        probabilities={"dev": dev_probs, "test": test_probs},
        gold={"dev": [r["label"] for r in dev_rows], "test": [r["label"] for r in test_rows]},
    )


def save(
    result: TrainResult,
    *,
    data_dir: Path = DATA_DIR,
    model_dir: Path = DEFAULT_MODEL_DIR,
    external: dict[str, Any] | None = None,
) -> LoadedModel:
    """Save the artifact and metadata, then load it back through the verifying loader."""
    metrics = dict(result.metrics)
    if external:
        metrics["external"] = external
    result.metadata = save_model(
        result.pipeline,
        model_dir,
        threshold=result.threshold,
        hyperparameters=result.params.to_dict(),
        data_sha256=data_sha256(data_dir),
        metrics=metrics,
        extra={"temperature": result.temperature},
    )
    loaded = load_model(model_dir)
    check = Scorer(loaded).probabilities([r["text"] for r in result.dev_errors[:5]] or ["kratom"])
    assert np.all(np.isfinite(check))
    return loaded
