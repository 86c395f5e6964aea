"""The exact tier's recogniser: a kernel's closed form as a finite sum of polynomial(u) * atom (theory 5).

:func:`exact_eigenvalues` decomposes k(u) into atoms whose eigenvalue sequences the catalogue
(:mod:`.gamma_forms`, :mod:`.special_forms`) knows, and sums them exactly, holding each sequence as a
rational combination of a few SymPy constants. Described in :mod:`asympt.spectrum.closed_forms`.
"""

from __future__ import annotations

from fractions import Fraction

import sympy

from asympt.core.conventions import u
from asympt.core.errors import InvalidInput, NotSupported, check_int

from .gamma_forms import (
    _HALF, _R, _S, _canon, _dim, _frac, _pow_constant, _ratios,
)
from .special_forms import (
    _even_hyper_const, _odd_hyper_const,
)

__all__ = ["exact_eigenvalues"]


# ---- exact_eigenvalues: recognise k(u) as a sum of polynomial(u) * atom ---------------------------
#
# Atoms (hashable keys):
#   ("one",)                      the constant 1 (polynomials come from item 7 applied to it)
#   ("even", al, be, s)           2F1(al, be; 1/2; s u^2)           (Fractions al, be, s)
#   ("odd", al, be, s)            u 2F1(al, be; 3/2; s u^2)
#   ("pow", g, sign)              (1 - sign u)^g                     (Fraction g, sign = +1 or -1)
#   ("exp", q)                    e^(q u)                            (q a nonzero real SymPy number)
# A sequence is a list over k of {(constant, special): Fraction}: mu_k = sum Fraction * constant * special,
# with constant 1 or a per-parity Gamma constant, and special 1 or (hyper / Bessel atoms) a per-k
# special-function value.

_ONE = ("one",)


class _Unrecognised(Exception):
    """Internal: the expression is not a finite sum of polynomial * atom."""


def _coeff_of_u(arg, power):
    """c with arg == c * u**power, c a nonzero real number, else None."""
    c = sympy.expand(arg / u**power)
    if c.has(u) or not c.is_number or c == 0 or c.is_extended_real is not True:
        return None
    return c


def _parse_atom(f):
    """[(atom, coefficient, shift in the power of u)] with f == sum coefficient * u^shift * atom."""
    if isinstance(f, (sympy.asin, sympy.acos)):
        c = _coeff_of_u(f.args[0], 1)
        s = _frac(c**2) if c is not None else None
        if s is None or s > 1:
            raise _Unrecognised
        # arcsin(c u) = c u 2F1(1/2, 1/2; 3/2; c^2 u^2); arccos = pi/2 - arcsin
        odd = (("odd", _HALF, _HALF, s), c, 0)
        if isinstance(f, sympy.asin):
            return [odd]
        return [(_ONE, sympy.pi / 2, 0), (odd[0], -c, 0)]
    if isinstance(f, sympy.exp) or (f.is_Pow and f.base is sympy.E):
        arg = f.args[0] if isinstance(f, sympy.exp) else f.exp
        q = _coeff_of_u(arg, 1)
        if q is None:
            raise _Unrecognised
        return [(("exp", q), _S.One, 0)]
    if isinstance(f, (sympy.sinh, sympy.cosh)):
        q = _coeff_of_u(f.args[0], 1)
        if q is None:
            raise _Unrecognised
        sgn = -1 if isinstance(f, sympy.sinh) else 1
        return [(("exp", q), _S.Half, 0), (("exp", -q), sgn * _S.Half, 0)]
    if isinstance(f, sympy.hyper):
        ap, bq, z = f.ap, f.bq, f.argument
        if len(ap) != 2 or len(bq) != 1:
            raise _Unrecognised
        al, be, c = _frac(ap[0]), _frac(ap[1]), _frac(bq[0])
        s = _coeff_of_u(z, 2)
        s = _frac(s) if s is not None else None
        if None in (al, be, c, s) or s > 1 or s <= -1:
            raise _Unrecognised
        if c == _HALF:
            return [(("even", al, be, s), _S.One, 0)]
        if c == Fraction(3, 2):
            return [(("odd", al, be, s), _S.One, -1)]
        raise _Unrecognised
    if f.is_Pow:
        e = _frac(f.exp)
        if e is None or e.denominator == 1 and e > 0:
            raise _Unrecognised  # integer powers of non-polynomials were expanded away
        base = f.base
        if not base.is_polynomial(u):
            raise _Unrecognised
        poly = sympy.Poly(base, u)
        if poly.degree() > 2:
            raise _Unrecognised
        c0, c1, c2 = (poly.coeff_monomial(u**i) for i in range(3))
        if not (c0.is_number and c0.is_positive):
            raise _Unrecognised
        scale = c0 ** f.exp
        if c1 == 0 and c2 != 0:
            s = _frac(-c2 / c0)
            if s is None or s > 1 or s <= -1:
                raise _Unrecognised
            # (1 - s u^2)^e = 2F1(-e, 1/2; 1/2; s u^2)
            return [(("even", -e, _HALF, s), scale, 0)]
        if c2 == 0 and c1 != 0:
            r = c1 / c0
            if r == -1:
                return [(("pow", e, 1), scale, 0)]
            if r == 1:
                return [(("pow", e, -1), scale, 0)]
        raise _Unrecognised
    raise _Unrecognised


