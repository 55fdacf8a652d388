"""chrF / chrF++: exact parity with sacrebleu 2.6.0, kernel == reference, statistics API, errors.

Every expected score is computed by sacrebleu in the test itself (the literals quoted from
../shared/notes/chrf-ter-semantics.md are sacrebleu 2.6.0 outputs too, and are re-checked against sacrebleu here).
Data: the in-repo DialogSum summaries (src/textmetrics/data/dialogsum-summaries), the in-repo multi-reference MT
sample (tests/data/mt-sample), synthetic and hypothesis-generated text; the same corpus test runs on the WMT21
volume when ../shared/data/wmt21 is present.
"""
from __future__ import annotations

import itertools
import json
import sys
import unicodedata
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sacrebleu.metrics import CHRF

from shared_data import MT_PAIRS, MTCorpus, mt_corpora_present, mt_volume_placeholder
from textmetrics._version import __version__
from textmetrics.kernels import chrf as kernels
from textmetrics.metrics.chrf import (
    ChrfScore,
    chrf,
    chrf_from_statistics,
    chrf_statistics,
    sentence_chrf,
)
from textmetrics.reference import chrf as reference

REPO = Path(__file__).resolve().parents[1]
SUMMARIES = REPO / "src" / "textmetrics" / "data" / "dialogsum-summaries" / "summaries.jsonl"
VERSION = f"version:textmetrics-{__version__}"


@cache
def summaries() -> tuple[list[str], list[list[str]]]:
    """Hypotheses summary1, references [summary2, summary3] for the 40 in-repo dialogues."""
    rows = [json.loads(line) for line in SUMMARIES.read_text(encoding="utf-8").splitlines()]
    return [r["summary1"] for r in rows], [[r["summary2"], r["summary3"]] for r in rows]


def streams(references: list[list[str]]) -> list[list]:
    """sacrebleu's layout: one stream per reference position, None where a segment has fewer references."""
    width = max(len(r) for r in references)
    return [[r[k] if k < len(r) else None for r in references] for k in range(width)]


def sacre(hyps, refs, **options):
    return CHRF(**options).corpus_score(hyps, streams(refs))


def options_of(char_order=6, word_order=0, beta=2, lowercase=False, whitespace=False, eps_smoothing=False) -> dict:
    return {"char_order": char_order, "word_order": word_order, "beta": beta, "lowercase": lowercase,
            "whitespace": whitespace, "eps_smoothing": eps_smoothing}


def assert_same(ours: ChrfScore, theirs) -> None:
    assert ours.score == theirs.score
    assert ours.name == theirs.name
    assert str(ours) == str(theirs)
    assert ours.format(width=4) == theirs.format(width=4)


# ------------------------------------------------------------------------------- seed examples (notes §1)

NOTE_EXAMPLES = [
    # (hypothesis, references, options, sacrebleu's score quoted in the notes)
    ("The cat sat on the mat.", ["The cat is on the mat."], {}, 67.17273492330233),
    ("The cat sat on the mat.", ["The cat is on the mat."], {"word_order": 2}, 69.43695278069349),
    ("abcdefg", ["abcxefg"], {}, 32.06349206349206),
    ("abc", ["abcdef"], {}, 43.72623574144487),
    ("abc", ["abcdef"], {"eps_smoothing": True}, 21.736977619330563),
    ("abcdef", ["abc"], {}, 75.6578947368421),
    ("abcdef", ["abc"], {"eps_smoothing": True}, 37.12606837606838),
    ("ab", ["ab"], {"eps_smoothing": True}, 33.333333333333336),
    ("abcdef", ["abcdef"], {"eps_smoothing": True}, 100.0),
    ("x", ["y"], {}, 0.0),
    ("x", ["y"], {"eps_smoothing": True}, 1.0000000000000002e-14),
    ("the cat sat", ["the cat is"], {"beta": 0}, 52.070105820105816),
    ("the cat sat", ["the cat is"], {"beta": 1}, 56.388558393654485),
    ("the cat sat", ["the cat is"], {"beta": 1.5}, 58.246518205597766),
    ("the cat sat", ["the cat is"], {"beta": 3}, 60.39570998447038),
    ("a b c", ["abc"], {}, 100.0),
    ("a b c", ["abc"], {"whitespace": True}, 29.411764705882348),
    ("abc ", ["abc"], {"whitespace": True}, 89.84375),
    ("abc ", ["abc"], {}, 100.0),
    ("", ["abc"], {"eps_smoothing": True}, 5e-15),
    ("abc", [""], {"eps_smoothing": True}, 1.0000000000000002e-14),
    ("", [""], {}, 0.0),
    ("café", [unicodedata.normalize("NFD", "café")], {}, 37.73656898656898),
    ("我爱你", ["我爱他"], {}, 38.888888888888886),
    ("the cat", ["the dog", "a cat"], {}, 42.279411764705884),
]


