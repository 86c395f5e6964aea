"""Laws for smooth kernels and smooth targets (issue 13.2, 13.4) against exact loss curves.

Independent sides: exact curves L(t) = 1/2 sum_k e_k exp(-2 mu_k t) summed over degrees (mu_k from the
spectrum engine, e_k from the targets), direct mpmath sums of synthetic geometric sequences, and
closed forms typed in here (the erf singularity R = 1 + 1/(2 sigma_w^2) and rho = R + sqrt(R^2 - 1)).
Tolerances are the size of the first neglected term of each law (1/K*(t), stated per test).
"""

import math

import mpmath
import pytest
import sympy

from asympt.laws.curve import loss_curve
from asympt.laws.decay import smooth_class
from asympt.laws.loss import loss_law
from asympt.laws.pairs import log_periodic_band
from asympt.kernels.networks import ntk
from asympt.spectrum import eigenvalues

RHO_ERF = (3 + math.sqrt(5)) / 2  # theory section 7: erf, q = 1: R = 3/2


def test_log_periodic_band_against_a_direct_sum():
    # mu_k = rho^-k, e_k = sigma^-k on odd k: (2t)^xi 2 L(t) = F(ln 2t) exactly (no slowly varying factor),
    # so its range over one period must be the band's range times the mean Gamma(xi)/(2 ln rho)
    rho, sigma = mpmath.mpf(3), mpmath.mpf(5)
    xi = mpmath.log(sigma) / mpmath.log(rho)
    fmin, fmax, smin, smax = log_periodic_band(sympy.log(5) / sympy.log(3), 2 * sympy.log(3))
    mean = mpmath.gamma(xi) / (2 * mpmath.log(rho))
    vals, slopes = [], []
    for j in range(200):
        t = 1e6 * rho ** (2 * j / mpmath.mpf(200))
        terms = [(sigma ** -k, rho ** -k) for k in range(1, 200, 2)]
        L = mpmath.fsum(e * mpmath.exp(-2 * m * t) for e, m in terms) / 2
        dL = -mpmath.fsum(e * m * mpmath.exp(-2 * m * t) for e, m in terms)
        vals.append(2 * L * (2 * t) ** xi / mean)
        slopes.append(-t * dL / L)
    # both are sampled on grids of 200 and 400 points per period: agreement to 1e-4 (grid error)
    assert abs(min(vals) - fmin) < 1e-4 and abs(max(vals) - fmax) < 1e-4
    assert abs(min(slopes) - smin) < 1e-3 and abs(max(slopes) - smax) < 1e-3


@pytest.mark.parametrize("sw", [1, 2])
def test_erf_rate_is_the_ellipse_through_the_arcsin_singularity(sw):
    # two layers: R = 1 + 1/(2 sw^2), rho = R + sqrt(R^2 - 1); the spectrum's ratio (mu_k/mu_(k+2))^(1/2)
    # tends to rho with a k^-p prefactor: |ratio/rho - 1| <= p/k with p = (d + 1)/2 (theory section 7)
    k = ntk("erf", sigma_w=[sw, sympy.sqrt(2)])
    d = 4
    sc = smooth_class(k, d)
    R = 1 + sympy.Rational(1, 2 * sw**2)
    assert sc.kind == "geometric" and sympy.simplify(sc.rho - (R + sympy.sqrt(R**2 - 1))) == 0
    spec = eigenvalues(k, d, 61, digits=20)
    kk = 59
    ratio = math.sqrt(float(spec[kk].value / spec[kk + 2].value))
    assert abs(ratio / float(sc.rho) - 1) <= (d + 1) / 2 / kk


@pytest.mark.slow
def test_deep_erf_rate_from_bisection_matches_the_spectrum():
    # three layers: the first real singularity by bisection; the same check on the exact-tier spectrum
    k = ntk("erf", 3)
    sc = smooth_class(k, 3)
    spec = eigenvalues(k, 3, 61, digits=20)
    r1 = math.sqrt(float(spec[57].value / spec[59].value))
    r2 = math.sqrt(float(spec[59].value / spec[61].value))
    rho = float(sc.rho)
    assert abs(r2 / rho - 1) <= 2 / 59 and abs(r2 / rho - 1) < abs(r1 / rho - 1) + 1e-12


