"""Command line: ``textmetrics rouge`` and ``textmetrics bleu`` (also ``python -m textmetrics``).

    textmetrics rouge REF [REF ...] -c CAND [CAND ...] [--metrics rouge1,rouge2,rougeL,rougeLsum,rougeSU4]
                      [--stemmer] [--multi-ref best|average|best_recall] [--per-segment] [--format table|json|csv]
    textmetrics bleu  REF [REF ...] -c CAND [CAND ...] [--tokenize 13a] [--smooth exp] [--lowercase] ...

Inputs are line-aligned text files (one segment per line; several REF files = several references per segment), or
JSONL with ``--ref-field``/``--cand-field`` (a list field holds several references; without ``-c`` the candidates
come from the same JSONL file). Several candidate files are several systems scored against the same references;
``--paired-bs``/``--paired-ar`` test each against the first. Exit status: 0 success, 1 input error (the message
names the file and line), 2 usage error.
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path
from typing import Optional, Sequence

import numpy as np

from . import significance
from ._version import __version__

CHUNK = 10_000  # pairs per compiled call: bounds memory and drives the progress bar


class InputError(Exception):
    """A problem with an input file; the message names the file and line."""


# ------------------------------------------------------------------------------------------------ reading

def read_lines(path: str) -> list[str]:
    """The lines of a UTF-8 text file (``\\n`` separated, a final newline optional, ``\\r\\n`` accepted)."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise InputError(f"{path}:{line}: not valid UTF-8 ({exc.reason} at byte {exc.start})") from exc
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def read_jsonl_field(path: str, field: str, *, allow_list: bool) -> list:
    values = []
    for number, line in enumerate(read_lines(path), start=1):
        if not line.strip():
            raise InputError(f"{path}:{number}: empty line in a JSONL file")
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{number}: invalid JSON: {exc.msg}") from exc
        if not isinstance(record, dict) or field not in record:
            raise InputError(f"{path}:{number}: no field {field!r}")
        value = record[field]
        ok = isinstance(value, str) or (allow_list and isinstance(value, list) and value
                                        and all(isinstance(v, str) for v in value))
        if not ok:
            kind = "a string or a non-empty list of strings" if allow_list else "a string"
            raise InputError(f"{path}:{number}: field {field!r} must be {kind}, got {json.dumps(value)[:60]}")
        values.append(value)
    return values


def load(args) -> tuple[list[list[str]], dict[str, list[str]]]:
    """(references per segment, {system name: candidates}) from the command line's files."""
    if args.ref_field:
        per_file = [read_jsonl_field(p, args.ref_field, allow_list=True) for p in args.refs]
        cand_files = args.cand or [args.refs[0]]
        systems = {p: read_jsonl_field(p, args.cand_field, allow_list=False) for p in cand_files}
    else:
        if args.cand is None:
            raise InputError("no candidate file: give -c CAND (or --ref-field/--cand-field for JSONL)")
        per_file = [read_lines(p) for p in args.refs]
        systems = {p: read_lines(p) for p in args.cand}
    lengths = {p: len(v) for p, v in zip(args.refs, per_file)} | {p: len(v) for p, v in systems.items()}
    if len(set(lengths.values())) > 1:
        detail = ", ".join(f"{p}: {n}" for p, n in lengths.items())
        raise InputError(f"files are not line-aligned (segments per file: {detail})")
    references = [[r for entry in segment for r in ([entry] if isinstance(entry, str) else entry)]
                  for segment in zip(*per_file)]
    if args.sentence_sep:
        references = [[r.replace(args.sentence_sep, "\n") for r in refs] for refs in references]
        systems = {k: [c.replace(args.sentence_sep, "\n") for c in v] for k, v in systems.items()}
    return references, systems


def chunks(n: int, desc: str):
    """Chunk boundaries, with a progress bar on stderr when stderr is a terminal."""
    starts = range(0, n, CHUNK)
    if sys.stderr.isatty() and n > CHUNK:
        try:
            from tqdm import tqdm
        except ImportError:  # tqdm is optional: no bar without it
            tqdm = None
        if tqdm is not None:
            starts = tqdm(starts, desc=desc, unit="chunk", file=sys.stderr)
    for start in starts:
        yield start, min(start + CHUNK, n)


# ------------------------------------------------------------------------------------------------ scoring

def score_rouge(args, references, candidates, name):
    """{metric: (precision, recall, fmeasure) arrays} for one system."""
    from .batch import rouge

    parts = [rouge(references[a:b], candidates[a:b], args.metrics, stemmer=args.stemmer, multi_ref=args.multi_ref,
                   tokenizer=args.tokenizer) for a, b in chunks(len(candidates), f"ROUGE {name}")]
    return {m: tuple(np.concatenate([getattr(p[m], f) for p in parts]) if parts else np.empty(0)
                     for f in ("precision", "recall", "fmeasure")) for m in args.metrics}


