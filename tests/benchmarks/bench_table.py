"""Benchmark of ``asympt table --jobs 2`` against one process on a slice of the grid.

Not collected by the default test run. Run with

    python -m pytest tests/benchmarks/bench_table.py --benchmark-only -o python_files=bench_*.py -s

The issue asks for at least 1.7 times the single-process speed with two local processes. The baseline
(``jobs=1``) is timed in the same run on the same slice; the speed-up goes to ``benchmark.extra_info``
and is printed, beside a control: the speed-up of a pure-Python loop on 2 processes, measured in the same
run (on a machine whose cores are busy with other jobs, no code can beat it). The slice has 32 kernel groups (8 activations x bias x training, 2 layers) and every
target on d = 3, 4, 5, 10 and 20 (1200 rows), so that the groups are many enough to balance over
two workers.
"""

import os
import time

import pytest

from asympt import __version__
from asympt import tables as T

SLICE = T.Grid(activations=("relu^0", "relu^1/2", "relu", "relu^3/2", "relu^2", "relu^3", "abs", "erf"),
               layers=(2,), dims=(3, 4, 5, 10, 20))
_BASE = {}


def _burn(n):
    s = 0
    for i in range(n):
        s += i * i
    return s


def machine_speedup(n=10_000_000, tasks=4):
    """Control: speed-up of 2 processes over 1 on a pure-Python loop, measured now. On a loaded machine
    (other jobs on the cores) it falls below 2 and bounds what any parallel code can show."""
    from concurrent.futures import ProcessPoolExecutor

    t0 = time.perf_counter()
    for _ in range(tasks):
        _burn(n)
    one = time.perf_counter() - t0
    t0 = time.perf_counter()
    with ProcessPoolExecutor(2) as ex:
        list(ex.map(_burn, [n] * tasks))
    return one / (time.perf_counter() - t0)


def _build(tmp_path, jobs):
    out = tmp_path / f"bench_{jobs}_{time.perf_counter_ns()}.csv"
    return T.build_table(SLICE, [str(out)], command="bench", version=__version__, jobs=jobs, resume=False)


@pytest.fixture(scope="module")
def baseline(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bench_table")
    t0 = time.perf_counter()
    res = _build(tmp, 1)
    _BASE["seconds"] = time.perf_counter() - t0
    _BASE["rows"] = res["rows"]
    return _BASE


def test_two_processes_vs_one(benchmark, baseline, tmp_path):
    res = benchmark.pedantic(_build, args=(tmp_path, 2), rounds=1, iterations=1)
    two = benchmark.stats.stats.mean
    ratio = baseline["seconds"] / two
    control = machine_speedup()
    benchmark.extra_info.update({"rows": res["rows"], "seconds_jobs1": round(baseline["seconds"], 2),
                                 "seconds_jobs2": round(two, 2), "speedup": round(ratio, 3),
                                 "machine_control_speedup": round(control, 3)})
    print(f"\n{res['rows']} rows: jobs=1 {baseline['seconds']:.1f} s, jobs=2 {two:.1f} s, speed-up {ratio:.2f}x "
          f"(issue target: >= 1.7x); control: a pure-Python loop gets {control:.2f}x from 2 processes right now")
    assert res["computed"] == baseline["rows"]


# ---- the whole full grid (opt-in: about 6 + 11 minutes on 2 cores) ------------------------------------

@pytest.mark.skipif(not os.environ.get("ASYMPT_BENCH_FULL"), reason="set ASYMPT_BENCH_FULL=1: about 17 minutes")
def test_full_grid_two_processes_vs_one(benchmark, tmp_path):
    """``--grid full`` (24840 rows) with 2 processes, then with 1, each beside the pure-Python control.
    The issue's budget: at most 15 minutes with 2 processes on 2 cores. Both runs must give the same bytes."""
    full = T.GRIDS["full"]

    def run(jobs):
        out = tmp_path / f"full_{jobs}.csv"
        t0 = time.perf_counter()
        T.build_table(full, [str(out)], command="bench", version=__version__, jobs=jobs, resume=False)
        return time.perf_counter() - t0, out.read_bytes()

    control_before = machine_speedup()
    (two, bytes2) = benchmark.pedantic(run, args=(2,), rounds=1, iterations=1)
    control_mid = machine_speedup()
    one, bytes1 = run(1)
    control_after = machine_speedup()
    benchmark.extra_info.update({"seconds_jobs2": round(two, 1), "seconds_jobs1": round(one, 1),
                                 "speedup": round(one / two, 3),
                                 "machine_control_speedup": [round(c, 3) for c in
                                                             (control_before, control_mid, control_after)]})
    print(f"\nfull grid: jobs=2 {two:.0f} s, jobs=1 {one:.0f} s, speed-up {one / two:.2f}x; control "
          f"{control_before:.2f}, {control_mid:.2f}, {control_after:.2f}x")
    print(f"budget: 900 s with 2 processes ({'within' if two <= 900 else 'OVER'}; on a loaded machine compare "
          "the speed-up with the control rather than the seconds)")
    assert bytes1 == bytes2


# ---- per-row times of a slice of the grid (on demand; not a pytest benchmark) -------------------------

def time_rows(grid, path, groups=None):
    """Compute every row of ``grid`` in one process, group after group, and write one line per row to
    ``path`` (tab-separated: key columns, kind, wall-clock seconds, CPU seconds; building the kernel and its
    singular expansions counts in the group's first row; on a shared machine the CPU seconds are the
    figure to compare). ``groups``: a subset of group keys, e.g. a sample of deep kernels.
    Returns the total wall-clock seconds."""
    total = 0.0
    with open(path, "w", encoding="utf-8") as fh:
        for group, rows in T.grid_groups(grid):
            if groups is not None and group not in groups:
                continue
            seconds = []
            t0 = time.perf_counter()
            out = T.compute_group(group, rows, seconds=seconds)
            total += time.perf_counter() - t0
            for (key, wall, cpu), row in zip(seconds, out):
                fh.write("\t".join(map(str, key)) + f"\t{row['kind']}\t{wall:.3f}\t{cpu:.3f}\n")
            fh.flush()
    return total


if __name__ == "__main__":
    # python tests/benchmarks/bench_table.py OUT.tsv LAYERS [ACTIVATIONS] [DIMS]
    import sys

    layers = tuple(int(x) for x in sys.argv[2].split(","))
    kw = {"layers": layers}
    if len(sys.argv) > 3 and sys.argv[3] != "all":
        kw["activations"] = tuple(sys.argv[3].split(","))
    if len(sys.argv) > 4:
        kw["dims"] = tuple(int(x) for x in sys.argv[4].split(","))
    print(f"{time_rows(T.Grid(**kw), sys.argv[1]):.1f} s", flush=True)
