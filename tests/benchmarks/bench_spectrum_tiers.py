"""Benchmarks of the mpmath and float64 spectrum tiers against a per-degree mpmath.quad baseline.

Not collected by the default test run (the file name does not start with ``test_``). Run with

    python -m pytest tests/benchmarks/bench_spectrum_tiers.py --benchmark-only -o python_files=bench_*.py

Targets (theory section 9.4 and the issue): all mu_k, k <= 1000, d = 10, 30 correct digits for the 2-layer
ReLU NTK with bias and the 3-layer ReLU NTK in about 2 s on one core; float64 k <= 1000, d <= 10 in
0.2 s. The baseline is adaptive tanh-sinh ``mpmath.quad`` of the Funk-Hecke integral in u, one degree
at a time, at the precision theory section 9.1 prescribes for 30 correct digits (P_k by the recurrence at
each quadrature node); it is timed at k = 100 and 200 and extrapolated to all k <= kmax with the
measured power law t(k) ~ k^p. Ratios go to ``benchmark.extra_info``.
"""

import math
import time

import mpmath
import pytest

from asympt.kernels.networks import ntk
from asympt.spectrum import float64
from asympt.spectrum import highprec
from asympt.core.sphere import funk_hecke_constant_mp, gegenbauer_table_mp

DIM = 10
DPS = 30
KERNELS = {"bias NTK": lambda: ntk("relu", 2, bias=1), "3-layer NTK": lambda: ntk("relu", 3)}
_BASELINE = {}          # (kernel name, k) -> seconds for one eigenvalue


def _kernel(name):
    kernel = KERNELS[name]()
    kernel(0.5)                      # lambdify the float64 and mpmath evaluators outside the timings
    kernel.mp(mpmath.mpf("0.5"))
    return kernel


def _baseline_eigenvalue(kernel, k):
    """mu_k by adaptive tanh-sinh in u at 30 + (alpha - (d - 2)/2) log10 k + 10 digits (alpha = d)."""
    dps = DPS + int((DIM - (DIM - 2) / 2) * math.log10(max(k, 2))) + 10
    with mpmath.workdps(dps):
        c = funk_hecke_constant_mp(DIM)
        e = mpmath.mpf(DIM - 3) / 2
        f = lambda u: kernel.mp(u) * gegenbauer_table_mp(DIM, k, [u])[k][0] * (1 - u * u) ** e  # noqa: E731
        return c * mpmath.quad(f, [-1, 0, 1])


def _baseline_seconds(name, k):
    if (name, k) not in _BASELINE:
        kernel = _kernel(name)
        start = time.perf_counter()
        _baseline_eigenvalue(kernel, k)
        _BASELINE[name, k] = time.perf_counter() - start
    return _BASELINE[name, k]


def _extrapolated_baseline(name, kmax):
    """sum_(k <= kmax) t(k) with t(k) = t(200) (k/200)^p fitted on k = 100, 200."""
    t100, t200 = _baseline_seconds(name, 100), _baseline_seconds(name, 200)
    p = math.log(t200 / t100, 2)
    return sum(t200 * (max(k, 1) / 200) ** p for k in range(kmax + 1)), p


@pytest.mark.parametrize("k", [100, 200])
@pytest.mark.parametrize("name", sorted(KERNELS))
def test_baseline_quad_per_degree(benchmark, name, k):
    kernel = _kernel(name)
    value = benchmark.pedantic(_baseline_eigenvalue, args=(kernel, k), rounds=1, iterations=1)
    _BASELINE[name, k] = benchmark.stats.stats.min
    mu = highprec.eigenvalues(kernel, DIM, k, digits=DPS)[k]
    with mpmath.workdps(60):
        benchmark.extra_info["relative difference to highprec"] = float(abs(value - mu.value) / abs(mu.value))
    assert abs(value - mu.value) <= mu.abs_error + abs(mu.value) * mpmath.mpf(10) ** -DPS


