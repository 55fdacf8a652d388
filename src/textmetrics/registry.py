"""The metric registry: one table from a metric name to what computes it.

Every name a user can give (``rouge1`` .. ``rouge9``, ``rougeL``, ``rougeLsum``, ``rougeW`` / ``rougeW-1.2``,
``rougeS`` / ``rougeS4`` / ``rougeS*``, ``rougeSU`` / ``rougeSU4`` / ``rougeSU*``, ``bleu``, ``chrf``, ``chrf++``,
``ter``) resolves here, once, for the batch API, the CLI, the compat modules, the Hugging Face integration and
``finetune.evaluate``. ``get(name)`` returns

* for ROUGE a ``RougeMetric``: its parameters (``kind``, ``n``, ``max_skip``, ``unigrams``, ``weight``), its
  statistics kernel (``kernel``: ``kernels.rouge.pair_stats`` with ``kernel_kind``/``kernel_params``), its
  plain-Python reference twin (``reference_statistics``: ``textmetrics.reference.rouge``), its score function
  (``score``: statistics -> ``Score``) and its single-pair function (``single``: ``rouge_n``, ``rouge_l`` ...);
* for BLEU, chrF and TER a ``CorpusMetric``: the statistics function (``statistics``, compiled), its reference
  twin (``reference``: ``textmetrics.reference.<metric>.corpus_statistics``), the score function
  (``score``: summed statistics -> score object), the corpus and single-segment functions, and fixed options
  (``chrf++`` is ``chrf`` with ``word_order=2``).

Importing this module imports no kernel (everything heavier is looked up when used).
"""
from __future__ import annotations

import difflib
import importlib
import math
import numbers
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Optional, Union

from .validation import check_int

# ---------------------------------------------------------------------------------------- ROUGE parameters

MAX_SKIP = 2**31 - 1  # beyond any text: use None for an unlimited skip
MAX_WEIGHT = 4.0      # the reference base is (sum |r|**w)**w: with w <= 4 it stays finite up to ~1e19 tokens


def check_max_skip(max_skip) -> Optional[int]:
    if max_skip is None:
        return None
    return check_int("max_skip", max_skip, 0, MAX_SKIP, hint=" (None means unlimited)")


def check_weight(weight) -> float:
    if isinstance(weight, bool) or not isinstance(weight, numbers.Real):  # np.bool_ is not a Real
        raise TypeError(f"weight must be a number in [1, {MAX_WEIGHT:g}], got {type(weight).__name__}")
    value = float(weight)
    if not 1 <= value <= MAX_WEIGHT:
        raise ValueError(f"weight must be in [1, {MAX_WEIGHT:g}] (f(k) = k**weight rewards consecutive matches; "
                         f"beyond {MAX_WEIGHT:g} the weighted sizes overflow), got {weight!r}")
    return value


_KIND_CODES = {"n": 0, "l": 1, "lsum": 2, "w": 3, "s": 4}  # kernels.rouge.KIND_N ..


def _attr(path: str):
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module, __package__), name)


