"""Scores, their signatures and the F-measure shared by every ROUGE variant."""
from __future__ import annotations

import functools
import numbers
from typing import NamedTuple, Optional, Sequence

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