def bleu_options(args) -> dict:
    return dict(max_order=args.max_order, smooth=args.smooth, smooth_value=args.smooth_value,
                effective_order=args.effective_order)


def score_bleu_stats(args, references, candidates, name) -> np.ndarray:
    from .metrics.bleu import bleu_statistics

    parts = [bleu_statistics(references[a:b], candidates[a:b], max_order=args.max_order, tokenizer=args.tokenize,
                             lowercase=args.lowercase) for a, b in chunks(len(candidates), f"BLEU {name}")]
    return np.concatenate(parts) if parts else np.zeros((0, 2 + 2 * args.max_order), dtype=np.int64)


def run_rouge(args) -> dict:
    from .metrics.rouge import rouge_signature

    references, systems = load(args)
    results = {name: score_rouge(args, references, cands, name) for name, cands in systems.items()}
    signature = rouge_signature(args.metrics, tokenizer=args.tokenizer, stemmer=args.stemmer,
                                multi_ref=args.multi_ref, n_bootstrap=args.confidence, seed=args.seed)
    baseline = next(iter(results.values()))
    report = {"metric": "rouge", "signature": signature, "systems": []}
    for name, scores in results.items():
        entry = {"system": name, "segments": len(systems[name]), "scores": {}}
        for metric, (p, r, f) in scores.items():
            row = {"precision": _mean(p), "recall": _mean(r), "fmeasure": _mean(f)}
            stats = significance.mean_score_stats(f)
            if args.confidence and len(f):
                ci = significance.bootstrap_ci(stats, significance.mean_of_stats, n_samples=args.confidence,
                                               seed=args.seed)
                row.update(ci=ci.ci, low=ci.low, high=ci.high)
            if args.paired and name != next(iter(results)):
                row["p_value"] = _paired(args, significance.mean_score_stats(baseline[metric][2]), stats,
                                         significance.mean_of_stats).p_value
            if args.per_segment:
                row["segments"] = {"precision": p.tolist(), "recall": r.tolist(), "fmeasure": f.tolist()}
            entry["scores"][metric] = row
        report["systems"].append(entry)
    return report


def run_bleu(args) -> dict:
    from .metrics.bleu import bleu_from_statistics, sentence_bleu

    references, systems = load(args)
    nrefs = {len(r) for r in references}
    options = bleu_options(args)
    signature_opts = dict(nrefs=nrefs.pop() if len(nrefs) == 1 else "var", tokenizer=args.tokenize,
                          lowercase=args.lowercase)
    score_fn = lambda sums: bleu_from_statistics(sums, **options).score  # noqa: E731
    stats = {name: score_bleu_stats(args, references, cands, name) for name, cands in systems.items()}
    baseline = next(iter(stats.values()))
    report = {"metric": "bleu", "systems": []}
    for name, s in stats.items():
        result = bleu_from_statistics(s, **options, **signature_opts)
        entry = {"system": name, "segments": len(s), "score": result.score, "counts": list(result.counts),
                 "totals": list(result.totals), "precisions": list(result.precisions), "bp": result.bp,
                 "sys_len": result.sys_len, "ref_len": result.ref_len, "text": str(result)}
        if args.confidence and len(s):
            ci = significance.bootstrap_ci(s, score_fn, n_samples=args.confidence, seed=args.seed)
            entry.update(mean=ci.mean, ci=ci.ci, low=ci.low, high=ci.high)
        if args.paired and name != next(iter(stats)):
            entry["p_value"] = _paired(args, baseline, s, score_fn).p_value
        if args.per_segment:
            entry["segment_scores"] = [
                sentence_bleu(refs, cand, max_order=args.max_order, smooth=args.smooth,
                              smooth_value=args.smooth_value, tokenizer=args.tokenize, lowercase=args.lowercase).score
                for refs, cand in zip(references, systems[name])]
        report["systems"].append(entry)
    signature = result.signature
    if args.confidence:
        signature = signature.replace("|version:", f"|bs:{args.confidence}|rs:{args.seed}|version:")
    report["signature"] = signature
    return report


def _mean(values: np.ndarray) -> float:
    import math

    return math.fsum(values.tolist()) / len(values) if len(values) else 0.0


def _paired(args, baseline, system, score_fn):
    if args.paired == "bs":
        return significance.paired_bootstrap(baseline, system, score_fn, n_samples=args.paired_samples or 1000,
                                             seed=args.seed)
    return significance.paired_approximate_randomization(baseline, system, score_fn,
                                                         n_samples=args.paired_samples or 10000, seed=args.seed)


# ------------------------------------------------------------------------------------------------- output

