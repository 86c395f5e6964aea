"""Benchmarks of exact loss curves (issue 17: ``asympt curve`` was slow at high precision).

Not collected by the default test run. Run with

    python -m pytest tests/benchmarks/bench_curve.py --benchmark-only -o python_files=bench_*.py

Targets: 20 points to t = 1e16 at 25 digits under 10 s for the ReLU settings, 40 digits within ~30 s.
Two baselines are measured in the same run and the ratios go to ``benchmark.extra_info``:

* the closed-form ReLU NTK spectrum to k = 3000 at 30 digits (a fixed amount of mpmath work: the curve
  cannot be cheaper than its own eigenvalues);
* the previous tail summation (``mpmath.nsum`` by Euler-Maclaurin per time and parity, as before issue 17)
  against :class:`asympt.laws.curve._LawTail` on the same summand and times.
"""

import math
import time

import mpmath
import pytest

from asympt.kernels.networks import ntk
from asympt.laws.curve import _analytic_energy, _LawTail, asymptotic_regime, loss_curve
from asympt.laws.decay import decay_law
from asympt.laws.loss import loss_law
from asympt.spectrum import eigenvalues
from asympt.targets import parse_target

_BASE = {}
TIMES = [float(f"{math.exp(i * math.log(1e16) / 19):.12g}") for i in range(20)]


def _baseline():
    if "spectrum" not in _BASE:
        start = time.perf_counter()
        eigenvalues(ntk("relu"), 3, 3000, tier="exact", digits=30)
        _BASE["spectrum"] = time.perf_counter() - start
    return _BASE["spectrum"]


def test_baseline_relu_spectrum(benchmark):
    benchmark.pedantic(eigenvalues, args=(ntk("relu"), 3, 3000), kwargs={"tier": "exact", "digits": 30},
                       rounds=1, iterations=1)
    _BASE["spectrum"] = benchmark.stats.stats.min


def _cli_curve(kernel, dim, target, digits):
    """What ``asympt curve --points 20 --tmin 1 --tmax 1e16`` computes: the curve and the regime scan."""
    law = loss_law(kernel, dim, target)
    pts = loss_curve(kernel, dim, target, TIMES, digits=digits, law=law)
    asymptotic_regime(kernel, dim, target, law, t_hi=1e16)
    return pts


@pytest.mark.parametrize("setting,digits", [(("relu", 0, 3, "neuron"), 15), (("relu", 0, 3, "neuron"), 25),
                                            (("relu", 0, 3, "neuron"), 40), (("relu", 1, 2, "halfspace"), 25)])
def test_curve_20_points(benchmark, setting, digits):
    act, bias, dim, target = setting
    kernel = ntk(act, bias=bias) if bias else ntk(act)
    pts = benchmark.pedantic(_cli_curve, args=(kernel, dim, target, digits), rounds=1, iterations=1)
    assert len(pts) == 20 and all(p.loss.abs_error < abs(p.loss.value) for p in pts)
    best = benchmark.stats.stats.min
    benchmark.extra_info.update({"seconds": best, "spectrum seconds (baseline)": _baseline(),
                                 "ratio to baseline": best / _baseline()})


def _old_tail(e_of, mu_of, k0, t):
    f = lambda j: e_of(k0 + 2 * j) * -mpmath.expm1(-2 * mu_of(k0 + 2 * j) * t)  # noqa: E731
    df = lambda j: e_of(k0 + 2 * j) * 2 * mu_of(k0 + 2 * j) * mpmath.exp(-2 * mu_of(k0 + 2 * j) * t)  # noqa: E731
    return (mpmath.nsum(f, [0, mpmath.inf], method="euler-maclaurin"),
            mpmath.nsum(df, [0, mpmath.inf], method="euler-maclaurin"))


def test_tail_against_previous_nsum(benchmark):
    dl = decay_law(ntk("relu"), 3)
    e_of = _analytic_energy(parse_target("neuron:relu"), 3, 0)

    def mu_of(k):
        return dl.gamma_ratio_mp_real(k, 0)

    times = [mpmath.mpf(10) ** j for j in (2, 4, 6, 8, 10)]

    def new():
        tail = _LawTail(e_of, mu_of, 402, max(times), 37)
        return [tail.at(t) for t in times]

    with mpmath.workdps(40):
        start = time.perf_counter()
        old = [_old_tail(e_of, mu_of, 402, t) for t in times]
        old_seconds = time.perf_counter() - start
        res = benchmark.pedantic(new, rounds=1, iterations=1)
        # the sums agree where nsum works (its derivative sum is lost once the first terms underflow)
        for (S, _, eS, _), (S0, _) in zip(res, old):
            assert abs(S - S0) < abs(S) * mpmath.mpf(10) ** -30
    best = benchmark.stats.stats.min
    benchmark.extra_info.update({"seconds": best, "previous nsum seconds (baseline)": old_seconds,
                                 "ratio to baseline": best / old_seconds})
