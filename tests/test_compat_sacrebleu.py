"""textmetrics.compat.sacrebleu against sacrebleu 2.6.0 itself, with ==.

Expected values come from running sacrebleu in the test, on the WMT21 data and on Hypothesis-generated corpora.
Signatures are compared without their version field (sacrebleu's says 2.6.0, ours textmetrics').
"""
from __future__ import annotations

import json
import logging

import numpy as np
import pytest
from hypothesis import given, settings
from shared_data import shared_path
from hypothesis import strategies as st

from textmetrics._version import __version__
from textmetrics.compat import sacrebleu as ours

real = pytest.importorskip("sacrebleu")

TOKENIZERS = ("13a", "intl", "char", "zh", "none")
SMOOTHINGS = ("exp", "floor", "add-k", "none")
VERSION_FIELD = f"version:textmetrics-{__version__}"


def assert_same(mine, theirs) -> None:
    """Every field of a sacrebleu BLEUScore, and its text forms."""
    assert type(mine.counts) is list and type(mine.precisions) is list
    assert mine.score == theirs.score
    assert mine.counts == theirs.counts
    assert mine.totals == theirs.totals
    assert mine.precisions == theirs.precisions
    assert mine.bp == theirs.bp
    assert (mine.sys_len, mine.ref_len, mine.ratio) == (theirs.sys_len, theirs.ref_len, theirs.ratio)
    assert (mine._mean, mine._ci) == (theirs._mean, theirs._ci)
    assert str(mine) == str(theirs)
    assert mine.format(width=4, signature="x") == theirs.format(width=4, signature="x")
    assert mine.format(score_only=True) == theirs.format(score_only=True)


def without_version(signature: str) -> str:
    return "|".join(part for part in signature.split("|") if not part.startswith(("version:", "v:")))


def assert_same_signature(mine, theirs) -> None:
    """Two metric objects' signatures, long and short, apart from the version."""
    long, short = str(mine.get_signature()), mine.get_signature().format(short=True)
    assert long.endswith(VERSION_FIELD) and short.endswith(f"v:textmetrics-{__version__}")
    assert without_version(long) == without_version(str(theirs.get_signature()))
    assert without_version(short) == without_version(theirs.get_signature().format(short=True))


# ------------------------------------------------------------------------------------------------ WMT21

@pytest.fixture(scope="module")
def wmt21():
    base = shared_path("data", "wmt21")

    def read(path):
        return path.read_text(encoding="utf-8").splitlines()

    data = {}
    for pair, ref_ids, systems in (("en-de", "ACD", ("Online-W", "UEdin")),
                                   ("de-en", "AB", ("Online-A", "Facebook-AI", "happypoet"))):
        target = pair[-2:]
        refs = [read(base / "references" / f"newstest2021.{pair}.ref.{k}.{target}") for k in ref_ids]
        hyps = {s: read(base / "system-outputs" / f"newstest2021.{pair}.hyp.{s}.{target}") for s in systems}
        data[pair] = refs, hyps
    return data


@pytest.mark.parametrize("pair", ["en-de", "de-en"])
def test_wmt21_systems_with_cached_references(wmt21, pair):
    refs, systems = wmt21[pair]
    theirs, mine = real.BLEU(references=refs), ours.BLEU(references=refs)
    assert_same_signature(mine, theirs)
    for hyps in list(systems.values())[:2]:
        assert_same(mine.corpus_score(hyps), theirs.corpus_score(hyps, None))
        assert_same_signature(mine, theirs)


def test_wmt21_corpus_bleu_defaults(wmt21):
    refs, systems = wmt21["de-en"]
    hyps = systems["happypoet"]
    assert_same(ours.corpus_bleu(hyps, refs), real.corpus_bleu(hyps, refs))


