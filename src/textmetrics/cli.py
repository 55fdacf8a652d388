"""Command line: ``textmetrics rouge``, ``bleu``, ``chrf`` and ``ter`` (also ``python -m textmetrics``).

    textmetrics rouge REF [REF ...] [-c CAND [CAND ...]] [-m rouge1,rouge2,rougeL,rougeLsum,rougeSU4]
                      [--stemmer] [--multi-ref best|average|best_recall] [--per-segment] [-f table|json|csv]
    textmetrics bleu  REF [REF ...] [-c CAND [CAND ...]] [--tokenize 13a] [--smooth exp] [--lowercase] ...
    textmetrics chrf  REF [REF ...] [-c CAND [CAND ...]] [-cc 6] [-cw 0|2] [--chrf-beta 2] [--chrf-lowercase] ...
    textmetrics ter   REF [REF ...] [-c CAND [CAND ...]] [--ter-normalized] [--ter-case-sensitive] ...

Inputs are line-aligned text files (one segment per line; several REF files = several references per segment), or
JSONL with ``--ref-field``/``--cand-field`` (a list field holds several references; without ``-c`` the candidates
come from the same JSONL file). ``-`` is stdin, for references or candidates; without ``-c`` (and without
``--ref-field``) the candidates are read from stdin, as sacrebleu does. Several candidate files are several systems
scored against the same references; ``--paired-bs``/``--paired-ar`` test each against the first.

Exit status: 0 success, 1 input error (the message names the file and line), 2 usage error (unknown or conflicting
options, numbers out of range), 130 interrupted, 141 (128 + SIGPIPE) when stdout is closed early (``| head``): no
traceback in either case.

Adding a metric (as ``chrf`` and ``ter`` are): write its option adder, option check, scorer and row builder and
``register(Command(...))`` it; reading, validation of the inputs, the statistics options, the output
formats and the exit codes are shared.
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import math
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from . import significance
from ._version import __version__

CHUNK = 10_000           # pairs per compiled call: bounds memory and drives the progress bar
STDIN = "-"
STDIN_NAME = "<stdin>"
MAX_RESAMPLES = 1_000_000  # --confidence / --paired-* counts
MAX_BLEU_ORDER = 100     # --max-order: the statistics have 2 + 2 * N columns per segment
MAX_WIDTH = 17           # --width: decimals of a float64

EXIT_OK, EXIT_INPUT, EXIT_USAGE, EXIT_INTERRUPTED, EXIT_PIPE = 0, 1, 2, 130, 141


class InputError(Exception):
    """A problem with an input file; the message names the file and line."""


# ------------------------------------------------------------------------------------------------ reading

def display_name(path: str) -> str:
    return STDIN_NAME if path == STDIN else path


def _decode_lines(data: bytes, name: str) -> list[str]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise InputError(f"{name}:{line}: not valid UTF-8 ({exc.reason} at byte {exc.start})") from exc
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.removesuffix("\r") for line in lines]


class Inputs:
    """Reads each input once (stdin can only be read once, and a JSONL file may give references and candidates)."""

    def __init__(self, stdin=None):
        self._stdin = stdin
        self._cache: dict[str, list[str]] = {}

    def lines(self, path: str) -> list[str]:
        """The lines of a UTF-8 text file or of stdin (``\\n`` separated, a final newline optional, ``\\r\\n``
        accepted); an empty input is an error."""
        if path not in self._cache:
            name = display_name(path)
            try:
                if path == STDIN:
                    stream = self._stdin if self._stdin is not None else sys.stdin.buffer
                    data = stream.read()
                else:
                    with open(path, "rb") as f:
                        data = f.read()
            except OSError as exc:
                raise InputError(f"{name}: cannot read: {exc.strerror or exc}") from exc
            lines = _decode_lines(data, name)
            if not lines:
                raise InputError(f"{name}: empty input: no segments (one segment per line)")
            self._cache[path] = lines
        return self._cache[path]

    def jsonl_field(self, path: str, field: str, *, allow_list: bool) -> list:
        name = display_name(path)
        values = []
        for number, line in enumerate(self.lines(path), start=1):
            if not line.strip():
                raise InputError(f"{name}:{number}: empty line in a JSONL file")
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{name}:{number}: invalid JSON: {exc.msg}") from exc
            if not isinstance(record, dict) or field not in record:
                raise InputError(f"{name}:{number}: no field {field!r}")
            value = record[field]
            ok = isinstance(value, str) or (allow_list and isinstance(value, list) and value
                                            and all(isinstance(v, str) for v in value))
            if not ok:
                kind = "a string or a non-empty list of strings" if allow_list else "a string"
                raise InputError(f"{name}:{number}: field {field!r} must be {kind}, got {json.dumps(value)[:60]}")
            values.append(value)
        return values


def load(args, inputs: Inputs | None = None) -> tuple[list[list[str]], dict[str, list[str]]]:
    """(references per segment, {system name: candidates}) from the command line's files."""
    inputs = inputs or Inputs()
    if args.ref_field:
        per_file = [inputs.jsonl_field(p, args.ref_field, allow_list=True) for p in args.refs]
        cand_files = args.cand or [args.refs[0]]
        systems = {display_name(p): inputs.jsonl_field(p, args.cand_field, allow_list=False) for p in cand_files}
    else:
        if args.cand is None:
            raise InputError("no candidate file: give -c CAND (or --ref-field/--cand-field for JSONL)")
        per_file = [inputs.lines(p) for p in args.refs]
        systems = {display_name(p): inputs.lines(p) for p in args.cand}
    lengths = [(display_name(p), len(v)) for p, v in zip(args.refs, per_file)]
    lengths += [(name, len(v)) for name, v in systems.items()]
    if len({n for _, n in lengths}) > 1:
        detail = ", ".join(f"{p}: {n}" for p, n in lengths)
        raise InputError(f"files are not line-aligned (segments per file: {detail})")
    references = [[r for entry in segment for r in ([entry] if isinstance(entry, str) else entry)]
                  for segment in zip(*per_file)]
    if args.sentence_sep:
        references = [[r.replace(args.sentence_sep, "\n") for r in refs] for refs in references]
        systems = {k: [c.replace(args.sentence_sep, "\n") for c in v] for k, v in systems.items()}
    return references, systems


