"""sacrebleu 2.6.0's ``sacrebleu.tokenizers.tokenizer_base``: ``BaseTokenizer``."""
from __future__ import annotations

__all__ = ["BaseTokenizer"]


class BaseTokenizer:
    """A tokenizer: ``tokenizer(line) -> tokenized line`` and ``signature()``, to derive from."""

    def signature(self) -> str:
        """The tokenizer's name in signatures."""
        raise NotImplementedError()

    def __call__(self, line: str) -> str:
        """The tokenized line."""
        raise NotImplementedError()
