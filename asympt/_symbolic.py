"""Small SymPy helpers shared by the kernel and expansion modules."""

from __future__ import annotations

import sympy

__all__ = ["tidy"]


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
    return sympy.simplify(expr)
