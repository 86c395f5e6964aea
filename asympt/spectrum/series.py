"""Funk-Hecke eigenvalues of kernels given by a power series with non-negative coefficients.

For k(u) = sum_n B_n u^n (every network kernel has B_n >= 0: Mehler's formula makes each layer map a
series in rho with coefficients a_n(q)^2, theory section 2), theory section 5 item 4 gives

    mu_k = sum_(n >= k, n - k even) B_n m_(k,n),   m_(k,n) = mu_k[u^n] = n! Gamma(d/2) / (2^n ((n-k)/2)! Gamma((n+k+d)/2)),

a sum of positive terms: no cancellation at all, so the working precision is the requested digits
plus a few guard bits whatever the size of mu_k (the quadrature in theta of :mod:`.highprec` needs
digits + log10(integrand / mu_k), theory section 9.1, which for a smooth kernel grows without bound).
The m_(k,n) follow from m_(k,k) = k! Gamma(d/2) / (2^k Gamma(k + d/2)) (recurrence in k:
m_(k+1,k+1) = m_(k,k) (k+1)/(2k+d)) and the exact ratio m_(k,n+2)/m_(k,n) = (n+2)(n+1)/((n-k+2)(n+k+d)),
all rational, so d = 10^5 costs the same as d = 3 (no Gamma function of a large argument).

Error bound of every mu_k:
* truncation: the series is known for n <= N with sum_(n > N) |B_n| <= T (Parseval tails of the layer
  maps, :mod:`.hermite`); m_(k,n) is unimodal in n (the ratio above is >= 1 iff
  n (d - 1) <= (k - 2)(k + d) + 2), so the omitted part is at most T max_(n > N) m_(k,n), computed exactly
  from the mode. N grows until this is below 10^-digits mu_k / 10 for every k (mu_k is first computed
  with a smaller N: a lower bound, since every term is positive).
* rounding: fixed-point sums with prec + 40 bits per term; relative error <= the coefficients' own
  relative error + N 2^-(prec + 30).

Applies to 2-layer networks whose activation has no closed-form dual (tanh, sigmoid, softplus, GELU,
SiLU, expressions), with or without a first-layer bias (the composition with rho = (s_w^2 u + s_b^2)/q
is a Taylor shift, O(N^2), in fixed point); deeper networks go to :mod:`.highprec`.

Cost (tests/benchmarks/bench_smooth.py, d = 10, kmax = 200, 30 digits, cold caches, wall time on a loaded
2-core machine): tanh NTK 5.0 s (3336 Hermite terms, smallest mu_k 3e-54), sigmoid 4.8 s, softplus 5.5 s,
SiLU 6.6 s, GELU 17 s (the Parseval totals need erf at ~570 bits), tanh with bias 64 s before the
big-integer Taylor shift (see :func:`_shift`); the closed-form ReLU NTK at the same settings takes 1.2 s. Limits: at most 8000 Hermite terms,
i.e. roughly digits + log10(1 / mu_kmax) <= 120 for tanh (PrecisionLost, fast, beyond).
"""

from __future__ import annotations

import math

import mpmath

from asympt.core.errors import PrecisionLost

__all__ = ["PowerSeries", "eigenvalues", "kernel_series", "applicable"]

_MAX_ROUNDS = 8
_MAX_TERMS = 8000         # Hermite terms (about 10 s of one core at 100 digits); beyond: PrecisionLost


