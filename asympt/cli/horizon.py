"""``asympt horizon``: how long a finite network follows the kernel law, and the early stage.

Thin click command over :mod:`asympt.dynamics.horizon` and :mod:`asympt.dynamics.early`; heavy
libraries are imported inside the command; progress goes to stderr. The full-precision results are
rounded here for the text and --json, and drawn here for --plot.
"""

from __future__ import annotations

import click

from .dynamics import rounded
from .main import dim_up_to, json_option, network_options
from .types import LIMITS

# Significant digits each quantity carries in the report (the results themselves are full precision).
_HORIZON_DIGITS = {"lr": 0, "tol": 0, "t_max": 0, "D": 6, "D_error": 2, "all_parameters_D": 6, "times": 6,
                   "constant_D2_value": 10, "constant_D_value": 10, "t": 6, "L": 6, "L_kernel_on_data": 6,
                   "L_population": 6, "L_net_m*": 6, "deviation_at_t_max": 3, "sd": 2, "relative_deviation": 3,
                   "deviation_growth_p": 3, "t_limit": 6, "decades": {"*": 4, "decades": 2, "network_slope": 3},
                   "theory": {"*": 4, "width_exponent": 3, "measured_width_exponent": 3, "deviation_growth_p": 3,
                              "t_limit": 6}}
_EARLY_DIGITS = {"lr": 0, "t_e": 0, "t_late": 0, "late_fraction": 0, "L0": 6, "P_inactive_on_all": 3, "se": 2,
                 "early_sd": 2, "late_sd": 2, "flip_e_sd": 2, "flip_late_sd": 2,
                 "active_per_sample": {"*": 4, "mean": 0, "P_inactive_on_all": 3}}


def _widths(text, name):
    from asympt.core.errors import InvalidInput

    if text is None or text.strip().lower() in ("", "none"):
        return []
    try:
        out = sorted({int(p) for p in text.split(",") if p.strip()})
    except ValueError:
        raise InvalidInput(f"{name} must be a list of even integers like 250,1000 (or 'none'): {text!r}") from None
    if any(m < 2 or m > 100_000 or m % 2 for m in out):
        raise InvalidInput(f"{name}: widths must be even integers between 2 and 100000: {out}")
    return out


def _check_plot(path):
    """Fail before computing: matplotlib importable, the directory exists, a known suffix."""
    import os

    from asympt.core.errors import InvalidInput

    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise InvalidInput("--plot needs matplotlib (pip install matplotlib)") from None
    d = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(d) or not os.access(d, os.W_OK):
        raise InvalidInput(f"--plot: directory {d!r} does not exist or is not writable")
    if os.path.splitext(path)[1].lower() not in (".png", ".pdf", ".svg"):
        raise InvalidInput(f"--plot: the file must end in .png, .pdf or .svg: {path!r}")


def _g(x, fmt=".4g"):
    return "-" if x is None else format(x, fmt) if isinstance(x, (int, float)) else str(x)


