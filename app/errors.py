"""Errors that carry their own HTTP status, and the one place they become responses."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

__all__ = ["ApiError", "error_body", "validation_fields", "field_name"]


class ApiError(Exception):
    """A client-facing error: status, stable code, message and the offending fields."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        fields: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields or []
        self.headers = headers or {}


def error_body(
    status: int, code: str, message: str, fields: list[dict[str, str]] | None = None, request_id: str | None = None
) -> dict[str, Any]:
    return {
        "error": {"status": status, "code": code, "message": message, "fields": fields or []},
        "request_id": request_id,
    }


def field_name(loc: tuple[int | str, ...]) -> str:
    """('documents', 3, 'text') -> 'documents[3].text'."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "body"


def validation_fields(exc: ValidationError) -> list[dict[str, str]]:
    """One entry per pydantic error, naming the field in request terms."""
    fields = []
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if p not in ("function-after[_one_form(), ScoreRequest]",))
        if err["type"] == "json_invalid":
            fields.append({"field": "body", "message": f"invalid JSON: {err['ctx'].get('error', err['msg'])}"})
        else:
            fields.append({"field": field_name(loc), "message": err["msg"]})
    return fields
