"""Generalised (Puiseux-log) series in one variable t -> 0+, with exact SymPy coefficients.

A :class:`GSeries` is a finite sum of terms ``c * t**e * log(t)**m`` (e a SymPy number, m >= 0
an integer) plus a remainder ``O(t**order)``: every term whose size exceeds ``t**order`` is
known exactly. This is the arithmetic behind the local expansions of deep kernels: power series
at u = 0 (integer exponents only) and singular expansions at u = +1 and u = -1, where a layer
map F(rho) = F_reg(rho) + c (1 - rho)^gamma + ... is composed with the inner layer's expansion
(the "propagation rule" of theory section 4: exponents take the minimum, coefficients add).

Every error raised here is :class:`asympt.core.errors.NotSupported` (an expansion this arithmetic cannot
carry out). Remainder bookkeeping is conservative: a product with a factor whose leading term carries a
logarithm loses the terms that sit exactly at the remainder's exponent.
"""

from __future__ import annotations

from functools import reduce

import sympy

from asympt.core.errors import NotSupported

__all__ = ["GSeries"]

_LOG_T = "log"


def _simp(c):
    # expand only small coefficients: expanding products of nested radicals (deep nets with bias)
    # multiplies the expression size at every layer
    if sympy.count_ops(c) <= 60:
        return sympy.expand(c)
    return c


