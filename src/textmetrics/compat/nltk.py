"""NLTK 3.10.4's ``nltk.translate.bleu_score`` computed by textmetrics.

Replace ``from nltk.translate import bleu_score`` with ``from textmetrics.compat import nltk as bleu_score``:
``sentence_bleu``, ``corpus_bleu``, ``SmoothingFunction`` (``method0`` .. ``method7``), ``modified_precision``,
``brevity_penalty`` and ``closest_ref_length`` take NLTK's arguments and return NLTK's values, bit for bit and
type for type: the int ``0`` (or ``[0, ...]``) when the corpus has no unigram match, the int ``1``/``0`` of
``brevity_penalty``, unreduced ``Fraction``s from ``modified_precision``, a list of scores for a list of weight
tuples (all precisions smoothed together, as NLTK does). NLTK's quirks are kept (see
``textmetrics.metrics.bleu``): corpus smoothing sees the last segment, method0 gives tiny non-zero scores, etc.

Deliberate differences: strings where token lists are expected raise ``TypeError`` (NLTK silently scores
characters); mismatched lengths, an empty corpus, segments without references and method6's preconditions raise
``ValueError`` (NLTK: ``AssertionError``, ``ZeroDivisionError``, ``KeyError``, ``IndexError``);
``smoothing_function`` must be a method of this module's ``SmoothingFunction`` (``TypeError`` for other callables);
method0 does not warn; no input is modified.
"""
from __future__ import annotations

import fractions
import math
import sys
from collections.abc import Hashable, Sequence

from ..metrics.bleu import NLTK_SMOOTHING, _nltk_smooth, nltk_bleu
from ..reference.bleu import clipped_matches, closest_reference_length

__all__ = ["Fraction", "SmoothingFunction", "brevity_penalty", "closest_ref_length", "corpus_bleu",
           "modified_precision", "sentence_bleu"]

DEFAULT_WEIGHTS = (0.25, 0.25, 0.25, 0.25)


class Fraction(fractions.Fraction):
    """A ``Fraction`` that reports the numerator and denominator it was built from unless ``_normalize``.

    NLTK's ``Fraction(num, den, _normalize=False)``: ``Fraction(2, 4).numerator`` is 2 (the value is still 1/2).
    """

    def __new__(cls, numerator=0, denominator=None, _normalize=False):
        if sys.version_info < (3, 12):  # these versions store the unreduced pair themselves, as NLTK relies on
            self = super().__new__(cls, numerator, denominator, _normalize=_normalize)
        else:
            self = super().__new__(cls, numerator, denominator)
        self._normalize = _normalize
        self._given = (numerator, denominator)
        return self

    @property
    def numerator(self):
        return super().numerator if self._normalize else self._given[0]

    @property
    def denominator(self):
        return super().denominator if self._normalize else self._given[1]


def _token_list(tokens, what: str) -> list:
    if isinstance(tokens, (str, bytes)) or tokens is None or not hasattr(tokens, "__iter__"):
        raise TypeError(f"{what} must be a list of tokens (e.g. text.split()), got {type(tokens).__name__}")
    return list(tokens)


def _reference_lists(references, what: str = "references") -> list[list]:
    if isinstance(references, (str, bytes)) or references is None or not hasattr(references, "__iter__"):
        raise TypeError(f"{what} must be a list of token lists, got {type(references).__name__}")
    references = [_token_list(r, f"{what}[{k}]") for k, r in enumerate(references)]
    if not references:
        raise ValueError(f"{what} is empty: give at least one reference")
    return references


