"""BleuScorer (references tokenized and counted once) and the compiled path of ``bleu``: the same numbers as the
reference implementation, as ``bleu`` and as sacrebleu 2.6.0, for any corpus, options, order of calls or threads."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import sacrebleu
from hypothesis import example, given, settings
from hypothesis import strategies as st

from shared_data import mt_corpora
from textmetrics.kernels import bleu as kernels
from textmetrics.reference import bleu as reference
from textmetrics.metrics.bleu import BleuScorer, _preprocess, bleu, bleu_statistics, warmup

TOKENIZERS = ("13a", "intl", "char", "zh", "none")
SMOOTHINGS = ("none", "floor", "add-k", "exp")

# A small vocabulary makes shared n-grams, clipping and partial matches common; a few tokens only candidates have.
WORDS = ["the", "The", "cat", "a", "mat", ".", ",", "5-6", "1,000.5", "Ä", "ä", "中文", "&amp;", "It's", "end",
         "2019.", "U.S.", "(b)", "\u00a0", "\n"]
text = st.lists(st.sampled_from(WORDS), max_size=10).map(" ".join)
references = st.lists(st.one_of(text, st.lists(text, min_size=1, max_size=4)), min_size=1, max_size=6)


def candidates_for(refs, data, extra=("zebra", "cat cat cat cat", "")):
    return data.draw(st.lists(st.one_of(text, st.sampled_from(extra)), min_size=len(refs), max_size=len(refs)))


def python_statistics(refs, cands, max_order, tokenizer="13a", lowercase=False):
    return bleu_statistics(refs, cands, max_order=max_order, tokenizer=tokenizer, lowercase=lowercase,
                           backend="python")


@settings(max_examples=250, deadline=None)
@given(refs=references, data=st.data(), max_order=st.sampled_from([4, 4, 1, 2, 3, 6]),
       tokenizer=st.sampled_from(TOKENIZERS), lowercase=st.booleans())
@example(refs=[""], data=None, max_order=4, tokenizer="13a", lowercase=False)
def test_statistics_equal_the_reference_implementation(refs, data, max_order, tokenizer, lowercase):
    scorer = BleuScorer(refs, max_order=max_order, tokenizer=tokenizer, lowercase=lowercase)
    systems = [candidates_for(refs, data) for _ in range(2)] if data is not None else [["the cat"], [""]]
    for cands in systems:
        expected = python_statistics(refs, cands, max_order, tokenizer, lowercase)
        np.testing.assert_array_equal(scorer.statistics(cands), expected)
        np.testing.assert_array_equal(bleu_statistics(refs, cands, max_order=max_order, tokenizer=tokenizer,
                                                      lowercase=lowercase), expected)


@settings(max_examples=150, deadline=None)
@given(refs=references, data=st.data(), smooth=st.sampled_from(SMOOTHINGS), effective_order=st.booleans(),
       smooth_value=st.sampled_from([None, 0.5, 2]), tokenizer=st.sampled_from(TOKENIZERS))
def test_score_equals_bleu(refs, data, smooth, effective_order, smooth_value, tokenizer):
    if smooth in ("none", "exp"):
        smooth_value = None
    scorer = BleuScorer(refs, tokenizer=tokenizer)
    cands = candidates_for(refs, data)
    options = dict(smooth_method=smooth, smooth_value=smooth_value, effective_order=effective_order)
    assert scorer.score(cands, **options) == bleu(refs, cands, tokenizer=tokenizer, **options)  # signature too


def test_oov_tokens_and_empty_references():
    refs = [["", ""], "a b c", ["a b", ""], "x"]
    cands = ["a b", "zzz a b zzz b c", "a b a b", "unknown words only"]
    expected = python_statistics(refs, cands, 4)
    np.testing.assert_array_equal(BleuScorer(refs).statistics(cands), expected)
    # a, b (clipped to 1), c; "a b", "b c"; nothing with "zzz", which no reference has
    assert expected[1].tolist() == [6, 3, 3, 2, 0, 0, 6, 5, 4, 3]


def test_one_scorer_many_systems_in_any_order():
    refs = [["The cat is on the mat.", "There is a cat on the mat."], "A dog.", ["It is 5-6.", "5 - 6"]]
    systems = [["The cat sat on the mat.", "A dog.", "It is 5-6."], ["the the the", "", "5 6"],
               ["There is a cat on the mat.", "a dog .", "It is 5 - 6."]]
    scorer = BleuScorer(refs)
    first = [scorer.score(s) for s in systems]
    again = [scorer.score(s) for s in reversed(systems)][::-1]
    assert first == again == [bleu(refs, s) for s in systems]
    assert len(scorer) == 3 and scorer.nrefs == "var"
    assert "3 segments" in repr(scorer)


def test_threads_do_not_change_results():
    refs = [[f"w{i} w{i + 1} w{i + 2} .", f"w{i + 1} w{i} ."] for i in range(300)]
    systems = [[f"w{i} w{(i * k) % 7} w{i + 2} ." for i in range(300)] for k in range(1, 9)]
    scorer = BleuScorer(refs)
    sequential = [scorer.statistics(s) for s in systems]
    with ThreadPoolExecutor(4) as pool:
        threaded = list(pool.map(scorer.statistics, systems))
    for a, b in zip(sequential, threaded, strict=True):
        np.testing.assert_array_equal(a, b)


def test_warmup_runs():
    warmup()


def test_kernel_checks_its_layout():
    ids = np.array([0, 1], dtype=np.int64)
    with pytest.raises(ValueError, match="at least one reference"):
        kernels.build(ids, np.array([0, 2], dtype=np.int64), np.array([0, 1, 1], dtype=np.int64), 4)
    tables = kernels.build(ids, np.array([0, 2], dtype=np.int64), np.array([0, 1], dtype=np.int64), 4)
    with pytest.raises(ValueError, match="2 candidates for 1 segments"):
        kernels.candidate_statistics(tables, ids, np.array([0, 1, 2], dtype=np.int64))


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: BleuScorer([]), ValueError, "empty"),
    (lambda: BleuScorer("a b"), TypeError, "list with one entry per segment"),
    (lambda: BleuScorer([["a"], []]), ValueError, r"references\[1\] is empty"),
    (lambda: BleuScorer([["a", 3]]), TypeError, r"references\[0\]\[1\] must be str"),
    (lambda: BleuScorer(["a"], tokenizer="spm"), ValueError, "unknown BLEU tokenizer"),
    (lambda: BleuScorer(["a"], max_order=0), ValueError, "max_order"),
    (lambda: BleuScorer(["a"], lowercase=1), TypeError, "lowercase must be bool"),
    (lambda: BleuScorer(["a", "b"]).score(["a"]), ValueError, "1 candidates for 2 segments"),
    (lambda: BleuScorer(["a"]).score("a"), TypeError, "list with one entry per segment"),
    (lambda: BleuScorer(["a"]).score([b"a"]), TypeError, r"candidates\[0\] must be str"),
    (lambda: BleuScorer(["a"]).score(["a"], smooth_method="method1"), ValueError, "NLTK"),
    (lambda: BleuScorer(["a"]).score(["a"], smooth_method="exp", smooth_value=1), ValueError, "smooth_value"),
    (lambda: BleuScorer(["a"]).statistics([None]), TypeError, r"candidates\[0\] must be str"),
])
def test_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()


# ----------------------------------------------------------------- corpora: in-repo MT sample, WMT21 volume

@pytest.mark.parametrize("corpus", mt_corpora())
def test_corpus_every_en_de_system(corpus):
    # every system's statistics against the Python tokenizer + the token-list counts; sacrebleu's score on two
    streams, per_segment, systems = corpus.streams("en-de"), corpus.per_segment("en-de"), corpus.systems("en-de")
    expected_shape = {"sample": (6, 200), "wmt21": (20, 1002)}[corpus.name]
    assert (len(systems), len(per_segment)) == expected_shape
    scorer = BleuScorer(per_segment)
    ref_tokens = [[_preprocess(r, "13a", False) for r in refs] for refs in per_segment]
    for k, (name, hyps) in enumerate(systems.items()):
        # the plain-Python reference counts two systems (it is slow); the kernel on Python-tokenized text the rest
        count = reference if k < 2 else kernels
        expected = count.corpus_statistics(ref_tokens, [_preprocess(h, "13a", False) for h in hyps], 4)
        np.testing.assert_array_equal(scorer.statistics(hyps), expected, err_msg=name)
        if k < 2:
            theirs = sacrebleu.corpus_bleu(hyps, streams)
            ours = scorer.score(hyps)
            assert (ours.score, list(ours.counts), list(ours.totals), ours.sys_len, ours.ref_len) == (
                theirs.score, theirs.counts, theirs.totals, theirs.sys_len, theirs.ref_len)
