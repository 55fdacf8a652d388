"""NLTK 3.10.4's ``nltk.translate.bleu_score`` computed by textmetrics.

Replace ``from nltk.translate import bleu_score`` with ``from textmetrics.compat import nltk as bleu_score``:
``sentence_bleu``, ``corpus_bleu``, ``SmoothingFunction`` (``method0`` .. ``method7``), ``modified_precision``,
``brevity_penalty`` and ``closest_ref_length`` take NLTK's arguments and return NLTK's values, bit for bit and
type for type: the int ``0`` (or ``[0, ...]``) when the corpus has no unigram match, the int ``1``/``0`` of
``brevity_penalty``, unreduced ``Fraction``s from ``modified_precision``, a list of scores for a list of weight
tuples (all precisions smoothed together, as NLTK does). NLTK's quirks are kept (see
``textmetrics.metrics.nltk_bleu``): corpus smoothing sees the last segment, method0 gives tiny non-zero scores, etc.

Warnings: where NLTK's ``method0`` (the default smoothing) meets an n-gram order without any match, it warns
(``UserWarning``, NLTK's text: "The hypothesis contains 0 counts of 3-gram overlaps. ..."), once per such order and
call, after the no-unigram-match check, as NLTK does; so does this module.

Smoothing: ``SmoothingFunction(...).methodN`` of this module is computed by textmetrics (``textmetrics.nltk_bleu``);
any other callable (NLTK's own ``SmoothingFunction().method1``, a function of yours) is called as NLTK calls it,
``smoothing_function(p_n, references=<last segment's references>, hypothesis=<last hypothesis>,
hyp_len=<corpus hypothesis length>)`` with ``p_n`` the corpus precisions as unreduced ``Fraction``s, and the score
is computed from what it returns with NLTK's formula (the counts from ``textmetrics.nltk_bleu_statistics``).

Errors: where NLTK fails on bad input with ``AssertionError`` (hypotheses and references of different lengths,
method6 without a trigram match), ``IndexError`` (method6 with fewer than 3 orders), ``KeyError`` (a segment
without references) or ``ZeroDivisionError`` (an empty corpus), this module raises an exception that is both that
type and ``ValueError`` (``BleuAssertionError``, ``BleuIndexError``, ``BleuKeyError``, ``BleuZeroDivisionError``),
with a message that says what is wrong: code written against NLTK keeps catching it.

Deliberate differences: strings where token lists are expected raise ``TypeError`` (NLTK silently scores
characters); ``modified_precision`` with ``n < 1`` and empty ``weights`` raise ``ValueError`` (NLTK returns
nonsense); the smoothing methods called directly return a new list (NLTK's methods 3-7 overwrite ``p_n``); no input
is modified.
"""
from __future__ import annotations

import fractions
import math
import sys
import warnings
from collections.abc import Hashable, Sequence

from .. import nltk_bleu, nltk_bleu_statistics

__all__ = ["BleuAssertionError", "BleuIndexError", "BleuKeyError", "BleuZeroDivisionError", "Fraction",
           "SmoothingFunction", "brevity_penalty", "closest_ref_length", "corpus_bleu", "modified_precision",
           "sentence_bleu"]

DEFAULT_WEIGHTS = (0.25, 0.25, 0.25, 0.25)
_METHODS = tuple(f"method{i}" for i in range(8))


# ------------------------------------------------------------------------------------------------ errors

class BleuAssertionError(ValueError, AssertionError):
    """Bad input where NLTK fails an ``assert``: catch it as ``ValueError`` or ``AssertionError``."""


class BleuIndexError(ValueError, IndexError):
    """Bad input where NLTK raises ``IndexError``: catch it as ``ValueError`` or ``IndexError``."""


class BleuKeyError(ValueError, KeyError):
    """Bad input where NLTK raises ``KeyError``: catch it as ``ValueError`` or ``KeyError``."""

    __str__ = BaseException.__str__  # the message as written, not KeyError's repr of it


class BleuZeroDivisionError(ValueError, ZeroDivisionError):
    """Bad input where NLTK divides by zero: catch it as ``ValueError`` or ``ZeroDivisionError``."""


def _zero_overlap_warning(order: int) -> None:
    """NLTK's method0 warning, word for word."""
    warnings.warn(  # noqa: B028 - stacklevel 1, as NLTK's
        f"\nThe hypothesis contains 0 counts of {order}-gram overlaps.\n"
        "Therefore the BLEU score evaluates to 0, independently of\n"
        "how many N-gram overlaps of lower order it contains.\n"
        "Consider using lower n-gram order or use SmoothingFunction()",
        UserWarning)  # from this one line, as NLTK's comes from one line of method0 (same once-per-text filtering)


# ------------------------------------------------------------------------------------------- helpers

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


