"""TER: exact parity with sacrebleu 2.6.0 (tokenizer, shift search, aggregation), kernel == reference, statistics
API, errors.

Every expected value is computed by sacrebleu in the test itself (the literals quoted from
../shared/notes/chrf-ter-semantics.md are sacrebleu 2.6.0 outputs too, and are re-checked against sacrebleu here).
Data: the in-repo DialogSum sample (src/textmetrics/data/dialogsum-summaries, data/dialogsum-sample), synthetic and
hypothesis-generated text, the in-repo multi-reference MT sample (tests/data/mt-sample); the same corpus test runs on
the WMT21 volume when ../shared/data/wmt21 is present (a rotating window of segments per system;
TEXTMETRICS_WMT21_FULL=1 scores every segment of every system, which takes sacrebleu about 15 minutes).
"""
from __future__ import annotations

import itertools
import json
import os
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sacrebleu.metrics import TER, lib_ter
from sacrebleu.tokenizers.tokenizer_ter import TercomTokenizer

from shared_data import MT_PAIRS, mt_corpora_present, mt_volume_placeholder
from textmetrics._version import __version__
from textmetrics.kernels import ter as kernels
from textmetrics.metrics.ter import (
    TerScore,
    sentence_ter,
    ter,
    ter_from_statistics,
    ter_statistics,
    tercom_tokenize,
)
from textmetrics.reference import ter as reference

REPO = Path(__file__).resolve().parents[1]
SUMMARIES = REPO / "src" / "textmetrics" / "data" / "dialogsum-summaries" / "summaries.jsonl"
DIALOGUES = REPO / "data" / "dialogsum-sample" / "test.jsonl"
VERSION = f"version:textmetrics-{__version__}"
FLAGS = list(itertools.product((False, True), repeat=4))  # normalized, no_punct, asian_support, case_sensitive


def flag_options(flags) -> dict:
    return dict(zip(("normalized", "no_punct", "asian_support", "case_sensitive"), flags, strict=True))


@cache
def summaries() -> tuple[list[str], list[list[str]]]:
    rows = [json.loads(line) for line in SUMMARIES.read_text(encoding="utf-8").splitlines()]
    return [r["summary1"] for r in rows], [[r["summary2"], r["summary3"]] for r in rows]


@cache
def dialogues() -> list[str]:
    return [json.loads(line)["dialogue"] for line in DIALOGUES.read_text(encoding="utf-8").splitlines()]


def streams(references: list[list[str]]) -> list[list]:
    width = max(len(r) for r in references)
    return [[r[k] if k < len(r) else None for r in references] for k in range(width)]


def assert_same(ours: TerScore, theirs) -> None:
    assert ours.score == theirs.score
    assert ours.num_edits == theirs.num_edits
    assert ours.ref_length == theirs.ref_length
    assert type(ours.ref_length) is float and type(ours.num_edits) is int
    assert str(ours) == str(theirs)
    assert ours.format(width=5) == theirs.format(width=5)


# -------------------------------------------------------------------------- the search (notes §2.3)

SEARCH_EXAMPLES = [
    # (hypothesis, reference, sacrebleu's edits quoted in the notes)
    ("d e f g h a b c", "a b c d e f g h", 1),
    ("b a", "a b", 1),
    ("a b a a b", "a a b b a", 2),
    ("b b b c a a", "c a b a a b", 3),
    ("b b a b b a a", "b a a a b b b", 2),
    ("a d b b d a a a", "d b a c a a a d", 4),
    ("b a a a a b", "a a b a b a", 2),
    ("A " + " ".join(f"f{i}" for i in range(60)), " ".join(f"f{i}" for i in range(60)) + " A", 2),
    ("A " + " ".join(f"f{i}" for i in range(50)), " ".join(f"f{i}" for i in range(50)) + " A", 1),
    # the candidate budget fires in the first round: its gain-5 shift is discarded
    ("b b b a a a b b a a b b a a b b b a a a b a b a b b a b b",
     "a a b b a a a b a b a b b b b b a b a b b a a b b b a a b", 11),
    # the beam loses an optimal path that strays 25+ columns from the pseudo-diagonal (true distance: 60)
    (" ".join([f"b{i}" for i in range(40)] + [f"c{i}" for i in range(30)]),
     " ".join([f"a{i}" for i in range(30)] + [f"b{i}" for i in range(40)]), 70),
]


