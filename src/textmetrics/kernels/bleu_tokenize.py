"""sacrebleu's ``13a``, ``none`` and ``char`` tokenizers, compiled, with interning of the tokens to integer ids.

Mirrors ``textmetrics.bleu_tokenizers.bleu_tokenize(line, tokenizer).split()`` token for token. Many lines go
through one compiled call, as UTF-32 code points back to back (``encode_lines``): line i is
``code_points[starts[i]:stops[i]]``.

``13a``: sacrebleu's string replacements (``REPLACEMENTS_13A``: drop ``<skipped>``, join ``-\\n``, turn newlines
into spaces, unescape four entities), each a literal left-to-right replacement like ``str.replace``; then the line is
padded with a space on each side and goes through the four mteval rules, each one left-to-right scan that, like
``re.sub``, replaces the leftmost match and resumes after it (matches never overlap); every rule matches exactly two
code points, or one for rule 1:

1. a code point of ``SPLIT`` (ASCII punctuation and the space) ``c`` -> `` c ``;
2. non-digit ``x`` then ``.`` or ``,`` ``p`` -> ``x p `` (the pair is consumed);
3. ``.`` or ``,`` ``p`` then non-digit ``x`` -> `` p x`` (space, p, space, x);
4. digit ``d`` then ``-`` -> ``d - ``;

("digit" is ASCII ``0-9`` only, as in the patterns), and finally splits on Python's whitespace (``str.split()``:
the code points of ``WHITESPACE``). ``none`` only splits; ``char`` makes every non-whitespace code point a token.

Interning (``TokenVocabulary``): one open-addressing hash table maps each distinct token to an id (0, 1, 2, ... in
order of first appearance); a slot holds a 31-bit hash of the token and its id. The vocabulary stores each token's
code points, and a lookup whose hash matches compares them, so equal ids mean equal tokens, never merely equal
hashes. ``encode(..., insert=False)`` only looks tokens up and gives unknown ones the id -1 (what BLEU needs for
candidates scored against a fixed set of references).
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from .engine import K, njit

from ..bleu_tokenizers import _ALWAYS_SPLIT

MODES = {"13a": 0, "none": 1, "char": 2}
UNKNOWN = -1

# What str.split() splits on (Py_UNICODE_ISSPACE); tests/test_bleu_fast_tokenize.py checks it over all code points.
WHITESPACE = (0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x1F, 0x20, 0x85, 0xA0, 0x1680,
              *range(0x2000, 0x200B), 0x2028, 0x2029, 0x202F, 0x205F, 0x3000)
_MAX_WHITESPACE = max(WHITESPACE)
IS_SPACE = np.zeros(_MAX_WHITESPACE + 1, dtype=np.bool_)
IS_SPACE[list(WHITESPACE)] = True

# Rule 1's character class, as a table over ASCII.
SPLIT = np.zeros(128, dtype=np.bool_)
SPLIT[[ord(c) for c in _ALWAYS_SPLIT]] = True

_SPACE, _COMMA, _HYPHEN, _PERIOD, _ZERO, _NINE = 0x20, 0x2C, 0x2D, 0x2E, 0x30, 0x39
_NEWLINE, _AMPERSAND, _LESS = 0x0A, 0x26, 0x3C
_EMPTY = -1
_LOW_31 = 0x7FFFFFFF
_MAX_TYPES = 2**31 - 1  # an id must fit a slot's lower 31 bits
_FNV_OFFSET = np.uint64(0xCBF29CE484222325)
_FNV_PRIME = np.uint64(0x100000001B3)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
# The rules only insert spaces: 2 around a SPLIT code point, 2 + 2 for a "." or "," (rules 2 and 3 each match it at
# most once), 2 for a "-". So no padded line grows past 5 code points per code point, nor does any pass's output.
_EXPANSION = 5


# ---------------------------------------------------------------------------------------------- Python side

def _code_points(text: str) -> np.ndarray:
    # surrogatepass: a str may hold lone surrogates; each is still one code point, as len() counts it
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def encode_lines(lines: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(code_points, starts, stops)``: the lines back to back, line i being ``code_points[starts[i]:stops[i]]``."""
    offsets = np.zeros(len(lines) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, lines), dtype=np.int64, count=len(lines)), out=offsets[1:])
    return _code_points("".join(lines)), offsets[:-1], offsets[1:]


# sacrebleu's 13a string replacements, in order (bleu_tokenizers._tokenize_13a; the last four run only on a line with
# a "&", which is what skipping a replacement that cannot match amounts to).
REPLACEMENTS_13A = (("<skipped>", ""), ("-\n", ""), ("\n", " "),
                    ("&quot;", '"'), ("&amp;", "&"), ("&lt;", "<"), ("&gt;", ">"))