def _reference_lists(references, what: str = "references", error=ValueError) -> list[list]:
    if isinstance(references, (str, bytes)) or references is None or not hasattr(references, "__iter__"):
        raise TypeError(f"{what} must be a list of token lists, got {type(references).__name__}")
    references = [_token_list(r, f"{what}[{k}]") for k, r in enumerate(references)]
    if not references:
        raise error(f"{what} is empty: give at least one reference")
    return references


def modified_precision(references: Sequence[Sequence[Hashable]], hypothesis: Sequence[Hashable], n: int) -> Fraction:
    """Clipped n-gram matches over ``max(1, number of hypothesis n-grams)``, as an unreduced ``Fraction``."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be a positive int, got {n!r}")
    hypothesis = _token_list(hypothesis, "hypothesis")
    references = _reference_lists(references, error=BleuKeyError)
    row = nltk_bleu_statistics([references], [hypothesis], max_order=n)[0]
    return Fraction(int(row[1 + n]), max(1, int(row[1 + 2 * n])), _normalize=False)


def closest_ref_length(references: Sequence[Sequence[Hashable]], hyp_len: int) -> int:
    """Length of the reference closest in length to ``hyp_len`` (the shorter one on ties)."""
    lengths = [len(r) for r in references]
    if not lengths:
        raise ValueError("references is empty: give at least one reference")
    return min(lengths, key=lambda ref_len: (abs(ref_len - hyp_len), ref_len))


def brevity_penalty(closest_ref_len: int, hyp_len: int):
    """NLTK's brevity penalty: int 1 if ``hyp_len > closest_ref_len``, int 0 if ``hyp_len == 0``, else a float."""
    if hyp_len > closest_ref_len:
        return 1
    if hyp_len == 0:
        return 0
    return math.exp(1 - closest_ref_len / hyp_len)


def _count_ngrams(tokens: list, n: int) -> int:
    return max(0, len(tokens) - n + 1)


# ------------------------------------------------------------------------------------------ smoothing

class SmoothingFunction:
    """Chen & Cherry (2014) smoothing: ``SmoothingFunction(epsilon, alpha, k).method0`` .. ``method7``.

    Pass a method as ``smoothing_function=`` (textmetrics then computes the whole score). Called directly,
    ``methodN(p_n, references, hypothesis, hyp_len)`` returns NLTK's smoothed precisions for ``p_n`` (a list of
    ``Fraction``s as ``modified_precision`` returns them), values and types as NLTK's, in a new list (NLTK's
    methods 3 to 7 overwrite ``p_n``). ``method0`` warns as NLTK's does.
    """

    def __init__(self, epsilon=0.1, alpha=5, k=5):
        self.epsilon = epsilon
        self.alpha = alpha
        self.k = k

    def method0(self, p_n, *args, **kwargs):
        """No smoothing: a zero precision becomes ``sys.float_info.min`` (and NLTK's warning)."""
        smoothed = []
        for i, p_i in enumerate(p_n):
            if p_i.numerator != 0:
                smoothed.append(p_i)
            else:
                _zero_overlap_warning(i + 1)
                smoothed.append(sys.float_info.min)
        return smoothed

    def method1(self, p_n, *args, **kwargs):
        """Zero precisions become ``(0 + epsilon) / denominator``."""
        return [(p_i.numerator + self.epsilon) / p_i.denominator if p_i.numerator == 0 else p_i for p_i in p_n]

    def method2(self, p_n, *args, **kwargs):
        """Add 1 to the numerator and denominator of every order >= 2 (Lin & Och 2004)."""
        return [p_i if i == 0 else Fraction(p_i.numerator + 1, p_i.denominator + 1, _normalize=False)
                for i, p_i in enumerate(p_n)]

    def method3(self, p_n, *args, **kwargs):
        """NIST geometric smoothing: the k-th zero precision becomes ``1 / (2**k * denominator)``."""
        smoothed, k = list(p_n), 1
        for i, p_i in enumerate(p_n):
            if p_i.numerator == 0:
                smoothed[i] = 1 / (2**k * p_i.denominator)
                k += 1
        return smoothed

    def method4(self, p_n, references=None, hypothesis=None, hyp_len=None, *args, **kwargs):
        """Like method3, scaled by ``ln(hyp_len) / k`` (shorter hypotheses get smaller counts)."""
        length = hyp_len if hyp_len else len(hypothesis)
        smoothed, k = list(p_n), 1
        for i, p_i in enumerate(p_n):
            if p_i.numerator == 0 and length > 1:
                smoothed[i] = 1 / (2**k * self.k / math.log(length)) / p_i.denominator
                k += 1
        return smoothed

    def method5(self, p_n, references=None, hypothesis=None, hyp_len=None, *args, **kwargs):
        """Average each precision with its neighbours: the smoothed order n-1, order n and the unsmoothed n+1
        (after the last order: the 5-gram precision of ``hypothesis``, whatever the number of orders)."""
        following = list(p_n[1:]) + [modified_precision(references, hypothesis, 5)]
        smoothed, previous = [], p_n[0] + 1
        for p_i, p_next in zip(p_n, following):
            previous = (previous + p_i + p_next) / 3
            smoothed.append(previous)
        return smoothed

    def method6(self, p_n, references=None, hypothesis=None, hyp_len=None, *args, **kwargs):
        """Interpolate orders >= 3 with the prior ``p_{n-1}**2 / p_{n-2}`` (Gao & He 2013)."""
        if len(p_n) < 3:
            raise BleuIndexError(f"method6 needs at least 3 n-gram orders, got {len(p_n)} (NLTK raises IndexError)")
        if not p_n[2]:
            raise BleuAssertionError("method6 needs a non-zero trigram precision (NLTK's assertion, whose message "
                                     "says bigrams)")
        smoothed = list(p_n)
        hypothesis = _token_list(hypothesis, "hypothesis")
        for i in range(2, len(p_n)):
            prior = 0 if smoothed[i - 2] == 0 else smoothed[i - 1] ** 2 / smoothed[i - 2]
            smoothed[i] = (p_n[i].numerator + self.alpha * prior) / (_count_ngrams(hypothesis, i + 1) + self.alpha)
        return smoothed

    def method7(self, p_n, references=None, hypothesis=None, hyp_len=None, *args, **kwargs):
        """method4, then method5."""
        smoothed = self.method4(p_n, references, hypothesis, hyp_len)
        return self.method5(smoothed, references, hypothesis, hyp_len)


