"""rouge-score 0.1.2's ``rouge_score.tokenize`` module on textmetrics' tokenizer.

``tokenize(text, stemmer)``: lowercase (full-Unicode ``str.lower``), every run of characters outside ``[a-z0-9]``
becomes a space, split, stem tokens longer than 3 characters with ``stemmer.stem`` when a stemmer is given, keep
tokens matching ``^[a-z0-9]+$``. The first three steps are ``textmetrics.tokenize``; NLTK's ``PorterStemmer`` in
its default (NLTK_EXTENSIONS) mode is applied through textmetrics' memoized stemmer (same stems), any other object
with a ``stem`` method is called as rouge-score calls it.
"""
from __future__ import annotations

import re

from ...tokenizers import tokenize as _tokenize

__all__ = ["NON_ALPHANUM_PATTERN", "NON_ALPHANUM_RE", "SPACES_PATTERN", "SPACES_RE", "VALID_TOKEN_PATTERN",
           "VALID_TOKEN_RE", "tokenize"]

NON_ALPHANUM_PATTERN = r"[^a-z0-9]+"
NON_ALPHANUM_RE = re.compile(NON_ALPHANUM_PATTERN)
SPACES_PATTERN = r"\s+"
SPACES_RE = re.compile(SPACES_PATTERN)
VALID_TOKEN_PATTERN = r"^[a-z0-9]+$"
VALID_TOKEN_RE = re.compile(VALID_TOKEN_PATTERN)


def _is_default_porter(stemmer) -> bool:
    """NLTK's ``PorterStemmer()`` as rouge-score builds it (the stems textmetrics' ``stemmer=True`` gives)."""
    try:
        from nltk.stem.porter import PorterStemmer
    except ImportError:  # pragma: no cover - depends on the environment
        return False
    return type(stemmer) is PorterStemmer and stemmer.mode == PorterStemmer.NLTK_EXTENSIONS


def tokenize(text, stemmer):
    """Tokens of ``text`` as rouge-score's ``tokenize.tokenize(text, stemmer)`` returns them."""
    if stemmer and _is_default_porter(stemmer):
        return _tokenize(text, stemmer=True)
    tokens = _tokenize(text)
    if stemmer:
        tokens = [stemmer.stem(token) if len(token) > 3 else token for token in tokens]
        tokens = [token for token in tokens if VALID_TOKEN_RE.match(token)]
    return tokens
