"""BLEU (Papineni et al., 2002): corpus and sentence BLEU as sacrebleu 2.6.0 computes them, from text.

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
looked up in (``textmetrics.kernels.bleu``). ``bleu`` builds each segment's table in scratch memory and drops
it; ``BleuScorer(references)`` keeps all of them, so that scoring many systems (``scorer.score(candidates)``)
tokenizes and counts the references once. Everything is sequential and exact: the same integers as the Python
reference implementation (``backend="python"``: ``bleu_tokenize`` + ``textmetrics.reference.bleu``), whatever the
number of threads calling.

Score: ``bleu_from_statistics`` (``textmetrics.metrics.bleu_score``, sacrebleu's ``compute_bleu``, bit-identical).
NLTK's BLEU (``nltk_bleu``, token lists, its own formula) is ``textmetrics.metrics.nltk_bleu``; both count n-grams
with the one BLEU kernel, ``textmetrics.kernels.bleu``.
"""
from __future__ import annotations

from collections.abc import Sequence
from itertools import chain

import numpy as np

from ..bleu_tokenizers import bleu_tokenize, check_bleu_tokenizer
from ..kernels import bleu as kernels
from ..kernels.bleu_tokenize import TokenVocabulary
from ..reference import bleu as reference
from ..validation import (
    BACKENDS,
    check_bleu_smoothing,
    check_bool,
    check_candidates,
    check_choice,
    check_corpus,
    check_max_order,
    check_not_empty,
    check_reference_sets,
    check_references,
    check_text,
    checked_options,
    nrefs as count_refs,
)
from .bleu_score import BleuScore, bleu_from_statistics

__all__ = ["BleuScore", "BleuScorer", "bleu", "bleu_from_statistics", "bleu_statistics", "sentence_bleu", "warmup"]

References = str | Sequence[str]

# ----------------------------------------------------------------------------------------- statistics

def _preprocess(text: str, tokenizer: str, lowercase: bool) -> list[str]:
    if lowercase:
        text = text.lower()
    return bleu_tokenize(text.rstrip(), tokenizer=tokenizer).split()


def _text_statistics(references: list[list[str]], candidates: list[str], max_order: int, tokenizer: str,
                     lowercase: bool, backend: str) -> np.ndarray:
    if backend == "numba":
        return _compiled_statistics(references, candidates, max_order, tokenizer, lowercase)
    hypotheses = [_preprocess(c, tokenizer, lowercase) for c in candidates]
    tokenized = [[_preprocess(r, tokenizer, lowercase) for r in refs] for refs in references]
    return reference.corpus_statistics(tokenized, hypotheses, max_order)


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
    return kernels.packed_statistics(ref_ids, sentence_offsets, segment_offsets, ids, offsets, max_order)


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
    max_order = check_max_order(max_order)
    check_bleu_tokenizer(tokenizer)
    lowercase = check_bool("lowercase", lowercase)
    check_choice("backend", backend, BACKENDS)
    references, candidates = check_corpus(references, candidates, "sentence_bleu", allow_empty=True)
    return _text_statistics(references, candidates, max_order, tokenizer, lowercase, backend)


# ------------------------------------------------------------------------------------------- scoring

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
    max_order = check_max_order(max_order)
    smooth_value = check_bleu_smoothing(smooth_method, smooth_value)
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
        self.max_order = check_max_order(max_order)
        self.tokenizer = check_bleu_tokenizer(tokenizer)
        self.lowercase = check_bool("lowercase", lowercase)
        references = check_reference_sets(references, "sentence_bleu")
        check_not_empty(len(references), "segments")
        self.nrefs = count_refs(references)
        self._vocabulary, ids, sentence_offsets, segment_offsets = _encode_references(references, tokenizer,
                                                                                     lowercase)
        self._tables = kernels.build(ids, sentence_offsets, segment_offsets, self.max_order)

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
        return kernels.candidate_statistics(self._tables, ids, offsets)

    @checked_options(renamed={"smooth": "smooth_method"})
    def score(self, candidates: Sequence[str], *, smooth_method: str = "exp", smooth_value: float | None = None,
              effective_order: bool = False) -> BleuScore:
        """Corpus BLEU of ``candidates`` (one per segment); same result as ``bleu(references, candidates, ...)``.

        Args:
            candidates: one string per segment.
            smooth_method, smooth_value, effective_order: as in ``bleu``.
        """
        smooth_value = check_bleu_smoothing(smooth_method, smooth_value)
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
