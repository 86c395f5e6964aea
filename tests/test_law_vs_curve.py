"""Every claimed law kind against the exact loss curve (issue 13.4).

Exact side: L(t) = 1/2 sum_k e_k exp(-2 mu_k t) by :func:`asympt.laws.curve.loss_curve` (mu_k from the
spectrum engine, e_k from the targets; no law enters it). Law side: :func:`asympt.laws.loss.loss_law`.
Each test also corrupts the law (exponent or rate by 5-10 %) and requires the comparison to fail, so
that it can fail; the detection power each test has is stated beside it.
"""

import dataclasses

import mpmath
import pytest
import sympy

from asympt.kernels.networks import ntk
from asympt.laws.curve import law_check, loss_curve
from asympt.laws.loss import loss_law
from asympt.laws.pairs import log_periodic_band


def _corrupt(law, **scale):
    return dataclasses.replace(law, **{k: sympy.nsimplify(getattr(law, k) * v) for k, v in scale.items()})


@pytest.mark.parametrize("dim", [3, 5])
def test_power_law_exponent_and_constant(dim):
    # theory section 7: ReLU NTK, ReLU neuron, xi = 3/dim. Detection: xi off by 5 % is outside the band
    # (the local exponent's change over the last two decades plus its error bound) from t = 1e8 on
    law = loss_law(ntk("relu"), dim, "neuron")
    times = [10.0**j for j in range(6, 13, 2)]
    pts = loss_curve(ntk("relu"), dim, "neuron", times, law=law, digits=12)
    last = pts[-1].check
    assert last["quantity"] == "local exponent" and last["inside"] is True and last["status"] == "V"
    for f in (1.05, 0.95):
        bad = law_check(_corrupt(law, xi=f), pts)
        assert bad[-1]["inside"] is False and bad[-2]["inside"] is False
    # the constant: (L - L_inf)/(C t^-xi) -> 1; its distance from 1 at 1e12 is below its change over the
    # last step, while C off by 5 % is not
    r = [p.ratio for p in pts]
    step = abs(r[-1] - r[-2])
    assert abs(r[-1] - 1) <= step + 1e-12
    for f in (1.05, 0.95):
        assert abs(r[-1] / f - 1) > step + abs(r[-2] / f - r[-1] / f)


@pytest.mark.slow
def test_super_polynomial_power_kernel_geometric_target():
    # ReLU NTK with bias (alpha = 3) and a tanh neuron (e_k ~ sigma^-k): ln L ~ -c t^(1/4), so the
    # local exponent s grows like t^(1/4): d ln s/d ln t -> 1/4 (0.2507 at 1e8). Detection: 1/4 +- 5 %
    law = loss_law(ntk("relu", bias=1), 3, "neuron:tanh")
    pts = loss_curve(ntk("relu", bias=1), 3, "neuron:tanh", [1e5, 1e6, 1e7, 1e8], law=law, digits=10, kmax=450)
    assert pts[-1].check["inside"] is True and pts[-2].check["inside"] is True
    assert abs(mpmath.mpf(pts[-1].check["exact"]) - mpmath.mpf(1) / 4) < 0.002
    for f in (1.05, 0.95):
        term = min((t for t in law.terms if t.key), key=lambda t: t.key)
        bad_term = dataclasses.replace(term, key=(term.key[0], term.key[1] * sympy.nsimplify(f), term.key[2]))
        bad = dataclasses.replace(law, terms=tuple(bad_term if t is term else t for t in law.terms))
        assert law_check(bad, pts)[-1]["inside"] is False


def _period_points(kernel, target, law, ln_t, period, n=16):
    """n + 1 points over one period in ln t (both ends included)."""
    times = [mpmath.exp(ln_t + period * i / n) for i in range(n + 1)]
    pts = loss_curve(kernel, 3, target, times, law=law, digits=12)
    assert max(p.slope_error for p in pts) < 1e-6
    return pts


@pytest.mark.slow
def test_log_periodic_band_is_approached_at_rate_one_over_ln_t():
    # erf kernel (rho = (3 + sqrt 5)/2) with a tanh neuron (sigma = (pi/2 + sqrt(1 + pi^2/4))^2):
    # L = t^-xi l(t) F(ln t), the local exponent oscillates in [s_min, s_max] up to an O(1/ln t) drift
    # from l(t). Over one period (2 ln rho) at ln t = 25 and 100 the exact extremes are (1.543, 3.461)
    # and (1.617, 3.512) against the stated (1.647, 3.545): the distance to the band falls, and
    # distance * ln t does not grow by more than half (a 1/ln t drift). Detection: xi +- 7 % moves the
    # band by ~0.18 and both criteria fail.
    k = ntk("erf")
    law = loss_law(k, 3, "neuron:tanh")
    rho = (3 + mpmath.sqrt(5)) / 2
    period = 2 * mpmath.log(rho)
    runs = {L: _period_points(k, "neuron:tanh", law, L, period) for L in (25, 100)}
    ext = {L: (min(p.slope for p in pts), max(p.slope for p in pts)) for L, pts in runs.items()}

    def distance(xi):
        lo, hi = log_periodic_band(xi, period)[2:]
        return {L: max(abs(e[0] - lo), abs(e[1] - hi)) for L, e in ext.items()}

    def consistent(dist):
        return dist[100] < dist[25] and dist[100] * 100 <= 1.5 * dist[25] * 25

    assert consistent(distance(law.xi))
    assert distance(law.xi)[100] < 0.05
    for f in (1.07, 0.93):
        assert not consistent(distance(law.xi * f))