def modified_precision(references: Sequence[Sequence[Hashable]], hypothesis: Sequence[Hashable], n: int) -> Fraction:
    """Clipped n-gram matches over ``max(1, number of hypothesis n-grams)``, as an unreduced ``Fraction``."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be a positive int, got {n!r}")
    matches, total = clipped_matches(_token_list(hypothesis, "hypothesis"), _reference_lists(references), n)
    return Fraction(matches, max(1, total), _normalize=False)


def closest_ref_length(references: Sequence[Sequence[Hashable]], hyp_len: int) -> int:
    """Length of the reference closest in length to ``hyp_len`` (the shorter one on ties)."""
    lengths = [len(r) for r in references]
    if not lengths:
        raise ValueError("references is empty: give at least one reference")
    return closest_reference_length(hyp_len, lengths)


def brevity_penalty(closest_ref_len: int, hyp_len: int):
    """NLTK's brevity penalty: int 1 if ``hyp_len > closest_ref_len``, int 0 if ``hyp_len == 0``, else a float."""
    if hyp_len > closest_ref_len:
        return 1
    if hyp_len == 0:
        return 0
    return math.exp(1 - closest_ref_len / hyp_len)


class SmoothingFunction:
    """Chen & Cherry (2014) smoothing: ``SmoothingFunction(epsilon, alpha, k).method0`` .. ``method7``.

    Pass a method as ``smoothing_function=``. Called directly, ``methodN(p_n, references, hypothesis, hyp_len)``
    returns NLTK's smoothed precisions (``p_n`` as ``modified_precision`` returns them), with two differences:
    a new list (NLTK overwrites ``p_n``), and reduced ``Fraction``s where NLTK's may be unreduced (equal values).
    """

    def __init__(self, epsilon=0.1, alpha=5, k=5):
        self.epsilon = epsilon
        self.alpha = alpha
        self.k = k

    def _smooth(self, method: str, p_n, references, hypothesis, hyp_len) -> list:
        num = [p.numerator for p in p_n]
        den = [p.denominator for p in p_n]
        needs_hypothesis = method in ("method4", "method5", "method6", "method7")
        if needs_hypothesis and hypothesis is None:
            raise TypeError(f"{method} needs the hypothesis (and references for method5/7)")
        last_len = len(hypothesis) if hypothesis is not None else 0
        num5 = den5 = 1
        if method in ("method5", "method7"):
            fifth = modified_precision(references, hypothesis, 5)
            num5, den5 = fifth.numerator, fifth.denominator
        return _nltk_smooth(method, num, den, hyp_len or last_len, last_len, num5, den5, self.epsilon, self.alpha,
                            self.k)

    def method0(self, p_n, references=None, hypothesis=None, hyp_len=None, *args, **kwargs):
        """No smoothing: zero precisions become ``sys.float_info.min``."""
        return self._smooth("method0", p_n, references, hypothesis, hyp_len)

    def method1(self, p_n, references=None, hypothesis=None, hyp_len=None, *args, **kwargs):
        """Zero precisions become ``(0 + epsilon) / denominator``."""
        return self._smooth("method1", p_n, references, hypothesis, hyp_len)

    def method2(self, p_n, references=None, hypothesis=None, hyp_len=None, *args, **kwargs):
        """Add 1 to the numerator and denominator of every order >= 2 (Lin & Och 2004)."""
        return self._smooth("method2", p_n, references, hypothesis, hyp_len)

    def method3(self, p_n, references=None, hypothesis=None, hyp_len=None, *args, **kwargs):
        """NIST geometric smoothing: the k-th zero precision becomes ``1 / (2**k * denominator)``."""
        return self._smooth("method3", p_n, references, hypothesis, hyp_len)

    def method4(self, p_n, references=None, hypothesis=None, hyp_len=None, *args, **kwargs):
        """Like method3, scaled by ``ln(hyp_len) / k`` (shorter hypotheses get smaller counts)."""
        return self._smooth("method4", p_n, references, hypothesis, hyp_len)

    def method5(self, p_n, references=None, hypothesis=None, hyp_len=None, *args, **kwargs):
        """Average each precision with its neighbours (order n-1 smoothed, n, n+1)."""
        return self._smooth("method5", p_n, references, hypothesis, hyp_len)

    def method6(self, p_n, references=None, hypothesis=None, hyp_len=None, *args, **kwargs):
        """Interpolate orders >= 3 with the prior ``p_{n-1}**2 / p_{n-2}`` (Gao & He 2013)."""
        return self._smooth("method6", p_n, references, hypothesis, hyp_len)

    def method7(self, p_n, references=None, hypothesis=None, hyp_len=None, *args, **kwargs):
        """method4, then method5."""
        return self._smooth("method7", p_n, references, hypothesis, hyp_len)


