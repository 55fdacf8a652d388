"""Which machine code runs the kernels, and the checked entry points every caller goes through.

The kernels are the ``@njit`` functions of the modules in ``_spec.KERNEL_MODULES``. They run in one of two backends:

* ``"aot"``: the extension ``textmetrics.kernels._aot``, compiled ahead of time from those same functions by
  ``numba.pycc`` when the package is built (``setup.py``). Importing and calling it loads neither Numba nor LLVM.
  It is used only when the digest of the kernel sources frozen into it equals the digest of the sources on disk,
  so an extension built from older sources is never run.
* ``"jit"``: Numba compiles the functions on first use (cached on disk). The fallback when the extension is
  missing (no C compiler at install time) or stale, and for development. Choosing it warns once.

``TEXTMETRICS_KERNELS`` = ``auto`` (default: aot if usable, else jit), ``aot`` (an error if unusable) or ``jit``.

On the aot backend, ``njit`` leaves each function as a stub: the kernel modules import without Numba. Calling a stub
directly (tests of internal helpers do) turns every stub into a real JIT dispatcher first (``jit_all``), so the
Python-visible behaviour is the same on both backends.

Callers never touch a raw export: ``K.<export name>`` is the export behind a wrapper that checks the argument count,
coerces every array to the dtype and layout of the signature (``_spec``) and every scalar to its type, and refuses
what cannot be converted without loss. (Raw exports check nothing: a wrong dtype, stride or ``None`` segfaults or
returns garbage.) Values (offsets in range, ids below the vocabulary size) are checked by the kernel modules'
Python wrappers, which know what the arrays mean.

Numba's cache and this package: a cached kernel is not recompiled when a function it calls, defined in another
file, changes. ``jit_all`` therefore keys the cache on the digest of all kernel sources: when it differs from the
digest recorded beside the cache, the kernel modules' cache files are deleted first.
"""
from __future__ import annotations

import importlib
import numbers
import operator
import os
import threading
import warnings
from types import SimpleNamespace

import numpy as np

from . import _spec

_ENV = "TEXTMETRICS_KERNELS"
_HERE = os.path.dirname(os.path.abspath(__file__))


class EngineWarning(RuntimeWarning):
    """The compiled kernels cannot be used: textmetrics runs on Numba's JIT (slow first calls)."""


def _choose() -> tuple[str, object, str]:
    mode = os.environ.get(_ENV, "auto").strip().lower() or "auto"
    if mode not in ("auto", "aot", "jit"):
        raise ValueError(f"{_ENV}={mode!r}: use 'auto', 'aot' or 'jit'")
    if mode == "jit":
        return "jit", None, f"{_ENV}=jit"
    try:
        from . import _aot  # type: ignore[attr-defined]
    except ImportError as exc:
        reason = f"the compiled kernels (textmetrics.kernels._aot) are not built ({exc})"
    else:
        built, here = _aot.source_digest(), _spec.source_digest()
        if built == here:
            return "aot", _aot, "compiled kernels match the kernel sources"
        reason = f"the compiled kernels are stale (built from kernel sources {built}, the sources are {here})"
    if mode == "aot":
        raise ImportError(f"{_ENV}=aot but {reason}; rebuild with `pip install .` or `make build`")
    warnings.warn(f"textmetrics: {reason}; using Numba's JIT, whose first calls compile for 10-40 s. "
                  "Rebuild with `pip install .` (or `make build` in a checkout).", EngineWarning, stacklevel=3)
    return "jit", None, reason


BACKEND, _AOT, REASON = _choose()

# ------------------------------------------------------------------------------------------ njit / stubs

_lock = threading.RLock()
_jitted = BACKEND == "jit"


