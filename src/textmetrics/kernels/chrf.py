"""chrF / chrF++ statistics over integer code points, mirroring ``textmetrics.reference.chrf``.

``pair_statistics``, ``segment_statistics``, ``corpus_statistics`` and ``f_score`` (the reference's ``__all__``) have
the reference's signatures and results. The strings become Unicode code points in Python (one
``str.encode("utf-32-le", "surrogatepass")`` for the whole corpus); everything else, whitespace removal and the
chrF++ word split included, runs compiled.

Packed layout (``packed_statistics``): ``chars`` is every sentence's code points back to back (int64);
``char_offsets[s]:char_offsets[s + 1]`` is sentence s; segment i owns sentences ``segment_offsets[i]`` ..
``segment_offsets[i + 1] - 1``, the first being the hypothesis and the others its references (at least one).

How a segment is counted (``_order_block``): every unit of the hypothesis (a character, or a word for the word
orders) gets a dense id 0..k-1 (code points below U+3000 through a direct array, others and words through an
open-addressing hash table; words are hashed while they are scanned and compared exactly on a hash hit); a
reference unit gets the id of the equal hypothesis unit, or -1 when the hypothesis has none. The hypothesis's
n-grams of orders 1..N then form a trie, each node counting its occurrences; every reference position walks the
trie along its units until the first n-gram the hypothesis lacks, so each reference is read once for all orders.
The clipped match count ``sum_g min(hyp[g], ref[g])`` is the number of reference occurrences at which the node's
running reference count does not exceed its hypothesis count; the n-gram totals are counted arithmetically. Only
integers are involved, so the statistics are exact; the only float work is the reference choice (``_f_score``),
which repeats the reference's operations in the same order (no fastmath), hence picks the same reference.

Every kernel is ``@njit(cache=True, nogil=True)``, sequential, takes only C-contiguous int64/float64 arrays and
int/float scalars (flags are 0/1 ints), and calls only kernels of this module; Python calls them through the
validating wrappers at the bottom.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from .engine import K, njit

_EMPTY = -1
_PAIRS = 1 << 18  # trie child keys below this use a direct table, larger ones the hash table
_DIRECT = 0x3000  # code points below this get their unit id from an array, the others from the hash table
_EPS = 1e-16


# --------------------------------------------------------------------------------------------------- helpers

@njit(cache=True, nogil=True)
def _is_space(c):
    """``chr(c).isspace()`` for a code point (Python 3.11's 29 whitespace code points)."""
    if c <= 0x20:
        return (9 <= c <= 13) or (28 <= c <= 32)
    if c < 0x85:
        return False
    return (c == 0x85 or c == 0xA0 or c == 0x1680 or (0x2000 <= c <= 0x200A) or c == 0x2028 or c == 0x2029
            or c == 0x202F or c == 0x205F or c == 0x3000)


@njit(cache=True, nogil=True)
def _is_ascii_punct(c):
    """``chr(c) in string.punctuation``."""
    return (33 <= c <= 47) or (58 <= c <= 64) or (91 <= c <= 96) or (123 <= c <= 126)


@njit(cache=True, nogil=True)
def _slot(key, mask):
    """Start slot of a non-negative key below 2**62 in a table of ``mask + 1`` slots."""
    h = (key ^ (key >> 31)) & 0xFFFFFFFF
    h = (h * 0x5BD1E995) & 0x7FFFFFFFFFFFFFFF
    return (h ^ (h >> 29)) & mask


@njit(cache=True, nogil=True)
def _table_size(n):
    size = 16
    while size < 2 * n:
        size *= 2
    return size


@njit(cache=True, nogil=True)
def _insert(keys, values, mask, key, next_id):
    """The id of ``key``, inserting it with ``next_id`` if new; returns (id, next_id after)."""
    s = _slot(key, mask)
    while True:
        k = keys[s]
        if k == key:
            return values[s], next_id
        if k == _EMPTY:
            keys[s] = key
            values[s] = next_id
            return next_id, next_id + 1
        s = (s + 1) & mask


@njit(cache=True, nogil=True)
def _lookup(keys, values, mask, key):
    """The id of ``key``, or -1."""
    s = _slot(key, mask)
    while True:
        k = keys[s]
        if k == key:
            return values[s]
        if k == _EMPTY:
            return -1
        s = (s + 1) & mask


@njit(cache=True, nogil=True)
def _mix(h, c):
    """One step of the running word hash (stays below 2**40)."""
    return ((h * 1000003) ^ c) & 0xFFFFFFFFFF


@njit(cache=True, nogil=True)
def _same_span(chars, a, a_stop, b, b_stop):
    if a_stop - a != b_stop - b:
        return False
    for q in range(a_stop - a):
        if chars[a + q] != chars[b + q]:
            return False
    return True


@njit(cache=True, nogil=True)
def _span_id(chars, starts, stops, hashes, t, keys, values, where, mask, next_id, insert):
    """Dense id of word t, ``chars[starts[t]:stops[t]]`` with hash ``hashes[t]`` (equal words, equal ids); -1 if
    absent and not inserting. ``keys`` holds word hashes, ``where`` the index of the word stored in each slot."""
    a, a_stop = starts[t], stops[t]
    key = hashes[t]
    s = _slot(key, mask)
    while True:
        k = keys[s]
        if k == _EMPTY:
            if insert == 0:
                return -1, next_id
            keys[s] = key
            values[s] = next_id
            where[s] = t
            return next_id, next_id + 1
        if k == key and _same_span(chars, starts[where[s]], stops[where[s]], a, a_stop):
            return values[s], next_id
        s = (s + 1) & mask


# ---------------------------------------------------------------------------------------------- statistics

@njit(cache=True, nogil=True)
def _order_block(units, n_units, hyp_len, ref_bounds, n_refs, max_n, out, col, keys, values, pairs, node_keys,
                 hyp_count, ref_count, touched, matches):
    """Per-order [hyp, ref, match] of the hypothesis against each reference, orders 1..max_n.

    ``units[0:hyp_len]`` are the hypothesis's dense unit ids (0..n_units-1); reference k's ids (-1: absent from the
    hypothesis) are ``units[ref_bounds[k]:ref_bounds[k + 1]]``. Row k of ``out`` receives the 3 * max_n numbers of
    reference k from column ``col`` on.

    The hypothesis's n-grams of orders 1..max_n form a trie (node 0 is the empty n-gram; the child of node v by unit
    u is the n-gram v + u), each node counting its occurrences in the hypothesis. Every reference position walks
    the trie along its units until the first n-gram the hypothesis lacks, counting at each node reached; an
    occurrence matches while the node's reference count does not exceed its hypothesis count, which sums
    ``min(hyp[g], ref[g])`` over the n-grams g. The totals are counted arithmetically. Children are found through
    the direct table ``pairs`` (index ``v * n_units + u``; all -1 between calls) when it is large enough for the
    segment, otherwise through the hash table ``keys``/``values``. ``ref_count`` is all 0 between calls."""
    bound = 1 + hyp_len * max_n  # more than the number of trie nodes
    direct = bound * n_units <= pairs.size
    mask = 0
    if not direct:
        mask = _table_size(bound) - 1
        keys[:mask + 1] = _EMPTY
    n_nodes = 1
    for p in range(hyp_len):
        node = 0
        for d in range(min(max_n, hyp_len - p)):
            key = node * n_units + units[p + d]
            if direct:
                child = pairs[key]
                if child < 0:
                    child = n_nodes
                    pairs[key] = child
                    node_keys[child] = key
                    hyp_count[child] = 0
                    n_nodes += 1
            else:
                child, grown = _insert(keys, values, mask, key, n_nodes)
                if grown > n_nodes:
                    hyp_count[child] = 0
                    n_nodes = grown
            hyp_count[child] += 1
            node = child
    for k in range(n_refs):
        lo = ref_bounds[k]
        hi = ref_bounds[k + 1]
        matches[:max_n] = 0
        n_touched = 0
        for p in range(lo, hi):
            node = 0
            for d in range(min(max_n, hi - p)):
                u = units[p + d]
                if u < 0:
                    break
                key = node * n_units + u
                child = pairs[key] if direct else _lookup(keys, values, mask, key)
                if child < 0:
                    break
                ref_count[child] += 1
                if ref_count[child] <= hyp_count[child]:
                    matches[d] += 1
                touched[n_touched] = child
                n_touched += 1
                node = child
        for t in range(n_touched):
            ref_count[touched[t]] = 0
        for n in range(1, max_n + 1):
            hyp_grams = hyp_len - n + 1
            ref_grams = hi - lo - n + 1
            c = col + 3 * (n - 1)
            out[k, c] = max(0, hyp_grams) if ref_grams > 0 else 0
            out[k, c + 1] = max(0, ref_grams)
            out[k, c + 2] = matches[n - 1]
    if direct:
        for node in range(1, n_nodes):
            pairs[node_keys[node]] = -1


@njit(cache=True, nogil=True)
def _f_score(stats, factor, one_plus_factor, eps_smoothing):
    """chrF of one statistics vector; ``factor = float(beta ** 2)``, ``one_plus_factor = float(1 + beta ** 2)``."""
    orders = stats.size // 3
    eps_sum = 0.0
    avg_prec = 0.0
    avg_rec = 0.0
    effective = 0
    for i in range(orders):
        hyp = stats[3 * i]
        ref = stats[3 * i + 1]
        match = stats[3 * i + 2]
        prec = match / hyp if hyp > 0 else _EPS
        rec = match / ref if ref > 0 else _EPS
        denominator = factor * prec + rec
        if denominator > 0:
            eps_sum += one_plus_factor * prec * rec / denominator
        else:
            eps_sum += _EPS
        if hyp > 0 and ref > 0:
            avg_prec += prec
            avg_rec += rec
            effective += 1
    if eps_smoothing != 0:
        return 100.0 * eps_sum / orders
    if effective == 0:
        return 0.0
    avg_prec /= effective
    avg_rec /= effective
    if avg_prec + avg_rec == 0.0:
        return 0.0
    score = one_plus_factor * avg_prec * avg_rec
    score /= factor * avg_prec + avg_rec
    return 100.0 * score


@njit(cache=True, nogil=True)
def _corpus_statistics(chars, char_offsets, segment_offsets, char_order, word_order, whitespace, factor,
                       one_plus_factor, eps_smoothing):
    n_segments = segment_offsets.size - 1
    width = 3 * (char_order + word_order)
    out = np.zeros((n_segments, width), dtype=np.int64)
    longest = 1
    most_refs = 1
    for i in range(n_segments):
        size = char_offsets[segment_offsets[i + 1]] - char_offsets[segment_offsets[i]]
        longest = max(longest, size)
        most_refs = max(most_refs, segment_offsets[i + 1] - segment_offsets[i] - 1)
    max_order = max(char_order, word_order)
    table = _table_size(longest * max_order + 1)
    keys = np.empty(table, dtype=np.int64)
    values = np.empty(table, dtype=np.int64)
    where = np.empty(table, dtype=np.int64)
    units = np.empty(longest, dtype=np.int64)
    node_keys = np.empty(longest * max_order + 1, dtype=np.int64)
    hyp_count = np.zeros(longest * max_order + 1, dtype=np.int64)
    ref_count = np.zeros(longest * max_order + 1, dtype=np.int64)
    touched = np.empty(longest * max_order, dtype=np.int64)
    matches = np.zeros(max_order, dtype=np.int64)
    starts = np.empty(longest, dtype=np.int64)
    stops = np.empty(longest, dtype=np.int64)
    hashes = np.empty(longest, dtype=np.int64)
    ref_bounds = np.empty(most_refs + 1, dtype=np.int64)
    candidates = np.zeros((most_refs, width), dtype=np.int64)
    direct = np.full(_DIRECT, -1, dtype=np.int64)
    pairs = np.full(_PAIRS, -1, dtype=np.int64)
    for i in range(n_segments):
        first = segment_offsets[i]
        n_refs = segment_offsets[i + 1] - first - 1
        candidates[:n_refs, :] = 0

        # character orders: units are code points (whitespace removed unless ``whitespace``)
        if char_order > 0:
            mask = _table_size(char_offsets[first + 1] - char_offsets[first]) - 1
            keys[:mask + 1] = _EMPTY
            next_id = 0
            m = 0
            hyp_len = 0
            for s in range(first, first + n_refs + 1):
                if s > first:
                    ref_bounds[s - first - 1] = m
                for p in range(char_offsets[s], char_offsets[s + 1]):
                    c = chars[p]
                    if whitespace == 0 and _is_space(c):
                        continue
                    if c < _DIRECT:  # common scripts: a direct map instead of the hash table
                        u = direct[c]
                        if u < 0 and s == first:
                            u = next_id
                            direct[c] = u
                            next_id += 1
                        units[m] = u
                    elif s == first:
                        units[m], next_id = _insert(keys, values, mask, c, next_id)
                    else:
                        units[m] = _lookup(keys, values, mask, c)
                    m += 1
                if s == first:
                    hyp_len = m
            ref_bounds[n_refs] = m
            for p in range(char_offsets[first], char_offsets[first + 1]):
                if chars[p] < _DIRECT:
                    direct[chars[p]] = -1
            _order_block(units, next_id, hyp_len, ref_bounds, n_refs, char_order, candidates, 0, keys, values, pairs,
                         node_keys, hyp_count, ref_count, touched, matches)

        # word orders: whitespace tokens, one ASCII punctuation character split off the end, else the start
        if word_order > 0:
            n_words = 0
            hyp_words = 0
            for s in range(first, first + n_refs + 1):
                if s > first:
                    ref_bounds[s - first - 1] = n_words
                p = char_offsets[s]
                stop = char_offsets[s + 1]
                while p < stop:
                    if _is_space(chars[p]):
                        p += 1
                        continue
                    # one token chars[p:q], with running hashes of chars[p:x], chars[p + 1:x] and chars[p:x - 1]
                    whole = _mix(1, chars[p])
                    tail = 1
                    head = 1
                    q = p + 1
                    while q < stop and not _is_space(chars[q]):
                        head = whole
                        whole = _mix(whole, chars[q])
                        tail = _mix(tail, chars[q])
                        q += 1
                    if q - p > 1 and _is_ascii_punct(chars[q - 1]):
                        starts[n_words], stops[n_words], hashes[n_words] = p, q - 1, head
                        starts[n_words + 1], stops[n_words + 1] = q - 1, q
                        hashes[n_words + 1] = _mix(1, chars[q - 1])
                        n_words += 2
                    elif q - p > 1 and _is_ascii_punct(chars[p]):
                        starts[n_words], stops[n_words], hashes[n_words] = p, p + 1, _mix(1, chars[p])
                        starts[n_words + 1], stops[n_words + 1], hashes[n_words + 1] = p + 1, q, tail
                        n_words += 2
                    else:
                        starts[n_words], stops[n_words], hashes[n_words] = p, q, whole
                        n_words += 1
                    p = q
                if s == first:
                    hyp_words = n_words
            ref_bounds[n_refs] = n_words
            mask = _table_size(hyp_words) - 1
            keys[:mask + 1] = _EMPTY
            next_id = 0
            for t in range(n_words):
                units[t], next_id = _span_id(chars, starts, stops, hashes, t, keys, values, where, mask, next_id,
                                             1 if t < hyp_words else 0)
            _order_block(units, next_id, hyp_words, ref_bounds, n_refs, word_order, candidates, 3 * char_order,
                         keys, values, pairs, node_keys, hyp_count, ref_count, touched, matches)

        best = 0
        best_score = -1.0
        for k in range(n_refs):
            score = _f_score(candidates[k], factor, one_plus_factor, eps_smoothing)
            if score > best_score:
                best_score = score
                best = k
        out[i, :] = candidates[best]
    return out


# ---------------------------------------------------------------------------------------- Python wrappers

def _int64(name: str, values) -> np.ndarray:
    array = np.ascontiguousarray(values, dtype=np.int64)
    if array.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {array.shape}")
    return array


def _check_orders(char_order: int, word_order: int) -> tuple[int, int]:
    for name, value in (("char_order", char_order), ("word_order", word_order)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise TypeError(f"{name} must be an int, got {type(value).__name__}")
        if value < 0:
            raise ValueError(f"{name} must be >= 0, got {value}")
    if char_order + word_order < 1:
        raise ValueError("char_order + word_order must be >= 1")
    return int(char_order), int(word_order)


def _factors(beta) -> tuple[float, float]:
    """``float(beta ** 2)`` and ``float(1 + beta ** 2)``: what Python's int/float arithmetic sees."""
    factor = beta ** 2
    return float(factor), float(1 + factor)


def packed_statistics(chars: np.ndarray, char_offsets: np.ndarray, segment_offsets: np.ndarray, char_order: int,
                      word_order: int, beta: float = 2, whitespace: bool = False,
                      eps_smoothing: bool = False) -> np.ndarray:
    """Per-segment statistics of a packed corpus (layout in the module docstring).

    Args:
        chars: int64 code points (0..0x10FFFF) of all sentences, concatenated (already lowercased if wanted).
        char_offsets: ``n_sentences + 1`` non-decreasing offsets into ``chars``, from 0 to its size.
        segment_offsets: ``n_segments + 1`` increasing offsets into the sentences, from 0 to ``n_sentences``; every
            segment has at least two sentences (its hypothesis and one reference).
        char_order, word_order, beta, whitespace, eps_smoothing: as in ``textmetrics.chrf``.

    Returns:
        int64 array of shape ``(n_segments, 3 * (char_order + word_order))``.
    """
    char_order, word_order = _check_orders(char_order, word_order)
    chars = _int64("chars", chars)
    char_offsets = _int64("char_offsets", char_offsets)
    segment_offsets = _int64("segment_offsets", segment_offsets)
    if chars.size and (chars.min() < 0 or chars.max() > 0x10FFFF):
        raise ValueError("chars must be Unicode code points in 0..0x10FFFF")
    if (char_offsets.size < 1 or char_offsets[0] != 0 or char_offsets[-1] != chars.size
            or np.any(np.diff(char_offsets) < 0)):
        raise ValueError("char_offsets must rise from 0 to len(chars) without decreasing")
    if (segment_offsets.size < 1 or segment_offsets[0] != 0 or segment_offsets[-1] != char_offsets.size - 1
            or np.any(np.diff(segment_offsets) < 2)):
        raise ValueError("segment_offsets must rise from 0 to the number of sentences, at least 2 sentences (a "
                         "hypothesis and a reference) per segment")
    factor, one_plus_factor = _factors(beta)
    return K.chrf_statistics(chars, char_offsets, segment_offsets, char_order, word_order, int(bool(whitespace)),
                              factor, one_plus_factor, int(bool(eps_smoothing)))


def pack(references: Sequence[Sequence[str]], hypotheses: Sequence[str]):
    """``(chars, char_offsets, segment_offsets)`` of a corpus given references first (in the packed layout the
    hypothesis of each segment comes first)."""
    if len(hypotheses) != len(references):
        raise ValueError(f"{len(hypotheses)} candidates but {len(references)} reference groups")
    lines: list[str] = []
    segment_offsets = np.empty(len(hypotheses) + 1, dtype=np.int64)
    segment_offsets[0] = 0
    for i, (hypothesis, refs) in enumerate(zip(hypotheses, references)):
        if len(refs) == 0:
            raise ValueError(f"segment {i} has no reference")
        lines.append(hypothesis)
        lines.extend(refs)
        segment_offsets[i + 1] = len(lines)
    text = "".join(lines)
    chars = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.int64)
    char_offsets = np.zeros(len(lines) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, lines), dtype=np.int64, count=len(lines)), out=char_offsets[1:])
    return chars, char_offsets, segment_offsets


