"""BLEU (Papineni et al., 2002): corpus and sentence BLEU as sacrebleu 2.6.0 computes them, plus NLTK 3.10.4's.

Layout: reference first, per segment. ``references[i]`` holds the reference(s) of ``candidates[i]`` (a string or a
list of strings; the number may vary between segments). sacrebleu takes the transpose (one stream per reference,
``None`` for a missing one); ``bleu(refs, cands)`` equals ``sacrebleu.corpus_bleu(cands, streams)`` when
``streams[k][i]`` is ``refs[i][k]`` (or ``None``).

Pipeline (statistics first):

1. each line is lowercased if ``lowercase`` (full Unicode ``str.lower``), ``rstrip()``-ed, tokenized by
   ``textmetrics.bleu_tokenizers.bleu_tokenize`` and split on whitespace (sacrebleu's ``_preprocess_segment``);
2. each segment becomes the integers ``[hyp_len, closest_ref_len, matches_1..N, totals_1..N]``
   (``bleu_statistics``; columns in that order, N = ``max_order``): clipped n-gram matches against the per-n-gram
   maximum count over the segment's references, the number of candidate n-grams, and the length of the reference
   closest in length to the candidate (the shorter on ties);
3. a corpus is the column sum, scored by ``bleu_from_statistics``. Shards can be scored by summing their
   statistics, and ``bleu`` is exactly ``bleu_from_statistics(bleu_statistics(...))``.

Engine (``backend="numba"``, the default): the lines are lowercased and ``rstrip()``-ed in Python; the ``13a``,
``none`` and ``char`` tokenizers then run compiled over all the lines at once and intern the tokens to integer ids
(``textmetrics.kernels.bleu_tokenize``; ``intl`` and ``zh`` tokenize in Python and are interned the same way). The
references' tokens are interned first; a candidate token that no reference has gets id -1 (it can match nothing).
Each segment's reference n-grams go into a hash table with their clipping bounds, which the candidate's n-grams are
looked up in (``textmetrics.kernels.bleu_ngrams``). ``bleu`` builds each segment's table in scratch memory and drops
it; ``BleuScorer(references)`` keeps all of them, so that scoring many systems (``scorer.score(candidates)``)
tokenizes and counts the references once. Everything is sequential and exact: the same integers as the Python
reference implementation (``backend="python"``: ``bleu_tokenize`` + ``textmetrics.reference.bleu``), whatever the
number of threads calling.

Score (sacrebleu's ``BLEU.compute_bleu``, same float operations in the same order, so results are bit-identical):
``BP = exp(1 - ref_len / sys_len)`` when ``sys_len < ref_len`` (0 when ``sys_len == 0``), else 1; precisions in
percent; ``score = BP * exp(sum(log p_n) / N)`` with ``log 0`` floored to -9999999999. No match of any order gives
0.0 whatever the smoothing. Smoothing of orders without a match: ``"exp"`` (default, mteval/NIST: the k-th such
order gets ``100 / (2**k * total)``), ``"floor"`` (``100 * smooth_value / total``, default 0.1), ``"add-k"``
(``smooth_value``, default 1, added to the matches *and* totals of every order >= 2, visible in the returned
``counts``/``totals``), ``"none"``. ``effective_order`` uses only the leading orders whose *totals* are non-zero
(the candidate is shorter than N), not those without matches. A perfect match scores 100.00000000000004, as in
sacrebleu. Inputs are never modified (sacrebleu's add-k modifies the caller's lists; we copy).

NLTK (``nltk_bleu``, ``nltk_sentence_bleu``): ``nltk.translate.bleu_score.corpus_bleu``/``sentence_bleu`` with
``SmoothingFunction().method0`` .. ``method7``, on the 0-1 scale, from pre-tokenized input (token lists; NLTK
does no tokenization, and a plain string would silently become a list of characters, so we refuse strings).
NLTK's statistics are ours with one change: each segment's denominator is ``max(1, totals_n)``. Its score is
``BP * exp(fsum(w_n * log p_n for p_n > 0))`` with exact ``Fraction`` precisions. To be bit-identical we redo
its arithmetic in its order and with its types (exact rationals where NLTK has a ``Fraction``, floats where it
has a float; a ``Fraction`` meeting a float is rounded to the nearest float first, as Python does). Quirks
reproduced, all of NLTK 3.10.4:

* no unigram match in the whole corpus gives 0 before any smoothing (NLTK returns the *int* 0; we return 0.0,
  which compares equal);
* at corpus level the smoothing function sees only the LAST segment's references and hypothesis, with the
  corpus hypothesis length as ``hyp_len`` (nltk PR #3903): method4/7 use ``ln(corpus hyp length)``, method5/7
  take their extra order from the last segment, method6 counts the last hypothesis's n-grams;
* orders still at zero after smoothing are *dropped* from the weighted sum (``if p_n > 0``), not scored as
  log 0: e.g. method4 leaves zero orders alone when the hypothesis length is 1;
* method0 (default): a zero order becomes ``sys.float_info.min`` (NLTK also warns), so the score is a tiny
  positive number such as 1e-78, not 0;
* method1: zero orders become ``(0 + epsilon) / den``;
* method2: *every* order >= 2 becomes ``(num + 1) / (den + 1)`` (Lin & Och 2004), whether zero or not;
* method3: the k-th zero order becomes ``1 / (2**k * den)`` with ``den`` the unreduced denominator;
* method4: if the corpus hypothesis length ``L > 1``, the k-th zero order becomes
  ``1 / (2**k * k_param / ln(L)) / den``;
* method5: with ``m_0 = p_1 + 1``, ``p_n <- (m_{n-1} + p_n + p_{n+1}) / 3`` in sequence, where ``p_{n+1}`` is
  the *unsmoothed* next order and the order past the last is the last segment's 5-gram precision, whatever N
  (``max(1, ...)`` denominator);
* method6: NLTK asserts a non-zero corpus *trigram* precision (its message says bigrams) and needs N >= 3;
  we raise ``ValueError`` where NLTK raises ``AssertionError``/``IndexError``. For n >= 3,
  ``p_n <- (num_n + alpha * p_{n-1}**2 / p_{n-2}) / (l_n + alpha)`` with already-smoothed ``p_{n-1}, p_{n-2}``
  and ``l_n`` the number of n-grams of the last hypothesis (so it can exceed 1 at corpus level);
* method7: method4, then method5;
* brevity penalty: 1 when ``c > r``, otherwise ``exp(1 - r / c)`` (1.0 when equal);
* ``auto_reweigh`` (off by default, as in NLTK) only acts when the corpus hypothesis length is below 4 and
  ``weights == (0.25, 0.25, 0.25, 0.25)`` (a tuple; a list never compares equal): the weights become
  ``(1 / L,) * L``.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np

from ..bleu_tokenizers import bleu_tokenize, check_bleu_tokenizer
from ..kernels import bleu as kernels
from ..kernels import bleu_ngrams as ngram_tables
from ..kernels.bleu_tokenize import TokenVocabulary
from ..reference import bleu as reference
from ..signature import Signature
from ..validation import (
    BACKENDS,
    check_bool,
    check_candidates,
    check_choice,
    check_corpus,
    check_int,
    check_not_empty,
    check_reference_sets,
    check_references,
    check_text,
    checked_options,
    nrefs as count_refs,
)

References = str | Sequence[str]

SMOOTH_DEFAULTS = {"none": None, "floor": 0.1, "add-k": 1, "exp": None}
NLTK_SMOOTHING = tuple(f"method{i}" for i in range(8))
_LOG_ZERO = -9999999999.0  # sacrebleu's floor for log(0.0)


@dataclass(frozen=True)
class BleuScore:
    """A BLEU score and the numbers it was computed from (sacrebleu's ``BLEUScore`` fields).

    Attributes:
        score: BLEU on the 0-100 scale.
        counts: clipped n-gram matches per order (with ``add-k`` smoothing: plus k for orders >= 2).
        totals: candidate n-grams per order (with ``add-k``: plus k for orders >= 2).
        precisions: n-gram precisions in percent, after smoothing (0.0 for orders not used).
        bp: brevity penalty.
        sys_len: candidate length (summed over the corpus).
        ref_len: closest reference length (summed over the corpus).
        signature: sacrebleu-style reproducibility signature (a ``textmetrics.signature.Signature``: a str with
            ``fields`` and ``with_resampling``).
    """

    score: float
    counts: tuple
    totals: tuple
    precisions: tuple
    bp: float
    sys_len: int
    ref_len: int
    signature: str = ""

    @property
    def ratio(self) -> float:
        """``sys_len / ref_len`` (0 when ``ref_len`` is 0)."""
        return self.sys_len / self.ref_len if self.ref_len else 0.0

    def __str__(self) -> str:
        precisions = "/".join(f"{p:.1f}" for p in self.precisions)
        return (f"BLEU = {self.score:.2f} {precisions} (BP = {self.bp:.3f} ratio = {self.ratio:.3f} "
                f"hyp_len = {self.sys_len:d} ref_len = {self.ref_len:d})")


# ---------------------------------------------------------------------------------------------- validation

def _check_max_order(max_order) -> int:
    try:
        return check_int("max_order", max_order, 1, MAX_ORDER)
    except ValueError:
        raise ValueError(f"max_order must be in 1 .. {MAX_ORDER}, got {max_order}") from None


MAX_ORDER = 100  # n-gram orders beyond this are all zero for any real text; bounds memory and time


def _check_smoothing(smooth, smooth_value):
    if smooth in NLTK_SMOOTHING:
        raise ValueError(f"smooth_method={smooth!r} is NLTK's; NLTK's BLEU has its own formula and scale: use "
                         f"nltk_bleu/nltk_sentence_bleu (token lists) with smooth_method={smooth!r}")
    check_choice("smooth_method", smooth, SMOOTH_DEFAULTS)
    default = SMOOTH_DEFAULTS[smooth]
    if default is None:
        if smooth_value is not None:
            raise ValueError(f"smooth_value applies to 'floor' and 'add-k' only, not to {smooth!r}")
        return None
    if smooth_value is None:
        return default
    if isinstance(smooth_value, bool) or not isinstance(smooth_value, (int, float)):
        raise TypeError(f"smooth_value must be a number, got {type(smooth_value).__name__}")
    if not smooth_value >= 0:
        raise ValueError(f"smooth_value must be >= 0, got {smooth_value!r}")
    return smooth_value


# ----------------------------------------------------------------------------------------- statistics

def _preprocess(text: str, tokenizer: str, lowercase: bool) -> list[str]:
    if lowercase:
        text = text.lower()
    return bleu_tokenize(text.rstrip(), tokenizer=tokenizer).split()


def _statistics(references, candidates, max_order: int, backend: str) -> np.ndarray:
    """Statistics of tokenized segments (token lists), references first: the kernel or its reference twin."""
    module = kernels if backend == "numba" else reference
    return module.corpus_statistics(references, candidates, max_order)


def _text_statistics(references: list[list[str]], candidates: list[str], max_order: int, tokenizer: str,
                     lowercase: bool, backend: str) -> np.ndarray:
    if backend == "numba":
        return _compiled_statistics(references, candidates, max_order, tokenizer, lowercase)
    hypotheses = [_preprocess(c, tokenizer, lowercase) for c in candidates]
    tokenized = [[_preprocess(r, tokenizer, lowercase) for r in refs] for refs in references]
    return _statistics(tokenized, hypotheses, max_order, backend)


# The compiled path (``backend="numba"``, ``BleuScorer``): ``_preprocess`` for many lines at once, as token ids.

def _compiled_lines(lines: list[str], tokenizer: str, lowercase: bool) -> tuple[list[str], str]:
    """The lines as the compiled tokenizer takes them, and the tokenizer it runs; same tokens as ``_preprocess``."""
    if lowercase:
        lines = [line.lower() for line in lines]
    lines = [line.rstrip() for line in lines]
    if tokenizer in ("13a", "none", "char"):
        return lines, tokenizer
    # intl and zh: sacrebleu's tokenizer in Python; its output splits on whitespace like "none"
    return [bleu_tokenize(line, tokenizer=tokenizer) for line in lines], "none"


def _encode_references(references: list[list[str]], tokenizer: str, lowercase: bool):
    """Intern the references' tokens: ``(vocabulary, ids, sentence_offsets, segment_offsets)``."""
    flat = list(chain.from_iterable(references))
    vocabulary = TokenVocabulary()
    ids, sentence_offsets = vocabulary.encode(*_compiled_lines(flat, tokenizer, lowercase))
    segment_offsets = np.zeros(len(references) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, references), dtype=np.int64, count=len(references)), out=segment_offsets[1:])
    return vocabulary, ids, sentence_offsets, segment_offsets


