"""Exact closed forms of asympt.spectrum.closed_forms against independent quadrature.

Reference: the Funk-Hecke integral mu_k = c_d int_0^pi f(cos th) P_k(cos th) sin^(d-2) th dth evaluated here
with mpmath's tanh-sinh quadrature at 45-55 digits. P_k comes from its three-term recurrence (or the
closed forms cos(k th) for d = 2 and sin((k+1) th)/((k+1) sin th) for d = 4); the integrands are written
in th so that 1 - u = 2 sin^2(th/2) keeps its digits near the singular ends. Nothing below uses the
module's formulas to build a reference, except where a test says it checks one formula against another.
"""

from fractions import Fraction

import mpmath
import pytest
import sympy

from asympt.core.conventions import u
from asympt.core.errors import InvalidInput
from asympt.kernels.networks import nngp, ntk
from asympt.spectrum import closed_forms as cf

DIMS = (2, 3, 4, 10, 31)
R = sympy.Rational


# ---- independent reference ------------------------------------------------------------------------


def funk_hecke_quad(f_theta, d, k, dps=45, extra=()):
    """c_d int_0^pi f(th) P_k(cos th) sin^(d-2) th dth by tanh-sinh on 1 + k/8 pieces (+ ``extra`` cuts)."""
    with mpmath.workdps(dps):
        pi = mpmath.pi
        if d == 2:
            c = 1 / pi

            def P(th):
                return mpmath.cos(k * th)
        elif d == 4:
            c = 2 / pi

            def P(th):
                return mpmath.sin((k + 1) * th) / ((k + 1) * mpmath.sin(th))
        else:
            c = mpmath.gamma(mpmath.mpf(d) / 2) / (mpmath.sqrt(pi) * mpmath.gamma(mpmath.mpf(d - 1) / 2))

            def P(th):
                t = mpmath.cos(th)
                p0, p1 = mpmath.mpf(1), t
                if k == 0:
                    return p0
                for j in range(1, k):
                    p0, p1 = p1, ((2 * j + d - 2) * t * p1 - j * p0) / (j + d - 2)
                return p1

        n = 1 + k // 8  # one piece is enough for k <= 7 at 45 digits (measured: 1e-46)
        pts = sorted(set([pi * i / n for i in range(n + 1)] + [mpmath.mpf(x) for x in extra]))
        return +(c * mpmath.quad(lambda th: f_theta(th) * P(th) * mpmath.sin(th) ** (d - 2), pts))


def mp(x, dps=55):
    """An exact SymPy number (or Fraction) as an mpf carrying dps digits (also when called at dps 15)."""
    if isinstance(x, Fraction):
        x = sympy.Rational(x.numerator, x.denominator)
    with mpmath.workdps(dps):
        return mpmath.mpf(sympy.N(x, dps))


def mpq(r):
    """A SymPy Rational as an mpf at the current precision."""
    r = sympy.Rational(r)
    return mpmath.mpf(int(r.p)) / int(r.q)


def assert_close(exact, ref, digits=40, floor=None):
    """|exact - ref| <= 10^-digits * max(|ref|, floor) (floor: the scale for exact zeros)."""
    with mpmath.workdps(60):
        a = mp(exact, 60) if not isinstance(exact, mpmath.mpf) else exact
        scale = abs(ref) if floor is None else max(abs(ref), mpmath.mpf(floor))
        assert abs(a - ref) <= mpmath.mpf(10) ** (-digits) * scale, (exact, ref)


def sweep(cases, fast):
    """pytest params: the cases for which fast(case) is true run always, the others are marked slow."""
    return [c if fast(c) else pytest.param(*(c if isinstance(c, tuple) else (c,)), marks=pytest.mark.slow)
            for c in cases]


def grid(*axes):
    out = [()]
    for axis in axes:
        out = [(*o, a) for o in out for a in axis]
    return out


def one_minus_u(th):
    return 2 * mpmath.sin(th / 2) ** 2


def one_plus_u(th):
    return 2 * mpmath.cos(th / 2) ** 2


# ---- items 1 and 2: (1 -+ u)^gamma ----------------------------------------------------------------


