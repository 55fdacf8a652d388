"""ROUGE statistics -> scores, once: ``Score`` and its signature, the F-measure, and the formulas that turn
``(hits, ref_size, cand_size)`` into precision, recall and F, for one pair (``to_score``, ``combine``: Python
floats) and for many pairs at once (``to_scores``, ``combine_arrays``: NumPy arrays) side by side. The array
functions do the same IEEE operations in the same order as the scalar ones, so a batch gives, float for float,
what the single-pair functions give."""
from __future__ import annotations

import functools
import numbers
from typing import NamedTuple, Optional, Sequence

import numpy as np

from .reference.rouge import Stats
from .signature import Signature


class _Fields(NamedTuple):
    precision: float
    recall: float
    fmeasure: float


class Score(_Fields):
    """Precision, recall and F-measure of one candidate against its reference(s).

    A 3-tuple (a ``NamedTuple``: ``p, r, f = score``, equal to any tuple of the same numbers, rouge-score's
    ``Score`` included) that also carries ``signature``: the ``textmetrics.signature.Signature`` of the settings
    that computed it, exactly what ``textmetrics.rouge`` attaches for the same metric and options (the single-pair
    functions set it). ``signature`` is None for a Score built by hand (``Score(p, r, f)``; pass
    ``signature=...`` to give one) and for one made by ``_replace`` (its numbers were edited). It is not part of
    the tuple: it changes neither equality, hashing nor the repr; pickling and copying keep it.
    """

    signature: Optional[Signature] = None  # class default: an instance gets its own only when it has one

    def __new__(cls, precision: float, recall: float, fmeasure: float, *,
                signature: Optional[Signature] = None) -> "Score":
        self = tuple.__new__(cls, (precision, recall, fmeasure))
        if signature is not None:
            self.signature = signature
        return self


def number_text(value: float) -> str:
    """A float as the signature writes it: ``%g`` (0.25, 1.5, 2) unless that would round it (then ``repr``)."""
    text = f"{value:g}"
    return text if float(text) == value else repr(value)


@functools.lru_cache(maxsize=256)
def _settings_signature(head: str, tok: str, stem: bool, multi_ref: str, alpha: str) -> Signature:
    return Signature.of([("tok", tok), ("stem", stem), ("ref", multi_ref), ("alpha", alpha)], head=head)


def settings_signature(metrics: Sequence[str], tokenizer, stemmer: bool, multi_ref: str,
                       alpha: float) -> Signature:
    """The signature of ROUGE scores computed with these settings: ``<metric>+<metric>|tok:..|stem:yes|no|ref:..|
    alpha:..|version:textmetrics-<version>``. The one builder, for ``textmetrics.rouge`` (``RougeResult.signature``)
    and the single-pair functions (``Score.signature``). Every setting is applied (``resolve_tokenizer`` refuses a
    stemmer it would not apply; ``ref`` is recorded as given, for one reference as for several). Memoized: the same
    settings give the same (immutable) Signature object."""
    tok = "default" if tokenizer is None else (tokenizer if isinstance(tokenizer, str) else "custom")
    return _settings_signature("+".join(metrics), tok, bool(stemmer), multi_ref, number_text(alpha))


def fmeasure(precision: float, recall: float, alpha: float = 0.5) -> float:
    """F-measure from precision and recall.

    At ``alpha == 0.5`` this is rouge-score's ``2*P*R/(P+R)`` computed from the float P and R (0.0 when
    ``P + R == 0``), so ROUGE-N/L are bit-identical to rouge-score. Any other alpha gives ROUGE-1.5.5's ``-p``
    weighting ``P*R / (alpha*R + (1-alpha)*P)``: alpha 1 is precision, alpha 0 is recall.
    """
    if alpha == 0.5:
        if precision + recall > 0:
            return 2 * precision * recall / (precision + recall)
        return 0.0
    denominator = alpha * recall + (1 - alpha) * precision
    return precision * recall / denominator if denominator > 0 else 0.0


def check_alpha(alpha: float) -> float:
    if isinstance(alpha, bool) or not isinstance(alpha, numbers.Real):  # np.float32 is a Real, np.bool_ is not
        raise TypeError(f"alpha must be a number in [0, 1], got {type(alpha).__name__}")
    if not 0.0 <= alpha <= 1.0:
        raise ValueError(f"alpha must be in [0, 1], got {alpha!r}")
    return float(alpha)


# ------------------------------------------------------- statistics -> score: one pair, and many pairs as arrays

