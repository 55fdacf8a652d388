"""sacrebleu 2.6.0's BLEU API computed by textmetrics: ``from textmetrics.compat import sacrebleu``.

Same argument order and layout as sacrebleu: hypotheses first, then ``references`` as a list of reference *streams*,
each parallel to the hypotheses (``references[k][i]`` is the k-th reference of ``hypotheses[i]``; ``None`` where a
segment has fewer references). Same numbers, float for float: ``score``, ``counts``, ``totals``, ``precisions``,
``bp``, ``sys_len``, ``ref_len``, ``str()``/``format()`` and, with ``corpus_score(..., n_bootstrap=k)``, the
bootstrap ``mean``/``ci`` (sacrebleu's draws: seed from ``SACREBLEU_SEED``, default 12345, ``none`` for OS
entropy; the resampled statistics are summed as float32, as sacrebleu does, so its float32 precisions are
reproduced too). The signature says ``version:textmetrics-<version>`` where sacrebleu's says ``version:2.6.0``.

sacrebleu behaviours kept: ``tokenize=None`` picks ``zh`` for ``trg_lang='zh'`` (``ja``/``ko`` need MeCab, which
textmetrics does not provide: ``ValueError``) and ``13a`` otherwise; the trg_lang tokenizer advice, the
"100 lines that end in a tokenized period" warning (unless ``force``) and the ``effective_order`` advice of
``sentence_score`` are logged (logger ``textmetrics.compat.sacrebleu``); ``smooth_value`` is ignored by ``exp``
and ``none``; ``BLEU(references=...)`` tokenizes the references once and ``corpus_score(hyps)`` reuses them;
signatures are stateful as in sacrebleu (``nrefs`` from the last references seen, ``bs``/``seed`` once a bootstrap
has run).

Deliberate differences (sacrebleu scores these silently, usually as garbage): a hypotheses string, a reference
stream that is a string (``corpus_bleu(hyps, refs)`` instead of ``[refs]``) and ``None``/non-str lines raise
``TypeError``; streams and hypotheses of different lengths (sacrebleu truncates to the shortest), an empty corpus,
a segment whose references are all ``None``, unknown options, and tokenizers other than ``13a``, ``intl``,
``char``, ``zh``, ``none`` raise ``ValueError``. Inputs are never modified.
"""
from __future__ import annotations

import json
import logging
import os
import statistics
from collections.abc import Sequence

import numpy as np

from .._version import __version__
from ..bleu_tokenizers import BLEU_TOKENIZERS
from ..kernels import bleu as kernels
from ..metrics.bleu import _check_bool, _check_max_order, _check_smoothing, _preprocess, _sacrebleu_score
from ..tokenizers import check_text

__all__ = ["BLEU", "BLEUScore", "Signature", "corpus_bleu", "raw_corpus_bleu", "sentence_bleu"]

logger = logging.getLogger(__name__)

VERSION = f"textmetrics-{__version__}"
# sacrebleu's tokenizers that need packages or models textmetrics does not ship.
_UNSUPPORTED_TOKENIZERS = {
    "ja-mecab": "needs MeCab", "ko-mecab": "needs MeCab-ko", "spm": "needs a SentencePiece model",
    "flores101": "needs a SentencePiece model", "flores200": "needs a SentencePiece model",
    "spBLEU-1K": "needs a SentencePiece model",
}


class BLEUScore:
    """A BLEU score with sacrebleu's ``BLEUScore`` fields (lists, 0-100 scale) and formatting."""

    def __init__(self, score, counts, totals, precisions, bp, sys_len, ref_len):
        self.name = "BLEU"
        self.score = score
        self.counts = counts
        self.totals = totals
        self.precisions = precisions
        self.bp = bp
        self.sys_len = sys_len
        self.ref_len = ref_len
        self.prec_str = "/".join(f"{p:.1f}" for p in precisions)
        self.ratio = sys_len / ref_len if ref_len else 0
        self._verbose = (f"{self.prec_str} (BP = {bp:.3f} ratio = {self.ratio:.3f} hyp_len = {sys_len:d} "
                         f"ref_len = {ref_len:d})")
        self._mean = -1.0  # bootstrap mean and 95 % half-width; -1.0 until a bootstrap has run (sacrebleu's marker)
        self._ci = -1.0

    @property
    def mean(self) -> float | None:
        """Mean of the bootstrap scores (None without ``n_bootstrap > 1``)."""
        return self._mean if self._mean != -1.0 else None

    @property
    def ci(self) -> float | None:
        """Half-width of the bootstrap's central 95 % (None without ``n_bootstrap > 1``)."""
        return self._ci if self._ci != -1.0 else None

    def _set_ci(self, scores: list[float]) -> None:
        ordered = sorted(scores)
        lower = len(ordered) // 40
        self._ci = 0.5 * (ordered[len(ordered) - lower - 1] - ordered[lower])
        self._mean = statistics.mean(ordered)

    def format(self, width: int = 2, score_only: bool = False, signature: str = "", is_json: bool = False) -> str:
        """``BLEU[|signature] = score [(μ = mean ± ci)] precisions (BP = ...)``, the score alone, or JSON."""
        text = f"{self.score:.{width}f}"
        record = {"name": self.name, "score": float(text), "signature": signature}
        if self._mean > 0:
            mean, ci = f"{self._mean:.{width}f}", f"{self._ci:.{width}f}"
            confidence = f"μ = {mean} ± {ci}"
            text += f" ({confidence})"
            record.update(confidence_mean=float(mean), confidence_var=float(ci), confidence=confidence)
        if score_only:
            return text
        if is_json:
            record["verbose_score"] = self._verbose
            for field in filter(None, signature.split("|")):
                key, value = field.split(":", 1)
                record[key] = value
            return json.dumps(record, indent=1, ensure_ascii=False)
        head = f"{self.name}|{signature}" if signature else self.name
        return f"{head} = {text} {self._verbose}"

    def __repr__(self) -> str:
        return self.format()


