"""BLEU: the seed document's walk-through, exact parity with sacrebleu 2.6.0 and NLTK 3.10.4, invariants, errors.

Expected values come from the seed document (section "BLEU"), from hand derivation, or from running sacrebleu /
NLTK in the test itself.
"""
from __future__ import annotations

import math
import re
import warnings
from fractions import Fraction
from functools import cache

import numpy as np
import pytest
import sacrebleu
from hypothesis import example, given, settings
from hypothesis import strategies as st
from nltk.translate import bleu_score as nltk_bleu_score
from sacrebleu.metrics.bleu import BLEU

from shared_data import MT_PAIRS, MTCorpus, mt_corpora, mt_corpora_present, mt_volume_placeholder
from textmetrics._version import __version__
from textmetrics.metrics.bleu import (
    BleuScore,
    bleu,
    bleu_from_statistics,
    bleu_statistics,
    sentence_bleu,
)
from textmetrics.metrics.nltk_bleu import nltk_bleu, nltk_bleu_statistics, nltk_sentence_bleu

TOKENIZERS = ("13a", "intl", "char", "zh", "none")
SMOOTHINGS = ("none", "floor", "add-k", "exp")
NLTK_METHODS = tuple(f"method{i}" for i in range(8))
PERFECT = 100.00000000000004  # sacrebleu's score for a perfect match (exp(log(100)); sacrebleu#275)


def assert_same_score(ours: BleuScore, theirs) -> None:
    """Every number of a sacrebleu BLEUScore, compared with ==."""
    assert ours.score == theirs.score
    assert list(ours.counts) == list(theirs.counts)
    assert list(ours.totals) == list(theirs.totals)
    assert list(ours.precisions) == list(theirs.precisions)
    assert ours.bp == theirs.bp
    assert ours.sys_len == theirs.sys_len
    assert ours.ref_len == theirs.ref_len
    assert str(ours) == str(theirs)


def streams(references: list[list[str]]) -> list[list]:
    """sacrebleu's layout: one stream per reference position, None where a segment has fewer references."""
    width = max(len(r) for r in references)
    return [[r[k] if k < len(r) else None for r in references] for k in range(width)]


def nltk_smoothing(method: str, **params):
    return getattr(nltk_bleu_score.SmoothingFunction(**params), method)


def run_nltk(function, *args, **kwargs):
    """NLTK's result, or the exception class it raised (method0 warnings silenced)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return function(*args, **kwargs)
        except (AssertionError, IndexError) as exc:
            return type(exc)


# ------------------------------------------------------------------------------- the seed document's example

R1 = "The cat is on the mat."
R2 = "There is a cat on the mat."
DOC_REFS = [R1, R2]


def doc_words(text: str) -> str:
    """The document counts words: punctuation dropped (case is folded by ``lowercase=True``)."""
    return " ".join(re.findall(r"[A-Za-z]+", text))


def doc_statistics(candidate: str, lowercase: bool = True) -> list[int]:
    refs = [doc_words(r) for r in DOC_REFS]
    stats = bleu_statistics([refs], [doc_words(candidate)], tokenizer="none", lowercase=lowercase)
    return stats[0].tolist()


def unclipped_precision(candidate: str) -> Fraction:
    """The document's BLEU*: candidate words that appear in some reference, over candidate words."""
    words = doc_words(candidate).lower().split()
    vocabulary = {w for r in DOC_REFS for w in doc_words(r).lower().split()}
    return Fraction(sum(w in vocabulary for w in words), len(words))


def precision(stats: list[int], n: int, max_order: int = 4) -> Fraction:
    return Fraction(stats[1 + n], stats[1 + max_order + n])


def test_doc_c1_unigram_precision():
    c1 = "The cat and the dog."
    assert unclipped_precision(c1) == Fraction(3, 5)  # BLEU*(C1) = 3/5
    assert precision(doc_statistics(c1), 1) == Fraction(3, 5)  # clipping changes nothing here


