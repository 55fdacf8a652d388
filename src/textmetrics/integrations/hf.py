"""Hugging Face integration: ``compute_metrics`` for ``Trainer`` and an ``evaluate``-style ``compute``.

``compute_metrics(tokenizer)`` returns the function ``Trainer(compute_metrics=...)`` calls with an
``EvalPrediction``: it replaces the ``-100`` label padding (and any ``-100`` in generated ids) by the pad token,
decodes predictions and labels, and scores them with textmetrics' batch engine. Predictions may be token ids
(``predict_with_generate``) or logits (their argmax is taken).

``compute(predictions=..., references=...)`` mirrors ``evaluate.load("rouge").compute``: same argument names,
``references`` may hold lists of references (best F per metric, as ``score_multi``). One deliberate difference:
with ``use_aggregator=True`` evaluate reports the median of an unseeded bootstrap (so it changes from run to run);
we report the exact mean, which is what that median estimates.
"""
from __future__ import annotations

import math
from typing import Callable, Optional, Sequence

import numpy as np

from .. import registry
from ..batch import rouge
from ..metrics.bleu import bleu

ROUGE_TYPES = ("rouge1", "rouge2", "rougeL", "rougeLsum")


def compute(predictions: Sequence[str], references: Sequence, *, rouge_types: Optional[Sequence[str]] = ROUGE_TYPES,
            use_aggregator: bool = True, use_stemmer: bool = False, tokenizer=None) -> dict:
    """ROUGE F-measures: the mean per type (``use_aggregator=True``) or one list per type.

    As evaluate's rouge: ``rouge_types=None`` means the four default types; rougeLsum's sentences are the
    ``"\n"``-separated lines of each text (nothing is split for the caller); a ``tokenizer`` is a callable
    ``text -> tokens`` and, as in rouge-score, replaces stemming (``use_stemmer`` then has no effect).
    """
    if rouge_types is None:
        rouge_types = ROUGE_TYPES
    result = rouge(references, predictions, list(rouge_types), stemmer=use_stemmer and tokenizer is None,
                   tokenizer=tokenizer if tokenizer is not None else "default")
    if use_aggregator:
        return {name: score.fmeasure for name, score in result.mean().items()}
    return {name: result[name].fmeasure.tolist() for name in rouge_types}


def _pad_id(tokenizer):
    return tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id


def decode(tokenizer, ids) -> list[str]:
    """Token ids (or logits) to text, with ``-100`` replaced by the pad token first."""
    array = ids[0] if isinstance(ids, tuple) else ids
    array = np.asarray(array)
    if array.ndim == 3:  # logits
        array = array.argmax(axis=-1)
    pad = _pad_id(tokenizer)
    if pad is None:
        raise ValueError("the tokenizer has neither a pad nor an eos token to replace -100 with")
    array = np.where(array == -100, pad, array)
    return [text.strip() for text in tokenizer.batch_decode(array.tolist(), skip_special_tokens=True)]


def compute_metrics(tokenizer, metrics: Sequence[str] = ROUGE_TYPES + ("bleu",), *, stemmer: bool = True,
                    sentence_split: Optional[Callable[[str], list[str]]] = None) -> Callable:
    """A ``compute_metrics`` function for ``transformers.Trainer``.

    Args:
        tokenizer: the model's tokenizer (``batch_decode``, ``pad_token_id``).
        metrics: ROUGE metric names (as ``textmetrics.rouge``) and/or ``"bleu"`` (sacrebleu's corpus BLEU, 13a).
        stemmer: Porter stemming for ROUGE.
        sentence_split: how to split a text into sentences for rougeLsum (joined with newlines; the other ROUGE
            types and BLEU score the decoded text as it is); by default rougeLsum sees the newlines the model
            produced.

    Returns:
        ``fn(eval_prediction) -> {"rouge1": ..., "bleu": ..., "gen_len": ...}``: ROUGE F in [0, 1], BLEU in 0-100,
        and the mean number of generated tokens (not -100 and not the pad token, or the eos token
        when the tokenizer has no pad token).
    """
    rouge_metrics = [m for m in metrics if registry.family(m) == "rouge"]  # ValueError for an unknown name

    def fn(eval_prediction) -> dict:
        predictions, labels = eval_prediction.predictions, eval_prediction.label_ids
        preds_text, labels_text = decode(tokenizer, predictions), decode(tokenizer, labels)
        out = {}
        if rouge_metrics:
            result = rouge(labels_text, preds_text, rouge_metrics, stemmer=stemmer)
            out.update({name: score.fmeasure for name, score in result.mean().items()})
            lsum = [m for m in rouge_metrics if m == "rougeLsum"]
            if sentence_split is not None and lsum:  # only rougeLsum sees the sentence lines
                split_preds = ["\n".join(sentence_split(t)) for t in preds_text]
                split_labels = ["\n".join(sentence_split(t)) for t in labels_text]
                result = rouge(split_labels, split_preds, lsum, stemmer=stemmer)
                out.update({name: score.fmeasure for name, score in result.mean().items()})
        if "bleu" in metrics:
            out["bleu"] = bleu(labels_text, preds_text).score
        ids = np.asarray(predictions[0] if isinstance(predictions, tuple) else predictions)
        if ids.ndim == 3:
            ids = ids.argmax(axis=-1)
        pad = _pad_id(tokenizer)
        lengths = [int(np.sum((row != -100) & (row != pad))) for row in ids]
        out["gen_len"] = math.fsum(lengths) / len(lengths) if lengths else 0.0
        return out

    return fn
