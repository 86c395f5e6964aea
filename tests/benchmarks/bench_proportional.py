"""Benchmarks of the cavity estimator behind `asympt gd-risk` (asympt.proportional).

Not collected by the default test run. Run with

    python -m pytest tests/benchmarks/bench_proportional.py --benchmark-only -o python_files=bench_*.py -s

Target (issue 15): M = 4000, N = 2000, q = 2, T = 40 (trainer + estimator) in <= 30 s and <= 200 MB on
2 cores. The baseline is the reference trainer alone (plain GD, same data, same steps) timed in the same
run; the ratio (trainer + estimator) / trainer goes to ``benchmark.extra_info``. Memory is the
tracemalloc peak of the numerical work (numpy allocations; the interpreter and imported modules,
about 100 MB of resident memory, are not counted). The scaling test reports the fitted exponents of
the estimator's own cost in T and in M.

Process memory (issue 17 follow-up): the whole ``asympt gd-risk`` process at the acceptance size must
stay at or below 200 MB of peak RSS (measured 257 MB before the link stopped importing numpy.testing and
SciPy, the estimator's store became one array, and the per-step work went to blocks of samples; 198 MB
after). The baseline is the same command at a tiny size in the same run (the cost of the imports); the
difference is compared with the two arrays the run must hold, X (M N float64) and the float32 store
(M q^2 T (T + 1) / 2 entries).
"""

import os
import subprocess
import sys
import time
import tracemalloc

import numpy as np

from asympt.proportional import CavityEstimator, head, make_problem, train


def _link(s):
    return np.tanh(2 * s) + 0.3 * s


def _run(n, d, steps, with_estimator=True, window=None):
    h = head("two-layer", "tanh", width=2)
    P = make_problem(n, d, h, _link, 0.5, seed=0)
    lr = 0.4 / (1 + np.sqrt(n / d)) ** 2
    est = CavityEstimator(P.X, P.y, lr, h, window=window) if with_estimator else None
    out = []

    def cb(t, W, theta):
        if est is not None:
            out.append(est.step(W, theta).test_mse)

    train(P, h, lr, steps, head_lr=0.5, callback=cb)
    return out


def test_acceptance_run_m4000_n2000_t40(benchmark):
    n, d, steps = 4000, 2000, 40
    t0 = time.perf_counter()
    _run(n, d, steps, with_estimator=False)
    baseline = time.perf_counter() - t0

    tracemalloc.start()
    benchmark.pedantic(lambda: _run(n, d, steps), rounds=1, iterations=1)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    total = benchmark.stats.stats.mean
    benchmark.extra_info.update(seconds=total, trainer_seconds=baseline, ratio=total / baseline,
                                peak_mb=peak / 1e6)
    print(f"\nM={n} N={d} q=2 T={steps}: {total:.1f} s (trainer alone {baseline:.1f} s), peak {peak / 1e6:.0f} MB")
    assert peak <= 200e6
    assert total / baseline <= 6.0


def test_cost_growth_in_t_and_m(benchmark):
    """Estimator cost (total minus trainer) against T at M = 2000 and against M at T = 40."""
    def estimator_seconds(n, steps):
        t0 = time.perf_counter()
        _run(n, n // 2, steps, with_estimator=False)
        base = time.perf_counter() - t0
        t0 = time.perf_counter()
        _run(n, n // 2, steps)
        return max(time.perf_counter() - t0 - base, 1e-3)

    def measure():
        ts = [10, 20, 40, 80]
        ct = [estimator_seconds(2000, T) for T in ts]
        ms = [1000, 2000, 4000]
        cm = [estimator_seconds(M, 40) for M in ms]
        return ts, ct, ms, cm

    ts, ct, ms, cm = benchmark.pedantic(measure, rounds=1, iterations=1)
    slope_t = np.polyfit(np.log(ts), np.log(ct), 1)[0]
    slope_m = np.polyfit(np.log(ms), np.log(cm), 1)[0]
    benchmark.extra_info.update(T=ts, seconds_vs_T=ct, M=ms, seconds_vs_M=cm, exponent_T=slope_t, exponent_M=slope_m)
    print(f"\nestimator seconds vs T {dict(zip(ts, np.round(ct, 2)))}: exponent {slope_t:.2f}; "
          f"vs M {dict(zip(ms, np.round(cm, 2)))}: exponent {slope_m:.2f}")
    assert slope_t < 3.5              # O(T^3) at most (T^2 per step)


_PEAK = """import resource, runpy, sys
sys.argv = ["asympt"] + sys.argv[1:]
try:
    runpy.run_module("asympt", run_name="__main__")
except SystemExit:
    pass
sys.stderr.write("PEAK_KB %d\\n" % resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def _peak_mb(args):
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = dict(os.environ, PYTHONPATH=root, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    res = subprocess.run([sys.executable, "-c", _PEAK, "gd-risk", *args, "--json"], env=env, capture_output=True,
                         text=True, timeout=600)
    assert res.returncode == 0, res.stderr[-2000:]
    return int(res.stderr.rsplit("PEAK_KB", 1)[1].split()[0]) / 1024


def test_gd_risk_process_peak_rss(benchmark):
    """Peak RSS of the whole process at M = 4000, N = 2000, q = 2, T = 40 (with --simulate)."""
    n, d, q, steps = 4000, 2000, 2, 40
    baseline = _peak_mb(["-M", "100", "-N", "50", "-T", "2"])
    peak = benchmark.pedantic(lambda: _peak_mb(["-M", str(n), "-N", str(d), "-q", str(q), "-T", str(steps),
                                                "--simulate"]), rounds=1, iterations=1)
    arrays = (n * d * 8 + n * q * q * steps * (steps + 1) // 2 * 4) / 2**20
    benchmark.extra_info.update(peak_mb=peak, imports_mb=baseline, data_mb=arrays, overhead_mb=peak - baseline - arrays)
    print(f"\ngd-risk M={n} N={d} q={q} T={steps}: peak RSS {peak:.0f} MB (imports {baseline:.0f} MB, "
          f"X and the store {arrays:.0f} MB, the rest {peak - baseline - arrays:.0f} MB)")
    assert peak <= 200
    assert peak - baseline - arrays <= 0.15 * arrays      # temporaries stay small next to the data
