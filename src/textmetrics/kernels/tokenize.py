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
def _rehash(table_key, table_len, table_id, capacity):
    """The same entries in a table of ``capacity`` slots."""
    new_key = np.zeros(capacity, dtype=np.uint64)
    new_len = np.zeros(capacity, dtype=np.int64)  # 0: empty slot (a word has at least one byte)
    new_id = np.empty(capacity, dtype=np.int64)
    mask = capacity - 1
    for old in range(table_key.size):
        if table_len[old] == 0:
            continue
        s = _slot(table_key[old], mask)
        while new_len[s] != 0:
            s = (s + 1) & mask
        new_key[s] = table_key[old]
        new_len[s] = table_len[old]
        new_id[s] = table_id[old]
    return new_key, new_len, new_id


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
def _intern(buf, tok_start, tok_len, tok_key, base, n_tok):
    """Ids, in order of first appearance, of the tokens ``base[b] .. base[b] + n_tok[b] - 1`` of every block ``b``, in
    block order; returns them and each word's first token.

    Each slot of the open-addressing table holds a word's key, length and id side by side, so a probe reads one
    place; words longer than 8 bytes (hashed keys) are confirmed byte by byte.
    """
    n = 0
    for b in range(n_tok.size):
        n += n_tok[b]
    ids = np.empty(n, dtype=np.int64)
    first = np.empty(n, dtype=np.int64)
    capacity = 16
    while capacity < min(2 * n, 1 << 16):  # grows (rehashes) past that
        capacity *= 2
    table_key = np.zeros(capacity, dtype=np.uint64)
    table_len = np.zeros(capacity, dtype=np.int64)  # 0: empty slot
    table_id = np.empty(capacity, dtype=np.int64)
    n_words = 0
    out = 0
    for b in range(n_tok.size):
        for k in range(base[b], base[b] + n_tok[b]):
            key = tok_key[k]
            length = tok_len[k]
            mask = capacity - 1
            s = _slot(key, mask)
            while table_len[s] != 0:
                if table_key[s] == key and table_len[s] == length and (
                        length <= 8 or _same_word(buf, tok_start[first[table_id[s]]], tok_start[k], length)):
                    break
                s = (s + 1) & mask
            if table_len[s] == 0:
                table_key[s] = key
                table_len[s] = length
                table_id[s] = n_words
                first[n_words] = k
                n_words += 1
                if 2 * n_words > capacity:
                    capacity *= 2
                    table_key, table_len, table_id = _rehash(table_key, table_len, table_id, capacity)
                    ids[out] = n_words - 1
                    out += 1
                    continue
            ids[out] = table_id[s]
            out += 1
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
    base = np.zeros(1, dtype=np.int64)
    counts = np.full(1, n_tok, dtype=np.int64)
    ids, first = _intern(buf, tok_start, tok_len, tok_key, base, counts)
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
