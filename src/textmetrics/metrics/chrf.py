"""chrF (Popović 2015) and chrF++ (Popović 2017), bit-identical to sacrebleu 2.6.0's ``CHRF``.

Layout: reference first, per segment, as ``textmetrics.bleu``: ``references[i]`` holds the reference (a str) or
references (a list of str; the number may vary per segment) of ``candidates[i]``. sacrebleu takes the transpose
(one stream per reference, ``None`` for a missing one); ``chrf(refs, cands, ...)`` equals
``CHRF(...).corpus_score(cands, streams)`` when ``streams[k][i]`` is ``refs[i][k]`` (or ``None``).

Pipeline (statistics first):

1. each line is lowercased if ``lowercase`` (full Unicode ``str.lower``, per line); nothing else: no ``rstrip``, no
   Unicode normalization (a trailing space counts with ``whitespace=True``, as in sacrebleu's API);
2. each segment becomes ``3 * (char_order + word_order)`` integers ``[hyp_1, ref_1, match_1, hyp_2, ...]``
   (``chrf_statistics``), the character orders first: the n-gram counts of the candidate and of the reference and
   their clipped overlap, taken against the reference with the best segment score (the first one on ties);
   ``hyp_n`` is 0 when the reference has no n-gram of order n (sacrebleu's rule). Character n-grams skip
   whitespace (``str.isspace``) unless ``whitespace``; word n-grams (``word_order`` > 0; 2 is chrF++) use the
   whitespace tokens with one ASCII punctuation character split off the end, else off the start;
3. a corpus is the column sum, scored by ``chrf_from_statistics``: the F-beta of the precision and recall averaged
   over the orders where both counts are positive, or with ``eps_smoothing`` the mean of the per-order F-beta
   (chrF++.py/Moses/NLTK), on the 0-100 scale, with sacrebleu's float operations in its order. Shards can be scored
   by summing their statistics, and ``chrf`` is exactly ``chrf_from_statistics(chrf_statistics(...))``.

Engine (``backend="numba"``, the default): the lines become code points in one ``str.encode``, and a compiled pass
(``textmetrics.kernels.chrf``) does the whitespace removal, the word split and the n-gram counting with hash tables
over integer ids; ``backend="python"`` runs the plain reference (``textmetrics.reference.chrf``). Both give the
same integers.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..kernels import chrf as kernels
from ..reference import chrf as reference
from .. import validation
from ..signature import Signature
from ..validation import checked_options

References = str | Sequence[str]


@dataclass(frozen=True)
class ChrfScore:
    """A chrF / chrF++ score and the numbers it was computed from (sacrebleu's ``CHRFScore`` fields).

    Attributes:
        score: chrF on the 0-100 scale.
        char_order, word_order, beta: the parameters.
        statistics: the summed ``[hyp, ref, match]`` per order, character orders first.
        signature: sacrebleu-style reproducibility signature.
    """

    score: float
    char_order: int
    word_order: int
    beta: float
    statistics: tuple = ()
    signature: str = ""

    @property
    def name(self) -> str:
        """``chrF2``, ``chrF2++`` (one ``+`` per word order), ``chrF1.5``... as sacrebleu names it."""
        return f"chrF{self.beta}" + "+" * self.word_order

    def format(self, width: int = 2) -> str:
        """``chrF2 = 67.17`` with ``width`` decimals."""
        return f"{self.name} = {self.score:.{width}f}"

    def __str__(self) -> str:
        return self.format()


# ---------------------------------------------------------------------------------------------- validation

def _check_order(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{name} must be >= 0, got {value}")
    return int(value)


def _check_orders(char_order, word_order) -> tuple[int, int]:
    char_order = _check_order("char_order", char_order)
    word_order = _check_order("word_order", word_order)
    if char_order + word_order == 0:
        raise ValueError("char_order and word_order are both 0: chrF needs at least one n-gram order")
    return char_order, word_order


def _check_beta(beta):
    if isinstance(beta, bool) or not isinstance(beta, (int, float, np.integer, np.floating)):
        raise TypeError(f"beta must be a number, got {type(beta).__name__}")
    beta = int(beta) if isinstance(beta, (int, np.integer)) else float(beta)
    try:
        square = float(beta) ** 2
    except OverflowError:
        square = math.inf
    if not math.isfinite(beta) or beta < 0 or not math.isfinite(square):
        raise ValueError(f"beta must be a finite number >= 0 whose square is a finite float, got {beta!r}")
    return beta


def _signature(nrefs, lowercase, eps_smoothing, char_order, word_order, whitespace) -> Signature:
    case = None if lowercase is None else ("lc" if lowercase else "mixed")
    return Signature.of([("nrefs", nrefs), ("case", case), ("eff", not eps_smoothing), ("nc", char_order),
                         ("nw", word_order), ("space", whitespace)])


# ---------------------------------------------------------------------------------------------- statistics

def _statistics(references: list[list[str]], candidates: list[str], char_order: int, word_order: int, beta,
                lowercase: bool, whitespace: bool, eps_smoothing: bool, backend: str) -> np.ndarray:
    if lowercase:
        candidates = [c.lower() for c in candidates]
        references = [[r.lower() for r in refs] for refs in references]
    module = kernels if backend == "numba" else reference
    return module.corpus_statistics(references, candidates, char_order, word_order, beta, whitespace,
                                    eps_smoothing)


@checked_options
def chrf_statistics(references: Sequence[References], candidates: Sequence[str], *, char_order: int = 6,
                    word_order: int = 0, beta: float = 2, lowercase: bool = False, whitespace: bool = False,
                    eps_smoothing: bool = False, backend: str = "numba") -> np.ndarray:
    """Per-segment chrF sufficient statistics (sacrebleu's ``_extract_corpus_statistics``).

    ``beta`` and ``eps_smoothing`` matter here too: with several references, the statistics kept are those of the
    reference with the best segment score under them.

    Args:
        references: ``references[i]`` is the reference (str) or references (list of str) of ``candidates[i]``.
        candidates: one string per segment.
        char_order, word_order, beta, lowercase, whitespace, eps_smoothing: as in ``chrf``.
        backend: ``"numba"`` (compiled kernel) or ``"python"`` (reference implementation); same integers.

    Returns:
        int64 array of shape ``(n_segments, 3 * (char_order + word_order))``; row i is
        ``[hyp_1, ref_1, match_1, ..., hyp_K, ref_K, match_K]`` over the character orders, then the word orders.

    Raises:
        TypeError: non-str candidate or reference, non-numeric option.
        ValueError: lengths differ, a segment without references, bad option.
    """
    char_order, word_order = _check_orders(char_order, word_order)
    beta = _check_beta(beta)
    lowercase = validation.check_bool("lowercase", lowercase)
    whitespace = validation.check_bool("whitespace", whitespace)
    eps_smoothing = validation.check_bool("eps_smoothing", eps_smoothing)
    backend = validation.check_backend(backend)
    references, candidates = validation.check_corpus(references, candidates, "sentence_chrf", allow_empty=True)
    return _statistics(references, candidates, char_order, word_order, beta, lowercase, whitespace, eps_smoothing,
                       backend)


# ----------------------------------------------------------------------------------- statistics -> score

@checked_options
def chrf_from_statistics(statistics, *, char_order: int = 6, word_order: int = 0, beta: float = 2,
                         eps_smoothing: bool = False, nrefs: int | str | None = None, lowercase: bool | None = None,
                         whitespace: bool | None = None) -> ChrfScore:
    """Score summed chrF statistics (sacrebleu's ``CHRF._compute_f_score``).

    Args:
        statistics: one vector of ``3 * (char_order + word_order)`` integers (already summed), or a 2-D array of
            per-segment rows (``chrf_statistics`` output, or several shards stacked), which is summed.
        char_order, word_order: the orders the statistics were computed with (their number is checked).
        beta, eps_smoothing: as in ``chrf``.
        nrefs, lowercase, whitespace: only fill in the signature (fields left None are omitted).

    Returns:
        ChrfScore.

    Raises:
        TypeError: non-integer statistics.
        ValueError: statistics of the wrong shape or negative, bad option.
    """
    char_order, word_order = _check_orders(char_order, word_order)
    beta = _check_beta(beta)
    eps_smoothing = validation.check_bool("eps_smoothing", eps_smoothing)
    for name, value in (("lowercase", lowercase), ("whitespace", whitespace)):
        if value is not None:
            validation.check_bool(name, value)
    stats = np.asarray(statistics)
    if stats.dtype == object or not (np.issubdtype(stats.dtype, np.integer) or stats.size == 0):
        raise TypeError(f"statistics must be integers, got dtype {stats.dtype}")
    width = 3 * (char_order + word_order)
    if stats.ndim == 2:
        validation.check_not_empty(stats.shape[0], "statistics rows")
        stats = stats.sum(axis=0, dtype=np.int64)
    if stats.ndim != 1 or stats.size != width:
        raise ValueError(f"statistics must have 3 * (char_order + word_order) = {width} columns for "
                         f"char_order={char_order}, word_order={word_order}; got shape {np.shape(statistics)}")
    if np.any(stats < 0):
        raise ValueError("statistics must be non-negative")
    values = [int(x) for x in stats]
    score = float(reference.f_score(values, beta, eps_smoothing))
    return ChrfScore(score, char_order, word_order, beta, tuple(values),
                     _signature(nrefs, lowercase, eps_smoothing, char_order, word_order, whitespace))


# -------------------------------------------------------------------------------------------- the metric

@checked_options
def chrf(references: Sequence[References], candidates: Sequence[str], *, char_order: int = 6, word_order: int = 0,
         beta: float = 2, lowercase: bool = False, whitespace: bool = False, eps_smoothing: bool = False,
         backend: str = "numba") -> ChrfScore:
    """Corpus chrF (``word_order=2``: chrF++), bit-identical to sacrebleu 2.6.0's ``CHRF(...).corpus_score``.

    Args:
        references: ``references[i]`` is the reference (str) or references (list of str) of ``candidates[i]``;
            the number of references may vary per segment.
        candidates: one string per segment.
        char_order: character n-gram orders 1..char_order (6).
        word_order: word n-gram orders 1..word_order (0: chrF; 2: chrF++).
        beta: recall weight (2); an int or a float.
        lowercase: case-insensitive chrF (``str.lower``).
        whitespace: keep whitespace characters in the character n-grams.
        eps_smoothing: mean of per-order F-beta with 1e-16 fallbacks (chrF++.py) instead of the effective-order
            F-beta of averaged precision and recall (sacrebleu's default).
        backend: ``"numba"`` or ``"python"``.

    Returns:
        ChrfScore (score on the 0-100 scale).

    Raises:
        TypeError: non-str candidate or reference, non-numeric option.
        ValueError: lengths differ, empty corpus, a segment without references, bad option.

    Example:
        >>> print(chrf([["The cat is on the mat."]], ["The cat sat on the mat."]).score)
        67.17273492330233
    """
    char_order, word_order = _check_orders(char_order, word_order)
    beta = _check_beta(beta)
    lowercase = validation.check_bool("lowercase", lowercase)
    whitespace = validation.check_bool("whitespace", whitespace)
    eps_smoothing = validation.check_bool("eps_smoothing", eps_smoothing)
    backend = validation.check_backend(backend)
    references, candidates = validation.check_corpus(references, candidates, "sentence_chrf")
    stats = _statistics(references, candidates, char_order, word_order, beta, lowercase, whitespace, eps_smoothing,
                        backend)
    return chrf_from_statistics(stats, char_order=char_order, word_order=word_order, beta=beta,
                                eps_smoothing=eps_smoothing, nrefs=validation.nrefs(references),
                                lowercase=lowercase, whitespace=whitespace)


@checked_options(renamed={"references": "ref", "candidate": "cand"})
def sentence_chrf(ref: References, cand: str, *, char_order: int = 6, word_order: int = 0,
                  beta: float = 2, lowercase: bool = False, whitespace: bool = False, eps_smoothing: bool = False,
                  backend: str = "numba") -> ChrfScore:
    """chrF of one candidate (sacrebleu's ``sentence_score``: a one-segment corpus).

    Args:
        ref: the reference (str) or references (list of str).
        cand: the candidate string.
        char_order, word_order, beta, lowercase, whitespace, eps_smoothing, backend: as in ``chrf``.

    Example:
        >>> print(sentence_chrf(["The cat is on the mat."], "The cat sat on the mat.", word_order=2).score)
        69.43695278069349
    """
    validation.check_text(cand, "cand")
    references = validation.check_references(ref, "ref")
    return chrf([references], [cand], char_order=char_order, word_order=word_order, beta=beta,
                lowercase=lowercase, whitespace=whitespace, eps_smoothing=eps_smoothing, backend=backend)


def warmup() -> None:
    """Compile (or load from Numba's cache) the kernels behind ``chrf``, so that the first real call does not pay."""
    for word_order in (0, 2):
        chrf([["a b. c", "(d)"]], ["a b c"], word_order=word_order)
