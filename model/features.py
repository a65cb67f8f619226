"""TF-IDF features of a fitted FeatureUnion, computed without scikit-learn's per-call overhead.

``TfidfVectorizer.transform`` spends ~0.5 ms per call on validation and
bookkeeping, which dominates when a request holds one sentence. This module
reads each fitted vectorizer's own analyzer, vocabulary and idf weights and
applies the same arithmetic (counts → sublinear tf → idf → l2 norm, per
vectorizer, blocks side by side), so its matrix equals the union's output;
a test checks it against ``predict_proba`` to 1e-9. Unsupported settings
fall back to the union itself.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion

__all__ = ["WORD_CACHE_SIZE", "FastTfidf", "Rows"]

#: Distinct words whose character n-grams are kept; the cache is emptied when full.
WORD_CACHE_SIZE = 200_000
#: Below this many words in a batch, per-word counts are summed in Python rather than by a sparse
#: product (whose fixed cost is larger for a sentence or two); measured in docs/benchmarks.md.
SMALL_BATCH_WORDS = 64


class Rows(NamedTuple):
    """CSR arrays of a feature matrix: row i is ``indices/data[indptr[i]:indptr[i + 1]]``."""

    indptr: npt.NDArray[np.int64]
    indices: npt.NDArray[np.int64]
    data: npt.NDArray[np.float64]


class _Block:
    """One fitted vectorizer: turns a batch of documents into a CSR matrix of term counts."""

    def __init__(self, vectorizer: TfidfVectorizer, offset: int) -> None:
        self.analyzer: Callable[[str], list[str]] = vectorizer.build_analyzer()
        self.vocabulary: dict[str, int] = vectorizer.vocabulary_
        self.width = len(self.vocabulary)
        self.idf: np.ndarray[Any, np.dtype[np.float64]] = np.asarray(vectorizer.idf_, dtype=np.float64)
        self.sublinear = bool(vectorizer.sublinear_tf)
        self.offset = offset
        # char_wb n-grams never cross a space, so a document's counts are the sum of its
        # words' counts: cache them per word (words repeat far more than sentences do).
        self.per_word = vectorizer.analyzer == "char_wb"
        self.preprocess: Callable[[str], str] = vectorizer.build_preprocessor()
        self.word_ngrams: Callable[[str], list[str]] = vectorizer._char_wb_ngrams
        self.cache: dict[str, tuple[npt.NDArray[np.int32], npt.NDArray[np.float64]]] = {}

    def counts(self, docs: Sequence[str]) -> Rows:
        """Term counts of ``docs`` as CSR arrays (one row each); column order within a row is arbitrary."""
        return self._per_word_counts(docs) if self.per_word else self._analyzer_counts(docs)

    def _analyzer_counts(self, docs: Sequence[str]) -> Rows:
        get = self.vocabulary.get
        indptr = np.zeros(len(docs) + 1, dtype=np.int64)
        columns: list[int] = []
        values: list[int] = []
        for i, doc in enumerate(docs):
            for term, c in Counter(self.analyzer(doc)).items():
                if (j := get(term)) is not None:
                    columns.append(j)
                    values.append(c)
            indptr[i + 1] = len(columns)
        return Rows(indptr, np.asarray(columns, dtype=np.int64), np.asarray(values, dtype=np.float64))

    def _per_word_counts(self, docs: Sequence[str]) -> Rows:
        index: dict[str, int] = {}
        word_ids: list[int] = []
        doc_indptr = [0]
        for doc in docs:
            for word in self.preprocess(doc).split():
                word_ids.append(index.setdefault(word, len(index)))
            doc_indptr.append(len(word_ids))
        cache = self.cache
        if len(cache) + len(index) > WORD_CACHE_SIZE:
            cache.clear()
        pieces = [cache.get(word) or self._word(word) for word in index]
        if len(word_ids) < SMALL_BATCH_WORDS:
            return self._sum_small(pieces, word_ids, doc_indptr)
        # counts = (documents x distinct words) @ (distinct words x n-grams): the per-document
        # sums run inside scipy's sparse product, not in a Python loop over every n-gram.
        word_indptr = np.zeros(len(pieces) + 1, dtype=np.int64)
        np.cumsum([len(cols) for cols, _ in pieces], out=word_indptr[1:])
        by_word = sparse.csr_matrix(
            (np.concatenate([v for _, v in pieces]), np.concatenate([c for c, _ in pieces]), word_indptr),
            shape=(len(pieces), self.width),
        )
        occurrences = sparse.csr_matrix(
            (np.ones(len(word_ids)), np.asarray(word_ids, dtype=np.int32), doc_indptr),
            shape=(len(docs), len(pieces)),
        )
        product = occurrences @ by_word
        return Rows(product.indptr.astype(np.int64), product.indices.astype(np.int64), product.data)

    @staticmethod
    def _sum_small(
        pieces: list[tuple[npt.NDArray[np.int32], npt.NDArray[np.float64]]], word_ids: list[int], doc_indptr: list[int]
    ) -> Rows:
        # A few words: scipy's fixed cost per matrix exceeds summing the n-grams in a dict.
        lists = [(cols.tolist(), vals.tolist()) for cols, vals in pieces]
        indptr = np.zeros(len(doc_indptr), dtype=np.int64)
        columns: list[int] = []
        values: list[float] = []
        for d in range(len(doc_indptr) - 1):
            total: dict[int, float] = {}
            for w in word_ids[doc_indptr[d] : doc_indptr[d + 1]]:
                cols, vals = lists[w]
                for j, c in zip(cols, vals, strict=True):
                    total[j] = total.get(j, 0.0) + c
            columns.extend(total)
            values.extend(total.values())
            indptr[d + 1] = len(columns)
        return Rows(indptr, np.asarray(columns, dtype=np.int64), np.asarray(values, dtype=np.float64))

    def _word(self, word: str) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.float64]]:
        get = self.vocabulary.get
        hits = [(j, c) for term, c in Counter(self.word_ngrams(word)).items() if (j := get(term)) is not None]
        entry = (
            np.fromiter((j for j, _ in hits), dtype=np.int32, count=len(hits)),
            np.fromiter((c for _, c in hits), dtype=np.float64, count=len(hits)),
        )
        self.cache[word] = entry
        return entry


def _supported(vectorizer: Any) -> bool:
    return (
        isinstance(vectorizer, TfidfVectorizer)
        and vectorizer.norm == "l2"
        and vectorizer.use_idf
        and not vectorizer.binary
        and vectorizer.dtype in (np.float64, float)
    )


class FastTfidf:
    """Drop-in ``transform`` for a fitted FeatureUnion of TfidfVectorizers."""

    def __init__(self, union: FeatureUnion) -> None:
        self._union = union
        self._blocks: list[_Block] = []
        active = [t for _, t in union.transformer_list if t != "drop"]
        self.exact = union.transformer_weights is None and all(_supported(t) for t in active)
        offset = 0
        for vectorizer in active:
            if self.exact:
                self._blocks.append(_Block(vectorizer, offset))
            offset += len(vectorizer.vocabulary_)
        self.n_features = offset

    def transform(self, docs: Sequence[str]) -> sparse.csr_matrix:
        """Features of ``docs``, one CSR row each, equal to ``union.transform(docs)``."""
        if not self.exact:
            return sparse.csr_matrix(self._union.transform(docs))
        rows = self.transform_rows(docs)
        return sparse.csr_matrix((rows.data, rows.indices, rows.indptr), shape=(len(docs), self.n_features))

    def transform_rows(self, docs: Sequence[str]) -> Rows:
        """The same features as plain CSR arrays, skipping scipy's construction checks (hot path)."""
        if not self.exact:
            m = sparse.csr_matrix(self._union.transform(docs))
            return Rows(m.indptr.astype(np.int64), m.indices.astype(np.int64), m.data)
        n = len(docs)
        rows, cols, vals = [], [], []
        for block in self._blocks:
            counts = block.counts(docs)
            col = counts.indices
            tf = counts.data
            if block.sublinear:
                tf = 1.0 + np.log(tf)
            val = tf * block.idf[col]
            row = np.repeat(np.arange(n), np.diff(counts.indptr))
            norms = np.sqrt(np.bincount(row, weights=val * val, minlength=n))
            val /= norms[row]
            rows.append(row)
            cols.append(col + block.offset)
            vals.append(val)
        row = np.concatenate(rows)
        # Group entries by row, keeping each row's blocks in union order (a stable sort).
        order = np.argsort(row, kind="stable")
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(row, minlength=n), out=indptr[1:])
        return Rows(indptr, np.concatenate(cols)[order], np.concatenate(vals)[order])
