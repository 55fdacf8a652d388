"""sacrebleu 2.6.0's ``sacrebleu.metrics.base``: ``Score``, ``Signature`` and the ``Metric`` protocol.

A metric reduces each segment to a row of sufficient statistics (``_extract_corpus_statistics``), scores summed
rows (``_compute_score_from_stats``) and a list of rows (``_aggregate_and_compute``); ``corpus_score`` (with
bootstrap resampling), ``sentence_score`` and ``significance.PairedTest`` need nothing else. ``BLEU`` implements
it on textmetrics' engine; another metric (chrF, TER) plugs into the paired tests by implementing the same three
methods and a ``get_signature``.
"""
from __future__ import annotations

import json
import logging
import statistics
from abc import ABCMeta, abstractmethod
from collections.abc import Sequence
from typing import Any

import numpy as np

from ...._version import __version__ as _textmetrics_version
from ....tokenizers import check_text

__all__ = ["Metric", "Score", "Signature", "VERSION"]

sacrelogger = logging.getLogger("textmetrics.compat.sacrebleu")

# What the signatures say produced the number (sacrebleu's say "version:2.6.0").
VERSION = f"textmetrics-{_textmetrics_version}"


class CompatAssertionError(ValueError, AssertionError):
    """Bad input where sacrebleu fails an ``assert``: catch it as ``ValueError`` or ``AssertionError``."""


# ------------------------------------------------------------------------------------- input checks

def _check_bool(name: str, value) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be bool, got {type(value).__name__}")
    return bool(value)


def _check_hypotheses(hypotheses, single: str = "sentence_bleu") -> list[str]:
    """The hypotheses as a list of str (``single`` names the sentence-level function for the message)."""
    if isinstance(hypotheses, str):
        raise TypeError(f"hypotheses must be a list of strings, got a str: for one hypothesis use {single} or "
                        "[hypothesis]")
    if not isinstance(hypotheses, Sequence):
        raise TypeError(f"hypotheses must be a sequence of strings, got {type(hypotheses).__name__}")
    if not hypotheses:
        raise ValueError("hypotheses is empty: give at least one hypothesis")
    for i, hypothesis in enumerate(hypotheses):
        check_text(hypothesis, f"hypotheses[{i}]")
    return list(hypotheses)


def _check_streams(references) -> list[list[str]]:
    """Reference streams -> per-segment lists of references (``None`` entries dropped)."""
    if isinstance(references, str) or not isinstance(references, Sequence):
        raise TypeError("references must be a list of reference streams, each a list of strings parallel to the "
                        f"hypotheses (e.g. [refs] for one reference per segment), got {type(references).__name__}")
    if not references:
        raise ValueError("references is empty: give at least one reference stream")
    for k, stream in enumerate(references):
        if isinstance(stream, str):
            raise TypeError(f"references[{k}] is a str, but references must be a list of streams, each a list with "
                            "one reference per hypothesis: for a single reference per segment pass [refs]")
        if not isinstance(stream, Sequence):
            raise TypeError(f"references[{k}] must be a sequence of strings, got {type(stream).__name__}")
        for i, line in enumerate(stream):
            if line is not None:
                check_text(line, f"references[{k}][{i}]")
    lengths = {len(stream) for stream in references}
    if len(lengths) > 1:
        raise ValueError(f"reference streams differ in length ({sorted(lengths)}): each stream needs one entry "
                         "(a string or None) per hypothesis")
    segments = [[line for line in lines if line is not None] for lines in zip(*references)]
    for i, refs in enumerate(segments):
        if not refs:
            raise ValueError(f"segment {i} has no reference: every stream is None there")
    return segments


def _num_refs(segments: list[list[str]]) -> int:
    """sacrebleu's ``num_refs``: the number of references per segment, -1 when it varies (``nrefs:var``)."""
    counts = {len(refs) for refs in segments}
    return counts.pop() if len(counts) == 1 else -1


