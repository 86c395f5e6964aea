"""Small SymPy helpers shared by the kernel and expansion modules."""

from __future__ import annotations

import sympy

__all__ = ["safe_str", "tidy", "tidy_constant"]


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