@pytest.mark.parametrize(("hyp", "ref", "edits"), SEARCH_EXAMPLES)
def test_search_examples(hyp, ref, edits):
    h, r = hyp.split(), ref.split()
    assert lib_ter.translation_edit_rate(h, r) == (edits, len(r))  # still what sacrebleu computes
    assert reference.translation_edit_rate(r, h) == (edits, len(r))
    assert kernels.translation_edit_rate(r, h) == (edits, len(r))
    assert_same(sentence_ter(ref, hyp), TER().sentence_score(hyp, [ref]))


def test_shift_targets():
    # notes §2.3 (c) 5: block "c d e" (start 2, length 3) moved to targets 0, 1, 2, 3, 4, 5, 6, 10
    words = list("abcdefghij")
    expected = ["cdeabfghij", "acdebfghij", "abcdefghij", "abfcdeghij", "abfgcdehij", "abfghcdeij", "abfcdeghij",
                "abfghijcde"]
    for target, want in zip((0, 1, 2, 3, 4, 5, 6, 10), expected, strict=True):
        assert "".join(reference.shift(words, 2, 3, target)) == want
    # every (start, length, target), against sacrebleu's own shift; the kernel writes into a fresh buffer each time
    ids = np.arange(10, dtype=np.int64)
    for start in range(10):
        for length in range(1, 11 - start):
            for target in range(11):
                theirs = lib_ter._perform_shift(words, start, length, target)
                assert reference.shift(words, start, length, target) == theirs
                out = np.full(10, -1, dtype=np.int64)
                kernels._shift(ids, start, length, target, out)
                assert [words[i] for i in out] == theirs


def _kernel_table(hyp, ref):
    h, r = np.asarray(hyp, dtype=np.int64), np.asarray(ref, dtype=np.int64)
    n, m = h.size, r.size
    ratio, beam = kernels._beam(n, m)
    cost = np.full((n + 1, m + 1), kernels._INFINITY, dtype=np.int64)
    ops = np.full((n + 1, m + 1), -1, dtype=np.int64)
    cost[0] = np.arange(m + 1)
    ops[0] = kernels._INSERT
    distance = kernels._fill(h, r, cost, ops, cost, 0, ratio, beam, 1, kernels._INFINITY)
    align, hyp_errors, ref_errors = np.empty(m, np.int64), np.empty(n, np.int64), np.empty(m, np.int64)
    kernels._align(ops, n, m, align, hyp_errors, ref_errors, np.empty(n + m, np.int64))
    return distance, align.tolist(), hyp_errors.tolist(), ref_errors.tolist()


def _sacrebleu_alignment(hyp, ref):
    distance, inverse = lib_ter.BeamEditDistance(ref)(hyp)
    align, ref_errors, hyp_errors = lib_ter.trace_to_alignment(lib_ter._flip_trace(inverse))
    return distance, [align[j] for j in range(len(ref))], hyp_errors, ref_errors


def test_alignment_examples():
    for hyp, align, hyp_errors, ref_errors in ((list("axbcd"), [0, 2, 3], [0, 1, 0, 0, 1], [0, 0, 0]),
                                               (list("bc"), [-1, 0, 1], [0, 0], [1, 0, 0])):
        distance, trace = reference.beam_edit_distance(list("abc"), hyp)
        assert reference.alignment(trace) == (align, hyp_errors, ref_errors)
        assert _sacrebleu_alignment(hyp, list("abc"))[1:] == (align, hyp_errors, ref_errors)
        ids = {c: i for i, c in enumerate("abcdx")}
        assert _kernel_table([ids[c] for c in hyp], [0, 1, 2]) == (distance, align, hyp_errors, ref_errors)


