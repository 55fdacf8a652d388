"""Input checks shared by chrF and TER: the reference-first, per-segment layout of ``textmetrics.bleu``.

``references[i]`` holds the reference (a str) or references (a non-empty list of str; the number may vary between
segments) of ``candidates[i]``. sacrebleu takes the transpose, one stream per reference position with ``None`` for a
missing one: ``metric(refs, cands)`` equals sacrebleu's ``corpus_score(cands, streams)`` when ``streams[k][i]`` is
``refs[i][k]`` (or ``None``).
"""
from __future__ import annotations

from itertools import repeat

import numpy as np

BACKENDS = ("numba", "python")


def check_bool(name: str, value) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be bool, got {type(value).__name__}")
    return bool(value)


def check_backend(backend) -> str:
    if not isinstance(backend, str) or backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; choose one of {list(BACKENDS)}")
    return backend


def check_text(text, what: str) -> str:
    if not isinstance(text, str):
        raise TypeError(f"{what} must be str, got {type(text).__name__}")
    return text


def check_references(refs, what: str) -> list[str]:
    """One segment's references as a non-empty list of str (a bare str is one reference)."""
    if isinstance(refs, str):
        return [refs]
    if refs is None or isinstance(refs, (bytes, bytearray)) or not hasattr(refs, "__iter__"):
        raise TypeError(f"{what} must be a str or a list of str, got {type(refs).__name__}")
    refs = list(refs)
    if not refs:
        raise ValueError(f"{what} is empty: every candidate needs at least one reference")
    for k, ref in enumerate(refs):
        check_text(ref, f"{what}[{k}]")
    return refs


def _segment_list(name: str, value, single: str) -> list:
    if isinstance(value, (str, bytes)) or value is None or not hasattr(value, "__iter__"):
        raise TypeError(f"{name} must be a list with one entry per segment, got {type(value).__name__} "
                        f"(use {single} for a single candidate)")
    return list(value)


def check_corpus(references, candidates, single: str) -> tuple[list[list[str]], list[str]]:
    """``(references as lists of str, candidates)``; ``single`` names the sentence-level function for messages."""
    candidates = _segment_list("candidates", candidates, single)
    references = _segment_list("references", references, single)
    if len(references) != len(candidates):
        raise ValueError(f"{len(candidates)} candidates but {len(references)} reference entries: references[i] "
                         "must hold the reference(s) of candidates[i]")
    if not candidates:
        raise ValueError("the corpus is empty: give at least one candidate")
    if not all(map(isinstance, candidates, repeat(str))):
        for i, candidate in enumerate(candidates):
            check_text(candidate, f"candidates[{i}]")
    checked = []
    for i, refs in enumerate(references):
        if isinstance(refs, str):
            checked.append([refs])
        elif isinstance(refs, list) and refs and all(map(isinstance, refs, repeat(str))):
            checked.append(refs)
        else:
            checked.append(check_references(refs, f"references[{i}]"))
    return checked, candidates


def nrefs(references: list[list]) -> int | str:
    """The signature's ``nrefs``: the number of references per segment, or ``"var"`` when it varies."""
    counts = {len(r) for r in references}
    return counts.pop() if len(counts) == 1 else "var"


def signature(nrefs_value, fields: list[tuple[str, object]], version: str) -> str:
    """``key:value|...`` with ``nrefs`` first and ``version`` last; None values are left out, bools print yes/no."""
    parts = []
    for key, value in [("nrefs", nrefs_value), *fields]:
        if value is None:
            continue
        if isinstance(value, bool):
            value = "yes" if value else "no"
        parts.append(f"{key}:{value}")
    parts.append(f"version:textmetrics-{version}")
    return "|".join(parts)
