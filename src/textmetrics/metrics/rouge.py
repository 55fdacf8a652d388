"""The ROUGE family for one candidate: ``rouge_n``, ``rouge_l``, ``rouge_lsum``, ``rouge_w``, ``rouge_s``,
``rouge_su`` and ``lcs_length``. Reference first, candidate second.

Each metric reduces a (reference, candidate) pair to sufficient statistics ``(hits, ref_size, cand_size)``
(``textmetrics.reference.rouge.Stats``), computed by the Numba kernels (``backend="numba"``, the default) or the
plain-Python reference (``backend="python"``); both give identical numbers. Several references are combined by
``multi_ref``:

* ``"best"`` (default): rouge-score's ``score_multi``: the reference whose F is highest, the first one on ties;
* ``"average"``: ROUGE-1.5.5 ``-f A``: hits and sizes summed over the references, then scored;
* ``"best_recall"``: ROUGE-1.5.5 ``-f B`` (rouge-metric's ``best``): the reference with the highest recall.

Semantics: ROUGE-N/L/Lsum are exactly rouge-score 0.1.2's ``rouge1..9``, ``rougeL`` and ``rougeLsum``;
ROUGE-W/S/SU are ROUGE-1.5.5's as reproduced by rouge-metric 1.0.1's PyRouge (summary level for W over
newline-separated sentences; skip bigrams ``(t_i, t_j)`` with ``j <= i + max_skip + 1``; SU's unigrams exclude
the last token). F is ``textmetrics.scoring.fmeasure``.
"""
from __future__ import annotations

import itertools
import numbers
from typing import Callable, Hashable, Optional, Sequence, Union

from ..reference import rouge as reference
from ..reference.rouge import Stats
from ..scoring import Score, check_alpha, fmeasure
from ..tokenizers import Tokenizer, TokenizerSpec, check_text, resolve_tokenizer

References = Union[str, Sequence[str]]

MULTI_REF_MODES = ("best", "average", "best_recall")
BACKENDS = ("numba", "python")


# ---------------------------------------------------------------------------------------------- validation

def check_references(ref: References) -> list[str]:
    """One reference string or a non-empty sequence of them, as a list."""
    if isinstance(ref, str):
        return [ref]
    if ref is None or isinstance(ref, (bytes, bytearray)) or not hasattr(ref, "__iter__"):
        raise TypeError(f"reference must be str or a list of str, got {type(ref).__name__}")
    refs = list(ref)
    if not refs:
        raise ValueError("reference list is empty: give at least one reference")
    for k, r in enumerate(refs):
        check_text(r, f"reference [{k}]")
    return refs


def check_choice(name: str, value, choices: Sequence[str]) -> str:
    if value not in choices:
        raise ValueError(f"unknown {name} {value!r}; choose one of {list(choices)}")
    return value