@pytest.mark.parametrize(("d", "g", "k"), sweep(grid(DIMS, [R(1, 2), R(3, 2), R(3, 10), R(27, 10)], [0, 5]),
                                                lambda c: c[2] == 5 or c[0] == 3))
def test_one_minus_u_pow_matches_quadrature(d, g, k):
    with mpmath.workdps(45):
        ref = funk_hecke_quad(lambda th: one_minus_u(th) ** mpq(g), d, k)
    assert_close(cf.mu_one_minus_u_pow(g, d, k), ref)


@pytest.mark.parametrize(("g", "d", "k"), [(R(-1, 4), 3, 2), (R(-3, 2), 10, 3), (R(7, 3), 4, 1), (2, 3, 2)])
def test_one_minus_u_pow_negative_and_integer_exponents(g, d, k):
    with mpmath.workdps(45):
        ref = funk_hecke_quad(lambda th: one_minus_u(th) ** mpq(g), d, k)
    assert_close(cf.mu_one_minus_u_pow(g, d, k), ref)


def test_polynomial_exponent_gives_exact_zeros_beyond_degree():
    # (1 - u)^2 on S^2 = mu_0 + 3 mu_1 P_1 + 5 mu_2 P_2: 4/3 - 2 u + u^2 in Legendre form
    assert [cf.mu_one_minus_u_pow(2, 3, k) for k in range(5)] == [R(4, 3), R(-2, 3), R(2, 15), 0, 0]
    assert cf.mu_one_minus_u_pow(3, 7, 4) == 0
    assert cf.M_constant(2, 7) == 0


@pytest.mark.parametrize(("g", "d", "k"), [(R(1, 2), 2, 3), (R(3, 2), 3, 4), (R(3, 10), 10, 1), (R(27, 10), 31, 2)])
def test_one_plus_u_pow_matches_quadrature(g, d, k):
    with mpmath.workdps(45):
        ref = funk_hecke_quad(lambda th: one_plus_u(th) ** mpq(g), d, k)
    assert_close(cf.mu_one_plus_u_pow(g, d, k), ref)


@pytest.mark.parametrize(("g", "d"), [(R(1, 2), 2), (R(27, 10), 4)])
def test_one_minus_u_pow_at_k50_matches_quadrature(g, d):
    with mpmath.workdps(45):
        ref = funk_hecke_quad(lambda th: one_minus_u(th) ** mpq(g), d, 50)
        assert_close(cf.mu_one_minus_u_pow_mp(g, d, 50, digits=45), ref, digits=38)
    assert_close(cf.mu_one_minus_u_pow(g, d, 50), ref, digits=38)


@pytest.mark.slow
@pytest.mark.parametrize(("g", "d"), [(R(3, 2), 3), (R(3, 10), 10), (R(1, 2), 31)])
def test_one_minus_u_pow_at_k50_matches_quadrature_recurrence_dims(g, d):
    # mu_50 is ~1e-25 at d = 31 against an integrand of size ~1: 60 digits keep 38 after the cancellation
    with mpmath.workdps(60):
        ref = funk_hecke_quad(lambda th: one_minus_u(th) ** mpq(g), d, 50, dps=60)
        assert_close(cf.mu_one_minus_u_pow_mp(g, d, 50, digits=60), ref, digits=38)


@pytest.mark.parametrize("d", DIMS)
@pytest.mark.parametrize("g", [R(1, 2), R(3, 10), R(27, 10), 1, R(-1, 5)])
def test_mp_version_equals_exact(d, g):
    for k in (0, 1, 3, 50, 400):
        with mpmath.workdps(50):
            assert_close(cf.mu_one_minus_u_pow(g, d, k), cf.mu_one_minus_u_pow_mp(g, d, k), digits=45,
                         floor=1e-300)
        assert_close(cf.gamma_ratio(g, d, k), cf.gamma_ratio(g, d, k, digits=50), digits=45, floor=1e-300)


