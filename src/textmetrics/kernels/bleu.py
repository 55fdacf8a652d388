"""BLEU sufficient statistics over integer token ids, mirroring ``textmetrics.reference.bleu``.

``corpus_statistics(references, hypotheses, max_order)`` (references first) has the reference's signature and
result (an int64 array with one row ``[hyp_len, closest_ref_len, matches_1..N, totals_1..N]`` per segment); it
interns the tokens with
``textmetrics.vocab.Vocabulary``, packs them and runs one compiled pass over the corpus.

Packed layout (``packed_statistics``): ``tokens`` is every sentence's ids back to back;
``sentence_offsets[s]:sentence_offsets[s + 1]`` is sentence s; segment i owns sentences
``segment_offsets[i]`` .. ``segment_offsets[i + 1] - 1``, the first being the hypothesis and the others its
references (at least one).

How a segment is counted: the n-gram starting at each position gets an integer id such that equal n-grams (in
any sentence of the segment) get equal ids. Order 1 ids are the segment's tokens renumbered densely; the
order-n id at position p is the dense rank of the pair (order n-1 id at p, word id at p + n - 1), so ids stay
below the segment's size for any n and never overflow. With ids in hand, clipping is array counting: the
candidate's counts, each reference's counts, their per-id maximum over references, then the sum over distinct
candidate ids of min(candidate count, maximum reference count).
"""
from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np
from .engine import K, njit

from ..vocab import Vocabulary


@njit(cache=True)
def _dense_ranks(codes):
    """Replace int64 codes by dense ranks 0..k-1 that preserve equality."""
    out = np.empty(codes.size, dtype=np.int64)
    if codes.size == 0:
        return out
    order = np.argsort(codes, kind="mergesort")
    rank = 0
    out[order[0]] = 0
    for k in range(1, codes.size):
        if codes[order[k]] != codes[order[k - 1]]:
            rank += 1
        out[order[k]] = rank
    return out


@njit(cache=True, nogil=True)
def _dense_ids(keys):
    """Renumber int64 ``keys`` as 0..k-1 keeping equality; returns (ids, k)."""
    ids = _dense_ranks(keys)
    return ids, (ids.max() + 1 if keys.size else 0)


@njit(cache=True, nogil=True)
def _segment_statistics(tokens, sentence_offsets, first, stop, max_order, row):
    """Fill ``row`` with the statistics of the segment made of sentences first (hypothesis) .. stop - 1."""
    base = sentence_offsets[first]
    hyp_len = sentence_offsets[first + 1] - base
    row[0] = hyp_len

    best_diff = -1
    for s in range(first + 1, stop):
        ref_len = sentence_offsets[s + 1] - sentence_offsets[s]
        diff = abs(hyp_len - ref_len)
        if best_diff < 0 or diff < best_diff or (diff == best_diff and ref_len < row[1]):
            best_diff = diff
            row[1] = ref_len

    words, n_words = _dense_ids(tokens[base:sentence_offsets[stop]])
    gram = words.copy()  # gram[p]: id of the current-order n-gram starting at p (segment-relative position)
    n_grams = n_words
    keys = np.empty(words.size, dtype=np.int64)
    where = np.empty(words.size, dtype=np.int64)
    for n in range(1, max_order + 1):
        if hyp_len < n:
            break  # no candidate n-grams of this order or any higher one: matches and totals stay 0
        if n > 1:
            m = 0
            for s in range(first, stop):
                for p in range(sentence_offsets[s] - base, sentence_offsets[s + 1] - base - n + 1):
                    keys[m] = gram[p] * n_words + words[p + n - 1]
                    where[m] = p
                    m += 1
            ids, n_grams = _dense_ids(keys[:m])
            for j in range(m):
                gram[where[j]] = ids[j]

        hyp_count = np.zeros(n_grams, dtype=np.int64)
        for p in range(hyp_len - n + 1):
            hyp_count[gram[p]] += 1
        ref_max = np.zeros(n_grams, dtype=np.int64)
        ref_count = np.zeros(n_grams, dtype=np.int64)
        for s in range(first + 1, stop):
            lo = sentence_offsets[s] - base
            hi = sentence_offsets[s + 1] - base - n + 1
            for p in range(lo, hi):
                ref_count[gram[p]] += 1
            for p in range(lo, hi):
                g = gram[p]
                if ref_count[g] > ref_max[g]:
                    ref_max[g] = ref_count[g]
            for p in range(lo, hi):
                ref_count[gram[p]] = 0

        matches = 0
        for p in range(hyp_len - n + 1):
            g = gram[p]
            if hyp_count[g] > 0:  # first visit of this distinct n-gram
                matches += min(hyp_count[g], ref_max[g])
                hyp_count[g] = 0
        row[1 + n] = matches
        row[1 + max_order + n] = hyp_len - n + 1


