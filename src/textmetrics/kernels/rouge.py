"""The ROUGE kernel: sufficient statistics of every (reference, candidate) pair of a corpus in one call.

Mirrors, per pair, ``textmetrics.reference.rouge``, exactly: ``pair_stats``
returns, for each metric and each (candidate, reference) entry, the ``(hits, ref_size, cand_size)`` that the
single-pair functions compute; ``textmetrics.batch`` turns them into scores. The reference's functions themselves
(``rouge_n_stats`` .. ``rouge_s_stats``, same signatures, same results) are at the bottom: one pair as a batch of one.

Layout. Texts are numbered: candidates ``0 .. n_cands - 1``, then the references, entry ``e`` being text
``n_cands + e``; pair ``p``'s references are entries ``ref_off[p] .. ref_off[p + 1] - 1``. Every text has two views
of its tokens (``textmetrics.kernels.tokenize`` describes the arrays): a flat one (``ids``, ``tok_off``) for
ROUGE-N/L/S/SU and a sentence one (``sids``, ``stok_off``, ``sent_off``, ``text_sent``) for ROUGE-Lsum/W. They
coincide for the default tokenizer (``same_views``); a custom tokenizer may tokenize a line differently from the
whole text.

Each entry is scored on its own: its tokens are renumbered ``0 .. L - 1`` (L = distinct tokens of the pair), so
every count array is small and is back to zero after use. No entry's result can depend on another entry, on the
chunking or on the number of threads: one call scores a range of pairs with its own scratch arrays.

Per metric, the same statistics by cheaper routes than the single-pair kernels:

* n-grams and skip bigrams are counted, not sorted: a k-gram is the pair (rank of its (k-1)-gram prefix, last token);
  two stable counting sorts give every pair a dense rank, equal pairs equal ranks, so an n-gram's rank is built in
  n - 1 linear steps and never overflows; when ``rank * L + token`` stays below ``_DIRECT_CODES`` (bigrams of a pair
  with at most 181 distinct tokens) that code is counted directly;
* ROUGE-L: the bit-parallel LCS length (``kernels.lcs``);
* ROUGE-Lsum: one LCS per sentence pair, back-tracked with rouge-score's tie rule from bit-parallel column states
  when one of the two sentences has at most 64 tokens (``_mark_lcs_bits``), from the DP table otherwise
  (``_mark_weighted_lcs``: decision bits of one block of rows at a time, so memory stays linear); and when
  both texts are one line each, the union of that single LCS is the LCS itself and no token of it can run out of
  counts, so the hits are the LCS length;
* ROUGE-W: the reference's weighted LCS table (same float operations, same order), back-tracked by
  ``_mark_weighted_lcs`` in linear memory.

Metric codes (``kinds``): ``KIND_N`` (``int_params`` = n), ``KIND_L``, ``KIND_LSUM``, ``KIND_W`` (``float_params`` =
weight), ``KIND_S`` (``int_params`` = max skip, -1 for any gap; ``flags`` = with unigrams, i.e. ROUGE-SU).
"""
from __future__ import annotations

from typing import Optional

import numpy as np
from .engine import K, njit

from ..reference.rouge import Sentences, Stats, Tokens
from ..vocab import Vocabulary
from .lcs import lcs_length_masks, popcount64

KIND_N, KIND_L, KIND_LSUM, KIND_W, KIND_S = 0, 1, 2, 3, 4

_ONE = np.uint64(1)
_ONES = np.uint64(0xFFFFFFFFFFFFFFFF)
_DIRECT_CODES = 1 << 15  # n-gram codes below this are counted directly (no ranking): count arrays are this big


# ------------------------------------------------------------------------------------------- renumbering

@njit(cache=True, nogil=True)
def _localize(ids, start, stop, slot, seen, n_local, out):
    """``out[k - start]`` = pair-local number of ``ids[k]``; new tokens get the next numbers (recorded in ``seen``)."""
    for k in range(start, stop):
        t = ids[k]
        s = slot[t]
        if s < 0:
            s = n_local
            slot[t] = s
            seen[n_local] = t
            n_local += 1
        out[k - start] = s
    return n_local


# ----------------------------------------------------------------------------------- counting and ranks

@njit(cache=True, nogil=True)
def _clipped_overlap(codes, n_ref, n_cand, count):
    """sum over codes of min(count among codes[:n_ref], count among codes[n_ref:n_ref + n_cand]).

    Codes are below ``count.size``; ``count`` is zero on entry and on exit.
    """
    for k in range(n_ref):
        count[codes[k]] += 1
    hits = 0
    for k in range(n_ref, n_ref + n_cand):
        if count[codes[k]] > 0:
            count[codes[k]] -= 1
            hits += 1
    for k in range(n_ref):
        count[codes[k]] = 0
    return hits


