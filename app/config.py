"""Service settings, read from ``CLAIM_RISK_*`` environment variables."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from model.artifact import DEFAULT_MODEL_DIR

__all__ = ["Settings"]


class Settings(BaseSettings):
    """Everything the service can be told; tests build one explicitly."""

    model_config = SettingsConfigDict(env_prefix="CLAIM_RISK_", extra="ignore")

    model_dir: Path = Field(DEFAULT_MODEL_DIR, description="directory with pipeline.joblib and metadata.json")
    max_body_bytes: int = Field(1 << 20, ge=1, description="largest request body accepted (413 above)")
    max_documents: int = Field(256, ge=1, description="most documents in one request (413 above)")
    max_document_chars: int = Field(100_000, ge=1, description="most characters in one document (413 above)")
    api_keys: SecretStr = Field(SecretStr(""), description="comma-separated bearer keys; empty = open service")
    log_level: str = Field("info", description="debug, info, warning or error")

    def keys(self) -> list[bytes]:
        """The configured API keys, as bytes for constant-time comparison."""
        return [k.strip().encode() for k in self.api_keys.get_secret_value().split(",") if k.strip()]

    def limits(self) -> dict[str, int]:
        return {
            "max_body_bytes": self.max_body_bytes,
            "max_documents": self.max_documents,
            "max_document_chars": self.max_document_chars,
        }