class _Stub:
    """An ``@njit`` function not compiled by Numba (aot backend). Calling it JIT-compiles every kernel first."""

    def __init__(self, py_func, options):
        self.py_func = py_func
        self.options = options
        self.dispatcher = None
        self.__name__ = py_func.__name__
        self.__qualname__ = py_func.__qualname__
        self.__module__ = py_func.__module__
        self.__doc__ = py_func.__doc__

    def __call__(self, *args):
        jit_all()
        return self.dispatcher(*args)

    def __repr__(self) -> str:
        return f"<kernel {self.__module__}.{self.__name__} (not JIT-compiled)>"


def njit(**options):
    """``numba.njit(**options)`` on the jit backend; a ``_Stub`` on the aot backend."""
    def decorate(py_func):
        if _jitted:
            import numba

            return numba.njit(**options)(py_func)
        return _Stub(py_func, options)
    return decorate


def _cache_dirs():
    import pathlib  # only on the JIT path (pathlib costs ~10 ms of start-up)

    here = pathlib.Path(_HERE)
    dirs = [here / "__pycache__"]
    user = os.environ.get("NUMBA_CACHE_DIR")
    if user:
        dirs.append(pathlib.Path(user) / str(here.resolve()).lstrip(os.sep))
    return dirs


def _drop_stale_cache() -> None:
    """Delete the kernel modules' Numba cache files unless they were made from the current kernel sources."""
    digest = _spec.source_digest()
    for folder in _cache_dirs():
        stamp = folder / "textmetrics-kernels.digest"
        try:
            if stamp.read_text() == digest:
                continue
        except OSError:
            pass
        try:
            for module in _spec.KERNEL_MODULES:
                for pattern in (f"{module}.*.nbi", f"{module}.*.nbc"):
                    for path in folder.glob(pattern):
                        path.unlink(missing_ok=True)
            folder.mkdir(parents=True, exist_ok=True)
            stamp.write_text(digest)
        except OSError:  # a read-only install: Numba then caches elsewhere or not at all
            pass


def jit_all() -> None:
    """Replace every stub of every kernel module by a Numba dispatcher (imports Numba; compiles lazily)."""
    global _jitted, _converted
    with _lock:
        if _converted:
            return
        import numba

        if BACKEND == "aot":
            _drop_stale_cache()
        _jitted = True  # kernel modules imported from now on get dispatchers directly
        for module in [importlib.import_module(f"{__package__}.{m}") for m in _spec.KERNEL_MODULES]:
            for name, value in list(vars(module).items()):
                if isinstance(value, _Stub):
                    if value.dispatcher is None:
                        value.dispatcher = numba.njit(**value.options)(value.py_func)
                    setattr(module, name, value.dispatcher)
        _converted = True


_converted = False
if BACKEND == "jit":
    _drop_stale_cache()

# ------------------------------------------------------------------------------------- checked entry points

_DTYPES = {"i8": np.int64, "u8": np.uint64, "i4": np.int32, "u4": np.uint32, "u1": np.uint8, "f8": np.float64,
           "b1": np.bool_}
_INT64 = (-(1 << 63), (1 << 63) - 1)
_UINT64 = (0, (1 << 64) - 1)


def _describe(x) -> str:
    if isinstance(x, np.ndarray):
        layout = "C-contiguous" if x.flags.c_contiguous else "strided"
        return f"a {layout} {x.ndim}-D {x.dtype} array"
    return type(x).__name__


