"""TER over integer token ids, mirroring ``textmetrics.reference.ter`` (sacrebleu 2.6.0's Tercom procedure).

``translation_edit_rate(ref, hyp)``, ``segment_statistics(references, hyp)`` and
``corpus_statistics(references, hypotheses)`` (the reference's ``__all__``) have the reference's signatures and
results (the compiled internals keep hypothesis-first arguments); the tokens are interned to int64 ids in Python
(``textmetrics.vocab.Vocabulary``) and the whole procedure, shift search and greedy loop included, runs compiled.

Packed layout (``packed_statistics``): ``tokens`` is every sentence's ids back to back;
``sentence_offsets[s]:sentence_offsets[s + 1]`` is sentence s; segment i owns sentences ``segment_offsets[i]`` ..
``segment_offsets[i + 1] - 1``, the first being the hypothesis and the others its references (at least one).

What the kernel saves over the reference, without changing any result:

* the edit-distance table of the current hypothesis is kept; a shifted hypothesis agrees with it up to
  ``min(start, target)``, so only the rows after that are recomputed (a row depends only on the hypothesis prefix,
  and the band only on the two lengths, which shifts do not change), and the next round's table reuses the rows
  before the applied shift;
* a candidate's rows are abandoned as soon as a whole row exceeds the cost that could still beat the round's
  best candidate (costs never decrease along a path, so the final cost is at least every row's minimum); such a
  candidate still counts towards the 1 000-candidate budget, as in sacrebleu.

Every kernel is ``@njit(cache=True, nogil=True)``, sequential, takes only C-contiguous int64/float64 arrays and
int/float scalars (flags are 0/1 ints, the operation tables int64), and calls only kernels of this module; Python
calls them through the validating wrappers at the bottom.
"""
from __future__ import annotations

import math
from collections.abc import Hashable, Sequence

import numpy as np
from .engine import K, njit

from ..vocab import Vocabulary

_MAX_SHIFT_SIZE = 10
_MAX_SHIFT_DIST = 50
_BEAM_WIDTH = 25
_MAX_SHIFT_CANDIDATES = 1000
_INFINITY = 10 ** 16

_MATCH = 0
_SUBSTITUTE = 1
_DELETE = 2  # consumes a hypothesis token
_INSERT = 3  # consumes a reference token


@njit(cache=True, nogil=True)
def _beam(n, m):
    """``(ratio, half-width)`` of the band for a hypothesis of n and a reference of m tokens."""
    ratio = m / n if n > 0 else 1.0
    if _BEAM_WIDTH < ratio / 2:
        return ratio, np.int64(math.ceil(ratio / 2 + _BEAM_WIDTH))
    return ratio, np.int64(_BEAM_WIDTH)


@njit(cache=True, nogil=True)
def _fill(hyp, ref, cost, ops, base, start, ratio, beam, with_ops, limit):
    """Rows start + 1 .. n of the banded table of ``hyp`` into ``cost`` (and ``ops`` if ``with_ops``).

    Row ``start`` is read from ``base`` (which may be ``cost`` itself); ``with_ops`` is 0 or 1. Cells outside the
    band are never written, so they keep the +infinity the tables were created with. Returns the final cost, or
    +infinity as soon as a row's minimum exceeds ``limit``."""
    n = hyp.size
    m = ref.size
    for i in range(start + 1, n + 1):
        prev = base[i - 1] if i - 1 == start else cost[i - 1]
        row = cost[i]
        diagonal = np.int64(math.floor(i * ratio))
        first = max(0, diagonal - beam)
        stop = m + 1 if i == n else min(m + 1, diagonal + beam)
        token = hyp[i - 1]
        row_min = _INFINITY
        for j in range(first, stop):
            if j == 0:
                best = prev[0] + 1
                op = _DELETE
            else:
                best = _INFINITY
                op = -1
                if token == ref[j - 1]:
                    value = prev[j - 1]
                    if value < best:
                        best = value
                        op = _MATCH
                else:
                    value = prev[j - 1] + 1
                    if value < best:
                        best = value
                        op = _SUBSTITUTE
                value = prev[j] + 1
                if value < best:
                    best = value
                    op = _DELETE
                value = row[j - 1] + 1
                if value < best:
                    best = value
                    op = _INSERT
            row[j] = best
            if with_ops != 0:
                ops[i, j] = op
            row_min = min(row_min, best)
        if row_min > limit:
            return _INFINITY
    return cost[n, m]


@njit(cache=True, nogil=True)
def _align(ops, n, m, align, hyp_errors, ref_errors, trace):
    """The alignment of the trace ending at (n, m) (see ``textmetrics.reference.ter.alignment``)."""
    length = 0
    i = n
    j = m
    while i > 0 or j > 0:
        op = ops[i, j]
        trace[length] = op
        length += 1
        if op == _MATCH or op == _SUBSTITUTE:
            i -= 1
            j -= 1
        elif op == _DELETE:
            i -= 1
        else:
            j -= 1
    hyp_pos = -1
    ref_pos = -1
    for k in range(length - 1, -1, -1):
        op = trace[k]
        if op == _MATCH or op == _SUBSTITUTE:
            hyp_pos += 1
            ref_pos += 1
            align[ref_pos] = hyp_pos
            hyp_errors[hyp_pos] = op
            ref_errors[ref_pos] = op
        elif op == _DELETE:
            hyp_pos += 1
            hyp_errors[hyp_pos] = 1
        else:
            ref_pos += 1
            align[ref_pos] = hyp_pos
            ref_errors[ref_pos] = 1