def test_doc_c2_clipping():
    c2 = "The The The The The."
    assert unclipped_precision(c2) == Fraction(5, 5)  # BLEU*(C2) = 5/5
    stats = doc_statistics(c2)
    assert (stats[2], stats[6]) == (2, 5)  # BLEU**(C2) = 2/5: "the" occurs at most twice in one reference
    # Case-sensitively, "The" occurs once in R1 and not in R2: 1/5.
    assert precision(doc_statistics(c2, lowercase=False), 1) == Fraction(1, 5)


def test_doc_c3_c4_bigrams_separate_them():
    c3 = "There is a cat on the mat."
    c4 = "Mat the cat is on a there."
    s3, s4 = doc_statistics(c3), doc_statistics(c4)
    assert precision(s3, 1) == precision(s4, 1) == 1  # both "achieve the maximum score" on unigrams
    assert precision(s3, 2) == 1
    assert precision(s4, 2) == Fraction(3, 6)  # only "the cat", "cat is", "is on" occur in a reference
    assert precision(s4, 2) < precision(s3, 2)


def test_doc_c5_brevity_penalty():
    c5 = "There is a cat."
    stats = doc_statistics(c5)
    assert all(precision(stats, n) == 1 for n in range(1, 5))  # perfect n-gram precision for every n
    assert stats[:2] == [4, 6]  # 4 words; the closest reference is R1 (6 words; R2 has 7)
    score = bleu([[doc_words(r) for r in DOC_REFS]], [doc_words(c5)], tokenizer="none", lowercase=True)
    assert score.bp == math.exp(1 - 6 / 4) < 1
    # BLEU = BP * geometric mean of p1..p4 (all 1), on the 0-100 scale
    assert score.score == pytest.approx(100 * math.exp(1 - 6 / 4), rel=1e-15)


def test_bleu_is_bp_times_geometric_mean():
    refs = [DOC_REFS, ["A dog is on the mat today.", "The dog sat."]]
    cands = ["The cat and the dog on the mat.", "The dog is on the mat."]
    score = bleu(refs, cands, smooth_method="none")
    p = [c / t for c, t in zip(score.counts, score.totals, strict=True)]
    assert all(x > 0 for x in p)
    assert score.score == pytest.approx(100 * score.bp * math.prod(p) ** (1 / 4), rel=1e-13)


# ------------------------------------------------------------------- corpus parity: in-repo sample, WMT21 volume

# Every test below runs on the synthetic multi-reference sample (tests/data/mt-sample) and, when
# ../shared/data/wmt21 is present, on the WMT21 volume; the WMT21 parameters are skipped (id "wmt21-volume") when
# it is absent.

@cache
def cached_sacrebleu(corpus: MTCorpus, pair: str, tokenizer: str) -> BLEU:
    """sacrebleu's BLEU with the pair's references cached (its own way to score many systems)."""
    return BLEU(tokenize=tokenizer, references=corpus.streams(pair))


def _system_params():
    params = [pytest.param(corpus, pair, system, i, id=f"{corpus.name}-{pair}-{system}")
              for corpus in mt_corpora_present() for pair in MT_PAIRS
              for i, system in enumerate(corpus.systems(pair))]
    return params + mt_volume_placeholder(4)


SYSTEM_PARAMS = _system_params()


@pytest.mark.parametrize(("corpus", "pair", "system", "index"), SYSTEM_PARAMS)
def test_corpus_every_system_13a(corpus, pair, system, index):
    per_segment = corpus.per_segment(pair)
    hyps = corpus.systems(pair)[system]
    metric = cached_sacrebleu(corpus, pair, "13a")
    expected_rows = metric._extract_corpus_statistics(hyps, None)
    rows = bleu_statistics(per_segment, hyps)
    assert rows.tolist() == expected_rows  # every segment's statistics

    # corpus BLEU, default options, through the public function
    assert_same_score(bleu(per_segment, hyps), metric._aggregate_and_compute(expected_rows))

    # every smoothing, effective order off and on, from the corpus sums
    sums = [int(x) for x in rows.sum(axis=0)]
    for smooth in SMOOTHINGS:
        for effective_order in (False, True):
            expected = BLEU.compute_bleu(sums[2:6], sums[6:], sums[0], sums[1], smooth_method=smooth,
                                         effective_order=effective_order)
            ours = bleu_from_statistics(rows, smooth_method=smooth, effective_order=effective_order)
            assert_same_score(ours, expected)

    # sentence BLEU of every 4th segment from its statistics; the smoothing rotates across systems
    smooth = SMOOTHINGS[index % len(SMOOTHINGS)]
    for row, expected_row in zip(rows[index % 4::4], expected_rows[index % 4::4], strict=True):
        expected = BLEU.compute_bleu(expected_row[2:6], expected_row[6:], expected_row[0], expected_row[1],
                                     smooth_method=smooth, effective_order=True)
        assert_same_score(bleu_from_statistics(row, smooth_method=smooth, effective_order=True), expected)