def check_int(name: str, value, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return int(value)


MAX_SKIP = 2**31 - 1  # beyond any text: use None for an unlimited skip


def check_max_skip(max_skip) -> Optional[int]:
    if max_skip is None:
        return None
    value = check_int("max_skip", max_skip, 0)
    if value > MAX_SKIP:
        raise ValueError(f"max_skip must be <= {MAX_SKIP} (None means unlimited), got {value}")
    return value


MAX_WEIGHT = 4.0  # the reference base is (sum |r|**w)**w: with w <= 4 it stays finite up to ~1e19 tokens


def check_weight(weight) -> float:
    if isinstance(weight, bool) or not isinstance(weight, numbers.Real):  # np.bool_ is not a Real
        raise TypeError(f"weight must be a number in [1, {MAX_WEIGHT:g}], got {type(weight).__name__}")
    if not 1 <= weight <= MAX_WEIGHT:
        raise ValueError(f"weight must be in [1, {MAX_WEIGHT:g}] (f(k) = k**weight rewards consecutive matches; "
                         f"beyond {MAX_WEIGHT:g} the weighted sizes overflow), got {weight!r}")
    return float(weight)


# ----------------------------------------------------------------------------------- statistics -> score

def plain_score(stats: Stats, alpha: float) -> Score:
    """Precision = hits / cand_size, recall = hits / ref_size (0 for an empty side, as rouge-score)."""
    precision = stats.hits / max(stats.cand_size, 1)
    recall = stats.hits / max(stats.ref_size, 1)
    return Score(precision, recall, fmeasure(precision, recall, alpha))


def weighted_score(stats: Stats, alpha: float, weight: float) -> Score:
    """ROUGE-W: the ratios are mapped back through f^-1(x) = x**(1/weight)."""
    inverse = 1 / weight
    precision = (stats.hits / stats.cand_size) ** inverse if stats.cand_size != 0 else 0.0
    recall = (stats.hits / stats.ref_size) ** inverse if stats.ref_size != 0 else 0.0
    return Score(precision, recall, fmeasure(precision, recall, alpha))


def combine(per_ref: list[Stats], multi_ref: str, to_score: Callable[[Stats], Score]) -> Score:
    """Combine the statistics of one candidate against each of its references into one Score."""
    if multi_ref == "average":
        return to_score(Stats(*(sum(column) for column in zip(*per_ref))))
    if multi_ref == "best_recall":
        recalls = [s.hits / s.ref_size if s.ref_size else 0.0 for s in per_ref]
        return to_score(per_ref[recalls.index(max(recalls))])
    scores = [to_score(s) for s in per_ref]
    fs = [s.fmeasure for s in scores]
    return scores[fs.index(max(fs))]


# ------------------------------------------------------------------------------------------ tokenization

def sentences(text: str, tokenize: Tokenizer) -> list[list[str]]:
    """rouge-score's rougeLsum sentences: lines split on "\\n" only, empty lines dropped, each tokenized."""
    return [tokenize(line) for line in text.split("\n") if line]


# ----------------------------------------------------------------------------------------- the metrics

class _Metric:
    """One ROUGE variant: its plain-Python statistics (``backend="python"``) and its spec for the compiled engine
    (``textmetrics.batch``: a single pair is a batch of one)."""

    summary_level = False  # sentences (True) or one flat token list (False)

    def python(self, ref, cand) -> Stats:
        raise NotImplementedError

    def spec(self):
        raise NotImplementedError

    def score(self, stats: Stats, alpha: float) -> Score:
        return plain_score(stats, alpha)


class _RougeN(_Metric):
    def __init__(self, n):
        self.n = n

    def python(self, ref, cand):
        return reference.rouge_n_stats(ref, cand, self.n)

    def spec(self):
        return _batch().MetricSpec(f"rouge{self.n}", "n", n=self.n)


class _RougeL(_Metric):
    def python(self, ref, cand):
        return reference.rouge_l_stats(ref, cand)

    def spec(self):
        return _batch().MetricSpec("rougeL", "l")


class _RougeLsum(_Metric):
    summary_level = True

    def python(self, ref, cand):
        return reference.rouge_lsum_stats(ref, cand)

    def spec(self):
        return _batch().MetricSpec("rougeLsum", "lsum")


class _RougeW(_Metric):
    summary_level = True

    def __init__(self, weight):
        self.weight = weight

    def python(self, ref, cand):
        return reference.rouge_w_stats(ref, cand, self.weight)

    def spec(self):
        return _batch().MetricSpec("rougeW", "w", weight=self.weight)

    def score(self, stats, alpha):
        return weighted_score(stats, alpha, self.weight)


class _RougeS(_Metric):
    def __init__(self, max_skip, unigrams):
        self.max_skip, self.unigrams = max_skip, unigrams

    def python(self, ref, cand):
        return reference.rouge_s_stats(ref, cand, self.max_skip, self.unigrams)

    def spec(self):
        return _batch().MetricSpec("rougeS", "s", max_skip=self.max_skip, unigrams=self.unigrams)


def _batch():
    from .. import batch

    return batch


def _evaluate(metric: _Metric, ref: References, cand: str, *, stemmer=False, tokenizer: TokenizerSpec = "default",
              alpha=0.5, multi_ref="best", backend="numba") -> Score:
    refs = check_references(ref)
    check_text(cand, "candidate")
    alpha = check_alpha(alpha)
    check_choice("multi_ref", multi_ref, MULTI_REF_MODES)
    check_choice("backend", backend, BACKENDS)
    tokenize = resolve_tokenizer(tokenizer, stemmer)
    if backend == "numba":
        # a batch of one: the corpus engine's statistics, then the scalar formula (the same IEEE operations)
        import numpy as np

        hits, ref_size, cand_size = _batch().statistics(
            [metric.spec()], [cand], refs, np.array([0, len(refs)], dtype=np.int64), stemmer=stemmer,
            tokenizer=tokenizer, tokenize=tokenize)
        per_ref = [Stats(*x) for x in zip(hits[0].tolist(), ref_size[0].tolist(), cand_size[0].tolist())]
        if not isinstance(metric, _RougeW):
            per_ref = [Stats(int(h), int(r), int(c)) for h, r, c in per_ref]
        return combine(per_ref, multi_ref, lambda stats: metric.score(stats, alpha))
    split = (lambda text: sentences(text, tokenize)) if metric.summary_level else tokenize
    cand_tokens = split(cand)
    per_ref = [metric.python(split(r), cand_tokens) for r in refs]
    return combine(per_ref, multi_ref, lambda stats: metric.score(stats, alpha))


def rouge_n(ref: References, cand: str, n: int = 1, **opts) -> Score:
    """ROUGE-N: n-gram overlap, clipped by both texts' counts (rouge-score's ``rouge{n}``)."""
    return _evaluate(_RougeN(check_int("n", n, 1)), ref, cand, **opts)


def rouge_l(ref: References, cand: str, **opts) -> Score:
    """ROUGE-L: longest common subsequence of the two token lists (rouge-score's ``rougeL``)."""
    return _evaluate(_RougeL(), ref, cand, **opts)


def rouge_lsum(ref: References, cand: str, **opts) -> Score:
    """ROUGE-Lsum: summary-level union LCS over newline-separated sentences (rouge-score's ``rougeLsum``)."""
    return _evaluate(_RougeLsum(), ref, cand, **opts)


def rouge_w(ref: References, cand: str, *, weight: float = 1.2, **opts) -> Score:
    """ROUGE-W: weighted LCS with f(k) = k**weight, summary level (ROUGE-1.5.5 ``-w``)."""
    return _evaluate(_RougeW(check_weight(weight)), ref, cand, **opts)


def rouge_s(ref: References, cand: str, *, max_skip: Optional[int] = 4, **opts) -> Score:
    """ROUGE-S: skip bigrams with at most ``max_skip`` words between them (None: unlimited; ROUGE-1.5.5 ``-2``)."""
    return _evaluate(_RougeS(check_max_skip(max_skip), False), ref, cand, **opts)


def rouge_su(ref: References, cand: str, *, max_skip: Optional[int] = 4, **opts) -> Score:
    """ROUGE-SU: ROUGE-S plus unigrams (ROUGE-1.5.5 ``-2 max_skip -u``)."""
    return _evaluate(_RougeS(check_max_skip(max_skip), True), ref, cand, **opts)


def lcs_length(a: Sequence[Hashable], b: Sequence[Hashable], *, backend: str = "numba") -> int:
    """Length of the longest common subsequence of two sequences of hashable tokens (or two int arrays).

    Both backends are exact; ``"numba"`` (default) runs the compiled bit-parallel kernel: int64 arrays go to it as
    they are, any other sequences are interned to int64 ids first (one dict pass at C speed).
    """
    if backend == "numba":
        if type(a) is _ndarray and type(b) is _ndarray and a.dtype == _INT64 and b.dtype == _INT64 \
                and a.ndim == 1 and b.ndim == 1 and a.flags.c_contiguous and b.flags.c_contiguous:
            return _lcs_kernel()(a, b)  # the export's exact signature: nothing to coerce
    elif backend != "python":
        check_choice("backend", backend, BACKENDS)
    for name, seq in (("a", a), ("b", b)):
        if seq is None or not hasattr(seq, "__len__"):
            raise TypeError(f"lcs_length: {name} must be a sequence of hashable tokens, got {type(seq).__name__}")
    if backend == "python":
        return reference.lcs_length(list(a), list(b))
    if isinstance(a, _ndarray) and isinstance(b, _ndarray) and a.dtype.kind in "iub" and b.dtype.kind in "iub" \
            and a.ndim == b.ndim == 1:
        from ..kernels.engine import K

        return int(K.lcs_length(a, b))  # checked: coerced to int64 when no value changes
    vocab: dict = {}
    counter = itertools.count()
    first = _fromiter(map(vocab.setdefault, a, counter), _INT64, len(a))
    second = _fromiter(map(vocab.setdefault, b, counter), _INT64, len(b))
    return _lcs_kernel()(first, second)


def _lcs_kernel():
    """The LCS export itself (``kernels.engine.raw``): only for arguments already of its signature."""
    global _LCS
    if _LCS is None:
        from ..kernels.engine import raw

        _LCS = raw("lcs_length")
    return _LCS


_LCS = None
import numpy as _np  # noqa: E402  (numpy is imported by every compiled path anyway)

_ndarray, _INT64, _fromiter = _np.ndarray, _np.dtype(_np.int64), _np.fromiter


def rouge_signature(metrics: Sequence[str], *, tokenizer: TokenizerSpec = "default", stemmer: bool = False,
                    multi_ref: str = "best", alpha: float = 0.5, n_bootstrap: Optional[int] = None,
                    seed: Optional[int] = None) -> str:
    """A sacrebleu-style record of every setting that changes a ROUGE number, e.g.
    ``rouge1+rougeL|tok:default|stem:yes|ref:best|alpha:0.5|version:0.1.0``."""
    from .._version import __version__

    tok = tokenizer if isinstance(tokenizer, str) else "custom"
    parts = ["+".join(metrics), f"tok:{tok}", f"stem:{'yes' if stemmer else 'no'}", f"ref:{multi_ref}",
             f"alpha:{alpha:g}"]
    if n_bootstrap:
        parts += [f"bs:{n_bootstrap}", f"rs:{'none' if seed is None else seed}"]
    parts.append(f"version:{__version__}")
    return "|".join(parts)