@njit(cache=True, nogil=True)
def _shift(words, start, length, target, out):
    """``out`` = ``words`` with the block [start, start + length) moved to ``target`` (reference ``shift``)."""
    n = words.size
    position = target if target <= start + length else target - length  # where the block goes in "rest"
    # a target inside the block can point past the end of "rest": the block then goes last
    position = min(position, n - length)
    k = 0  # next index of ``out``
    rest = 0  # tokens of "rest" (``words`` without the block) written so far
    for p in range(n):
        if start <= p < start + length:
            continue
        if rest == position:
            for q in range(length):
                out[k] = words[start + q]
                k += 1
        out[k] = words[p]
        k += 1
        rest += 1
    if rest == position:
        for q in range(length):
            out[k] = words[start + q]
            k += 1


@njit(cache=True, nogil=True)
def _translation_edit_rate(hyp, ref):
    """Edits of ``hyp`` against a non-empty ``ref`` (reference ``translation_edit_rate``)."""
    n = hyp.size
    m = ref.size
    ratio, beam = _beam(n, m)
    cost = np.full((n + 1, m + 1), _INFINITY, dtype=np.int64)
    scratch = np.full((n + 1, m + 1), _INFINITY, dtype=np.int64)
    ops = np.full((n + 1, m + 1), -1, dtype=np.int64)
    for j in range(m + 1):
        cost[0, j] = j
        scratch[0, j] = j
        ops[0, j] = _INSERT
    words = hyp.copy()
    shifted = np.empty(n, dtype=np.int64)
    align = np.empty(m, dtype=np.int64)
    hyp_errors = np.empty(n, dtype=np.int64)
    ref_errors = np.empty(m, dtype=np.int64)
    trace = np.empty(n + m, dtype=np.int64)

    shifts = 0
    checked = 0
    reuse = 0  # rows 0..reuse of ``cost`` are valid for ``words``
    while True:
        distance = _fill(words, ref, cost, ops, cost, reuse, ratio, beam, 1, _INFINITY)
        _align(ops, n, m, align, hyp_errors, ref_errors, trace)

        found = False
        best_gain = 0
        best_length = 0
        best_start = 0
        best_target = 0
        out_of_budget = False
        for start_h in range(n):
            lo = max(0, start_h - _MAX_SHIFT_DIST)
            hi = min(m, start_h + _MAX_SHIFT_DIST + 1)
            for start_r in range(lo, hi):
                length = 0
                hyp_wrong = 0
                ref_wrong = 0
                while (length < _MAX_SHIFT_SIZE and start_h + length < n and start_r + length < m
                       and words[start_h + length] == ref[start_r + length]):
                    hyp_wrong += hyp_errors[start_h + length]
                    ref_wrong += ref_errors[start_r + length]
                    length += 1
                    if hyp_wrong == 0 or ref_wrong == 0:
                        continue
                    if start_h <= align[start_r] < start_h + length:
                        continue
                    previous = -1
                    for offset in range(-1, length):
                        target = 0 if start_r + offset == -1 else align[start_r + offset] + 1
                        if target == previous:
                            continue
                        previous = target
                        _shift(words, start_h, length, target, shifted)
                        # only a cost <= distance - best_gain can give a key at least as large as the best's
                        limit = distance - best_gain if found else _INFINITY
                        first_changed = min(start_h, target)
                        new_cost = _fill(shifted, ref, scratch, ops, cost, first_changed, ratio, beam, 0, limit)
                        gain = distance - new_cost
                        checked += 1
                        better = not found
                        if not better:
                            if gain != best_gain:
                                better = gain > best_gain
                            elif length != best_length:
                                better = length > best_length
                            elif start_h != best_start:
                                better = start_h < best_start
                            else:
                                better = target < best_target
                        if better:
                            found = True
                            best_gain = gain
                            best_length = length
                            best_start = start_h
                            best_target = target
                    if checked >= _MAX_SHIFT_CANDIDATES:
                        out_of_budget = True
                        break
                if out_of_budget:
                    break
            if out_of_budget:
                break

        if checked >= _MAX_SHIFT_CANDIDATES or not found or best_gain <= 0:
            return shifts + distance
        _shift(words, best_start, best_length, best_target, shifted)
        words[:] = shifted
        reuse = min(best_start, best_target)
        shifts += 1


