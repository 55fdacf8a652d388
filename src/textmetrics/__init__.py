"""textmetrics: exact, fast ROUGE and BLEU.

Reference first, candidate second::

    >>> import textmetrics
    >>> textmetrics.rouge_l("The cat is on the mat.", "The cat and the dog.")
    Score(precision=0.6, recall=0.5, fmeasure=0.5454545454545454)
"""
from ._version import __version__
from .batch import RougeResult, ScoreArrays, rouge, warmup
from .bleu_tokenizers import bleu_tokenize
from .metrics.bleu import (BleuScore, bleu, bleu_from_statistics, bleu_statistics, nltk_bleu, nltk_sentence_bleu,
                           sentence_bleu)
from .metrics.rouge import lcs_length, rouge_l, rouge_lsum, rouge_n, rouge_s, rouge_su, rouge_w
from .scoring import Score
from .tokenizers import tokenize

__all__ = [
    "__version__",
    "Score",
    "tokenize",
    "lcs_length",
    "rouge_n",
    "rouge_l",
    "rouge_lsum",
    "rouge_w",
    "rouge_s",
    "rouge_su",
    "rouge",
    "RougeResult",
    "ScoreArrays",
    "warmup",
    "BleuScore",
    "bleu",
    "sentence_bleu",
    "bleu_statistics",
    "bleu_from_statistics",
    "bleu_tokenize",
    "nltk_bleu",
    "nltk_sentence_bleu",
]