@pytest.mark.parametrize("cache", ["warm", "cold"])
@pytest.mark.parametrize("kmax", [200, 1000])
@pytest.mark.parametrize("name", sorted(KERNELS))
def test_highprec(benchmark, name, kmax, cache):
    kernel = _kernel(name)
    if cache == "warm":
        highprec.eigenvalues(kernel, DIM, kmax, digits=DPS)        # fills the node cache
        setup = None
    else:
        def setup():
            highprec._NODE_CACHE.clear()
    trace = []
    highprec._TRACE = trace
    try:
        mu = benchmark.pedantic(highprec.eigenvalues, args=(kernel, DIM, kmax), kwargs={"digits": DPS},
                                setup=setup, rounds=2 if cache == "warm" else 1, iterations=1)
    finally:
        highprec._TRACE = None
    assert min(m.digits for m in mu) >= DPS
    best = benchmark.stats.stats.min
    total, p = _extrapolated_baseline(name, kmax)
    benchmark.extra_info.update({
        "rules (nodes, bits)": [(n, b) for n, b, _ in trace[: len(trace) // max(1, 2 if cache == 'warm' else 1)]],
        "min digits": min(m.digits for m in mu),
        "baseline seconds per eigenvalue at k = 200": _baseline_seconds(name, 200),
        "baseline cost exponent p (t ~ k^p)": p,
        "baseline extrapolated seconds, all k <= kmax": total,
        "speed-up over baseline": total / best,
    })


@pytest.mark.parametrize("name", sorted(KERNELS))
def test_highprec_time_split(benchmark, name):
    """Where the time goes at kmax = 1000: nodes, kernel evaluations, fixed-point recurrence sums."""
    kernel = _kernel(name)
    kmax, n = 1000, 1080
    bits = highprec._initial_bits(DIM, kmax, DPS, highprec._kernel_scale(kernel))
    parts = {}

    def run():
        highprec._NODE_CACHE.clear()
        start = time.perf_counter()
        Y, W = highprec.gauss_legendre_fixed(n, bits + 24)
        parts["nodes"] = time.perf_counter() - start
        start = time.perf_counter()
        T, we, wo = [], [], []
        with mpmath.workprec(bits + 20):
            half_pi = mpmath.pi / 2
            for y, w in zip(Y, W):
                th = half_pi * mpmath.ldexp(y, -(bits + 24))
                c, s = mpmath.cos_sin(th)
                g, h = highprec._kernel_pair(kernel, th, c)
                base = half_pi * mpmath.ldexp(w, -(bits + 24)) * s ** (DIM - 2)
                T.append(mpmath.libmp.to_fixed(c._mpf_, bits))
                we.append(mpmath.libmp.to_fixed((base * (g + h))._mpf_, bits))
                wo.append(mpmath.libmp.to_fixed((base * (g - h))._mpf_, bits))
        parts["kernel and trigonometric values"] = time.perf_counter() - start
        start = time.perf_counter()
        highprec._gegenbauer_sums(DIM, kmax, T, we, wo, bits)
        parts["recurrence sums"] = time.perf_counter() - start

    benchmark.pedantic(run, rounds=1, iterations=1)
    benchmark.extra_info.update({f"seconds: {k}": v for k, v in parts.items()})
    benchmark.extra_info["bits"] = bits
    benchmark.extra_info["node method"] = "flint" if highprec._flint is not None else "python"


@pytest.mark.parametrize("method", ["flint", "python"])
def test_highprec_nodes(benchmark, method):
    if method == "flint" and highprec._flint is None:
        pytest.skip("python-flint not installed")

    def run():
        highprec._NODE_CACHE.clear()
        return highprec.gauss_legendre_fixed(1080, 257, method=method)

    benchmark.pedantic(run, rounds=2, iterations=1)


@pytest.mark.parametrize("cache", ["warm", "cold"])
@pytest.mark.parametrize("name", sorted(KERNELS))
def test_float64(benchmark, name, cache):
    kernel = _kernel(name)
    setup = float64.gauss_legendre_half.cache_clear if cache == "cold" else None
    if cache == "warm":
        float64.eigenvalues(kernel, DIM, 1000)
    result = benchmark.pedantic(float64.eigenvalues, args=(kernel, DIM, 1000), setup=setup,
                                rounds=5, iterations=1)
    mu, err = result.arrays()
    digits = [math.floor(math.log10(abs(m) / e)) if e > 0 and m != 0 else 0 for m, e in zip(mu, err)]
    benchmark.extra_info["last k with >= 3 digits"] = max(k for k, g in enumerate(digits) if g >= 3)