@settings(max_examples=150, deadline=None)
@given(hyp=st.lists(st.integers(0, 4), max_size=120), ref=st.lists(st.integers(0, 4), min_size=1, max_size=300))
@example(hyp=[0] * 7, ref=[1] * 61)  # floor(7 * (61 / 7)) = 60, not 61
@example(hyp=[0] * 14, ref=[0, 1] * 61)
@example(hyp=[1, 2], ref=[2] * 120)  # ratio / 2 > 25: a wider beam
def test_banded_distance_and_alignment(hyp, ref):
    distance, trace = reference.beam_edit_distance(ref, hyp)
    expected = (distance, *reference.alignment(trace))
    assert _sacrebleu_alignment(hyp, ref) == expected
    assert _kernel_table(hyp, ref) == expected


# ------------------------------------------------------------------------------ kernel == reference

@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hyp=st.lists(st.integers(0, 3), max_size=24), ref=st.lists(st.integers(0, 3), max_size=24))
def test_kernel_equals_reference_and_sacrebleu_small_alphabets(hyp, ref):
    expected = reference.translation_edit_rate(ref, hyp)
    assert kernels.translation_edit_rate(ref, hyp) == expected
    assert lib_ter.translation_edit_rate(hyp, ref) == expected


@pytest.mark.parametrize("seed", range(3))
def test_kernel_equals_sacrebleu_longer_pairs(seed):
    # small alphabets and 30-60 tokens: the budget fires often; sacrebleu is the oracle (faster than the reference)
    rng = np.random.default_rng(seed)
    for _ in range(8):
        vocabulary = int(rng.integers(2, 9))
        hyp = rng.integers(0, vocabulary, size=int(rng.integers(30, 61))).tolist()
        ref = rng.integers(0, vocabulary, size=int(rng.integers(30, 61))).tolist()
        assert kernels.translation_edit_rate(ref, hyp) == lib_ter.translation_edit_rate(hyp, ref)


@settings(max_examples=60, deadline=None)
@given(corpus=st.lists(st.tuples(st.lists(st.sampled_from("abcd"), max_size=12),
                                 st.lists(st.lists(st.sampled_from("abcd"), max_size=12), min_size=1, max_size=3)),
                       min_size=1, max_size=5))
def test_corpus_statistics_kernel_equals_reference(corpus):
    hyps = [h for h, _ in corpus]
    refs = [r for _, r in corpus]
    expected = reference.corpus_statistics(refs, hyps)
    got = kernels.corpus_statistics(refs, hyps)
    assert got.dtype == np.float64 and got.tolist() == expected.tolist()


def test_long_segments_dialogues():
    # 100-300 tokens: the dialogue's turns rotated against the original, plus a shuffled word window
    rng = np.random.default_rng(3)
    hyps, refs = [], []
    for text in dialogues()[:12]:
        turns = text.split("\n")
        hyps.append(" ".join(turns[1:] + turns[:1]))
        words = text.split()
        cut = int(rng.integers(0, max(1, len(words) - 8)))
        window = words[cut:cut + 8]
        rng.shuffle(window)
        refs.append([text, " ".join(words[:cut] + window + words[cut + 8:])])
    metric = TER()
    expected_rows = metric._extract_corpus_statistics(hyps, streams(refs))
    assert ter_statistics(refs, hyps).tolist() == expected_rows
    assert_same(ter(refs, hyps), metric.corpus_score(hyps, streams(refs)))


def test_packed_layout_and_its_checks():
    tokens, sentence_offsets, segment_offsets = kernels.pack([[["b", "a"], []], [["c"]]], [["a", "b"], []])
    assert tokens.tolist() == [0, 1, 1, 0, 2]
    assert sentence_offsets.tolist() == [0, 2, 4, 4, 4, 5] and segment_offsets.tolist() == [0, 3, 5]
    rows = kernels.packed_statistics(tokens, sentence_offsets, segment_offsets)
    assert rows.tolist() == [[1.0, 1.0], [1.0, 1.0]]  # (min(1, 2), (2 + 0) / 2); (1, 1)
    assert kernels.packed_statistics(tokens.tolist(), sentence_offsets.tolist(),
                                     segment_offsets.tolist()).tolist() == rows.tolist()
    with pytest.raises(ValueError, match="sentence_offsets"):
        kernels.packed_statistics(tokens, [0, 2, 9], [0, 2])
    with pytest.raises(ValueError, match="segment_offsets"):
        kernels.packed_statistics(tokens, sentence_offsets, [0, 1, 5])
    with pytest.raises(ValueError, match="1-D"):
        kernels.packed_statistics(np.zeros((2, 2)), [0, 4], [0, 1])
    with pytest.raises(ValueError, match="no reference"):
        kernels.pack([[]], [["a"]])
    assert kernels.translation_edit_rate([], ["a", "b"]) == (2, 0)
    assert kernels.segment_statistics([[], ["a", "b", "c"]], ["a"]) == (1, 1.5)