def _compiled_statistics(references: list[list[str]], candidates: list[str], max_order: int, tokenizer: str,
                         lowercase: bool) -> np.ndarray:
    vocabulary, ref_ids, sentence_offsets, segment_offsets = _encode_references(references, tokenizer, lowercase)
    ids, offsets = vocabulary.encode(*_compiled_lines(candidates, tokenizer, lowercase), insert=False)
    return ngram_tables.corpus_statistics(ref_ids, sentence_offsets, segment_offsets, ids, offsets, max_order)


@checked_options
def bleu_statistics(references: Sequence[References], candidates: Sequence[str], *, max_order: int = 4,
                    tokenizer: str = "13a", lowercase: bool = False, backend: str = "numba") -> np.ndarray:
    """Per-segment BLEU sufficient statistics (sacrebleu's ``_extract_corpus_statistics``).

    Args:
        references: ``references[i]`` is the reference (str) or references (list of str) of ``candidates[i]``.
        candidates: one string per segment.
        max_order: highest n-gram order N.
        tokenizer: ``"13a"``, ``"intl"``, ``"char"``, ``"zh"`` or ``"none"``.
        lowercase: lowercase before tokenizing.
        backend: ``"numba"`` (compiled kernel) or ``"python"`` (reference implementation); same integers.

    Returns:
        int64 array of shape ``(n_segments, 2 + 2 * N)``; row i is
        ``[hyp_len, closest_ref_len, matches_1, ..., matches_N, totals_1, ..., totals_N]``.

    Raises:
        TypeError: non-str candidate or reference.
        ValueError: lengths differ, a segment without references, bad option (an empty corpus gives zero rows).
    """
    max_order = _check_max_order(max_order)
    check_bleu_tokenizer(tokenizer)
    lowercase = check_bool("lowercase", lowercase)
    check_choice("backend", backend, BACKENDS)
    references, candidates = check_corpus(references, candidates, "sentence_bleu", allow_empty=True)
    return _text_statistics(references, candidates, max_order, tokenizer, lowercase, backend)


