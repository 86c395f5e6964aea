"""``asympt spectral-bias`` and ``asympt regime``: training dynamics next to the kernel law.

Thin click commands over :mod:`asympt.dynamics`; heavy libraries are imported inside the commands.
The dynamics results are full precision; :func:`rounded` rounds them here, for the text and --json.
"""

from __future__ import annotations

import math

import click

from .main import dim_up_to, json_option, network_options
from .types import LIMITS, FiniteFloat, IntList, Number, Text, check_activation, dims_range


def _degrees(text):
    """'0..8' or '1,2,4' -> sorted list of ints (restricted parsing, no eval)."""
    from asympt.core.errors import InvalidInput

    try:  # bounded before any range is expanded
        out = dims_range(text, 0, LIMITS.degree, LIMITS.degree + 1)
    except ValueError as err:
        raise InvalidInput(f"--degrees must be a range like 0..8 or a list like 1,2,4 of degrees between 0 and "
                           f"{LIMITS.degree} ({err}): {text[:40]!r}") from None
    return sorted(set(out))


def rounded(tree, rules: dict, digits: int = 0):
    """A copy of the JSON-ready ``tree`` with every float rounded to the significant digits it carries.

    The dynamics results hold full precision; this is the one place where they are rounded, for the
    text report and for --json. ``rules`` maps a key to the digits of everything under it (0: leave as
    is), or to a dict of rules for that subtree ("*" its default); a key ending in "*" matches by prefix.
    Non-finite floats become text ("inf", "nan"), as JSON has no number for them.

    >>> rounded({"a": 3.14159265, "b": [2.718281828], "c": {"d": 1.41421356}}, {"a": 3, "c": {"*": 2}}, 5)
    {'a': 3.14, 'b': [2.7183], 'c': {'d': 1.4}}
    """
    if isinstance(tree, dict):
        out = {}
        for key, value in tree.items():
            rule = _rule(rules, str(key))
            if isinstance(rule, dict):
                out[key] = rounded(value, rule, rule.get("*", digits))
            else:
                out[key] = rounded(value, rules, digits if rule is None else rule)
        return out
    if isinstance(tree, (list, tuple)):
        return [rounded(v, rules, digits) for v in tree]
    if isinstance(tree, float):
        if not math.isfinite(tree):
            return str(tree)
        return float(f"{tree:.{digits}g}") if digits else float(tree)
    return tree


def _rule(rules, key):
    if key in rules:
        return rules[key]
    for pattern, rule in rules.items():
        if pattern.endswith("*") and len(pattern) > 1 and key.startswith(pattern[:-1]):
            return rule
    return None


# Significant digits each quantity carries in the report (the results themselves are full precision).
_BIAS_DIGITS = {"lr": 8, "factor": 8, "remaining_by_degree": 4,
                "simulation": {"*": 6, "lr": 8, "scales": 0, "coeff_end": 5, "coeff_end_mean": 5, "max_change": 3,
                               "rates": 4, "rate_mean": 4, "ratio": 4, "ratio_mean": 4, "ratio_spread": 2}}
_REGIME_DIGITS = {"crossover_degree": 4, "A": 6, "simulation": {"*": 4, "slope": 3}}


def _g(x):
    return "-" if x is None else f"{x:.6g}" if isinstance(x, float) else str(x)


def _render_bias(d):
    lines = [f"Spectral bias on S^{d['dim'] - 1}: {d['kernel']}",
             f"gradient descent with lr eta = {_g(d['lr'])} ({d['lr_note']}), N = {d['steps']} steps; "
             f"stability bound eta < 2 / max mu_k = {_g(d['stability_bound'])} (max at k = {d['max_mu_degree']})",
             "", f"{'k':>4} {'N(d,k)':>8} {'mu_k':>14} {'1 - eta mu_k':>14} {'half-life':>11} {'learned':>10}  note",]
    for r in d["rows"]:
        lines.append(f"{r['k']:>4} {r['multiplicity']:>8} {r['mu']:>14} {_g(r['factor']):>14} "
                     f"{_g(r['half_life']):>11} {_g(r['learned_after']):>10}  {r['note']}")
    lines.append("(half-life in steps; 'learned' = 1 - (1 - eta mu_k)^N, the fraction of the degree-k residual "
                 "learned after N steps)")
    for w in d["warnings"]:
        lines.append(f"WARNING: {w}")
    if "target" in d:
        t = d["target"]
        lines += ["", f"Target: {t['target']}; ||f*||^2 = {_g(t['norm2'])}, energy above the listed degrees "
                      f"{_g(t['tail_above'])} (counted as not learned)",
                  f"{'t':>8} {'learned energy fraction':>24}"]
        for row in t["curve"]:
            lines.append(f"{row['t']:>8} {_g(row['learned_fraction']):>24}")
    if "simulation" in d:
        s = d["simulation"]
        lines += ["", f"Simulation: width {s['width']}, {s['samples']} samples, {s['parameters']} parameters "
                      f"({'under' if s['underparameterised'] else 'over'}parameterised), lr {s['lr']}, {s['steps']} steps, "
                      f"{s['seeds']} seed(s) from {s['seed']}, coefficients on {s['fresh_points']} fresh points",
                  f"{'k':>4} {'mu_k':>10} {'pred. rate':>11} {'meas. rate':>11} {'ratio':>8} {'spread':>7} "
                  f"{'coeff at N':>11} {'predicted':>10}"]
        for r in s["rows"]:
            lines.append(f"{r['k']:>4} {r['mu']:>10} {_g(r['predicted_rate']):>11} {_g(r.get('rate_mean')):>11} "
                         f"{_g(r.get('ratio_mean')):>8} {_g(r.get('ratio_spread')):>7} {_g(r['coeff_end_mean']):>11} "
                         f"{_g(r['predicted_coeff_end']):>10}" + ("  exact zero: never learned" if r["never_learned"]
                                                                  else ""))
        lines.append("(rate = per-step decay of the degree-k residual coefficient, fitted while the prediction "
                     "exceeds 0.05; ratio = measured / predicted, spread = its standard deviation over seeds)")
    return "\n".join(lines)