def chunks(n: int, desc: str, quiet: bool = False):
    """Chunk boundaries, with a progress bar on stderr when stderr is a terminal (and not ``--quiet``)."""
    starts = range(0, n, CHUNK)
    if not quiet and n > CHUNK and sys.stderr is not None and sys.stderr.isatty():
        try:
            from tqdm import tqdm
        except ImportError:  # tqdm is optional: no bar without it
            tqdm = None
        if tqdm is not None:
            starts = tqdm(starts, desc=desc, unit="chunk", file=sys.stderr)
    for start in starts:
        yield start, min(start + CHUNK, n)


# ------------------------------------------------------------------------------------- statistics (shared)

def _mean(values: np.ndarray) -> float:
    return math.fsum(values.tolist()) / len(values) if len(values) else 0.0


def _paired(args, baseline, system, score_fn):
    if args.paired == "bs":
        return significance.paired_bootstrap(baseline, system, score_fn, n_samples=args.paired_n, seed=args.seed)
    return significance.paired_approximate_randomization(baseline, system, score_fn, n_samples=args.paired_n,
                                                         seed=args.seed)


def _with_resampling(signature, args) -> str:
    """The result's own signature (a ``textmetrics.signature.Signature``), with the confidence-interval resampling
    (sacrebleu's ``bs:N|rs:SEED``) when ``--confidence`` asks for it."""
    return str(signature.with_resampling(args.confidence, args.seed))


def _paired_info(args, systems) -> dict | None:
    if not args.paired:
        return None
    return {"test": "bootstrap resampling" if args.paired == "bs" else "approximate randomization",
            "n_samples": args.paired_n, "seed": args.seed, "baseline": next(iter(systems))}


# ------------------------------------------------------------------------------------------------ ROUGE

def rouge_arguments(parser: argparse.ArgumentParser) -> None:
    from .batch import DEFAULT_METRICS
    from .registry import ROUGE_NAMES_HELP as METRIC_NAMES_HELP

    parser.add_argument("-m", "--metrics", type=_metric_list, default=list(DEFAULT_METRICS),
                        help=f"comma-separated: {METRIC_NAMES_HELP} (default: {','.join(DEFAULT_METRICS)})")
    parser.add_argument("--stemmer", action="store_true", help="Porter stemming (rouge-score's use_stemmer)")
    parser.add_argument("--multi-ref", choices=("best", "average", "best_recall"), default="best")
    parser.add_argument("--tokenizer", choices=("default", "whitespace", "unicode"), default="default")


def rouge_options(args) -> dict:
    """The keyword options of ``textmetrics.batch.rouge`` from the command line."""
    return {"stemmer": args.stemmer, "multi_ref": args.multi_ref, "tokenizer": args.tokenizer}


