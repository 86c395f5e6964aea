"""Benchmarks of spectra of smooth activations without a closed form (issue 13, speed target).

Not collected by the default test run. Run with

    python -m pytest tests/benchmarks/bench_smooth.py --benchmark-only -o python_files=bench_*.py

Target: ``asympt spectrum --dim 10 --activation tanh --kmax 200 --digits 30`` within 10 s on 2 cores.
The baseline measured in the same run is the closed-form ReLU NTK spectrum at the same d, kmax and
digits (exact tier, Gamma ratios); ratios go to ``benchmark.extra_info``. Caches of Hermite series
are cleared before every round (cold: the coefficients are part of the cost).
"""

import time

import mpmath
import pytest

from asympt.kernels.networks import ntk
from asympt.kernels import hermite
from asympt.spectrum import eigenvalues

DIM, KMAX, DIGITS = 10, 200, 30
_BASE = {}


def _clear():
    hermite._CACHE.clear()


def _baseline():
    if "relu" not in _BASE:
        kernel = ntk("relu")
        start = time.perf_counter()
        eigenvalues(kernel, DIM, KMAX, tier="exact", digits=DIGITS)
        _BASE["relu"] = time.perf_counter() - start
    return _BASE["relu"]


def test_baseline_relu_exact(benchmark):
    benchmark.pedantic(eigenvalues, args=(ntk("relu"), DIM, KMAX), kwargs={"tier": "exact", "digits": DIGITS},
                       rounds=1, iterations=1)
    _BASE["relu"] = benchmark.stats.stats.min


@pytest.mark.parametrize("name", ["tanh", "sigmoid", "softplus", "gelu", "silu"])
def test_smooth_spectrum(benchmark, name):
    kernel = ntk(name)
    spec = benchmark.pedantic(eigenvalues, args=(kernel, DIM, KMAX), kwargs={"tier": "mpmath", "digits": DIGITS},
                              setup=_clear, rounds=2, iterations=1)
    resolved = [e for e in spec if not e.structural_zero]
    assert all(e.abs_error <= abs(e.value) * mpmath.mpf(10) ** -DIGITS for e in resolved)
    best = benchmark.stats.stats.min
    benchmark.extra_info.update({
        "seconds": best,
        "relu exact-tier seconds (baseline)": _baseline(),
        "ratio to baseline": best / _baseline(),
        "smallest mu_k": mpmath.nstr(min(abs(e.value) for e in resolved), 3),
        "Hermite terms": max(s.N for s in hermite._CACHE.values()),
    })


def test_tanh_with_bias(benchmark):
    kernel = ntk("tanh", 2, bias=1)
    benchmark.pedantic(eigenvalues, args=(kernel, DIM, KMAX), kwargs={"tier": "mpmath", "digits": DIGITS},
                       setup=_clear, rounds=1, iterations=1)
    benchmark.extra_info["ratio to baseline"] = benchmark.stats.stats.min / _baseline()


def test_kernel_value_cold(benchmark):
    """One 30-digit tanh kernel value from scratch (was ~3 s per value before the Hermite series)."""
    kernel = ntk("tanh")

    def run():
        from asympt.kernels import numeric_duals

        numeric_duals._MP_NETWORKS.clear()
        _clear()
        with mpmath.workdps(30):
            return kernel.mp(mpmath.mpf("0.5"))

    benchmark.pedantic(run, rounds=2, iterations=1)
