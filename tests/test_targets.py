"""Targets: per-degree energies e_k, norms, tails and large-k laws.

Reference values come from an independent Funk-Hecke quadrature written here (mpmath.quad in theta at
40 digits, Gegenbauer polynomials from their explicit cosine series, not from the three-term recurrence
that asympt uses), from closed forms (Bessel functions, 1/(2d), 1/2) and from exact SymPy arithmetic.
"""

import math

import mpmath
import pytest
import sympy

from asympt.core.errors import InvalidInput, NotSupported
from asympt.targets import (
    RKHS,
    Cap,
    Harmonic,
    Neuron,
    PowerLaw,
    Sobolev,
    TargetLaw,
    _multiplicity,
    parse_target,
)

DIMS = (2, 3, 5, 10)
QUAD_DPS = 40


# ----------------------------------------------------------------------------------------------
# Independent reference: s_k = c_d int_0^pi g(cos th) P_k(cos th) sin^(d-2) th dth
# ----------------------------------------------------------------------------------------------


def _gegenbauer_cos_coefficients(dim, k):
    """c_m with P_k(cos th) = sum_m c_m cos(m th), from the explicit series
    C_k^lam(cos th) = sum_j (lam)_j (lam)_(k-j) / (j! (k-j)!) cos((k - 2j) th), normalised at th = 0."""
    coeffs = [mpmath.mpf(0)] * (k + 1)
    if dim == 2:
        coeffs[k] = mpmath.mpf(1)
        return coeffs
    lam = mpmath.mpf(dim - 2) / 2
    a = [mpmath.rf(lam, j) * mpmath.rf(lam, k - j) / (mpmath.factorial(j) * mpmath.factorial(k - j))
         for j in range(k + 1)]
    total = mpmath.fsum(a)
    for j, aj in enumerate(a):
        coeffs[abs(k - 2 * j)] += aj / total
    return coeffs


