"""textmetrics.metrics.rouge: the seed document's worked examples, options, multi-reference rules, bad input."""
from __future__ import annotations

import copy
import math
import pickle

import pytest

import textmetrics
import textmetrics.signature
from textmetrics import Score, rouge_l, rouge_lsum, rouge_n, rouge_s, rouge_su, rouge_w

R = "The cat is on the mat."
C = "The cat and the dog."
BACKENDS = ["numba", "python"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_seed_rouge_1(backend):
    # Seed document: unigrams "the", "cat", "the" match; P = 3/5, R = 3/6.
    s = rouge_n(R, C, n=1, backend=backend)
    assert (s.precision, s.recall) == (3 / 5, 3 / 6)
    # F = 2PR/(P+R) = 6/11; the document rounds it to 0.54 here (and to 0.55 for ROUGE-L, same value).
    assert s.fmeasure == 2 * 0.6 * 0.5 / (0.6 + 0.5)
    assert math.isclose(s.fmeasure, 6 / 11, rel_tol=1e-15)
    assert round(s.fmeasure, 2) == 0.55  # 0.5454..., so the document's "0.54" is a truncation


@pytest.mark.parametrize("backend", BACKENDS)
def test_seed_rouge_2(backend):
    # Only "the cat" matches: P = 1/4, R = 1/5, F = 0.22 in the document.
    s = rouge_n(R, C, n=2, backend=backend)
    assert (s.precision, s.recall) == (1 / 4, 1 / 5)
    assert s.fmeasure == 2 * 0.25 * 0.2 / (0.25 + 0.2)
    assert round(s.fmeasure, 2) == 0.22


@pytest.mark.parametrize("backend", BACKENDS)
def test_seed_rouge_l(backend):
    # LCS "the cat the": P = 3/5, R = 3/6, F = 6/11, which the document prints as 0.55.
    s = rouge_l(R, C, backend=backend)
    assert (s.precision, s.recall) == (3 / 5, 3 / 6)
    assert s.fmeasure == 2 * 0.6 * 0.5 / 1.1
    assert rouge_lsum(R, C, backend=backend) == s  # one sentence: Lsum == L


@pytest.mark.parametrize("backend", BACKENDS)
def test_seed_rouge_s(backend):
    # R: the cat is on the mat (6 tokens); C: the gray cat and the dog (6 tokens).
    # With max_skip=1 (the document's "unigram skipping"), "the cat" is matched in C through "the gray cat".
    # Skip bigrams with gap <= 1: R has 5 + 4 = 9, C has 9. Shared, by hand (clipped):
    #   R: the-cat the-is cat-is cat-on is-on is-the on-the on-mat the-mat
    #   C: the-gray the-cat gray-cat gray-and cat-and cat-the and-the and-dog the-dog
    # -> only (the, cat) is common: hits = 1, P = 1/9, R = 1/9.
    s = rouge_s(R, "The gray cat and the dog.", max_skip=1, backend=backend)
    assert (s.precision, s.recall) == (1 / 9, 1 / 9)
    # ROUGE-2 cannot see it: no bigram in common.
    assert rouge_n(R, "The gray cat and the dog.", n=2, backend=backend).recall == 0.0
    # Unlimited skips (ROUGE-S*): C(6,2) = 15 pairs each; shared: the-cat, the-the, cat-the -> 3.
    s = rouge_s(R, "The gray cat and the dog.", max_skip=None, backend=backend)
    assert (s.precision, s.recall) == (3 / 15, 3 / 15)


def test_seed_rouge_s_against_rouge_metric():
    py_rouge = pytest.importorskip("rouge_metric")
    ours = rouge_s(R, "The gray cat and the dog.", max_skip=1)
    theirs = py_rouge.PyRouge(rouge_n=(), rouge_l=False, rouge_s=True, skip_gap=1).evaluate(
        ["the gray cat and the dog"], [["the cat is on the mat"]])["rouge-s1"]
    assert (ours.precision, ours.recall) == (theirs["p"], theirs["r"])


def test_score_is_a_named_tuple():
    s = rouge_n("a b", "a b")
    assert s == Score(1.0, 1.0, 1.0)
    assert s._fields == ("precision", "recall", "fmeasure")


def test_empty_inputs_score_zero():
    for f in (rouge_n, rouge_l, rouge_lsum, rouge_w, rouge_s, rouge_su):
        assert f("", "") == (0.0, 0.0, 0.0)
        assert f("a b c", "") == (0.0, 0.0, 0.0)
        assert f("", "a b c") == (0.0, 0.0, 0.0)
        assert f("!!! ...", "a") == (0.0, 0.0, 0.0)  # tokenizes to nothing


def test_lsum_splits_on_newlines_only():
    # metric-semantics: rougeL 0.5 vs rougeLsum 1.0 on swapped sentences.
    a, b = "First sentence.\nSecond Sentence.", "Second sentence.\nFirst Sentence."
    assert rouge_l(a, b).fmeasure == 0.5
    assert rouge_lsum(a, b).fmeasure == 1.0
    # Clipping by both texts: the second reference sentence finds the candidate's counts used up.
    s = rouge_lsum("a b\na b", "a b")
    assert (s.precision, s.recall) == (1.0, 0.5)


def test_rouge_w_double_weights_the_reference():
    # metric-semantics 2.5: hyp "a b c d e f g", ref "a b x d e f y": R = 0.43293, P = 0.63891 (5 decimals).
    s = rouge_w("a b x d e f y", "a b c d e f g", weight=1.2)
    assert round(s.recall, 5) == 0.43293
    assert round(s.precision, 5) == 0.63891
    # By hand: runs "a b" and "d e f" -> hits = 2^1.2 + 3^1.2; P = (hits / 7^1.2)^(1/1.2);
    # R = (hits / (7^1.2)^1.2)^(1/1.2).
    hits = 2 ** 1.2 + 3 ** 1.2
    assert math.isclose(s.precision, (hits / 7 ** 1.2) ** (1 / 1.2), rel_tol=1e-15)
    assert math.isclose(s.recall, (hits / (7 ** 1.2) ** 1.2) ** (1 / 1.2), rel_tol=1e-15)


def test_rouge_su_counts_unigrams_except_the_last():
    # ref "a b c", cand "c b a": no skip bigram in common; SU unigrams exclude the last token of each side:
    # ref {a, b}, cand {c, b} -> 1 hit; sizes 3 pairs + 2 unigrams = 5.
    s = rouge_su("a b c", "c b a", max_skip=4)
    assert (s.precision, s.recall) == (1 / 5, 1 / 5)


def test_rouge_s_max_skip_window():
    # j <= i + max_skip + 1: with max_skip=0 skip bigrams are plain bigrams.
    assert rouge_s("a b c d", "a c b d", max_skip=0) == rouge_n("a b c d", "a c b d", n=2)


def test_alpha_weights_precision_and_recall():
    s = rouge_n("a b c d", "a b", alpha=0.5)
    assert (s.precision, s.recall) == (1.0, 0.5)
    assert rouge_n("a b c d", "a b", alpha=1.0).fmeasure == 1.0      # precision only
    assert rouge_n("a b c d", "a b", alpha=0.0).fmeasure == 0.5      # recall only
    f = rouge_n("a b c d", "a b", alpha=0.2).fmeasure
    assert f == 1.0 * 0.5 / (0.2 * 0.5 + 0.8 * 1.0)


def test_stemmer_and_tokenizer_options():
    assert rouge_n("running dogs", "run dog").fmeasure == 0.0
    assert rouge_n("running dogs", "run dog", stemmer=True).fmeasure == 1.0
    assert rouge_n("The Cat", "the cat", tokenizer="whitespace").fmeasure == 0.0
    assert rouge_n("The Cat", "the cat", tokenizer=str.split).fmeasure == 0.0
    assert rouge_n("The Cat", "the cat", tokenizer=lambda t: t.lower().split()).fmeasure == 1.0


class TestMultiReference:
    refs = ["the cat sat on the mat", "a cat was on a mat", "dogs"]
    cand = "the cat was on the mat"

    def test_best_is_highest_f_first_on_ties(self):
        singles = [rouge_n(r, self.cand, n=2) for r in self.refs]
        best = max(range(3), key=lambda k: (singles[k].fmeasure, -k))
        assert rouge_n(self.refs, self.cand, n=2) == singles[best]
        assert rouge_n(["a b", "a b"], "a b c") == rouge_n("a b", "a b c")

    def test_average_sums_hits_and_counts(self):
        # ROUGE-1.5.5 -f A: R = sum hits / sum ref counts, P = sum hits / (n_refs * cand count).
        s = rouge_n(self.refs, self.cand, n=1, multi_ref="average")
        # unigram hits, by hand: ref1 5 (the x2, cat, on, mat), ref2 4 (cat, was, on, mat), ref3 0
        assert s.recall == (5 + 4 + 0) / (6 + 6 + 1)
        assert s.precision == (5 + 4 + 0) / (6 * 3)

    def test_best_recall(self):
        s = rouge_n(["x y z w", "a b", "a b c"], "a b c d", multi_ref="best_recall")
        assert (s.precision, s.recall) == (2 / 4, 2 / 2)  # ref 2 has recall 1.0, first of the maxima


class TestBadInput:
    @pytest.mark.parametrize("bad", [None, b"bytes", 3, ["ok", None], [b"x"]])
    def test_reference_type(self, bad):
        with pytest.raises(TypeError, match=r"^ref\b"):  # the parameter's name
            rouge_n(bad, "cand")

    @pytest.mark.parametrize("bad", [None, b"bytes", ["list"], 1.5])
    def test_candidate_type(self, bad):
        with pytest.raises(TypeError, match=r"^cand\b"):
            rouge_l("ref", bad)

    def test_empty_reference_list(self):
        with pytest.raises(ValueError, match="ref is empty"):
            rouge_n([], "cand")

    @pytest.mark.parametrize("n, exc", [(0, ValueError), (-1, ValueError), (1.0, TypeError), (True, TypeError)])
    def test_n(self, n, exc):
        with pytest.raises(exc, match="n must be"):
            rouge_n("a", "a", n=n)

    @pytest.mark.parametrize("opts, match", [
        ({"multi_ref": "mean"}, "unknown multi_ref"),
        ({"backend": "cuda"}, "unknown backend"),
        ({"tokenizer": "spacy"}, "unknown tokenizer"),
        ({"tokenizer": 42}, "tokenizer must be"),
        ({"alpha": 1.5}, "alpha must be in"),
        ({"alpha": "0.5"}, "alpha must be a number"),
        ({"stemmer": "yes"}, "stemmer must be bool"),
        ({"colour": "red"}, "colour"),
    ])
    def test_options(self, opts, match):
        with pytest.raises((TypeError, ValueError), match=match):
            rouge_l("a", "a", **opts)

    def test_metric_parameters(self):
        with pytest.raises(ValueError, match="max_skip must be >= 0"):
            rouge_s("a", "a", max_skip=-1)
        with pytest.raises(TypeError, match="max_skip must be an int"):
            rouge_su("a", "a", max_skip=2.5)
        with pytest.raises(ValueError, match=r"weight must be in \[1, 4\]"):
            rouge_w("a", "a", weight=0.5)
        with pytest.raises(TypeError, match="weight must be a number"):
            rouge_w("a", "a", weight="1.2")

    def test_lcs_length_input(self):
        with pytest.raises(TypeError, match="lcs_length"):
            textmetrics.lcs_length(None, [1])
        with pytest.raises(TypeError, match="lcs_length"):
            textmetrics.lcs_length([1], 5)


def test_lcs_length_on_any_hashables():
    assert textmetrics.lcs_length("ABCBDAB", "BDCABA") == 4  # CLRS example
    assert textmetrics.lcs_length(["x", 1, (2, 3)], [1, (2, 3), "x"]) == 2
    assert textmetrics.lcs_length([], [1, 2]) == 0
    assert textmetrics.lcs_length("ABCBDAB", "BDCABA", backend="python") == 4


# ------------------------------------------------------------------------------------------- signatures

SIG_REFS = ["The cats sat on the mat.\nIt was happy.", "A cat was sitting on a mat."]
SIG_CAND = "The cat sat on a mat.\nIt was glad."
VERSION = f"version:textmetrics-{textmetrics.__version__}"

# (single-pair function, its metric-specific options, the registry name the corpus API is given)
SINGLE_PAIR = [
    (rouge_n, {}, "rouge1"),
    (rouge_n, {"n": 2}, "rouge2"),
    (rouge_n, {"n": 9}, "rouge9"),
    (rouge_l, {}, "rougeL"),
    (rouge_lsum, {}, "rougeLsum"),
    (rouge_w, {}, "rougeW"),
    (rouge_w, {"weight": 1.5}, "rougeW-1.5"),
    (rouge_w, {"weight": 2.0}, "rougeW-2"),
    (rouge_w, {"weight": 1.0000001}, "rougeW-1.0000001"),  # %g would round it to 1: never claimed
    (rouge_s, {}, "rougeS4"),
    (rouge_s, {"max_skip": 0}, "rougeS0"),
    (rouge_s, {"max_skip": None}, "rougeS*"),
    (rouge_su, {}, "rougeSU4"),
    (rouge_su, {"max_skip": 9}, "rougeSU9"),
    (rouge_su, {"max_skip": None}, "rougeSU*"),
]
OPTION_SETS = [
    {},
    {"stemmer": True},
    {"tokenizer": "whitespace"},
    {"tokenizer": "unicode", "alpha": 0.25},
    {"tokenizer": str.split},
    {"alpha": 1.0, "multi_ref": "average"},
    {"alpha": 0.1234567},  # %g would round it to 0.123457: never claimed
    {"stemmer": True, "multi_ref": "best_recall"},
]


@pytest.mark.parametrize("function, params, name", SINGLE_PAIR, ids=[s[2] for s in SINGLE_PAIR])
@pytest.mark.parametrize("options", OPTION_SETS, ids=str)
@pytest.mark.parametrize("n_refs", [1, 2])
def test_single_pair_signature_is_the_corpus_signature(function, params, name, options, n_refs):
    ref = SIG_REFS[0] if n_refs == 1 else SIG_REFS
    score = function(ref, SIG_CAND, **params, **options)
    corpus = textmetrics.rouge([ref], [SIG_CAND], name, **options)
    assert isinstance(score.signature, textmetrics.signature.Signature)
    assert score.signature == corpus.signature
    assert score.signature.fields == corpus.signature.fields and score.signature.head == name
    assert score == corpus.pair(0)[name]  # the same numbers under the same signature
    python = function(ref, SIG_CAND, **params, **options, backend="python")
    assert python.signature == score.signature  # the backend does not change the numbers


def test_signature_strings_by_hand():
    assert rouge_l(R, C).signature == f"rougeL|tok:default|stem:no|ref:best|alpha:0.5|{VERSION}"
    score = rouge_lsum(SIG_REFS, SIG_CAND, stemmer=True, alpha=0.25, multi_ref="average")
    assert score.signature == f"rougeLsum|tok:default|stem:yes|ref:average|alpha:0.25|{VERSION}"
    assert score.signature.fields == {"tok": "default", "stem": True, "ref": "average", "alpha": "0.25",
                                      "version": VERSION.partition(":")[2]}
    assert rouge_su(R, C, max_skip=None, tokenizer=str.split, alpha=1).signature == \
        f"rougeSU*|tok:custom|stem:no|ref:best|alpha:1|{VERSION}"
    assert rouge_w(R, C, weight=1.5, tokenizer="whitespace").signature == \
        f"rougeW-1.5|tok:whitespace|stem:no|ref:best|alpha:0.5|{VERSION}"
    assert rouge_n(R, C, n=3, multi_ref="best_recall").signature.startswith(
        "rouge3|tok:default|stem:no|ref:best_recall|alpha:0.5|")
    # one reference with multi_ref="average" records it as the corpus API does (averaging one is the identity)
    assert rouge_n(R, C, multi_ref="average").signature == textmetrics.rouge([R], [C], "rouge1",
                                                                             multi_ref="average").signature
    assert "|ref:average|" in rouge_n(R, C, multi_ref="average").signature


def test_a_refused_setting_gives_no_signature():
    with pytest.raises(ValueError, match="stemmer=True with tokenizer"):
        rouge_l(R, C, stemmer=True, tokenizer="whitespace")


def test_score_stays_a_three_tuple():
    rouge_score_scoring = pytest.importorskip("rouge_score.scoring")
    score = rouge_l(R, C)
    p, r, f = score
    assert (p, r, f) == (0.6, 0.5, 0.5454545454545454)
    assert len(score) == 3 and isinstance(score, tuple) and tuple(score) == (p, r, f)
    assert score == (p, r, f) == Score(p, r, f) == rouge_score_scoring.Score(p, r, f)
    assert rouge_score_scoring.Score(p, r, f) == score
    assert hash(score) == hash((p, r, f))
    assert repr(score) == "Score(precision=0.6, recall=0.5, fmeasure=0.5454545454545454)"
    assert score._fields == ("precision", "recall", "fmeasure") and score._asdict() == {
        "precision": p, "recall": r, "fmeasure": f}
    assert score[2] == score.fmeasure == f and score[:2] == (p, r)
    # the signature is not part of the tuple: equal numbers are equal scores whatever their settings
    assert rouge_l(R, C, alpha=0.5) == rouge_lsum(R, C) and rouge_l(R, C).signature != rouge_lsum(R, C).signature
    replaced = score._replace(fmeasure=0.0)
    assert type(replaced) is Score and replaced == (p, r, 0.0)
    assert replaced.signature is None  # edited numbers: no setting is claimed for them
    assert score.signature is not None  # the original keeps its own


def test_user_built_scores():
    for score in (Score(0.1, 0.2, 0.3), Score(precision=0.1, recall=0.2, fmeasure=0.3), Score._make([0.1, 0.2, 0.3])):
        assert score == (0.1, 0.2, 0.3) and score.signature is None
        assert repr(score) == "Score(precision=0.1, recall=0.2, fmeasure=0.3)"
    given = Score(0.1, 0.2, 0.3, signature=rouge_l(R, C).signature)
    assert given.signature == rouge_l(R, C).signature and given == (0.1, 0.2, 0.3)
    with pytest.raises(TypeError):
        Score(0.1, 0.2)
    with pytest.raises(TypeError):
        Score(0.1, 0.2, 0.3, "a signature, positionally")  # keyword-only: Score stays a 3-field tuple


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_pickling_and_copying_keep_the_signature(protocol):
    score = rouge_su(SIG_REFS, SIG_CAND, stemmer=True, alpha=0.3, multi_ref="average")
    for back in (pickle.loads(pickle.dumps(score, protocol)), copy.copy(score), copy.deepcopy(score)):
        assert type(back) is Score and back == score
        assert back.signature == score.signature
        assert isinstance(back.signature, textmetrics.signature.Signature)
        assert back.signature.fields == score.signature.fields
    plain = pickle.loads(pickle.dumps(Score(0.1, 0.2, 0.3), protocol))
    assert plain == (0.1, 0.2, 0.3) and plain.signature is None
