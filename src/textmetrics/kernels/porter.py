"""NLTK's Porter stemmer (``nltk.stem.porter.PorterStemmer()``, default mode ``NLTK_EXTENSIONS``), compiled.

``stem_words`` gives, for every word, exactly what ``PorterStemmer().stem(word)`` of NLTK 3.10.4 gives, for every
word of ASCII bytes (letters are lowercased first, as ``stem`` does; rouge-score only ever passes ``[a-z0-9]+``).
It stems every word whatever its length: rouge-score's "only tokens longer than 3 characters" rule is the caller's.

What NLTK's default mode does, beyond the published algorithm (Porter 1980), and what is mirrored here:

* a pool of irregular forms answered first (``skies`` -> ``sky``, ``dying`` -> ``die``, ``news`` -> ``news``, ...);
* words of at most 2 characters are returned as they are (after lowercasing);
* consonants: anything but ``a e i o u``, except that ``y`` is a consonant only at the start of the word or after
  a vowel (so digits are consonants, and in ``yyy`` the ``y`` alternate consonant / vowel / consonant);
* *o (cvc) is also true of a 2-character stem vowel + consonant (no w/x/y exception there);
* step 1a: a 4-letter word in ``ies`` loses only the ``s`` (``ties`` -> ``tie``);
* step 1b: ``ied`` -> ``ie`` in a 4-letter word, else -> ``i``, and nothing else of step 1b then; an ``eed`` word
  whose stem has m = 0 is left alone (no fallback to the ``ed`` rule);
* step 1c: ``y`` -> ``i`` when the ``y`` follows a consonant that is not the first letter;
* step 2: ``alli`` -> ``al`` is tried first and, when it applies, step 2 runs again on the result; ``bli`` ->
  ``ble`` (not ``abli``); ``fulli`` -> ``ful``; ``logi`` -> ``log`` with the measure taken on the stem *with* its
  ``l``;
* in every rule list the first suffix that matches decides: if its condition fails, no later rule is tried;
* step 5a tries both ``(m>1) E ->`` and ``(m=1 and not *o) E ->``; step 5b's measure is taken on the word less its
  final ``l``.

Written from the rules (NLTK's source read as the specification), with every table a numpy array built below, so
the module compiles ahead of time with ``numba.pycc``. The words are stemmed in a small work buffer that never grows
beyond the word (no rule lengthens a word past its original length), so the stems of ``n`` bytes of words fit in
``n`` bytes.
"""
from __future__ import annotations

import numpy as np

from .engine import njit

_A, _E, _I, _O, _U, _Y = 97, 101, 105, 111, 117, 121
_L, _S, _T, _Z, _W, _X = 108, 115, 116, 122, 119, 120
_B, _D, _G, _N = 98, 100, 103, 110

# conditions of the rule lists
_M_GT_0 = 0      # (m>0) on the stem
_M_GT_0_L = 1    # (m>0) on the word less its last 3 letters (NLTK's 'logi' rule keeps the 'l' with the stem)
_M_GT_1 = 2      # (m>1)
_M_GT_1_ST = 3   # (m>1 and (*S or *T))


def _rules(rules):
    """(suffixes, suffix offsets, replacements, replacement offsets, conditions) of a rule list as arrays."""
    suf = b"".join(s.encode() for s, _, _ in rules)
    rep = b"".join(r.encode() for _, r, _ in rules)
    return (np.frombuffer(suf, dtype=np.uint8).copy(),
            np.cumsum([0] + [len(s) for s, _, _ in rules]).astype(np.int64),
            np.frombuffer(rep, dtype=np.uint8).copy(),
            np.cumsum([0] + [len(r) for _, r, _ in rules]).astype(np.int64),
            np.array([c for _, _, c in rules], dtype=np.int64))


