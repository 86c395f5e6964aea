"""Text and JSON renderings of asympt results. Only trusted digits are printed.

Each ``*_report`` function returns a plain dict (JSON-ready: exact forms and numbers as strings);
each ``render_*`` turns that dict into the text a person reads.
"""

from __future__ import annotations

import mpmath
import sympy

from asympt.core.precision import evaluate_twice

__all__ = ["exact_and_decimal", "kernel_report", "render_kernel", "render_spectrum", "render_xi",
           "spectrum_report", "xi_report"]

CONVENTION_LINE = ("conventions: u = x.x' on the unit sphere S^(d-1); NTK parameterisation "
                   "(weights and biases N(0,1), scales sigma_w, sigma_b)")


def exact_and_decimal(expr, digits: int = 12) -> dict:
    """{"exact": str, "decimal": str} for a SymPy number (decimal to ``digits`` significant digits)."""
    from asympt.core.symbolic import safe_str

    expr = sympy.sympify(expr)
    out = {"exact": safe_str(expr)}
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
            "nu": sympy.sstr(term.exponent), "log_power": term.log_power}


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
            from asympt.core.errors import AsymptError

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
    from asympt.core.precision import format_sig

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


# ---- spectrum -------------------------------------------------------------------------------------

def spectrum_report(kernel, dim, kmax, digits, tier) -> dict:
    """Eigenvalues mu_0..mu_kmax with multiplicities, the asymptotic law and the ratio to it."""
    from asympt.laws.decay import decay_law
    from asympt.spectrum import eigenvalues

    spec = eigenvalues(kernel, dim, kmax, tier=tier, digits=digits)
    try:
        law = decay_law(kernel, dim)
    except Exception as err:  # noqa: BLE001 - a spectrum without a law is still a spectrum
        from asympt.core.errors import AsymptError

        if not isinstance(err, AsymptError):
            raise
        law = None
    rows = []
    with mpmath.workdps(max(digits, 15) + 10):
        for ev in spec:
            from asympt.core.precision import format_sig

            mu_text = "0" if ev.structural_zero else format_sig(ev.value, ev.abs_error, max_digits=max(digits, 15))
            row = {"k": ev.k, "multiplicity": ev.multiplicity, "mu": mu_text,
                   "abs_error": mpmath.nstr(ev.abs_error, 3) if not ev.structural_zero else "0",
                   "exact": None if ev.exact is None else sympy.sstr(ev.exact),
                   "structural_zero": ev.structural_zero}
            if law is not None and ev.k >= 1:
                g = law.gamma_ratio_mp(ev.k)
                a = law.approx(ev.k)
                if a is not None and a != 0:
                    row["law"] = mpmath.nstr(mpmath.mpf(sympy.N(a, 20)), 6)
                    if ev.value != 0:
                        row["ratio_law"] = mpmath.nstr(ev.value / mpmath.mpf(sympy.N(a, 20)), 6)
                if g is not None and g != 0 and ev.value != 0:
                    row["ratio_gamma"] = mpmath.nstr(ev.value / g, 8)
            rows.append(row)
        trace = spec.trace_partial()
    smooth = None
    if law is not None and law.alpha is None and any(p.kind == "analytic" for p in law.parities):
        from asympt.laws.decay import smooth_class
        from asympt.core.errors import AsymptError

        try:
            smooth = smooth_class(kernel, dim).describe()
        except AsymptError as err:
            smooth = str(err)
    data = {"dim": dim, "kmax": kmax, "tier": spec.tier, "digits": digits, "smooth_class": smooth,
            "kernel": kernel.network.describe(), "rows": rows,
            "trace_partial": mpmath.nstr(trace, 10), "trace_exact": exact_and_decimal(kernel.value_at_one),
            "law": law.to_json() if law is not None else None}
    return data


