"""sacrebleu 2.6.0's ``sacrebleu.compat``: the functional API (``corpus_bleu``, ``raw_corpus_bleu``,
``sentence_bleu``), hypotheses first, references as a list of streams parallel to the hypotheses."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Optional

from .metrics import BLEU, BLEUScore

__all__ = ["corpus_bleu", "raw_corpus_bleu", "sentence_bleu"]


def corpus_bleu(hypotheses: Sequence[str], references, smooth_method: str = "exp", smooth_value=None,
                force: bool = False, lowercase: bool = False, tokenize: str = BLEU.TOKENIZER_DEFAULT,
                use_effective_order: bool = False) -> BLEUScore:
    """Corpus BLEU: ``references`` is a list of streams, each parallel to ``hypotheses`` (``None`` = missing)."""
    metric = BLEU(lowercase=lowercase, force=force, tokenize=tokenize, smooth_method=smooth_method,
                  smooth_value=smooth_value, effective_order=use_effective_order)
    return metric.corpus_score(hypotheses, references)


def raw_corpus_bleu(hypotheses: Sequence[str], references,
                    smooth_value: Optional[float] = BLEU.SMOOTH_DEFAULTS["floor"]) -> BLEUScore:
    """Corpus BLEU without tokenization: floor smoothing (default 0.1), effective order, ``force``."""
    return corpus_bleu(hypotheses, references, smooth_method="floor", smooth_value=smooth_value, force=True,
                       tokenize="none", use_effective_order=True)


def sentence_bleu(hypothesis: str, references: Sequence[str], smooth_method: str = "exp",
                  smooth_value: Optional[float] = None, lowercase: bool = False,
                  tokenize: str = BLEU.TOKENIZER_DEFAULT, use_effective_order: bool = True) -> BLEUScore:
    """BLEU of one hypothesis against a list of reference strings (effective order on by default)."""
    metric = BLEU(lowercase=lowercase, tokenize=tokenize, force=False, smooth_method=smooth_method,
                  smooth_value=smooth_value, effective_order=use_effective_order)
    return metric.sentence_score(hypothesis, references)
