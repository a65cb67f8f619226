"""One pure-ASGI middleware for every request: id, API key, body limit, metrics and the access log.

The body limit is enforced before the app sees the request: a declared
Content-Length over the limit is refused without reading a byte, and a
streamed body is counted as it arrives and refused as soon as it passes the
limit, so an oversized request never sits in memory whole.
"""

from __future__ import annotations

import hmac
import json
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from app.errors import error_body
from app.logs import log_event

__all__ = ["ServiceMiddleware", "ROUTES"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: Routes named in metrics; anything else is "other", to bound label cardinality.
ROUTES = frozenset({"/score", "/health", "/model", "/metrics", "/docs", "/openapi.json", "/limits"})
_OPEN_ROUTES = frozenset({"/health"})


class ServiceMiddleware:
    """Wraps the FastAPI app; reads its settings and metrics from ``app.state`` per request."""

    def __init__(self, app: ASGIApp, state: Any) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, receive, _quiet_startup_failure(send))
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        request_id = _request_id(headers.get("x-request-id"))
        scope.setdefault("state", {})["request_id"] = request_id
        path = scope["path"]
        route = path if path in ROUTES else "other"
        status_holder = {"status": 500, "bytes_in": 0}

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                message.setdefault("headers", []).append((b"x-request-id", request_id.encode()))
            await send(message)

        try:
            settings = self.state.settings
            if path not in _OPEN_ROUTES and not _authorised(headers.get("authorization"), settings.keys()):
                await _reply(
                    send_wrapper,
                    401,
                    "unauthorized",
                    "a valid API key is required: send `Authorization: Bearer <key>`",
                    request_id,
                    [{"field": "Authorization", "message": "missing or invalid bearer key"}],
                    [(b"www-authenticate", b"Bearer")],
                )
                return
            if scope["method"] in ("POST", "PUT", "PATCH"):
                body = await _read_limited(receive, headers, settings.max_body_bytes, status_holder)
                if body is None:
                    await _reply(
                        send_wrapper,
                        413,
                        "body_too_large",
                        f"request body is larger than the limit of {settings.max_body_bytes} bytes",
                        request_id,
                        [{"field": "body", "message": f"at most {settings.max_body_bytes} bytes"}],
                    )
                    return
                receive = _replay(body)
            await self.app(scope, receive, send_wrapper)
        except Exception as exc:
            log_event("unhandled_error", logging.ERROR, request_id=request_id, route=route, error=type(exc).__name__)
            if status_holder["status"] == 500:
                await _reply(send_wrapper, 500, "internal_error", "internal error; see the server log", request_id)
        finally:
            elapsed = time.perf_counter() - started
            metrics = getattr(self.state, "metrics", None)
            if metrics is not None:
                metrics.observe_request(scope["method"], route, status_holder["status"], elapsed)
            model = getattr(self.state, "model_version", None)
            log_event(
                "request",
                request_id=request_id,
                method=scope["method"],
                route=route,
                status=status_holder["status"],
                bytes_in=status_holder["bytes_in"],
                duration_ms=round(elapsed * 1000, 3),
                model_version=model,
                **scope["state"].get("log_fields", {}),
            )


def _quiet_startup_failure(send: Send) -> Send:
    """Drop the traceback from a start-up refusal the lifespan has already logged in one line."""

    async def wrapped(message: Message) -> None:
        if message["type"] == "lifespan.startup.failed" and "StartupError" in message.get("message", ""):
            message = {**message, "message": ""}
        await send(message)

    return wrapped


def _request_id(given: str | None) -> str:
    if given and len(given) <= 128 and given.isascii() and given.isprintable():
        return given
    return uuid.uuid4().hex


def _authorised(header: str | None, keys: list[bytes]) -> bool:
    if not keys:
        return True
    if not header or header[:7].lower() != "bearer ":
        return False
    presented = header[7:].strip().encode("latin-1", "replace")
    ok = False
    for key in keys:  # no early exit: the time taken does not say which key came close
        ok |= hmac.compare_digest(presented, key)
    return ok


async def _read_limited(receive: Receive, headers: dict[str, str], limit: int, holder: dict[str, int]) -> bytes | None:
    declared = headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        return None
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        holder["bytes_in"] = size
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive


async def _reply(
    send: Send,
    status: int,
    code: str,
    message: str,
    request_id: str,
    fields: list[dict[str, str]] | None = None,
    extra_headers: list[tuple[bytes, bytes]] | None = None,
) -> None:
    payload = json.dumps(error_body(status, code, message, fields, request_id)).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
    if status == 413:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers + (extra_headers or [])})
    await send({"type": "http.response.body", "body": payload})
