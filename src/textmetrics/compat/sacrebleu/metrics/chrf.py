"""sacrebleu 2.6.0's ``sacrebleu.metrics.chrf``: ``CHRF``, ``CHRFScore``, ``CHRFSignature``.

Statistics come from textmetrics' chrF engine (``textmetrics.chrf_statistics``: per segment, the
``[hyp, ref, match]`` counts of every character order, then every word order, against the reference with the best
segment score), and scores of exact (integer) statistics from ``textmetrics.chrf_from_statistics``, so corpus and
sentence scores are sacrebleu's bit for bit. The float32 sums of sacrebleu's bootstrap resampling are scored by
``CHRF._compute_f_score``, which does sacrebleu's floating-point operations in sacrebleu's order on the numbers it
is given (in float32 for float32 sums, as NumPy 2 does in sacrebleu), so bootstrap means and intervals are
sacrebleu's too.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Optional

import numpy as np

from ....metrics.chrf import chrf_from_statistics, chrf_statistics
from .base import (
    Metric,
    Score,
    Signature,
    _check_bool,
    _check_hypotheses,
    _check_streams,
    _num_refs,
)

__all__ = ["CHRF", "CHRFScore", "CHRFSignature"]

_EPS = 1e-16  # sacrebleu's fallback precision/recall of an order without n-grams


class CHRFSignature(Signature):
    """chrF's signature: ``nrefs``, ``case``, ``eff`` (``no`` with ``eps_smoothing``), ``nc``, ``nw``, ``space``,
    ``version``."""

    def __init__(self, args: dict):
        super().__init__(args)
        self._abbr.update({"case": "c", "eff": "e", "nc": "nc", "nw": "nw", "space": "s"})
        self.info.update({"case": "lc" if args["lowercase"] else "mixed",
                          "eff": "yes" if not args["eps_smoothing"] else "no",
                          "nc": args["char_order"], "nw": args["word_order"],
                          "space": "yes" if args["whitespace"] else "no"})


class CHRFScore(Score):
    """A chrF score: ``score`` (0-100), ``char_order``, ``word_order``, ``beta``; ``name`` is ``chrF2``,
    ``chrF2++`` (one ``+`` per word order), ...; ``format()`` and ``str()`` as sacrebleu's."""

    def __init__(self, score: float, char_order: int, word_order: int, beta: int):
        self.beta = beta
        self.char_order = char_order
        self.word_order = word_order
        super().__init__(f"chrF{self.beta}" + "+" * self.word_order, score)


def _check_order(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"CHRF: {name} must be an int, got {type(value).__name__}")
    if value < 0:
        raise ValueError(f"CHRF: {name} must be >= 0, got {value}")
    return int(value)


def _check_beta(beta):
    if isinstance(beta, bool) or not isinstance(beta, (int, float, np.integer, np.floating)):
        raise TypeError(f"CHRF: beta must be a number, got {type(beta).__name__}")
    if not (math.isfinite(beta) and beta >= 0):
        raise ValueError(f"CHRF: beta must be a finite number >= 0, got {beta!r}")
    return int(beta) if isinstance(beta, (int, np.integer)) else float(beta)


def _integer_row(stats) -> Optional[list]:
    """Summed statistics as Python ints if they are exact integers (a list of ints, an integer array), else None
    (float32 bootstrap sums, which sacrebleu scores in float32)."""
    if isinstance(stats, np.ndarray):
        return stats.tolist() if stats.dtype.kind in "iu" else None
    values = list(stats)
    if all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in values):
        return [int(v) for v in values]
    return None


