"""rouge-score's tokenizer for ASCII text, compiled, with interning of the tokens to integer ids.

Mirrors ``textmetrics.tokenizers.tokenize`` (without stemming) on ASCII input: letters are lowercased, every run
of bytes outside ``[a-z0-9]`` separates tokens. ROUGE-Lsum's sentences are the lines (``"\\n"`` only), each
tokenized separately; lines without tokens are dropped (they never change a score).

Two passes in one call (``tokenize_corpus``): ``_scan_block`` finds the tokens, their keys and the lines of the texts;
``_intern`` then numbers the distinct words in order of first appearance with one open-addressing hash table for the
whole corpus, so equal words get equal ids in every text, whatever the blocks. A token's key is its lowercased bytes
packed into a uint64 when the word has at most 8 (exact), else a hash confirmed byte by byte.

Text that is not ASCII does not come here as is: ``str.lower()`` can turn a non-ASCII character into ASCII letters
(``"İ"`` -> ``"i̇"``, the Kelvin sign -> ``"k"``), so the caller lowercases it in Python first and replaces every
remaining non-ASCII character by a separator (``textmetrics.batch``).
"""
from __future__ import annotations

import numpy as np
from .engine import K, njit

_FNV_PRIME = np.uint64(0x100000001B3)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_EIGHT = np.uint64(8)
_THIRTY_TWO = np.uint64(32)
_LOW_32 = np.uint64(0xFFFFFFFF)
_NEWLINE = 10

# rouge-score's character classes: LOWER[c] = the lowercased byte for [A-Za-z0-9], 0 for a separator.
LOWER = np.zeros(256, dtype=np.uint8)
for _c in b"abcdefghijklmnopqrstuvwxyz0123456789":
    LOWER[_c] = _c
for _c in b"ABCDEFGHIJKLMNOPQRSTUVWXYZ":
    LOWER[_c] = _c + 32


@njit(cache=True, nogil=True)
def _slot(key, mask):
    return np.int64(((key * _GOLDEN) >> np.uint64(32)) & np.uint64(mask))


@njit(cache=True, nogil=True)
def _same_word(buf, a, b, length):
    for k in range(length):
        if (buf[a + k] | 32) != (buf[b + k] | 32):
            return False
    return True