@pytest.mark.parametrize(("options"), [
    {"tokenize": "intl", "lowercase": True},
    {"tokenize": "char", "smooth_method": "floor", "smooth_value": 0.5},
    {"tokenize": "zh", "smooth_method": "add-k", "use_effective_order": True},
    {"tokenize": "none", "smooth_method": "none"},
    {"smooth_method": "add-k", "smooth_value": 0.5, "lowercase": True},
])
def test_wmt21_corpus_bleu_options(wmt21, options):
    refs, systems = wmt21["de-en"]
    refs, hyps = [r[:300] for r in refs], systems["Online-A"][:300]
    # a missing reference in some segments: nrefs:var
    refs[1] = [None if i % 3 == 0 else line for i, line in enumerate(refs[1])]
    assert_same(ours.corpus_bleu(hyps, refs, **options), real.corpus_bleu(hyps, refs, **options))
    theirs = real.BLEU(**{k.replace("use_", ""): v for k, v in options.items()})
    mine = ours.BLEU(**{k.replace("use_", ""): v for k, v in options.items()})
    assert_same(mine.corpus_score(hyps, refs), theirs.corpus_score(hyps, refs))
    assert_same_signature(mine, theirs)


def test_wmt21_raw_corpus_bleu_and_max_order(wmt21):
    refs, systems = wmt21["en-de"]
    refs, hyps = [r[:300] for r in refs], systems["UEdin"][:300]
    assert_same(ours.raw_corpus_bleu(hyps, refs), real.raw_corpus_bleu(hyps, refs))
    assert_same(ours.raw_corpus_bleu(hyps, refs, 0.3), real.raw_corpus_bleu(hyps, refs, 0.3))
    for order in (2, 6):
        theirs, mine = real.BLEU(max_ngram_order=order), ours.BLEU(max_ngram_order=order)
        assert_same(mine.corpus_score(hyps, refs), theirs.corpus_score(hyps, refs))


@pytest.mark.parametrize("seed", [None, "7"])
def test_wmt21_bootstrap(wmt21, monkeypatch, seed):
    refs, systems = wmt21["de-en"]
    hyps = systems["Facebook-AI"]
    if seed is not None:
        monkeypatch.setenv("SACREBLEU_SEED", seed)
    theirs, mine = real.BLEU(), ours.BLEU()
    expected = theirs.corpus_score(hyps, refs, n_bootstrap=1000)
    got = mine.corpus_score(hyps, refs, n_bootstrap=1000)
    assert_same(got, expected)  # includes _mean and _ci, bit for bit
    assert (got.mean, got.ci) == (expected._mean, expected._ci)
    assert_same_signature(mine, theirs)  # bs:1000|seed:...
    signature = str(mine.get_signature())
    assert json.loads(got.format(is_json=True, signature=signature)) == {
        **json.loads(expected.format(is_json=True, signature=str(theirs.get_signature()))),
        "signature": signature, "version": VERSION_FIELD.split(":")[1]}


def test_unseeded_bootstrap_is_recorded_in_the_signature(wmt21, monkeypatch):
    refs, systems = wmt21["de-en"]
    monkeypatch.setenv("SACREBLEU_SEED", "None")
    metric = ours.BLEU()
    score = metric.corpus_score(systems["happypoet"], refs, n_bootstrap=50)
    assert score.mean > 0 and score.ci >= 0
    assert "bs:50|seed:none|" in str(metric.get_signature())


def test_wmt21_sentence_bleu(wmt21):
    refs, systems = wmt21["en-de"]
    hyps = systems["Online-W"]
    for i in range(0, 1000, 10):
        segment_refs = [stream[i] for stream in refs]
        assert_same(ours.sentence_bleu(hyps[i], segment_refs), real.sentence_bleu(hyps[i], segment_refs))
    for options in ({"smooth_method": "floor"}, {"use_effective_order": False, "lowercase": True}):
        assert_same(ours.sentence_bleu(hyps[5], segment_refs, **options),
                    real.sentence_bleu(hyps[5], segment_refs, **options))


# ---------------------------------------------------------------------------------- generated corpora