# ----------------------------------------------------------------------------------- statistics -> score

def _sacrebleu_score(correct: list, total: list, sys_len: int, ref_len: int, smooth: str, smooth_value,
                     effective_order: bool):
    """sacrebleu's ``compute_bleu`` on summed statistics: (score, counts, totals, precisions, bp)."""
    max_order = len(correct)
    correct, total = list(correct), list(total)
    if sys_len < ref_len:
        bp = math.exp(1 - ref_len / sys_len) if sys_len > 0 else 0.0
    else:
        bp = 1.0
    precisions = [0.0] * max_order
    if not any(correct):
        return 0.0, correct, total, precisions, bp

    exp_denominator = 1.0  # "exp": 2**k for the k-th order without a match
    used_orders = max_order
    for i in range(max_order):
        if smooth == "add-k" and i > 0:
            correct[i] += smooth_value
            total[i] += smooth_value
        if total[i] == 0:
            break
        if effective_order:
            used_orders = i + 1
        if correct[i] != 0:
            precisions[i] = 100.0 * correct[i] / total[i]
        elif smooth == "exp":
            exp_denominator *= 2
            precisions[i] = 100.0 / (exp_denominator * total[i])
        elif smooth == "floor":
            precisions[i] = 100.0 * smooth_value / total[i]
    log_sum = sum(math.log(p) if p != 0.0 else _LOG_ZERO for p in precisions[:used_orders])
    return bp * math.exp(log_sum / used_orders), correct, total, precisions, bp


