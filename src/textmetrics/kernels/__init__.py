"""Numba-compiled kernels over integer token ids. Each mirrors a function of ``textmetrics.reference`` and must
return exactly the same numbers (the property tests in ``tests/test_rouge_kernels.py`` hold them to it)."""