@pytest.mark.parametrize("d", DIMS)
@pytest.mark.parametrize("g", [R(1, 2), R(3, 2), R(3, 10), R(27, 10)])
def test_power_law_with_order_one_over_k_correction(d, g):
    # Gamma(k-g)/Gamma(k+g+d-1) = k^-(2g+d-1) (1 + c/k + O(1/k^2)), c = -(2g+d-1)(d-2)/2: the relative
    # error of M k^-alpha is O(1/k) and k (ratio - 1) converges to c with an O(1/k) remainder.
    alpha = d - 1 + 2 * g
    c = -(2 * g + d - 1) * (d - 2) / 2
    with mpmath.workdps(40):
        M = mp(cf.M_constant(g, d), 40)
        rems = []
        for k in (10**3, 10**4, 10**5):
            ratio = cf.mu_one_minus_u_pow_mp(g, d, k) * mpmath.mpf(k) ** mpq(alpha) / M
            rems.append(abs(k * (ratio - 1) - mpq(c)) * k)
        # k^2 |ratio - 1 - c/k| stays bounded (and settles): the next term is O(1/k^2)
        assert rems[2] < 2 * rems[1] + 1e-20 and rems[1] < 2 * rems[0] + 1e-20
        assert rems[2] < 10 * (abs(mpq(c)) + 1) ** 2 * (d + 3) ** 2


def test_M_constant_theory_examples():
    for d in DIMS:
        h = R(d, 2)
        m_half = -(2 ** (d - R(5, 2))) * sympy.gamma(h) ** 2 / sympy.pi
        m_3half = 3 * 2 ** (d - R(1, 2)) * sympy.gamma(h) * sympy.gamma(h + 1) / (4 * sympy.pi)
        assert sympy.simplify(cf.M_constant(R(1, 2), d) - m_half) == 0
        assert sympy.simplify(cf.M_constant(R(3, 2), d) - m_3half) == 0


# ---- item 3: the log term -------------------------------------------------------------------------


@pytest.mark.parametrize(("d", "n", "k"), sweep(grid([2, 3, 4, 10], [0, 1, 2], [0, 1, 2, 3, 5]),
                                                lambda c: c[0] != 4 and c[2] in (0, 5)))
def test_log_term_matches_quadrature(d, n, k):
    with mpmath.workdps(45):
        ref = funk_hecke_quad(lambda th: one_minus_u(th) ** n * mpmath.log(one_minus_u(th)), d, k)
    assert_close(cf.mu_log_term(n, d, k), ref, digits=38)


@pytest.mark.parametrize(("n", "d", "k"), [(0, 3, 0), (1, 3, 1), (1, 10, 4), (2, 2, 2), (2, 31, 7)])
def test_log_term_is_the_gamma_derivative_of_item_1(n, d, k):
    # independent route: numerical d/dgamma of the mpmath evaluation of item 1 at gamma = n
    with mpmath.workdps(40):
        deriv = mpmath.diff(lambda g: cf.mu_one_minus_u_pow_mp(g, d, k), n)
    assert_close(cf.mu_log_term(n, d, k), deriv, digits=30, floor=1e-30)


def test_log_constant_is_the_large_k_constant():
    with mpmath.workdps(30):
        for n, d in ((0, 3), (1, 4), (2, 10)):
            k = 10**4
            M = mp(cf.M_log_constant(n, d), 30)
            ratio = mp(cf.mu_log_term(n, d, k), 30) * mpmath.mpf(k) ** (d - 1 + 2 * n) / M
            assert abs(ratio - 1) < 10 * d**2 / k


# ---- items 4-7 --------------------------------------------------------------------------------------


@pytest.mark.parametrize("d", DIMS)
def test_monomials_match_quadrature(d):
    for p in (0, 1, 2, 5):
        for k in range(0, 7):
            if k > p or (p - k) % 2:  # structural zeros: exact, no quadrature needed
                assert cf.mu_monomial(p, d, k) == 0
            elif p >= 2:
                with mpmath.workdps(45):
                    ref = funk_hecke_quad(lambda th: mpmath.cos(th) ** p, d, k)
                assert_close(cf.mu_monomial(p, d, k), ref)
    assert cf.mu_monomial(0, d, 0) == 1 and cf.mu_monomial(1, d, 1) == sympy.Rational(1, d)


