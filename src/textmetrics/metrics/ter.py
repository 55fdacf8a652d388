"""TER, translation edit rate (Snover et al., 2006), bit-identical to sacrebleu 2.6.0's ``TER``.

Layout: reference first, per segment, as ``textmetrics.bleu``: ``references[i]`` holds the reference (a str) or
references (a list of str; the number may vary per segment) of ``candidates[i]``. sacrebleu takes the transpose
(one stream per reference, ``None`` for a missing one); ``ter(refs, cands, ...)`` equals
``TER(...).corpus_score(cands, streams)`` when ``streams[k][i]`` is ``refs[i][k]`` (or ``None``).

Pipeline (statistics first):

1. each line is ``rstrip()``-ed and tokenized by ``tercom_tokenize`` (Tercom's normalizer as sacrebleu has it: by
   default only lowercasing, so punctuation stays attached to words), then split on whitespace. As in sacrebleu,
   references go through ``rstrip`` + ``tercom_tokenize`` twice, which matters with ``normalized``: the possessive
   rule fires on the second pass for ``'s`` before ``.``/``,`` (reference ``"Jim's."`` gives ``jim 's .``, the same
   hypothesis ``jim's .``);
2. each segment becomes ``[edits, mean reference length]`` (``ter_statistics``): the fewest edits (insertions,
   deletions, substitutions and block shifts, found by sacrebleu's greedy Tercom search with its beam, its shift
   ranking and its 1 000-candidate budget; see ``textmetrics.reference.ter``) over the segment's references, and the
   mean length of *all* its references;
3. a corpus is the sum of the rows (the lengths summed in segment order, as sacrebleu does), scored by
   ``ter_from_statistics``: ``100 * (edits / length)``, 100 when the length is 0 and edits are not, 0 when both
   are 0. TER can exceed 100.

Engine (``backend="numba"``, the default): the tokens are interned to integer ids in Python and a compiled pass
(``textmetrics.kernels.ter``) runs the whole search; ``backend="python"`` runs the plain reference. Both give the
same numbers.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..kernels import ter as kernels
from ..reference import ter as reference
from .. import validation
from ..signature import Signature
from ..validation import checked_options

References = str | Sequence[str]


@dataclass(frozen=True)
class TerScore:
    """A TER score and the numbers it was computed from (sacrebleu's ``TERScore`` fields).

    Attributes:
        score: TER on the 0-100 scale (it can exceed 100).
        num_edits: the summed edits.
        ref_length: the summed mean reference lengths (a float).
        signature: sacrebleu-style reproducibility signature.
    """

    score: float
    num_edits: int
    ref_length: float
    signature: str = ""

    name = "TER"

    def format(self, width: int = 2) -> str:
        """``TER = 16.67`` with ``width`` decimals."""
        return f"TER = {self.score:.{width}f}"

    def __str__(self) -> str:
        return self.format()


# --------------------------------------------------------------------------------------------- tokenizer
# Tercom's normalizer (sacrebleu's ``TercomTokenizer``), step by step. Steps that replace single characters are
# str.translate tables; the context-dependent ones are regular expressions.

_WESTERN_PUNCT = "{|}~[\\]^_` !\"#$%&()*+:;<=>?@/"  # 13a's set: not ' , - . ; the space is in it too
_SURROUND_WESTERN = str.maketrans({c: f" {c} " for c in _WESTERN_PUNCT})
_PERIOD_COMMA_AFTER_NON_DIGIT = re.compile(r"([^0-9])([.,])")
_PERIOD_COMMA_BEFORE_NON_DIGIT = re.compile(r"([.,])([^0-9])")
_DASH_AFTER_DIGIT = re.compile(r"([0-9])(-)")
# CJK ideographs and related blocks, split to single characters (four passes, as in Tercom)
_CJK_PASSES = [re.compile(p) for p in ("([\u4e00-\u9fff\u3400-\u4dbf])", "([\u31c0-\u31ef\u2e80-\u2eff])",
                                       "([\u3300-\u33ff\uf900-\ufaff\ufe30-\ufe4f])", "([\u3200-\u3f22])")]
_ASIAN_PUNCT = "\u3001\u3002" + "".join(map(chr, range(0x3008, 0x3012))) + "".join(map(chr, range(0x3014, 0x3020))) \
    + "".join(map(chr, range(0xFF61, 0xFF66))) + "\u30fb"
_FULL_WIDTH_PUNCT = "\uff0e\uff0c\uff1f\uff1a\uff1b\uff01\uff02\uff08\uff09"
_SURROUND_ASIAN_PUNCT = str.maketrans({c: f" {c} " for c in _ASIAN_PUNCT + _FULL_WIDTH_PUNCT})
_DELETE_PUNCT = str.maketrans(dict.fromkeys('.,?:;!"()'))
_DELETE_ASIAN_PUNCT = str.maketrans(dict.fromkeys(_ASIAN_PUNCT + _FULL_WIDTH_PUNCT))


def _normalize_western(text: str) -> str:
    text = text.replace("\n-", "").replace("\n", " ")  # end-of-line hyphenation, then line joins
    for escaped, char in (("&quot;", '"'), ("&amp;", "&"), ("&lt;", "<"), ("&gt;", ">")):
        text = text.replace(escaped, char)
    text = f" {text} ".translate(_SURROUND_WESTERN)
    text = text.replace("'s ", " 's ")  # possessive; never before "." or "," (split only below)
    text = _PERIOD_COMMA_AFTER_NON_DIGIT.sub(r"\1 \2 ", text)
    text = _PERIOD_COMMA_BEFORE_NON_DIGIT.sub(r" \1 \2", text)
    return _DASH_AFTER_DIGIT.sub(r"\1 \2 ", text)


def _normalize_asian(text: str) -> str:
    for pattern in _CJK_PASSES:
        text = pattern.sub(r" \1 ", text)
    # Tercom's rules for runs of Hiragana/Katakana are anchored at the start of the string, which is always the
    # padding space by now: they never match (in sacrebleu 2.6.0 either), so they are not repeated here.
    return text.translate(_SURROUND_ASIAN_PUNCT)


@lru_cache(maxsize=1 << 16)
def tercom_tokenize(text: str, normalized: bool = False, no_punct: bool = False, asian_support: bool = False,
                    case_sensitive: bool = False) -> str:
    """sacrebleu 2.6.0's ``TercomTokenizer(normalized, no_punct, asian_support, case_sensitive)(text)``.

    In order: lowercase unless ``case_sensitive``; if ``normalized``, Tercom's Western normalization (line joins,
    XML unescaping of ``&quot; &amp; &lt; &gt;``, 13a-style punctuation splitting, possessive ``'s``) and, with
    ``asian_support``, CJK splitting; if ``no_punct``, delete ``. , ? : ; ! " ( )`` (and, with ``asian_support``,
    CJK and full-width punctuation); finally collapse whitespace. ``asian_support`` alone changes nothing.
    """
    if not text:
        return ""
    if not case_sensitive:
        text = text.lower()
    if normalized:
        text = _normalize_western(text)
        if asian_support:
            text = _normalize_asian(text)
    if no_punct:
        text = text.translate(_DELETE_PUNCT)
        if asian_support:
            text = text.translate(_DELETE_ASIAN_PUNCT)
    return " ".join(text.split())


def _tokens(lines: list[str], flags: tuple[bool, bool, bool, bool], reference: bool = False) -> list[list[str]]:
    """Tokens of hypothesis lines, or of reference lines (``reference``), as sacrebleu's TER gets them.

    sacrebleu 2.6.0 preprocesses a reference twice (``_cache_references`` runs ``_preprocess_segment``, then
    ``_extract_reference_info`` runs it again on the result) and a hypothesis once. The normalizer is not idempotent:
    ``'s`` before ``.`` or ``,`` is split off only on the second pass, so with ``normalized`` a reference
    ``"Jim's."`` becomes ``jim 's .`` but the same hypothesis ``jim's .`` (TER 66.67 against itself). Lowercasing
    and whitespace collapsing are idempotent (``str.lower`` is, code point by code point, and the only contextual
    rule, final sigma, needs a capital sigma), so the fast path below tokenizes once.
    """
    normalized, no_punct, _, case_sensitive = flags
    if not (normalized or no_punct):  # asian_support alone does nothing: lowercasing and whitespace only
        if case_sensitive:
            return [line.split() for line in lines]
        return [line.rstrip().lower().split() for line in lines]
    passes = 2 if reference else 1
    out = []
    for line in lines:
        for _ in range(passes):
            line = tercom_tokenize(line.rstrip(), *flags)
        out.append(line.split())
    return out


# ---------------------------------------------------------------------------------------------- statistics

def _check_flags(normalized, no_punct, asian_support, case_sensitive) -> tuple[bool, bool, bool, bool]:
    return (validation.check_bool("normalized", normalized), validation.check_bool("no_punct", no_punct),
            validation.check_bool("asian_support", asian_support),
            validation.check_bool("case_sensitive", case_sensitive))


def _statistics(references: list[list[str]], candidates: list[str], flags, backend: str) -> np.ndarray:
    hypotheses = _tokens(candidates, flags)
    counts = [len(refs) for refs in references]
    flat = _tokens([r for refs in references for r in refs], flags, reference=True)
    grouped, start = [], 0
    for count in counts:
        grouped.append(flat[start:start + count])
        start += count
    module = kernels if backend == "numba" else reference
    return module.corpus_statistics(grouped, hypotheses)


@checked_options
def ter_statistics(references: Sequence[References], candidates: Sequence[str], *, normalized: bool = False,
                   no_punct: bool = False, asian_support: bool = False, case_sensitive: bool = False,
                   backend: str = "numba") -> np.ndarray:
    """Per-segment TER statistics (sacrebleu's ``_extract_corpus_statistics``).

    Args:
        references: ``references[i]`` is the reference (str) or references (list of str) of ``candidates[i]``.
        candidates: one string per segment.
        normalized, no_punct, asian_support, case_sensitive: as in ``ter``.
        backend: ``"numba"`` (compiled kernel) or ``"python"`` (reference implementation); same numbers.

    Returns:
        float64 array of shape ``(n_segments, 2)``; row i is ``[edits, mean reference length]`` (edits is a whole
        number: the fewest over the segment's references).

    Raises:
        TypeError: non-str candidate or reference, non-bool option.
        ValueError: lengths differ, a segment without references.
    """
    flags = _check_flags(normalized, no_punct, asian_support, case_sensitive)
    backend = validation.check_backend(backend)
    references, candidates = validation.check_corpus(references, candidates, "sentence_ter", allow_empty=True)
    return _statistics(references, candidates, flags, backend)


# ----------------------------------------------------------------------------------- statistics -> score

def _signature(nrefs, normalized, no_punct, asian_support, case_sensitive) -> Signature:
    case = None if case_sensitive is None else ("mixed" if case_sensitive else "lc")
    return Signature.of([("nrefs", nrefs), ("case", case), ("tok", "tercom"), ("norm", normalized),
                         ("punct", None if no_punct is None else not no_punct), ("asian", asian_support)])


@checked_options
def ter_from_statistics(statistics, *, nrefs: int | str | None = None, normalized: bool | None = None,
                        no_punct: bool | None = None, asian_support: bool | None = None,
                        case_sensitive: bool | None = None) -> TerScore:
    """Score TER statistics (sacrebleu's ``TER._compute_score_from_stats``).

    Args:
        statistics: one pair ``[edits, reference length]`` (already summed), or a 2-D array of per-segment rows
            (``ter_statistics`` output, or several shards stacked), which is summed in row order: edits as integers,
            the lengths as a sequential float sum, exactly as sacrebleu adds them.
        nrefs, normalized, no_punct, asian_support, case_sensitive: only fill in the signature (fields left None are
            omitted).

    Returns:
        TerScore.

    Raises:
        TypeError: non-numeric statistics.
        ValueError: wrong shape, negative or non-finite numbers, fractional edits.
    """
    for name, value in (("normalized", normalized), ("no_punct", no_punct), ("asian_support", asian_support),
                        ("case_sensitive", case_sensitive)):
        if value is not None:
            validation.check_bool(name, value)
    stats = np.asarray(statistics)
    if stats.dtype == object or not (np.issubdtype(stats.dtype, np.number) and not np.issubdtype(stats.dtype,
                                                                                                   np.complexfloating)):
        raise TypeError(f"statistics must be numbers, got dtype {stats.dtype}")
    if stats.ndim == 1:
        stats = stats.reshape(1, -1)
    if stats.ndim != 2 or stats.shape[1] != 2:
        raise ValueError(f"statistics must be [edits, reference length] pairs, got shape {np.shape(statistics)}")
    validation.check_not_empty(stats.shape[0], "statistics rows")
    stats = stats.astype(np.float64)
    if not np.all(np.isfinite(stats)) or np.any(stats < 0):
        raise ValueError("statistics must be finite and non-negative")
    if np.any(stats[:, 0] != np.floor(stats[:, 0])):
        raise ValueError("edits (the first column) must be whole numbers")
    edits = int(sum(int(e) for e in stats[:, 0].tolist()))
    total = 0
    for value in stats[:, 1].tolist():
        total += value  # sequential, in row order (sacrebleu's sum_of_lists)
    length = float(total)
    return TerScore(float(reference.score(edits, length)), edits, length,
                    _signature(nrefs, normalized, no_punct, asian_support, case_sensitive))


# -------------------------------------------------------------------------------------------- the metric

@checked_options
def ter(references: Sequence[References], candidates: Sequence[str], *, normalized: bool = False,
        no_punct: bool = False, asian_support: bool = False, case_sensitive: bool = False,
        backend: str = "numba") -> TerScore:
    """Corpus TER, bit-identical to sacrebleu 2.6.0's ``TER(...).corpus_score``.

    Args:
        references: ``references[i]`` is the reference (str) or references (list of str) of ``candidates[i]``;
            the number of references may vary per segment.
        candidates: one string per segment.
        normalized: Tercom normalization and punctuation tokenization.
        no_punct: delete ``. , ? : ; ! " ( )`` (even inside tokens: ``3.14`` becomes ``314``).
        asian_support: CJK splitting (with ``normalized``) and CJK punctuation removal (with ``no_punct``); no effect
            alone, but shown in the signature.
        case_sensitive: do not lowercase.
        backend: ``"numba"`` or ``"python"``.

    Returns:
        TerScore (score on the 0-100 scale; lower is better).

    Raises:
        TypeError: non-str candidate or reference, non-bool option.
        ValueError: lengths differ, empty corpus, a segment without references.

    Example:
        >>> print(ter([["The cat is on the mat."]], ["The cat sat on the mat."]).score)
        16.666666666666664
    """
    flags = _check_flags(normalized, no_punct, asian_support, case_sensitive)
    backend = validation.check_backend(backend)
    references, candidates = validation.check_corpus(references, candidates, "sentence_ter")
    stats = _statistics(references, candidates, flags, backend)
    return ter_from_statistics(stats, nrefs=validation.nrefs(references), normalized=flags[0], no_punct=flags[1],
                               asian_support=flags[2], case_sensitive=flags[3])


@checked_options(renamed={"references": "ref", "candidate": "cand"})
def sentence_ter(ref: References, cand: str, *, normalized: bool = False, no_punct: bool = False,
                 asian_support: bool = False, case_sensitive: bool = False, backend: str = "numba") -> TerScore:
    """TER of one candidate (sacrebleu's ``sentence_score``: a one-segment corpus).

    Args:
        ref: the reference (str) or references (list of str).
        cand: the candidate string.
        normalized, no_punct, asian_support, case_sensitive, backend: as in ``ter``.

    Example:
        >>> print(sentence_ter(["a b c d e f g h", "a b x"], "a b c").score)
        18.181818181818183
    """
    validation.check_text(cand, "cand")
    references = validation.check_references(ref, "ref")
    return ter([references], [cand], normalized=normalized, no_punct=no_punct, asian_support=asian_support,
               case_sensitive=case_sensitive, backend=backend)


def warmup() -> None:
    """Compile (or load from Numba's cache) the kernels behind ``ter``, so that the first real call does not pay."""
    ter([["a b c d", ""]], ["d a b c"])