WORDS = ["the", "The", "cat", "cats", "sat", "on", "mat", ".", ",", "!", "a", "A", "5", "-", "5-6", "U.S.", "&amp;",
         "“quoted”", "猫", "é", "It's", "2019.", "ÉTÉ"]
text = st.one_of(st.lists(st.sampled_from(WORDS), max_size=10).map(" ".join),
                 st.text(alphabet="aAb .,-5&é猫\n\t", max_size=15))


@st.composite
def corpora(draw):
    """(hypotheses, reference streams): 1-4 segments, 1-3 streams, None for some missing references."""
    n, k = draw(st.integers(1, 4)), draw(st.integers(1, 3))
    hyps = draw(st.lists(text, min_size=n, max_size=n))
    streams = [draw(st.lists(st.none() | text, min_size=n, max_size=n)) for _ in range(k)]
    for i in range(n):  # every segment keeps a reference
        if all(stream[i] is None for stream in streams):
            streams[0][i] = draw(text)
    return hyps, streams


options = st.fixed_dictionaries({
    "tokenize": st.sampled_from(TOKENIZERS),
    "lowercase": st.booleans(),
    "smooth_method": st.sampled_from(SMOOTHINGS),
    "smooth_value": st.sampled_from([None, 0, 0.01, 0.5, 1, 2]),
    "effective_order": st.booleans(),
    "max_ngram_order": st.integers(1, 5),
})


@settings(max_examples=150, deadline=None)
@given(corpora(), options, st.sampled_from([1, 2, 41, 100]))
def test_bleu_class_matches_sacrebleu(corpus, opts, n_bootstrap):
    hyps, streams = corpus
    theirs, mine = real.BLEU(**opts), ours.BLEU(**opts)
    assert_same(mine.corpus_score(hyps, streams, n_bootstrap=n_bootstrap),
                theirs.corpus_score(hyps, streams, n_bootstrap=n_bootstrap))
    assert_same_signature(mine, theirs)
    segment_refs = [stream[0] for stream in streams]
    assert_same(mine.sentence_score(hyps[0], segment_refs), theirs.sentence_score(hyps[0], segment_refs))
    assert_same_signature(mine, theirs)
    cached_theirs, cached_mine = real.BLEU(references=streams, **opts), ours.BLEU(references=streams, **opts)
    assert_same(cached_mine.corpus_score(hyps), cached_theirs.corpus_score(hyps, None))
    assert_same_signature(cached_mine, cached_theirs)


@settings(max_examples=100, deadline=None)
@given(corpora(), options, st.booleans())
def test_functions_match_sacrebleu(corpus, opts, force):
    hyps, streams = corpus
    kwargs = {"smooth_method": opts["smooth_method"], "smooth_value": opts["smooth_value"],
              "lowercase": opts["lowercase"], "tokenize": opts["tokenize"],
              "use_effective_order": opts["effective_order"]}
    assert_same(ours.corpus_bleu(hyps, streams, force=force, **kwargs),
                real.corpus_bleu(hyps, streams, force=force, **kwargs))
    segment_refs = [stream[-1] for stream in streams]
    assert_same(ours.sentence_bleu(hyps[-1], segment_refs, **kwargs),
                real.sentence_bleu(hyps[-1], segment_refs, **kwargs))
    assert_same(ours.raw_corpus_bleu(hyps, streams, opts["smooth_value"]),
                real.raw_corpus_bleu(hyps, streams, opts["smooth_value"]))


# ------------------------------------------------------------------------------- sacrebleu behaviours

def test_tokenizer_from_trg_lang_and_advice(caplog):
    hyps, refs = ["猫坐在垫子上。"], [["猫坐在垫子上了。"]]
    for trg_lang in ("zh", "de", ""):
        theirs, mine = real.BLEU(trg_lang=trg_lang), ours.BLEU(trg_lang=trg_lang)
        assert_same(mine.corpus_score(hyps, refs), theirs.corpus_score(hyps, refs))
        assert_same_signature(mine, theirs)
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        ours.BLEU(trg_lang="zh", tokenize="13a")
        ours.BLEU(trg_lang="ko", tokenize="char")
    assert [r.getMessage() for r in caplog.records] == ["Consider using the 'zh' or 'spm' tokenizer for Chinese.",
                                                        "Consider using the 'ko-mecab' or 'spm' tokenizer for Korean."]
    for trg_lang in ("ja", "ko"):  # sacrebleu needs MeCab here; textmetrics has no MeCab tokenizer
        with pytest.raises(ValueError, match="MeCab"):
            ours.BLEU(trg_lang=trg_lang)


