"""Loss laws against theory section 7 (closed forms typed here) and against exact loss curves.

Independent sides: the exponents and plateaus of the theory notes' sphere table and worked cases, typed in
as formulas of d; the exact-sum values quoted in theory section 7 (computed elsewhere); and exact
loss curves L(t) = 1/2 sum e_k exp(-2 mu_k t), whose large-t behaviour must reproduce the C of
the Tauberian formula without using it.
"""

import functools

import mpmath
import pytest
import sympy
from sympy import Rational as R

from asympt.core.errors import InvalidInput, NotSupported
from asympt.laws.curve import loss_curve
from asympt.laws.loss import loss_law
from asympt.kernels.networks import nngp, ntk

# (kernel, target, xi(d) or "plateau") from theory section 7's sphere summary table
TABLE = [
    (lambda: ntk("relu"), "neuron:relu", lambda d: R(3, d)),
    (lambda: ntk("relu"), "halfspace", "plateau"),
    (lambda: nngp("relu"), "neuron:relu", lambda d: R(3, d + 2)),
    (lambda: nngp("relu"), "halfspace", "plateau"),
    (lambda: nngp("step"), "halfspace", lambda d: R(1, d)),
    (lambda: nngp("step"), "neuron:relu", "plateau"),
    (lambda: ntk("relu2"), "halfspace", lambda d: R(1, d + 2)),
    (lambda: ntk("relu2"), "neuron:relu", "plateau"),
    (lambda: nngp("relu2"), "halfspace", lambda d: R(1, d + 4)),
    (lambda: ntk("relu", bias=1), "neuron:relu", lambda d: R(3, d)),
    (lambda: ntk("relu", bias=1), "halfspace", lambda d: R(1, d)),
    (lambda: ntk("relu", bias=1), "sobolev:3/2", lambda d: R(3, d)),
    (lambda: ntk("relu", 3), "halfspace", lambda d: R(1, d)),
    (lambda: nngp("relu", 3), "neuron:relu", lambda d: R(3, d + 2)),
    (lambda: ntk("relu^3/2", bias=1), "halfspace", lambda d: R(1, d + 1)),
    (lambda: nngp("relu^0.7", bias=1), "neuron:relu", lambda d: 3 / (d + R(7, 5))),
    # leaky ReLU = s x + (1 - s) relu: the same parity structure as ReLU (odd part of the NTK is linear)
    (lambda: ntk("leaky_relu:1/10"), "halfspace", "plateau"),
    (lambda: ntk("leaky_relu:1/10"), "neuron:relu", lambda d: R(3, d)),
]


@functools.lru_cache(maxsize=None)
def _kernel(case):
    return TABLE[case][0]()  # one kernel object per case: its singular expansions are cached


@pytest.mark.parametrize("case", range(len(TABLE)))
@pytest.mark.parametrize("d", [2, 3, 50])
def test_sphere_table(case, d):
    _, target, expected = TABLE[case]
    law = loss_law(_kernel(case), d, target)
    if expected == "plateau":
        assert law.kind == "plateau" and law.L_inf > 0
    else:
        assert law.kind == "power" and law.xi == expected(d) and law.L_inf == 0


def test_worked_case_and_plateaus_of_theory():
    law = loss_law(ntk("relu"), 3, "neuron")
    assert (law.xi, law.C) == (1, R(1, 24))
    # theory section 7: L_inf = 1/32, 1/96, 1/1536 at d = 3
    assert loss_law(ntk("relu"), 3, "halfspace").L_inf == R(1, 32)
    assert loss_law(nngp("relu"), 3, "halfspace").L_inf == R(1, 32)
    assert loss_law(nngp("step"), 3, "neuron:relu").L_inf == R(1, 96)
    assert loss_law(ntk("relu2"), 3, "neuron:relu").L_inf == R(1, 1536)


@pytest.mark.parametrize("d", [2, 4, 9])
def test_plateau_formula_in_general_dimension(d):
    # L_inf = 1/2 (1/2 - e_0 - e_1) for the step neuron under the ReLU NTK; e_0 = 1/4 and
    # e_1 = d s_1^2 with s_1 = E[t_+^0 t] = Gamma(d/2)/(2 sqrt(pi) Gamma((d+1)/2)) (direct integral)
    s1 = sympy.gamma(R(d, 2)) / (2 * sympy.sqrt(sympy.pi) * sympy.gamma(R(d + 1, 2)))
    expected = (R(1, 2) - R(1, 4) - d * s1**2) / 2
    assert sympy.simplify(loss_law(ntk("relu"), d, "halfspace").L_inf - expected) == 0


def test_exact_curve_reproduces_theory_sums():
    # theory section 7: 24 t L(t) = 0.734594, 0.977005, 0.998884 at t = 1e2, 1e4, 1e6 (exact sums)
    pts = loss_curve(ntk("relu"), 3, "neuron", [1e2, 1e4, 1e6])
    for p, ref in zip(pts, ["0.734594", "0.977005", "0.998884"]):
        assert mpmath.nstr(24 * p.t * p.loss.value, 6) == ref
        assert p.loss.abs_error < 1e-12 * p.loss.value


