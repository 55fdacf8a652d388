"""Benchmark 1: rouge1 + rouge2 + rougeL + rougeLsum on DialogSum test pairs, textmetrics' batch API against
rouge-score 0.1.2 (a loop over ``RougeScorer.score``), without and with the Porter stemmer. textmetrics runs with
Numba's default thread count (every core) and, for reference, with one thread.

Data: ``summaries`` = every ordered pair of the three human summaries of each of the 500 test dialogues (3 000
pairs, ~20 tokens a side); ``dialogues`` = each dialogue (a ~190-token document, one turn per line) as the
reference of each of its summaries (1 500 pairs).
"""
from __future__ import annotations

import numpy as np
import pytest

TYPES = ["rouge1", "rouge2", "rougeL", "rougeLsum"]
ANCHOR_ROUNDS = 3


def _pairs(rows, dataset):
    pairs = []
    for row in rows:
        s = [row["summary1"], row["summary2"], row["summary3"]]
        if dataset == "summaries":
            pairs += [(s[i], s[j]) for i in range(3) for j in range(3) if i != j]
        else:
            pairs += [(row["dialogue"], summary) for summary in s]
    return [p[0] for p in pairs], [p[1] for p in pairs]


@pytest.mark.parametrize("impl", ["rouge-score", "textmetrics", "textmetrics-1-thread"])
@pytest.mark.parametrize("stemmer", [False, True], ids=["nostem", "stem"])
@pytest.mark.parametrize("dataset", ["summaries", "dialogues"])
def test_rouge_batch(benchmark, record, anchor_results, dialogsum_test, dataset, stemmer, impl):
    refs, cands = _pairs(dialogsum_test, dataset)
    group = f"rouge {dataset} {'stem' if stemmer else 'nostem'} ({len(cands)} pairs)"
    benchmark.group = group
    key = (dataset, stemmer)
    if impl == "rouge-score":
        from rouge_score import rouge_scorer

        scorer = rouge_scorer.RougeScorer(TYPES, use_stemmer=stemmer)

        def run():
            return [scorer.score(r, c) for r, c in zip(refs, cands)]

        scores = benchmark.pedantic(run, rounds=ANCHOR_ROUNDS, iterations=1)
        anchor_results[key] = {t: np.array([[s[t].precision, s[t].recall, s[t].fmeasure] for s in scores])
                               for t in TYPES}
        record(benchmark, group, "rouge-score", anchor=True)
        return

    import numba

    import textmetrics.batch

    threads = numba.get_num_threads()
    try:
        if impl == "textmetrics-1-thread":
            numba.set_num_threads(1)
        result = benchmark.pedantic(textmetrics.batch.rouge, args=(refs, cands, TYPES), kwargs={"stemmer": stemmer},
                                    rounds=15, warmup_rounds=1, iterations=1)
    finally:
        numba.set_num_threads(threads)
    record(benchmark, group, f"textmetrics.rouge, {numba.get_num_threads() if impl == 'textmetrics' else 1} thread(s)",
           anchor=False)
    if key not in anchor_results:
        pytest.skip("run with the rouge-score benchmark of the same group to compare the scores")
    for t in TYPES:
        ours = np.stack([result[t].precision, result[t].recall, result[t].fmeasure], axis=1)
        assert np.array_equal(ours, anchor_results[key][t]), t  # identical floats
