"""Dual maps without a closed form (tanh, GELU, SiLU, sigmoid, softplus, user expressions).

Mehler's formula (theory section 2): with normalised probabilists' Hermite polynomials
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

import math

import mpmath
import sympy

from .hermite import dual_series, hermite_coefficients_np

__all__ = ["hermite_coefficients_np", "network_mp", "network_np", "V_mp_at"]

def _V_np(act, q, rho, which):
    import numpy as np

    b, _ = hermite_coefficients_np(act, float(q), which)
    return np.polynomial.polynomial.polyval(rho, b)


def network_np(net):
    """float64 evaluator u -> k(u) for a network whose activation has no closed-form dual."""
    from .layers import variances
    from .layers import recursion

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
#
# The mpmath evaluator uses the Hermite squares of asympt.kernels.hermite (computed once per
# (activation, variance) to the precision asked, with a bound on the omitted tail) and evaluates each
# layer map by Horner's rule, truncated where the tail bound times |rho|^(N+1) is below the working
# precision. Variances q_l of later layers are recomputed here at the working precision from the same
# Parseval totals (layers.variances keeps 40 digits, too few above ~35-digit kernels).


class _MpNetwork:
    """k(u) of a quadrature-only network at ``prec`` bits: layer series, variances, Horner."""

    def __init__(self, net, prec: int):
        self.net = net
        self.prec = prec
        with mpmath.workprec(prec + 30):
            sw2 = [mpmath.mpf(sympy.N(s, prec // 3 + 30)) ** 2 for s in net.sigma_w]
            sb2 = [mpmath.mpf(sympy.N(s, prec // 3 + 30)) ** 2 for s in net.sigma_b]
            self.sw2, self.sb2 = sw2, sb2
            q = sw2[0] + sb2[0]
            qs, series = [], []
            for l in range(2, net.layers + 1):
                qs.append(q)
                # absolute tail below 2^-(prec + 10) of the layer's output scale
                ser = dual_series(net.activation, q, prec=prec + 20, tail_tol=mpmath.ldexp(1, -prec - 12))
                series.append(ser)
                q = sw2[l - 1] * ser.total + sb2[l - 1]
            self.qs, self.series = qs, series
            self.netm = _mp_net_values(net, sw2, sb2)

    def _horner(self, coeffs, log_tails, rho, derivative=False):
        r = abs(rho)
        n_max = len(coeffs) - 1
        if r < 1:
            # smallest n with tail_n r^(n + 1) below the working precision
            target = -(self.prec + 12) * math.log(2)
            lr = math.log(float(r)) if r > 0 else -1e300
            import numpy as np

            ok = np.nonzero(log_tails + (np.arange(n_max + 1) + 1) * lr <= target)[0]
            if len(ok):
                n_max = max(int(ok[0]), 1)
        acc = mpmath.mpf(0)
        if derivative:
            for n in range(n_max, 0, -1):
                acc = acc * rho + n * coeffs[n]
        else:
            for n in range(n_max, -1, -1):
                acc = acc * rho + coeffs[n]
        return acc

    def __call__(self, uu):
        from .layers import recursion

        with mpmath.workprec(self.prec + 20):
            uu = mpmath.mpf(uu)
            def V(l, q, c):
                ser = self.series[l - 2]
                return self._horner(ser.b, ser.log_tails(), c / self.qs[l - 2])

            def Vd(l, q, c):
                ser = self.series[l - 2]
                return self._horner(ser.b, ser.log_tails(), c / self.qs[l - 2], derivative=True) / self.qs[l - 2]

            s1 = self.sw2[0] * uu + self.sb2[0]
            _, theta = recursion(self.netm, s1, V, Vd, self.qs)
        return +theta


_MP_NETWORKS: dict = {}


def network_mp(net):
    """mpmath evaluator for a quadrature-only network kernel (precision = caller's mp.dps)."""

    def fn(uu):
        prec = 32 * math.ceil((mpmath.mp.prec + 8) / 32)
        key = (net, prec)
        ev = _MP_NETWORKS.get(key)
        if ev is None:
            # a cached evaluator at higher precision serves too
            better = [k for k in _MP_NETWORKS if k[0] == net and k[1] >= prec]
            ev = _MP_NETWORKS[min(better, key=lambda k: k[1])] if better else None
            if ev is None:
                ev = _MP_NETWORKS[key] = _MpNetwork(net, prec)
                if len(_MP_NETWORKS) > 32:
                    _MP_NETWORKS.pop(next(iter(_MP_NETWORKS)))
        return ev(uu)

    return fn


def V_mp_at(act, q, c, digits=30, which="V"):
    """mpmath value of V(q, c) (or Vd) for a quadrature-only activation (Mehler series at ``digits`` digits)."""
    with mpmath.workdps(digits + 10):
        qm = mpmath.mpf(str(q)) if not isinstance(q, mpmath.mpf) else q
        cm = mpmath.mpf(str(c)) if not isinstance(c, mpmath.mpf) else c
        ser = dual_series(act, qm, prec=mpmath.mp.prec, tail_tol=mpmath.mpf(10) ** (-digits - 5))
        rho = cm / qm
        if which == "V":
            return mpmath.polyval(list(ser.b)[::-1], rho)
        return mpmath.polyval([n * v for n, v in enumerate(ser.b)][:0:-1], rho) / qm


def _mp_net_values(net, sw2, sb2):
    """The network with mpmath scales (sigma = sqrt of the given squares)."""
    from dataclasses import replace

    return replace(net, sigma_w=tuple(mpmath.sqrt(v) for v in sw2), sigma_b=tuple(mpmath.sqrt(v) for v in sb2))