@pytest.mark.parametrize(("d", "b", "k"), sweep(grid([2, 3, 10, 31], [R(1, 2), 1, R(3, 2), R(3, 10)], [0, 1, 5]),
                                                lambda c: (c[0] in (2, 3) and c[1] != 1) or c[:2] == (31, R(3, 10))))
def test_abs_power_matches_quadrature(d, b, k):
    def f(th):
        c = mpmath.cos(th)
        val = abs(c) ** mpq(b)
        return val if k % 2 == 0 else mpmath.sign(c) * val

    with mpmath.workdps(45):
        ref = funk_hecke_quad(f, d, k, extra=[mpmath.pi / 2])
    assert_close(cf.mu_abs_power(b, d, k), ref, floor=1e-6)
    if d == 3:  # u_+^b is half of it, on both parities
        with mpmath.workdps(45):
            ref_pos = funk_hecke_quad(lambda th: max(mpmath.cos(th), 0) ** mpq(b), d, k, extra=[mpmath.pi / 2])
        assert_close(cf.mu_positive_power(b, d, k), ref_pos, floor=1e-6)


def test_abs_power_of_an_integer_vanishes_beyond_its_degree():
    assert cf.mu_abs_power(2, 3, 4) == 0 and cf.mu_abs_power(3, 5, 5) == 0
    assert cf.mu_abs_power(1, 3, 4) != 0  # |u| is not a polynomial


@pytest.mark.parametrize(("d", "q"), sweep(grid(DIMS, [1, R(-1, 2), 3]), lambda c: c[1] == 1 or c == (3, R(-1, 2))))
def test_exp_matches_quadrature(d, q):
    for k in (0, 1, 4):
        with mpmath.workdps(45):
            ref = funk_hecke_quad(lambda th: mpmath.exp(mpq(q) * mpmath.cos(th)), d, k)
        assert_close(cf.mu_exp(q, d, k), ref)


def test_exp_trace_identity():
    # sum_k N(d, k) mu_k = k(1) (Mercer at x = y): an independent check of the Bessel normalisation
    for d in (2, 3, 7):
        with mpmath.workdps(50):
            total = mpmath.mpf(0)
            for k in range(60):
                if k == 0:
                    N = 1
                else:
                    N = 2 if d == 2 else mpmath.mpf(2 * k + d - 2) / k * mpmath.binomial(k + d - 3, d - 2)
                total += N * mp(cf.mu_exp(2, d, k), 50)
            assert abs(total - mpmath.exp(2)) < mpmath.mpf(10) ** -40


def test_exp_symbolic_and_zero():
    q = sympy.Symbol("q", positive=True)
    assert cf.mu_exp(q, 2, 3) == sympy.besseli(3, q)
    assert cf.mu_exp(0, 5, 0) == 1 and cf.mu_exp(0, 5, 3) == 0


@pytest.mark.parametrize("d", sweep([2, 3, 10], lambda d: d == 3))
def test_times_u_matches_quadrature(d):
    g = R(3, 2)
    mus = [cf.mu_one_minus_u_pow(g, d, k) for k in range(6)]
    prod = cf.times_u(mus, d)
    assert len(prod) == 5
    for k in range(5):
        with mpmath.workdps(45):
            ref = funk_hecke_quad(lambda th: mpmath.cos(th) * one_minus_u(th) ** mpq(g), d, k)
        assert_close(prod[k], ref)
    assert cf.mu_times_u(None, Fraction(1, 3), 3, 0) == Fraction(1, 3)


# ---- item 8: arc-cosine family ---------------------------------------------------------------------


def theory_kappa0(d, k):
    """theory 5.8 literally, with mpmath Gamma."""
    G = mpmath.gamma
    if k == 0:
        return mpmath.mpf(1) / 2
    if k % 2 == 0:
        return mpmath.mpf(0)
    m = (k - 1) // 2
    h = mpmath.mpf(d) / 2
    return G(h) ** 2 * G(m + mpmath.mpf(1) / 2) ** 2 / (2 * mpmath.pi**2 * G(m + h + mpmath.mpf(1) / 2) ** 2)


