"""Exact parity parts of a network kernel: the layer recursion on (even, odd) pairs of polynomials.

k(u) = even part + odd part; where a part is a polynomial in u, the eigenvalues mu_k of that parity
vanish beyond its degree (theory section 5, "parity zeros"). :class:`ParityPair` carries each part as an
exact SymPy polynomial or as unknown (U) through the recursion of :mod:`.layers`;
:func:`parity_structure` runs it for a network. Used by :class:`asympt.kernels.kernel.DotProductKernel`.
"""

from __future__ import annotations

import sympy

from asympt.core.conventions import u

from .layers import recursion, variances

__all__ = ["ParityPair", "parity_structure"]


class _Unknown:
    """Marker for a parity part not known to be a polynomial."""

    def __repr__(self):
        return "U"


_U = _Unknown()


def _padd(a, b):
    if a is _U or b is _U:
        return _U
    return sympy.expand(a + b)


def _pmul(a, b):
    if (a is not _U and a == 0) or (b is not _U and b == 0):
        return sympy.S.Zero
    if a is _U or b is _U:
        return _U
    return sympy.expand(a * b)


class ParityPair:
    """A function of u split as even + odd part; each part a SymPy polynomial in u or unknown (U).

    The arithmetic of the layer recursion on these pairs carries polynomial parity parts exactly
    (theory section 7): sums and products split as (E1 + O1)(E2 + O2) = (E1 E2 + O1 O2) + (E1 O2 + O1 E2),
    and a layer map V = V_even + V_odd (the parts of the activation's Hermite series) is applied
    exactly when its input has a single parity or everything is a polynomial; otherwise both parts
    of the output become U (the parities mix and nothing is certified).
    """

    __slots__ = ("even", "odd")

    def __init__(self, even, odd):
        self.even, self.odd = even, odd

    @staticmethod
    def _lift(other):
        if isinstance(other, ParityPair):
            return other
        other = sympy.sympify(other)
        return ParityPair(other, sympy.S.Zero)

    def __add__(self, other):
        o = self._lift(other)
        return ParityPair(_padd(self.even, o.even), _padd(self.odd, o.odd))

    __radd__ = __add__

    def __sub__(self, other):
        return self + self._lift(other) * -1

    def __mul__(self, other):
        o = self._lift(other)
        even = _padd(_pmul(self.even, o.even), _pmul(self.odd, o.odd))
        odd = _padd(_pmul(self.even, o.odd), _pmul(self.odd, o.even))
        return ParityPair(even, odd)

    __rmul__ = __mul__

    def __repr__(self):
        return f"ParityPair(even={self.even}, odd={self.odd})"


def _is_poly(part) -> bool:
    return part is not _U


def _mehler_poly(poly_x, q, c):
    """V_P(q, c) = E[P(z1) P(z2)] for a polynomial P, as a polynomial in the expression c (Mehler)."""
    from .dual_kernels import _hermite_coefficients

    if poly_x == 0:
        return sympy.S.Zero
    coeffs = _hermite_coefficients(poly_x, q)
    return sympy.expand(sum(an**2 * (c / q) ** n for n, an in enumerate(coeffs)))


def _parity_layer(parts, q_of, c: ParityPair) -> ParityPair:
    """Apply V (the dual map of the activation whose parity parts are ``parts``) to a pair ``c``.

    ``parts`` = {0: even part, 1: odd part} of the activation (polynomials in x or None); the even
    part of the activation gives the even part of V in rho, the odd part the odd one (Hermite series:
    even Hermite indices are even functions). ``q_of()`` returns the layer variance q (only asked for
    when a polynomial part has to be evaluated).
    """
    from .activations import x as _x

    E, O = c.even, c.odd
    deg = {p: (None if parts[p] is None else sympy.Poly(parts[p], _x).degree() if parts[p] != 0 else -1)
           for p in (0, 1)}

    def apply(p, arg):
        """V_p(arg): 0, a polynomial in u, or U."""
        if deg[p] is None:
            return _U
        if deg[p] == -1:
            return sympy.S.Zero
        if deg[p] == 0:  # a constant part gives the constant V = part^2, whatever the argument
            return sympy.expand(parts[p] ** 2)
        if arg is _U:
            return _U
        return _mehler_poly(parts[p], q_of(), arg)

    if _is_poly(O) and O == 0:  # even input: V(E) is even
        return ParityPair(_padd(apply(0, E), apply(1, E)), sympy.S.Zero)
    if _is_poly(E) and E == 0:  # odd input: V_even(O) is even, V_odd(O) odd
        return ParityPair(apply(0, O), apply(1, O))
    # mixed parities: exact only when the whole map is a polynomial and both parts are known
    if deg[0] is not None and deg[1] is not None and _is_poly(E) and _is_poly(O):
        total = _padd(apply(0, E + O), apply(1, E + O))
        flipped = total.subs(u, -u)
        return ParityPair(sympy.expand((total + flipped) / 2), sympy.expand((total - flipped) / 2))
    if deg[0] == -1 and deg[1] == -1:
        return ParityPair(sympy.S.Zero, sympy.S.Zero)
    return ParityPair(_U, _U)


def _derivative_parts(parts):
    """Parity parts of s' from those of s: (s_odd)' is even, (s_even)' is odd."""
    from .activations import x as _x

    return {0: None if parts[1] is None else sympy.expand(sympy.diff(parts[1], _x)),
            1: None if parts[0] is None else sympy.expand(sympy.diff(parts[0], _x))}


def parity_structure(net) -> ParityPair:
    """The trained kernel of ``net`` as a :class:`ParityPair` (exact polynomial parts where provable).

    >>> from asympt.kernels.networks import network
    >>> parity_structure(network("gelu", 2))      # odd part x/2: NNGP 2 (u/4) plus NTK term 2 (1/4) u
    ParityPair(even=U, odd=u)
    >>> parity_structure(network("sigmoid", 2, train="last"))   # even part 1/2: sigma_w^2 (1/2)^2
    ParityPair(even=1/2, odd=U)
    """
    from .activations import polynomial_parts

    parts = polynomial_parts(net.activation)
    dparts = _derivative_parts(parts)

    class _Q:
        def __getitem__(self, i):
            return lambda: variances(net)[i]

    s1 = ParityPair(net.sigma_b[0] ** 2, net.sigma_w[0] ** 2 * u)
    _, theta = recursion(net, s1, lambda l, q, c: _parity_layer(parts, q, c),
                         lambda l, q, c: _parity_layer(dparts, q, c), _Q())
    return theta