@pytest.mark.slow
def test_log_periodic_envelope_matches_the_stated_factor_bounds():
    # same setting: L t^xi = l(t) F(ln t) with F/mean in [0.7201, 1.2728] (stated), so over one period the
    # envelope max/min of L t^xi is F_max/F_min = 1.7676 up to the drift of l(t) over that period, which
    # is measured as v(end)/v(start) (F takes the same value at both ends): 1.140 at ln t = 25, 1.043 at 100
    # (falls ~ 1/ln t); max/min = 1.659 and 1.730. Detection: with xi +- 7 % the end-to-end drift no
    # longer falls at least 2x (1.61 -> 1.47, 0.81 -> 0.74).
    k = ntk("erf")
    law = loss_law(k, 3, "neuron:tanh")
    period = 2 * mpmath.log((3 + mpmath.sqrt(5)) / 2)
    fmin, fmax = dict(law.params)["F_over_mean"]
    runs = {L: _period_points(k, "neuron:tanh", law, L, period) for L in (25, 100)}

    def envelope(xi):
        out = {}
        for L, pts in runs.items():
            v = [p.loss.value * p.t ** xi for p in pts]
            out[L] = (max(v) / min(v), abs(v[-1] / v[0] - 1))
        return out

    xi = mpmath.mpf(sympy.N(law.xi, 30))
    env = envelope(xi)
    for L in (25, 100):
        assert abs(env[L][0] / (fmax / fmin) - 1) <= env[L][1]
    assert env[100][1] <= env[25][1] / 2
    for f in (1.07, 0.93):
        bad = envelope(xi * f)
        assert not bad[100][1] <= bad[25][1] / 2


def test_logarithmic_law_geometric_kernel_converges():
    # erf kernel, half-space target: plateau 1/8 (even degrees, odd kernel) and the odd part decays as
    # D (ln 2t)^-1 (theory section 7, [D]): the period-averaged s ln(2t) tends to 1 and the ratio to the law
    # to 1, slowly (mean 1.049 -> 1.027, ratio - 1 = 0.087 -> 0.036 from ln t = 25 to 100).
    # Detection: the exponent 1 +- 7 % makes |ratio - 1| grow between the two times; D x 1.07 too;
    # D x 0.93 is NOT detected at these times (|ratio - 1| still shrinks: 0.17 -> 0.11).
    k = ntk("erf")
    law = loss_law(k, 3, "halfspace")
    assert law.L_inf == sympy.Rational(1, 8) and law.approach_kind == "logarithmic"
    res = {}
    for L in (25, 100):
        pts = loss_curve(k, 3, "halfspace", [mpmath.exp(L + mpmath.mpf(i) / 4) for i in range(8)], law=law, digits=12)
        q = [mpmath.mpf(p.check["exact"]) for p in pts if p.check.get("exact")]
        res[L] = (sum(q) / len(q), pts)
    assert abs(res[100][0] - 1) < abs(res[25][0] - 1) < 0.1

    def ratio_gaps(a, D):
        out = []
        for L in (25, 100):
            p = res[L][1][-1]
            out.append(abs((p.loss.value - p.L_inf) / (D * mpmath.log(2 * p.t) ** (-a)) - 1))
        return out

    D = mpmath.mpf(sympy.N(dict(law.params)["D"], 30))
    g = ratio_gaps(1, D)
    assert g[1] < g[0]
    for a in (1.07, 0.93):
        g = ratio_gaps(a, D)
        assert g[1] > g[0]
    g = ratio_gaps(1, 1.07 * D)
    assert g[1] > g[0]


def _log_law_gaps(act, target, a_scale=1, D_scale=1, cache={}):
    """|ratio - 1| and |mean s ln(2t) - a| at ln t = 25 and 60 (8 points over a factor e^2 each)."""
    key = (act, target)
    if key not in cache:
        k = ntk(act)
        law = loss_law(k, 3, target)
        runs = {L: loss_curve(k, 3, target, [mpmath.exp(L + mpmath.mpf(i) / 4) for i in range(8)], law=law, digits=12)
                for L in (25, 60)}
        cache[key] = (law, runs)
    law, runs = cache[key]
    par = dict(law.params)
    a = mpmath.mpf(sympy.N(par["log_exponent"], 30)) * a_scale
    D = mpmath.mpf(sympy.N(par["D"], 30)) * D_scale
    ratio, mean = [], []
    for L in (25, 60):
        pts = runs[L]
        p = pts[-1]
        ratio.append(abs((p.loss.value - p.L_inf) / (D * mpmath.log(2 * p.t) ** (-a)) - 1))
        q = [p.slope * p.loss.value / (p.loss.value - p.L_inf) * mpmath.log(2 * p.t) for p in pts]
        mean.append(abs(sum(q) / len(q) - a))
    return law, ratio, mean