# all of them back to back: pair k is (_REPLACEMENT_TEXT[o[2k]:o[2k + 1]], _REPLACEMENT_TEXT[o[2k + 1]:o[2k + 2]])
_REPLACEMENT_TEXT = _code_points("".join(p + r for p, r in REPLACEMENTS_13A)).copy()
_REPLACEMENT_OFFSETS = np.cumsum([0] + [len(x) for pair in REPLACEMENTS_13A for x in pair]).astype(np.int64)


# ---------------------------------------------------------------------------------------------- compiled side

@njit(cache=True, nogil=True)
def _is_space(c, is_space):
    return c < is_space.size and is_space[c]


@njit(cache=True, nogil=True)
def _is_digit(c):
    return _ZERO <= c <= _NINE


@njit(cache=True, nogil=True)
def _is_period_or_comma(c):
    return c == _PERIOD or c == _COMMA


@njit(cache=True, nogil=True)
def _replace(src, n, pattern, replacement, dst):
    """``str.replace`` of ``src[:n]`` into ``dst`` (leftmost, non-overlapping matches); returns the new length."""
    size = pattern.size
    m = 0
    i = 0
    while i < n:
        if src[i] == pattern[0] and i + size <= n:
            same = True
            for k in range(1, size):
                if src[i + k] != pattern[k]:
                    same = False
                    break
            if same:
                for k in range(replacement.size):
                    dst[m + k] = replacement[k]
                m += replacement.size
                i += size
                continue
        dst[m] = src[i]
        m += 1
        i += 1
    return m


@njit(cache=True, nogil=True)
def _rule_1(src, n, split, dst):
    """Pad ``src[:n]`` with a space on each side, then ``c -> " c "`` for every c in SPLIT (the pads included)."""
    m = 0
    for j in range(-1, n + 1):
        c = src[j] if 0 <= j < n else _SPACE
        if c < 128 and split[c]:
            dst[m] = _SPACE
            dst[m + 1] = c
            dst[m + 2] = _SPACE
            m += 3
        else:
            dst[m] = c
            m += 1
    return m


@njit(cache=True, nogil=True)
def _rule_2(src, n, dst):
    """``([^0-9])([.,]) -> "\\1 \\2 "``."""
    m = 0
    i = 0
    while i < n:
        c = src[i]
        if i + 1 < n and not _is_digit(c) and _is_period_or_comma(src[i + 1]):
            dst[m] = c
            dst[m + 1] = _SPACE
            dst[m + 2] = src[i + 1]
            dst[m + 3] = _SPACE
            m += 4
            i += 2
        else:
            dst[m] = c
            m += 1
            i += 1
    return m


@njit(cache=True, nogil=True)
def _rule_3(src, n, dst):
    """``([.,])([^0-9]) -> " \\1 \\2"``."""
    m = 0
    i = 0
    while i < n:
        c = src[i]
        if i + 1 < n and _is_period_or_comma(c) and not _is_digit(src[i + 1]):
            dst[m] = _SPACE
            dst[m + 1] = c
            dst[m + 2] = _SPACE
            dst[m + 3] = src[i + 1]
            m += 4
            i += 2
        else:
            dst[m] = c
            m += 1
            i += 1
    return m


@njit(cache=True, nogil=True)
def _rule_4(src, n, dst):
    """``([0-9])(-) -> "\\1 \\2 "``."""
    m = 0
    i = 0
    while i < n:
        c = src[i]
        if i + 1 < n and _is_digit(c) and src[i + 1] == _HYPHEN:
            dst[m] = c
            dst[m + 1] = _SPACE
            dst[m + 2] = _HYPHEN
            dst[m + 3] = _SPACE
            m += 4
            i += 2
        else:
            dst[m] = c
            m += 1
            i += 1
    return m