class Score:
    """A score: ``name``, ``score``, bootstrap ``_mean``/``_ci`` (-1.0 until estimated), ``format()``."""

    def __init__(self, name: str, score: float):
        self.name = name
        self.score = score
        self._mean = -1.0
        self._ci = -1.0

    @property
    def _verbose(self) -> str:
        """Details printed after the score (none for the base class)."""
        return ""

    def format(self, width: int = 2, score_only: bool = False, signature: str = "", is_json: bool = False) -> str:
        """``NAME[|signature] = score [(μ = mean ± ci)] [details]``, the score alone, or a JSON record."""
        text = f"{self.score:.{width}f}"
        record = {"name": self.name, "score": float(text), "signature": signature}
        if self._mean > 0:
            mean, ci = f"{self._mean:.{width}f}", f"{self._ci:.{width}f}"
            confidence = f"μ = {mean} ± {ci}"
            text += f" ({confidence})"
            record.update(confidence_mean=float(mean), confidence_var=float(ci), confidence=confidence)
        if score_only:
            return text
        line = f"{self.name}|{signature} = {text}" if signature else f"{self.name} = {text}"
        verbose = self._verbose
        if verbose:
            line += f" {verbose}"
            record["verbose_score"] = verbose
        if is_json:
            for field in filter(None, signature.split("|")):
                key, value = field.split(":", 1)
                record[key] = value
            return json.dumps(record, indent=1, ensure_ascii=False)
        return line

    @property
    def mean(self):
        """Mean of the bootstrap scores (None without ``n_bootstrap > 1``); sacrebleu keeps it in ``_mean``."""
        return self._mean if self._mean != -1.0 else None

    @property
    def ci(self):
        """Half-width of the bootstrap's central 95 % (None without ``n_bootstrap > 1``); sacrebleu: ``_ci``."""
        return self._ci if self._ci != -1.0 else None

    def estimate_ci(self, scores: list) -> None:
        """Store the mean and the half-width of the central 95 % of bootstrap ``Score``s (``_mean``, ``_ci``)."""
        values = sorted(s.score for s in scores)
        tail = len(values) // 40
        self._ci = 0.5 * (values[len(values) - tail - 1] - values[tail])
        self._mean = _exact_mean(values)

    def __repr__(self) -> str:
        return self.format()


def _exact_mean(values: list):
    """``statistics.mean`` (the correctly rounded mean, in the values' type), as sacrebleu; where sacrebleu raises
    ``TypeError`` because Python floats and NumPy floats are mixed (a chrF/TER bootstrap in which some resamples
    score a constant 0.0 or 100.0 and the others np.float32), the mean of them all, in the NumPy type."""
    try:
        return statistics.mean(values)
    except TypeError:
        kinds = {type(v) for v in values if isinstance(v, np.floating)}
        if len(kinds) != 1 or not all(isinstance(v, (int, float, np.floating)) for v in values):
            raise
        return kinds.pop()(statistics.mean([float(v) for v in values]))


class Signature:
    """A reproducibility signature built from a metric's attributes; ``format(short=False)``, ``update``, ``str``."""

    def __init__(self, args: dict):
        self._abbr = {"version": "v", "nrefs": "#", "test": "t", "lang": "l", "subset": "S", "origlang": "o",
                      "bs": "bs", "ar": "ar", "seed": "rs"}
        num_refs = args.get("num_refs")
        if num_refs is None:
            raise ValueError("Number of references unknown, please evaluate the metric first.")
        self.info = {
            "version": VERSION, "nrefs": "var" if num_refs == -1 else num_refs, "bs": args.get("n_bootstrap"),
            "ar": None, "seed": args.get("seed"), "test": args.get("test_set"), "lang": args.get("langpair"),
            "origlang": args.get("origlang"), "subset": args.get("subset"),
        }

    def format(self, short: bool = False) -> str:
        fields = []
        for key in [k for k in self.info if k != "version"] + ["version"]:
            value = self.info[key]
            if value is None:
                continue
            if isinstance(value, bool):
                value = "yes" if value else "no"
            fields.append(f"{self._abbr.get(key, key) if short else key}:{value}")
        return "|".join(fields)

    def update(self, key: str, value: Any) -> None:
        self.info[key] = value

    def __str__(self) -> str:
        return self.format()

    __repr__ = __str__


