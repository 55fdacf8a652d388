"""Bit-parallel LCS length on Python integers: the same algorithm as ``kernels.lcs`` (Allison & Dix 1986;
Hyyrö 2004), with one arbitrary-precision integer as the bit vector instead of 64-bit words.

It needs no compilation, so a single ``rouge_l`` or ``lcs_length`` call in a fresh process does not pay for
importing Numba; Python's big-integer addition carries across the whole pattern in C. Exactly the LCS length of
``reference.rouge.lcs_length`` (tested in ``tests/test_lcs.py``).
"""
from __future__ import annotations

from typing import Hashable, Sequence


def lcs_length(a: Sequence[Hashable], b: Sequence[Hashable]) -> int:
    """LCS length of two sequences of hashable tokens."""
    if len(a) < len(b):
        a, b = b, a  # the shorter one is the text, the longer one the pattern (fewer column steps)
    m = len(a)
    if m == 0 or len(b) == 0:
        return 0
    masks: dict = {}
    for i, token in enumerate(a):
        masks[token] = masks.get(token, 0) | (1 << i)
    full = (1 << m) - 1
    v = full
    for token in b:
        u = v & masks.get(token, 0)
        v = ((v + u) | (v - u)) & full
    return m - v.bit_count()