@pytest.mark.parametrize(("hyp", "refs", "options", "expected"), NOTE_EXAMPLES)
def test_note_examples(hyp, refs, options, expected):
    theirs = CHRF(**options).sentence_score(hyp, refs)
    assert theirs.score == expected  # the quoted value is still what sacrebleu computes
    for backend in ("numba", "python"):
        ours = sentence_chrf(refs, hyp, backend=backend, **options)
        assert_same(ours, theirs)


NOTE_STATISTICS = [
    ("The cat sat on the mat.", "The cat is on the mat.", 0,
     [18, 17, 16, 17, 16, 13, 16, 15, 11, 15, 14, 9, 14, 13, 7, 13, 12, 5]),
    ("The cat sat on the mat.", "The cat is on the mat.", 2,
     [18, 17, 16, 17, 16, 13, 16, 15, 11, 15, 14, 9, 14, 13, 7, 13, 12, 5, 7, 7, 6, 6, 6, 4]),
    ("abc", "abcdef", 0, [3, 6, 3, 2, 5, 2, 1, 4, 1, 0, 3, 0, 0, 2, 0, 0, 1, 0]),
    ("abcdef", "abc", 0, [6, 3, 3, 5, 2, 2, 4, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
    ("", "abc", 0, [0, 3, 0, 0, 2, 0, 0, 1, 0] + [0] * 9),
    ("abc", "", 0, [0] * 18),
]


@pytest.mark.parametrize(("hyp", "ref", "word_order", "expected"), NOTE_STATISTICS)
def test_note_statistics(hyp, ref, word_order, expected):
    metric = CHRF(word_order=word_order)
    assert metric._extract_corpus_statistics([hyp], [[ref]]) == [expected]
    for backend in ("numba", "python"):
        assert chrf_statistics([ref], [hyp], word_order=word_order, backend=backend).tolist() == [expected]


def test_word_split_examples():
    # notes §1.4: at most one ASCII punctuation split per token, end before start, Unicode punctuation kept
    cases = {"(hi)": ["(hi", ")"], "hello!!": ["hello!", "!"], "'quoted'": ["'quoted", "'"], "...": ["..", "."],
             "U.S.": ["U.S", "."], "e.g.,": ["e.g.", ","], ",a,": [",a", ","], "-x": ["-", "x"], "x-": ["x", "-"],
             "a.b": ["a.b"], ".": ["."], "“hi”": ["“hi”"], "«word»": ["«word»"],
             '"Hi," he said.': ['"Hi,', '"', "he", "said", "."]}
    metric = CHRF(word_order=1)
    for text, expected in cases.items():
        assert reference.words(text) == expected == metric._remove_punctuation(text)
    hyp, ref = "The cat, sat.", "The cat sat ."
    expected = CHRF(word_order=2)._extract_corpus_statistics([hyp], [[ref]])[0]
    assert expected[-6:] == [5, 4, 4, 4, 3, 2]
    assert chrf_statistics([ref], [hyp], word_order=2).tolist() == [expected]


def test_whitespace_removal_is_str_isspace():
    spaces = [c for c in range(sys.maxunicode + 1) if chr(c).isspace()]
    assert len(spaces) == 29
    codes = np.arange(sys.maxunicode + 1)
    compiled = np.array([kernels._is_space(int(c)) for c in codes])
    assert np.flatnonzero(compiled).tolist() == spaces
    punct = np.array([kernels._is_ascii_punct(int(c)) for c in range(256)])
    assert [chr(c) for c in np.flatnonzero(punct)] == sorted(reference.ASCII_PUNCTUATION)
    # U+3000 and U+00A0 are removed, U+200B (zero-width space) is not
    expected = CHRF()._extract_corpus_statistics(["a\u3000b\xa0c\u200bd"], [["abcd"]])[0]
    assert expected[:3] == [5, 4, 4]
    assert chrf_statistics(["abcd"], ["a\u3000b\xa0c\u200bd"]).tolist() == [expected]


def test_multi_reference_ties_keep_the_first_listed():
    # notes §1.7: equal segment scores with different statistics; the first listed reference wins
    hyps = ["bbcc", "the cat sat"]
    per_segment = [["bbab", "acb"], ["the cat sat", "the cat sat"]]
    swapped = [["acb", "bbab"], ["the cat sat", "the cat sat"]]
    assert sacre(hyps, per_segment).score == 88.32093832093832
    assert sacre(hyps, swapped).score == 92.36434553823146
    for backend in ("numba", "python"):
        assert_same(chrf(per_segment, hyps, backend=backend), sacre(hyps, per_segment))
        assert_same(chrf(swapped, hyps, backend=backend), sacre(hyps, swapped))


def test_sentence_and_corpus_levels_differ():
    hyps, refs = ["abcdefgh", "abcdef"], [["abcdefgh"], ["abc"]]
    assert sacre(hyps, refs).score == 97.16330858960764
    assert_same(chrf(refs, hyps), sacre(hyps, refs))
    for h, r in zip(hyps, refs):
        assert_same(sentence_chrf(r, h), CHRF().sentence_score(h, r))


# --------------------------------------------------------------------------- option grid, in-repo data

GRID = list(itertools.product((0, 1, 2), (False, True), (False, True), (False, True)))


@pytest.mark.parametrize(("word_order", "lowercase", "whitespace", "eps_smoothing"), GRID)
def test_every_option_combination_on_dialogsum(word_order, lowercase, whitespace, eps_smoothing):
    hyps, refs = summaries()
    k = GRID.index((word_order, lowercase, whitespace, eps_smoothing))
    char_order = (6, 4, 1, 3, 0 if word_order else 2)[k % 5]
    beta = (2, 1, 3, 1.5, 0)[k % 5]
    opts = options_of(char_order, word_order, beta, lowercase, whitespace, eps_smoothing)
    metric = CHRF(**opts)
    expected_rows = metric._extract_corpus_statistics(hyps, streams(refs))
    for backend in ("numba", "python"):
        rows = chrf_statistics(refs, hyps, backend=backend, **opts)
        assert rows.tolist() == expected_rows
        assert_same(chrf(refs, hyps, backend=backend, **opts), metric.corpus_score(hyps, streams(refs)))
    # sentence level, and one reference only
    for h, r in zip(hyps[:10], refs[:10]):
        assert_same(sentence_chrf(r, h, **opts), metric.sentence_score(h, r))
        assert_same(sentence_chrf(r[1], h, **opts), metric.sentence_score(h, [r[1]]))


@pytest.mark.parametrize(("char_order", "word_order"), [(6, 0), (6, 2), (1, 0), (2, 1), (4, 3), (0, 1), (0, 2),
                                                        (10, 4)])
@pytest.mark.parametrize("beta", [2, 1, 0, 0.5, 1.5, 3, 10])
def test_orders_and_betas_on_dialogsum(char_order, word_order, beta):
    hyps, refs = summaries()
    opts = options_of(char_order, word_order, beta)
    assert_same(chrf(refs, hyps, **opts), sacre(hyps, refs, **opts))
    eps = dict(opts, eps_smoothing=True)
    assert_same(chrf(refs, hyps, **eps), sacre(hyps, refs, **eps))


def test_variable_number_of_references_and_signature():
    hyps, refs = summaries()
    variable = [r[:1] if i % 3 == 0 else r for i, r in enumerate(refs)]
    expected = sacre(hyps, variable, word_order=2)
    ours = chrf(variable, hyps, word_order=2)
    assert_same(ours, expected)
    assert ours.signature == f"nrefs:var|case:mixed|eff:yes|nc:6|nw:2|space:no|{VERSION}"
    plain = chrf(refs, hyps)
    assert plain.signature == f"nrefs:2|case:mixed|eff:yes|nc:6|nw:0|space:no|{VERSION}"
    full = chrf([r[0] for r in refs], hyps, char_order=4, word_order=2, lowercase=True, whitespace=True,
                eps_smoothing=True)
    assert full.signature == f"nrefs:1|case:lc|eff:no|nc:4|nw:2|space:yes|{VERSION}"
    # the same keys, in the same order, as sacrebleu's own signature (only the version differs)
    metric = CHRF(char_order=4, word_order=2, lowercase=True, whitespace=True, eps_smoothing=True)
    metric.corpus_score(hyps, [[r[0] for r in refs]])
    assert str(metric.get_signature()).rsplit("|", 1)[0] == full.signature.rsplit("|", 1)[0]


@pytest.mark.parametrize(("beta", "word_order", "name"), [(2, 0, "chrF2"), (2, 1, "chrF2+"), (2, 2, "chrF2++"),
                                                          (2, 3, "chrF2+++"), (1.5, 0, "chrF1.5"), (1, 2, "chrF1++")])
def test_names(beta, word_order, name):
    ours = sentence_chrf("a b", "a b", beta=beta, word_order=word_order)
    assert ours.name == name == CHRF(beta=beta, word_order=word_order).sentence_score("a b", ["a b"]).name
    assert str(ours) == f"{name} = 100.00"


# ---------------------------------------------------------------------------------- Unicode oddities

ODD_PAIRS = [
    ("İstanbul ΟΔΟΣ", ["istanbul οδος"]),  # "İ".lower() has 2 code points; final sigma
    ("👍🏽 ok", ["👍 ok"]),  # emoji modifier
    ("a\u200db\ufe0f", ["ab"]),  # ZWJ, variation selector
    ("x\udcffy", ["x\udcffy"]),  # lone surrogate
    ("\t a \n b \r\n", [" a b"]),
    ("a\x1c\x1d\x1e\x1fb\x85c\u2028d\u2029e", ["abcde"]),
    ("\u1680\u2000\u200a\u202f\u205f\u3000 \ufeff\u180e", ["\ufeff\u180e"]),
    ("ＡＢＣ。、「テスト」", ["ＡＢＣ テスト"]),
    ("(hi) «word» “x” ...", ["( hi ) « word » “ x ” . . ."]),
    ("ǅemal ß ﬁ", ["ǆemal ss fi"]),
    ("", ["", "a"]),
    ("   ", ["  "]),
]


@pytest.mark.parametrize(("hyp", "refs"), ODD_PAIRS)
@pytest.mark.parametrize(("lowercase", "whitespace", "word_order"), [(False, False, 0), (True, False, 2),
                                                                      (False, True, 2), (True, True, 1)])
def test_unicode_and_whitespace_oddities(hyp, refs, lowercase, whitespace, word_order):
    for eps_smoothing in (False, True):
        opts = options_of(6, word_order, 2, lowercase, whitespace, eps_smoothing)
        metric = CHRF(**opts)
        for backend in ("numba", "python"):
            assert_same(sentence_chrf(refs, hyp, backend=backend, **opts), metric.sentence_score(hyp, refs))
            assert chrf_statistics([refs], [hyp], backend=backend, **opts).tolist() == \
                metric._extract_corpus_statistics([hyp], [[r] for r in refs])


def test_long_lines_use_the_hash_tables():
    # many distinct code points above U+3000 and long n-gram pair keys take the kernel's hash-table paths
    rng = np.random.default_rng(7)
    alphabet = [chr(c) for c in range(0x4E00, 0x4E00 + 400)] + list("abc de")
    hyps = ["".join(rng.choice(alphabet, size=n)) for n in (3000, 1500, 50)]
    refs = [["".join(rng.choice(alphabet, size=n)) for n in (2500, 40)] for _ in hyps]
    refs[0].append(hyps[0][100:2100])
    vocabulary = [f"w{i}" for i in range(1000)] + ["(x)", "y.", ",z"]
    hyps.append(" ".join(rng.choice(vocabulary, size=700)))  # > 256 distinct words: word pair keys are hashed too
    refs.append([" ".join(rng.choice(vocabulary, size=600)), hyps[-1][:1500]])
    for opts in (options_of(6, 2), options_of(3, 1, 1, False, True, True)):
        expected = CHRF(**opts)._extract_corpus_statistics(hyps, streams(refs))
        assert chrf_statistics(refs, hyps, **opts).tolist() == expected
        assert_same(chrf(refs, hyps, **opts), CHRF(**opts).corpus_score(hyps, streams(refs)))


# --------------------------------------------------------------------------- hypothesis: sacrebleu parity

ODD_CHARACTERS = list("aAbB  \t\n.,!?'\"()-:;") + ["\u3000", "\xa0", "\u200b", "\u2028", "\x85", "İ", "Σ", "ς",
                                                     "é", "e\u0301", "ß", "ǅ", "我", "👍", "🏽", "\udcff", "«", "»",
                                                     "“", "…", "\ufeff"]
odd_text = st.lists(st.sampled_from(ODD_CHARACTERS), max_size=24).map("".join)
any_text = st.text(max_size=16)
texts = st.one_of(odd_text, any_text)
chrf_options = st.fixed_dictionaries({
    "char_order": st.integers(0, 7), "word_order": st.integers(0, 3), "beta": st.sampled_from([2, 1, 0, 1.5, 3]),
    "lowercase": st.booleans(), "whitespace": st.booleans(), "eps_smoothing": st.booleans()}).filter(
    lambda o: o["char_order"] + o["word_order"] > 0)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hyp=texts, refs=st.lists(texts, min_size=1, max_size=3), options=chrf_options)
@example(hyp="a  b", refs=["a b"], options=options_of(whitespace=True))
@example(hyp="ΑΣ Σ", refs=["ας σ"], options=options_of(2, 2, lowercase=True))
def test_sentence_parity_with_sacrebleu(hyp, refs, options):
    expected = CHRF(**options).sentence_score(hyp, refs)
    assert_same(sentence_chrf(refs, hyp, **options), expected)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpus=st.lists(st.tuples(texts, st.lists(texts, min_size=1, max_size=3)), min_size=1, max_size=6),
       options=chrf_options)
