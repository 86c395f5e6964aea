"""Text and JSON renderings of asympt results. Only trusted digits are printed.

Each ``*_report`` function returns a plain dict (JSON-ready: exact forms and numbers as strings);
each ``render_*`` turns that dict into the text a person reads.
"""

from __future__ import annotations

import mpmath
import sympy

from .precision import evaluate_twice

__all__ = ["exact_and_decimal", "kernel_report", "render_kernel"]

CONVENTION_LINE = ("conventions: u = x.x' on the unit sphere S^(d-1); NTK parameterisation "
                   "(weights and biases N(0,1), scales sigma_w, sigma_b)")


def exact_and_decimal(expr, digits: int = 12) -> dict:
    """{"exact": str, "decimal": str} for a SymPy number (decimal to ``digits`` significant digits)."""
    expr = sympy.sympify(expr)
    out = {"exact": sympy.sstr(expr)}
    try:
        if expr.is_Float:
            out["exact"] = None
            out["decimal"] = mpmath.nstr(mpmath.mpf(str(expr)), min(digits, 15))
        else:
            val = sympy.N(expr, digits + 5)
            out["decimal"] = sympy.sstr(sympy.Float(val, digits)) if val.is_real else sympy.sstr(val)
    except (TypeError, ValueError):
        out["decimal"] = None
    return out


def _term_dict(term):
    return {"coeff": sympy.sstr(term.coeff), "coeff_decimal": sympy.sstr(sympy.N(term.coeff, 12)),
            "nu": sympy.sstr(term.nu), "log_power": term.log_power}


def kernel_report(k, points=(), nseries=6, digits=15) -> dict:
    net = k.network
    data = {
        "network": net.describe(),
        "activation": net.activation.name,
        "layers": net.layers,
        "sigma_w": [sympy.sstr(s) for s in net.sigma_w],
        "sigma_b": [sympy.sstr(s) for s in net.sigma_b],
        "train": net.describe_training(),
        "convention": net.convention,
        "closed_form": sympy.sstr(k.expr) if k.expr is not None else None,
        "value_at_one": exact_and_decimal(k.value_at_one),
        "smoothness": net.activation.smoothness.describe(),
    }
    if nseries:
        try:
            coeffs = k.series(nseries)
            data["series"] = [exact_and_decimal(c) for c in coeffs]
        except Exception as err:  # noqa: BLE001 - report what could not be done
            from .errors import AsymptError

            if not isinstance(err, AsymptError):
                raise
            data["series"] = None
            data["series_note"] = str(err)
    sing = {}
    for at in (1, -1):
        s = k.singular(at)
        sing[str(at)] = {"terms": [_term_dict(t) for t in s.terms], "analytic": s.analytic,
                         "known_to_order": sympy.sstr(s.order), "note": s.note}
    data["singular"] = sing
    data["parity"] = {}
    for p, name in ((0, "even"), (1, "odd")):
        deg = k.polynomial_degree(p)
        data["parity"][name] = {"polynomial_degree": deg}
    if points:
        vals = []
        for p in points:
            a = evaluate_twice(lambda p=p: k.mp(mpmath.mpf(repr(p))), digits + 5)
            vals.append({"u": repr(p), "value": _digits(a, digits)})
        data["values"] = vals
    return data


def _digits(a, digits):
    from .precision import format_sig

    err = max(abs(a.abs_error), abs(a.value) * mpmath.mpf(10) ** (-digits))
    return format_sig(a.value, err, max_digits=digits)


def render_kernel(d: dict) -> str:
    lines = [f"Network: {d['network']}", f"  ({CONVENTION_LINE}; convention '{d['convention']}')",
             f"Activation smoothness: {d['smoothness']}", ""]
    if d["closed_form"]:
        lines.append(f"k(u) = {d['closed_form']}")
    else:
        lines.append("k(u): no closed form; evaluated through the Hermite (Mehler) series of the dual maps")
    v1 = d["value_at_one"]
    lines.append(f"k(1) = {v1['exact'] or ''}{' = ' if v1['exact'] and v1['exact'] != v1['decimal'] else ''}"
                 f"{v1['decimal'] if v1['exact'] != v1['decimal'] else ''}".rstrip(" ="))
    if d.get("series"):
        lines.append("")
        lines.append("Power series at u = 0:  k(u) = sum_n b_n u^n")
        for n, c in enumerate(d["series"]):
            dec = f"  ~ {c['decimal']}" if c["decimal"] and c["decimal"] != c["exact"] else ""
            lines.append(f"  b_{n} = {c['exact']}{dec}")
    elif d.get("series_note"):
        lines.append(f"Power series: {d['series_note']}")
    lines.append("")
    for at, label in (("1", "u = +1 (t = 1 - u)"), ("-1", "u = -1 (t = 1 + u)")):
        s = d["singular"][at]
        if s["terms"]:
            lead = s["terms"][0]
            lg = f" log(t)^{lead['log_power']}" if lead["log_power"] else ""
            lines.append(f"Singular expansion at {label}: leading non-analytic term "
                         f"({lead['coeff']}) t^{lead['nu']}{lg}   [coeff ~ {lead['coeff_decimal']}]")
            for t in s["terms"][1:]:
                lg = f" log(t)^{t['log_power']}" if t["log_power"] else ""
                lines.append(f"    next: ({t['coeff']}) t^{t['nu']}{lg}")
        else:
            lines.append(f"Singular expansion at {label}: {s['note'] or 'no non-analytic term found'}")
    lines.append("")
    for name, p in d["parity"].items():
        deg = p["polynomial_degree"]
        if deg is None:
            lines.append(f"{name.capitalize()} part: not a polynomial (no exact zero eigenvalues of {name} degree)")
        elif deg == -1:
            lines.append(f"{name.capitalize()} part: identically zero (mu_k = 0 for every {name} k)")
        else:
            lines.append(f"{name.capitalize()} part: polynomial of degree {deg} "
                         f"(mu_k = 0 exactly for {name} k > {deg})")
    if d.get("values"):
        lines.append("")
        for v in d["values"]:
            lines.append(f"k({v['u']}) = {v['value']}")
    return "\n".join(lines)
