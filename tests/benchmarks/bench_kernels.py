"""Benchmarks of deep and biased kernels: singular expansions and laws (issue 14 item 4, issue 13 speed).

Not collected by the default test run. Run with

    python -m pytest tests/benchmarks/bench_kernels.py --benchmark-only -o python_files=bench_*.py

Targets: ``asympt xi --dim 5 --activation erf --bias 1 --layers 3`` <= 5 s; ``xi`` with the leaky_relu and
abs neuron targets <= 3 s; any single row of ``asympt table --grid full`` (3-4 layers, with and without
bias) <= 5 s. The baseline measured in the same run is the law of the 2-layer He ReLU NTK at d = 5 (closed
forms throughout); every case reports its ratio to it in ``benchmark.extra_info``. Every round starts
from cold caches (the expansions' lru caches, layer variances) and a fresh kernel object.
"""

import pytest

from asympt.kernels import expansions, layers
from asympt.kernels.networks import ntk
from asympt.laws.loss import loss_law
from asympt.targets import parse_target

DIM = 5
_BASE = {}


def _cold():
    for fn in (expansions._taylor, expansions._unit_endpoint, expansions._Ea_endpoint, expansions._endpoint,
               layers.variances, layers._gauss_moment):
        fn.cache_clear()


def _law(act, n_layers, bias, train="all", target="neuron"):
    kernel = ntk(act, n_layers, bias=bias, train=train)
    return loss_law(kernel, DIM, parse_target(target, default_activation=kernel.network.activation.name))


def _baseline():
    if "relu" not in _BASE:
        import time

        _cold()
        start = time.perf_counter()
        _law("relu", 2, None)
        _BASE["relu"] = time.perf_counter() - start
    return _BASE["relu"]


def _record(benchmark):
    best = benchmark.stats.stats.min
    benchmark.extra_info.update({"seconds": best, "relu 2-layer law seconds (baseline)": _baseline(),
                                 "ratio to baseline": best / _baseline()})


def test_baseline_relu_law(benchmark):
    benchmark.pedantic(_law, args=("relu", 2, None), setup=_cold, rounds=3, iterations=1)
    _BASE["relu"] = benchmark.stats.stats.min


@pytest.mark.parametrize("act, n_layers, bias", [
    ("erf", 3, 1),              # issue 13: 38-58 s before (SymPy series of the erf map at u = +-1)
    ("leaky_relu", 2, None),    # 12.6 s before (SymPy series of the closed form at rho = +-1)
    ("abs", 2, None),           # 5.5 s before
])
def test_xi_cases(benchmark, act, n_layers, bias):
    law = benchmark.pedantic(_law, args=(act, n_layers, bias), setup=_cold, rounds=2, iterations=1)
    assert law.kind
    _record(benchmark)


@pytest.mark.parametrize("act, n_layers, train", [
    ("relu^3", 4, "all"),       # 81 s before (exact Taylor coefficients at the biased end u = -1)
    ("relu^3/2", 4, "all"),     # > 120 s before
    ("erf", 4, "all"),          # did not finish in 5 min before
    ("relu^3", 4, "last"),
    ("leaky_relu", 4, "all"),
    ("abs", 4, "all"),
])
def test_full_grid_rows_with_bias(benchmark, act, n_layers, train):
    law = benchmark.pedantic(_law, args=(act, n_layers, 1, train), setup=_cold, rounds=1, iterations=1)
    assert law.kind
    _record(benchmark)


def test_singular_expansion_four_layer_relu3_bias(benchmark):
    """The part of the relu^3 row that stays symbolic: the expansion at the kink end u = +1."""

    def run():
        kernel = ntk("relu^3", 4, bias=1)
        return kernel.singular(1, order=kernel.leading_order)

    exp = benchmark.pedantic(run, setup=_cold, rounds=1, iterations=1)
    assert exp.terms
    _record(benchmark)
