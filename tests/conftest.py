"""Shared fixtures: a tiny real model, fitted and saved in a temporary directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from model.artifact import LoadedModel, load_model, save_model
from model.pipeline import Hyperparameters, build_pipeline

# Written for the tests; small enough to fit in milliseconds, varied enough
# that every label is learned.
TINY_CORPUS = [
    ("Our capsules relieve chronic back pain in days.", "unhedged_claim"),
    ("This tincture cures insomnia for good.", "unhedged_claim"),
    ("The balm heals eczema and stops the itch.", "unhedged_claim"),
    ("Elderberry syrup knocks out the flu fast.", "unhedged_claim"),
    ("Studies prove the extract lowers blood pressure.", "unhedged_claim"),
    ("Relieves joint pain fast.", "unhedged_claim"),
    ("It works like morphine without the addiction.", "unhedged_claim"),
    ("A natural remedy for anxiety that really works.", "unhedged_claim"),
    ("The powder may ease arthritis pain for some people.", "hedged_claim"),
    ("Some users report the oil might help with migraines.", "hedged_claim"),
    ("Preliminary research suggests it could reduce inflammation.", "hedged_claim"),
    ("Can turmeric help with depression?", "hedged_claim"),
    ("The tea is traditionally used to calm an upset stomach.", "hedged_claim"),
    ("It shows promise for opioid withdrawal.", "hedged_claim"),
    ("The herb is thought to possibly lower blood sugar.", "hedged_claim"),
    ("Kratom for anxiety: what we know.", "hedged_claim"),
    ("The leaves are harvested in Southeast Asia.", "no_claim"),
    ("Store the bottle in a cool, dry place.", "no_claim"),
    ("Side effects can include nausea and dizziness.", "no_claim"),
    ("There is no evidence that the supplement treats cancer.", "no_claim"),
    ("Consult your doctor before use.", "no_claim"),
    ("This product is not intended to diagnose or treat any disease.", "no_claim"),
    ("Free shipping on orders over fifty dollars.", "no_claim"),
    ("It promotes a sense of calm and relaxation.", "no_claim"),
]


def fit_tiny_model(directory: Path, threshold: float = 0.5) -> LoadedModel:
    """Fit the real pipeline on TINY_CORPUS and save it through the real artifact code."""
    params = Hyperparameters(use_char=True, char_min_df=1, C=10.0)
    pipeline = build_pipeline(params)
    pipeline.fit([t for t, _ in TINY_CORPUS], [label for _, label in TINY_CORPUS])
    save_model(
        pipeline,
        directory,
        threshold=threshold,
        hyperparameters=params.to_dict(),
        data_sha256="0" * 64,
        metrics={"note": "tiny test model"},
    )
    return load_model(directory)


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("tiny-model")
    fit_tiny_model(directory)
    return directory


@pytest.fixture(scope="session")
def tiny_model(tiny_model_dir: Path) -> LoadedModel:
    return load_model(tiny_model_dir)
