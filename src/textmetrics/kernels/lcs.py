"""Bit-parallel LCS length (Allison & Dix 1986; Hyyrö 2004) over integer token ids.

Mirrors ``textmetrics.reference.rouge.lcs_length`` (the O(mn) dynamic programme), exactly.

The shorter sequence is the *pattern*: bit ``i`` of a 64-bit word stands for pattern position ``i``. For every
distinct pattern token ``t`` a match mask ``PM[t]`` has the bits of the positions where ``t`` occurs. One DP column
(one text token ``c``) is then a handful of word operations on the state ``V`` (initially all ones)::

    U = V & PM[c]
    V = (V + U) | (V - U)

and after the last column the LCS length is the number of zero bits of ``V`` among the pattern's ``m`` bits. A
pattern longer than 64 tokens spans ``ceil(m / 64)`` words, and the addition carries from word to word. Bits above
``m`` in the last word stay ones (``PM`` is zero there, and ``V - U`` restores them after a carry), so counting the
zero bits of every word gives the length. Time ``O(ceil(m / 64) * n)`` instead of ``O(m * n)``.

Only the length comes out: ROUGE-Lsum and ROUGE-W need the back-tracked LCS itself and keep the DP table
(``textmetrics.kernels.rouge``).
"""
from __future__ import annotations

import numpy as np
from .engine import njit

_ONES = np.uint64(0xFFFFFFFFFFFFFFFF)
_ZERO = np.uint64(0)
_ONE = np.uint64(1)


@njit(cache=True, nogil=True)
def popcount64(x):
    """Number of one bits of a uint64 (SWAR)."""
    x = x - ((x >> np.uint64(1)) & np.uint64(0x5555555555555555))
    x = (x & np.uint64(0x3333333333333333)) + ((x >> np.uint64(2)) & np.uint64(0x3333333333333333))
    x = (x + (x >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
    return (x * np.uint64(0x0101010101010101)) >> np.uint64(56)


@njit(cache=True, nogil=True)
def lcs_length_masks(pm, rows, words, state):
    """LCS length from prepared match masks.

    ``pm`` is a flat uint64 array of rows of ``words`` words (row ``r`` = ``pm[r * words:(r + 1) * words]``), ``rows``
    holds, for each text token in order, the row of its mask (a row of zeros for a token absent from the pattern),
    and ``state`` is scratch of at least ``words`` uint64 (overwritten).
    """
    if words == 1:
        v = _ONES
        for k in range(rows.size):
            u = v & pm[rows[k]]
            v = (v + u) | (v - u)
        return 64 - np.int64(popcount64(v))
    for w in range(words):
        state[w] = _ONES
    for k in range(rows.size):
        base = rows[k] * words
        carry = _ZERO
        for w in range(words):
            v = state[w]
            u = v & pm[base + w]
            s = v + u
            c1 = s < v
            t = s + carry
            c2 = t < s
            carry = _ONE if (c1 or c2) else _ZERO
            state[w] = t | (v - u)
    zeros = 0
    for w in range(words):
        zeros += 64 - np.int64(popcount64(state[w]))
    return zeros


@njit(cache=True, nogil=True)
def _hash_slot(key, mask):
    h = np.uint64(key) * np.uint64(0x9E3779B97F4A7C15)
    return np.int64((h >> np.uint64(32)) & np.uint64(mask))


@njit(cache=True, nogil=True)
def _capacity(m):
    capacity = 16
    while capacity < 2 * m:
        capacity *= 2
    return capacity


@njit(cache=True, nogil=True)
def _lcs_of_short_pattern(pattern, text):
    """One word (``m <= 64``): the masks live in the hash table itself, ``table[2s]`` the key of slot ``s`` and
    ``table[2s + 1]`` its mask (zero: empty slot). One allocation: for short inputs the call overhead is the cost."""
    capacity = _capacity(pattern.size)
    mask = capacity - 1
    table = np.zeros(2 * capacity, dtype=np.uint64)
    for i in range(pattern.size):
        key = np.uint64(pattern[i])
        s = _hash_slot(key, mask)
        while table[2 * s + 1] != _ZERO and table[2 * s] != key:
            s = (s + 1) & mask
        table[2 * s] = key
        table[2 * s + 1] |= _ONE << np.uint64(i)
    v = _ONES
    for k in range(text.size):
        key = np.uint64(text[k])
        s = _hash_slot(key, mask)
        while table[2 * s + 1] != _ZERO and table[2 * s] != key:
            s = (s + 1) & mask
        u = v & table[2 * s + 1]
        v = (v + u) | (v - u)
    return 64 - np.int64(popcount64(v))


@njit(cache=True, nogil=True)
def _lcs_of_pattern(pattern, text):
    m = pattern.size
    if m <= 64:
        return _lcs_of_short_pattern(pattern, text)
    words = (m + 63) // 64
    # Rows of the pattern's distinct tokens, found by open addressing; row `distinct` stays zero (absent tokens).
    capacity = _capacity(m)
    mask = capacity - 1
    keys = np.empty(capacity, dtype=np.int64)
    slot_row = np.full(capacity, -1, dtype=np.int64)
    pattern_rows = np.empty(m, dtype=np.int64)
    distinct = 0
    for i in range(m):
        key = pattern[i]
        s = _hash_slot(key, mask)
        while slot_row[s] >= 0 and keys[s] != key:
            s = (s + 1) & mask
        if slot_row[s] < 0:
            keys[s] = key
            slot_row[s] = distinct
            distinct += 1
        pattern_rows[i] = slot_row[s]
    pm = np.zeros((distinct + 1) * words, dtype=np.uint64)
    for i in range(m):
        pm[pattern_rows[i] * words + i // 64] |= _ONE << np.uint64(i % 64)
    rows = np.empty(text.size, dtype=np.int64)
    for k in range(text.size):
        key = text[k]
        s = _hash_slot(key, mask)
        while slot_row[s] >= 0 and keys[s] != key:
            s = (s + 1) & mask
        rows[k] = slot_row[s] if slot_row[s] >= 0 else distinct
    return lcs_length_masks(pm, rows, words, np.empty(words, dtype=np.uint64))


@njit(cache=True, nogil=True)
def lcs_length(a, b):
    """LCS length of two 1-D integer arrays (any values, e.g. interned token ids), bit-parallel."""
    if a.size == 0 or b.size == 0:
        return 0
    if b.size <= a.size:
        return _lcs_of_pattern(b, a)
    return _lcs_of_pattern(a, b)