# ----------------------------------------------------------------------------------- tokenizer (§2.2)

TOKENIZER_EXAMPLES = [
    "Hello, World! It's JOHN'S car (really).", "3.14 and 1,000.5, e.g. U.S.A. 5-6 a-b",
    "&QUOT;x&quot; &amp;amp; &lt;b&gt; &apos;", "line1\n-line2\nline3", "“Smart” quotes — dash…",
    "Jim's Jim's! Jim's, the boss's's JOHN'S", "1.5-2 2019. a--b e-mail x/y $5 end.Start",
    "(a) b; c: d? e! 'f' \"g\" h-i [j] {k} ~l^ _m_ `n` |o| \\p @q #r %s *t +u =v <w> &x",
    "東京、大阪。「こんにちは」！（テスト）", "ｶﾀｶﾅ｡ ㈱会社 한국어 ㍿ 豈 ︰ ⺀ ㇀", "りの拳銃を持 ひらがな カタカナ ㇰ",
    "a.,b ., ,. 1.,2 .5 5. ,5 5, -5 5- 5-5", "", "   ", "x\n-\n", "tab\there\u3000wide\xa0nbsp",
    "'s 's's 'S ' s", "ÀB İ Σ ΑΣ", "\n\n-\n-x", "a&quot;&amp;quot;b",
]


@pytest.mark.parametrize("flags", FLAGS, ids=lambda f: "".join("NPAC"[i] if x else "-" for i, x in enumerate(f)))
def test_tokenizer_every_flag_combination(flags):
    theirs = TercomTokenizer(*flags)
    hyps, refs = summaries()
    for text in TOKENIZER_EXAMPLES + hyps + [r for rs in refs for r in rs] + dialogues():
        assert tercom_tokenize(text, *flags) == theirs(text), text


def test_tokenizer_table_of_the_notes():
    assert tercom_tokenize("Hello, World! It's JOHN'S car (really).", normalized=True) == \
        "hello , world ! it 's john 's car ( really ) ."
    assert tercom_tokenize("3.14 and 1,000.5, e.g. U.S.A. 5-6 a-b", no_punct=True) == "314 and 10005 eg usa 5-6 a-b"
    assert tercom_tokenize("&QUOT;x&quot; &amp;amp; &lt;b&gt; &apos;", normalized=True) == \
        '" x " & amp ; < b > & apos ;'
    assert tercom_tokenize("JOHN'S &QUOT;", normalized=True, case_sensitive=True) == "JOHN'S & QUOT ;"
    assert tercom_tokenize("東京、大阪。「こんにちは」！（テスト）", normalized=True, asian_support=True) == \
        "東 京 、 大 阪 。 「 こんにちは 」 ！ （ テスト ）"
    assert tercom_tokenize("東京、大阪。「こんにちは」！（テスト）", normalized=True, no_punct=True,
                           asian_support=True) == "東 京 大 阪 こんにちは テスト"
    assert tercom_tokenize("東京、大阪", asian_support=True) == "東京、大阪"  # asian_support alone: nothing


@pytest.mark.parametrize(("hyp", "ref", "opts"), [("Jim's.", "Jim's.", {"normalized": True}),
                                                    ("Jim's.", "Jim's.", {"normalized": True, "case_sensitive": True}),
                                                    ("", "0'S\r0", {"normalized": True}),
                                                    ("the boss's, car", "the boss's, car", {"normalized": True}),
                                                    ("Jim's.", "Jim's.", {})])