def theory_kappa1(d, k):
    G = mpmath.gamma
    if k == 1:
        return mpmath.mpf(1) / (2 * d)
    if k % 2:
        return mpmath.mpf(0)
    m = k // 2
    h = mpmath.mpf(d) / 2
    return G(h) * G(h + 1) * G(m - mpmath.mpf(1) / 2) ** 2 / (4 * mpmath.pi**2 * G(m + mpmath.mpf(d + 1) / 2) ** 2)


@pytest.mark.parametrize("d", sweep(DIMS, lambda d: d in (2, 3, 10)))
def test_kappa0_kappa1_match_quadrature_and_theory(d):
    for k in (0, 1, 2, 5):
        with mpmath.workdps(45):
            ref0 = funk_hecke_quad(lambda th: 1 - th / mpmath.pi, d, k)
            ref1 = funk_hecke_quad(lambda th: (mpmath.sin(th) + mpmath.cos(th) * (mpmath.pi - th)) / mpmath.pi, d, k)
            assert_close(cf.mu_kappa0(d, k), ref0, floor=1e-4)
            assert_close(cf.mu_kappa1(d, k), ref1, floor=1e-4)
            assert_close(cf.mu_kappa0(d, k), theory_kappa0(d, k), digits=44, floor=1e-4)
            assert_close(cf.mu_kappa1(d, k), theory_kappa1(d, k), digits=44, floor=1e-4)
    with mpmath.workdps(50):
        for k in range(7):
            assert_close(cf.mu_kappa0(d, k), theory_kappa0(d, k), digits=44, floor=1e-4)
            assert_close(cf.mu_kappa1(d, k), theory_kappa1(d, k), digits=44, floor=1e-4)
    assert cf.mu_kappa0(d, 4) == 0 and cf.mu_kappa1(d, 5) == 0


def test_kappa_large_k_against_theory_formula():
    with mpmath.workdps(50):
        for d in DIMS:
            for k in (51, 200, 201):
                assert_close(cf.mu_kappa0(d, k), theory_kappa0(d, k), digits=44, floor=1e-300)
                assert_close(cf.mu_kappa1(d, k), theory_kappa1(d, k), digits=44, floor=1e-300)


def E_a_mp(a, th):
    """theory section 2, literally, at u = cos(th):

    E_a(u) = 2^a/(4 pi) [G((a+1)/2)^2 2F1(-a/2,-a/2;1/2;u^2) + 2u G(a/2+1)^2 2F1((1-a)/2,(1-a)/2;3/2;u^2)].
    """
    c = mpmath.cos(th)
    G = mpmath.gamma
    half = mpmath.mpf(1) / 2
    even = G((a + 1) / 2) ** 2 * mpmath.hyp2f1(-a / 2, -a / 2, half, c**2)
    odd = 2 * c * G(a / 2 + 1) ** 2 * mpmath.hyp2f1((1 - a) / 2, (1 - a) / 2, 3 * half, c**2)
    return 2**a / (4 * mpmath.pi) * (even + odd)


# 2F1 near z = 1 makes each E_a quadrature cost 1-2 s at 45 digits: a few points here, the sweep is slow
@pytest.mark.parametrize(("d", "a", "k"), [(10, R(7, 10), 1), (2, R(-1, 4), 2)])
def test_E_a_matches_quadrature(d, a, k):
    with mpmath.workdps(45):
        ref = funk_hecke_quad(lambda th: E_a_mp(mpq(a), th), d, k)
    assert_close(cf.mu_E_a(a, d, k), ref, digits=38)


@pytest.mark.slow
@pytest.mark.parametrize(("d", "a"), [c for c in grid([2, 3, 10, 31], [R(3, 2), R(1, 2), R(7, 10), R(-1, 4)])
                                      if c[1] != R(3, 2) or c[0] <= 3])  # a = 3/2: 15 s per point at d >= 10
def test_E_a_matches_quadrature_sweep(d, a):
    for k in (0, 1, 2, 5):
        with mpmath.workdps(45):
            ref = funk_hecke_quad(lambda th: E_a_mp(mpq(a), th), d, k)
        assert_close(cf.mu_E_a(a, d, k), ref, digits=38)


