"""sacrebleu 2.6.0's ``sacrebleu.compat``: the functional API (``corpus_bleu``, ``raw_corpus_bleu``,
``sentence_bleu``, ``corpus_chrf``, ``sentence_chrf``, ``corpus_ter``, ``sentence_ter``), hypotheses first,
references as a list of streams parallel to the hypotheses (a list of reference strings for the sentence-level
functions)."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Optional

from .metrics import BLEU, CHRF, TER, BLEUScore, CHRFScore, TERScore
from .metrics.base import _check_bool

__all__ = ["corpus_bleu", "corpus_chrf", "corpus_ter", "raw_corpus_bleu", "sentence_bleu", "sentence_chrf",
           "sentence_ter"]


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


def _check_remove_whitespace(value) -> bool:
    return _check_bool("remove_whitespace", value)


def corpus_chrf(hypotheses: Sequence[str], references, char_order: int = CHRF.CHAR_ORDER,
                word_order: int = CHRF.WORD_ORDER, beta: int = CHRF.BETA, remove_whitespace: bool = True,
                eps_smoothing: bool = False) -> CHRFScore:
    """Corpus chrF (chrF++ with ``word_order=2``); ``remove_whitespace`` is the negation of ``CHRF``'s
    ``whitespace``, and there is no ``lowercase`` (as in sacrebleu)."""
    metric = CHRF(char_order=char_order, word_order=word_order, beta=beta,
                  whitespace=not _check_remove_whitespace(remove_whitespace), eps_smoothing=eps_smoothing)
    return metric.corpus_score(hypotheses, references)


def sentence_chrf(hypothesis: str, references: Sequence[str], char_order: int = CHRF.CHAR_ORDER,
                  word_order: int = CHRF.WORD_ORDER, beta: int = CHRF.BETA, remove_whitespace: bool = True,
                  eps_smoothing: bool = False) -> CHRFScore:
    """chrF of one hypothesis against a list of reference strings."""
    metric = CHRF(char_order=char_order, word_order=word_order, beta=beta,
                  whitespace=not _check_remove_whitespace(remove_whitespace), eps_smoothing=eps_smoothing)
    return metric.sentence_score(hypothesis, references)


def corpus_ter(hypotheses: Sequence[str], references, normalized: bool = False, no_punct: bool = False,
               asian_support: bool = False, case_sensitive: bool = False) -> TERScore:
    """Corpus TER: ``references`` is a list of streams, each parallel to ``hypotheses`` (``None`` = missing)."""
    metric = TER(normalized=normalized, no_punct=no_punct, asian_support=asian_support,
                 case_sensitive=case_sensitive)
    return metric.corpus_score(hypotheses, references)


def sentence_ter(hypothesis: str, references: Sequence[str], normalized: bool = False, no_punct: bool = False,
                 asian_support: bool = False, case_sensitive: bool = False) -> TERScore:
    """TER of one hypothesis against a list of reference strings."""
    metric = TER(normalized=normalized, no_punct=no_punct, asian_support=asian_support,
                 case_sensitive=case_sensitive)
    return metric.sentence_score(hypothesis, references)