def test_geometric_kernel_power_target_is_logarithmic():
    # erf kernel x half-space, d = 3: L - 1/8 ~ D / ln(2t), D = B (ln rho)/4 with B = 1/pi (odd k);
    # the neglected term is relative p ln K*/ln(2t) ~ 0.2 at t = 1e4 (p = (d - 1)/2 = 1 for the NTK)
    k = ntk("erf")
    law = loss_law(k, 3, "halfspace")
    assert law.kind == "plateau" and law.L_inf == sympy.Rational(1, 8) and law.approach_kind == "logarithmic"
    D = dict(law.params)["D"]
    assert sympy.simplify(D - sympy.log((3 + sympy.sqrt(5)) / 2) / (4 * sympy.pi)) == 0
    ts = [1e4, 1e8, 1e12]
    pts = loss_curve(k, 3, "halfspace", ts, law=law)
    a = [p.loss.value - mpmath.mpf(1) / 8 for p in pts]
    ratios = [x / (p.law - mpmath.mpf(1) / 8) for x, p in zip(a, pts)]
    assert ratios[0] > ratios[1] > ratios[2] > 1  # approached from above, monotonically
    eff = -math.log(float(a[2] / a[0])) / math.log(math.log(2e12) / math.log(2e4))  # exponent of 1/ln t
    assert abs(eff - 1) < 0.2


@pytest.mark.parametrize("t0", [1e4, pytest.param(1e10, marks=pytest.mark.slow)])
def test_geometric_kernel_geometric_target_is_log_periodic(t0):
    # erf kernel x tanh neuron, d = 3: xi = ln sigma/ln rho, sigma = (pi/2 + sqrt(1 + pi^2/4))^2; over one
    # period 2 ln rho the exact local exponent oscillates with the predicted amplitude, up to the first
    # neglected relative order 1/K*, K* = ln(2t)/ln rho (allowed: 2/K*)
    k = ntk("erf")
    law = loss_law(k, 3, "neuron:tanh")
    sig = (sympy.pi / 2 + sympy.sqrt(1 + sympy.pi**2 / 4)) ** 2
    assert law.kind == "log-periodic"
    assert abs(float(law.xi) - math.log(float(sig)) / math.log(RHO_ERF)) < 1e-12
    lo, hi = dict(law.params)["local_exponent"]
    ts = [t0 * RHO_ERF ** (2 * j / 24) for j in range(25)]
    s = [float(p.slope) for p in loss_curve(k, 3, "neuron:tanh", ts, law=law)]
    kstar = math.log(2 * t0) / math.log(RHO_ERF)
    assert abs((max(s) - min(s)) / float(hi - lo) - 1) < 2 / kstar


def test_entire_kernel_entire_target_is_power_like():
    # sin kernel x sin neuron: L = t^(-2 + o(1)) (c = 2 for sin's energies, c_mu = 1 for its kernel):
    # the effective exponent -ln L/ln t moves towards 2 between t = 1e4 and 1e12
    k = ntk("sin")
    law = loss_law(k, 3, "neuron:sin")
    assert law.kind == "power-like" and law.xi == 2
    pts = loss_curve(k, 3, "neuron:sin", [1e4, 1e8, 1e12])
    eff = [-math.log(float(p.loss.value)) / math.log(float(p.t)) for p in pts]
    assert abs(eff[2] - 2) < abs(eff[0] - 2)


@pytest.mark.slow
def test_power_kernel_super_geometric_target_is_faster_than_every_power():
    # issue 18.3: ReLU with bias x erf teacher was refused as 'finitely many degrees'; the law is
    # super-polynomial: the local exponent grows without bound (here: increases over 1e2 .. 1e8)
    k = ntk("relu", bias=1)
    law = loss_law(k, 3, "neuron:erf")
    assert law.kind == "super-polynomial"
    pts = loss_curve(k, 3, "neuron:erf", [1e2, 1e5, 1e8])
    s = [p.slope for p in pts]
    assert s[0] < s[1] < s[2] and s[2] > 3


@pytest.mark.parametrize("args", [("relu", 2, 1, "neuron:erf"), ("relu", 2, 1, "neuron:cos"),
                                  ("relu", 3, None, "neuron:erf")])
def test_smooth_teachers_are_not_finite_targets(args):
    act, layers, bias, target = args
    law = loss_law(ntk(act, layers, bias=bias), 3, target)
    assert law.kind == "super-polynomial" and "finitely many" not in str(law)