def funk_hecke_quad(g, dim, k, breaks=(), dps=QUAD_DPS, method="gauss-legendre"):
    """s_k by mpmath.quad in theta, split at the kinks and into about k/10 pieces.

    Gauss-Legendre for integrands analytic on each piece; tanh-sinh for t_+^b with non-integer b, whose
    endpoint singularity (pi/2 - theta)^b Gauss-Legendre resolves only to about 14 digits."""
    with mpmath.workdps(dps):
        coeffs = _gegenbauer_cos_coefficients(dim, k)
        cd = mpmath.gamma(mpmath.mpf(dim) / 2) / (mpmath.sqrt(mpmath.pi) * mpmath.gamma(mpmath.mpf(dim - 1) / 2))

        def f(th):
            c = mpmath.cos(th)
            if dim == 2:
                return g(c) * mpmath.cos(k * th)
            t_prev, t_cur, pk = mpmath.mpf(1), c, coeffs[0]      # Chebyshev T_m(c) = cos(m th)
            for m in range(1, k + 1):
                if m > 1:
                    t_prev, t_cur = t_cur, 2 * c * t_cur - t_prev
                pk += coeffs[m] * t_cur
            return g(c) * pk * mpmath.sin(th) ** (dim - 2)

        edges = sorted([mpmath.mpf(0), +mpmath.pi] + [_angle(b) for b in breaks])
        pieces = max(1, k // 10)
        points = []
        for a, b in zip(edges[:-1], edges[1:]):
            points += [a + (b - a) * i / pieces for i in range(pieces)]
        points.append(edges[-1])
        return +(cd * mpmath.quad(f, points, method=method))


def _angle(b):
    """A kink angle at the current precision ("pi/2", "pi/3" or a number)."""
    return {"pi/2": mpmath.pi / 2, "pi/3": mpmath.pi / 3}[b] if isinstance(b, str) else mpmath.mpf(b)


def _relu(t):
    return t if t > 0 else mpmath.mpf(0)


def _step(t):
    return mpmath.mpf(1) if t > 0 else mpmath.mpf(0)


REFERENCE_G = {
    # spec: (g for the quadrature, kink angles)
    "neuron:relu": (_relu, ("pi/2",)),
    "neuron:step": (_step, ("pi/2",)),
    "neuron:relu^1.5": (lambda t: _relu(t) ** mpmath.mpf(1.5), ("pi/2",)),
    "neuron:abs": (abs, ("pi/2",)),
    "neuron:leaky_relu:0.1": (lambda t: t if t > 0 else t / 10, ("pi/2",)),
    "neuron:erf": (mpmath.erf, ()),
    "neuron:tanh": (mpmath.tanh, ()),
    "cap:1": (lambda t: mpmath.mpf(1) if t > mpmath.cos(1) else mpmath.mpf(0), (1,)),
    "cap:pi/3": (lambda t: mpmath.mpf(1) if t > mpmath.mpf(1) / 2 else mpmath.mpf(0), ("pi/3",)),
}


def _reference_s(spec, dim, k):
    g, breaks = REFERENCE_G[spec]
    method = "tanh-sinh" if spec == "neuron:relu^1.5" else "gauss-legendre"
    return funk_hecke_quad(g, dim, k, breaks, method=method)


def _assert_energy_matches(spec, dim, k, e_ours, s_ref):
    """|s_k| from e_k = N s_k^2 agrees with the quadrature to 1e-30 relative or 1e-34 absolute."""
    n = _multiplicity(dim, k)
    with mpmath.workdps(QUAD_DPS):
        if e_ours == 0:
            assert abs(s_ref) < 1e-34, (spec, dim, k, s_ref)
            return
        s_ours = mpmath.sqrt(e_ours / n)
        assert abs(s_ours - abs(s_ref)) <= 1e-34 + 1e-30 * abs(s_ref), (spec, dim, k, s_ours, s_ref)


# ----------------------------------------------------------------------------------------------
# e_k against the independent quadrature
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dim", DIMS)
@pytest.mark.parametrize("spec", sorted(REFERENCE_G))
def test_energies_match_independent_quadrature(spec, dim):
    target = parse_target(spec)
    ks = (0, 1, 2, 5)
    energies = target.energies(dim, max(ks), dps=35)
    for k in ks:
        _assert_energy_matches(spec, dim, k, energies[k], _reference_s(spec, dim, k))


FAST_PAIRS = [("neuron:relu", 3), ("neuron:step", 10), ("neuron:relu^1.5", 5), ("neuron:abs", 2),
              ("neuron:leaky_relu:0.1", 10), ("neuron:erf", 3), ("neuron:tanh", 10), ("cap:1", 10),
              ("cap:pi/3", 3)]


@pytest.mark.parametrize(("spec", "dim"), FAST_PAIRS)
def test_energies_match_quadrature_at_degree_about_40(spec, dim):
    target = parse_target(spec)
    energies = target.energies(dim, 41, dps=35)
    for k in (40, 41):
        _assert_energy_matches(spec, dim, k, energies[k], _reference_s(spec, dim, k))


@pytest.mark.slow
@pytest.mark.parametrize(("spec", "dim"), [(s, d) for s in sorted(REFERENCE_G) for d in DIMS
                                           if (s, d) not in FAST_PAIRS])
def test_energies_match_quadrature_at_degree_about_40_all_dims(spec, dim):
    test_energies_match_quadrature_at_degree_about_40(spec, dim)


@pytest.mark.parametrize(("dim", "k"), [(3, 6), (10, 7), (5, 4), (2, 9)])
@pytest.mark.parametrize("spec", ["neuron:relu", "neuron:relu^1.5", "neuron:erf", "neuron:sin", "neuron:cos",
                                  "neuron:x**3 - x/2", "cap:1", "cap:pi/3", "neuron:leaky_relu:0.1"])
def test_exact_energy_agrees_with_high_precision_value(spec, dim, k):
    target = parse_target(spec)
    exact = target.energy(dim, k)
    approx = target.energy_mp(dim, k, dps=40)
    with mpmath.workdps(40):
        ref = mpmath.mpf(sympy.Float(sympy.N(exact, 50), 50)._mpf_)
        assert abs(approx - ref) <= 1e-36 * abs(ref) + 1e-60


@pytest.mark.parametrize("dim", (2, 3, 10))
def test_numeric_engine_against_bessel_closed_form_up_to_k_120(dim):
    # exp(t) goes through the quadrature path; s_k[e^t] = Gamma(d/2) 2^lam I_(k+lam)(1) (theory 5.6)
    energies = parse_target("neuron:exp(x)").energies(dim, 120, dps=30)
    with mpmath.workdps(50):
        lam = mpmath.mpf(dim - 2) / 2
        worst = max(abs(energies[k] / (_multiplicity(dim, k) * (mpmath.gamma(mpmath.mpf(dim) / 2) * 2**lam
                                                                 * mpmath.besseli(k + lam, 1)) ** 2) - 1)
                    for k in range(121))
    assert worst < 1e-29          # e_120 is about 1e-470: the working precision followed the decay


@pytest.mark.parametrize("dim", (3, 4))
def test_numeric_engine_tanh_against_quadrature(dim):
    energies = parse_target("neuron:tanh").energies(dim, 21, dps=30)
    for k in (1, 7, 21):
        _assert_energy_matches("neuron:tanh", dim, k, energies[k], _reference_s("neuron:tanh", dim, k))


@pytest.mark.slow
def test_numeric_engine_deep_cancellation_against_high_precision_quadrature():
    # s_101 of tanh at d = 5 is ~1e-57: the quadrature needs 100 digits to see it
    energies = parse_target("neuron:tanh").energies(5, 101, dps=30)
    ref = funk_hecke_quad(mpmath.tanh, 5, 101, dps=110)
    with mpmath.workdps(110):
        s = mpmath.sqrt(energies[101] / _multiplicity(5, 101))
        assert abs(s / abs(ref) - 1) < 1e-28


@pytest.mark.slow
def test_numeric_engine_large_kmax_is_self_consistent():
    low = parse_target("neuron:tanh").energies(10, 300, dps=30)
    high = parse_target("neuron:tanh").energies(10, 300, dps=45)
    with mpmath.workdps(50):
        assert max(abs(a / b - 1) for a, b in zip(low, high) if b != 0) < 1e-29
        assert all((a == 0) == (b == 0) for a, b in zip(low, high))


# ----------------------------------------------------------------------------------------------
# Exact zeros
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "zero_degrees"),
    [
        ("neuron:relu", (3, 5, 7, 21)),
        ("neuron:step", (2, 4, 6, 20)),
        ("neuron:relu2", (4, 6, 30)),
        ("neuron:relu3", (5, 7)),
        ("neuron:abs", (1, 3, 11)),
        ("neuron:leaky_relu:0.1", (3, 5, 13)),
        ("neuron:identity", (0, 2, 3)),
        ("neuron:erf", (0, 2, 10)),
        ("neuron:cos", (1, 3)),
        ("halfspace", (2, 4)),
        ("cap:pi/2", (2, 4, 10)),
    ],
)
@pytest.mark.parametrize("dim", DIMS)
def test_structural_zeros_are_exact(spec, zero_degrees, dim):
    target = parse_target(spec)
    energies = target.energies(dim, max(zero_degrees), dps=30)
    for k in zero_degrees:
        assert target.energy(dim, k) is sympy.S.Zero
        assert energies[k] == 0 and isinstance(energies[k], mpmath.mpf)