def test_force_and_effective_order_warnings(caplog):
    hyps = ["a tokenized line ."] * 100
    refs = [["a tokenized line."] * 100]
    with caplog.at_level(logging.WARNING):
        assert_same(ours.corpus_bleu(hyps, refs), real.corpus_bleu(hyps, refs))
    ours_messages = [r.getMessage() for r in caplog.records if r.name == "textmetrics.compat.sacrebleu"]
    theirs_messages = [r.getMessage() for r in caplog.records if r.name == "sacrebleu"]
    assert ours_messages == theirs_messages and len(ours_messages) == 3
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        ours.corpus_bleu(hyps, refs, force=True)
        ours.corpus_bleu(hyps[:99], [refs[0][:99]])
        ours.BLEU(effective_order=True).sentence_score(hyps[0], refs[0][:1])
    assert caplog.records == []
    with caplog.at_level(logging.WARNING):
        ours.BLEU().sentence_score(hyps[0], refs[0][:1])
    assert [r.getMessage() for r in caplog.records] == [
        "It is recommended to enable `effective_order` for sentence-level BLEU."]


def test_smooth_value_is_ignored_by_exp_and_none():
    hyps, refs = ["the cat sat on a mat"], [["the cat sat on the mat"]]
    for method in ("exp", "none"):
        theirs = real.BLEU(smooth_method=method, smooth_value=7)
        mine = ours.BLEU(smooth_method=method, smooth_value=7)
        assert_same(mine.corpus_score(hyps, refs), theirs.corpus_score(hyps, refs))
        assert_same_signature(mine, theirs)


def test_reference_cache_tokenizes_references_once(monkeypatch):
    import textmetrics.compat.sacrebleu.metrics.bleu as module

    built = []
    original = module.BleuScorer
    monkeypatch.setattr(module, "BleuScorer", lambda refs, **kw: built.append(refs) or original(refs, **kw))
    refs = [["the cat is on the mat", "a dog"], ["there is a cat on the mat", None]]
    metric = ours.BLEU(references=refs)
    assert built == [[["the cat is on the mat", "there is a cat on the mat"], ["a dog"]]]
    for hyps in (["the cat sat on the mat", "a dog barked"], ["a cat", "dog"]):
        assert_same(metric.corpus_score(hyps), real.BLEU(references=refs).corpus_score(hyps, None))
    assert len(built) == 1  # the references were tokenized and counted once


def test_statistics_are_not_shared_between_calls():
    metric = ours.BLEU(smooth_method="add-k")
    first = metric.corpus_score(["a b c"], [["a b d"]])
    second = metric.corpus_score(["a b c"], [["a b d"]])
    assert first.counts == second.counts == [2, 2, 1, 1]


def test_signature_before_evaluation_and_missing_references():
    with pytest.raises(ValueError, match="Number of references unknown"):
        ours.BLEU().get_signature()
    with pytest.raises(ValueError, match="Number of references unknown"):
        real.BLEU().get_signature()
    with pytest.raises(RuntimeError, match="cache is empty"):  # sacrebleu's exception, kept for drop-in code
        ours.BLEU().corpus_score(["a"], None)