@click.command("spectral-bias", context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@dim_up_to(LIMITS.dim_spectral_bias)
@network_options
@click.option("--degrees", default=None, type=Text("A..B|K1,K2,.."),
              help=f"Degrees k to list, 0..{LIMITS.degree} (default 0..8; with --simulate 1..4, the target's "
                   "degrees).")
@click.option("--lr", type=FiniteFloat(min=0, min_open=True, max=1e6), default=None,
              help="Learning rate eta in (0, 1e6] (default 0.5 / max mu_k).")
@click.option("--steps", type=click.IntRange(0, 10**9), default=100, show_default=True, help="Number of steps N.")
@click.option("--target", default=None, type=Text("SPEC"),
              help="Target class as for 'asympt xi': adds the learned energy fraction over time.")
@click.option("--simulate", is_flag=True,
              help="Also train a real two-layer network (numpy) and measure the rates (takes minutes; "
                   f"samples x width x steps <= {LIMITS.sim_work:.0e}, samples x width <= {LIMITS.sim_cells:.0e}).")
@click.option("--width", type=click.IntRange(2, 10**6), default=800, show_default=True,
              help="Width m of the simulated network (even: antisymmetric initialisation).")
@click.option("--samples", type=click.IntRange(2, 10**7), default=16000, show_default=True,
              help="Training samples of the simulation.")
@click.option("--seeds", type=click.IntRange(1, 1000), default=1, show_default=True, help="Simulation replicas.")
@click.option("--seed", type=click.IntRange(0, 2**31), default=0, show_default=True, help="Base seed.")
@json_option
def spectral_bias(dim, activation, layers, bias, sigma_w, sigma_b, train, convention, degrees, lr, steps, target,
                  simulate, width, samples, seeds, seed, as_json):
    """Per-degree learning rates of gradient descent (spectral bias; Bowman & Montufar 2022).

    With the kernel's Funk-Hecke eigenvalues mu_k, the degree-k part of the residual shrinks by
    1 - eta mu_k per step. Lists mu_k, N(d,k), that factor, the half-life, the fraction learned after
    N steps, flags exact zero modes as never learned, and warns when eta exceeds 2 / max mu_k.

    --simulate trains the same two-layer network (asympt's parameterisation: f = (sigma_w2/sqrt(m))
    sum a_k s(sigma_w1 w_k.x + sigma_b1 b_k), float32, antisymmetric init so f_0 = 0, full-batch GD
    on 1/(2n) sum (f - y)^2) on a target with one zonal harmonic per degree, and prints the measured
    per-degree rates beside mu_k. Samples may exceed parameters (underparameterised).

    \b
    Examples:
      asympt spectral-bias --dim 3 --activation relu --lr 2 --steps 200
      asympt spectral-bias --dim 3 --sigma-w 1,1 --lr 4 --steps 200 --simulate --width 800 --samples 16000
      asympt spectral-bias --dim 5 --bias 1 --target sobolev:2 --steps 1000 --json
    """
    from asympt.dynamics.spectral_bias import simulate_spectral_bias
    from asympt.dynamics.spectral_bias import spectral_bias as sb

    from .main import _emit, build_kernel

    degs = _degrees(degrees) if degrees is not None else (list(range(1, 5)) if simulate else list(range(9)))
    if simulate:  # the simulation's size is checked before any work
        _check_simulation(steps, width, samples, seeds)
    k = build_kernel(activation, layers, bias, sigma_w, sigma_b, train, convention)
    result = sb(k, dim, degs, lr=lr, steps=steps, target=target)
    data = result.to_dict()
    if simulate:   # the simulation runs with the full-precision step of the result, never a rounded one
        data["simulation"] = simulate_spectral_bias(k.network, dim, width=width, samples=samples, degrees=degs,
                                                    lr=result.lr, steps=steps, seeds=seeds, seed=seed).to_dict()
    _emit(rounded(data, _BIAS_DIGITS, 6), as_json, _render_bias)


def _check_simulation(steps, width, samples, seeds):
    """Refuse a --simulate request whose memory or work exceeds the documented limits."""
    from asympt.core.errors import InvalidInput

    if steps < 1:
        raise click.BadParameter("--simulate needs --steps >= 1", param_hint="--steps")
    if width % 2:
        raise click.BadParameter(f"--simulate needs an even width (antisymmetric initialisation): {width}",
                                 param_hint="--width")
    cells = samples * width
    if cells > LIMITS.sim_cells:
        raise InvalidInput(f"--samples x --width = {cells:.3g} exceeds the limit {LIMITS.sim_cells:.0e} "
                           f"(about {cells * 12 / 2**30:.1f} GiB of float32 matrices)")
    work = cells * steps * seeds
    if work > LIMITS.sim_work:
        raise InvalidInput(f"--samples x --width x --steps x --seeds = {work:.3g} exceeds the limit "
                           f"{LIMITS.sim_work:.0e} (about {work / LIMITS.sim_work * 60:.0f} s of training)")


def _render_regime(d):
    lines = [f"Initialisation: {d['source']}: alpha = {d['alpha']}, beta1 = {d['beta1']}, beta2 = {d['beta2']}",
             f"Coordinates (Luo, Xu, Ma & Zhang 2021): gamma = {d['gamma']}, gamma' = {d['gamma_prime']}",
             f"Regime: {d['regime']} ({d['reason']})",
             f"theta-lazy (Li, Luo & Zhou 2024): {'yes' if d['theta_lazy'] else 'no'} "
             f"(log kappa_theta / log m = 1 - gamma = {d['log_kappa_theta_over_log_m']})",
             f"Relative weight change RD ~ m^s, s = {d['rd_exponent_heuristic']} (heuristic; only the sign is a theorem)"]
    if d.get("refusal"):
        lines.append(f"xi: not given - {d['refusal']}")
    elif "kernel" in d:
        kd = d["kernel"]
        lines += [f"Kernel: {kd['formula']}", f"  weights c_1, c_2 = {', '.join(kd['weights'])} "
                                               f"(in m: {', '.join(kd['weights_in_m'])})"]
        if "relu_form" in kd:
            lines.append(f"  {kd['relu_form']}")
        for p in d["parts"]:
            lines.append(f"  {p['part']} part: mu_k ~ A k^-{p['alpha']} ({p['kind']}; exact zeros: {p['zero_degrees']})")
        if d.get("crossover_degree") is not None:
            lines.append(f"Visible decay: {d['note']}")
            lines.append(f"xi = {d['xi']} at this width (t -> oo); xi = {d['xi_before_crossover']} is what shows "
                         "before the crossover")
        else:
            lines.append(f"Visible decay exponent: {d['visible_alpha']}; xi = {d['xi']} ({d['law_kind']})")
    elif d.get("note"):
        lines.append(d["note"])
    if "simulation" in d:
        for pt in d["simulation"]:
            lines += ["", f"Simulation ({pt['regime']}, gamma = {pt['gamma']}, gamma' = {pt['gamma_prime']}): "
                          f"slope of log RD vs log m = {pt['slope']} (heuristic {pt['rd_exponent_heuristic']})",
                      f"{'width':>8} {'RD':>11} {'kernel drift':>13} {'steps':>6} {'converged':>10}"]
            for r in pt["rows"]:
                lines.append(f"{r['width']:>8} {r['rd']:>11.4g} {r['kernel_drift']:>13.4g} {r['steps']:>6} "
                             f"{str(r['converged']):>10}")
    return "\n".join(lines)


@click.command("regime", context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--init", type=click.Choice(["ntk", "mean-field", "lecun", "he", "xavier"]), default=None,
              help="A named initialisation of f = (1/alpha) sum a_k s(w_k.x), a ~ N(0, beta1^2), w ~ N(0, beta2^2 I).")
@click.option("--alpha", default=None, type=Text("EXPR"), help="Output scale alpha as a monomial in m, e.g. 'm**0.5'.")
@click.option("--beta1", default=None, type=Text("EXPR"), help="Readout scale beta1 (monomial in m; d allowed).")
@click.option("--beta2", default=None, type=Text("EXPR"), help="Input-weight scale beta2 (monomial in m; d allowed).")
@click.option("--gamma", "gamma", default=None, type=Number("G", max_abs=1000),
              help="Coordinate gamma (number or p/q, magnitude <= 1000).")
@click.option("--gamma-prime", "gamma_prime", default=None, type=Number("G'", max_abs=1000),
              help="Coordinate gamma' (number or p/q, magnitude <= 1000).")
@click.option("--dim", "-d", type=click.IntRange(min=2, max=LIMITS.dim_regime), default=None,
              help=f"Data dimension d, 2..{LIMITS.dim_regime} (inputs on S^(d-1)); needed for the kernel and xi.")
@click.option("--width", type=click.IntRange(2, 10**9), default=None, help="Width m (when the weights depend on it).")
@click.option("--activation", "-a", default="relu", show_default=True, callback=check_activation,
              help="Activation (as for 'asympt xi').")
@click.option("--bias", type=FiniteFloat(min=0, max=1e6), default=0.0, show_default=True,
              help="Input bias, 0..1e6: the constant coordinate appended to x (trained with w).")
@click.option("--target", default="neuron", show_default=True, type=Text("SPEC"), help="Target class for xi.")
@click.option("--simulate", is_flag=True,
              help="Train two-layer networks over --widths (n = 6 points on S^1; can take minutes).")
@click.option("--widths", default="500,2000,8000", show_default=True,
              type=IntList(2, LIMITS.regime_width, LIMITS.regime_widths, "M1,M2,.."),
              help=f"Widths of the simulation (even, 2..{LIMITS.regime_width}, at most {LIMITS.regime_widths}).")
@click.option("--seed", type=click.IntRange(0, 2**31), default=0, show_default=True, help="Simulation seed.")
@json_option
def regime(init, alpha, beta1, beta2, gamma, gamma_prime, dim, width, activation, bias, target, simulate, widths,
           seed, as_json):
    """Initialisation regime of a two-layer network and the kernel (and xi) it trains with.

    Prints the phase-diagram coordinates (gamma, gamma') (Luo, Xu, Ma & Zhang 2021; exact rationals
    for monomial scales), the regime (linear: gamma < 1 or gamma' > gamma - 1; condensed: gamma > 1
    and gamma' < gamma - 1; critical on the boundary) with the inequality that decides it, the
    theta-lazy flag (Li, Luo & Zhou 2024), the layer-weighted limiting kernel with its exact weights,
    the decay exponent visible at this width with the crossover degree, and xi. At critical or
    condensed points no kernel xi is given. Named schemes: ntk (alpha = sqrt(m)), mean-field
    (alpha = m), lecun (beta1 = m^-1/2, beta2 = d^-1/2), he (sqrt(2/m), sqrt(2/d)), xavier.

    \b
    Examples:
      asympt regime --init lecun --dim 10 --width 4096
      asympt regime --alpha "m**0.5" --beta1 1 --beta2 1 --dim 3
      asympt regime --gamma 1.5 --gamma-prime 0.5
      asympt regime --init ntk --simulate --widths 500,2000,8000 --json
    """
    from asympt.core.errors import InvalidInput
    from asympt.dynamics.regime import parse_coordinate, simulate_regime
    from asympt.dynamics.regime import regime as reg

    from .main import _emit

    g = parse_coordinate(gamma, "--gamma") if gamma is not None else None
    gp = parse_coordinate(gamma_prime, "--gamma-prime") if gamma_prime is not None else None
    ws = list(widths)
    data = reg(init, alpha=alpha, beta1=beta1, beta2=beta2, gamma=g, gamma_prime=gp, dim=dim, width=width,
               activation=activation, bias=float(bias), target=target).to_dict()
    if simulate:
        if any(w > LIMITS.regime_width for w in ws):
            raise InvalidInput(f"--widths must be <= {LIMITS.regime_width} for the simulation: {ws}")
        point = _sim_point(init, alpha, beta1, beta2, g, gp)
        data["simulation"] = [p.to_dict() for p in simulate_regime([point], ws, seed=seed)]
    _emit(rounded(data, _REGIME_DIGITS), as_json, _render_regime)


def _sim_point(init, alpha, beta1, beta2, g, gp):
    """The simulated point: the scales themselves (d = 2 for the circle) or the coordinates."""
    from asympt.dynamics.regime import init_scales, parse_scale

    if init is not None:
        return init_scales(init, 2)
    if g is not None:
        return (g, gp)
    import sympy

    return tuple(parse_scale(v, 2) if v is not None else sympy.Integer(1) for v in (alpha, beta1, beta2))
