"""The artifact contract: save a fitted pipeline with its metadata, and load it fail-closed.

A model directory holds ``pipeline.joblib`` and ``metadata.json``. Loading
checks, in order, that the metadata is readable and complete, that the
installed scikit-learn is the one that wrote the artifact, that the artifact
exists and its sha256 matches the metadata, and only then unpickles it.
joblib unpickling can run code: load only model directories you trust.
"""

from __future__ import annotations

import hashlib
import json
import platform
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import joblib
import sklearn
from sklearn.pipeline import Pipeline

from model.labels import LABELS

__all__ = [
    "ARTIFACT_NAME",
    "METADATA_NAME",
    "DEFAULT_MODEL_DIR",
    "ArtifactError",
    "LoadedModel",
    "save_model",
    "load_model",
    "sha256_file",
]

ARTIFACT_NAME = "pipeline.joblib"
METADATA_NAME = "metadata.json"
MODEL_NAME = "claim-risk"
#: The committed model lives beside this module.
DEFAULT_MODEL_DIR = Path(__file__).resolve().parent

_REQUIRED_KEYS = (
    "name",
    "version",
    "created_at",
    "sklearn_version",
    "labels",
    "threshold",
    "artifact_sha256",
)


class ArtifactError(RuntimeError):
    """The model directory cannot be used; the message says what is wrong and how to fix it."""


@dataclass(frozen=True)
class LoadedModel:
    """A verified, fitted pipeline and the metadata it was saved with."""

    pipeline: Pipeline
    metadata: dict[str, Any]
    directory: Path

    @property
    def name(self) -> str:
        return str(self.metadata["name"])

    @property
    def version(self) -> str:
        return str(self.metadata["version"])

    @property
    def threshold(self) -> float:
        return float(self.metadata["threshold"])


def sha256_file(path: Path) -> str:
    """Return the hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def save_model(
    pipeline: Pipeline,
    directory: Path,
    *,
    threshold: float,
    hyperparameters: dict[str, Any],
    data_sha256: str,
    metrics: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Write ``pipeline.joblib`` and ``metadata.json`` into ``directory``.

    Returns
    -------
    dict
        The metadata as written.
    """
    classes = [str(c) for c in pipeline.classes_]
    if sorted(classes) != sorted(LABELS):
        raise ArtifactError(f"pipeline classes {classes} are not the label set {list(LABELS)}")
    _drop_stop_words(pipeline)
    directory.mkdir(parents=True, exist_ok=True)
    artifact = directory / ARTIFACT_NAME
    # Uncompressed pickles load fastest; stop_words_ is gone so they stay small.
    joblib.dump(pipeline, artifact, compress=0)
    created = datetime.now(UTC).replace(microsecond=0)
    artifact_sha = sha256_file(artifact)
    metadata: dict[str, Any] = {
        "name": MODEL_NAME,
        "version": f"{created:%Y.%m.%d}+{data_sha256[:8]}.{artifact_sha[:8]}",
        "created_at": created.isoformat(),
        "python_version": platform.python_version(),
        "sklearn_version": sklearn.__version__,
        "labels": list(LABELS),
        "risk_label": "unhedged_claim",
        "threshold": float(threshold),
        "hyperparameters": hyperparameters,
        "data_sha256": data_sha256,
        "artifact": ARTIFACT_NAME,
        "artifact_sha256": artifact_sha,
        "artifact_bytes": artifact.stat().st_size,
        "metrics": metrics or {},
    }
    metadata.update(extra or {})
    (directory / METADATA_NAME).write_text(json.dumps(metadata, indent=2, sort_keys=True) + "\n")
    return metadata


def read_metadata(directory: Path) -> dict[str, Any]:
    """Read and check ``metadata.json`` without touching the artifact."""
    path = directory / METADATA_NAME
    fix = "retrain with `make train` or restore the committed model/ directory"
    try:
        metadata = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ArtifactError(f"model metadata not found at {path}; {fix}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ArtifactError(f"model metadata at {path} is unreadable ({exc}); {fix}") from None
    if not isinstance(metadata, dict):
        raise ArtifactError(f"model metadata at {path} is not a JSON object; {fix}")
    missing = [key for key in _REQUIRED_KEYS if key not in metadata]
    if missing:
        raise ArtifactError(f"model metadata at {path} lacks {', '.join(missing)}; {fix}")
    if list(metadata["labels"]) != list(LABELS):
        raise ArtifactError(f"model labels {metadata['labels']} are not {list(LABELS)}; {fix}")
    return metadata


def load_model(directory: Path | str = DEFAULT_MODEL_DIR) -> LoadedModel:
    """Load and verify the model in ``directory``.

    Raises
    ------
    ArtifactError
        If anything about the directory is wrong; nothing is unpickled before
        the hash and version checks pass.
    """
    directory = Path(directory)
    metadata = read_metadata(directory)
    wanted = str(metadata["sklearn_version"])
    if wanted != sklearn.__version__:
        raise ArtifactError(
            f"model {metadata['version']} was saved with scikit-learn {wanted} but "
            f"{sklearn.__version__} is installed; install scikit-learn=={wanted} "
            "(the locked version) or retrain with `make train`"
        )
    artifact = directory / str(metadata.get("artifact", ARTIFACT_NAME))
    if not artifact.is_file():
        raise ArtifactError(f"model artifact not found at {artifact}; retrain with `make train`")
    actual = sha256_file(artifact)
    if actual != metadata["artifact_sha256"]:
        raise ArtifactError(
            f"model artifact {artifact} has sha256 {actual[:12]}… but the metadata expects "
            f"{str(metadata['artifact_sha256'])[:12]}…; the file is corrupt or was replaced: "
            "restore it (git checkout model/) or retrain with `make train`"
        )
    try:
        pipeline = joblib.load(artifact)
    except Exception as exc:  # a matching hash makes this rare, but never half-load
        raise ArtifactError(f"model artifact {artifact} could not be loaded: {exc}") from exc
    if not isinstance(pipeline, Pipeline) or sorted(map(str, pipeline.classes_)) != sorted(LABELS):
        raise ArtifactError(f"model artifact {artifact} is not a claim-risk pipeline")
    return LoadedModel(pipeline=pipeline, metadata=metadata, directory=directory)


def _drop_stop_words(pipeline: Pipeline) -> None:
    """Remove the fitted ``stop_words_`` sets: only kept for introspection, often large."""
    for _, transformer in pipeline.named_steps["features"].transformer_list:
        if hasattr(transformer, "stop_words_"):
            del transformer.stop_words_