def sum_of_lists(rows):
    """Column sums of statistics rows, in the type of the first row's values; a single row is returned as it is."""
    if isinstance(rows, np.ndarray):
        return rows[0] if len(rows) == 1 else rows.sum(axis=0)
    if len(rows) == 1:
        return rows[0]
    first = rows[0]
    totals = [type(first[0])(0.0)] * len(first)
    for row in rows:
        for i in range(len(totals)):
            totals[i] += row[i]
    return totals


class Metric(metaclass=ABCMeta):
    """sacrebleu's metric protocol: statistics first, scores from summed statistics."""

    _SIGNATURE_TYPE = Signature

    def __init__(self):
        self._ref_cache = None
        self._force = True  # only BLEU warns about tokenized-looking input
        self.n_bootstrap = None
        self.seed = None

    @abstractmethod
    def _extract_corpus_statistics(self, hypotheses, references):
        """One row of statistics per segment (``references=None``: the cached references)."""

    @abstractmethod
    def _compute_score_from_stats(self, stats):
        """The score of already summed statistics (a list or a NumPy row)."""

    def _aggregate_and_compute(self, stats):
        """The score of a list (or 2-D array) of segment statistics."""
        return self._compute_score_from_stats(sum_of_lists(stats))

    def _references_or_cache(self, references):
        """``_cache_references(references)`` (which also sets ``num_refs``), or the cache where sacrebleu uses it:
        ``references`` None, or empty (sacrebleu tests ``if references:``) while a cache exists."""
        empty = isinstance(references, Sequence) and not isinstance(references, str) and len(references) == 0
        if references is not None and not (empty and self._ref_cache is not None):
            return self._cache_references(references)
        if self._ref_cache is None:
            raise RuntimeError("No references provided and the cache is empty.")
        return self._ref_cache

    def _check_sentence_score_args(self, hyp, refs) -> None:
        prefix = type(self).__name__
        check_text(hyp, f"{prefix}: hypothesis")
        if isinstance(refs, str) or not isinstance(refs, Sequence):
            raise TypeError(f"{prefix}: references must be a list of reference strings (e.g. [ref] for one "
                            f"reference), got {type(refs).__name__}")
        if not refs:
            raise ValueError(f"{prefix}: references is empty: give at least one reference")

    def sentence_score(self, hypothesis: str, references: Sequence[str]):
        """The score of one hypothesis against a list of reference strings (``None`` entries skipped)."""
        self._check_sentence_score_args(hypothesis, references)
        stats = self._extract_corpus_statistics([hypothesis], [[ref] for ref in references])
        return self._aggregate_and_compute(stats)

    def corpus_score(self, hypotheses: Sequence[str], references=None, n_bootstrap: int = 1):
        """The corpus score; ``references=None`` uses the cached references. ``n_bootstrap > 1`` adds the
        bootstrap mean and 95 % half-width (sacrebleu's draws, seed from ``SACREBLEU_SEED``, default 12345)."""
        if isinstance(n_bootstrap, bool) or not isinstance(n_bootstrap, (int, np.integer)) or n_bootstrap < 1:
            raise ValueError(f"n_bootstrap must be a positive int, got {n_bootstrap!r}")
        stats = self._extract_corpus_statistics(hypotheses, references)
        result = self._aggregate_and_compute(stats)
        if n_bootstrap > 1:
            from ..significance import _bootstrap_resample

            self.n_bootstrap = int(n_bootstrap)
            self.seed, resampled = _bootstrap_resample(stats, self, int(n_bootstrap))
            result.estimate_ci(resampled)
        return result

    def get_signature(self):
        """The signature of the last evaluation (``ValueError`` before any)."""
        return self._SIGNATURE_TYPE(self.__dict__)