def _signature(nrefs, lowercase, effective_order, tokenizer, smooth, smooth_value) -> Signature:
    return Signature.of([("nrefs", nrefs), ("case", None if lowercase is None else ("lc" if lowercase else "mixed")),
                         ("eff", bool(effective_order)), ("tok", tokenizer),
                         ("smooth", smooth + ("" if smooth_value is None else f"[{smooth_value:.2f}]"))])


@checked_options(renamed={"smooth": "smooth_method"})
def bleu_from_statistics(statistics, *, max_order: int | None = None, smooth_method: str = "exp",
                         smooth_value: float | None = None, effective_order: bool = False,
                         nrefs: int | str | None = None, tokenizer: str | None = None,
                         lowercase: bool | None = None) -> BleuScore:
    """Score summed BLEU statistics (sacrebleu's ``BLEU.compute_bleu``).

    Args:
        statistics: one vector ``[sys_len, ref_len, matches_1..N, totals_1..N]`` (already summed), or a 2-D array
            of per-segment rows (``bleu_statistics`` output, or several shards stacked), which is summed.
        max_order: N; inferred from the vector length when None, checked against it otherwise.
        smooth_method: ``"exp"`` (default), ``"floor"``, ``"add-k"`` or ``"none"``.
        smooth_value: floor value (default 0.1) or k (default 1); only for ``"floor"`` and ``"add-k"``.
        effective_order: use only the leading orders with non-zero totals.
        nrefs, tokenizer, lowercase: only fill in the signature (fields left None are omitted).

    Returns:
        BleuScore.

    Raises:
        ValueError: malformed statistics or options; no rows (an empty corpus).
    """
    smooth = smooth_method
    smooth_value = _check_smoothing(smooth, smooth_value)
    effective_order = check_bool("effective_order", effective_order)
    stats = np.asarray(statistics)
    if stats.dtype == object or not (np.issubdtype(stats.dtype, np.integer) or stats.size == 0):
        raise TypeError(f"statistics must be integers, got dtype {stats.dtype}")
    if stats.ndim == 2:
        check_not_empty(stats.shape[0], "statistics rows")
        stats = stats.sum(axis=0, dtype=np.int64)
    if stats.ndim != 1 or stats.size < 4 or stats.size % 2:
        raise ValueError(f"statistics must have 2 + 2 * max_order columns, got shape {np.shape(statistics)}")
    inferred = (stats.size - 2) // 2
    if max_order is not None and _check_max_order(max_order) != inferred:
        raise ValueError(f"max_order={max_order} but the statistics have {stats.size} columns (max_order "
                         f"{inferred})")
    if np.any(stats < 0):
        raise ValueError("statistics must be non-negative")
    if inferred > MAX_ORDER:
        raise ValueError(f"max_order must be in 1 .. {MAX_ORDER}, the statistics have {inferred} orders")
    values = [int(x) for x in stats]
    matches, totals = values[2:2 + inferred], values[2 + inferred:]
    bad = [n + 1 for n in range(inferred) if matches[n] > totals[n]]
    if bad:
        raise ValueError(f"impossible statistics: more matches than n-grams at order(s) {bad}")
    if any(t > values[0] for t in totals):
        raise ValueError("impossible statistics: more n-grams than hypothesis tokens (totals_n <= sys_len)")
    score, counts, totals, precisions, bp = _sacrebleu_score(
        values[2:2 + inferred], values[2 + inferred:], values[0], values[1], smooth, smooth_value, effective_order)
    if tokenizer is not None:
        check_bleu_tokenizer(tokenizer)
    signature = _signature(nrefs, lowercase, effective_order, tokenizer, smooth, smooth_value)
    return BleuScore(score, tuple(counts), tuple(totals), tuple(precisions), bp, values[0], values[1], signature)