def render_spectrum(data) -> str:
    lines = [f"Kernel: {data['kernel']}", f"Sphere S^{data['dim'] - 1} (d = {data['dim']}), tier {data['tier']}, "
             f"{data['digits']} digits requested; printed digits are covered by the error bound."]
    law = data["law"]
    if law is not None and law["alpha"] is not None:
        lines.append(f"Law: mu_k ~ A_p k^-alpha, alpha = {law['alpha']}, A_even = {law['A_even']} "
                     f"({_short(law['A_even_decimal'])}), A_odd = {law['A_odd']} ({_short(law['A_odd_decimal'])})")
        lines.append(f"Exact zeros: {law['zero_degrees']};  eigen-index law lambda_n ~ Lambda n^-nu, "
                     f"nu = alpha/(d-1) = {law['nu']}, Lambda = {_short(law['Lambda_decimal'])}")
    elif law is not None:
        if data.get("smooth_class"):
            lines.append(f"Law: k(u) is smooth at u = +-1, so mu_k decays faster than every power of k: "
                         f"{data['smooth_class']}")
        else:
            lines.append("Law: no power law (" + "; ".join(p["note"] for p in law["parities"] if p["note"]) + ")")
        lines.append(f"Exact zeros: {law['zero_degrees']}")
    lines.append("")
    mus = [r["exact"] if r["exact"] is not None and len(r["exact"]) < 40 else r["mu"] for r in data["rows"]]
    w = max([len(m) for m in mus] + [8]) + 1
    lines.append(f"{'k':>5} {'N(d,k)':>14}  {'mu_k':<{w}} {'A k^-alpha':>12} {'mu/law':>9} {'mu/gamma-ratio':>15}")
    for r, mu in zip(data["rows"], mus):
        lines.append(f"{r['k']:>5} {r['multiplicity']:>14}  {mu:<{w}} {r.get('law', ''):>12} "
                     f"{r.get('ratio_law', ''):>9} {r.get('ratio_gamma', ''):>15}")
    lines.append("")
    lines.append(f"Trace check: sum_k N(d,k) mu_k over k <= {data['kmax']} = {data['trace_partial']} "
                 f"-> k(1) = {data['trace_exact']['exact'] or data['trace_exact']['decimal']}")
    return "\n".join(lines)


def _short(x):
    return "-" if x is None else f"{x:.8g}"


# ---- loss law -----------------------------------------------------------------------------------

def _num(x, digits=12):
    if x is None:
        return None
    return exact_and_decimal(x, digits)


def xi_report(kernel, dim, target, law) -> dict:
    net = kernel.network
    return {
        "setting": {
            "network": net.describe(), "activation": net.activation.name, "layers": net.layers,
            "train": net.describe_training(), "convention": net.convention, "dim": dim,
            "data": law.data, "target": target.describe(),
        },
        "kind": law.kind,
        "xi": _num(law.xi), "C": _num(law.C), "L_inf": _num(law.L_inf),
        "alpha": _num(law.alpha), "beta": _num(law.beta), "nu": _num(law.nu), "kappa": _num(law.kappa),
        "Lambda": _num(law.Lambda),
        "approach": law.approach, "lr": None if law.lr is None else str(law.lr),
        "approach_kind": law.approach_kind, "never_learned": law.never_learned, "status": law.status,
        "explanation": list(law.explanation), "notes": list(law.notes),
        "latex": law.latex(),
    }


RESULT_WORDS = {
    "log-periodic": "power law times a bounded log-periodic factor, L(t) = t^-xi l(t) F(ln t)",
    "power-like": "L(t) = t^(-xi + o(1)) (a power law at the level of ln L / ln t)",
    "logarithmic": "logarithmic decay, slower than every power of t",
    "sub-polynomial": "slower than every power of t, faster than every power of ln t",
    "super-polynomial": "faster than every power of t",
}
STATUS_WORDS = {"D": "the approach law is derived (leading order), not proved; 'asympt curve' compares it with "
                     "exact sums", "U": "heuristic, not verified"}


def _ed(v) -> str:
    """'exact = decimal', or the decimal alone when the exact form is too long to print."""
    if v["exact"] is None:
        return f"{v['decimal']} (exact form too long to print)"
    if v["exact"] == v["decimal"]:
        return v["exact"]
    return f"{v['exact']} = {v['decimal']}"