@njit(cache=True, nogil=True)
def _corpus_statistics(tokens, sentence_offsets, segment_offsets):
    n_segments = segment_offsets.size - 1
    out = np.zeros((n_segments, 2), dtype=np.float64)
    for i in range(n_segments):
        first = segment_offsets[i]
        hyp = tokens[sentence_offsets[first]:sentence_offsets[first + 1]]
        best = _INFINITY
        total = 0
        n_refs = segment_offsets[i + 1] - first - 1
        for s in range(first + 1, segment_offsets[i + 1]):
            ref = tokens[sentence_offsets[s]:sentence_offsets[s + 1]]
            if ref.size == 0:
                edits = hyp.size
            else:
                edits = _translation_edit_rate(hyp, ref)
            total += ref.size
            best = min(best, edits)
        out[i, 0] = best
        out[i, 1] = total / n_refs
    return out


# ---------------------------------------------------------------------------------------- Python wrappers

def _int64(name: str, values) -> np.ndarray:
    array = np.ascontiguousarray(values, dtype=np.int64)
    if array.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {array.shape}")
    return array


def translation_edit_rate(ref: Sequence[Hashable], hyp: Sequence[Hashable]) -> tuple[int, int]:
    """Same as ``textmetrics.reference.ter.translation_edit_rate``: ``(edits, reference length)``."""
    vocabulary = Vocabulary()
    ref_ids = _int64("ref", vocabulary.encode(ref))
    hyp_ids = _int64("hyp", vocabulary.encode(hyp))
    if ref_ids.size == 0:
        return hyp_ids.size, 0
    return int(K.ter_edits(hyp_ids, ref_ids)), ref_ids.size


def packed_statistics(tokens: np.ndarray, sentence_offsets: np.ndarray, segment_offsets: np.ndarray) -> np.ndarray:
    """Per-segment ``[edits, mean reference length]`` of a packed corpus (layout in the module docstring).

    Args:
        tokens: int64 token ids of all sentences, concatenated.
        sentence_offsets: ``n_sentences + 1`` non-decreasing offsets into ``tokens``, from 0 to its size.
        segment_offsets: ``n_segments + 1`` offsets into the sentences, from 0 to ``n_sentences``; every segment has
            at least two sentences (its hypothesis and one reference).

    Returns:
        float64 array of shape ``(n_segments, 2)``.
    """
    tokens = _int64("tokens", tokens)
    sentence_offsets = _int64("sentence_offsets", sentence_offsets)
    segment_offsets = _int64("segment_offsets", segment_offsets)
    if (sentence_offsets.size < 1 or sentence_offsets[0] != 0 or sentence_offsets[-1] != tokens.size
            or np.any(np.diff(sentence_offsets) < 0)):
        raise ValueError("sentence_offsets must rise from 0 to len(tokens) without decreasing")
    if (segment_offsets.size < 1 or segment_offsets[0] != 0 or segment_offsets[-1] != sentence_offsets.size - 1
            or np.any(np.diff(segment_offsets) < 2)):
        raise ValueError("segment_offsets must rise from 0 to the number of sentences, at least 2 sentences (a "
                         "hypothesis and a reference) per segment")
    return K.ter_statistics(tokens, sentence_offsets, segment_offsets)


def pack(references: Sequence[Sequence[Sequence[Hashable]]], hypotheses: Sequence[Sequence[Hashable]]):
    """``(tokens, sentence_offsets, segment_offsets)`` of a tokenized corpus given references first, interned with
    one vocabulary (in the packed layout each segment's hypothesis comes first)."""
    if len(hypotheses) != len(references):
        raise ValueError(f"{len(hypotheses)} candidates but {len(references)} reference groups")
    sentences: list = []
    segment_offsets = np.empty(len(hypotheses) + 1, dtype=np.int64)
    segment_offsets[0] = 0
    for i, (hypothesis, refs) in enumerate(zip(hypotheses, references)):
        if len(refs) == 0:
            raise ValueError(f"segment {i} has no reference")
        sentences.append(hypothesis)
        sentences.extend(refs)
        segment_offsets[i + 1] = len(sentences)
    sentence_offsets = np.zeros(len(sentences) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, sentences), dtype=np.int64, count=len(sentences)), out=sentence_offsets[1:])
    ids: dict = {}
    setdefault = ids.setdefault
    tokens = np.fromiter((setdefault(t, len(ids)) for sentence in sentences for t in sentence), dtype=np.int64,
                         count=int(sentence_offsets[-1]))
    return tokens, sentence_offsets, segment_offsets


def corpus_statistics(references: Sequence[Sequence[Sequence[Hashable]]],
                      hypotheses: Sequence[Sequence[Hashable]]) -> np.ndarray:
    """Same arguments and result as ``textmetrics.reference.ter.corpus_statistics``, computed compiled."""
    return packed_statistics(*pack(references, hypotheses))


def segment_statistics(references: Sequence[Sequence[Hashable]], hyp: Sequence[Hashable]) -> tuple[int, float]:
    """Same as ``textmetrics.reference.ter.segment_statistics``."""
    edits, length = corpus_statistics([references], [hyp])[0]
    return int(edits), float(length)