class PowerSeries:
    """sum_(n <= N) c_n u^n + R where the omitted coefficients of parity p have |.|-sum <= ``tails[p]``;
    ``rel`` bounds the relative error of every stored coefficient. Arithmetic for
    :func:`asympt.kernels.layers.recursion` (sums, products with constants and with short series)."""

    def __init__(self, coeffs, tails, rel):
        self.c = list(coeffs)
        self.tails = [mpmath.mpf(tails[0]), mpmath.mpf(tails[1])]
        self.rel = rel

    @property
    def tail(self):
        return self.tails[0] + self.tails[1]

    def _lift(self, other):
        if isinstance(other, PowerSeries):
            return other
        return PowerSeries([mpmath.mpf(other)], (0, 0), mpmath.mpf(0))

    def __add__(self, other):
        o = self._lift(other)
        n = max(len(self.c), len(o.c))
        a = self.c + [mpmath.mpf(0)] * (n - len(self.c))
        b = o.c + [mpmath.mpf(0)] * (n - len(o.c))
        return PowerSeries([x + y for x, y in zip(a, b)], [s + t for s, t in zip(self.tails, o.tails)],
                           max(self.rel, o.rel))

    __radd__ = __add__

    def __sub__(self, other):
        return self + (-1) * self._lift(other)

    def _l1(self):
        return [mpmath.fsum(abs(x) for x in self.c[p::2]) for p in (0, 1)]

    def __mul__(self, other):
        if not isinstance(other, PowerSeries):
            v = mpmath.mpf(other)
            return PowerSeries([v * x for x in self.c], [abs(v) * t for t in self.tails], self.rel)
        a, b = (self, other) if len(self.c) >= len(other.c) else (other, self)
        n = len(a.c)
        out = [mpmath.mpf(0)] * n
        dropped = [mpmath.mpf(0), mpmath.mpf(0)]
        for j, bj in enumerate(b.c):                 # b is short (a linear factor) in 2-layer networks
            if bj == 0:
                continue
            for i in range(n - j):
                out[i + j] += a.c[i] * bj
            for i in range(n - j, n):
                dropped[(i + j) % 2] += abs(a.c[i] * bj)
        la, lb = a._l1(), b._l1()
        tails = [dropped[r] + mpmath.fsum(la[p] * b.tails[(r - p) % 2] + lb[p] * a.tails[(r - p) % 2]
                                          + a.tails[p] * b.tails[(r - p) % 2] for p in (0, 1))
                 for r in (0, 1)]
        return PowerSeries(out, tails, a.rel + b.rel + mpmath.ldexp(1, -mpmath.mp.prec + 4))

    __rmul__ = __mul__


def applicable(kernel) -> bool:
    """2-layer networks whose dual maps have no closed form."""
    return kernel.expr is None and kernel.network.layers == 2


def _poly_mul_fixed(a: list, b: list, bits: int) -> list:
    """Coefficients of a(u) b(u) for non-negative fixed-point coefficient lists (unit 2^-bits), each
    rounded down once. Long products pack every coefficient into one slot of a single integer
    (Kronecker substitution), so the work is one big-integer multiplication."""
    n = len(a) + len(b) - 1
    if min(len(a), len(b)) < 24:
        out = [0] * n
        for i, x in enumerate(a):
            if x:
                for j, y in enumerate(b):
                    out[i + j] += x * y
        return [v >> bits for v in out]
    top = max(max(a), max(b)).bit_length()
    slot = (2 * top + min(len(a), len(b)).bit_length() + 8) // 8       # bytes: no carry between slots
    pack = lambda c: int.from_bytes(b"".join(x.to_bytes(slot, "little") for x in c), "little")  # noqa: E731
    raw = (pack(a) * pack(b)).to_bytes(slot * (n + 1), "little")
    return [int.from_bytes(raw[i * slot:(i + 1) * slot], "little") >> bits for i in range(n)]


def _shift_fixed(bf: list, A: int, B: int, bits: int) -> list:
    """sum_m bf[m] (A u + B)^m in fixed point (unit 2^-bits; A, B >= 0 with A + B <= 1), divide and conquer.

    S(lo, hi) = S(lo, mid) + P^(mid - lo) S(mid, hi), P = A u + B, with P^(2^j) by repeated squaring.
    Every coefficient of P^m is at most 1 and every product is rounded down once, so the absolute error
    of each output coefficient is below (2 N log2 N) units (N = len(bf); each level adds at most one
    unit plus the errors of its factors, weighted by coefficient sums <= max(1, sum bf)).
    """
    n = len(bf)
    powers = [[B, A]]
    while (1 << len(powers)) < n:
        powers.append(_poly_mul_fixed(powers[-1], powers[-1], bits))

    def rec(lo, hi, level):
        if hi - lo == 1:
            return [bf[lo]]
        mid = min(lo + (1 << (level - 1)), hi)
        left = rec(lo, mid, level - 1)
        if mid >= hi:
            return left
        out = _poly_mul_fixed(powers[level - 1], rec(mid, hi, level - 1), bits)
        for i, v in enumerate(left):
            out[i] += v
        return out

    return rec(0, n, max(1, (n - 1).bit_length()))


