"""sacrebleu 2.6.0's ``sacrebleu.tokenizers.tokenizer_ter``: ``TercomTokenizer``, computed by textmetrics'
``textmetrics.metrics.ter.tercom_tokenize`` (Tercom's normalizer, string for string sacrebleu's)."""
from __future__ import annotations

import numpy as np

from ....metrics.ter import tercom_tokenize
from ....tokenizers import check_text
from .tokenizer_base import BaseTokenizer

__all__ = ["TercomTokenizer"]


def _flag(name: str, value) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"TercomTokenizer: {name} must be bool, got {type(value).__name__}")
    return bool(value)


class TercomTokenizer(BaseTokenizer):
    """TER's tokenizer: lowercasing unless ``case_sensitive``; with ``normalized``, Tercom's normalization (line
    joins, ``&quot; &amp; &lt; &gt;`` unescaped, punctuation split off as 13a does, possessive ``'s``) and, with
    ``asian_support``, CJK characters split; with ``no_punct``, ``. , ? : ; ! " ( )`` deleted (and, with
    ``asian_support``, CJK and full-width punctuation); then whitespace collapsed. ``asian_support`` alone changes
    nothing. Results are memoized (``tercom_tokenize``'s LRU cache, 2**16 lines, as sacrebleu's)."""

    ASIAN_PUNCT = r"([\u3001\u3002\u3008-\u3011\u3014-\u301f\uff61-\uff65\u30fb])"
    FULL_WIDTH_PUNCT = r"([\uff0e\uff0c\uff1f\uff1a\uff1b\uff01\uff02\uff08\uff09])"

    def __init__(self, normalized: bool = False, no_punct: bool = False, asian_support: bool = False,
                 case_sensitive: bool = False):
        self._normalized = _flag("normalized", normalized)
        self._no_punct = _flag("no_punct", no_punct)
        self._asian_support = _flag("asian_support", asian_support)
        self._case_sensitive = _flag("case_sensitive", case_sensitive)

    def __call__(self, sent: str) -> str:
        check_text(sent, "TercomTokenizer: the line")
        return tercom_tokenize(sent, self._normalized, self._no_punct, self._asian_support, self._case_sensitive)

    def signature(self) -> str:
        return "tercom"

    def __repr__(self) -> str:
        return (f"TercomTokenizer(normalized={self._normalized}, no_punct={self._no_punct}, "
                f"asian_support={self._asian_support}, case_sensitive={self._case_sensitive})")