def rouge_check(args) -> None:
    from .batch import rouge

    rouge(["a"], ["a"], args.metrics, **rouge_options(args))


def rouge_signature(args, result) -> str:
    """The result's own signature (``RougeResult.signature``), plus the resampling."""
    return _with_resampling(result.signature, args)


def rouge_score(args, references, systems) -> dict:
    from .batch import rouge

    options = rouge_options(args)
    results, first = {}, None
    for name, candidates in systems.items():
        parts = [rouge(references[a:b], candidates[a:b], args.metrics, **options)
                 for a, b in chunks(len(candidates), f"ROUGE {name}", args.quiet)]
        if first is None:
            first = parts[0]
        results[name] = {m: tuple(np.concatenate([getattr(p[m], f) for p in parts])
                                  for f in ("precision", "recall", "fmeasure")) for m in args.metrics}
    baseline_name = next(iter(results))
    report: dict = {"metric": "rouge", "signature": rouge_signature(args, first), "systems": []}
    for name, scores in results.items():
        entry = {"system": name, "segments": len(systems[name]), "scores": {}}
        for metric, (p, r, f) in scores.items():
            row: dict = {"precision": _mean(p), "recall": _mean(r), "fmeasure": _mean(f)}
            stats = significance.mean_score_stats(f)
            if args.confidence:
                ci = significance.bootstrap_ci(stats, significance.mean_of_stats, n_samples=args.confidence,
                                               seed=args.seed)
                row.update(ci=ci.ci, low=ci.low, high=ci.high)
            if args.paired and name != baseline_name:
                baseline = significance.mean_score_stats(results[baseline_name][metric][2])
                row["p_value"] = _paired(args, baseline, stats, significance.mean_of_stats).p_value
            if args.per_segment:
                row["segments"] = {"precision": p.tolist(), "recall": r.tolist(), "fmeasure": f.tolist()}
            entry["scores"][metric] = row
        report["systems"].append(entry)
    return report


def rouge_rows(report: dict, per_segment: bool) -> tuple[list[str], list[list]]:
    header = ["system", "segment", "metric", "precision", "recall", "fmeasure", "ci", "p_value"]
    rows = []
    for system in report["systems"]:
        scores = system["scores"]
        for metric, s in scores.items():
            rows.append([system["system"], "corpus", metric, s["precision"], s["recall"], s["fmeasure"],
                         s.get("ci"), s.get("p_value")])
        if per_segment:
            for i in range(system["segments"]):
                for metric, s in scores.items():
                    seg = s["segments"]
                    rows.append([system["system"], i + 1, metric, seg["precision"][i], seg["recall"][i],
                                 seg["fmeasure"][i], None, None])
    return _drop_unused(header, rows, keep=3 if per_segment else 1, skip="segment" if not per_segment else None)


# ------------------------------------------------------------------------------------------------- BLEU

def bleu_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--tokenize", "-tok", choices=("13a", "intl", "char", "zh", "none"), default="13a")
    parser.add_argument("--smooth", "--smooth-method", "-s", choices=("exp", "floor", "add-k", "none"),
                        default="exp")
    parser.add_argument("--smooth-value", "-sv", type=_finite_float, help="floor value (0.1) or k (1)")
    parser.add_argument("--lowercase", "-lc", action="store_true")
    parser.add_argument("--max-order", type=_int_in(1, MAX_BLEU_ORDER), default=4,
                        help=f"highest n-gram order (1..{MAX_BLEU_ORDER}, default 4)")
    parser.add_argument("--effective-order", action="store_true")


def bleu_options(args) -> dict:
    """The keyword options of ``textmetrics.metrics.bleu.bleu`` from the command line."""
    return {"max_order": args.max_order, "smooth_method": args.smooth, "smooth_value": args.smooth_value,
            "tokenizer": args.tokenize, "lowercase": args.lowercase, "effective_order": args.effective_order}


def bleu_check(args) -> None:
    from .metrics.bleu import bleu

    bleu([["a"]], ["a"], **bleu_options(args))


