"""textmetrics.compat.rouge_score against rouge-score 0.1.2 itself, with ==."""
from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from textmetrics.compat.rouge_score import rouge_scorer, scoring

real_scorer = pytest.importorskip("rouge_score.rouge_scorer")
real_scoring = pytest.importorskip("rouge_score.scoring")

TYPES = ["rouge1", "rouge2", "rouge4", "rougeL", "rougeLsum"]


@pytest.mark.parametrize("stemmer", [False, True])
def test_score_and_score_multi(dialogsum_test, stemmer):
    ours = rouge_scorer.RougeScorer(TYPES, use_stemmer=stemmer)
    theirs = real_scorer.RougeScorer(TYPES, use_stemmer=stemmer)
    for row in dialogsum_test[:100]:
        refs = [row["summary1"], row["summary2"], row["summary3"]]
        assert ours.score(refs[0], refs[1]) == theirs.score(refs[0], refs[1])
        assert ours.score_multi(refs, row["dialogue"]) == theirs.score_multi(refs, row["dialogue"])


def test_custom_tokenizer_object():
    class Chars:
        def tokenize(self, text):
            return list(text.replace(" ", ""))

    ours = rouge_scorer.RougeScorer(["rouge2", "rougeL"], use_stemmer=True, tokenizer=Chars())
    theirs = real_scorer.RougeScorer(["rouge2", "rougeL"], use_stemmer=True, tokenizer=Chars())
    assert ours.score("abc abd", "abd cab") == theirs.score("abc abd", "abd cab")


def test_invalid_rouge_types_raise_in_score_like_rouge_score():
    for bad in (["rouge10"], ["rougeX"], ["rouge0"], ["rougen"], ["rouge1", "rougeL", "rouge0"]):
        theirs, mine = real_scorer.RougeScorer(bad), rouge_scorer.RougeScorer(bad)  # neither raises here
        with pytest.raises(ValueError) as expected:
            theirs.score("testing one two", "testing")
        with pytest.raises(ValueError) as got:
            mine.score("testing one two", "testing")
        assert str(got.value) == str(expected.value)
        with pytest.raises(ValueError):
            mine.score_multi(["testing one two"], "testing")


# ------------------------------------------------------------------- rougeLsum with split_summaries=True

def _split_sentences(text):
    """A deterministic stand-in for nltk.sent_tokenize (punkt_tab cannot be installed here): a sentence ends at
    . ! or ? followed by whitespace; line breaks inside a sentence stay in it, as with punkt."""
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


@pytest.fixture
def sentence_splitter(monkeypatch):
    """The same splitter in both packages: each calls ``nltk.sent_tokenize`` through the ``nltk`` module."""
    import nltk

    monkeypatch.setattr(nltk, "sent_tokenize", _split_sentences)


class Chars:
    """A tokenizer that keeps every character but spaces, line breaks included."""

    def tokenize(self, text):
        return [c for c in text if c != " "]


def test_split_summaries_keeps_sentences_with_line_breaks_whole(sentence_splitter):
    target, prediction = "a b c\nd e f. g h i.", "d e f\na b c. g h i."
    theirs = real_scorer.RougeScorer(["rougeLsum"], split_summaries=True).score(target, prediction)
    mine = rouge_scorer.RougeScorer(["rougeLsum"], split_summaries=True).score(target, prediction)
    assert mine == theirs
    assert round(theirs["rougeLsum"].fmeasure, 4) == 0.6667  # the example: 1.0 when sentences were re-split


@pytest.mark.parametrize("stemmer", [False, True])
def test_split_summaries_dialogsum(dialogsum_test, sentence_splitter, stemmer):
    types = ["rouge1", "rougeLsum"]
    ours = rouge_scorer.RougeScorer(types, use_stemmer=stemmer, split_summaries=True)
    theirs = real_scorer.RougeScorer(types, use_stemmer=stemmer, split_summaries=True)
    for row in dialogsum_test[:60]:
        refs = [row["summary1"], row["summary2"], row["summary3"]]
        dialogue = row["dialogue"]  # many lines, sentences spanning line breaks
        assert ours.score(dialogue, refs[0]) == theirs.score(dialogue, refs[0])
        assert ours.score(refs[1], dialogue) == theirs.score(refs[1], dialogue)
        assert ours.score_multi(refs + [dialogue], refs[2]) == theirs.score_multi(refs + [dialogue], refs[2])


summary_text = st.lists(st.sampled_from(["a", "b", "c", "B", "dogs", "dog", ".", "!", "\n", " ", "?", "x."]),
                        max_size=25).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(summary_text, summary_text, st.sampled_from([None, "stem", "chars"]))
def test_split_summaries_generated(target, prediction, tokenizer):
    import nltk

    original = nltk.sent_tokenize
    nltk.sent_tokenize = _split_sentences  # (hypothesis and function-scoped fixtures do not mix)
    try:
        kwargs = {"use_stemmer": tokenizer == "stem", "split_summaries": True,
                  "tokenizer": Chars() if tokenizer == "chars" else None}
        for types in (["rougeLsum"], ["rouge2", "rougeLsum", "rougeL"]):
            ours = rouge_scorer.RougeScorer(types, **kwargs)
            theirs = real_scorer.RougeScorer(types, **kwargs)
            assert ours.score(target, prediction) == theirs.score(target, prediction)
            assert ours.score_multi([target, prediction], target) == theirs.score_multi([target, prediction], target)
    finally:
        nltk.sent_tokenize = original


def test_without_split_summaries_lines_are_the_sentences():
    target, prediction = "a b c\nd e f. g h i.", "d e f\na b c. g h i.\n\n"
    for kwargs in ({}, {"tokenizer": Chars()}, {"use_stemmer": True}):
        ours = rouge_scorer.RougeScorer(["rougeLsum"], **kwargs)
        theirs = real_scorer.RougeScorer(["rougeLsum"], **kwargs)
        assert ours.score(target, prediction) == theirs.score(target, prediction)


def test_bootstrap_aggregator_draws_like_rouge_score(dialogsum_test):
    scorer = real_scorer.RougeScorer(["rouge1", "rougeL"])
    samples = [scorer.score(r["summary1"], r["summary2"]) for r in dialogsum_test[:50]]
    results = []
    for module in (scoring, real_scoring):
        agg = module.BootstrapAggregator(n_samples=200)
        for s in samples:
            agg.add_scores(s)
        np.random.seed(1234)
        results.append(agg.aggregate())
    ours, theirs = results
    assert ours.keys() == theirs.keys()
    for key in ours:
        assert tuple(map(tuple, ours[key])) == tuple(map(tuple, theirs[key]))


def test_bootstrap_aggregator_arguments():
    with pytest.raises(ValueError, match="confidence_interval"):
        scoring.BootstrapAggregator(confidence_interval=1.5)
    with pytest.raises(ValueError, match="n_samples"):
        scoring.BootstrapAggregator(n_samples=0)
