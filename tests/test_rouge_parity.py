"""Parity with the real packages, with ==: rouge-score 0.1.2 (ROUGE-N/L/Lsum) and rouge-metric 1.0.1's PyRouge
(ROUGE-W/S/SU, ROUGE-1.5.5 semantics), on all DialogSum test summaries and on generated text."""
from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import textmetrics as tm

rouge_scorer = pytest.importorskip("rouge_score.rouge_scorer")
py_rouge = pytest.importorskip("rouge_metric.py_rouge")

TYPES = ["rouge1", "rouge2", "rouge3", "rougeL", "rougeLsum"]


def ours(rouge_type, ref, cand, **opts):
    if rouge_type == "rougeL":
        return tm.rouge_l(ref, cand, **opts)
    if rouge_type == "rougeLsum":
        return tm.rouge_lsum(ref, cand, **opts)
    return tm.rouge_n(ref, cand, n=int(rouge_type[5:]), **opts)


def assert_same(mine, theirs, context):
    # ==, field by field: float for float, to the last bit.
    assert (mine.precision, mine.recall, mine.fmeasure) == (
        theirs.precision, theirs.recall, theirs.fmeasure), context


def dialogsum_pairs(rows):
    """All ordered summary pairs among the 3 references, and dialogue vs each summary (long documents)."""
    pairs = []
    for row in rows:
        s = [row["summary1"], row["summary2"], row["summary3"]]
        pairs += [(s[0], s[1]), (s[1], s[2]), (s[2], s[0])]
        pairs += [(row["dialogue"], s[0])]
    return pairs


@pytest.mark.parametrize("stemmer", [False, True])
def test_dialogsum_against_rouge_score(dialogsum_test, stemmer):
    scorer = rouge_scorer.RougeScorer(TYPES, use_stemmer=stemmer)
    for ref, cand in dialogsum_pairs(dialogsum_test):
        expected = scorer.score(ref, cand)
        for t in TYPES:
            assert_same(ours(t, ref, cand, stemmer=stemmer), expected[t], (t, ref, cand))


def test_dialogues_as_long_documents(dialogsum_test):
    # Dialogue against dialogue: ~130-word texts with one turn per line, so rougeLsum sees many sentences.
    scorer = rouge_scorer.RougeScorer(["rougeL", "rougeLsum"])
    rows = dialogsum_test[:120]
    for a, b in zip(rows, rows[1:]):
        expected = scorer.score(a["dialogue"], b["dialogue"])
        for t in ("rougeL", "rougeLsum"):
            assert_same(ours(t, a["dialogue"], b["dialogue"]), expected[t], t)
            assert_same(ours(t, a["dialogue"], b["dialogue"], backend="python"), expected[t], t)


@pytest.mark.parametrize("stemmer", [False, True])
def test_score_multi(dialogsum_test, stemmer):
    scorer = rouge_scorer.RougeScorer(TYPES, use_stemmer=stemmer)
    for row in dialogsum_test[:200]:
        refs = [row["summary1"], row["summary2"], row["summary3"]]
        for cand in (row["summary1"], row["dialogue"].split("\n")[0]):
            expected = scorer.score_multi(refs, cand)
            for t in TYPES:
                assert_same(ours(t, refs, cand, stemmer=stemmer), expected[t], t)


# Text with the characters that matter: case, punctuation, digits, non-ASCII letters, newlines, empty strings.
_alphabet = st.sampled_from(list("aabbc dd\n\n.,'-") + ["Cat", "CAT", "é", "ß", "İ", "\u212a", "中", "3", "14",
                                                             "runs", "running", "ran", "\r", "\t", "  "])
