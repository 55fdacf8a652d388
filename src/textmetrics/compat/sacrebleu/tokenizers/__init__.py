"""sacrebleu 2.6.0's ``sacrebleu.tokenizers``: ``BaseTokenizer`` and the ``tokenizer_ter`` module (``TercomTokenizer``).

Only TER's tokenizer is a module here; BLEU's tokenizers are reached through ``BLEU(tokenize=...).tokenizer`` (the
``tokenizer_13a``, ``tokenizer_intl``, ... modules of sacrebleu are not reproduced).
"""
from . import tokenizer_base, tokenizer_ter  # noqa: F401
from .tokenizer_base import BaseTokenizer

__all__ = ["BaseTokenizer", "tokenizer_base", "tokenizer_ter"]