def render_xi(data, kernel=None) -> str:
    s = data["setting"]
    where = (f"inputs uniform on the sphere S^{s['dim'] - 1} in R^{s['dim']}" if s["data"] == "sphere"
             else f"inputs in R^{s['dim']} with a density (network with bias)")
    lines = [
        "Setting",
        f"  network : {s['network']}",
        f"  data    : {where}",
        f"  target  : {s['target']}",
        f"  training: gradient flow on L = 1/2 ||f - f*||^2 (population loss) in the kernel (lazy) regime, f_0 = 0",
        f"  {CONVENTION_LINE}; convention '{s['convention']}'",
        "",
        "Derivation",
    ]
    for line in data["explanation"]:
        lines.append("  - " + line)
    lines.append("")
    kind = data["kind"]
    if kind == "power":
        xi, C = data["xi"], data["C"]
        lines.append(f"Result: power law  L(t) ~ C t^-xi")
        lines.append(f"  xi = {_ed(xi)}")
        if C is not None:
            lines.append(f"  C  = {_ed(C)}")
        if data["nu"] is not None and data["kappa"] is not None:
            lines.append(f"  eigen-index form: nu = {data['nu']['exact']}, kappa = {data['kappa']['exact']}, "
                         f"xi = kappa/nu")
    elif kind == "plateau":
        lines.append("Result: plateau  L(t) -> L_inf > 0 (energy on modes with exact zero eigenvalue is never learned)")
        lines.append(f"  L_inf = {_ed(data['L_inf'])}")
        if data["xi"] is not None:
            lines.append(f"  approach: L(t) - L_inf ~ C t^-xi, xi = {_ed(data['xi'])}, C = {_ed(data['C'])}")
        elif data["approach"]:
            lines.append(f"  approach: {data['approach']}")
    elif kind == "exponential":
        lines.append("Result: exponential decay (finitely many occupied degrees)")
        if data["approach"]:
            lines.append(f"  {data['approach']}")
    else:
        lines.append(f"Result: {RESULT_WORDS.get(kind, kind)}")
        if data["xi"] is not None:
            lines.append(f"  xi = {_ed(data['xi'])}")
        lines.append(f"  {data['approach']}")
    if data.get("never_learned"):
        none = "" if kind == "plateau" else " (the target has no energy there)"
        lines.append(f"  never learned (mu_k = 0 exactly): {data['never_learned']}{none}")
    if data.get("status") and data["status"] != "V":
        lines.append(f"  status: {STATUS_WORDS[data['status']]}")
    for n in data["notes"]:
        lines.append(f"  note: {n}")
    return "\n".join(lines)


# ---- loss curve ----------------------------------------------------------------------------------

def curve_report(kernel, dim, target, law, points, regime=None) -> dict:
    rows = [p.to_json() for p in points]
    par = dict(law.params)
    band = par.get("local_exponent")
    return {"setting": {"network": kernel.network.describe(), "dim": dim, "target": target.describe()},
            "law": {"kind": law.kind, "approach_kind": law.approach_kind,
                    "xi": None if law.xi is None else sympy.sstr(law.xi),
                    "xi_decimal": None if law.xi is None else mpmath.nstr(mpmath.mpf(sympy.N(law.xi, 20)), 10),
                    "C": None if law.C is None else sympy.sstr(law.C),
                    "L_inf": sympy.sstr(law.L_inf), "latex": law.latex(), "summary": law.summary(),
                    "status": law.status,
                    "local_exponent_band": None if band is None else [mpmath.nstr(b, 5) for b in band]},
            "regime": None if regime is None else {
                "tol": regime["tol"], "t_regime": regime["t_regime"], "checked_up_to": regime["checked_up_to"],
                "ratios": [[f"{t:.3g}", f"{r:.4g}"] for t, r in regime["ratios"]]},
            "notes": list(law.notes),
            "rows": rows}


