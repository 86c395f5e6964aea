"""The layer recursion of a deep network's kernel, in any arithmetic, and the layer variances.

Infinite-width recursion (NTK parameterisation; Neal 1996, Lee et al. 2018, Jacot et al. 2018; theory
section 3), with q_l = Sigma^l(x, x) constant on the sphere:

    Sigma^1 = sw_1^2 u + sb_1^2
    Sigma^(l+1) = sw_(l+1)^2 V(q_l, Sigma^l) + sb_(l+1)^2,   Sigmadot^(l+1) = sw_(l+1)^2 Vd(q_l, Sigma^l)
    Theta = sum over trained layers l of C_l prod_(m > l) Sigmadot^m.

:func:`recursion` runs it on SymPy expressions, numpy arrays, mpmath numbers, generalised series or
power series alike (the caller supplies the layer maps); :func:`variances` gives the q_l exactly.
This module sits below :mod:`.networks`, :mod:`.kernel`, :mod:`.expansions` and :mod:`.numeric_duals`,
which all run the recursion, so that none of them imports another in a cycle.
"""

from __future__ import annotations

from functools import lru_cache

import sympy

from asympt.core.symbolic import tidy

from .dual_kernels import dual_map

__all__ = ["recursion", "variances"]


@lru_cache(maxsize=256)
def variances(net) -> tuple:
    """q_l = Sigma^l(x, x) for l = 1..L-1 (exact for closed-form maps, 40-digit Floats otherwise).

    >>> from asympt.kernels.networks import network
    >>> variances(network("relu", 3))
    (1, 1)
    """
    dm = dual_map(net.activation)
    q = net.sigma_w[0] ** 2 + net.sigma_b[0] ** 2
    out = [tidy(q)]
    for l in range(2, net.layers):
        if dm.closed_form:
            v = dm.V_sym(q, q)
        else:
            v = _second_moment(net.activation, q)
        q = tidy(net.sigma_w[l - 1] ** 2 * v + net.sigma_b[l - 1] ** 2)
        out.append(q)
    return tuple(out)


def _second_moment(act, q):
    """E[s(sqrt(q) z)^2] by adaptive mpmath quadrature at 40 digits (a Float)."""
    return _gauss_moment(act.expr, q)


@lru_cache(maxsize=256)
def _gauss_moment(expr, q):
    """E[f(sqrt(q) z)^2], z ~ N(0, 1), for an expression f in x, by mpmath quadrature at 45 digits."""
    import mpmath

    from .activations import x as _x

    f = sympy.lambdify(_x, expr, modules="mpmath")
    with mpmath.workdps(45):
        qq = mpmath.mpf(str(sympy.N(q, 50)))
        val = mpmath.quad(lambda z: f(mpmath.sqrt(qq) * z) ** 2 * mpmath.npdf(z), [-mpmath.inf, 0, mpmath.inf])
        return sympy.Float(str(val), 40)


def recursion(net, s1, V, Vd, variances):
    """Run the NNGP/NTK recursion with any arithmetic (SymPy, numpy, mpmath, GSeries).

    ``s1`` is Sigma^1 (as an object of that arithmetic), ``V(l, q, c)`` and ``Vd(l, q, c)`` return
    the dual maps for layer l's input, ``variances[l-1]`` is q_l = Sigma^l(1).
    Returns (Sigma^L, Theta) where Theta is the kernel of the trained parameters.
    """
    sigma = s1
    theta = _trained_part(net, 1, sigma)
    for l in range(2, net.layers + 1):
        q = variances[l - 2]
        sw2 = net.sigma_w[l - 1] ** 2
        sb2 = net.sigma_b[l - 1] ** 2
        dot = None
        if theta is not None:
            dot = Vd(l, q, sigma) * sw2
        sigma = V(l, q, sigma) * sw2 + sb2
        part = _trained_part(net, l, sigma)
        if theta is not None:
            theta = dot * theta
            theta = theta + part if part is not None else theta
        else:
            theta = part
    return sigma, theta


def _trained_part(net, l, sigma):
    part = _trained_part_unweighted(net, l, sigma)
    if part is None or net.layer_weights is None or net.layer_weights[l - 1] == 1:
        return part
    return part * _weight_like(net.layer_weights[l - 1], net.sigma_w[0])


def _weight_like(c, like):
    """The exact weight c in the arithmetic of ``like`` (SymPy, float or mpmath, as the scales)."""
    if isinstance(like, sympy.Basic):
        return c
    if isinstance(like, float):
        return float(c)
    import mpmath

    return mpmath.mpf(str(sympy.N(c, mpmath.mp.dps + 20)))


def _trained_part_unweighted(net, l, sigma):
    w = (l, "w") in net.train
    b = (l, "b") in net.train
    sb2 = net.sigma_b[l - 1] ** 2
    if w and b:
        return sigma
    if w:
        return sigma - sb2
    if b and sb2 != 0:
        return sigma * 0 + sb2
    return None
