"""BLEU sufficient statistics over token ids, the compiled twin of ``textmetrics.reference.bleu``.

``segment_statistics(references, hypothesis, max_order)`` and ``corpus_statistics(references, hypotheses,
max_order)`` (references first) have the reference's signatures and results: ``[hyp_len, closest_ref_len,
matches_1..N, totals_1..N]`` per segment, for tokens of any hashable type. They intern the tokens (the references'
first; a hypothesis token no reference has gets id -1, which can match nothing), pack them (``pack``) and run one
compiled pass (``packed_statistics``). This is the only BLEU statistics kernel: sacrebleu-mode BLEU
(``textmetrics.bleu``, ``BleuScorer``), NLTK-mode BLEU (``nltk_bleu``, ``NltkBleuPool``) and the compat modules
all count through it.

How a segment is counted: every distinct n-gram (n <= N) of a segment's references has a slot in that segment's
open-addressing hash table (linear probing, at most half full). The slot of ``g + [w]`` holds the key
``(slot of g + 1) << 32 | w``: its prefix ``g`` by the prefix's slot (-1 for the empty prefix of a unigram) and its
last token id ``w``. Keys are exact, so a lookup never confuses two n-grams, and finding an n-gram takes one lookup
from its prefix's slot. Each slot also records its n-gram's clipping bound, the most times it occurs in any single
reference of the segment. Memory: 12 bytes a slot, two slots for each n-gram of the references (so about 100 bytes
per reference token with N = 4).

The candidate is walked from each position through the table: the n-gram at p of order n is found from the one of
order n - 1, and the walk stops at the first n-gram the references do not have (no longer one can be in them) or at
an unknown token (id -1). The matches of order n are ``min(candidate count, clipping bound)`` summed over the
distinct n-grams found, the totals the number of candidate n-grams; an n-gram absent from the references adds
nothing whatever its count.

Three ways to run it, same rows: ``packed_statistics`` builds each segment's table in a small scratch table and
drops it (a corpus scored once); ``build`` keeps every segment's table (``ReferenceTables``, what
``textmetrics.BleuScorer`` computes once) and ``candidate_statistics`` scores one candidate per segment against
them; ``pool_statistics`` scores any number of candidates against one shared table (``NltkBleuPool``).
"""
from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
import itertools

import numpy as np
from .engine import K, njit
from .rouge import _ids_within, _rises

_MIX = np.uint64(0x9E3779B97F4A7C15)
_LOW_32 = np.uint64(0xFFFFFFFF)
_EMPTY = -1
_MAX_CAPACITY = 2**31 - 1  # a slot index (plus one) must fit the key's upper 32 bits, a token id its lower 32


@njit(cache=True, nogil=True)
def _key(parent, word):
    return ((parent + 1) << 32) | word


@njit(cache=True, nogil=True)
def _find(keys, key):
    """The slot of ``key`` in the non-empty table ``keys``, or of the empty slot where it would go."""
    capacity = keys.size
    h = np.uint64(key) * _MIX
    s = np.int64((((h >> np.uint64(32)) & _LOW_32) * np.uint64(capacity)) >> np.uint64(32))  # in [0, capacity)
    while keys[s] != _EMPTY and keys[s] != key:
        s += 1
        if s == capacity:
            s = 0
    return s


@njit(cache=True, nogil=True)
def _fill(ids, sentence_offsets, first, stop, max_order, keys, clip, seen, touched):
    """Enter the n-grams of references first .. stop - 1 into ``keys`` (all empty, twice as many slots as the
    references have n-grams), with their clipping bound. ``seen`` (zeros, left so) has a slot's room,
    ``touched`` room for one reference's n-grams."""
    for r in range(first, stop):
        start = sentence_offsets[r]
        length = sentence_offsets[r + 1] - start
        n_touched = 0
        for p in range(length):
            parent = -1
            for n in range(1, min(max_order, length - p) + 1):
                key = _key(parent, ids[start + p + n - 1])
                s = _find(keys, key)
                if keys[s] == _EMPTY:
                    keys[s] = key
                    clip[s] = 0
                if seen[s] == 0:
                    touched[n_touched] = s
                    n_touched += 1
                seen[s] += 1
                parent = s
        for k in range(n_touched):  # the clipping bound: the most occurrences in one reference
            s = touched[k]
            clip[s] = max(clip[s], seen[s])
            seen[s] = 0