def test_relu_nonzero_degrees_are_not_zero():
    relu = parse_target("neuron:relu")
    assert all(relu.energy(3, k) != 0 for k in (0, 1, 2, 4, 6, 20))


def test_cap_zero_on_circle_found_exactly():
    # d = 2: s_k = sin(k pi/3)/(pi k) vanishes exactly on k = 0 (mod 3)
    cap = parse_target("cap:pi/3")
    energies = cap.energies(2, 12)
    assert [k for k in range(1, 13) if energies[k] == 0] == [3, 6, 9, 12]
    assert cap.energy(2, 9) is sympy.S.Zero


def test_polynomial_parity_parts_are_exact():
    sigmoid = parse_target("neuron:sigmoid")   # even part is 1/2
    e = sigmoid.energies(3, 12)
    assert e[0] == mpmath.mpf(1) / 4 and all(e[k] == 0 for k in (2, 4, 12))
    assert sigmoid.energy(3, 0) == sympy.Rational(1, 4) and sigmoid.energy(3, 6) == 0
    for name in ("gelu", "silu", "softplus"):   # odd part is x/2
        target = parse_target(f"neuron:{name}")
        e = target.energies(5, 9)
        with mpmath.workdps(40):
            assert abs(e[1] - mpmath.mpf(1) / 20) < 1e-38      # N(5, 1) (1/(2*5))^2
        assert all(e[k] == 0 for k in (3, 5, 9)) and all(e[k] != 0 for k in (0, 2, 8))


