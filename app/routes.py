"""HTTP routes: translate requests into scorer calls and results into JSON. Nothing else."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from anyio import to_thread
from fastapi import APIRouter, Request, Response
from pydantic import ValidationError

from app.config import Settings
from app.errors import ApiError, validation_fields
from app.metrics import Metrics
from app.schemas import SCORE_EXAMPLE, ErrorResponse, HealthResponse, ModelInfo, ScoreRequest, ScoreResponse
from model.labels import RISK_LABEL
from model.render import render_results
from model.scorer import DocumentInput, Scorer

__all__ = ["router", "ERROR_RESPONSES"]

router = APIRouter()

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "API keys are configured and none valid was sent", "model": ErrorResponse},
    413: {"description": "body, document count or document length over the published limits", "model": ErrorResponse},
    415: {"description": "the body is not JSON", "model": ErrorResponse},
    422: {"description": "malformed request; `error.fields` names each offending field", "model": ErrorResponse},
}
# Units of work above this many characters run in a worker thread, so a
# large request does not hold the event loop (and /health) while it is scored.
_INLINE_CHARS = 20_000


@dataclass(frozen=True)
class Services:
    """What the lifespan loaded, typed. Read per request from ``app.state``.

    Not FastAPI ``Depends``: measured at ~130 µs per dependency per request in this FastAPI
    version (three of them cost more than scoring a sentence); a plain accessor costs nothing.
    """

    scorer: Scorer
    settings: Settings
    metrics: Metrics


def services(request: Request) -> Services:
    state = request.app.state
    return Services(scorer=state.scorer, settings=state.settings, metrics=state.metrics)


def _score_json(model: dict[str, str], threshold: float, results: list[dict[str, Any]]) -> bytes:
    """The /score body: results rendered by template (model/render.py), the rest by json."""
    head = json.dumps(model, ensure_ascii=False, separators=(",", ":"))
    cut = json.dumps(threshold, allow_nan=False)
    text = f'{{"model":{head},"threshold":{cut},"results":{render_results(results)}}}'
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        # Lone surrogates in the input: escape them so the JSON stays valid and exact.
        content = {"model": model, "threshold": threshold, "results": results}
        return json.dumps(content, ensure_ascii=True, allow_nan=False, separators=(",", ":")).encode("ascii")


def _validate_body(body: bytes) -> ScoreRequest:
    try:
        return ScoreRequest.model_validate_json(body)
    except ValidationError as exc:
        errors = exc.errors()
        if not (len(errors) == 1 and errors[0]["type"] == "json_invalid" and "escape" in errors[0]["msg"]):
            raise
        # JSON allows escaped lone surrogates ("\ud800"); the fast parser refuses them, the standard one does not.
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):
            raise exc from None
    return ScoreRequest.model_validate(data)


def parse_score_request(body: bytes, content_type: str | None, settings: Settings) -> ScoreRequest:
    """Validate a /score body against the schema and the server's limits."""
    media = (content_type or "application/json").split(";")[0].strip().lower()
    if media != "application/json" and not media.endswith("+json"):
        raise ApiError(
            415,
            "unsupported_media_type",
            f"send JSON with `Content-Type: application/json`, not {media!r}",
            [{"field": "Content-Type", "message": "must be application/json"}],
        )
    try:
        req = _validate_body(body)
    except ValidationError as exc:
        fields = validation_fields(exc)
        raise ApiError(
            422, "invalid_request", "; ".join(f"{f['field']}: {f['message']}" for f in fields), fields
        ) from None
    documents = req.documents if req.documents is not None else []
    if len(documents) > settings.max_documents:
        raise ApiError(
            413,
            "too_many_documents",
            f"{len(documents)} documents; the limit is {settings.max_documents} per request",
            [{"field": "documents", "message": f"at most {settings.max_documents} items"}],
        )
    texts = (
        [("text", req.text)]
        if req.text is not None
        else [(f"documents[{i}].text", d.text) for i, d in enumerate(documents)]
    )
    for field, text in texts:
        if text is not None and len(text) > settings.max_document_chars:
            raise ApiError(
                413,
                "document_too_long",
                f"{field} has {len(text)} characters; the limit is {settings.max_document_chars}",
                [{"field": field, "message": f"at most {settings.max_document_chars} characters"}],
            )
    seen: dict[str, int] = {}
    for i, d in enumerate(documents):
        if d.id is None:
            continue
        if d.id in seen:
            raise ApiError(
                422,
                "duplicate_id",
                f"documents[{i}].id {d.id!r} repeats documents[{seen[d.id]}].id",
                [{"field": f"documents[{i}].id", "message": "ids must be unique within a request"}],
            )
        seen[d.id] = i
    return req