class Signature:
    """sacrebleu's reproducibility signature: ``format(short=False)``, ``update(key, value)``, ``str()``."""

    _ABBREVIATIONS = {"version": "v", "nrefs": "#", "test": "t", "lang": "l", "subset": "S", "origlang": "o",
                      "bs": "bs", "ar": "ar", "seed": "rs", "case": "c", "eff": "e", "tok": "tok", "smooth": "s"}

    def __init__(self, info: dict):
        self.info = dict(info)

    def format(self, short: bool = False) -> str:
        keys = [k for k in self.info if k != "version"] + ["version"]
        parts = []
        for key in keys:
            value = self.info.get(key)
            if value is None:
                continue
            if isinstance(value, bool):
                value = "yes" if value else "no"
            parts.append(f"{self._ABBREVIATIONS.get(key, key) if short else key}:{value}")
        return "|".join(parts)

    def update(self, key: str, value) -> None:
        self.info[key] = value

    def __str__(self) -> str:
        return self.format()

    __repr__ = __str__


def _check_hypotheses(hypotheses) -> list[str]:
    if isinstance(hypotheses, str):
        raise TypeError("hypotheses must be a list of strings, got a str: for one hypothesis use sentence_bleu or "
                        "[hypothesis]")
    if not isinstance(hypotheses, Sequence):
        raise TypeError(f"hypotheses must be a sequence of strings, got {type(hypotheses).__name__}")
    if not hypotheses:
        raise ValueError("hypotheses is empty: give at least one hypothesis")
    for i, hypothesis in enumerate(hypotheses):
        check_text(hypothesis, f"hypotheses[{i}]")
    return list(hypotheses)


def _check_streams(references) -> list[list[str]]:
    """Reference streams -> per-segment lists of references (``None`` entries dropped)."""
    if isinstance(references, str) or not isinstance(references, Sequence):
        raise TypeError("references must be a list of reference streams, each a list of strings parallel to the "
                        f"hypotheses (e.g. [refs] for one reference per segment), got {type(references).__name__}")
    if not references:
        raise ValueError("references is empty: give at least one reference stream")
    for k, stream in enumerate(references):
        if isinstance(stream, str):
            raise TypeError(f"references[{k}] is a str, but references must be a list of streams, each a list with "
                            "one reference per hypothesis: for a single reference per segment pass [refs]")
        if not isinstance(stream, Sequence):
            raise TypeError(f"references[{k}] must be a sequence of strings, got {type(stream).__name__}")
        for i, line in enumerate(stream):
            if line is not None:
                check_text(line, f"references[{k}][{i}]")
    lengths = {len(stream) for stream in references}
    if len(lengths) > 1:
        raise ValueError(f"reference streams differ in length ({sorted(lengths)}): each stream needs one entry "
                         "(a string or None) per hypothesis")
    segments = [[line for line in lines if line is not None] for lines in zip(*references)]
    for i, refs in enumerate(segments):
        if not refs:
            raise ValueError(f"segment {i} has no reference: every stream is None there")
    return segments


