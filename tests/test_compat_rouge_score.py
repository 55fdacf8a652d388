"""textmetrics.compat.rouge_score against rouge-score 0.1.2 itself, with ==."""
from __future__ import annotations

import numpy as np
import pytest

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


def test_invalid_rouge_types():
    for bad in (["rouge10"], ["rougeX"], ["rouge0"]):
        with pytest.raises(ValueError):
            real_scorer.RougeScorer(bad).score("a", "a")
        with pytest.raises(ValueError):
            rouge_scorer.RougeScorer(bad)


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