def test_references_are_tokenized_twice(hyp, ref, opts):
    # sacrebleu preprocesses a reference twice (_cache_references, then _extract_reference_info), a hypothesis once;
    # with normalized, "'s" before "." or "," is split off only on the second pass
    theirs = TER(**opts).sentence_score(hyp, [ref])
    flags = tuple(opts.get(k, False) for k in ("normalized", "no_punct", "asian_support", "case_sensitive"))
    twice = tercom_tokenize(tercom_tokenize(ref.rstrip(), *flags).rstrip(), *flags).split()
    assert theirs.ref_length == len(twice)
    assert_same(sentence_ter(ref, hyp, **opts), theirs)
    if opts and hyp == ref:
        assert theirs.score > 0  # with normalized, such a segment does not match itself


def test_lowercasing_is_idempotent_so_the_fast_path_tokenizes_once():
    import sys

    assert all(chr(c).lower().lower() == chr(c).lower() for c in range(sys.maxunicode + 1))
    text = "ΑΣ Σ. İI ǅ ẞ"
    assert text.lower().lower() == text.lower()


TOKEN_PIECES = ["a", "B", "the", "Cat", "mat.", "it's", "JOHN'S", "3.14", "1,000", "5-6", "e-mail", "&amp;",
                "&QUOT;", "(x)", '"q"', "x/y", "$5", "U.S.A.", "東京", "、", "。", "テスト", "！", "ｶﾀ", "\n-", "\n",
                "\t", "\u3000", "\xa0", "?", ";", "'s", "--", "İ", "Σ"]
ter_text = st.lists(st.sampled_from(TOKEN_PIECES), max_size=14).map(lambda xs: " ".join(xs))
tight_text = st.lists(st.sampled_from(TOKEN_PIECES), max_size=10).map("".join)
texts = st.one_of(ter_text, tight_text, st.text(max_size=20))
flag_sets = st.tuples(st.booleans(), st.booleans(), st.booleans(), st.booleans())


@settings(max_examples=300, deadline=None)
@given(text=texts, flags=flag_sets)
def test_tokenizer_parity_generated(text, flags):
    assert tercom_tokenize(text, *flags) == TercomTokenizer(*flags)(text)


# ------------------------------------------------------------------------- aggregation and empty cases

AGGREGATION_EXAMPLES = [
    # (hypothesis, references, sacrebleu's (score, edits, length) quoted in the notes)
    ("The cat sat on the mat.", ["The cat is on the mat."], (16.666666666666664, 1, 6.0)),
    ("a b c", ["a b c d e f g h", "a b x"], (18.181818181818183, 1, 5.5)),
    ("a", ["", "a b c"], (66.66666666666666, 1, 1.5)),
    ("", ["a b c"], (100.0, 3, 3.0)),
    ("a b", [""], (100.0, 2, 0.0)),
    ("", [""], (0.0, 0, 0.0)),
    ("   ", ["a b"], (100.0, 2, 2.0)),
    ("a", ["b c d"], (100.0, 3, 3.0)),
    ("a b c d e f", ["a b c d e x"], (16.666666666666664, 1, 6.0)),
]


@pytest.mark.parametrize(("hyp", "refs", "expected"), AGGREGATION_EXAMPLES)
def test_aggregation_examples(hyp, refs, expected):
    theirs = TER().sentence_score(hyp, refs)
    assert (theirs.score, theirs.num_edits, theirs.ref_length) == expected
    for backend in ("numba", "python"):
        assert_same(sentence_ter(refs, hyp, backend=backend), theirs)


def test_corpus_examples():
    for hyps, refs, expected in ((["a b", "c"], [[""], ["c"]], 200.0), (["", ""], [[""], [""]], 0.0),
                                 (["a b", "c"], [[""], [""]], 100.0)):
        theirs = TER().corpus_score(hyps, streams(refs))
        assert theirs.score == expected
        assert_same(ter(refs, hyps), theirs)


