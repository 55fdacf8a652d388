"""Input checks shared by every public function: one module, one semantics, one message per kind of mistake.

* ``checked_options``: the decorator on every public function and method. Options are explicit, keyword-only
  parameters (never ``**kwargs``), so IDEs and type checkers see them; a misspelt keyword is a ``TypeError`` that
  names it and the closest option (``rouge_l() got an unknown option 'alfa' (did you mean 'alpha'?)``), raised
  before anything runs. ``renamed={old: new}`` keeps an old keyword working for a while, with a
  ``DeprecationWarning``. ``functools.wraps`` keeps ``inspect.signature`` the real one.
* ``check_choice``, ``check_bool``, ``check_int``, ``check_text``: one value each.
* ``check_references`` (one segment's references), ``check_corpus`` (a references-first corpus, always returned as
  ``(list of reference lists, list of candidates)``), ``flatten_references`` (the flat layout of the batch engine).

The empty corpus, everywhere alike: every function that *scores* a corpus (``bleu``, ``chrf``, ``ter``, ``rouge``,
``nltk_bleu``, the ``*_from_statistics`` functions given zero rows, the Dask and significance functions ...) raises
``ValueError("empty corpus: ...")`` (``EMPTY_CORPUS`` is the message's start); the *statistics* functions
(``bleu_statistics``, ``chrf_statistics``, ``ter_statistics``, ``BleuScorer.statistics``, ``NltkBleuPool.statistics``)
return an array with zero rows, so that a shard may be empty: scoring those zero rows is the error.
"""
from __future__ import annotations

import difflib
import functools
import inspect
import numbers
import warnings
from collections.abc import Callable, Iterable, Mapping
from itertools import repeat
from typing import Any, ParamSpec, TypeVar, overload

import numpy as np

P = ParamSpec("P")
R = TypeVar("R")

BACKENDS = ("numba", "python")
EMPTY_CORPUS = "empty corpus"

_NAMED = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)


# ------------------------------------------------------------------------------------------ the decorator

def _display_name(fn: Callable) -> str:
    qualname = getattr(fn, "__qualname__", getattr(fn, "__name__", "function"))
    return qualname[: -len(".__init__")] if qualname.endswith(".__init__") else qualname


def unknown_option(where: str, key: str, known: Iterable[str]) -> TypeError:
    """The TypeError for a keyword ``where`` does not take, naming the closest known one."""
    known = sorted(k for k in known if k != "self")
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]!r}?)" if close else f"; its options are {', '.join(known)}"
    return TypeError(f"{where}() got an unknown option {key!r}{hint}")


@overload
def checked_options(fn: Callable[P, R]) -> Callable[P, R]: ...


@overload
def checked_options(fn: None = None, *,
                    renamed: Mapping[str, str] | None = None) -> Callable[[Callable[P, R]], Callable[P, R]]: ...


def checked_options(fn: Callable[P, R] | None = None, *, renamed: Mapping[str, str] | None = None):
    """Check the keyword arguments of ``fn`` by name before calling it (see the module docstring).

    Use as ``@checked_options`` or ``@checked_options(renamed={"smooth": "smooth_method"})``.
    """
    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        parameters = inspect.signature(function).parameters
        if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()):
            raise TypeError(f"{_display_name(function)}: public functions take explicit keywords, not **kwargs")
        known = frozenset(name for name, p in parameters.items() if p.kind in _NAMED)
        old_names = dict(renamed or {})
        for old, new in old_names.items():
            if new not in known or old in known:
                raise TypeError(f"{_display_name(function)}: cannot rename {old!r} to {new!r}")
        where = _display_name(function)

        def fix(kwargs: dict) -> dict:
            fixed = {}
            for key, value in kwargs.items():
                if key in known:
                    fixed[key] = value
                    continue
                new = old_names.get(key)
                if new is None:
                    raise unknown_option(where, key, known)
                if new in kwargs:
                    raise TypeError(f"{where}() got both {key!r} and its new name {new!r}: give {new!r} only")
                warnings.warn(f"{where}(): the option {key!r} is now called {new!r}; {key!r} will be removed",
                              DeprecationWarning, stacklevel=3)
                fixed[new] = value
            return fixed

        @functools.wraps(function)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            if kwargs and not known.issuperset(kwargs):
                kwargs = fix(kwargs)  # type: ignore[assignment]
            return function(*args, **kwargs)

        wrapper.__checked_options__ = known  # type: ignore[attr-defined]
        return wrapper

    return decorate if fn is None else decorate(fn)


# ---------------------------------------------------------------------------------------------- one value

def check_choice(name: str, value: Any, choices: Iterable[str]) -> str:
    """``value`` if it is one of the strings ``choices``; ValueError otherwise (a non-str is never a choice)."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"unknown {name} {value!r}; choose one of {list(choices)}")
    return value


def check_backend(backend: Any) -> str:
    return check_choice("backend", backend, BACKENDS)


def check_bool(name: str, value: Any) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be bool, got {type(value).__name__}")
    return bool(value)


def check_int(name: str, value: Any, minimum: int, maximum: int | None = None, *, hint: str = "") -> int:
    """An int (numpy integers too, never a bool) in ``minimum .. maximum``: TypeError or ValueError otherwise."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    value = int(value)
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}{hint}, got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be <= {maximum}{hint}, got {value}")
    return value


