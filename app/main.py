"""The ASGI application: ``create_app(settings)`` and ``app`` for ``uvicorn app.main:app``.

Nothing is read at import: settings (when not given) and the model are loaded
in the lifespan, once per process. A bad model directory stops start-up with
one log line saying what is wrong and how to fix it.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from pydantic.json_schema import models_json_schema
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse

from app.config import Settings
from app.errors import ApiError, error_body, field_name
from app.logs import configure_logging, log_event
from app.metrics import Metrics
from app.middleware import ServiceMiddleware
from app.routes import router
from app.schemas import ScoreRequest
from model.artifact import ArtifactError, load_model
from model.scorer import Scorer

__all__ = ["create_app", "app", "StartupError"]

DESCRIPTION = """Scores health and supplement text, sentence by sentence, for **unhedged therapeutic claims**
(`unhedged_claim`) as opposed to hedged claims (`hedged_claim`) and plain statements (`no_claim`).
The labels follow `data/ANNOTATION.md`. A sentence's risk is P(unhedged_claim); a document's risk is
its riskiest sentence's. Limits are configurable and published at `GET /model` (`limits`)."""


class StartupError(RuntimeError):
    """Raised from the lifespan when the model cannot be served; the server exits non-zero."""


def _request_id(request: Request) -> str | None:
    return request.scope.get("state", {}).get("request_id")


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the service. ``settings`` defaults to ``Settings()`` (the environment), read at start-up."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        resolved = settings or Settings()
        configure_logging(resolved.log_level)
        try:
            loaded = load_model(resolved.model_dir)
        except ArtifactError as exc:
            log_event("startup_failed", logging.CRITICAL, reason=str(exc))
            raise StartupError(str(exc)) from None
        app.state.settings = resolved
        app.state.scorer = Scorer(loaded)
        app.state.model_version = loaded.version
        app.state.metrics = Metrics()
        log_event(
            "startup",
            model=loaded.name,
            model_version=loaded.version,
            threshold=loaded.threshold,
            auth="api keys required" if resolved.keys() else "open: no API keys configured",
            **resolved.limits(),
        )
        yield
        log_event("shutdown", model_version=loaded.version)

    app = FastAPI(title="claim-risk", version="1.0.0", description=DESCRIPTION, lifespan=lifespan)
    app.include_router(router)
    if settings is not None:
        app.state.settings = settings

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(
            error_body(exc.status, exc.code, exc.message, exc.fields, _request_id(request)),
            status_code=exc.status,
            headers=exc.headers,
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        fields = [{"field": field_name(tuple(e["loc"])), "message": e["msg"]} for e in exc.errors()]
        message = "; ".join(f"{f['field']}: {f['message']}" for f in fields)
        return JSONResponse(error_body(422, "invalid_request", message, fields, _request_id(request)), 422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return JSONResponse(
            error_body(exc.status_code, code, str(exc.detail), None, _request_id(request)),
            exc.status_code,
            headers=getattr(exc, "headers", None),
        )

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            # /score parses its body itself (fast path); publish the request model it validates against.
            _, defs = models_json_schema([(ScoreRequest, "validation")], ref_template="#/components/schemas/{model}")
            models = defs.get("$defs", {})
            # The limits are settings, not model constants: publish this server's, so that a
            # schema-valid request is never refused with 413 for its count or length.
            limits = getattr(app.state, "settings", None) or settings or Settings()
            models["ScoreRequest"]["properties"]["documents"]["maxItems"] = limits.max_documents
            models["ScoreRequest"]["properties"]["text"]["maxLength"] = limits.max_document_chars
            models["Document"]["properties"]["text"]["maxLength"] = limits.max_document_chars
            schema.setdefault("components", {}).setdefault("schemas", {}).update(models)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    app.add_middleware(ServiceMiddleware, state=app.state)
    return app


app = create_app()
