"""Request and response models of the HTTP API (they also document it in /docs)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "Document",
    "ScoreRequest",
    "Evidence",
    "SentenceResult",
    "LabelCounts",
    "DocumentResult",
    "ModelRef",
    "ScoreResponse",
    "HealthResponse",
    "ModelInfo",
    "ErrorResponse",
    "SCORE_EXAMPLE",
]

Label = Literal["no_claim", "hedged_claim", "unhedged_claim"]


class Document(BaseModel):
    """One document to score."""

    model_config = ConfigDict(extra="forbid", strict=True)

    id: str | None = Field(None, max_length=256, description="echoed back; must be unique within a request")
    text: str = Field(description="the text; empty is valid (no sentences, risk 0)")


def _score_request_schema(schema: dict[str, Any]) -> None:
    """Publish the rules the validator enforces: one of documents/text, neither of them null."""
    props = schema["properties"]
    for key in ("documents", "text"):
        props[key] = next(option for option in props[key]["anyOf"] if option.get("type") != "null") | {
            "description": props[key].get("description", "")
        }
        props[key].pop("default", None)
    schema["oneOf"] = [{"required": ["documents"]}, {"required": ["text"]}]
    schema["examples"] = [
        {"documents": [{"id": "post-17", "text": "Kratom relieves chronic pain. It may also ease anxiety."}]},
        {"text": "Our CBD gummies calm anxiety within minutes.", "threshold": 0.3, "explain": False},
    ]


class ScoreRequest(BaseModel):
    """A batch of documents, or one ``text`` as a shorthand."""

    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra=_score_request_schema)

    documents: list[Document] | None = Field(
        None, description="documents to score, results in this order; non-null ids must be unique (422 otherwise)"
    )
    text: str | None = Field(None, description="shorthand for one document without an id")
    threshold: float | None = Field(
        None, ge=0.0, le=1.0, allow_inf_nan=False, description="flagging threshold for this call (0..1)"
    )
    explain: bool = Field(True, description="include evidence terms for each sentence")

    @model_validator(mode="before")
    @classmethod
    def _no_nulls(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for key in ("documents", "text"):
                if key in data and data[key] is None:
                    raise ValueError(f"`{key}` must not be null; omit it instead")
        return data

    @model_validator(mode="after")
    def _one_form(self) -> ScoreRequest:
        if (self.documents is None) == (self.text is None):
            raise ValueError("give exactly one of `documents` (a list) or `text` (one document)")
        return self


class Evidence(BaseModel):
    term: str = Field(description="a feature of the model; ~x~ marks a character n-gram")
    contribution: float = Field(
        description="its exact term (> 0) in log P(unhedged_claim) / P(most probable other label)"
    )


class SentenceResult(BaseModel):
    start: int = Field(description="offset of the first character (Python code points)")
    end: int = Field(description="offset after the last character: text[start:end] is the sentence")
    text: str
    label: Label
    risk: float = Field(ge=0.0, le=1.0, description="P(unhedged_claim)")
    probabilities: dict[Label, float]
    flagged: bool
    evidence: list[Evidence]


class LabelCounts(BaseModel):
    no_claim: int
    hedged_claim: int
    unhedged_claim: int


class DocumentResult(BaseModel):
    id: str | None
    risk: float = Field(ge=0.0, le=1.0, description="the highest sentence risk; 0 with no sentences")
    flagged: bool
    label: Label | None = Field(description="label of the riskiest sentence; null with no sentences")
    counts: LabelCounts
    sentences: list[SentenceResult]


class ModelRef(BaseModel):
    name: str
    version: str


class ScoreResponse(BaseModel):
    model: ModelRef
    threshold: float
    results: list[DocumentResult]


class HealthResponse(BaseModel):
    status: Literal["ok"]
    model_version: str


class ModelInfo(BaseModel):
    name: str
    version: str
    created_at: str
    labels: list[str]
    risk_label: str
    threshold: float
    sklearn_version: str
    data_sha256: str
    artifact_sha256: str
    hyperparameters: dict[str, object]
    metrics: dict[str, object] = Field(description="headline figures of the loaded model")
    limits: dict[str, int] = Field(description="this server's request limits")


class ErrorDetail(BaseModel):
    status: int
    code: str
    message: str
    fields: list[dict[str, str]] = Field(description="offending fields: {field, message}")


class ErrorResponse(BaseModel):
    error: ErrorDetail
    request_id: str | None


SCORE_EXAMPLE = {
    "documents": [
        {
            "id": "post-17",
            "text": "Kratom relieves chronic pain and ends opioid withdrawal. "
            "Some users report it may help with anxiety, but more research is needed.",
        }
    ]
}