# ----------------------------------------------------------------------------------------------
# Norms, Parseval and tails
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dim", (2, 3, 4, 7, 10))
def test_closed_form_norms(dim):
    d = sympy.Integer(dim)
    assert parse_target("neuron:relu").norm2(dim) == 1 / (2 * d)
    assert parse_target("neuron:step").norm2(dim) == sympy.S.Half
    assert parse_target("halfspace").norm2(dim) == sympy.S.Half
    assert parse_target("neuron:abs").norm2(dim) == 1 / d
    assert parse_target("neuron:identity").norm2(dim) == 1 / d
    assert parse_target("neuron:leaky_relu:0.1").norm2(dim) == (1 + sympy.Rational(1, 100)) / (2 * d)
    assert sympy.simplify(parse_target("cap:pi/2").norm2(dim) - sympy.S.Half) == 0


@pytest.mark.parametrize("dim", (2, 3, 5, 10))
@pytest.mark.parametrize("spec", ["neuron:relu^1.5", "neuron:erf", "neuron:tanh", "neuron:sin", "neuron:cos",
                                  "neuron:leaky_relu:0.1", "cap:1"])
def test_norm_against_quadrature_of_g_squared(spec, dim):
    g, breaks = REFERENCE_G.get(spec, (None, ()))
    if g is None:
        g = {"neuron:sin": mpmath.sin, "neuron:cos": mpmath.cos}[spec]
    with mpmath.workdps(QUAD_DPS):
        cd = mpmath.gamma(mpmath.mpf(dim) / 2) / (mpmath.sqrt(mpmath.pi) * mpmath.gamma(mpmath.mpf(dim - 1) / 2))
        edges = sorted([mpmath.mpf(0), +mpmath.pi] + [_angle(b) for b in breaks])
        ref = cd * mpmath.quad(lambda th: g(mpmath.cos(th)) ** 2 * mpmath.sin(th) ** (dim - 2), edges)
        assert abs(parse_target(spec).norm2_mp(dim, dps=35) - ref) < 1e-33 * ref


@pytest.mark.parametrize("dim", DIMS)
@pytest.mark.parametrize("spec", ["neuron:erf", "neuron:tanh", "neuron:sin", "neuron:gelu"])
def test_parseval_for_smooth_neurons(spec, dim):
    target = parse_target(spec)
    with mpmath.workdps(40):
        total = mpmath.fsum(target.energies(dim, 60, dps=35))
        assert abs(total - target.norm2_mp(dim, dps=35)) < 1e-32


@pytest.mark.parametrize("dim", (2, 3, 10))
@pytest.mark.parametrize("spec", ["neuron:relu", "neuron:step", "neuron:relu^1.5", "cap:1", "cap:pi/3"])
def test_parseval_partial_sums_and_tail(spec, dim):
    target = parse_target(spec)
    law = target.asymptotic(dim)
    K = 1500
    with mpmath.workdps(40):
        head = mpmath.fsum(target.energies(dim, K - 1, dps=35))
        tail = target.tail_mp(dim, K, dps=30)
        norm = target.norm2_mp(dim, dps=35)
        assert abs(head + tail - norm) < 1e-30 * norm              # tail = norm - partial sum
        # the tail follows the law: sum over k >= K of B_p k^-beta ~ (B_even + B_odd)/2 K^(1-beta)/(beta-1)
        beta = mpmath.mpf(law.beta.p) / law.beta.q
        predicted = (_mp(law.B_even) + _mp(law.B_odd)) / 2 * mpmath.mpf(K) ** (1 - beta) / (beta - 1)
        assert abs(tail / predicted - 1) < 30.0 / K                # O(1/K), oscillations included


