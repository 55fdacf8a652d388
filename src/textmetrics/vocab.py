"""Interning of string tokens to dense integer ids, the input of every Numba kernel."""
from __future__ import annotations

from typing import Hashable, Iterable, Sequence

import numpy as np


class Vocabulary:
    """Maps hashable tokens to ids 0, 1, 2, ... in order of first appearance."""

    def __init__(self) -> None:
        self._ids: dict[Hashable, int] = {}

    def __len__(self) -> int:
        return len(self._ids)

    def encode(self, tokens: Iterable[Hashable]) -> np.ndarray:
        ids = self._ids
        setdefault = ids.setdefault
        return np.fromiter((setdefault(t, len(ids)) for t in tokens), dtype=np.int64)


def encode_pair(a: Sequence[Hashable], b: Sequence[Hashable]) -> tuple[np.ndarray, np.ndarray]:
    """Encode two token sequences with one shared vocabulary."""
    vocab = Vocabulary()
    return vocab.encode(a), vocab.encode(b)