@njit(cache=True, nogil=True)
def _score(ids, start, hyp_len, max_order, keys, clip, count, touched, touched_order, row):
    """Fill ``row`` (zeros) with the statistics of the candidate ``ids[start:start + hyp_len]`` against a segment's
    table, but for the closest reference length. ``count`` (zeros, left so) has a slot's room, ``touched`` and
    ``touched_order`` room for ``max_order * hyp_len`` entries."""
    row[0] = hyp_len
    for n in range(1, min(max_order, hyp_len) + 1):
        row[1 + max_order + n] = hyp_len - n + 1
    if keys.size == 0:
        return  # the references have no tokens
    n_touched = 0
    for p in range(hyp_len):
        parent = -1
        for n in range(1, min(max_order, hyp_len - p) + 1):
            word = ids[start + p + n - 1]
            if word < 0:
                break  # a token no reference has
            s = _find(keys, _key(parent, word))
            if keys[s] == _EMPTY:
                break  # an n-gram no reference has
            if count[s] == 0:
                touched[n_touched] = s
                touched_order[n_touched] = n
                n_touched += 1
            count[s] += 1
            parent = s
    for k in range(n_touched):
        s = touched[k]
        row[1 + touched_order[k]] += min(count[s], clip[s])
        count[s] = 0


@njit(cache=True, nogil=True)
def _closest_length(hyp_len, sentence_offsets, first, stop):
    """The length of the reference (first .. stop - 1) nearest to ``hyp_len``, the shorter one on ties."""
    best = sentence_offsets[first + 1] - sentence_offsets[first]
    for r in range(first + 1, stop):
        ref_len = sentence_offsets[r + 1] - sentence_offsets[r]
        diff = abs(hyp_len - ref_len)
        if diff < abs(hyp_len - best) or (diff == abs(hyp_len - best) and ref_len < best):
            best = ref_len
    return best


@njit(cache=True, nogil=True)
def _table_offsets(sentence_offsets, segment_offsets, max_order):
    """Where each segment's table starts: twice the number of its references' n-grams (orders 1 .. N) each."""
    n_segments = segment_offsets.size - 1
    offsets = np.zeros(n_segments + 1, dtype=np.int64)
    for i in range(n_segments):
        need = 0
        for r in range(segment_offsets[i], segment_offsets[i + 1]):
            length = sentence_offsets[r + 1] - sentence_offsets[r]
            for n in range(1, max_order + 1):
                need += max(0, length - n + 1)
        offsets[i + 1] = offsets[i] + 2 * need
    return offsets


@njit(cache=True, nogil=True)
def _largest(offsets):
    largest = 0
    for i in range(offsets.size - 1):
        largest = max(largest, offsets[i + 1] - offsets[i])
    return largest


@njit(cache=True, nogil=True)
def _build(ids, sentence_offsets, segment_offsets, max_order, table_offsets):
    n_segments = segment_offsets.size - 1
    keys = np.full(table_offsets[n_segments], _EMPTY, dtype=np.int64)
    clip = np.zeros(keys.size, dtype=np.int32)  # zeros: empty slots are deterministic too
    seen = np.zeros(_largest(table_offsets), dtype=np.int32)
    touched = np.empty(max_order * _largest(sentence_offsets), dtype=np.int64)
    for i in range(n_segments):
        a, b = table_offsets[i], table_offsets[i + 1]
        _fill(ids, sentence_offsets, segment_offsets[i], segment_offsets[i + 1], max_order, keys[a:b], clip[a:b],
              seen, touched)
    return keys, clip


