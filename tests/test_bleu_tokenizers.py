"""BLEU tokenizers: character-for-character sacrebleu 2.6.0 (13a, intl, char, zh, none)."""
from __future__ import annotations


import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sacrebleu.metrics.bleu import _get_tokenizer

from shared_data import mt_corpora, read_lines
from textmetrics.bleu_tokenizers import BLEU_TOKENIZERS, bleu_tokenize


SACREBLEU = {name: _get_tokenizer(name)() for name in BLEU_TOKENIZERS}


# Expected strings are derived by hand from the rules in bleu_tokenizers' docstring (metric-semantics.md §2.2);
# each is also checked against sacrebleu itself.
HAND_CASES = [
    ("13a", "a...b", "a . . . b"),
    ("13a", "1,000.5 and 3.14", "1,000.5 and 3.14"),
    ("13a", "U.S.A.", "U . S . A ."),
    ("13a", "5-6 but a-b", "5 - 6 but a-b"),
    ("13a", "It's", "It's"),
    ("13a", "end 2019.", "end 2019 ."),  # the padding space lets the last rule split the final period
    ("13a", "x&amp;lt;y", "x < y"),  # &amp; first, then &lt;
    ("13a", "&apos;", "& apos ;"),  # not unescaped
    ("13a", "a<skipped>b hyphen-\nated\nline", "ab hyphenated line"),
    ("13a", "(a+b)={c}|d~e^f_g`h\\i@j/k", "( a + b ) = { c } | d ~ e ^ f _ g ` h \\ i @ j / k"),
    ("13a", "  many   spaces\t ", "many spaces"),
    ("intl", "It's", "It ' s"),
    ("intl", "end 2019.", "end 2019."),  # no padding: the final period stays on the number (mteval-v14)
    ("intl", "“quoted” — dash… €5 +x", "“ quoted ” — dash … € 5 + x"),
    ("intl", "1,000.5", "1,000.5"),
    ("char", "ab c", "a b   c"),
    ("zh", "中文，测试。abc", "中 文 ， 测 试 。 abc"),
    ("zh", "a“b”c", "a “ b ” c"),  # U+201C/U+201D fall into the table's mistyped U+2001..U+2A6D range
    ("zh", "a\u2a6db\u2a6ec", "a \u2a6d b\u2a6ec"),  # its last character, and the one after it
    ("zh", "a\U00020000b", "a\U00020000b"),  # CJK Extension B itself is not covered
    ("zh", "  end 2019.  ", "end 2019."),  # strip(), no padding
    ("none", " a.b ", " a.b "),
]


@pytest.mark.parametrize(("tokenizer", "text", "expected"), HAND_CASES)
def test_hand_derived_cases(tokenizer, text, expected):
    assert bleu_tokenize(text, tokenizer=tokenizer) == expected
    assert SACREBLEU[tokenizer](text) == expected


def test_default_is_13a():
    assert bleu_tokenize("end 2019.") == "end 2019 ."


def test_zh_character_table_matches_sacrebleu_on_every_code_point_below_0x30000():
    # Every code point of the BMP and planes 1-2 (which hold the table's intended Extension B ranges), in chunks.
    chunk = 4096
    for start in range(0, 0x30000, chunk):
        text = "".join(chr(c) for c in range(start, start + chunk) if not 0xD800 <= c <= 0xDFFF)
        assert bleu_tokenize(text, tokenizer="zh") == SACREBLEU["zh"](text), hex(start)


PIECES = list("abcXYZ019 .,-'\"!?&;:()[]{}<>/\\@#$%^*+=_|~`\n\t") + [
    "\xa0", "\u2000", "\u2001", "\u200b", "\u3000", "\ufeff", "“", "”", "„", "–", "—", "…", "€", "£", "°", "½",
    "²", "٣", "中", "文", "，", "。", "\U00020000", "Ä", "ß", "İ", "é", "\u0301", "&quot;", "&amp;", "&lt;",
    "&gt;", "&apos;", "<skipped>", "-\n", "1,000", "3.5", "U.S.", "e.g.,",
]
texts = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)


@settings(max_examples=400, deadline=None)
@given(text=texts, tokenizer=st.sampled_from(BLEU_TOKENIZERS))
def test_random_text_matches_sacrebleu(text, tokenizer):
    assert bleu_tokenize(text, tokenizer=tokenizer) == SACREBLEU[tokenizer](text)


def _lines(corpus) -> list[str]:
    lines: set[str] = set()
    for path in corpus.reference_files("en-de") + corpus.reference_files("de-en") + corpus.source_files():
        lines.update(read_lines(path))
    return sorted(lines)


@pytest.mark.parametrize("corpus", mt_corpora())
@pytest.mark.parametrize("tokenizer", BLEU_TOKENIZERS)
def test_corpus_references_and_sources_match_sacrebleu(corpus, tokenizer):
    # System outputs go through the tokenizers in test_bleu.py's corpus parity tests.
    lines = _lines(corpus)
    assert len(lines) > 500
    sacrebleu_tokenize = SACREBLEU[tokenizer]
    for line in lines:
        assert bleu_tokenize(line, tokenizer=tokenizer) == sacrebleu_tokenize(line), line


@pytest.mark.parametrize("tokenizer", ["13A", "v13a", "spm", "ja-mecab", None, 13])
def test_unknown_tokenizer(tokenizer):
    with pytest.raises(ValueError, match="unknown BLEU tokenizer"):
        bleu_tokenize("text", tokenizer=tokenizer)


@pytest.mark.parametrize("text", [None, b"bytes", ["a", "list"], 3])
def test_non_string_text(text):
    with pytest.raises(TypeError, match="text must be str"):
        bleu_tokenize(text)
