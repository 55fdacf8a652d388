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
the last token). Statistics -> score is ``textmetrics.scoring`` (``combine``, ``to_score``, ``fmeasure``).

Every Score they return carries ``signature`` (``scoring.settings_signature``, the builder of
``textmetrics.rouge``'s): the same string as ``textmetrics.rouge([ref], [cand], name, <same options>).signature``,
``name`` being the metric's registry name (``rouge1``, ``rougeL``, ``rougeLsum``, ``rougeW`` for weight 1.2 else
``rougeW-<weight>``, ``rougeS4``, ``rougeSU0``, ``rougeS*`` for an unlimited skip ...).
"""
from __future__ import annotations

import itertools
from typing import Hashable, Optional, Sequence, Union

from ..reference.rouge import Stats
from ..registry import MAX_SKIP, MAX_WEIGHT, RougeMetric, check_max_skip, check_weight  # noqa: F401 (re-exported)
from ..scoring import Score, check_alpha, combine, number_text, settings_signature
from ..tokenizers import Tokenizer, TokenizerSpec, resolve_tokenizer
from ..validation import BACKENDS, check_choice, check_int, check_references, check_text, checked_options

References = Union[str, Sequence[str]]

MULTI_REF_MODES = ("best", "average", "best_recall")


# ------------------------------------------------------------------------------------------ tokenization

def sentences(text: str, tokenize: Tokenizer) -> list[list[str]]:
    """rouge-score's rougeLsum sentences: lines split on "\\n" only, empty lines dropped, each tokenized."""
    return [tokenize(line) for line in text.split("\n") if line]


# ----------------------------------------------------------------------------------------- the metrics

def evaluate(metric: RougeMetric, ref: References, cand: str, *, stemmer: bool = False,
             tokenizer: TokenizerSpec = "default", alpha: float = 0.5, multi_ref: str = "best",
             backend: str = "numba") -> Score:
    """One candidate's ``metric`` (a ``registry.RougeMetric``): the engine behind ``rouge_n`` ... ``rouge_su``; the
    Score carries the signature ``textmetrics.rouge`` would attach for ``metric.name`` and these options."""
    refs = check_references(ref, "ref")
    check_text(cand, "cand")
    alpha = check_alpha(alpha)
    check_choice("multi_ref", multi_ref, MULTI_REF_MODES)
    check_choice("backend", backend, BACKENDS)
    tokenize = resolve_tokenizer(tokenizer, stemmer)  # validates stemmer with tokenizer: the signature claims both
    signature = settings_signature((metric.name,), tokenizer, stemmer, multi_ref, alpha)

    weight = metric.weight if metric.kind == "w" else None
    if backend == "numba":
        # a batch of one: the corpus engine's statistics, then the scalar formula (the same IEEE operations)
        import numpy as np

        from .. import batch

        hits, ref_size, cand_size = batch.statistics(
            [metric], [cand], refs, np.array([0, len(refs)], dtype=np.int64), stemmer=stemmer,
            tokenizer=tokenizer, tokenize=tokenize)
        per_ref = [Stats(*x) for x in zip(hits[0].tolist(), ref_size[0].tolist(), cand_size[0].tolist())]
        if metric.kind != "w":
            per_ref = [Stats(int(h), int(r), int(c)) for h, r, c in per_ref]
        score = combine(per_ref, multi_ref, alpha, weight)
        score.signature = signature
        return score
    split = (lambda text: sentences(text, tokenize)) if metric.summary_level else tokenize
    cand_tokens = split(cand)
    per_ref = [metric.reference_statistics(split(r), cand_tokens) for r in refs]
    score = combine(per_ref, multi_ref, alpha, weight)
    score.signature = signature
    return score


_L, _LSUM = RougeMetric("rougeL", "l"), RougeMetric("rougeLsum", "lsum")
_N = {n: RougeMetric(f"rouge{n}", "n", n=n) for n in range(1, 10)}