def test_corpus_parity_with_sacrebleu(corpus, options):
    hyps = [h for h, _ in corpus]
    refs = [r for _, r in corpus]
    expected = CHRF(**options).corpus_score(hyps, streams(refs))
    assert_same(chrf(refs, hyps, **options), expected)


# ------------------------------------------------------------------------------ kernel == reference

small_text = st.lists(st.sampled_from(list("ab c.(") + ["\u3000", "é", "我"]), max_size=30).map("".join)


@settings(max_examples=400, deadline=None)
@given(corpus=st.lists(st.tuples(small_text, st.lists(small_text, min_size=1, max_size=4)), min_size=1,
                       max_size=5),
       options=chrf_options.map(lambda o: {k: v for k, v in o.items() if k != "lowercase"}))
def test_kernel_equals_reference(corpus, options):
    hyps = [h for h, _ in corpus]
    refs = [r for _, r in corpus]
    args = (options["char_order"], options["word_order"], options["beta"], options["whitespace"],
            options["eps_smoothing"])
    expected = reference.corpus_statistics(refs, hyps, *args)
    assert kernels.corpus_statistics(refs, hyps, *args).tolist() == expected.tolist()


@settings(max_examples=500, deadline=None)
@given(stats=st.lists(st.tuples(st.integers(0, 50), st.integers(0, 50), st.integers(0, 50)), min_size=1,
                      max_size=8),
       beta=st.sampled_from([2, 1, 0, 0.5, 1.5, 3, 2.0]), eps_smoothing=st.booleans())
