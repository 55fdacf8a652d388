"""sacrebleu 2.6.0's ``sacrebleu.metrics.bleu``: ``BLEU``, ``BLEUScore``, ``BLEUSignature``, ``MAX_NGRAM_ORDER``.

Statistics come from textmetrics' BLEU engine (``textmetrics.BleuScorer``: tokenization, n-gram counting and
reference caching), scores from ``BLEU.compute_bleu``, which checks sacrebleu's options and runs textmetrics' one
BLEU formula (``textmetrics.metrics.bleu_score.compute_bleu``): sacrebleu's floating-point operations in sacrebleu's
order on whatever numbers it is given: Python ints for a corpus, the float32 sums sacrebleu's bootstrap
resampling produces, the int64 rows of its approximate randomization. So every score, precision and bootstrap
interval is sacrebleu's, bit for bit.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Optional

import numpy as np

from .... import BleuScorer, bleu_tokenize
from ....bleu_tokenizers import BLEU_TOKENIZERS
from ....metrics.bleu_score import compute_bleu
from .base import (  # noqa: F401
    CompatAssertionError,
    Metric,
    Score,
    Signature,
    _check_bool,
    _check_hypotheses,
    _check_streams,
    sacrelogger,
)

__all__ = ["BLEU", "BLEUScore", "BLEUSignature", "MAX_NGRAM_ORDER"]

MAX_NGRAM_ORDER = 4

# sacrebleu's tokenizers that need packages or models textmetrics does not ship.
_UNSUPPORTED_TOKENIZERS = {
    "ja-mecab": "needs MeCab", "ko-mecab": "needs MeCab-ko", "spm": "needs a SentencePiece model",
    "flores101": "needs a SentencePiece model", "flores200": "needs a SentencePiece model",
    "spBLEU-1K": "needs a SentencePiece model",
}


class BleuTokenizer:
    """``BLEU.tokenizer``: ``tokenizer(line) -> tokenized line`` and ``signature()``, as sacrebleu's tokenizers."""

    def __init__(self, name: str):
        self.name = name

    def signature(self) -> str:
        return self.name

    def __call__(self, line: str) -> str:
        return bleu_tokenize(line, tokenizer=self.name)

    def __repr__(self) -> str:
        return f"BleuTokenizer({self.name!r})"


class BLEUSignature(Signature):
    """BLEU's signature: ``nrefs``, ``case``, ``eff``, ``tok``, ``smooth`` (with its value), ``version``."""

    def __init__(self, args: dict):
        super().__init__(args)
        self._abbr.update({"case": "c", "eff": "e", "tok": "tok", "smooth": "s"})
        smooth = args["smooth_method"]
        default = BLEU.SMOOTH_DEFAULTS[smooth]
        if default is not None:
            value = args["smooth_value"]
            smooth += f"[{(default if value is None else value):.2f}]"
        self.info.update({"case": "lc" if args["lowercase"] else "mixed",
                          "eff": "yes" if args["effective_order"] else "no",
                          "tok": args["tokenizer_signature"], "smooth": smooth})


class BLEUScore(Score):
    """A BLEU score: ``score`` (0-100), ``counts``, ``totals``, ``precisions``, ``bp``, ``sys_len``, ``ref_len``,
    ``ratio``, ``prec_str``; ``format()`` and ``str()`` as sacrebleu's."""

    def __init__(self, score: float, counts, totals, precisions, bp: float, sys_len: int, ref_len: int):
        super().__init__("BLEU", score)
        self.bp = bp
        self.counts = counts
        self.totals = totals
        self.sys_len = sys_len
        self.ref_len = ref_len
        self.precisions = precisions

    # computed on demand: resampling creates thousands of scores nobody prints
    @property
    def prec_str(self) -> str:
        return "/".join(f"{p:.1f}" for p in self.precisions)

    @property
    def ratio(self):
        return self.sys_len / self.ref_len if self.ref_len else 0

    @property
    def _verbose(self) -> str:
        return (f"{self.prec_str} (BP = {self.bp:.3f} ratio = {self.ratio:.3f} hyp_len = {self.sys_len:d} "
                f"ref_len = {self.ref_len:d})")