def _parse_term(term):
    """[(atom, power of u, coefficient)] for one product term."""
    coeff, p, factors = _S.One, 0, []
    for f in sympy.Mul.make_args(term):
        if not f.has(u):
            coeff *= f
        elif f == u:
            p += 1
        elif f.is_Pow and f.base == u and f.exp.is_Integer and f.exp > 0:
            p += int(f.exp)
        else:
            factors.append(f)
    if not factors:
        return [(_ONE, p, coeff)]
    parsed = [_parse_atom(f) for f in factors]
    if len(parsed) == 2 and all(len(x) == 1 and x[0][0][0] == "pow" for x in parsed):
        (a1, c1, _), (a2, c2, _) = parsed[0][0], parsed[1][0]
        if a1[1] == a2[1] and a1[2] == -a2[2]:
            # (1-u)^e (1+u)^e = (1-u^2)^e = 2F1(-e, 1/2; 1/2; u^2)
            parsed = [[(("even", -a1[1], _HALF, Fraction(1)), c1 * c2, 0)]]
    if len(parsed) != 1:
        raise _Unrecognised
    out = []
    for atom, c, shift in parsed[0]:
        if p + shift < 0:
            raise _Unrecognised
        out.append((atom, p + shift, coeff * c))
    return out


def _transcendental(node) -> bool:
    return isinstance(node, sympy.Function) or (node.is_Pow and not node.exp.is_Integer) or (
        node.is_Pow and node.base is sympy.E)


def _shallow(expr) -> bool:
    """False as soon as a function of u has an argument that is itself transcendental in u.

    Catches depth >= 3 kernels (arccos of arccos ...) before any expansion, in one early-exit walk.
    """
    for node in sympy.preorder_traversal(expr):
        if _transcendental(node) and node.has(u):
            for arg in node.args:
                if arg.has(u) and any(_transcendental(s) and s.has(u) for s in sympy.preorder_traversal(arg)):
                    return False
    return True


def _decompose(expr) -> dict:
    """{atom: {power p: coefficient}} with expr == sum coefficient * u^p * atom, or _Unrecognised."""
    if expr.free_symbols - {u} or expr.has(sympy.Float) or not _shallow(expr):
        raise _Unrecognised
    out: dict = {}
    for term in sympy.Add.make_args(sympy.expand(expr)):
        for atom, p, c in _parse_term(term):
            polys = out.setdefault(atom, {})
            polys[p] = polys.get(p, _S.Zero) + c
    return out