def render_curve(data) -> str:
    s, law = data["setting"], data["law"]
    lines = [f"Network: {s['network']}", f"Data: sphere S^{s['dim'] - 1}; target: {s['target']}",
             f"Law: {law['summary']}",
             "L(t) = 1/2 sum_k e_k exp(-2 mu_k t): exact head, exact tail norm, Euler-Maclaurin correction;",
             "only digits covered by the error bounds are printed (L(t) and the local exponent).", ""]
    w = max([len(r["loss"]) for r in data["rows"]] + [8]) + 1
    kind = law["approach_kind"] or law["kind"]
    if law["L_inf"] not in ("0", None):
        lines.insert(-1, "L/law compares the approaches: (L - L_inf)/(law - L_inf).")
    if kind in ("logarithmic", "sub-polynomial", "super-polynomial", "power-like") or \
            (kind == "log-periodic" and law["local_exponent_band"] is None):
        lines.append("K*(t) form (accurate for kernels smooth at u = +-1): modes with 2 mu_k t >= 1 are learned, "
                     "L ~ 1/2 sum of the rest; K* = first unlearned occupied degree.")
        lines.append(f"{'t':>12}  {'L(t)':<{w}} {'law':>12} {'L/law':>9} {'K*':>5} {'K*-form':>14} {'-dlogL/dlogt':>14}")
        for r in data["rows"]:
            lines.append(f"{r['t']:>12}  {r['loss']:<{w}} {r['law'] or '-':>12} {r['ratio_to_law'] or '-':>9} "
                         f"{str(r['kstar']):>5} {r['kstar_form'] or '-':>14} {r['local_exponent']:>14}")
    else:
        lines.append(f"{'t':>12}  {'L(t)':<{w}} {'law':>12} {'L/law':>9} {'-dlogL/dlogt':>14}")
        for r in data["rows"]:
            lines.append(f"{r['t']:>12}  {r['loss']:<{w}} {r['law'] or '-':>12} {r['ratio_to_law'] or '-':>9} "
                         f"{r['local_exponent']:>14}")
    if law["local_exponent_band"] is not None:
        lo, hi = law["local_exponent_band"]
        lines.append(f"log-periodic law: the local exponent oscillates around xi = {law['xi_decimal']} within "
                     f"[{lo}, {hi}] (plus an O(1/ln t) drift from the powers of k in mu_k and e_k).")
    reg = data.get("regime")
    if reg is not None:
        tol = int(round(100 * reg["tol"]))
        if reg["t_regime"] is not None:
            lines.append(f"Asymptotic regime: the law is within {tol} % of the exact curve from t ~ "
                         f"{reg['t_regime']:.0e} on (checked at every decade up to {reg['checked_up_to']:.0e}).")
        else:
            last = reg["ratios"][-1] if reg["ratios"] else ["-", "-"]
            lines.append(f"WARNING: the law is NOT within {tol} % of the exact curve at t = {last[0]} "
                         f"(L/law = {last[1]}); the asymptotic regime is not reached by t = "
                         f"{reg['checked_up_to']:.0e}: read the law as a limit, not as a value.")
    elif kind not in ("power", "exponential"):
        lines.append("The law has no explicit constant here: compare its predicted shape (local exponent, K*-form) "
                     "with the exact columns.")
    if law.get("status") == "D":
        lines.append("Status: the approach law is derived at leading order, not proved.")
    from asympt.laws.curve import law_check_text

    lines += law_check_text(data["rows"])
    for n in data.get("notes", []):
        if n.startswith("Warning"):
            lines.append(n)
    return "\n".join(lines)


