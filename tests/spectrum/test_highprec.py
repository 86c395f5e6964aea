"""asympt.spectrum.highprec: every printed digit right, against references computed differently.

References (none uses asympt's quadrature or recurrence):
* closed forms of theory section 5 item 8 (kappa0, kappa1 eigenvalues as Gamma ratios; the He ReLU NTK
  u kappa0(u) + kappa1(u) through item 7; arcsin(a u) through 2F1; E_a for x_+^a), typed in here;
* tanh-sinh ``mpmath.quad`` of the Funk-Hecke integral in u at 50 digits, with the kernels typed in
  from theory section 3 and P_k from its explicit power sum (DLMF 18.5.10), the variable change
  u = +-(1 - 2 s^2) at each end making the integrand smooth for the square-root singularities.
"""

import mpmath
import pytest
from mpmath import gamma, mpf, pi

from asympt.core.errors import InvalidInput, PrecisionLost
from asympt.kernels.networks import nngp, ntk
from asympt.spectrum import highprec
from asympt.core.sphere import multiplicity

# ---------------------------------------------------------------------------------------------
# closed forms (theory section 5 item 8), at the caller's precision: tests/spectrum/theory_reference.py
from theory_reference import arcsin_mu, kappa0_mu, kappa1_mu, power_nngp_mu, relu_ntk_mu, times_u  # noqa: F401, E402

# ---------------------------------------------------------------------------------------------
# direct quadrature in u (theory sections 1 and 3, typed in)


def kappa0(r):
    return 1 - mpmath.acos(r) / pi


def kappa1(r):
    return (mpmath.sqrt(1 - r * r) + r * (pi - mpmath.acos(r))) / pi


def bias_ntk(u):
    """Reference net with bias: rho = (1 + u)/2, Theta = 2 kappa1(rho) + 1 + (1 + u) kappa0(rho)."""
    rho = (1 + u) / 2
    return 2 * kappa1(rho) + 1 + (1 + u) * kappa0(rho)


def relu3_ntk(u):
    """He, no bias: rho_2 = kappa1(u), Theta^2 = kappa1(u) + u kappa0(u),
    Theta^3 = kappa1(rho_2) + Theta^2 kappa0(rho_2)."""
    rho2 = kappa1(u)
    return kappa1(rho2) + (kappa1(u) + u * kappa0(u)) * kappa0(rho2)