def _atom_sequence(atom, d: int, n: int, allow_hyper: bool) -> list:
    """mu_0..mu_(n-1) of one atom as [{constant: Fraction}]."""
    seq = [dict() for _ in range(n)]
    kind = atom[0]
    if kind == "one":
        seq[0] = {(_S.One, _S.One): Fraction(1)}
        return seq
    h = Fraction(d, 2)
    if kind in ("even", "odd"):
        _, al, be, s = atom
        start = 0 if kind == "even" else 1
        count = (n - start + 1) // 2
        if s == 1:
            const, nums, dens = (_even_hyper_const if kind == "even" else _odd_hyper_const)(al, be, d)
            for m, r in enumerate(_ratios(nums, dens, count)):
                if r:
                    seq[start + 2 * m] = {(const, _S.One): r}
            return seq
        if not allow_hyper:
            raise NotSupported("2F1 at s != 1 is not a closed form (pass allow_hyper=True)")
        # mu_(2m+start) = Gamma(d/2)/(2^start Gamma(2m+start+d/2)) s^m (al)_m (be)_m 2F1(al+m, be+m; 2m+start+d/2; s)
        coef = Fraction(1, 2) / h if start else Fraction(1)
        for m in range(count):
            if coef:
                c = 2 * m + start + h
                basis = sympy.hyper([_R(al + m), _R(be + m)], [_R(c)], _R(s))
                seq[start + 2 * m] = {(_S.One, basis): coef}
            coef = coef * s * (al + m) * (be + m) / ((h + 2 * m + start) * (h + 2 * m + start + 1))
        return seq
    if kind == "pow":
        _, g, sign = atom
        if not g + Fraction(d - 1, 2) > 0:
            raise NotSupported(f"(1 -+ u)^{g} is not integrable on S^{d - 1}")
        const = _canon(_pow_constant(_R(g), d))
        for k, r in enumerate(_ratios([-g], [g + d - 1], n)):
            if r:
                seq[k] = {(const, _S.One): r if sign == 1 or k % 2 == 0 else -r}
        return seq
    if kind == "exp":
        q = atom[1]
        Q, neg = (-q, True) if q.is_negative else (q, False)
        lam = sympy.Rational(d - 2, 2)
        pref = _canon(sympy.gamma(sympy.Rational(d, 2))) * (2 / Q) ** lam
        for k in range(n):
            # evaluate=False: besseli.eval would only unpolarify a positive argument (1 ms per call)
            seq[k] = {(pref, sympy.besseli(k + lam, Q, evaluate=False)): Fraction(-1 if neg and k % 2 else 1)}
        return seq
    raise AssertionError(atom)


def _times_u_sequence(seq: list, d: int) -> list:
    """Item 7 on a list of {key: Fraction}; one shorter."""
    out = []
    for k in range(len(seq) - 1):
        if k == 0:
            out.append(dict(seq[1]))
            continue
        den = 2 * k + d - 2
        a, b = Fraction(k, den), Fraction(k + d - 2, den)
        res = {key: a * v for key, v in seq[k - 1].items()}
        for key, v in seq[k + 1].items():
            res[key] = res.get(key, 0) + b * v
        out.append({key: v for key, v in res.items() if v})
    return out


def _eigenvalues_of_expr(expr, d: int, kmax: int, allow_hyper: bool):
    try:
        terms = _decompose(expr)
    except _Unrecognised:
        return None
    split_cache: dict = {}

    def split(c, const):
        # c * const as sum of Fraction * rest, so that equal constants from different atoms merge
        key = (c, const)
        if key not in split_cache:
            parts = []
            for t in sympy.Add.make_args(sympy.expand(c * const)):
                num, rest = t.as_coeff_Mul()
                f = _frac(num)
                if f is None:
                    raise _Unrecognised
                parts.append((f, rest))
            split_cache[key] = parts
        return split_cache[key]

    acc = [dict() for _ in range(kmax + 1)]
    try:
        for atom, polys in terms.items():
            polys = {p: _canon(c) for p, c in polys.items() if c != 0}
            if not polys:
                continue
            pmax = max(polys)
            seq = _atom_sequence(atom, d, kmax + pmax + 1, allow_hyper)
            for p in range(pmax + 1):
                c = polys.get(p)
                if c is not None:
                    for k in range(kmax + 1):
                        for (const, special), r in seq[k].items():
                            for f, rest in split(c, const):
                                key = (rest, special)
                                acc[k][key] = acc[k].get(key, 0) + r * f
                if p < pmax:
                    seq = _times_u_sequence(seq, d)
    except (_Unrecognised, NotSupported):
        return None
    return [sympy.Add(*[sympy.Mul(_R(v), rest, special) for (rest, special), v in terms_k.items() if v])
            for terms_k in acc]


