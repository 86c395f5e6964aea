"""Network kernels: closed forms, values, power series, singular expansions, parity structure.

References are independent of asympt's code paths: theory section 3's arc-cosine recursion
coded here in numpy, 2-D Gaussian quadrature for activations without closed forms, mpmath
numerical differentiation for series, theory section 4's constants and the kernel itself near
u = +-1 for the singular expansions.
"""

import mpmath
import numpy as np
import pytest
import sympy

from asympt.core.conventions import u
from asympt.core.errors import InvalidInput
from asympt.kernels.networks import network, nngp, ntk

PI = np.pi
GRID = np.array([-1.0, -0.99, -0.7, -0.2, 0.0, 0.35, 0.8, 0.99, 1.0])


def kappa0(r):
    return 1 - np.arccos(np.clip(r, -1, 1)) / PI


def kappa1(r):
    r = np.clip(r, -1, 1)
    return (np.sqrt(1 - r * r) + r * (PI - np.arccos(r))) / PI


def he_relu_theory(uu, layers):
    """theory section 3: rho_1 = u, rho_(l+1) = kappa1(rho_l), Theta^(l+1) = rho_(l+1) + Theta^l kappa0(rho_l)."""
    rho, theta = uu, uu
    for _ in range(layers - 1):
        theta = kappa1(rho) + theta * kappa0(rho)
        rho = kappa1(rho)
    return rho, theta


@pytest.mark.parametrize("layers", [2, 3, 4])
def test_he_relu_ntk_and_nngp_match_theory_recursion(layers):
    rho, theta = he_relu_theory(GRID, layers)
    np.testing.assert_allclose(ntk("relu", layers)(GRID), theta, rtol=1e-13, atol=1e-14)
    np.testing.assert_allclose(nngp("relu", layers)(GRID), rho, rtol=1e-13, atol=1e-14)
    assert ntk("relu", layers).value_at_one == layers


def test_relu_with_bias_reference_net():
    # theory section 3: sigma_w1 = sigma_b1 = sigma_b2 = 1, sigma_w2^2 = 2
    k = ntk("relu", 2, bias=1)
    r = (1 + GRID) / 2
    np.testing.assert_allclose(k(GRID), 2 * kappa1(r) + 1 + (1 + GRID) * kappa0(r), rtol=1e-13)
    assert k.value_at_one == 5


def test_train_subsets_add_up_to_the_ntk():
    full = ntk("relu", 3, bias=sympy.Rational(1, 3))
    parts = [ntk("relu", 3, bias=sympy.Rational(1, 3), train=str(l)) for l in (1, 2, 3)]
    np.testing.assert_allclose(sum(p(GRID) for p in parts), full(GRID), rtol=1e-13)
    # last layer = NNGP; last weights only = NNGP - sigma_b^2
    last_w = ntk("relu", 3, bias=sympy.Rational(1, 3), train="last-weights")
    np.testing.assert_allclose(last_w(GRID) + 1 / 9, parts[2](GRID), rtol=1e-13)


def test_neural_tangents_convention_uses_uniform_scales():
    net = network("erf", 3, sigma_w=1.5, sigma_b=0.2, convention="neural_tangents")
    assert net.sigma_w == (sympy.Rational(3, 2),) * 3
    assert net.sigma_b == (sympy.Rational(1, 5),) * 3
    # he convention: scalar sigma_w also applies to every layer; defaults differ
    assert network("erf", 3, convention="neural_tangents").sigma_w == (1, 1, 1)


def _mc2(f, q, c, n=200):
    """E[f(z1) f(z2)] by tensor Gauss-Hermite (independent of asympt's Mehler path)."""
    z, w = np.polynomial.hermite_e.hermegauss(n)
    w = w / np.sqrt(2 * PI)
    rho = c / q
    s = np.sqrt(1 - rho**2)
    A, B = np.meshgrid(z, z, indexing="ij")
    return float(np.sum(np.outer(w, w) * f(np.sqrt(q) * A) * f(np.sqrt(q) * (rho * A + s * B))))


@pytest.mark.parametrize("name,f", [("tanh", np.tanh), ("sin", np.sin)])
def test_quadrature_activations_two_layers(name, f):
    k = nngp(name, 2, sigma_w=[1, 1])
    for uu in (-0.9, 0.2, 0.99):
        assert float(k(np.array([uu]))[0]) == pytest.approx(_mc2(f, 1.0, uu), rel=1e-12)


def test_mp_and_float_evaluators_agree():
    k = ntk("relu", 3, bias=sympy.Rational(1, 2))
    with mpmath.workdps(30):
        for uu in ("-0.5", "0.3", "0.999"):
            assert float(k.mp(mpmath.mpf(uu))) == pytest.approx(float(k(float(uu))), rel=1e-13)