def test_three_reference_lengths_are_summed_in_segment_order():
    # mean lengths such as 65/3 are not exact in binary: the sum must be sequential, as sacrebleu's
    rng = np.random.default_rng(5)
    words = [f"w{i}" for i in range(6)]
    hyps, refs = [], []
    for _ in range(60):
        hyps.append(" ".join(rng.choice(words, size=int(rng.integers(1, 12)))))
        refs.append([" ".join(rng.choice(words, size=int(rng.integers(1, 30)))) for _ in range(3)])
    theirs = TER().corpus_score(hyps, streams(refs))
    rows = ter_statistics(refs, hyps)
    assert ter_from_statistics(rows).ref_length == theirs.ref_length
    assert_same(ter(refs, hyps), theirs)


# --------------------------------------------------------------------------- sacrebleu parity: options

@pytest.mark.parametrize("flags", FLAGS, ids=lambda f: "".join("NPAC"[i] if x else "-" for i, x in enumerate(f)))
def test_every_option_combination_on_dialogsum(flags):
    hyps, refs = summaries()
    opts = flag_options(flags)
    metric = TER(**opts)
    expected_rows = metric._extract_corpus_statistics(hyps, streams(refs))
    assert ter_statistics(refs, hyps, **opts).tolist() == expected_rows
    assert ter_statistics(refs[:10], hyps[:10], backend="python", **opts).tolist() == expected_rows[:10]
    assert_same(ter(refs, hyps, **opts), metric._aggregate_and_compute(expected_rows))
    for h, r in zip(hyps[:5], refs[:5]):
        assert_same(sentence_ter(r, h, **opts), metric.sentence_score(h, r))
        assert_same(sentence_ter(r[0], h, **opts), metric.sentence_score(h, [r[0]]))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hyp=texts, refs=st.lists(texts, min_size=1, max_size=3), flags=flag_sets)
def test_sentence_parity_generated(hyp, refs, flags):
    opts = flag_options(flags)
    assert_same(sentence_ter(refs, hyp, **opts), TER(**opts).sentence_score(hyp, refs))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpus=st.lists(st.tuples(texts, st.lists(texts, min_size=1, max_size=3)), min_size=1, max_size=5),
       flags=flag_sets)
@example(corpus=[("", ["a", "0'S\r0"])], flags=(True, False, False, False))
def test_corpus_parity_generated(corpus, flags):
    hyps = [h for h, _ in corpus]
    refs = [r for _, r in corpus]
    opts = flag_options(flags)
    assert_same(ter(refs, hyps, **opts), TER(**opts).corpus_score(hyps, streams(refs)))


def test_signatures():
    hyps, refs = summaries()
    assert ter(refs, hyps).signature == f"nrefs:2|case:lc|tok:tercom|norm:no|punct:yes|asian:no|{VERSION}"
    variable = [r[:1] if i % 2 else r for i, r in enumerate(refs)]
    full = ter(variable, hyps, normalized=True, no_punct=True, asian_support=True, case_sensitive=True)
    assert full.signature == f"nrefs:var|case:mixed|tok:tercom|norm:yes|punct:no|asian:yes|{VERSION}"
    assert_same(full, TER(True, True, True, True).corpus_score(hyps, streams(variable)))
    metric = TER(normalized=True, no_punct=True, asian_support=True, case_sensitive=True)
    metric.corpus_score(hyps, streams(variable))
    assert str(metric.get_signature()).rsplit("|", 1)[0] == full.signature.rsplit("|", 1)[0]
    assert ter_from_statistics([1, 6.0]).signature == f"tok:tercom|{VERSION}"


# ------------------------------------------------------------------------------------ statistics API

def test_statistics_then_score_equals_ter_and_shards_add_up():
    hyps, refs = summaries()
    rows = ter_statistics(refs, hyps, normalized=True)
    assert rows.shape == (len(hyps), 2) and rows.dtype == np.float64
    whole = ter(refs, hyps, normalized=True)
    assert ter_from_statistics(rows, nrefs=2, normalized=True, no_punct=False, asian_support=False,
                               case_sensitive=False) == whole
    shards = np.vstack([ter_statistics(refs[:13], hyps[:13], normalized=True),
                        ter_statistics(refs[13:], hyps[13:], normalized=True)])
    assert ter_from_statistics(shards).score == whole.score
    assert ter_from_statistics(rows.tolist()).score == whole.score
    one = ter_from_statistics([whole.num_edits, whole.ref_length])
    assert (one.score, one.num_edits, one.ref_length) == (whole.score, whole.num_edits, whole.ref_length)
    assert ter_from_statistics(np.array([[1, 3]])).score == 33.33333333333333  # divide first, then * 100