def test_compiled_f_score_equals_reference(stats, beta, eps_smoothing):
    flat = [x for h, r, m in stats for x in (h, r, min(m, h, r))]
    expected = reference.f_score(flat, beta, eps_smoothing)
    assert kernels.f_score(flat, beta, eps_smoothing) == expected
    metric = CHRF(char_order=len(stats), word_order=0, beta=beta, eps_smoothing=eps_smoothing)
    assert metric._compute_f_score(flat) == expected


def test_packed_layout_and_its_checks():
    chars, char_offsets, segment_offsets = kernels.pack([["ab", "b"], ["d"]], ["ab", "c"])
    assert chars.tolist() == [97, 98, 97, 98, 98, 99, 100]
    assert char_offsets.tolist() == [0, 2, 4, 5, 6, 7] and segment_offsets.tolist() == [0, 3, 5]
    rows = kernels.packed_statistics(chars, char_offsets, segment_offsets, 2, 0)
    assert rows.tolist() == reference.corpus_statistics([["ab", "b"], ["d"]], ["ab", "c"], 2, 0).tolist()
    # lists are coerced to int64
    assert kernels.packed_statistics(chars.tolist(), char_offsets.tolist(), segment_offsets.tolist(), 2,
                                     0).tolist() == rows.tolist()
    with pytest.raises(ValueError, match="char_offsets"):
        kernels.packed_statistics(chars, [0, 2, 9], [0, 2], 2, 0)
    with pytest.raises(ValueError, match="segment_offsets"):
        kernels.packed_statistics(chars, char_offsets, [0, 1, 5], 2, 0)
    with pytest.raises(ValueError, match="code points"):
        kernels.packed_statistics([-1, 5], [0, 1, 2], [0, 2], 2, 0)
    with pytest.raises(ValueError, match="1-D"):
        kernels.packed_statistics(np.zeros((2, 2)), [0, 4], [0, 1], 2, 0)
    with pytest.raises(ValueError, match="no reference"):
        kernels.pack([[]], ["a"])


