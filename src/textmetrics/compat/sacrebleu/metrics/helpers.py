"""sacrebleu 2.6.0's ``sacrebleu.metrics.helpers``: word and character n-gram extraction."""
from __future__ import annotations

from collections import Counter

__all__ = ["extract_all_char_ngrams", "extract_all_word_ngrams", "extract_char_ngrams", "extract_word_ngrams"]


def extract_all_word_ngrams(line: str, min_order: int, max_order: int) -> tuple[Counter, int]:
    """``(Counter of the n-grams of line.split() as tuples, min_order <= n <= max_order; number of tokens)``."""
    tokens = line.split()
    counts = Counter(tuple(tokens[i:i + n]) for n in range(min_order, max_order + 1)
                     for i in range(len(tokens) - n + 1))
    return counts, len(tokens)


def extract_word_ngrams(tokens: list, n: int) -> Counter:
    """Counter of the order-n n-grams of a token list, each joined by single spaces."""
    return Counter(" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def _squeeze(line: str, include_whitespace: bool) -> str:
    return line if include_whitespace else "".join(line.split())


def extract_char_ngrams(line: str, n: int, include_whitespace: bool = False) -> Counter:
    """Counter of the character n-grams of ``line`` (whitespace removed first unless ``include_whitespace``)."""
    line = _squeeze(line, include_whitespace)
    return Counter(line[i:i + n] for i in range(len(line) - n + 1))


def extract_all_char_ngrams(line: str, max_order: int, include_whitespace: bool = False) -> list[Counter]:
    """``[extract_char_ngrams(line, n, include_whitespace) for n in 1..max_order]``."""
    line = _squeeze(line, include_whitespace)
    return [Counter(line[i:i + n] for i in range(len(line) - n + 1)) for n in range(1, max_order + 1)]