def _render(d):
    lines = [f"Horizon of the kernel law on S^{d['dim'] - 1}: {d['kernel']}", f"Target: {d['target']}",
             f"Kernel law: {d['law']['kind']}" + (f", xi = {d['law']['xi']}, C = {d['law']['C']}" if d['law']['xi'] else "")
             + (f", L_inf = {d['law']['L_inf']}" if d['law']['L_inf'] not in ("0", None) else ""),
             f"Gradient descent with eta = {_g(d['lr'])} (t = eta x steps)", "",
             "Predicted displacement ||theta_l(t) - theta_l(0)|| (kernel regime, exact; "
             "D_l^2 = sum_k e_k g_k^2 mu_k^[l] / mu_k^2):"]
    disp = d["displacement"]
    lines.append(f"{'t':>10} " + " ".join(f"{'D_' + str(r['layer']):>10}" for r in disp["layers"])
                 + f" {'all params':>11}" + "".join(f" {'RD_1 m=' + m:>12}" for m in disp["layers"][0].get("RD", {})))
    for i, t in enumerate(disp["times"]):
        lines.append(f"{_g(t):>10} " + " ".join(f"{_g(r['D'][i]):>10}" for r in disp["layers"])
                     + f" {_g(disp['all_parameters_D'][i]):>11}"
                     + "".join(f" {_g(v[i]):>12}" for v in disp["layers"][0].get("RD", {}).values()))
    for r in disp["layers"]:
        law = r["law"]
        lines.append(f"  layer {r['layer']} at large t: {law.get('law') or law.get('note')}")
    lines.append("  (RD_1 = D_1 / sqrt(m d_in): relative change of the first layer's weights)")
    if d["onset"]["t_on"] is not None:
        lines.append(f"Power law of the exact curve from t_on = {_g(d['onset']['t_on'])} ({d['onset']['rule']})")
    if "simulation" not in d:
        return "\n".join(lines)
    sim = d["simulation"]
    lines += ["", f"Simulation: widths {sim['widths']}, {sim['samples']} samples (the same data for the network and "
                  f"its kernel), {sim['seeds']} seed(s), {sim['steps']} steps", "Kernel curve and networks (mean over seeds):",
              f"{'t':>9} {'L kernel':>11} {'L population':>13}" + "".join(f" {'L net m=' + str(m):>13}" for m in sim["widths"])]
    for row in d["kernel_curve"]:
        lines.append(f"{_g(row['t']):>9} {_g(row['L_kernel_on_data']):>11} {_g(row['L_population']):>13}"
                     + "".join(f" {_g(row['L_net_m' + str(m)]):>13}" for m in sim["widths"]))
    lines += ["", f"{'width':>7} {'t_tol per seed':>24} {'dev. at t_max':>14} {'D_1 meas. (sd)':>18} {'D_1 pred.':>10}"]
    for w in d["widths"]:
        last = w["displacement_measured"]["1"][-1]
        lines.append(f"{w['width']:>7} {', '.join(_g(t) for t in w['t_tol']):>24} {_g(w['deviation_at_t_max']):>14} "
                     f"{_g(last['mean']) + ' (' + _g(last['sd'], '.2g') + ')':>18} {_g(disp['layers'][0]['D'][-1]):>10}")
    lines.append(f"(t_tol: from then on |L_net / L_kernel - 1| >= {d['tol']}; '-' = not within t_max; "
                 f"D_1 at t = {_g(disp['times'][-1])})")
    f = d["fit"]
    if "error" in f:
        lines.append(f"t_tol(m): {f['error']}")
    else:
        ci = f.get("t_tol_ci")
        lines += ["", f"t_tol at width {d['width']} ({f['label']}): {_g(f['t_tol'], '.3g')}"
                      + (f", interval [{_g(ci[0], '.3g')}, {_g(ci[1], '.3g')}] ({f['interval']})" if ci else
                         f" (no interval: {f['interval']})"),
                  "  from the seed-averaged curves: t_tol = "
                  + ", ".join(_g(v, ".3g") + f" (m={m})" for m, v in f["t_tol_calibrated"].items()) + ";"
                  f" t_tol ~ m^{_g(f['width_exponent'], '.2f')}; extrapolated x{_g(f['extrapolation_factor'], '.3g')} in width"]
    th = d["theory"]
    if "rows" in th:
        lines.append(f"Theory beside it (the smallest width's deviation grows like t^{_g(th['deviation_growth_p'], '.2f')} "
                     f"around its t_tol):")
        for r in th["rows"]:
            lines.append(f"  {r['law']} [{r['source']}]: t_tol ~ m^{_g(r['width_exponent'], '.2f')} -> "
                         f"{_g(r['t_tol_at_width'], '.3g')} at width {d['width']}; {r.get('compared', '')}")
    else:
        lines.append(f"Theory: {th.get('note')}")
    st = th.get("static")
    if st:
        lines.append(f"  {st['law']}:")
        lines.append("    " + "; ".join(f"m={r['width']}: t_tol {_g(r.get('t_tol_static'), '.3g')}"
                                       + (f" (measured {_g(r['t_tol_measured'], '.3g')})" if r.get("t_tol_measured") else "")
                                       if "note" not in r else f"m={r['width']}: {r['note']}" for r in st["rows"]))
        if st["reading"]:
            lines.append(f"    {st['reading']} ('-': no departure within {_g(st['rows'][0].get('t_limit'))})")
    bands = d["widths"][-1]["band_deviation_at_t_tol"]
    lines.append("Deviation by eigenvalue band at t_tol (largest width; |P_b(r_net - r_kernel)| / |P_b y|; "
                 "Bowman & Montufar 2022 expect it to grow toward small eigenvalues):")
    lines.append("  " + "; ".join(f"eigenvectors {b['band']}: {_g(b['relative_deviation'], '.3g')}" for b in bands))
    dec = d["decades"]
    if "decades" in dec:
        lines.append(f"Decades of the power law visible before t_tol: {_g(dec['decades'], '.2f')}"
                     + (f" (t_on = {_g(dec.get('t_on'))})" if dec.get("t_on") else "") + (f"; {dec['note']}" if "note" in dec else ""))
    if "network_slope" in dec:
        lines.append(f"Network loss slope on [{_g(dec['network_slope_window'][0])}, {_g(dec['network_slope_window'][1])}]: "
                     f"{_g(dec['network_slope'], '.3g')} - {dec['network_slope_label']}")
    return "\n".join(lines)