@njit(cache=True, nogil=True)
def _unigram_hits(ref, cand, count):
    """Clipped unigram matches of two local-id sequences (``count`` zero on entry and exit)."""
    for t in ref:
        count[t] += 1
    hits = 0
    for t in cand:
        if count[t] > 0:
            count[t] -= 1
            hits += 1
    for t in ref:
        count[t] = 0
    return hits


@njit(cache=True, nogil=True)
def _counting_sort(keys, key_shift, n_keys, order_in, order_out, n, bucket):
    """Stable: ``order_out`` = ``order_in[:n]`` sorted by ``keys[i + key_shift]`` (keys in ``0 .. n_keys - 1``)."""
    for b in range(n_keys + 1):
        bucket[b] = 0
    for k in range(n):
        bucket[keys[order_in[k] + key_shift] + 1] += 1
    for b in range(n_keys):
        bucket[b + 1] += bucket[b]
    for k in range(n):
        i = order_in[k]
        key = keys[i + key_shift]
        order_out[bucket[key]] = i
        bucket[key] += 1


@njit(cache=True, nogil=True)
def _rank_pairs(hi, n_hi, lo, lo_shift, n_lo, n, rank, order, tmp, bucket):
    """``rank[i]`` for ``i < n``: dense rank of the pair ``(hi[i], lo[i + lo_shift])``; equal pairs, equal ranks.

    ``order``/``tmp`` hold ``n`` ints, ``bucket`` ``max(n_hi, n_lo) + 1``. Returns the number of distinct pairs.
    """
    for i in range(n):
        order[i] = i
    _counting_sort(lo, lo_shift, n_lo, order, tmp, n, bucket)
    _counting_sort(hi, 0, n_hi, tmp, order, n, bucket)
    r = -1
    prev_hi = -1
    prev_lo = -1
    for k in range(n):
        i = order[k]
        if hi[i] != prev_hi or lo[i + lo_shift] != prev_lo:
            r += 1
            prev_hi = hi[i]
            prev_lo = lo[i + lo_shift]
        rank[i] = r
    return r + 1


@njit(cache=True, nogil=True)
def _ngram_hits(ref, cand, order, n_local, both, ranks, new_ranks, tmp, perm, bucket, count):
    """Clipped n-gram matches (``reference.rouge.rouge_n_stats``'s hits) of two local-id sequences.

    The n-grams of ``ref + cand`` are ranked together; those straddling the boundary are ranked and ignored.
    ``count`` (zero on entry and exit) has room for every code.
    """
    m = ref.size
    total = m + cand.size
    if m < order or cand.size < order:
        return 0
    if order == 2 and n_local * n_local <= count.size:
        # Bigrams, few distinct tokens: the code a * n_local + b is unique per bigram and small enough to count.
        for k in range(m - 1):
            ranks[k] = ref[k] * n_local + ref[k + 1]
        for k in range(cand.size - 1):
            ranks[m - 1 + k] = cand[k] * n_local + cand[k + 1]
        return _clipped_overlap(ranks, m - 1, cand.size - 1, count)
    for k in range(m):
        both[k] = ref[k]
        ranks[k] = ref[k]
    for k in range(cand.size):
        both[m + k] = cand[k]
        ranks[m + k] = cand[k]
    n_ranks = n_local
    for step in range(1, order):
        n = total - step
        if step == order - 1 and n_ranks * n_local <= count.size:
            # Last step, small enough: the code rank * n_local + token is unique per n-gram; no need to rank it.
            for i in range(n):
                new_ranks[i] = ranks[i] * n_local + both[i + step]
        else:
            n_ranks = _rank_pairs(ranks, n_ranks, both, step, n_local, n, new_ranks, perm, tmp, bucket)
        ranks, new_ranks = new_ranks, ranks
    # ref's n-grams start at 0 .. m - order, cand's at m .. total - order: move cand's next to ref's.
    n_ref = m - order + 1
    n_cand = cand.size - order + 1
    for k in range(n_cand):
        ranks[n_ref + k] = ranks[m + k]
    return _clipped_overlap(ranks, n_ref, n_cand, count)


# ------------------------------------------------------------------------------------------- ROUGE-S/SU

@njit(cache=True, nogil=True)
def _skip_units(ids, max_skip, unigrams, n_local, hi, lo, start):
    """Write the skip bigrams ``(a, b)`` of ``ids`` (and, with ``unigrams``, ``(n_local, a)`` for every token but the
    last: ROUGE-SU) into ``hi``/``lo`` from ``start``; returns how many (``reference.rouge.skip_bigrams``)."""
    n = ids.size
    gap = n if max_skip < 0 else max_skip
    k = start
    for i in range(n):
        for j in range(i + 1, min(n, i + gap + 2)):
            hi[k] = ids[i]
            lo[k] = ids[j]
            k += 1
    if unigrams:
        for i in range(n - 1):
            hi[k] = n_local
            lo[k] = ids[i]
            k += 1
    return k - start