@njit(cache=True, nogil=True)
def _tokenize_13a(a, b, n, split, replacement_text, replacement_offsets):
    """sacrebleu's 13a of the line ``a[:n]`` up to the final split: ``(buffer, length)``, the result being
    ``buffer[:length]`` (``a`` or ``b``, scratch arrays of ``_EXPANSION * (n + 2)`` code points at least).

    The replacements (``REPLACEMENTS_13A``, as ``_REPLACEMENT_TEXT``/``_OFFSETS``) and rules run in order; a pass
    that cannot match is skipped: the replacements need a "<", a newline or a "&" in the line, rules 2 and 3 a "." or
    ",", rule 4 a "-"; and no step adds any of ".,-" or a "&" (only rules 2-4 need them to have been there before).
    """
    has_lt = has_newline = has_amp = has_period_or_comma = has_hyphen = False
    for j in range(n):
        c = a[j]
        has_lt |= c == _LESS
        has_newline |= c == _NEWLINE
        has_amp |= c == _AMPERSAND
        has_period_or_comma |= _is_period_or_comma(c)
        has_hyphen |= c == _HYPHEN
    src, dst = a, b
    for k in range(replacement_offsets.size // 2):
        pattern = replacement_text[replacement_offsets[2 * k]:replacement_offsets[2 * k + 1]]
        first = pattern[0]
        if (first == _LESS and has_lt) or (first == _HYPHEN and has_newline) \
                or (first == _NEWLINE and has_newline) or (first == _AMPERSAND and has_amp):
            replacement = replacement_text[replacement_offsets[2 * k + 1]:replacement_offsets[2 * k + 2]]
            n = _replace(src, n, pattern, replacement, dst)
            src, dst = dst, src
    n = _rule_1(src, n, split, dst)
    src, dst = dst, src
    if has_period_or_comma:
        n = _rule_2(src, n, dst)
        src, dst = dst, src
        n = _rule_3(src, n, dst)
        src, dst = dst, src
    if has_hyphen:
        n = _rule_4(src, n, dst)
        src, dst = dst, src
    return src, n


@njit(cache=True, nogil=True)
def _tag(buf, start, stop):
    """A 31-bit hash of the code points ``buf[start:stop]`` (FNV-1a's upper bits): ``tag << 32 | id`` is >= 0."""
    h = _FNV_OFFSET
    for j in range(start, stop):
        h = (h ^ np.uint64(buf[j])) * _FNV_PRIME
    return np.int64(h >> np.uint64(33))


@njit(cache=True, nogil=True)
def _home(tag, mask):
    return np.int64(((np.uint64(tag) * _GOLDEN) >> np.uint64(32)) & np.uint64(mask))


@njit(cache=True, nogil=True)
def _find(buf, start, stop, tag, slots, types, store):
    """The slot holding the token ``buf[start:stop]``, or the empty slot where it would go.

    A slot is -1 (empty) or ``tag << 32 | id``; ``types[2 * id]`` and ``types[2 * id + 1]`` are the token's start and
    length in ``store``.
    """
    length = stop - start
    mask = slots.size - 1
    s = _home(tag, mask)
    while True:
        entry = slots[s]
        if entry == _EMPTY:
            return s
        if entry >> 32 == tag:
            t = entry & _LOW_31
            if types[2 * t + 1] == length:
                origin = types[2 * t]
                same = True
                for j in range(length):
                    if store[origin + j] != buf[start + j]:
                        same = False
                        break
                if same:
                    return s
        s = (s + 1) & mask


@njit(cache=True, nogil=True)
def _grown(array, size):
    out = np.zeros(size, dtype=array.dtype)  # zeros, not empty: the unused tail is deterministic too
    for k in range(array.size):  # (loops here and below: numba compiles them much faster than slice assignments)
        out[k] = array[k]
    return out


@njit(cache=True, nogil=True)
def _rehashed(slots):
    """The same entries in a table twice as large."""
    new = np.full(slots.size * 2, _EMPTY, dtype=np.int64)
    mask = new.size - 1
    for entry in slots:
        if entry != _EMPTY:
            s = _home(entry >> 32, mask)
            while new[s] != _EMPTY:
                s = (s + 1) & mask
            new[s] = entry
    return new


@njit(cache=True, nogil=True)
def _encode_line(buf, hi, mode, insert, is_space, slots, types, store, n_types, store_size, ids, n_ids):
    """Split ``buf[:hi]`` into tokens and intern them into ``ids[n_ids:]``; returns (n_types, store_size, n_ids).

    The caller makes room first, for as many tokens and code points as the original line has code points: ``ids``,
    ``types``, ``store``, and ``slots`` for staying at most half full. (Every token holds at least one code point of
    the line that is not whitespace, and 13a only removes code points or inserts spaces.)
    """
    j = 0
    while j < hi:
        if _is_space(buf[j], is_space):
            j += 1
            continue
        start = j
        if mode == 2:
            j += 1
        else:
            while j < hi and not _is_space(buf[j], is_space):
                j += 1
        tag = _tag(buf, start, j)
        s = _find(buf, start, j, tag, slots, types, store)
        if slots[s] != _EMPTY:
            t = slots[s] & _LOW_31
        elif insert:
            t = n_types
            slots[s] = (tag << 32) | t
            types[2 * t] = store_size
            types[2 * t + 1] = j - start
            for k in range(start, j):
                store[store_size] = buf[k]
                store_size += 1
            n_types += 1
        else:
            t = UNKNOWN
        ids[n_ids] = t
        n_ids += 1
    return n_types, store_size, n_ids


@njit(cache=True, nogil=True)
def _encode(text, starts, stops, mode, insert, split, replacement_text, replacement_offsets, is_space, slots, types,
            store, n_types, store_size):
    """Tokenize and intern every line; returns (ids, token_offsets, slots, types, store, n_types, store_size)."""
    n_lines = starts.size
    longest = 0
    for i in range(n_lines):
        longest = max(longest, stops[i] - starts[i])
    a = np.empty(_EXPANSION * (longest + 2), dtype=np.uint32)
    b = np.empty(_EXPANSION * (longest + 2), dtype=np.uint32)
    ids = np.empty(max(16, text.size // 4), dtype=np.int64)
    token_offsets = np.zeros(n_lines + 1, dtype=np.int64)
    n_ids = 0
    for i in range(n_lines):
        n = stops[i] - starts[i]
        if n_ids + n > ids.size:
            ids = _grown(ids, max(2 * ids.size, n_ids + n))
        if insert:
            if 2 * (n_types + n) > types.size:
                types = _grown(types, max(2 * types.size, 2 * (n_types + n)))
            if store_size + n > store.size:
                store = _grown(store, max(2 * store.size, store_size + n))
            while 2 * (n_types + n) > slots.size:
                slots = _rehashed(slots)
        for k in range(n):
            a[k] = text[starts[i] + k]
        buf = a
        if mode == 0:
            buf, n = _tokenize_13a(a, b, n, split, replacement_text, replacement_offsets)
        n_types, store_size, n_ids = _encode_line(buf, n, mode, insert, is_space, slots, types, store, n_types,
                                                  store_size, ids, n_ids)
        token_offsets[i + 1] = n_ids
    return ids[:n_ids], token_offsets, slots, types, store, n_types, store_size


class TokenVocabulary:
    """Token -> id table filled by ``encode``; ids are 0, 1, 2, ... in order of first appearance."""

    def __init__(self) -> None:
        self._slots = np.full(64, _EMPTY, dtype=np.int64)  # grown (rehashed) by the kernel as needed
        self._types = np.zeros(64, dtype=np.int64)  # start and length of each token in _store
        self._store = np.zeros(256, dtype=np.uint32)
        self._n_types = 0
        self._store_size = 0

    def __len__(self) -> int:
        return self._n_types

    def encode(self, lines: Sequence[str], tokenizer: str, *, insert: bool = True) -> tuple[np.ndarray, np.ndarray]:
        """Tokenize ``lines`` like ``bleu_tokenize(line, tokenizer).split()`` and intern the tokens.

        Args:
            lines: the lines (str).
            tokenizer: ``"13a"``, ``"none"`` or ``"char"``.
            insert: add new tokens to the table; with False the table is left unchanged and tokens not in it get
                ``UNKNOWN`` (-1).

        Returns:
            ``(ids, offsets)``: int64 ids of all tokens, line i's being ``ids[offsets[i]:offsets[i + 1]]``.
        """
        if tokenizer not in MODES:
            raise ValueError(f"the compiled path has the tokenizers {list(MODES)}, not {tokenizer!r}")
        text, starts, stops = encode_lines(lines)
        ids, offsets, slots, types, store, n_types, store_size = K.encode_lines(
            text, starts, stops, MODES[tokenizer], insert, SPLIT, _REPLACEMENT_TEXT, _REPLACEMENT_OFFSETS, IS_SPACE,
            self._slots, self._types, self._store, self._n_types, self._store_size)
        if insert:
            if n_types > _MAX_TYPES:
                raise ValueError(f"more than {_MAX_TYPES} distinct tokens")
            self._slots, self._types, self._store, self._n_types, self._store_size = (
                slots, types, store, n_types, store_size)
        return ids, offsets

    def token(self, token_id: int) -> str:
        """The token of an id."""
        if not 0 <= token_id < self._n_types:
            raise IndexError(f"no token has id {token_id}")
        start, length = self._types[2 * token_id:2 * token_id + 2]
        return self._store[start:start + length].tobytes().decode("utf-32-le", "surrogatepass")


def tokenize(lines: Sequence[str], tokenizer: str = "13a") -> list[list[str]]:
    """``[bleu_tokenize(line, tokenizer).split() for line in lines]``, computed by the compiled path.

    For checking and debugging: BLEU uses the ids (``TokenVocabulary.encode``), not the strings.
    """
    vocabulary = TokenVocabulary()
    ids, offsets = vocabulary.encode(lines, tokenizer)
    words = [vocabulary.token(t) for t in range(len(vocabulary))]
    return [[words[t] for t in ids[offsets[i]:offsets[i + 1]]] for i in range(len(lines))]