# Every (tokenizer, lowercase) combination runs end to end through sacrebleu.corpus_bleu on one system (the pairs
# alternate); smoothing and effective order rotate with it. The tokenizers themselves are checked on every
# reference and source line in test_bleu_tokenizers.py.
ROTATION = [(tok, lc) for tok in TOKENIZERS for lc in (False, True)]


def _rotation_params():
    params = []
    for corpus in mt_corpora_present():
        for k, (tokenizer, lowercase) in enumerate(ROTATION):
            pair = MT_PAIRS[k % 2]
            names = list(corpus.systems(pair))
            params.append(pytest.param(corpus, pair, names[(3 * k + 1) % len(names)], tokenizer, lowercase,
                                       SMOOTHINGS[k % 4], k % 3 == 0,
                                       id=f"{corpus.name}-{pair}-{tokenizer}-lc{int(lowercase)}"))
    return params + mt_volume_placeholder(7)


@pytest.mark.parametrize(("corpus", "pair", "system", "tokenizer", "lowercase", "smooth", "effective_order"),
                         _rotation_params())
def test_corpus_bleu_options(corpus, pair, system, tokenizer, lowercase, smooth, effective_order):
    size = 500  # at most the first half of WMT21's test set keeps this quick; full corpora run in the 13a test
    hyps = corpus.systems(pair)[system][:size]
    expected = sacrebleu.corpus_bleu(hyps, [s[:size] for s in corpus.streams(pair)], smooth_method=smooth,
                                     tokenize=tokenizer, lowercase=lowercase, use_effective_order=effective_order)
    ours = bleu(corpus.per_segment(pair)[:size], hyps, smooth_method=smooth, tokenizer=tokenizer, lowercase=lowercase,
                effective_order=effective_order)
    assert_same_score(ours, expected)


@pytest.mark.parametrize("corpus", mt_corpora())
@pytest.mark.parametrize(("pair", "max_order", "smooth"), [("en-de", 2, "floor"), ("de-en", 6, "exp"),
                                                           ("de-en", 1, "none")])
def test_corpus_other_max_orders(corpus, pair, max_order, smooth):
    systems = corpus.systems(pair)
    hyps = systems[sorted(systems)[2]]
    expected = BLEU(max_ngram_order=max_order, smooth_method=smooth).corpus_score(hyps, corpus.streams(pair))
    assert_same_score(bleu(corpus.per_segment(pair), hyps, max_order=max_order, smooth_method=smooth), expected)


@pytest.mark.parametrize("corpus", mt_corpora())
@pytest.mark.parametrize("pair", MT_PAIRS)
def test_corpus_sentence_bleu(corpus, pair):
    systems, per_segment = corpus.systems(pair), corpus.per_segment(pair)
    hyps = systems[sorted(systems)[-1]]
    for i in range(min(150, len(hyps))):
        tokenizer = TOKENIZERS[i % 5]
        smooth = SMOOTHINGS[i % 4]
        lowercase = i % 3 == 0
        effective_order = i % 7 != 0
        expected = sacrebleu.sentence_bleu(hyps[i], per_segment[i], smooth_method=smooth, tokenize=tokenizer,
                                           lowercase=lowercase, use_effective_order=effective_order)
        ours = sentence_bleu(per_segment[i], hyps[i], smooth_method=smooth, tokenizer=tokenizer,
                             lowercase=lowercase, effective_order=effective_order)
        assert_same_score(ours, expected)


