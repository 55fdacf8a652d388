"""The ABI of the compiled kernels: which Numba functions are entry points, under which export name and with
which typed signature. Pure Python (no Numba): ``kernels.engine`` reads it at import time to wrap every entry
point in an argument check, and ``setup.py`` (through ``build_extension``) compiles the same functions ahead of
time with ``numba.pycc``. One source of truth for both backends: the ``@njit`` functions of ``KERNEL_MODULES``.

Argument codes: ``i8``/``u8``/``f8``/``b1`` scalars; ``T[::1]`` a 1-D C-contiguous array of dtype ``T``,
``T[:, ::1]`` a 2-D one. An array argument ending in ``!`` is an *output* written in place: it must already have
exactly that dtype and layout (a copy would lose the result), anything else is coerced.
"""
from __future__ import annotations

import hashlib
import os

# the files whose source the compiled extension is built from (their digest is frozen into it)
KERNEL_MODULES = ("lcs", "rouge", "bleu", "bleu_tokenize", "tokenize", "porter", "chrf", "ter")

A = "i8[::1]"
# export name -> (kernel module, function, return type, argument codes)
EXPORTS: dict[str, tuple[str, str, str, tuple[str, ...]]] = {
    "lcs_length": ("lcs", "lcs_length", "i8", (A, A)),
    "score_pairs": ("rouge", "_score_pairs", "void", (
        "i8", "i8", A, A, A, A, A, A, "b1", "i8", A, "i8", A, A, "f8[::1]", "b1[::1]",
        "f8[:, ::1]!", "f8[:, ::1]!", "f8[:, ::1]!")),
    "first_argmax_per_group": ("rouge", "first_argmax_per_group", "i8[::1]", ("f8[::1]", A)),
    "group_sums": ("rouge", "group_sums", "f8[::1]", ("f8[::1]", A)),
    "tokenize_corpus": ("tokenize", "tokenize_corpus", "UniTuple(i8[::1], 6)", ("u1[::1]", A, "u1[::1]")),
    "stem_words": ("porter", "stem_words", "Tuple((u1[::1], i8[::1]))", ("u1[::1]", A, A)),
    "chrf_statistics": ("chrf", "_corpus_statistics", "i8[:, ::1]", (A, A, A, "i8", "i8", "i8", "f8", "f8", "i8")),
    "chrf_f_score": ("chrf", "_f_score", "f8", (A, "f8", "f8", "i8")),
    "ter_statistics": ("ter", "_corpus_statistics", "f8[:, ::1]", (A, A, A)),
    "ter_edits": ("ter", "_translation_edit_rate", "i8", (A, A)),
    "layout_error": ("rouge", "layout_error", "i8", (A, A, A, A, A, A, "i8", A, "i8", A, A)),
    "table_offsets": ("bleu", "_table_offsets", "i8[::1]", (A, A, "i8")),
    "largest_table": ("bleu", "_largest", "i8", (A,)),
    "build_tables": ("bleu", "_build", "Tuple((i8[::1], i4[::1]))", (A, A, A, "i8", A)),
    "candidate_statistics": ("bleu", "_candidate_statistics", "i8[:, ::1]",
                             (A, A, A, A, A, A, "i4[::1]", "i8")),
    "offsets_rise": ("bleu", "offsets_rise", "b1", (A, "i8")),
    "ids_within": ("bleu", "ids_within", "b1", (A, "i8", "i8")),
    "pool_statistics": ("bleu", "_pool_statistics", "i8[:, ::1]", (A, A, A, A, "i4[::1]", "i8")),
    "bleu_statistics": ("bleu", "_corpus_statistics", "i8[:, ::1]", (A, A, A, A, A, "i8", A)),
    "encode_lines": ("bleu_tokenize", "_encode", "Tuple((i8[::1], i8[::1], i8[::1], i8[::1], u4[::1], i8, i8))", (
        "u4[::1]", A, A, "i8", "b1", "b1[::1]", "u4[::1]", A, "b1[::1]", A, A, "u4[::1]", "i8", "i8")),
}


def signature(name: str) -> str:
    """The numba.pycc signature string of an export, e.g. ``"i8(i8[::1], i8[::1])"``."""
    _, _, ret, args = EXPORTS[name]
    return f"{ret}({', '.join(a.rstrip('!') for a in args)})"


def source_digest() -> str:
    """SHA-256 (16 hex digits) of the kernel sources: frozen into the extension when it is built, recomputed at
    import time, so an extension built from other sources is never used."""
    here = os.path.dirname(os.path.abspath(__file__))  # (os.path: pathlib costs ~10 ms of start-up)
    h = hashlib.sha256()
    for module in KERNEL_MODULES:
        with open(os.path.join(here, f"{module}.py"), "rb") as f:
            h.update(f.read())
    return h.hexdigest()[:16]
