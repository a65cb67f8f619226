"""Structured logs: one JSON object a line. Request text is never logged."""

from __future__ import annotations

import json
import logging
import sys
import time
from typing import Any

__all__ = ["configure_logging", "logger", "log_event"]

logger = logging.getLogger("claim_risk")


class _JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "event": record.getMessage(),
        }
        entry.update(getattr(record, "fields", {}))
        return json.dumps(entry, ensure_ascii=False, default=str)


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is now, so redirection after start-up is honoured."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


def configure_logging(level: str) -> None:
    """Send the service's logs to stderr as JSON lines, once per process."""
    if not any(getattr(h, "_claim_risk", False) for h in logger.handlers):
        handler = _StderrHandler()
        handler.setFormatter(_JsonFormatter())
        handler._claim_risk = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
        logger.propagate = False
    logger.setLevel(level.upper())


def log_event(event: str, level: int = logging.INFO, **fields: Any) -> None:
    """Log one event with structured fields (ids, sizes, timings: never text)."""
    logger.log(level, event, extra={"fields": fields})
