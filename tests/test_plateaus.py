"""Plateaus L_inf = 1/2 sum_{mu_k = 0} e_k for every (activation parity x target parity) pair (issue 13.1).

Independent side: the energy a kernel never learns is computed here from the target FUNCTION, not from
asympt's per-degree energies: ||f_p||^2 = E_t[f_p(t)^2] with f_p(t) = (g(t) + (-1)^p g(-t))/2 by mpmath
quadrature against the density c_d (1 - t^2)^((d-3)/2) of t = w.x, minus the learnable low modes
e_0 = E[g]^2 and e_1 = d E[g(t) t]^2 (also by quadrature). Sobolev targets have no function, only the
defining energies T (k^-2s - (k+1)^-2s): their parity sums are summed directly with mpmath.nsum.
Kernel parity classes (2 layers, no bias; theory section 7, parity caveat):
  odd activation (erf): k(u) odd, mu_k = 0 on every even k      -> L_inf = 1/2 ||f_even||^2
  even activation (abs): k(u) even, mu_k = 0 on every odd k     -> L_inf = 1/2 ||f_odd||^2
  relu (odd part x/2): odd part of k(u) linear, mu_k = 0 for odd k >= 3 -> L_inf = 1/2 (||f_odd||^2 - e_1)
"""

import functools

import mpmath
import pytest
import sympy

from asympt.laws.loss import loss_law
from asympt.kernels.networks import ntk

DIMS = [2, 3, 10]


def _E(f, d, breaks=()):
    """E_t[f(t)] = c_d int_0^pi f(cos th) sin^(d-2) th dth (smooth in th; split at the jumps of f)."""
    cd = mpmath.gamma(mpmath.mpf(d) / 2) / (mpmath.sqrt(mpmath.pi) * mpmath.gamma(mpmath.mpf(d - 1) / 2))
    pts = sorted({mpmath.mpf(0), mpmath.pi, *(mpmath.acos(b) for b in breaks)})
    return cd * mpmath.quad(lambda th: f(mpmath.cos(th)) * mpmath.sin(th) ** (d - 2), pts)


def _g(spec):
    if spec == "halfspace":
        return (lambda t: 1 if t > 0 else 0), (0,)
    if spec == "cap:1":
        c = mpmath.cos(1)
        return (lambda t: 1 if t > c else 0), (c, -c)
    if spec == "neuron:abs":
        return abs, (0,)
    if spec == "neuron:erf":
        return mpmath.erf, ()
    raise ValueError(spec)


@functools.lru_cache(maxsize=None)
def independent_parts(spec, d):
    """(||f_even||^2, ||f_odd||^2, e_0, e_1) of the target, by quadrature (or direct sums for Sobolev)."""
    with mpmath.workdps(30):
        if spec.startswith("sobolev:"):
            s2 = 2 * mpmath.mpf(sympy.Rational(spec.split(":")[1]))
            e = lambda k: k ** -s2 - (k + 1) ** -s2  # noqa: E731  (T = 1; e_0 = 0)
            even = mpmath.nsum(lambda j: e(2 * j), [1, mpmath.inf])
            odd = mpmath.nsum(lambda j: e(2 * j + 1), [0, mpmath.inf])
            return even, odd, mpmath.mpf(0), e(1)
        g, br = _g(spec)
        br = br + tuple(-b for b in br)
        fe = lambda t: (g(t) + g(-t)) / 2  # noqa: E731
        fo = lambda t: (g(t) - g(-t)) / 2  # noqa: E731
        even = _E(lambda t: fe(t) ** 2, d, br)
        odd = _E(lambda t: fo(t) ** 2, d, br)
        e0 = _E(g, d, br) ** 2
        e1 = d * _E(lambda t: g(t) * t, d, br) ** 2
        return even, odd, e0, e1


KERNELS = {"erf": lambda p: p[0] / 2, "abs": lambda p: p[1] / 2, "relu": lambda p: (p[1] - p[3]) / 2}
TARGETS = ["halfspace", "cap:1", "sobolev:2", "neuron:abs", "neuron:erf"]