def test_E_a_reduces_to_arc_cosine_and_relu_powers():
    for d in (2, 3, 10):
        for k in range(8):
            assert sympy.simplify(cf.mu_E_a(0, d, k) - cf.mu_kappa0(d, k) / 2) == 0
            assert sympy.simplify(cf.mu_E_a(1, d, k) - cf.mu_kappa1(d, k) / 2) == 0
    # relu^2 (integer a = 2, Cho & Saul's J_2): against quadrature of J_2(th)/(2 pi)
    for d in (3, 4):
        for k in range(6):
            with mpmath.workdps(45):
                ref = funk_hecke_quad(lambda th: (3 * mpmath.sin(th) * mpmath.cos(th) + (mpmath.pi - th)
                                                  * (1 + 2 * mpmath.cos(th) ** 2)) / (2 * mpmath.pi), d, k)
            assert_close(cf.mu_E_a(2, d, k), ref, floor=1e-4)


@pytest.mark.parametrize(("d", "a"), sweep(grid([2, 3, 10, 31], [1, -1, R(1, 2), R(-2, 3), R(9, 10)]),
                                         lambda c: c[1] in (1, R(1, 2), R(-2, 3))))
def test_arcsin_matches_quadrature(d, a):
    for k in (1, 3):
        with mpmath.workdps(45):
            ref = funk_hecke_quad(lambda th: mpmath.asin(mpq(a) * mpmath.cos(th)), d, k)
        exact = cf.mu_arcsin(a, d, k)
        assert_close(exact, ref, floor=1e-6)
        assert_close(cf.mu_arcsin(a, d, k, digits=45), ref, floor=1e-6)
        if abs(a) == 1:
            assert not exact.has(sympy.hyper)  # Gauss summation closes it
    assert cf.mu_arcsin(R(1, 2), d, 2) == 0


@pytest.mark.parametrize("d", sweep(DIMS, lambda d: d in (2, 3, 31)))
def test_sqrt_one_minus_u2_matches_quadrature(d):
    for k in (0, 2, 6):
        with mpmath.workdps(45):
            ref = funk_hecke_quad(lambda th: mpmath.sin(th), d, k)
        assert_close(cf.mu_sqrt_one_minus_u2(d, k), ref)
    assert cf.mu_sqrt_one_minus_u2(d, 3) == 0


# ---- exact_eigenvalues ---------------------------------------------------------------------------


def test_relu_ntk_theory_values_are_exact():
    mus = cf.exact_eigenvalues(ntk("relu"), 3, 60)
    assert mus[:3] == [R(1, 2), R(1, 3), R(5, 64)]
    assert all(isinstance(m, sympy.Rational) for m in mus)  # every eigenvalue is rational at d = 3
    assert all(mus[k] == 0 and mus[k] is sympy.S.Zero for k in range(3, 61, 2))  # exact zeros
    circle = cf.exact_eigenvalues(ntk("relu"), 2, 4)
    assert circle[0] == 6 / sympy.pi**2 and circle[2] == R(14, 9) / sympy.pi**2
    assert circle[1] == R(1, 2) and circle[3] == 0


def test_nngp_step_and_relu_are_the_arc_cosine_kernels():
    for d in (2, 3, 10):
        step = cf.exact_eigenvalues(nngp("step"), d, 30)
        relu = cf.exact_eigenvalues(nngp("relu"), d, 30)
        for k in range(31):
            # He scales: NNGP = 2 E_a = kappa_a
            assert sympy.simplify(step[k] - cf.mu_kappa0(d, k)) == 0
            assert sympy.simplify(relu[k] - cf.mu_kappa1(d, k)) == 0


def kernel_quad(kernel, d, k, dps=45):
    # kernel.mp at u = cos(th): rounding u costs ~10^-dps/th near th = 0, which integrates to ~10^-dps
    with mpmath.workdps(dps):
        return funk_hecke_quad(lambda th: kernel.mp(mpmath.cos(th)), d, k, dps=dps)


