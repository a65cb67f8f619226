"""The baseline anyone would write: FastAPI calling predict_proba on the posted texts.

Run with ``CLAIM_RISK_ARTIFACT=model/pipeline.joblib uvicorn benchmarks.peers.minimal_app:app``.
"""

from __future__ import annotations

import os

import joblib
from fastapi import FastAPI
from pydantic import BaseModel

pipeline = joblib.load(os.environ["CLAIM_RISK_ARTIFACT"])
app = FastAPI()


class PredictRequest(BaseModel):
    texts: list[str]


class PredictResponse(BaseModel):
    probabilities: list[list[float]]


@app.post("/predict")
def predict(request: PredictRequest) -> PredictResponse:
    return PredictResponse(probabilities=pipeline.predict_proba(request.texts).tolist())