@pytest.mark.parametrize(("call", "error", "match"), [
    # sacrebleu scores these silently (strings are sequences of characters; zip truncates)
    (lambda: ours.corpus_bleu(["a b", "c"], ["a b", "c"]), TypeError, r"pass \[refs\]"),
    (lambda: ours.corpus_bleu(["a b"], "a b"), TypeError, "reference streams"),
    (lambda: ours.corpus_bleu("a b", [["a b"]]), TypeError, "got a str"),
    (lambda: ours.corpus_bleu(["a", "b"], [["a"]]), ValueError, "parallel"),
    (lambda: ours.corpus_bleu(["a", "b"], [["a", "b"], ["a"]]), ValueError, "differ in length"),
    # sacrebleu raises, with other types or messages
    (lambda: ours.sentence_bleu("a b", "a b"), TypeError, "list of reference strings"),
    (lambda: ours.sentence_bleu("a b", []), ValueError, "empty"),
    (lambda: ours.sentence_bleu("a b", [None]), ValueError, "no reference"),
    (lambda: ours.corpus_bleu(["a", None], [["a", "b"]]), TypeError, r"hypotheses\[1\] must be str"),
    (lambda: ours.corpus_bleu(["a", "b"], [["a", 3]]), TypeError, r"references\[0\]\[1\] must be str"),
    (lambda: ours.corpus_bleu(["a", "b"], [["a", None], [None, None]]), ValueError, "segment 1 has no reference"),
    (lambda: ours.corpus_bleu([], [[]]), ValueError, "empty"),
    (lambda: ours.BLEU().corpus_score(["a"], []), ValueError, "empty"),
    (lambda: ours.BLEU().corpus_score(["a"], [["a"]], n_bootstrap=0), ValueError, "n_bootstrap"),
    (lambda: ours.corpus_bleu(["a"], [["a"]], tokenize="xx"), ValueError, "unknown tokenizer"),
    (lambda: ours.corpus_bleu(["a"], [["a"]], tokenize="spm"), ValueError, "SentencePiece"),
    (lambda: ours.corpus_bleu(["a"], [["a"]], smooth_method="method1"), ValueError, "smooth_method"),
    (lambda: ours.corpus_bleu(["a"], [["a"]], smooth_method="floor", smooth_value=-1), ValueError, ">= 0"),
    (lambda: ours.BLEU(max_ngram_order=0), ValueError, "max_order"),
])
def test_clear_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


# ---------------------------------------------------------------------------- sacrebleu 2.6.0's namespaces

def test_namespaces_and_version():
    import textmetrics
    from textmetrics.compat.sacrebleu import compat, metrics, significance
    from textmetrics.compat.sacrebleu.metrics import bleu as bleu_module

    assert ours.__version__ == real.__version__ == "2.6.0"
    assert textmetrics.__version__ == __version__ and VERSION_FIELD.endswith(__version__)
    assert ours.BLEU is metrics.BLEU is bleu_module.BLEU and ours.BLEUScore is bleu_module.BLEUScore
    assert metrics.METRICS == {"BLEU": ours.BLEU}
    assert (compat.corpus_bleu, compat.sentence_bleu, compat.raw_corpus_bleu) == (
        ours.corpus_bleu, ours.sentence_bleu, ours.raw_corpus_bleu)
    assert significance.PairedTest and significance.Result and significance.estimate_ci
    for name in ("corpus_bleu", "raw_corpus_bleu", "sentence_bleu", "BLEU", "extract_word_ngrams",
                 "extract_char_ngrams", "__version__"):
        assert name in real.__all__ and hasattr(ours, name)
    for name in ("CHRF", "TER", "corpus_chrf", "DATASETS", "download_test_set"):
        with pytest.raises(AttributeError, match="chrF and TER|out of scope"):
            getattr(ours, name)
    with pytest.raises(AttributeError, match="not wired"):
        metrics.CHRF  # noqa: B018


def test_tokenizer_attribute():
    for tok in TOKENIZERS:
        mine, theirs = ours.BLEU(tokenize=tok), real.BLEU(tokenize=tok)
        assert mine.tokenizer.signature() == theirs.tokenizer.signature() == mine.tokenizer_signature
        for line in ("The U.S.A. won 1,000.5 points (end 2019).", "“quoted” — dash… €5 +x", "猫坐在垫子上。 &amp;"):
            assert mine.tokenizer(line) == theirs.tokenizer(line)
            assert mine._preprocess_segment(line + "  ") == theirs._preprocess_segment(line + "  ")