@pytest.mark.parametrize("corpus", mt_corpora())
def test_corpus_python_backend_gives_the_same_statistics(corpus):
    per_segment, systems = corpus.per_segment("en-de"), corpus.systems("en-de")
    hyps = systems[sorted(systems)[0]]
    np.testing.assert_array_equal(bleu_statistics(per_segment, hyps, backend="python"),
                                  bleu_statistics(per_segment, hyps, backend="numba"))


def _nltk_params():
    params = []
    for corpus in mt_corpora_present():
        for i, method in enumerate(NLTK_METHODS):
            pair = MT_PAIRS[i % 2]
            names = list(corpus.systems(pair))
            params.append(pytest.param(corpus, pair, names[(5 * i) % len(names)], method,
                                       id=f"{corpus.name}-{pair}-{method}"))
    return params + mt_volume_placeholder(4)


@pytest.mark.parametrize(("corpus", "pair", "system", "method"), _nltk_params())
def test_corpus_nltk_corpus_bleu(corpus, pair, system, method):
    hyps = [h.split() for h in corpus.systems(pair)[system]]
    refs = [[r.split() for r in seg] for seg in corpus.per_segment(pair)]
    expected = run_nltk(nltk_bleu_score.corpus_bleu, refs, hyps, smoothing_function=nltk_smoothing(method))
    assert nltk_bleu(refs, hyps, smooth_method=method) == expected


@pytest.mark.parametrize("corpus", mt_corpora())
@pytest.mark.parametrize("pair", MT_PAIRS)
def test_corpus_nltk_sentence_bleu(corpus, pair):
    systems, per_segment = corpus.systems(pair), corpus.per_segment(pair)
    hyps = systems[sorted(systems)[0]]
    raised = 0
    for i in range(min(80, len(hyps))):
        refs = [r.split() for r in per_segment[i]]
        hyp = hyps[i].split()
        for method in NLTK_METHODS:
            expected = run_nltk(nltk_bleu_score.sentence_bleu, refs, hyp,
                                smoothing_function=nltk_smoothing(method))
            if isinstance(expected, type):  # NLTK raised (method6 without a trigram match)
                raised += 1
                with pytest.raises(ValueError, match="method6"):
                    nltk_sentence_bleu(refs, hyp, smooth_method=method)
            else:
                assert nltk_sentence_bleu(refs, hyp, smooth_method=method) == expected
    assert raised > 0  # the data does exercise method6's precondition


# ----------------------------------------------------------------------------- generated corpora: sacrebleu

WORDS = ["the", "The", "cat", "a", "mat", "on", ".", ",", "5-6", "1,000.5", "Ä", "ä", "中文", "“x”", "&amp;",
         "It's", "end", "2019.", "\u00a0", "U.S.", "(b)"]
text = st.lists(st.sampled_from(WORDS), max_size=9).map(" ".join)
segments = st.lists(st.tuples(text, st.lists(text, min_size=1, max_size=3)), min_size=1, max_size=5)
options = st.fixed_dictionaries({
    "tokenizer": st.sampled_from(TOKENIZERS),
    "lowercase": st.booleans(),
    "smooth_method": st.sampled_from(SMOOTHINGS),
    "effective_order": st.booleans(),
    "max_order": st.sampled_from([4, 4, 1, 2, 3, 5]),
})


@settings(max_examples=300, deadline=None)
@given(corpus=segments, opts=options)
@example(corpus=[("", [""])], opts=dict(tokenizer="13a", lowercase=False, smooth_method="exp", effective_order=False,
                                        max_order=4))
# brevity-penalty tie: references of 2 and 4 tokens around a 3-token candidate (the shorter one counts)
@example(corpus=[("the cat a", ["the cat a mat", "a cat"])],
         opts=dict(tokenizer="none", lowercase=False, smooth_method="floor", effective_order=True, max_order=4))
