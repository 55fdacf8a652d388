"""Batch ROUGE: a whole corpus of (references, candidate) pairs scored in one compiled call.

``rouge(references, candidates, metrics)`` gives, float for float, what the single-pair functions of
``textmetrics.metrics.rouge`` give for each pair (``rouge_n``, ``rouge_l``, ...), with the same options. The engine:

1. every text is tokenized once and its tokens interned to integer ids: for the default tokenizer in compiled code
   (``kernels.tokenize``; text that is not ASCII is lowercased by Python first, as ``str.lower()`` can produce ASCII
   letters), with stemming applied once per distinct word (``tokenizers.stem`` is memoized); a custom tokenizer
   runs in Python;
2. all token ids, per-text offsets and sentence offsets go to one Numba kernel (``kernels.rouge.pair_stats``) that
   computes each pair's sufficient statistics ``(hits, ref_size, cand_size)``, in parallel over pairs;
3. precision, recall and F come from the statistics with numpy, by the same IEEE operations as
   the single-pair functions (``textmetrics.scoring``: ``combine_arrays`` beside ``combine``, so the same floats),
   several references combined per ``multi_ref``.

Metric names follow rouge-score: ``rouge1`` .. ``rouge9``, ``rougeL``, ``rougeLsum``; and ROUGE-1.5.5's ``rougeW``
(weight 1.2; ``rougeW-1.5`` for another weight), ``rougeS``/``rougeSU`` (max skip 4 as ``rouge_s``'s default;
``rougeS9``, ``rougeSU0``, ``rougeS*`` for any gap).

Streaming: memory is proportional to one call's input, so feed a large corpus in chunks of, say, 10 000 pairs and
keep the per-pair arrays or running sums.
"""
from __future__ import annotations

import itertools
import math
import time
from collections.abc import Mapping
from typing import Iterator, NamedTuple, Optional, Sequence, Union

import numpy as np

from . import registry
from .registry import ROUGE_NAMES_HELP as METRIC_NAMES_HELP  # noqa: F401 (re-exported)
from .registry import RougeMetric
from .scoring import Score, ScoreArrays, check_alpha, combine_arrays, settings_signature
from .tokenizers import TokenizerSpec, resolve_tokenizer
from .validation import BACKENDS, check_choice, check_corpus, checked_options, flatten_references

References = Union[str, Sequence[str]]

DEFAULT_METRICS = ("rouge1", "rouge2", "rougeL", "rougeLsum")
MULTI_REF_MODES = ("best", "average", "best_recall")

# ---------------------------------------------------------------------------------------------- metrics

MetricSpec = RougeMetric  # one requested metric (the registry's entry): kept under its old name


def parse_metric(name) -> RougeMetric:
    """The registry entry of a ROUGE metric name (``registry.rouge_metric``); ValueError for an unknown name."""
    return registry.rouge_metric(name)


def _parse_metrics(metrics) -> list[RougeMetric]:
    return registry.rouge_metrics(metrics)


# ------------------------------------------------------------------------------------------------ result