class BLEU:
    """sacrebleu's ``BLEU`` metric object (``corpus_score``, ``sentence_score``, ``get_signature``)."""

    SMOOTH_DEFAULTS = {"none": None, "floor": 0.1, "add-k": 1, "exp": None}
    TOKENIZERS = BLEU_TOKENIZERS
    TOKENIZER_DEFAULT = "13a"
    _TOKENIZER_MAP = {"zh": "zh", "ja": "ja-mecab", "ko": "ko-mecab"}
    _LANGUAGE_ADVICE = {"zh": ("zh", "Consider using the 'zh' or 'spm' tokenizer for Chinese."),
                        "ja": ("ja-mecab", "Consider using the 'ja-mecab' or 'spm' tokenizer for Japanese."),
                        "ko": ("ko-mecab", "Consider using the 'ko-mecab' or 'spm' tokenizer for Korean.")}

    def __init__(self, lowercase: bool = False, force: bool = False, tokenize: str | None = None,
                 smooth_method: str = "exp", smooth_value: float | None = None, max_ngram_order: int = 4,
                 effective_order: bool = False, trg_lang: str = "", references=None):
        self.lowercase = _check_bool("lowercase", lowercase)
        self._force = _check_bool("force", force)
        self.effective_order = _check_bool("effective_order", effective_order)
        self.max_ngram_order = _check_max_order(max_ngram_order)
        if not isinstance(smooth_method, str) or smooth_method not in self.SMOOTH_DEFAULTS:
            raise ValueError(f"unknown smooth_method {smooth_method!r}; choose one of {list(self.SMOOTH_DEFAULTS)}")
        self.smooth_method = smooth_method
        self.smooth_value = smooth_value
        # exp and none take no value; sacrebleu ignores one given to them
        self._smooth_value = (None if self.SMOOTH_DEFAULTS[smooth_method] is None
                              else _check_smoothing(smooth_method, smooth_value))
        self.trg_lang = trg_lang
        if tokenize is None:
            tokenize = self._TOKENIZER_MAP.get(trg_lang, self.TOKENIZER_DEFAULT)
        elif trg_lang in self._LANGUAGE_ADVICE and tokenize != self._LANGUAGE_ADVICE[trg_lang][0]:
            logger.warning(self._LANGUAGE_ADVICE[trg_lang][1])
        if tokenize in _UNSUPPORTED_TOKENIZERS:
            raise ValueError(f"sacrebleu's {tokenize!r} tokenizer {_UNSUPPORTED_TOKENIZERS[tokenize]}, which "
                             f"textmetrics does not provide; supported: {list(BLEU_TOKENIZERS)}")
        if not isinstance(tokenize, str) or tokenize not in BLEU_TOKENIZERS:
            raise ValueError(f"unknown tokenizer {tokenize!r}; choose one of {list(BLEU_TOKENIZERS)}")
        self.tokenizer_signature = tokenize
        self.num_refs = None
        self.n_bootstrap = None
        self.seed = None
        self._ref_cache = None
        if references is not None:
            self._ref_cache = self._cache_references(references)

    def _preprocess(self, line: str) -> list[str]:
        return _preprocess(line, self.tokenizer_signature, self.lowercase)

    def _cache_references(self, references) -> list[list[list[str]]]:
        """Tokenize reference streams: one list of token lists per segment. Sets ``num_refs`` like sacrebleu."""
        segments = _check_streams(references)
        counts = {len(refs) for refs in segments}
        self.num_refs = counts.pop() if len(counts) == 1 else -1
        return [[self._preprocess(ref) for ref in refs] for refs in segments]

    def _corpus_statistics(self, hypotheses: list[str], ref_cache) -> np.ndarray:
        if len(hypotheses) != len(ref_cache):
            raise ValueError(f"{len(hypotheses)} hypotheses but the reference streams have {len(ref_cache)} "
                             "segments: they must be parallel")
        if not self._force and sum(h.endswith(" .") for h in hypotheses) >= 100:
            logger.warning("That's 100 lines that end in a tokenized period ('.')")
            logger.warning("It looks like you forgot to detokenize your test data, which may hurt your score.")
            logger.warning("If you insist your data is detokenized, or don't care, you can suppress this message "
                           "with the `force` parameter.")
        tokenized = [self._preprocess(h) for h in hypotheses]
        return kernels.corpus_statistics(tokenized, ref_cache, self.max_ngram_order)

    def _compute_score_from_stats(self, sums) -> BLEUScore:
        """Score column sums: Python ints, or float32 scalars for bootstrap resamples (as sacrebleu's)."""
        n = self.max_ngram_order
        sys_len, ref_len = int(sums[0]), int(sums[1])
        score, counts, totals, precisions, bp = _sacrebleu_score(
            list(sums[2:2 + n]), list(sums[2 + n:]), sys_len, ref_len, self.smooth_method, self._smooth_value,
            self.effective_order)
        return BLEUScore(score, counts, totals, precisions, bp, sys_len, ref_len)

    def _bootstrap_scores(self, stats: np.ndarray, n_samples: int) -> list[float]:
        seed = os.environ.get("SACREBLEU_SEED", "12345")
        self.seed = seed.lower()
        rng = np.random.default_rng(None if seed.lower() == "none" else int(seed))
        idxs = rng.choice(len(stats), size=(n_samples, len(stats)), replace=True)
        stats32 = stats.astype(np.float32)  # sacrebleu resamples float32 copies of the statistics
        return [self._compute_score_from_stats(stats32[row].sum(axis=0)).score for row in idxs]

    def corpus_score(self, hypotheses: Sequence[str], references=None, n_bootstrap: int = 1) -> BLEUScore:
        """Corpus BLEU; ``references=None`` uses the constructor's references. ``n_bootstrap > 1`` adds mean/ci."""
        hypotheses = _check_hypotheses(hypotheses)
        if isinstance(n_bootstrap, bool) or not isinstance(n_bootstrap, (int, np.integer)) or n_bootstrap < 1:
            raise ValueError(f"n_bootstrap must be a positive int, got {n_bootstrap!r}")
        if references is not None:
            ref_cache = self._cache_references(references)
        elif self._ref_cache is not None:
            ref_cache = self._ref_cache
        else:
            raise RuntimeError("No references provided and the cache is empty.")
        stats = self._corpus_statistics(hypotheses, ref_cache)
        result = self._compute_score_from_stats([int(x) for x in stats.sum(axis=0)])
        if n_bootstrap > 1:
            self.n_bootstrap = int(n_bootstrap)
            result._set_ci(self._bootstrap_scores(stats, int(n_bootstrap)))
        return result

    def sentence_score(self, hypothesis: str, references: Sequence[str]) -> BLEUScore:
        """BLEU of one hypothesis against a list of reference strings (``None`` entries skipped)."""
        if not self.effective_order:
            logger.warning("It is recommended to enable `effective_order` for sentence-level BLEU.")
        check_text(hypothesis, "hypothesis")
        if isinstance(references, str) or not isinstance(references, Sequence):
            raise TypeError("references must be a list of reference strings (e.g. [ref] for one reference), got "
                            f"{type(references).__name__}")
        if not references:
            raise ValueError("references is empty: give at least one reference")
        ref_cache = self._cache_references([[ref] for ref in references])
        return self._compute_score_from_stats([int(x) for x in self._corpus_statistics([hypothesis], ref_cache)[0]])

    def get_signature(self) -> Signature:
        """The signature of the last evaluation (``ValueError`` before any)."""
        if self.num_refs is None:
            raise ValueError("Number of references unknown, please evaluate the metric first.")
        smooth = self.smooth_method
        if self.SMOOTH_DEFAULTS[smooth] is not None:
            smooth += f"[{self._smooth_value:.2f}]"
        return Signature({
            "nrefs": "var" if self.num_refs == -1 else self.num_refs, "bs": self.n_bootstrap, "ar": None,
            "seed": self.seed, "test": None, "lang": None, "origlang": None, "subset": None,
            "case": "lc" if self.lowercase else "mixed", "eff": "yes" if self.effective_order else "no",
            "tok": self.tokenizer_signature, "smooth": smooth, "version": VERSION,
        })


