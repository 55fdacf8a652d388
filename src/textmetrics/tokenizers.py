"""ROUGE tokenization: rouge-score 0.1.2's default tokenizer, its Porter stemming, and the named choices.

rouge-score lowercases with Python's full-Unicode ``str.lower()``, turns every run of characters outside
``[a-z0-9]`` into a space, splits, stems tokens longer than 3 characters with NLTK's ``PorterStemmer()``
(NLTK_EXTENSIONS mode) and keeps tokens that match ``^[a-z0-9]+$``. The stemmer is NLTK's own, imported lazily
the first time ``stemmer=True`` is used, and memoized per distinct word.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Callable, List, Union

from .validation import check_text, checked_options  # noqa: F401 (check_text is re-exported)

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_VALID_TOKEN = re.compile(r"^[a-z0-9]+$")

Tokenizer = Callable[[str], List[str]]
TokenizerSpec = Union[str, Tokenizer, None]


@lru_cache(maxsize=1)
def _porter():
    try:
        from nltk.stem import porter
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "stemmer=True needs NLTK's PorterStemmer: pip install 'textmetrics-exact[stem]' (nltk>=3.9)"
        ) from exc
    return porter.PorterStemmer()


@lru_cache(maxsize=1 << 18)
def stem(word: str) -> str:
    """Porter stem of one word, exactly as rouge-score applies it (only words longer than 3 characters)."""
    return _porter().stem(word) if len(word) > 3 else word


@checked_options
def tokenize(text: str, *, stemmer: bool = False) -> list[str]:
    """Tokenize like rouge-score 0.1.2's default tokenizer (``tokenize.tokenize``)."""
    check_text(text)
    if not isinstance(stemmer, bool):
        raise TypeError(f"stemmer must be bool, got {type(stemmer).__name__}")
    tokens = _NON_ALNUM.sub(" ", text.lower()).split()
    if stemmer:
        tokens = [stem(t) for t in tokens]
        # A stem can never leave [a-z0-9], but rouge-score filters after stemming and so do we.
        tokens = [t for t in tokens if _VALID_TOKEN.match(t)]
    return tokens


def whitespace_tokenize(text: str) -> list[str]:
    """``str.split()``: case-sensitive, punctuation kept (rouge-metric PyRouge's tokenizer)."""
    return check_text(text).split()


# Scripts written without spaces between words: each character (with its combining marks) is one token.
_UNSEGMENTED = (
    (0x0E00, 0x0EFF),    # Thai, Lao
    (0x1000, 0x109F),    # Myanmar
    (0x1780, 0x17FF),    # Khmer
    (0x2E80, 0x2FDF),    # CJK radicals, Kangxi radicals
    (0x3005, 0x3007),    # 々 〆 〇
    (0x3040, 0x30FF),    # Hiragana, Katakana
    (0x3100, 0x312F),    # Bopomofo
    (0x31F0, 0x31FF),    # Katakana phonetic extensions
    (0x3400, 0x4DBF),    # CJK Extension A
    (0x4E00, 0x9FFF),    # CJK Unified Ideographs
    (0xF900, 0xFAFF),    # CJK Compatibility Ideographs
    (0x20000, 0x3134F),  # CJK Extensions B-H, Compatibility Supplement
)


def _unsegmented(ch: str) -> bool:
    code = ord(ch)
    return any(lo <= code <= hi for lo, hi in _UNSEGMENTED)


def unicode_tokenize(text: str) -> list[str]:
    """Tokens of any script: NFKC, Unicode case folding, runs of letters/digits/combining marks; characters of
    scripts written without spaces (CJK, kana, Thai, Lao, Khmer, Myanmar) are single tokens.

    Beyond the anchors: rouge-score's tokenizer deletes every non-ASCII letter, so Chinese, Thai or Arabic text
    scores 0 and accented words are cut (``café`` -> ``caf``); here ``café`` stays ``café`` and ``北京欢迎你`` is five
    tokens. Punctuation and symbols separate tokens and are dropped.
    """
    check_text(text)
    tokens: list[str] = []
    word = ""          # the letter/digit run being built
    can_attach = False  # whether a combining mark here belongs to the previous token
    for ch in unicodedata.normalize("NFKC", text).casefold():
        kind = unicodedata.category(ch)[0]
        if kind == "M":  # a vowel sign, virama or accent belongs to what it follows
            if word:
                word += ch
            elif can_attach:
                tokens[-1] += ch
            continue
        if word and (kind not in "LN" or _unsegmented(ch)):
            tokens.append(word)
            word = ""
        if kind in "LN" and _unsegmented(ch):
            tokens.append(ch)
            can_attach = True
        elif kind in "LN":
            word += ch
        else:
            can_attach = False
    if word:
        tokens.append(word)
    return tokens


_NAMED = {"default": tokenize, "whitespace": whitespace_tokenize, "unicode": unicode_tokenize}


def resolve_tokenizer(tokenizer: TokenizerSpec, stemmer: bool) -> Tokenizer:
    """A callable ``str -> list[str]`` for a tokenizer name or callable.

    ``stemmer=True`` applies to the default tokenizer only (rouge-score's Porter stemming of its own tokens); with
    any other tokenizer it is refused (ValueError), never silently ignored: the result's signature would claim a
    stemming that did not happen. Stem inside a custom tokenizer instead.
    """
    if not isinstance(stemmer, bool):
        raise TypeError(f"stemmer must be bool, got {type(stemmer).__name__}")
    if tokenizer is None or (isinstance(tokenizer, str) and tokenizer == "default"):
        return (lambda text: tokenize(text, stemmer=True)) if stemmer else tokenize
    if stemmer:
        shown = repr(tokenizer) if isinstance(tokenizer, str) else "a custom tokenizer"
        raise ValueError(f"stemmer=True with tokenizer={shown}: stemming applies to the default tokenizer only "
                         "(rouge-score's Porter stemming of its own tokens); use tokenizer='default', or stem "
                         "inside a custom tokenizer")
    if isinstance(tokenizer, str):
        if tokenizer not in _NAMED:
            raise ValueError(f"unknown tokenizer {tokenizer!r}; choose one of {sorted(_NAMED)} or pass a callable")
        return _NAMED[tokenizer]
    if callable(tokenizer):
        return tokenizer
    if hasattr(tokenizer, "tokenize"):  # a rouge-score style tokenizer object
        return tokenizer.tokenize
    raise TypeError(f"tokenizer must be a name or a callable str -> list[str], got {type(tokenizer).__name__}")