@njit(cache=True, nogil=True)
def _rehash(table, capacity):
    """The same entries in a table of ``capacity`` slots (layout in ``_intern``)."""
    new = np.zeros(2 * capacity, dtype=np.uint64)
    mask = capacity - 1
    for old in range(table.size // 2):
        if table[2 * old + 1] == 0:
            continue
        s = _slot(table[2 * old], mask)
        while new[2 * s + 1] != 0:
            s = (s + 1) & mask
        new[2 * s] = table[2 * old]
        new[2 * s + 1] = table[2 * old + 1]
    return new


@njit(cache=True, nogil=True)
def _scan_block(buf, text_off, t0, t1, base, lower, tok_start, tok_len, tok_key, sent_len, tok_count, sent_count):
    """Tokens of texts ``t0 .. t1 - 1`` into ``tok_*[base:]``, the token counts of their non-empty lines into
    ``sent_len[base:]``, and per text ``tok_count``/``sent_count``. Returns the block's numbers of tokens and lines.
    """
    n_tok = base
    n_sent = base
    for t in range(t0, t1):
        text_first = n_tok
        text_sent = n_sent
        line_first = n_tok
        in_token = False
        start = 0
        key = np.uint64(0)
        for p in range(text_off[t], text_off[t + 1]):
            c = lower[buf[p]]
            if c != 0:
                if not in_token:
                    in_token = True
                    start = p
                    key = np.uint64(c)
                elif p - start < 8:
                    key = (key << _EIGHT) | np.uint64(c)
                else:
                    key = (key ^ np.uint64(c)) * _FNV_PRIME
                continue
            if in_token:
                tok_start[n_tok] = start
                tok_len[n_tok] = p - start
                tok_key[n_tok] = key
                n_tok += 1
                in_token = False
            if buf[p] == _NEWLINE and n_tok > line_first:
                sent_len[n_sent] = n_tok - line_first
                n_sent += 1
                line_first = n_tok
        if in_token:
            tok_start[n_tok] = start
            tok_len[n_tok] = text_off[t + 1] - start
            tok_key[n_tok] = key
            n_tok += 1
        if n_tok > line_first:
            sent_len[n_sent] = n_tok - line_first
            n_sent += 1
        tok_count[t] = n_tok - text_first
        sent_count[t] = n_sent - text_sent
    return n_tok - base, n_sent - base


@njit(cache=True, nogil=True)
def _intern(buf, tok_start, tok_len, tok_key, n):
    """Ids, in order of first appearance, of the tokens ``0 .. n - 1``; returns them and each word's first token.

    One open-addressing table of uint64 pairs: slot ``s`` is ``table[2s]`` (the word's key) and ``table[2s + 1]``
    (its length << 32 | id + 1; 0 marks an empty slot), so a probe reads one cache line; words longer than 8 bytes
    (hashed keys) are confirmed byte by byte.
    """
    ids = np.empty(n, dtype=np.int64)
    first = np.empty(n, dtype=np.int64)
    capacity = 16
    while capacity < min(2 * n, 1 << 16):  # grows (rehashes) past that
        capacity *= 2
    table = np.zeros(2 * capacity, dtype=np.uint64)
    n_words = 0
    for k in range(n):
        key = tok_key[k]
        length = tok_len[k]
        mask = capacity - 1
        s = _slot(key, mask)
        found = -1
        while table[2 * s + 1] != 0:
            entry = table[2 * s + 1]
            if table[2 * s] == key and np.int64(entry >> _THIRTY_TWO) == length:
                word = np.int64(entry & _LOW_32) - 1
                if length <= 8 or _same_word(buf, tok_start[first[word]], tok_start[k], length):
                    found = word
                    break
            s = (s + 1) & mask
        if found < 0:
            found = n_words
            table[2 * s] = key
            table[2 * s + 1] = (np.uint64(length) << _THIRTY_TWO) | np.uint64(n_words + 1)
            first[n_words] = k
            n_words += 1
            if 2 * n_words > capacity:
                capacity *= 2
                table = _rehash(table, capacity)
        ids[k] = found
    return ids, first[:n_words]


@njit(cache=True, nogil=True)
def _cumulative(counts):
    out = np.zeros(counts.size + 1, dtype=np.int64)
    for k in range(counts.size):
        out[k + 1] = out[k] + counts[k]
    return out


@njit(cache=True, nogil=True)
def tokenize_corpus(buf, text_off, lower):
    """Tokenize and intern every text of a corpus in one pass (see ``tokenize_ascii``)."""
    n_texts = text_off.size - 1
    bound = (text_off[n_texts] + n_texts) // 2 + 1  # a token: >= 1 byte, then a separator
    tok_start = np.empty(bound, dtype=np.int64)
    tok_len = np.empty(bound, dtype=np.int64)
    tok_key = np.empty(bound, dtype=np.uint64)
    sent_len = np.empty(bound, dtype=np.int64)
    tok_count = np.empty(n_texts, dtype=np.int64)
    sent_count = np.empty(n_texts, dtype=np.int64)
    n_tok, n_sent = _scan_block(buf, text_off, 0, n_texts, 0, lower, tok_start, tok_len, tok_key, sent_len,
                                tok_count, sent_count)
    ids, first = _intern(buf, tok_start, tok_len, tok_key, n_tok)
    return (ids, _cumulative(tok_count), _cumulative(sent_len[:n_sent]), _cumulative(sent_count),
            tok_start[first], tok_len[first])


def tokenize_ascii(buf, text_off):
    """Tokenize and intern every text of a corpus.

    Args:
        buf: uint8 array, the ASCII bytes of all texts back to back.
        text_off: int64 array, text ``t`` is ``buf[text_off[t]:text_off[t + 1]]``.

    Returns:
        ``(ids, tok_off, sent_off, text_sent, word_start, word_len)``: text ``t``'s token ids are
        ``ids[tok_off[t]:tok_off[t + 1]]``; its non-empty lines are sentences ``text_sent[t]`` to
        ``text_sent[t + 1] - 1``, sentence ``k`` being ``ids[sent_off[k]:sent_off[k + 1]]`` (the sentences of a text
        partition its tokens). Word ``w`` (ids are ``0 .. len(word_start) - 1`` in order of first appearance) is
        ``buf[word_start[w]:word_start[w] + word_len[w]]``, lowercased.
    """
    buf = np.ascontiguousarray(buf, dtype=np.uint8)
    text_off = np.ascontiguousarray(text_off, dtype=np.int64)
    if text_off.ndim != 1 or text_off.size < 1 or text_off[0] != 0 or text_off[-1] != buf.size \
            or np.any(text_off[1:] < text_off[:-1]):
        raise ValueError("text_off must rise from 0 to len(buf)")
    return K.tokenize_corpus(buf, text_off, LOWER)