@njit(cache=True, nogil=True)
def _corpus_statistics(tokens, sentence_offsets, segment_offsets, max_order):
    n_segments = segment_offsets.size - 1
    out = np.zeros((n_segments, 2 + 2 * max_order), dtype=np.int64)
    for i in range(n_segments):
        _segment_statistics(tokens, sentence_offsets, segment_offsets[i], segment_offsets[i + 1], max_order, out[i])
    return out


def packed_statistics(tokens: np.ndarray, sentence_offsets: np.ndarray, segment_offsets: np.ndarray,
                      max_order: int) -> np.ndarray:
    """Per-segment statistics of a packed corpus (layout in the module docstring).

    Args:
        tokens: int64 token ids of all sentences, concatenated.
        sentence_offsets: int64, ``n_sentences + 1`` non-decreasing offsets into ``tokens``, from 0 to its size.
        segment_offsets: int64, ``n_segments + 1`` offsets into the sentences; every segment has at least two
            sentences (its hypothesis and one reference).
        max_order: highest n-gram order N, at least 1.

    Returns:
        int64 array of shape ``(n_segments, 2 + 2 * N)``.
    """
    tokens = np.ascontiguousarray(tokens, dtype=np.int64)
    sentence_offsets = np.ascontiguousarray(sentence_offsets, dtype=np.int64)
    segment_offsets = np.ascontiguousarray(segment_offsets, dtype=np.int64)
    if max_order < 1:
        raise ValueError(f"max_order must be >= 1, got {max_order}")
    if sentence_offsets.ndim != 1 or sentence_offsets.size < 1 or sentence_offsets[0] != 0 \
            or sentence_offsets[-1] != tokens.size or np.any(np.diff(sentence_offsets) < 0):
        raise ValueError("sentence_offsets must rise from 0 to len(tokens)")
    if segment_offsets.ndim != 1 or segment_offsets.size < 1 or segment_offsets[0] != 0 \
            or segment_offsets[-1] != sentence_offsets.size - 1 or np.any(np.diff(segment_offsets) < 2):
        raise ValueError("segment_offsets must rise from 0 to the number of sentences, by at least 2 per segment "
                         "(a hypothesis and at least one reference)")
    return K.segment_statistics(tokens, sentence_offsets, segment_offsets, int(max_order))


def pack(references: Sequence[Sequence[Sequence[Hashable]]],
         hypotheses: Sequence[Sequence[Hashable]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Intern and pack a tokenized corpus, references first: ``(tokens, sentence_offsets, segment_offsets)`` (in
    the packed layout each segment's candidate comes first)."""
    if len(hypotheses) != len(references):
        raise ValueError(f"{len(hypotheses)} candidates but {len(references)} reference groups")
    flat: list = []
    lengths: list[int] = []
    group_sizes: list[int] = []
    for hypothesis, refs in zip(hypotheses, references, strict=True):
        if len(refs) == 0:
            raise ValueError("a segment needs at least one reference")
        for sentence in (hypothesis, *refs):
            flat.extend(sentence)
            lengths.append(len(sentence))
        group_sizes.append(1 + len(refs))
    tokens = Vocabulary().encode(flat)
    sentence_offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=sentence_offsets[1:])
    segment_offsets = np.zeros(len(group_sizes) + 1, dtype=np.int64)
    np.cumsum(group_sizes, out=segment_offsets[1:])
    return tokens, sentence_offsets, segment_offsets


def corpus_statistics(references: Sequence[Sequence[Sequence[Hashable]]], hypotheses: Sequence[Sequence[Hashable]],
                      max_order: int) -> np.ndarray:
    """Same as ``textmetrics.reference.bleu.corpus_statistics``, computed by the compiled kernel."""
    return packed_statistics(*pack(references, hypotheses), max_order)


def warmup() -> None:
    """Compile (or load from the cache) the kernel on a tiny corpus."""
    corpus_statistics([[[0, 1], [1]]], [[0, 1]], 2)