NET_CASES = [
    ("ntk relu", lambda: ntk("relu")),
    ("nngp relu", lambda: nngp("relu")),
    ("nngp step", lambda: nngp("step")),
    ("ntk relu2", lambda: ntk("relu2")),
    ("ntk relu3", lambda: ntk("relu3")),
    ("ntk abs", lambda: ntk("abs")),
    ("ntk leaky", lambda: ntk("leaky_relu")),
    ("ntk sin", lambda: ntk("sin")),
    ("nngp cos", lambda: nngp("cos")),
]
HYPER_CASES = [  # relu^1.5: E_a with 2F1 atoms; their quadrature costs 1-2 s per point
    ("nngp relu^1.5", lambda: nngp("relu^1.5")),
    ("ntk relu^1.5", lambda: ntk("relu^1.5")),
]


@pytest.mark.parametrize(("name", "make", "d"),
                         sweep([(n, m, d) for (n, m), d in grid(NET_CASES, [2, 3, 10])],
                               lambda c: c[2] == 3 or (c[0], c[2]) in
                               {("ntk relu", 2), ("ntk sin", 10)}),
                         ids=[f"{c[0]}-{d}" for c, d in grid(NET_CASES, [2, 3, 10])])
def test_exact_eigenvalues_match_quadrature_of_the_kernel(name, make, d):
    kernel = make()
    mus = cf.exact_eigenvalues(kernel, d, 6)
    assert mus is not None
    for k in (0, 1, 2, 5):
        assert_close(mus[k], kernel_quad(kernel, d, k), digits=38, floor=1e-6)


@pytest.mark.parametrize(("name", "make", "d", "k"),
                         sweep([(*HYPER_CASES[0], 3, 2), (*HYPER_CASES[1], 10, 3)],
                               lambda c: c[0].startswith("nngp")),
                         ids=[c[0] for c in HYPER_CASES])
def test_exact_eigenvalues_match_quadrature_relu_power(name, make, d, k):
    # 30 digits: mpmath's 2F1 near z = 1 with integer c - a - b is slow (see the slow sweep for 38 digits)
    kernel = make()
    mus = cf.exact_eigenvalues(kernel, d, k)
    assert_close(mus[k], kernel_quad(kernel, d, k, dps=30), digits=26)


@pytest.mark.slow
@pytest.mark.parametrize(("name", "make"), NET_CASES + HYPER_CASES, ids=[c[0] for c in NET_CASES + HYPER_CASES])
@pytest.mark.parametrize("d", [2, 4, 31])
def test_exact_eigenvalues_match_quadrature_more_dims(name, make, d):
    kernel = make()
    mus = cf.exact_eigenvalues(kernel, d, 9)
    for k in (0, 1, 2, 5, 9) if "^" not in name else (0, 5):
        # exact zeros: the quadrature's absolute error (~1e-47 on an integrand of size 1) is the scale
        assert_close(mus[k], kernel_quad(kernel, d, k), digits=38, floor=1e-6 if mus[k] == 0 else 1e-30)


def test_exact_eigenvalues_agree_with_single_formulas_at_large_k():
    d = 10
    relu = cf.exact_eigenvalues(nngp("relu"), d, 401)
    assert relu[400] == cf.mu_kappa1(d, 400) and relu[401] == 0
    e15 = cf.exact_eigenvalues(nngp("relu^1.5"), d, 301)
    for k in (300, 301):
        assert_close(e15[k], mp(2 * cf.mu_E_a(R(3, 2), d, k)), digits=45, floor=1e-300)


def test_ntk_of_relu_power_parity_structure():
    # ReLU^2 NTK: even part is a polynomial of degree 2 -> exact zeros on even k >= 4 (theory 5)
    mus = cf.exact_eigenvalues(ntk("relu2"), 3, 20)
    assert all(mus[k] == 0 for k in range(4, 21, 2)) and all(mus[k] != 0 for k in range(1, 21, 2))
    # non-integer a: no zeros, the parities differ by the factor (1 -+ cos(pi a))
    assert all(m != 0 for m in cf.exact_eigenvalues(ntk("relu^1.5"), 3, 20))


