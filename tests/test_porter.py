"""The compiled Porter stemmer (kernels.porter) against its oracle, NLTK 3.10.4's ``PorterStemmer().stem``.

Every distinct ``[a-z0-9]+`` token of the in-repo DialogSum material, of the shared DialogSum splits and of the
English side of WMT21 (when ../shared is present), every word of up to 3 characters, and generated words built
around the suffixes of every step, the irregular forms, digits, runs of one letter and 'y' in every position.
"""
from __future__ import annotations

import itertools
import json
import re
import string
from pathlib import Path

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from nltk.stem.porter import PorterStemmer

from shared_data import mt_corpora, shared_path
from textmetrics.kernels import porter
from textmetrics.kernels.engine import K

REPO = Path(__file__).resolve().parents[1]
TOKEN = re.compile(r"[a-z0-9]+")
ALPHABET = string.ascii_lowercase + string.digits
ORACLE = PorterStemmer()  # default mode: NLTK_EXTENSIONS


def nltk_stems(words):
    return [ORACLE.stem(w) for w in words]


def assert_same(words):
    """Stem ``words`` in one kernel call and compare each with NLTK; return how many were checked."""
    words = list(words)
    got = porter.stem_list(words)
    want = nltk_stems(words)
    bad = [(w, g, e) for w, g, e in zip(words, got, want) if g != e]
    assert not bad, f"{len(bad)} of {len(words)} differ from NLTK (word, ours, nltk): {bad[:20]}"
    return len(words)


def tokens_of_jsonl(paths):
    """The distinct rouge-score tokens of every string field of every record."""
    words = set()
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    for value in json.loads(line).values():
                        if isinstance(value, str):
                            words.update(TOKEN.findall(value.lower()))
    return sorted(words)


def tokens_of_text(paths):
    words = set()
    for path in paths:
        words.update(TOKEN.findall(Path(path).read_text(encoding="utf-8").lower()))
    return sorted(words)


# ------------------------------------------------------------------------------------------------ real text

def test_in_repo_dialogsum_tokens():
    paths = sorted((REPO / "data" / "dialogsum-sample").glob("*.jsonl"))
    paths.append(REPO / "src" / "textmetrics" / "data" / "dialogsum-summaries" / "summaries.jsonl")
    assert len(paths) >= 3 and all(p.exists() for p in paths)
    words = tokens_of_jsonl(paths)
    assert len(words) > 3000
    print(f"in-repo DialogSum: {assert_same(words)} distinct words")


@pytest.mark.parametrize("split", ["train", "dev", "test"])
def test_shared_dialogsum_tokens(split):
    path = shared_path("data", "dialogsum", f"dialogsum.{split}.jsonl")
    words = tokens_of_jsonl([path])
    assert len(words) > 1000
    print(f"DialogSum {split}: {assert_same(words)} distinct words")


@pytest.mark.parametrize("corpus", mt_corpora())
def test_mt_english_tokens(corpus):
    """English sources and references of the in-repo MT sample, and of WMT21 when present."""
    paths = [p for p in corpus.source_files() if p.suffix == ".en"] + corpus.reference_files("de-en")
    assert paths, f"no English sources or references under {corpus.root}"
    words = tokens_of_text(paths)
    assert len(words) > {"sample": 200, "wmt21": 3000}[corpus.name]
    print(f"{corpus.name} English sources + references: {assert_same(words)} distinct words")


@pytest.mark.parametrize("corpus", mt_corpora())
def test_mt_english_system_outputs(corpus):
    paths = corpus.system_files("de-en")
    assert paths, f"no English system outputs under {corpus.root}"
    words = tokens_of_text(paths)
    print(f"{corpus.name} English system outputs: {assert_same(words)} distinct words")


# --------------------------------------------------------------------------------------------- exhaustive

def test_every_word_up_to_three_characters():
    words = ["".join(t) for n in (1, 2, 3) for t in itertools.product(ALPHABET, repeat=n)]
    assert assert_same(words) == 36 + 36 ** 2 + 36 ** 3


def test_every_four_letter_word_over_a_suffix_alphabet():
    # the letters the short rules test (ies, ied, eed, ss, y, e, ll, cvc, at/bl/iz) and one digit
    words = ["".join(t) for t in itertools.product("aeiyslbdgnt0", repeat=4)]
    assert_same(words)


# ------------------------------------------------------------------------------------------ generated words

SUFFIXES = ["ational", "tional", "enci", "anci", "izer", "bli", "abli", "alli", "entli", "eli", "ousli", "ization",
            "ation", "ator", "alism", "iveness", "fulness", "ousness", "aliti", "iviti", "biliti", "fulli", "logi",
            "icate", "ative", "alize", "iciti", "ical", "ful", "ness", "al", "ance", "ence", "er", "ic", "able",
            "ible", "ant", "ement", "ment", "ent", "ion", "sion", "tion", "ou", "ism", "ate", "iti", "ous", "ive",
            "ize", "ies", "ied", "sses", "ss", "s", "eed", "ed", "ing", "y", "e", "ll", "at", "bl", "iz", "ly",
            "ally", "ingly", "edly", "ies", "ying", "yed", "ys", "li", "tionalli", "ationalli", "alliti"]
IRREGULAR = sorted(porter.IRREGULAR)
assert set(IRREGULAR) == set(ORACLE.pool)  # the table the kernel carries is NLTK's