def test_inputs_are_not_modified_and_accept_tuples():
    hyps, refs = summaries()
    copy = [list(r) for r in refs]
    assert ter(tuple(tuple(r) for r in refs), tuple(hyps)) == ter(refs, hyps)
    assert refs == copy
    assert ter([r[0] for r in refs], hyps) == ter([[r[0]] for r in refs], hyps)


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: ter(["a"], ["a", "b"]), ValueError, "2 candidates but 1 reference"),
    (lambda: ter([], []), ValueError, "empty corpus"),
    (lambda: ter([[]], ["a"]), ValueError, r"references\[0\] is empty"),
    (lambda: ter([["a", None]], ["a"]), TypeError, r"references\[0\]\[1\] must be str"),
    (lambda: ter(["a"], [None]), TypeError, r"candidates\[0\] must be str"),
    (lambda: ter("a", ["a"]), TypeError, "sentence_ter"),
    (lambda: ter(["a"], ["a"], normalized="yes"), TypeError, "normalized must be bool"),
    (lambda: ter(["a"], ["a"], case_sensitive=None), TypeError, "case_sensitive must be bool"),
    (lambda: ter(["a"], ["a"], backend="c"), ValueError, "unknown backend"),
    (lambda: sentence_ter("a", ["a"]), TypeError, "cand must be str"),
    (lambda: sentence_ter([], "a"), ValueError, "ref is empty"),
    (lambda: ter_from_statistics([1, 2, 3]), ValueError, r"\[edits, reference length\] pairs"),
    (lambda: ter_from_statistics([[1.5, 2.0]]), ValueError, "whole numbers"),
    (lambda: ter_from_statistics([[-1, 2.0]]), ValueError, "non-negative"),
    (lambda: ter_from_statistics([[1, float("inf")]]), ValueError, "finite"),
    (lambda: ter_from_statistics(["1", "2"]), TypeError, "numbers"),
    (lambda: ter_from_statistics([1, 2], no_punct="no"), TypeError, "no_punct must be bool"),
])
def test_errors_name_the_problem(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_warmup_runs():
    from textmetrics.metrics.ter import warmup

    warmup()


# ------------------------------------------------------------- corpora: in-repo MT sample, WMT21 volume

FULL = os.environ.get("TEXTMETRICS_WMT21_FULL") == "1"
WINDOW = 60


def _wmt_params():
    return [pytest.param(corpus, pair, system, i, id=f"{corpus.name}-{pair}-{system}")
            for corpus in mt_corpora_present() for pair in MT_PAIRS
            for i, system in enumerate(corpus.systems(pair))] + mt_volume_placeholder(4)


@pytest.mark.parametrize(("corpus", "pair", "system", "index"), _wmt_params())
def test_corpus_every_system(corpus, pair, system, index):
    """Every system of the in-repo MT sample and of WMT21 (when present) against all its references: a window of
    60 segments that moves from system to system (together they cover the test sets), with the tokenizer options
    rotating; every segment with TEXTMETRICS_WMT21_FULL=1."""
    ref_streams, per_segment = corpus.streams(pair), corpus.per_segment(pair)
    hyps = corpus.systems(pair)[system]
    if FULL:
        lo, hi = 0, len(hyps)
    else:
        lo = (index * WINDOW) % len(hyps)
        hi = lo + WINDOW
    opts = flag_options(FLAGS[(index * 5) % len(FLAGS)]) if index % 2 else {}
    metric = TER(**opts)
    expected_rows = metric._extract_corpus_statistics(hyps[lo:hi], [s[lo:hi] for s in ref_streams])
    rows = ter_statistics(per_segment[lo:hi], hyps[lo:hi], **opts)
    assert rows.tolist() == expected_rows
    assert_same(ter_from_statistics(rows), metric._aggregate_and_compute(expected_rows))
    assert_same(ter(per_segment[lo:hi], hyps[lo:hi], **opts), metric._aggregate_and_compute(expected_rows))
