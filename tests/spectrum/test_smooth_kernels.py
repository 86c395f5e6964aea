"""Kernels of smooth activations without a closed form (tanh, sigmoid, softplus, GELU, SiLU, expressions).

Independent references (no Hermite series, no Mehler formula, no asympt quadrature):

* Eigenvalues of the NNGP map of s through the radial representation of the first layer: with
  w ~ N(0, I_d), r = |w| ~ chi_d and s_k(r) = c_d int s(r t) P_k(t) (1 - t^2)^((d-3)/2) dt (Funk-Hecke
  for the ridge function x -> s(r w.x)), averaging the addition theorem over the direction of w gives

      mu_k[E_w s(w.x) s(w.y)] = E_r[s_k(r)^2]           (two nested tanh-sinh integrals in mpmath).

  The He NTK is 2 (V(u) + u Vd(u)) (theory section 3, sigma_w = (1, sqrt 2)) with Vd the NNGP map of s',
  and multiplication by u is theory section 5 item 7. P_k is mpmath's Gegenbauer function.
* Kernel values of deep networks with bias by a 2-D trapezoid rule of E[s(z1) s(z2)] for each layer
  (theory section 3 recursion typed in here).
"""

import mpmath
import pytest
from mpmath import mpf

from asympt.core.errors import AsymptError
from asympt.kernels.networks import network, ntk
from asympt.spectrum import eigenvalues

FUNCS = {
    "tanh": (mpmath.tanh, lambda x: 1 - mpmath.tanh(x) ** 2),
    "sigmoid": (lambda x: 1 / (1 + mpmath.exp(-x)), lambda x: mpmath.exp(-x) / (1 + mpmath.exp(-x)) ** 2),
    "softplus": (lambda x: mpmath.log1p(mpmath.exp(x)), lambda x: 1 / (1 + mpmath.exp(-x))),
    "gelu": (lambda x: x * mpmath.ncdf(x), lambda x: mpmath.ncdf(x) + x * mpmath.npdf(x)),
    "silu": (lambda x: x / (1 + mpmath.exp(-x)),
             lambda x: 1 / (1 + mpmath.exp(-x)) + x * mpmath.exp(-x) / (1 + mpmath.exp(-x)) ** 2),
    "x*exp(-x**2/4) + tanh(x)/3": (lambda x: x * mpmath.exp(-x * x / 4) + mpmath.tanh(x) / 3,
                                   lambda x: (1 - x * x / 2) * mpmath.exp(-x * x / 4) + (1 - mpmath.tanh(x) ** 2) / 3),
}


def _gegenbauer(d, k, t):
    """P_k(t), P_k(1) = 1, by the three-term recurrence of theory section 1."""
    p0, p1 = mpf(1), t
    if k == 0:
        return p0
    for j in range(1, k):
        p0, p1 = p1, ((2 * j + d - 2) * t * p1 - j * p0) / (j + d - 2)
    return p1


_RULES = {}


def _gl_rule(degree):
    """Gauss-Legendre rule of mpmath (3 2^(degree - 1) nodes on [-1, 1]) at the current precision."""
    key = (degree, mpmath.mp.prec)
    if key not in _RULES:
        from mpmath.calculus.quadrature import GaussLegendre

        nodes = GaussLegendre(mpmath.mp).get_nodes(-1, 1, degree, mpmath.mp.prec)
        _RULES[key] = ([x for x, _ in nodes], [w for _, w in nodes])
    return _RULES[key]


def nngp_mu(f, d, k, n_t=7, n_r=6, rmax=None):
    """mu_k of u -> E[f(z1) f(z2)] (unit variances, correlation u) on S^(d-1), by E_r[s_k(r)^2]:
    Gauss-Legendre in t (degree n_t: 3 2^(n_t - 1) nodes) and in r on [0, rmax] (degree n_r)."""
    c_d = mpmath.gamma(mpf(d) / 2) / (mpmath.sqrt(mpmath.pi) * mpmath.gamma(mpf(d - 1) / 2))
    e = mpf(d - 3) / 2
    ts, wts = _gl_rule(n_t)
    pk = [_gegenbauer(d, k, t) * (1 - t * t) ** e * w for t, w in zip(ts, wts)]
    rmax = rmax or mpmath.sqrt(d) + 11
    xs, wxs = _gl_rule(n_r)
    norm = 2 ** (mpf(d) / 2 - 1) * mpmath.gamma(mpf(d) / 2)
    total = 0
    for x, wx in zip(xs, wxs):
        r = (x + 1) * rmax / 2
        s = c_d * mpmath.fsum(f(r * t) * p for t, p in zip(ts, pk))
        total += wx * rmax / 2 * s * s * r ** (d - 1) * mpmath.exp(-r * r / 2) / norm
    return total


