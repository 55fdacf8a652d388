"""sacrebleu 2.6.0's ``sacrebleu.metrics.ter``: ``TER``, ``TERScore``, ``TERSignature``.

Statistics come from textmetrics' TER engine (``textmetrics.ter_statistics``: per segment, the fewest edits over
the references by sacrebleu's Tercom search, and the mean length of all the references, tokenized by
``TercomTokenizer``), and scores of exact statistics from ``textmetrics.ter_from_statistics``, so corpus and
sentence scores are sacrebleu's bit for bit. The float32 sums of sacrebleu's bootstrap resampling are scored with
sacrebleu's operations on the numbers given (float32 stays float32, as with NumPy 2 in sacrebleu).
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Optional

import numpy as np

from ....metrics.ter import ter_from_statistics, ter_statistics
from ..tokenizers.tokenizer_ter import TercomTokenizer
from .base import (
    Metric,
    Score,
    Signature,
    _check_bool,
    _check_hypotheses,
    _check_streams,
    _num_refs,
)

__all__ = ["TER", "TERScore", "TERSignature"]


class TERSignature(Signature):
    """TER's signature: ``nrefs``, ``case``, ``tok``, ``norm``, ``punct``, ``asian``, ``version``."""

    def __init__(self, args: dict):
        super().__init__(args)
        self._abbr.update({"case": "c", "tok": "t", "norm": "nr", "punct": "pn", "asian": "as"})
        self.info.update({"case": "mixed" if args["case_sensitive"] else "lc", "tok": args["tokenizer_signature"],
                          "norm": args["normalized"], "punct": not args["no_punct"],
                          "asian": args["asian_support"]})


class TERScore(Score):
    """A TER score: ``score`` (0-100, can exceed 100; lower is better), ``num_edits`` (int), ``ref_length`` (the
    summed mean reference lengths); ``format()`` and ``str()`` as sacrebleu's."""

    def __init__(self, score: float, num_edits: float, ref_length: float):
        super().__init__("TER", score)
        self.num_edits = int(num_edits)
        self.ref_length = ref_length


def _exact_pair(stats) -> Optional[list]:
    """``[edits, length]`` as Python numbers when the statistics are exact (Python numbers, an integer or float64
    row), else None (float32 bootstrap sums, which sacrebleu scores in float32)."""
    if isinstance(stats, np.ndarray):
        return stats.tolist() if stats.dtype.kind in "iu" or stats.dtype == np.float64 else None
    values = list(stats)
    if all(isinstance(v, (int, float, np.integer, np.float64)) and not isinstance(v, bool) for v in values):
        return [float(v) if isinstance(v, np.float64) else v for v in values]
    return None


class TER(Metric):
    """sacrebleu's ``TER`` metric (translation edit rate, Snover et al. 2006, with sacrebleu's Tercom search):
    ``corpus_score``, ``sentence_score``, ``get_signature``, ``tokenizer``.

    Args:
        normalized: Tercom normalization and punctuation tokenization.
        no_punct: delete ``. , ? : ; ! " ( )``.
        asian_support: CJK splitting (with ``normalized``) and CJK punctuation removal (with ``no_punct``); no
            effect alone, but shown in the signature.
        case_sensitive: do not lowercase.
        references: reference streams to cache (checked once; ``corpus_score(hyps)`` then reuses them).
    """

    _SIGNATURE_TYPE = TERSignature

    def __init__(self, normalized: bool = False, no_punct: bool = False, asian_support: bool = False,
                 case_sensitive: bool = False, references: Optional[Sequence[Sequence[str]]] = None):
        super().__init__()
        self.no_punct = _check_bool("no_punct", no_punct)
        self.normalized = _check_bool("normalized", normalized)
        self.asian_support = _check_bool("asian_support", asian_support)
        self.case_sensitive = _check_bool("case_sensitive", case_sensitive)
        self.tokenizer = TercomTokenizer(normalized=self.normalized, no_punct=self.no_punct,
                                         asian_support=self.asian_support, case_sensitive=self.case_sensitive)
        self.tokenizer_signature = self.tokenizer.signature()
        if references is not None:
            self._ref_cache = self._cache_references(references)

    # ------------------------------------------------------------------------------------------- scoring

    def _compute_score_from_stats(self, stats) -> TERScore:
        """The score of summed ``[edits, reference length]`` (a list, or a NumPy row: float64 in the
        randomization test, float32 in the bootstrap)."""
        if len(stats) != 2:
            raise ValueError(f"TER: statistics must be [edits, reference length], got {len(stats)} values")
        total_edits, sum_ref_lengths = stats[0], stats[1]
        exact = _exact_pair(stats)
        if exact is not None and float(exact[0]).is_integer():
            score = ter_from_statistics(exact).score
        elif sum_ref_lengths > 0:  # sacrebleu's operations, in the statistics' own dtype
            score = 100 * (total_edits / sum_ref_lengths)
        else:
            score = 100 * (1.0 if total_edits > 0 else 0.0)
        return TERScore(score, total_edits, sum_ref_lengths)

    # ------------------------------------------------------------------------------------------ statistics

    def _preprocess_segment(self, sent: str) -> str:
        """A line as TER sees it: ``rstrip()``-ed and tokenized (``tokenizer``)."""
        return self.tokenizer(sent.rstrip())

    def _flags(self) -> dict:
        return {"normalized": self.normalized, "no_punct": self.no_punct, "asian_support": self.asian_support,
                "case_sensitive": self.case_sensitive}

    def _cache_references(self, references) -> list[list[str]]:
        """The references checked and grouped per segment (``None`` dropped); sets ``num_refs``."""
        segments = _check_streams(references)
        self.num_refs = _num_refs(segments)
        return segments

    def _extract_corpus_statistics(self, hypotheses, references) -> list[list]:
        """Per-segment ``[edits (int), mean reference length (float)]``, as sacrebleu's."""
        hypotheses = _check_hypotheses(hypotheses, "sentence_ter")
        segments = self._references_or_cache(references)
        if len(hypotheses) != len(segments):
            raise ValueError(f"{len(hypotheses)} hypotheses but the reference streams have {len(segments)} "
                             "segments: they must be parallel")
        rows = ter_statistics(segments, hypotheses, **self._flags())
        return [[int(edits), length] for edits, length in rows.tolist()]