def bleu_score(args, references, systems) -> dict:
    from .metrics.bleu import bleu_from_statistics, bleu_statistics, sentence_bleu

    options = bleu_options(args)
    score_options = {k: options[k] for k in ("max_order", "smooth_method", "smooth_value", "effective_order")}
    nrefs = {len(r) for r in references}
    signature_fields = {"nrefs": nrefs.pop() if len(nrefs) == 1 else "var", "tokenizer": args.tokenize,
                        "lowercase": args.lowercase}

    def score_fn(sums):
        return bleu_from_statistics(sums, **score_options).score

    stats = {}
    for name, candidates in systems.items():
        parts = [bleu_statistics(references[a:b], candidates[a:b], max_order=args.max_order,
                                 tokenizer=args.tokenize, lowercase=args.lowercase)
                 for a, b in chunks(len(candidates), f"BLEU {name}", args.quiet)]
        stats[name] = np.concatenate(parts)
    baseline_name = next(iter(stats))
    report: dict = {"metric": "bleu", "systems": []}
    signature = None
    for name, s in stats.items():
        result = bleu_from_statistics(s, **score_options, **signature_fields)
        signature = result.signature
        entry = {"system": name, "segments": len(s), "score": result.score, "counts": list(result.counts),
                 "totals": list(result.totals), "precisions": list(result.precisions), "bp": result.bp,
                 "sys_len": result.sys_len, "ref_len": result.ref_len, "text": str(result)}
        if args.confidence:
            ci = significance.bootstrap_ci(s, score_fn, n_samples=args.confidence, seed=args.seed)
            entry.update(mean=ci.mean, ci=ci.ci, low=ci.low, high=ci.high)
        if args.paired and name != baseline_name:
            entry["p_value"] = _paired(args, stats[baseline_name], s, score_fn).p_value
        if args.per_segment:  # sentence BLEU (effective order on, as sacrebleu's --sentence-level)
            sentence_options = {k: v for k, v in options.items() if k != "effective_order"}
            scores = [sentence_bleu(refs, cand, **sentence_options) for refs, cand in zip(references, systems[name])]
            entry["segment_scores"] = {"score": [x.score for x in scores], "bp": [x.bp for x in scores],
                                       "sys_len": [x.sys_len for x in scores], "ref_len": [x.ref_len for x in scores]}
        report["systems"].append(entry)
    report["signature"] = _with_resampling(signature, args)
    return report


def bleu_rows(report: dict, per_segment: bool) -> tuple[list[str], list[list]]:
    header = ["system", "segment", "bleu", "bp", "sys_len", "ref_len", "ci", "p_value"]
    rows = []
    for s in report["systems"]:
        rows.append([s["system"], "corpus", s["score"], s["bp"], s["sys_len"], s["ref_len"], s.get("ci"),
                     s.get("p_value")])
        if per_segment:
            seg = s["segment_scores"]
            rows += [[s["system"], i + 1, seg["score"][i], seg["bp"][i], seg["sys_len"][i], seg["ref_len"][i],
                      None, None] for i in range(s["segments"])]
    return _drop_unused(header, rows, keep=2 if per_segment else 1, skip="segment" if not per_segment else None)


def bleu_text(report: dict) -> list[str]:
    return [f"{s['system']}: {s['text']}" for s in report["systems"]]


# ------------------------------------------------------------------------------------------------- chrF

def _beta(text: str):
    """``--chrf-beta``: an int stays an int (``chrF2``, as sacrebleu names it), else a finite float >= 0."""
    try:
        value = int(text)
    except ValueError:
        return _finite_float(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be a finite number >= 0, got {text}")
    return value


def chrf_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--chrf-char-order", "-cc", type=_int_in(0, MAX_BLEU_ORDER), default=6,
                        help=f"character n-gram orders (0..{MAX_BLEU_ORDER}, default 6)")
    parser.add_argument("--chrf-word-order", "-cw", type=_int_in(0, MAX_BLEU_ORDER), default=0,
                        help="word n-gram orders (default 0; 2 is chrF++)")
    parser.add_argument("--chrf-beta", type=_beta, default=2, help="recall weight (default 2)")
    parser.add_argument("--chrf-whitespace", action="store_true", help="keep whitespace in the character n-grams")
    parser.add_argument("--chrf-lowercase", action="store_true", help="case-insensitive chrF")
    parser.add_argument("--chrf-eps-smoothing", action="store_true",
                        help="chrF++.py's epsilon smoothing instead of the effective order")


def chrf_options(args) -> dict:
    """The keyword options of ``textmetrics.metrics.chrf.chrf`` from the command line."""
    return {"char_order": args.chrf_char_order, "word_order": args.chrf_word_order, "beta": args.chrf_beta,
            "lowercase": args.chrf_lowercase, "whitespace": args.chrf_whitespace,
            "eps_smoothing": args.chrf_eps_smoothing}


def chrf_check(args) -> None:
    from .metrics.chrf import chrf

    chrf([["a"]], ["a"], **chrf_options(args))