numbers = st.integers(0, 30)


@settings(max_examples=400, deadline=None)
@given(st.integers(1, 5).flatmap(lambda n: st.tuples(st.lists(numbers, min_size=n, max_size=n),
                                                     st.lists(numbers, min_size=n, max_size=n), st.just(n))),
       numbers, numbers, st.sampled_from(SMOOTHINGS), st.sampled_from([None, 0, 0.01, 0.5, 1, 2]), st.booleans(),
       st.sampled_from(["int", "float32", "int64"]))
def test_compute_bleu_matches_sacrebleu(stats, sys_len, ref_len, smooth, value, effective, kind):
    correct, total, n = stats
    correct = [min(c, t) for c, t in zip(correct, total)]
    if kind != "int":  # as sacrebleu's bootstrap (float32 sums) and randomization test (int64 rows) give them
        correct, total = np.array(correct, dtype=kind), np.array(total, dtype=kind)
    args = (correct, total, sys_len, ref_len)
    kwargs = {"smooth_method": smooth, "smooth_value": value, "effective_order": effective, "max_ngram_order": n}
    expected = real.BLEU.compute_bleu(*(_copy(a) for a in args), **kwargs)
    got = ours.BLEU.compute_bleu(*args, **kwargs)
    assert got.score == expected.score and type(got.score) is type(expected.score)
    assert list(got.counts) == list(expected.counts) and list(got.totals) == list(expected.totals)
    assert got.precisions == expected.precisions
    assert [type(p) for p in got.precisions] == [type(p) for p in expected.precisions]
    assert (got.bp, got.sys_len, got.ref_len) == (expected.bp, expected.sys_len, expected.ref_len)
    assert str(got) == str(expected)
    assert list(args[0]) == list(correct) and list(args[1]) == list(total)  # ours never modifies its arguments


def _copy(value):
    return value.copy() if isinstance(value, (list, np.ndarray)) else value


def test_compute_bleu_defaults_and_errors():
    mine = ours.BLEU.compute_bleu([9, 7, 5, 3], [10, 8, 6, 4], 11, 11)
    theirs = real.BLEU.compute_bleu([9, 7, 5, 3], [10, 8, 6, 4], 11, 11)
    assert mine.score == theirs.score and str(mine) == str(theirs)  # smooth_method="none" by default
    with pytest.raises(AssertionError):
        real.BLEU.compute_bleu([1], [1], 1, 1, smooth_method="xx", max_ngram_order=1)
    for call in (lambda: ours.BLEU.compute_bleu([1], [1], 1, 1, smooth_method="xx", max_ngram_order=1),
                 lambda: ours.BLEU(smooth_method="xx")):
        with pytest.raises(AssertionError, match="smooth_method") as raised:
            call()
        assert isinstance(raised.value, ValueError)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(0, 100), min_size=1, max_size=60))
def test_estimate_ci(values):
    from sacrebleu import significance as real_significance
    from sacrebleu.metrics.base import Score as RealScore

    from textmetrics.compat.sacrebleu import significance
    from textmetrics.compat.sacrebleu.metrics.base import Score

    array = np.array(values)
    assert significance.estimate_ci(array.copy()) == real_significance.estimate_ci(array.copy())
    mine, theirs = Score("X", 1.0), RealScore("X", 1.0)
    mine.estimate_ci([Score("X", v) for v in values])
    theirs.estimate_ci([RealScore("X", v) for v in values])
    assert (mine._mean, mine._ci) == (theirs._mean, theirs._ci)
    mine.score = theirs.score = 12.5
    assert mine.format(width=3) == theirs.format(width=3) and repr(mine) == repr(theirs)