def test_mp_theta_keeps_digits_near_theta_zero():
    k = ntk("relu")
    with mpmath.workdps(30):
        th = mpmath.mpf("1e-12")
        # theory section 4, He NTK near u = 1: k = 2 - (sqrt(2)/pi) sqrt(t) + O(t), t = 1 - cos th
        val = k.mp_theta(th)
        t = 2 * mpmath.sin(th / 2) ** 2
        expected = 2 - mpmath.sqrt(2) / mpmath.pi * mpmath.sqrt(t)
        # the O(t) remainder is ~ 5e-25; a cancelling evaluation of cos(th) would be wrong at 1e-18
        assert abs(val - expected) < 1e-23


# ---- power series ------------------------------------------------------------------------------

def test_relu_nngp_series_matches_hermite_coefficients():
    # theory section 2: a_0^2 = 1/(2 pi), a_1^2 = 1/4, a_2m^2 = ((2m-3)!!)^2 / (2 pi (2m)!), odd n >= 3: 0
    coeffs = nngp("relu").series(10)  # He: sigma_w2^2 = 2 -> k = 2 E[relu relu]
    expected = [1 / (2 * sympy.pi), sympy.Rational(1, 4)]
    for n in range(2, 10):
        if n % 2:
            expected.append(0)
        else:
            m = n // 2
            expected.append(sympy.factorial2(2 * m - 3) ** 2 / (2 * sympy.pi * sympy.factorial(2 * m)))
    for got, exp in zip(coeffs, expected):
        assert sympy.simplify(got - 2 * exp) == 0


@pytest.mark.parametrize("spec", [dict(act="relu", layers=3),
                                  # exact Taylor coefficients through two biased erf layers: 20-60 s
                                  pytest.param(dict(act="erf", layers=3, bias=sympy.Rational(1, 2)),
                                               marks=pytest.mark.slow),
                                  dict(act="relu", layers=2, bias=1), dict(act="abs", layers=3)])
def test_series_matches_numerical_taylor(spec):
    k = ntk(spec.pop("act"), **spec)
    coeffs = k.series(4)  # the deep erf coefficients have thousands of operations beyond this
    with mpmath.workdps(40):
        taylor = mpmath.taylor(lambda z: k.mp(z), 0, 3)
        for got, ref in zip(coeffs, taylor):
            val = mpmath.mpf(str(sympy.N(got, 32)))
            assert abs(val - ref) < mpmath.mpf(10) ** -25 * max(1, abs(ref))


# ---- singular expansions ----------------------------------------------------------------------

S2 = sympy.sqrt(2)


@pytest.mark.parametrize(
    ("kernel", "c_plus", "c_minus", "nu"),
    [
        (lambda: ntk("relu"), -S2 / sympy.pi, -S2 / sympy.pi, sympy.Rational(1, 2)),
        (lambda: ntk("relu", 3), -3 * S2 / sympy.pi, -1 / (S2 * sympy.pi), sympy.Rational(1, 2)),
        (lambda: ntk("relu", 4), -6 * S2 / sympy.pi, None, sympy.Rational(1, 2)),
        (lambda: nngp("relu", 3), 4 * S2 / (3 * sympy.pi), S2 / (3 * sympy.pi), sympy.Rational(3, 2)),
        (lambda: nngp("relu", 2), 2 * S2 / (3 * sympy.pi), 2 * S2 / (3 * sympy.pi), sympy.Rational(3, 2)),
        (lambda: ntk("relu", 2, bias=1), -2 / sympy.pi, 0, sympy.Rational(1, 2)),
        (lambda: nngp("step"), -S2 / sympy.pi, S2 / sympy.pi, sympy.Rational(1, 2)),
    ],
)
def test_singular_coefficients_match_theory(kernel, c_plus, c_minus, nu):
    k = kernel()
    plus = k.singular(1)
    assert plus.leading.exponent == nu
    assert sympy.simplify(plus.leading.coeff - c_plus) == 0
    if c_minus is not None:
        minus = k.singular(-1)
        if c_minus == 0:
            assert minus.terms == () and minus.analytic
        else:
            assert minus.leading.exponent == nu
            assert sympy.simplify(minus.leading.coeff - c_minus) == 0


@pytest.mark.parametrize("a", [sympy.Rational(5, 4), sympy.Rational(7, 3)])
def test_power_activation_constants(a):
    # theory section 4: E_a has gamma = a + 1/2, c+ = Gamma(a+1)^2 Gamma(-a-1/2)/(2 sqrt2 pi^(3/2)),
    # c- = -cos(pi a) c+; the 2-layer He NNGP is 2 E_a.
    k = nngp(f"relu^{a}")
    cp = sympy.gamma(a + 1) ** 2 * sympy.gamma(-a - sympy.Rational(1, 2)) / (2 * S2 * sympy.pi ** sympy.Rational(3, 2))
    lead = k.singular(1).leading
    assert lead.exponent == a + sympy.Rational(1, 2)
    assert abs(sympy.N(lead.coeff - 2 * cp, 30)) < 1e-25
    lm = k.singular(-1).leading
    assert abs(sympy.N(lm.coeff + 2 * sympy.cos(sympy.pi * a) * cp, 30)) < 1e-25


