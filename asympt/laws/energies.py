"""The target's side of a loss law: energy per parity class, energy beyond a degree, ridge order.

A kernel whose parity part is a polynomial of degree m never learns the target's energy on degrees of
that parity above m (theory section 7, plateaus): :func:`parity_energy_beyond` gives it, from the
parity split :func:`parity_norm2` of the target's norm. :func:`singularity_order` is the order of the
target's singularity that the intrinsic-dimension rule of theory section 8 uses.
"""

from __future__ import annotations

import sympy

from asympt.core.errors import NotSupported
from asympt.core.symbolic import tidy_constant

__all__ = ["learnable_low", "mpmath_str", "parity_energy_beyond", "parity_norm2", "singularity_order"]


def parity_norm2(target, dim, parity):
    """||f*_p||^2 = sum of e_k over k of parity p (f*_p the even/odd part of f*).

    Neurons and caps: (||g||^2 + (-1)^p E_t[g(t) g(-t)]) / 2, with the cross term exactly 0 when g
    vanishes on a half-line (t_+^b, step, caps with theta0 <= pi/2), else by mpmath quadrature
    (returned as a 30-digit Float). Power-law and Sobolev classes: Dirichlet-series sums (exact).
    """
    import mpmath

    from asympt import targets as T

    half = sympy.Rational(1, 2)
    sign = 1 if parity == 0 else -1
    if isinstance(target, T.Neuron) and target.act.parity in ("even", "odd"):  # one parity class only
        if (target.act.parity == "even") != (parity == 0):
            return sympy.S.Zero
        n2 = target.norm2(dim)
        if n2.has(sympy.Integral):  # no closed form: the target's own quadrature (SymPy's N of an Integral is slow)
            return sympy.Float(mpmath.nstr(target.norm2_mp(dim, dps=35), 32), 30)
        return n2
    if isinstance(target, T.PowerLaw):
        b = target.beta
        even = 2 ** (-b) * sympy.zeta(b)
        return even if parity == 0 else sympy.zeta(b) - even
    if isinstance(target, T.Sobolev):
        odd = target.T * (1 - 2 ** (1 - 2 * target.s)) * sympy.zeta(2 * target.s)  # Dirichlet eta(2s)
        return odd if parity == 1 else target.norm2(dim) - odd - target.energy(dim, 0)
    if isinstance(target, T.Harmonic):
        return sympy.Integer(sum(1 for k in target.degrees if k % 2 == parity))
    if isinstance(target, T.Cap) and (target.theta0 <= sympy.pi / 2) == True:  # noqa: E712
        return target.norm2(dim) * half
    if isinstance(target, T.Neuron):
        kind = T._neuron_kind(target.act)
        if kind in ("power",):  # x_+^a and the step: g(t) g(-t) = 0
            return target.norm2(dim) * half
        if target.act.parity in ("even", "odd"):  # abs, identity, erf, sin, ...: one parity only
            return target.norm2(dim) if (target.act.parity == "even") == (parity == 0) else sympy.S.Zero
        if kind == "leaky":  # g = s t + (1 - s) t_+: E[g(t) g(-t)] = -s E[t^2] = -s/d exactly
            slope = target.act.param("slope")
            return (target.norm2(dim) - sign * slope / sympy.Integer(dim)) * half
        g = sympy.lambdify(T.x, target.act.expr, modules="mpmath")
        n2 = target.norm2(dim)
        if n2.has(sympy.Integral):  # the target's own quadrature: SymPy's N of the Integral took 8-230 s (gelu)
            n2 = target.norm2_mp(dim, dps=40)
    elif isinstance(target, T.Cap):
        t0 = sympy.cos(target.theta0)
        g = lambda t: 1 if t > t0 else 0  # noqa: E731
        n2 = target.norm2(dim)
    else:
        raise NotSupported(f"target {target.describe()!r}: its parity split is not available")
    with mpmath.workdps(40):
        cd = mpmath.gamma(mpmath.mpf(dim) / 2) / (mpmath.sqrt(mpmath.pi) * mpmath.gamma(mpmath.mpf(dim - 1) / 2))
        cross = mpmath.quad(lambda t: cd * (1 - t * t) ** (mpmath.mpf(dim - 3) / 2) * g(t) * g(-t), [-1, 0, 1])
        if not isinstance(n2, mpmath.mpf):
            n2 = mpmath.mpf(sympy.N(n2, 45))
        val = (n2 + sign * cross) / 2
    return sympy.Float(mpmath.nstr(val, 32), 30)


def singularity_order(target):
    """('ridge', b) for a t_+^b-type singularity across a hypersurface, ('sobolev', s), or None."""
    from asympt import targets as T

    if isinstance(target, T.Sobolev):
        return ("sobolev", target.s)
    if isinstance(target, T.Cap):
        return ("ridge", sympy.S.Zero)
    if isinstance(target, T.Neuron) and target.act.smoothness.kind == "kink":
        return ("ridge", sympy.Rational(target.act.smoothness.order))
    return None


def parity_energy_beyond(target, dim, parity, m):
    """sum of e_k over k = parity (mod 2), k > m: the energy a kernel with exact zeros there never learns."""
    import mpmath

    from asympt import targets as T

    if isinstance(target, T.RKHS):
        return sympy.S.Zero  # e_k = mu_k^(2r) e_k(g) vanishes wherever mu_k = 0
    if isinstance(target, T.Neuron):
        # a teacher whose parity-p part is a polynomial of degree <= m has no energy on degrees > m, exactly
        # (a polynomial of degree q in w.x holds harmonics of degree <= q only); a quadrature difference
        # would leave a rounding residue there instead (gelu at d = 2: -2.1e-24 was printed as a plateau)
        from asympt.kernels.activations import polynomial_parts

        part = polynomial_parts(target.act).get(parity)
        if part is not None and sympy.Poly(part, T.x).degree() <= m:
            return sympy.S.Zero
    total = parity_norm2(target, dim, parity)
    for k in range(parity, m + 1, 2):
        try:
            total -= target.energy(dim, k)
        except NotSupported:  # no closed form: 30 digits
            total -= sympy.Float(mpmath.nstr(target.energy_mp(dim, k, dps=40), 32), 30)
    if total.has(sympy.Integral) or total.has(sympy.Float):
        # a quadrature-valued norm: a 25-digit decimal, not a half-symbolic expression
        return sympy.Float(sympy.N(total, 30), 25)
    return tidy_constant(total)


def learnable_low(target, dim, p, m):
    """Occupied degrees k <= m of parity p (they have mu_k != 0 unless certified otherwise)."""
    out = []
    for k in range(p, m + 1, 2):
        try:
            e = target.energy(dim, k)
        except NotSupported:
            e = sympy.Float(mpmath_str(target.energy_mp(dim, k, dps=30)), 25)
        if e != 0:
            out.append((k, e))
    return out


def mpmath_str(v, n=28):
    import mpmath

    return mpmath.nstr(v, n)
