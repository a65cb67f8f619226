"""An app over the tiny model, built with explicit settings (no environment, no globals)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app


def make_client(model_dir: Path, **overrides: object) -> TestClient:
    settings = Settings(model_dir=model_dir, **overrides)  # type: ignore[arg-type]
    return TestClient(create_app(settings))


@pytest.fixture
def client(tiny_model_dir: Path) -> Iterator[TestClient]:
    with make_client(tiny_model_dir) as c:
        yield c