STEP2 = [("ational", "ate", _M_GT_0), ("tional", "tion", _M_GT_0), ("enci", "ence", _M_GT_0),
         ("anci", "ance", _M_GT_0), ("izer", "ize", _M_GT_0), ("bli", "ble", _M_GT_0), ("alli", "al", _M_GT_0),
         ("entli", "ent", _M_GT_0), ("eli", "e", _M_GT_0), ("ousli", "ous", _M_GT_0),
         ("ization", "ize", _M_GT_0), ("ation", "ate", _M_GT_0), ("ator", "ate", _M_GT_0),
         ("alism", "al", _M_GT_0), ("iveness", "ive", _M_GT_0), ("fulness", "ful", _M_GT_0),
         ("ousness", "ous", _M_GT_0), ("aliti", "al", _M_GT_0), ("iviti", "ive", _M_GT_0),
         ("biliti", "ble", _M_GT_0), ("fulli", "ful", _M_GT_0), ("logi", "log", _M_GT_0_L)]
STEP3 = [("icate", "ic", _M_GT_0), ("ative", "", _M_GT_0), ("alize", "al", _M_GT_0), ("iciti", "ic", _M_GT_0),
         ("ical", "ic", _M_GT_0), ("ful", "", _M_GT_0), ("ness", "", _M_GT_0)]
STEP4 = [(s, "", _M_GT_1) for s in ("al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent")]
STEP4 += [("ion", "", _M_GT_1_ST)]
STEP4 += [(s, "", _M_GT_1) for s in ("ou", "ism", "ate", "iti", "ous", "ive", "ize")]

_S2_SUF, _S2_SOFF, _S2_REP, _S2_ROFF, _S2_COND = _rules(STEP2)
_S3_SUF, _S3_SOFF, _S3_REP, _S3_ROFF, _S3_COND = _rules(STEP3)
_S4_SUF, _S4_SOFF, _S4_REP, _S4_ROFF, _S4_COND = _rules(STEP4)

# NLTK's irregular forms: word -> stem, answered before any rule
IRREGULAR = {"sky": "sky", "skies": "sky", "dying": "die", "lying": "lie", "tying": "tie", "news": "news",
             "innings": "inning", "inning": "inning", "outings": "outing", "outing": "outing",
             "cannings": "canning", "canning": "canning", "howe": "howe", "proceed": "proceed",
             "exceed": "exceed", "succeed": "succeed"}
_POOL_KEY, _POOL_KOFF, _POOL_VAL, _POOL_VOFF, _ = _rules([(k, v, 0) for k, v in IRREGULAR.items()])

# A-Z -> a-z, every other byte as it is (str.lower() on ASCII)
_LOWER = np.arange(256, dtype=np.uint8)
_LOWER[65:91] += 32


@njit(cache=True, nogil=True)
def _is_vowel(c):
    return c == _A or c == _E or c == _I or c == _O or c == _U


@njit(cache=True, nogil=True)
def _is_consonant(w, i):
    """Porter's consonant test at ``w[i]``: a 'y' is a consonant at position 0 or after a vowel."""
    c = w[i]
    if _is_vowel(c):
        return False
    if c != _Y:
        return True
    flip = False
    while i > 0 and w[i] == _Y:
        flip = not flip
        i -= 1
    # w[i] is the letter before the run of 'y's (a non-'y'), or the 'y' at position 0 (a consonant)
    return (not _is_vowel(w[i])) != flip


@njit(cache=True, nogil=True)
def _measure(w, k):
    """m of ``w[:k]``: the number of vowel-to-consonant transitions."""
    m = 0
    prev = True  # 'consonant' before the start: a leading consonant opens no VC
    for i in range(k):
        c = w[i]
        if _is_vowel(c):
            cons = False
        elif c == _Y:
            cons = True if i == 0 else not prev
        else:
            cons = True
        if cons and not prev:
            m += 1
        prev = cons
    return m


@njit(cache=True, nogil=True)
def _contains_vowel(w, k):
    prev = True
    for i in range(k):
        c = w[i]
        if _is_vowel(c):
            return True
        if c == _Y:
            if i > 0 and prev:
                return True  # a 'y' after a consonant is a vowel
            prev = True
        else:
            prev = True
    return False


@njit(cache=True, nogil=True)
def _ends_double_consonant(w, k):
    return k >= 2 and w[k - 1] == w[k - 2] and _is_consonant(w, k - 1)