def test_theory_plateau_values_at_d3():
    # theory section 7: energy on degrees a 2-layer kernel cannot learn
    step, relu = parse_target("neuron:step"), parse_target("neuron:relu")
    assert step.tail(3, 2) / 2 == sympy.Rational(1, 32)         # step target, ReLU NTK / RF
    assert relu.tail(3, 2) / 2 == sympy.Rational(1, 96)         # ReLU target, step RF
    assert relu.tail(3, 3) / 2 == sympy.Rational(1, 1536)       # ReLU target, ReLU^2 NTK


def test_exact_tail_identity():
    relu = parse_target("neuron:relu")
    assert relu.tail(3, 0) == sympy.Rational(1, 6)
    assert relu.tail(3, 7) == sympy.Rational(1, 6) - sum(relu.energy(3, k) for k in range(7))
    with mpmath.workdps(40):
        assert abs(relu.tail_mp(3, 7, dps=35) - _mp(relu.tail(3, 7))) < 1e-36


def test_tail_of_smooth_neuron_is_summed_forward():
    erf = parse_target("neuron:erf")
    with mpmath.workdps(40):
        direct = mpmath.fsum(erf.energies(3, 200, dps=35)[11:])
        assert abs(erf.tail_mp(3, 11, dps=30) / direct - 1) < 1e-28


# ----------------------------------------------------------------------------------------------
# Large-k laws
# ----------------------------------------------------------------------------------------------


def _mp(expr):
    return mpmath.mpf(sympy.Float(sympy.N(expr, 45), 45)._mpf_)


@pytest.mark.parametrize("dim", DIMS)
@pytest.mark.parametrize("spec", ["neuron:relu", "neuron:step", "neuron:relu^1.5", "neuron:relu2",
                                  "neuron:relu^0.25", "neuron:abs", "neuron:leaky_relu:0.1", "sobolev:3/4"])
def test_law_ratio_tends_to_one_at_rate_one_over_k(spec, dim):
    target = parse_target(spec)
    law = target.asymptotic(dim)
    assert law.kind == "power" and not law.oscillating
    e = target.energies(dim, 1601, dps=30)
    with mpmath.workdps(40):
        beta = _mp(law.beta)
        for parity in (0, 1):
            B = _mp(law.amplitude(parity))
            if B == 0:
                assert all(e[k] == 0 for k in range(200 + parity, 1602, 2))
                continue
            dev = {k: abs(e[k] * mpmath.mpf(k) ** beta / B - 1) for k in (200 + parity, 1600 + parity)}
            assert dev[200 + parity] * 200 < 100                       # O(1/k) with a modest constant
            assert dev[1600 + parity] <= dev[200 + parity] / 6 + 1e-25   # ... and it shrinks like 1/k


def test_law_constants_in_closed_form():
    law = parse_target("neuron:relu").asymptotic(3)
    assert (law.beta, law.B_even, law.B_odd) == (4, 1 / sympy.pi, 0)       # theory section 7 worked case
    law = parse_target("neuron:step").asymptotic(2)
    assert (law.beta, law.B_even, law.B_odd) == (2, 0, 2 / sympy.pi**2)
    law = parse_target("neuron:relu^1.5").asymptotic(3)
    assert law.beta == 5 and law.B_even == law.B_odd != 0                  # sin^2(3 pi/4) = cos^2(3 pi/4)
    law = parse_target("sobolev:2").asymptotic(5)
    assert (law.beta, law.B_even, law.B_odd) == (5, 4, 4)
    law = parse_target("powerlaw:3/2").asymptotic(5)
    assert (law.beta, law.B_even) == (sympy.Rational(3, 2), 1)