def test_generated_corpora_match_sacrebleu(corpus, opts):
    refs = [r for _, r in corpus]
    cands = [c for c, _ in corpus]
    metric = BLEU(tokenize=opts["tokenizer"], lowercase=opts["lowercase"], smooth_method=opts["smooth_method"],
                  effective_order=opts["effective_order"], max_ngram_order=opts["max_order"])
    expected = metric.corpus_score(cands, streams(refs))
    ours = bleu(refs, cands, **opts)
    assert_same_score(ours, expected)
    assert ours.signature.rsplit("|", 1)[0] == metric.get_signature().format().rsplit("|", 1)[0]


@settings(max_examples=150, deadline=None)
@given(candidate=text, refs=st.lists(text, min_size=1, max_size=3), tokenizer=st.sampled_from(TOKENIZERS),
       smooth=st.sampled_from(SMOOTHINGS), lowercase=st.booleans(),
       smooth_value=st.sampled_from([None, 0.5, 2]))
def test_generated_sentences_match_sacrebleu_sentence_bleu(candidate, refs, tokenizer, smooth, lowercase,
                                                          smooth_value):
    if smooth in ("none", "exp"):
        smooth_value = None
    expected = sacrebleu.sentence_bleu(candidate, refs, smooth_method=smooth, smooth_value=smooth_value,
                                       tokenize=tokenizer, lowercase=lowercase)
    ours = sentence_bleu(refs, candidate, smooth_method=smooth, smooth_value=smooth_value, tokenizer=tokenizer,
                         lowercase=lowercase)
    assert_same_score(ours, expected)


@pytest.mark.parametrize(("kwargs", "refs"), [
    (dict(), [["a b"]]),
    (dict(smooth_method="floor"), [["a b"], ["a", "b c"]]),
    (dict(smooth_method="floor", smooth_value=0.25, lowercase=True), [["a b", "c", "d"]]),
    (dict(smooth_method="add-k", effective_order=True, tokenizer="intl"), [["a b", "c"], ["d"]]),
    (dict(smooth_method="none", tokenizer="char"), [["a b", "c"]]),
])
def test_signature_matches_sacrebleu(kwargs, refs):
    cands = ["a b"] * len(refs)
    ours = bleu(refs, cands, **kwargs)
    metric = BLEU(tokenize=kwargs.get("tokenizer", "13a"), lowercase=kwargs.get("lowercase", False),
                  smooth_method=kwargs.get("smooth_method", "exp"), smooth_value=kwargs.get("smooth_value"),
                  effective_order=kwargs.get("effective_order", False))
    metric.corpus_score(cands, streams(refs))
    theirs = metric.get_signature().format()
    assert ours.signature == theirs.replace("version:2.6.0", f"version:textmetrics-{__version__}")


# ---------------------------------------------------------------------------------- generated corpora: NLTK

tokens = st.lists(st.sampled_from("abcd"), max_size=8)
nltk_corpus = st.lists(st.tuples(tokens, st.lists(tokens, min_size=1, max_size=3)), min_size=1, max_size=4)
WEIGHTS = [(0.25, 0.25, 0.25, 0.25), (0.5, 0.5), (1 / 3, 1 / 3, 1 / 3), (0.2,) * 5, (0.1, 0.3, 0.5, 0.1),
           [0.25, 0.25, 0.25, 0.25], (0.4, 0.3, 0.2, 0.05, 0.05, 0.0)]


@settings(max_examples=400, deadline=None)
@given(corpus=nltk_corpus, method=st.sampled_from(NLTK_METHODS), weights=st.sampled_from(WEIGHTS),
       auto_reweigh=st.booleans(), params=st.sampled_from([{}, {"epsilon": 0.3, "alpha": 2, "k": 3},
                                                           {"alpha": 0.5, "k": 2.5}]))
