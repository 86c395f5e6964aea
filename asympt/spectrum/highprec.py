"""Funk-Hecke eigenvalues mu_0..mu_kmax at high precision, each with a measured error bound.

(Over 500 lines on purpose: one algorithm, whose node rules, singular subtraction and rule comparison
share their precision bookkeeping.)

    mu_k = c_d int_0^pi k(cos th) P_k(cos th) sin^(d-2) th dth          (Funk-Hecke, see asympt.core.sphere)

Method (theory section 9.2):

* Gauss-Legendre quadrature in theta on [0, pi]. Arc-cosine kernels (with bias, any depth) are
  analytic in theta, so the rule converges geometrically; n = kmax + 80 nodes is the starting rule
  (more above 60 digits). The pairs th, pi - th share P_k(cos(pi - th)) = (-1)^k P_k(cos th), so the
  Gegenbauer recurrence runs over half of the nodes: mu_k = sum_j P_k(t_j) W_j^(k mod 2),
  t_j = cos th_j > 0, W^(0/1) = c_d (pi/2) w_j sin^(d-2) th_j (k(t_j) +- k(-t_j)).
* The kernel is evaluated once per node pair with ``kernel.mp`` at u = +-cos th and the guard-digit
  rule of ``kernel.mp_theta`` (2 log10(1/th) + 5 digits; 1 - u ~ th^2/2): see :func:`_kernel_pair`.
* The recurrence (k + d - 2) P_(k+1) = (2k + d - 2) t P_k - k P_(k-1) and the weighted sums run in
  fixed-point arithmetic on Python integers (F fractional bits), vectorized over the nodes with numpy
  object arrays: about 10 times faster than mpf arithmetic (measured: 0.03 s against 0.33 s for 140
  nodes and 200 degrees at 233 bits). Fixed point errs by ~ 2^-F (sum |W| + n) in absolute terms, so F
  covers the cancellation of theory section 9.1 (digits + log10(integrand / |mu_k|) + guard), with
  |mu_k| first guessed from the exact coefficient of (1 - u)^(3/2) (alpha = d + 2), then measured.
* Nodes and weights: python-flint's ``arb.legendre_p_root`` when python-flint is installed
  (rigorous balls; Johansson & Mezzarobba 2018, "Fast and rigorous arbitrary-precision computation
  of Gauss-Legendre quadrature nodes and weights"), otherwise one fixed-point refinement pass of the
  float64 nodes of :func:`asympt.spectrum.float64.gauss_legendre_half` (recurrence for P_n and P_n',
  higher Taylor coefficients from the Legendre equation, Newton on the Taylor polynomial). Measured
  at n = 1080, 257 bits: flint 0.13 s, python 0.37 s (both agree to 2^-247). Rules are cached per
  number of nodes and generated at the caller's precision, never at mpmath's default 15 digits
  (theory section 9.3).
* Error bound: a second rule with more nodes (n + max(40, n/4)) and 40 more bits, whose values are
  returned, and abs_error = 2 |difference| + the second rule's own fixed-point rounding bound. This
  catches rounding and cancellation and, for integrands converging geometrically or like n^-p with
  p > 3, the quadrature truncation. If a degree misses the requested digits, the precision
  (rounding-limited) or the node count (truncation-limited) is raised and the next rule is compared
  with the previous one, at most five comparisons; then PrecisionLost. When truncation dominates and
  the kernel has singular terms that are not analytic in theta ((1 -+ u)^nu with 2 nu not a
  non-negative integer, or log terms), they are subtracted before the quadrature and their exact
  coefficients (theory section 5 items 1-3) added back (theory section 9.5).
* Degrees whose parity part of the kernel is a polynomial of lower degree (``kernel.polynomial_degree``)
  have mu_k = 0 exactly; they are computed like the others (a value ~ 0 whose bound covers 0) but are
  exempt from the digits requirement.

Cost (one core, mpmath 1.3 without gmpy2, d = 10, 30 digits, nodes cached; tests/benchmarks): 2-layer
ReLU NTK with bias kmax = 100: 0.08 s, 200: 0.15-0.2 s, 400: 0.4 s, 1000: 1.2-2.1 s (two rules, 1080 and
1350 nodes at 233 and 273 bits; per rule ~0.6 s of recurrence sums, ~0.2 s of kernel and trigonometric
values, and ~0.1-0.2 s of nodes when not cached). The sums grow like kmax^2, the rest like kmax;
60 digits cost about 1.2 times as much as 30. The 3-layer ReLU NTK costs the same.

Entry point: :func:`eigenvalues` -> :class:`~asympt.spectrum.result.TierResult`.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass

import mpmath
import numpy as np

from asympt.core.errors import InvalidInput, PrecisionLost, check_int
from asympt.core.precision import Approx
from asympt.core.sphere import funk_hecke_constant_mp

__all__ = ["eigenvalues", "gauss_legendre_fixed"]

_MAX_ATTEMPTS = 5
_MAX_BITS = 16_000            # ~ 4800 digits
_MAX_NODES = 40_000
_CHECK_BITS = 40              # the check rule carries 40 more bits (~ 12 digits)
_GUARD_DIGITS = 3
_SAFETY = 2                   # abs_error = 2 |difference| + rounding bound
_TRACE = None                 # a list to record (nodes, bits, subtracted) of every rule (tests, benchmarks)

try:  # optional accelerator for the nodes; see gauss_legendre_fixed
    import flint as _flint
except ImportError:  # pragma: no cover - depends on the environment
    _flint = None


# ----------------------------------------------------------------------------------------------
# Gauss-Legendre nodes in fixed point
# ----------------------------------------------------------------------------------------------

_NODE_CACHE: OrderedDict = OrderedDict()      # (n, method) -> (bits, Y, W): Y = 1 + x_j, W = w_j, scale 2^bits
_NODE_CACHE_SIZE = 8


def _float_to_fixed(values, bits: int) -> list[int]:
    out = []
    for v in values:
        man, ex = math.frexp(float(v))
        mi, e = int(man * (1 << 53)), ex - 53 + bits
        out.append(mi << e if e >= 0 else mi >> -e)
    return out


def _nodes_flint(n: int, bits: int):
    """Half rule from arb (Johansson & Mezzarobba 2018): root i = 0 is the largest, 1 - x_i = y."""
    old = _flint.ctx.prec
    try:
        _flint.ctx.prec = bits + 32
        ys, ws = [], []
        for i in range(n // 2):
            x, w = _flint.arb.legendre_p_root(n, i, weight=True)
            for val, out in ((1 - x, ys), (w, ws)):
                man, ex = val.mid().man_exp()
                man, ex = int(man), int(ex) + bits
                out.append(man << ex if ex >= 0 else man >> -ex)
        return ys, ws
    finally:
        _flint.ctx.prec = old


def _nodes_python(n: int, bits: int):
    """One fixed-point refinement pass of the float64 half rule (see the module docstring)."""
    from .float64 import gauss_legendre_half

    y0, _ = gauss_legendre_half(n)
    one = 1 << bits
    Y = np.array(_float_to_fixed(y0, bits), dtype=object)
    X = Y - one
    p0, p1 = np.full(len(Y), one, dtype=object), X.copy()
    for k in range(1, n):
        p0, p1 = p1, ((2 * k + 1) * ((X * p1) >> bits) - k * p0) // (k + 1)
    S = (Y * (2 * one - Y)) >> bits                              # 1 - x^2
    coef = [p1, (n * ((p0 - ((X * p1) >> bits)) << bits)) // S]   # P_n, P_n' = n (P_(n-1) - x P_n)/(1 - x^2)
    # the float nodes are within ~2e-16 of the roots: each Taylor term gains log2(y_1 / 4e-16) bits
    gain = max(8.0, math.log2(float(y0[0]) / 4e-16))
    terms = int(math.ceil(bits / gain)) + 2
    big_n = n * (n + 1)
    for j in range(terms - 1):
        num = 2 * (j + 1) ** 2 * ((X * coef[j + 1]) >> bits) - (big_n - j * (j + 1)) * coef[j]
        coef.append((num << bits) // (S * ((j + 1) * (j + 2))))

    def horner(delta, with_value=True):
        der = terms * coef[terms]
        for j in range(terms - 1, 0, -1):
            der = ((der * delta) >> bits) + j * coef[j]
        if not with_value:
            return None, der
        val = coef[terms]
        for j in range(terms - 1, -1, -1):
            val = ((val * delta) >> bits) + coef[j]
        return val, der

    delta = -(coef[0] << bits) // coef[1]
    for _ in range(int(math.ceil(math.log2(bits / gain))) + 2):
        val, der = horner(delta)
        delta = delta - (val << bits) // der
    _, der = horner(delta, with_value=False)
    Y = Y + delta
    ws = []
    with mpmath.workprec(bits + 20):
        for y, dp in zip(Y, der):
            yv = mpmath.ldexp(mpmath.mpf(int(y)), -bits)
            pv = mpmath.ldexp(mpmath.mpf(int(dp)), -bits)
            ws.append(mpmath.libmp.to_fixed((2 / (yv * (2 - yv) * pv * pv))._mpf_, bits))
    return [int(y) for y in Y], ws


def gauss_legendre_fixed(n: int, bits: int, *, method: str = "auto"):
    """Half of the n-point Gauss-Legendre rule (n even) in fixed point with ``bits`` fractional bits.

    Returns (Y, W): Python integers with Y_j / 2^bits = 1 + x_j for the roots x_j < 0 of P_n and
    W_j / 2^bits their weights (the other half is x -> -x, same weights). ``method`` is "flint"
    (python-flint's arb, if installed), "python" (fixed-point refinement of the float64 rule) or "auto"
    (flint when available). Cached per n (up to eight rules); a cached rule at higher precision is
    shifted down. Accuracy: about 2^-(bits - 8) absolute for the python method.

    >>> Y, W = gauss_legendre_fixed(2, 100)
    >>> with mpmath.workdps(30):                                  # P_2 roots +-1/sqrt(3), weights 1
    ...     print(mpmath.ldexp(Y[0], -100) - (1 - 1 / mpmath.sqrt(3)) < mpmath.mpf(2) ** -90, W[0] >> 90)
    True 1024
    """
    n = check_int("n", n, minimum=2, maximum=_MAX_NODES)
    bits = check_int("bits", bits, minimum=16, maximum=_MAX_BITS + 200)
    if n % 2:
        raise InvalidInput(f"n must be even (the half rule pairs x and -x): {n!r}")
    if method not in ("auto", "flint", "python"):
        raise InvalidInput(f"method must be 'auto', 'flint' or 'python': {method!r}")
    if method == "flint" and _flint is None:
        raise InvalidInput("method='flint' needs python-flint (pip install python-flint)")
    key = (n, method)
    hit = _NODE_CACHE.get(key)
    if hit is not None and hit[0] >= bits:
        _NODE_CACHE.move_to_end(key)
        shift = hit[0] - bits
        return [y >> shift for y in hit[1]], [w >> shift for w in hit[2]]
    use_flint = method == "flint" or (method == "auto" and _flint is not None)
    work = bits + 2 * n.bit_length() + 16    # 1 - x^2 ~ 1/n^2 near the ends costs ~ 2 log2 n bits
    Y, W = _nodes_flint(n, work) if use_flint else _nodes_python(n, work)
    _NODE_CACHE[key] = (work, Y, W)
    while len(_NODE_CACHE) > _NODE_CACHE_SIZE:
        _NODE_CACHE.popitem(last=False)
    shift = work - bits
    return [y >> shift for y in Y], [w >> shift for w in W]


# ----------------------------------------------------------------------------------------------
# Singular terms subtracted before quadrature (theory sections 5 and 9.5)
# ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Term:
    """coeff (1 - side u)^exponent log(1 - side u)^log_power; side = +1 (at u = 1) or -1 (at u = -1)."""

    side: int
    coeff: object
    exponent: object    # sympy Rational or number (the singular exponent gamma, not the eigen-index nu)
    log_power: int


def _power_coefficients(nu, log_power: int, dim: int, kmax: int) -> list:
    """mu_k[(1 - u)^nu log(1 - u)^m], k = 0..kmax, at the current precision (theory section 5 items 1, 3).

    f(nu) = 2^(nu+d-2) Gamma(d/2) Gamma(nu + (d-1)/2) (-nu)_k / (sqrt(pi) Gamma(nu + k + d - 1)) is entire in
    nu for each k (item 1); the log powers are its nu-derivatives (item 3 is the first derivative).
    """
    half_d = mpmath.mpf(dim) / 2

    def f(g, k):
        return (mpmath.power(2, g + dim - 2) * mpmath.gamma(half_d) * mpmath.gamma(g + half_d - mpmath.mpf(1) / 2)
                * mpmath.rf(-g, k) / (mpmath.sqrt(mpmath.pi) * mpmath.gamma(g + k + dim - 1)))

    if log_power == 0:
        out = [f(nu, 0)]
        for k in range(kmax):
            out.append(out[-1] * (k - nu) / (nu + k + dim - 1))
        return out
    with mpmath.workdps(mpmath.mp.dps + 10 * log_power + 10):
        vals = [mpmath.diff(lambda g, k=k: f(g, k), nu, log_power) for k in range(kmax + 1)]
    return [+v for v in vals]


def _theta_analytic(term: _Term) -> bool:
    """(1 - cos th)^nu = 2^nu sin(th/2)^(2 nu) is analytic in th iff 2 nu is a non-negative integer."""
    import sympy

    twice = sympy.sympify(2 * term.exponent)
    return term.log_power == 0 and twice.is_integer is True and bool(twice >= 0)


_SUBTRACT_ORDER = 8             # subtract the singular terms (1 -+ u)^nu up to nu < 8 (when known)


def _singular_terms(kernel) -> list[_Term]:
    """Singular terms of k at u = +-1 that are not analytic in theta (empty if none or unknown)."""
    from asympt.core.errors import AsymptError
    from asympt.kernels.expansions import singular_expansion

    terms = []
    for side in (1, -1):
        try:
            exp = singular_expansion(kernel, side, order=_SUBTRACT_ORDER)
        except (AsymptError, NotImplementedError, ValueError):
            try:
                exp = kernel.singular(at=side)
            except (AsymptError, NotImplementedError, ValueError):
                return []
        for t in exp.terms:
            term = _Term(side, t.coeff, t.exponent, int(t.log_power))
            if not _theta_analytic(term):
                terms.append(term)
    return terms


class _Subtraction:
    """Evaluates sum c (1 -+ cos th)^nu log(...)^m and adds back the exact mu_k of those terms."""

    def __init__(self, terms, dim, kmax):
        import sympy

        self.terms = terms
        self.dim, self.kmax = dim, kmax
        self._nu = [sympy.Rational(t.exponent) for t in terms]
        self._cache = {}                # mp.prec -> [(side, coeff, nu, log_power)] as mpf

    def _numeric(self):
        import sympy

        prec = mpmath.mp.prec
        if prec not in self._cache:
            self._cache[prec] = [(t.side, mpmath.mpf(sympy.N(t.coeff, mpmath.mp.dps + 5)),
                                  mpmath.mpf(nu.p) / nu.q, t.log_power) for t, nu in zip(self.terms, self._nu)]
        return self._cache[prec]

    def value(self, th):
        """The terms at u = cos th (1 - cos th = 2 sin^2(th/2), 1 + cos th = 2 cos^2(th/2): no cancellation)."""
        total = mpmath.mpf(0)
        for side, coeff, nu, log_power in self._numeric():
            base = 2 * (mpmath.sin(th / 2) if side == 1 else mpmath.cos(th / 2)) ** 2
            if base != 0:
                total += coeff * base**nu * mpmath.log(base) ** log_power
        return total

    def coefficients(self):
        """Exact mu_k of the subtracted sum, k = 0..kmax (item 2: (1 + u)^nu picks up (-1)^k)."""
        out = [mpmath.mpf(0)] * (self.kmax + 1)
        for side, coeff, nu, log_power in self._numeric():
            vals = _power_coefficients(nu, log_power, self.dim, self.kmax)
            for k, v in enumerate(vals):
                out[k] += coeff * v * side**k
        return out


# ----------------------------------------------------------------------------------------------
# One quadrature rule
# ----------------------------------------------------------------------------------------------

@dataclass
class _Rule:
    n: int
    bits: int
    values: list          # mpf at precision bits + 20
    rounding: list        # mpf rounding bound per degree
    subtracted: bool


def _gegenbauer_sums(dim: int, kmax: int, T, w_even, w_odd, bits: int) -> list[int]:
    """sum_j P_k(t_j) W_j^(k mod 2) in fixed point (scale 2^(2 bits)), k = 0..kmax."""
    one = 1 << bits
    t = np.array(T, dtype=object)
    we, wo = np.array(w_even, dtype=object), np.array(w_odd, dtype=object)
    sums = [one * sum(w_even)]
    if kmax >= 1:
        sums.append(t.dot(wo))
    p0, p1 = np.full(len(T), one, dtype=object), t
    for k in range(1, kmax):
        p0, p1 = p1, ((2 * k + dim - 2) * ((t * p1) >> bits) - k * p0) // (k + dim - 2)
        sums.append(p1.dot(wo if k % 2 == 0 else we))
    return [int(s) for s in sums]


def _kernel_pair(kernel, th, c):
    """k(cos th) and k(-cos th) for th in (0, pi/2], c = cos th (given at >= the working precision).

    Same guard-digit rule as ``kernel.mp_theta`` (2 log10(1/th) + 5 extra digits: 1 - u ~ th^2/2), with
    the guard computed in float and cos th shared by the pair: 2.5 times faster than two mp_theta
    calls at 85 digits, where mp_theta spends most of its time in log10(th) at full precision.
    """
    extra = 2 * max(0, int(-math.log10(float(th)))) + 5
    with mpmath.workdps(mpmath.mp.dps + extra):
        c = mpmath.cos(th) if extra > 5 else c
        g, h = kernel.mp(c), kernel.mp(-c)
    return +g, +h


def _rule(kernel, dim: int, kmax: int, n: int, bits: int, subtraction) -> _Rule:
    nb = bits + 24
    Y, W = gauss_legendre_fixed(n, nb)
    T, w_even, w_odd, total = [], [], [], 0
    with mpmath.workprec(bits + 20):
        half_pi = mpmath.pi / 2
        base_c = funk_hecke_constant_mp(dim) * half_pi
        for y, w in zip(Y, W):
            th = half_pi * mpmath.ldexp(y, -nb)           # th in (0, pi/2); its mirror is pi - th
            c, s = mpmath.cos_sin(th)
            g, h = _kernel_pair(kernel, th, c)
            if subtraction is not None:
                g -= subtraction.value(th)
                h -= subtraction.value(mpmath.pi - th)
            base = base_c * mpmath.ldexp(w, -nb) * s ** (dim - 2)
            T.append(mpmath.libmp.to_fixed(c._mpf_, bits))
            we = mpmath.libmp.to_fixed((base * (g + h))._mpf_, bits)
            wo = mpmath.libmp.to_fixed((base * (g - h))._mpf_, bits)
            w_even.append(we)
            w_odd.append(wo)
            total += abs(we) + abs(wo)
        sums = _gegenbauer_sums(dim, kmax, T, w_even, w_odd, bits)
        values = [mpmath.ldexp(mpmath.mpf(s), -2 * bits) for s in sums]
        if subtraction is not None:
            values = [v + e for v, e in zip(values, subtraction.coefficients())]
        unit = mpmath.ldexp(mpmath.mpf(total) + n * (1 << bits), -2 * bits)
        rounding = [_rounding_bound(unit, k) for k in range(kmax + 1)]
    if _TRACE is not None:
        _TRACE.append((n, bits, subtraction is not None))
    return _Rule(n, bits, values, rounding, subtraction is not None)


def _rounding_bound(unit, k: int):
    """Fixed-point rounding bound of mu_k: 2 (k + 2) 2^-F (sum_j |W_j| + n).

    Each W_j and each recurrence step errs by <= 1 unit 2^-F (truncation); a perturbation of the stable
    Gegenbauer recurrence grows at most linearly in k. Measured (same rule at F and F + 120 bits,
    k <= 600, d = 2, 3, 10, 30): the actual error is 0.25 unit at k = 0 and <= 0.6 unit up to k = 600,
    i.e. this bound holds with a margin of 8 or more.
    """
    return unit * 2 * (k + 2)


# ----------------------------------------------------------------------------------------------
# Driver
# ----------------------------------------------------------------------------------------------

def _initial_bits(dim: int, kmax: int, dps: int, scale: float) -> int:
    """Bits such that 2 x the rounding bound is <= 10^-dps |mu_k| for k <= kmax, guessing
    |mu_k| ~ |mu_k[(1 - u)^(3/2)]| (alpha = d + 2: the NNGP of ReLU; NTKs decay more slowly)."""
    need = 0.0
    g = 1.5
    for k in {0, 1, kmax // 2, kmax}:
        log_mu = ((g + dim - 2) * math.log(2) + math.lgamma(dim / 2) + math.lgamma(g + (dim - 1) / 2)
                  + math.lgamma(k - g) - math.lgamma(k + g + dim - 1) - 0.5 * math.log(math.pi)
                  - math.log(abs(math.gamma(-g))))
        rounding = 4 * (k + 2) * (2 * scale + kmax + 80)
        need = max(need, dps - log_mu / math.log(10) + math.log10(rounding) + _GUARD_DIGITS)
    return int(math.ceil(need * math.log2(10)))


def _kernel_scale(kernel) -> float:
    """max(1, |k|) at u = 1, 0, -1: a guess of the integrand's size (errors only cost a retry)."""
    with mpmath.workdps(15):
        return float(max([mpmath.mpf(1)] + [abs(kernel.mp_theta(th)) for th in (0, mpmath.pi / 2, mpmath.pi)]))


def _structural_zero(kernel, k: int, cache: dict) -> bool:
    p = k % 2
    if p not in cache:
        try:
            cache[p] = kernel.polynomial_degree(p)
        except Exception:  # noqa: BLE001 - no certificate means: not exempt
            cache[p] = None
    deg = cache[p]
    return deg is not None and k > deg


def eigenvalues(kernel, dim: int, kmax: int, *, digits: int = 30):
    """Funk-Hecke eigenvalues mu_0..mu_kmax of ``kernel`` on S^(dim-1), each with >= ``digits`` digits.

    Args:
        kernel: a :class:`~asympt.kernels.kernel.DotProductKernel` (evaluated with ``kernel.mp_theta``).
        dim: ambient dimension d >= 2.
        kmax: largest degree.
        digits: requested significant digits of every mu_k (exact-zero degrees certified by
            ``kernel.polynomial_degree`` are exempt: they come back as ~0 with a bound covering 0).

    Returns:
        a :class:`~asympt.spectrum.result.TierResult` (tier ``"mpmath"``; ``result[k]`` is an
        :class:`~asympt.core.precision.Approx`); the error bound is measured by a second rule with more
        nodes and more bits (see the module docstring).

    Raises:
        InvalidInput: for a bad argument.
        PrecisionLost: if five rules did not deliver ``digits`` digits for every degree.

    >>> from asympt.kernels.networks import ntk
    >>> mu = eigenvalues(ntk("relu"), dim=3, kmax=2, digits=20)        # theory section 5: 1/2, 1/3, 5/64
    >>> [str(m) for m in mu]                                        # str() prints at most 15 digits
    ['0.500000000000000', '0.333333333333333', '0.0781250000000000']
    >>> with mpmath.workdps(40):
    ...     exact = [mpmath.mpf(1) / 2, mpmath.mpf(1) / 3, mpmath.mpf(5) / 64]
    ...     print(all(m.digits >= 20 and abs(m.value - e) <= m.abs_error for m, e in zip(mu, exact)))
    True
    """
    from asympt.kernels.kernel import check_kernel

    from .result import TierResult

    kernel = check_kernel(kernel)
    dim = check_int("dim", dim, minimum=2, maximum=100_000)
    kmax = check_int("kmax", kmax, minimum=0, maximum=_MAX_NODES - 1000)
    digits = check_int("digits", digits, minimum=1, maximum=_MAX_BITS // 4)

    # theory section 9.2: kmax + 80 nodes give 70+ digits for arc-cosine kernels; Gauss-Legendre gains
    # ~ 0.8 digits per extra node there, so beyond 60 digits add nodes with the digits; sin^(d-2) th
    # needs its own nodes when d is large (a peak of width 1/sqrt(d))
    from .float64 import _peak_nodes

    n = kmax + 80 + 2 * max(0, digits - 60) + _peak_nodes(dim, digits)
    n += n % 2
    subtraction = None
    zeros: dict = {}
    low = _rule(kernel, dim, kmax, n, _initial_bits(dim, kmax, digits, _kernel_scale(kernel)), subtraction)
    n_hi, bits_hi = _check_rule(low.n, low.bits)
    for attempt in range(_MAX_ATTEMPTS):
        high = _rule(kernel, dim, kmax, n_hi, bits_hi, subtraction)
        with mpmath.workprec(high.bits + 20):
            tol = mpmath.mpf(10) ** (-digits)
            diffs = [abs(a - b) for a, b in zip(low.values, high.values)]
            errors = [_SAFETY * d + r for d, r in zip(diffs, high.rounding)]
            result = [Approx(v, e) for v, e in zip(high.values, errors)]
            bad = [k for k in range(kmax + 1)
                   if errors[k] > tol * abs(high.values[k]) and not _structural_zero(kernel, k, zeros)]
            if not bad:
                return TierResult("mpmath", tuple(high.values), tuple(errors))
            worst = max(bad, key=lambda k: errors[k] / max(abs(high.values[k]), tol * errors[k]))
            seen_digits = result[worst].digits
            # diagnose: was the first rule's error rounding (fixed point) or truncation (too few nodes)?
            truncation = any(diffs[k] > 64 * low.rounding[k] for k in bad)
            # bits such that the rounding bound is <= |mu_k| 1e-digits / 100 with the measured |mu_k|
            # (extrapolated from the resolved degrees where the value is still noise)
            need = high.bits
            for k in bad:
                mag = _magnitude(high.values, errors, k)
                excess = high.rounding[k] * 100 / (tol * mag)
                if excess > 1:
                    need = max(need, high.bits + int(mpmath.ceil(mpmath.log(excess, 2))))
        if attempt == _MAX_ATTEMPTS - 1 or need > _MAX_BITS:
            break
        if truncation and subtraction is None and kernel.expr is not None:
            terms = _singular_terms(kernel)
            if terms:
                # a new integrand (smoother at th = 0, pi): both rules of the next comparison use it
                subtraction = _Subtraction(terms, dim, kmax)
                low = _rule(kernel, dim, kmax, high.n, need, subtraction)
                n_hi, bits_hi = _check_rule(low.n, low.bits)
                continue
        if need > high.bits:
            # the check rule itself is short of bits: restart the comparison at the measured precision
            n_low = high.n + (high.n // 2 if truncation else 0)
            low = _rule(kernel, dim, kmax, n_low + n_low % 2, need, subtraction)
            n_hi, bits_hi = _check_rule(low.n, low.bits)
        else:
            low = high
            n_hi, bits_hi = _check_rule(high.n, high.bits, more_nodes=truncation)
        if n_hi > _MAX_NODES:
            break
    why = ("the quadrature in theta converges slowly (a kernel not analytic in theta)" if truncation else
           "the cancellation in mu_k needs more working precision")
    raise PrecisionLost(
        f"highprec.eigenvalues: degree k = {worst} has {seen_digits} of the requested {digits} digits "
        f"({len(bad)} degree(s) short) after {attempt + 1} comparisons of quadrature rules (last rule: "
        f"{high.n} nodes, {high.bits} bits{', singular terms subtracted' if high.subtracted else ''}): "
        f"{why}. Try a smaller digits or kmax, or closed forms for this kernel."
    )


def _magnitude(values, errors, k: int):
    """|mu_k| if resolved (error < |mu_k|/10); else a log-linear extrapolation from the last resolved
    degrees of the same parity (exact for geometric decay, too small, i.e. safe, for power laws)."""
    v = abs(values[k])
    if errors[k] * 10 < v:
        return v
    pts = [(j, mpmath.log(abs(values[j]))) for j in range(k % 2, k, 2) if errors[j] * 10 < abs(values[j])][-10:]
    guess = v if v > 0 else errors[k]
    if len(pts) >= 2:
        (j0, y0), (j1, y1) = pts[0], pts[-1]
        slope = min(0, (y1 - y0) / (j1 - j0))
        guess = min(guess, mpmath.exp(y1 + slope * (k - j1)))
    return max(guess, errors[k] * mpmath.mpf(10) ** (-mpmath.mp.dps // 2))


def _check_rule(n: int, bits: int, more_nodes: bool = False) -> tuple[int, int]:
    """(nodes, bits) of the rule that checks an (n, bits) rule: more nodes and 40 more bits."""
    step = max(40, n // 2 if more_nodes else n // 4)
    n_new = n + step
    return n_new + n_new % 2, bits + _CHECK_BITS
