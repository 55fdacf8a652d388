"""TER, translation edit rate (Snover et al., 2006), in plain Python: the definition the Numba kernel matches.

TER is the number of edits that turn a hypothesis into a reference, divided by the reference length. An edit is the
insertion, deletion or substitution of one token, or a *shift*: moving a contiguous block of tokens, of any length
and over any distance, to another place, at the cost of one edit. The minimum over all edit sequences is
intractable, so TER is defined by Tercom's greedy search, which sacrebleu 2.6.0 re-implements with its own beam
and limits; this module follows sacrebleu's procedure rule for rule:

1. **Edit distance** ``beam_edit_distance(r, h)``: Levenshtein distance (unit costs) computed only in a band around
   the pseudo-diagonal ``floor(i * len(r) / len(h))`` (half-width 25, wider for very unequal lengths), the last
   row in full. Ties prefer the diagonal (match/substitution), then consuming a hypothesis token, then consuming a
   reference token; the chosen operations (the *trace*) give an alignment.
2. **Shift candidates** (``shift_candidates``): every block ``h[i:i+L] == r[j:j+L]`` with ``L <= 10`` and
   ``|i - j| <= 50``, excluding blocks that are already correct, that land on reference tokens already matched,
   or whose reference start is aligned inside the block; each is tried at the targets given by the alignment of
   the reference positions just before and inside the matched reference block.
3. **Greedy loop** (``translation_edit_rate``): apply the candidate that lowers the edit distance most (ties: the
   longer block, then the earlier block, then the earlier target) while it lowers the distance by at least one
   (a shift costs one edit, so a gain of exactly one keeps the total but is still applied), and stop altogether
   once 1 000 candidates have been evaluated for the pair, without applying that round's best.
4. TER edits = shifts applied + the edit distance of the final hypothesis.

With several references, a segment's statistics are the fewest edits over its references and the *mean* reference
length; a corpus's TER is ``100 * (sum of edits / sum of mean lengths)`` (100 when the lengths are 0 but edits are
not, 0 when both are 0).

Tokens are any hashable values; tokenization (``textmetrics.ter``'s Tercom tokenizer) happens before. References
come first in every function taking both sides (``ref, hyp``; sacrebleu's own functions take ``hyp, ref``).

``__all__`` lists the definitions: ``textmetrics.kernels.ter`` has the same functions with the same signatures and
results (``tests/test_twins.py``); the other public names (``beam_edit_distance``, ``shift``, ...) only build them.
``score`` (statistics -> TER) has no kernel twin: it is plain arithmetic, used by both backends.
"""
from __future__ import annotations

import math
from collections.abc import Hashable, Iterator, Sequence

import numpy as np

__all__ = ["translation_edit_rate", "segment_statistics", "corpus_statistics"]

Tokens = Sequence[Hashable]

MAX_SHIFT_SIZE = 10  # longest block a shift moves
MAX_SHIFT_DIST = 50  # largest |hypothesis start - reference start| of a block
BEAM_WIDTH = 25  # half-width of the band of the edit-distance table
MAX_SHIFT_CANDIDATES = 1000  # candidates evaluated per pair, over all rounds
INFINITY = 10 ** 16

MATCH, SUBSTITUTE, DELETE, INSERT = "match", "substitute", "delete", "insert"
# DELETE consumes a hypothesis token (deletes it from the hypothesis), INSERT a reference token.