def he_ntk_mu(name, d, k):
    """mu_k of the He 2-layer NTK 2 (V + u Vd) (theory sections 3 and 5 item 7)."""
    f, df = FUNCS[name]
    v = nngp_mu(f, d, k)
    if k == 0:
        ud = nngp_mu(df, d, 1)
    else:
        ud = (k * nngp_mu(df, d, k - 1) + (k + d - 2) * nngp_mu(df, d, k + 1)) / (2 * k + d - 2)
    return 2 * (v + ud)


def _check(spec, k, ref, digits):
    ev = spec[k]
    assert abs(ev.value - ref) <= ev.abs_error + mpf(10) ** (-digits - 3) * abs(ref), (k, ev.value, ref)
    assert ev.structural_zero or ev.abs_error <= mpf(10) ** -digits * abs(ev.value)


@pytest.mark.parametrize("name", ["tanh", "gelu"])
def test_ntk_eigenvalues_against_radial_quadrature(name):
    d, digits = 5, 12
    spec = eigenvalues(ntk(name), d, 3, tier="mpmath", digits=digits)
    with mpmath.workdps(20):
        for k in (1, 2):
            if spec[k].structural_zero:
                assert k % 2 == 0 and name == "tanh"
                continue
            _check(spec, k, he_ntk_mu(name, d, k), digits)


@pytest.mark.slow
@pytest.mark.parametrize("name", list(FUNCS))
def test_ntk_eigenvalues_against_radial_quadrature_all(name):
    d, digits = 5, 20
    spec = eigenvalues(ntk(name), d, 4, tier="mpmath", digits=digits)
    with mpmath.workdps(28):
        for k in range(5):
            if spec[k].structural_zero:
                continue
            _check(spec, k, he_ntk_mu(name, d, k), digits)


def test_nngp_eigenvalue_of_user_expression_at_d3():
    """NNGP (random features) of an expression, d = 3; sigma_w = (1, sqrt 2) scales V by 2."""
    name = "x*exp(-x**2/4) + tanh(x)/3"
    net = ntk(name, train="last")
    spec = eigenvalues(net, 3, 2, tier="mpmath", digits=10)
    with mpmath.workdps(16):
        ref = 2 * nngp_mu(FUNCS[name][0], 3, 1)
        _check(spec, 1, ref, 10)


def nngp_bias_mu(f, d, k, n_t=6, n_r=6, h_b=mpf("0.2")):
    """mu_k of u -> E[f(w.x + b) f(w.y + b)], w ~ N(0, I_d), b ~ N(0, 1): E_(r,b)[s_k(r, b)^2]
    (Gauss-Legendre in t and r, trapezoid in b on [-9, 9]: exponentially accurate for the strip
    |Im b| < pi/2 of tanh, error ~ exp(-2 pi (pi/2) / h_b))."""
    c_d = mpmath.gamma(mpf(d) / 2) / (mpmath.sqrt(mpmath.pi) * mpmath.gamma(mpf(d - 1) / 2))
    e = mpf(d - 3) / 2
    ts, wts = _gl_rule(n_t)
    pk = [_gegenbauer(d, k, t) * (1 - t * t) ** e * w for t, w in zip(ts, wts)]
    rmax, bmax = mpmath.sqrt(d) + 9, mpf(9)
    xs, wxs = _gl_rule(n_r)
    m = int(bmax / h_b)
    ys, wys = [h_b * j / bmax for j in range(-m, m + 1)], [h_b / bmax] * (2 * m + 1)
    norm = 2 ** (mpf(d) / 2 - 1) * mpmath.gamma(mpf(d) / 2)
    total = 0
    for x, wx in zip(xs, wxs):
        r = (x + 1) * rmax / 2
        wr = wx * rmax / 2 * r ** (d - 1) * mpmath.exp(-r * r / 2) / norm
        for y, wy in zip(ys, wys):
            b = y * bmax
            s = c_d * mpmath.fsum(f(r * t + b) * p for t, p in zip(ts, pk))
            total += wr * wy * bmax * mpmath.npdf(b) * s * s
    return total