@njit(cache=True, nogil=True)
def _candidate_statistics(ids, offsets, sentence_offsets, segment_offsets, table_offsets, keys, clip, max_order):
    n_segments = offsets.size - 1
    out = np.zeros((n_segments, 2 + 2 * max_order), dtype=np.int64)
    count = np.zeros(_largest(table_offsets), dtype=np.int64)
    touched = np.empty(max_order * _largest(offsets), dtype=np.int64)
    touched_order = np.empty_like(touched)
    for i in range(n_segments):
        a, b = table_offsets[i], table_offsets[i + 1]
        hyp_len = offsets[i + 1] - offsets[i]
        _score(ids, offsets[i], hyp_len, max_order, keys[a:b], clip[a:b], count, touched, touched_order, out[i])
        out[i, 1] = _closest_length(hyp_len, sentence_offsets, segment_offsets[i], segment_offsets[i + 1])
    return out


@njit(cache=True, nogil=True)
def _pool_statistics(ids, offsets, sentence_offsets, keys, clip, max_order):
    """Every candidate against one segment's table (a shared reference pool): ``_candidate_statistics`` with the
    same table and references for all, the closest reference length found by binary search over the sorted
    distinct lengths (the shorter one on ties)."""
    n_candidates = offsets.size - 1
    out = np.zeros((n_candidates, 2 + 2 * max_order), dtype=np.int64)
    lengths = np.unique(sentence_offsets[1:] - sentence_offsets[:-1])
    count = np.zeros(keys.size, dtype=np.int64)
    touched = np.empty(max_order * _largest(offsets), dtype=np.int64)
    touched_order = np.empty_like(touched)
    for i in range(n_candidates):
        hyp_len = offsets[i + 1] - offsets[i]
        _score(ids, offsets[i], hyp_len, max_order, keys, clip, count, touched, touched_order, out[i])
        k = np.searchsorted(lengths, hyp_len)  # lengths[k - 1] < hyp_len <= lengths[k]
        best = lengths[min(k, lengths.size - 1)]
        if k > 0 and abs(hyp_len - lengths[k - 1]) <= abs(hyp_len - best):
            best = lengths[k - 1]
        out[i, 1] = best
    return out


@njit(cache=True, nogil=True)
def _corpus_statistics(ref_ids, sentence_offsets, segment_offsets, ids, offsets, max_order, table_offsets):
    """``_build`` then ``_candidate_statistics``, one segment at a time in one scratch table (nothing kept)."""
    n_segments = segment_offsets.size - 1
    out = np.zeros((n_segments, 2 + 2 * max_order), dtype=np.int64)
    largest = _largest(table_offsets)
    scratch = np.full(largest, _EMPTY, dtype=np.int64)
    clip = np.empty(largest, dtype=np.int32)
    seen = np.zeros(largest, dtype=np.int32)
    count = np.zeros(largest, dtype=np.int64)
    touched = np.empty(max_order * max(_largest(sentence_offsets), _largest(offsets)), dtype=np.int64)
    touched_order = np.empty_like(touched)
    for i in range(n_segments):
        keys = scratch[:table_offsets[i + 1] - table_offsets[i]]
        _fill(ref_ids, sentence_offsets, segment_offsets[i], segment_offsets[i + 1], max_order, keys, clip, seen,
              touched)
        hyp_len = offsets[i + 1] - offsets[i]
        _score(ids, offsets[i], hyp_len, max_order, keys, clip, count, touched, touched_order, out[i])
        out[i, 1] = _closest_length(hyp_len, sentence_offsets, segment_offsets[i], segment_offsets[i + 1])
        for s in range(keys.size):
            keys[s] = _EMPTY
    return out


@dataclass(frozen=True)
class ReferenceTables:
    """The reference n-gram tables of a corpus (layout in the module docstring)."""

    max_order: int
    sentence_offsets: np.ndarray  # reference r has sentence_offsets[r + 1] - sentence_offsets[r] tokens
    segment_offsets: np.ndarray   # segment i's references: segment_offsets[i] .. segment_offsets[i + 1] - 1
    table_offsets: np.ndarray     # segment i's table: keys[table_offsets[i]:table_offsets[i + 1]]
    keys: np.ndarray              # int64 n-gram keys, -1 for an empty slot
    clip: np.ndarray              # int32 clipping bound of the n-gram in each slot

    @property
    def n_segments(self) -> int:
        return self.segment_offsets.size - 1


