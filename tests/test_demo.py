"""The embedded demo prints a table whose numbers agree with rouge-score on the same data."""
from __future__ import annotations

import pytest

from textmetrics import demo


def test_demo_table_matches_rouge_score(capsys):
    rouge_scorer = pytest.importorskip("rouge_score.rouge_scorer")
    assert demo.main([]) == 0
    out = capsys.readouterr().out
    references, candidates = demo.load(demo.DEFAULT)
    assert len(candidates) == 40
    scorer = rouge_scorer.RougeScorer(["rouge1", "rougeLsum"], use_stemmer=True)
    scores = [scorer.score_multi(r, c) for r, c in zip(references, candidates)]
    for name, key in (("ROUGE-1", "rouge1"), ("ROUGE-Lsum", "rougeLsum")):
        f = 100 * sum(s[key].fmeasure for s in scores) / len(scores)
        row = next(line for line in out.splitlines() if line.startswith(name + " "))
        assert row.split()[-1] == f"{f:.2f}"
