"""textmetrics.tokenizers: rouge-score's tokenizer to the letter, and the Unicode tokenizer on real text."""
from __future__ import annotations

import re
import unicodedata

import pytest

import textmetrics as tm
from shared_data import mt_corpora, read_lines
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
    assert len(words) > (3000 if len(dialogsum_test) == 500 else 700)  # the volume's 500 dialogues, the sample's 32
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

    @pytest.mark.parametrize(("text", "expected"), [
        ("„Das ist überraschend“, sagte die Bürgermeisterin von Zürich.",
         ["das", "ist", "überraschend", "sagte", "die", "bürgermeisterin", "von", "zürich"]),
        ("Die Zahl der Arbeitsplätze stieg um 12,5 Prozent.",
         ["die", "zahl", "der", "arbeitsplätze", "stieg", "um", "12", "5", "prozent"]),
        ("Die Straße – 4,2 Mio. € für Köln …", ["die", "strasse", "4", "2", "mio", "für", "köln"]),
        ("Li Wei (李伟) wies die Vorwürfe zurück.", ["li", "wei", "李", "伟", "wies", "die", "vorwürfe", "zurück"]),
        ("Der US-Senat, am 3. März: 1.250 Gäste", ["der", "us", "senat", "am", "3", "märz", "1", "250", "gäste"]),
    ])
    def test_german_sentences(self, text, expected):
        assert unicode_tokenize(text) == expected
        # what rouge-score makes of the same text: every non-ASCII letter is a separator
        assert tm.tokenize(text) == rs_tokenize.tokenize(text, None)

    @pytest.mark.parametrize("corpus", mt_corpora())
    def test_real_german_text(self, corpus):
        """Every German reference line of the corpus, token for token: on text without combining marks the
        tokens are the runs of letters and digits of the NFKC, case-folded line, each Han character on its own."""
        lines = [line for path in corpus.reference_files("en-de") for line in read_lines(path)][:900]
        umlaut_words = set()
        for line in lines:
            folded = unicodedata.normalize("NFKC", line).casefold()
            assert not any(unicodedata.category(ch).startswith("M") for ch in folded), line
            expected = re.findall(r"[\u4e00-\u9fff]|[^\W_\u4e00-\u9fff]+", folded)
            tokens = unicode_tokenize(line)
            assert tokens == expected, line
            umlaut_words |= {t for t in tokens if set(t) & set("äöü")}
            assert tm.tokenize(line) == rs_tokenize.tokenize(line, None), line
        assert {"für", "über"} & umlaut_words  # words such as "für" survive whole
