"""Eigenvalue laws against theory section 5's table and against computed eigenvalues.

The constants below are typed from theory section 5 (derived there from closed-form Funk-Hecke
coefficients), not from asympt's singular-expansion route; the ratio checks use eigenvalues from
the closed-form tier (Gamma products summed from the power series), a different algorithm again.
"""

import mpmath
import pytest
import sympy
from sympy import gamma, pi

from asympt.laws.decay import decay_law
from asympt.kernels.networks import nngp, ntk

G = lambda d: gamma(sympy.Rational(d, 2))  # noqa: E731


def _table(name, d):
    """(alpha, A_even, A_odd) from theory section 5's table."""
    if name == "relu_ntk":
        return d, 2 ** (d - 1) * G(d) ** 2 / pi**2, 0
    if name == "relu_ntk_bias":
        return d, 2 ** (d - sympy.Rational(3, 2)) * G(d) ** 2 / pi**2, 2 ** (d - sympy.Rational(3, 2)) * G(d) ** 2 / pi**2
    if name == "relu_ntk_L3":
        return d, 7 * 2 ** (d - 3) * G(d) ** 2 / pi**2, 5 * 2 ** (d - 3) * G(d) ** 2 / pi**2
    if name == "kappa1":  # He ReLU NNGP = kappa1
        return d + 2, 2**d * G(d) * gamma(sympy.Rational(d, 2) + 1) / pi**2, 0
    if name == "kappa0":  # He step NNGP = kappa0
        return d, 0, 2 ** (d - 1) * G(d) ** 2 / pi**2
    if name.startswith("Ea"):  # He x_+^a NNGP = 2 E_a
        a = sympy.Rational(name[2:])
        K = gamma(a + 1) ** 2 * 2 ** (a + d - 3) * G(d) * gamma(a + sympy.Rational(d, 2)) / pi**2
        return d + 2 * a, 2 * (1 - sympy.cos(pi * a)) * K, 2 * (1 + sympy.cos(pi * a)) * K
    if name.startswith("ntk_a"):  # x_+^a NTK, L = 2, sigma_w2^2 = 2
        a = sympy.Rational(name[5:])
        K = gamma(a + 1) ** 2 * 2 ** (a + d - 4) * G(d) * gamma(a + sympy.Rational(d, 2) - 1) / pi**2
        return d + 2 * a - 2, 2 * (1 - sympy.cos(pi * a)) * K, 2 * (1 + sympy.cos(pi * a)) * K
    raise KeyError(name)


KERNELS = {
    "relu_ntk": lambda: ntk("relu"),
    "relu_ntk_bias": lambda: ntk("relu", bias=1),
    "relu_ntk_L3": lambda: ntk("relu", 3),
    "kappa1": lambda: nngp("relu"),
    "kappa0": lambda: nngp("step"),
    "Ea3/2": lambda: nngp("relu^3/2"),
    "Ea7/10": lambda: nngp("relu^0.7"),
    "ntk_a2": lambda: ntk("relu2"),
    "ntk_a13/10": lambda: ntk("relu^1.3"),
}


@pytest.mark.parametrize("name", sorted(KERNELS))
@pytest.mark.parametrize("d", [2, 3, 10])
def test_constants_match_theory_table(name, d):
    law = decay_law(KERNELS[name](), d)
    alpha, A_even, A_odd = _table(name, d)
    assert law.alpha == alpha
    for p, ref in ((0, A_even), (1, A_odd)):
        got = law.A(p)
        assert sympy.N(got - ref, 40) == 0 or abs(sympy.N((got - ref) / ref, 40)) < 1e-35


@pytest.mark.parametrize(("name", "zeros"), [("relu_ntk", "odd k > 1"), ("kappa1", "odd k > 1"),
                                             ("kappa0", "even k > 0"), ("ntk_a2", "even k > 2"),
                                             ("relu_ntk_bias", "none"), ("relu_ntk_L3", "none"),
                                             ("Ea3/2", "none")])
def test_exact_zero_degrees(name, zeros):
    # theory section 5: ReLU NTK odd k >= 3, step even k >= 2, ReLU^2 NTK even k >= 4; bias/depth: none
    assert decay_law(KERNELS[name](), 5).zero_degrees == zeros


def test_eigen_index_constant_one_parity_and_both():
    # theory section 1: Lambda = A ((d-1)!)^-nu for one parity class, A ((d-1)!/2)^-nu for both
    d = 5
    law = decay_law(ntk("relu"), d)
    nu = sympy.Rational(d, d - 1)
    assert law.nu == nu
    assert abs(sympy.N(law.Lambda - law.A(0) * sympy.factorial(d - 1) ** (-nu), 30)) < 1e-25
    law = decay_law(ntk("relu", bias=1), d)
    assert abs(sympy.N(law.Lambda - law.A(0) * (sympy.factorial(d - 1) / 2) ** (-nu), 30)) < 1e-25


@pytest.mark.parametrize(("name", "d"), [("relu_ntk", 3), ("relu_ntk", 10), ("kappa0", 4), ("Ea3/2", 3)])
def test_ratio_to_law_tends_to_one_at_rate_one_over_k(name, d):
    from asympt.spectrum.closed_forms import exact_eigenvalues

    k = KERNELS[name]()
    law = decay_law(k, d)
    p = 0 if law.A(0) != 0 else 1
    ks = [100 + p, 200 + p, 400 + p]
    mus = exact_eigenvalues(k, d, ks[-1])
    with mpmath.workdps(30):
        dev = [abs(mpmath.mpf(sympy.N(mus[j] / law.approx(j), 30)) - 1) for j in ks]
    # O(1/k): doubling k roughly halves the deviation
    assert dev[0] < 30 * d / ks[0]
    assert 1.6 < dev[0] / dev[1] < 2.5 and 1.6 < dev[1] / dev[2] < 2.5
    # the Gamma-ratio approximant of theory section 9.5 is uniformly better
    with mpmath.workdps(30):
        g = law.gamma_ratio_mp(ks[0])
        assert abs(mpmath.mpf(sympy.N(mus[ks[0]], 30)) / g - 1) < dev[0] / 10
