"""ROUGE kernels over integer token ids (``textmetrics.vocab``), mirroring ``textmetrics.reference.rouge``.

Token ids are dense: ``0 <= id < vocab_size``. Summary-level kernels take a flat id array plus sentence offsets
(``offsets[k]:offsets[k+1]`` is sentence k). Each kernel returns ``(hits, ref_size, cand_size)``.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from .lcs import lcs_length  # noqa: F401 - bit-parallel LCS length, re-exported under its historical name


@njit(cache=True)
def _overlap_of_sorted(a, b):
    """sum over distinct values v of min(count of v in a, count of v in b), for sorted a and b."""
    i = 0
    j = 0
    hits = 0
    while i < a.size and j < b.size:
        if a[i] == b[j]:
            hits += 1
            i += 1
            j += 1
        elif a[i] < b[j]:
            i += 1
        else:
            j += 1
    return hits


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


@njit(cache=True)
def ngram_codes(ids, n, vocab_size):
    """One int64 per n-gram of ``ids`` (len - n + 1 of them) such that equal n-grams get equal codes.

    Longer n-grams are built a token at a time: code(k-gram) = rank(k-1-gram) * vocab_size + next token, and ranks
    are re-densified after each step, so the codes never overflow whatever n is.
    """
    count = ids.size - n + 1
    if count <= 0:
        return np.empty(0, dtype=np.int64)
    codes = ids[:count].copy()
    for k in range(1, n):
        codes = _dense_ranks(codes) * vocab_size + ids[k:k + count]
    return codes


@njit(cache=True)
def rouge_n_stats(ref, cand, n, vocab_size):
    both = np.concatenate((ref, cand))
    ref_count = max(ref.size - n + 1, 0)
    codes = ngram_codes(both, n, vocab_size)
    # n-grams that straddle the ref/cand boundary are dropped: keep ref's first ref_count, cand's last ones.
    cand_count = max(cand.size - n + 1, 0)
    ref_codes = np.sort(codes[:ref_count])
    cand_codes = np.sort(codes[codes.size - cand_count:])
    return _overlap_of_sorted(ref_codes, cand_codes), ref_count, cand_count


@njit(cache=True)
def lcs_length_dp(a, b):
    """LCS length by the classic dynamic programme, one row at a time (``lcs_length`` is the bit-parallel one)."""
    if a.size == 0 or b.size == 0:
        return 0
    prev = np.zeros(b.size + 1, dtype=np.int64)
    cur = np.zeros(b.size + 1, dtype=np.int64)
    for i in range(a.size):
        ai = a[i]
        for j in range(b.size):
            if ai == b[j]:
                cur[j + 1] = prev[j] + 1
            else:
                cur[j + 1] = max(prev[j + 1], cur[j])
        prev, cur = cur, prev
    return prev[b.size]


@njit(cache=True)
def _lcs_table(ref, cand):
    t = np.zeros((ref.size + 1, cand.size + 1), dtype=np.int64)
    for i in range(1, ref.size + 1):
        for j in range(1, cand.size + 1):
            if ref[i - 1] == cand[j - 1]:
                t[i, j] = t[i - 1, j - 1] + 1
            else:
                t[i, j] = max(t[i - 1, j], t[i, j - 1])
    return t


@njit(cache=True)
def _mark_lcs(ref, cand, t, mask):
    """Back-track one LCS through table ``t`` (rouge-score's tie rule) and set ``mask`` at its ref positions."""
    i = ref.size
    j = cand.size
    while i > 0 and j > 0:
        if ref[i - 1] == cand[j - 1]:
            mask[i - 1] = True
            i -= 1
            j -= 1
        elif t[i, j - 1] > t[i - 1, j]:
            j -= 1
        else:
            i -= 1


@njit(cache=True)
def _counts(ids, vocab_size):
    c = np.zeros(vocab_size, dtype=np.int64)
    for t in ids:
        c[t] += 1
    return c


@njit(cache=True)
def rouge_lsum_stats(ref, ref_off, cand, cand_off, vocab_size):
    ref_left = _counts(ref, vocab_size)
    cand_left = _counts(cand, vocab_size)
    hits = 0
    for r in range(ref_off.size - 1):
        rs = ref[ref_off[r]:ref_off[r + 1]]
        mask = np.zeros(rs.size, dtype=np.bool_)
        for c in range(cand_off.size - 1):
            cs = cand[cand_off[c]:cand_off[c + 1]]
            _mark_lcs(rs, cs, _lcs_table(rs, cs), mask)
        for i in range(rs.size):
            t = rs[i]
            if mask[i] and cand_left[t] > 0 and ref_left[t] > 0:
                hits += 1
                cand_left[t] -= 1
                ref_left[t] -= 1
    return hits, ref.size, cand.size


@njit(cache=True)
def _wlcs_table(ref, cand, weight):
    score = np.zeros((ref.size + 1, cand.size + 1), dtype=np.float64)
    run = np.zeros((ref.size + 1, cand.size + 1), dtype=np.int64)
    for i in range(1, ref.size + 1):
        for j in range(1, cand.size + 1):
            if ref[i - 1] == cand[j - 1]:
                k = run[i - 1, j - 1]
                score[i, j] = score[i - 1, j - 1] + float(k + 1) ** weight - float(k) ** weight
                run[i, j] = k + 1
            else:
                score[i, j] = max(score[i - 1, j], score[i, j - 1])
    return score


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


@njit(cache=True)
def rouge_w_stats(ref, ref_off, cand, cand_off, vocab_size, weight):
    cand_left = _counts(cand, vocab_size)
    hits = 0.0
    ref_weighted = 0.0
    for r in range(ref_off.size - 1):
        rs = ref[ref_off[r]:ref_off[r + 1]]
        ref_weighted += float(rs.size) ** weight
        mask = np.zeros(rs.size, dtype=np.bool_)
        for c in range(cand_off.size - 1):
            cs = cand[cand_off[c]:cand_off[c + 1]]
            _mark_lcs(rs, cs, _wlcs_table(rs, cs, weight), mask)
        hits = add_weighted_runs(rs, mask, cand_left, weight, hits)
    return hits, ref_weighted ** weight, float(cand.size) ** weight


@njit(cache=True)
def skip_bigram_codes(ids, max_skip, unigrams, vocab_size):
    """Codes of the skip bigrams of ``ids`` (``max_skip < 0``: any gap): ``a * V + b`` for the pair (a, b), and,
    with ``unigrams``, ``V * V + a`` for every token but the last."""
    n = ids.size
    gap = n if max_skip < 0 else max_skip
    total = 0
    for i in range(n):
        total += max(min(n, i + gap + 2) - (i + 1), 0)
    if unigrams and n > 0:
        total += n - 1
    codes = np.empty(total, dtype=np.int64)
    k = 0
    for i in range(n):
        for j in range(i + 1, min(n, i + gap + 2)):
            codes[k] = ids[i] * vocab_size + ids[j]
            k += 1
    if unigrams:
        for i in range(n - 1):
            codes[k] = vocab_size * vocab_size + ids[i]
            k += 1
    return codes


@njit(cache=True)
def rouge_s_stats(ref, cand, max_skip, unigrams, vocab_size):
    ref_codes = np.sort(skip_bigram_codes(ref, max_skip, unigrams, vocab_size))
    cand_codes = np.sort(skip_bigram_codes(cand, max_skip, unigrams, vocab_size))
    return _overlap_of_sorted(ref_codes, cand_codes), ref_codes.size, cand_codes.size