@pytest.mark.parametrize("k", (60, 61, 240, 241))
def test_circle_law_by_quadrature(k):
    # d = 2 uses (d-2)! = 0! = 1 in B(k); check it with the independent quadrature
    law = parse_target("neuron:relu").asymptotic(2)
    s = funk_hecke_quad(_relu, 2, k, ("pi/2",))
    with mpmath.workdps(QUAD_DPS):
        e = 2 * s**2
        if k % 2:
            assert abs(e) < 1e-70
        else:
            assert abs(e * mpmath.mpf(k) ** 4 / _mp(law.B_even) - 1) < 3.0 / k**2


@pytest.mark.parametrize("dim", DIMS)
@pytest.mark.parametrize("theta", ["1", "pi/3", "2.5"])
def test_cap_law_with_oscillating_amplitude(dim, theta):
    cap = parse_target(f"cap:{theta}")
    law = cap.asymptotic(dim)
    assert law.oscillating and law.beta == 2 and law.B_even == law.B_odd
    e = cap.energies(dim, 1700, dps=30)
    with mpmath.workdps(40):
        B = 2 * _mp(law.B_even)
        worst = {}
        for lo in (200, 1600):
            worst[lo] = max(abs(e[k] * k**2 - _mp(cap.oscillating_amplitude(dim, k))) / B * k
                            for k in range(lo, lo + 40))
        assert worst[200] < 50 and worst[1600] < 50          # e_k k^2 - amplitude = O(B/k)
        mean = mpmath.fsum(e[k] * k**2 for k in range(1000, 1700)) / 700
        assert abs(mean / _mp(law.B_even) - 1) < 0.05         # the amplitude averages to B_cap/2


def test_half_space_cap_law_is_the_step_law():
    for dim in (2, 3, 6):
        cap, step = parse_target("cap:pi/2").asymptotic(dim), parse_target("neuron:step").asymptotic(dim)
        assert not cap.oscillating
        assert sympy.simplify(cap.B_odd - step.B_odd) == 0 and cap.B_even == step.B_even == 0


def test_smooth_and_finite_laws():
    for spec in ("neuron:erf", "neuron:tanh", "neuron:sin", "neuron:gelu"):
        law = parse_target(spec).asymptotic(4)
        assert law.kind == "smooth" and law.beta is None and "faster than any power" in law.note
    law = parse_target("harmonic:0,2,5").asymptotic(3)
    assert law.kind == "finite" and law.max_degree == 5 and law.beta is None
    law = parse_target("neuron:x**3 - x").asymptotic(3)
    assert law.kind == "finite" and law.max_degree == 3
    assert isinstance(law, TargetLaw)


# ----------------------------------------------------------------------------------------------
# Energy-law classes and RKHS
# ----------------------------------------------------------------------------------------------


def test_sobolev_tails_are_exact():
    sob = parse_target("sobolev:3/2")
    assert sob.norm2(7) == 1
    assert sob.tail(7, 10) == sympy.Rational(1, 1000)
    assert sum(sob.energy(7, k) for k in range(10)) + sob.tail(7, 10) == 1
    with mpmath.workdps(40):
        assert abs(mpmath.fsum(sob.energies(3, 99)) + sob.tail_mp(3, 100) - 1) < 1e-35


def test_powerlaw_and_harmonic():
    pl = parse_target("powerlaw:2")
    assert pl.tail(3, 4) == sympy.pi**2 / 6 - sympy.Rational(49, 36)
    with mpmath.workdps(40):
        assert abs(pl.tail_mp(3, 4) - (mpmath.pi**2 / 6 - mpmath.mpf(49) / 36)) < 1e-35
    h = parse_target("harmonic:4")
    assert h.energies(3, 5) == [0, 0, 0, 0, 1, 0] and h.norm2(9) == 1 and h.tail(3, 5) == 0


