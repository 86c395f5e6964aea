"""Small SymPy helpers shared by the kernel and expansion modules."""

from __future__ import annotations

import sympy

__all__ = ["compact", "log_positive", "safe_str", "tidy", "tidy_constant"]


def tidy(expr, max_ops: int = 80):
    """``sympy.simplify`` for small expressions; large ones are returned unchanged.

    The cost of ``simplify`` grows explosively with nested radicals and arcsines (a 3-layer erf
    network with bias took 80 s in simplify alone), so deep kernels keep their raw exact form.

    >>> tidy(sympy.sqrt(8) / 2)
    sqrt(2)
    """
    expr = sympy.sympify(expr)
    if sympy.count_ops(expr) > max_ops:
        return expr
    try:
        return sympy.simplify(expr)
    except ValueError:  # e.g. integers beyond Python's 4300-digit str limit inside simplify
        return expr


def tidy_constant(expr, max_bits: int = 200):
    """:func:`tidy` for a constant, refusing results with huge integers.

    ``simplify`` merges rational powers such as 2^(15/257) 3^(45/257) into (2^a 3^b)^(1/257), whose
    integer can have thousands of digits (d = 50, xi = 15/257); the unsimplified form is kept then.

    >>> tidy_constant(sympy.sqrt(2) * sympy.sqrt(8))
    4
    """
    expr = sympy.sympify(expr)
    out = tidy(expr)
    if any(abs(int(i)).bit_length() > max_bits for i in out.atoms(sympy.Integer)):
        return expr
    return out


def safe_str(expr, max_len: int = 400):
    """``sympy.sstr(expr)``, or None when the exact form is unprintable or longer than ``max_len``.

    >>> safe_str(sympy.Integer(2) ** 20000) is None
    True
    """
    try:
        text = sympy.sstr(expr)
    except ValueError:  # Python refuses str() of integers with more than 4300 digits
        return None
    return text if len(text) <= max_len else None


def compact(expr, max_ops: int = 4000):
    """An exact, usually much shorter form of a constant built from radicals, pi and special values.

    Method (exact at every step): normalise square-root bases (sqrt(N/D) -> sqrt(N D)/D), replace pi,
    every radical b^(p/q) and every function value (acos(1/pi), gamma(1/4), hyper(...)) by a symbol,
    put the result over one denominator (``cancel``), reduce numerator and denominator modulo
    R^q = b^p for each radical R, factor, and substitute back. The shorter of the input and the
    result is returned; expressions above ``max_ops`` operations are returned unchanged (cost).

    >>> e = 2/(-96*sympy.sqrt(1 - 1/sympy.pi**2) + 96*sympy.pi**2*sympy.sqrt(1 - 1/sympy.pi**2))
    >>> compact(e)
    pi/(48*(-1 + pi)*sqrt(-1 + pi**2)*(1 + pi))
    """
    expr = sympy.sympify(expr)
    if expr.free_symbols or expr.is_Rational or _nodes(expr, max_ops) > max_ops:
        return expr
    for a in expr.atoms(sympy.Pow):  # nested radicals (deep nets) are left alone: cheap bail-out
        if a.exp.is_Rational and not a.exp.is_Integer and a.base.has(sympy.Function, sympy.Pow):
            if any(p.exp.is_Rational and not p.exp.is_Integer for p in a.base.atoms(sympy.Pow)) or \
                    a.base.has(sympy.Function):
                return expr
    try:
        work = expr.replace(lambda e: e.is_Pow and e.exp.is_Rational and not e.exp.is_Integer
                            and not e.base.is_Rational,
                            lambda e: sympy.Pow(sympy.together(e.base), e.exp))
        subs, rels = {}, []
        pi_sym = sympy.Dummy("P", positive=True)
        atoms = [a for a in work.atoms(sympy.Function, sympy.Pow)
                 if a.is_Function or (a.exp.is_Rational and not a.exp.is_Integer and not a.base.is_Rational)]
        for i, a in enumerate(sorted(atoms, key=sympy.count_ops, reverse=True)):
            sym = sympy.Dummy(f"R{i}", positive=bool(a.is_positive))
            subs[a] = sym
            if a.is_Pow:
                p, q = a.exp.p, a.exp.q
                base = a.base.subs(sympy.pi, pi_sym)
                if base.has(*subs.values()) or any(s.has(sympy.Function) for s in (base,)):
                    rels = None
                    break
                rels.append((sym, q, base**p))
        if rels is None:
            return expr
        body = work.xreplace(subs).subs(sympy.pi, pi_sym)
        body = sympy.cancel(sympy.together(body))
        num, den = sympy.fraction(body)
        for sym, q, rhs in rels:
            num_n, num_d = sympy.fraction(sympy.together(rhs))
            # R^q = num_n / num_d: multiply through by num_d^k as needed via polynomial remainder in R
            rel = sym**q * num_d - num_n
            if num.has(sym):
                num = sympy.rem(sympy.expand(num), rel, sym)
            if den.has(sym):
                den = sympy.rem(sympy.expand(den), rel, sym)
        back = {v: k for k, v in subs.items()}
        out = (sympy.factor(num) / sympy.factor(den)).xreplace(back).subs(pi_sym, sympy.pi)
    except (sympy.PolynomialError, ValueError, TypeError, ZeroDivisionError, RecursionError):
        return expr
    if out.has(sympy.nan, sympy.zoo) or sympy.count_ops(out) >= sympy.count_ops(expr):
        return expr
    check = sympy.N(out - expr, 40)
    if not check.is_number or abs(check) > sympy.Float(10) ** -30 * (1 + abs(sympy.N(expr, 20))):
        return expr  # a safety net: every step above is an identity, so this never triggers
    return out


