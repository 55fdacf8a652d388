"""Build time only: the ``numba.pycc`` module compiling every export of ``_spec.EXPORTS`` (used by ``setup.py``)."""
from __future__ import annotations

import os
import warnings


def make_cc(output_dir: str | None = None):
    """A ``numba.pycc.CC`` for ``textmetrics.kernels._aot``: each export compiled from its ``@njit`` function's
    Python source, plus ``source_digest()`` returning the digest of the sources it was built from.

    Raises RuntimeError (from Numba) when no C compiler is available.
    """
    os.environ["TEXTMETRICS_KERNELS"] = "jit"  # the kernels' helpers must be real dispatchers while compiling
    import importlib

    from . import _spec, engine

    if engine.BACKEND != "jit":
        raise RuntimeError("textmetrics.kernels was imported before make_cc(); build in a fresh process")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PendingDeprecationWarning)  # numba.pycc is pending deprecation
        from numba.pycc import CC

    cc = CC("_aot")
    if output_dir is not None:
        cc.output_dir = output_dir
    for name, (module, function, _, _) in _spec.EXPORTS.items():
        kernel = getattr(importlib.import_module(f"{__package__}.{module}"), function)
        cc.export(name, _spec.signature(name))(kernel.py_func)
    digest = _spec.source_digest()

    def source_digest():
        return digest  # frozen into the binary

    cc.export("source_digest", "unicode_type()")(source_digest)
    return cc
