"""Benchmark 3: LCS length of two token-id sequences of 20, 60, 200 and 1 000 tokens: textmetrics' bit-parallel
kernel (``textmetrics.kernels.lcs.lcs_length`` on int64 arrays) against RapidFuzz 3.14.6 ``LCSseq.similarity``
(given Python lists, and ``array.array("q")``, its fastest input form at long lengths; the faster of the two is
the anchor). One call per timing: the per-call overhead of each library is part of what is measured.

Sequences: DialogSum test dialogues tokenized with rouge-score's tokenizer, interned to ids, concatenated and cut
(reference = dialogues from the start, candidate = dialogues from the middle), so the alphabet and the repeats are
those of real text.
"""
from __future__ import annotations

import array

import numpy as np
import pytest

LENGTHS = [20, 60, 200, 1000]


@pytest.fixture(scope="module")
def token_ids(dialogsum_test):
    from textmetrics.tokenizers import tokenize
    from textmetrics.vocab import Vocabulary

    vocab = Vocabulary()
    return vocab.encode(t for row in dialogsum_test for t in tokenize(row["dialogue"]))


@pytest.mark.parametrize("impl", ["rapidfuzz-list", "rapidfuzz-array", "textmetrics"])
@pytest.mark.parametrize("length", LENGTHS)
def test_lcs_length(benchmark, record, token_ids, length, impl):
    a = token_ids[:length].copy()
    b = token_ids[len(token_ids) // 2:len(token_ids) // 2 + length].copy()
    group = f"lcs {length} tokens"
    benchmark.group = group
    from rapidfuzz.distance import LCSseq

    expected = LCSseq.similarity(a.tolist(), b.tolist())
    if impl == "textmetrics":
        from textmetrics.kernels.lcs import lcs_length

        got = benchmark(lcs_length, a, b)
    elif impl == "rapidfuzz-list":
        got = benchmark(LCSseq.similarity, a.tolist(), b.tolist())
    else:
        got = benchmark(LCSseq.similarity, array.array("q", a.tolist()), array.array("q", b.tolist()))
    record(benchmark, group, impl, anchor=impl != "textmetrics")
    assert got == expected


def test_lcs_inputs_are_text_like(token_ids):
    # Not a benchmark: the sequences have the repeats of real text (a few hundred distinct ids per 1 000 tokens).
    assert 100 < len(np.unique(token_ids[:1000])) < 1000