def _shift(b, alpha, beta, prec):
    """Coefficients of sum_n b_n (alpha u + beta)^n in u (alpha, beta >= 0, alpha + beta = 1), fixed point.

    Divide and conquer with one big-integer product per node (:func:`_shift_fixed`): O(N^1.6) digit
    operations instead of the O(N^2) rows of binomial weights (a 6861-term tanh series with bias: 21 s -> ~5 s).
    The absolute fixed point carries prec + 40 bits below the smallest coefficient plus 2 log2 N guard bits
    for the rounding of the products (below 2 N log2 N units, see :func:`_shift_fixed`).
    """
    n = len(b)
    if beta == 0:
        return [v * alpha**i for i, v in enumerate(b)]
    smallest = min([abs(v) for v in b if v != 0] + [mpmath.mpf(1)])
    bits = prec + 40 + max(0, int(-mpmath.log(smallest, 2))) + 2 * n.bit_length() + 8
    A = mpmath.libmp.to_fixed(mpmath.mpf(alpha)._mpf_, bits)
    B = mpmath.libmp.to_fixed(mpmath.mpf(beta)._mpf_, bits)
    bf = [mpmath.libmp.to_fixed(mpmath.mpf(v)._mpf_, bits) for v in b]
    return [mpmath.ldexp(mpmath.mpf(int(v)), -bits) for v in _shift_fixed(bf, A, B, bits)]