texts = st.lists(_alphabet, max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(ref=texts, cand=texts, stemmer=st.booleans())
def test_generated_text_against_rouge_score(ref, cand, stemmer):
    expected = rouge_scorer.RougeScorer(TYPES, use_stemmer=stemmer).score(ref, cand)
    for t in TYPES:
        assert_same(ours(t, ref, cand, stemmer=stemmer), expected[t], t)
        assert_same(ours(t, ref, cand, stemmer=stemmer, backend="python"), expected[t], t)


@settings(max_examples=100, deadline=None)
@given(refs=st.lists(texts, min_size=1, max_size=4), cand=texts)
def test_generated_score_multi(refs, cand):
    expected = rouge_scorer.RougeScorer(TYPES).score_multi(refs, cand)
    for t in TYPES:
        assert_same(ours(t, refs, cand), expected[t], t)


def test_tokenize_matches_rouge_score(dialogsum_test):
    from rouge_score import tokenizers

    for stemmer in (False, True):
        theirs = tokenizers.DefaultTokenizer(use_stemmer=stemmer)
        for row in dialogsum_test:
            for text in (row["dialogue"], row["summary1"]):
                assert tm.tokenize(text, stemmer=stemmer) == theirs.tokenize(text)


# ------------------------------------------------------------------------------------ rouge-metric PyRouge

def _py_rouge_scores(hyps, multi_refs, multi_ref_mode, **metrics):
    return py_rouge.PyRouge(rouge_n=(), rouge_l=False, multi_ref_mode=multi_ref_mode, mode="individual",
                            **metrics).evaluate(hyps, multi_refs)


def _assert_close_to_py_rouge(mine, theirs, context):
    # P and R are computed with PyRouge's arithmetic and must be equal; F uses rouge-score's 2PR/(P+R) where
    # PyRouge uses PR/(0.5R + 0.5P), which can differ in the last bits: relative tolerance 1e-12 for F only.
    assert (mine.precision, mine.recall) == (theirs["p"], theirs["r"]), context
    assert math.isclose(mine.fmeasure, theirs["f"], rel_tol=1e-12, abs_tol=0.0), context


PY_ROUGE_METRICS = [
    ("rouge-w-1.2", dict(rouge_w=True, rouge_w_weight=1.2), lambda r, c, **o: tm.rouge_w(r, c, weight=1.2, **o)),
    ("rouge-w-1.5", dict(rouge_w=True, rouge_w_weight=1.5), lambda r, c, **o: tm.rouge_w(r, c, weight=1.5, **o)),
    ("rouge-s4", dict(rouge_s=True, skip_gap=4), lambda r, c, **o: tm.rouge_s(r, c, max_skip=4, **o)),
    ("rouge-su4", dict(rouge_su=True, skip_gap=4), lambda r, c, **o: tm.rouge_su(r, c, max_skip=4, **o)),
    ("rouge-s*", dict(rouge_s=True, skip_gap=None), lambda r, c, **o: tm.rouge_s(r, c, max_skip=None, **o)),
    ("rouge-su*", dict(rouge_su=True, skip_gap=None), lambda r, c, **o: tm.rouge_su(r, c, max_skip=None, **o)),
    ("rouge-s1", dict(rouge_s=True, skip_gap=1), lambda r, c, **o: tm.rouge_s(r, c, max_skip=1, **o)),
]
MODES = [("average", "average"), ("best", "best_recall")]


@pytest.mark.parametrize("key, config, fn", PY_ROUGE_METRICS, ids=[m[0] for m in PY_ROUGE_METRICS])
@pytest.mark.parametrize("theirs_mode, our_mode", MODES)
def test_dialogsum_against_py_rouge(dialogsum_test, key, config, fn, theirs_mode, our_mode):
    rows = dialogsum_test[:150]
    # Candidates: summary1 (one line) and the first 3 dialogue turns (several lines: summary level).
    hyps = [r["summary1"] for r in rows] + ["\n".join(r["dialogue"].split("\n")[:3]) for r in rows]
    refs = [[r["summary2"], r["summary3"]] for r in rows] * 2
    expected = _py_rouge_scores(hyps, refs, theirs_mode, **config)
    for hyp, ref, exp in zip(hyps, refs, expected):
        mine = fn(ref, hyp, tokenizer="whitespace", multi_ref=our_mode)
        _assert_close_to_py_rouge(mine, exp[key], (hyp, ref))
        mine = fn(ref, hyp, tokenizer="whitespace", multi_ref=our_mode, backend="python")
        _assert_close_to_py_rouge(mine, exp[key], (hyp, ref))


words = st.lists(st.sampled_from(["a", "b", "c", "d", "e"]), max_size=12).map(" ".join)
summaries = st.lists(words, min_size=1, max_size=3).map("\n".join)


@settings(max_examples=200, deadline=None)
@given(hyp=summaries, refs=st.lists(summaries, min_size=1, max_size=3))
def test_generated_against_py_rouge(hyp, refs):
    for key, config, fn in PY_ROUGE_METRICS:
        for theirs_mode, our_mode in MODES:
            expected = _py_rouge_scores([hyp], [refs], theirs_mode, **config)[0][key]
            _assert_close_to_py_rouge(fn(refs, hyp, tokenizer="whitespace", multi_ref=our_mode), expected, key)