def _array_coercer(export: str, position: int, code: str):
    output = code.endswith("!")
    base, dims = code.rstrip("!").split("[", 1)
    dtype = np.dtype(_DTYPES[base])
    ndim = dims.count(",") + 1
    want = f"a C-contiguous {ndim}-D {dtype} array"

    def coerce(x):
        if type(x) is np.ndarray and x.dtype == dtype and x.ndim == ndim and x.flags.c_contiguous:
            if output and not x.flags.writeable:
                raise ValueError(f"kernel {export}: argument {position} is an output and must be writeable")
            return x
        if output:
            raise TypeError(f"kernel {export}: argument {position} is an output buffer: it must be {want}, "
                            f"got {_describe(x)}")
        try:
            array = np.asarray(x)
            if not isinstance(x, np.ndarray) and array.dtype != dtype and array.dtype.kind in "biufO":
                # a list: convert it directly (no detour through float64 for big ints), then check every value
                with np.errstate(all="ignore"):
                    direct = np.array(x, dtype=dtype)
                array = direct if np.array_equal(direct, array) else array
        except (ValueError, TypeError, OverflowError) as exc:
            raise TypeError(f"kernel {export}: argument {position} must be {want}: {exc}") from None
        if array.ndim != ndim:
            raise TypeError(f"kernel {export}: argument {position} must be {want}, got {_describe(x)}")
        if array.dtype != dtype and array.size and not np.can_cast(array.dtype, dtype, "safe"):
            # e.g. an int64 array for a uint8 argument: accepted when every value survives the conversion
            converted = None
            if array.dtype.kind in "biuf":
                with np.errstate(all="ignore"):
                    converted = array.astype(dtype)
            if converted is None or not np.array_equal(converted, array):
                raise TypeError(f"kernel {export}: argument {position} must be {want}; {_describe(x)} does not "
                                "convert without loss")
            return np.ascontiguousarray(converted)
        return np.ascontiguousarray(array, dtype=dtype)
    return coerce


def _scalar_coercer(export: str, position: int, code: str):
    if code in ("i8", "u8"):
        low, high = _INT64 if code == "i8" else _UINT64

        def coerce_int(x):
            try:
                value = operator.index(x)
            except TypeError:
                raise TypeError(f"kernel {export}: argument {position} must be an int, got {_describe(x)}") from None
            if not low <= value <= high:
                raise ValueError(f"kernel {export}: argument {position} = {value} is outside the {code} range")
            return value
        return coerce_int
    if code == "f8":
        def coerce_float(x):
            if isinstance(x, bool) or not isinstance(x, numbers.Real):
                raise TypeError(f"kernel {export}: argument {position} must be a float, got {_describe(x)}")
            return float(x)
        return coerce_float
    if code == "b1":
        def coerce_bool(x):
            if isinstance(x, (bool, np.bool_)):
                return bool(x)
            raise TypeError(f"kernel {export}: argument {position} must be a bool, got {_describe(x)}")
        return coerce_bool
    raise AssertionError(f"unknown argument code {code!r}")


def _checked(export: str, function):
    coercers = tuple((_array_coercer if "[" in code else _scalar_coercer)(export, k, code)
                     for k, code in enumerate(_spec.EXPORTS[export][3]))
    n_args = len(coercers)

    def call(*args):
        if len(args) != n_args:
            raise TypeError(f"kernel {export} takes {n_args} arguments, got {len(args)}")
        return function(*[coerce(a) for coerce, a in zip(coercers, args)])

    call.__name__ = export
    call.__doc__ = f"Checked entry point: {_spec.signature(export)}."
    return call


def raw(export: str):
    """The unchecked export (aot) or dispatcher (jit). Only for tests and benchmarks of the wrapper itself."""
    if BACKEND == "aot":
        return getattr(_AOT, export)
    module, function = _spec.EXPORTS[export][:2]
    value = getattr(importlib.import_module(f"{__package__}.{module}"), function)
    if isinstance(value, _Stub):
        jit_all()
        value = value.dispatcher
    return value


class _Kernels(SimpleNamespace):
    """``K.name(...)``: the checked entry point of export ``name`` (resolved on first use)."""

    def __getattr__(self, export: str):
        if export not in _spec.EXPORTS:
            raise AttributeError(f"no kernel export {export!r}")
        with _lock:
            checked = _checked(export, raw(export))
            setattr(self, export, checked)
        return checked


K = _Kernels()


def info() -> dict:
    """What runs the kernels: backend, why, the extension's path and whether Numba is imported."""
    import sys

    return {"backend": BACKEND, "reason": REASON,
            "extension": getattr(_AOT, "__file__", None),
            "source_digest": _spec.source_digest(),
            "numba_imported": sys.modules.get("numba") is not None}