def _nrefs(references) -> int | str:
    nrefs = {len(r) for r in references}
    return nrefs.pop() if len(nrefs) == 1 else "var"


def _statistics_report(args, metric: str, systems: dict, stats_of, score_of, entry_of) -> dict:
    """The shared part of chrF and TER: per-system statistics (in chunks), the corpus score from their sums,
    bootstrap intervals and paired tests over the same statistics, per-segment scores from each row."""
    stats = {}
    for name, candidates in systems.items():
        parts = [stats_of(a, b, candidates) for a, b in chunks(len(candidates), f"{metric} {name}", args.quiet)]
        stats[name] = np.concatenate(parts)

    def score_fn(sums):
        return score_of(sums, False).score

    baseline_name = next(iter(stats))
    report: dict = {"metric": metric, "systems": []}
    signature = None
    for name, s in stats.items():
        result = score_of(s, True)
        signature = result.signature
        entry = {"system": name, "segments": len(s), **entry_of(result), "text": str(result)}
        if args.confidence:
            ci = significance.bootstrap_ci(s, score_fn, n_samples=args.confidence, seed=args.seed)
            entry.update(mean=ci.mean, ci=ci.ci, low=ci.low, high=ci.high)
        if args.paired and name != baseline_name:
            entry["p_value"] = _paired(args, stats[baseline_name], s, score_fn).p_value
        if args.per_segment:  # a segment's score is the score of its row (sacrebleu's sentence_score)
            rows = [entry_of(score_of(row, False)) for row in s]
            entry["segment_scores"] = {key: [r[key] for r in rows] for key in (rows[0] if rows else {})}
        report["systems"].append(entry)
    report["signature"] = _with_resampling(signature, args)
    return report


def chrf_score(args, references, systems) -> dict:
    from .metrics.chrf import chrf_from_statistics, chrf_statistics

    options = chrf_options(args)
    score_options = {k: options[k] for k in ("char_order", "word_order", "beta", "eps_smoothing")}
    signature_fields = {"nrefs": _nrefs(references), "lowercase": args.chrf_lowercase,
                        "whitespace": args.chrf_whitespace}

    def stats_of(a, b, candidates):
        return chrf_statistics(references[a:b], candidates[a:b], **options)

    def score_of(stats, signed):
        return chrf_from_statistics(stats, **score_options, **(signature_fields if signed else {}))

    return _statistics_report(args, "chrf", systems, stats_of, score_of,
                              lambda result: {"name": result.name, "score": result.score})


def chrf_rows(report: dict, per_segment: bool) -> tuple[list[str], list[list]]:
    header = ["system", "segment", "name", "chrf", "ci", "p_value"]
    rows = []
    for s in report["systems"]:
        rows.append([s["system"], "corpus", s["name"], s["score"], s.get("ci"), s.get("p_value")])
        if per_segment:
            seg = s["segment_scores"]
            rows += [[s["system"], i + 1, seg["name"][i], seg["score"][i], None, None]
                     for i in range(s["segments"])]
    return _drop_unused(header, rows, keep=4 if per_segment else 3, skip="segment" if not per_segment else None)


# -------------------------------------------------------------------------------------------------- TER

def ter_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--ter-normalized", action="store_true", help="Tercom normalization and tokenization")
    parser.add_argument("--ter-no-punct", action="store_true", help="delete punctuation")
    parser.add_argument("--ter-asian-support", action="store_true", help="CJK splitting and punctuation")
    parser.add_argument("--ter-case-sensitive", action="store_true", help="do not lowercase")


def ter_options(args) -> dict:
    """The keyword options of ``textmetrics.metrics.ter.ter`` from the command line."""
    return {"normalized": args.ter_normalized, "no_punct": args.ter_no_punct,
            "asian_support": args.ter_asian_support, "case_sensitive": args.ter_case_sensitive}


def ter_check(args) -> None:
    from .metrics.ter import ter

    ter([["a"]], ["a"], **ter_options(args))


def ter_score(args, references, systems) -> dict:
    from .metrics.ter import ter_from_statistics, ter_statistics

    options = ter_options(args)
    signature_fields = {"nrefs": _nrefs(references), **options}

    def stats_of(a, b, candidates):
        return ter_statistics(references[a:b], candidates[a:b], **options)

    def score_of(stats, signed):
        return ter_from_statistics(stats, **(signature_fields if signed else {}))

    return _statistics_report(args, "ter", systems, stats_of, score_of,
                              lambda result: {"score": result.score, "num_edits": result.num_edits,
                                              "ref_length": result.ref_length})


