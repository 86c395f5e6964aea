"""Exact loss curves L(t) = 1/2 sum_k e_k exp(-2 mu_k t) at high precision.

The sum is split at a degree K (theory section 9.7):

    2 L(t) = sum_{k <= K} e_k exp(-2 mu_k t) + tail(K+1) - sum_{k > K} e_k (1 - exp(-2 mu_k t)),

with tail(K+1) = ||f*||^2 - sum_{k <= K} e_k exact, so the infinitely many unlearned high degrees
are counted exactly. The last sum is a small correction (2 mu_k t << 1 for k > K); it is summed by
Euler-Maclaurin (``mpmath.nsum``) over each parity class with the asymptotic laws
mu_k ~ Gamma-ratio approximant (theory section 9.5) and e_k ~ B_p k^-beta. Its error is bounded by
the relative error of those laws at k = K times the correction itself, and reported.

Entry point: :func:`loss_curve`. The local exponent -dlog L/dlog t is computed from the same sums
(d/dt L = -sum_k mu_k e_k exp(-2 mu_k t)), not by finite differences.
"""

from __future__ import annotations

from dataclasses import dataclass

import mpmath
import sympy

from asympt.core.errors import InvalidInput, NotSupported, RegimeNotReached

__all__ = ["CurvePoint", "LossCurve", "asymptotic_regime", "loss_curve"]


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
                "kstar_form": None if self.kstar_form is None else mpmath.nstr(self.kstar_form, 8)}

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
    from .loss import _attach_spectrum

    target = _attach_spectrum(kernel, dim, target, dl)
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
        K = min(K, len(mus) - 1)
        mu_err = [e.abs_error for e in spec]
        es = target.energies(dim, K, dps=dps)
        es = [mpmath.mpf(e) for e in es]
        norm2 = mpmath.mpf(sympy.N(target.norm2(dim), dps + 5)) if _exact_norm(target, dim) else \
            mpmath.mpf(target.norm2_mp(dim, dps=dps))
        tail = norm2 - mpmath.fsum(es)
        out = []
        for t in times:
            head = mpmath.fsum(e * mpmath.exp(-2 * m * t) for e, m in zip(es, mus[:K + 1]))
            dhead = mpmath.fsum(2 * m * e * mpmath.exp(-2 * m * t) for e, m in zip(es, mus[:K + 1]))
            # errors from the eigenvalues' own bounds: |d/dmu e exp(-2 mu t)| = 2 t e exp(-2 mu t)
            err_mu = mpmath.fsum(2 * t * e * mpmath.exp(-2 * m * t) * de for e, m, de in zip(es, mus[:K + 1], mu_err))
            corr, dcorr, corr_err, dcorr_err = _correction(dl, tl, target, dim, K, t, mus, es, tail)
            twoL = head + tail - corr
            loss = twoL / 2
            dL = -(dhead + dcorr) / 2  # d/dt L
            slope = -t * dL / loss if loss != 0 else mpmath.mpf(0)
            err = (err_mu + corr_err) / 2 + abs(loss) * mpmath.mpf(10) ** (-(dps - 5))
            # d/dmu of mu e exp(-2 mu t) is bounded by e exp(-2 mu t) (1 + 2 mu t): the same eigenvalue bounds
            derr_mu = mpmath.fsum(e * mpmath.exp(-2 * m * t) * (1 + 2 * m * t) * de
                                  for e, m, de in zip(es, mus[:K + 1], mu_err))
            # slope = -t L'/L: its error is t d(L')/|L| + |slope| dL/|L|
            slope_err = (t * (derr_mu + dcorr_err) / 2 + abs(slope) * err) / abs(loss) if loss != 0 else mpmath.inf
            slope_err += abs(slope) * mpmath.mpf(10) ** (-(dps - 5))
            lawv = law.value(t) if law is not None else None
            # the K*(t) form of theory section 7: modes with 2 mu_k t >= 1 are learned, the rest are not
            kstar = next((k for k in range(len(es)) if es[k] != 0 and mus[k] != 0 and 2 * mus[k] * t < 1), None)
            kform = (norm2 - mpmath.fsum(e for e, m in zip(es, mus) if 2 * m * t >= 1)) / 2
            linf = mpmath.mpf(sympy.N(law.L_inf, dps)) if law is not None else mpmath.mpf(0)
            out.append(CurvePoint(t, Approx(+loss, err), +slope, lawv, kstar, kform, +slope_err, linf))
    return LossCurve(out)


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


def _correction(dl, tl, target, dim, K, t, mus, es, tail_p=None):
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
        if tl.beta is None or B == 0:
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
        Bm = mpmath.mpf(sympy.N(B, mpmath.mp.dps))
        beta = mpmath.mpf(sympy.N(tl.beta, mpmath.mp.dps))
        e_of = _analytic_energy(target, dim, p) or (lambda k: Bm * k ** (-beta))
        k0 = K + 1 if (K + 1) % 2 == p else K + 2

        def mu_law(k):
            return dl.gamma_ratio_mp_real(k, p)

        def f(j):
            k = k0 + 2 * j
            m = mu_law(k)
            return e_of(k) * -mpmath.expm1(-2 * m * t)

        def df(j):
            k = k0 + 2 * j
            m = mu_law(k)
            return e_of(k) * 2 * m * mpmath.exp(-2 * m * t)

        c = mpmath.nsum(f, [0, mpmath.inf], method="euler-maclaurin")
        dc = mpmath.nsum(df, [0, mpmath.inf], method="euler-maclaurin")
        # relative error of the two laws at the last computed degree of this parity
        kl = K if K % 2 == p else K - 1
        rel = mpmath.mpf(1)
        if kl >= 1 and es[kl] != 0 and mus[kl] != 0:
            rel = abs(e_of(kl) * mu_law(kl) / (es[kl] * mus[kl]) - 1)
        total += c
        dtotal += dc
        err += 2 * rel * abs(c)
        derr += 2 * rel * abs(dc)
    return total, dtotal, err, derr


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