def check_text(text: Any, what: str = "text") -> str:
    if not isinstance(text, str):
        raise TypeError(f"{what} must be str, got {type(text).__name__}")
    return text


# ----------------------------------------------------------------------------------------------- corpora

def check_references(refs: Any, what: str = "references") -> list[str]:
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


def check_segment_list(name: str, value: Any, single: str = "") -> list:
    """A per-segment list (any iterable but a string); ``single`` names the one-segment function for the message."""
    if isinstance(value, (str, bytes)) or value is None or not hasattr(value, "__iter__"):
        hint = f" (use {single} for a single candidate)" if single else " (wrap a single text in a list)"
        raise TypeError(f"{name} must be a list with one entry per segment, got {type(value).__name__}{hint}")
    return list(value)


def check_candidates(candidates: Any, single: str = "") -> list[str]:
    candidates = check_segment_list("candidates", candidates, single)
    if not all(map(isinstance, candidates, repeat(str))):
        for i, candidate in enumerate(candidates):
            check_text(candidate, f"candidates[{i}]")
    return candidates


def check_reference_sets(references: Any, single: str = "") -> list[list[str]]:
    """``references[i]`` (a str or a non-empty list of str) as a list of str, for every segment."""
    references = check_segment_list("references", references, single)
    checked = []
    for i, refs in enumerate(references):
        if isinstance(refs, str):
            checked.append([refs])
        elif isinstance(refs, list) and refs and all(map(isinstance, refs, repeat(str))):
            checked.append(refs)  # already what check_references would return (never modified)
        else:
            checked.append(check_references(refs, f"references[{i}]"))
    return checked


def check_not_empty(n_segments: int, what: str = "candidates") -> None:
    if n_segments == 0:
        raise ValueError(f"{EMPTY_CORPUS}: no {what} to score; give at least one segment")


def check_corpus(references: Any, candidates: Any, single: str = "", *,
                 allow_empty: bool = False) -> tuple[list[list[str]], list[str]]:
    """``(references as lists of str, candidates)`` of a references-first corpus: ``references[i]`` holds the
    reference(s) of ``candidates[i]``. TypeError for a wrong type, ValueError for different lengths, a segment
    without references or an empty corpus (unless ``allow_empty``: the statistics functions)."""
    candidates = check_segment_list("candidates", candidates, single)
    references = check_segment_list("references", references, single)
    if len(references) != len(candidates):
        raise ValueError(f"{len(candidates)} candidates but {len(references)} reference entries: references[i] "
                         "must hold the reference(s) of candidates[i]")
    if not allow_empty:
        check_not_empty(len(candidates))
    return check_reference_sets(references), check_candidates(candidates)


def flatten_references(references: list[list[str]]) -> tuple[list[str], np.ndarray]:
    """The references of a checked corpus back to back, and offsets: segment i's are
    ``flat[offsets[i]:offsets[i + 1]]``."""
    offsets = np.zeros(len(references) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, references), dtype=np.int64, count=len(references)), out=offsets[1:])
    if offsets[-1] == len(references):  # one reference per segment
        return [refs[0] for refs in references], offsets
    return [r for refs in references for r in refs], offsets


def nrefs(references: list[list]) -> int | str:
    """The signature's ``nrefs``: the number of references per segment, or ``"var"`` when it varies."""
    counts = {len(r) for r in references}
    return counts.pop() if len(counts) == 1 else "var"


# ------------------------------------------------------------------------------------------- BLEU options

BLEU_MAX_ORDER = 100  # n-gram orders beyond this are all zero for any real text; bounds memory and time
BLEU_SMOOTHING = {"none": None, "floor": 0.1, "add-k": 1, "exp": None}  # sacrebleu's methods -> default value
NLTK_SMOOTHING = tuple(f"method{i}" for i in range(8))


def check_max_order(max_order: Any) -> int:
    """A BLEU n-gram order in 1 .. ``BLEU_MAX_ORDER``."""
    try:
        return check_int("max_order", max_order, 1, BLEU_MAX_ORDER)
    except ValueError:
        raise ValueError(f"max_order must be in 1 .. {BLEU_MAX_ORDER}, got {max_order}") from None


def check_bleu_smoothing(smooth_method: Any, smooth_value: Any) -> Any:
    """sacrebleu's smoothing method and its value: the value to use (its default when None; None for ``exp`` and
    ``none``, which take none)."""
    if smooth_method in NLTK_SMOOTHING:
        raise ValueError(f"smooth_method={smooth_method!r} is NLTK's; NLTK's BLEU has its own formula and scale: use "
                         f"nltk_bleu/nltk_sentence_bleu (token lists) with smooth_method={smooth_method!r}")
    check_choice("smooth_method", smooth_method, BLEU_SMOOTHING)
    default = BLEU_SMOOTHING[smooth_method]
    if default is None:
        if smooth_value is not None:
            raise ValueError(f"smooth_value applies to 'floor' and 'add-k' only, not to {smooth_method!r}")
        return None
    if smooth_value is None:
        return default
    if isinstance(smooth_value, bool) or not isinstance(smooth_value, numbers.Real):
        raise TypeError(f"smooth_value must be a number, got {type(smooth_value).__name__}")
    if not float(smooth_value) >= 0:
        raise ValueError(f"smooth_value must be >= 0, got {smooth_value!r}")
    return smooth_value