@pytest.mark.parametrize(("make", "label"), [
    (lambda: ntk("relu", 3), "depth 3"),
    (lambda: ntk("relu", bias=1), "bias"),
    (lambda: ntk("tanh"), "no closed form"),
    (lambda: ntk("erf"), "erf"),
    (lambda: nngp("erf"), "erf nngp"),
])
def test_exact_eigenvalues_returns_none_when_not_closed_form(make, label):
    assert cf.exact_eigenvalues(make(), 3, 50) is None


def test_erf_with_hyper_values():
    kernel = ntk("erf")
    mus = cf.exact_eigenvalues(kernel, 3, 5, allow_hyper=True)
    assert mus[2] == 0 and mus[4] == 0  # erf kernels are odd
    assert mus[3].has(sympy.hyper)
    for k in (1, 3, 5):
        assert_close(mus[k], kernel_quad(kernel, 3, k), digits=38)


@pytest.mark.parametrize(
    "expr",
    [
        u**2 * (1 - u) ** R(3, 2),
        sympy.sqrt(1 - u) * sympy.sqrt(1 + u) + u * (1 + u) ** R(1, 2),
        3 * u * sympy.exp(2 * u) - sympy.cosh(u) / 7,
        u**3 * sympy.acos(u) + (1 - u**2) ** R(3, 2),
        (4 - 4 * u**2) ** R(1, 3) - 2 * u * sympy.asin(u),
    ],
)
def test_synthetic_expressions_match_quadrature(expr):
    f = sympy.lambdify(u, expr, modules="mpmath")
    mus = cf.exact_eigenvalues(expr, 4, 5)
    assert mus is not None
    for k in (0, 1, 4):
        with mpmath.workdps(45):
            ref = funk_hecke_quad(lambda th: f(mpmath.cos(th)), 4, k)
        assert_close(mus[k], ref, digits=38, floor=1e-6)


@pytest.mark.parametrize(
    "expr",
    [
        sympy.acos(u) ** 2,
        sympy.asin(u) * sympy.sqrt(1 - u**2),
        sympy.acos(u / 2 + sympy.Rational(1, 2)),
        sympy.acos((u * sympy.acos(u) + sympy.sqrt(1 - u**2)) / sympy.pi),
        sympy.Abs(u),
        sympy.Float(0.5) * u,
        sympy.log(1 + u),
        1 / (2 - u),
    ],
)
def test_unrecognised_expressions_give_none(expr):
    assert cf.exact_eigenvalues(expr, 3, 10) is None


# ---- input validation ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: cf.mu_one_minus_u_pow(R(1, 2), 1, 0), "dim must be an integer >= 2"),
        (lambda: cf.mu_one_minus_u_pow(R(1, 2), 3, -1), "k must be an integer >= 0"),
        (lambda: cf.mu_one_minus_u_pow(-1, 3, 0), "gamma must be > -(d-1)/2"),
        (lambda: cf.mu_one_minus_u_pow("x", 3, 0), "gamma must be a number"),
        (lambda: cf.mu_arcsin(2, 3, 1), "|a| <= 1"),
        (lambda: cf.mu_E_a(-1, 3, 1), "a must be > -1/2"),
        (lambda: cf.mu_abs_power(-1, 3, 1), "b must be > -1"),
        (lambda: cf.mu_log_term(-1, 3, 1), "n must be an integer >= 0"),
        (lambda: cf.exact_eigenvalues(ntk("relu"), 3, -1), "kmax must be an integer >= 0"),
        (lambda: cf.exact_eigenvalues("relu", 3, 3), "kernel must be a DotProductKernel"),
    ],
)
def test_invalid_input_messages(call, message):
    with pytest.raises(InvalidInput, match=None) as err:
        call()
    assert message in str(err.value)


def test_float_parameters_are_read_as_written_decimals():
    assert cf.mu_one_minus_u_pow(0.3, 3, 2) == cf.mu_one_minus_u_pow(R(3, 10), 3, 2)
    assert cf.mu_one_minus_u_pow("3/2", 3, 2) == cf.mu_one_minus_u_pow(R(3, 2), 3, 2)