@njit(cache=True, nogil=True)
def _ends_cvc(w, k):
    """*o of ``w[:k]``; NLTK also counts a 2-letter vowel + consonant stem."""
    if k >= 3:
        last = w[k - 1]
        return (_is_consonant(w, k - 3) and not _is_consonant(w, k - 2) and _is_consonant(w, k - 1)
                and last != _W and last != _X and last != _Y)
    if k == 2:
        return not _is_consonant(w, 0) and _is_consonant(w, 1)
    return False


@njit(cache=True, nogil=True)
def _ends_with(w, n, table, start, stop):
    length = stop - start
    if length > n:
        return False
    base = n - length
    for j in range(length):
        if w[base + j] != table[start + j]:
            return False
    return True


@njit(cache=True, nogil=True)
def _ends3(w, n, a, b, c):
    return n >= 3 and w[n - 3] == a and w[n - 2] == b and w[n - 1] == c


@njit(cache=True, nogil=True)
def _ends2(w, n, a, b):
    return n >= 2 and w[n - 2] == a and w[n - 1] == b


@njit(cache=True, nogil=True)
def _apply_rules(w, n, suf, soff, rep, roff, cond):
    """The first rule whose suffix ends ``w[:n]`` decides: its replacement if its condition holds, else nothing.
    Returns the new length."""
    for r in range(cond.size):
        if not _ends_with(w, n, suf, soff[r], soff[r + 1]):
            continue
        k = n - (soff[r + 1] - soff[r])
        code = cond[r]
        if code == _M_GT_0:
            ok = _measure(w, k) > 0
        elif code == _M_GT_0_L:
            ok = _measure(w, n - 3) > 0
        elif code == _M_GT_1:
            ok = _measure(w, k) > 1
        else:
            ok = _measure(w, k) > 1 and (w[k - 1] == _S or w[k - 1] == _T)
        if not ok:
            return n
        for j in range(roff[r + 1] - roff[r]):
            w[k + j] = rep[roff[r] + j]
        return k + roff[r + 1] - roff[r]
    return n


@njit(cache=True, nogil=True)
def _step1a(w, n):
    if n == 4 and _ends3(w, n, _I, _E, _S):
        return 3  # NLTK: 'ties' -> 'tie'
    if n >= 4 and w[n - 4] == _S and _ends3(w, n, _S, _E, _S):
        return n - 2  # sses -> ss
    if _ends3(w, n, _I, _E, _S):
        return n - 2  # ies -> i
    if _ends2(w, n, _S, _S):
        return n
    if n >= 1 and w[n - 1] == _S:
        return n - 1
    return n


@njit(cache=True, nogil=True)
def _step1b(w, n):
    if _ends3(w, n, _I, _E, _D):
        return n - 1 if n == 4 else n - 2  # NLTK: ied -> ie (4 letters) or i, and step 1b ends there
    if _ends3(w, n, _E, _E, _D):
        return n - 1 if _measure(w, n - 3) > 0 else n  # (m>0) eed -> ee; else the word stays
    if _ends2(w, n, _E, _D) and _contains_vowel(w, n - 2):
        k = n - 2
    elif _ends3(w, n, _I, _N, _G) and _contains_vowel(w, n - 3):
        k = n - 3
    else:
        return n
    if _ends2(w, k, _A, _T) or _ends2(w, k, _B, _L) or _ends2(w, k, _I, _Z):
        w[k] = _E  # at -> ate, bl -> ble, iz -> ize
        return k + 1
    if _ends_double_consonant(w, k):
        last = w[k - 1]
        if last != _L and last != _S and last != _Z:
            return k - 1
        return k
    if _measure(w, k) == 1 and _ends_cvc(w, k):
        w[k] = _E
        return k + 1
    return k


@njit(cache=True, nogil=True)
def _step1c(w, n):
    if n >= 3 and w[n - 1] == _Y and _is_consonant(w, n - 2):
        w[n - 1] = _I
    return n


@njit(cache=True, nogil=True)
def _step2(w, n):
    if n >= 4 and w[n - 4] == _A and _ends3(w, n, _L, _L, _I) and _measure(w, n - 4) > 0:
        n -= 2  # NLTK: alli -> al first, then step 2 again on the result
    return _apply_rules(w, n, _S2_SUF, _S2_SOFF, _S2_REP, _S2_ROFF, _S2_COND)


