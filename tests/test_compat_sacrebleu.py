"""textmetrics.compat.sacrebleu against sacrebleu 2.6.0 itself, with ==.

Expected values come from running sacrebleu in the test, on the WMT21 data and on Hypothesis-generated corpora.
Signatures are compared without their version field (sacrebleu's says 2.6.0, ours textmetrics').
"""
from __future__ import annotations

import json
import logging

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
