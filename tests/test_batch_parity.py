"""The batch engine against the real packages on the full DialogSum test split (skipped without ../shared):
rouge-score 0.1.2 for rouge1/2/L/Lsum (``score`` and ``score_multi``), the single-pair functions for W/S/SU (which
test_rouge_parity.py holds to rouge-metric's PyRouge)."""
from __future__ import annotations

import pytest

import textmetrics as tm
from textmetrics.batch import rouge

rouge_scorer = pytest.importorskip("rouge_score.rouge_scorer")

TYPES = ["rouge1", "rouge2", "rouge3", "rougeL", "rougeLsum"]


def assert_same(result, i, expected, context):
    for t in TYPES:
        got = result[t]
        # ==, field by field: float for float, to the last bit.
        assert (got.precision[i], got.recall[i], got.fmeasure[i]) == (
            expected[t].precision, expected[t].recall, expected[t].fmeasure), (t, context)


def dialogsum_pairs(rows):
    """Every ordered pair of the 3 summaries, and each dialogue (a long multi-line document) against one of them."""
    pairs = []
    for k, row in enumerate(rows):
        s = [row["summary1"], row["summary2"], row["summary3"]]
        pairs += [(s[i], s[j]) for i in range(3) for j in range(3) if i != j]
        pairs.append((row["dialogue"], s[k % 3]))
    return pairs


@pytest.mark.parametrize("stemmer", [False, True])
def test_full_dialogsum_against_rouge_score(dialogsum_test, stemmer):
    pairs = dialogsum_pairs(dialogsum_test)
    assert len(pairs) == 7 * len(dialogsum_test)
    result = rouge([r for r, _ in pairs], [c for _, c in pairs], TYPES, stemmer=stemmer)
    scorer = rouge_scorer.RougeScorer(TYPES, use_stemmer=stemmer)
    for i, (ref, cand) in enumerate(pairs):
        assert_same(result, i, scorer.score(ref, cand), (ref, cand))


def test_full_dialogsum_score_multi(dialogsum_test):
    # Three references per candidate; rouge-score keeps, per type, the reference with the highest F (first on ties).
    refs = [[row["summary1"], row["summary2"], row["summary3"]] for row in dialogsum_test]
    cands = [row["dialogue"].split("\n")[0] for row in dialogsum_test]
    result = rouge(refs, cands, TYPES)
    scorer = rouge_scorer.RougeScorer(TYPES)
    for i, (ref, cand) in enumerate(zip(refs, cands)):
        assert_same(result, i, scorer.score_multi(ref, cand), (ref, cand))


@pytest.mark.parametrize("multi_ref", ["best", "average", "best_recall"])
def test_dialogsum_rouge_1_5_5_metrics_equal_single_pair(dialogsum_test, multi_ref):
    rows = dialogsum_test[:150]
    hyps = [r["summary1"] for r in rows] + ["\n".join(r["dialogue"].split("\n")[:3]) for r in rows]
    refs = [[r["summary2"], r["summary3"]] for r in rows] * 2
    single = {
        "rougeW": lambda r, c, **o: tm.rouge_w(r, c, weight=1.2, **o),
        "rougeS4": lambda r, c, **o: tm.rouge_s(r, c, max_skip=4, **o),
        "rougeSU4": lambda r, c, **o: tm.rouge_su(r, c, max_skip=4, **o),
        "rougeS*": lambda r, c, **o: tm.rouge_s(r, c, max_skip=None, **o),
    }
    result = rouge(refs, hyps, tuple(single), tokenizer="whitespace", multi_ref=multi_ref)
    for name, f in single.items():
        for i, (ref, hyp) in enumerate(zip(refs, hyps)):
            assert result.pair(i)[name] == f(ref, hyp, tokenizer="whitespace", multi_ref=multi_ref), (name, i)
