"""Schema-driven fuzzing of the HTTP API from its own OpenAPI document (schemathesis), bounded.

Every generated request, valid or not, must get no 5xx, a response that matches the documented
schema, and, for a 4xx, an error body naming the problem.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings

from app.config import Settings
from app.main import create_app
from tests.conftest import fit_tiny_model

_MODEL_DIR = Path(__import__("tempfile").mkdtemp(prefix="claim-risk-fuzz-"))
fit_tiny_model(_MODEL_DIR)
APP: FastAPI = create_app(Settings(model_dir=_MODEL_DIR, max_documents=16, max_document_chars=2000))
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@pytest.fixture(scope="module", autouse=True)
def started() -> Iterator[None]:
    with TestClient(APP):  # runs the lifespan: the model is loaded before any case
        yield


@schema.parametrize()
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms(case: schemathesis.Case) -> None:
    response = case.call()
    code = response.json().get("error", {}).get("code") if response.status_code >= 400 else None
    if response.status_code == 422 and code == "duplicate_id":
        # Unique ids across items cannot be said in JSON Schema; the refusal is documented instead.
        case.validate_response(response, excluded_checks=[schemathesis.checks.positive_data_acceptance])
    elif response.status_code == 413 and code in ("too_many_documents", "document_too_long"):
        # Over a published maxItems / maxLength: rejected, with the documented 413 (not in
        # schemathesis' default list of rejection codes).
        case.validate_response(response, excluded_checks=[schemathesis.checks.negative_data_rejection])
    else:
        case.validate_response(response)
    assert response.status_code < 500
    if response.status_code >= 400:
        error = response.json()["error"]
        assert error["message"] and error["code"]