def check_offsets(name: str, offsets: np.ndarray, size: int) -> None:
    """``offsets`` (1-D, at least one entry) rise from 0 to ``size`` (checked in compiled code)."""
    if not K.offsets_rise(offsets, size):
        raise ValueError(f"{name} must rise from 0 to {size}")


def _check_ids(ids: np.ndarray, allow_unknown: bool) -> None:
    if not K.ids_within(ids, -1 if allow_unknown else 0, (1 << 32) - 1):
        raise ValueError("token ids must lie in 0 .. 2**32 - 1" + (" (or -1 for unknown)" if allow_unknown else ""))


@njit(cache=True, nogil=True)
def offsets_rise(offsets, size):
    """``offsets`` has at least one entry and rises from 0 to ``size``."""
    return _rises(offsets, 0, size)


@njit(cache=True, nogil=True)
def ids_within(ids, low, high):
    """Every id lies in ``low .. high``."""
    return _ids_within(ids, low, high + 1)


def _tables_for(ref_ids: np.ndarray, sentence_offsets: np.ndarray, segment_offsets: np.ndarray,
                max_order: int) -> np.ndarray:
    check_offsets("sentence_offsets", sentence_offsets, ref_ids.size)
    _check_ids(ref_ids, allow_unknown=False)
    if max_order < 1:
        raise ValueError(f"max_order must be >= 1, got {max_order}")
    if segment_offsets[0] != 0 or segment_offsets[-1] != sentence_offsets.size - 1 \
            or np.any(np.diff(segment_offsets) < 1):
        raise ValueError("every segment needs at least one reference")
    table_offsets = K.table_offsets(sentence_offsets, segment_offsets, max_order)
    if K.largest_table(table_offsets) > _MAX_CAPACITY:
        raise ValueError("a segment's references have more n-grams than a table can hold (2**30)")
    return table_offsets


def build(ids: np.ndarray, sentence_offsets: np.ndarray, segment_offsets: np.ndarray,
          max_order: int) -> ReferenceTables:
    """Count the references once.

    Args:
        ids: int64 token ids (0 <= id < 2**32) of all references, back to back.
        sentence_offsets: int64; reference r is ``ids[sentence_offsets[r]:sentence_offsets[r + 1]]``.
        segment_offsets: int64; segment i owns references ``segment_offsets[i]`` .. ``segment_offsets[i + 1] - 1``
            (at least one).
        max_order: highest n-gram order N, at least 1.
    """
    table_offsets = _tables_for(ids, sentence_offsets, segment_offsets, max_order)
    keys, clip = K.build_tables(ids, sentence_offsets, segment_offsets, max_order, table_offsets)
    return ReferenceTables(max_order, sentence_offsets, segment_offsets, table_offsets, keys, clip)


