"""Only the ahead-of-time compiled kernels; all metadata is in pyproject.toml.

``textmetrics.kernels._aot`` is built by numba.pycc from the ``@njit`` kernels (``textmetrics.kernels._build``). Where
it cannot be built (no C compiler, or ``TEXTMETRICS_NO_AOT=1``), the package installs without it and runs on Numba's
JIT, with a warning at import. ``TEXTMETRICS_REQUIRE_AOT=1`` turns that fallback into a build error (CI).
"""
import glob
import os
import sys

from setuptools import setup

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "src"))


def aot_extensions():
    required = os.environ.get("TEXTMETRICS_REQUIRE_AOT") == "1"
    if os.environ.get("TEXTMETRICS_NO_AOT") == "1":
        return []
    try:
        from textmetrics.kernels._build import make_cc

        cc = make_cc()  # CC() probes the C compiler: RuntimeError when there is none
    except (ImportError, RuntimeError) as exc:
        if required:
            raise
        print(f"textmetrics: building without compiled kernels ({exc}); they will run on Numba's JIT",
              file=sys.stderr)
        return []
    kernel_sources = sorted(glob.glob(os.path.join("src", "textmetrics", "kernels", "*.py")))
    return [cc.distutils_extension(optional=not required, depends=kernel_sources)]


setup(ext_modules=aot_extensions())
