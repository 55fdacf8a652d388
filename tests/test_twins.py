"""Reference and kernel modules are twins: for every name in ``textmetrics.reference.<m>.__all__``,
``textmetrics.kernels.<m>`` has a function of that name with the same parameters (names, order, kinds, defaults),
references first, returning the same values on random inputs (small alphabets: ties and repeats everywhere).

Arguments are drawn from the parameter names through one table (``STRATEGIES``), so a new twin is covered as soon
as it is listed in its reference's ``__all__``."""
from __future__ import annotations

import copy
import importlib
import inspect

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

METRICS = ("rouge", "chrf", "ter", "bleu")
REFERENCE_SIDE = ("ref", "ref_sents", "reference", "references")
HYPOTHESIS_SIDE = ("cand", "cand_sents", "hyp", "hypothesis", "hypotheses")


def _modules(metric):
    return (importlib.import_module(f"textmetrics.reference.{metric}"),
            importlib.import_module(f"textmetrics.kernels.{metric}"))


CASES = [(metric, name) for metric in METRICS for name in _modules(metric)[0].__all__]

# one text of each metric: token lists (any hashable; strings here) or, for chrF, a string. Small sizes for TER,
# whose reference re-runs the edit distance for every shift candidate.
TEXTS = {
    "rouge": st.lists(st.sampled_from("abcd"), max_size=20),
    "bleu": st.lists(st.sampled_from("abcd"), max_size=20),
    "ter": st.lists(st.sampled_from("abc"), max_size=12),
    # spaces and punctuation (the chrF++ word split), a non-ASCII letter and U+3000 (whitespace beyond the direct map)
    "chrf": st.text(alphabet="ab ,.(é\u3000", max_size=20),
}
SENTENCES = st.lists(st.lists(st.sampled_from("abcd"), max_size=10), max_size=4)
STATISTICS = st.lists(st.tuples(*[st.integers(0, 6)] * 3), min_size=1, max_size=8).map(
    lambda triples: [x for triple in triples for x in triple])

# parameter name -> strategy, given the metric's text strategy and the corpus size (so the two sides of a corpus have
# the same number of segments)
STRATEGIES = {
    "ref": lambda text, size: text,
    "cand": lambda text, size: text,
    "hyp": lambda text, size: text,
    "reference": lambda text, size: text,
    "hypothesis": lambda text, size: text,
    "ref_sents": lambda text, size: SENTENCES,
    "cand_sents": lambda text, size: SENTENCES,
    "hypotheses": lambda text, size: st.lists(text, min_size=size, max_size=size),
    # a segment's references, or (with ``hypotheses``) one group of references per segment
    "references": lambda text, size: (st.lists(text, min_size=1, max_size=3) if size is None else
                                      st.lists(st.lists(text, min_size=1, max_size=3), min_size=size, max_size=size)),
    "n": lambda text, size: st.integers(1, 9),
    "weight": lambda text, size: st.one_of(st.sampled_from([1.0, 1.2, 1.5, 2.0, 4.0]), st.floats(1.0, 4.0)),
    "max_skip": lambda text, size: st.one_of(st.none(), st.integers(0, 6)),
    "unigrams": lambda text, size: st.booleans(),
    "max_order": lambda text, size: st.integers(1, 6),
    "char_order": lambda text, size: st.integers(0, 6),
    "word_order": lambda text, size: st.integers(0, 3),
    "beta": lambda text, size: st.one_of(st.integers(0, 3), st.floats(0.0, 4.0)),
    "whitespace": lambda text, size: st.booleans(),
    "eps_smoothing": lambda text, size: st.booleans(),
    "statistics": lambda text, size: STATISTICS,
}


def _valid(arguments: dict) -> dict:
    """Joint constraints the table cannot express: chrF needs at least one n-gram order (0 + 0 becomes 1 + 0)."""
    if arguments.get("char_order", 1) + arguments.get("word_order", 0) < 1:
        return {**arguments, "char_order": 1}
    return arguments


def arguments(metric: str, parameters) -> st.SearchStrategy:
    """Keyword arguments for a function with these parameters (every one drawn, defaults included)."""
    names = list(parameters)
    size = st.integers(0, 4) if "hypotheses" in names else st.none()
    return size.flatmap(lambda n: st.fixed_dictionaries(
        {name: STRATEGIES[name](TEXTS[metric], n) for name in names})).map(_valid)


def _parameters(function) -> list[tuple]:
    return [(p.name, p.kind, p.default) for p in inspect.signature(function).parameters.values()]


def assert_same(expected, got, where="result"):
    """Equal values: arrays of the same dtype and shape, sequences of the same type and length, numbers equal and
    both float or both not."""
    if isinstance(expected, np.ndarray):
        assert isinstance(got, np.ndarray), where
        assert (got.dtype, got.shape) == (expected.dtype, expected.shape), where
        assert got.tolist() == expected.tolist(), where
    elif isinstance(expected, (list, tuple)):
        assert type(got) is type(expected) and len(got) == len(expected), where
        for k, (e, g) in enumerate(zip(expected, got)):
            assert_same(e, g, f"{where}[{k}]")
    else:
        assert got == expected and isinstance(got, float) == isinstance(expected, float), (where, expected, got)


@pytest.mark.parametrize(("metric", "name"), CASES, ids=[f"{m}.{n}" for m, n in CASES])
def test_twins_have_the_same_signature_references_first(metric, name):
    reference, kernel = _modules(metric)
    assert inspect.isfunction(getattr(reference, name))
    assert inspect.isfunction(getattr(kernel, name, None)), f"textmetrics.kernels.{metric} has no {name}"
    assert _parameters(getattr(kernel, name)) == _parameters(getattr(reference, name))
    names = [p for p, _, _ in _parameters(getattr(reference, name))]
    assert set(names) <= set(STRATEGIES), f"no strategy for {set(names) - set(STRATEGIES)}"
    sides = [p for p in names if p in REFERENCE_SIDE + HYPOTHESIS_SIDE]
    if sides:  # the reference side first, and every reference-side parameter before the hypothesis side
        assert sides[0] in REFERENCE_SIDE, names
        assert sides == sorted(sides, key=lambda p: p in HYPOTHESIS_SIDE), names


@pytest.mark.parametrize(("metric", "name"), CASES, ids=[f"{m}.{n}" for m, n in CASES])
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_twins_compute_the_same_values(metric, name, data):
    reference, kernel = _modules(metric)
    expected_function, function = getattr(reference, name), getattr(kernel, name)
    kwargs = data.draw(arguments(metric, inspect.signature(expected_function).parameters), label="arguments")
    args = [kwargs[p] for p in inspect.signature(expected_function).parameters]  # positionally: the order is checked
    expected = expected_function(*copy.deepcopy(args))
    got = function(*copy.deepcopy(args))
    assert_same(expected, got)
