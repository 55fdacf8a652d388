"""textmetrics.integrations.hf: Trainer's compute_metrics (inside a real ``Trainer.evaluate()`` on a tiny
random-weight Llama, and on hand-built predictions with a word-level tokenizer trained here or the real Llama-2
tokenizer from ../shared), and the evaluate-style compute against what ``evaluate.load("rouge").compute`` does
with rouge-score, checked against rouge-score and sacrebleu."""
from __future__ import annotations

import math

import numpy as np
import pytest

from shared_data import dialogsum, shared_path
from textmetrics.integrations import hf

rouge_scorer = pytest.importorskip("rouge_score.rouge_scorer")
rouge_scoring = pytest.importorskip("rouge_score.scoring")
sacrebleu = pytest.importorskip("sacrebleu")
TYPES = ["rouge1", "rouge2", "rougeL", "rougeLsum"]


def _word_level_tokenizer():
    """A word-level tokenizer trained on the in-repo DialogSum sample's summaries (<pad> 0, <unk>, <s>, </s>)."""
    pytest.importorskip("transformers")
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    rows = dialogsum("sample")
    tok = Tokenizer(models.WordLevel(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.train_from_iterator([r[f"summary{k}"] for r in rows for k in (1, 2, 3)],
                            trainers.WordLevelTrainer(special_tokens=["<pad>", "<unk>", "<s>", "</s>"]))
    return PreTrainedTokenizerFast(tokenizer_object=tok, pad_token="<pad>", unk_token="<unk>", bos_token="<s>",
                                   eos_token="</s>")


def _llama2_tokenizer():
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


@pytest.fixture(scope="module", params=["word-level", "llama2"], ids=["word-level", "llama2-volume"])
def tokenizer(request):
    return _word_level_tokenizer() if request.param == "word-level" else _llama2_tokenizer()


@pytest.fixture(scope="module")
def word_tokenizer():
    return _word_level_tokenizer()


class EvalPrediction:  # the two fields Trainer passes
    def __init__(self, predictions, label_ids):
        self.predictions, self.label_ids = predictions, label_ids


def _padded(rows, value):
    width = max(len(r) for r in rows)
    return np.array([r + [value] * (width - len(r)) for r in rows])


def _rouge_score_means(labels_text, preds_text, stemmer):
    scorer = rouge_scorer.RougeScorer(TYPES, use_stemmer=stemmer)
    expected = [scorer.score(ref, pred) for ref, pred in zip(labels_text, preds_text)]
    return {t: math.fsum(e[t].fmeasure for e in expected) / len(expected) for t in TYPES}


def test_compute_metrics_on_hand_built_predictions(tokenizer, dialogsum_test):
    rows = dialogsum_test[:40]
    encode = lambda t: tokenizer(t, add_special_tokens=False)["input_ids"]  # noqa: E731
    decode_back = lambda t: tokenizer.decode(encode(t), skip_special_tokens=True).strip()  # noqa: E731
    labels_text = [decode_back(r["summary1"]) for r in rows]  # what the tokenizer keeps of the text
    preds_text = [decode_back(r["summary2"]) for r in rows]
    labels = _padded([encode(t) for t in labels_text], -100)  # the collator's label padding
    eos = tokenizer.eos_token_id
    preds = _padded([encode(t) + [eos] for t in preds_text], -100)
    fn = hf.compute_metrics(tokenizer, TYPES + ["bleu"], stemmer=True)
    out = fn(EvalPrediction(preds, labels))

    assert hf.decode(tokenizer, labels) == labels_text  # -100 replaced, special tokens dropped
    expected = _rouge_score_means(labels_text, preds_text, stemmer=True)
    for t in TYPES:
        assert out[t] == expected[t], t
    assert out["bleu"] == sacrebleu.corpus_bleu(preds_text, [labels_text]).score
    assert out["gen_len"] == np.mean([len(encode(t)) + (tokenizer.pad_token_id is not None) for t in preds_text])


def test_logits_are_reduced_by_argmax(tokenizer):
    ids = tokenizer("the cat sat on the mat", add_special_tokens=False)["input_ids"]
    logits = np.full((1, len(ids), len(tokenizer)), -1.0, dtype=np.float32)
    logits[0, np.arange(len(ids)), ids] = 1.0
    out = hf.compute_metrics(tokenizer, ["rouge1"])(EvalPrediction(logits, np.array([ids])))
    assert out["rouge1"] == 1.0


# ------------------------------------------------------------------------------ inside Trainer.evaluate()

def test_compute_metrics_inside_trainer_evaluate(word_tokenizer, tmp_path):
    """A tiny random-weight Llama (tied embeddings: its argmax mostly copies the input, with a few random
    tokens) evaluated by transformers.Trainer on the sample's summaries, batches of uneven length (Trainer pads
    predictions across batches with -100), logits reduced by preprocess_logits_for_metrics. The metrics
    Trainer reports are rouge-score's and sacrebleu's on the texts decoded from what Trainer passed in."""
    torch = pytest.importorskip("torch")
    datasets = pytest.importorskip("datasets")
    from transformers import DataCollatorForSeq2Seq, LlamaConfig, LlamaForCausalLM, Trainer, TrainingArguments

    tok = word_tokenizer
    config = LlamaConfig(vocab_size=len(tok), hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=2, tie_word_embeddings=True,
                         pad_token_id=tok.pad_token_id, bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id)
    torch.manual_seed(0)
    model = LlamaForCausalLM(config)
    rows = dialogsum("sample")
    ids = [tok(r["summary1"])["input_ids"] for r in rows]
    dataset = datasets.Dataset.from_dict({"input_ids": ids, "labels": ids})

    seen = []
    metrics_fn = hf.compute_metrics(tok, TYPES + ["bleu"], stemmer=True)

    def compute_metrics(eval_prediction):
        seen.append(eval_prediction)
        return metrics_fn(eval_prediction)

    args = TrainingArguments(output_dir=str(tmp_path), per_device_eval_batch_size=5, report_to=[], use_cpu=True)
    trainer = Trainer(model=model, args=args, eval_dataset=dataset,
                      data_collator=DataCollatorForSeq2Seq(tok, label_pad_token_id=-100),
                      compute_metrics=compute_metrics,
                      preprocess_logits_for_metrics=lambda logits, labels: logits.argmax(dim=-1))
    out = trainer.evaluate()

    (prediction,) = seen
    preds, labels = np.asarray(prediction.predictions), np.asarray(prediction.label_ids)
    assert preds.shape == labels.shape == (len(rows), max(len(i) for i in ids))
    assert (preds == -100).any()  # padding across batches reached compute_metrics

    def decoded(array):
        array = np.where(array == -100, tok.pad_token_id, array)
        return [t.strip() for t in tok.batch_decode(array.tolist(), skip_special_tokens=True)]

    preds_text, labels_text = decoded(preds), decoded(labels)
    assert labels_text == [tok.decode(i, skip_special_tokens=True) for i in ids]
    assert preds_text != labels_text  # the model gets some tokens wrong: the scores are not all 1
    expected = _rouge_score_means(labels_text, preds_text, stemmer=True)
    for t in TYPES:
        assert out[f"eval_{t}"] == expected[t], t
    assert 0.5 < expected["rouge1"] < 1  # most tokens copied, some not
    assert out["eval_bleu"] == sacrebleu.corpus_bleu(preds_text, [labels_text]).score
    generated = [int(np.sum((row != -100) & (row != tok.pad_token_id))) for row in preds]
    assert out["eval_gen_len"] == math.fsum(generated) / len(generated)


# --------------------------------------------------------------------------- evaluate.load("rouge").compute

def evaluate_rouge_compute(predictions, references, rouge_types=None, use_aggregator=True, use_stemmer=False,
                           tokenizer=None, seed=None):
    """What evaluate's rouge metric (huggingface/evaluate, metrics/rouge/rouge.py) computes, done here with
    rouge-score: RougeScorer(rouge_types, use_stemmer, tokenizer wrapped as an object with .tokenize); multi
    reference when references[0] is a list (score_multi), else score; with use_aggregator the ``mid.fmeasure``
    of rouge-score's BootstrapAggregator (unseeded numpy resampling: ``seed`` fixes it here), else one list of
    F-measures per type."""
    if rouge_types is None:
        rouge_types = ["rouge1", "rouge2", "rougeL", "rougeLsum"]
    multi_ref = isinstance(references[0], list)

    class Wrapped:
        def tokenize(self, text):
            return tokenizer(text)

    scorer = rouge_scorer.RougeScorer(rouge_types=rouge_types, use_stemmer=use_stemmer,
                                      tokenizer=Wrapped() if tokenizer is not None else None)
    scores = [scorer.score_multi(ref, pred) if multi_ref else scorer.score(ref, pred)
              for ref, pred in zip(references, predictions)]
    if not use_aggregator:
        return {key: [s[key].fmeasure for s in scores] for key in scores[0]}
    if seed is not None:
        np.random.seed(seed)
    aggregator = rouge_scoring.BootstrapAggregator()
    for s in scores:
        aggregator.add_scores(s)
    return aggregator.aggregate()


@pytest.mark.parametrize("stemmer", [False, True])
def test_evaluate_style_compute_per_pair(dialogsum_test, stemmer):
    rows = dialogsum_test[:60]
    preds = [r["summary1"] for r in rows]
    refs = [r["summary2"] for r in rows]
    expected = evaluate_rouge_compute(preds, refs, use_aggregator=False, use_stemmer=stemmer)
    ours = hf.compute(predictions=preds, references=refs, use_aggregator=False, use_stemmer=stemmer)
    assert list(ours) == list(expected) == TYPES
    assert ours == expected
    assert all(type(v) is float for values in ours.values() for v in values)
    # multi-reference: best F over the references (score_multi), any number of references per prediction
    multi = [[r["summary2"], r["summary3"]] for r in rows]
    assert hf.compute(predictions=preds, references=multi, use_aggregator=False, use_stemmer=stemmer) == \
        evaluate_rouge_compute(preds, multi, use_aggregator=False, use_stemmer=stemmer)


def test_evaluate_style_compute_rougelsum_splits_on_newlines_only(dialogsum_test):
    """rougeLsum: like evaluate (which passes the texts to rouge-score unchanged), sentences are the text's
    "\\n"-separated lines; nothing splits sentences for the caller. The dialogues have one turn per line."""
    rows = dialogsum_test[:40]
    preds = ["\n".join(r["dialogue"].split("\n")[:3]) for r in rows]
    refs = [r["summary1"].replace(". ", ".\n") for r in rows]
    expected = evaluate_rouge_compute(preds, refs, rouge_types=["rougeL", "rougeLsum"], use_aggregator=False)
    ours = hf.compute(predictions=preds, references=refs, rouge_types=["rougeL", "rougeLsum"], use_aggregator=False)
    assert ours == expected
    assert ours["rougeL"] != ours["rougeLsum"]  # the newlines do matter here


def test_evaluate_style_compute_aggregated_is_the_mean_that_the_bootstrap_median_estimates(dialogsum_test):
    """use_aggregator=True: evaluate reports rouge-score's BootstrapAggregator mid (the median of 1000 unseeded
    resampled means); compute reports the exact mean, which lies inside the aggregator's 95 % interval and near
    its mid."""
    rows = dialogsum_test[:60]
    preds = [r["summary1"] for r in rows]
    multi = [[r["summary2"], r["summary3"]] for r in rows]
    ours = hf.compute(predictions=preds, references=multi, use_stemmer=True)
    per_pair = evaluate_rouge_compute(preds, multi, use_aggregator=False, use_stemmer=True)
    aggregate = evaluate_rouge_compute(preds, multi, use_stemmer=True, seed=0)
    assert list(ours) == TYPES
    for t in TYPES:
        assert isinstance(ours[t], float)
        assert ours[t] == pytest.approx(math.fsum(per_pair[t]) / len(per_pair[t]), rel=1e-15), t
        interval = aggregate[t]
        assert interval.low.fmeasure <= ours[t] <= interval.high.fmeasure, t
        assert abs(ours[t] - interval.mid.fmeasure) < 0.25 * (interval.high.fmeasure - interval.low.fmeasure), t


def test_evaluate_style_compute_options_as_evaluate():
    preds = ["The cats are running quickly.", "hello there", "Général Kenobi!"]
    refs = ["the cat ran quick", "hello there general", "general kenobi"]
    # rouge_types=None means the four default types, as in evaluate
    assert hf.compute(predictions=preds, references=refs, rouge_types=None, use_aggregator=False) == \
        evaluate_rouge_compute(preds, refs, use_aggregator=False)
    # a tokenizer is a callable text -> tokens; rouge-score then does not stem, even with use_stemmer=True
    split = str.split
    for stemmer in (False, True):
        expected = evaluate_rouge_compute(preds, refs, use_aggregator=False, use_stemmer=stemmer, tokenizer=split)
        assert hf.compute(predictions=preds, references=refs, use_aggregator=False, use_stemmer=stemmer,
                          tokenizer=split) == expected
    # other n-gram orders
    assert hf.compute(predictions=preds, references=refs, rouge_types=["rouge3", "rouge1"], use_aggregator=False) \
        == evaluate_rouge_compute(preds, refs, rouge_types=["rouge3", "rouge1"], use_aggregator=False)


def test_sentence_split_reaches_rougelsum_only(word_tokenizer):
    """compute_metrics(sentence_split=...): rougeLsum scores the sentences one per line (as HF's summarization
    examples do with nltk.sent_tokenize); the other types and BLEU score the decoded text itself."""
    import re

    tok = word_tokenizer
    rows = dialogsum("sample")
    encode = lambda t: tok(t, add_special_tokens=False)["input_ids"]  # noqa: E731
    labels_ids = [encode(r["summary1"]) for r in rows]
    preds_ids = [encode(r["summary2"]) for r in rows]
    labels_text = [tok.decode(i, skip_special_tokens=True).strip() for i in labels_ids]
    preds_text = [tok.decode(i, skip_special_tokens=True).strip() for i in preds_ids]
    split = lambda text: [s for s in re.split(r"(?<=\.) ", text) if s]  # noqa: E731
    out = hf.compute_metrics(tok, TYPES + ["bleu"], stemmer=False, sentence_split=split)(
        EvalPrediction(_padded(preds_ids, -100), _padded(labels_ids, -100)))
    plain = _rouge_score_means(labels_text, preds_text, stemmer=False)
    lines = _rouge_score_means(["\n".join(split(t)) for t in labels_text], ["\n".join(split(t)) for t in preds_text],
                               stemmer=False)
    assert sum("\n".join(split(t)) != t for t in labels_text) > 5  # the split does change some texts
    for t in ("rouge1", "rouge2", "rougeL"):
        assert out[t] == plain[t], t
    assert out["rougeLsum"] == lines["rougeLsum"] != plain["rougeLsum"]
    assert out["bleu"] == sacrebleu.corpus_bleu(preds_text, [labels_text]).score
