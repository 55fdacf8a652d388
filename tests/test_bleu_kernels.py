"""The one BLEU statistics kernel (``kernels.bleu``) against the plain-Python reference: identical integers,
always."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from textmetrics.kernels import bleu as kernels
from textmetrics.reference import bleu as reference

# A small alphabet makes repeated n-grams, partial matches and clipping common.
tokens = st.lists(st.integers(0, 4), max_size=12)
segment = st.tuples(tokens, st.lists(tokens, min_size=1, max_size=4))
corpus = st.lists(segment, max_size=6)


@settings(max_examples=200, deadline=None)
@given(corpus=corpus, max_order=st.integers(1, 7))
@example(corpus=[([], [[]])], max_order=4)
@example(corpus=[([1, 1, 1, 1, 1], [[1, 2, 1], [1, 1, 3]])], max_order=2)
def test_kernel_equals_reference(corpus, max_order):
    hypotheses = [h for h, _ in corpus]
    references = [r for _, r in corpus]
    expected = reference.corpus_statistics(references, hypotheses, max_order)
    got = kernels.corpus_statistics(references, hypotheses, max_order)
    assert got.dtype == np.int64
    assert got.shape == expected.shape == (len(corpus), 2 + 2 * max_order)
    np.testing.assert_array_equal(got, expected)


@settings(max_examples=100, deadline=None)
@given(corpus=st.lists(st.tuples(st.lists(st.sampled_from(["a", "b", ("c",), 3]), max_size=10),
                                 st.lists(st.lists(st.sampled_from(["a", "b", ("c",), 3]), max_size=10),
                                          min_size=1, max_size=3)), max_size=4))
def test_kernel_takes_any_hashable_tokens(corpus):
    hypotheses = [h for h, _ in corpus]
    references = [r for _, r in corpus]
    np.testing.assert_array_equal(kernels.corpus_statistics(references, hypotheses, 4),
                                  reference.corpus_statistics(references, hypotheses, 4))


def test_hand_counted_segment():
    # hypothesis 1 1 2 3 against references "1 2 3 3" and "1 1 1":
    # unigrams: 1 occurs twice (max over refs 3) -> 2, 2 -> 1, 3 -> 1: 4 of 4
    # bigrams (1 1) (1 2) (2 3): (1 1) max 2 -> 1, (1 2) -> 1, (2 3) -> 1: 3 of 3
    # trigrams (1 1 2) (1 2 3): only (1 2 3) occurs: 1 of 2; the 4-gram 1 1 2 3 does not: 0 of 1
    # reference lengths 4 and 3: the closest to the hypothesis length 4 is 4
    hyp, refs = [1, 1, 2, 3], [[1, 2, 3, 3], [1, 1, 1]]
    expected = [4, 4, 4, 3, 1, 0, 4, 3, 2, 1]
    assert reference.segment_statistics(refs, hyp, 4) == expected
    assert kernels.corpus_statistics([refs], [hyp], 4).tolist() == [expected]


def test_closest_reference_length_ties_go_to_the_shorter():
    # hypothesis length 4; references of length 3 and 5 are both 1 away: the shorter (3) is taken,
    # whatever the order of the references.
    for refs in ([[0, 0, 0], [0, 0, 0, 0, 0]], [[0, 0, 0, 0, 0], [0, 0, 0]]):
        assert reference.segment_statistics(refs, [1, 1, 1, 1], 1)[1] == 3
        assert kernels.corpus_statistics([refs], [[1, 1, 1, 1]], 1)[0, 1] == 3


def test_empty_corpus_and_empty_sentences():
    assert kernels.corpus_statistics([], [], 4).shape == (0, 10)
    assert reference.corpus_statistics([], [], 4).shape == (0, 10)
    assert kernels.corpus_statistics([[[1, 2]]], [[]], 2).tolist() == [[0, 2, 0, 0, 0, 0]]


def test_packed_layout_directly():
    # segment 0: hyp [5 6], refs [5 6] and [6]; segment 1: hyp [7 -1] (-1: a token no reference has), ref [].
    ref_ids = np.array([5, 6, 6], dtype=np.int64)
    sentence_offsets = np.array([0, 2, 3, 3])
    segment_offsets = np.array([0, 2, 3])
    ids, offsets = np.array([5, 6, 7, -1]), np.array([0, 2, 4])
    got = kernels.packed_statistics(ref_ids, sentence_offsets, segment_offsets, ids, offsets, 2)
    assert got.tolist() == [[2, 2, 2, 1, 2, 1], [2, 0, 0, 0, 2, 1]]
    # the kept tables (BleuScorer's) and the scratch path give the same rows
    tables = kernels.build(ref_ids, sentence_offsets, segment_offsets, 2)
    assert kernels.candidate_statistics(tables, ids, offsets).tolist() == got.tolist()


GOOD = {"ref_ids": [5, 6, 6], "sentence_offsets": [0, 2, 3, 3], "segment_offsets": [0, 2, 3], "ids": [5, 6, 7],
        "offsets": [0, 2, 3], "max_order": 2}


@pytest.mark.parametrize(("change", "message"), [
    ({"max_order": 0}, "max_order"),
    ({"sentence_offsets": [0, 2, 2]}, "sentence_offsets"),
    ({"sentence_offsets": [0, 3, 2, 3]}, "sentence_offsets"),
    ({"segment_offsets": [0, 2]}, "at least one reference"),
    ({"segment_offsets": [0, 3, 3]}, "at least one reference"),
    ({"offsets": [0, 3]}, "candidates for 2 segments"),
    ({"offsets": [0, 2, 4]}, "offsets must rise"),
    ({"ids": [5, 6, -2]}, "token ids"),
    ({"ref_ids": [5, 6, -1]}, "token ids"),
    ({"ref_ids": [5, 6, 2**32]}, "token ids"),
])
def test_packed_statistics_rejects_bad_layouts(change, message):
    args = {k: np.array(v, dtype=np.int64) if isinstance(v, list) else v for k, v in {**GOOD, **change}.items()}
    with pytest.raises(ValueError, match=message):
        kernels.packed_statistics(**args)


def test_segment_statistics_is_a_corpus_of_one():
    hyp, refs = [1, 1, 2, 3], [[1, 2, 3, 3], [1, 1, 1]]
    assert kernels.segment_statistics(refs, hyp, 4) == reference.segment_statistics(refs, hyp, 4)
    assert kernels.segment_statistics(refs, hyp, 4) == [4, 4, 4, 3, 1, 0, 4, 3, 2, 1]


def test_segment_without_reference_is_rejected():
    with pytest.raises(ValueError, match="at least one reference"):
        kernels.corpus_statistics([[]], [[1]], 4)
    with pytest.raises(ValueError, match="at least one reference"):
        reference.corpus_statistics([[]], [[1]], 4)


def test_warmup_runs():
    kernels.warmup()