@checked_options(renamed={"smooth": "smooth_method"})
def bleu(references: Sequence[References], candidates: Sequence[str], *, max_order: int = 4,
         smooth_method: str = "exp", smooth_value: float | None = None, tokenizer: str = "13a", lowercase: bool = False,
         effective_order: bool = False, backend: str = "numba") -> BleuScore:
    """Corpus BLEU, bit-identical to sacrebleu 2.6.0's ``corpus_bleu`` (``BLEU(max_ngram_order=...)``).

    Args:
        references: ``references[i]`` is the reference (str) or references (list of str) of ``candidates[i]``;
            the number of references may vary per segment.
        candidates: one string per segment.
        max_order: highest n-gram order N.
        smooth_method: ``"exp"`` (default), ``"floor"``, ``"add-k"`` or ``"none"`` (NLTK's methods: ``nltk_bleu``).
        smooth_value: floor value (default 0.1) or k (default 1); only for ``"floor"`` and ``"add-k"``.
        tokenizer: ``"13a"`` (default), ``"intl"``, ``"char"``, ``"zh"`` or ``"none"``.
        lowercase: case-insensitive BLEU.
        effective_order: use only the leading orders with non-zero totals (off for corpus BLEU, as in sacrebleu).
        backend: ``"numba"`` or ``"python"``.

    Returns:
        BleuScore (score on the 0-100 scale).

    Raises:
        TypeError: non-str candidate or reference.
        ValueError: lengths differ, an empty corpus, a segment without references, bad option.

    Example:
        >>> refs = [["The cat is on the mat.", "There is a cat on the mat."]]
        >>> print(bleu(refs, ["There is a cat on the mat."]).score)
        100.00000000000004
    """
    max_order = _check_max_order(max_order)
    smooth_value = _check_smoothing(smooth_method, smooth_value)
    effective_order = check_bool("effective_order", effective_order)
    check_bleu_tokenizer(tokenizer)
    lowercase = check_bool("lowercase", lowercase)
    check_choice("backend", backend, BACKENDS)
    references, candidates = check_corpus(references, candidates, "sentence_bleu")
    stats = _text_statistics(references, candidates, max_order, tokenizer, lowercase, backend)
    return bleu_from_statistics(stats, max_order=max_order, smooth_method=smooth_method, smooth_value=smooth_value,
                                effective_order=effective_order, nrefs=count_refs(references), tokenizer=tokenizer,
                                lowercase=lowercase)


