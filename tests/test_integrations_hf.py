"""textmetrics.integrations.hf: Trainer's compute_metrics with the real Llama-2 tokenizer, and the evaluate-style
compute, checked against rouge-score and sacrebleu."""
from __future__ import annotations

import math

import numpy as np
import pytest

from shared_data import shared_path
from textmetrics.integrations import hf

rouge_scorer = pytest.importorskip("rouge_score.rouge_scorer")
sacrebleu = pytest.importorskip("sacrebleu")
TYPES = ["rouge1", "rouge2", "rougeL", "rougeLsum"]


@pytest.fixture(scope="module")
def llama_tokenizer():
    transformers = pytest.importorskip("transformers")
    pytest.importorskip("gguf")
    from tokenizers import decoders, normalizers

    folder = shared_path("data", "llama2-tokenizer")
    tok = transformers.AutoTokenizer.from_pretrained(str(folder), gguf_file="ggml-vocab-llama-spm.gguf")
    backend = tok.backend_tokenizer  # SentencePiece's legacy normalizer, so that decoding round-trips
    backend.normalizer = normalizers.Sequence([normalizers.Prepend("▁"), normalizers.Replace(" ", "▁")])
    backend.pre_tokenizer = None
    backend.decoder = decoders.Sequence([decoders.Replace("▁", " "), decoders.ByteFallback(), decoders.Fuse(),
                                         decoders.Strip(" ", 1, 0)])
    return tok


class EvalPrediction:  # the two fields Trainer passes
    def __init__(self, predictions, label_ids):
        self.predictions, self.label_ids = predictions, label_ids


def _padded(rows, value):
    width = max(len(r) for r in rows)
    return np.array([r + [value] * (width - len(r)) for r in rows])


def test_trainer_compute_metrics(llama_tokenizer, dialogsum_test):
    rows = dialogsum_test[:40]
    labels_text = [r["summary1"] for r in rows]
    preds_text = [r["summary2"] for r in rows]
    encode = lambda t: llama_tokenizer(t, add_special_tokens=False)["input_ids"]  # noqa: E731
    labels = _padded([encode(t) for t in labels_text], -100)  # the collator's label padding
    eos = llama_tokenizer.eos_token_id
    preds = _padded([encode(t) + [eos] for t in preds_text], -100)
    fn = hf.compute_metrics(llama_tokenizer, TYPES + ["bleu"], stemmer=True)
    out = fn(EvalPrediction(preds, labels))

    assert hf.decode(llama_tokenizer, labels) == labels_text  # -100 replaced, special tokens dropped
    scorer = rouge_scorer.RougeScorer(TYPES, use_stemmer=True)
    expected = [scorer.score(l, p) for l, p in zip(labels_text, preds_text)]
    for t in TYPES:
        assert out[t] == math.fsum(e[t].fmeasure for e in expected) / len(expected)
    assert out["bleu"] == sacrebleu.corpus_bleu(preds_text, [labels_text]).score
    assert out["gen_len"] == np.mean([len(encode(t)) for t in preds_text])


def test_logits_are_reduced_by_argmax(llama_tokenizer):
    ids = llama_tokenizer("the cat sat on the mat", add_special_tokens=False)["input_ids"]
    logits = np.full((1, len(ids), 32000), -1.0, dtype=np.float32)
    logits[0, np.arange(len(ids)), ids] = 1.0
    out = hf.compute_metrics(llama_tokenizer, ["rouge1"])(EvalPrediction(logits, np.array([ids])))
    assert out["rouge1"] == 1.0


def test_evaluate_style_compute(dialogsum_test):
    rows = dialogsum_test[:60]
    preds = [r["summary1"] for r in rows]
    refs = [r["summary2"] for r in rows]
    scorer = rouge_scorer.RougeScorer(TYPES)
    per_pair = hf.compute(predictions=preds, references=refs, use_aggregator=False)
    for t in TYPES:
        assert per_pair[t] == [scorer.score(r, p)[t].fmeasure for r, p in zip(refs, preds)]
    multi = [[r["summary2"], r["summary3"]] for r in rows]
    means = hf.compute(predictions=preds, references=multi, rouge_types=["rouge2"], use_stemmer=True)
    scorer = rouge_scorer.RougeScorer(["rouge2"], use_stemmer=True)
    expected = [scorer.score_multi(r, p)["rouge2"].fmeasure for r, p in zip(multi, preds)]
    assert means == {"rouge2": math.fsum(expected) / len(expected)}