@pytest.mark.parametrize("kernel", [lambda: ntk("relu", 3), lambda: nngp("relu^5/4"), lambda: ntk("abs", 3),
                                    lambda: ntk("relu2", 2, bias=sympy.Rational(1, 2))])
@pytest.mark.parametrize("at", [1, -1])
def test_local_expansion_reproduces_the_kernel(kernel, at):
    """The full local expansion (regular + singular terms) minus k(at -+ t) is O(t^order)."""
    from asympt.kernels.expansions import local_expansion

    k = kernel()
    ser = local_expansion(k, at, order=3)
    errs = []
    with mpmath.workdps(50):
        for t in (mpmath.mpf("1e-4"), mpmath.mpf("1e-5")):
            approx = mpmath.mpf(0)
            for (e, m), c in ser.terms.items():
                approx += mpmath.mpf(str(sympy.N(c, 50))) * t ** mpmath.mpf(str(sympy.N(e, 50))) * mpmath.log(t) ** m
            exact = k.mp(at - at * t)
            errs.append(abs(exact - approx))
    order = float(ser.order)
    # remainder ratio for a 10x smaller t must be about 10^-order (allow slack for log factors)
    assert errs[1] <= errs[0] * 10 ** (-order + 0.6) + mpmath.mpf(10) ** -40


def test_half_integer_power_gives_log_term():
    k = nngp("relu^3/2")
    lead = k.singular(1).leading
    assert lead.exponent == 2 and lead.log_power == 1
    # residue of c+(a) at a = 3/2: (-1)^(n+1) Gamma(a+1)^2/(2 sqrt2 pi^(3/2) n!), n = 2; He factor 2
    expected = -2 * sympy.gamma(sympy.Rational(5, 2)) ** 2 / (2 * S2 * sympy.pi ** sympy.Rational(3, 2) * 2)
    assert abs(sympy.N(lead.coeff - expected, 30)) < 1e-25


def test_bias_makes_minus_one_analytic_and_depth_keeps_exponent():
    k = ntk("relu", 3, bias=sympy.Rational(1, 10))
    assert k.singular(-1).analytic
    assert k.singular(1).leading.exponent == sympy.Rational(1, 2)


# ---- parity --------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("kernel", "even", "odd"),
    [
        (lambda: ntk("relu"), None, 1),          # zeros for odd k >= 3
        (lambda: nngp("relu"), None, 1),
        (lambda: nngp("step"), 0, None),         # zeros for even k >= 2
        (lambda: ntk("relu2"), 2, None),         # ReLU^2 NTK lives on odd k; zeros even k >= 4
        (lambda: ntk("relu", 3), None, None),    # depth removes the zeros
        (lambda: ntk("relu", 2, bias=1), None, None),
        (lambda: ntk("erf"), -1, None),          # odd kernel: every even mu_k = 0
        (lambda: ntk("cos"), None, -1),
        (lambda: ntk("x**3 - x"), -1, 3),
        (lambda: ntk("tanh"), -1, None),
    ],
)
def test_parity_structure(kernel, even, odd):
    k = kernel()
    assert k.polynomial_degree(0) == even
    assert k.polynomial_degree(1) == odd


def test_polynomial_part_really_is_that_polynomial():
    e = ntk("relu").expr.rewrite(sympy.asin)
    odd = sympy.simplify((e - e.subs(u, -u)) / 2)
    assert odd == u


# ---- validation ----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(act="relu", layers=1), "layers must be an integer >= 2"),
        (dict(act="relu", layers=2, sigma_w=-1), "sigma_w must be non-negative"),
        (dict(act="relu", layers=2, sigma_b=[1, 2, 3]), "one value or one per layer"),
        (dict(act="relu", layers=2, train="5"), "between 1 and 2"),
        (dict(act="relu", layers=2, train="first"), "train must be"),
        (dict(act="step", layers=2, train="all"), "only the last layer"),
        (dict(act="relu^0.5", layers=3, train="all"), "only the last layer"),
        (dict(act="nope", layers=2), "unknown name"),
        (dict(act="relu", layers=2, convention="jax"), "convention must be"),
    ],
)
def test_bad_network_arguments(kwargs, message):
    with pytest.raises(InvalidInput, match=message):
        act = kwargs.pop("act")
        network(act, **kwargs)


def test_u_outside_sphere_range_is_rejected():
    with pytest.raises(InvalidInput, match=r"\[-1, 1\]"):
        ntk("relu")(np.array([1.5]))
