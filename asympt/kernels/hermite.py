"""Hermite coefficients of smooth activations at high precision, with a bound on the omitted tail.

(Over 500 lines on purpose: the structured families, the general rule and the Parseval tail bound share
one precision bookkeeping.)

With z ~ N(0, 1), normalised Hermite polynomials h_n = He_n / sqrt(n!) and s_q(z) = s(sqrt(q) z),

    a_n(q) = E[s_q(z) h_n(z)] = E[s_q^(n)(z)] / sqrt(n!)     (Gaussian integration by parts),

and the dual maps are V(q, c) = sum_n a_n(q)^2 rho^n, Vd(q, c) = sum_n n a_n(q)^2 rho^(n-1) / q,
rho = c / q (Mehler's formula and Price's identity, theory section 2). This module computes the
squares b_n = a_n(q)^2 for n <= N and a bound on sum_(n > N) b_n (and on sum n b_n), at any precision:

* tanh, sigmoid, softplus, SiLU (exact SymPy forms of the registry; also the same text typed as an
  expression): the Fourier transform of tanh, -i pi / sinh(pi w / 2), turns every coefficient into an
  integral of a POSITIVE function (no cancellation at all):

      a_(2m+1)^tanh(q) = (-1)^m q^(n/2) / sqrt(n!) J_n,   J_n = int_0^inf w^n exp(-q w^2 / 2) / sinh(pi w / 2) dw,

  even coefficients vanish. sigmoid(x) = (1 + tanh(x/2)) / 2 gives a_n = a_n^tanh(q/4) / 2 (n >= 1);
  softplus' = sigmoid gives a_n = sqrt(q / n) a_(n-1)^sigmoid(q) (n >= 1); x f(x) gives
  a_n = sqrt(q) (sqrt(n+1) a_(n+1)^f + sqrt(n) a_(n-1)^f) (z h_n = sqrt(n+1) h_(n+1) + sqrt(n) h_(n-1)).
  J_n is computed for all odd n <= N at once by the trapezoid rule on nodes w_j = (j + 1/2) h (the
  integrand is even and analytic in |Im w| < 2), in fixed point over a window of nodes that slides with
  the peak w ~ sqrt(n / q); the step h makes the trapezoid error bound of Trefethen & Weideman (2014,
  "The exponentially convergent trapezoidal rule", Thm 5.1), 2 M / (exp(2 pi a / h) - 1) with a = 9/5,
  at most 10^-P J_n, M being the integral of |integrand| on Im w = +-a (estimated in float64 with a
  factor 100 of margin).
* GELU x Phi(x): Phi^(n)(x) = (-1)^(n-1) He_(n-1)(x) phi(x) and E[He_(2j)(X)] = (2j)!/(j! 2^j) (v - 1)^j
  for X ~ N(0, v) give a closed form for every coefficient of Phi; then the x f(x) rule.
* any other expression: trapezoid rule in z (the integrand is analytic in a strip; step from the
  activation's strip width), Hermite recurrence in fixed point with per-node scaling, and a second rule
  with a 3/4 step whose difference (times 2) is the error bound.

Tail: E[s_q^2] = sum_n b_n and E[(s_q')^2] = sum_n n b_n (Parseval), computed independently by two
nested trapezoid rules in z (:func:`gaussian_mean`, twice their difference is the error bound), so sum_(n > N) b_n <= E[s_q^2] - sum_(n <= N)
b_n + errors. N grows until the tail is below the requested tolerance (a first guess from the decay
law; for expressions the strip width is fitted to float64 coefficients). Tails are kept per parity of n,
and coefficients that vanish by structure are exact zeros, so exact-zero eigenvalues stay exact.
Measured (q = 1): a 30-digit tanh kernel needs N ~ 760 terms; a cold 30-digit kernel value takes 0.9 s
(before: 5.2 s of CPU per value), later values ~1 ms (Horner).
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from functools import lru_cache

import mpmath
import numpy as np
import sympy

from asympt.core.errors import InvalidInput, PrecisionLost

from .activations import x as _x_symbol

__all__ = ["DualSeries", "dual_series", "hermite_coefficients_np", "structured_kind"]

_MAX_TERMS = 60_000
_LOCK = threading.Lock()
_CACHE: dict = {}


@dataclass(frozen=True)
class DualSeries:
    """b_n = a_n(q)^2 (n = 0..N, mpf at ``prec`` bits, relative error <= ``rel_error``) and bounds
    ``tails[p]`` >= sum_(n > N, n = p mod 2) b_n, ``tails_d[p]`` >= the same sums of n b_n;
    ``total`` = E[s_q^2] = sum b_n, ``total_d`` = E[(s_q')^2] = sum n b_n. Coefficients that vanish
    by structure (parity, or a linear odd part / constant even part) are exact zeros, and a parity
    whose coefficients vanish beyond N has tail exactly 0."""

    q: object
    b: tuple
    tails: tuple
    tails_d: tuple
    total: object
    total_d: object
    prec: int
    rel_error: object
    method: str

    @property
    def tail(self):
        return self.tails[0] + self.tails[1]

    @property
    def tail_d(self):
        return self.tails_d[0] + self.tails_d[1]

    @property
    def N(self) -> int:
        return len(self.b) - 1

    def log_tails(self):
        """float64 natural logs of an upper bound of sum_(m > n) b_m, n = 0..N (for truncation)."""
        cached = self.__dict__.get("_log_tails")
        if cached is None:
            with mpmath.workprec(self.prec):
                t = mpmath.mpf(self.tail)
                out = [0.0] * (self.N + 1)
                for n in range(self.N, -1, -1):
                    out[n] = float(mpmath.log(t)) if t > 0 else -1e300
                    t = t + self.b[n]
            cached = np.array(out)
            object.__setattr__(self, "_log_tails", cached)
        return cached


# ---- float64 coefficients (Gauss-Hermite), for evaluators and first guesses ----------------------

_NMAX = 400


@lru_cache(maxsize=64)
def _np_func(expr):
    import scipy.special as sc

    return sympy.lambdify(_x_symbol, expr, modules=[{"erf": sc.erf}, "numpy"])


@lru_cache(maxsize=16)
def _gh_rule(n):
    import numpy as np

    nodes, weights = np.polynomial.hermite_e.hermegauss(n)
    return nodes, weights / np.sqrt(2 * np.pi)


@lru_cache(maxsize=256)
def hermite_coefficients_np(act, q: float, which: str = "V"):
    """float64 squared Hermite coefficients b_n = a_n(q)^2 (n = 0..N) and a tail bound."""
    import numpy as np

    expr = act.expr if which == "V" else sympy.diff(act.expr, _x_symbol)
    f = _np_func(expr)
    z, w = _gh_rule(360)
    with np.errstate(over="ignore"):
        vals = np.asarray(f(np.sqrt(q) * z), dtype=float) * np.ones_like(z)
    vals = np.where(np.isfinite(vals), vals, 0.0)
    fw = vals * w
    h_prev = np.zeros_like(z)
    h = np.ones_like(z)
    b = []
    total = float(np.sum(fw * vals))  # E[s^2] = sum of all b_n
    acc = 0.0
    for n in range(_NMAX):
        an = float(np.dot(fw, h))
        b.append(an * an)
        acc += an * an
        if n > 8 and total - acc <= 1e-17 * max(total, 1e-300):
            break
        h, h_prev = (z * h - np.sqrt(n) * h_prev) / np.sqrt(n + 1), h
    tail = max(total - acc, 0.0)
    if tail > 1e-12 * max(total, 1e-300):
        raise PrecisionLost(f"activation {act.name}: Hermite series of the dual kernel converges too slowly "
                            f"(tail {tail:.1e} after {_NMAX} terms)")
    return np.array(b), tail


# ----------------------------------------------------------------------------------------------
# Recognising the structured activations
# ----------------------------------------------------------------------------------------------

@lru_cache(maxsize=128)
def structured_kind(expr) -> str | None:
    """'tanh', 'sigmoid', 'softplus', 'silu', 'gelu' when ``expr`` is that function of x, else None."""
    from .activations import _gelu, _sigmoid, x

    forms = {"tanh": sympy.tanh(x), "sigmoid": _sigmoid(x), "softplus": sympy.log(1 + sympy.exp(x)),
             "silu": x * _sigmoid(x), "gelu": _gelu(x)}
    for name, form in forms.items():
        if expr == form:
            return name
    return None


# ----------------------------------------------------------------------------------------------
# tanh family: positive Fourier integrals
# ----------------------------------------------------------------------------------------------

def _log_integrand(w, n, q):
    """log of w^n exp(-q w^2/2) / sinh(pi w/2) (float64, vectorised over w > 0)."""
    x = np.pi * w / 2
    return n * np.log(w) - q * w * w / 2 - (x + np.log1p(-np.exp(-2 * x)) - math.log(2))


def _trapezoid_step(N: int, q: float, digits: float) -> tuple[float, float]:
    """(h, w_max) for J_n, n <= N odd, with relative trapezoid and cut-off errors <= 10^-digits."""
    a = 1.8
    w = np.linspace(1e-6, math.sqrt(N / q) + 12 * math.sqrt(digits / q) + 20, 4000)
    dw = w[1] - w[0]
    worst = 0.0
    z = w + 1j * a
    pz = np.pi * z / 2
    log_shz = pz + np.log(1 - np.exp(-2 * pz)) - math.log(2)
    # log(M_n / J_n) varies slowly with n: odd n on a geometric grid, plus the ends
    grid = sorted({1, 3, 5, 7, N - 1 + N % 2} | {2 * int(1.3 ** i) + 1 for i in range(int(math.log(N + 1, 1.3)) + 1)})
    for n in (m for m in grid if 1 <= m <= N + 1):
        log_re = _log_integrand(w, n, q)
        logz = n * np.log(z) - q * z * z / 2 - log_shz
        log_m = np.log(np.sum(np.exp(logz.real - log_re.max())) * dw * 2)
        log_j = np.log(np.sum(np.exp(log_re - log_re.max())) * dw)
        worst = max(worst, log_m - log_j)
    need = digits * math.log(10) + worst + math.log(200)       # 2 M / J_n <= 10^-digits / 100
    h = 2 * math.pi * a / (need + 1)
    # cut-off: beyond the peak of the largest n the integrand falls like a Gaussian of variance 1/q
    w_max = math.sqrt(N / q) + math.sqrt(2 * (digits * math.log(10) + 40) / q) + 4
    return h, w_max


def tanh_moments(N: int, q, prec: int) -> tuple[list, object]:
    """J_n = int_0^inf w^n exp(-q w^2/2)/sinh(pi w/2) dw for odd n <= N (index n; even entries None)
    and the relative error bound of every J_n (trapezoid + fixed-point rounding)."""
    qf = float(q)
    digits = prec * math.log10(2) + 5
    h, w_max = _trapezoid_step(N, qf, digits)
    nodes = int(w_max / h) + 1
    bits = prec + 40
    with mpmath.workprec(bits + 30):
        qm = mpmath.mpf(q)
        hm = mpmath.mpf(h)
        ws = [(j + mpmath.mpf(1) / 2) * hm for j in range(nodes)]
        wf = np.array([float(v) for v in ws])
        logg = -qf * wf * wf / 2 - (np.pi * wf / 2 + np.log1p(-np.exp(-np.pi * wf)) - math.log(2))
        lw = np.log(wf)
        W2 = np.array([mpmath.libmp.to_fixed((v * v)._mpf_, bits) for v in ws], dtype=object)
        cut = bits * math.log(2) + math.log(nodes) + 5          # window: terms within e^-cut of the max
        out: list = [None] * (N + 1)
        lo = hi = 0
        T = np.zeros(0, dtype=object)
        # T_j = w_j^n g_j 2^(-shift) as integers, the sum kept near 2^(2 bits): a node enters the window
        # at 2^-bits of the sum and later becomes the peak, so it needs 2 bits of absolute precision
        shift = 0
        for n in range(1, N + 1, 2):
            if n > 1 and len(T):
                T = (T * W2[lo:hi]) >> bits
            logt = n * lw + logg
            top = float(logt.max())
            # admit new nodes at the high end, drop negligible ones at the low end
            new_hi = hi
            while new_hi < nodes and logt[new_hi] > top - cut:
                new_hi += 1
            if new_hi == nodes and logt[-1] > top - cut:
                raise PrecisionLost("tanh_moments: node range too short (internal bound)")
            if new_hi > hi:
                scale = shift
                if not len(T):
                    shift = scale = int(top / math.log(2)) - 2 * bits
                add = []
                for j in range(hi, new_hi):
                    v = ws[j] ** n * mpmath.exp(-qm * ws[j] ** 2 / 2) / mpmath.sinh(mpmath.pi * ws[j] / 2)
                    add.append(int(mpmath.floor(mpmath.ldexp(v, -scale))))
                T = np.concatenate([T, np.array(add, dtype=object)])
                hi = new_hi
            drop = lo
            while drop < hi - 1 and logt[drop] < top - cut:
                drop += 1
            if drop > lo:
                T = T[drop - lo:]
                lo = drop
            s = int(T.sum())
            excess = s.bit_length() - (2 * bits + 40)
            if excess > 0:
                T = T >> excess
                shift += excess
                s = int(T.sum())
            elif excess < -10:
                T = T << -excess
                shift += excess
                s = int(T.sum())
            out[n] = mpmath.ldexp(mpmath.mpf(s), shift) * hm
        # rounding: each of <= nodes terms loses <= n units below a sum >= 2^(bits + 39) units
        rel = mpmath.mpf(10) ** (-digits) + mpmath.ldexp(mpmath.mpf(2 * nodes * (N + 2)), -(bits + 20))
    return out, rel


def _tanh_coefficients(q, N: int, prec: int):
    """Signed a_n(q) of tanh(sqrt(q) z), n = 0..N, and their relative error."""
    J, rel = tanh_moments(max(N, 1), q, prec)
    with mpmath.workprec(prec + 40):
        qm = mpmath.mpf(q)
        a = [mpmath.mpf(0)] * (N + 1)
        lf = mpmath.mpf(1)       # sqrt(q^n / n!)
        for n in range(1, N + 1):
            lf = lf * mpmath.sqrt(qm / n)
            if n % 2:
                a[n] = (-1) ** ((n - 1) // 2) * lf * J[n]
    return a, rel


def _signed_coefficients(kind: str, q, N: int, prec: int):
    """Signed a_n(q), n = 0..N, and absolute error bounds of each (see the module docstring)."""
    with mpmath.workprec(prec + 40):
        qm = mpmath.mpf(q)
        if kind == "tanh":
            a, rel = _tanh_coefficients(qm, N, prec)
            return a, [2 * rel * abs(v) for v in a]
        if kind in ("sigmoid", "softplus", "silu"):
            n_sig = N + 1 if kind == "silu" else N
            t, rel = _tanh_coefficients(qm / 4, n_sig, prec)
            sig = [mpmath.mpf(1) / 2] + [v / 2 for v in t[1:]]
            sig_err = [mpmath.mpf(0)] + [2 * rel * abs(v) for v in sig[1:]]
            if kind == "sigmoid":
                return sig[: N + 1], sig_err[: N + 1]
            if kind == "softplus":
                mean, mean_err = _softplus_mean(qm)
                a = [mean] + [mpmath.sqrt(qm / n) * sig[n - 1] for n in range(1, N + 1)]
                err = [mean_err] + [mpmath.sqrt(qm / n) * sig_err[n - 1] for n in range(1, N + 1)]
                return a, err
            return _times_x(sig, qm, N), _times_x_error(sig_err, qm, N)
        if kind == "gelu":
            phi = _phi_coefficients(qm, N + 1)
            unit = mpmath.ldexp(1, -prec - 30)
            return _times_x(phi, qm, N), _times_x_error([unit * abs(v) for v in phi], qm, N)
    raise InvalidInput(f"no structured Hermite coefficients for {kind!r}")


def _times_x_error(err, q, N):
    """Error of :func:`_times_x` from errors of the factors (the two terms may cancel: absolute bound)."""
    sq = mpmath.sqrt(q)
    return [sq * (mpmath.sqrt(n + 1) * err[n + 1] + (mpmath.sqrt(n) * err[n - 1] if n else 0)) +
            mpmath.ldexp(1, -mpmath.mp.prec + 8) * sq * mpmath.sqrt(n + 1) for n in range(N + 1)]


def _times_x(f, q, N):
    """Coefficients of sqrt(q) z f(sqrt(q) z) from those of f(sqrt(q) z)."""
    sq = mpmath.sqrt(q)
    out = []
    for n in range(N + 1):
        v = mpmath.sqrt(n + 1) * f[n + 1]
        if n:
            v += mpmath.sqrt(n) * f[n - 1]
        out.append(sq * v)
    return out


def _phi_coefficients(q, N):
    """a_n(q) of the normal cdf Phi(sqrt(q) z): a_0 = 1/2, a_(2j+1) = q^(n/2)/sqrt(n!) E[Phi^(n)(sqrt(q) z)]."""
    a = [mpmath.mpf(1) / 2] + [mpmath.mpf(0)] * N
    base = 1 / mpmath.sqrt(2 * mpmath.pi * (1 + q))
    # E[Phi^(2j+1)(sqrt q z)] = base (2j)!/(j! 2^j) (-1/(1+q))^j
    term = base                      # j = 0
    lf = mpmath.sqrt(q)              # q^(n/2) / sqrt(n!) at n = 1
    for n in range(1, N + 1):
        if n > 1:
            lf = lf * mpmath.sqrt(q / n)
        if n % 2:
            j = (n - 1) // 2
            if j:
                term = term * (2 * j - 1) * (-1) / (1 + q)
            a[n] = lf * term
    return a


def _softplus_mean(q):
    """E[softplus(sqrt(q) z)] with an error bound (:func:`gaussian_mean`)."""
    return gaussian_mean(lambda t: mpmath.log1p(mpmath.exp(t)), q, mpmath.mp.prec - 40, float(mpmath.pi))


# ----------------------------------------------------------------------------------------------
# General expressions: trapezoid rule in z with the Hermite recurrence
# ----------------------------------------------------------------------------------------------

def _general_coefficients(f, q, N: int, prec: int, tau):
    """a_n of f(sqrt(q) z) by the trapezoid rule in z (two steps; returns values and abs errors)."""
    width = min(float(tau) / math.sqrt(float(q)), 2.0) * 0.8 if tau is not None else 0.4

    def rule(h):
        bits = prec + 30
        with mpmath.workprec(bits + 30):
            sq = mpmath.sqrt(mpmath.mpf(q))
            zmax = 2 * math.sqrt(N + 1) + math.sqrt(2 * (prec * math.log(2) + 30)) + 2
            m = int(zmax / h) + 1
            zs = [mpmath.mpf(h) * j for j in range(-m, m + 1)]
            # per-node scaling: h_n(z) grows up to ~exp(z^2/4); carry it in the weight
            wts = [mpmath.mpf(h) * mpmath.npdf(z) * f(sq * z) for z in zs]
            extra = [int(float(z) ** 2 / 4 * 1.4427) + 4 for z in zs]
            W = np.array([mpmath.libmp.to_fixed((w * mpmath.ldexp(1, e))._mpf_, bits)
                          for w, e in zip(wts, extra)], dtype=object)
            Z = np.array([mpmath.libmp.to_fixed(z._mpf_, bits) for z in zs], dtype=object)
            E = np.array(extra, dtype=object)
            # H_j = h_n(z_j) 2^(bits + extra_j - extra_j) ... kept as h_n(z_j) 2^(bits + big) with big
            big = max(extra)
            one = 1 << (bits + big)
            H0 = np.full(len(zs), one, dtype=object) >> E      # h_0 2^(bits + big - extra_j)
            H1 = (Z * H0) >> bits
            out = [int(W.dot(H0)), int(W.dot(H1))]
            inv = [mpmath.libmp.to_fixed((1 / mpmath.sqrt(n + 1))._mpf_, bits) for n in range(N + 1)]
            sqn = [mpmath.libmp.to_fixed(mpmath.sqrt(n)._mpf_, bits) for n in range(N + 1)]
            for n in range(1, N):
                H0, H1 = H1, ((((Z * H1) >> bits) - ((sqn[n] * H0) >> bits)) * inv[n]) >> bits
                out.append(int(W.dot(H1)))
            scale = bits + bits + big
            return [mpmath.ldexp(mpmath.mpf(v), -scale) for v in out[: N + 1]]

    d = width
    digits = prec * math.log10(2) + 10
    h1 = 2 * math.pi * d / (digits * math.log(10) + d * math.sqrt(N + 1) + 10)
    a1 = rule(h1)
    a2 = rule(0.75 * h1)
    err = [2 * abs(x1 - x2) + mpmath.ldexp(abs(x2) + 1, -prec - 10) for x1, x2 in zip(a1, a2)]
    return a2, err


# ----------------------------------------------------------------------------------------------
# Totals (Parseval) and the driver
# ----------------------------------------------------------------------------------------------

def gaussian_mean(g, q, prec: int, width: float = 0.4):
    """E[g(sqrt(q) z)] and an error bound: trapezoid rules in z with steps h and h/2 (g analytic in the
    strip |Im x| < width sqrt(q) and of at most Gaussian growth: exponential convergence, so the
    second rule's error is far below the difference of the two, which is returned times 2)."""
    with mpmath.workprec(prec + 20):
        sq = mpmath.sqrt(mpmath.mpf(q))
        digits = prec * math.log10(2) + 10
        zmax = math.sqrt(2 * digits * math.log(10)) + 3
        c = min(width / math.sqrt(float(q)), 2.0)
        h = 2 * math.pi * c / (digits * math.log(10) + c * c + 5)
        m = int(zmax / h) + 1
        hm = mpmath.mpf(h) / 2
        # Gaussian weights by recurrence: phi(z_(j+1)) = phi(z_j) e^(-h^2 (2j + 1) / 2)
        weights = [1 / mpmath.sqrt(2 * mpmath.pi)]
        step, ratio = mpmath.exp(-hm * hm / 2), mpmath.exp(-hm * hm)
        for _ in range(2 * m):
            weights.append(weights[-1] * step)
            step *= ratio
        vals = [g(sq * hm * j) * weights[abs(j)] for j in range(-2 * m, 2 * m + 1)]
        coarse = mpmath.fsum(vals[::2]) * 2 * hm
        fine = mpmath.fsum(vals) * hm
        if not mpmath.isfinite(fine):
            raise InvalidInput("activation is not square-integrable under the Gaussian")
        return fine, 2 * abs(fine - coarse) + mpmath.ldexp(abs(fine) + 1, -prec) + abs(vals[0]) * 4 * hm


def _totals(both, q, prec: int, width: float):
    """Parity-resolved Parseval sums, each with an error bound:
    ([E[s_e^2], E[s_o^2]], [q E[s_e'^2], q E[s_o'^2]]) for s_e/o = (s(x) +- s(-x))/2 at x = sqrt(q) z.
    ``both(t)`` returns (s(t), s'(t)) (one lambdified function: shared subexpressions)."""
    cache: dict = {}

    def pair(t):
        key = t._mpf_ if hasattr(t, "_mpf_") else t
        if key not in cache:
            cache[key] = both(t)
        return cache[key]

    def part(index, sign):
        # s_e, s_o are even/odd: (s(t) +- s(-t))^2 / 4 is even, so E over symmetric nodes is exact form
        return lambda t: (pair(t)[index] + sign * pair(-t)[index]) ** 2 / 4

    out = []
    for index in (0, 1):
        vals = []
        for sign in (1, -1):
            # derivative: (s_e)' is odd, (s_o)' even, but squares only matter
            v, e = gaussian_mean(part(index, sign), q, prec, width)
            vals.append((v, e))
        out.append(vals)
    with mpmath.workprec(prec + 20):
        qm = mpmath.mpf(q)
        # (s_e)' is the odd part of s' and carries the even-n sums of n b_n: swap
        out[1] = [(qm * v, qm * e) for v, e in reversed(out[1])]
    return out[0], out[1]


def _structural_zero_set(kind, parity):
    """n -> True where a_n = 0 by structure: parity of the activation, or (softplus, SiLU, GELU) an odd
    part equal to x/2 (a_n = 0 for odd n >= 3), or (sigmoid) an even part equal to 1/2 (even n >= 2)."""
    if kind in ("softplus", "silu", "gelu"):
        return lambda n: n % 2 == 1 and n >= 3
    if kind == "sigmoid":
        return lambda n: n % 2 == 0 and n >= 2
    if kind == "tanh" or parity == "odd":
        return lambda n: n % 2 == 0
    if parity == "even":
        return lambda n: n % 2 == 1
    return lambda n: False


def _check_growth(f, q):
    """Refuse activations that grow like exp(c x^2) with c >= 1/(4 q) (E[s^2] infinite or unreliable)."""
    with mpmath.workdps(30):
        sq = mpmath.sqrt(mpmath.mpf(q))
        for z in (12, -12, 20, -20, 30, -30):
            try:
                val = abs(f(sq * z))
            except (ZeroDivisionError, ValueError, OverflowError):
                raise InvalidInput("activation cannot be evaluated on the real line") from None
            if not mpmath.isfinite(val) or val ** 2 * mpmath.npdf(z) > mpmath.mpf(10) ** -10:
                raise InvalidInput("activation grows too fast: E[s(z)^2] under the Gaussian is infinite or "
                                   "not resolvable (its Hermite series would not converge)")


def _estimate_terms(kind, tau, q, tol_log: float, scale: float) -> int:
    """First guess of N with both tails <= exp(tol_log): a_n^2 ~ exp(-c sqrt(n)), c = 2 tau / sqrt(q)
    (strip class; measured for tanh: log b_n + c sqrt(n) within [-3, 5] for q in [1/4, 3], n <= 2000),
    so sum_(m > N) m b_m ~ N (2 sqrt(N) / c) exp(-c sqrt(N)); GELU: geometric, ratio q / (1 + q)."""
    need = max(1.0, math.log(scale) - tol_log)
    if kind == "gelu":
        r = float(q) / (1 + float(q))
        n = need / -math.log(r)
        return int((need + math.log(n + 2) * 2 + 3) / -math.log(r)) + 10
    c = 2 * float(tau) / math.sqrt(float(q)) if tau is not None else 1.0
    n = (need / c) ** 2
    for _ in range(4):
        n = ((need + 6 + math.log(2 * n ** 1.5 / c + 1)) / c) ** 2
    return int(n) + 10


def _fitted_tau(act, q: float):
    """Strip half-width tau of an expression from its float64 Hermite coefficients: a least-squares
    fit of log b_n = A - 2 (tau / sqrt q) sqrt(n) over the resolved coefficients (b_n > 1e-26 b_max).
    Only steers the number of terms; accuracy is certified by the Parseval tail, not by this fit."""

    try:
        b, _ = hermite_coefficients_np(act, q, "V")
    except Exception:  # noqa: BLE001 - slow decay: guess a narrow strip
        return 0.3
    n = np.arange(len(b))
    ok = (b > 1e-26 * b.max()) & (n >= 4)
    if ok.sum() < 4:
        return 3.0                                              # fast (entire-type) decay
    x, y = np.sqrt(n[ok]), np.log(b[ok])
    slope = np.polyfit(x, y, 1)[0]
    return float(min(3.0, max(0.2, -slope * math.sqrt(q) / 2 * 0.9)))


_BUDGET = 4e6          # node x term steps of the general trapezoid rule (about 20 s of one core)


def _check_budget(act, N, prec, tau, q):
    width = min(float(tau) / math.sqrt(q), 2.0) * 0.8 if tau is not None else 0.4
    digits = prec * math.log10(2) + 10
    h = 2 * math.pi * width / (digits * math.log(10) + width * math.sqrt(N + 1) + 10)
    nodes = 2 * (2 * math.sqrt(N + 1) + math.sqrt(2 * (prec * math.log(2) + 30)) + 2) / h
    if nodes * N * (1 + prec / 1000) > _BUDGET:
        raise PrecisionLost(f"activation {act.name!r}: its Hermite series needs about {N} terms at {prec} bits "
                            f"({nodes:.0f} quadrature nodes each), beyond the time budget of expression "
                            f"activations; ask for fewer digits (named activations tanh, sigmoid, softplus, "
                            f"gelu, silu use exact formulas and have no such limit)")


def dual_series(act, q, *, prec: int, tail_tol, max_terms: int = _MAX_TERMS) -> DualSeries:
    """Hermite squares of ``act`` at variance ``q`` with relative precision ~2^-prec and tails below
    ``tail_tol`` (absolute, for both sum b_n and sum n b_n beyond N). Cached; a cached series with
    at least this precision and a small enough tail is reused.

    >>> from asympt.kernels.activations import activation
    >>> s = dual_series(activation("tanh"), 1, prec=100, tail_tol=mpmath.mpf(10) ** -20)
    >>> s.N > 50 and s.tail <= mpmath.mpf(10) ** -20
    True
    """
    from .activations import x

    q_key = sympy.nsimplify(q) if not isinstance(q, (mpmath.mpf, float)) else q
    key = (act, str(q_key) if not isinstance(q, mpmath.mpf) else mpmath.nstr(q, 60))
    tail_tol = mpmath.mpf(tail_tol)
    with _LOCK:
        cached = _CACHE.get(key)
    if cached is not None and cached.prec >= prec and cached.tail <= tail_tol and cached.tail_d <= tail_tol:
        return cached
    kind = structured_kind(act.expr)
    tau = act.smoothness.tau if act.smoothness.kind == "strip" else None
    if kind is None and act.smoothness.kind == "geometric":
        tau = 1
    f = sympy.lambdify(x, act.expr, modules="mpmath")
    both = sympy.lambdify(x, [act.expr, sympy.diff(act.expr, x)], modules="mpmath", cse=True)
    qf = float(sympy.N(q, 20)) if not isinstance(q, mpmath.mpf) else float(q)
    if not qf > 0:
        raise InvalidInput(f"pre-activation variance must be positive: {q}")
    _check_growth(f, qf)
    is_zero = _structural_zero_set(kind, act.parity)
    tol_log = float(mpmath.log(tail_tol))
    with mpmath.workprec(64):
        scale = max(1.0, float(abs(f(mpmath.mpf(qf) ** 0.5))) ** 2 + 1)
    # the tail is a difference of O(1) numbers: every b_n needs absolute precision below tail_tol
    work = max(prec, int((math.log(scale) - tol_log) / math.log(2)) + 30)
    work = 64 * math.ceil(work / 64)
    qm_text = q if isinstance(q, mpmath.mpf) else sympy.N(q, work // 3 + 20)
    if kind is None and tau is None:
        tau = _fitted_tau(act, qf)
    N = _estimate_terms(kind, tau, qf, tol_log, scale)
    with mpmath.workprec(work + 20):
        qm = mpmath.mpf(qm_text) if not isinstance(qm_text, mpmath.mpf) else qm_text
        width = 0.9 * float(tau) if tau is not None else 0.4
        if act.smoothness.kind == "entire" or kind == "gelu":
            width = 3.0              # x Phi(x) is entire
        tot_p, tot_d_p = _totals(both, qm, work, width)
    for _attempt in range(6):
        if N > max_terms:
            raise PrecisionLost(f"activation {act.name}: the Hermite series would need about {N} terms (limit "
                                f"{max_terms}) for a tail below {mpmath.nstr(tail_tol, 3)}; ask for fewer "
                                f"digits or a smaller kmax")
        with mpmath.workprec(work + 20):
            if kind is not None:
                a, err = _signed_coefficients(kind, qm, N, work)
            else:
                _check_budget(act, N, work, tau, qf)
                a, err = _general_coefficients(f, qm, N, work, tau)
            a = [mpmath.mpf(0) if is_zero(n) else v for n, v in enumerate(a)]
            err = [mpmath.mpf(0) if is_zero(n) else e for n, e in enumerate(err)]
            b = [v * v for v in a]
            abs_err = [e * (2 * abs(v) + e) for v, e in zip(a, err)]
            tails, tails_d = [], []
            for p in (0, 1):
                idx = range(p, N + 1, 2)
                s0 = mpmath.fsum(b[n] for n in idx)
                s1 = mpmath.fsum(n * b[n] for n in idx)
                e0 = mpmath.fsum(abs_err[n] for n in idx)
                e1 = mpmath.fsum(n * abs_err[n] for n in idx)
                (tot, tot_err), (tot_d, tot_d_err) = tot_p[p], tot_d_p[p]
                if tot - s0 < -(tot_err + e0) * 4 - tail_tol or tot_d - s1 < -(tot_d_err + e1) * 4 - tail_tol:
                    raise PrecisionLost(f"activation {act.name}: Hermite coefficients and E[s^2] disagree "
                                        f"({mpmath.nstr(tot - s0, 3)}); internal accuracy check failed")
                if all(is_zero(n) for n in range(N + 1 + (N + 1 - p) % 2, N + 40, 2)):
                    # the parity's coefficients vanish beyond N by structure (checked on 20 more indices;
                    # the structural sets are all "every n of a parity above a threshold")
                    tails.append(mpmath.mpf(0))
                    tails_d.append(mpmath.mpf(0))
                else:
                    tails.append(max(tot - s0, 0) + tot_err + e0)
                    tails_d.append(max(tot_d - s1, 0) + tot_d_err + e1)
            tail, tail_d = tails[0] + tails[1], tails_d[0] + tails_d[1]
            if tail <= tail_tol and tail_d <= tail_tol:
                rel_b = max([e / v for e, v in zip(abs_err, b) if v != 0] + [mpmath.ldexp(1, -work)])
                series = DualSeries(qm, tuple(+v for v in b), tuple(tails), tuple(tails_d),
                                    tot_p[0][0] + tot_p[1][0], tot_d_p[0][0] + tot_d_p[1][0], work,
                                    +rel_b, kind or "quadrature")
                with _LOCK:
                    _CACHE[key] = series
                    if len(_CACHE) > 64:
                        _CACHE.pop(next(iter(_CACHE)))
                return series
            # grow N from the measured decay of the tail
            N = int(N * 1.5) + 20
    raise PrecisionLost(f"activation {act.name}: Hermite tail did not fall below {mpmath.nstr(tail_tol, 3)}")
