"""rouge-score 0.1.2's ``rouge_score.tokenizers`` module: the ``Tokenizer`` base class and ``DefaultTokenizer``.

A ``RougeScorer`` given a ``DefaultTokenizer`` of this module scores with textmetrics' own tokenizer (same tokens);
any other object with a ``tokenize(text) -> list`` method is called for every text, as rouge-score does.
"""
from __future__ import annotations

import abc

from . import tokenize as _tokenize_module

__all__ = ["DefaultTokenizer", "Tokenizer"]


class Tokenizer(abc.ABC):
    """Abstract base class of tokenizers: subclasses implement ``tokenize(text) -> list of tokens``."""

    @abc.abstractmethod
    def tokenize(self, text):
        raise NotImplementedError("Tokenizer must override tokenize() method")


class DefaultTokenizer(Tokenizer):
    """rouge-score's default tokenizer; ``use_stemmer=True`` adds NLTK's Porter stemmer (tokens longer than 3)."""

    def __init__(self, use_stemmer=False):
        if use_stemmer:
            try:
                from nltk.stem import porter
            except ImportError as exc:  # pragma: no cover - depends on the environment
                raise ImportError("use_stemmer=True needs NLTK's PorterStemmer: pip install 'textmetrics-exact[stem]' "
                                  "(nltk==3.10.4)") from exc
            self._stemmer = porter.PorterStemmer()
        else:
            self._stemmer = None

    def tokenize(self, text):
        return _tokenize_module.tokenize(text, self._stemmer)
