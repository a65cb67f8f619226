"""The artifact contract fails closed: every broken model directory is refused with a clear message."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import sklearn

from model.artifact import ARTIFACT_NAME, METADATA_NAME, ArtifactError, load_model, sha256_file


@pytest.fixture
def model_copy(tiny_model_dir: Path, tmp_path: Path) -> Path:
    target = tmp_path / "model"
    shutil.copytree(tiny_model_dir, target)
    return target


def edit_metadata(directory: Path, **changes: object) -> None:
    path = directory / METADATA_NAME
    meta = json.loads(path.read_text())
    meta.update(changes)
    path.write_text(json.dumps(meta))


def test_round_trip(model_copy: Path) -> None:
    loaded = load_model(model_copy)
    meta = loaded.metadata
    assert meta["artifact_sha256"] == sha256_file(model_copy / ARTIFACT_NAME)
    assert meta["sklearn_version"] == sklearn.__version__
    assert meta["labels"] == ["no_claim", "hedged_claim", "unhedged_claim"]
    assert loaded.threshold == 0.5
    for key in ("version", "created_at", "python_version", "hyperparameters", "data_sha256", "metrics"):
        assert key in meta
    assert not hasattr(loaded.pipeline.named_steps["features"].transformer_list[0][1], "stop_words_")


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(ArtifactError, match=r"metadata not found.*make train"):
        load_model(tmp_path / "nowhere")


def test_unreadable_metadata(model_copy: Path) -> None:
    (model_copy / METADATA_NAME).write_text("{not json")
    with pytest.raises(ArtifactError, match="unreadable"):
        load_model(model_copy)


def test_metadata_missing_keys(model_copy: Path) -> None:
    (model_copy / METADATA_NAME).write_text(json.dumps({"name": "claim-risk"}))
    with pytest.raises(ArtifactError, match="lacks version"):
        load_model(model_copy)


def test_missing_artifact(model_copy: Path) -> None:
    (model_copy / ARTIFACT_NAME).unlink()
    with pytest.raises(ArtifactError, match="artifact not found"):
        load_model(model_copy)


def test_truncated_artifact(model_copy: Path) -> None:
    path = model_copy / ARTIFACT_NAME
    path.write_bytes(path.read_bytes()[:1000])
    with pytest.raises(ArtifactError, match=r"sha256.*corrupt or was replaced"):
        load_model(model_copy)


def test_wrong_hash(model_copy: Path) -> None:
    edit_metadata(model_copy, artifact_sha256="f" * 64)
    with pytest.raises(ArtifactError, match="sha256"):
        load_model(model_copy)


def test_other_sklearn_version(model_copy: Path) -> None:
    edit_metadata(model_copy, sklearn_version="0.24.2")
    with pytest.raises(ArtifactError, match=r"scikit-learn 0\.24\.2 but .* is installed"):
        load_model(model_copy)


def test_wrong_labels(model_copy: Path) -> None:
    edit_metadata(model_copy, labels=["yes", "no"])
    with pytest.raises(ArtifactError, match="labels"):
        load_model(model_copy)