class RougeResult(Mapping):
    """Per-pair scores of each metric: ``result["rougeL"].fmeasure[i]`` is pair i's ROUGE-L F.

    A read-only mapping from metric name to ``ScoreArrays``, in the order the metrics were requested.
    ``signature`` records every setting that changes the numbers (sacrebleu-style, a ``textmetrics.signature
    .Signature``): ``rouge1+rougeL|tok:default|stem:yes|ref:best|alpha:0.5|version:textmetrics-<version>``.
    """

    def __init__(self, scores: dict[str, ScoreArrays], signature: Optional[str] = None):
        self._scores = dict(scores)
        self.signature = signature

    def __getitem__(self, metric: str) -> ScoreArrays:
        return self._scores[metric]

    def __iter__(self) -> Iterator[str]:
        return iter(self._scores)

    def __len__(self) -> int:
        return len(self._scores)

    @property
    def n_pairs(self) -> int:
        """Number of scored candidates."""
        return len(next(iter(self._scores.values())).fmeasure) if self._scores else 0

    def pair(self, i: int) -> dict[str, Score]:
        """The Scores of pair ``i``, as the single-pair functions return them."""
        return {name: Score(float(s.precision[i]), float(s.recall[i]), float(s.fmeasure[i]))
                for name, s in self._scores.items()}

    def mean(self) -> dict[str, Score]:
        """Mean precision, recall and F over the pairs, per metric (exact sum, ``math.fsum``; NaN for no pairs)."""
        n = self.n_pairs

        def average(values: np.ndarray) -> float:
            return math.fsum(values.tolist()) / n if n else math.nan

        return {name: Score(average(s.precision), average(s.recall), average(s.fmeasure))
                for name, s in self._scores.items()}

    def to_dict(self) -> dict[str, dict[str, list[float]]]:
        """``{metric: {"precision": [...], "recall": [...], "fmeasure": [...]}}`` with Python floats (JSON-ready)."""
        return {name: {field: getattr(s, field).tolist() for field in ScoreArrays._fields}
                for name, s in self._scores.items()}

    def to_pandas(self):
        """A pandas DataFrame with one row per pair and columns ``(metric, precision|recall|fmeasure)``."""
        try:
            import pandas as pd
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ImportError("RougeResult.to_pandas() needs pandas: pip install pandas") from exc
        columns = {(name, field): getattr(s, field)
                   for name, s in self._scores.items() for field in ScoreArrays._fields}
        return pd.DataFrame(columns, columns=pd.MultiIndex.from_tuples(list(columns)))

    def __repr__(self) -> str:
        means = ", ".join(f"{name}: F={score.fmeasure:.4f}" for name, score in self.mean().items())
        return f"RougeResult({self.n_pairs} pairs; mean {means})"


# --------------------------------------------------------------------------------------- tokenized corpus

class _Corpus(NamedTuple):
    ids: np.ndarray        # flat view: text t is ids[tok_off[t]:tok_off[t + 1]]
    tok_off: np.ndarray
    sids: np.ndarray       # sentence view (the same arrays as the flat view for the default tokenizer)
    stok_off: np.ndarray
    sent_off: np.ndarray   # sentence k is sids[sent_off[k]:sent_off[k + 1]]
    text_sent: np.ndarray  # text t has sentences text_sent[t] .. text_sent[t + 1] - 1
    same_views: bool
    vocab_size: int


def _ascii_buffer(texts: list[str]) -> tuple[bytes, np.ndarray]:
    """All texts as one ASCII buffer, with offsets. Non-ASCII text is lowercased first (full Unicode, as
    rouge-score), then every character still outside ASCII becomes "?", a separator like any non-[a-z0-9]."""
    joined = "".join(texts)
    if not joined.isascii():
        texts = [t if t.isascii() else t.lower() for t in texts]
        joined = "".join(texts)
    offsets = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)), out=offsets[1:])
    return joined.encode("ascii", errors="replace"), offsets


def _default_corpus(texts: list[str], stemmer: bool) -> _Corpus:
    from .kernels.tokenize import tokenize_ascii

    buf, text_off = _ascii_buffer(texts)
    ids, tok_off, sent_off, text_sent, word_start, word_len = tokenize_ascii(
        np.frombuffer(buf, dtype=np.uint8), text_off)
    vocab_size = len(word_start)
    if stemmer:
        # One stem per distinct word; stems are interned again (two words can share a stem).
        # The compiled Porter stemmer (kernels.porter, == NLTK's PorterStemmer) on every distinct word at once;
        # rouge-score stems only words longer than 3 characters.
        from .kernels.engine import K

        stems, stem_off = K.stem_words(np.frombuffer(buf, dtype=np.uint8), word_start, word_len)
        stem_text, bounds = stems.tobytes().decode("ascii"), stem_off.tolist()
        text = buf.decode("ascii")
        words = [stem_text[bounds[w]:bounds[w + 1]] if n > 3 else text[s:s + n].lower()
                 for w, (s, n) in enumerate(zip(word_start.tolist(), word_len.tolist()))]
        distinct = dict.fromkeys(words)  # the stems in order of first appearance
        stem_ids = dict(zip(distinct, range(len(distinct))))
        stem_of = np.fromiter(map(stem_ids.__getitem__, words), dtype=np.int64, count=len(words))
        vocab_size = len(stem_ids)
        ids = stem_of[ids]
        # rouge-score then drops tokens whose stem fails ^[a-z0-9]+$: a Porter stem of [a-z0-9]+ never does.
    return _Corpus(ids, tok_off, ids, tok_off, sent_off, text_sent, True, max(vocab_size, 1))


