"""Benchmarks of the two-layer trainer behind `asympt spectral-bias --simulate` and `asympt regime --simulate`.

Not collected by the default test run. Run with

    python -m pytest tests/benchmarks/bench_dynamics.py --benchmark-only -o python_files=bench_*.py

Target: the issue's acceptance run (d = 3, n = 16000 samples, width 800, 200 full-batch steps) in tens of
seconds on a 2-core machine. The baseline is a straightforward float64 gradient step (new arrays every
step, derivative as a float64 0/1 matrix), timed in the same run; the ratio baseline / trainer goes to
``benchmark.extra_info`` and must exceed 1.5 (float32, preallocated n x m buffers, in-place ReLU).
"""

import time

import numpy as np

from asympt.numerics.twolayer import TwoLayerNet, sample_sphere

N, D, M, STEPS = 16000, 3, 800, 10


def _data():
    rng = np.random.default_rng(0)
    X = sample_sphere(N, D, rng)
    return X, X[:, 0] * X[:, 1]


def _naive_steps(X, y, steps, lr=4.0):
    rng = np.random.default_rng(1)
    a = rng.standard_normal(M)
    W = rng.standard_normal((M, D))
    alpha = np.sqrt(M)
    for _ in range(steps):
        H = X @ W.T
        S = np.maximum(H, 0.0)
        r = S @ a / alpha - y
        ga = S.T @ r / (N * alpha)
        gW = ((H > 0).astype(float) * r[:, None] * a[None, :]).T @ X / (N * alpha)
        a = a - lr * ga
        W = W - lr * gW
    return a


def test_trainer_step_speed(benchmark):
    X, y = _data()
    t0 = time.perf_counter()
    _naive_steps(X, y, STEPS)
    baseline = time.perf_counter() - t0

    def run():
        net = TwoLayerNet.init(D, M, seed=1)
        net.train(X, y, 4.0, STEPS)

    benchmark.pedantic(run, rounds=3, iterations=1)
    ratio = baseline / benchmark.stats.stats.mean
    benchmark.extra_info.update(baseline_seconds=baseline, ratio=ratio, steps=STEPS, n=N, width=M)
    assert ratio > 1.5


def test_regime_point_speed(benchmark):
    from asympt.dynamics.regime import simulate_regime

    out = benchmark.pedantic(lambda: simulate_regime([(0.5, 0)], [2000, 8000], seed=0), rounds=2, iterations=1)
    benchmark.extra_info.update(slope=out[0].slope)
    assert out[0].slope < 0