def _own_method(smoothing_function):
    """``(name, SmoothingFunction)`` when ``smoothing_function`` is this module's (not overridden) method."""
    owner = getattr(smoothing_function, "__self__", None)
    name = getattr(smoothing_function, "__name__", None)
    if (isinstance(owner, SmoothingFunction) and name in _METHODS
            and getattr(type(owner), name, None) is getattr(smoothing_function, "__func__", None)
            and getattr(SmoothingFunction, name) is smoothing_function.__func__):
        return name, owner
    return None


# ----------------------------------------------------------------------------------------------- BLEU

def _is_weight_list(weights) -> bool:
    """NLTK's rule: several weight tuples when ``weights[0][0]`` exists."""
    try:
        weights[0][0]
    except (TypeError, IndexError, KeyError):
        return False
    return True


class _Counts:
    """A corpus's summed NLTK counts for orders 1 .. N (``textmetrics.nltk_bleu_statistics``): ``num[i]`` clipped
    matches and ``den[i]`` NLTK's denominators (``max(1, totals)`` per segment) of order i + 1, and the lengths."""

    def __init__(self, list_of_references, hypotheses, n_orders: int):
        rows = nltk_bleu_statistics(list_of_references, hypotheses, max_order=n_orders)
        self.hyp_lengths = int(rows[:, 0].sum())
        self.ref_lengths = int(rows[:, 1].sum())
        self.num = [int(x) for x in rows[:, 2:2 + n_orders].sum(axis=0)]
        self.den = [int(x) for x in rows[:, 2 + n_orders:].clip(min=1).sum(axis=0)]


def _check_corpus(list_of_references, hypotheses) -> tuple[list, list]:
    for name, value in (("list_of_references", list_of_references), ("hypotheses", hypotheses)):
        if isinstance(value, (str, bytes)) or value is None or not hasattr(value, "__iter__"):
            raise TypeError(f"{name} must be a list with one entry per segment, got {type(value).__name__}")
    list_of_references, hypotheses = list(list_of_references), list(hypotheses)
    if len(list_of_references) != len(hypotheses):
        raise BleuAssertionError(f"{len(hypotheses)} hypotheses but {len(list_of_references)} reference entries: "
                                 "list_of_references[i] must hold the tokenized reference(s) of hypotheses[i]")
    if not hypotheses:
        raise BleuZeroDivisionError("the corpus is empty: give at least one hypothesis")
    hypotheses = [_token_list(h, f"hypotheses[{i}]") for i, h in enumerate(hypotheses)]
    list_of_references = [_reference_lists(refs, f"list_of_references[{i}]", BleuKeyError)
                          for i, refs in enumerate(list_of_references)]
    return list_of_references, hypotheses


def _check_weights(weight_sets: list) -> int:
    for weight in weight_sets:
        if isinstance(weight, (str, bytes)) or not hasattr(weight, "__len__"):
            raise TypeError(f"weights must be a sequence of numbers, one per n-gram order (or a list of such "
                            f"sequences), got {type(weight).__name__}")
        if len(weight) == 0:
            raise ValueError("weights is empty: give one weight per n-gram order")
    return max(len(weight) for weight in weight_sets)