@njit(cache=True, nogil=True)
def _step5a(w, n):
    if n >= 1 and w[n - 1] == _E:
        m = _measure(w, n - 1)
        if m > 1 or (m == 1 and not _ends_cvc(w, n - 1)):
            return n - 1
    return n


@njit(cache=True, nogil=True)
def _step5b(w, n):
    if _ends2(w, n, _L, _L) and _measure(w, n - 1) > 1:
        return n - 1
    return n


@njit(cache=True, nogil=True)
def _irregular(w, n):
    """Index of ``w[:n]`` in the pool of irregular forms, or -1."""
    for p in range(_POOL_KOFF.size - 1):
        start = _POOL_KOFF[p]
        if _POOL_KOFF[p + 1] - start != n:
            continue
        same = True
        for j in range(n):
            if w[j] != _POOL_KEY[start + j]:
                same = False
                break
        if same:
            return p
    return -1


@njit(cache=True, nogil=True)
def _stem(w, n):
    """Stem ``w[:n]`` (lowercase) in place; returns the stem's length (<= n)."""
    p = _irregular(w, n)
    if p >= 0:
        start = _POOL_VOFF[p]
        length = _POOL_VOFF[p + 1] - start
        for j in range(length):
            w[j] = _POOL_VAL[start + j]
        return length
    if n <= 2:
        return n
    n = _step1a(w, n)
    n = _step1b(w, n)
    n = _step1c(w, n)
    n = _step2(w, n)
    n = _apply_rules(w, n, _S3_SUF, _S3_SOFF, _S3_REP, _S3_ROFF, _S3_COND)
    n = _apply_rules(w, n, _S4_SUF, _S4_SOFF, _S4_REP, _S4_ROFF, _S4_COND)
    n = _step5a(w, n)
    n = _step5b(w, n)
    return n


@njit(cache=True, nogil=True)
def stem_words(buf, word_start, word_len):
    """Porter stems (NLTK) of the words ``buf[word_start[w]:word_start[w] + word_len[w]]``.

    ``buf``: uint8 ASCII bytes; ``word_start``, ``word_len``: int64, one entry per word. Returns ``(out, out_off)``:
    the stems back to back in ``out`` (uint8), stem ``w`` = ``out[out_off[w]:out_off[w + 1]]`` (``out_off``: int64,
    n_words + 1 entries).
    """
    n_words = word_start.size
    if word_len.size != n_words:
        raise ValueError("word_start and word_len need one entry per word")
    total = 0
    longest = 0
    for i in range(n_words):
        s = word_start[i]
        length = word_len[i]
        if s < 0 or length < 0 or s > buf.size - length:
            raise ValueError("every word must lie inside buf (0 <= word_start, 0 <= word_len, end <= len(buf))")
        total += length
        if length > longest:
            longest = length
    out = np.empty(total, dtype=np.uint8)
    out_off = np.empty(n_words + 1, dtype=np.int64)
    w = np.empty(longest + 1, dtype=np.uint8)
    pos = 0
    out_off[0] = 0
    for i in range(n_words):
        s = word_start[i]
        length = word_len[i]
        for j in range(length):
            w[j] = _LOWER[buf[s + j]]
        k = _stem(w, length)
        for j in range(k):
            out[pos + j] = w[j]
        pos += k
        out_off[i + 1] = pos
    return out[:pos].copy(), out_off


def stem_list(words: list[str]) -> list[str]:
    """``[PorterStemmer().stem(w) for w in words]`` (NLTK 3.10.4, default mode) for ASCII words, compiled."""
    encoded = [w.encode("ascii") for w in words]
    lengths = np.fromiter((len(b) for b in encoded), dtype=np.int64, count=len(encoded))
    starts = np.zeros(len(encoded), dtype=np.int64)
    if len(encoded) > 1:
        np.cumsum(lengths[:-1], out=starts[1:])
    buf = np.frombuffer(b"".join(encoded), dtype=np.uint8)
    if buf.size == 0:
        buf = np.zeros(0, dtype=np.uint8)
    from .engine import K

    out, off = K.stem_words(np.ascontiguousarray(buf), starts, lengths)
    text = out.tobytes().decode("ascii")
    bounds = off.tolist()
    return [text[bounds[i]:bounds[i + 1]] for i in range(len(encoded))]
