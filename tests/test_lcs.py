"""Bit-parallel LCS (textmetrics.kernels.lcs) == the reference DP, exactly; its back-tracking variant (ROUGE-Lsum in
the batch kernel) picks the same LCS as the DP table under rouge-score's tie rule."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from textmetrics.kernels import lcs as L
from textmetrics.kernels import rouge as B
from textmetrics.reference import rouge as R

ids = lambda xs: np.asarray(xs, dtype=np.int64)  # noqa: E731

# Lengths around the word boundaries (64, 128) and small alphabets, so matches and ties are everywhere.
sizes = st.sampled_from([0, 1, 2, 5, 31, 63, 64, 65, 100, 127, 128, 129, 200])


@st.composite
def sequence_pairs(draw, alphabet=st.integers(0, 3)):  # noqa: B008 - a strategy, built once
    a = draw(st.lists(alphabet, min_size=draw(sizes), max_size=200))
    b = draw(st.lists(alphabet, max_size=draw(sizes)))
    return a, b


@settings(max_examples=120, deadline=None)
@given(pair=sequence_pairs())
@example(pair=([1] * 64, [1] * 64))          # a carry out of the top bit of a full word
@example(pair=([1] * 65, [1] * 200))
@example(pair=([0, 1] * 70, [1, 0] * 70))
def test_lcs_length_equals_reference(pair):
    a, b = pair
    expected = R.lcs_length(a, b)
    assert L.lcs_length(ids(a), ids(b)) == expected
    assert L.lcs_length(ids(b), ids(a)) == expected


@settings(max_examples=40, deadline=None)
@given(pair=sequence_pairs(alphabet=st.integers(-(2 ** 63), 2 ** 63 - 1) | st.integers(-2, 2)))
def test_lcs_length_any_int64_ids(pair):
    # Token ids need not be dense or non-negative: the kernel hashes them.
    a, b = pair
    assert L.lcs_length(ids(a), ids(b)) == R.lcs_length(a, b)


def test_lcs_length_worked_examples():
    # CLRS 15.4: LCS("ABCBDAB", "BDCABA") = 4 ("BCBA").
    assert L.lcs_length(ids([ord(c) for c in "ABCBDAB"]), ids([ord(c) for c in "BDCABA"])) == 4
    assert L.lcs_length(ids([]), ids([1, 2])) == 0
    assert L.lcs_length(ids(range(1000)), ids(range(1000))) == 1000
    assert L.lcs_length(ids(range(1000)), ids(range(999, -1, -1))) == 1


def test_popcount():
    for x in (0, 1, 2 ** 63, 2 ** 64 - 1, 0x5555555555555555, 12345678901234567):
        assert L.popcount64(np.uint64(x)) == bin(x).count("1")


def test_against_rapidfuzz():
    lcsseq = pytest.importorskip("rapidfuzz.distance.LCSseq")
    rng = np.random.default_rng(20240611)
    for n in (20, 60, 200, 1000):
        a, b = rng.integers(0, 50, n), rng.integers(0, 50, n)
        assert L.lcs_length(a, b) == lcsseq.similarity(a.tolist(), b.tolist())


# ---------------------------------------------------------------------------- back-tracking (ROUGE-Lsum)

def _marked_by_dp(ref, cand, weight=1.0, checkpoint_bits=B._CHECKPOINT_BITS):
    mask = np.zeros(len(ref), dtype=np.bool_)
    B._mark_weighted_lcs(ids(ref), ids(cand), weight, mask, checkpoint_bits)
    return mask


def _marked_by_bits(ref, cand, pattern_is_ref):
    pattern = ref if pattern_is_ref else cand
    pm = np.zeros(8, dtype=np.uint64)
    B._set_masks(ids(pattern), pm)
    states = np.empty(max(len(ref), len(cand)) + 1, dtype=np.uint64)
    mask = np.zeros(len(ref), dtype=np.bool_)
    B._mark_lcs_bits(ids(ref), ids(cand), pattern_is_ref, pm, states, mask)
    return mask


short = st.lists(st.integers(0, 4), max_size=64)
medium = st.lists(st.integers(0, 4), max_size=120)


@settings(max_examples=200, deadline=None)
@given(ref=short, cand=medium)
@example(ref=[0, 1], cand=[1, 0])  # a tie: rouge-score drops the reference token
def test_bit_parallel_backtrack_follows_the_tie_rule(ref, cand):
    expected = _marked_by_dp(ref, cand)
    assert np.array_equal(_marked_by_bits(ref, cand, pattern_is_ref=True), expected)
    if len(cand) <= 64:  # the candidate as the bit pattern too (used when the reference sentence is long)
        assert np.array_equal(_marked_by_bits(ref, cand, pattern_is_ref=False), expected)


@settings(max_examples=100, deadline=None)
@given(ref=medium, cand=short)
def test_bit_parallel_backtrack_with_candidate_pattern(ref, cand):
    assert np.array_equal(_marked_by_bits(ref, cand, pattern_is_ref=False), _marked_by_dp(ref, cand))
    assert list(np.flatnonzero(_marked_by_dp(ref, cand))) == R.lcs_ref_indices(ref, cand)


@settings(max_examples=100, deadline=None)
@given(ref=medium, cand=medium)
def test_table_backtrack_is_the_reference_lcs(ref, cand):
    assert list(np.flatnonzero(_marked_by_dp(ref, cand))) == R.lcs_ref_indices(ref, cand)


@settings(max_examples=60, deadline=None)
@given(ref=medium, cand=medium, weight=st.sampled_from([1.0, 1.2, 2.0]), bits=st.sampled_from([1, 64, 500, 3000]))
def test_checkpointed_backtrack_equals_the_single_block_one(ref, cand, weight, bits):
    # Above checkpoint_bits cells the table is walked block by block from saved rows: the LCS picked is the same.
    assert np.array_equal(_marked_by_dp(ref, cand, weight, bits), _marked_by_dp(ref, cand, weight))
    if weight == 1.0:
        assert list(np.flatnonzero(_marked_by_dp(ref, cand, weight, bits))) == R.lcs_ref_indices(ref, cand)