letters = st.sampled_from(ALPHABET)
vowelish = st.sampled_from("aeiouy")
stems = st.one_of(
    st.text(alphabet=ALPHABET, min_size=0, max_size=12),
    st.text(alphabet="bcdlmnprstvy" + "aeiou", min_size=0, max_size=10),  # plausible English stems
    st.text(alphabet="aeiouy", min_size=0, max_size=6),
    st.text(alphabet="y", min_size=0, max_size=8),
    st.tuples(letters, st.integers(1, 5)).map(lambda t: t[0] * t[1]),  # repeated letters
)
pieces = st.one_of(st.sampled_from(SUFFIXES), st.sampled_from(IRREGULAR), st.text(alphabet="0123456789", max_size=3),
                   st.text(alphabet="y", min_size=1, max_size=3), st.tuples(letters, st.integers(2, 4))
                   .map(lambda t: t[0] * t[1]))
suffix_words = st.tuples(stems, st.lists(pieces, min_size=1, max_size=3)).map(
    lambda t: (t[0] + "".join(t[1]))[:30]).filter(bool)


@settings(max_examples=400, deadline=None)
@given(st.lists(suffix_words, min_size=1, max_size=60))
@example(["relational", "conditional", "rational", "valenci", "hesitanci", "digitizer", "conformabli", "radicalli",
          "differentli", "vileli", "analogousli", "vietnamization", "predication", "operator", "feudalism",
          "decisiveness", "hopefulness", "callousness", "formaliti", "sensitiviti", "sensibiliti", "triplicate",
          "formative", "formalize", "electriciti", "electrical", "hopeful", "goodness", "revival", "allowance",
          "inference", "airliner", "gyroscopic", "adjustable", "defensible", "irritant", "replacement",
          "adjustment", "dependent", "adoption", "homologou", "communism", "activate", "angulariti", "homologous",
          "effective", "bowdlerize", "probate", "rate", "cease", "controll", "roll", "caresses", "ponies", "ties",
          "caress", "cats", "feed", "agreed", "plastered", "bled", "motoring", "sing", "conflated", "troubled",
          "sized", "hopping", "tanned", "falling", "hissing", "fizzed", "failing", "filing", "happy", "sky",
          "enjoy", "spy", "fly", "try", "spied", "died", "flies", "dies", "geology", "theology", "archaeology",
          "generalli", "fullili", "conditionalli", "relationalli", "sensationalli", "emotionalli",
          "yyyyy", "syzygy", "toy", "oy", "ow", "owed", "ox", "ied", "ies", "eed", "ing"])
@example(IRREGULAR + [w + "s" for w in IRREGULAR] + ["x" + w for w in IRREGULAR])
def test_suffixes(words):
    assert_same(words)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=ALPHABET, min_size=1, max_size=30), min_size=1, max_size=60))
def test_any_word_up_to_30(words):
    assert_same(words)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="aeiouybcdlst0", min_size=1, max_size=30), min_size=1, max_size=60))
def test_y_and_vowel_heavy_words(words):
    # the 'y' consonant/vowel alternation, *d, *o, m counting
    assert_same(words)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("ylsezbt"), st.integers(1, 30), st.sampled_from(["", "s", "ed", "ing",
                                                                                            "e", "y", "ies"]))
                .map(lambda t: (t[0] * t[1] + t[2])[:30]), min_size=1, max_size=30))
def test_runs_of_one_letter(words):
    assert_same(words)


def test_long_words():
    rng = np.random.default_rng(0)
    words = ["y" * 2000, "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyly", "a" * 500 + "ational",
             "l" * 300, "s" * 301, "1" * 100 + "ing"]
    words += ["".join(rng.choice(list(ALPHABET), size=n)) for n in rng.integers(31, 400, size=200)]
    words += ["".join(rng.choice(list("aeiouyslbt"), size=n)) + s for n in rng.integers(31, 120, size=200)
              for s in ("ization", "fulness", "ing", "ed")]
    assert_same(words)


# -------------------------------------------------------------------------------------- the kernel's contract

def test_stem_words_layout_and_types():
    buf = np.frombuffer(b"xxRunningCATSxgeneralizationsyyy", dtype=np.uint8).copy()
    # words out of order, overlapping, of length 0, and with capitals (NLTK lowercases them)
    start = np.array([2, 9, 14, 2, 0, 29, 5], dtype=np.int64)
    length = np.array([7, 4, 15, 0, 2, 3, 4], dtype=np.int64)
    out, off = K.stem_words(buf, start, length)
    assert out.dtype == np.uint8 and off.dtype == np.int64 and off.shape == (start.size + 1,) and off[0] == 0
    assert off[-1] == out.size and np.all(np.diff(off) >= 0)
    words = [bytes(buf[s:s + n]).decode() for s, n in zip(start, length)]
    got = [bytes(out[off[i]:off[i + 1]]).decode() for i in range(start.size)]
    assert got == nltk_stems(words) == ["run", "cat", "gener", "", "xx", "yyy", "ning"]


def test_stem_words_empty_input():
    out, off = K.stem_words(np.zeros(0, np.uint8), np.zeros(0, np.int64), np.zeros(0, np.int64))
    assert out.size == 0 and list(off) == [0]
    assert porter.stem_list([]) == []
    assert porter.stem_list(["", "a", ""]) == ["", "a", ""]


@pytest.mark.parametrize("start, length", [([0], [5]), ([-1], [2]), ([3], [-1]), ([0, 1], [1])])
def test_stem_words_rejects_words_outside_buf(start, length):
    buf = np.frombuffer(b"abcd", dtype=np.uint8).copy()
    with pytest.raises(ValueError):
        K.stem_words(buf, np.array(start, dtype=np.int64), np.array(length, dtype=np.int64))


def test_stem_list_capitals_are_lowercased_as_nltk_does():
    words = ["Running", "CATS", "Sky", "SKIES", "Dying", "News", "Ab", "HoPeFuLnEsS", "Y", "YY", "YyY"]
    assert porter.stem_list(words) == nltk_stems(words)