@router.post(
    "/score",
    response_model=ScoreResponse,
    responses=ERROR_RESPONSES,
    summary="Score documents for unhedged therapeutic claims",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/ScoreRequest"}, "example": SCORE_EXAMPLE}
            },
        }
    },
)
async def score(request: Request) -> Response:
    """Split each document into sentences and score every sentence.

    A sentence's `risk` is P(unhedged_claim); a document's is its riskiest
    sentence's. `flagged` is `risk >= threshold`.
    """
    scorer, settings, metrics = (svc := services(request)).scorer, svc.settings, svc.metrics
    body = await request.body()
    req = parse_score_request(body, request.headers.get("content-type"), settings)
    documents = (
        [DocumentInput(text=req.text)]
        if req.text is not None
        else [DocumentInput(text=d.text, id=d.id) for d in req.documents or []]
    )
    threshold = scorer.threshold if req.threshold is None else req.threshold
    chars = sum(len(d.text) for d in documents)
    if chars > _INLINE_CHARS:
        results = await to_thread.run_sync(
            lambda: scorer.score_documents(documents, threshold=threshold, explain=req.explain)
        )
    else:
        results = scorer.score_documents(documents, threshold=threshold, explain=req.explain)
    risks = [s["risk"] for r in results for s in r["sentences"]]
    metrics.observe_scores(len(documents), risks)
    request.scope["state"]["log_fields"] = {
        "documents": len(documents),
        "chars": chars,
        "sentences": len(risks),
        "flagged": sum(1 for r in results if r["flagged"]),
    }
    model = {"name": scorer.model.name, "version": scorer.model.version}
    return Response(_score_json(model, threshold, results), media_type="application/json")


@router.get("/health", response_model=HealthResponse, summary="Liveness: the process is up and the model loaded")
async def health(request: Request) -> HealthResponse:
    return HealthResponse(status="ok", model_version=services(request).scorer.model.version)


@router.get(
    "/model",
    response_model=ModelInfo,
    responses={401: ERROR_RESPONSES[401]},
    summary="Metadata, headline metrics and request limits of the loaded model",
)
async def model_info(request: Request) -> ModelInfo:
    scorer, settings = (svc := services(request)).scorer, svc.settings
    meta = scorer.model.metadata
    metrics = meta.get("metrics", {})
    headline: dict[str, object] = {"threshold_rule": metrics.get("threshold_rule")}
    for split in ("dev", "test"):
        if split in metrics:
            risk = metrics[split]["risk"]
            headline[split] = {
                "unhedged_f1": risk["f1"],
                "unhedged_pr_auc": risk["pr_auc"],
                "unhedged_precision": risk["precision"],
                "unhedged_recall": risk["recall"],
                "macro_f1": metrics[split]["macro_f1"],
                "n": metrics[split]["n"],
            }
    if "external" in metrics:
        headline["external"] = metrics["external"]
    return ModelInfo(
        name=meta["name"],
        version=meta["version"],
        created_at=meta["created_at"],
        labels=meta["labels"],
        risk_label=meta.get("risk_label", RISK_LABEL),
        threshold=scorer.threshold,
        sklearn_version=meta["sklearn_version"],
        data_sha256=meta.get("data_sha256", ""),
        artifact_sha256=meta["artifact_sha256"],
        hyperparameters=meta.get("hyperparameters", {}),
        metrics=headline,
        limits=settings.limits(),
    )


@router.get(
    "/metrics",
    summary="Prometheus metrics of this process",
    responses={200: {"content": {"text/plain": {}}}, 401: ERROR_RESPONSES[401]},
)
async def prometheus(request: Request) -> Response:
    return Response(services(request).metrics.render(), media_type="text/plain; version=0.0.4; charset=utf-8")