def candidate_statistics(tables: ReferenceTables, ids: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Per-segment statistics of one candidate per segment against ``tables``.

    Args:
        ids: int64 token ids of the candidates, back to back; -1 for a token the references lack.
        offsets: candidate i is ``ids[offsets[i]:offsets[i + 1]]``.

    Returns:
        int64 array ``(n_segments, 2 + 2N)``, rows ``[hyp_len, closest_ref_len, matches_1..N, totals_1..N]``.
    """
    if offsets.size - 1 != tables.n_segments:
        raise ValueError(f"{offsets.size - 1} candidates for {tables.n_segments} segments")
    check_offsets("offsets", offsets, ids.size)
    _check_ids(ids, allow_unknown=True)
    return K.candidate_statistics(ids, offsets, tables.sentence_offsets, tables.segment_offsets,
                                 tables.table_offsets, tables.keys, tables.clip, tables.max_order)


def packed_statistics(ref_ids: np.ndarray, sentence_offsets: np.ndarray, segment_offsets: np.ndarray,
                      ids: np.ndarray, offsets: np.ndarray, max_order: int) -> np.ndarray:
    """``candidate_statistics(build(ref_ids, sentence_offsets, segment_offsets, max_order), ids, offsets)``, one
    segment at a time in a small scratch table (faster when the tables serve once)."""
    table_offsets = _tables_for(ref_ids, sentence_offsets, segment_offsets, max_order)
    check_offsets("offsets", offsets, ids.size)
    _check_ids(ids, allow_unknown=True)
    if offsets.size != segment_offsets.size:
        raise ValueError(f"{offsets.size - 1} candidates for {segment_offsets.size - 1} segments")
    return K.bleu_statistics(ref_ids, sentence_offsets, segment_offsets, ids, offsets, max_order, table_offsets)


def pool_statistics(tables: ReferenceTables, ids: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Per-candidate statistics of any number of candidates against the one segment of ``tables`` (a reference
    pool shared by all); rows as for ``candidate_statistics``."""
    if tables.n_segments != 1:
        raise ValueError(f"a reference pool is one segment, these tables have {tables.n_segments}")
    check_offsets("offsets", offsets, ids.size)
    _check_ids(ids, allow_unknown=True)
    return K.pool_statistics(ids, offsets, tables.sentence_offsets, tables.keys, tables.clip, tables.max_order)


# ------------------------------------------------------------------------- the reference's twins (any tokens)

def intern(sentences: Sequence[Sequence[Hashable]], vocabulary: dict,
           insert: bool) -> tuple[np.ndarray, np.ndarray]:
    """``(ids, offsets)`` of token lists: each token's id in ``vocabulary`` (a dict, grown when ``insert``; -1 for a
    token it lacks otherwise), and where each sentence's ids start."""
    flat = list(itertools.chain.from_iterable(sentences))
    if insert:
        looked_up = map(vocabulary.setdefault, flat, itertools.count(len(vocabulary)))
    else:
        looked_up = map(vocabulary.get, flat, itertools.repeat(-1))
    ids = np.fromiter(looked_up, dtype=np.int64, count=len(flat))
    offsets = np.zeros(len(sentences) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, sentences), dtype=np.int64, count=len(sentences)), out=offsets[1:])
    return ids, offsets


def pack(references: Sequence[Sequence[Sequence[Hashable]]],
         hypotheses: Sequence[Sequence[Hashable]]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Intern and pack a tokenized corpus, references first: ``(ref_ids, sentence_offsets, segment_offsets, ids,
    offsets)``, the arguments of ``packed_statistics`` but for ``max_order``."""
    if len(hypotheses) != len(references):
        raise ValueError(f"{len(hypotheses)} candidates but {len(references)} reference groups")
    if any(len(refs) == 0 for refs in references):
        raise ValueError("a segment needs at least one reference")
    vocabulary: dict = {}
    ref_ids, sentence_offsets = intern(list(itertools.chain.from_iterable(references)), vocabulary, insert=True)
    segment_offsets = np.zeros(len(references) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, references), dtype=np.int64, count=len(references)), out=segment_offsets[1:])
    ids, offsets = intern(hypotheses, vocabulary, insert=False)
    return ref_ids, sentence_offsets, segment_offsets, ids, offsets


def corpus_statistics(references: Sequence[Sequence[Sequence[Hashable]]], hypotheses: Sequence[Sequence[Hashable]],
                      max_order: int) -> np.ndarray:
    """Same as ``textmetrics.reference.bleu.corpus_statistics``, computed by the compiled kernel."""
    return packed_statistics(*pack(references, hypotheses), max_order)


def segment_statistics(references: Sequence[Sequence[Hashable]], hypothesis: Sequence[Hashable],
                       max_order: int) -> list[int]:
    """Same as ``textmetrics.reference.bleu.segment_statistics``, computed by the compiled kernel."""
    return corpus_statistics([references], [hypothesis], max_order)[0].tolist()


def warmup() -> None:
    """Compile (or load from the cache) the kernels on a tiny corpus."""
    corpus_statistics([[[0, 1], [1]]], [[0, 1]], 2)
    one = np.array([0, 1], dtype=np.int64)
    tables = build(one, np.array([0, 2], dtype=np.int64), one, 2)
    candidate_statistics(tables, np.array([0, -1], dtype=np.int64), np.array([0, 2], dtype=np.int64))
    pool_statistics(tables, np.array([0, -1], dtype=np.int64), np.array([0, 2], dtype=np.int64))