def corpus_statistics(references: Sequence[Sequence[str]], hypotheses: Sequence[str], char_order: int,
                      word_order: int, beta: float = 2, whitespace: bool = False,
                      eps_smoothing: bool = False) -> np.ndarray:
    """Same arguments and result as ``textmetrics.reference.chrf.corpus_statistics``, computed compiled."""
    chars, char_offsets, segment_offsets = pack(references, hypotheses)
    return packed_statistics(chars, char_offsets, segment_offsets, char_order, word_order, beta, whitespace,
                             eps_smoothing)


def pair_statistics(reference: str, hypothesis: str, char_order: int, word_order: int,
                    whitespace: bool = False) -> list[int]:
    """Same as ``textmetrics.reference.chrf.pair_statistics``: a segment with one reference (chosen whatever the
    score options)."""
    return corpus_statistics([[reference]], [hypothesis], char_order, word_order, 2, whitespace)[0].tolist()


def segment_statistics(references: Sequence[str], hypothesis: str, char_order: int, word_order: int,
                       beta: float = 2, whitespace: bool = False, eps_smoothing: bool = False) -> list[int]:
    """Same as ``textmetrics.reference.chrf.segment_statistics``."""
    return corpus_statistics([references], [hypothesis], char_order, word_order, beta, whitespace,
                             eps_smoothing)[0].tolist()


def f_score(statistics, beta: float = 2, eps_smoothing: bool = False) -> float:
    """Same as ``textmetrics.reference.chrf.f_score`` (compiled; used to pick the best reference)."""
    stats = _int64("statistics", statistics)
    if stats.size == 0 or stats.size % 3:
        raise ValueError(f"statistics must have 3 numbers per order, got {stats.size}")
    factor, one_plus_factor = _factors(beta)
    return float(K.chrf_f_score(stats, factor, one_plus_factor, int(bool(eps_smoothing))))