# ------------------------------------------------------------------------------------ statistics API

def test_statistics_then_score_equals_chrf_and_shards_add_up():
    hyps, refs = summaries()
    for opts in (options_of(), options_of(6, 2, eps_smoothing=True), options_of(4, 1, 1.5, True, True)):
        rows = chrf_statistics(refs, hyps, **opts)
        assert rows.dtype == np.int64 and rows.shape == (len(hyps), 3 * (opts["char_order"] + opts["word_order"]))
        whole = chrf(refs, hyps, **opts)
        scored = chrf_from_statistics(rows, char_order=opts["char_order"], word_order=opts["word_order"],
                                      beta=opts["beta"], eps_smoothing=opts["eps_smoothing"], nrefs=2,
                                      lowercase=opts["lowercase"], whitespace=opts["whitespace"])
        assert scored == whole
        shards = np.vstack([chrf_statistics(refs[:15], hyps[:15], **opts), chrf_statistics(refs[15:], hyps[15:],
                                                                                            **opts)])
        summed = rows.sum(axis=0)
        assert chrf_from_statistics(shards, char_order=opts["char_order"], word_order=opts["word_order"],
                                    beta=opts["beta"], eps_smoothing=opts["eps_smoothing"]).score == whole.score
        assert chrf_from_statistics(summed, char_order=opts["char_order"], word_order=opts["word_order"],
                                    beta=opts["beta"], eps_smoothing=opts["eps_smoothing"]).score == whole.score
        assert whole.statistics == tuple(int(x) for x in summed)
    bare = chrf_from_statistics([3, 6, 3, 2, 5, 2, 1, 4, 1, 0, 3, 0, 0, 2, 0, 0, 1, 0])
    assert bare.score == 43.72623574144487
    assert bare.signature == f"eff:yes|nc:6|nw:0|{VERSION}"