def test_rkhs_needs_a_spectrum():
    t = parse_target("rkhs:1/2")
    assert isinstance(t, RKHS) and isinstance(t.base, Sobolev) and t.base.s == sympy.S.Half
    with pytest.raises(NotSupported, match="with_spectrum"):
        t.energy(3, 2)
    bound = t.with_spectrum(lambda k: sympy.Rational(1, (k + 1) ** 3), dim=3, alpha=3, A_even=1, A_odd=1)
    assert bound.energy(3, 1) == sympy.Rational(1, 8) * sympy.Rational(1, 2)   # mu_1 e_1(g) = 1/8 * 1/2
    with mpmath.workdps(40):
        assert abs(bound.energies(3, 2, dps=35)[2] - mpmath.mpf(1) / 27 / 6) < 1e-38   # mu_2 e_2(g)
    law = bound.asymptotic(3)
    assert law.beta == 2 + 3 and law.B_even == 1                               # beta_g + 2 r alpha
    with pytest.raises(InvalidInput, match="dimension 3"):
        bound.energy(5, 1)
    assert isinstance(parse_target("rkhs:1:neuron:relu").base, Neuron)


def test_generic_neuron_has_no_exact_energy_but_an_exact_norm():
    tanh = parse_target("neuron:tanh")
    with pytest.raises(NotSupported, match="energy_mp"):
        tanh.energy(3, 1)
    assert isinstance(tanh.norm2(3), sympy.Integral)
    assert tanh.energy(3, 2) == 0   # the even part of tanh is 0


# ----------------------------------------------------------------------------------------------
# Parsing
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "cls", "canonical"),
    [
        ("neuron", Neuron, "neuron:relu"),
        ("neuron:step", Neuron, "neuron:step"),
        ("NEURON:relu^1.5", Neuron, "neuron:relu^3/2"),
        ("neuron:leaky_relu:0.1", Neuron, "neuron:leaky_relu:1/10"),
        ("halfspace", Neuron, "halfspace"),
        ("cap:1", Cap, "cap:1"),
        ("cap: pi/3", Cap, "cap:pi/3"),
        ("cap:2*pi/3", Cap, "cap:2*pi/3"),
        ("cap:0.5pi", Cap, "cap:pi/2"),
        ("cap:3/2", Cap, "cap:3/2"),
        ("sobolev:2", Sobolev, "sobolev:2"),
        ("sobolev:0.75", Sobolev, "sobolev:3/4"),
        ("sobolev:2:1/2", Sobolev, "sobolev:2:1/2"),
        ("harmonic:3", Harmonic, "harmonic:3"),
        ("harmonic:5, 0,2", Harmonic, "harmonic:0,2,5"),
        ("powerlaw:1.5", PowerLaw, "powerlaw:3/2"),
        ("rkhs:1/2", RKHS, "rkhs:1/2:sobolev:1/2"),
        ("rkhs:1:cap:1", RKHS, "rkhs:1:cap:1"),
    ],
)
def test_parse_accepts(spec, cls, canonical):
    target = parse_target(spec)
    assert isinstance(target, cls) and target.spec == canonical
    assert parse_target(target.spec).spec == canonical
    assert isinstance(target.describe(), str) and "\n" not in target.describe()


def test_default_activation():
    assert parse_target("neuron", default_activation="erf").act.name == "erf"


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("foo", "unknown class 'foo'; expected one of neuron, halfspace, cap:THETA0"),
        ("foo:1", "unknown class 'foo'"),
        ("", "must not be empty"),
        (3, "must be a string"),
        ("neuron:", "needs a value after ':'"),
        ("neuron:nosuch", "neuron:NAME needs a registered activation"),
        ("neuron:__import__('os').system('true')", "registered activation"),
        ("halfspace:1", "takes no value"),
        ("cap", "cap needs a value, e.g. cap:pi/3"),
        ("cap:0", "theta0 in (0, pi)"),
        ("cap:pi", "theta0 in (0, pi)"),
        ("cap:4", "theta0 in (0, pi)"),
        ("cap:-1", "theta0 in (0, pi)"),
        ("cap:pi/0", "theta0 in (0, pi)"),
        ("cap:cos(1)", "theta0 in (0, pi)"),
        ("cap:__import__('os')", "theta0 in (0, pi)"),
        ("sobolev:0", "S > 0"),
        ("sobolev:-1", "must be a number"),
        ("sobolev:x", "must be a number"),
        ("sobolev:1e400000", "at most"),
        ("sobolev:1:0", "T > 0"),
        ("powerlaw:1", "BETA > 1"),
        ("powerlaw:0.5", "BETA > 1"),
        ("harmonic:", "needs a value after ':'"),
        ("harmonic:1.5", "integers K >= 0"),
        ("harmonic:-1", "integers K >= 0"),
        ("harmonic:2,2", "distinct"),
        ("rkhs:0", "R > 0"),
        ("rkhs:1:rkhs:1", "not itself rkhs"),
        ("rkhs:1:foo", "unknown class 'foo'"),
        ("x" * 301, "at most 300 characters"),
    ],
)
def test_parse_rejects(spec, message):
    with pytest.raises(InvalidInput) as info:
        parse_target(spec)
    text = str(info.value)
    assert message in text and "\n" not in text


