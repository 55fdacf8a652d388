"""textmetrics.compat.nltk against NLTK 3.10.4's nltk.translate.bleu_score itself, with == and same types.

Expected values come from running NLTK in the test, on the in-repo MT sample (tests/data/mt-sample) and the WMT21
data when ../shared has it (split on whitespace, as NLTK users do), and on Hypothesis-generated token lists.
"""
from __future__ import annotations

import functools

import warnings

import pytest
from shared_data import mt_corpora
from hypothesis import given, settings
from hypothesis import strategies as st

from textmetrics.compat import nltk as ours

real = pytest.importorskip("nltk.translate.bleu_score")

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")  # NLTK's method0 warns; recorded() checks them

METHODS = tuple(f"method{i}" for i in range(8))
DEFAULT = (0.25, 0.25, 0.25, 0.25)


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


def recorded(call):
    """``(result or raised exception, [(category, message), ...])`` of ``call()``, every warning recorded."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = call()
        except Exception as exc:  # noqa: BLE001 - compared by the caller
            result = exc
    return result, [(w.category, str(w.message)) for w in caught]


def assert_same_outcome(mine_call, theirs_call, foreign: bool = False) -> None:
    """Same value and type, same warnings; where NLTK raises AssertionError/IndexError/KeyError/ZeroDivisionError
    the shim raises an exception that is both that type and a ValueError (``foreign``: the exception comes from
    NLTK's own smoothing function, called by the shim, and is passed on as it is)."""
    theirs, theirs_warnings = recorded(theirs_call)
    mine, mine_warnings = recorded(mine_call)
    if isinstance(theirs, Exception):
        assert isinstance(theirs, (AssertionError, IndexError, KeyError, ZeroDivisionError)), theirs
        assert isinstance(mine, type(theirs)), (mine, theirs)
        assert foreign or isinstance(mine, ValueError), (mine, theirs)
        return
    assert not isinstance(mine, Exception), mine
    assert_identical(mine, theirs)
    assert mine_warnings == theirs_warnings


def run_both(function: str, *args, smoothing: str | None = None, params=(0.1, 5, 5), **kwargs):
    """Call NLTK's and the shim's ``function`` with the same smoothing method of each package's own
    SmoothingFunction, and the shim's with NLTK's method too (the reference path for foreign callables)."""
    theirs_fn, mine_fn = both(smoothing, *params) if smoothing else (None, None)
    assert_same_outcome(lambda: getattr(ours, function)(*args, smoothing_function=mine_fn, **kwargs),
                        lambda: getattr(real, function)(*args, smoothing_function=theirs_fn, **kwargs))
    if smoothing:
        assert_same_outcome(lambda: getattr(ours, function)(*args, smoothing_function=theirs_fn, **kwargs),
                            lambda: getattr(real, function)(*args, smoothing_function=theirs_fn, **kwargs),
                            foreign=True)


# ------------------------------------------------------------------------------------------------ WMT21

@pytest.fixture(scope="module", params=mt_corpora())
def wmt21(request):
    """de-en of the in-repo MT sample, and of WMT21 when present: references A and B per segment, two systems."""
    corpus = request.param
    names = {"sample": ("Birch", "Elm"), "wmt21": ("Online-A", "UEdin")}[corpus.name]
    refs = [[line.split() for line in stream] for stream in corpus.streams("de-en")[:2]]
    systems = {role: [line.split() for line in corpus.systems("de-en")[name]]
               for role, name in zip(("first", "second"), names)}
    return [list(r) for r in zip(*refs)], systems


@pytest.mark.parametrize("method", METHODS)
def test_wmt21_corpus_bleu(wmt21, method):
    refs, systems = wmt21
    run_both("corpus_bleu", refs, systems["first"], smoothing=method)
    run_both("corpus_bleu", refs[:300], systems["second"][:300], smoothing=method, weights=(0.5, 0.3, 0.2),
             auto_reweigh=True)


def test_wmt21_several_weights(wmt21):
    refs, systems = wmt21
    weights = [(1,), (0.5, 0.5), (1 / 3,) * 3, (0.25,) * 4, (0.2,) * 5]
    for method in (None, "method5", "method6"):  # method5/6 smooth every order with the longest tuple's
        run_both("corpus_bleu", refs[:300], systems["first"][:300], smoothing=method, weights=weights)


def test_wmt21_sentence_bleu(wmt21):
    refs, systems = wmt21
    hyps = systems["second"]
    for i in range(0, len(hyps), 25):
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
@given(segments, st.sampled_from(METHODS), st.integers(1, 5), st.sampled_from([None, 1, 7]), params)
def test_smoothing_methods_called_directly(segment, method, n_orders, hyp_len, parameters):
    refs, hyp = segment
    theirs_fn, mine_fn = both(method, *parameters)
    p_n = [real.modified_precision(refs, hyp, n) for n in range(1, n_orders + 1)]
    argument = list(p_n)
    theirs, theirs_warnings = recorded(lambda: theirs_fn(list(p_n), refs, hyp, hyp_len))
    mine, mine_warnings = recorded(lambda: mine_fn(argument, refs, hyp, hyp_len))
    if isinstance(theirs, Exception):  # method6: AssertionError, or IndexError below 3 orders
        assert isinstance(mine, type(theirs)) and isinstance(mine, ValueError), (mine, theirs)
        return
    assert [type(x).__name__ for x in mine] == [type(x).__name__ for x in theirs]  # float, Fraction (each its own)
    assert [float(x) for x in mine] == [float(x) for x in theirs]
    assert [(x.numerator, x.denominator) for x in mine if hasattr(x, "denominator")] == [
        (x.numerator, x.denominator) for x in theirs if hasattr(x, "denominator")]
    assert mine_warnings == theirs_warnings  # method0's warnings
    assert argument == p_n  # NLTK's methods 3, 4, 5 and 7 overwrite the list they are given; ours do not


# ------------------------------------------------------------------------ warnings, foreign smoothing

def test_zero_overlap_warnings_as_nltk():
    cases = [([["the", "cat", "sat"]], ["the", "cat", "ran"], DEFAULT),
             ([["a", "b", "c", "d"]], ["a", "x", "c", "y"], DEFAULT),
             ([["a", "b"]], ["c", "d"], DEFAULT),  # no unigram match: the int 0 and no warning
             ([["a", "b", "a", "b", "c"]], ["a", "b", "c"], [(0.5, 0.5), (0.2,) * 5]),
             ([["a", "b"]], ["a", "b"], (1, 0, 0, 0, 0, 0))]
    for refs, hyp, weights in cases:
        for smoothing in (None, "method0"):
            run_both("sentence_bleu", refs, hyp, weights, smoothing=smoothing)
        theirs, caught = recorded(functools.partial(real.sentence_bleu, refs, hyp, weights))
        mine, mine_caught = recorded(functools.partial(ours.sentence_bleu, refs, hyp, weights))
        assert (mine, mine_caught) == (theirs, caught)
        assert all(category is UserWarning for category, _ in caught)
    assert len(recorded(lambda: ours.sentence_bleu([["a", "b"]], ["a", "c"]))[1]) == 3  # orders 2, 3 and 4


def test_zero_overlap_warning_under_default_filters_once_per_order():
    """With Python's default filters NLTK shows each distinct message once (one code location); so do we."""
    for module in (ours, real):
        with warnings.catch_warnings(record=True) as caught:
            warnings.resetwarnings()
            warnings.simplefilter("default")
            for _ in range(3):
                module.sentence_bleu([["a", "b", "c"]], ["a", "b", "x"])
                module.sentence_bleu([["a", "b", "c"]], ["a", "x", "y"])
        assert [str(w.message).split("\n")[1] for w in caught] == [
            "The hypothesis contains 0 counts of 3-gram overlaps.",
            "The hypothesis contains 0 counts of 4-gram overlaps.",
            "The hypothesis contains 0 counts of 2-gram overlaps."]


def _user_smoothing(p_n, references, hypothesis, hyp_len, **kwargs):
    """A user's smoothing: add 0.5 to every numerator (floats), using the keyword arguments NLTK passes."""
    assert isinstance(references, list) and isinstance(hypothesis, list) and isinstance(hyp_len, int)
    return [(p.numerator + 0.5) / (p.denominator + len(hypothesis) % 2) for p in p_n]


@settings(max_examples=150, deadline=None)
@given(st.lists(segments, min_size=1, max_size=4), weights, st.booleans())
def test_foreign_smoothing_callables(corpus, weight, auto_reweigh):
    refs = [r for r, _ in corpus]
    hyps = [h for _, h in corpus]
    for function in (_user_smoothing, lambda p_n, **kwargs: p_n, real.SmoothingFunction(0.3, 2, 3).method4,
                     real.SmoothingFunction().method6, real.SmoothingFunction().method0):
        corpus_args = (refs, hyps, weight, function, auto_reweigh)
        sentence_args = (refs[0], hyps[0], weight, function, auto_reweigh)
        assert_same_outcome(functools.partial(ours.corpus_bleu, *corpus_args),
                            functools.partial(real.corpus_bleu, *corpus_args), foreign=True)
        assert_same_outcome(functools.partial(ours.sentence_bleu, *sentence_args),
                            functools.partial(real.sentence_bleu, *sentence_args), foreign=True)


def test_overridden_smoothing_method_is_called():
    class Floor(ours.SmoothingFunction):
        def method1(self, p_n, *args, **kwargs):
            return [max(float(p), 0.5) for p in p_n]

    class RealFloor(real.SmoothingFunction):
        def method1(self, p_n, *args, **kwargs):
            return [max(float(p), 0.5) for p in p_n]

    refs, hyp = [["a", "b", "c", "d"]], ["a", "b", "x", "d"]
    assert_identical(ours.sentence_bleu(refs, hyp, smoothing_function=Floor().method1),
                     real.sentence_bleu(refs, hyp, smoothing_function=RealFloor().method1))


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
    (lambda: ours.sentence_bleu([["a"]], ["a"], smoothing_function="method1"), TypeError, "callable"),
    (lambda: ours.sentence_bleu([["a"]], ["a"], (w for w in (1,))), TypeError, "weights"),
    # NLTK returns nonsense
    (lambda: ours.modified_precision([["a"]], ["a"], 0), ValueError, "positive int"),
    (lambda: ours.sentence_bleu([["a"]], ["a"], ()), ValueError, "weights is empty"),
    (lambda: ours.closest_ref_length([], 3), ValueError, "empty"),
])
def test_clear_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