def _reference_path(list_of_references, hypotheses, weight_sets, n_orders, smoothing_function, auto_reweigh):
    """NLTK's corpus_bleu computed step by step, for a smoothing callable textmetrics does not know."""
    counts = _Counts(list_of_references, hypotheses, n_orders)
    num, den, hyp_lengths, ref_lengths = counts.num, counts.den, counts.hyp_lengths, counts.ref_lengths
    bp = brevity_penalty(ref_lengths, hyp_lengths)
    p_n = [Fraction(num[i], den[i], _normalize=False) for i in range(n_orders)]
    if num[0] == 0:
        return [0] * len(weight_sets)
    p_n = smoothing_function(p_n, references=list_of_references[-1], hypothesis=hypotheses[-1],
                             hyp_len=hyp_lengths)
    scores = []
    for weight in weight_sets:
        if auto_reweigh and hyp_lengths < 4 and weight == DEFAULT_WEIGHTS:
            weight = (1 / hyp_lengths,) * hyp_lengths
        scores.append(bp * math.exp(math.fsum(w * math.log(p) for w, p in zip(weight, p_n) if p > 0)))
    return scores


def _engine_path(list_of_references, hypotheses, weight_sets, n_orders, name, owner, auto_reweigh):
    """The scores by ``textmetrics.nltk_bleu``, after NLTK's checks and warnings."""
    matched = _Counts(list_of_references, hypotheses, max(n_orders, 3)).num  # > 0: the corpus has a match
    if not matched[0]:
        return [0] * len(weight_sets)  # NLTK returns the int 0 before smoothing
    if name == "method6":
        if n_orders < 3:
            raise BleuIndexError(f"method6 needs at least 3 n-gram orders, got {n_orders} (NLTK raises IndexError)")
        if not matched[2]:
            raise BleuAssertionError("method6 needs a non-zero corpus trigram precision (NLTK's assertion, whose "
                                     "message says bigrams)")
    if name == "method0":
        for n in range(1, n_orders + 1):
            if not matched[n - 1]:
                _zero_overlap_warning(n)
    options = {"smooth_method": name, "epsilon": owner.epsilon, "alpha": owner.alpha, "k": owner.k}
    hyp_lengths = sum(len(h) for h in hypotheses)
    scores = []
    for weight in weight_sets:
        if len(weight) == n_orders:
            scores.append(nltk_bleu(list_of_references, hypotheses, weights=weight, auto_reweigh=auto_reweigh,
                                    **options))
            continue
        # A shorter tuple among several: NLTK smooths all n_orders precisions together and uses the first
        # len(weight) of them; zero weights on the others add exact zeros to the log sum.
        if auto_reweigh and hyp_lengths < 4 and weight == DEFAULT_WEIGHTS:
            weight = (1 / hyp_lengths,) * hyp_lengths
        padded = tuple(weight) + (0,) * (n_orders - len(weight))
        scores.append(nltk_bleu(list_of_references, hypotheses, weights=padded, **options))
    return scores


def corpus_bleu(list_of_references, hypotheses, weights=DEFAULT_WEIGHTS, smoothing_function=None,
                auto_reweigh=False):
    """NLTK's corpus BLEU (0-1): ``list_of_references[i]`` is the list of token-list references of ``hypotheses[i]``.

    ``weights`` is one tuple (one weight per n-gram order) or a list of tuples (returns a list of scores).
    """
    list_of_references, hypotheses = _check_corpus(list_of_references, hypotheses)
    weight_sets = list(weights) if _is_weight_list(weights) else [weights]
    n_orders = _check_weights(weight_sets)
    if not smoothing_function:
        smoothing_function = SmoothingFunction().method0
    own = _own_method(smoothing_function)
    if own is not None:
        scores = _engine_path(list_of_references, hypotheses, weight_sets, n_orders, *own, auto_reweigh)
    elif callable(smoothing_function):
        scores = _reference_path(list_of_references, hypotheses, weight_sets, n_orders, smoothing_function,
                                 auto_reweigh)
    else:
        raise TypeError(f"smoothing_function must be callable, got {type(smoothing_function).__name__}")
    return scores[0] if len(weight_sets) == 1 else scores  # NLTK: one tuple in a list gives one score too


def sentence_bleu(references, hypothesis, weights=DEFAULT_WEIGHTS, smoothing_function=None, auto_reweigh=False):
    """NLTK's sentence BLEU: a corpus of one segment."""
    if isinstance(references, (str, bytes)) or references is None or not hasattr(references, "__iter__"):
        raise TypeError(f"references must be a list of token lists, got {type(references).__name__}")
    return corpus_bleu([references], [hypothesis], weights, smoothing_function, auto_reweigh)