@checked_options
def rouge_n(ref: References, cand: str, *, n: int = 1, stemmer: bool = False, tokenizer: TokenizerSpec = "default",
            alpha: float = 0.5, multi_ref: str = "best", backend: str = "numba") -> Score:
    """ROUGE-N: n-gram overlap, clipped by both texts' counts (rouge-score's ``rouge{n}``).

    Options (every ROUGE function): ``stemmer`` (Porter, default tokenizer only), ``tokenizer`` (``"default"``,
    ``"whitespace"``, ``"unicode"`` or a callable), ``alpha`` (F weight: 0.5 is F1), ``multi_ref`` (``"best"``,
    ``"average"``, ``"best_recall"``, for a list of references), ``backend`` (``"numba"`` or ``"python"``).
    """
    n = check_int("n", n, 1)
    metric = _N.get(n) or RougeMetric(f"rouge{n}", "n", n=n)
    return evaluate(metric, ref, cand, stemmer=stemmer, tokenizer=tokenizer, alpha=alpha, multi_ref=multi_ref,
                    backend=backend)


@checked_options
def rouge_l(ref: References, cand: str, *, stemmer: bool = False, tokenizer: TokenizerSpec = "default",
            alpha: float = 0.5, multi_ref: str = "best", backend: str = "numba") -> Score:
    """ROUGE-L: longest common subsequence of the two token lists (rouge-score's ``rougeL``); options as
    ``rouge_n``."""
    return evaluate(_L, ref, cand, stemmer=stemmer, tokenizer=tokenizer, alpha=alpha, multi_ref=multi_ref,
                    backend=backend)


@checked_options
def rouge_lsum(ref: References, cand: str, *, stemmer: bool = False, tokenizer: TokenizerSpec = "default",
               alpha: float = 0.5, multi_ref: str = "best", backend: str = "numba") -> Score:
    """ROUGE-Lsum: summary-level union LCS over newline-separated sentences (rouge-score's ``rougeLsum``);
    options as ``rouge_n``."""
    return evaluate(_LSUM, ref, cand, stemmer=stemmer, tokenizer=tokenizer, alpha=alpha, multi_ref=multi_ref,
                    backend=backend)


@checked_options
def rouge_w(ref: References, cand: str, *, weight: float = 1.2, stemmer: bool = False,
            tokenizer: TokenizerSpec = "default", alpha: float = 0.5, multi_ref: str = "best",
            backend: str = "numba") -> Score:
    """ROUGE-W: weighted LCS with f(k) = k**weight, summary level (ROUGE-1.5.5 ``-w``); options as ``rouge_n``."""
    weight = check_weight(weight)
    name = "rougeW" if weight == 1.2 else f"rougeW-{number_text(weight)}"  # parses back to this very weight
    return evaluate(RougeMetric(name, "w", weight=weight), ref, cand, stemmer=stemmer, tokenizer=tokenizer,
                    alpha=alpha, multi_ref=multi_ref, backend=backend)


def _skip_metric(max_skip, unigrams: bool) -> RougeMetric:
    max_skip = check_max_skip(max_skip)
    name = f"rouge{'SU' if unigrams else 'S'}{'*' if max_skip is None else max_skip}"
    return RougeMetric(name, "s", max_skip=max_skip, unigrams=unigrams)


@checked_options
def rouge_s(ref: References, cand: str, *, max_skip: Optional[int] = 4, stemmer: bool = False,
            tokenizer: TokenizerSpec = "default", alpha: float = 0.5, multi_ref: str = "best",
            backend: str = "numba") -> Score:
    """ROUGE-S: skip bigrams with at most ``max_skip`` words between them (None: unlimited; ROUGE-1.5.5 ``-2``);
    options as ``rouge_n``."""
    return evaluate(_skip_metric(max_skip, False), ref, cand, stemmer=stemmer, tokenizer=tokenizer, alpha=alpha,
                    multi_ref=multi_ref, backend=backend)


@checked_options
def rouge_su(ref: References, cand: str, *, max_skip: Optional[int] = 4, stemmer: bool = False,
             tokenizer: TokenizerSpec = "default", alpha: float = 0.5, multi_ref: str = "best",
             backend: str = "numba") -> Score:
    """ROUGE-SU: ROUGE-S plus unigrams (ROUGE-1.5.5 ``-2 max_skip -u``); options as ``rouge_n``."""
    return evaluate(_skip_metric(max_skip, True), ref, cand, stemmer=stemmer, tokenizer=tokenizer, alpha=alpha,
                    multi_ref=multi_ref, backend=backend)


@checked_options
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
        from ..reference import rouge as reference

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

