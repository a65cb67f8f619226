"""Command line for training: ``python -m training {validate,card,train,external,published}``."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from model.artifact import DEFAULT_MODEL_DIR, load_model, read_metadata
from model.pipeline import Hyperparameters
from model.scorer import Scorer
from training.corpus import DATA_DIR, CorpusValidationError, data_sha256, validate_corpus
from training.datacard import corpus_stats, write_data_card
from training.external import SHARED_MISSING, evaluate_corpora, evaluate_seeds, shared_dir
from training.published import format_table, reproduce
from training.report import write_card, write_report
from training.train import REPORT_DIR, save, train

__all__ = ["main", "external_evaluation"]


def external_evaluation(scorer: Scorer, threshold: float, corpora: bool = True) -> dict[str, Any] | None:
    """Seeds (and corpora) metrics for a scorer, or None without ../shared/."""
    shared = shared_dir()
    if shared is None:
        return None
    out: dict[str, Any] = {"seeds": evaluate_seeds(scorer.probabilities, shared, threshold)}
    if corpora:
        out["corpora"] = evaluate_corpora(scorer.probabilities, shared, threshold)
    return out


def _validate(args: argparse.Namespace) -> int:
    try:
        corpus = validate_corpus(Path(args.data_dir))
    except CorpusValidationError as exc:
        print(exc, file=sys.stderr)
        return 1
    stats = corpus_stats(corpus)
    print(
        f"ok: {stats['n']} sentences, {stats['passages']} passages, labels {stats['labels']}, splits {stats['splits']}"
    )
    return 0


def _card(args: argparse.Namespace) -> int:
    path = write_data_card(validate_corpus(Path(args.data_dir)), Path(args.data_dir))
    print(f"wrote {path}")
    return 0


def _train(args: argparse.Namespace) -> int:
    data_dir, model_dir = Path(args.data_dir), Path(args.model_dir)
    params = None
    if args.reuse_params:
        params = Hyperparameters.from_dict(read_metadata(model_dir)["hyperparameters"])
    started = time.perf_counter()
    result = train(data_dir=data_dir, params=params, search=args.search, n_jobs=args.jobs)
    loaded = save(result, data_dir=data_dir, model_dir=model_dir)
    external = None if args.no_external else external_evaluation(Scorer(loaded), loaded.threshold)
    if external is not None:
        loaded = save(result, data_dir=data_dir, model_dir=model_dir, external=_external_headline(external))
    command = "python -m training train" + (" --reuse-params" if args.reuse_params else "")
    report = write_report(Path(args.report_dir), result, external, command)
    card = write_card(model_dir, loaded.metadata, external, command)
    test = result.metrics["test"]
    print(
        f"model {loaded.version}: test unhedged F1 {test['risk']['f1']:.3f}, PR-AUC {test['risk']['pr_auc']:.3f}, "
        f"macro-F1 {test['macro_f1']:.3f}; threshold {loaded.threshold:.3f}; "
        f"{time.perf_counter() - started:.0f} s"
    )
    if external is None:
        print(f"external evaluation skipped: {SHARED_MISSING}")
    else:
        seeds = external["seeds"]
        print(
            f"seeds: unhedged F1 {seeds['risk']['f1']:.3f}, PR-AUC {seeds['risk']['pr_auc']:.3f}, "
            f"macro-F1 {seeds['macro_f1']:.3f}"
        )
    print(f"wrote {report}, {card}, {model_dir}")
    return 0


def _external_headline(external: dict[str, Any]) -> dict[str, Any]:
    from training.external import headline

    return {"seeds": headline(external["seeds"])}


def _external(args: argparse.Namespace) -> int:
    loaded = load_model(Path(args.model_dir))
    result = external_evaluation(Scorer(loaded), loaded.threshold, corpora=not args.seeds_only)
    if result is None:
        print(f"skipped: {SHARED_MISSING}")
        return 0
    print(json.dumps(result, indent=1))
    return 0


def _published(args: argparse.Namespace) -> int:
    shared = shared_dir()
    if shared is None:
        print(f"skipped: {SHARED_MISSING}")
        return 0
    started = time.perf_counter()
    results = reproduce(shared, n_jobs=args.jobs, inner_search=not args.no_inner_search)
    print(format_table(results))
    print(f"({time.perf_counter() - started:.0f} s)")
    return 0


def _fresh(args: argparse.Namespace) -> int:
    expected = read_metadata(Path(args.model_dir)).get("data_sha256")
    actual = data_sha256(Path(args.data_dir))
    if expected != actual:
        print(
            f"stale model: data/ sha256 {actual[:12]}… but the model was trained on {str(expected)[:12]}…; "
            "run `make train`",
            file=sys.stderr,
        )
        return 1
    print("model is up to date with data/")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training", description=__doc__)
    parser.add_argument("--data-dir", default=str(DATA_DIR))
    parser.add_argument("--model-dir", default=str(DEFAULT_MODEL_DIR))
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("validate", help="check data/ against its rules").set_defaults(func=_validate)
    sub.add_parser("card", help="regenerate data/README.md").set_defaults(func=_card)
    p = sub.add_parser("train", help="select, fit, evaluate, save model/ and the report")
    p.add_argument("--search", choices=("full", "small"), default="full")
    p.add_argument("--reuse-params", action="store_true", help="skip the search; use model/metadata.json's")
    p.add_argument("--no-external", action="store_true")
    p.add_argument("--report-dir", default=str(REPORT_DIR))
    p.add_argument("--jobs", type=int, default=2)
    p.set_defaults(func=_train)
    p = sub.add_parser("external", help="evaluate the saved model on ../shared/ seeds and corpora")
    p.add_argument("--seeds-only", action="store_true")
    p.set_defaults(func=_external)
    p = sub.add_parser("published", help="reproduce the published PubMed tables")
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--no-inner-search", action="store_true")
    p.set_defaults(func=_published)
    sub.add_parser("fresh", help="fail if data/ changed since the model was trained").set_defaults(func=_fresh)
    args = parser.parse_args(argv)
    return int(args.func(args))
