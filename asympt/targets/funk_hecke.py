"""Funk-Hecke quadrature for single-neuron targets without a closed form (tanh, sigmoid, softplus, ...).

s_k = E_t[g(t) P_k(t)] for k = 0..kmax to about ``dps`` significant digits, with the exactly known
polynomial parity parts of g treated exactly (:func:`_numeric_s`).

Numerical method
----------------
s_k = c_d int_0^pi g(cos th) P_k(cos th) sin^(d-2) th dth on midpoint nodes th_j = (j + 1/2) pi / n:
for even d the integrand is a cosine series and the equal-weight (Gauss-Chebyshev) rule is exact to
degree 2n - 1; for odd d the weight sin th is handled by Fejer's first rule (weights
(2/n)(1 - 2 sum_m cos(2 m th_j)/(4m^2 - 1)), Waldvogel 2006) on 2n nodes. Symmetric node pairs split g
into its even and odd parts, and for each parity one two-step recurrence in u = t^2 runs over all nodes
in fixed-point integer arithmetic (theory 9.2-9.3), with the weights folded into the recurrence, so each
degree costs one big multiplication per node.
Since s_k of an analytic g decays like rho^-k while the integrand is of size 1, the working precision is
raised until it covers the cancellation (theory 9.1): the envelope max_(j >= k) |s_j| must exceed the
rounding floor by dps + 8 digits at k = kmax, and the coefficients computed beyond kmax must show that
aliasing is below 10^-dps. Both checks are repeated after each refinement; PrecisionLost is raised if
they cannot be met within 6000 digits. Values are then correct to about dps digits relative to that
envelope (an accidental near-zero s_k is correct in absolute, not relative, terms).

Why a second Funk-Hecke engine (besides :mod:`asympt.spectrum.highprec`)
--------------------------------------------------------------------------
The two engines integrate different functions under different error models, so one does not serve the
other's job. highprec integrates a network kernel k(u), whose expansion at u = +-1 carries singular terms
(1 -+ u)^nu and logarithms: it uses Gauss-Legendre in theta, subtracts the singular terms, and bounds its
error by comparing two rules of different size. Here the integrand is an activation g that is analytic
on [-1, 1] (entire or strip-analytic), whose s_k fall geometrically or faster, down to 10^-(hundreds):
the error is dominated by cancellation and aliasing, not by endpoint singularities. The midpoint
(Chebyshev / Fejer) rule is exact for the cosine series of the integrand up to a known degree, so the
coefficients it computes beyond kmax measure its own aliasing, and the working precision is raised from
the measured envelope of |s_k| (one rule, no comparison). The engine is checked in tests/test_targets.py
against an independent mpmath.quad reference (Gegenbauer polynomials from their explicit cosine series).
The two share no code on purpose: a bug in one cannot hide in a comparison that runs through the other.

References: Waldvogel 2006, BIT 46, 195-202 (Fejer weights); Atkinson & Han 2012, "Spherical harmonics and
approximations on the unit sphere", ch. 2 (Funk-Hecke).
"""

from __future__ import annotations

import math
from fractions import Fraction
from functools import lru_cache

import mpmath

from asympt.core.errors import NotSupported, PrecisionLost
from asympt.kernels.activations import Activation

from .base import _MAX_WORKING_DPS, _c_mp, _monomial_s_exact, _mp_function, _parity_parts, _poly_coeffs, _sum_exact, _to_mp

__all__: list[str] = []


def _bits(digits) -> int:
    return int(math.ceil(digits * 3.3219280948873626))


