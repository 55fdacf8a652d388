"""textmetrics.tokenizers: rouge-score's tokenizer to the letter, and the Unicode tokenizer on real text."""
from __future__ import annotations

import pytest

import textmetrics as tm
from textmetrics.tokenizers import resolve_tokenizer, unicode_tokenize, whitespace_tokenize

rs_tokenize = pytest.importorskip("rouge_score.tokenize")

# The cases listed in metric-semantics.md 2.1, checked against rouge-score itself.
CASES = ["don't", "3.14", "e-mail", "café", "Straße", "İstanbul", "\u212aelvin", "ﬁsh", "ＡＢＣ", "北京欢迎你",
         "Hello, World!\nSecond line.", "", "   ", "generously generosity happily relational studies agreement",
         "skies dying lying tying news innings outings cannings howe proceed exceed succeed"]


@pytest.mark.parametrize("text", CASES)
@pytest.mark.parametrize("stemmer", [False, True])
def test_default_tokenizer_matches_rouge_score(text, stemmer):
    from nltk.stem import porter

    expected = rs_tokenize.tokenize(text, porter.PorterStemmer() if stemmer else None)
    assert tm.tokenize(text, stemmer=stemmer) == expected


def test_stemmer_is_nltk_on_every_dialogsum_word(dialogsum_test):
    from nltk.stem import porter

    nltk_stem = porter.PorterStemmer()
    words = {w for row in dialogsum_test for w in tm.tokenize(row["dialogue"] + " " + row["summary1"])}
    assert len(words) > 3000
    assert all(tm.tokenize(w, stemmer=True) == [nltk_stem.stem(w) if len(w) > 3 else w] for w in words)


def test_named_tokenizers():
    assert resolve_tokenizer("whitespace", False)("The  Cat,\tsat") == ["The", "Cat,", "sat"]
    assert whitespace_tokenize("a\u3000b") == ["a", "b"]
    with pytest.raises(TypeError, match="text must be str"):
        tm.tokenize(None)


class TestUnicodeTokenizer:
    def test_accented_latin_is_kept_whole(self):
        assert unicode_tokenize("Café au lait, Straße!") == ["café", "au", "lait", "strasse"]  # casefold ß -> ss
        assert tm.tokenize("Café au lait") == ["caf", "au", "lait"]  # what rouge-score makes of it

    def test_cjk_characters_are_tokens(self):
        # "Beijing welcomes you." - five ideographs, the full stop dropped.
        assert unicode_tokenize("北京欢迎你。") == ["北", "京", "欢", "迎", "你"]
        assert unicode_tokenize("東京タワーabc") == ["東", "京", "タ", "ワ", "ー", "abc"]

    def test_thai_keeps_vowel_signs_with_their_consonant(self):
        # "สวัสดี" (hello): ส, ว + ั (mark), ส, ด + ี (mark)
        assert unicode_tokenize("สวัสดี") == ["ส", "วั", "ส", "ดี"]

    def test_arabic_and_devanagari_words(self):
        assert unicode_tokenize("مرحبا بالعالم") == ["مرحبا", "بالعالم"]
        assert unicode_tokenize("हिन्दी भाषा") == ["हिन्दी", "भाषा"]  # virama and vowel signs stay in the word

    def test_compatibility_forms_fold(self):
        assert unicode_tokenize("ＡＢＣ ﬁsh \u212aelvin") == ["abc", "fish", "kelvin"]

    def test_non_english_rouge_is_no_longer_zero(self):
        ref, cand = "北京欢迎你", "欢迎你来北京"
        assert tm.rouge_n(ref, cand).fmeasure == 0.0  # rouge-score's tokenizer sees nothing
        s = tm.rouge_n(ref, cand, tokenizer="unicode")
        assert (s.precision, s.recall) == (5 / 6, 5 / 5)

    def test_real_german_text(self):
        from shared_data import shared_path

        path = shared_path("data", "wmt21", "references", "newstest2021.en-de.ref.A.de")
        lines = path.read_text(encoding="utf-8").splitlines()[:300]
        umlaut_words = {t for line in lines for t in unicode_tokenize(line) if set(t) & set("äöüß")}
        assert umlaut_words  # words such as "für" survive whole
        for line in lines:
            tokens = unicode_tokenize(line)
            assert all(t == t.casefold() for t in tokens)
            # every ASCII word rouge-score finds is still a token here, unless it was cut out of a longer word
            # by a non-ASCII letter ("für" -> "f", "r") or fused by rouge-score's splitting of "'" and "-".
            ours = set(tokens)
            assert all(w in ours or any(w in t for t in ours) for w in tm.tokenize(line))
