"""Runs every compiled entry point through the public API on a fixed battery and prints the numbers as JSON.

Used by ``test_engine.py`` in subprocesses: once on the compiled (aot) backend, once on the JIT backend, and once
with Numba made unimportable. ``python engine_probe.py [--no-numba]``; exits non-zero if the backend is not the one
``TEXTMETRICS_KERNELS`` asks for.
"""
from __future__ import annotations

import json
import os
import pathlib
import sys

if "--no-numba" in sys.argv:
    sys.modules["numba"] = None  # type: ignore[assignment]  # any import of numba now raises ImportError
    sys.modules["llvmlite"] = None  # type: ignore[assignment]

import numpy as np  # noqa: E402

import textmetrics as tm  # noqa: E402

DATA = (pathlib.Path(__file__).resolve().parents[1] / "src" / "textmetrics" / "data" / "dialogsum-summaries"
        / "summaries.jsonl")
ROUGE = ("rouge1", "rouge2", "rouge4", "rougeL", "rougeLsum", "rougeW", "rougeW-1.5", "rougeS4", "rougeSU*")


def battery() -> dict:
    rows = [json.loads(line) for line in DATA.read_text().splitlines()]
    cands = [r["summary1"] for r in rows]
    refs = [[r["summary2"], r["summary3"]] for r in rows]
    long_ref = " ".join(cands) + "\n" + " ".join(c for group in refs for c in group)
    long_cand = " ".join(reversed(cands))
    out: dict = {}
    for mode in ("best", "average", "best_recall"):
        out[f"rouge/{mode}"] = tm.rouge(refs, cands, ROUGE, multi_ref=mode).to_dict()
    out["rouge/stem"] = tm.rouge(refs, cands, ROUGE[:4], stemmer=True).to_dict()
    out["rouge/whitespace"] = tm.rouge(refs, cands, ROUGE, tokenizer="whitespace").to_dict()
    out["rouge/long"] = tm.rouge([long_ref], [long_cand], ROUGE[:6]).to_dict()
    out["single"] = [list(f(refs[0], cands[0])) for f in (tm.rouge_l, tm.rouge_lsum, tm.rouge_w, tm.rouge_su)]
    out["lcs"] = [tm.lcs_length(cands[0].split(), refs[0][0].split()),
                  tm.lcs_length(np.arange(300) % 7, np.arange(200) % 5),
                  tm.lcs_length(np.arange(300, dtype=np.int32) % 7, np.arange(200, dtype=np.int16) % 5)]
    out["bleu"] = str(tm.bleu(refs, cands))
    out["bleu/char"] = str(tm.bleu(refs, cands, tokenizer="char", lowercase=True))
    out["sentence_bleu"] = [tm.sentence_bleu(r, c).score for r, c in zip(refs, cands)]
    scorer = tm.BleuScorer(refs)
    out["scorer"] = str(scorer.score(cands))
    out["nltk"] = tm.nltk_bleu([[x.split() for x in group] for group in refs], [c.split() for c in cands])
    pool = tm.NltkBleuPool([x.split() for group in refs for x in group], smooth_method="method1")
    out["pool"] = pool.sentence_scores([c.split() for c in cands]) + [pool.corpus_score([c.split() for c in cands])]
    out["chrf"] = [str(tm.chrf(refs, cands)), str(tm.chrf(refs, cands, word_order=2, lowercase=True))]
    out["ter"] = [str(tm.ter(refs, cands)), str(tm.ter(refs, cands, normalized=True, no_punct=True))]
    out["sentence_chrf_ter"] = [tm.sentence_chrf(refs[0], cands[0]).score, tm.sentence_ter(refs[1], cands[1]).score]
    from textmetrics.kernels import chrf as chrf_kernels, ter as ter_kernels  # the reference twins' mirrors

    out["kernel_twins"] = [chrf_kernels.f_score([3, 4, 5, 2, 3, 4], 2.0, False),
                           list(ter_kernels.translation_edit_rate(refs[0][0].split(), cands[0].split()))]
    out["engine"] = tm.engine()["backend"]
    return out


if __name__ == "__main__":
    result = battery()
    want = os.environ.get("TEXTMETRICS_KERNELS", "auto")
    if want in ("aot", "jit") and result["engine"] != want:
        sys.exit(f"backend {result['engine']} but TEXTMETRICS_KERNELS={want}")
    print(json.dumps(result))
