"""BLEU tokenizers: sacrebleu 2.6.0's ``13a``, ``intl``, ``char``, ``zh`` and ``none``, reproduced exactly.

``bleu_tokenize(text, tokenizer=...)`` returns the tokenized line as one string, tokens separated by single spaces,
exactly as sacrebleu's tokenizer object returns it; BLEU then splits it with ``str.split()``. The BLEU metric
itself (``textmetrics.metrics.bleu``) lowercases (optionally) and ``rstrip()``s a line *before* tokenizing it, as
sacrebleu's ``BLEU._preprocess_segment`` does; ``bleu_tokenize`` does neither.

* ``13a`` (mteval-v13a, sacrebleu's default): drop ``<skipped>``, join ``-\\n`` hyphenations, turn the remaining
  newlines into spaces, unescape ``&quot; &amp; &lt; &gt;`` (in that order, only when the line contains ``&``),
  pad the line with one space on each side, then apply the four mteval rules below and collapse whitespace.
  The padding matters: it makes ``"end 2019."`` end in ``2019 .``.
* the four mteval rules, each one left-to-right, non-overlapping ``re.sub`` pass, in this order:

  1. space around every ASCII character in ``{|}~[\\]^_``, backquote, space, ``!"#$%&()*+:;<=>?@/`` (never around
     ``'``, ``,``, ``-``, ``.``, digits or letters);
  2. ``.`` or ``,`` preceded by a non-digit: ``X.`` -> ``X . `` (the pair is consumed, so ``a...b`` splits fully
     only through rule 3);
  3. ``.`` or ``,`` followed by a non-digit: ``.X`` -> `` . X``;
  4. ``-`` preceded by a digit: ``5-`` -> ``5 - `` (``a-b`` stays one token).

  "Digit" means the ASCII ``0-9`` only.
* ``intl`` (mteval-v14 ``--international-tokenization``): no padding, no unescaping; split punctuation ``\\p{P}``
  off when preceded by a non-number ``\\P{N}``, then when followed by a non-number, then split every symbol
  ``\\p{S}``. Number-adjacent punctuation stays, so ``"end 2019."`` keeps ``2019.`` (a known mteval-v14 quirk).
  This needs the third-party ``regex`` module (the Unicode property classes, at regex's Unicode version); it is
  imported the first time ``intl`` is used.
* ``char``: every code point becomes a token (whitespace disappears when BLEU splits the result).
* ``zh``: ``strip()``, space around every "Chinese" character, then the four mteval rules (no padding, no
  unescaping). sacrebleu's range table writes four supplementary-plane bounds as ``u'\\u20000'`` and the like,
  which Python reads as two characters (``'\\u2000' + '0'``). Compared as strings, they make the table cover
  U+2001..U+2A6D (general punctuation such as the quotes “ ” „ and dashes – —, currency signs, arrows, math,
  box drawing...) and U+2F81..U+2FA1 (already inside the Kangxi radicals), and leave CJK Extension B
  (U+20000..U+2A6D6) and the compatibility supplement (U+2F800..U+2FA1D) out. ``_ZH_RANGES`` states the ranges
  the table effectively covers, so the tokenizer is character-for-character sacrebleu's.
* ``none``: the line unchanged.

Each tokenizer memoizes its last 2**16 distinct lines (``functools.lru_cache``), like sacrebleu.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable

from .validation import check_text, checked_options

BLEU_TOKENIZERS = ("13a", "intl", "char", "zh", "none")

_CACHE_SIZE = 2**16

# The mteval rules shared by 13a and zh, in the order they run.
_ALWAYS_SPLIT = "{|}~[\\]^_` !\"#$%&()*+:;<=>?@/"
_MTEVAL_RULES = (
    (re.compile("([" + re.escape(_ALWAYS_SPLIT) + "])"), r" \1 "),
    (re.compile(r"([^0-9])([.,])"), r"\1 \2 "),
    (re.compile(r"([.,])([^0-9])"), r" \1 \2"),
    (re.compile(r"([0-9])(-)"), r"\1 \2 "),
)

# The code points sacrebleu's zh tokenizer treats as Chinese, as (first, last) inclusive ranges, in its table
# order. The two marked ranges are what its mistyped supplementary-plane entries actually cover (see above).
_ZH_RANGES = (
    (0x3400, 0x4DB5),  # CJK Unified Ideographs Extension A
    (0x4E00, 0x9FA5),  # CJK Unified Ideographs
    (0x9FA6, 0x9FBB),  # CJK Unified Ideographs, Unicode 4.1 additions
    (0xF900, 0xFA2D),  # CJK Compatibility Ideographs
    (0xFA30, 0xFA6A),  # CJK Compatibility Ideographs, Unicode 3.2 additions
    (0xFA70, 0xFAD9),  # CJK Compatibility Ideographs, Unicode 4.1 additions
    (0x2001, 0x2A6D),  # meant CJK Extension B, U+20000..U+2A6D6 (table bug)
    (0x2F81, 0x2FA1),  # meant CJK Compatibility Supplement, U+2F800..U+2FA1D (table bug)
    (0xFF00, 0xFFEF),  # Halfwidth and Fullwidth Forms
    (0x2E80, 0x2EFF),  # CJK Radicals Supplement
    (0x3000, 0x303F),  # CJK Symbols and Punctuation
    (0x31C0, 0x31EF),  # CJK Strokes
    (0x2F00, 0x2FDF),  # Kangxi Radicals
    (0x2FF0, 0x2FFF),  # Ideographic Description Characters
    (0x3100, 0x312F),  # Bopomofo
    (0x31A0, 0x31BF),  # Bopomofo Extended
    (0xFE10, 0xFE1F),  # Vertical Forms
    (0xFE30, 0xFE4F),  # CJK Compatibility Forms
    (0x2600, 0x26FF),  # Miscellaneous Symbols
    (0x2700, 0x27BF),  # Dingbats
    (0x3200, 0x32FF),  # Enclosed CJK Letters and Months
    (0x3300, 0x33FF),  # CJK Compatibility
)
_ZH_CHAR = re.compile("([" + "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in _ZH_RANGES) + "])")


def _mteval_rules(line: str) -> str:
    for pattern, replacement in _MTEVAL_RULES:
        line = pattern.sub(replacement, line)
    return " ".join(line.split())


@lru_cache(maxsize=_CACHE_SIZE)
def _tokenize_13a(line: str) -> str:
    line = line.replace("<skipped>", "").replace("-\n", "").replace("\n", " ")
    if "&" in line:
        line = line.replace("&quot;", '"').replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    return _mteval_rules(f" {line} ")


@lru_cache(maxsize=1)
def _intl_rules():
    import regex  # a core dependency (pyproject.toml); imported on the first 'intl' call only

    return (
        (regex.compile(r"(\P{N})(\p{P})"), r"\1 \2 "),
        (regex.compile(r"(\p{P})(\P{N})"), r" \1 \2"),
        (regex.compile(r"(\p{S})"), r" \1 "),
    )


@lru_cache(maxsize=_CACHE_SIZE)
def _tokenize_intl(line: str) -> str:
    for pattern, replacement in _intl_rules():
        line = pattern.sub(replacement, line)
    return " ".join(line.split())


@lru_cache(maxsize=_CACHE_SIZE)
def _tokenize_char(line: str) -> str:
    return " ".join(line)


@lru_cache(maxsize=_CACHE_SIZE)
def _tokenize_zh(line: str) -> str:
    return _mteval_rules(_ZH_CHAR.sub(r" \1 ", line.strip()))


def _tokenize_none(line: str) -> str:
    return line


_TOKENIZE: dict[str, Callable[[str], str]] = {
    "13a": _tokenize_13a,
    "intl": _tokenize_intl,
    "char": _tokenize_char,
    "zh": _tokenize_zh,
    "none": _tokenize_none,
}


def check_bleu_tokenizer(tokenizer) -> str:
    """``tokenizer`` if it names a BLEU tokenizer, else ``ValueError`` listing the choices."""
    if not isinstance(tokenizer, str) or tokenizer not in _TOKENIZE:
        raise ValueError(f"unknown BLEU tokenizer {tokenizer!r}; choose one of {list(BLEU_TOKENIZERS)}")
    return tokenizer


@checked_options
def bleu_tokenize(text: str, *, tokenizer: str = "13a") -> str:
    """Tokenize one line exactly like sacrebleu 2.6.0's tokenizer of the same name.

    Args:
        text: the line.
        tokenizer: ``"13a"`` (default), ``"intl"``, ``"char"``, ``"zh"`` or ``"none"``.

    Returns:
        The tokens joined by single spaces (``"none"`` returns ``text`` unchanged).

    Raises:
        TypeError: ``text`` is not a str.
        ValueError: unknown tokenizer.

    Example:
        >>> bleu_tokenize("The U.S.A. won 1,000.5 points in 5-6 games (end 2019).")
        'The U . S . A . won 1,000.5 points in 5 - 6 games ( end 2019 ) .'
        >>> bleu_tokenize("It's the end 2019.", tokenizer="intl")
        "It ' s the end 2019."
    """
    check_text(text, "text")
    return _TOKENIZE[check_bleu_tokenizer(tokenizer)](text)