@njit(cache=True, nogil=True)
def _unit_count(n, max_skip, unigrams):
    gap = n if max_skip < 0 else max_skip
    total = 0
    for i in range(n):
        total += max(min(n, i + gap + 2) - (i + 1), 0)
    if unigrams and n > 0:
        total += n - 1
    return total


@njit(cache=True, nogil=True)
def _skip_bigram_stats(ref, cand, max_skip, unigrams, n_local):
    """``reference.rouge.rouge_s_stats`` on local ids: ``(hits, ref units, cand units)``."""
    size = _unit_count(ref.size, max_skip, unigrams) + _unit_count(cand.size, max_skip, unigrams)
    hi = np.empty(size, dtype=np.int64)
    lo = np.empty(size, dtype=np.int64)
    n_ref = _skip_units(ref, max_skip, unigrams, n_local, hi, lo, 0)
    n_cand = _skip_units(cand, max_skip, unigrams, n_local, hi, lo, n_ref)
    rank = np.empty(size, dtype=np.int64)
    order = np.empty(size, dtype=np.int64)
    tmp = np.empty(size, dtype=np.int64)
    bucket = np.empty(n_local + 2, dtype=np.int64)
    _rank_pairs(hi, n_local + 1, lo, 0, n_local, size, rank, order, tmp, bucket)
    count = np.zeros(max(size, 1), dtype=np.int32)
    return _clipped_overlap(rank, n_ref, n_cand, count), n_ref, n_cand


# ------------------------------------------------------------------------------------------------ ROUGE-L

