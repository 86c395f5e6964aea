"""Benchmark of ``asympt horizon``: the formula side and the calibration, with their scaling.

Not collected by the default test run. Run with

    python -m pytest tests/benchmarks/bench_horizon.py --benchmark-only -o python_files=bench_*.py -s

Targets (issue 16): formula side (displacement of every layer at 5 times t <= 400, the loss law,
the onset of the power law) under 1 s; calibration (widths 250 and 1000, n = 1000 points, t <= 400,
2 seeds, d = 2 half-space with bias) about 2 minutes on 2 cores and under 300 MB. Machines are shared,
so times are also recorded as ratios to a baseline measured in the same run: one dense 1000 x 1000
symmetric eigendecomposition (the kernel side's main cost per seed). Each calibration runs in a fresh
subprocess so that its peak resident memory (ru_maxrss) is its own.

Cost model (what the scaling runs check): training is O(steps x n x m x d) (two n x m x d products
and a few n x m element-wise passes per step, float32), steps = t_max / eta; the kernel side is
O(n^3) per seed (Gram matrix eigendecomposition, float64) plus O(n x steps) for the kernel curve;
memory is O(n^2) (Gram, eigenvectors, one projected layer kernel per layer) plus O(n x m) float32
buffers and O(n x steps / stride) kept residuals (capped at 2e7 numbers per run).
"""

import json
import subprocess
import sys
import time

import numpy as np
import pytest

_CHILD = r"""
import json, resource, sys, time
t0 = time.perf_counter()
from asympt.dynamics.horizon import horizon
from asympt.kernels.networks import ntk
k = ntk("relu", 2, sigma_w=[1, 1], sigma_b=[1, 0])
n, widths, tmax = int(sys.argv[1]), [int(w) for w in sys.argv[2].split(",")], float(sys.argv[3])
out = horizon(k, 2, "halfspace", width=4000, calibrate=widths, samples=n, seeds=2, t_max=tmax)
print(json.dumps({"seconds": time.perf_counter() - t0,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "t_tol": None if isinstance(out.fit, str) else out.fit.t_tol}))
"""


def _baseline_seconds():
    a = np.random.default_rng(0).standard_normal((1000, 1000))
    a = a + a.T
    t0 = time.perf_counter()
    np.linalg.eigh(a)
    return time.perf_counter() - t0


def _child(n, widths, tmax):
    res = subprocess.run([sys.executable, "-c", _CHILD, str(n), widths, str(tmax)], capture_output=True, text=True,
                         check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def test_formula_side(benchmark):
    from asympt.dynamics.displacement import displacement, onset, population_curve
    from asympt.kernels.networks import ntk
    from asympt.laws.loss import loss_law
    from asympt.targets import parse_target

    k = ntk("relu", 2, sigma_w=[1, 1], sigma_b=[1, 0])
    target = parse_target("halfspace")

    def run():
        law = loss_law(k, 2, target)
        displacement(k, 2, target, [4, 12, 40, 120, 400], lr=0.5, widths=[250, 1000, 4000])
        onset(population_curve(k, 2, target, 0.5), law)

    run()                                        # warm the caches of the kernel and spectrum code
    benchmark.pedantic(run, rounds=3, iterations=1)
    base = _baseline_seconds()
    benchmark.extra_info["baseline_eigh_1000_s"] = base
    benchmark.extra_info["ratio_to_baseline"] = benchmark.stats.stats.mean / base
    print(f"\nformula side: {benchmark.stats.stats.mean:.3f} s (target < 1 s), {benchmark.stats.stats.mean / base:.1f}x "
          f"a 1000 x 1000 eigh")


@pytest.mark.parametrize(("n", "widths", "tmax"), [(1000, "250,1000", 400.0), (500, "250,1000", 400.0),
                                                   (1000, "250,500", 400.0), (1000, "250,1000", 200.0)])
def test_calibration(benchmark, n, widths, tmax):
    out = benchmark.pedantic(_child, args=(n, widths, tmax), rounds=1, iterations=1)
    base = _baseline_seconds()
    benchmark.extra_info.update(out)
    benchmark.extra_info["ratio_to_baseline"] = out["seconds"] / base
    print(f"\ncalibration n = {n}, widths {widths}, t_max {tmax}: {out['seconds']:.1f} s, peak {out['peak_mb']:.0f} MB "
          f"(target: about 120 s and < 300 MB at n = 1000, widths 250,1000, t_max 400)")