def beam_edit_distance(ref: Tokens, hyp: Tokens) -> tuple[int, list[str]]:
    """Banded Levenshtein distance from ``hyp`` to ``ref`` and its operations, in order."""
    n, m = len(hyp), len(ref)
    ratio = m / n if n else 1.0
    beam = math.ceil(ratio / 2 + BEAM_WIDTH) if BEAM_WIDTH < ratio / 2 else BEAM_WIDTH
    cost = [[INFINITY] * (m + 1) for _ in range(n + 1)]
    op: list[list[str | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0] = list(range(m + 1))
    op[0] = [INSERT] * (m + 1)
    for i in range(1, n + 1):
        diagonal = math.floor(i * ratio)
        first = max(0, diagonal - beam)
        stop = m + 1 if i == n else min(m + 1, diagonal + beam)
        for j in range(first, stop):
            if j == 0:
                cost[i][0], op[i][0] = cost[i - 1][0] + 1, DELETE
                continue
            same = hyp[i - 1] == ref[j - 1]
            options = ((cost[i - 1][j - 1] + (0 if same else 1), MATCH if same else SUBSTITUTE),
                       (cost[i - 1][j] + 1, DELETE),
                       (cost[i][j - 1] + 1, INSERT))
            for value, name in options:  # strictly smaller wins: ties keep the earlier option
                if value < cost[i][j]:
                    cost[i][j], op[i][j] = value, name
    trace: list[str] = []
    i, j = n, m
    while i > 0 or j > 0:
        step = op[i][j]
        assert step is not None  # every cell on the path back was reached
        trace.append(step)
        if step in (MATCH, SUBSTITUTE):
            i, j = i - 1, j - 1
        elif step == DELETE:
            i -= 1
        else:
            j -= 1
    trace.reverse()
    return cost[n][m], trace


def alignment(trace: Sequence[str]) -> tuple[list[int], list[int], list[int]]:
    """``(align, hyp_errors, ref_errors)`` of a trace.

    ``align[j]`` is the hypothesis position aligned with reference position j (for a reference token that is
    inserted, the last hypothesis position before it, possibly -1); ``hyp_errors[i]`` / ``ref_errors[j]`` are 1 where
    that token is not matched."""
    align: list[int] = []
    hyp_errors: list[int] = []
    ref_errors: list[int] = []
    hyp_pos = -1
    for name in trace:
        if name in (MATCH, SUBSTITUTE):
            hyp_pos += 1
            align.append(hyp_pos)
            hyp_errors.append(0 if name == MATCH else 1)
            ref_errors.append(0 if name == MATCH else 1)
        elif name == DELETE:
            hyp_pos += 1
            hyp_errors.append(1)
        else:
            align.append(hyp_pos)
            ref_errors.append(1)
    return align, hyp_errors, ref_errors


def matching_blocks(ref: Tokens, hyp: Tokens) -> Iterator[tuple[int, int, int]]:
    """``(start_h, start_r, length)`` with ``hyp[start_h:start_h+length] == ref[start_r:start_r+length]``.

    In order of start_h, then start_r, then length 1, 2, ... up to ``MAX_SHIFT_SIZE``; only starts at most
    ``MAX_SHIFT_DIST`` apart."""
    n, m = len(hyp), len(ref)
    for start_h in range(n):
        for start_r in range(m):
            if abs(start_r - start_h) > MAX_SHIFT_DIST:
                continue
            length = 0
            while (length < MAX_SHIFT_SIZE and start_h + length < n and start_r + length < m
                   and hyp[start_h + length] == ref[start_r + length]):
                length += 1
                yield start_h, start_r, length


def shift(words: Sequence, start: int, length: int, target: int) -> list:
    """Move ``words[start:start+length]``: before original position ``target`` when it lies outside the block
    (``target < start`` or ``target > start + length``), otherwise ``target - start`` positions to the right, but
    no further than the end (sacrebleu's slicing clips: ``a b c d`` with block ``b c d`` and target 3 stays as is)."""
    words = list(words)
    block = words[start:start + length]
    rest = words[:start] + words[start + length:]
    position = min(target if target <= start + length else target - length, len(rest))
    return rest[:position] + block + rest[position:]


def shift_candidates(ref: Tokens, hyp: Tokens, align, hyp_errors, ref_errors) -> Iterator[tuple[int, int, int, bool]]:
    """``(start_h, length, target, last_of_block)`` for every shift worth trying, in Tercom's order.

    ``last_of_block`` marks the last target of a block, after which the candidate budget is checked."""
    for start_h, start_r, length in matching_blocks(ref, hyp):
        if not any(hyp_errors[start_h:start_h + length]):
            continue  # the block is already correct where it is
        if not any(ref_errors[start_r:start_r + length]):
            continue  # the reference tokens it would match are already matched
        if start_h <= align[start_r] < start_h + length:
            continue  # the reference block is aligned inside the hypothesis block: nowhere to move
        targets: list[int] = []
        for offset in range(-1, length):
            target = 0 if start_r + offset == -1 else align[start_r + offset] + 1
            if not targets or target != targets[-1]:
                targets.append(target)
        for k, target in enumerate(targets):
            yield start_h, length, target, k == len(targets) - 1


def best_shift(ref: Tokens, hyp: Tokens, checked: int) -> tuple[int, list, int]:
    """One round: ``(gain, shifted hypothesis, candidates evaluated so far)`` of the best shift of ``hyp``.

    The gain is the drop in edit distance (not counting the shift itself), 0 with ``hyp`` unchanged when there is no
    candidate. Candidates rank by (gain, length, -start_h, -target); a later one wins only if strictly better."""
    distance, trace = beam_edit_distance(ref, hyp)
    align, hyp_errors, ref_errors = alignment(trace)
    best_key, best_words = None, list(hyp)
    for start_h, length, target, last in shift_candidates(ref, hyp, align, hyp_errors, ref_errors):
        shifted = shift(hyp, start_h, length, target)
        key = (distance - beam_edit_distance(ref, shifted)[0], length, -start_h, -target)
        checked += 1
        if best_key is None or key > best_key:
            best_key, best_words = key, shifted
        if last and checked >= MAX_SHIFT_CANDIDATES:
            break
    return (0 if best_key is None else best_key[0]), best_words, checked


def translation_edit_rate(ref: Tokens, hyp: Tokens) -> tuple[int, int]:
    """``(edits, reference length)`` of one hypothesis against one reference."""
    if len(ref) == 0:
        return len(hyp), 0
    shifts = 0
    checked = 0
    words = list(hyp)
    while True:
        gain, shifted, checked = best_shift(ref, words, checked)
        if checked >= MAX_SHIFT_CANDIDATES or gain <= 0:
            break  # out of budget (the round's best is dropped), or no shift helps
        shifts += 1
        words = shifted
    return shifts + beam_edit_distance(ref, words)[0], len(ref)


def segment_statistics(references: Sequence[Tokens], hyp: Tokens) -> tuple[int, float]:
    """``(fewest edits over the references, mean reference length)``."""
    if len(references) == 0:
        raise ValueError("a segment needs at least one reference")
    results = [translation_edit_rate(ref, hyp) for ref in references]
    return min(edits for edits, _ in results), sum(length for _, length in results) / len(results)


def corpus_statistics(references: Sequence[Sequence[Tokens]], hypotheses: Sequence[Tokens]) -> np.ndarray:
    """Per-segment ``[edits, mean reference length]``: float64 array of shape ``(n_segments, 2)``.

    References first: ``references[i]`` holds the tokenized reference(s) of the candidate ``hypotheses[i]``."""
    if len(hypotheses) != len(references):
        raise ValueError(f"{len(hypotheses)} candidates but {len(references)} reference groups")
    rows = [segment_statistics(r, h) for r, h in zip(references, hypotheses, strict=True)]
    return np.array(rows, dtype=np.float64).reshape(len(rows), 2)


def score(edits: int, ref_length: float) -> float:
    """TER in percent from summed edits and summed (mean) reference lengths."""
    if ref_length > 0:
        return 100 * (edits / ref_length)
    return 100 * 1.0 if edits > 0 else 0.0