def kernel_series(kernel, prec: int, tail_tol) -> PowerSeries:
    """k(u) = sum B_n u^n of a 2-layer network (see :func:`applicable`) with sum_(n > N) |B_n| <= ~tail_tol."""
    import sympy

    from asympt.kernels.layers import recursion
    from asympt.kernels.hermite import dual_series

    net = kernel.network
    with mpmath.workprec(prec + 30):
        conv = lambda s: mpmath.mpf(sympy.N(s, prec // 3 + 30))  # noqa: E731
        sw2 = [conv(s) ** 2 for s in net.sigma_w]
        sb2 = [conv(s) ** 2 for s in net.sigma_b]
        q = sw2[0] + sb2[0]
        scale = max(mpmath.mpf(1), sw2[1] * (1 + q))
        ser = dual_series(net.activation, q, prec=prec + 20, tail_tol=mpmath.mpf(tail_tol) / (4 * scale),
                          max_terms=_MAX_TERMS)
        alpha, beta = sw2[0] / q, sb2[0] / q
        b = list(ser.b)
        bd = [n * v / q for n, v in enumerate(b)][1:]          # Vd(q, c) = sum n a_n^2 rho^(n-1) / q
        if beta == 0:
            tails, tails_d = ser.tails, [ser.tails_d[1] / q, ser.tails_d[0] / q]   # rho^(n-1): parity flips
        else:
            # (alpha u + beta)^n spreads over both parities: |.|-sums <= (alpha + beta)^n = 1
            tails, tails_d = [ser.tail] * 2, [ser.tail_d / q] * 2
        shifted = _shift(b, alpha, beta, prec)
        V = PowerSeries(shifted, tails, 2 * ser.rel_error)
        if beta == 0:
            Vd = PowerSeries(_shift(bd, alpha, beta, prec), tails_d, 2 * ser.rel_error)
        else:
            # Price: Vd(q, c) = dV/dc, and c = sw^2 u + sb^2, so the u-series of Vd is that of V
            # differentiated in u and divided by sw^2 = alpha q (one Taylor shift instead of two)
            Vd = PowerSeries([(j + 1) * shifted[j + 1] / (alpha * q) for j in range(len(shifted) - 1)], tails_d,
                             2 * ser.rel_error)
        s1 = PowerSeries([sb2[0], sw2[0]], (0, 0), mpmath.mpf(0))
        netm = _mp_scales(net, sw2, sb2)
        _, theta = recursion(netm, s1, lambda l, qq, c: V, lambda l, qq, c: Vd, [q])
        return theta


def _mp_scales(net, sw2, sb2):
    from dataclasses import replace

    return replace(net, sigma_w=tuple(mpmath.sqrt(v) for v in sw2), sigma_b=tuple(mpmath.sqrt(v) for v in sb2))


def _log_m(k: int, n: int, d: int) -> float:
    """log m_(k,n) in float64 (for the truncation bound only)."""
    return (math.lgamma(n + 1) + math.lgamma(d / 2) - n * math.log(2) - math.lgamma((n - k) / 2 + 1)
            - math.lgamma((n + k + d) / 2))


def _sup_beyond(k: int, N: int, d: int) -> float:
    """max over n > N, n = k mod 2, of m_(k,n) (float, 1 % margin)."""
    n0 = N + 1 if (N + 1 - k) % 2 == 0 else N + 2
    n0 = max(n0, k)
    mode = ((k - 2) * (k + d) + 2) / (d - 1)
    cands = [n0]
    if mode > n0:
        m = int(mode)
        cands += [m - (m - k) % 2, m - (m - k) % 2 + 2]
    return max(math.exp(_log_m(k, n, d)) for n in cands if n >= n0) * 1.01


def _sums(B, dim: int, kmax: int, prec: int):
    """mu_k = sum B_n m_(k,n) for k <= kmax (fixed point) and sum |B_n| m_(k,n) (for the rounding bound)."""
    N = len(B) - 1
    W = prec + 64 + int(dim / 2 * math.log2(N + 2)) + 8
    smallest = min([abs(v) for v in B if v != 0] + [mpmath.mpf(1)])
    WB = prec + 40 + max(0, int(-mpmath.log(smallest, 2)))
    Bf = [mpmath.libmp.to_fixed(mpmath.mpf(v)._mpf_, WB) for v in B]
    Babs = [abs(v) for v in Bf]
    one = 1 << W
    out, absout = [], []
    mkk = mpmath.mpf(1)
    for k in range(kmax + 1):
        if k:
            mkk = mkk * k / (2 * (k - 1) + dim)
        M, acc, acc_abs = one, 0, 0
        d = dim
        for n in range(k, N + 1, 2):
            acc += Bf[n] * M
            acc_abs += Babs[n] * M
            M = M * ((n + 2) * (n + 1)) // ((n - k + 2) * (n + k + d))
        scale = mkk * mpmath.ldexp(1, -W - WB)
        out.append(acc * scale)
        absout.append(acc_abs * scale)
    return out, absout


def eigenvalues(kernel, dim: int, kmax: int, *, digits: int = 30, structural_zero=None):
    """mu_0..mu_kmax of a 2-layer quadrature-only network kernel (see the module docstring).

    ``structural_zero(k)`` marks degrees exempt from the digits requirement (exact zeros).
    Returns a :class:`~asympt.spectrum.result.TierResult` (tier ``"mpmath"``). Raises PrecisionLost if the
    Hermite tail cannot be made small enough.
    """
    prec = int(digits * 3.33) + 24
    zero = structural_zero or (lambda k: False)
    tol = mpmath.mpf(10) ** (-digits - 6)
    for _round in range(_MAX_ROUNDS):
        with mpmath.workprec(prec + 40):
            series = kernel_series(kernel, prec, tol)
            B = series.c
            mu, mu_abs = _sums(B, dim, kmax, prec)
            N = len(B) - 1
            errs, need = [], []
            tiny = mpmath.ldexp(1, -prec - 30)
            for k in range(kmax + 1):
                trunc = series.tails[k % 2] * mpmath.mpf(_sup_beyond(k, N, dim))
                rnd = (series.rel + (N + 2) * tiny) * mu_abs[k]
                errs.append(trunc + rnd)
                if not zero(k) and trunc > mpmath.mpf(10) ** (-digits - 1) * abs(mu[k]):
                    if mu[k] == 0:          # degree beyond the series: no magnitude known yet
                        need.append(tol * mpmath.mpf(10) ** -25)
                    else:
                        need.append(mpmath.mpf(10) ** (-digits - 2) * abs(mu[k]) / mpmath.mpf(_sup_beyond(k, N, dim)))
            if not need:
                from .result import TierResult

                return TierResult("mpmath", tuple(+m for m in mu), tuple(+e for e in errs))
            new_tol = min(need)
            if new_tol <= 0:
                break
            tol = min(tol / 1e6, new_tol)
    raise PrecisionLost(f"series spectrum: the Hermite tail could not be made small enough for {digits} digits "
                        f"up to k = {kmax} (d = {dim})")