@dataclass(frozen=True)
class RougeMetric:
    """One ROUGE metric: ``kind`` is ``"n"``, ``"l"``, ``"lsum"``, ``"w"`` or ``"s"`` (S and SU)."""

    name: str
    kind: str
    n: int = 0                       # ROUGE-N order
    max_skip: Optional[int] = None   # ROUGE-S/SU (None: any gap)
    unigrams: bool = False           # ROUGE-SU
    weight: float = 1.2              # ROUGE-W

    family = "rouge"

    @property
    def summary_level(self) -> bool:
        """Whether the metric reads sentences (newline-separated lines) rather than one flat token list."""
        return self.kind in ("lsum", "w")

    # the statistics kernel: kernels.rouge.pair_stats, one row per metric
    @property
    def kernel(self) -> Callable:
        return _attr(".kernels.rouge:pair_stats")

    @property
    def kernel_kind(self) -> int:
        return _KIND_CODES[self.kind]

    @property
    def kernel_params(self) -> tuple[int, float, bool]:
        """``(int_param, float_param, flag)`` of the kernel's row: n or max_skip (-1: any), weight, unigrams."""
        int_param = self.n if self.kind == "n" else (-1 if self.max_skip is None else self.max_skip)
        return int_param, self.weight, self.unigrams

    def reference_statistics(self, ref, cand):
        """The plain-Python twin: ``Stats(hits, ref_size, cand_size)`` of token lists (sentence lists for the
        summary-level metrics), ``textmetrics.reference.rouge``."""
        from .reference import rouge as reference

        if self.kind == "n":
            return reference.rouge_n_stats(ref, cand, self.n)
        if self.kind == "l":
            return reference.rouge_l_stats(ref, cand)
        if self.kind == "lsum":
            return reference.rouge_lsum_stats(ref, cand)
        if self.kind == "w":
            return reference.rouge_w_stats(ref, cand, self.weight)
        return reference.rouge_s_stats(ref, cand, self.max_skip, self.unigrams)

    def score(self, stats, alpha: float = 0.5):
        """Statistics -> ``Score`` (``textmetrics.scoring.to_score``; ROUGE-W maps the ratios back through its
        weight)."""
        from .scoring import to_score

        return to_score(stats, alpha, self.weight if self.kind == "w" else None)

    def single(self, ref, cand, *, stemmer: bool = False, tokenizer="default", alpha: float = 0.5,
               multi_ref: str = "best", backend: str = "numba"):
        """The metric of one candidate, as the single-pair functions (``rouge_n(ref, cand, n=...)`` ...) give it."""
        from .metrics import rouge

        return rouge.evaluate(self, ref, cand, stemmer=stemmer, tokenizer=tokenizer, alpha=alpha,
                              multi_ref=multi_ref, backend=backend)


@dataclass(frozen=True)
class CorpusMetric:
    """BLEU, chrF or TER: functions named by ``"module:attribute"``, resolved when used."""

    name: str
    family: str
    _statistics: str
    _reference: str
    _score: str
    _corpus: str
    _single: str
    options: dict = field(default_factory=dict)  # fixed options (chrf++: word_order=2)

    @property
    def statistics(self) -> Callable:
        """Per-segment statistics of ``(references, candidates)`` (the compiled engine)."""
        return self._bound(self._statistics)

    @property
    def reference(self) -> Callable:
        """The plain-Python twin of the statistics kernel (token lists / strings, references first)."""
        return _attr(self._reference)

    @property
    def score(self) -> Callable:
        """Summed (or per-segment) statistics -> the score object."""
        return self._bound(self._score)

    @property
    def corpus(self) -> Callable:
        return self._bound(self._corpus)

    @property
    def single(self) -> Callable:
        return self._bound(self._single)

    def _bound(self, path: str) -> Callable:
        function = _attr(path)
        if not self.options:
            return function
        import functools

        return functools.partial(function, **self.options)


_CORPUS = {
    "bleu": CorpusMetric("bleu", "bleu", ".metrics.bleu:bleu_statistics", ".reference.bleu:corpus_statistics",
                         ".metrics.bleu_score:bleu_from_statistics", ".metrics.bleu:bleu",
                         ".metrics.bleu:sentence_bleu"),
    "chrf": CorpusMetric("chrf", "chrf", ".metrics.chrf:chrf_statistics", ".reference.chrf:corpus_statistics",
                         ".metrics.chrf:chrf_from_statistics", ".metrics.chrf:chrf", ".metrics.chrf:sentence_chrf"),
    "chrf++": CorpusMetric("chrf++", "chrf", ".metrics.chrf:chrf_statistics", ".reference.chrf:corpus_statistics",
                           ".metrics.chrf:chrf_from_statistics", ".metrics.chrf:chrf",
                           ".metrics.chrf:sentence_chrf", {"word_order": 2}),
    "ter": CorpusMetric("ter", "ter", ".metrics.ter:ter_statistics", ".reference.ter:corpus_statistics",
                        ".metrics.ter:ter_from_statistics", ".metrics.ter:ter", ".metrics.ter:sentence_ter"),
}

Metric = Union[RougeMetric, CorpusMetric]

ROUGE_NAMES_HELP = "rouge1..rouge9, rougeL, rougeLsum, rougeW, rougeW-<weight>, rougeS[<skip>|*], rougeSU[<skip>|*]"
NAMES_HELP = f"{ROUGE_NAMES_HELP}, {', '.join(_CORPUS)}"
ROUGE_SCORE_TYPES = tuple(f"rouge{n}" for n in range(1, 10)) + ("rougeL", "rougeLsum")  # rouge-score's names