def _check_max_order(max_order) -> int:
    if isinstance(max_order, bool) or not isinstance(max_order, (int, np.integer)):
        raise TypeError(f"max_ngram_order (max_order) must be an int, got {type(max_order).__name__}")
    if max_order < 1:
        raise ValueError(f"max_ngram_order (max_order) must be >= 1, got {max_order}")
    return int(max_order)


def _check_smooth_value(smooth_method: str, smooth_value):
    if BLEU.SMOOTH_DEFAULTS[smooth_method] is None or smooth_value is None:
        return smooth_value  # exp and none take no value (sacrebleu ignores one); None: the default
    if isinstance(smooth_value, bool) or not isinstance(smooth_value, (int, float, np.integer, np.floating)):
        raise TypeError(f"smooth_value must be a number, got {type(smooth_value).__name__}")
    if not smooth_value >= 0:
        raise ValueError(f"smooth_value must be >= 0, got {smooth_value!r}")
    return smooth_value


class BLEU(Metric):
    """sacrebleu's ``BLEU`` metric: ``corpus_score``, ``sentence_score``, ``get_signature``, ``compute_bleu``."""

    SMOOTH_DEFAULTS = {"none": None, "floor": 0.1, "add-k": 1, "exp": None}
    TOKENIZERS = tuple(BLEU_TOKENIZERS)
    TOKENIZER_DEFAULT = "13a"
    _TOKENIZER_MAP = {"zh": "zh", "ja": "ja-mecab", "ko": "ko-mecab"}
    _LANGUAGE_ADVICE = {"zh": ("zh", "Consider using the 'zh' or 'spm' tokenizer for Chinese."),
                        "ja": ("ja-mecab", "Consider using the 'ja-mecab' or 'spm' tokenizer for Japanese."),
                        "ko": ("ko-mecab", "Consider using the 'ko-mecab' or 'spm' tokenizer for Korean.")}
    _SIGNATURE_TYPE = BLEUSignature

    def __init__(self, lowercase: bool = False, force: bool = False, tokenize: Optional[str] = None,
                 smooth_method: str = "exp", smooth_value: Optional[float] = None,
                 max_ngram_order: int = MAX_NGRAM_ORDER, effective_order: bool = False, trg_lang: str = "",
                 references=None):
        super().__init__()
        self._force = _check_bool("force", force)
        self.trg_lang = trg_lang
        self.lowercase = _check_bool("lowercase", lowercase)
        if not isinstance(smooth_method, str) or smooth_method not in self.SMOOTH_DEFAULTS:
            raise CompatAssertionError(f"unknown smooth_method {smooth_method!r}; choose one of "
                                       f"{list(self.SMOOTH_DEFAULTS)}")
        self.smooth_method = smooth_method
        self.smooth_value = _check_smooth_value(smooth_method, smooth_value)
        self.max_ngram_order = _check_max_order(max_ngram_order)
        self.effective_order = _check_bool("effective_order", effective_order)
        if tokenize is None:
            tokenize = self._TOKENIZER_MAP.get(trg_lang, self.TOKENIZER_DEFAULT)
        elif trg_lang in self._LANGUAGE_ADVICE and tokenize != self._LANGUAGE_ADVICE[trg_lang][0]:
            sacrelogger.warning(self._LANGUAGE_ADVICE[trg_lang][1])
        if tokenize in _UNSUPPORTED_TOKENIZERS:
            raise ValueError(f"sacrebleu's {tokenize!r} tokenizer {_UNSUPPORTED_TOKENIZERS[tokenize]}, which "
                             f"textmetrics does not provide; supported: {list(BLEU_TOKENIZERS)}")
        if not isinstance(tokenize, str) or tokenize not in BLEU_TOKENIZERS:
            raise ValueError(f"unknown tokenizer {tokenize!r}; choose one of {list(BLEU_TOKENIZERS)}")
        self.tokenizer = BleuTokenizer(tokenize)
        self.tokenizer_signature = self.tokenizer.signature()
        if references is not None:
            self._ref_cache = self._cache_references(references)

    # ------------------------------------------------------------------------------------------- scoring

    @staticmethod
    def compute_bleu(correct, total, sys_len, ref_len, smooth_method: str = "none", smooth_value=None,
                     effective_order: bool = False, max_ngram_order: int = MAX_NGRAM_ORDER) -> BLEUScore:
        """BLEU from summed statistics: matches and totals per order, hypothesis and reference lengths.

        Smoothing of the orders without a match: ``none``, ``floor`` (``smooth_value``, default 0.1, over the
        total), ``add-k`` (``smooth_value``, default 1, added to the matches and totals of every order >= 2, as
        the returned ``counts``/``totals`` show) and ``exp`` (the k-th such order gets ``1 / 2**k``, NIST); no match
        of any order scores 0. ``effective_order`` uses only the leading orders whose totals are non-zero.
        """
        if smooth_method not in BLEU.SMOOTH_DEFAULTS:
            raise CompatAssertionError(f"unknown smooth_method {smooth_method!r}; choose one of "
                                       f"{list(BLEU.SMOOTH_DEFAULTS)}")
        if smooth_value is None:
            smooth_value = BLEU.SMOOTH_DEFAULTS[smooth_method]
        score, correct, total, precisions, bp = compute_bleu(correct, total, sys_len, ref_len, smooth_method,
                                                             smooth_value, effective_order, max_ngram_order)
        return BLEUScore(score, correct, total, precisions, bp, sys_len, ref_len)

    @property
    def _integral_smoothing(self) -> bool:
        if self.smooth_method != "add-k":
            return True
        value = self.SMOOTH_DEFAULTS["add-k"] if self.smooth_value is None else self.smooth_value
        return float(value).is_integer()  # type: ignore[arg-type]  # add-k always has a default

    def _compute_score_from_stats(self, stats) -> BLEUScore:
        """The score of summed statistics ``[sys_len, ref_len, matches_1..N, totals_1..N]``."""
        n = self.max_ngram_order
        if isinstance(stats, np.ndarray) and stats.dtype.kind in "iu" and self._integral_smoothing:
            # an integer row (the randomization test's) as Python ints: the same numbers, computed faster; not with
            # a fractional add-k value, which sacrebleu adds to the int64 row in place, truncating it
            stats = stats.tolist()
        return self.compute_bleu(stats[2:2 + n], stats[2 + n:], int(stats[0]), int(stats[1]),
                                 smooth_method=self.smooth_method, smooth_value=self.smooth_value,
                                 effective_order=self.effective_order, max_ngram_order=n)

    # ------------------------------------------------------------------------------------------ statistics

    def _preprocess_segment(self, sent: str) -> str:
        """A line as BLEU sees it: lowercased if asked, ``rstrip()``-ed, tokenized."""
        if self.lowercase:
            sent = sent.lower()
        return self.tokenizer(sent.rstrip())

    def _cache_references(self, references) -> BleuScorer:
        """The references tokenized and counted once (``textmetrics.BleuScorer``); sets ``num_refs``."""
        segments = _check_streams(references)
        counts = {len(refs) for refs in segments}
        self.num_refs = counts.pop() if len(counts) == 1 else -1
        return BleuScorer(segments, max_order=self.max_ngram_order, tokenizer=self.tokenizer_signature,
                          lowercase=self.lowercase)

    def _extract_corpus_statistics(self, hypotheses, references) -> list[list[int]]:
        """Per-segment ``[hyp_len, ref_len, matches_1..N, totals_1..N]`` (Python ints), as sacrebleu's."""
        hypotheses = _check_hypotheses(hypotheses)
        scorer = self._references_or_cache(references)
        if len(hypotheses) != len(scorer):
            raise ValueError(f"{len(hypotheses)} hypotheses but the reference streams have {len(scorer)} "
                             "segments: they must be parallel")
        if not self._force and sum(h.endswith(" .") for h in hypotheses) >= 100:
            sacrelogger.warning("That's 100 lines that end in a tokenized period ('.')")
            sacrelogger.warning("It looks like you forgot to detokenize your test data, which may hurt your score.")
            sacrelogger.warning("If you insist your data is detokenized, or don't care, you can suppress this "
                                "message with the `force` parameter.")
        return scorer.statistics(hypotheses).tolist()

    def sentence_score(self, hypothesis: str, references: Sequence[str]) -> BLEUScore:
        """BLEU of one hypothesis against a list of reference strings (``None`` entries skipped)."""
        if not self.effective_order:
            sacrelogger.warning("It is recommended to enable `effective_order` for sentence-level BLEU.")
        return super().sentence_score(hypothesis, references)
