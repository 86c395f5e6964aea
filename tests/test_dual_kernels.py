"""Dual maps V(q, c) = E[s(z1)s(z2)], Vd = E[s'(z1)s'(z2)] against direct 2-D quadrature.

The reference integrates the Gaussian expectation directly (scipy nested adaptive quadrature,
with the kink of the activation as a breakpoint); it shares no formula with the closed forms.
"""

import math

import numpy as np
import pytest
import sympy
from scipy import integrate, special

from asympt.kernels.activations import activation
from asympt.kernels.dual_kernels import dual_map

Q = 1.7  # a non-unit variance exercises the homogeneity / variance handling


def _funcs(name):
    relu = lambda z: np.maximum(z, 0.0)  # noqa: E731
    step = lambda z: float(z > 0)  # noqa: E731
    table = {
        "relu": (relu, step),
        "step": (step, None),
        "relu2": (lambda z: relu(z) ** 2, lambda z: 2 * relu(z)),
        "relu^1.5": (lambda z: relu(z) ** 1.5, lambda z: 1.5 * relu(z) ** 0.5),
        "relu^0.75": (lambda z: relu(z) ** 0.75, None),
        "leaky_relu:0.2": (lambda z: z if z > 0 else 0.2 * z, lambda z: 1.0 if z > 0 else 0.2),
        "abs": (abs, lambda z: math.copysign(1.0, z)),
        "identity": (lambda z: z, lambda z: 1.0),
        "erf": (special.erf, lambda z: 2 / math.sqrt(math.pi) * math.exp(-z * z)),
        "sin": (math.sin, math.cos),
        "cos": (math.cos, lambda z: -math.sin(z)),
        "x**3 - x": (lambda z: z**3 - z, lambda z: 3 * z * z - 1),
    }
    return table[name]


def _gauss2(f, g, q, c):
    """E[f(z1) g(z2)], (z1, z2) ~ N(0, [[q, c], [c, q]]), by nested adaptive quadrature."""
    rho = c / q
    s = math.sqrt(max(1 - rho * rho, 0.0))
    sq = math.sqrt(q)
    phi = lambda t: math.exp(-t * t / 2) / math.sqrt(2 * math.pi)  # noqa: E731

    def inner(a):
        if s == 0:
            return g(sq * rho * a)
        brk = -rho * a / s
        val = integrate.quad(lambda b: phi(b) * g(sq * (rho * a + s * b)), -12, 12, points=[brk],
                             epsabs=1e-13, epsrel=1e-12, limit=200)[0]
        return val

    return integrate.quad(lambda a: phi(a) * f(sq * a) * inner(a), -12, 12, points=[0.0], epsabs=1e-13,
                          epsrel=1e-12, limit=200)[0]


CASES = ["relu", "step", "relu2", "relu^1.5", "relu^0.75", "leaky_relu:0.2", "abs", "identity", "erf", "sin",
         "cos", "x**3 - x"]


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("rho", [-0.93, 0.0, 0.41, 0.97])
def test_nngp_map_matches_quadrature(name, rho):
    f, _ = _funcs(name)
    c = rho * Q
    ref = _gauss2(f, f, Q, c)
    got = float(sympy.N(dual_map(activation(name)).V_sym(sympy.Rational(17, 10), sympy.nsimplify(c)), 20))
    assert got == pytest.approx(ref, rel=2e-8, abs=1e-10)


@pytest.mark.parametrize("name", [n for n in CASES if _funcs(n)[1] is not None])
@pytest.mark.parametrize("rho", [-0.8, 0.3, 0.95])
def test_derivative_map_matches_quadrature(name, rho):
    _, df = _funcs(name)
    c = rho * Q
    ref = _gauss2(df, df, Q, c)
    got = float(sympy.N(dual_map(activation(name)).Vd_sym(sympy.Rational(17, 10), sympy.nsimplify(c)), 20))
    assert got == pytest.approx(ref, rel=2e-8, abs=1e-10)


def test_relu_map_reduces_to_theory_arccos_form():
    # theory section 2: E[relu relu] = kappa1(u)/2, E[step step] = kappa0(u)/2 at unit variance
    r = sympy.Symbol("r")
    dm = dual_map(activation("relu"))
    k1 = (sympy.sqrt(1 - r**2) + r * (sympy.pi - sympy.acos(r))) / sympy.pi
    assert sympy.simplify(dm.V_sym(1, r) - k1 / 2) == 0
    assert sympy.simplify(dm.Vd_sym(1, r) - (1 - sympy.acos(r) / sympy.pi) / 2) == 0
