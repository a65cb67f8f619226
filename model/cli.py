"""The ``claim-risk`` console script: ``claim-risk score INPUT [-o OUTPUT]``."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from model.artifact import DEFAULT_MODEL_DIR, ArtifactError
from model.batch import InputError, read_documents, score_stream

__all__ = ["main"]


def _progress_printer(stream: object) -> object:
    if not getattr(stream, "isatty", lambda: False)():
        return None
    started = time.perf_counter()

    def show(count: int) -> None:
        rate = count / max(time.perf_counter() - started, 1e-9)
        sys.stderr.write(f"\rscored {count} documents ({rate:,.0f}/s)")
        sys.stderr.flush()

    return show


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="claim-risk", description="Score text for unhedged therapeutic claims.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("score", help="score a JSONL, CSV or text file into JSON lines")
    p.add_argument("input", help="file to score (.jsonl with id/text, .csv with id,text columns, or text; - = stdin)")
    p.add_argument("-o", "--output", default="-", help="output JSONL file (default: stdout)")
    p.add_argument("--format", choices=("jsonl", "csv", "text"), help="input format (default: from the suffix)")
    p.add_argument("--workers", type=int, default=1, help="processes to score with (default 1)")
    p.add_argument("--threshold", type=float, help="flagging threshold 0..1 (default: the model's)")
    p.add_argument("--no-explain", action="store_true", help="omit evidence terms")
    p.add_argument("--model-dir", default=str(DEFAULT_MODEL_DIR))
    args = parser.parse_args(argv)
    if args.threshold is not None and not 0.0 <= args.threshold <= 1.0:
        parser.error("--threshold must be between 0 and 1")
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    source = Path(args.input)
    if args.input != "-" and not source.is_file():
        parser.error(f"input file not found: {source}")
    out = sys.stdout if args.output == "-" else open(args.output, "w", encoding="utf-8")  # noqa: SIM115
    try:
        count = score_stream(
            read_documents(source, args.format),
            out,
            model_dir=Path(args.model_dir),
            workers=args.workers,
            threshold=args.threshold,
            explain=not args.no_explain,
            progress=_progress_printer(sys.stderr),
        )
    except (InputError, ArtifactError) as exc:
        print(f"\nclaim-risk: {exc}", file=sys.stderr)
        return 2
    finally:
        if out is not sys.stdout:
            out.close()
    if sys.stderr.isatty():
        sys.stderr.write(f"\rscored {count} documents\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