_ROUGE_RE = re.compile(r"rouge(?:(?P<n>[1-9])|(?P<l>L)|(?P<lsum>Lsum)|W(?:-(?P<w>\d+(?:\.\d+)?))?"
                       r"|(?P<s>SU|S)(?P<skip>\d+|\*)?)")
_EXAMPLES = (*ROUGE_SCORE_TYPES, "rougeW", "rougeW-1.2", "rougeS4", "rougeSU4", "rougeS*", "rougeSU*", *_CORPUS)


def _closest(name: str, examples) -> Optional[str]:
    """The example name closest to ``name``, ignoring case first (``rougel`` -> ``rougeL``)."""
    lowered = {example.lower(): example for example in examples}
    if name.lower() in lowered:
        return lowered[name.lower()]
    close = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.6)
    return lowered[close[0]] if close else None


def _unknown(name: str, what: str = "metric") -> ValueError:
    examples = _EXAMPLES if what == "metric" else [e for e in _EXAMPLES if e.startswith("rouge")]
    close = _closest(name, examples)
    hint = f" (did you mean {close!r}?)" if close else ""
    choices = NAMES_HELP if what == "metric" else ROUGE_NAMES_HELP
    return ValueError(f"unknown {what} {name!r}{hint}; choose from {choices}")


def _parse_rouge(name: str) -> Optional[RougeMetric]:
    match = _ROUGE_RE.fullmatch(name)
    if match is None:
        return None
    if match["n"]:
        return RougeMetric(name, "n", n=int(match["n"]))
    if match["l"]:
        return RougeMetric(name, "l")
    if match["lsum"]:
        return RougeMetric(name, "lsum")
    if match["s"]:
        skip = match["skip"]
        try:
            max_skip = 4 if skip is None else (None if skip == "*" else check_max_skip(int(skip)))
        except ValueError as exc:
            raise ValueError(f"{name!r}: {exc}") from None
        return RougeMetric(name, "s", max_skip=max_skip, unigrams=match["s"] == "SU")
    try:
        weight = check_weight(1.2 if match["w"] is None else float(match["w"]))
    except ValueError as exc:
        raise ValueError(f"{name!r}: {exc}") from None
    if not math.isfinite(weight):  # pragma: no cover - check_weight bounds it
        raise ValueError(f"{name!r}: weight must be finite")
    return RougeMetric(name, "w", weight=weight)


def _check_name(name: Any) -> str:
    if not isinstance(name, str):
        raise TypeError(f"metric names must be str, got {type(name).__name__}")
    return name


def get(name: str) -> Metric:
    """The registry entry of a metric name; ValueError (naming the closest name) for an unknown one."""
    name = _check_name(name)
    corpus = _CORPUS.get(name)
    if corpus is not None:
        return corpus
    metric = _parse_rouge(name)
    if metric is None:
        raise _unknown(name)
    return metric


def family(name: str) -> str:
    """``"rouge"``, ``"bleu"``, ``"chrf"`` or ``"ter"``."""
    return get(name).family


def rouge_metric(name: str) -> RougeMetric:
    """The ``RougeMetric`` of a ROUGE name; ValueError for any other name."""
    name = _check_name(name)
    metric = _parse_rouge(name)
    if metric is None:
        raise _unknown(name, "ROUGE metric")
    return metric


def rouge_metrics(metrics: Union[str, Iterable[str]]) -> list[RougeMetric]:
    """Several ROUGE names (or one) as ``RougeMetric``s: none twice, at least one."""
    if isinstance(metrics, str):
        metrics = (metrics,)
    if not hasattr(metrics, "__iter__"):
        raise TypeError(f"metrics must be a metric name or a sequence of them, got {type(metrics).__name__}")
    specs = [rouge_metric(m) for m in metrics]
    if not specs:
        raise ValueError("metrics is empty: name at least one metric")
    names = [s.name for s in specs]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"metric(s) requested twice: {duplicates}")
    return specs


def names() -> tuple[str, ...]:
    """Example names, one per kind (every ROUGE-N order, S/SU with any skip and W with any weight also parse)."""
    return _EXAMPLES