def _nodes(expr, cap: int) -> int:
    """Number of nodes of ``expr``, counting stops just above ``cap`` (linear time)."""
    n = 0
    for _ in sympy.preorder_traversal(expr):
        n += 1
        if n > cap:
            break
    return n


def log_positive(value, digits: int = 70):
    """ln(value) of a positive exact constant as an mpmath number, without evaluating ``value`` itself.

    Large-d constants hold integers like Gamma(d/2)^2 2^d with thousands of digits; their logarithm is
    taken term by term (``expand_log(force=True)``). Forcing the split over factors of either sign can
    add a multiple of 2 pi i; for a positive value the real part is the logarithm.

    >>> float(log_positive(-sympy.Integer(2) * -3))
    1.791759469228055
    """
    import mpmath

    value = sympy.sympify(value)
    if not sympy.N(value, 20) > 0:
        raise ValueError(f"log_positive needs a positive value: {value}")
    with mpmath.workdps(digits + 10):
        result = _log_abs(value, digits + 10)
    return +result  # rounded to the caller's working precision


def _log_abs(e, digits: int):
    """ln|e| factor by factor: products add, real powers scale, Gamma of a positive argument is loggamma.

    This is the real part of expand_log(force=True) without SymPy's expansion, which took 76 s on the
    Lambda of a 3-layer step network at d = 30 (880k expand calls); anything else is evaluated directly.
    """
    import mpmath

    if e.is_Mul:
        return mpmath.fsum(_log_abs(a, digits) for a in e.args)
    if e.is_Pow and e.exp.is_real and e.exp.is_number and e.base.is_number and (sympy.N(e.base, 20) > 0) == True:  # noqa: E712
        return mpmath.mpf(sympy.N(e.exp, digits)) * _log_abs(e.base, digits)
    if e.is_Integer or e.is_Rational:
        return mpmath.log(abs(mpmath.mpf(e.p))) - mpmath.log(abs(mpmath.mpf(e.q)))
    if isinstance(e, sympy.gamma) and e.args[0].is_number and (sympy.N(e.args[0], 20) > 0) == True:  # noqa: E712
        return mpmath.loggamma(mpmath.mpf(sympy.N(e.args[0], digits)))
    if isinstance(e, sympy.exp) and e.args[0].is_real:
        return mpmath.mpf(sympy.N(e.args[0], digits))
    return mpmath.log(abs(mpmath.mpf(sympy.re(sympy.N(e, digits)))))
