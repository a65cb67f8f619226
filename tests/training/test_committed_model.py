"""Guards on the committed artifact: it loads, it is fresh, it is small, and retraining reproduces it."""

from __future__ import annotations

import time

import pytest

from model.artifact import ARTIFACT_NAME, DEFAULT_MODEL_DIR, load_model
from model.pipeline import Hyperparameters
from training.corpus import DATA_DIR, data_sha256
from training.train import train


@pytest.fixture(scope="module")
def committed():  # type: ignore[no-untyped-def]
    return load_model(DEFAULT_MODEL_DIR)


def test_loads_and_is_described(committed) -> None:  # type: ignore[no-untyped-def]
    meta = committed.metadata
    assert 0.0 < committed.threshold < 1.0
    for key in ("hyperparameters", "metrics", "data_sha256", "python_version", "created_at", "temperature"):
        assert key in meta
    card = (DEFAULT_MODEL_DIR / "CARD.md").read_text()
    assert meta["version"] in card


def test_trained_on_the_current_data(committed) -> None:  # type: ignore[no-untyped-def]
    assert committed.metadata["data_sha256"] == data_sha256(DATA_DIR), (
        "data/ changed since the committed model was trained: run `make train`"
    )


def test_artifact_size_and_load_time() -> None:
    assert (DEFAULT_MODEL_DIR / ARTIFACT_NAME).stat().st_size < 20 * 1024 * 1024
    started = time.perf_counter()
    load_model(DEFAULT_MODEL_DIR)
    # A loose guard only; the measured figure is in docs/benchmarks.md.
    assert time.perf_counter() - started < 10


@pytest.mark.slow
def test_retraining_reproduces_the_metrics(committed) -> None:  # type: ignore[no-untyped-def]
    meta = committed.metadata
    result = train(params=Hyperparameters.from_dict(meta["hyperparameters"]))
    assert result.threshold == pytest.approx(meta["threshold"], abs=1e-12)
    assert result.temperature == pytest.approx(meta["temperature"], abs=1e-12)
    for split in ("dev", "test"):
        ours, theirs = result.metrics[split], meta["metrics"][split]
        assert ours["confusion_matrix"] == theirs["confusion_matrix"]
        assert ours["risk"]["pr_auc"] == pytest.approx(theirs["risk"]["pr_auc"], abs=1e-9)
        assert ours["macro_f1"] == pytest.approx(theirs["macro_f1"], abs=1e-12)