def intern_tokens(tokens: list, vocab: dict, counter) -> np.ndarray:
    """Ids of hashable tokens, at C speed: a new token gets the next value of ``counter`` (so ids are unique per
    token but not dense: they lie below the number of tokens interned so far)."""
    return np.fromiter(map(vocab.setdefault, tokens, counter), dtype=np.int64, count=len(tokens))


def _python_corpus(texts: list[str], tokenize, need_sentences: bool) -> _Corpus:
    vocab: dict = {}
    counter = itertools.count()

    def encode(token_lists):
        ids = intern_tokens(list(itertools.chain.from_iterable(token_lists)), vocab, counter)
        offsets = np.zeros(len(token_lists) + 1, dtype=np.int64)
        np.cumsum(np.fromiter(map(len, token_lists), dtype=np.int64, count=len(token_lists)), out=offsets[1:])
        return ids, offsets

    ids, tok_off = encode([tokenize(t) for t in texts])
    if not need_sentences:
        # no sentence metric asked for: the sentence view is the flat one, one sentence per text
        text_sent = np.arange(len(texts) + 1, dtype=np.int64)
        return _Corpus(ids, tok_off, ids, tok_off, tok_off, text_sent, True, int(ids.max(initial=0)) + 1)
    per_text = [[s for s in (tokenize(line) for line in t.split("\n") if line) if s] for t in texts]
    sents = [s for text_sents in per_text for s in text_sents]
    sids, sent_off = encode(sents)
    text_sent = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum([len(s) for s in per_text], out=text_sent[1:])
    stok_off = sent_off[text_sent]
    vocab_size = max(int(ids.max(initial=0)), int(sids.max(initial=0))) + 1
    return _Corpus(ids, tok_off, sids, stok_off, sent_off, text_sent, False, vocab_size)


def _weight(metric: RougeMetric) -> Optional[float]:
    return metric.weight if metric.kind == "w" else None


# --------------------------------------------------------------------------------------------- the API

@checked_options
def rouge(references: Sequence[References], candidates: Sequence[str], metrics=DEFAULT_METRICS, *,
          stemmer: bool = False, multi_ref: str = "best", tokenizer: TokenizerSpec = "default", alpha: float = 0.5,
          backend: str = "numba") -> RougeResult:
    """Score every candidate against its reference(s), for several ROUGE metrics at once.

    Args:
        references: one entry per candidate: a reference string, or a non-empty list of them.
        candidates: the candidate strings.
        metrics: metric names (see the module docstring), or one name.
        stemmer, tokenizer, alpha, multi_ref: as for the single-pair functions (``textmetrics.rouge_n`` ...).
        backend: ``"numba"`` (the batch engine) or ``"python"`` (the single-pair functions' Python reference, pair by
            pair: slow, for checking).

    Returns:
        A ``RougeResult``: per metric, per-pair precision/recall/F arrays identical, float for float, to the
        single-pair functions.

    Raises:
        TypeError: a wrong type (candidates not a list of str, a reference neither str nor list of str, ...).
        ValueError: mismatched lengths, an empty corpus, an empty reference list, an unknown metric, multi_ref or
            backend, ``stemmer=True`` with a tokenizer other than the default.

    Example:
        >>> result = rouge(["The cat is on the mat."], ["The cat and the dog."], ["rouge1", "rougeL"])
        >>> result.pair(0)["rougeL"]
        Score(precision=0.6, recall=0.5, fmeasure=0.5454545454545454)
    """
    return score_specs(_parse_metrics(metrics), references, candidates, stemmer=stemmer, multi_ref=multi_ref,
                       tokenizer=tokenizer, alpha=alpha, backend=backend)