def _smoothing(smoothing_function) -> dict:
    """``nltk_bleu`` keyword arguments for a ``SmoothingFunction`` method (method0 when None)."""
    if not smoothing_function:
        return {"smoothing": "method0"}
    owner = getattr(smoothing_function, "__self__", None)
    name = getattr(smoothing_function, "__name__", None)
    if (isinstance(owner, SmoothingFunction) and name in NLTK_SMOOTHING
            and getattr(type(owner), name) is smoothing_function.__func__):
        return {"smoothing": name, "epsilon": owner.epsilon, "alpha": owner.alpha, "k": owner.k}
    raise TypeError("smoothing_function must be SmoothingFunction(...).method0 .. method7 from "
                    f"textmetrics.compat.nltk (other callables are not supported), got {smoothing_function!r}")


def _is_weight_list(weights) -> bool:
    """NLTK's rule: several weight tuples when ``weights[0][0]`` exists."""
    try:
        weights[0][0]
    except (TypeError, IndexError, KeyError):
        return False
    return True


def _has_unigram_match(list_of_references, hypotheses) -> bool:
    return any(not set(hyp).isdisjoint(ref) for refs, hyp in zip(list_of_references, hypotheses) for ref in refs)


def corpus_bleu(list_of_references, hypotheses, weights=DEFAULT_WEIGHTS, smoothing_function=None,
                auto_reweigh=False):
    """NLTK's corpus BLEU (0-1): ``list_of_references[i]`` is the list of token-list references of ``hypotheses[i]``.

    ``weights`` is one tuple (one weight per n-gram order) or a list of tuples (returns a list of scores).
    """
    options = _smoothing(smoothing_function)
    for name, value in (("list_of_references", list_of_references), ("hypotheses", hypotheses)):
        if isinstance(value, (str, bytes)) or value is None or not hasattr(value, "__iter__"):
            raise TypeError(f"{name} must be a list with one entry per segment, got {type(value).__name__}")
    list_of_references, hypotheses = list(list_of_references), list(hypotheses)
    weight_sets = list(weights) if _is_weight_list(weights) else [weights]
    n_orders = max(len(w) for w in weight_sets)
    scores = []
    for weight in weight_sets:
        if len(weight) == n_orders:
            scores.append(nltk_bleu(list_of_references, hypotheses, weights=weight, auto_reweigh=auto_reweigh,
                                    **options))
            continue
        # A shorter tuple among several: NLTK smooths all n_orders precisions together and uses the first
        # len(weight) of them; zero weights on the others add exact zeros to the log sum.
        hyp_lengths = sum(len(h) for h in hypotheses)
        if auto_reweigh and 0 < hyp_lengths < 4 and weight == DEFAULT_WEIGHTS:
            weight = (1 / hyp_lengths,) * hyp_lengths
        padded = tuple(weight) + (0,) * (n_orders - len(weight))
        scores.append(nltk_bleu(list_of_references, hypotheses, weights=padded, **options))
    if scores[0] == 0 and not _has_unigram_match(list_of_references, hypotheses):
        scores = [0] * len(scores)  # NLTK returns the int 0 before smoothing
    return scores[0] if len(weight_sets) == 1 else scores


def sentence_bleu(references, hypothesis, weights=DEFAULT_WEIGHTS, smoothing_function=None, auto_reweigh=False):
    """NLTK's sentence BLEU: a corpus of one segment."""
    if isinstance(references, (str, bytes)) or references is None or not hasattr(references, "__iter__"):
        raise TypeError(f"references must be a list of token lists, got {type(references).__name__}")
    return corpus_bleu([references], [hypothesis], weights, smoothing_function, auto_reweigh)