@example(corpus=[(["a"], [["a", "b"]])], method="method4", weights=WEIGHTS[0], auto_reweigh=False, params={})
@example(corpus=[(["a", "b"], [["a", "b"]])], method="method0", weights=WEIGHTS[0], auto_reweigh=True, params={})
def test_generated_corpora_match_nltk(corpus, method, weights, auto_reweigh, params):
    refs = [r for _, r in corpus]
    hyps = [h for h, _ in corpus]
    expected = run_nltk(nltk_bleu_score.corpus_bleu, refs, hyps, weights=weights,
                        smoothing_function=nltk_smoothing(method, **params), auto_reweigh=auto_reweigh)
    if isinstance(expected, type):
        with pytest.raises(ValueError, match="method6"):
            nltk_bleu(refs, hyps, weights=weights, smooth_method=method, auto_reweigh=auto_reweigh, **params)
    else:
        assert nltk_bleu(refs, hyps, weights=weights, smooth_method=method, auto_reweigh=auto_reweigh,
                         **params) == expected
        if len(corpus) == 1:
            sentence = run_nltk(nltk_bleu_score.sentence_bleu, refs[0], hyps[0], weights=weights,
                                smoothing_function=nltk_smoothing(method, **params), auto_reweigh=auto_reweigh)
            assert nltk_sentence_bleu(refs[0], hyps[0], weights=weights, smooth_method=method,
                                      auto_reweigh=auto_reweigh, **params) == sentence


@settings(max_examples=200, deadline=None)
@given(corpus=nltk_corpus, max_order=st.integers(1, 6), backend=st.sampled_from(["numba", "python"]))
def test_nltk_bleu_statistics_are_nltks_counts(corpus, max_order, backend):
    # every row against NLTK's own modified_precision (numerator, denominator max(1, n-grams)) and
    # closest_ref_length; the hypothesis length is its token count
    refs = [r for _, r in corpus]
    hyps = [h for h, _ in corpus]
    rows = nltk_bleu_statistics(refs, hyps, max_order=max_order, backend=backend)
    assert rows.dtype == np.int64 and rows.shape == (len(corpus), 2 + 2 * max_order)
    for row, r, h in zip(rows.tolist(), refs, hyps):
        assert row[:2] == [len(h), nltk_bleu_score.closest_ref_length(r, len(h))]
        for n in range(1, max_order + 1):
            p = nltk_bleu_score.modified_precision(r, h, n)
            assert (row[1 + n], max(1, row[1 + max_order + n])) == (p._numerator, p._denominator)
            assert row[1 + max_order + n] == max(0, len(h) - n + 1)


def test_nltk_bleu_statistics_rejects_bad_input():
    with pytest.raises(TypeError, match="list of tokens"):
        nltk_bleu_statistics([["a b"]], ["a b"])
    with pytest.raises(ValueError, match="max_order must be in 1 .. 100"):
        nltk_bleu_statistics([[["a"]]], [["a"]], max_order=101)
    with pytest.raises(ValueError, match="at least one reference"):
        nltk_bleu_statistics([[]], [["a"]])
    assert nltk_bleu_statistics([], [], max_order=3).shape == (0, 8)  # a statistics function: zero rows
    with pytest.raises(ValueError, match="at most 100 n-gram orders"):
        nltk_bleu([[["a"]]], [["a"]], weights=(0.01,) * 101)


def test_nltk_quirks_hand_checked():
    refs = [["the cat is on the mat".split()]]
    # no unigram match: NLTK returns the int 0 before smoothing; we return 0.0
    assert nltk_bleu(refs, [["dog"]], smooth_method="method1") == 0
    # method0 turns zero orders into sys.float_info.min: the score is tiny but positive
    tiny = nltk_bleu(refs, [["the", "cat", "sat"]])
    assert 0 < tiny < 1e-70
    # method6 needs a trigram match
    with pytest.raises(ValueError, match="trigram"):
        nltk_bleu(refs, [["the", "cat", "sat"]], smooth_method="method6")
    with pytest.raises(ValueError, match="3 n-gram orders"):
        nltk_bleu(refs, [["the", "cat", "is"]], smooth_method="method6", weights=(0.5, 0.5))


# ------------------------------------------------------------------------------------------- invariants

@settings(max_examples=150, deadline=None)
@given(corpus=segments, smooth=st.sampled_from(SMOOTHINGS), tokenizer=st.sampled_from(TOKENIZERS),
       effective_order=st.booleans())
def test_score_is_between_0_and_100(corpus, smooth, tokenizer, effective_order):
    score = bleu([r for _, r in corpus], [c for c, _ in corpus], smooth_method=smooth, tokenizer=tokenizer,
                 effective_order=effective_order)
    assert 0.0 <= score.score <= PERFECT
    assert 0.0 <= score.bp <= 1.0


