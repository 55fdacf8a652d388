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


def test_demo_reports_sacrebleu_bleu(capsys):
    sacrebleu = pytest.importorskip("sacrebleu")
    demo.main([])
    out = capsys.readouterr().out
    references, candidates = demo.load(demo.DEFAULT)
    streams = [[r[k] for r in references] for k in range(2)]
    expected = sacrebleu.corpus_bleu(candidates, streams)
    assert f"BLEU = {expected.score:.2f} " in out