@pytest.mark.parametrize("act,target,detected", [
    ("sigmoid", "neuron:step", (1.1, 0.9)),
    pytest.param("tanh", "halfspace", (1.1, 0.9), marks=pytest.mark.slow),
    pytest.param("softplus", "neuron:relu", (1.1, 0.9), marks=pytest.mark.slow),
    # SiLU is the farthest from its limit (ratio - 1 = -0.39 at ln t = 60): a x 0.9 is NOT detected there
    pytest.param("silu", "neuron:relu", (1.1,), marks=pytest.mark.slow),
    # GELU's kernel is of the geometric class (R = (1 + q)/q, [D]): ratio - 1 = 0.095 -> 0.040, a = 3; its
    # steps span 2 ln rho = 2.63 in ln t, more than the window, so only the ratio is judged
    pytest.param("gelu", "neuron:relu", (1.1, 0.9), marks=pytest.mark.slow),
])
def test_stretched_exponential_kernels_logarithmic_law(act, target, detected):
    # tanh-family kernels (analytic in a strip: ln mu_k ~ -c k^(2/3)) with power-law targets:
    # L - L_inf ~ D (ln 2t)^-a, a = 3(beta - 1)/2 (theory section 7, [D]). Measured from ln t = 25 to 60:
    # sigmoid/step: ratio - 1 = -0.21 -> -0.11, mean s ln 2t 1.20 -> 1.40 (a = 3/2); tanh/halfspace -0.19 -> -0.10,
    # 1.32 -> 1.41 (3/2); softplus/ReLU -0.32 -> -0.09, 3.45 -> 4.29 (9/2); SiLU/ReLU -0.64 -> -0.39, 3.82 -> 4.04.
    # The law holds as a limit: both distances shrink. Detection: a off by +-10 % makes one of them grow.
    law, ratio, mean = _log_law_gaps(act, target)
    assert law.approach_kind == "logarithmic" and law.status == "D"
    use_mean = act != "gelu"
    assert ratio[1] < ratio[0] and (mean[1] < mean[0] or not use_mean)
    for f in detected:
        _, r, m = _log_law_gaps(act, target, a_scale=f)
        assert r[1] >= r[0] or (use_mean and m[1] >= m[0]), f


def test_sub_polynomial_super_exponential_kernel_geometric_target():
    # sin kernel (mu_k ~ (q/2)^k/Gamma(k + d/2)) with a tanh neuron (e_k ~ sigma^-k): -ln L ~ ln(sigma) K*(t),
    # K* ln K* = ln(2t)/c_mu, so -ln L (lnln - lnlnln)(2t)/ln(2t) -> b = ln(sigma)/c_mu = 2.4668 ([D]).
    # Measured at ln t = 100, 300, 1000: 2.460, 2.454, 2.462 (the bare lnln form: 3.68, 3.53, 3.42).
    # Tolerance: the next term of ln K* = lnln - lnlnln + lnlnln/lnln + ..., relative 7.7 % at ln t = 300.
    # Detection: b +- 15 %.
    k = ntk("sin")
    law = loss_law(k, 3, "neuron:tanh")
    assert law.approach_kind == "sub-polynomial"
    L = 300
    pts = loss_curve(k, 3, "neuron:tanh", [mpmath.exp(L + mpmath.mpf(i) / 2) for i in range(4)], law=law, digits=12)
    q = [mpmath.mpf(p.check["exact"]) for p in pts]
    b = mpmath.mpf(pts[0].check["law"])
    ll = mpmath.log(L + mpmath.log(2))  # lnln(2t) at ln t = L
    tol = mpmath.log(ll) / ll / (ll - mpmath.log(ll))
    assert all(abs(x / b - 1) < tol for x in q)
    for f in (1.15, 0.85):
        assert all(abs(x / (f * b) - 1) > tol for x in q)


def test_power_like_super_exponential_kernel_and_target():
    # sin kernel with a sin neuron: L = t^(-xi + o(1)), xi = c/c_mu = 2 ([D]); only -ln L/ln t -> xi, with an
    # o(1) the law does not bound (factors exp(O(K*)) = t^O(1/lnln t)). Measured at ln t = 100, 300, 1000:
    # 2.118, 2.023, 2.016 (3000: 2.004). Criterion: the distance to xi falls at each step and by 4x overall
    # (convergence to xi, not to an offset). Detection: xi +- 5 % (the distance grows, or stalls near 0.1).
    k = ntk("sin")
    law = loss_law(k, 3, "neuron")
    assert law.approach_kind == "power-like" and law.xi == 2
    q = []
    for L in (100, 300, 1000):
        p = loss_curve(k, 3, "neuron", [mpmath.exp(L)], law=law, digits=12)[0]
        q.append(mpmath.mpf(p.check["exact"]))

    def converges(xi):
        d = [abs(x - xi) for x in q]
        return d[0] > d[1] > d[2] and d[2] <= d[0] / 4

    assert converges(2)
    assert not converges(2.1) and not converges(1.9)