@settings(max_examples=100, deadline=None)
@given(sentence=st.lists(st.sampled_from([w for w in WORDS if w.strip()]), min_size=4, max_size=12).map(" ".join),
       tokenizer=st.sampled_from(TOKENIZERS), extra=st.lists(text, max_size=2))
def test_identical_candidate_scores_perfect(sentence, tokenizer, extra):
    assert bleu([[sentence, *extra]], [sentence], tokenizer=tokenizer).score == PERFECT
    assert sentence_bleu(sentence, sentence, tokenizer=tokenizer).score == PERFECT
    assert sacrebleu.corpus_bleu([sentence], [[sentence]], tokenize=tokenizer).score == PERFECT


@settings(max_examples=100, deadline=None)
@given(corpus=segments, more=st.lists(text, min_size=1, max_size=2), tokenizer=st.sampled_from(TOKENIZERS))
def test_more_references_never_lower_clipped_counts(corpus, more, tokenizer):
    refs = [r for _, r in corpus]
    cands = [c for c, _ in corpus]
    fewer = bleu_statistics(refs, cands, tokenizer=tokenizer)
    extended = bleu_statistics([r + more for r in refs], cands, tokenizer=tokenizer)
    assert np.all(extended[:, 2:6] >= fewer[:, 2:6])
    np.testing.assert_array_equal(extended[:, 6:], fewer[:, 6:])


@settings(max_examples=100, deadline=None)
@given(corpus=segments, data=st.data(), smooth=st.sampled_from(SMOOTHINGS))
def test_segment_order_and_sharding_do_not_change_the_score(corpus, data, smooth):
    refs = [r for _, r in corpus]
    cands = [c for c, _ in corpus]
    whole = bleu(refs, cands, smooth_method=smooth)
    order = data.draw(st.permutations(range(len(corpus))))
    shuffled = bleu([refs[i] for i in order], [cands[i] for i in order], smooth_method=smooth)
    assert shuffled == whole
    cut = data.draw(st.integers(0, len(corpus)))
    shards = [bleu_statistics(refs[:cut], cands[:cut]), bleu_statistics(refs[cut:], cands[cut:])]
    summed = shards[0].sum(axis=0) + shards[1].sum(axis=0)
    for stats in (np.vstack(shards), summed):
        from_shards = bleu_from_statistics(stats, smooth_method=smooth)
        assert (from_shards.score, from_shards.counts, from_shards.totals, from_shards.bp) == \
               (whole.score, whole.counts, whole.totals, whole.bp)


def test_inputs_are_not_modified():
    refs = [["a b c", "a b"], "a"]
    cands = ["a b c", "a"]
    stats = bleu_statistics(refs, cands)
    before = stats.copy()
    score = bleu_from_statistics(stats, smooth_method="add-k")
    np.testing.assert_array_equal(stats, before)  # sacrebleu's add-k would add k to the caller's lists
    assert score.counts[1:] == tuple(int(c) + 1 for c in stats.sum(axis=0)[3:6])
    assert refs == [["a b c", "a b"], "a"] and cands == ["a b c", "a"]


def test_score_is_a_frozen_dataclass_with_a_readable_str():
    score = sentence_bleu("The cat is on the mat.", "The cat is on the mat.")
    with pytest.raises(AttributeError):
        score.score = 0.0
    assert str(score) == "BLEU = 100.00 100.0/100.0/100.0/100.0 (BP = 1.000 ratio = 1.000 hyp_len = 7 ref_len = 7)"
    assert score.signature == f"nrefs:1|case:mixed|eff:yes|tok:13a|smooth:exp|version:textmetrics-{__version__}"


def test_from_statistics_signature_leaves_out_what_it_does_not_know():
    score = bleu_from_statistics([3, 3, 3, 2, 1, 0, 3, 2, 1, 0])
    assert score.signature == f"eff:no|smooth:exp|version:textmetrics-{__version__}"
    with pytest.raises(ValueError, match="empty corpus"):  # zero rows: no corpus to score (tests/test_api.py)
        bleu_from_statistics(np.zeros((0, 10), dtype=np.int64))