class CHRF(Metric):
    """sacrebleu's ``CHRF`` metric (chrF; chrF++ with ``word_order=2``): ``corpus_score``, ``sentence_score``,
    ``get_signature``.

    Args:
        char_order: character n-gram orders 1..char_order (6).
        word_order: word n-gram orders 1..word_order (0: chrF; 2: chrF++).
        beta: recall weight (2); an int or a float.
        lowercase: case-insensitive (``str.lower``).
        whitespace: keep whitespace characters in the character n-grams.
        eps_smoothing: the mean of the per-order F-beta with 1e-16 fallbacks (chrF++.py, NLTK, Moses) instead of
            the F-beta of the precision and recall averaged over the effective orders (sacrebleu's default).
        references: reference streams to cache (checked once; ``corpus_score(hyps)`` then reuses them).
    """

    CHAR_ORDER = 6
    WORD_ORDER = 0
    BETA = 2
    _PUNCTS = frozenset('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~')  # string.punctuation: split off words for chrF+
    _SIGNATURE_TYPE = CHRFSignature

    def __init__(self, char_order: int = CHAR_ORDER, word_order: int = WORD_ORDER, beta: int = BETA,
                 lowercase: bool = False, whitespace: bool = False, eps_smoothing: bool = False,
                 references: Optional[Sequence[Sequence[str]]] = None):
        super().__init__()
        self.beta = _check_beta(beta)
        self.char_order = _check_order("char_order", char_order)
        self.word_order = _check_order("word_order", word_order)
        if self.char_order + self.word_order == 0:
            raise ValueError("CHRF: char_order and word_order are both 0: chrF needs at least one n-gram order")
        self.order = self.char_order + self.word_order
        self.lowercase = _check_bool("lowercase", lowercase)
        self.whitespace = _check_bool("whitespace", whitespace)
        self.eps_smoothing = _check_bool("eps_smoothing", eps_smoothing)
        if references is not None:
            self._ref_cache = self._cache_references(references)

    # ------------------------------------------------------------------------------------------- scoring

    def _compute_f_score(self, statistics) -> float:
        """chrF on the 0-100 scale of summed ``[hyp, ref, match] * order`` statistics, with sacrebleu's
        floating-point operations in its order on the numbers given: Python floats for ints, float32 for the
        float32 sums of the bootstrap (NumPy 2 keeps float32 with Python scalars, as in sacrebleu)."""
        score = 0.0
        effective_order = 0
        factor = self.beta ** 2
        avg_prec, avg_rec = 0.0, 0.0
        for i in range(self.order):
            n_hyp, n_ref, n_match = statistics[3 * i: 3 * i + 3]
            prec = n_match / n_hyp if n_hyp > 0 else _EPS
            rec = n_match / n_ref if n_ref > 0 else _EPS
            denom = factor * prec + rec
            score += ((1 + factor) * prec * rec / denom) if denom > 0 else _EPS
            if n_hyp > 0 and n_ref > 0:
                avg_prec += prec
                avg_rec += rec
                effective_order += 1
        if self.eps_smoothing:
            return 100 * score / self.order
        if effective_order == 0:
            avg_prec = avg_rec = 0.0
        else:
            avg_prec /= effective_order
            avg_rec /= effective_order
        if avg_prec + avg_rec:
            score = (1 + factor) * avg_prec * avg_rec
            score /= (factor * avg_prec) + avg_rec
            return 100 * score
        return 0.0

    def _compute_score_from_stats(self, stats) -> CHRFScore:
        """The score of summed statistics (a list, or a NumPy row: int64 in the randomization test, float32 in
        the bootstrap)."""
        if len(stats) != 3 * self.order:
            raise ValueError(f"CHRF: statistics must have 3 * (char_order + word_order) = {3 * self.order} values, "
                             f"got {len(stats)}")
        exact = _integer_row(stats)
        if exact is not None:
            score = chrf_from_statistics(exact, char_order=self.char_order, word_order=self.word_order,
                                         beta=self.beta, eps_smoothing=self.eps_smoothing).score
        else:
            score = self._compute_f_score(stats)
        return CHRFScore(score, self.char_order, self.word_order, self.beta)

    # ------------------------------------------------------------------------------------------ statistics

    def _preprocess_segment(self, sent: str) -> str:
        """A line as chrF sees it: lowercased if asked, nothing else (no ``rstrip``)."""
        return sent.lower() if self.lowercase else sent

    def _remove_punctuation(self, sent: str) -> list[str]:
        """chrF+'s words: whitespace tokens with one ASCII punctuation character split off the end, else off the
        start (``'(hi)'`` -> ``'(hi'``, ``')'``, as sacrebleu)."""
        tokenized = []
        for w in sent.split():
            if len(w) == 1:
                tokenized.append(w)
            elif w[-1] in self._PUNCTS:
                tokenized += [w[:-1], w[-1]]
            elif w[0] in self._PUNCTS:
                tokenized += [w[0], w[1:]]
            else:
                tokenized.append(w)
        return tokenized

    def _cache_references(self, references) -> list[list[str]]:
        """The references checked and grouped per segment (``None`` dropped); sets ``num_refs``."""
        segments = _check_streams(references)
        self.num_refs = _num_refs(segments)
        return segments

    def _extract_corpus_statistics(self, hypotheses, references) -> list[list[int]]:
        """Per-segment ``[hyp_1, ref_1, match_1, ...]`` (Python ints), as sacrebleu's."""
        hypotheses = _check_hypotheses(hypotheses, "sentence_chrf")
        segments = self._references_or_cache(references)
        if len(hypotheses) != len(segments):
            raise ValueError(f"{len(hypotheses)} hypotheses but the reference streams have {len(segments)} "
                             "segments: they must be parallel")
        return chrf_statistics(segments, hypotheses, char_order=self.char_order, word_order=self.word_order,
                               beta=self.beta, lowercase=self.lowercase, whitespace=self.whitespace,
                               eps_smoothing=self.eps_smoothing).tolist()