def plot_curve(data, path) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        from asympt.core.errors import InvalidInput

        raise InvalidInput("--plot needs matplotlib: pip install 'asympt[plot]'") from None
    t = [float(r["t"]) for r in data["rows"]]
    L = [float(r["loss"].split(" ")[0]) for r in data["rows"]]
    fig, ax = plt.subplots(figsize=(6, 4.2))
    ax.loglog(t, L, "o-", label="exact L(t)")
    if all(r["law"] is not None for r in data["rows"]):
        ax.loglog(t, [float(r["law"]) for r in data["rows"]], "--", label="asymptotic law")
    ax.set_xlabel("time t (gradient flow)")
    ax.set_ylabel("population loss L(t)")
    ax.set_title(f"d = {data['setting']['dim']}: {data['law']['kind']} law", fontsize=10)
    ax.legend()
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def plot_check(report, path) -> None:
    """Two log-log panels of an ``asympt check`` run: eigenvalue decay and loss curves.

    The command checks ``path`` before computing (``asympt.cli.check.check_plot_target``); a failure
    while writing (e.g. a full disk) becomes an :class:`~asympt.core.errors.InvalidInput` one-liner.
    """
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        from asympt.core.errors import InvalidInput

        raise InvalidInput("--plot needs matplotlib: pip install 'asympt[plot]'") from None
    import numpy as np

    p = report.plot
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 4.2))
    if p.get("nystrom"):
        lam = np.asarray(p["nystrom"])
        n = np.arange(1, lam.size + 1)
        a1.loglog(n[lam > 0], lam[lam > 0], ".", ms=3, label="Nystrom lambda_n (sampled data)")
    if p.get("exact"):
        mu = np.asarray(p["exact"])
        a1.loglog(np.arange(1, mu.size + 1), mu, "-", lw=1, label="Funk-Hecke mu_k (with multiplicity)")
    if p.get("nu") and p.get("nystrom"):
        nu = p["nu"]
        lo, hi = nu["window"]
        nn = np.geomspace(lo, hi, 20)
        a1.loglog(nn, nu["c"] * nn ** (-nu["fit"]), "k--", lw=1, label=f"fit n^-{nu['fit']:.3f} (closed form {nu['nu']:.3g})")
    if p.get("nu", {}).get("Lambda") and p.get("nystrom"):
        nn = np.geomspace(1, len(p["nystrom"]), 30)
        a1.loglog(nn, p["nu"]["Lambda"] * nn ** (-p["nu"]["nu"]), "r:", lw=1.2,
                  label=f"law Lambda n^-nu, nu = {p['nu']['nu']:.4g}")
    a1.set_xlabel("eigen-index n")
    a1.set_ylabel("eigenvalue")
    a1.set_title("eigenvalue decay", fontsize=10)
    a1.legend(fontsize=8)
    a1.grid(True, which="both", alpha=0.3)
    loss = p.get("loss")
    if loss:
        t = np.asarray(loss["t"])
        a2.loglog(t, loss["empirical"], "o", ms=3, label="training loss L_N(t) (sampled target)")
        if loss.get("heldout"):
            a2.loglog(t, loss["heldout"], "s", ms=3, mfc="none", label="held-out loss (fresh points)")
        if loss.get("exact"):
            a2.loglog(t, loss["exact"], "-", label="exact L(t) (Funk-Hecke)")
        if loss.get("law"):
            a2.loglog(t, loss["law"]["C"] * t ** (-loss["law"]["xi"]), "--", label=f"law C t^-{loss['law']['xi']:.3g}")
    a2.set_xlabel("time t (gradient flow)")
    a2.set_ylabel("loss")
    a2.set_title("loss curves", fontsize=10)
    if loss:
        a2.legend(fontsize=8)
    else:
        a2.text(0.5, 0.5, "loss checks not run or skipped", ha="center", va="center", transform=a2.transAxes)
    a2.grid(True, which="both", alpha=0.3)
    s = report.setting
    n_text = f", N = {s['n']}" if s.get("n") is not None else ""
    fig.suptitle(f"asympt check: d = {s['dim']}, target {s['target']}, data {s['data']}{n_text}", fontsize=10)
    fig.tight_layout()
    try:
        fig.savefig(path, dpi=120)
    except (OSError, ValueError) as err:  # full disk, vanished directory, format refused by the backend
        from asympt.core.errors import InvalidInput

        raise InvalidInput(f"--plot {str(path)!r}: could not write the plot: {getattr(err, 'strerror', None) or err}") from None
    finally:
        plt.close(fig)
