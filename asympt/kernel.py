"""The dot-product kernel k(u), u = x.x', of a network on the sphere.

A :class:`DotProductKernel` bundles one network's kernel in every form asympt needs:

* ``expr``: a SymPy expression in :data:`asympt.u` when every layer map has a closed form;
* ``k(u_array)``: a vectorized float64 evaluator (lambdified closed form, or tensor Gauss-Hermite
  quadrature of the dual maps for activations without one);
* ``k.mp(u)`` / ``k.mp_theta(theta)``: mpmath evaluators at the caller's precision (``mp_theta``
  evaluates k(cos theta) with enough guard digits for 1 - u ~ theta^2 / 2);
* ``value_at_one`` (exact), ``series(n)``, ``singular(at)``, ``polynomial_degree(parity)``.

Conventions: :mod:`asympt.conventions`.
"""

from __future__ import annotations

from functools import cached_property, lru_cache

import sympy

from ._symbolic import tidy
from .conventions import u
from .dual_kernels import dual_map
from .errors import InvalidInput, NotSupported
from .networks import Network, recursion

__all__ = ["DotProductKernel", "variances"]


@lru_cache(maxsize=256)
def variances(net: Network) -> tuple:
    """q_l = Sigma^l(x, x) for l = 1..L-1 (exact for closed-form maps, 40-digit Floats otherwise).

    >>> from asympt.networks import network
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
    import mpmath

    from .activations import x as _x

    f = sympy.lambdify(_x, act.expr, modules="mpmath")
    with mpmath.workdps(45):
        qq = mpmath.mpf(str(sympy.N(q, 50)))
        val = mpmath.quad(lambda z: f(mpmath.sqrt(qq) * z) ** 2 * mpmath.npdf(z), [-mpmath.inf, 0, mpmath.inf])
        return sympy.Float(str(val), 40)


def _np_modules():
    import numpy as np
    import scipy.special as sc

    def acos(z):
        return np.arccos(np.clip(z, -1.0, 1.0))

    def asin(z):
        return np.arcsin(np.clip(z, -1.0, 1.0))

    def sqrt(z):
        return np.sqrt(np.maximum(z, 0.0))

    def hyper(ab, c, z):
        return sc.hyp2f1(ab[0], ab[1], c[0], z)

    return [{"acos": acos, "asin": asin, "sqrt": sqrt, "hyper": hyper, "erf": sc.erf}, "numpy"]


def _mp_modules():
    import mpmath

    def acos(z):
        return mpmath.acos(min(max(z, -1), 1))

    def asin(z):
        return mpmath.asin(min(max(z, -1), 1))

    def sqrt(z):
        return mpmath.sqrt(z) if z > 0 else mpmath.mpf(0)

    def hyper(ab, c, z):
        return mpmath.hyp2f1(ab[0], ab[1], c[0], z)

    return [{"acos": acos, "asin": asin, "sqrt": sqrt, "hyper": hyper}, "mpmath"]


class DotProductKernel:
    """k(u) of a network on S^(d-1); see the module docstring.

    >>> from asympt.networks import ntk
    >>> k = ntk("relu")                       # He scales, 2 layers, no bias
    >>> sympy.simplify((k.expr - (u + (2*u*sympy.asin(u) + sympy.sqrt(1 - u**2))/sympy.pi)).rewrite(sympy.asin))
    0
    >>> float(k(0.0))                         # 1/pi
    0.3183098861837907
    """

    def __init__(self, net: Network, *, name: str | None = None):
        self.network = net
        self.name = name or ("ntk" if len(net.train) == 2 * net.layers else "kernel")
        self._dm = dual_map(net.activation)

    def __repr__(self):
        return f"DotProductKernel({self.network.describe()})"

    # ---- exact forms -----------------------------------------------------------------------
    @property
    def closed_form(self) -> bool:
        return self._dm.closed_form

    @cached_property
    def expr(self):
        """SymPy expression of k(u), or None when a layer map has no closed form."""
        if not self._dm.closed_form:
            return None
        net = self.network
        qs = variances(net)
        s1 = net.sigma_w[0] ** 2 * u + net.sigma_b[0] ** 2
        _, theta = recursion(net, s1, lambda l, q, c: self._dm.V_sym(q, c),
                             lambda l, q, c: self._dm.Vd_sym(q, c), qs)
        return theta

    @cached_property
    def value_at_one(self):
        """k(1) = the kernel's trace density (exact for closed forms).

        >>> from asympt.networks import ntk
        >>> ntk("relu", 3).value_at_one
        3
        """
        if self.expr is not None:
            return sympy.simplify(self.expr.subs(u, 1))
        import mpmath

        with mpmath.workdps(40):
            return sympy.Float(self.mp(mpmath.mpf(1)), 30)

    # ---- numerics ----------------------------------------------------------------------------
    @cached_property
    def _np_fn(self):
        if self.expr is not None:
            return sympy.lambdify(u, self.expr, modules=_np_modules(), cse=True)
        from . import numeric_duals

        return numeric_duals.network_np(self.network)

    @cached_property
    def _mp_fn(self):
        if self.expr is not None:
            return sympy.lambdify(u, self.expr, modules=_mp_modules(), cse=True)
        from . import numeric_duals

        return numeric_duals.network_mp(self.network)

    def __call__(self, values):
        """float64 values of k at ``values`` (any array shape, entries in [-1, 1])."""
        import numpy as np

        arr = np.asarray(values, dtype=float)
        if arr.size and (np.nanmax(np.abs(arr)) > 1 + 1e-12 or np.isnan(arr).any()):
            raise InvalidInput("u must lie in [-1, 1] (u = x.x' on the unit sphere)")
        arr = np.clip(arr, -1.0, 1.0)
        out = np.array(np.broadcast_to(np.asarray(self._np_fn(arr), dtype=float), arr.shape))
        # At u = +-1 the layer correlations are exactly +-1 but rounding makes 1 - rho ~ 1e-16, and
        # sqrt(1 - rho^2) would lose half the digits: use the exact end values there.
        if arr.size:
            for end, val in ((1.0, self._end_values[0]), (-1.0, self._end_values[1])):
                out[arr == end] = val
        return out

    @cached_property
    def _end_values(self):
        if self.expr is not None:
            return tuple(float(sympy.N(sympy.simplify(self.expr.subs(u, e)), 20)) for e in (1, -1))
        import numpy as np

        return tuple(float(np.asarray(self._np_fn(np.array([e])))[0]) for e in (1.0, -1.0))

    @cached_property
    def _end_values_exact(self):
        if self.expr is not None:
            return tuple(sympy.simplify(self.expr.subs(u, e)) for e in (1, -1))
        return (None, None)

    def mp(self, value):
        """k(value) at the current mpmath precision."""
        if value == 1 or value == -1:
            exact = self._end_values_exact[0 if value == 1 else 1]
            if exact is not None:
                import mpmath

                return mpmath.mpf(sympy.N(exact, mpmath.mp.dps + 5))
        return self._mp_fn(value)

    def mp_theta(self, theta):
        """k(cos theta) at the current mpmath precision, with guard digits for theta near 0 or pi."""
        import mpmath

        dps = mpmath.mp.dps
        small = min(abs(theta), abs(mpmath.pi - theta)) if theta != 0 else mpmath.mpf(10) ** (-dps)
        extra = int(2 * max(0, -mpmath.log10(small))) + 5 if small > 0 else dps
        if theta == 0 or theta == mpmath.pi:
            return self.mp(1 if theta == 0 else -1)
        with mpmath.workdps(dps + extra):
            val = self._mp_fn(mpmath.cos(theta))
        return +val

    # ---- structure ----------------------------------------------------------------------------
    def series(self, n: int) -> tuple:
        """Exact Taylor coefficients b_0..b_(n-1) of k at u = 0."""
        from .errors import check_int
        from .expansions import power_series

        n = check_int("n", n, minimum=1, maximum=200)
        return power_series(self, n)

    def singular(self, at: int = 1, order=None):
        """:class:`~asympt.expansions.SingularExpansion` of k at u = ``at`` (+1 or -1).

        ``order`` is the power of (1 -+ u) to which terms are kept (default: three beyond the kink).
        """
        from .expansions import singular_expansion

        cache = self.__dict__.setdefault("_singular_cache", {})
        key = (at, order)
        if key not in cache:
            cache[key] = singular_expansion(self, at, order=order)
        return cache[key]

    @property
    def leading_order(self):
        """Expansion order that is enough for the leading singular term: kink order + 2.

        The NTK of a kink of order a has gamma = a - 1/2 and the NNGP a + 1/2 at every depth and bias
        (THEORY section 4, propagation rule), so terms up to (1 -+ u)^(a+2) contain the leading one with room to spare (a + 1 lost
        the step kernel's t^(1/2) term to truncation inside the connection formula).
        """
        sm = self.network.activation.smoothness
        if sm.kind != "kink":
            return None
        return sympy.Rational(sm.order) + 2

    def parity(self) -> str | None:
        """'even'/'odd' when k(-u) = +-k(u) structurally (no bias, activation of definite parity)."""
        net = self.network
        act = net.activation
        if net.has_bias:
            return None
        if act.parity == "odd":
            return "odd"
        if act.parity == "even":
            # the first layer is odd in u; an even activation makes every later Sigma even
            return "even"
        return None

    @cached_property
    def _parity_poly(self):
        return {0: self._parity_part_degree(0), 1: self._parity_part_degree(1)}

    def polynomial_degree(self, parity: int):
        """Degree of the parity-``parity`` part of k when it is a polynomial, else None.

        -1 means the part is identically zero. A polynomial part certifies exact zero eigenvalues
        mu_k = 0 for every k of that parity above the degree (P_k is orthogonal to lower degrees).

        >>> from asympt.networks import ntk
        >>> ntk("relu").polynomial_degree(1)     # odd part of the He ReLU NTK is u
        1
        >>> ntk("relu", 3).polynomial_degree(1) is None
        True
        """
        if parity not in (0, 1):
            raise InvalidInput(f"parity must be 0 (even) or 1 (odd): {parity!r}")
        return self._parity_poly[parity]

    def _parity_part_degree(self, p):
        par = self.parity()
        if par == "odd" and p == 0 or par == "even" and p == 1:
            return -1
        if self.expr is None:
            return None
        act = self.network.activation
        expr = self.expr.rewrite(sympy.asin)  # acos(-u) = pi - acos(u) becomes visible as asin parity
        if act.family == "polynomial" or act.smoothness.kind == "polynomial":
            part = sympy.expand((expr + (-1) ** p * expr.subs(u, -u)) / 2)
            return _poly_degree(part)
        # cheap certificate that the part is NOT a polynomial: a non-cancelling singular term
        try:
            plus = self.singular(1, order=self.leading_order)
            minus = self.singular(-1, order=self.leading_order)
        except NotSupported:
            plus = minus = None
        if plus is not None and minus is not None:
            lead_p = {(t.nu, t.log_power): t.coeff for t in plus.terms}
            lead_m = {(t.nu, t.log_power): t.coeff for t in minus.terms}
            for key in set(lead_p) | set(lead_m):
                tot = lead_p.get(key, 0) + (-1) ** p * lead_m.get(key, 0)
                if sympy.simplify(tot) != 0:
                    return None
            if not plus.terms and not minus.terms and act.smoothness.kind != "polynomial":
                # analytic kernel: a polynomial part only if the activation is a polynomial
                return None
        part = (expr + (-1) ** p * expr.subs(u, -u)) / 2
        part = sympy.simplify(sympy.expand(part))
        return _poly_degree(part)


def _poly_degree(part):
    if part == 0:
        return -1
    if part.is_polynomial(u):
        return int(sympy.degree(part, u))
    return None


def check_kernel(kernel) -> DotProductKernel:
    if not isinstance(kernel, DotProductKernel):
        raise InvalidInput(f"kernel must be a DotProductKernel (use asympt.ntk or asympt.nngp): {kernel!r}")
    return kernel


__all__ += ["check_kernel", "NotSupported"]