def ter_rows(report: dict, per_segment: bool) -> tuple[list[str], list[list]]:
    header = ["system", "segment", "ter", "num_edits", "ref_length", "ci", "p_value"]
    rows = []
    for s in report["systems"]:
        rows.append([s["system"], "corpus", s["score"], s["num_edits"], s["ref_length"], s.get("ci"),
                     s.get("p_value")])
        if per_segment:
            seg = s["segment_scores"]
            rows += [[s["system"], i + 1, seg["score"][i], seg["num_edits"][i], seg["ref_length"][i], None, None]
                     for i in range(s["segments"])]
    return _drop_unused(header, rows, keep=5 if per_segment else 4, skip="segment" if not per_segment else None)


def statistics_text(report: dict) -> list[str]:
    """sacrebleu's one-line summaries: ``SYSTEM: chrF2 = 67.17``, ``SYSTEM: TER = 16.67``."""
    return [f"{s['system']}: {s['text']}" for s in report["systems"]]


# --------------------------------------------------------------------------------------------- commands

@dataclass(frozen=True)
class Command:
    """One ``textmetrics <name>`` subcommand.

    ``add_arguments(parser)`` adds its own options; ``check(args)`` runs the metric's API on a one-segment corpus
    so that a bad option is a usage error (exit 2) before any input is read; ``score(args, references, systems)``
    returns the report (a JSON-able dict with ``metric``, ``signature`` and ``systems``); ``rows(report,
    per_segment)`` gives the table/CSV header and rows; ``percent`` names the table columns shown x100;
    ``text(report)`` adds lines under the table (sacrebleu's one-line summaries).
    """

    name: str
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    check: Callable[[argparse.Namespace], None]
    score: Callable[[argparse.Namespace, list, dict], dict]
    rows: Callable[[dict, bool], tuple[list[str], list[list]]]
    percent: frozenset = frozenset()
    text: Callable[[dict], list[str]] | None = None


COMMANDS: dict[str, Command] = {}


def register(command: Command) -> Command:
    COMMANDS[command.name] = command
    return command


register(Command("rouge", "ROUGE scores (rouge-score compatible)", rouge_arguments, rouge_check, rouge_score,
                 rouge_rows, percent=frozenset({"precision", "recall", "fmeasure", "ci"})))
register(Command("bleu", "BLEU (sacrebleu-compatible)", bleu_arguments, bleu_check, bleu_score, bleu_rows,
                 text=bleu_text))
register(Command("chrf", "chrF and chrF++ (sacrebleu-compatible)", chrf_arguments, chrf_check, chrf_score,
                 chrf_rows, text=statistics_text))
register(Command("ter", "TER (sacrebleu-compatible)", ter_arguments, ter_check, ter_score, ter_rows,
                 text=statistics_text))


# ------------------------------------------------------------------------------------------------- output

def _drop_unused(header, rows, keep: int, skip: str | None):
    """Drop the columns that are empty in every row (the first ``keep`` always stay) and the ``skip`` column."""
    used = [k for k, name in enumerate(header)
            if name != skip and (k < keep or any(row[k] is not None for row in rows))]
    return [header[k] for k in used], [[row[k] for k in used] for row in rows]


def format_report(report: dict, fmt: str, *, per_segment: bool = False, width: int | None = None) -> str:
    if fmt == "json":
        return json.dumps(report, indent=2, ensure_ascii=False)
    command = COMMANDS[report["metric"]]
    header, rows = command.rows(report, per_segment)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        return out.getvalue().rstrip("\n")
    cells = [[_cell(v, name in command.percent, width) for name, v in zip(header, row)] for row in rows]
    widths = [max(len(str(x)) for x in column) for column in zip(header, *cells)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in cells]
    if command.text is not None:
        lines += [""] + command.text(report)
    paired = report.get("paired")
    if paired:
        lines += ["", (f"p_value: paired {paired['test']} test of each system against the baseline "
                       f"{paired['baseline']} ({paired['n_samples']} samples, seed {paired['seed']})")]
    lines.append(f"\n{report['signature']}")
    return "\n".join(lines)


def _cell(value, percent: bool, width: int | None) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if percent:
            return f"{100 * value:.{2 if width is None else width}f}"
        return f"{value:.{4 if width is None else width}f}"
    return str(value)


# ------------------------------------------------------------------------------------------------ parser