@pytest.mark.slow
def test_two_layer_tanh_with_bias_against_radial_quadrature():
    """network('tanh', 2, bias=1): Theta = 2 V_b + 1 + 2 (u + 1) Vd_b (theory section 3)."""
    net = network("tanh", 2, bias=1)
    assert [float(v) ** 2 for v in net.sigma_w] == pytest.approx([1, 2])
    assert [float(v) for v in net.sigma_b] == [1, 1]
    d, digits = 3, 12
    spec = eigenvalues(ntk("tanh", 2, bias=1), d, 3, tier="mpmath", digits=digits)
    f, df = FUNCS["tanh"]
    with mpmath.workdps(18):
        for k in (1,):
            vd = [nngp_bias_mu(df, d, j) for j in (k - 1, k, k + 1)]
            u_vd = (k * vd[0] + (k + d - 2) * vd[2]) / (2 * k + d - 2)
            ref = 2 * nngp_bias_mu(f, d, k) + 2 * (u_vd + vd[1])
            _check(spec, k, ref, digits)


def test_tanh_eigenvalues_decay_and_parity():
    """Odd activation, no bias: even degrees are exact zeros; odd ones positive and decreasing."""
    spec = eigenvalues(ntk("tanh"), 10, 40, tier="mpmath", digits=20)
    odd = [spec[k].value for k in range(1, 41, 2)]
    assert all(spec[k].structural_zero for k in range(0, 41, 2))
    assert all(a > b > 0 for a, b in zip(odd, odd[1:]))
    # ln mu_k ~ -c k^(2/3) (theory section 7, class 2): the decay per step grows, unlike a power law
    import math

    r1 = math.log(float(odd[5] / odd[6]))
    r2 = math.log(float(odd[18] / odd[19]))
    assert r2 > 0.6 * r1 and r2 < r1


# ---------------------------------------------------------------------------------------------
# deep networks with bias: kernel values against a 2-D trapezoid recursion


def _gauss2(f, q, c, h=mpf("0.125"), zmax=9):
    """E[f(z1) f(z2)], Var z_i = q, Cov = c: trapezoid in (x, y), z1 = sqrt(q) x, z2 = sqrt(q)(r x + s y)."""
    r = c / q
    s = mpmath.sqrt(1 - r * r)
    sq = mpmath.sqrt(q)
    m = int(zmax / h)
    nodes = [h * j for j in range(-m, m + 1)]
    w = [h * mpmath.npdf(z) for z in nodes]
    fx = [f(sq * z) for z in nodes]
    total = 0
    for x, wx, fxx in zip(nodes, w, fx):
        total += wx * fxx * mpmath.fsum(wy * f(sq * (r * x + s * y)) for y, wy in zip(nodes, w))
    return total


def _deep_reference(name, u, layers, sw, sb):
    f, df = FUNCS[name]
    sig = sw[0] ** 2 * u + sb[0] ** 2
    q = sw[0] ** 2 + sb[0] ** 2
    theta = sig
    for l in range(1, layers):
        dot = sw[l] ** 2 * _gauss2(df, q, sig)
        sig_new = sw[l] ** 2 * _gauss2(f, q, sig) + sb[l] ** 2
        q = sw[l] ** 2 * _gauss2(f, q, q) + sb[l] ** 2
        theta = sig_new + dot * theta
        sig = sig_new
    return theta


@pytest.mark.slow
def test_three_layer_tanh_with_bias_kernel_values():
    """network('tanh', 3, bias=1): sigma_w = (1, sqrt 2, sqrt 2), sigma_b = (1, 1, 1), all layers trained."""
    net = network("tanh", 3, bias=1)
    assert [float(s) ** 2 for s in net.sigma_w] == pytest.approx([1, 2, 2])
    assert [float(s) for s in net.sigma_b] == [1, 1, 1]
    k = ntk("tanh", 3, bias=1)
    with mpmath.workdps(20):
        sw, sb = [mpf(1), mpmath.sqrt(2), mpmath.sqrt(2)], [mpf(1)] * 3
        for u in (mpf("-0.6"), mpf("0.3"), mpf("0.9")):
            got = k.mp(u)
            ref = _deep_reference("tanh", u, 3, sw, sb)
            assert abs(got - ref) < mpf(10) ** -14 * abs(ref), (u, got, ref)


def test_exp_x2_is_refused():
    with pytest.raises(AsymptError):
        ntk("exp(x**2)").mp(mpf("0.5"))