HUGE_NUMBERS = ["sobolev:1e1000000000", "sobolev:1e-1000000000", "sobolev:2:1e999999999", "powerlaw:2/1e-999999999",
                "rkhs:1e1000000000", "cap:1e1000000000", "cap:1e999999999*pi/3", "cap:pi/1e-999999999",
                "cap:1/1e999999999", "sobolev:" + "9" * 61, "rkhs:1e+31"]


def test_parser_bounds_numbers_before_converting_them():
    """Every number of a target spec is bounded from its text: each of these would otherwise build a
    billion-digit integer (minutes of CPU). Run in a child process with a deadline, so that a missing
    bound fails the test instead of hanging it."""
    import json
    import subprocess
    import sys

    code = ("import json, sys\n"
            "from asympt.targets import parse_target\n"
            "from asympt.core.errors import AsymptError\n"
            "out = []\n"
            "for spec in json.loads(sys.argv[1]):\n"
            "    try:\n"
            "        parse_target(spec); out.append('accepted')\n"
            "    except AsymptError as err:\n"
            "        out.append(str(err))\n"
            "print(json.dumps(out))\n")
    res = subprocess.run([sys.executable, "-c", code, json.dumps(HUGE_NUMBERS)], capture_output=True, text=True,
                         timeout=60)
    assert res.returncode == 0, res.stderr[-2000:]
    messages = json.loads(res.stdout)
    for spec, message in zip(HUGE_NUMBERS, messages):
        assert "at most 60 digits with a decimal exponent within +-30" in message, (spec, message)
        assert "--" not in message and "\n" not in message, message   # library errors name no CLI flag


def test_parser_keeps_numbers_at_the_bounds():
    assert parse_target("sobolev:1e-30").s == sympy.Rational(1, 10**30)
    assert parse_target("rkhs:1e+6").r == 10**6
    assert parse_target("sobolev:" + "1" * 6 + "." + "0" * 54).s == 111111
    assert parse_target("cap:3e-1*pi/1e0").theta0 == sympy.pi * sympy.Rational(3, 10)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: parse_target("neuron:relu").energy(1, 2), "dim must be an integer >= 2"),
        (lambda: parse_target("neuron:relu").energy(3, -1), "k must be an integer >= 0"),
        (lambda: parse_target("neuron:relu").energies(3, 2.5), "kmax must be an integer"),
        (lambda: parse_target("neuron:relu").energies(3, 5, dps=0), "dps must be an integer >= 1"),
        (lambda: parse_target("sobolev:1").tail(3, -2), "K must be an integer >= 0"),
        (lambda: Cap(sympy.pi), "theta0 must be a real number in (0, pi)"),
        (lambda: Sobolev(0), "s must be > 0"),
        (lambda: PowerLaw(1), "beta must be > 1"),
        (lambda: Harmonic(()), "distinct integers"),
    ],
)
def test_argument_validation(call, message):
    with pytest.raises(InvalidInput, match=message.replace("(", r"\(").replace(")", r"\)")):
        call()


def test_multiplicity_matches_cumulative_formula():
    for dim in (2, 3, 5, 10):
        for K in (0, 1, 7, 30):
            total = sum(_multiplicity(dim, k) for k in range(K + 1))
            assert total == math.comb(K + dim - 1, dim - 1) + math.comb(K + dim - 2, dim - 1)