class GSeries:
    """Sum of c * t**e * log(t)**m terms plus O(t**order); immutable."""

    __slots__ = ("terms", "order")

    def __init__(self, terms: dict, order):
        order = sympy.sympify(order)
        clean = {}
        for (e, m), c in terms.items():
            e = sympy.nsimplify(e) if not isinstance(e, sympy.Basic) else e
            if (e - order).is_positive or (e == order and int(m) == 0):
                continue
            c = _simp(c)
            if c == 0:
                continue
            clean[(e, int(m))] = c
        self.terms = clean
        self.order = order

    # -- constructors ------------------------------------------------------------------------
    @classmethod
    def constant(cls, c, order=sympy.oo):
        return cls({(sympy.Integer(0), 0): sympy.sympify(c)}, order)

    @classmethod
    def monomial(cls, c, e, order=sympy.oo, m=0):
        return cls({(sympy.sympify(e), m): sympy.sympify(c)}, order)

    @classmethod
    def from_sympy(cls, series_expr, t):
        """Parse the output of ``sympy.series(expr, t, 0, n)`` (t a positive symbol)."""
        order = sympy.oo
        o = series_expr.getO() if hasattr(series_expr, "getO") else None
        if o is not None:
            order = sympy.degree(o.expr, t) if o.expr.is_polynomial(t) else o.expr.as_base_exp()[1]
            if o.expr == 0:
                order = sympy.oo
        body = sympy.expand(series_expr.removeO()) if o is not None else sympy.expand(series_expr)
        terms: dict = {}
        for term in sympy.Add.make_args(body):
            coeff, dep = term.as_independent(t, as_Add=False)
            e, m = sympy.Integer(0), 0
            for base, power in dep.as_powers_dict().items():
                if base == t:
                    e += power
                elif base == sympy.log(t):
                    m += int(power)
                elif base == 1:
                    continue
                else:
                    raise NotSupported(f"series expansion: cannot parse the series term {term}")
            key = (sympy.nsimplify(e), m)
            terms[key] = terms.get(key, 0) + coeff
        return cls(terms, order)

    # -- inspection --------------------------------------------------------------------------
    def sorted_terms(self):
        """Terms from the largest (most singular) to the smallest as t -> 0+."""
        return sorted(self.terms.items(), key=lambda kv: (kv[0][0], -kv[0][1]))

    def lead(self):
        """(exponent, log power, coefficient) of the dominant term, or None when all is O(.)."""
        items = self.sorted_terms()
        if not items:
            return None
        (e, m), c = items[0]
        return e, m, c

    def coeff(self, e, m=0):
        return self.terms.get((sympy.sympify(e), m), sympy.Integer(0))

    def is_known_to(self, e) -> bool:
        return bool((self.order - e).is_positive)

    def __repr__(self):
        parts = [f"({c})*t^({e})" + (f"*log(t)^{m}" if m else "") for (e, m), c in self.sorted_terms()]
        return " + ".join(parts + [f"O(t^{self.order})"])

    # -- arithmetic --------------------------------------------------------------------------
    def truncate(self, order):
        return GSeries(self.terms, sympy.Min(self.order, order))

    def __add__(self, other):
        if not isinstance(other, GSeries):
            other = GSeries.constant(other)
        terms = dict(self.terms)
        for k, c in other.terms.items():
            terms[k] = terms.get(k, 0) + c
        return GSeries(terms, sympy.Min(self.order, other.order))

    __radd__ = __add__

    def __neg__(self):
        return GSeries({k: -c for k, c in self.terms.items()}, self.order)

    def __sub__(self, other):
        return self + (-other if isinstance(other, GSeries) else -sympy.sympify(other))

    def __rsub__(self, other):
        return (-self) + other

    def scale(self, c):
        c = sympy.sympify(c)
        if c == 0:
            return GSeries({}, sympy.oo)
        return GSeries({k: c * v for k, v in self.terms.items()}, self.order)

    def _lead_exp_for_order(self):
        """Exponent bounding |self| from above (the log of the lead is conservatively ignored)."""
        ld = self.lead()
        if ld is None:
            return self.order, False
        return ld[0], ld[1] > 0

    def __mul__(self, other):
        if not isinstance(other, GSeries):
            return self.scale(other)
        e1, log1 = self._lead_exp_for_order()
        e2, log2 = other._lead_exp_for_order()
        order = sympy.Min(self.order + e2, other.order + e1)
        drop_at_order = log1 or log2
        terms: dict = {}
        for (ea, ma), ca in self.terms.items():
            for (eb, mb), cb in other.terms.items():
                e = ea + eb
                if (e - order).is_positive or (e == order and ma + mb == 0):
                    continue
                key = (e, ma + mb)
                terms[key] = terms.get(key, 0) + ca * cb
        if drop_at_order and order != sympy.oo:
            # remainder times a log-carrying factor is O(t^order log t): keep strictly smaller exponents
            terms = {k: v for k, v in terms.items() if (k[0] - order).is_negative}
            order = order - sympy.Rational(1, 10**6)
            order = sympy.nsimplify(order)
        return GSeries(terms, order)

    __rmul__ = __mul__

    def power_int(self, n: int):
        return reduce(lambda a, b: a * b, [self] * n, GSeries.constant(1))

    def _split_lead(self):
        """Write self = L t^e0 (1 + r) with r -> 0; returns (L, e0, r)."""
        ld = self.lead()
        if ld is None:
            raise NotSupported("series expansion: the series has no known leading term (all of it is in the "
                               "remainder)")
        e0, m0, lc = ld
        if m0 != 0:
            raise NotSupported("expansion needs powers or logarithms of a series whose lead carries log(t) "
                               "(log(log t) terms); not supported")
        inv = GSeries.monomial(1 / lc, -e0)
        rest = GSeries({k: v for k, v in self.terms.items() if k != (e0, 0)}, self.order)
        r = rest * inv
        return lc, e0, r

    def power(self, gamma):
        """self**gamma for real gamma (lead coefficient must be positive when gamma is not an integer)."""
        gamma = sympy.sympify(gamma)
        if gamma.is_Integer and gamma >= 0:
            return self.power_int(int(gamma))
        lc, e0, r = self._split_lead()
        if not gamma.is_Integer and (lc.is_positive is False or (sympy.N(lc, 30) <= 0)):
            raise NotSupported(f"series expansion: non-integer power of a series with non-positive lead "
                               f"coefficient {lc}")
        # relative accuracy needed: orders above e0*gamma
        out = self._binomial(r, gamma)
        return out * GSeries.monomial(lc ** gamma, e0 * gamma)

    @staticmethod
    def _nterms(r):
        lr = r.lead()
        if lr is None:
            return 0
        if r.order == sympy.oo:
            return 12
        e_r = lr[0]
        if not e_r.is_positive:
            raise NotSupported("series expansion: the relative correction of a power does not vanish as t -> 0")
        return int(sympy.ceiling(r.order / e_r)) + 1

    @classmethod
    def _binomial(cls, r, gamma):
        out = GSeries.constant(1, r.order)
        term = GSeries.constant(1)
        for j in range(1, cls._nterms(r) + 1):
            term = term * r
            out = out + term.scale(sympy.binomial(gamma, j))
        return out

    @classmethod
    def _log1p(cls, r):
        out = GSeries({}, r.order)
        term = GSeries.constant(1)
        for j in range(1, cls._nterms(r) + 1):
            term = term * r
            out = out + term.scale(sympy.Integer(-1) ** (j + 1) / j)
        return out

    def log(self):
        """log(self) as a series in t (introduces log(t) terms)."""
        lc, e0, r = self._split_lead()
        base = GSeries({(sympy.Integer(0), 0): sympy.log(lc), (sympy.Integer(0), 1): e0}, sympy.oo)
        return base + self._log1p(r)

    def compose(self, inner):
        """self(inner(t)): self is a series in s, inner -> 0+ is a series in t.

        Integer non-negative exponents are expanded directly; other exponents need
        inner's leading coefficient to be positive.
        """
        lead = inner.lead()
        if lead is None:
            raise NotSupported("series expansion: the inner series vanishes to all known orders")
        e_in = lead[0]
        total = GSeries({}, self.order * e_in if self.order != sympy.oo else sympy.oo)
        cache_pow = {}
        log_inner = None
        for (e, m), c in self.terms.items():
            if e not in cache_pow:
                cache_pow[e] = inner.power(e) if e != 0 else GSeries.constant(1)
            piece = cache_pow[e]
            if m:
                if log_inner is None:
                    log_inner = inner.log()
                piece = piece * log_inner.power_int(m)
            total = total + piece.scale(c)
        return total