def score_specs(specs: Sequence[MetricSpec], references, candidates, *, stemmer: bool = False, multi_ref: str = "best",
                tokenizer: TokenizerSpec = "default", alpha: float = 0.5, backend: str = "numba") -> RougeResult:
    """``rouge`` for already parsed metrics (``registry.RougeMetric``): the batch engine."""
    check_choice("multi_ref", multi_ref, MULTI_REF_MODES)
    check_choice("backend", backend, BACKENDS)
    alpha = check_alpha(alpha)
    tokenize = resolve_tokenizer(tokenizer, stemmer)  # validates stemmer and tokenizer (and their combination)
    references, cands = check_corpus(references, candidates, "the single-pair functions (rouge_n, rouge_l, ...)")
    signature = settings_signature([s.name for s in specs], tokenizer, stemmer, multi_ref, alpha)  # as Score's
    if backend == "python":
        return _rouge_python(specs, references, cands, signature, stemmer=stemmer, multi_ref=multi_ref,
                             tokenizer=tokenizer, alpha=alpha)

    refs, ref_off = flatten_references(references)
    hits, ref_size, cand_size = statistics(specs, cands, refs, ref_off, stemmer=stemmer, tokenizer=tokenizer,
                                           tokenize=tokenize)
    return RougeResult({s.name: combine_arrays(hits[k], ref_size[k], cand_size[k], ref_off, multi_ref, alpha,
                                               _weight(s))
                        for k, s in enumerate(specs)}, signature)


def statistics(specs: Sequence[MetricSpec], cands: list[str], refs: list[str], ref_off: np.ndarray, *,
               stemmer: bool, tokenizer: TokenizerSpec, tokenize) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(hits, ref_size, cand_size)`` of every metric (rows) and (candidate, reference) entry (columns) of an already
    validated corpus: candidate ``i``'s references are ``refs[ref_off[i]:ref_off[i + 1]]``."""
    from .kernels import rouge as kernels

    texts = cands + refs
    if tokenizer is None or (isinstance(tokenizer, str) and tokenizer == "default"):
        corpus = _default_corpus(texts, stemmer)
    else:
        corpus = _python_corpus(texts, tokenize, any(s.summary_level for s in specs))
    kinds = np.array([s.kernel_kind for s in specs], dtype=np.int64)
    params = [s.kernel_params for s in specs]
    int_params = np.array([p[0] for p in params], dtype=np.int64)
    float_params = np.array([p[1] for p in params], dtype=np.float64)
    flags = np.array([p[2] for p in params], dtype=np.bool_)
    n_pairs = len(cands)
    if any(s.kind == "s" for s in specs):
        _check_skip_bigram_sizes(specs, np.diff(corpus.tok_off), n_pairs, ref_off)
    return kernels.pair_stats(corpus.ids, corpus.tok_off, corpus.sids, corpus.stok_off, corpus.sent_off,
                              corpus.text_sent, corpus.same_views, n_pairs, ref_off, corpus.vocab_size, kinds,
                              int_params, float_params, flags)


@checked_options
def rouge_matrix(texts: Sequence[str], metric: str = "rougeL", *, stemmer: bool = False,
                 tokenizer: TokenizerSpec = "default", alpha: float = 0.5) -> np.ndarray:
    """F of every ordered pair: ``m[i, j]`` = ``metric`` with ``texts[i]`` as reference and ``texts[j]`` as
    candidate (float64, shape ``(n, n)``), one corpus call on the same engine as ``rouge`` (e.g. MBR decoding: pick
    the candidate with the highest mean F against the others).

    Example:
        >>> rouge_matrix(["a b c", "a c", "b c"])[0].round(3).tolist()
        [1.0, 0.8, 0.8]
    """
    if isinstance(texts, str) or not hasattr(texts, "__len__"):
        raise TypeError(f"texts must be a list of str, got {type(texts).__name__}")
    texts = list(texts)
    n = len(texts)
    refs = [texts[i] for i in range(n) for _ in range(n)]
    cands = texts * n
    result = rouge(refs, cands, metric, stemmer=stemmer, tokenizer=tokenizer, alpha=alpha)
    return result[metric].fmeasure.reshape(n, n)