def _render_early(d):
    lines = [f"Early stage (phenomenon: Wang & Ma 2022) on {d['samples']} points in R^{d['dim']}: {d['kernel']}",
             f"Gradient descent with eta = {_g(d['lr'])}; width m = {d['width']}", "",
             f"Kernel prediction on these data: L(t_e)/L_0 = {_g(d['early_drop_predicted'])} at t_e = {_g(d['t_e'])} "
             f"(first step with L <= L_0/2)"]
    if "t_late" in d:
        lines.append(f"                                L(t_late)/L_0 = {_g(d['late_loss_predicted'])} at t_late = "
                     f"{_g(d['t_late'])} (first step with L <= {d['late_fraction']} L_0)")
    lines.append(f"Flip forecast (first order, ~ m^-1/2): {_g(d['flip_forecast_t_e'])} of the activation patterns by t_e"
                 + (f", {_g(d['flip_forecast_t_late'])} by t_late" if "t_late" in d else ""))
    p = d["partition"]
    a, c = p["active_per_sample"], p["pair_coactive_probability"]
    lines += ["", "Neuron partition at initialisation:",
              f"  neurons active per sample: {a['law']}: mean {_g(a['mean'])}, sd {_g(a['sd'])}",
              f"  pair co-active probability {c['law']}: mean {_g(c['mean'])}, min {_g(c['min'])}, max {_g(c['max'])}"]
    if "class_fractions" in p:
        cf = p["class_fractions"]
        lines.append(f"  neurons active only on class +: {_g(cf['only_positive']['value'])} (se {_g(cf['only_positive']['se'])}), "
                     f"only on class -: {_g(cf['only_negative']['value'])}, on both: {_g(cf['both']['value'])}, "
                     f"on neither: {_g(cf['neither']['value'])}; mean class preference "
                     f"{_g(cf['mean_class_preference']['value'])} ({cf['method']})")
    if "simulation" in d:
        s = d["simulation"]
        lines += ["", f"Measured ({s['seeds']} seeds; mean +- sd):",
                  f"{'width':>7} {'L(t_e)/L_0':>18} {'dev':>6} {'L(t_late)/L_0':>18} {'dev':>6} {'flips t_e':>18} "
                  f"{'forecast':>9}"]
        for r in s["rows"]:
            lines.append(f"{r['width']:>7} {_g(r['early']) + ' +- ' + _g(r['early_sd'], '.2g'):>18} "
                         f"{_g(r['early_dev'], '.1%'):>6} {_g(r.get('late')) + ' +- ' + _g(r.get('late_sd'), '.2g'):>18} "
                         f"{_g(r.get('late_dev'), '.1%'):>6} {_g(r['flip_e']) + ' +- ' + _g(r['flip_e_sd'], '.2g'):>18} "
                         f"{_g(r['flip_forecast_t_e']):>9}")
        if "flip_slope" in s:
            lines.append(f"Slope of log(flips at t_e) against log m: {_g(s['flip_slope'], '.3f')} (forecast -1/2)")
    lines.append(f"({d['source']})")
    return "\n".join(lines)


