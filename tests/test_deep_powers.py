"""Deep x_+^a kernels (issue 18.4): composed singular exponents and constants, and no internal errors.

References are independent of asympt's series arithmetic: the kernels are evaluated near u = 1 with
mpmath from the formulas of theory section 2 (kappa_0 and the 2F1 form of E_a) typed in here, and the
step-network eigenvalues by Gauss-Legendre Funk-Hecke quadrature in a variable where the kernel is smooth.
"""

import mpmath
import numpy as np
import pytest
import sympy
from scipy.special import eval_legendre, gammaln

from asympt.laws.decay import decay_law
from asympt.core.errors import AsymptError, NotSupported
from asympt.kernels.networks import ntk


def _E(a, r):
    a = mpmath.mpf(a)
    return 2**a / (4 * mpmath.pi) * (mpmath.gamma((a + 1) / 2) ** 2 * mpmath.hyp2f1(-a / 2, -a / 2, 0.5, r**2)
                                     + 2 * r * mpmath.gamma(a / 2 + 1) ** 2
                                     * mpmath.hyp2f1((1 - a) / 2, (1 - a) / 2, 1.5, r**2))


def _nngp(a, layers, u):
    """He scales, no bias: Sigma^1 = u, Sigma^(l+1) = 2 q^a E_a(Sigma^l / q), q the previous variance."""
    sig, q = u, mpmath.mpf(1)
    for _ in range(layers - 1):
        sig, q = 2 * q**a * _E(a, sig / q), 2 * q**a * _E(a, mpmath.mpf(1))
    return sig


def _fit(f, t1, t2):
    """Exponent and constant of f(1) - f(1 - t) ~ -c t^g from two small t (f given as a function of t)."""
    d1, d2 = f(t1), f(t2)
    g = mpmath.log(d1 / d2) / mpmath.log(t1 / t2)
    return g, d1 / t1**g


@pytest.mark.parametrize("a,layers,gamma,dps,t", [(0, 3, sympy.Rational(1, 4), 60, 40),
                                                  (sympy.Rational(1, 4), 3, sympy.Rational(9, 16), 120, 90)])
def test_infinite_slope_exponent_and_constant(a, layers, gamma, dps, t):
    """gamma_L = (a + 1/2)^(L-1) (theory section 4 correction) with the exact coefficient."""
    k = ntk(f"relu^{a}", layers, train="last")
    lead = k.singular(1, order=k.leading_order).leading
    assert lead.exponent == gamma and lead.log_power == 0
    am = mpmath.mpf(sympy.Rational(a).p) / sympy.Rational(a).q
    with mpmath.workdps(dps):
        one = _nngp(am, layers, mpmath.mpf(1))
        g, c = _fit(lambda s: one - _nngp(am, layers, 1 - s), mpmath.mpf(10) ** -t, mpmath.mpf(10) ** -(t + 5))
        # next term is t^(gamma + 1/4) or t^(3/4): relative size 10^(-t/8) at most
        tol = mpmath.mpf(10) ** (-t / 8 + 1)
        assert abs(g - mpmath.mpf(sympy.N(gamma, dps))) < tol
        assert abs(-c - mpmath.mpf(sympy.N(lead.coeff, dps))) < tol * abs(c) * 10


@pytest.mark.slow
def test_three_layer_step_decay_constant_by_quadrature():
    """mu_k / (c_+ mu_k[(1-u)^(1/4)]) -> 1 with the k^(-1/2) correction of the t^(1/2) term at u = -1."""
    k = ntk("step", 3, train="last")
    law = decay_law(k, 3)
    assert law.alpha == sympy.Rational(5, 2)
    A = float(law.A(0))
    x, w = np.polynomial.legendre.leggauss(6000)
    S = np.sqrt(np.pi)
    s, ws = (x + 1) * S / 2, w * S / 2
    th = s**2  # theta = s^2 makes kappa0(kappa0(cos theta)) ~ theta^(1/2) smooth in s
    kk = 1 - np.arccos(np.clip(1 - th / np.pi, -1, 1)) / np.pi
    ratios = {}
    for kdeg in (100, 200, 400):
        mu = 0.5 * np.sum(ws * 2 * s * kk * eval_legendre(kdeg, np.cos(th)) * np.sin(th))
        # A k^-alpha with the exact Gamma ratio Gamma(k - 1/4)/Gamma(k + 9/4) k^(5/2) -> 1
        law_k = A * np.exp(gammaln(kdeg - 0.25) - gammaln(kdeg + 2.25))
        ratios[kdeg] = mu / law_k
    rich = {k2: (ratios[k2] * np.sqrt(k2) - ratios[k2 // 2] * np.sqrt(k2 / 2)) / (np.sqrt(k2) - np.sqrt(k2 / 2))
            for k2 in (200, 400)}
    assert abs(rich[400] - 1) <= 3 * abs(rich[400] - rich[200]) + 1e-6


def test_half_power_at_depth_three_refuses_with_reason():
    k = ntk("relu^1/2", 3, train="last")
    with pytest.raises(NotSupported, match="log\\(log"):
        k.singular(1)
    assert k.polynomial_degree(0) is None  # no crash in the parity certificate either
    # the decay law (and so a table row, `asympt xi`) passes the kernel's reason on
    with pytest.raises(NotSupported, match="u = \\+1: relu\\^1/2 with 3 or more layers.*log\\(log"):
        decay_law(k, 3)


def _run(a, layers, train):
    try:
        k = ntk(f"relu^{a}", layers, train=train)
        for end in (1, -1):
            k.singular(end, order=k.leading_order)
        k.polynomial_degree(0), k.polynomial_degree(1)
        decay_law(k, 3)
    except AsymptError:
        pass  # a refusal with its reason is fine; anything else fails the test


@pytest.mark.parametrize("a", ["0", "1/4", "1/2"])
def test_small_powers_deep_last_layer(a):
    _run(a, 3, "last")


@pytest.mark.slow
@pytest.mark.parametrize("a", ["0", "1/4", "1/2", "3/4", "1", "3/2"])
@pytest.mark.parametrize("layers", [3, 4])
def test_every_train_mode_finishes_or_refuses(a, layers):
    for train in ["all", "last"] + [str(i) for i in range(1, layers + 1)]:
        _run(a, layers, train)
