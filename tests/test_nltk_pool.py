"""NltkBleuPool == NLTK 3.10.4 with the same reference list for every hypothesis, exactly (every smoothing method,
orders 1-6, auto_reweigh), sentence by sentence and as a corpus; and == nltk_sentence_bleu / nltk_bleu."""
from __future__ import annotations

import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nltk.translate import bleu_score as nltk

from textmetrics import NltkBleuPool, nltk_bleu, nltk_sentence_bleu

tokens = st.lists(st.sampled_from(["a", "b", "c", "d", "e", 1, 2]), max_size=14)
pools = st.lists(tokens, min_size=1, max_size=5)
METHODS = [f"method{i}" for i in range(8)]


def nltk_smoothing(method):
    return getattr(nltk.SmoothingFunction(), method)


def _nltk(fn, *args, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # NLTK's zero-overlap warnings
        try:
            return fn(*args, **kw)
        except (AssertionError, IndexError, ZeroDivisionError, ValueError) as exc:
            return type(exc)


@settings(max_examples=150, deadline=None)
@given(pool=pools, hyps=st.lists(tokens, min_size=1, max_size=6), method=st.sampled_from(METHODS),
       order=st.integers(1, 6), reweigh=st.booleans())
def test_pool_equals_nltk(pool, hyps, method, order, reweigh):
    weights = (1 / order,) * order
    ours = NltkBleuPool(pool, weights=weights, smooth_method=method, auto_reweigh=reweigh)
    expected = [_nltk(nltk.sentence_bleu, pool, h, weights=weights, smoothing_function=nltk_smoothing(method),
                      auto_reweigh=reweigh) for h in hyps]
    corpus = _nltk(nltk.corpus_bleu, [pool] * len(hyps), hyps, weights=weights,
                   smoothing_function=nltk_smoothing(method), auto_reweigh=reweigh)
    if any(isinstance(e, type) for e in expected) or isinstance(corpus, type):
        return  # NLTK itself raises (method6 preconditions, ...): compared in test_bleu.py's error tests
    got = ours.sentence_scores(hyps)
    assert got == [float(e) for e in expected]
    assert got == [nltk_sentence_bleu(pool, h, weights=weights, smooth_method=method, auto_reweigh=reweigh)
                   for h in hyps]
    assert ours.corpus_score(hyps) == float(corpus)
    assert ours.corpus_score(hyps) == nltk_bleu([pool] * len(hyps), hyps, weights=weights, smooth_method=method,
                                                auto_reweigh=reweigh)


def test_tokens_missing_from_the_pool_and_empty_hypotheses():
    pool = NltkBleuPool(["the cat sat on the mat".split()], smooth_method="method1")
    hyps = [[], "dogs everywhere".split(), "the cat sat on the mat".split()]
    expected = [_nltk(nltk.sentence_bleu, [pool_refs], h, smoothing_function=nltk_smoothing("method1"))
                for pool_refs in ["the cat sat on the mat".split()] for h in hyps]
    assert pool.sentence_scores(hyps) == [float(e) for e in expected]


def test_bad_input():
    with pytest.raises(ValueError, match="empty"):
        NltkBleuPool([])
    with pytest.raises(TypeError, match="list of tokens"):
        NltkBleuPool(["a string, not tokens"])
    with pytest.raises(TypeError, match="list of tokens"):
        NltkBleuPool([["a"]]).sentence_scores(["abc"])
    with pytest.raises(ValueError, match="smooth_method"):
        NltkBleuPool([["a"]], smooth_method="method9")
    with pytest.raises(ValueError, match="empty corpus"):
        NltkBleuPool([["a"]]).corpus_score([])