@lru_cache(maxsize=16)
def _fejer_weights(n: int, dps: int) -> tuple:
    """Fejer's first rule on th_j = (2j+1) pi/(2n): int_-1^1 f dt ~ sum_j w_j f(cos th_j); j < n/2 only.

    w_j = (2/n) (1 - 2 sum_(m=1)^(n/2) cos(2 m th_j) / (4 m^2 - 1))  (Waldvogel 2006), exact for degree n - 1.

    >>> w = _fejer_weights(8, 30)
    >>> with mpmath.workdps(30):
    ...     th = [(2 * j + 1) * mpmath.pi / 16 for j in range(4)]
    ...     abs(2 * sum(wj * mpmath.cos(t) ** 6 for wj, t in zip(w, th)) - mpmath.mpf(2) / 7) < 1e-30
    True
    """
    import numpy as np  # noqa: PLC0415 - numpy is only needed here

    prec = _bits(dps) + 24
    with mpmath.workdps(dps + 10):
        # cos(i pi / n), i = 0 .. 2n-1, from the first quarter by symmetry
        quarter = [mpmath.libmp.to_fixed(mpmath.cos(i * mpmath.pi / n)._mpf_, prec) for i in range(n // 2 + 1)]
    table = [0] * (2 * n)
    for i in range(n // 2 + 1):
        table[i] = quarter[i]
        table[n - i] = -quarter[i]
        table[(2 * n - i) % (2 * n)] = quarter[i]
        table[n + i] = -quarter[i]
    table = np.array(table, dtype=object)
    half = n // 2
    odd = 2 * np.arange(half, dtype=np.int64) + 1
    acc = np.zeros(half, dtype=object)
    acc[:] = 0
    for m in range(1, n // 2 + 1):
        acc += table[(m * odd) % (2 * n)] // (4 * m * m - 1)
    with mpmath.workdps(dps + 10):
        scale = mpmath.mpf(2) ** (-prec)
        return tuple(mpmath.mpf(2) / n * (1 - 2 * mpmath.mpf(int(a)) * scale) for a in acc)


def _two_step(k: int, dim: int):
    """Integers (A, B, C, L): P_(k+2) = (A t^2 P_k - B P_k - C P_(k-2)) / L (normalised Gegenbauer)."""

    def a(j):
        return Fraction(1) if j == 0 else Fraction(2 * j + dim - 2, j + dim - 2)

    def b(j):
        return Fraction(0) if j == 0 else Fraction(j, j + dim - 2)

    A = a(k + 1) * a(k)
    if k == 0:
        B, C = b(1), Fraction(0)
    else:
        B = b(k + 1) + a(k + 1) * b(k) / a(k - 1)
        C = a(k + 1) * b(k) * b(k - 1) / a(k - 1)
    L = math.lcm(A.denominator, B.denominator, C.denominator)
    return int(A * L), int(B * L), int(C * L), L


def _quadrature_once(gfun, dim: int, top: int, digits: int, n_eff: int, parities: tuple):
    """One fixed-point Funk-Hecke run: ({k: s_k} for k <= top of the given parities, max |g| on the nodes)."""
    import numpy as np  # noqa: PLC0415

    n_nodes = n_eff + (n_eff % 2) if dim % 2 == 0 else 2 * n_eff
    half = n_nodes // 2
    prec = _bits(digits) + int(math.log2(8 * (n_nodes + 1) * (top + 2) ** 2)) + 16
    fejer = _fejer_weights(n_nodes, digits) if dim % 2 else None
    with mpmath.workdps(digits + 15):
        cd = _c_mp(dim)
        fix = lambda v: mpmath.libmp.to_fixed(mpmath.mpf(v)._mpf_, prec)  # noqa: E731
        t_fix, u_fix, w_even, w_odd = [], [], [], []
        gmax = mpmath.mpf(0)
        for j in range(half):
            th = (2 * j + 1) * mpmath.pi / (2 * n_nodes)
            t, st = mpmath.cos(th), mpmath.sin(th)
            omega = mpmath.pi / n_nodes * st ** (dim - 2) if fejer is None else fejer[j] * st ** (dim - 3)
            try:
                gp, gm = mpmath.mpf(gfun(t)), mpmath.mpf(gfun(-t))
            except (TypeError, ValueError, ZeroDivisionError) as err:
                raise NotSupported(f"activation could not be evaluated as a real number at t = {mpmath.nstr(t, 8)}: "
                                   f"{err}") from None
            gmax = max(gmax, abs(gp), abs(gm))
            t_fix.append(fix(t))
            u_fix.append(fix(t * t))
            w_even.append(fix(cd * omega * (gp + gm)))
            w_odd.append(fix(cd * omega * (gp - gm)))
    t_arr = np.array(t_fix, dtype=object)
    u_arr = np.array(u_fix, dtype=object)
    sums = {}
    for p in parities:
        if p > top:
            continue
        W = np.array(w_even if p == 0 else w_odd, dtype=object)
        q_prev = None
        q = W if p == 0 else (t_arr * W) >> prec
        k = p
        while True:
            sums[k] = int(q.sum())
            if k + 2 > top:
                break
            A, B, C, L = _two_step(k, dim)
            nxt = A * ((u_arr * q) >> prec) - B * q
            if C:
                nxt = nxt - C * q_prev
            q_prev, q = q, nxt // L
            k += 2
    with mpmath.workdps(digits + 15):
        scale = mpmath.mpf(2) ** (-prec)
        return {k: mpmath.mpf(v) * scale for k, v in sums.items()}, gmax


def _numeric_s(act: Activation, dim: int, kmax: int, dps: int) -> list:
    """[s_0..s_kmax] for a neuron without closed form: exact polynomial parity parts + adaptive quadrature."""
    key = (act, dim, dps)
    cached = _NUMERIC_CACHE.get(key)
    if cached is not None and len(cached) > kmax:
        return list(cached[: kmax + 1])
    parts = _parity_parts(act)
    s = [None] * (kmax + 1)
    quad_parities = []
    for p, (part, is_poly) in enumerate(parts):
        if is_poly:
            coeffs = _poly_coeffs(part) if part != 0 else {}
            for k in range(p, kmax + 1, 2):
                s[k] = _to_mp(_sum_exact(a * _monomial_s_exact(dim, q, k) for q, a in coeffs.items()), dps)
        elif p <= kmax:
            quad_parities.append(p)
    if quad_parities:
        values = _adaptive_quadrature(act, dim, kmax, dps, tuple(quad_parities))
        for k, v in values.items():
            if k <= kmax:
                s[k] = v
    if len(_NUMERIC_CACHE) >= 32:
        _NUMERIC_CACHE.pop(next(iter(_NUMERIC_CACHE)))
    _NUMERIC_CACHE[key] = tuple(s)
    return s


_NUMERIC_CACHE: dict = {}


def _adaptive_quadrature(act: Activation, dim: int, kmax: int, dps: int, parities: tuple) -> dict:
    """Raise working digits and nodes until the rounding floor and the aliasing are below 10^-dps.

    A pilot run (at most 200 degrees, dps + 15 digits) measures how fast the envelope of |s_k| decays;
    its extrapolation to kmax sets the working digits and the node count of the next run. Every run is
    checked again; the loop ends when both checks pass at kmax.
    """
    gfun = _mp_function(act)
    guard = 8
    digits = dps + guard + 7
    n_eff = kmax + 40 if kmax <= 160 else 200
    for _ in range(10):
        top = n_eff - 1
        vals, gmax = _quadrature_once(gfun, dim, top, digits, n_eff, parities)
        with mpmath.workdps(digits + 15):
            log_gmax = float(mpmath.log10(gmax)) if gmax > 0 else 0.0
        floor_log = log_gmax - digits
        new_digits, new_n = digits, n_eff
        for p in parities:
            ks = list(range(p, top + 1, 2))
            logs = [_log10(vals[k]) for k in ks]
            env, running = [0.0] * len(ks), -math.inf
            for i in range(len(ks) - 1, -1, -1):
                running = max(running, logs[i])
                env[i] = running
            k_max = kmax - (kmax - p) % 2  # the largest k <= kmax of parity p
            i_max = (k_max - p) // 2
            if k_max > top or env[i_max] < floor_log + dps + guard:
                # extrapolate the envelope's decay from the resolved range to kmax
                resolved = [i for i, e in enumerate(env) if e >= floor_log + guard]
                if len(resolved) < 3:
                    new_digits = max(new_digits, 2 * digits)
                    new_n = max(new_n, min(kmax + 40, 4 * n_eff))
                    continue
                i_r = resolved[-1]
                i_a = max(0, i_r - max(4, i_r // 2))
                rate = max((env[i_a] - env[i_r]) / (ks[i_r] - ks[i_a]), 1e-3)  # digits per degree
                predicted = env[i_r] - 1.05 * rate * max(0, k_max - ks[i_r])
                new_digits = max(new_digits, int(dps + guard + 3 + log_gmax - predicted) + 1, digits + 10)
                new_n = max(new_n, min(kmax + int(1.2 * (dps + guard) / (2 * rate)) + 16, 4 * n_eff + kmax))
                continue
            # aliasing: the error of s_kmax is about env(2n - kmax) ~ env(top)^2 / env(kmax)
            i_top = len(ks) - 1
            if env[i_top] > env[i_max] - (dps + guard / 2) / 2:
                span = ks[i_top] - ks[i_max]
                rate = (env[i_max] - env[i_top]) / span if span > 0 else 0.0
                target = kmax + int(1.2 * (dps + guard) / (2 * rate)) + 16 if rate > 1e-3 else 2 * n_eff
                new_n = max(new_n, min(target, 4 * n_eff + kmax), n_eff + 16)
        if new_digits == digits and new_n == n_eff:
            return vals
        digits, n_eff = new_digits, new_n
        if digits > _MAX_WORKING_DPS or n_eff > 40 * (kmax + 100):
            break
    raise PrecisionLost(f"e_k of neuron:{act.name} up to k = {kmax} at dim = {dim}: could not reach {dps} digits "
                        f"(would need about {digits} working digits and {n_eff} nodes); lower kmax or dps")


def _log10(value) -> float:
    return float(mpmath.log10(abs(value))) if value != 0 else -math.inf
