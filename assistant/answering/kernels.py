"""The numeric kernels a fit runs on, recorded beside the model it produced.

The same table and seed give the same model only under the same kernels: OpenBLAS picks its
code for the CPU it finds (AVX-512 on one machine, AVX2 on another), and the last bits of a
logistic regression's coefficients follow (a few in 1e-13 here). The model records what it
was fitted under, so a rebuild is held to the same bytes where the kernels are the same and
to the same decisions, with coefficients within rounding, where they are not.
"""

from __future__ import annotations


def numeric_kernels() -> dict[str, object]:
    """The libraries and CPU code paths that decide a fit's last bits, as plain JSON."""
    import numpy
    import scipy
    import scipy.linalg  # noqa: F401 - loads scipy's own BLAS, so it is listed whoever asks
    import sklearn
    from threadpoolctl import threadpool_info

    blas = sorted(
        f"{pool['internal_api']} {pool.get('version')} {pool.get('architecture')}"
        for pool in threadpool_info()
        if pool.get("user_api") == "blas"
    )
    return {
        "blas": blas,
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "scikit-learn": sklearn.__version__,
        # numpy's own loops dispatch on the CPU too (its sums, exp and log)
        "numpy_simd": _numpy_dispatch_targets(),
    }


def _numpy_dispatch_targets() -> list[str]:
    from numpy._core._multiarray_umath import __cpu_features__

    return sorted(name for name, present in __cpu_features__.items() if present)