def _metric_list(text: str) -> list[str]:
    """ROUGE metric names, each checked by the engine itself (a one-pair corpus): a name the engine cannot score
    (unknown, a number out of range) is a usage error here, not a traceback later."""
    from . import registry
    from .batch import rouge

    names = [m.strip() for m in text.split(",") if m.strip()]
    if not names:
        raise argparse.ArgumentTypeError("no metric given")
    for name in names:
        try:
            registry.rouge_metric(name)
            rouge(["a"], ["a"], [name])
        except OverflowError as exc:
            raise argparse.ArgumentTypeError(f"{name}: a number is out of range ({exc})") from exc
        except (TypeError, ValueError) as exc:
            raise argparse.ArgumentTypeError(str(exc)) from exc
    return names


def _int_in(low: int, high: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be an integer in {low}..{high}, got {text}")
        return value
    parse.__name__ = "integer"
    return parse


_resamples = _int_in(1, MAX_RESAMPLES)


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be a non-negative integer, got {text}")
    return value


def _finite_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"must be a finite number >= 0, got {text}")
    return value


class _Bare:
    """``--confidence`` without N."""

    def __repr__(self) -> str:
        return "default"


BARE = _Bare()


def common_arguments() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    io_args = common.add_argument_group("inputs")
    io_args.add_argument("refs", nargs="+", metavar="REF_FILE",
                         help="reference file(s), line-aligned or JSONL; '-' is stdin")
    io_args.add_argument("-c", "--cand", "-i", "--input", dest="cand", nargs="+", metavar="CAND_FILE",
                         help="candidate file(s), one per system; '-' is stdin (the default without -c)")
    io_args.add_argument("--ref-field", help="JSONL: the field holding the reference(s) (a string or a list)")
    io_args.add_argument("--cand-field", default="prediction",
                         help="JSONL: the candidate field (default: prediction)")
    io_args.add_argument("--sentence-sep", help="a marker inside a line that becomes a sentence break (rougeLsum)")

    out = common.add_argument_group("output")
    out.add_argument("--per-segment", "--sentence-level", "-sl", action="store_true",
                     help="also report every segment's scores (all formats)")
    out.add_argument("-f", "--format", choices=("table", "text", "json", "csv"), default="table",
                     help="table (or text), json, csv (default: table)")
    out.add_argument("-w", "--width", type=_int_in(0, MAX_WIDTH),
                     help="decimals of the numbers in the table (default: 2 for percentages, 4 otherwise)")
    out.add_argument("-q", "--quiet", action="store_true", help="no progress bar")

    stats = common.add_argument_group("statistics")
    stats.add_argument("--confidence", "-ci", type=_resamples, nargs="?", const=BARE, metavar="N",
                       help="bootstrap confidence interval with N resamples (default 1000)")
    stats.add_argument("--confidence-n", "-cin", type=_resamples, metavar="N",
                       help="sacrebleu's name for the resamples of --confidence (turns it on)")
    paired = stats.add_mutually_exclusive_group()
    paired.add_argument("--paired-bs", "-pbs", dest="paired", action="store_const", const="bs",
                        help="paired bootstrap test of every system against the first")
    paired.add_argument("--paired-ar", "-par", dest="paired", action="store_const", const="ar",
                        help="paired approximate randomization test of every system against the first")
    stats.add_argument("--paired-samples", type=_resamples, metavar="N",
                       help="resamples/trials of the paired test (default 1000 bs, 10000 ar)")
    stats.add_argument("--paired-bs-n", "-pbsn", type=_resamples, metavar="N", help="resamples of --paired-bs")
    stats.add_argument("--paired-ar-n", "-parn", type=_resamples, metavar="N", help="trials of --paired-ar")
    stats.add_argument("--seed", type=_seed, default=significance.DEFAULT_SEED,
                       help=f"random seed (default {significance.DEFAULT_SEED})")
    return common


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="textmetrics", description="Exact, fast ROUGE, BLEU, chrF and TER.")
    parser.add_argument("--version", "-V", action="version", version=f"textmetrics {__version__}")
    subcommands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    common = common_arguments()
    for command in COMMANDS.values():
        sub = subcommands.add_parser(command.name, parents=[common], help=command.help,
                                     description=command.help)
        command.add_arguments(sub)
        sub.set_defaults(parser=sub)
    return parser


def _same_file(path: str):
    if path == STDIN:
        return STDIN
    try:
        st = os.stat(path)
    except OSError:
        return os.path.abspath(path)  # unreadable: reported when it is read
    return st.st_dev, st.st_ino


def _stdin_is_terminal() -> bool:
    try:
        return sys.stdin is None or sys.stdin.isatty()
    except (AttributeError, ValueError):
        return True


