"""The words of a loss law: the derivation lines, the one-line summary and the LaTeX form.

:func:`asympt.laws.loss.loss_law` explains every law as a chain of lines (the kernel and its singular
expansion, the eigenvalue law, the target's energies, the law of each parity class). The text is built
here from the numbers the law holds; nothing here computes a law. Exact values are printed when they
are short (``fmt``), decimals otherwise, and computed values (Floats) only by their trusted digits.
"""

from __future__ import annotations

import sympy

from asympt.core.errors import NotSupported
from asympt.core.symbolic import safe_str

__all__ = ["describe_decay", "describe_target", "fmt", "kernel_lines", "latex", "summary"]


def fmt(x, digits=12):
    if x is None:
        return "-"
    x = sympy.nsimplify(x) if isinstance(x, float) else x
    if getattr(x, "is_Float", False) or (getattr(x, "is_number", False) and x.has(sympy.Float)):
        return str(sympy.N(x, digits))  # a computed value: its decimal only (no 35-digit echo)
    if getattr(x, "is_Rational", False) and safe_str(x) is not None:
        return str(x)
    text = safe_str(x)
    dec = sympy.N(x, digits)
    return f"{text} = {dec}" if text is not None else f"{dec} (exact form too long to print)"


def _dec(x, digits=12):
    return None if x is None else sympy.N(x, digits)


def kernel_lines(kernel, dim, dl) -> list:
    """The first links of the chain: the kernel and its singular expansion at u = +-1."""
    lines = []
    expr = kernel.expr
    text = safe_str(expr, 160) if expr is not None and _at_most_nodes(expr, 640) else None
    if text:
        lines.append(f"Kernel: k(u) = {text}, u = x.x'")
    elif expr is not None:
        lines.append(f"Kernel: k(u) is a closed form of {sympy.count_ops(expr)} operations in u = x.x' "
                     "(print it with 'asympt kernel'); k(1) = " + str(sympy.N(kernel.end_value(1), 8)))
    else:
        lines.append("Kernel: k(u) has no closed form (evaluated through Hermite series of the activation)")
    parts = []
    for end, name in ((1, "u = +1, t = 1 - u"), (-1, "u = -1, t = 1 + u")):
        try:
            se = kernel.singular(end, order=kernel.leading_order)
        except NotSupported:
            continue
        if se.terms:
            lead = se.leading
            lg = " log t" if lead.log_power else ""
            parts.append(f"near {name}: {fmt(lead.coeff, 8)} t^{lead.exponent}{lg}")
        else:
            parts.append(f"analytic at {name.split(',')[0]}")
    if parts:
        rule = ""
        if dl.alpha is not None:
            rule = f"; mu_k ~ [c_+ + (-1)^k c_-] M(gamma, d) k^-(d-1+2 gamma), alpha = {dl.alpha}"
        lines.append("Singular expansion (leading non-analytic terms): " + "; ".join(parts) + rule)
    return lines


def _at_most_nodes(expr, limit: int) -> bool:
    """True when ``expr`` has at most ``limit`` nodes, found without walking the whole tree.

    A printed form shows every atom with at least one character, and atoms are at least half of the
    nodes (every operation has two or more arguments, or a name in the text), so an expression of more
    than 640 nodes never prints in 160 characters: printing a deep kernel (seconds) is skipped.
    """
    for i, _ in enumerate(sympy.preorder_traversal(expr)):
        if i >= limit:
            return False
    return True


def describe_decay(dl, kernel=None) -> str:
    parts = []
    smooth = None
    for p, name in ((dl.even, "even"), (dl.odd, "odd")):
        if p.kind == "power":
            parts.append(f"{name} k: mu_k ~ A k^-alpha, A = {fmt(p.A, 8)}, alpha = {p.alpha}")
        elif p.kind == "zero":
            where = f"every {name} k" if p.zero_above < 0 else f"{name} k > {p.zero_above}"
            parts.append(f"{name} k: mu_k = 0 exactly for {where} ({p.note})")
        elif p.kind == "analytic" and kernel is not None:
            if smooth is None:
                from .decay import smooth_class

                try:
                    smooth = smooth_class(kernel, dl.dim).describe()
                except NotSupported as err:
                    smooth = str(err)
            parts.append(f"{name} k: k(u) is smooth at u = +-1, {smooth}")
        else:
            parts.append(f"{name} k: {p.note}")
    return "; ".join(parts)