class BleuScorer:
    """Corpus BLEU of many candidate sets against one set of references, tokenized and counted once.

    ``BleuScorer(references).score(candidates)`` equals ``bleu(references, candidates)`` (bit for bit, signature
    included); the references' tokens, n-gram counts and clipping bounds are computed by the constructor and reused
    by every ``score``/``statistics`` call (one per system, checkpoint, ...). A scorer is not modified by scoring.

    Args:
        references: ``references[i]`` is the reference (str) or references (list of str) of segment i; the number of
            references may vary per segment.
        max_order: highest n-gram order N.
        tokenizer: ``"13a"`` (default), ``"intl"``, ``"char"``, ``"zh"`` or ``"none"``.
        lowercase: case-insensitive BLEU.

    Raises:
        TypeError: non-str reference.
        ValueError: no segments (an empty corpus), a segment without references, bad option.

    Example:
        >>> scorer = BleuScorer([["The cat is on the mat.", "There is a cat on the mat."]])
        >>> print(scorer.score(["There is a cat on the mat."]).score)
        100.00000000000004
        >>> round(scorer.score(["The cat and the dog."]).score, 2)
        16.34
    """

    @checked_options
    def __init__(self, references: Sequence[References], *, max_order: int = 4, tokenizer: str = "13a",
                 lowercase: bool = False) -> None:
        self.max_order = _check_max_order(max_order)
        self.tokenizer = check_bleu_tokenizer(tokenizer)
        self.lowercase = check_bool("lowercase", lowercase)
        references = check_reference_sets(references, "sentence_bleu")
        check_not_empty(len(references), "segments")
        self.nrefs = count_refs(references)
        self._vocabulary, ids, sentence_offsets, segment_offsets = _encode_references(references, tokenizer,
                                                                                     lowercase)
        self._tables = ngram_tables.build(ids, sentence_offsets, segment_offsets, self.max_order)

    def __len__(self) -> int:
        """The number of segments."""
        return self._tables.n_segments

    @checked_options
    def statistics(self, candidates: Sequence[str]) -> np.ndarray:
        """Per-segment statistics of ``candidates`` (one per segment), as ``bleu_statistics`` returns them.

        Raises:
            TypeError: non-str candidate.
            ValueError: not one candidate per segment.
        """
        candidates = check_candidates(candidates, "sentence_bleu")
        if len(candidates) != len(self):
            raise ValueError(f"{len(candidates)} candidates for {len(self)} segments: give one candidate per "
                             "segment, in the order of the references")
        ids, offsets = self._vocabulary.encode(*_compiled_lines(candidates, self.tokenizer, self.lowercase),
                                               insert=False)
        return ngram_tables.candidate_statistics(self._tables, ids, offsets)

    @checked_options(renamed={"smooth": "smooth_method"})
    def score(self, candidates: Sequence[str], *, smooth_method: str = "exp", smooth_value: float | None = None,
              effective_order: bool = False) -> BleuScore:
        """Corpus BLEU of ``candidates`` (one per segment); same result as ``bleu(references, candidates, ...)``.

        Args:
            candidates: one string per segment.
            smooth_method, smooth_value, effective_order: as in ``bleu``.
        """
        smooth_value = _check_smoothing(smooth_method, smooth_value)
        effective_order = check_bool("effective_order", effective_order)
        return bleu_from_statistics(self.statistics(candidates), max_order=self.max_order, smooth_method=smooth_method,
                                    smooth_value=smooth_value, effective_order=effective_order, nrefs=self.nrefs,
                                    tokenizer=self.tokenizer, lowercase=self.lowercase)

    def __repr__(self) -> str:
        return (f"BleuScorer({len(self)} segments, nrefs={self.nrefs}, max_order={self.max_order}, "
                f"tokenizer={self.tokenizer!r}, lowercase={self.lowercase})")