@settings(max_examples=200, deadline=None)
@given(text, st.integers(1, 6), st.booleans(), st.integers(1, 3))
def test_ngram_helpers(line, n, whitespace, low):
    from sacrebleu.metrics import helpers as real_helpers

    from textmetrics.compat.sacrebleu.metrics import helpers

    tokens = line.split()
    assert ours.extract_word_ngrams(tokens, n) == real.extract_word_ngrams(tokens, n)
    assert ours.extract_char_ngrams(line, n, whitespace) == real.extract_char_ngrams(line, n, whitespace)
    assert ours.extract_char_ngrams(line, n) == real.extract_char_ngrams(line, n)
    assert helpers.extract_all_char_ngrams(line, n, whitespace) == real_helpers.extract_all_char_ngrams(
        line, n, whitespace)
    assert helpers.extract_all_word_ngrams(line, low, n) == real_helpers.extract_all_word_ngrams(line, low, n)


# ------------------------------------------------------------------------------------ paired significance

def _paired(module, systems, refs, options, test_type, n_samples, n_ar_confidence, cached):
    metric = module.metrics.BLEU(references=refs if cached else None, **options)
    second = module.metrics.BLEU(references=refs if cached else None, tokenize="char", lowercase=True)
    test = module.significance.PairedTest(systems, {"BLEU": metric, "chars": second},
                                          references=None if cached else refs, test_type=test_type,
                                          n_samples=n_samples, n_ar_confidence=n_ar_confidence)
    signatures, scores = test()
    return {k: str(v) for k, v in signatures.items()}, {k: [repr(r) for r in v] for k, v in scores.items()}


def _same_paired(systems, refs, options, test_type, n_samples, n_ar_confidence=-1, cached=True):
    import sacrebleu.significance  # noqa: F401 - the real package's module, for _paired

    import textmetrics.compat.sacrebleu.significance  # noqa: F401

    mine = _paired(ours, systems, refs, options, test_type, n_samples, n_ar_confidence, cached)
    theirs = _paired(real, systems, refs, options, test_type, n_samples, n_ar_confidence, cached)
    assert mine[1] == theirs[1]  # every score, p-value, mean and ci, printed in full (repr of each Result)
    assert {k: without_version(v) for k, v in mine[0].items()} == {k: without_version(v)
                                                                  for k, v in theirs[0].items()}
    return mine


@pytest.mark.parametrize(("test_type", "n_samples", "n_ar_confidence"), [("bs", 300, -1), ("ar", 500, -1),
                                                                         ("ar", 200, 0), ("bs", 0, 5)])
def test_wmt21_paired_tests(wmt21, monkeypatch, test_type, n_samples, n_ar_confidence):
    refs, systems = wmt21["de-en"]
    named = [(name, hyps[:400]) for name, hyps in systems.items()]
    refs = [stream[:400] for stream in refs]
    _, scores = _same_paired(named, refs, {}, test_type, n_samples, n_ar_confidence)
    assert scores["System"] == [repr(name) for name, _ in named]
    monkeypatch.setenv("SACREBLEU_SEED", "3")
    _same_paired(named[:2], refs, {"smooth_method": "add-k", "smooth_value": 0.5}, test_type, n_samples,
                 n_ar_confidence, cached=False)


@settings(max_examples=40, deadline=None)
@given(corpora(), corpora(), options, st.sampled_from(["ar", "bs"]), st.sampled_from([-1, 3]))
def test_paired_tests_match_sacrebleu(corpus, other, opts, test_type, n_ar_confidence):
    hyps, streams = corpus
    others = (other[0] * len(hyps))[:len(hyps)]
    named = [("base", hyps), ("other", others), ("same", list(hyps))]
    _same_paired(named, streams, opts, test_type, 30, n_ar_confidence, cached=True)


def test_paired_test_errors():
    with pytest.raises(AssertionError) as raised:
        ours.significance.PairedTest([("a", ["x"])], {"BLEU": ours.BLEU(references=[["x"]])}, None, test_type="xx")
    assert isinstance(raised.value, ValueError)
