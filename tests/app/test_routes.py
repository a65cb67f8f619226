"""/health, /model, /metrics, /docs, API keys, logs and start-up faults."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import StartupError, create_app
from model.artifact import ARTIFACT_NAME, METADATA_NAME
from tests.app.conftest import make_client


def test_health(client: TestClient) -> None:
    r = client.get("/health")
    assert r.status_code == 200
    assert r.json()["status"] == "ok" and r.json()["model_version"]


def test_model_info(client: TestClient) -> None:
    body = client.get("/model").json()
    assert body["name"] == "claim-risk"
    assert body["labels"] == ["no_claim", "hedged_claim", "unhedged_claim"]
    assert body["threshold"] == 0.5 and body["limits"]["max_documents"] == 256


def test_metrics(client: TestClient) -> None:
    client.post("/score", json={"text": "It heals eczema. Ships fast."})
    client.post("/score", json={})
    text = client.get("/metrics").text
    assert 'claim_risk_requests_total{method="POST",route="/score",status="200"} 1' in text
    assert 'claim_risk_requests_total{method="POST",route="/score",status="422"} 1' in text
    assert "claim_risk_sentences_scored_total 2" in text
    assert 'claim_risk_sentence_risk_bucket{le="+Inf"} 2' in text
    assert 'claim_risk_request_duration_seconds_bucket{route="/score",le="+Inf"} 2' in text


def test_openapi_documents_score(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    post = spec["paths"]["/score"]["post"]
    assert post["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/ScoreRequest")
    assert "ScoreRequest" in spec["components"]["schemas"] and "Document" in spec["components"]["schemas"]
    assert {"200", "413", "415", "422"} <= set(post["responses"])
    assert client.get("/docs").status_code == 200


def test_openapi_publishes_this_servers_limits(tiny_model_dir: Path) -> None:
    with make_client(tiny_model_dir, max_documents=7, max_document_chars=99) as c:
        schemas = c.get("/openapi.json").json()["components"]["schemas"]
        assert schemas["ScoreRequest"]["properties"]["documents"]["maxItems"] == 7
        assert schemas["ScoreRequest"]["properties"]["text"]["maxLength"] == 99
        assert schemas["Document"]["properties"]["text"]["maxLength"] == 99
        refused = c.post("/score", json={"documents": [{"text": "x"}] * 8})
        assert refused.status_code == 413


def test_api_keys(tiny_model_dir: Path) -> None:
    with make_client(tiny_model_dir, api_keys="k-one, k-two") as c:
        assert c.get("/health").status_code == 200
        for path in ("/model", "/metrics", "/docs", "/openapi.json"):
            assert c.get(path).status_code == 401
        r = c.post("/score", json={"text": "x"}, headers={"authorization": "Bearer wrong"})
        assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
        assert "k-one" not in r.text and "k-two" not in r.text
        assert c.post("/score", json={"text": "x"}, headers={"authorization": "Bearer k-two"}).status_code == 200
        assert c.get("/model", headers={"authorization": "bearer k-one"}).status_code == 200


def test_logs_are_json_without_text(client: TestClient, capfd: pytest.CaptureFixture[str]) -> None:
    client.post("/score", json={"text": "SECRET-PATIENT-TEXT heals eczema."}, headers={"x-request-id": "r1"})
    err = capfd.readouterr().err
    lines = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    request = [entry for entry in lines if entry.get("event") == "request" and entry.get("request_id") == "r1"]
    assert request and request[0]["status"] == 200 and request[0]["sentences"] == 1
    assert request[0]["model_version"] and request[0]["duration_ms"] >= 0
    assert "SECRET-PATIENT-TEXT" not in err


def test_startup_log_says_open(tiny_model_dir: Path, capfd: pytest.CaptureFixture[str]) -> None:
    with make_client(tiny_model_dir):
        pass
    assert "open: no API keys configured" in capfd.readouterr().err


@pytest.mark.parametrize("breakage", ["missing", "truncated", "metadata", "version"])
def test_broken_model_stops_startup(
    tiny_model_dir: Path, tmp_path: Path, breakage: str, capfd: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "model"
    shutil.copytree(tiny_model_dir, broken)
    if breakage == "missing":
        (broken / ARTIFACT_NAME).unlink()
    elif breakage == "truncated":
        (broken / ARTIFACT_NAME).write_bytes(b"\x80\x04 truncated")
    elif breakage == "metadata":
        (broken / METADATA_NAME).write_text("{")
    else:
        meta = json.loads((broken / METADATA_NAME).read_text())
        meta["sklearn_version"] = "1.0.0"
        (broken / METADATA_NAME).write_text(json.dumps(meta))
    with pytest.raises(StartupError), TestClient(create_app(Settings(model_dir=broken))):
        pass
    failed = [
        json.loads(line)
        for line in capfd.readouterr().err.splitlines()
        if line.startswith("{") and "startup_failed" in line
    ]
    assert len(failed) == 1 and failed[0]["level"] == "critical"
    assert "make train" in failed[0]["reason"] or "scikit-learn" in failed[0]["reason"]
    logging.getLogger("claim_risk").handlers.clear()
