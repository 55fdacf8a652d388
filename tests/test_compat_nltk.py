"""textmetrics.compat.nltk against NLTK 3.10.4's nltk.translate.bleu_score itself, with == and same types.

Expected values come from running NLTK in the test, on the WMT21 data (split on whitespace, as NLTK users do) and
on Hypothesis-generated token lists.
"""
from __future__ import annotations

import pytest
from shared_data import shared_path
from hypothesis import given, settings
from hypothesis import strategies as st

from textmetrics.compat import nltk as ours

real = pytest.importorskip("nltk.translate.bleu_score")

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")  # NLTK's method0 warns on zero counts

METHODS = tuple(f"method{i}" for i in range(8))


def both(name: str, epsilon=0.1, alpha=5, k=5):
    """The same smoothing method from NLTK and from the shim."""
    return (getattr(real.SmoothingFunction(epsilon, alpha, k), name),
            getattr(ours.SmoothingFunction(epsilon, alpha, k), name))


def assert_identical(mine, theirs) -> None:
    """Equal values of the same types (the int 0 included), element by element for lists."""
    assert type(mine) is type(theirs)
    if isinstance(theirs, list):
        assert [type(x) for x in mine] == [type(x) for x in theirs]
    assert mine == theirs


def run_both(function: str, *args, smoothing: str | None = None, params=(0.1, 5, 5), **kwargs):
    """Call NLTK's and the shim's ``function``; NLTK's assertion/index errors must be ValueErrors in the shim."""
    theirs_fn, mine_fn = both(smoothing, *params) if smoothing else (None, None)
    try:
        theirs = getattr(real, function)(*args, smoothing_function=theirs_fn, **kwargs)
    except (AssertionError, IndexError):
        with pytest.raises(ValueError):
            getattr(ours, function)(*args, smoothing_function=mine_fn, **kwargs)
        return
    assert_identical(getattr(ours, function)(*args, smoothing_function=mine_fn, **kwargs), theirs)


# ------------------------------------------------------------------------------------------------ WMT21

@pytest.fixture(scope="module")
def wmt21():
    base = shared_path("data", "wmt21")

    def read(path):
        return [line.split() for line in path.read_text(encoding="utf-8").splitlines()]

    refs = [read(base / "references" / f"newstest2021.de-en.ref.{k}.en") for k in "AB"]
    systems = {s: read(base / "system-outputs" / f"newstest2021.de-en.hyp.{s}.en") for s in ("Online-A", "UEdin")}
    return [list(r) for r in zip(*refs)], systems


@pytest.mark.parametrize("method", METHODS)
def test_wmt21_corpus_bleu(wmt21, method):
    refs, systems = wmt21
    run_both("corpus_bleu", refs, systems["Online-A"], smoothing=method)
    run_both("corpus_bleu", refs[:300], systems["UEdin"][:300], smoothing=method, weights=(0.5, 0.3, 0.2),
             auto_reweigh=True)


def test_wmt21_several_weights(wmt21):
    refs, systems = wmt21
    weights = [(1,), (0.5, 0.5), (1 / 3,) * 3, (0.25,) * 4, (0.2,) * 5]
    for method in (None, "method5", "method6"):  # method5/6 smooth every order with the longest tuple's
        run_both("corpus_bleu", refs[:300], systems["Online-A"][:300], smoothing=method, weights=weights)


def test_wmt21_sentence_bleu(wmt21):
    refs, systems = wmt21
    hyps = systems["UEdin"]
    for i in range(0, 1000, 25):
        for method in (None, "method1", "method4", "method7"):
            run_both("sentence_bleu", refs[i], hyps[i], smoothing=method)
        for n in (1, 2, 4):
            mine, theirs = ours.modified_precision(refs[i], hyps[i], n), real.modified_precision(refs[i], hyps[i], n)
            assert (mine.numerator, mine.denominator, float(mine)) == (theirs.numerator, theirs.denominator,
                                                                        float(theirs))


# ---------------------------------------------------------------------------------- generated corpora

tokens = st.lists(st.sampled_from("abcdef"), max_size=8)
segments = st.tuples(st.lists(tokens, min_size=1, max_size=3), tokens)  # (references, hypothesis)
weights = st.sampled_from([(0.25, 0.25, 0.25, 0.25), [0.25, 0.25, 0.25, 0.25], (1,), (0.5, 0.5), (0.6, 0.3, 0.1),
                           (0.2,) * 5, (1, 1, 1, 1),
                           [(0.5, 0.5), (0.25,) * 4], [(1,), (1 / 3,) * 3, (0.25, 0.25, 0.25, 0.25)],
                           [(0.25, 0.25, 0.25, 0.25), (0.2,) * 5]])
params = st.tuples(st.sampled_from([0.1, 0.5, 1]), st.sampled_from([5, 1, 0.5]), st.sampled_from([5, 1, 3]))


@settings(max_examples=200, deadline=None)
@given(st.lists(segments, min_size=1, max_size=4), st.sampled_from(METHODS), weights, st.booleans(), params)
def test_corpus_and_sentence_bleu_match_nltk(corpus, method, weight, auto_reweigh, parameters):
    refs = [r for r, _ in corpus]
    hyps = [h for _, h in corpus]
    run_both("corpus_bleu", refs, hyps, smoothing=method, params=parameters, weights=weight,
             auto_reweigh=auto_reweigh)
    run_both("sentence_bleu", refs[0], hyps[0], smoothing=method, params=parameters, weights=weight,
             auto_reweigh=auto_reweigh)


