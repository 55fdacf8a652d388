"""Plain-Python reference implementations: they read like the definitions and are the ground truth that the
Numba kernels in ``textmetrics.kernels`` must reproduce exactly."""
