"""claim-risk's model package: the pipeline definition, the artifact contract and the scorer.

The committed artifact (``pipeline.joblib``, ``metadata.json``, ``CARD.md``)
lives beside this file. ``app/`` and ``training/`` go through this package for
anything about the model.
"""

from model.labels import LABELS, RISK_LABEL

__all__ = ["LABELS", "RISK_LABEL"]