def gegenbauer_explicit(d, k, t):
    """P_k(t) = C_k^lam(t)/C_k^lam(1) from the power sum (DLMF 18.5.10); Chebyshev T_k for d = 2."""
    if d == 2:
        return mpmath.chebyt(k, t)
    lam = mpf(d - 2) / 2
    s = mpmath.fsum((-1) ** j * gamma(k - j + lam) / (mpmath.factorial(j) * mpmath.factorial(k - 2 * j))
                    * (2 * t) ** (k - 2 * j) for j in range(k // 2 + 1))
    return s * gamma(2 * lam) * mpmath.factorial(k) / (gamma(lam) * gamma(k + 2 * lam))


def funk_hecke_quad(f, d, k, dps=50, pieces=1, poly=None):
    """c_d int f(u) P_k(u) (1 - u^2)^((d-3)/2) du by tanh-sinh, u = +-(1 - 2 s^2) near each end.

    ``pieces`` splits each half into that many tanh-sinh intervals (needed for oscillating P_k at
    large k); ``poly`` replaces the explicit P_k (e.g. by a higher-precision evaluation).
    """
    poly = poly or (lambda u: gegenbauer_explicit(d, k, u))
    with mpmath.workdps(dps):
        c = gamma(mpf(d) / 2) / (mpmath.sqrt(pi) * gamma(mpf(d - 1) / 2))
        e = mpf(d - 3) / 2
        total = 0
        for sign in (1, -1):
            def g(s, sign=sign):
                u = sign * (1 - 2 * s * s)
                return f(u) * poly(u) * (4 * (1 - s * s)) ** e * s ** (d - 2) * 4
            total += mpmath.quad(g, mpmath.linspace(0, 1 / mpmath.sqrt(2), pieces + 1))
        return c * total


def assert_covered(approx, ref, dps, slack=mpf(10) ** -45, zero_ok=False):
    """|value - ref| <= abs_error (+ the reference's own error) and at least dps digits (unless ref = 0)."""
    with mpmath.workdps(60):
        assert abs(approx.value - ref) <= approx.abs_error + slack, (approx, ref, approx.abs_error)
        if ref == 0:
            assert zero_ok and abs(approx.value) <= approx.abs_error
        else:
            assert approx.digits >= dps, (approx.digits, dps)


# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("d", [2, 3, 10])
@pytest.mark.parametrize(("name", "kernel", "closed"), [
    ("step NNGP = kappa0", lambda: nngp("step"), kappa0_mu),
    ("ReLU NNGP = kappa1", lambda: nngp("relu"), kappa1_mu),
    ("He ReLU NTK", lambda: ntk("relu"), relu_ntk_mu),
])
def test_closed_forms(name, kernel, closed, d):
    kmax, dps = 30, 30
    mu = highprec.eigenvalues(kernel(), d, kmax, digits=dps)
    assert len(mu) == kmax + 1
    with mpmath.workdps(60):
        for k in range(kmax + 1):
            # exact parity zeros come back as ~0 with a bound that covers 0
            assert_covered(mu[k], closed(d, k), dps, zero_ok=True)


def test_rational_values_on_s2():
    # theory section 5: d = 3 ReLU NTK mu_0 = 1/2, mu_1 = 1/3, mu_2 = 5/64; d = 2: 6/pi^2, 14/(9 pi^2)
    mu = highprec.eigenvalues(ntk("relu"), 3, 2, digits=40)
    with mpmath.workdps(60):
        for m, ref in zip(mu, [mpf(1) / 2, mpf(1) / 3, mpf(5) / 64]):
            assert_covered(m, ref, 40)
    mu = highprec.eigenvalues(ntk("relu"), 2, 2, digits=30)
    with mpmath.workdps(60):
        assert_covered(mu[0], 6 / pi**2, 30)
        assert_covered(mu[2], 14 / (9 * pi**2), 30)


@pytest.mark.parametrize("d", [2, 3, 10])
@pytest.mark.parametrize(("kernel", "formula"), [(lambda: ntk("relu", 2, bias=1), bias_ntk),
                                                 (lambda: ntk("relu", 3), relu3_ntk)],
                         ids=["bias NTK", "3-layer NTK"])
def test_against_direct_quadrature_in_u(kernel, formula, d):
    mu = highprec.eigenvalues(kernel(), d, 8, digits=30)
    for k in (0, 1, 2, 5, 8):
        ref = funk_hecke_quad(formula, d, k)
        assert_covered(mu[k], ref, 30)


def test_trace_identity():
    # sum_k N(d, k) mu_k -> k(1) = 1 for kappa1 on S^2; the tail is ~ sum_(k > K) 2k A k^-5 < 1e-5 at K = 60
    mu = highprec.eigenvalues(nngp("relu"), 3, 60, digits=20)
    with mpmath.workdps(30):
        partial = mpmath.fsum(multiplicity(3, k) * m.value for k, m in enumerate(mu))
        assert 0 < 1 - partial < mpf(10) ** -5
        assert all(m.value >= -m.abs_error for m in mu)            # a positive-definite kernel


def test_geometric_decay_raises_the_precision(monkeypatch):
    # erf NNGP (4/pi) arcsin(2u/3): mu_k ~ 2.6^-k, so the first guess of the working precision (power law)
    # is short and the driver must raise it from the measured values
    trace = []
    monkeypatch.setattr(highprec, "_TRACE", trace)
    mu = highprec.eigenvalues(nngp("erf"), 3, 60, digits=20)
    assert len(trace) > 2
    with mpmath.workdps(60):
        for k in range(61):
            assert_covered(mu[k], 4 / pi * arcsin_mu(mpf(2) / 3, 3, k), 20, zero_ok=True)


def test_precision_lost_is_raised_with_a_message(monkeypatch):
    monkeypatch.setattr(highprec, "_MAX_ATTEMPTS", 1)
    with pytest.raises(PrecisionLost, match=r"degree k = \d+ has \d+ of the requested 20 digits"):
        highprec.eigenvalues(nngp("erf"), 3, 60, digits=20)


@pytest.mark.slow
def test_singular_terms_are_subtracted_when_not_analytic_in_theta(monkeypatch):
    # relu^(1/3) NNGP: (1 - u)^(5/6) is not analytic in theta; on the circle Gauss-Legendre converges like
    # n^-5.3 only, so 20 digits need the subtraction of theory section 9.5
    trace = []
    monkeypatch.setattr(highprec, "_TRACE", trace)
    mu = highprec.eigenvalues(nngp("relu^1/3"), 2, 6, digits=20)
    assert any(subtracted for _, _, subtracted in trace)
    with mpmath.workdps(60):
        for k in range(7):
            assert_covered(mu[k], power_nngp_mu(mpf(1) / 3, 2, k), 20)


def test_power_coefficients_match_item_1_and_item_3():
    # the private exact coefficients used by the subtraction, against theory section 5 items 1 and 3
    with mpmath.workdps(30):
        d, nu = 5, mpf(5) / 6
        vals = highprec._power_coefficients(nu, 0, d, 6)
        for k, v in enumerate(vals):
            ref = (2 ** (nu + d - 2) * gamma(mpf(d) / 2) * gamma(nu + mpf(d - 1) / 2) * gamma(k - nu)
                   / (mpmath.sqrt(pi) * gamma(-nu) * gamma(k + nu + d - 1)))
            assert abs(v / ref - 1) < mpf(10) ** -25
        n = 1
        vals = highprec._power_coefficients(mpf(n), 1, d, 6)
        for k in range(n + 1, 7):
            ref = ((-1) ** (n + 1) * mpmath.factorial(n) * 2 ** (n + d - 2) * gamma(mpf(d) / 2)
                   * gamma(n + mpf(d - 1) / 2) * gamma(k - n) / (mpmath.sqrt(pi) * gamma(k + n + d - 1)))
            assert abs(vals[k] / ref - 1) < mpf(10) ** -20
        # and against quadrature for a degree k <= n (not covered by item 3)
        q = funk_hecke_quad(lambda u: (1 - u) * mpmath.log(1 - u) if u < 1 else mpf(0), d, 1, dps=30)
        assert abs(vals[1] - q) < mpf(10) ** -20


@pytest.mark.parametrize("method", ["python", "flint"])
def test_gauss_legendre_nodes(method):
    if method == "flint" and highprec._flint is None:
        pytest.skip("python-flint not installed")
    bits = 200
    n = 40
    Y, W = highprec.gauss_legendre_fixed(n, bits, method=method)
    with mpmath.workprec(bits + 20):
        x = [mpmath.ldexp(y, -bits) - 1 for y in Y]
        w = [mpmath.ldexp(v, -bits) for v in W]
        for xi in x:                                              # roots of P_n (mpmath.legendre: 2F1)
            assert abs(mpmath.legendre(n, xi)) < mpf(2) ** (-bits + 20)
        for j in range(n):                                        # exact for x^(2j), 2j <= 2n - 1
            assert abs(2 * mpmath.fsum(wi * xi ** (2 * j) for wi, xi in zip(w, x)) - mpf(2) / (2 * j + 1)) \
                < mpf(2) ** (-bits + 12)


def test_gauss_legendre_methods_agree_and_cache():
    if highprec._flint is None:
        pytest.skip("python-flint not installed")
    a = highprec.gauss_legendre_fixed(300, 256, method="python")
    b = highprec.gauss_legendre_fixed(300, 256, method="flint")
    assert max(abs(p - q) for p, q in zip(a[0] + a[1], b[0] + b[1])) < 2**10
    c = highprec.gauss_legendre_fixed(300, 128, method="python")     # a cached rule shifted down
    assert c[0] == [y >> 128 for y in a[0]]


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"dim": 1, "kmax": 3}, "dim must be an integer >= 2: 1"),
    ({"dim": 3, "kmax": -1}, "kmax must be an integer >= 0: -1"),
    ({"dim": 3, "kmax": 3, "digits": 0}, "digits must be an integer >= 1: 0"),
    ({"dim": 3.0, "kmax": 3}, "dim must be an integer: 3.0"),
])
def test_invalid_input(kwargs, message):
    with pytest.raises(InvalidInput, match=message):
        highprec.eigenvalues(ntk("relu"), **kwargs)
    with pytest.raises(InvalidInput, match="kernel must be a DotProductKernel"):
        highprec.eigenvalues(lambda u: u, 3, 3)


@pytest.mark.slow
@pytest.mark.parametrize("d", [3, 10])
def test_large_degrees(d):
    # k up to 400 at 30 digits against the closed form of the He NTK; the bias NTK at k = 100 against
    # direct quadrature (P_100 from its power sum needs ~ 60 extra digits: cancellation)
    mu = highprec.eigenvalues(ntk("relu"), d, 400, digits=30)
    with mpmath.workdps(60):
        for k in range(401):
            assert_covered(mu[k], relu_ntk_mu(d, k), 30, zero_ok=True)
    mu = highprec.eigenvalues(ntk("relu", 2, bias=1), d, 100, digits=30)

    def p100(u):
        with mpmath.workdps(mpmath.mp.dps + 60):
            return +gegenbauer_explicit(d, 100, u)

    ref = funk_hecke_quad(bias_ntk, d, 100, dps=45, pieces=8, poly=p100)
    assert_covered(mu[100], ref, 30, slack=abs(ref) * mpf(10) ** -33)    # the quadrature's own 1e-34
