"""textmetrics: exact, fast ROUGE and BLEU.

Reference first, candidate second::

    >>> import textmetrics
    >>> textmetrics.rouge_l("The cat is on the mat.", "The cat and the dog.")
    Score(precision=0.6, recall=0.5, fmeasure=0.5454545454545454)

Names are imported on first use (PEP 562), so ``import textmetrics`` does not import Numba or compile anything.
"""
from __future__ import annotations

import importlib

from ._version import __version__
from .scoring import Score
from .tokenizers import tokenize
from .validation import checked_options as _checked_options

# public name -> the module that defines it
_LAZY = {
    **dict.fromkeys(["lcs_length", "rouge_n", "rouge_l", "rouge_lsum", "rouge_w", "rouge_s", "rouge_su"],
                    ".metrics.rouge"),
    **dict.fromkeys(["rouge", "rouge_matrix", "RougeResult", "ScoreArrays", "warmup"], ".batch"),
    **dict.fromkeys(["BleuScorer", "bleu", "sentence_bleu", "bleu_statistics"], ".metrics.bleu"),
    **dict.fromkeys(["BleuScore", "bleu_from_statistics"], ".metrics.bleu_score"),
    **dict.fromkeys(["nltk_bleu", "nltk_sentence_bleu", "nltk_bleu_statistics", "NltkBleuPool"], ".metrics.nltk_bleu"),
    **dict.fromkeys(["ChrfScore", "chrf", "sentence_chrf", "chrf_statistics", "chrf_from_statistics"], ".metrics.chrf"),
    **dict.fromkeys(["TerScore", "ter", "sentence_ter", "ter_statistics", "ter_from_statistics"], ".metrics.ter"),
    "bleu_tokenize": ".bleu_tokenizers",
}

__all__ = ["__version__", "Score", "engine", "tokenize", *_LAZY]


@_checked_options
def engine() -> dict:
    """Which machine code runs the kernels: ``{"backend": "aot" | "jit", "reason": ..., "extension": path, ...}``.

    ``"aot"``: the extension compiled ahead of time when the package was built (no Numba import, no compile wait);
    ``"jit"``: Numba's JIT (the extension is missing or stale, or ``TEXTMETRICS_KERNELS=jit``).
    """
    from .kernels.engine import info

    return info()


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'textmetrics' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
