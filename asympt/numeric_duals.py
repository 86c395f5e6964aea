"""Dual maps without a closed form (tanh, GELU, SiLU, sigmoid, softplus, user expressions).

Mehler's formula (THEORY section 2): with normalised probabilists' Hermite polynomials
h_n = He_n / sqrt(n!) and a_n(q) = E[s(sqrt(q) z) h_n(z)], z ~ N(0, 1),

    V(q, c) = sum_n a_n(q)^2 rho^n,        rho = c / q,

and the derivative map uses the coefficients of s'. The a_n are computed once per (q, map)
by a single quadrature rule for all n at once (recurrence h_(n+1) = (z h_n - sqrt(n) h_(n-1)) /
sqrt(n+1), stable); the kernel is then a polynomial in rho, evaluated by Horner's rule, which
makes large Gram matrices cheap. The series is truncated where the remaining a_n^2 are below
the target accuracy (their sum bounds the truncation error for |rho| <= 1), and the truncation
point is capped: activations whose coefficients decay too slowly raise PrecisionLost.

float64: Gauss-Hermite rule with 400 nodes. mpmath: tanh-sinh nodes on (-inf, inf) at the
caller's precision plus guard digits.
"""

from __future__ import annotations

from functools import lru_cache

import sympy

from .activations import Activation, x
from .errors import PrecisionLost

__all__ = ["hermite_coefficients_np", "network_mp", "network_np", "V_mp_at"]

_NMAX = 400


@lru_cache(maxsize=64)
def _np_func(expr):
    import scipy.special as sc

    return sympy.lambdify(x, expr, modules=[{"erf": sc.erf}, "numpy"])


@lru_cache(maxsize=16)
def _gh_rule(n):
    import numpy as np

    nodes, weights = np.polynomial.hermite_e.hermegauss(n)
    return nodes, weights / np.sqrt(2 * np.pi)


@lru_cache(maxsize=256)
def hermite_coefficients_np(act: Activation, q: float, which: str = "V"):
    """float64 squared Hermite coefficients b_n = a_n(q)^2 (n = 0..N) and a tail bound."""
    import numpy as np

    expr = act.expr if which == "V" else sympy.diff(act.expr, x)
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


def _V_np(act, q, rho, which):
    import numpy as np

    b, _ = hermite_coefficients_np(act, float(q), which)
    return np.polynomial.polynomial.polyval(rho, b)


def network_np(net):
    """float64 evaluator u -> k(u) for a network whose activation has no closed-form dual."""
    from .kernel import variances
    from .networks import recursion

    qs = [float(q) for q in variances(net)]
    sw2 = [float(s) ** 2 for s in net.sigma_w]

    def V(l, q, c):
        return _V_np(net.activation, q, c / q, "V")

    def Vd(l, q, c):
        return _V_np(net.activation, q, c / q, "Vd")

    net_f = _float_net(net)

    def fn(uu):
        import numpy as np

        s1 = sw2[0] * np.asarray(uu, dtype=float) + float(net.sigma_b[0]) ** 2
        _, theta = recursion(net_f, s1, V, Vd, qs)
        return theta

    return fn


def _float_net(net):
    """The same network with float scales (so the recursion runs in plain float arithmetic)."""
    from dataclasses import replace

    return replace(net, sigma_w=tuple(float(s) for s in net.sigma_w), sigma_b=tuple(float(s) for s in net.sigma_b))


# ---- mpmath ----------------------------------------------------------------------------------


def _mp_coefficients(act, q, which, dps):
    import mpmath

    return _mp_coefficients_cached(act, str(q), which, dps)


@lru_cache(maxsize=64)
def _mp_coefficients_cached(act, q_str, which, dps):
    import mpmath

    expr = act.expr if which == "V" else sympy.diff(act.expr, x)
    with mpmath.workdps(dps + 15):
        f = sympy.lambdify(x, expr, modules="mpmath")
        q = mpmath.mpf(q_str)
        sq = mpmath.sqrt(q)
        # trapezoid rule on R: exponentially accurate for integrands analytic in a strip
        # |Im z| < d (error ~ exp(-2 pi d / h)); the Gaussian weight makes [-L, L] enough.
        tau = act.smoothness.tau
        d = min(float(tau) / float(sq), 2.0) * 0.9 if tau is not None else 0.5
        digits = dps + 15
        h = mpmath.mpf(2 * mpmath.pi * d / (digits * mpmath.log(10)))
        L = 2 * mpmath.sqrt(digits * mpmath.log(10)) + 2
        m = int(L / h) + 1
        norm = h / mpmath.sqrt(2 * mpmath.pi)
        zs = [h * j for j in range(-m, m + 1)]
        ws = [norm * mpmath.exp(-z * z / 2) for z in zs]
        fw = [w * f(sq * z) for z, w in zip(zs, ws)]
        total = mpmath.fsum(fwi * f(sq * z) for fwi, z in zip(fw, zs))
        h_prev = [mpmath.mpf(0)] * len(zs)
        h = [mpmath.mpf(1)] * len(zs)
        b = []
        acc = mpmath.mpf(0)
        eps = mpmath.mpf(10) ** (-dps - 3)
        for n in range(4 * _NMAX):
            an = mpmath.fdot(fw, h)
            b.append(an * an)
            acc += an * an
            if n > 8 and total - acc <= eps * abs(total):
                break
            sn, sn1 = mpmath.sqrt(n), mpmath.sqrt(n + 1)
            h, h_prev = [(z * hi - sn * hp) / sn1 for z, hi, hp in zip(zs, h, h_prev)], h
        else:
            raise PrecisionLost(f"activation {act.name}: Hermite series too slow for {dps} digits")
        return b


def V_mp_at(act, q, c, dps=30, which="V"):
    """mpmath value of V(q, c) (or Vd) for a quadrature-only activation."""
    import mpmath

    b = _mp_coefficients(act, q, which, dps)
    with mpmath.workdps(dps + 10):
        rho = mpmath.mpf(str(c)) / mpmath.mpf(str(q)) if not isinstance(c, mpmath.mpf) else c / mpmath.mpf(str(q))
        return mpmath.polyval(b[::-1], rho)


def network_mp(net):
    """mpmath evaluator for a quadrature-only network kernel (precision = caller's mp.dps)."""
    import mpmath

    from .kernel import variances
    from .networks import recursion

    def fn(uu):
        dps = mpmath.mp.dps
        qs = [mpmath.mpf(str(sympy.N(q, dps + 10))) for q in variances(net)]

        def V(l, q, c):
            b = _mp_coefficients(net.activation, sympy.Float(q, dps + 10), "V", dps)
            return mpmath.polyval(b[::-1], c / q)

        def Vd(l, q, c):
            b = _mp_coefficients(net.activation, sympy.Float(q, dps + 10), "Vd", dps)
            return mpmath.polyval(b[::-1], c / q)

        netm = _mp_net(net, dps)
        s1 = netm.sigma_w[0] ** 2 * uu + netm.sigma_b[0] ** 2
        _, theta = recursion(netm, s1, V, Vd, qs)
        return theta

    return fn


def _mp_net(net, dps):
    import mpmath
    from dataclasses import replace

    conv = lambda s: mpmath.mpf(str(sympy.N(s, dps + 10)))  # noqa: E731
    return replace(net, sigma_w=tuple(conv(s) for s in net.sigma_w), sigma_b=tuple(conv(s) for s in net.sigma_b))