class ScoreArrays(NamedTuple):
    """Per-pair precision, recall and F of one metric (float64 arrays, one element per candidate)."""

    precision: np.ndarray
    recall: np.ndarray
    fmeasure: np.ndarray


def fmeasures(precision: np.ndarray, recall: np.ndarray, alpha: float) -> np.ndarray:
    """``fmeasure`` elementwise, by the same float operations in the same order."""
    f = np.zeros_like(precision)
    if alpha == 0.5:
        total = precision + recall
        ok = total > 0
        f[ok] = 2 * precision[ok] * recall[ok] / total[ok]
    else:
        denominator = alpha * recall + (1 - alpha) * precision
        ok = denominator > 0
        f[ok] = precision[ok] * recall[ok] / denominator[ok]
    return f


def to_score(stats: Stats, alpha: float, weight: Optional[float] = None) -> Score:
    """One pair's Score. Precision = hits / cand_size, recall = hits / ref_size (0 for an empty side, as
    rouge-score); for ROUGE-W (``weight`` given) the ratios are mapped back through f^-1(x) = x**(1/weight)."""
    if weight is None:
        precision = stats.hits / max(stats.cand_size, 1)
        recall = stats.hits / max(stats.ref_size, 1)
    else:
        inverse = 1 / weight
        precision = (stats.hits / stats.cand_size) ** inverse if stats.cand_size != 0 else 0.0
        recall = (stats.hits / stats.ref_size) ** inverse if stats.ref_size != 0 else 0.0
    return Score(precision, recall, fmeasure(precision, recall, alpha))


def to_scores(hits: np.ndarray, ref_size: np.ndarray, cand_size: np.ndarray, alpha: float,
              weight: Optional[float] = None) -> ScoreArrays:
    """``to_score`` for every element of the statistics arrays."""
    if weight is None:
        # hits / max(size, 1); the counts are integers held exactly in float64
        precision = hits / np.maximum(cand_size, 1.0)
        recall = hits / np.maximum(ref_size, 1.0)
    else:
        # x ** (1 / weight) with Python's float power (libm pow), element by element
        inverse = 1 / weight
        precision = np.array([(h / c) ** inverse if c != 0 else 0.0 for h, c in zip(hits.tolist(), cand_size.tolist())])
        recall = np.array([(h / r) ** inverse if r != 0 else 0.0 for h, r in zip(hits.tolist(), ref_size.tolist())])
    return ScoreArrays(precision, recall, fmeasures(precision, recall, alpha))


def combine(per_ref: Sequence[Stats], multi_ref: str, alpha: float, weight: Optional[float] = None) -> Score:
    """One candidate's Score from its statistics against each of its references: ``"best"`` (the highest F, the
    first on ties), ``"average"`` (statistics summed, then scored) or ``"best_recall"`` (the highest recall)."""
    if multi_ref == "average":
        return to_score(Stats(*(sum(column) for column in zip(*per_ref))), alpha, weight)
    if multi_ref == "best_recall":
        recalls = [s.hits / s.ref_size if s.ref_size else 0.0 for s in per_ref]
        return to_score(per_ref[recalls.index(max(recalls))], alpha, weight)
    scores = [to_score(s, alpha, weight) for s in per_ref]
    fs = [s.fmeasure for s in scores]
    return scores[fs.index(max(fs))]


def combine_arrays(hits: np.ndarray, ref_size: np.ndarray, cand_size: np.ndarray, ref_off: np.ndarray,
                   multi_ref: str, alpha: float, weight: Optional[float] = None) -> ScoreArrays:
    """``combine`` for every pair at once: entries ``ref_off[p] .. ref_off[p + 1] - 1`` are pair p's references."""
    from .kernels.engine import K

    if len(hits) == len(ref_off) - 1:  # one reference per pair
        return to_scores(hits, ref_size, cand_size, alpha, weight)
    if multi_ref == "average":
        hit_sum, ref_sum, cand_sum = (K.group_sums(x, ref_off) for x in (hits, ref_size, cand_size))
        return to_scores(hit_sum, ref_sum, cand_sum, alpha, weight)
    if multi_ref == "best_recall":
        recall = np.zeros_like(hits)
        ok = ref_size != 0
        recall[ok] = hits[ok] / ref_size[ok]
        best = K.first_argmax_per_group(recall, ref_off)
        return to_scores(hits[best], ref_size[best], cand_size[best], alpha, weight)
    scores = to_scores(hits, ref_size, cand_size, alpha, weight)
    best = K.first_argmax_per_group(scores.fmeasure, ref_off)
    return ScoreArrays(*(x[best] for x in scores))
