"""Exact parity zeros (issue 18.1) against independent parity splits.

Independent evidence, computed here and not with asympt's own series:
* the Hermite coefficients a_n = E[s(z) He_n(z)]/sqrt(n!) of the activation by mpmath quadrature
  (n <= 10): a polynomial parity part of degree m <=> a_n = 0 for every n of that parity above m;
* direct Funk-Hecke quadrature (Gauss-Legendre in u, d = 3, float64) of the kernel values:
  mu_k = 0 where asympt certifies a zero, clearly non-zero where it does not.
"""

import math

import numpy as np
import pytest
import sympy

from asympt.kernels.activations import activation, polynomial_parts
from asympt.kernels.networks import ntk

REGISTRY = ["relu", "step", "relu2", "relu3", "relu^1.5", "abs", "identity", "leaky_relu:0.1", "erf", "tanh",
            "sigmoid", "softplus", "gelu", "silu", "sin", "cos"]
USER = ["x**3 + tanh(x)", "erf(x) + x**2", "x*sigmoid(2*x) + 1", "exp(-x**2) + 3*x"]
NMAX = 10


def _hermite_coefficients(name, nmax=NMAX):
    """a_n = E[s(z) He_n(z)]/sqrt(n!) by Gauss-Legendre on [-14, 0] and [0, 14] (kinks sit at 0), float64."""
    xs = sympy.Symbol("x", real=True)
    f = sympy.lambdify(xs, activation(name).expr,
                       modules=[{"Heaviside": lambda z, h=0: np.where(z > 0, 1.0, np.where(z < 0, 0.0, h)),
                                 "Max": np.maximum, "Min": np.minimum}, "scipy", "numpy"])
    t, w = np.polynomial.legendre.leggauss(300)
    z = np.concatenate([(t - 1) * 7, (t + 1) * 7])
    wz = np.concatenate([w * 7, w * 7]) * np.exp(-z**2 / 2) / np.sqrt(2 * np.pi)
    fz = np.broadcast_to(np.asarray(f(z), dtype=float), z.shape)
    he_prev, he = np.zeros_like(z), np.ones_like(z)
    out = []
    for n in range(nmax + 1):
        out.append(float(np.sum(wz * fz * he)) / np.sqrt(float(math.factorial(n))))
        he_prev, he = he, z * he - n * he_prev  # He_(n+1) = z He_n - n He_(n-1)
    return out


@pytest.mark.parametrize("name", REGISTRY + USER)
def test_polynomial_parts_match_hermite_coefficients(name):
    """Every registry activation (no bias) and four expressions: parity parts vs Hermite coefficients."""
    parts = polynomial_parts(activation(name))
    a = _hermite_coefficients(name)
    tiny = 1e-11  # float64 quadrature of piecewise-smooth integrands of size 1 (measured errors ~1e-14)
    for p in (0, 1):
        coeffs = [abs(a[n]) for n in range(p, NMAX + 1, 2)]
        if parts[p] is None:
            # not a polynomial: some coefficient of this parity beyond degree 4 is non-zero
            assert max(abs(a[n]) for n in range(p + 4, NMAX + 1, 2)) > tiny, (name, p)
            continue
        m = -1 if parts[p] == 0 else sympy.Poly(parts[p], sympy.Symbol("x", real=True)).degree()
        for n in range(p, NMAX + 1, 2):
            if n > m:
                assert abs(a[n]) < tiny, (name, p, n, a[n])
        if m >= 0:
            assert abs(a[m]) > tiny, (name, p, m)
        assert coeffs  # at least one coefficient examined


def _mu(kernel, ks, n=400):
    """Funk-Hecke mu_k on S^2 (d = 3: c_d = 1/2, Legendre weight 1) by Gauss-Legendre in u (float64)."""
    u, w = np.polynomial.legendre.leggauss(n)
    vals = kernel(u)
    return {k: 0.5 * float(np.sum(w * vals * np.polynomial.legendre.legval(u, [0] * k + [1]))) for k in ks}


# (activation, layers, train, sigma_b): the kernel's expected zero parity beyond degree m
ZERO_CASES = [
    ("gelu", 2, "all", None, 1, 1), ("silu", 2, "all", None, 1, 1), ("softplus", 2, "last", None, 1, 1),
    ("sigmoid", 2, "all", None, 0, 0), ("sigmoid", 2, "last", None, 0, 0), ("gelu", 2, "last", None, 1, 1),
    ("erf(x) + x**2", 2, "all", None, 0, 2), ("erf", 2, "last", (0, 1), 0, 0),
    pytest.param("x**3 + tanh(x)", 3, "all", None, 0, -1, marks=pytest.mark.slow),
    pytest.param("erf", 3, "last", None, 0, -1, marks=pytest.mark.slow),
    pytest.param("abs", 3, "all", None, 1, -1, marks=pytest.mark.slow),
    ("relu2", 2, "all", None, 0, 2), ("relu", 2, "all", None, 1, 1),
]


@pytest.mark.parametrize("act,layers,train,sb,parity,degree", ZERO_CASES)
def test_certified_zeros_are_zero_by_quadrature(act, layers, train, sb, parity, degree):
    k = ntk(act, layers, sigma_b=sb, train=train)
    assert k.polynomial_degree(parity) == degree
    part = k.parity_part(parity)
    assert part.status == ("zero" if degree == -1 else "polynomial")
    ks = [j for j in range(parity, 9, 2)]
    mu = _mu(k, ks)
    kmax = float(np.max(np.abs(k(np.linspace(-1, 1, 41)))))
    for j in ks:
        if j > degree:
            assert abs(mu[j]) < 1e-11 * kmax, (j, mu[j])  # float64 evaluator: ~1e-13 relative per value
    other = _mu(k, range(1 - parity, 9, 2))
    assert max(abs(v) for v in other.values()) > 1e-6  # the other parity is alive


# Depth 3 mixes the parities: nothing may be certified, and indeed mu_3, mu_5 (or mu_2, mu_4) do not vanish.
@pytest.mark.parametrize("act,parity", [("relu", 1)] + [pytest.param(a, p, marks=pytest.mark.slow) for a, p in
                                                        [("gelu", 1), ("sigmoid", 0), ("erf(x) + x**2", 0)]])
def test_depth_three_mixes_and_nothing_is_claimed(act, parity):
    k = ntk(act, 3)
    assert k.polynomial_degree(parity) is None
    assert k.parity_part(parity).status in ("undecided", "not polynomial")
    mu = _mu(k, [parity + 2, parity + 4])
    assert max(abs(v) for v in mu.values()) > 1e-8


def test_polynomial_activation_depth_three_is_exact():
    """A polynomial activation keeps everything polynomial at any depth, with a first-layer bias too."""
    k = ntk("x**2 + x", 3, bias=1)
    even, odd = k.polynomial_degree(0), k.polynomial_degree(1)
    expr = sympy.expand(k.expr)
    u = sympy.Symbol("u", real=True)
    flip = expr.subs(u, -u)
    assert even == sympy.degree(sympy.expand((expr + flip) / 2), u)
    assert odd == sympy.degree(sympy.expand((expr - flip) / 2), u)
    assert not math.isnan(even + odd)