def test_exact_curve_against_brute_force_sum():
    # head-only brute force: 2 L(t) = sum_{k <= 4000} e_k exp(-2 mu_k t) + tail(4001); beyond k = 4000
    # 2 mu_k t < 1e-8 at t = 100, so the neglected correction is < 1e-8 * tail ~ 1e-19
    from asympt.spectrum.closed_forms import exact_eigenvalues
    from asympt.targets import parse_target

    kmax = 4000
    mus = exact_eigenvalues(ntk("relu"), 3, kmax)
    tgt = parse_target("neuron:relu")
    with mpmath.workdps(40):
        es = tgt.energies(3, kmax, dps=40)
        mm = [mpmath.mpf(sympy.N(m, 45)) for m in mus]
        t = mpmath.mpf(100)
        brute = (mpmath.fsum(e * mpmath.exp(-2 * m * t) for e, m in zip(es, mm))
                 + (mpmath.mpf(1) / 6 - mpmath.fsum(es))) / 2
        got = loss_curve(ntk("relu"), 3, "neuron", [100])[0].loss.value
        assert abs(got - brute) < 1e-15 * brute


@pytest.mark.parametrize(("kernel", "d", "target"), [(lambda: ntk("relu", bias=1), 3, "halfspace"),
                                                     (lambda: ntk("relu", 3), 4, "neuron:relu"),
                                                     (lambda: nngp("step"), 3, "halfspace")])
def test_curve_approaches_the_power_law(kernel, d, target):
    k = kernel()
    law = loss_law(k, d, target)
    pts = loss_curve(k, d, target, [1e2, 1e4, 1e6])
    xi, C = float(law.xi), float(law.C)
    ratio = [float(p.loss.value) * float(p.t) ** xi / C for p in pts]
    slope_err = [abs(float(p.slope) - xi) for p in pts]
    assert abs(ratio[-1] - 1) < abs(ratio[0] - 1) and abs(ratio[-1] - 1) < 0.02
    assert slope_err[-1] < slope_err[0] and slope_err[-1] < 0.01


def test_plateau_curve_tends_to_L_inf():
    pts = loss_curve(ntk("relu"), 3, "halfspace", [1e2, 1e5])
    assert abs(pts[-1].loss.value - mpmath.mpf(1) / 32) < 1e-6
    assert pts[0].loss.value > pts[-1].loss.value >= mpmath.mpf(1) / 32


def test_finite_harmonic_is_exponential_or_plateau():
    law = loss_law(ntk("relu"), 3, "harmonic:2")
    assert law.kind == "exponential"
    # mu_2 = 5/64 at d = 3 (theory section 5): L ~ 1/2 exp(-2 mu_2 t)
    assert law.rate == R(5, 32) and law.amplitude == R(1, 2)
    law = loss_law(ntk("relu"), 3, "harmonic:3")
    assert law.kind == "plateau" and law.L_inf == R(1, 2)


def test_rkhs_shifts_xi_by_2r():
    base = loss_law(ntk("relu", bias=1), 5, "sobolev:1/2")
    law = loss_law(ntk("relu", bias=1), 5, "rkhs:1")
    assert law.xi == base.xi + 2


def test_euclidean_rule():
    # theory section 8: ReLU NTK with bias on R^d: ReLU neuron 3/(d+1), half-space 1/(d+1)
    law = loss_law(ntk("relu", bias=1), 4, "neuron:relu", data="euclidean")
    assert law.xi == R(3, 5) and law.C is None
    assert loss_law(nngp("relu", bias=1), 4, "halfspace", data="euclidean").xi == R(1, 7)
    with pytest.raises(InvalidInput, match="bias"):
        loss_law(ntk("relu"), 4, "neuron", data="euclidean")


def test_gradient_descent_stability():
    law = loss_law(ntk("relu"), 3, "neuron", lr=1)
    assert law.xi == 1 and law.lr == 1
    with pytest.raises(InvalidInput, match="diverges"):
        loss_law(ntk("relu"), 3, "neuron", lr=10)


def test_analytic_activation_is_logarithmic():
    law = loss_law(ntk("erf", bias=sympy.Rational(1, 2)), 3, "halfspace")
    assert law.kind == "logarithmic" and law.xi is None


def test_smooth_kernel_and_smooth_target_has_a_law():
    # issue 13.2: geometric kernel (erf, rho = (3 + sqrt 5)/2) x super-geometric target (erf): faster than
    # every power of t, no plateau (both odd)
    law = loss_law(ntk("erf"), 3, "neuron:erf")
    assert law.kind == "super-polynomial" and law.L_inf == 0 and law.xi is None


def test_logarithmic_curve_and_its_kstar_form():
    # theory section 7 (analytic activations): L(t) ~ 1/2 sum_{k >= K*(t)} e_k to about a percent,
    # and the local exponent falls towards 0 (slower than any power law)
    k = ntk("erf", bias=sympy.Rational(1, 2))
    pts = loss_curve(k, 3, "halfspace", [1e4, 1e8])
    for p in pts:
        assert abs(p.kstar_form / p.loss.value - 1) < 0.05
        assert p.loss.abs_error < 1e-12 * p.loss.value
    assert pts[1].slope < pts[0].slope < 0.2
    assert pts[1].kstar > pts[0].kstar
