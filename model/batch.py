"""Score files without the HTTP server: JSONL, CSV or plain text in, JSONL out, streaming.

Output lines have the same shape as one ``/score`` result. With several
workers, chunks of documents are scored in separate processes (each loads
the model once) and written back in input order.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Iterator
from multiprocessing import get_context
from pathlib import Path
from typing import IO, Any

from model.artifact import DEFAULT_MODEL_DIR, load_model
from model.render import render_result
from model.scorer import DocumentInput, Scorer

__all__ = ["read_documents", "score_stream", "InputError", "CHUNK_DOCUMENTS"]

CHUNK_DOCUMENTS = 256


class InputError(ValueError):
    """A record of the input file cannot be read; the message names the line."""


def _detect_format(path: Path, explicit: str | None) -> str:
    if explicit:
        return explicit
    suffix = path.suffix.lower()
    return {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}.get(suffix, "text")


def read_documents(path: Path, fmt: str | None = None, stream: IO[str] | None = None) -> Iterator[DocumentInput]:
    """Yield documents from a JSONL (``id``, ``text``), CSV (``id``, ``text`` columns) or text file.

    A plain-text file is one document per non-empty line, with the line
    number as its id. ``-`` reads standard input.
    """
    fmt = _detect_format(path, fmt)
    fh = stream if stream is not None else (sys.stdin if str(path) == "-" else path.open(encoding="utf-8", newline=""))
    try:
        if fmt == "jsonl":
            for number, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputError(f"line {number}: not JSON ({exc.msg})") from None
                if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                    raise InputError(f"line {number}: needs a string field `text`")
                doc_id = record.get("id")
                yield DocumentInput(text=record["text"], id=None if doc_id is None else str(doc_id))
        elif fmt == "csv":
            reader = csv.DictReader(fh)
            if reader.fieldnames is None or "text" not in reader.fieldnames:
                raise InputError("the CSV header needs a `text` column")
            for number, row in enumerate(reader, 2):
                yield DocumentInput(text=row["text"] or "", id=row.get("id") or str(number))
        else:
            for number, line in enumerate(fh, 1):
                if line.strip():
                    yield DocumentInput(text=line.rstrip("\r\n"), id=str(number))
    finally:
        if fh is not sys.stdin and stream is None:
            fh.close()


def _chunks(documents: Iterable[DocumentInput], size: int) -> Iterator[list[DocumentInput]]:
    chunk: list[DocumentInput] = []
    for doc in documents:
        chunk.append(doc)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


_worker_scorer: Scorer | None = None


def _init_worker(model_dir: str) -> None:
    global _worker_scorer
    _worker_scorer = Scorer(load_model(Path(model_dir)))


def _score_chunk(args: tuple[list[DocumentInput], float | None, bool]) -> str:
    documents, threshold, explain = args
    assert _worker_scorer is not None
    return _render(_worker_scorer.score_documents(documents, threshold=threshold, explain=explain))


def _render(results: list[dict[str, Any]]) -> str:
    return "".join(render_result(result) + "\n" for result in results)


def score_stream(
    documents: Iterable[DocumentInput],
    out: IO[str],
    *,
    model_dir: Path = DEFAULT_MODEL_DIR,
    workers: int = 1,
    threshold: float | None = None,
    explain: bool = True,
    chunk_size: int = CHUNK_DOCUMENTS,
    progress: Any = None,
) -> int:
    """Score ``documents`` into ``out`` as JSON lines, in input order; returns the count."""
    count = 0
    chunks = ((chunk, threshold, explain) for chunk in _chunks(documents, chunk_size))
    if workers <= 1:
        scorer = Scorer(load_model(model_dir))
        for chunk, _, _ in chunks:
            out.write(_render(scorer.score_documents(chunk, threshold=threshold, explain=explain)))
            count += len(chunk)
            if progress:
                progress(count)
        return count
    load_model(model_dir)  # fail here, once, with the artifact's own message
    with get_context("spawn").Pool(workers, initializer=_init_worker, initargs=(str(model_dir),)) as pool:
        for text in pool.imap(_score_chunk, chunks, chunksize=1):
            out.write(text)
            count += text.count("\n")
            if progress:
                progress(count)
    return count
