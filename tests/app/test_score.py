"""POST /score through the real app: shapes, offsets, options and every documented error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.app.conftest import make_client

TEXT = "Our gummies relieve arthritis pain overnight. Some say the tea may help with nausea. Ships fast."


def test_batch_in_order_with_offsets(client: TestClient) -> None:
    docs = [{"id": "b", "text": TEXT}, {"id": "a", "text": ""}, {"id": "c", "text": "Store it dry."}]
    r = client.post("/score", json={"documents": docs})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["model"]["name"] == "claim-risk" and body["model"]["version"]
    assert body["threshold"] == 0.5
    assert [res["id"] for res in body["results"]] == ["b", "a", "c"]
    first = body["results"][0]
    assert len(first["sentences"]) == 3
    for s in first["sentences"]:
        assert TEXT[s["start"] : s["end"]] == s["text"]
        assert set(s["probabilities"]) == {"no_claim", "hedged_claim", "unhedged_claim"}
        assert s["risk"] == s["probabilities"]["unhedged_claim"]
        for e in s["evidence"]:
            assert e["contribution"] > 0 and isinstance(e["term"], str)
    assert first["risk"] == max(s["risk"] for s in first["sentences"])
    assert first["counts"] == {
        label: sum(s["label"] == label for s in first["sentences"])
        for label in ("no_claim", "hedged_claim", "unhedged_claim")
    }
    empty = body["results"][1]
    assert empty == {
        "id": "a",
        "risk": 0.0,
        "flagged": False,
        "label": None,
        "counts": {"no_claim": 0, "hedged_claim": 0, "unhedged_claim": 0},
        "sentences": [],
    }


def test_text_shorthand_threshold_and_explain(client: TestClient) -> None:
    r = client.post("/score", json={"text": TEXT, "threshold": 0.0, "explain": False})
    assert r.status_code == 200
    body = r.json()
    assert body["threshold"] == 0.0
    (result,) = body["results"]
    assert result["id"] is None and result["flagged"]
    assert all(s["flagged"] and s["evidence"] == [] for s in result["sentences"])
    r = client.post("/score", json={"text": TEXT, "threshold": 1.0})
    assert not r.json()["results"][0]["flagged"]


def test_lone_surrogate_round_trips(client: TestClient) -> None:
    raw = b'{"text": "It heals eczema \\ud800 fast."}'
    r = client.post("/score", content=raw, headers={"content-type": "application/json"})
    assert r.status_code == 200
    sentence = r.json()["results"][0]["sentences"][0]
    assert sentence["text"] == "It heals eczema \ud800 fast."


def error(r: object) -> dict[str, object]:
    body = r.json()  # type: ignore[attr-defined]
    assert set(body) == {"error", "request_id"}
    return body["error"]  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "body"),
        ({"documents": [], "text": "x"}, "body"),
        ({"documents": "text"}, "documents"),
        ({"documents": [{"id": "1"}]}, "documents[0].text"),
        ({"documents": [{"id": "1", "text": 5}]}, "documents[0].text"),
        ({"documents": [{"id": 7, "text": "x"}]}, "documents[0].id"),
        ({"documents": [{"id": "1", "text": "x", "lang": "en"}]}, "documents[0].lang"),
        ({"text": "x", "threshold": -1}, "threshold"),
        ({"text": "x", "threshold": 2}, "threshold"),
        ({"text": "x", "threshold": "0.5"}, "threshold"),
        ({"text": "x", "explain": "yes"}, "explain"),
        ({"text": None}, "body"),
        ({"text": "x", "colour": "red"}, "colour"),
    ],
)
def test_malformed_requests_name_the_field(client: TestClient, payload: object, field: str) -> None:
    r = client.post("/score", json=payload)
    assert r.status_code == 422, r.text
    err = error(r)
    assert err["code"] == "invalid_request"
    assert field in [f["field"] for f in err["fields"]], err  # type: ignore[union-attr]
    assert field in str(err["message"])


@pytest.mark.parametrize(
    "raw", [b"{not json", b"", b"[1, 2", b'{"text": "x", "threshold": NaN}', b"\xff\xfe{}", b"[" * 5000 + b"]" * 5000]
)
def test_invalid_json(client: TestClient, raw: bytes) -> None:
    r = client.post("/score", content=raw, headers={"content-type": "application/json"})
    assert r.status_code == 422
    assert error(r)["fields"]


def test_duplicate_ids(client: TestClient) -> None:
    r = client.post("/score", json={"documents": [{"id": "x", "text": "a"}, {"id": "x", "text": "b"}]})
    assert r.status_code == 422
    err = error(r)
    assert err["code"] == "duplicate_id" and err["fields"][0]["field"] == "documents[1].id"  # type: ignore[index]


def test_wrong_content_type(client: TestClient) -> None:
    r = client.post("/score", content=b"text=hello", headers={"content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 415
    assert error(r)["fields"][0]["field"] == "Content-Type"  # type: ignore[index]


def test_limits(tiny_model_dir: Path) -> None:
    with make_client(tiny_model_dir, max_body_bytes=2000, max_documents=3, max_document_chars=50) as c:
        r = c.post("/score", json={"text": "x" * 3000})
        assert r.status_code == 413 and error(r)["code"] == "body_too_large"
        r = c.post("/score", json={"documents": [{"text": "a"}] * 4})
        assert r.status_code == 413 and error(r)["fields"][0]["field"] == "documents"  # type: ignore[index]
        r = c.post("/score", json={"documents": [{"text": "a"}, {"text": "b" * 51}]})
        assert r.status_code == 413 and error(r)["fields"][0]["field"] == "documents[1].text"  # type: ignore[index]
        r = c.post("/score", json={"text": "b" * 51})
        assert r.status_code == 413 and error(r)["fields"][0]["field"] == "text"  # type: ignore[index]
        assert c.post("/score", json={"documents": [{"text": "a" * 50}] * 3}).status_code == 200
        assert c.get("/model").json()["limits"] == {
            "max_body_bytes": 2000,
            "max_documents": 3,
            "max_document_chars": 50,
        }


def test_streamed_body_over_limit_is_refused(tiny_model_dir: Path) -> None:
    def chunks():  # type: ignore[no-untyped-def]
        for _ in range(100):
            yield b" " * 1000

    with make_client(tiny_model_dir, max_body_bytes=5000) as c:
        r = c.post("/score", content=chunks(), headers={"content-type": "application/json"})
        assert r.status_code == 413


def test_unknown_route_and_method(client: TestClient) -> None:
    assert error(client.get("/nope"))["code"] == "not_found"
    assert client.get("/score").status_code == 405


def test_request_id_is_echoed(client: TestClient) -> None:
    r = client.post("/score", json={"text": "x"}, headers={"x-request-id": "abc-123"})
    assert r.headers["x-request-id"] == "abc-123"
    bad = client.post("/score", json={}, headers={"x-request-id": "req-9"})
    assert bad.json()["request_id"] == "req-9"


def test_response_is_compact_json(client: TestClient) -> None:
    r = client.post("/score", json={"text": TEXT})
    assert r.headers["content-type"].startswith("application/json")
    assert json.loads(r.content)["results"]