def describe_target(tl) -> str:
    if tl is None:
        return "energies follow the kernel's eigenvalues"
    if tl.beta is None:
        return tl.note or "energies decay faster than any power of k"
    osc = " (oscillating amplitude; mean value used)" if getattr(tl, "oscillating", False) else ""
    return (f"e_k ~ B k^-beta with beta = {tl.beta}, B_even = {fmt(tl.B_even, 8)}, "
            f"B_odd = {fmt(tl.B_odd, 8)}{osc}")


def summary(law) -> str:
    """One line: the law in words and symbols (:meth:`asympt.laws.loss.LossLaw.summary`)."""
    if law.kind == "power":
        return f"L(t) ~ C t^-xi, xi = {law.xi}" + ("" if law.C is None else f", C = {fmt(law.C, 10)}")
    head = ""
    if law.L_inf != 0:
        head = f"plateau L(t) -> L_inf = {fmt(law.L_inf, 10)}"
        if law.never_learned:
            head += f" (never learned: {law.never_learned})"
        if law.approach_kind is None:
            return head
        head += "; approach: "
    kind = law.approach_kind or law.kind
    if kind == "power":
        return head + f"C t^-xi, xi = {law.xi}, C = {fmt(law.C, 10)}"
    if kind == "exponential" and law.rate is not None:
        return head + f"exponential, (e_k/2) exp(-{fmt(law.rate, 8)} t)"
    words = {"log-periodic": "t^-xi times a log-periodic factor", "power-like": "t^(-xi + o(1))",
             "logarithmic": "logarithmic (slower than every power)",
             "sub-polynomial": "slower than every power of t, faster than every power of ln t",
             "super-polynomial": "faster than every power of t"}.get(kind, kind)
    xi = "" if law.xi is None else f", xi = {fmt(law.xi, 10)}"
    return head + words + xi


def latex(law) -> str:
    """LaTeX of the law; decimals when the exact constants are too large to print."""
    try:
        return _latex(law)
    except ValueError:  # exact constants too large to print: fall back to decimals
        C = None if law.C is None else sympy.N(law.C, 12)
        xi = law.xi
        if law.kind == "power":
            return r"L(t) \simeq " + sympy.latex(C) + r"\, t^{-" + sympy.latex(xi) + "}"
        return r"L(t) \to L_\infty = " + sympy.latex(sympy.N(law.L_inf, 12))


def _latex(law) -> str:
    t = sympy.Symbol("t", positive=True)
    if law.kind == "power":
        return r"L(t) \simeq " + sympy.latex(law.C) + r"\, t^{-" + sympy.latex(law.xi) + "}"
    if law.kind == "plateau":
        s = r"L(t) \to L_\infty = " + sympy.latex(law.L_inf)
        if law.xi is not None and law.approach_kind == "power":
            s += r",\quad L(t) - L_\infty \simeq " + sympy.latex(law.C) + r"\, t^{-" + sympy.latex(law.xi) + "}"
        elif law.approach_kind:
            s += r",\quad L(t) - L_\infty\ \text{" + law.approach_kind + "}"
        return s
    if law.kind == "exponential" and law.rate is not None:
        return r"L(t) \simeq " + sympy.latex(law.amplitude * sympy.exp(-law.rate * t))
    if law.kind == "log-periodic" and law.xi is not None:
        return r"L(t) = t^{-" + sympy.latex(law.xi) + r"}\,\ell(t)\,F(\ln t),\ F\ \text{periodic}"
    if law.kind == "power-like" and law.xi is not None:
        return r"L(t) = t^{-" + sympy.latex(law.xi) + r" + o(1)}"
    return r"L(t)\ \text{" + law.kind + "}"