def exact_eigenvalues(kernel, dim: int, kmax: int, *, allow_hyper: bool = False):
    """Exact mu_0..mu_kmax of a dot-product kernel, or None when its expression is not recognised.

    ``kernel`` is a :class:`~asympt.kernels.kernel.DotProductKernel` (its ``expr``, a SymPy expression in
    :data:`asympt.u`, is used) or such an expression. Recognised: finite sums of polynomial(u) * atom,
    with atom one of

    * 1 (so any polynomial), arcsin(u), arccos(u) (= pi/2 - arcsin u), sqrt(1 - u^2) and every
      (a - a u^2)^e, sqrt(1-u) sqrt(1+u) (read as (1-u^2)^(1/2)), (1 - u)^g and (1 + u)^g, rational e, g;
    * hyper([al, be], [1/2], u^2) and u * hyper([al, be], [3/2], u^2), rational parameters (the E_a
      maps of :func:`asympt.kernels.dual_kernels.arccos_kernel_E` for non-integer a);
    * exp(q u), sinh(q u), cosh(q u), q a nonzero real number (values with ``besseli``).

    arcsin(c u), (a - b u^2)^e and the hyper atoms at s u^2 with rational 0 < |c^2|, |b/a|, |s| < 1
    (erf kernels) lead to a 2F1 at that argument, which is not a closed form: the function returns None
    for them unless ``allow_hyper=True``, which gives exact values holding unevaluated SymPy ``hyper``
    objects (N() evaluates them; about 5x slower to build). Anything else (first-layer bias, whose
    arccos argument is (1+u)/2; depth >= 3, whose arccos has an arccos inside; numeric-only activations
    with ``expr`` None; Floats; products of two atoms) gives None after one early-exit tree walk.
    A kernel whose Funk-Hecke integral diverges (e.g. (1-u^2)^(-1/2) on the circle) also gives None.

    Every value is exact: items 4/7 on the constant, Gauss summation for the 2F1 atoms (theory 5.8),
    Rodrigues for (1 -+ u)^g (5.1-5.2), Bessel for exponentials (5.6), and repeated multiplication by u
    (5.7) for the polynomial factors, all with rational arithmetic in k.

    Raises :class:`~asympt.core.errors.InvalidInput` for dim < 2, kmax < 0 or a ``kernel`` that is neither a
    DotProductKernel nor a SymPy expression.

    >>> from asympt.kernels.networks import ntk, nngp
    >>> exact_eigenvalues(ntk("relu"), 3, 4)          # He 2-layer ReLU NTK on S^2
    [1/2, 1/3, 5/64, 0, 1/192]
    >>> exact_eigenvalues(ntk("relu"), 2, 2)          # circle: rational multiples of 1/pi^2
    [6/pi**2, 1/2, 14/(9*pi**2)]
    >>> exact_eigenvalues(ntk("relu", 3), 3, 4) is None          # depth 3: not a closed form here
    True
    """
    d = _dim(dim)
    kmax = check_int("kmax", kmax, minimum=0)
    if isinstance(kernel, sympy.Basic):
        expr = kernel
    else:
        try:
            expr = kernel.expr
        except AttributeError:
            raise InvalidInput(f"kernel must be a DotProductKernel or a SymPy expression in u: {kernel!r}") from None
    if expr is None:
        return None
    if not isinstance(expr, sympy.Expr):
        raise InvalidInput(f"kernel.expr must be a SymPy expression in u or None: {expr!r}")
    return _eigenvalues_of_expr(expr, d, kmax, bool(allow_hyper))