@functools.lru_cache(maxsize=None)
def _kernel(name):
    return ntk(name)


@pytest.mark.parametrize("d", DIMS)
@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("act", sorted(KERNELS))
def test_plateau_equals_independent_parity_sum(act, target, d):
    law = loss_law(_kernel(act), d, target)
    expected = KERNELS[act](independent_parts(target, d))
    got = mpmath.mpf(sympy.N(law.L_inf, 30))
    # quadrature at 30 digits of functions with jumps at known points: 1e-20 is far above its error
    assert abs(got - expected) <= mpmath.mpf(10) ** -20 * max(1, abs(expected))
    if expected > mpmath.mpf(10) ** -20:
        assert law.kind == "plateau" and law.never_learned
    else:
        assert law.kind != "plateau"


@pytest.mark.parametrize(("act", "target", "d", "expected"), [
    ("tanh", "halfspace", 5, sympy.Rational(1, 8)),  # issue 13: mu_0 = 0, e_0 = 1/4 (and e_k = 0 on even k >= 2)
    ("erf", "halfspace", 5, sympy.Rational(1, 8)),
    ("sin", "halfspace", 3, sympy.Rational(1, 8)),
])
def test_odd_kernels_never_learn_the_constant_part_of_a_halfspace(act, target, d, expected):
    law = loss_law(ntk(act), d, target)
    assert law.L_inf == expected and "even" in law.never_learned


def test_sobolev_plateau_of_odd_kernel_in_closed_form():
    # e_k = k^-2s - (k+1)^-2s on k >= 1: the even sum is sum_(j>=1) (2j)^-2s - (2j+1)^-2s = 1 - eta(2s)
    # (Dirichlet eta, typed in here); odd kernel never learns it
    s = sympy.Rational(3, 2)
    law = loss_law(ntk("erf"), 10, "sobolev:3/2")
    eta = (1 - 2 ** (1 - 2 * s)) * sympy.zeta(2 * s)
    assert abs(sympy.N(law.L_inf - (1 - eta) / 2, 40)) < 1e-35


@pytest.mark.parametrize(("act", "target", "expected"), [
    # issue 18.1: GELU's odd part is x/2, so mu_k = 0 for odd k >= 3: L_inf = 1/2 (||f_odd||^2 - e_1) = 1/32
    # for the half-space at d = 3 (the same plateau as ReLU's, theory section 7); sigmoid's even part is 1/2,
    # so mu_k = 0 for even k >= 2: the ReLU neuron loses 1/2 (||f_even||^2 - e_0) = 1/96 at d = 3
    ("gelu", "halfspace", sympy.Rational(1, 32)),
    ("sigmoid", "neuron:relu", sympy.Rational(1, 96)),
])
def test_polynomial_parity_parts_give_plateaus(act, target, expected):
    law = loss_law(ntk(act), 3, target)
    assert law.kind == "plateau" and abs(sympy.N(law.L_inf - expected, 30)) < 1e-25


def test_gelu_teacher_has_no_energy_beyond_its_polynomial_odd_part_at_d2():
    """gelu's odd part is x/2, so a gelu teacher has no odd energy above degree 1: nothing is lost, exactly.

    The committed table once printed a 'plateau' L_inf = -2.1e-24 here (a quadrature residue). The
    half-space indicator at d = 2 is the independent control: its odd part sign(cos th)/2 has Fourier
    coefficients 2/(pi k) on odd k, so the energy on odd k >= 3 is (2/pi^2)(pi^2/8 - 1) and
    L_inf = 1/8 - 1/pi^2 (typed here from the Fourier series, not from asympt).
    """
    import sympy

    from asympt import loss_law, ntk

    law = loss_law(ntk("gelu"), dim=2, target="neuron")
    assert law.L_inf == 0 and law.kind != "plateau"
    half = loss_law(ntk("gelu"), dim=2, target="halfspace")
    assert half.kind == "plateau"
    assert sympy.simplify(half.L_inf - (sympy.Rational(1, 8) - 1 / sympy.pi**2)) == 0
