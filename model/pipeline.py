"""The one definition of the classifier: TF-IDF features into multinomial logistic regression.

Step names (``features`` → ``word`` / ``char``, ``classifier``) are stable: the
scorer and the evidence code read the fitted steps by these names.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

__all__ = ["Hyperparameters", "build_pipeline", "WORD_TOKEN_PATTERN"]

# Keeps contractions whole ("can't", "doesn't") so negation survives, and
# keeps "?" and "!" as tokens: questions are hedged by the guidelines.
WORD_TOKEN_PATTERN = r"(?u)\b\w[\w'’]*\b|[?!]"


@dataclass(frozen=True)
class Hyperparameters:
    """Everything that defines a pipeline before fitting; written into the metadata.

    No stop-word list is ever used: hedges and negations ("may", "not",
    "could") are the signal this model exists to read.
    """

    word_ngram_max: int = 2
    word_min_df: int = 1
    char_ngram_min: int = 2
    char_ngram_max: int = 5
    char_min_df: int = 2
    char_analyzer: str = "char_wb"
    use_char: bool = True
    sublinear_tf: bool = True
    C: float = 10.0
    class_weight: str | None = "balanced"
    max_iter: int = 3000

    def to_dict(self) -> dict[str, Any]:
        """Return the parameters as a JSON-ready dict."""
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> Hyperparameters:
        """Build from a dict such as the one stored in ``metadata.json``."""
        return cls(**values)


def build_pipeline(params: Hyperparameters | None = None) -> Pipeline:
    """Build the unfitted pipeline.

    Parameters
    ----------
    params : Hyperparameters, optional
        Defaults to ``Hyperparameters()``.

    Returns
    -------
    sklearn.pipeline.Pipeline
        Steps ``features`` (a FeatureUnion of ``word`` and, if enabled,
        ``char`` TF-IDF: ``char_wb`` keeps n-grams inside words, ``char``
        lets them span word boundaries) and ``classifier`` (LogisticRegression).
    """
    p = params or Hyperparameters()
    transformers: list[tuple[str, Any]] = [
        (
            "word",
            TfidfVectorizer(
                lowercase=True,
                token_pattern=WORD_TOKEN_PATTERN,
                ngram_range=(1, p.word_ngram_max),
                min_df=p.word_min_df,
                sublinear_tf=p.sublinear_tf,
                dtype=np.float64,
            ),
        )
    ]
    if p.use_char:
        transformers.append(
            (
                "char",
                TfidfVectorizer(
                    lowercase=True,
                    analyzer=p.char_analyzer,
                    ngram_range=(p.char_ngram_min, p.char_ngram_max),
                    min_df=p.char_min_df,
                    sublinear_tf=p.sublinear_tf,
                    dtype=np.float64,
                ),
            )
        )
    classifier = LogisticRegression(
        C=p.C,
        class_weight=p.class_weight,
        max_iter=p.max_iter,
        solver="lbfgs",
    )
    return Pipeline([("features", FeatureUnion(transformers)), ("classifier", classifier)])