@pytest.mark.parametrize(("call", "nltk_call", "nltk_error", "match"), [
    (lambda m: m.corpus_bleu([[["a"]]], [["a"], ["b"]]), None, AssertionError, "2 hypotheses but 1"),
    (lambda m: m.corpus_bleu([], []), None, ZeroDivisionError, "corpus is empty"),
    (lambda m: m.sentence_bleu([], ["a"]), None, KeyError, "at least one reference"),
    (lambda m: m.modified_precision([], ["a"], 1), None, KeyError, "at least one reference"),
    (lambda m: m.sentence_bleu([["a", "b"]], ["a", "b"], smoothing_function=m.SmoothingFunction().method6), None,
     AssertionError, "trigram"),
    (lambda m: m.sentence_bleu([["a", "b", "c"]], ["a", "b", "c"], (0.5, 0.5), m.SmoothingFunction().method6), None,
     IndexError, "3 n-gram orders"),
    (lambda m: m.SmoothingFunction().method6([m.Fraction(1, 1)] * 2, [["a"]], ["a"]), None, IndexError, "3 n-gram"),
    (lambda m: m.SmoothingFunction().method6([m.Fraction(0, 1)] * 4, [["a"]], ["a"]), None, AssertionError,
     "trigram"),
])
def test_nltk_exceptions_are_also_value_errors(call, nltk_call, nltk_error, match):
    with pytest.raises(nltk_error):
        call(real)
    with pytest.raises(nltk_error, match=match) as raised:
        call(ours)
    assert isinstance(raised.value, ValueError)
    assert match in str(raised.value)