@settings(max_examples=200, deadline=None)
@given(segments, st.integers(1, 5), st.integers(0, 12), st.integers(0, 12))
def test_helpers_match_nltk(segment, n, ref_len, hyp_len):
    refs, hyp = segment
    mine, theirs = ours.modified_precision(refs, hyp, n), real.modified_precision(refs, hyp, n)
    assert (mine.numerator, mine.denominator, float(mine)) == (theirs.numerator, theirs.denominator, float(theirs))
    assert mine == theirs and theirs == mine
    assert_identical(ours.closest_ref_length(refs, hyp_len), real.closest_ref_length(refs, hyp_len))
    assert_identical(ours.brevity_penalty(ref_len, hyp_len), real.brevity_penalty(ref_len, hyp_len))


@settings(max_examples=200, deadline=None)
@given(segments, st.sampled_from(METHODS), st.integers(3, 5), st.sampled_from([None, 1, 7]), params)
def test_smoothing_methods_called_directly(segment, method, n_orders, hyp_len, parameters):
    refs, hyp = segment
    theirs_fn, mine_fn = both(method, *parameters)
    p_n = [real.modified_precision(refs, hyp, n) for n in range(1, n_orders + 1)]
    try:
        theirs = theirs_fn(list(p_n), refs, hyp, hyp_len)
    except AssertionError:
        with pytest.raises(ValueError):
            mine_fn(list(p_n), refs, hyp, hyp_len)
        return
    argument = list(p_n)
    mine = mine_fn(argument, refs, hyp, hyp_len)
    assert [float(x) for x in mine] == [float(x) for x in theirs]
    assert argument == p_n  # NLTK's methods 3, 4, 5 and 7 overwrite the list they are given; ours do not


# -------------------------------------------------------------------------------- NLTK's return types

def test_int_zero_without_unigram_match():
    smooth_theirs, smooth_mine = both("method1")
    for weights in ((0.25,) * 4, [(0.5, 0.5), (0.25,) * 4]):
        theirs = real.corpus_bleu([[["a", "b"]]], [["c", "d"]], weights, smooth_theirs)
        mine = ours.corpus_bleu([[["a", "b"]]], [["c", "d"]], weights, smooth_mine)
        assert_identical(mine, theirs)
    assert_identical(ours.sentence_bleu([["a"]], []), real.sentence_bleu([["a"]], []))
    assert_identical(ours.brevity_penalty(3, 0), 0)
    assert_identical(ours.brevity_penalty(3, 4), 1)


def test_smoothing_function_none_or_false_is_method0():
    refs, hyp = [["the", "cat", "sat"]], ["the", "cat", "ran"]
    for falsy in (None, False, 0):
        assert_identical(ours.sentence_bleu(refs, hyp, smoothing_function=falsy),
                         real.sentence_bleu(refs, hyp, smoothing_function=falsy))


def test_generators_are_accepted_like_lists():
    refs = [[["the", "cat"], ["a", "cat"]], [["on", "the", "mat"]]]
    hyps = [["the", "cat"], ["on", "a", "mat"]]
    expected = real.corpus_bleu(refs, hyps, [(0.5, 0.5), (1,)])
    assert_identical(ours.corpus_bleu(iter(refs), iter(hyps), [(0.5, 0.5), (1,)]), expected)


@pytest.mark.parametrize(("call", "error", "match"), [
    # NLTK scores strings as lists of characters
    (lambda: ours.sentence_bleu([["a", "b"]], "a b"), TypeError, "list of tokens"),
    (lambda: ours.sentence_bleu(["a b"], ["a", "b"]), TypeError, "list of tokens"),
    (lambda: ours.sentence_bleu("a b", ["a", "b"]), TypeError, "list of token lists"),
    (lambda: ours.corpus_bleu([["a", "b"]], "a b"), TypeError, "one entry per segment"),
    (lambda: ours.modified_precision(["a b"], ["a"], 1), TypeError, "list of tokens"),
    # NLTK raises AssertionError / ValueError / KeyError
    (lambda: ours.corpus_bleu([[["a"]]], [["a"], ["b"]]), ValueError, "hypotheses but"),
    (lambda: ours.corpus_bleu([], []), ValueError, "empty"),  # NLTK: ZeroDivisionError
    (lambda: ours.sentence_bleu([], ["a"]), ValueError, "at least one reference"),
    (lambda: ours.closest_ref_length([], 3), ValueError, "empty"),
    (lambda: ours.modified_precision([["a"]], ["a"], 0), ValueError, "positive int"),
    (lambda: ours.sentence_bleu([["a", "b"]], ["a", "b"], smoothing_function=ours.SmoothingFunction().method6),
     ValueError, "trigram"),
    (lambda: ours.sentence_bleu([["a", "b", "c"]], ["a", "b", "c"], (0.5, 0.5),
                                ours.SmoothingFunction().method6), ValueError, "3 n-gram orders"),
    # other smoothing callables: the shim only knows its own SmoothingFunction's methods
    (lambda: ours.sentence_bleu([["a"]], ["a"], smoothing_function=lambda p_n, **kw: p_n), TypeError,
     "smoothing_function"),
    (lambda: ours.sentence_bleu([["a"]], ["a"], smoothing_function=real.SmoothingFunction().method1), TypeError,
     "smoothing_function"),
])
def test_clear_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()
