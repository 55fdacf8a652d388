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
turns the lists into strings), or Bag elements that are ``(reference, candidate)`` tuples or dicts with those keys. Needs
``pip install 'textmetrics-exact[dask]'``.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from .batch import DEFAULT_METRICS, parse_metric, rouge as _rouge
from .metrics.bleu import BleuScore, bleu_from_statistics, bleu_statistics
from .scoring import Score

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
    if not parts:
        raise ValueError("the Dask collection has no partitions")
    return dask.delayed(_fold)(parts, combine).compute()


def _fold(items, combine):
    result = items[0]
    for item in items[1:]:
        result = combine(result, item)
    return result


def bleu(data, *, ref_column: str = "reference", cand_column: str = "candidate", max_order: int = 4,
         smooth: str = "exp", smooth_value=None, tokenizer: str = "13a", lowercase: bool = False,
         effective_order: bool = False) -> BleuScore:
    """Corpus BLEU of a Dask collection, equal to ``textmetrics.bleu`` of the same rows."""
    def stats(refs, cands):
        counts = [1 if isinstance(r, str) else len(r) for r in refs]
        return (bleu_statistics(refs, cands, max_order=max_order, tokenizer=tokenizer, lowercase=lowercase)
                .sum(axis=0, dtype=np.int64), set(counts))

    total, nrefs = _map_reduce(data, ref_column, cand_column, stats, lambda a, b: (a[0] + b[0], a[1] | b[1]))
    return bleu_from_statistics(total, max_order=max_order, smooth=smooth, smooth_value=smooth_value,
                                effective_order=effective_order, tokenizer=tokenizer, lowercase=lowercase,
                                nrefs=next(iter(nrefs)) if len(nrefs) == 1 else "var")


def rouge(data, metrics: Sequence[str] = DEFAULT_METRICS, *, ref_column: str = "reference",
          cand_column: str = "candidate", **options) -> dict[str, Score]:
    """Mean ROUGE of a Dask collection per metric, equal to ``textmetrics.rouge(...).mean()`` of the same rows."""
    metrics = [metrics] if isinstance(metrics, str) else list(metrics)
    for name in metrics:
        parse_metric(name)

    def sums(refs, cands):
        result = _rouge(refs, cands, metrics, **options)
        return len(cands), {m: [_exact_units(getattr(result[m], f)) for f in Score._fields] for m in metrics}

    def add(a, b):
        return a[0] + b[0], {m: [x + y for x, y in zip(a[1][m], b[1][m])] for m in metrics}

    n, totals = _map_reduce(data, ref_column, cand_column, sums, add)
    if n == 0:
        raise ValueError("no rows to score")
    return {m: Score(*((units / (1 << _SCALE)) / n for units in totals[m])) for m in metrics}
