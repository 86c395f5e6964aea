"""The dot-product kernel k(u), u = x.x', of a network on the sphere.

A :class:`DotProductKernel` bundles one network's kernel in every form asympt needs:

* ``expr``: a SymPy expression in :data:`asympt.u` when every layer map has a closed form;
* ``k(u_array)``: a vectorized float64 evaluator (lambdified closed form, or tensor Gauss-Hermite
  quadrature of the dual maps for activations without one);
* ``k.mp(u)`` / ``k.mp_theta(theta)``: mpmath evaluators at the caller's precision (``mp_theta``
  evaluates k(cos theta) with enough guard digits for 1 - u ~ theta^2 / 2);
* ``value_at_one`` (exact, tidied when SymPy can), ``end_value(+-1)`` (exact, tidied only when cheap),
  ``series(n)``, ``singular(at)``, ``polynomial_degree(parity)``.

Conventions: :mod:`asympt.core.conventions`. (Slightly over 500 lines on purpose: one object and its
evaluators; the layer recursion lives in :mod:`.layers` and the parity recursion in :mod:`.parity`.)
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import sympy

from asympt.core.conventions import u
from .dual_kernels import dual_map
from asympt.core.errors import InvalidInput, NotSupported
from .layers import _gauss_moment, recursion, variances
from .parity import ParityPair, _is_poly, parity_structure

__all__ = ["DotProductKernel", "ParityPair", "ParityPart", "format_value", "parity_structure", "variances"]


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

    >>> from asympt.kernels.networks import ntk
    >>> k = ntk("relu")                       # He scales, 2 layers, no bias
    >>> sympy.simplify((k.expr - (u + (2*u*sympy.asin(u) + sympy.sqrt(1 - u**2))/sympy.pi)).rewrite(sympy.asin))
    0
    >>> float(k(0.0))                         # 1/pi
    0.3183098861837907
    """

    def __init__(self, net, *, name: str | None = None):
        self.network = net
        self.name = name or ("ntk" if len(net.train) == 2 * net.layers else "kernel")
        self._dm = dual_map(net.activation)

    def __repr__(self):
        """One readable line: what the kernel is, and its closed form when that is short.

        >>> from asympt.kernels.networks import ntk
        >>> ntk("relu")
        DotProductKernel(NTK; 2-layer network (1 hidden layer), activation relu, sigma_w = (1, sqrt(2)), sigma_b = (0, 0), trained: all layers (NTK); k(u) = u*(pi - acos(u))/pi + (u*(pi - acos(u)) + sqrt(1 - u**2))/pi)
        """
        from asympt.core.symbolic import safe_str

        text = f"DotProductKernel({self._kind_word()}; {self.network.describe()}"
        if self.closed_form:
            short = safe_str(self.expr, 160)
            text += f"; k(u) = {short}" if short else "; k(u): a long closed form (see .expr)"
        else:
            text += "; k(u): no closed form (quadrature of the dual maps)"
        return text + ")"

    def _kind_word(self) -> str:
        net = self.network
        if len(net.train) == 2 * net.layers:
            return "NTK"
        if net.trained_layers() == [net.layers]:
            return "NNGP / random-features kernel"
        return "tangent kernel of the trained layers"

    def _repr_latex_(self) -> str:
        """LaTeX for notebooks: k(u) in closed form when it is at most 3000 characters, else a description.

        >>> from asympt.kernels.networks import nngp
        >>> print(nngp("erf")._repr_latex_())
        $k(u) = \\frac{4 \\operatorname{asin}{\\left(\\frac{2 u}{3} \\right)}}{\\pi}$
        """
        what = self.network.describe().replace("_", r"\_")
        if self.closed_form:
            tex = sympy.latex(self.expr)
            if len(tex) <= 3000:
                return f"$k(u) = {tex}$"
            return rf"$k(u)$: \text{{closed form of {sympy.count_ops(self.expr)} operations ({what})}}"
        return rf"$k(u)$: \text{{no closed form ({what})}}"

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

        >>> from asympt.kernels.networks import ntk
        >>> ntk("relu", 3).value_at_one
        3
        """
        if self.expr is not None:
            value = self._end_values_exact[0]
            return _tidy_constant(value) if _nested_transcendental(value) else value
        # At u = 1 every layer sees c = q: V(q, q) = E[s(sqrt(q) z)^2] and Vd(q, q) = E[s'(sqrt(q) z)^2]
        # are one-dimensional Gaussian moments (30 digits), far cheaper than the Hermite series at rho = 1.
        from .activations import x as _x

        net = self.network
        expr = net.activation.expr
        dexpr = sympy.diff(expr, _x)
        qs = variances(net)
        _, theta = recursion(net, qs[0], lambda l, q, c: _gauss_moment(expr, q),
                             lambda l, q, c: _gauss_moment(dexpr, q), qs)
        return sympy.Float(theta, 30)

    def end_value(self, end: int):
        """k(+1) or k(-1) as an exact SymPy constant, cheap: simplified only when it has no nested
        transcendental function (a Float of 30 digits for kernels without a closed form at u = +1, None at
        u = -1). :attr:`value_at_one` is k(1) in a tidy form whenever SymPy finds one cheaply."""
        if end not in (1, -1):
            raise InvalidInput(f"end must be 1 or -1, not {end!r}")
        if self.expr is None:
            return self.value_at_one if end == 1 else None
        return self._end_values_exact[0 if end == 1 else 1]

    def _recursion_at(self, value):
        """k(value) exactly by the layer recursion at one point (no closed form in u is built)."""
        net = self.network
        s1 = net.sigma_w[0] ** 2 * value + net.sigma_b[0] ** 2
        _, theta = recursion(net, s1, lambda l, q, c: self._dm.V_sym(q, c), lambda l, q, c: self._dm.Vd_sym(q, c),
                             variances(net))
        return theta

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
            return tuple(float(sympy.N(e, 20)) for e in self._end_values_exact)
        import numpy as np

        return tuple(float(np.asarray(self._np_fn(np.array([e])))[0]) for e in (1.0, -1.0))

    @cached_property
    def _end_values_exact(self):
        """(k(1), k(-1)) exactly. Simplified (:func:`_tidy_constant`) unless they nest transcendental
        functions (3 or more layers): SymPy needs the simplification to see that a value such as k(-1) of
        the 2-layer relu^1/2 NNGP, a combination of 2F1(..; 1), is exactly 0, and a nested value is left as
        the closed form gives it (simplifying took up to minutes; its decimals come from ``sympy.N``)."""
        if self.expr is None:
            return (None, None)
        if self.network.layers >= 4 and self.expr.has(sympy.hyper):
            # deep x_+^a kernels with fractional a: the nested 2F1 closed form at u = +-1 is slow to evaluate
            # and simplify (minutes at 4 layers with bias); the recursion at u = +-1 uses V(q, +-q) in closed
            # form (dual_kernels, E_at_one) at every layer.
            raw = tuple(self._recursion_at(e) for e in (1, -1))
        else:
            raw = tuple(self.expr.subs(u, e) for e in (1, -1))
        return tuple(v if _nested_transcendental(v) else _tidy_constant(v) for v in raw)

    def mp(self, value):
        """k(value) at the current mpmath precision."""
        if value == 1 or value == -1:
            exact = self._end_values_exact[0 if value == 1 else 1]
            if exact is not None:
                import mpmath

                return mpmath.mpf(sympy.N(exact, mpmath.mp.dps + 5))
        return self._mp_fn(value)

    def evaluate(self, value, digits: int = 15):
        """k(value) to ``digits`` significant digits, as an :class:`~asympt.core.precision.Approx`.

        ``value`` is taken exactly (a SymPy Rational, an int, or a decimal/``p/q`` string such as
        ``"0.3"``: the decimal 3/10, not the nearest binary float). The kernel is evaluated at
        digits + 10 and digits + 25 working digits; the difference bounds the rounding and
        cancellation error (for quadrature-only kernels it also tracks the quadrature tolerance,
        which follows the working precision). End points u = +-1 use the exact values.

        >>> from asympt.kernels.networks import ntk
        >>> a = ntk("relu").evaluate("0.3", 30)       # 0.3 + (0.6 asin(0.3) + sqrt(0.91))/pi
        >>> format_value(a, 30)
        '0.661840289041691108785409242929'
        """
        import mpmath

        from asympt.core.parse import parse_rational
        from asympt.core.errors import check_int
        from asympt.core.precision import Approx

        digits = check_int("digits", digits, minimum=1, maximum=1000)
        if isinstance(value, str):
            val = parse_rational(value, "u")
        else:
            val = sympy.Rational(value) if not isinstance(value, float) else sympy.Rational(repr(value))
        if not -1 <= val <= 1:
            raise InvalidInput(f"u must lie in [-1, 1] (u = x.x' on the unit sphere): {value!r}")

        def at(dps):
            with mpmath.workdps(dps):
                if abs(val) == 1 and self.expr is not None:
                    return mpmath.mpf(sympy.N(self._end_values_exact[0 if val == 1 else 1], dps + 5))
                x0 = mpmath.mpf(val.p) / val.q
                return +self.mp(x0)

        lo_dps, hi_dps = digits + 10, digits + 25
        with mpmath.workdps(hi_dps):
            hi = at(hi_dps)
            lo = at(lo_dps)
            err = abs(hi - lo) + abs(hi) * mpmath.mpf(10) ** (-(digits + 20))
            return Approx(hi, err)

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
        from asympt.core.errors import check_int
        from .expansions import power_series

        n = check_int("n", n, minimum=1, maximum=200)
        return power_series(self, n)

    def singular(self, at: int = 1, order=None):
        """:class:`~asympt.kernels.expansions.SingularExpansion` of k at u = ``at`` (+1 or -1).

        ``order`` is the power of (1 -+ u) to which terms are kept (default: three beyond the kink).
        """
        from asympt.core.errors import AsymptError

        from .expansions import default_order, singular_expansion

        # the kernel owns this cache: an expansion, or the refusal, is worked out once per (end, order);
        # a refusal is remembered too, so a table asking again for every d or data kind does not redo it
        cache = self.__dict__.setdefault("_singular_cache", {})
        key = (at, default_order(self.network) if order is None else sympy.Rational(order))
        if key not in cache:
            try:
                cache[key] = singular_expansion(self, at, order=order)
            except AsymptError as err:
                cache[key] = err
        found = cache[key]
        if isinstance(found, AsymptError):
            raise type(found)(*found.args)
        return found

    @property
    def leading_order(self):
        """Expansion order that is enough for the leading singular term (None for smooth activations).

        Default: kink order a + 2. The NTK of a kink of order a has gamma = a - 1/2 and the NNGP a + 1/2
        at every depth when the layer slope at rho = 1 is finite (a > 1/2; theory section 4), so terms
        up to (1 -+ u)^(a+2) contain the leading one with room to spare (a + 1 lost the step kernel's
        t^(1/2) term to truncation inside the connection formula). Deep kernels (3+ layers) whose
        exponents live on a finer lattice (2a not an integer, or a < 1/2 where the slope is infinite and
        gamma_L = (a + 1/2)^(L-1)) use the smallest order that still fixes the leading term: the
        number of terms there grows so fast that a + 2 took minutes (relu^0.75, 3 layers).
        """
        from .expansions import default_order

        return default_order(self.network, leading=True)

    @cached_property
    def parity_pair(self) -> "ParityPair":
        """k split as even + odd part, each an exact polynomial in u where provable (else U).

        See :func:`parity_structure`.
        """
        return parity_structure(self.network)

    def parity(self) -> str | None:
        """'even'/'odd' when k(-u) = +-k(u) is certified (the other parity part is exactly 0), else None.

        >>> from asympt.kernels.networks import ntk
        >>> ntk("erf", 3).parity(), ntk("abs", 2).parity(), ntk("relu").parity()
        ('odd', 'even', None)
        """
        pair = self.parity_pair
        if _is_poly(pair.even) and pair.even == 0:
            return "odd"
        if _is_poly(pair.odd) and pair.odd == 0:
            return "even"
        return None

    @cached_property
    def _parity_parts(self):
        return {0: self._parity_part(0), 1: self._parity_part(1)}

    def parity_part(self, parity: int) -> "ParityPart":
        """What is certified about the parity-``parity`` part (k(u) + (-1)^p k(-u))/2 of k.

        ``status`` is ``"zero"``, ``"polynomial"`` (exact ``poly`` of degree ``degree``),
        ``"not polynomial"`` (proved: a singular term at u = +-1 survives on this parity) or
        ``"undecided"`` (the layers mix the parities and no proof either way was found).

        >>> from asympt.kernels.networks import ntk
        >>> ntk("gelu").parity_part(1)
        ParityPart(status='polynomial', degree=1, poly=u, reason='odd part of gelu is x/2: the kernel part is exact')
        """
        if parity not in (0, 1):
            raise InvalidInput(f"parity must be 0 (even) or 1 (odd): {parity!r}")
        return self._parity_parts[parity]

    def polynomial_degree(self, parity: int):
        """Degree of the parity-``parity`` part of k when it is a polynomial, else None.

        -1 means the part is identically zero. A polynomial part certifies exact zero eigenvalues
        mu_k = 0 for every k of that parity above the degree (P_k is orthogonal to lower degrees).
        None means "not a polynomial" or "undecided" (see :meth:`parity_part`); it never claims a zero.

        >>> from asympt.kernels.networks import ntk
        >>> ntk("relu").polynomial_degree(1)     # odd part of the He ReLU NTK is u
        1
        >>> ntk("relu", 3).polynomial_degree(1) is None
        True
        >>> ntk("gelu").polynomial_degree(1), ntk("sigmoid").polynomial_degree(0)
        (1, 0)
        """
        return self.parity_part(parity).degree

    def _parity_part(self, p) -> "ParityPart":
        name = "even" if p == 0 else "odd"
        part = self.parity_pair.even if p == 0 else self.parity_pair.odd
        if _is_poly(part):
            from .activations import polynomial_parts

            if part == 0:
                return ParityPart("zero", -1, sympy.S.Zero, f"the {name} part of k vanishes identically")
            src = polynomial_parts(self.network.activation)[p]
            why = (f"{name} part of {self.network.activation.name} is {src}" if src is not None and src != 0
                   else "the activation is a polynomial" if src is not None else "layer algebra")
            return ParityPart("polynomial", int(sympy.degree(part, u)), part, why + ": the kernel part is exact")
        if self.expr is None:
            from .activations import _known_parts

            certain = _known_parts(self.network.activation) is not None
            status = "not polynomial" if certain and not self._mixes() else "undecided"
            return ParityPart(status, None, None, self._undecided_reason(name, certain))
        return self._closed_form_part(p, name)

    def _mixes(self) -> bool:
        """True when a layer input may carry both parities (first-layer bias, or depth >= 3)."""
        return self.network.layers >= 3 or self.network.first_layer_bias

    def _undecided_reason(self, name, certain=True):
        if self._mixes():
            return (f"the layers mix the even and odd parts of the activation; no exact polynomial {name} part "
                    "was found and none is excluded (no exact zeros are claimed)")
        if certain:
            # 2 layers, no first-layer bias: the part is a Hermite series with non-negative coefficients
            return f"the {name} part of the activation is not a polynomial (infinitely many Hermite terms)"
        return (f"SymPy could not prove the {name} part of the activation a polynomial "
                "(no exact zeros are claimed)")

    def _closed_form_part(self, p, name) -> "ParityPart":
        """Closed-form kernels: a surviving singular term proves the part is not a polynomial."""
        try:
            plus = self.singular(1, order=self.leading_order)
            minus = self.singular(-1, order=self.leading_order)
        except (NotSupported, NotImplementedError, ValueError):
            plus = minus = None
        if plus is not None and minus is not None:
            lead_p = {(t.exponent, t.log_power): t.coeff for t in plus.terms}
            lead_m = {(t.exponent, t.log_power): t.coeff for t in minus.terms}
            for key in set(lead_p) | set(lead_m):
                tot = lead_p.get(key, 0) + (-1) ** p * lead_m.get(key, 0)
                if not _is_zero(tot):
                    return ParityPart("not polynomial", None, None,
                                      f"the {name} part has the non-analytic term t^{key[0]} at u = +-1")
        expr = self.expr
        if plus is None or minus is None or expr.has(sympy.hyper) or sympy.count_ops(expr) > 150 or \
                _nested_transcendental(expr):
            return ParityPart("undecided", None, None, f"no singular term proves the {name} part non-polynomial and "
                              "SymPy does not reduce it to a polynomial (no exact zeros are claimed)")
        expr = expr.rewrite(sympy.asin)  # acos(-u) = pi - acos(u) becomes visible as asin parity
        part = sympy.simplify(sympy.expand((expr + (-1) ** p * expr.subs(u, -u)) / 2))
        deg = _poly_degree(part)
        if deg is None:
            return ParityPart("undecided", None, None, f"no singular term proves the {name} part non-polynomial and "
                              "SymPy does not reduce it to a polynomial (no exact zeros are claimed)")
        if deg == -1:
            return ParityPart("zero", -1, sympy.S.Zero, f"the {name} part of k vanishes identically (SymPy)")
        return ParityPart("polynomial", deg, part, f"SymPy simplifies the {name} part to a polynomial")


@dataclass(frozen=True)
class ParityPart:
    """Certified status of one parity part of a kernel (see :meth:`DotProductKernel.parity_part`)."""

    status: str
    degree: int | None
    poly: object
    reason: str


def _is_zero(expr) -> bool:
    from .expansions import _is_zero as is_zero

    return is_zero(expr)


#: operations of a constant with nested transcendental functions above which SymPy's simplify is not
#: tried. Measured (one core, the end values k(+-1) of the full grid's closed forms): at most 60 ops
#: simplify in 0.04-0.5 s (3-layer erf, sin with bias: 41 ops, 4.9 s, the slowest kept); beyond, 4-layer
#: erf 104-128 ops 0.5-1.1 s, sin 93 ops 3.1 s, relu^1/2 with bias 344 ops 8.3 s, and 4-layer sin with a
#: bias (114 ops) and relu^3/2 with a bias (1263 ops) did not finish in 40 s (minutes in the full grid).
_SIMPLIFY_NESTED_OPS = 60


def _tidy_constant(value):
    """An exact constant (k at u = +-1), simplified when SymPy can do it cheaply.

    Left as it is (still exact, only not tidied) when it nests transcendental functions and has more
    than ``_SIMPLIFY_NESTED_OPS`` operations, or when the simplified form is not the same number: SymPy
    1.14 simplifies k(-1) of the 4-layer sin random-features kernel with a bias into an expression
    holding a free ``_Dummy`` symbol. The simplified form is kept only if it has no free symbol and agrees
    with the original to 30 digits (both evaluated by ``sympy.N`` at 40)."""
    if _nested_transcendental(value) and sympy.count_ops(value) > _SIMPLIFY_NESTED_OPS:
        return value
    tidy = sympy.simplify(value)
    if tidy == value:
        return tidy
    if tidy.free_symbols:
        return value
    a, b = sympy.N(tidy, 40), sympy.N(value, 40)
    if not (a.is_number and b.is_number):
        return value
    return tidy if abs(a - b) <= sympy.Float("1e-30", 40) * max(1, abs(b)) else value


def _nested_transcendental(expr) -> bool:
    """Whether a transcendental function of ``expr`` has another one inside its argument (a layer map of a
    layer map: 3 or more layers of arcsin, sinh, ...). SymPy's simplify then spends 10-30 s and does not
    reduce a parity part to a polynomial; such parts stay "undecided" (no zero is claimed)."""
    funcs = [f for f in expr.atoms(sympy.Function) if not isinstance(f, sympy.Pow)]
    return any(g is not f and f.has(g) for f in funcs for g in funcs)


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


def format_value(approx, digits: int) -> str:
    """The digits of ``approx`` that are both requested and covered by its error bound.

    Formatting happens at the value's own precision (converting to an mpf at the default 15
    digits first would print a float64's binary expansion beyond the 16th digit).
    """
    import mpmath

    from asympt.core.precision import format_sig

    with mpmath.workdps(digits + 10):
        val = +approx.value
        err = max(abs(approx.abs_error), abs(val) * mpmath.mpf(10) ** (-digits))
        return format_sig(val, err, max_digits=digits)
