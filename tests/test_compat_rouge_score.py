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


# ------------------------------------------------------------------------- modules besides rouge_scorer

from textmetrics.compat.rouge_score import tokenize as our_tokenize  # noqa: E402
from textmetrics.compat.rouge_score import tokenizers as our_tokenizers  # noqa: E402

real_tokenize = pytest.importorskip("rouge_score.tokenize")
real_tokenizers = pytest.importorskip("rouge_score.tokenizers")

any_text = st.text(alphabet="aAzZ09 .,\n\t-_éİK\u212a\u00df", max_size=40) | st.lists(
    st.sampled_from(["running", "Friends", "meeting", "the", "ponies", "İstanbul", "a", "9"]), max_size=8).map(" ".join)


class Suffix:
    """A stemmer that is not NLTK's: drops a trailing 's' and can produce invalid tokens."""

    def stem(self, word):
        return word[:-1] + "-" if word.endswith("s") else word


@settings(max_examples=200, deadline=None)
@given(any_text)
def test_tokenize_module(text):
    from nltk.stem import porter

    for stemmer in (None, porter.PorterStemmer(), porter.PorterStemmer(porter.PorterStemmer.ORIGINAL_ALGORITHM),
                    Suffix()):
        assert our_tokenize.tokenize(text, stemmer) == real_tokenize.tokenize(text, stemmer)
    for use_stemmer in (False, True):
        mine, theirs = our_tokenizers.DefaultTokenizer(use_stemmer), real_tokenizers.DefaultTokenizer(use_stemmer)
        assert mine.tokenize(text) == theirs.tokenize(text)


def test_tokenizers_module():
    assert issubclass(our_tokenizers.DefaultTokenizer, our_tokenizers.Tokenizer)
    with pytest.raises(TypeError):
        our_tokenizers.Tokenizer()  # abstract, as in rouge-score
    assert our_tokenize.NON_ALPHANUM_PATTERN == real_tokenize.NON_ALPHANUM_PATTERN
    assert our_tokenize.VALID_TOKEN_PATTERN == real_tokenize.VALID_TOKEN_PATTERN

    class Upper(our_tokenizers.Tokenizer):
        def tokenize(self, text):
            return text.upper().split()

    for tokenizer in (Upper(), our_tokenizers.DefaultTokenizer(True), real_tokenizers.DefaultTokenizer(True)):
        mine = rouge_scorer.RougeScorer(["rouge1", "rougeLsum"], tokenizer=tokenizer)
        theirs = real_scorer.RougeScorer(["rouge1", "rougeLsum"], tokenizer=tokenizer)
        assert mine.score("The cats\nare running", "the cat runs") == theirs.score("The cats\nare running",
                                                                                     "the cat runs")


def test_default_tokenizer_with_another_stemmer_is_called():
    tokenizer = our_tokenizers.DefaultTokenizer()
    tokenizer._stemmer = Suffix()
    real_tok = real_tokenizers.DefaultTokenizer()
    real_tok._stemmer = Suffix()
    mine = rouge_scorer.RougeScorer(["rouge1", "rougeL"], tokenizer=tokenizer)
    theirs = real_scorer.RougeScorer(["rouge1", "rougeL"], tokenizer=real_tok)
    assert mine.score("dogs and cats run", "dog and cat runs") == theirs.score("dogs and cats run",
                                                                                "dog and cat runs")


def test_callable_tokenizer_object_is_used_through_its_method():
    class Both(Chars):
        def __call__(self, text):
            raise AssertionError("rouge-score calls tokenize(), never the object")

    assert (rouge_scorer.RougeScorer(["rouge1"], tokenizer=Both()).score("ab", "ba")
            == real_scorer.RougeScorer(["rouge1"], tokenizer=Both()).score("ab", "ba"))


def test_base_scorer():
    assert isinstance(rouge_scorer.RougeScorer(["rouge1"]), scoring.BaseScorer)
    with pytest.raises(TypeError):
        scoring.BaseScorer()

    class Length(scoring.BaseScorer):
        def score(self, target, prediction):
            return {"len": scoring.Score(len(prediction), len(target), 0.0)}

    assert Length().score("ab", "abc") == {"len": (3, 2, 0.0)}


token_lists = st.lists(st.sampled_from("abcde"), max_size=9)


@settings(max_examples=300, deadline=None)
@given(token_lists, token_lists, st.lists(token_lists, max_size=3), st.lists(token_lists, max_size=3))
def test_token_list_helpers(ref, can, ref_sents, can_sents):
    assert rouge_scorer.lcs_ind(ref, can) == real_scorer.lcs_ind(ref, can)
    table = real_scorer._lcs_table(ref, can)
    assert rouge_scorer._lcs_table(ref, can) == table
    assert rouge_scorer._backtrack_norec(table, ref, can) == real_scorer._backtrack_norec(table, ref, can)
    assert rouge_scorer._union_lcs(ref, can_sents) == real_scorer._union_lcs(ref, can_sents)
    lists = [rouge_scorer.lcs_ind(ref, c) for c in can_sents]
    assert rouge_scorer._find_union(lists) == real_scorer._find_union(lists)
    for mine, theirs in ((rouge_scorer._summary_level_lcs(ref_sents, can_sents),
                          real_scorer._summary_level_lcs(ref_sents, can_sents)),
                         (rouge_scorer._score_lcs(ref, can), real_scorer._score_lcs(ref, can))):
        assert mine == theirs and list(map(type, mine)) == list(map(type, theirs))
    for n in (1, 2, 3):
        grams = rouge_scorer._create_ngrams(ref, n), rouge_scorer._create_ngrams(can, n)
        assert grams == (real_scorer._create_ngrams(ref, n), real_scorer._create_ngrams(can, n))
        assert rouge_scorer._score_ngrams(*grams) == real_scorer._score_ngrams(*grams)
