"""k(+1) and k(-1) of deep closed-form kernels against an independent layer recursion.

The reference runs the NNGP / NTK recursion itself (He scales, sigma_b = 1 in every layer), with every
Gaussian expectation E[phi(h) phi(h')] taken by a tensor Gauss-Hermite rule (numpy, 250 nodes per axis)
instead of asympt's closed-form dual kernels. For the entire activations used here (sin, cos, erf) that
rule converges geometrically (the erf derivative e^(-2 q z^2) most slowly); the tolerance is the change
between 150 and 250 nodes, times 10, plus float64 rounding (1e-13 relative).

These are the kernels whose end values used to be simplified by SymPy for minutes (4-layer sin with a
bias) or into a wrong expression with a free symbol (k(-1) of the 4-layer sin NNGP with a bias).
"""

import math

import numpy as np
import pytest
import sympy

from asympt.kernels.networks import ntk


def _rule(n):
    z, w = np.polynomial.hermite_e.hermegauss(n)
    return z, w / w.sum()                # probabilists' Gauss-Hermite: E[f(z)], z ~ N(0, 1)


RULES = {n: _rule(n) for n in (150, 250)}

_PHI = {
    "sin": (np.sin, np.cos),
    "cos": (np.cos, lambda x: -np.sin(x)),
    "erf": (np.vectorize(math.erf), lambda x: 2 / math.sqrt(math.pi) * np.exp(-x * x)),
}


def _pair_moment(f, q1, q2, c, n=250):
    """E[f(h) f(h')] for centred Gaussians with variances q1, q2 and covariance c (tensor Gauss-Hermite)."""
    _Z, _W = RULES[n]
    rho = max(-1.0, min(1.0, c / math.sqrt(q1 * q2)))
    z1 = _Z[:, None]
    z2 = rho * _Z[:, None] + math.sqrt(max(0.0, 1 - rho * rho)) * _Z[None, :]
    vals = f(math.sqrt(q1) * z1) * f(math.sqrt(q2) * z2)
    return float(np.sum(_W[:, None] * _W[None, :] * vals))


def _reference(act, layers, u, train, n=250):
    """k(u) by the recursion of theory section 2, with He scales and sigma_b = 1 in every layer."""
    phi, dphi = _PHI[act]
    sw2 = [1.0] + [2.0] * (layers - 1)
    sb2 = [1.0] * layers
    q = sw2[0] + sb2[0]                  # Sigma^1(x, x) on the unit sphere
    c = sw2[0] * u + sb2[0]               # Sigma^1(x, x')
    theta = c
    for l in range(1, layers):
        v = _pair_moment(phi, q, q, c, n)
        vd = _pair_moment(dphi, q, q, c, n)
        vq = _pair_moment(phi, q, q, q, n)
        c_next = sw2[l] * v + sb2[l]
        theta = theta * sw2[l] * vd + c_next
        c, q = c_next, sw2[l] * vq + sb2[l]
    return theta if train == "all" else c


CASES = [("sin", 4, "all"), ("sin", 4, "last"), ("sin", 3, "all"), ("cos", 4, "last"), ("erf", 4, "all"),
         ("erf", 4, "last")]


@pytest.mark.parametrize("act, layers, train", CASES)
def test_end_values_against_a_gauss_hermite_recursion(act, layers, train):
    k = ntk(act, layers, bias=1, train=train)
    for end in (1, -1):
        ref = _reference(act, layers, float(end), train)
        # the rule's own error, from the change between 150 and 250 nodes (x 10), plus float64 rounding
        tol = 10 * abs(ref - _reference(act, layers, float(end), train, n=150)) + 1e-13 * abs(ref)
        exact = k.end_value(end)
        assert not exact.free_symbols
        assert abs(float(sympy.N(exact, 20)) - ref) <= tol
        # the float64 evaluator uses the exact end values at u = +-1 (1 - rho would round otherwise)
        assert abs(float(k(np.array([float(end)]))[0]) - ref) <= tol + 1e-15 * abs(ref)
        if end == 1:
            assert abs(float(sympy.N(k.value_at_one, 20)) - ref) <= tol


def test_reference_sees_a_wrong_depth_and_a_wrong_bias():
    """Control: the comparison above resolves the kernel it names (another depth or bias is far away)."""
    k = ntk("sin", 4, bias=1, train="all")
    v = float(sympy.N(k.end_value(-1), 20))
    assert abs(_reference("sin", 3, -1.0, "all") - v) > 1e-3 * v
    assert abs(float(sympy.N(ntk("sin", 4, train="all").end_value(-1), 20)) - v) > 1e-3 * v


@pytest.mark.parametrize("wrong", [lambda e: e + sympy.Rational(1, 10**25), lambda e: e + sympy.Dummy() * 0 + sympy.Dummy()])
def test_a_wrong_simplification_is_not_kept(monkeypatch, wrong):
    """k(1) is tidied by SymPy's simplify only when the tidy form is the same number without a free symbol:
    a form 1e-25 off, or one holding a free symbol (as SymPy produced for the 4-layer sin NNGP), is refused."""
    from asympt.kernels import kernel as K

    value = sympy.exp(-1) * sympy.sinh(sympy.Integer(2)) + 1
    monkeypatch.setattr(K.sympy, "simplify", wrong)
    assert K._tidy_constant(value) == value


def test_a_right_simplification_is_kept():
    """e^-2 (e^4 - 1)/2 is sinh(2) (by definition); the guard keeps that form, and it is the same number as
    math.sinh(2)."""
    from asympt.kernels import kernel as K

    value = sympy.exp(-2) * (sympy.exp(4) - 1) / 2
    tidy = K._tidy_constant(value)
    assert tidy != value and tidy == sympy.sinh(2)
    assert abs(float(tidy) - math.sinh(2)) <= 1e-15 * math.sinh(2)


@pytest.mark.parametrize("act, train", [("relu^1/2", "last"), ("relu^3/2", "last"), ("relu^3/2", "all")])
def test_an_exact_zero_end_value_stays_exactly_zero(act, train):
    """Without a bias, h(x') = -h(x) at u = -1, and x_+^a(z) x_+^a(-z) = 0 for every z (so is the
    derivative product): k(-1) = 0 exactly. The closed form gives it as a combination of 2F1(..; 1) that
    only simplification reduces to 0; the float evaluator must return 0.0, not a rounding residue."""
    k = ntk(act, 2, train=train)
    assert k.end_value(-1) == 0
    assert float(k(np.array([-1.0]))[0]) == 0.0