def test_inputs_are_not_modified_and_accept_tuples():
    hyps, refs = summaries()
    refs_copy = [list(r) for r in refs]
    chrf(tuple(tuple(r) for r in refs), tuple(hyps), lowercase=True)
    assert refs == refs_copy
    assert chrf(refs, hyps).score == chrf([tuple(r) for r in refs], hyps).score
    single = chrf([r[0] for r in refs], hyps)
    assert single == chrf([[r[0]] for r in refs], hyps)


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: chrf(["a"], ["a", "b"]), ValueError, "2 candidates but 1 reference"),
    (lambda: chrf([], []), ValueError, "empty corpus"),
    (lambda: chrf([[]], ["a"]), ValueError, r"references\[0\] is empty"),
    (lambda: chrf([["a", None]], ["a"]), TypeError, r"references\[0\]\[1\] must be str"),
    (lambda: chrf(["a"], [b"a"]), TypeError, r"candidates\[0\] must be str"),
    (lambda: chrf("a", ["a"]), TypeError, "sentence_chrf"),
    (lambda: chrf(["a"], "a"), TypeError, "candidates must be a list"),
    (lambda: chrf(["a"], ["a"], char_order=0, word_order=0), ValueError, "at least one n-gram order"),
    (lambda: chrf(["a"], ["a"], char_order=-1), ValueError, "char_order must be >= 0"),
    (lambda: chrf(["a"], ["a"], word_order=1.0), TypeError, "word_order must be an int"),
    (lambda: chrf(["a"], ["a"], char_order=True), TypeError, "char_order must be an int"),
    (lambda: chrf(["a"], ["a"], beta=-1), ValueError, "beta must be a finite number >= 0"),
    (lambda: chrf(["a"], ["a"], beta=float("nan")), ValueError, "beta"),
    (lambda: chrf(["a"], ["a"], beta=10 ** 200), ValueError, "square is a finite float"),
    (lambda: chrf(["a"], ["a"], beta=1e200), ValueError, "square is a finite float"),
    (lambda: chrf(["a"], ["a"], beta="2"), TypeError, "beta must be a number"),
    (lambda: chrf(["a"], ["a"], lowercase=1), TypeError, "lowercase must be bool"),
    (lambda: chrf(["a"], ["a"], backend="rust"), ValueError, "unknown backend"),
    (lambda: sentence_chrf(["a"], ["a"]), TypeError, "cand must be str"),
    (lambda: sentence_chrf([], "a"), ValueError, "ref is empty"),
    (lambda: sentence_chrf(None, "a"), TypeError, "ref must be a str or a list"),
    (lambda: chrf_from_statistics([1, 2, 3]), ValueError, "18 columns"),
    (lambda: chrf_from_statistics([1.0] * 18), TypeError, "integers"),
    (lambda: chrf_from_statistics([-1] * 18), ValueError, "non-negative"),
    (lambda: chrf_from_statistics([0] * 18, whitespace="no"), TypeError, "whitespace must be bool"),
])
def test_errors_name_the_problem(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_numpy_scalars_and_beta_types():
    hyps, refs = summaries()
    expected = sacre(hyps, refs, char_order=4, word_order=1, beta=3)
    ours = chrf(refs, hyps, char_order=np.int64(4), word_order=np.int32(1), beta=np.int64(3),
                lowercase=np.bool_(False))
    assert ours.score == expected.score and ours.name == expected.name
    assert chrf(refs, hyps, beta=np.float64(1.5)).score == sacre(hyps, refs, beta=1.5).score


def test_warmup_runs():
    from textmetrics.metrics.chrf import warmup

    warmup()


# ------------------------------------------------------------- corpora: in-repo MT sample, WMT21 volume

@cache
def cached_metric(corpus: MTCorpus, pair: str, word_order: int, rotation: int) -> CHRF:
    """sacrebleu's CHRF with the pair's references cached (its own way to score many systems)."""
    opts = _wmt_options(word_order, rotation)
    return CHRF(**opts, references=corpus.streams(pair))


def _wmt_options(word_order: int, rotation: int) -> dict:
    if word_order == 0:
        return options_of()
    return [options_of(6, 2), options_of(6, 2, 1, True, True, True)][rotation % 2]


def _wmt_params():
    return [pytest.param(corpus, pair, system, i, id=f"{corpus.name}-{pair}-{system}")
            for corpus in mt_corpora_present() for pair in MT_PAIRS
            for i, system in enumerate(corpus.systems(pair))] + mt_volume_placeholder(4)


@pytest.mark.parametrize(("corpus", "pair", "system", "index"), _wmt_params())
def test_corpus_every_system(corpus, pair, system, index):
    """Every system of the in-repo MT sample and of WMT21 (when present), every segment, all references: chrF2,
    and chrF++ (plain, or with beta 1, lowercase, whitespace and eps smoothing, alternating between systems);
    about 2 s per WMT21 system."""
    per_segment = corpus.per_segment(pair)
    hyps = corpus.systems(pair)[system]
    for word_order in (0, 2):
        metric = cached_metric(corpus, pair, word_order, index % 2)
        opts = _wmt_options(word_order, index)
        expected_rows = metric._extract_corpus_statistics(hyps, None)
        rows = chrf_statistics(per_segment, hyps, **opts)
        assert rows.tolist() == expected_rows
        assert_same(chrf_from_statistics(rows, **{k: opts[k] for k in ("char_order", "word_order", "beta",
                                                                           "eps_smoothing")}),
                    metric._aggregate_and_compute(expected_rows))
        assert_same(chrf(per_segment, hyps, **opts), metric._aggregate_and_compute(expected_rows))
        # sentence scores of every 13th segment
        for i in range(index % 13, len(hyps), 13):
            assert sentence_chrf(per_segment[i], hyps[i], **opts).score == \
                metric._compute_f_score(expected_rows[i])