MAX_SKIP_BIGRAMS = 1 << 24  # per pair (reference + candidate): about 0.75 GB of scratch at 44 bytes each


def skip_bigram_count(n_tokens: np.ndarray, max_skip: Optional[int], unigrams: bool) -> np.ndarray:
    """Units ROUGE-S/SU counts in texts of ``n_tokens`` tokens: pairs ``(i, j)``, ``i < j <= i + max_skip + 1``
    (any ``j`` for None), plus, for SU, every token but the last."""
    n = n_tokens.astype(object)  # exact: n**2 / 2 overflows nothing
    if max_skip is None:
        units = n * (n - 1) // 2
    else:
        g = max_skip + 1
        units = np.where(n > g, g * n - g * (g + 1) // 2, n * (n - 1) // 2)
    if unigrams:
        units = units + np.maximum(n - 1, 0)
    return units


def _check_skip_bigram_sizes(specs, n_tokens, n_pairs, ref_off) -> None:
    """ROUGE-S with a large or unlimited skip is quadratic in the text length: refuse a pair whose skip bigrams
    would not fit ``MAX_SKIP_BIGRAMS`` before any memory is allocated."""
    for spec in specs:
        if spec.kind != "s":
            continue
        units = skip_bigram_count(n_tokens, spec.max_skip, spec.unigrams)
        cand_units = units[:n_pairs]
        owner = np.repeat(np.arange(n_pairs), np.diff(ref_off))
        per_entry = units[n_pairs:] + cand_units[owner]
        if per_entry.size and max(per_entry) > MAX_SKIP_BIGRAMS:
            e = int(np.argmax(per_entry > MAX_SKIP_BIGRAMS))
            p = int(owner[e])
            raise ValueError(
                f"{spec.name}: pair {p} has {int(per_entry[e]):,} skip bigrams "
                f"(texts of {int(n_tokens[n_pairs + e]):,} "
                f"and {int(n_tokens[p]):,} tokens), more than the limit of {MAX_SKIP_BIGRAMS:,} (about 0.75 GB); "
                "use a bounded skip such as rougeS4, or shorter texts")


def _rouge_python(specs, references, cands, signature, **options) -> RougeResult:
    """The reference batch: each pair through the single-pair functions (``RougeMetric.single``) with
    ``backend="python"``."""
    out = {}
    for spec in specs:
        scores = [spec.single(ref, cand, backend="python", **options) for ref, cand in zip(references, cands)]
        columns = np.array(scores, dtype=np.float64).reshape(len(scores), 3)
        out[spec.name] = ScoreArrays(*(np.ascontiguousarray(columns[:, k]) for k in range(3)))
    return RougeResult(out, signature)


@checked_options
def warmup() -> float:
    """Compile (or load from Numba's cache) every ROUGE and BLEU kernel on tiny inputs; returns the seconds it took.

    Benchmarks and command-line tools call it so that compilation never lands inside a timed region.
    """
    from .metrics import rouge as single

    start = time.perf_counter()
    refs = ["The cat sat.\nOn the mat, it sat.", ["a b c", "c b a d"]]
    cands = ["the cat sat on a mat\nit sat", "a b c d"]
    every_kind = ("rouge1", "rouge2", "rouge3", "rougeL", "rougeLsum", "rougeW", "rougeS4", "rougeSU*")
    for mode in MULTI_REF_MODES:
        rouge(refs, cands, every_kind, multi_ref=mode)
    rouge(refs, cands, every_kind, tokenizer="whitespace")
    for f in (single.rouge_n, single.rouge_l, single.rouge_lsum, single.rouge_w, single.rouge_s, single.rouge_su):
        f(refs[0], cands[0])
    single.lcs_length(["a", "b"], ["b", "a"])
    from .metrics import bleu

    bleu.warmup()
    return time.perf_counter() - start