def format_report(report: dict, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(report, indent=2, ensure_ascii=False)
    rows = []
    if report["metric"] == "rouge":
        header = ["system", "metric", "precision", "recall", "fmeasure", "ci", "p_value"]
        for system in report["systems"]:
            for metric, s in system["scores"].items():
                rows.append([system["system"], metric, s["precision"], s["recall"], s["fmeasure"], s.get("ci"),
                             s.get("p_value")])
    else:
        header = ["system", "bleu", "bp", "sys_len", "ref_len", "ci", "p_value"]
        for s in report["systems"]:
            rows.append([s["system"], s["score"], s["bp"], s["sys_len"], s["ref_len"], s.get("ci"), s.get("p_value")])
    used = [k for k, name in enumerate(header) if any(row[k] is not None for row in rows) or k < 2]
    header, rows = [header[k] for k in used], [[row[k] for k in used] for row in rows]
    if fmt == "csv":
        from io import StringIO

        out = StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        return out.getvalue().rstrip("\n")
    percent = report["metric"] == "rouge"
    cells = [[_cell(v, percent and name in ("precision", "recall", "fmeasure", "ci")) for name, v in zip(header, row)]
             for row in rows]
    widths = [max(len(str(x)) for x in column) for column in zip(header, *cells)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)) for row in cells]
    if report["metric"] == "bleu":
        lines += [""] + [f"{s['system']}: {s['text']}" for s in report["systems"]]
    lines.append(f"\n{report['signature']}")
    return "\n".join(lines)


def _cell(value, percent: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{100 * value:.2f}" if percent else f"{value:.4f}"
    return str(value)


# ------------------------------------------------------------------------------------------------ parser

def _metric_list(text: str) -> list[str]:
    from .batch import parse_metric

    names = [m.strip() for m in text.split(",") if m.strip()]
    if not names:
        raise argparse.ArgumentTypeError("no metric given")
    for name in names:
        try:
            parse_metric(name)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from exc
    return names


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="textmetrics", description="Exact, fast ROUGE and BLEU.")
    parser.add_argument("--version", action="version", version=f"textmetrics {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("refs", nargs="+", metavar="REF_FILE", help="reference file(s), line-aligned or JSONL")
    common.add_argument("-c", "--cand", nargs="+", metavar="CAND_FILE", help="candidate file(s): one per system")
    common.add_argument("--ref-field", help="JSONL: the field holding the reference(s) (a string or a list)")
    common.add_argument("--cand-field", default="prediction", help="JSONL: the candidate field (default: prediction)")
    common.add_argument("--sentence-sep", help="a marker inside a line that becomes a sentence break (rougeLsum)")
    common.add_argument("--per-segment", action="store_true", help="also report every segment's scores")
    common.add_argument("--format", choices=("table", "json", "csv"), default="table")
    common.add_argument("--confidence", type=_positive, nargs="?", const=1000, metavar="N",
                        help="bootstrap confidence interval with N resamples (default 1000)")
    common.add_argument("--paired-bs", dest="paired", action="store_const", const="bs",
                        help="paired bootstrap test of every system against the first")
    common.add_argument("--paired-ar", dest="paired", action="store_const", const="ar",
                        help="paired approximate randomization test of every system against the first")
    common.add_argument("--paired-samples", type=_positive, help="resamples/trials (default 1000 bs, 10000 ar)")
    common.add_argument("--seed", type=int, default=significance.DEFAULT_SEED, help="random seed (default 12345)")

    rouge = commands.add_parser("rouge", parents=[common], help="ROUGE scores")
    rouge.add_argument("--metrics", type=_metric_list, default=["rouge1", "rouge2", "rougeL", "rougeLsum"],
                       help="comma-separated: rouge1..rouge9, rougeL, rougeLsum, rougeW, rougeS4, rougeSU4, ...")
    rouge.add_argument("--stemmer", action="store_true", help="Porter stemming (rouge-score's use_stemmer)")
    rouge.add_argument("--multi-ref", choices=("best", "average", "best_recall"), default="best")
    rouge.add_argument("--tokenizer", choices=("default", "whitespace", "unicode"), default="default")

    bleu = commands.add_parser("bleu", parents=[common], help="BLEU (sacrebleu-compatible)")
    bleu.add_argument("--tokenize", "-tok", choices=("13a", "intl", "char", "zh", "none"), default="13a")
    bleu.add_argument("--smooth", "-s", choices=("exp", "floor", "add-k", "none"), default="exp")
    bleu.add_argument("--smooth-value", type=float, help="floor value (0.1) or k (1)")
    bleu.add_argument("--lowercase", "-lc", action="store_true")
    bleu.add_argument("--max-order", type=_positive, default=4)
    bleu.add_argument("--effective-order", action="store_true")
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.paired and (args.cand is None or len(args.cand) < 2):
        parser.error("--paired-bs/--paired-ar need at least two candidate files (-c BASELINE SYSTEM ...)")
    try:
        report = run_rouge(args) if args.command == "rouge" else run_bleu(args)
    except InputError as exc:
        print(f"textmetrics: error: {exc}", file=sys.stderr)
        return 1
    except (TypeError, ValueError) as exc:
        print(f"textmetrics: error: {exc}", file=sys.stderr)
        return 2
    print(format_report(report, args.format))
    return 0


if __name__ == "__main__":
    sys.exit(main())
