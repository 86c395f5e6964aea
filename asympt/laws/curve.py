"""Exact loss curves L(t) = 1/2 sum_k e_k exp(-2 mu_k t) at high precision, and the law beside them.

(About 700 lines: the exact sums, their law tail and the law check share the curve's points and error
bounds; splitting them would only move the CurvePoint plumbing around.)

The sum is split at a degree K (theory section 9.7):

    2 L(t) = sum_{k <= K} e_k exp(-2 mu_k t) + tail(K+1) - sum_{k > K} e_k (1 - exp(-2 mu_k t)),

with tail(K+1) = ||f*||^2 - sum_{k <= K} e_k exact (summed term by term for targets whose energies
decay geometrically or faster, where the subtraction would leave only rounding), so the infinitely many
unlearned high degrees are counted exactly. The last sum runs over each parity class with the asymptotic
laws mu_k ~ Gamma-ratio approximant (theory section 9.5) and e_k (exact analytic in k where the target
allows, else B_p k^-beta); it is summed by Euler-Maclaurin with fixed Gauss-Legendre nodes built once
per curve (:class:`_LawTail`). Its error is bounded by the relative error of those laws at k = K times
the correction itself, plus the quadrature and Euler-Maclaurin bounds, and reported.

Entry point: :func:`loss_curve`. The local exponent -dlog L/dlog t is computed from the same sums
(d/dt L = -sum_k mu_k e_k exp(-2 mu_k t)), not by finite differences. :func:`law_check` puts the
asymptotic law beside the exact curve (issue 13.4): per law kind, the quantity that tends to the law's
constant, its gap and whether it lies in the law's band.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import mpmath
import sympy

from asympt.core.errors import InvalidInput, NotSupported, RegimeNotReached

__all__ = ["CurvePoint", "LossCurve", "asymptotic_regime", "law_check", "law_check_text", "loss_curve"]


def _sig(value, err, cap=8) -> str:
    """``value`` with only the digits its absolute error ``err`` leaves trusted (at most ``cap``)."""
    from asympt.core.precision import format_sig

    if value is None:
        return "-"
    err = max(abs(err), abs(value) * mpmath.mpf(10) ** (-cap))
    return format_sig(value, err, max_digits=cap)


@dataclass(frozen=True)
class CurvePoint:
    """One time of an exact loss curve: L(t) with its error bound, the local exponent and the law."""

    t: mpmath.mpf
    loss: object  # Approx
    slope: mpmath.mpf  # local exponent -dlog L / dlog t
    law: mpmath.mpf | None  # the asymptotic law's value at t (C t^-xi + L_inf, D (ln 2t)^-a + L_inf, ...)
    kstar: int | None = None  # first occupied degree with 2 mu_k t < 1
    kstar_form: mpmath.mpf | None = None  # 1/2 sum_{k >= K*} e_k (theory section 7, analytic kernels)
    slope_error: mpmath.mpf = mpmath.mpf(0)  # bound on the local exponent's error (from the sums' bounds)
    L_inf: mpmath.mpf = mpmath.mpf(0)  # the law's plateau: the ratio compares the approaches L - L_inf
    check: dict | None = None  # the law beside the exact curve at this t (see :func:`law_check`)

    @property
    def ratio(self):
        """(L(t) - L_inf) / (law(t) - L_inf): how well the law of the approach holds; None without a law."""
        if self.law is None or self.law == self.L_inf:
            return None
        return (self.loss.value - self.L_inf) / (self.law - self.L_inf)

    def to_json(self) -> dict:
        gap = abs(self.loss.value - self.L_inf)
        rel = self.loss.abs_error / gap if gap != 0 else mpmath.mpf(1)
        ratio = self.ratio
        return {"t": mpmath.nstr(self.t, 8), "loss": str(self.loss),
                "loss_abs_error": mpmath.nstr(self.loss.abs_error, 3),
                "local_exponent": _sig(self.slope, self.slope_error),
                "local_exponent_error": mpmath.nstr(self.slope_error, 2),
                "law": None if self.law is None else mpmath.nstr(self.law, 6),
                "ratio_to_law": None if ratio is None else _sig(ratio, rel * abs(ratio), 6),
                "kstar": self.kstar,
                "kstar_form": None if self.kstar_form is None else mpmath.nstr(self.kstar_form, 8),
                "law_check": self.check}

    def __repr__(self):
        law = "" if self.law is None else f", law={mpmath.nstr(self.law, 6)}"
        return (f"CurvePoint(t={mpmath.nstr(self.t, 6)}, L={self.loss}, "
                f"slope={_sig(self.slope, self.slope_error)}{law})")


class LossCurve(tuple):
    """The points of :func:`loss_curve` (a tuple of :class:`CurvePoint`) with a readable table repr."""

    def _rows(self):
        return [(mpmath.nstr(p.t, 6), str(p.loss), _sig(p.slope, p.slope_error),
                 "-" if p.law is None else mpmath.nstr(p.law, 6)) for p in self]

    def __repr__(self):
        rows = self._rows()
        w = [max(len(r[i]) for r in rows + [("t", "L(t)", "-dlogL/dlogt", "law")]) for i in range(4)]
        head = ("t", "L(t)", "-dlogL/dlogt", "law")
        lines = ["  ".join(h.rjust(w[i]) for i, h in enumerate(head))]
        lines += ["  ".join(c.rjust(w[i]) for i, c in enumerate(r)) for r in rows]
        return "\n".join(lines)

    def _repr_latex_(self):
        body = r" \\ ".join(" & ".join(c.replace("e", r"\mathrm{e}") for c in r) for r in self._rows())
        return (r"$\begin{array}{rrrr} t & L(t) & -d\log L/d\log t & \text{law} \\ \hline " + body
                + r"\end{array}$")


def _choose_K(mus, t_max, kmax):
    """Smallest K with 2 mu_k t_max < 1e-4 for every computed k >= K (else kmax)."""
    K = kmax
    for k in range(kmax, -1, -1):
        if mus[k] * 2 * t_max >= mpmath.mpf("1e-4"):
            K = k + 1
            break
    else:
        K = 0
    return max(K, 0)


def _smooth_degrees_needed(mus, t_max, margin: float = 1e-4) -> int:
    """Degrees a faster-than-power spectrum needs so that 2 mu_k t_max < ``margin`` beyond them.

    ln mu_k is extrapolated linearly in k from the last 20 computed nonzero degrees of each parity (the
    decay only steepens for geometric, stretched and super-exponential kernels, so this over-asks a little).
    """
    top = len(mus) - 1
    need = top
    for p in (0, 1):
        ks = [k for k in range(max(p, top - 40), top + 1) if k % 2 == p and mus[k] > 0]
        if len(ks) < 3:
            continue
        k1, k2 = ks[0], ks[-1]
        if 2 * mus[k2] * t_max < margin:
            continue
        slope = (mpmath.log(mus[k2]) - mpmath.log(mus[k1])) / (k2 - k1)
        if slope >= 0:
            continue
        extra = (mpmath.log(margin) - mpmath.log(2 * mus[k2] * t_max)) / slope
        need = max(need, int(k2 + extra) + 4)
    return need


def loss_curve(kernel, dim: int, target, times, *, digits: int = 15, kmax: int | None = None, law=None):
    """L(t) for each t in ``times`` with a rigorous-in-practice error estimate.

    Returns a list of :class:`CurvePoint`. ``kmax`` caps the degrees computed exactly (default: chosen
    from the largest t, at most 3000 for closed-form kernels and 1000 otherwise); if the
    correction beyond ``kmax`` is not small the result says so through its error bound.

    >>> from asympt.kernels.networks import ntk
    >>> pts = loss_curve(ntk("relu"), 3, "neuron", [100])      # theory section 7: 24 t L = 0.734594
    >>> mpmath.nstr(24 * 100 * pts[0].loss.value, 6)
    '0.734594'
    """
    from .decay import decay_law
    from asympt.kernels.kernel import check_kernel
    from asympt.core.precision import Approx
    from asympt.spectrum import eigenvalues
    from asympt.targets import parse_target

    kernel = check_kernel(kernel)
    if isinstance(target, str):
        target = parse_target(target, default_activation=kernel.network.activation.name)
    times = [mpmath.mpf(t) for t in times]
    if not times or any(t <= 0 for t in times):
        raise InvalidInput("times must be positive numbers")
    dl = decay_law(kernel, dim)
    from .loss import attach_spectrum

    target = attach_spectrum(kernel, dim, target, dl)
    tl = target.asymptotic(dim)
    t_max = max(times)
    dps = digits + 15
    from asympt.spectrum.closed_forms import exact_eigenvalues

    closed = exact_eigenvalues(kernel, dim, 0) is not None  # exact tier: thousands of degrees are cheap
    cap = kmax if kmax is not None else (3000 if closed else 1000)
    # pick K from the law, then compute exactly up to K
    # at least a few hundred exact degrees: the Euler-Maclaurin correction beyond K then stays far
    # below the requested digits even at small t (its relative error is O(1/K) from the laws)
    guess = min(cap, 400 if closed else 200)
    if dl.kind == "power":
        A = max(float(sympy.N(dl.A(p))) for p in (0, 1))
        guess = int(min(cap, max(guess, (2 * A * float(t_max) / 1e-4) ** (1 / float(dl.alpha)) * 1.2)))
    if dl.kind != "power":
        guess = min(cap, 160)  # geometric or faster decay: mu_k t is negligible after ~ 100 degrees
    spec = eigenvalues(kernel, dim, guess, digits=min(digits + 5, 40))
    with mpmath.workdps(dps):
        mus = [e.value for e in spec]
        K = max(_choose_K(mus, t_max, guess), guess)
        if K > guess and guess < cap:
            spec = eigenvalues(kernel, dim, min(cap, K + 10), digits=min(digits + 5, 40))
            mus = [e.value for e in spec]
            K = _choose_K(mus, t_max, len(mus) - 1)
        if dl.kind != "power" and guess < cap:
            need = _smooth_degrees_needed(mus, t_max)
            if need > guess:
                spec = eigenvalues(kernel, dim, min(cap, need), digits=min(digits + 5, 40))
                mus = [e.value for e in spec]
                K = len(mus) - 1
        K = min(K, len(mus) - 1)
        mu_err = [e.abs_error for e in spec]
        smooth_target = tl.beta is None and getattr(tl, "kind", "") != "finite"
        extra = 80 if smooth_target else 0  # a smooth target's tail is summed term by term (_smooth_tail)
        try:
            es_all = [mpmath.mpf(e) for e in target.energies(dim, K + extra, dps=dps)]
        except NotSupported:
            es_all = [mpmath.mpf(e) for e in target.energies(dim, K, dps=dps)]
        es = es_all[:K + 1]
        norm2 = mpmath.mpf(sympy.N(target.norm2(dim), dps + 5)) if _exact_norm(target, dim) else \
            mpmath.mpf(target.norm2_mp(dim, dps=dps))
        tail = norm2 - mpmath.fsum(es)
        # the subtraction leaves ~ norm2 10^-dps of rounding: below that, L would be noise. A smooth target's
        # energies decay geometrically or faster and come with relative precision, so sum its tail directly
        tail_err = abs(norm2) * mpmath.mpf(10) ** (-(dps - 3))
        if smooth_target and len(es_all) > K + 1:
            tail, tail_err = _smooth_tail(es_all, K, dps, tail, tail_err)
        tails = _law_tails(dl, tl, target, dim, K, mus, es, t_max, dps)
        out = []
        for t in times:
            ex = [mpmath.exp(-2 * m * t) for m in mus[:K + 1]]
            head = mpmath.fsum(e * x for e, x in zip(es, ex))
            dhead = mpmath.fsum(2 * m * e * x for e, m, x in zip(es, mus, ex))
            # errors from the eigenvalues' own bounds: |d/dmu e exp(-2 mu t)| = 2 t e exp(-2 mu t)
            err_mu = mpmath.fsum(2 * t * e * x * de for e, x, de in zip(es, ex, mu_err) if de)
            corr, dcorr, corr_err, dcorr_err = _correction(dl, tl, K, t, mus, tail, tails)
            twoL = head + tail - corr
            loss = twoL / 2
            dL = -(dhead + dcorr) / 2  # d/dt L
            slope = -t * dL / loss if loss != 0 else mpmath.mpf(0)
            err = (err_mu + corr_err + tail_err) / 2 + abs(loss) * mpmath.mpf(10) ** (-(dps - 5))
            # d/dmu of mu e exp(-2 mu t) is bounded by e exp(-2 mu t) (1 + 2 mu t): the same eigenvalue bounds
            derr_mu = mpmath.fsum(e * x * (1 + 2 * m * t) * de for e, m, x, de in zip(es, mus, ex, mu_err) if de)
            # slope = -t L'/L: its error is t d(L')/|L| + |slope| dL/|L|
            slope_err = (t * (derr_mu + dcorr_err) / 2 + abs(slope) * err) / abs(loss) if loss != 0 else mpmath.inf
            slope_err += abs(slope) * mpmath.mpf(10) ** (-(dps - 5))
            lawv = law.value(t) if law is not None else None
            # the K*(t) form of theory section 7: modes with 2 mu_k t >= 1 are learned, the rest are not
            kstar = next((k for k in range(len(es)) if es[k] != 0 and mus[k] != 0 and 2 * mus[k] * t < 1), None)
            kform = (tail + mpmath.fsum(e for e, m in zip(es, mus) if 2 * m * t < 1)) / 2
            linf = mpmath.mpf(sympy.N(law.L_inf, dps)) if law is not None else mpmath.mpf(0)
            out.append(CurvePoint(t, Approx(+loss, err), +slope, lawv, kstar, kform, +slope_err, linf))
    if law is not None:
        checks = law_check(law, out)
        out = [replace(p, check=c) for p, c in zip(out, checks)]
    return LossCurve(out)


def _smooth_tail(es, K, dps, tail, tail_err):
    """sum_(k > K) e_k for a target whose energies decay geometrically or faster, summed term by term.

    Returns (tail, error). The given energies beyond K are summed; the rest is bounded by a geometric
    series with the largest ratio e_(k+2)/e_k seen over the last 20 degrees (each parity). Keeps the
    subtraction ``tail`` = ||f*||^2 - sum_(k <= K) e_k when the direct sum cannot be bounded that way.
    """
    direct = mpmath.fsum(es[K + 1:])
    rest = mpmath.mpf(0)
    top = len(es) - 1
    for p in (0, 1):
        last = [k for k in range(top - 20, top + 1) if k % 2 == p]
        if not any(es[k] != 0 for k in last):
            continue
        ratios = [es[k + 2] / es[k] for k in last[:-1] if es[k] != 0]
        if not ratios or max(ratios) >= mpmath.mpf("0.9") or any(es[k] == 0 for k in last):
            return tail, tail_err  # not clearly geometric here: keep the subtraction
        r = max(ratios)
        rest += es[last[-1]] * r / (1 - r)
    # consistency with the exact norm: the two tails must agree within the subtraction's rounding
    if abs(direct - tail) > tail_err + rest + abs(direct) * mpmath.mpf(10) ** (-(dps - 5)):
        return tail, tail_err
    return direct, rest + abs(direct) * mpmath.mpf(10) ** (-(dps - 5))


def _exact_norm(target, dim):
    try:
        v = target.norm2(dim)
        return v is not None
    except NotSupported:
        return False


def _analytic_energy(target, dim, parity):
    """e_k as an analytic function of real k on one parity class, where the target allows it.

    t_+^b neuron (theory section 6): e_k = N(d,k) s_k^2 and, by the reflection formula,
    1/Gamma(1 + (b-k)/2)^2 = Gamma((k-b)/2)^2 sin^2(pi (k-b)/2) / pi^2 with sin^2 constant on a parity
    class; N(d,k) = (2k + d - 2) Gamma(k + d - 2) / (Gamma(k + 1) Gamma(d - 1)). Sobolev and power-law
    classes are analytic by definition. Returns None otherwise (the caller then uses B k^-beta).
    """
    from asympt import targets as T

    d = dim
    if isinstance(target, T.PowerLaw):
        beta = mpmath.mpf(sympy.N(target.beta, mpmath.mp.dps))
        return lambda k: k ** (-beta)
    if isinstance(target, T.Sobolev):
        two_s = mpmath.mpf(sympy.N(2 * target.s, mpmath.mp.dps))
        Tc = mpmath.mpf(sympy.N(target.T, mpmath.mp.dps))
        return lambda k: Tc * (k ** (-two_s) - (k + 1) ** (-two_s))
    if isinstance(target, T.Neuron) and T._neuron_kind(target.act) == "power":
        b = mpmath.mpf(sympy.N(sympy.Rational(target.act.degree), mpmath.mp.dps))
        sin2 = mpmath.sin(mpmath.pi * (parity - b) / 2) ** 2
        if sin2 == 0 or abs(sin2) < mpmath.mpf(10) ** (-mpmath.mp.dps + 5):
            return lambda k: mpmath.mpf(0)
        pre = mpmath.gamma(b + 1) * mpmath.gamma(mpmath.mpf(d) / 2) / mpmath.power(2, b + 1)

        def e(k):
            if d == 2:
                N = mpmath.mpf(2)
            else:
                N = (2 * k + d - 2) * mpmath.gammaprod([k + d - 2], [k + 1, d - 1])
            s = pre * mpmath.gamma((k - b) / 2) * mpmath.rgamma((b + k + d) / 2) / mpmath.pi
            return N * s * s * sin2

        return e
    return None


_GL_LEVEL = 5  # mpmath's Gauss-Legendre rule of degree 5: 48 nodes on [-1, 1]


def _taylor_cauchy(f, x0, n_coef):
    """Taylor coefficients c_0 .. c_(n_coef - 1) of f at x0 from the trapezoidal rule on |k - x0| = x0/8.

    f must be analytic in the disc |k - x0| < x0 (the Gamma-ratio laws are: their poles lie at k <= 0 up
    to the small shifts of the singular exponents). The aliasing error is ~ 8^-N relative with N nodes.
    Replaces numerical differentiation, which costs minutes at the order and precision needed here.
    """
    r = x0 / 8
    N = max(2 * n_coef, int(mpmath.mp.dps * 1.15) + 8)
    vals = []
    for m in range(N):
        w = mpmath.expjpi(mpmath.mpf(2 * m) / N)
        vals.append((w, f(x0 + r * w)))
    return [mpmath.re(mpmath.fsum(v * w ** (-j) for w, v in vals) / N) / r ** j for j in range(n_coef)]


class _LawTail:
    """S(t) = sum_(j >= 0) e(k) (1 - exp(-2 mu(k) t)) and D(t) = sum_j 2 mu(k) e(k) exp(-2 mu(k) t), k = k0 + 2j.

    Euler-Maclaurin with step 2 (theory section 9.7): sum_j g(k0 + 2j) = 1/2 int_k0^inf g + g(k0)/2
    - sum_m B_2m 2^(2m-1)/(2m)! g^(2m-1)(k0). Everything that does not depend on t is computed once:

    * the integral in s = ln(k/k0) by Gauss-Legendre panels at fixed nodes, so that each t costs one
      exponential per node. Where 2 mu t can be of order one, g(k0 e^s) is analytic and bounded in the
      strip |Im s| < pi/(2 alpha) (the real part of mu(k) t stays positive there), so panels of width
      ~ 1.6/alpha with 48 nodes reach the requested digits by the Bernstein-ellipse bound; beyond, the
      strip of the Gamma-ratio laws (|Im s| < pi/2) allows wider panels;
    * the Taylor coefficients of e and mu at k0 (by a Cauchy integral), from which the endpoint
      derivatives of g are composed for each t (power series of exp(-2 t mu(k))).

    The earlier ``mpmath.nsum`` on each t cost ~ 1 s per time and parity and lost the derivative sum
    when the first terms were exponentially small (local exponents of 1e-41 at t > 1e12).
    """

    def __init__(self, e_of, mu_of, k0, t_max, digits, alpha=None):
        from mpmath.calculus.quadrature import GaussLegendre

        self.k0 = k0 = mpmath.mpf(k0)
        self.mu0 = mu_of(k0)
        if alpha is None:  # the local decay exponent of mu at k0 (the law's alpha when given)
            mu2 = mu_of(2 * k0)
            alpha = -mpmath.log(mu2 / self.mu0) / mpmath.log(2) if mu2 > 0 and self.mu0 > 0 else 1
        alpha = max(mpmath.mpf(alpha), mpmath.mpf("0.5"))
        nodes = GaussLegendre(mpmath.mp).get_nodes(-1, 1, _GL_LEVEL, mpmath.mp.prec)
        n = len(nodes)
        # Gauss-Legendre on an analytic function: error ~ (64/15) max|g| rho^-2n/(rho^2 - 1) for the
        # Bernstein ellipse of parameter rho inside the analyticity region; choose rho for the digits
        rho = mpmath.exp((digits * mpmath.log(10) + 8) / (2 * n))
        r = (rho - 1 / rho) / 2  # semi-minor axis / half-width of the ellipse
        w_near = 2 * (mpmath.mpf("0.8") * mpmath.pi / (2 * alpha)) / r
        w_far = 2 * mpmath.mpf(1) / r
        x0 = 2 * abs(self.mu0) * t_max * 1000
        s_far = (max(mpmath.mpf(0), mpmath.log(x0) / alpha) if x0 > 0 else mpmath.mpf(0)) + w_near
        tol = mpmath.mpf(10) ** (-digits)
        self.a, self.m = [], []
        s, first = mpmath.mpf(0), None
        while True:
            w = w_near if s < s_far else w_far
            pa, pm = [], []
            for x, wt in nodes:
                k = k0 * mpmath.exp(s + (x + 1) * w / 2)
                pa.append(wt * w / 2 * k * e_of(k))
                pm.append(mu_of(k))
            self.a += pa
            self.m += pm
            s += w
            if s > s_far:  # beyond the transition the integrand is ~ 2 t mu e k and decays geometrically in s
                c = mpmath.fsum(abs(x * y) for x, y in zip(pa, pm))
                first = c if first is None else first
                if c < tol * first * mpmath.mpf("1e-3") or len(self.a) > 40 * n * 10:
                    break
        self.M = 20  # Euler-Maclaurin terms at most; stopped at the smallest term (the asymptotic series)
        self.ce = _taylor_cauchy(e_of, k0, 2 * self.M + 1)
        self.cm = _taylor_cauchy(mu_of, k0, 2 * self.M + 1)
        self.quad_rel = tol
        self.abs_a = mpmath.fsum(abs(x) for x in self.a)

    def at(self, t):
        """(S, D, error of S, error of D) at time t."""
        ex = [mpmath.exp(-2 * m * t) for m in self.m]
        I_S = mpmath.fsum(a * (-mpmath.expm1(-2 * m * t) if 2 * m * t < 1 else 1 - x)
                          for a, m, x in zip(self.a, self.m, ex))
        I_D = mpmath.fsum(2 * a * m * x for a, m, x in zip(self.a, self.m, ex))
        n = 2 * self.M + 1
        p = [mpmath.mpf(0)] + [-2 * t * c for c in self.cm[1:n]]
        q = [mpmath.mpf(1)]  # exp(-2 t (mu(k0 + h) - mu(k0))) as a power series in h
        for j in range(1, n):
            q.append(mpmath.fsum(i * p[i] * q[j - i] for i in range(1, j + 1)) / j)
        E0 = mpmath.exp(-2 * t * self.mu0)
        eq = [mpmath.fsum(self.ce[i] * q[j - i] for i in range(j + 1)) for j in range(n)]
        mq = [mpmath.fsum(self.cm[i] * eq[j - i] for i in range(j + 1)) for j in range(n)]
        gS = [self.ce[j] - E0 * eq[j] for j in range(n)]
        gD = [2 * E0 * mq[j] for j in range(n)]
        res = []
        for g, integral in ((gS, I_S), (gD, I_D)):
            total, best = integral / 2 + g[0] / 2, None
            for mm in range(1, self.M + 1):
                # B_2m 2^(2m-1)/(2m)! g^(2m-1)(k0), with g^(2m-1)(k0) = (2m-1)! g[2m-1]
                term = mpmath.bernoulli(2 * mm) * mpmath.mpf(2) ** (2 * mm - 1) / (2 * mm) * g[2 * mm - 1]
                if best is not None and abs(term) > best:
                    break
                total -= term
                best = abs(term)
            res.append((total, best))
        (S, eS), (D, eD) = res
        # the smallest Euler-Maclaurin term understates the error of the truncated asymptotic series when
        # 2 mu t alpha/k0 is not small (measured: up to 3x at k0 = 10, 2 mu t = 6.4): 10x it
        return S, D, 10 * eS + self.quad_rel * self.abs_a, 10 * eD + self.quad_rel * abs(I_D)


def _law_tails(dl, tl, target, dim, K, mus, es, t_max, dps):
    """Per parity with a power-law kernel and a power-law target: (_LawTail beyond K, relative error of
    the laws at the last computed degree). Built once per curve; evaluated at each time."""
    tails = {}
    if tl.beta is None:
        return tails
    for p in (0, 1):
        law = dl.parities[p]
        if law.kind != "power":
            continue
        B = tl.B_even if p == 0 else tl.B_odd
        if B == 0:
            continue
        Bm = mpmath.mpf(sympy.N(B, mpmath.mp.dps))
        beta = mpmath.mpf(sympy.N(tl.beta, mpmath.mp.dps))
        e_of = _analytic_energy(target, dim, p) or (lambda k: Bm * k ** (-beta))
        k0 = K + 1 if (K + 1) % 2 == p else K + 2

        def mu_law(k, p=p):
            return dl.gamma_ratio_mp_real(k, p)

        kl = K if K % 2 == p else K - 1
        rel = mpmath.mpf(1)
        if kl >= 1 and es[kl] != 0 and mus[kl] != 0:
            rel = abs(e_of(kl) * mu_law(kl) / (es[kl] * mus[kl]) - 1)
        alpha = mpmath.mpf(sympy.N(law.alpha, 20))
        tails[p] = (_LawTail(e_of, mu_law, k0, t_max, mpmath.mp.dps - 3, alpha=alpha), rel)
    return tails


def _correction(dl, tl, K, t, mus, tail_p, tails):
    """sum_{k > K} e_k (1 - exp(-2 mu_k t)) and its t-derivative-part, with an error estimate."""
    if tl.beta is None and getattr(tl, "kind", "power") == "finite":
        return mpmath.mpf(0), mpmath.mpf(0), mpmath.mpf(0), mpmath.mpf(0)
    total = mpmath.mpf(0)
    dtotal = mpmath.mpf(0)
    err = mpmath.mpf(0)
    derr = mpmath.mpf(0)
    if tl.beta is None:
        # a smooth target: its energies beyond K are summed into the exact tail; the correction
        # sum_(k>K) e_k (1 - exp(-2 mu_k t)) <= 2 t max_(k>K) mu_k tail(K) (mu_k decreasing beyond K)
        bound = 2 * t * max(abs(mus[K]), abs(mus[K - 1]) if K >= 1 else 0) * abs(tail_p)
        return mpmath.mpf(0), mpmath.mpf(0), bound, bound / t
    for p in (0, 1):
        law = dl.parities[p]
        if law.kind == "zero" and K >= law.zero_above:
            continue
        B = tl.B_even if p == 0 else tl.B_odd
        if B == 0:
            continue
        if law.kind != "power":
            # faster than any power (analytic kernel): no law to sum, so the correction is bounded, not
            # summed: sum_{k>K} e_k (1 - exp(-2 mu_k t)) <= 2 t mu_K tail(K), assuming mu_k decreases
            # beyond the last computed degree K (true for the geometric and faster decays of theory 7)
            kl = K if K % 2 == p else K - 1
            bound = 2 * t * abs(mus[kl]) * abs(tail_p) if kl >= 0 else mpmath.inf
            if bound > abs(tail_p) * mpmath.mpf("1e-3"):
                raise RegimeNotReached("loss curve: the kernel's eigenvalues decay faster than any power and the "
                                       f"computed degrees (k <= {K}) do not reach 2 mu_k t << 1 at t = {mpmath.nstr(t, 3)}")
            err += bound
            derr += bound / t
            continue
        tail, rel = tails[p]
        c, dc, ce, dce = tail.at(t)
        total += c
        dtotal += dc
        # the laws' relative error at the last computed degree bounds theirs beyond it (they improve with k)
        err += 2 * rel * abs(c) + ce
        derr += 2 * rel * abs(dc) + dce
    return total, dtotal, err, derr


# ---- the law beside the exact curve (issue 13.4) ------------------------------------------------------

def _winning_term(law):
    live = [t for t in law.terms if t.key]
    if not live:
        return None
    return min(live, key=lambda t: t.key)


def _observable(law):
    """What each law kind predicts about the exact curve, as (name, f(t, s, s_prev, t_prev), predicted, band).

    s is the local exponent of the approach a(t) = L(t) - L_inf. f maps the exact curve to a number that
    tends to ``predicted`` if the law holds (theory section 7 and the pair table of asympt.laws.loss):
    power/power-like: s -> xi; log-periodic: s stays in the stated band [s_min, s_max]; logarithmic
    a ~ D (ln t)^-a: s ln(2t) -> a; super-polynomial -ln a ~ c t^e: d ln s/d ln t -> e, or for
    -ln a ~ b (ln 2t)^(3/2): s/(ln 2t)^(1/2) -> 3b/2; sub-polynomial -ln a ~ b ln t/ln ln t:
    -ln(a) (lnln(2t) - lnlnln(2t))/ln(2t) -> b. Returns None when the law gives no number to compare.
    """
    kind = law.approach_kind or law.kind
    par = dict(law.params)
    term = _winning_term(law)

    def num(x):
        return mpmath.mpf(sympy.N(x, mpmath.mp.dps))

    if kind == "power" and law.xi is not None:
        return ("local exponent", lambda t, s, s0, t0: s, num(law.xi), None)
    if kind == "power-like" and law.xi is not None:
        # L = t^(-xi + o(1)) only: between the degrees the curve is flat and then drops, so the local
        # exponent swings; -ln a/ln t is what tends to xi (slowly, the o(1) is ~ 1/ln ln t)
        return ("-ln(L-L_inf)/ln t", None, num(law.xi), None)
    if kind == "exponential" and law.rate is not None:
        return ("s/t", lambda t, s, s0, t0: s / t, num(law.rate), None)
    if kind == "log-periodic" and law.xi is not None:
        band = par.get("local_exponent")
        return ("local exponent", lambda t, s, s0, t0: s, num(law.xi),
                None if band is None else (mpmath.mpf(band[0]), mpmath.mpf(band[1])))
    if kind == "logarithmic" and "log_exponent" in par:
        return ("s ln(2t)", lambda t, s, s0, t0: s * mpmath.log(2 * t), num(par["log_exponent"]), None)
    if kind == "super-polynomial" and term is not None and term.key[1] != sympy.oo:
        rank, b = term.key[0], num(term.key[1])
        if rank == 6:
            return ("dln s/dln t", lambda t, s, s0, t0: None if s0 is None or s0 <= 0 or s <= 0 else
                    mpmath.log(s / s0) / mpmath.log(t / t0), b, None)
        if rank == 4:
            return ("s/sqrt(ln 2t)", lambda t, s, s0, t0: s / mpmath.sqrt(mpmath.log(2 * t)), 3 * b / 2, None)
    if kind == "sub-polynomial" and term is not None and term.key[1] != sympy.oo:
        # integrated form: between degrees the curve is flat and then drops (mu_k falls by ~k^2 per degree),
        # so the local exponent swings by orders of magnitude. -ln a = ln(sigma) K* with K* ln K* = ln(2t)/c_mu,
        # ln K* = lnln(2t) - lnlnln(2t) + o(1): -ln a (lnln - lnlnln)/ln(2t) -> b = ln(sigma)/c_mu (the bare
        # lnln form is still 39 % high at ln t = 1000)
        return ("-ln(L-L_inf) (lnln-lnlnln)(2t)/ln(2t)", "sub", num(term.key[1]), None)
    return None


def law_check(law, points) -> list:
    """The law beside the exact curve at each point: a dict per point (None where nothing is compared).

    Fields: ``quantity`` (what is compared, see :func:`_observable`), ``exact`` (from the exact curve),
    ``law`` (its predicted limit), ``rel_gap`` = exact/law - 1, ``band`` = [lo, hi] the law allows at this
    t, ``inside`` (True/False; None when no band can be stated yet), ``ratio_gap`` = (L - L_inf)/(law(t) - L_inf) - 1
    for laws with a value, and ``status`` (V verified, D derived but not proved, U heuristic).

    The band is the law's own stated band where it has one (log-periodic: the range of xi - F'/F), widened
    by the exact curve's error bound; for limits, the prediction plus or minus the change of the exact
    quantity since the previous point (the size of the next correction if the corrections decay at least
    geometrically between the points) plus the error bound. It is not the measured gap, so a wrong law
    fails: a 5 % error in xi is outside the band once the exact quantity settles (see the tests).
    """
    obs = _observable(law)
    out = []
    prev = None  # (t, s, quantity)
    with mpmath.workdps(30):
        for p in points:
            gap = p.loss.value - p.L_inf
            if gap <= 2 * p.loss.abs_error or p.slope_error == mpmath.inf:  # the approach is not resolved
                out.append(None)
                prev = None
                continue
            s = p.slope * p.loss.value / gap
            s_err = p.slope_error * abs(p.loss.value / gap) + abs(s) * p.loss.abs_error / gap
            row = {"status": law.status or ("V" if (law.approach_kind or law.kind) == "power" else "")}
            r = p.ratio
            if r is not None:
                row["ratio_gap"] = mpmath.nstr(r - 1, 4)
            if obs is None:
                row["quantity"] = None
                out.append(row)
                prev = None
                continue
            name, f, pred, band = obs
            if f is None:  # -ln a/ln t
                q = -mpmath.log(gap) / mpmath.log(p.t) if p.t > 1 else None
            elif f == "sub":
                ll = mpmath.log(mpmath.log(2 * p.t)) if p.t > 2 else mpmath.mpf(0)
                q = -mpmath.log(gap) * (ll - mpmath.log(ll)) / mpmath.log(2 * p.t) if ll > 1 else None
            else:
                q = f(p.t, s, None if prev is None else prev[1], None if prev is None else prev[0])
            row.update({"quantity": name, "law": mpmath.nstr(pred, 8)})
            if q is None:
                row.update({"exact": None, "rel_gap": None, "band": None, "inside": None})
                out.append(row)
                prev = (p.t, s, None)
                continue
            # error of q from that of s: q is s times a known factor, or a log-difference of two s values
            if f is None:
                q_err = p.loss.abs_error / gap / mpmath.log(p.t)
            elif f == "sub":
                q_err = p.loss.abs_error / gap * mpmath.log(mpmath.log(2 * p.t)) / mpmath.log(2 * p.t)  # >= the factor
            elif name == "dln s/dln t":
                q_err = 2 * s_err / abs(s) / abs(mpmath.log(p.t / prev[0]))
            else:
                q_err = abs(q / s) * s_err if s != 0 else mpmath.inf
            if not (q_err < abs(pred) / 2 and q_err < abs(q) / 2):  # the exact curve does not resolve it here
                row.update({"exact": None, "rel_gap": None, "band": None, "inside": None,
                            "note": "not resolved by the exact curve's error bound"})
                out.append(row)
                prev = None
                continue
            if band is not None:
                lo, hi = band[0] - q_err, band[1] + q_err
            elif prev is not None and prev[2] is not None:
                w = abs(q - prev[2]) + q_err
                lo, hi = pred - w, pred + w
            else:
                lo = hi = None
            inside = None if lo is None else bool(lo <= q <= hi)
            row.update({"exact": _sig(q, q_err, 8), "rel_gap": mpmath.nstr(q / pred - 1, 4) if pred != 0 else None,
                        "band": None if lo is None else [mpmath.nstr(lo, 6), mpmath.nstr(hi, 6)],
                        "inside": inside})
            out.append(row)
            prev = (p.t, s, q)
    return out


def law_check_text(rows) -> list:
    """Text lines for the law check of a curve's JSON rows (``CurvePoint.to_json``): a small table with the
    compared quantity beside its law, the relative gap and whether it lies in the band, then one verdict.
    For the report of ``asympt curve``; empty when the law gives nothing to compare."""
    rows = [r for r in rows if r.get("law_check") and r["law_check"].get("quantity")]
    if not rows:
        return []
    c0 = rows[0]["law_check"]
    words = {"V": "verified", "D": "derived, not proved", "U": "heuristic, not verified"}
    out = [f"Law check: {c0['quantity']} of the exact curve beside the law's value {c0['law']} "
           f"(law {words.get(c0.get('status'), 'status not stated')}):",
           f"{'t':>12}  {'exact':>16} {'law':>12} {'gap':>10}  {'band':<24} inside"]
    for r in rows:
        c = r["law_check"]
        band = "-" if not c.get("band") else f"[{c['band'][0]}, {c['band'][1]}]"
        inside = {True: "yes", False: "NO", None: "-"}[c.get("inside")]
        out.append(f"{r['t']:>12}  {c.get('exact') or '-':>16} {c['law']:>12} {c.get('rel_gap') or '-':>10}  "
                   f"{band:<24} {inside}")
    judged = [r["law_check"] for r in rows if r["law_check"].get("inside") is not None]
    if judged:
        n_in = sum(1 for c in judged if c["inside"])
        last = judged[-1]
        out.append(f"At the largest t the law is {'inside' if last['inside'] else 'OUTSIDE'} its band "
                   f"({n_in}/{len(judged)} points inside). The band is the law's stated band (log-periodic) or the "
                   "change of the exact quantity since the previous point plus its error bound.")
    if c0["quantity"] == "local exponent" and any(r["law_check"].get("band") for r in rows) and \
            c0.get("status") == "D":
        out.append("A log-periodic band excludes the O(1/ln t) drift from the powers of k in mu_k and e_k.")
    return out


def asymptotic_regime(kernel, dim: int, target, law, *, tol: float = 0.1, t_hi: float = 1e12, digits: int = 8):
    """Where the law agrees with the exact curve: the first decade t from which |L/law - 1| < ``tol`` at
    every later decade up to ``t_hi``.

    For a plateau the approach is compared: (L - L_inf)/(law - L_inf).
    Returns a dict: ``t_regime`` (a float, or None if not reached by ``t_hi``), ``checked_up_to``,
    ``ratios`` [(t, L/law)] and ``tol``; None when the law has no explicit value (kinds without a
    constant: compare local exponents instead).
    """
    if law is None or law.value(1) is None:
        return None
    import math

    hi = max(2, int(math.ceil(math.log10(max(t_hi, 100)))))
    times = [10.0**j for j in range(1, hi + 1)]
    # 600 exact degrees: beyond them the Euler-Maclaurin correction (with its error bound) is plenty for a
    # 10 % comparison, and the scan stays a fraction of the cost of the curve itself
    pts = loss_curve(kernel, dim, target, times, digits=digits, law=law, kmax=600)
    ratios = [(float(p.t), float(p.ratio)) for p in pts if p.ratio is not None]
    t_reg = None
    for i in range(len(ratios) - 1, -1, -1):
        if abs(ratios[i][1] - 1) < tol:
            t_reg = ratios[i][0]
        else:
            break
    return {"t_regime": t_reg, "checked_up_to": times[-1], "ratios": ratios, "tol": tol}
