"""Bad input gets a clear exception naming the limit, never a hang, an overflow or a silent wrong number."""
from __future__ import annotations

import numpy as np
import pytest

import textmetrics as tm


@pytest.mark.parametrize("weight", [float("inf"), float("nan"), 18, 1e308, 0.5, 4.0001])
def test_rouge_w_weight_out_of_range(weight):
    with pytest.raises(ValueError, match=r"weight must be in \[1, 4\]"):
        tm.rouge_w("a b c", "a b d", weight=weight)


def test_rouge_w_weight_in_range_and_metric_names():
    assert tm.rouge_w("a b", "a b", weight=np.float32(1.5)) == tm.rouge_w("a b", "a b", weight=1.5, backend="python")
    with pytest.raises(ValueError, match="rougeW-99999999999999999999"):
        tm.rouge(["a"], ["a"], "rougeW-99999999999999999999")


@pytest.mark.parametrize("max_order", [0, 101, 10**8, 2**62])
def test_bleu_max_order_bounded(max_order):
    with pytest.raises(ValueError, match=r"max_order must be in 1 \.\. 100"):
        tm.bleu(["a b"], ["a b"], max_order=max_order)


@pytest.mark.parametrize("stats, message", [
    ([3, 3, 9, 3, 3, 3], "more matches than n-grams"),          # BLEU would be 900
    ([2, 3, 1, 1, 5, 5], "more n-grams than hypothesis tokens"),
    ([3, 3, -1, 0, 3, 2], "non-negative"),
])
def test_bleu_from_statistics_refuses_impossible_statistics(stats, message):
    with pytest.raises(ValueError, match=message):
        tm.bleu_from_statistics(stats)


def test_numpy_scalars_are_numbers_and_stemmer_must_be_bool():
    assert tm.rouge_l("a b", "a c", alpha=np.float32(0.25)) == tm.rouge_l("a b", "a c", alpha=0.25)
    with pytest.raises(TypeError, match="stemmer must be bool"):
        tm.tokenize("Running cats", stemmer="no")
    with pytest.raises(TypeError, match="alpha"):
        tm.rouge_l("a", "a", alpha=np.bool_(True))


def test_huge_skip_names_the_limit():
    with pytest.raises(ValueError, match=r"max_skip must be <= 2147483647 \(None means unlimited\)"):
        tm.rouge_s("a b c", "a b c", max_skip=2**62)
    with pytest.raises(ValueError, match="rougeS99999999999999999999"):
        tm.rouge(["a"], ["a"], "rougeS99999999999999999999")
    assert tm.rouge_s("a b c d", "b a d", max_skip=2**31 - 1) == tm.rouge_s("a b c d", "b a d", max_skip=None)