def corpus_bleu(hypotheses: Sequence[str], references, smooth_method: str = "exp", smooth_value=None,
                force: bool = False, lowercase: bool = False, tokenize: str = "13a",
                use_effective_order: bool = False) -> BLEUScore:
    """sacrebleu's ``corpus_bleu``: ``references`` is a list of streams, each parallel to ``hypotheses``."""
    metric = BLEU(lowercase=lowercase, force=force, tokenize=tokenize, smooth_method=smooth_method,
                  smooth_value=smooth_value, effective_order=use_effective_order)
    return metric.corpus_score(hypotheses, references)


def raw_corpus_bleu(hypotheses: Sequence[str], references, smooth_value=None) -> BLEUScore:
    """sacrebleu's ``raw_corpus_bleu``: no tokenization, floor smoothing (default 0.1), effective order, force."""
    return corpus_bleu(hypotheses, references, smooth_method="floor", smooth_value=smooth_value, force=True,
                       tokenize="none", use_effective_order=True)


def sentence_bleu(hypothesis: str, references: Sequence[str], smooth_method: str = "exp", smooth_value=None,
                  lowercase: bool = False, tokenize: str = "13a", use_effective_order: bool = True) -> BLEUScore:
    """sacrebleu's ``sentence_bleu``: one hypothesis, a list of reference strings."""
    metric = BLEU(lowercase=lowercase, force=False, tokenize=tokenize, smooth_method=smooth_method,
                  smooth_value=smooth_value, effective_order=use_effective_order)
    return metric.sentence_score(hypothesis, references)