@click.command("horizon", context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@dim_up_to(LIMITS.dim_horizon)
@network_options
@click.option("--target", default="neuron", show_default=True, metavar="SPEC",
              help="Target class as for 'asympt xi' (simulations: neuron (relu) or halfspace; --early: sign, "
                   "halfspace, neuron, linear labels).")
@click.option("--width", type=click.IntRange(2, 10**9), required=True, help="Width m of the network of interest.")
@click.option("--tol", type=click.FloatRange(0, 1, min_open=True, max_open=True), default=0.1, show_default=True,
              help="Relative tolerance |L_net / L_kernel - 1| that defines t_tol.")
@click.option("--calibrate", default="250,1000", show_default=True, metavar="M1,M2,..|none",
              help="Small widths to train for the fit of t_tol(m) ('none': formula side only).")
@click.option("--samples", type=click.IntRange(10, 20_000), default=None,
              help="Training points (default 1000; --early: 100).")
@click.option("--seeds", type=click.IntRange(1, 100), default=2, show_default=True, help="Replicas per width.")
@click.option("--seed", type=click.IntRange(0, 2**31), default=0, show_default=True, help="Base seed.")
@click.option("--tmax", type=click.FloatRange(0, 1e5, min_open=True), default=400.0, show_default=True,
              help="Largest time t = eta x steps of the simulations.")
@click.option("--lr", type=click.FloatRange(0, min_open=True), default=None,
              help="Step eta (default 1/k(1), stable; --early: 0.5).")
@click.option("--early", is_flag=True, help="Early stage instead: early drop, neuron partition, flip forecast.")
@click.option("--simulate", is_flag=True, help="With --early: train real networks at --widths and measure.")
@click.option("--widths", default=None, metavar="M1,M2,..", help="With --early --simulate: widths (default --width).")
@click.option("--late-fraction", type=click.FloatRange(0, 0.5, min_open=True, max_open=True), default=0.05,
              show_default=True, help="With --early: t_late is where the kernel loss reaches this fraction of L_0.")
@click.option("--plot", "plot", default=None, metavar="FILE",
              help="Save a figure (png, pdf, svg; needs matplotlib): the loss curves of kernel and networks "
                   "(--calibrate none: the predicted displacement; --early: L(t)/L_0 with the measured networks "
                   "and the flips against width).")
@json_option
def horizon(dim, activation, layers, bias, sigma_w, sigma_b, train, convention, target, width, tol, calibrate, samples,
            seeds, seed, tmax, lr, early, simulate, widths, late_fraction, plot, as_json):
    """How long a network of width m follows the kernel law; predicted displacement; the early stage.

    Prints the exact weight displacement of every layer in the kernel regime (with its large-time law
    and RD(t) against width), then trains two-layer networks at the --calibrate widths on the same
    data as their infinite-width kernel, measures t_tol (from when on the losses differ by --tol),
    fits t_tol(m) and extrapolates it to --width ("empirical, extrapolated"), beside the width scalings
    that 1/m and 1/sqrt(m) theories of the finite-width kernel suggest. A fitted loss slope is called
    xi only when at least one decade of the power law is visible before t_tol.

    --early: the kernel prediction of the early drop L(t_e)/L_0 (t_e: the kernel curve halves the
    loss), the neuron partition at initialisation and a first-order forecast of the fraction of
    activation patterns that flip (bias-free ReLU; Wang & Ma 2022 for the phenomenon).

    \b
    Examples:
      asympt horizon --dim 2 --bias 1 --sigma-w 1,1 --target halfspace --width 4000
      asympt horizon --dim 3 --sigma-w 1,1 --target neuron --width 4000 --calibrate none
      asympt horizon --dim 10 --sigma-w 1,1 --early --target sign --width 256 --simulate --widths 64,256,1024
    """
    import sys

    from asympt.core.errors import InvalidInput

    from .main import _emit, build_kernel

    def progress(msg):
        click.echo(msg, err=True)

    if plot:
        _check_plot(plot)
    k = build_kernel(activation, layers, bias, sigma_w, sigma_b, train, convention)
    if early:
        from asympt.dynamics.early import TEACHERS, early_analysis

        if target not in TEACHERS:
            raise InvalidInput(f"--early --target must be one of {', '.join(TEACHERS)}: {target!r}")
        if dim > 10_000:
            raise InvalidInput(f"--early: dim must be <= 10000: {dim}")
        ws = _widths(widths, "--widths") if widths else None
        if simulate and widths and not ws:
            raise InvalidInput("--widths must name at least one width")
        result = early_analysis(k, dim, target, width=width, samples=samples or 100, seeds=seeds, seed=seed,
                                lr=lr or 0.5, simulate=simulate, widths=ws, late_fraction=late_fraction,
                                progress=progress)
        data = rounded(result.to_dict(), _EARLY_DIGITS, 4)
    else:
        if simulate or widths:
            raise InvalidInput("--simulate and --widths belong to --early (the horizon always trains --calibrate)")
        from asympt.dynamics.horizon import horizon as run

        result = run(k, dim, target, width=width, tol=tol, calibrate=_widths(calibrate, "--calibrate"),
                     samples=samples or 1000, seeds=seeds, seed=seed, lr=lr, t_max=tmax, progress=progress)
        data = rounded(_horizon_dict(result), _HORIZON_DIGITS, 4)
    if plot:
        _plot(result, plot)
        print(f"plot written to {plot}", file=sys.stderr)
    _emit(data, as_json, _render_early if early else _render)


def _horizon_dict(result) -> dict:
    """The result's dict with the sentence of each layer's large-time law (six digits of its constant)."""
    data = result.to_dict()
    gd = " (t = eta x steps)" if result.displacement.lr is not None else ""
    for row, layer in zip(data["displacement"]["layers"], result.displacement.layers):
        law = layer.law
        if law.kind == "power":
            row["law"]["law"] = f"D_l(t) ~ sqrt(C) t^({law.exponent_D}), C = {law.constant_D2_value:.6g}{gd}"
        elif law.kind == "logarithmic":
            row["law"]["law"] = f"D_l(t)^2 ~ {law.constant_D2_value:.6g} log t + const"
    return data


def _plot(result, path):
    """Write the figure of a horizon or early-stage result to ``path`` (checked by :func:`_check_plot`)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from asympt.dynamics.early import EarlyStage

    if isinstance(result, EarlyStage):
        fig = _plot_early(plt, result)
    else:
        fig, ax = plt.subplots(figsize=(6, 4))
        if result.simulation is None:
            d = result.displacement
            for r in d.layers:
                ax.loglog(d.times, r.D, "o-", label=f"D_{r.layer} predicted (kernel regime)")
            ax.set_xlabel("t = eta x steps")
            ax.set_ylabel("||theta_l(t) - theta_l(0)||")
        else:
            import numpy as np

            sim = result.simulation                     # every step's loss, mean over the seeds
            t = np.arange(1, sim.steps + 1) * sim.lr
            kernel = np.mean([r.kernel_loss for r in sim.at_width(sim.widths[0])], axis=0)
            ax.loglog(t, kernel[1:], "k-", lw=2, label="kernel (same data)")
            for m in sim.widths:
                ax.loglog(t, np.mean([r.loss for r in sim.at_width(m)], axis=0)[1:], "--", label=f"network m = {m}")
            if not isinstance(result.fit, str):
                ax.axvline(result.fit.t_tol, color="r", ls=":",
                           label=f"t_tol at m = {result.width} (empirical, extrapolated)")
            ax.set_xlabel("t = eta x steps")
            ax.set_ylabel("training loss")
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def _plot_early(plt, e):
    """Left: the kernel's L(t)/L_0 on the sample with t_e, t_late and the measured networks; right
    (with a simulation): flipped activation patterns at t_e against the width, measured and forecast."""
    sim = e.simulation
    fig, axes = plt.subplots(1, 2 if sim else 1, figsize=(10 if sim else 6, 4), squeeze=False)
    ax = axes[0][0]
    ax.semilogx([t for t, _ in e.curve], [v for _, v in e.curve], "k-", lw=2, label="kernel prediction (same data)")
    ax.axvline(e.t_e, color="grey", ls=":", label=f"t_e = {e.t_e:.3g} (kernel halves the loss)")
    if e.t_late is not None:
        ax.axvline(e.t_late, color="grey", ls="--", label=f"t_late = {e.t_late:.3g}")
    if sim:
        for r in sim.rows:
            ts = [e.t_e] + ([e.t_late] if "late" in r else [])
            vs = [r["early"]] + ([r["late"]] if "late" in r else [])
            sd = [r.get("early_sd") or 0.0] + ([r.get("late_sd") or 0.0] if "late" in r else [])
            ax.errorbar(ts, vs, yerr=sd, fmt="o", capsize=3, label=f"network m = {r['width']} (mean +- sd)")
    ax.set_xlabel("t = eta x steps")
    ax.set_ylabel("L(t) / L_0")
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=7)
    if sim:
        ax = axes[0][1]
        ws = [r["width"] for r in sim.rows]
        ax.errorbar(ws, [r["flip_e"] for r in sim.rows], yerr=[r.get("flip_e_sd") or 0.0 for r in sim.rows],
                    fmt="o", capsize=3, label="measured at t_e (mean +- sd)")
        ax.loglog(ws, [r["flip_forecast_t_e"] for r in sim.rows], "r-", label="first-order forecast (~ m^-1/2)")
        ax.set_xlabel("width m")
        ax.set_ylabel("fraction of flipped activation patterns")
        ax.legend(fontsize=7)
    return fig