# ------------------------------------------------------------------------------------------------ bad input

@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: bleu([["a"]], ["a", "b"]), ValueError, "2 candidates but 1 reference"),
    (lambda: bleu([["a"], []], ["a", "b"]), ValueError, r"references\[1\] is empty"),
    (lambda: bleu([], []), ValueError, "empty corpus"),
    (lambda: bleu([["a"]], [None]), TypeError, r"candidates\[0\] must be str"),
    (lambda: bleu([["a", 3]], ["a"]), TypeError, r"references\[0\]\[1\] must be str"),
    (lambda: bleu([None], ["a"]), TypeError, r"references\[0\] must be a str or a list of str"),
    (lambda: bleu(["a"], "a"), TypeError, "candidates must be a list"),
    (lambda: bleu("a", ["a"]), TypeError, "references must be a list"),
    (lambda: bleu([["a"]], ["a"], tokenizer="spm"), ValueError, "unknown BLEU tokenizer"),
    (lambda: bleu([["a"]], ["a"], smooth_method="add-one"), ValueError, "unknown smooth"),
    (lambda: bleu([["a"]], ["a"], smooth_method="method3"), ValueError, "nltk_bleu"),
    (lambda: bleu([["a"]], ["a"], smooth_method="exp", smooth_value=0.1), ValueError, "smooth_value"),
    (lambda: bleu([["a"]], ["a"], smooth_method="floor", smooth_value=-1), ValueError, "smooth_value"),
    (lambda: bleu([["a"]], ["a"], smooth_method="floor", smooth_value="0.1"), TypeError, "smooth_value"),
    (lambda: bleu([["a"]], ["a"], max_order=0), ValueError, "max_order"),
    (lambda: bleu([["a"]], ["a"], max_order=2.0), TypeError, "max_order"),
    (lambda: bleu([["a"]], ["a"], max_order=True), TypeError, "max_order"),
    (lambda: bleu([["a"]], ["a"], lowercase="yes"), TypeError, "lowercase"),
    (lambda: bleu([["a"]], ["a"], effective_order=None), TypeError, "effective_order"),
    (lambda: bleu([["a"]], ["a"], backend="cuda"), ValueError, "backend"),
    (lambda: bleu_statistics([["a"]], ["a", "b"]), ValueError, "2 candidates"),
    (lambda: sentence_bleu(["a"], ["a"]), TypeError, "cand must be str"),
    (lambda: sentence_bleu([], "a"), ValueError, "ref is empty"),
    (lambda: sentence_bleu(None, "a"), TypeError, "ref must be a str"),
    (lambda: bleu_from_statistics([1, 1, 1]), ValueError, "2 \\+ 2 \\* max_order"),
    (lambda: bleu_from_statistics([1, 1, 1, 1], max_order=2), ValueError, "max_order=2"),
    (lambda: bleu_from_statistics([1.0, 1.0, 1.0, 1.0]), TypeError, "integers"),
    (lambda: bleu_from_statistics([1, 1, -1, 1]), ValueError, "non-negative"),
    (lambda: nltk_bleu([[["a"]]], ["a"]), TypeError, r"candidates\[0\] must be a list of tokens"),
    (lambda: nltk_bleu([["a"]], [["a"]]), TypeError, r"references\[0\]\[0\] must be a list of tokens"),
    (lambda: nltk_bleu([[["a"]]], [["a"], ["b"]]), ValueError, "2 candidates but 1"),
    (lambda: nltk_bleu([[]], [["a"]]), ValueError, r"references\[0\] is empty"),
    (lambda: nltk_bleu([], []), ValueError, "empty corpus"),
    (lambda: nltk_bleu([[["a"]]], [["a"]], smooth_method="exp"), ValueError, "unknown smooth_method"),
    (lambda: nltk_bleu([[["a"]]], [["a"]], weights=()), ValueError, "weights"),
    (lambda: nltk_sentence_bleu("a b", ["a"]), TypeError, "list of token lists"),
])
def test_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()