@njit(cache=True, nogil=True)
def _lcs_local(a, b, n_local, pm, state):
    """Bit-parallel LCS length of two local-id sequences; ``pm`` needs ``n_local * ceil(min(len) / 64)`` words."""
    if a.size == 0 or b.size == 0:
        return 0
    if a.size <= b.size:
        pattern = a
        text = b
    else:
        pattern = b
        text = a
    words = (pattern.size + 63) // 64
    for k in range(n_local * words):
        pm[k] = 0
    for i in range(pattern.size):
        pm[pattern[i] * words + i // 64] |= _ONE << np.uint64(i % 64)
    return lcs_length_masks(pm, text, words, state)


# ------------------------------------------------------------------------------------- ROUGE-Lsum and W

@njit(cache=True, nogil=True)
def add_weighted_runs(rs, mask, cand_left, weight, hits):
    """Walk one reference sentence's union mask (ROUGE-1.5.5's ROUGE-W): each masked position still available in
    the candidate's counts extends the run, and a run ends, adding ``run ** weight`` to ``hits``, where the next
    position is not masked. A position that fails the count check does not end the run. Returns the new ``hits``
    (added in order, so the float sum is the reference's)."""
    run = 0
    for i in range(rs.size):
        if mask[i] and cand_left[rs[i]] > 0:
            cand_left[rs[i]] -= 1
            run += 1
            if i + 1 == rs.size or not mask[i + 1]:
                hits += float(run) ** weight
                run = 0
    return hits



_CHECKPOINT_BITS = 1 << 24  # decision bits of one block of rows (2 MB); a pair below this needs no checkpoints


@njit(cache=True, nogil=True)
def _weighted_lcs_row(token, cand, width, weight, prev_score, prev_run, score, run, bits, bit_base):
    """Row ``i`` of the weighted LCS table (ROUGE-1.5.5's WLCS, f(k) = k**weight; weight 1 is the plain LCS table)
    from row ``i - 1``, columns ``0 .. width - 1``; ``token`` is ``ref[i - 1]``.

    With ``bit_base >= 0``, the back-tracking decision of each mismatched cell, ``table[i][j - 1] > table[i - 1][j]``,
    is stored as bit ``bit_base + j`` of ``bits``. The float operations are the reference's, in its order.
    """
    score[0] = 0.0
    run[0] = 0
    for j in range(1, width):
        if token == cand[j - 1]:
            k = prev_run[j - 1]
            if weight == 1.0:  # (s + (k + 1)) - k == s + 1 exactly: integers below 2**53
                score[j] = prev_score[j - 1] + 1.0
            else:  # the reference's order: (s + f(k + 1)) - f(k), not s + (f(k + 1) - f(k))
                score[j] = prev_score[j - 1] + float(k + 1) ** weight - float(k) ** weight
            run[j] = k + 1
        else:
            up = prev_score[j]
            left = score[j - 1]
            score[j] = max(up, left)
            run[j] = 0
            if bit_base >= 0 and left > up:
                b = bit_base + j
                bits[b >> 6] |= _ONE << np.uint64(b & 63)


@njit(cache=True, nogil=True)
def _mark_weighted_lcs(ref, cand, weight, mask, checkpoint_bits):
    """Set ``mask`` at the reference positions of the LCS that rouge-score's back-tracking picks through the
    weighted LCS table (``weight`` 1: the plain LCS table), in memory linear in the input.

    The back-tracking walks from ``(len(ref), len(cand))`` towards the origin: a match moves diagonally, else it moves
    left when ``table[i][j - 1] > table[i - 1][j]``, up otherwise. Only those decision bits are kept, for one block of
    ``block`` rows at a time: rows ``0, block, 2 * block, ...`` of the table are saved by a first pass (checkpoints),
    and each block is recomputed from its checkpoint when the walk enters it, for the columns the walk can still reach.
    Memory: ``(len(ref) / block) * len(cand)`` checkpoint cells plus ``block * len(cand)`` bits; time at most twice
    the table's. Tables of at most ``checkpoint_bits`` cells are a single block: no checkpoint pass.
    """
    n = ref.size
    m = cand.size
    if n == 0 or m == 0:
        return
    width = m + 1
    block = n
    if n * width > checkpoint_bits:
        block = max(1, min(n, int(np.sqrt(128.0 * n)) + 1))  # balances checkpoint floats against decision bits
    n_blocks = (n + block - 1) // block
    saved_score = np.zeros((n_blocks, width), dtype=np.float64)
    saved_run = np.zeros((n_blocks, width), dtype=np.int64)
    score = np.zeros(width, dtype=np.float64)
    run = np.zeros(width, dtype=np.int64)
    prev_score = np.zeros(width, dtype=np.float64)
    prev_run = np.zeros(width, dtype=np.int64)
    bits = np.zeros((block * width + 63) // 64, dtype=np.uint64)
    for i in range(1, (n_blocks - 1) * block + 1):  # checkpoint pass: rows 1 .. the last block's first row
        _weighted_lcs_row(ref[i - 1], cand, width, weight, prev_score, prev_run, score, run, bits, -1)
        prev_score, score = score, prev_score
        prev_run, run = run, prev_run
        if i % block == 0:
            saved_score[i // block, :] = prev_score
            saved_run[i // block, :] = prev_run
    i = n
    j = m
    loaded = -1
    while i > 0 and j > 0:
        b = (i - 1) // block
        if b != loaded:  # recompute rows b * block + 1 .. of this block, columns 0 .. j, keeping decision bits
            top = b * block
            last = min(top + block, n)
            cols = j + 1
            bits[:] = 0
            for c in range(cols):
                prev_score[c] = saved_score[b, c]
                prev_run[c] = saved_run[b, c]
            for row in range(top + 1, last + 1):
                _weighted_lcs_row(ref[row - 1], cand, cols, weight, prev_score, prev_run, score, run, bits,
                                  (row - top - 1) * width)
                prev_score, score = score, prev_score
                prev_run, run = run, prev_run
            loaded = b
        if ref[i - 1] == cand[j - 1]:
            mask[i - 1] = True
            i -= 1
            j -= 1
        else:
            bit = (i - b * block - 1) * width + j
            if (bits[bit >> 6] >> np.uint64(bit & 63)) & _ONE:
                j -= 1
            else:
                i -= 1


@njit(cache=True, nogil=True)
def _prefix_lcs(states, k, bits):
    """LCS length of the first ``bits`` pattern tokens and the first ``k`` text tokens: the zero bits among the low
    ``bits`` bits of the state after ``k`` text tokens (Hyyrö's column encoding)."""
    if bits == 0:
        return 0
    return bits - np.int64(popcount64(states[k] & (_ONES >> np.uint64(64 - bits))))


@njit(cache=True, nogil=True)
def _mark_lcs_bits(ref, cand, pattern_is_ref, pm, states, mask):
    """``_mark_weighted_lcs`` with weight 1 (the same LCS, by rouge-score's tie rule) without the table.

    The pattern (``ref`` if ``pattern_is_ref`` else ``cand``, at most 64 tokens) has its match masks in ``pm``
    (indexed by local id); the bit-parallel states of every prefix of the other side (``states[k]`` after ``k``
    tokens) give any entry of the LCS table in O(1), which is all the back-tracking reads.
    """
    text = cand if pattern_is_ref else ref
    v = _ONES
    states[0] = v
    for k in range(text.size):
        u = v & pm[text[k]]
        v = (v + u) | (v - u)
        states[k + 1] = v
    i = ref.size
    j = cand.size
    while i > 0 and j > 0:
        if ref[i - 1] == cand[j - 1]:
            mask[i - 1] = True
            i -= 1
            j -= 1
            continue
        if pattern_is_ref:
            left = _prefix_lcs(states, j - 1, i)  # table[i][j - 1]
            up = _prefix_lcs(states, j, i - 1)    # table[i - 1][j]
        else:
            left = _prefix_lcs(states, i, j - 1)
            up = _prefix_lcs(states, i - 1, j)
        if left > up:
            j -= 1
        else:
            i -= 1


@njit(cache=True, nogil=True)
def _set_masks(tokens, pm):
    for i in range(tokens.size):
        pm[tokens[i]] |= _ONE << np.uint64(i)


@njit(cache=True, nogil=True)
def _clear_masks(tokens, pm):
    for t in tokens:
        pm[t] = 0


@njit(cache=True, nogil=True)
def _lsum_hits(ref, cand, sent_off, ref_sents, cand_sents, ref_shift, cand_shift, ref_left, cand_left, mask, pm,
               states):
    """``reference.rouge.rouge_lsum_stats``'s hits. Reference sentence ``k`` (``k`` in ``range(*ref_sents)``) is
    ``ref[sent_off[k] - ref_shift:sent_off[k + 1] - ref_shift]``, and likewise for the candidate.

    One LCS per sentence pair, bit-parallel when either sentence has at most 64 tokens, else by the (checkpointed)
    DP table.
    ``ref_left``/``cand_left``/``pm`` are zero on entry and on exit.
    """
    for t in ref:
        ref_left[t] += 1
    for t in cand:
        cand_left[t] += 1
    hits = 0
    for r in range(ref_sents[0], ref_sents[1]):
        rs = ref[sent_off[r] - ref_shift:sent_off[r + 1] - ref_shift]
        for i in range(rs.size):
            mask[i] = False
        short_ref = rs.size <= 64
        if short_ref:
            _set_masks(rs, pm)
        for c in range(cand_sents[0], cand_sents[1]):
            cs = cand[sent_off[c] - cand_shift:sent_off[c + 1] - cand_shift]
            if short_ref:
                _mark_lcs_bits(rs, cs, True, pm, states, mask)
            elif cs.size <= 64:
                _set_masks(cs, pm)
                _mark_lcs_bits(rs, cs, False, pm, states, mask)
                _clear_masks(cs, pm)
            else:
                _mark_weighted_lcs(rs, cs, 1.0, mask, _CHECKPOINT_BITS)
        if short_ref:
            _clear_masks(rs, pm)
        for i in range(rs.size):
            t = rs[i]
            if mask[i] and cand_left[t] > 0 and ref_left[t] > 0:
                hits += 1
                cand_left[t] -= 1
                ref_left[t] -= 1
    for t in ref:
        ref_left[t] = 0
    for t in cand:
        cand_left[t] = 0
    return hits


@njit(cache=True, nogil=True)
def _wlcs_stats(ref, cand, sent_off, ref_sents, cand_sents, ref_shift, cand_shift, weight, cand_left, mask):
    """``reference.rouge.rouge_w_stats`` (same float operations in the same order); sentences as for ``_lsum_hits``.

    ``cand_left`` is zero on entry and on exit.
    """
    for t in cand:
        cand_left[t] += 1
    hits = 0.0
    ref_weighted = 0.0
    for r in range(ref_sents[0], ref_sents[1]):
        rs = ref[sent_off[r] - ref_shift:sent_off[r + 1] - ref_shift]
        ref_weighted += float(rs.size) ** weight
        for i in range(rs.size):
            mask[i] = False
        for c in range(cand_sents[0], cand_sents[1]):
            cs = cand[sent_off[c] - cand_shift:sent_off[c + 1] - cand_shift]
            _mark_weighted_lcs(rs, cs, weight, mask, _CHECKPOINT_BITS)
        hits = add_weighted_runs(rs, mask, cand_left, weight, hits)
    for t in cand:
        cand_left[t] = 0
    return hits, ref_weighted ** weight, float(cand.size) ** weight


# ------------------------------------------------------------------------------------------- the kernel

@njit(cache=True, nogil=True)
def _score_pairs(first, last, ids, tok_off, sids, stok_off, sent_off, text_sent, same_views, n_cands, ref_off,
                 vocab_size, kinds, int_params, float_params, flags, hits, ref_size, cand_size):
    """Statistics of pairs ``first .. last - 1`` into columns of ``hits``/``ref_size``/``cand_size``."""
    max_len = 1
    for t in range(tok_off.size - 1):
        max_len = max(max_len, tok_off[t + 1] - tok_off[t], stok_off[t + 1] - stok_off[t])
    # n-gram codes are counted directly while the square of a pair's distinct tokens fits (see _ngram_hits)
    distinct = (2 if same_views else 4) * max_len
    direct = min(_DIRECT_CODES, distinct * distinct)
    slot = np.full(vocab_size, -1, dtype=np.int32)
    seen = np.empty(4 * max_len, dtype=np.int64)
    lr = np.empty(max_len, dtype=np.int64)
    lc = np.empty(max_len, dtype=np.int64)
    sr = np.empty(max_len, dtype=np.int64)
    sc = np.empty(max_len, dtype=np.int64)
    count = np.zeros(max(4 * max_len + 1, direct), dtype=np.int32)
    count2 = np.zeros(4 * max_len + 1, dtype=np.int32)
    pm1 = np.zeros(4 * max_len + 1, dtype=np.uint64)
    states = np.empty(max_len + 1, dtype=np.uint64)
    both = np.empty(2 * max_len, dtype=np.int64)
    ranks = np.empty(2 * max_len, dtype=np.int64)
    new_ranks = np.empty(2 * max_len, dtype=np.int64)
    tmp = np.empty(2 * max_len, dtype=np.int64)
    perm = np.empty(2 * max_len, dtype=np.int64)
    bucket = np.empty(4 * max_len + 2, dtype=np.int64)
    pm = np.empty(64, dtype=np.uint64)
    state = np.empty((max_len + 63) // 64, dtype=np.uint64)
    mask = np.zeros(max_len, dtype=np.bool_)
    for p in range(first, last):
        c = p
        for e in range(ref_off[p], ref_off[p + 1]):
            r = n_cands + e
            m = tok_off[r + 1] - tok_off[r]
            n = tok_off[c + 1] - tok_off[c]
            ms = stok_off[r + 1] - stok_off[r]
            ns = stok_off[c + 1] - stok_off[c]
            n_local = _localize(ids, tok_off[r], tok_off[r + 1], slot, seen, 0, lr)
            n_local = _localize(ids, tok_off[c], tok_off[c + 1], slot, seen, n_local, lc)
            if not same_views:
                n_local = _localize(sids, stok_off[r], stok_off[r + 1], slot, seen, n_local, sr)
                n_local = _localize(sids, stok_off[c], stok_off[c + 1], slot, seen, n_local, sc)
            for k in range(n_local):
                slot[seen[k]] = -1
            ref = lr[:m]
            cand = lc[:n]
            sref = lr[:ms] if same_views else sr[:ms]
            scand = lc[:ns] if same_views else sc[:ns]
            for k in range(kinds.size):
                kind = kinds[k]
                if kind == KIND_N:
                    order = int_params[k]
                    if order == 1:
                        hits[k, e] = _unigram_hits(ref, cand, count)
                    else:
                        hits[k, e] = _ngram_hits(ref, cand, order, n_local, both, ranks, new_ranks, tmp, perm,
                                                 bucket, count)
                    ref_size[k, e] = max(m - order + 1, 0)
                    cand_size[k, e] = max(n - order + 1, 0)
                elif kind == KIND_L:
                    need = n_local * ((min(m, n) + 63) // 64)
                    if need > pm.size:
                        pm = np.empty(2 * need, dtype=np.uint64)
                    hits[k, e] = _lcs_local(ref, cand, n_local, pm, state)
                    ref_size[k, e] = m
                    cand_size[k, e] = n
                elif kind == KIND_LSUM:
                    if text_sent[r + 1] - text_sent[r] == 1 and text_sent[c + 1] - text_sent[c] == 1:
                        # One line each: the union is one LCS, and no token of an LCS can run out of counts.
                        need = n_local * ((min(ms, ns) + 63) // 64)
                        if need > pm.size:
                            pm = np.empty(2 * need, dtype=np.uint64)
                        hits[k, e] = _lcs_local(sref, scand, n_local, pm, state)
                    else:
                        hits[k, e] = _lsum_hits(sref, scand, sent_off, text_sent[r:r + 2], text_sent[c:c + 2],
                                                stok_off[r], stok_off[c], count, count2, mask, pm1, states)
                    ref_size[k, e] = ms
                    cand_size[k, e] = ns
                elif kind == KIND_W:
                    wh, wr, wc = _wlcs_stats(sref, scand, sent_off, text_sent[r:r + 2], text_sent[c:c + 2],
                                             stok_off[r], stok_off[c], float_params[k], count, mask)
                    hits[k, e] = wh
                    ref_size[k, e] = wr
                    cand_size[k, e] = wc
                else:
                    sh, s_ref, s_cand = _skip_bigram_stats(ref, cand, int_params[k], flags[k], n_local)
                    hits[k, e] = sh
                    ref_size[k, e] = s_ref
                    cand_size[k, e] = s_cand


def pair_stats(ids, tok_off, sids, stok_off, sent_off, text_sent, same_views, n_cands, ref_off, vocab_size,
               kinds, int_params, float_params, flags):
    """``(hits, ref_size, cand_size)``, three float64 arrays of shape ``(len(kinds), n_entries)``.

    Token arrays and offsets are int64, ``kinds``/``int_params`` int64, ``float_params`` float64, ``flags`` bool;
    token ids must be ``< vocab_size``. Everything the kernel indexes with is checked here first (it checks nothing).
    """
    arrays = [np.ascontiguousarray(a, dtype=np.int64) for a in (ids, tok_off, sids, stok_off, sent_off, text_sent,
                                                                  ref_off, kinds, int_params)]
    ids, tok_off, sids, stok_off, sent_off, text_sent, ref_off, kinds, int_params = arrays
    float_params = np.ascontiguousarray(float_params, dtype=np.float64)
    flags = np.ascontiguousarray(flags, dtype=np.bool_)
    n_cands, vocab_size = int(n_cands), int(vocab_size)
    _check_layout(ids, tok_off, sids, stok_off, sent_off, text_sent, n_cands, ref_off, vocab_size, kinds,
                  int_params, float_params, flags)
    n_entries = int(ref_off[n_cands])
    hits = np.zeros((kinds.size, n_entries))
    ref_size = np.zeros((kinds.size, n_entries))
    cand_size = np.zeros((kinds.size, n_entries))
    K.score_pairs(0, n_cands, ids, tok_off, sids, stok_off, sent_off, text_sent, bool(same_views), n_cands, ref_off,
                  vocab_size, kinds, int_params, float_params, flags, hits, ref_size, cand_size)
    return hits, ref_size, cand_size


@njit(cache=True, nogil=True)
def _rises(offsets, start, stop):
    if offsets.size < 1 or offsets[0] != start or offsets[offsets.size - 1] != stop:
        return False
    for k in range(1, offsets.size):
        if offsets[k] < offsets[k - 1]:
            return False
    return True


@njit(cache=True, nogil=True)
def _ids_within(tokens, low, stop):
    """Every token lies in ``low .. stop - 1``."""
    for t in tokens:
        if t < low or t >= stop:
            return False
    return True


LAYOUT_ERRORS = {
    1: "ref_off needs n_cands + 1 entries, rising from 0",
    2: "every pair needs at least one reference",
    3: "tok_off, stok_off and text_sent need one entry per text plus one",
    4: "tok_off must rise from 0 to len(ids)",
    5: "stok_off must rise from 0 to len(sids)",
    6: "sent_off must rise from 0 to len(sids)",
    7: "text_sent must rise from 0 to the number of sentences",
    8: "the sentences of each text must partition its sentence-view tokens",
    9: "ids and sids must lie in 0 .. vocab_size - 1",
    10: f"kinds must be metric codes {KIND_N} .. {KIND_S}",
    11: "a ROUGE-N order must be >= 1",
}


@njit(cache=True, nogil=True)
def layout_error(ids, tok_off, sids, stok_off, sent_off, text_sent, n_cands, ref_off, vocab_size, kinds,
                 int_params):
    """0 if the corpus has the layout of the module docstring, else the code of the first violation
    (``LAYOUT_ERRORS``): everything ``_score_pairs`` indexes with, so that it never reads or writes out of bounds."""
    if n_cands < 0 or ref_off.size != n_cands + 1 or not _rises(ref_off, 0, ref_off[ref_off.size - 1]):
        return 1
    for p in range(n_cands):
        if ref_off[p + 1] == ref_off[p]:
            return 2
    n_texts = n_cands + ref_off[n_cands]
    if tok_off.size != n_texts + 1 or stok_off.size != n_texts + 1 or text_sent.size != n_texts + 1:
        return 3
    if not _rises(tok_off, 0, ids.size):
        return 4
    if not _rises(stok_off, 0, sids.size):
        return 5
    if not _rises(sent_off, 0, sids.size):
        return 6
    if not _rises(text_sent, 0, sent_off.size - 1):
        return 7
    for t in range(n_texts + 1):
        if sent_off[text_sent[t]] != stok_off[t]:
            return 8
    if not (_ids_within(ids, 0, vocab_size) and _ids_within(sids, 0, vocab_size)):
        return 9
    for k in range(kinds.size):
        if kinds[k] < KIND_N or kinds[k] > KIND_S:
            return 10
        if kinds[k] == KIND_N and int_params[k] < 1:
            return 11
    return 0


def _check_layout(ids, tok_off, sids, stok_off, sent_off, text_sent, n_cands, ref_off, vocab_size, kinds, int_params,
                  float_params, flags):
    """The corpus layout of the module docstring, checked so that the kernel never reads or writes out of bounds."""
    if not (kinds.size == int_params.size == float_params.size == flags.size) or kinds.ndim != 1:
        raise ValueError("kinds, int_params, float_params and flags need one entry per metric")
    code = K.layout_error(ids, tok_off, sids, stok_off, sent_off, text_sent, n_cands, ref_off, vocab_size, kinds,
                          int_params)
    if code:
        raise ValueError(LAYOUT_ERRORS[code])


# ------------------------------------------------------------------------------------ combining references

@njit(cache=True, nogil=True)
def first_argmax_per_group(values, group_off):
    """Index of the first maximum of each group ``values[group_off[g]:group_off[g + 1]]`` (groups non-empty)."""
    out = np.empty(group_off.size - 1, dtype=np.int64)
    for g in range(group_off.size - 1):
        best = group_off[g]
        for k in range(group_off[g] + 1, group_off[g + 1]):
            if values[k] > values[best]:
                best = k
        out[g] = best
    return out


@njit(cache=True, nogil=True)
def group_sums(values, group_off):
    """Left-to-right sum of each group (Python's ``sum``: the order fixes the float result)."""
    out = np.zeros(group_off.size - 1)
    for g in range(group_off.size - 1):
        total = 0.0
        for k in range(group_off[g], group_off[g + 1]):
            total += values[k]
        out[g] = total
    return out


# ------------------------------------------------------------------ the reference's functions, one pair each

def one_pair_stats(ref_sents: Sentences, cand_sents: Sentences, kind: int, int_param: int = 0,
                   float_param: float = 1.0, flag: bool = False) -> Stats:
    """``Stats`` of one (reference, candidate) pair through ``pair_stats`` (a batch of one).

    ``ref_sents``/``cand_sents`` are lists of sentences of hashable tokens (interned together here; a flat text is
    a single sentence). Both views are the same, the flat one being the sentences back to back. Hits and sizes are
    ints for every metric but ROUGE-W (floats).
    """
    vocabulary = Vocabulary()
    sents = [vocabulary.encode(s) for s in (*cand_sents, *ref_sents)]
    ids = np.concatenate([np.zeros(0, dtype=np.int64), *sents])
    sent_off = np.zeros(len(sents) + 1, dtype=np.int64)
    np.cumsum([s.size for s in sents], out=sent_off[1:])
    text_sent = np.array([0, len(cand_sents), len(sents)], dtype=np.int64)
    tok_off = sent_off[text_sent]
    hits, ref_size, cand_size = pair_stats(ids, tok_off, ids, tok_off, sent_off, text_sent, True, 1, [0, 1],
                                           max(len(vocabulary), 1), [kind], [int_param], [float_param], [flag])
    stats = (hits[0, 0], ref_size[0, 0], cand_size[0, 0])
    return Stats(*(float(x) if kind == KIND_W else int(x) for x in stats))


def rouge_n_stats(ref: Tokens, cand: Tokens, n: int) -> Stats:
    """Same as ``textmetrics.reference.rouge.rouge_n_stats``, computed compiled."""
    return one_pair_stats([ref], [cand], KIND_N, int_param=n)


def rouge_l_stats(ref: Tokens, cand: Tokens) -> Stats:
    """Same as ``textmetrics.reference.rouge.rouge_l_stats``, computed compiled."""
    return one_pair_stats([ref], [cand], KIND_L)


def rouge_lsum_stats(ref_sents: Sentences, cand_sents: Sentences) -> Stats:
    """Same as ``textmetrics.reference.rouge.rouge_lsum_stats``, computed compiled."""
    return one_pair_stats(ref_sents, cand_sents, KIND_LSUM)


def rouge_w_stats(ref_sents: Sentences, cand_sents: Sentences, weight: float) -> Stats:
    """Same as ``textmetrics.reference.rouge.rouge_w_stats``, computed compiled."""
    return one_pair_stats(ref_sents, cand_sents, KIND_W, float_param=weight)


def rouge_s_stats(ref: Tokens, cand: Tokens, max_skip: Optional[int], unigrams: bool = False) -> Stats:
    """Same as ``textmetrics.reference.rouge.rouge_s_stats`` (``max_skip`` None: any gap), computed compiled."""
    return one_pair_stats([ref], [cand], KIND_S, int_param=-1 if max_skip is None else max_skip, flag=unigrams)