def warmup() -> None:
    """Compile (or load from Numba's cache) the kernels behind ``bleu`` and ``BleuScorer``, so that the first real call
    does not pay for it (benchmarks, services)."""
    for tokenizer in ("13a", "none", "char"):
        bleu([["a b .", "b"]], ["a b c"], tokenizer=tokenizer)
        BleuScorer([["a b .", "b"]], tokenizer=tokenizer).score(["a b c"])


@checked_options(renamed={"smooth": "smooth_method", "references": "ref", "candidate": "cand"})
def sentence_bleu(ref: References, cand: str, *, max_order: int = 4, smooth_method: str = "exp",
                  smooth_value: float | None = None, tokenizer: str = "13a", lowercase: bool = False,
                  effective_order: bool = True, backend: str = "numba") -> BleuScore:
    """BLEU of one candidate, bit-identical to sacrebleu 2.6.0's ``sentence_bleu`` (effective order on).

    Args:
        ref: the reference (str) or references (list of str).
        cand: the candidate string.
        max_order, smooth_method, smooth_value, tokenizer, lowercase, effective_order, backend: as in ``bleu``.

    Returns:
        BleuScore.

    Example:
        >>> round(sentence_bleu("The cat is on the mat.", "The cat and the dog.").score, 2)
        16.34
    """
    check_text(cand, "cand")
    references = check_references(ref, "ref")
    return bleu([references], [cand], max_order=max_order, smooth_method=smooth_method, smooth_value=smooth_value,
                tokenizer=tokenizer, lowercase=lowercase, effective_order=effective_order, backend=backend)
