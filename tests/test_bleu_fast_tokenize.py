"""The compiled BLEU tokenizers (``13a``, ``none``, ``char``) against the Python ones, token for token, and the
interning of their tokens: adversarial generated text, hand-picked cases, every line of the in-repo MT sample and
of WMT21 (when present)."""
from __future__ import annotations


import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from shared_data import mt_corpora, read_lines
from textmetrics.bleu_tokenizers import bleu_tokenize
from textmetrics.kernels import bleu_tokenize as fast

COMPILED = ("13a", "none", "char")
PYTHON_WHITESPACE = [c for c in range(0x110000) if len(f"a{chr(c)}b".split()) == 2]


def expected(lines: list[str], tokenizer: str) -> list[list[str]]:
    return [bleu_tokenize(line, tokenizer=tokenizer).split() for line in lines]


def test_whitespace_table_is_python_split():
    assert list(fast.WHITESPACE) == PYTHON_WHITESPACE
    line = "x".join(chr(c) for c in range(0x3001))  # every whitespace code point between two tokens
    for tokenizer in ("none", "13a"):
        assert fast.tokenize([line], tokenizer) == expected([line], tokenizer)


def test_split_table_is_rule_1():
    assert [c for c in range(128) if fast.SPLIT[c]] == sorted(ord(c) for c in "{|}~[\\]^_` !\"#$%&()*+:;<=>?@/")


HAND_PICKED = [
    "The U.S.A. won 1,000.5 points in 5-6 games (end 2019).",
    "a...b", "a..b", ".a", "a.", ".5", "5.", "5.,m", ",.,.,", "1.,2", "x,1", "1,x", ".,-", "--", "1--2", "a-1-b",
    "9-", "-9", "1-1-1-", "&amp;lt;", "&amp;amp;", "&quot;x&quot;", "&lt;&gt;", "& amp;", "&am<skipped>p;",
    "<skipped>", "<skip<skipped>ped>", "a<skipped>b", "end-\nof", "-\n-\n", "a\nb", "a\r\nb", "a -", "x\t.\t",
    "", " ", "   ", "\u3000", "a\u00a0.b", "a\u2028,", "\u200b.\u200b", "\ufeff", "“Hi.”", "2011.”", "15.m.",
    "Ünïcödé 3-4-5", "中文，标点。", "\U0001f600.\U0001f600", "\ud800.x", "\x00a\x00.", "\x1c1\x1f-\x85",
    "(((a)))", "[x]{y}", "~^_`", "@@@", "$5.00", "e.g.,", "...", ",,,", "1.1.1", "a.1", "1.a",
]


@pytest.mark.parametrize("tokenizer", COMPILED)
def test_hand_picked_lines(tokenizer):
    assert fast.tokenize(HAND_PICKED, tokenizer) == expected(HAND_PICKED, tokenizer)


@pytest.mark.parametrize("tokenizer", COMPILED)
def test_worst_case_expansion(tokenizer):
    # the scratch space's bound: every code point of these grows as much as it can under the rules
    lines = [".," * 2000, "." * 3001, "a." * 1500, ".a" * 1500, "1-" * 1500, "(" * 3000, " " * 3000,
             "&amp;" * 600, "<skipped>" * 300 + ".", "-\n" * 1500]
    assert fast.tokenize(lines, tokenizer) == expected(lines, tokenizer)


# Adversarial text: what the rules look at (".", ",", "-", digits, punctuation runs), what the replacements look at
# (entities and their pieces, "<skipped>", newlines), every Unicode whitespace, non-ASCII letters and digits (not
# digits to 13a), a lone surrogate and characters outside the BMP.
ALPHABET = st.sampled_from(
    list(".,-0123456789aZ&;<>/()'\"!?:@[]{}|~^_`$%*+=#\\\n\r") + [chr(c) for c in PYTHON_WHITESPACE]
    + ["amp", "quot", "lt", "gt", "skipped", "&amp;", "&lt;", "&quot;", "<skipped>", "-\n", "ä", "ß", "中", "٣",
       "\u200b", "\ufeff", "\ud800", "\U0001f600", "\x00", "\x7f"]
)
LINE = st.lists(ALPHABET, max_size=40).map("".join)


@settings(max_examples=400, deadline=None)
@given(lines=st.lists(LINE, min_size=1, max_size=6), tokenizer=st.sampled_from(COMPILED))
@example(lines=["1.,-", "a...b"], tokenizer="13a")
def test_generated_lines(lines, tokenizer):
    assert fast.tokenize(lines, tokenizer) == expected(lines, tokenizer)


@settings(max_examples=100, deadline=None)
@given(known=st.lists(LINE, max_size=5), asked=st.lists(LINE, max_size=5), tokenizer=st.sampled_from(COMPILED))
def test_interning(known, asked, tokenizer):
    vocabulary = fast.TokenVocabulary()
    ids, offsets = vocabulary.encode(known, tokenizer)
    tokens = [t for line in expected(known, tokenizer) for t in line]
    rank = {t: i for i, t in enumerate(dict.fromkeys(tokens))}  # 0, 1, 2, ... in order of first appearance
    assert ids.tolist() == [rank[t] for t in tokens]
    assert np.diff(offsets).tolist() == [len(line) for line in expected(known, tokenizer)]
    assert [vocabulary.token(i) for i in range(len(vocabulary))] == list(rank)

    size = len(vocabulary)
    found, found_offsets = vocabulary.encode(asked, tokenizer, insert=False)
    assert len(vocabulary) == size  # looking up adds nothing
    asked_tokens = [t for line in expected(asked, tokenizer) for t in line]
    assert found.tolist() == [rank.get(t, fast.UNKNOWN) for t in asked_tokens]
    assert np.diff(found_offsets).tolist() == [len(line) for line in expected(asked, tokenizer)]


def test_many_distinct_tokens_grow_the_table():
    lines = [" ".join(f"w{i}x{j}" for j in range(100)) for i in range(200)]
    vocabulary = fast.TokenVocabulary()
    ids, _ = vocabulary.encode(lines, "none")
    assert len(vocabulary) == 20000
    assert ids.tolist() == list(range(20000))
    again, _ = vocabulary.encode(lines[::-1], "none", insert=False)
    assert again.tolist() == [i * 100 + j for i in reversed(range(200)) for j in range(100)]


def test_unknown_tokenizer():
    with pytest.raises(ValueError, match="compiled path"):
        fast.tokenize(["a"], "intl")


@pytest.mark.parametrize("corpus", mt_corpora())
@pytest.mark.parametrize("tokenizer", COMPILED)
def test_every_corpus_line(corpus, tokenizer):
    """Every line of the in-repo MT sample, and of WMT21 when present: sources, references, system outputs."""
    lines = [line for path in corpus.files() for line in read_lines(path)]
    assert len(lines) >= {"sample": 4000, "wmt21": 40000}[corpus.name]
    assert fast.tokenize(lines, tokenizer) == expected(lines, tokenizer)
