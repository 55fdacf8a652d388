"""pandas: Series accepted wherever a list is; RougeResult.to_pandas()."""
from __future__ import annotations

import pytest

import textmetrics as tm

pd = pytest.importorskip("pandas")

REFS = ["The cat is on the mat.", "There is a cat on the mat.", "A dog."]
CANDS = ["The cat and the dog.", "There is a cat.", "A dog barked."]


def test_series_everywhere():
    # A non-default index must not matter: values are taken in order.
    refs, cands = pd.Series(REFS, index=[10, 11, 12]), pd.Series(CANDS, index=[3, 1, 2])
    assert tm.rouge(refs, cands).to_dict() == tm.rouge(REFS, CANDS).to_dict()
    assert tm.bleu(refs, cands) == tm.bleu(REFS, CANDS)
    assert tm.bleu_statistics(refs, cands).tolist() == tm.bleu_statistics(REFS, CANDS).tolist()
    assert tm.rouge_l(pd.Series(REFS[:2]), CANDS[0]) == tm.rouge_l(REFS[:2], CANDS[0])
    assert tm.sentence_bleu(pd.Series(REFS[:2]), CANDS[1]) == tm.sentence_bleu(REFS[:2], CANDS[1])
    multi = pd.Series([REFS[:2], [REFS[2]], REFS[1:]])
    assert tm.rouge(multi, CANDS, ["rouge2"]).to_dict() == tm.rouge([REFS[:2], [REFS[2]], REFS[1:]], CANDS,
                                                                     ["rouge2"]).to_dict()


def test_to_pandas():
    result = tm.rouge(REFS, CANDS, ["rouge1", "rougeL"])
    frame = result.to_pandas()
    assert list(frame.columns) == [(m, f) for m in ("rouge1", "rougeL") for f in ("precision", "recall", "fmeasure")]
    assert len(frame) == 3
    for i, (ref, cand) in enumerate(zip(REFS, CANDS)):
        s = tm.rouge_l(ref, cand)
        assert tuple(frame.loc[i, "rougeL"]) == (s.precision, s.recall, s.fmeasure)
