"""Corpus BLEU and mean ROUGE of a Dask DataFrame or Bag, identical to the single-machine call.

Each partition reduces to sufficient statistics and one reduction adds them up, so a corpus never travels:

* BLEU: the partition's summed integer statistics (``bleu_statistics``); the corpus score is
  ``bleu_from_statistics`` of their sum, which is exactly ``textmetrics.bleu`` of the whole corpus.
* ROUGE: per metric, the number of pairs and the exact sums of the per-pair precision, recall and F, as integers
  in units of 2**-1074 (every float64 is such a multiple), so the sum does not depend on how rows are partitioned;
  the mean is that exact sum rounded once and divided by the count, which is exactly ``RougeResult.mean()``
  (``math.fsum``) of the single-machine ``textmetrics.rouge``.

Rows are (reference, candidate) pairs: DataFrame columns ``ref_column``/``cand_column`` (a reference may be a list
of strings; build such a DataFrame inside ``dask.config.set({"dataframe.convert-string": False})``, or Dask
turns the lists into strings), or Bag elements that are ``(reference, candidate)`` tuples or dicts with those keys.
Needs ``pip install 'textmetrics-exact[dask]'``.
"""
from __future__ import annotations

from typing import Any, Optional, Sequence

import numpy as np

from . import registry
from .batch import DEFAULT_METRICS, rouge as _rouge
from .metrics.bleu import BleuScore, bleu_from_statistics, bleu_statistics
from .scoring import Score
from .tokenizers import TokenizerSpec
from .validation import EMPTY_CORPUS, checked_options

_SCALE = 1074  # float64 values are integer multiples of 2**-1074


def _exact_units(values: np.ndarray) -> int:
    total = 0
    for x in values.tolist():
        numerator, denominator = float(x).as_integer_ratio()
        total += numerator << (_SCALE - denominator.bit_length() + 1)
    return total


def _pairs(data, ref_column: str, cand_column: str):
    """(partition -> (references, candidates)) and the collection to map over."""
    import dask.bag as db
    import dask.dataframe as dd

    if isinstance(data, dd.DataFrame):
        missing = [c for c in (ref_column, cand_column) if c not in data.columns]
        if missing:
            raise ValueError(f"Dask DataFrame has no column(s) {missing}; set ref_column/cand_column")
        return "frame", data
    if isinstance(data, db.Bag):
        return "bag", data
    raise TypeError(f"expected a dask DataFrame or Bag of (reference, candidate) rows, got {type(data).__name__}")


def _check_not_stringified(refs) -> None:
    """Dask turns object columns into strings by default, so a column of reference lists arrives as "['a', 'b']"."""
    for r in refs:
        if isinstance(r, str) and len(r) > 3 and r[0] == "[" and r[-1] == "]" and r[1] in "'\"" and r[-2] in "'\"":
            raise ValueError(
                f"reference {r[:40]!r} looks like a list converted to a string by Dask; build the DataFrame inside "
                "dask.config.set({'dataframe.convert-string': False}) to keep lists of references")


def _split_rows(rows, ref_column, cand_column):
    refs, cands = [], []
    for row in rows:
        if isinstance(row, dict):
            ref, cand = row[ref_column], row[cand_column]
        else:
            ref, cand = row
        refs.append(list(ref) if isinstance(ref, (list, tuple, np.ndarray)) else ref)
        cands.append(cand)
    return refs, cands


def _map_reduce(data, ref_column, cand_column, per_partition, combine):
    """``per_partition`` on every partition (on the workers), then one reduction with ``combine``."""
    import dask

    kind, collection = _pairs(data, ref_column, cand_column)

    def on_partition(part):
        if kind == "frame":
            refs = [list(r) if isinstance(r, (list, tuple, np.ndarray)) else r for r in part[ref_column]]
            _check_not_stringified(refs)
            return per_partition(refs, list(part[cand_column]))
        return per_partition(*_split_rows(part, ref_column, cand_column))

    parts = [dask.delayed(on_partition)(p) for p in collection.to_delayed()]
    result = dask.delayed(_fold)(parts, combine).compute() if parts else None
    if result is None:
        raise ValueError(f"{EMPTY_CORPUS}: the Dask collection has no rows to score")
    return result


def _fold(items, combine):
    """Combine the partitions' results; an empty partition gives None and is skipped (None if all are empty)."""
    result = None
    for item in items:
        if item is not None:
            result = item if result is None else combine(result, item)
    return result


@checked_options(renamed={"smooth": "smooth_method"})
def bleu(data, *, ref_column: str = "reference", cand_column: str = "candidate", max_order: int = 4,
         smooth_method: str = "exp", smooth_value: Optional[float] = None, tokenizer: str = "13a",
         lowercase: bool = False, effective_order: bool = False) -> BleuScore:
    """Corpus BLEU of a Dask collection, equal to ``textmetrics.bleu`` of the same rows (options as ``bleu``;
    ``ref_column``/``cand_column`` name the DataFrame columns or Bag dict keys)."""
    bleu_from_statistics(np.zeros(2 + 2 * max_order, dtype=np.int64), max_order=max_order,
                         smooth_method=smooth_method, smooth_value=smooth_value, effective_order=effective_order,
                         tokenizer=tokenizer, lowercase=lowercase)  # the options, checked before any work

    def stats(refs, cands):
        if not cands:
            return None
        counts = [1 if isinstance(r, str) else len(r) for r in refs]
        return (bleu_statistics(refs, cands, max_order=max_order, tokenizer=tokenizer, lowercase=lowercase)
                .sum(axis=0, dtype=np.int64), set(counts))

    total, nrefs = _map_reduce(data, ref_column, cand_column, stats, lambda a, b: (a[0] + b[0], a[1] | b[1]))
    return bleu_from_statistics(total, max_order=max_order, smooth_method=smooth_method, smooth_value=smooth_value,
                                effective_order=effective_order, tokenizer=tokenizer, lowercase=lowercase,
                                nrefs=next(iter(nrefs)) if len(nrefs) == 1 else "var")


@checked_options
def rouge(data, metrics: Sequence[str] = DEFAULT_METRICS, *, ref_column: str = "reference",
          cand_column: str = "candidate", stemmer: bool = False, multi_ref: str = "best",
          tokenizer: TokenizerSpec = "default", alpha: float = 0.5) -> dict[str, Score]:
    """Mean ROUGE of a Dask collection per metric, equal to ``textmetrics.rouge(...).mean()`` of the same rows
    (options as ``textmetrics.rouge``)."""
    metrics = [m.name for m in registry.rouge_metrics(metrics)]
    options: dict[str, Any] = {"stemmer": stemmer, "multi_ref": multi_ref, "tokenizer": tokenizer, "alpha": alpha}
    _rouge(["a"], ["a"], metrics, **options)  # the options, checked before any work

    def sums(refs, cands):
        if not cands:
            return None
        result = _rouge(refs, cands, metrics, **options)
        return len(cands), {m: [_exact_units(getattr(result[m], f)) for f in Score._fields] for m in metrics}

    def add(a, b):
        return a[0] + b[0], {m: [x + y for x, y in zip(a[1][m], b[1][m])] for m in metrics}

    n, totals = _map_reduce(data, ref_column, cand_column, sums, add)
    return {m: Score(*((units / (1 << _SCALE)) / n for units in totals[m])) for m in metrics}