def resolve(args) -> None:
    """Settle the options that depend on each other; a conflict is a usage error (``parser.error``, exit 2)."""
    error = args.parser.error
    args.format = "table" if args.format == "text" else args.format

    if args.confidence is BARE:
        args.confidence = args.confidence_n or 1000
    elif args.confidence is None:
        args.confidence = args.confidence_n
    elif args.confidence_n is not None and args.confidence_n != args.confidence:
        error(f"--confidence {args.confidence} and --confidence-n {args.confidence_n} disagree: give one")

    counts = {"--paired-samples": args.paired_samples, "--paired-bs-n": args.paired_bs_n,
              "--paired-ar-n": args.paired_ar_n}
    given = {flag: n for flag, n in counts.items() if n is not None}
    if not args.paired:
        if given:
            error(f"{', '.join(given)} needs --paired-bs or --paired-ar")
        args.paired_n = None
    else:
        own, other = ("bs", "ar") if args.paired == "bs" else ("ar", "bs")
        if f"--paired-{other}-n" in given:
            error(f"--paired-{other}-n is for --paired-{other}, not --paired-{own}: use --paired-{own}-n or "
                  "--paired-samples")
        if len(set(given.values())) > 1:
            error(f"{' and '.join(given)} disagree: give one")
        args.paired_n = next(iter(given.values()), 1000 if args.paired == "bs" else 10000)

    if args.cand is None and not args.ref_field:
        if STDIN in args.refs:
            error("without -c the candidates come from stdin; the references are on stdin ('-'): give -c CAND_FILE")
        if _stdin_is_terminal():
            error("no candidates: give -c CAND_FILE [CAND_FILE ...], or pipe them into stdin")
        args.cand = [STDIN]
    inputs = list(args.refs) + list(args.cand or [])
    if inputs.count(STDIN) > 1:
        error("stdin ('-') can be read only once: give it for the references or for one system")
    systems = args.cand or [args.refs[0]]
    seen: dict = {}
    for path in systems:
        key = _same_file(path)
        if key in seen:
            first = seen[key]
            same = f"{display_name(path)!r} is given twice" if first == path else \
                f"{display_name(first)!r} and {display_name(path)!r} are the same file"
            error(f"{same} as a system (-c): each system must be a different file")
        seen[key] = path
    if args.paired and len(systems) < 2:
        error("--paired-bs/--paired-ar need at least two candidate files (-c BASELINE SYSTEM ...)")


def _silence_stdout() -> None:
    """After a closed pipe: point stdout at /dev/null so that the interpreter's final flush is quiet too."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, sys.stdout.fileno())
        finally:
            os.close(devnull)
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        pass


def _utf8_stdout() -> None:
    stream = sys.stdout
    if isinstance(stream, io.TextIOWrapper) and (stream.encoding or "").lower().replace("-", "") != "utf8":
        try:
            stream.reconfigure(encoding="utf-8")
        except (AttributeError, ValueError, io.UnsupportedOperation):
            pass


def _error(message: str) -> None:
    try:
        print(f"textmetrics: error: {message}", file=sys.stderr)
    except (BrokenPipeError, OSError, ValueError):
        pass


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_PIPE
    except KeyboardInterrupt:
        _error("interrupted")
        return EXIT_INTERRUPTED


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    command = COMMANDS[args.command]
    resolve(args)
    try:
        command.check(args)
    except OverflowError as exc:
        args.parser.error(f"an option is out of range ({exc})")
    except (TypeError, ValueError) as exc:
        args.parser.error(str(exc))
    try:
        references, systems = load(args)
        report = command.score(args, references, systems)
    except InputError as exc:
        _error(str(exc))
        return EXIT_INPUT
    except (TypeError, ValueError, OverflowError) as exc:  # the options passed the check: the data is at fault
        _error(str(exc))
        return EXIT_INPUT
    paired = _paired_info(args, systems)
    if paired:
        report["paired"] = paired
    _utf8_stdout()
    write(format_report(report, args.format, per_segment=args.per_segment, width=args.width) + "\n")
    return EXIT_OK


def write(text: str, piece: int = 1 << 14) -> None:
    """Write to stdout in pieces and flush: a reader that goes away (``| head``) is then seen as a
    BrokenPipeError on the next piece, also when stdout is unbuffered (``PYTHONUNBUFFERED``, where one large write
    that the pipe takes only in part would otherwise end silently)."""
    out = sys.stdout
    for start in range(0, len(text), piece):
        out.write(text[start:start + piece])
    out.flush()


if __name__ == "__main__":
    sys.exit(main())
