"""``asympt gd-risk``: a per-iteration test-error estimate of GD from the training data alone.

Thin click command over :mod:`asympt.proportional.experiment`; numpy, SciPy and SymPy are imported
inside the command.
"""

from __future__ import annotations

import sys

import click

from .main import json_option
from .types import FiniteFloat


def _lr(text):
    from asympt.core.errors import InvalidInput

    if text.strip().lower() == "auto":
        return "auto"
    try:
        value = float(text)
    except ValueError:
        raise InvalidInput(f"--lr must be 'auto' or a positive number: {text!r}") from None
    import math

    if not (math.isfinite(value) and value > 0):
        raise InvalidInput(f"--lr must be 'auto' or a finite number > 0: {text!r}")
    return value


def _check_plot(path):
    """Before any computation: matplotlib importable and the output path writable."""
    import importlib.util
    import os

    from asympt.core.errors import InvalidInput, NotSupported

    if importlib.util.find_spec("matplotlib") is None:
        raise NotSupported("--plot needs matplotlib (pip install 'asympt[plot]')")
    folder = os.path.dirname(os.path.abspath(path)) or "."
    if os.path.isdir(path) or not os.path.isdir(folder) or not os.access(folder, os.W_OK):
        raise InvalidInput(f"--plot: cannot write the file {path!r} (missing or read-only folder, or a folder)")
    if not path.lower().endswith((".png", ".pdf", ".svg")):
        raise InvalidInput(f"--plot: the file name must end in .png, .pdf or .svg: {path!r}")


def _f(x, se=None):
    """x to 4 significant digits, or to the decimal place of the leading digit of its error se."""
    import math

    if se is None or not se > 0:
        return f"{x:.4g}"
    places = max(0, min(8, -math.floor(math.log10(se))))
    return f"{x:.{places}f}"


def _render(d):
    from asympt.proportional.experiment import shown_steps

    lines = [f"GD risk of a width-{d['width']} {d['activation']} network (depth {d['depth']}) on a single-index "
             f"teacher y = {d['link']} + {d['noise']:g} xi",
             f"M = {d['samples']} samples, N = {d['features']} features (M/N = {d['ratio']:.4g}), {d['steps']} steps, "
             f"seed {d['seed']}",
             f"first-layer step lr = {d['lr']:.4g} ({d['lr_note']}; stability bound {d['stability_bound']:.4g}), "
             f"head step {d['head_lr']:g}" + (f", memory window {d['window']}" if d["window"] else ""),
             f"estimate: {d['method']}", ""]
    rows = d["rows"]
    sim = "population" in rows[0]
    lin = "closed_form" in d
    head = f"{'t':>5} {'train MSE':>10} {'estimate':>16}"
    if sim:
        head += f" {'population':>16} {'rel.err':>8}"
    if lin:
        head += f" {'closed form':>14}"
    lines.append(head)
    for t in shown_steps(d["steps"]):
        r = rows[t]
        est = f"{_f(r['estimate'], r['estimate_se'])} +- {r['estimate_se']:.1g}"
        line = f"{t:>5} {_f(r['train']):>10} {est:>16}"
        if sim:
            pop = f"{_f(r['population'], r['population_se'])} +- {r['population_se']:.1g}"
            line += f" {pop:>16} {100 * r['rel_error']:>+7.1f}%"
        if lin:
            line += f" {_f(r['closed_form_value']):>14}"
        lines.append(line)
    lines.append("(estimate +- its sampling error std/sqrt(M); population = sigma^2 + E (link(s) - F)^2 on "
                 "200000 fresh Gaussian inputs +- its Monte Carlo error)" if sim else
                 "(estimate +- its sampling error std/sqrt(M))")
    s = d["early_stopping"]
    lines.append("")
    lines.append(f"early-stopping step chosen by the estimate: t = {s['t_estimate']} "
                 f"(estimated test MSE {s['estimate_at_t']:.3g})")
    if sim:
        lines.append(f"true optimum: t = {s['t_optimum']} (population test MSE {s['population_min']:.4g}); "
                     f"population at the chosen step {s['population_at_t']:.4g}, excess risk "
                     f"{100 * s['excess_risk']:.2f}%")
        lines.append(f"mean |relative error| of the estimate over the steps: {100 * s['mean_abs_rel_error']:.1f}%")
    if lin:
        c = d["closed_form"]
        lines.append(f"closed form (width-1 linear, N -> oo at M/N fixed): {c['formula']}; "
                     f"s2 = ||w_0 - mu*||^2/N = {c['signal2']:.4g}")
    for w in d["warnings"]:
        lines.append(f"WARNING: {w}")
    return "\n".join(lines)


def _plot(d, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = d["rows"]
    t = [r["t"] for r in rows]
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(t, [r["train"] for r in rows], label="train MSE")
    ax.plot(t, [r["estimate"] for r in rows], label="estimated test MSE")
    if "population" in rows[0]:
        ax.plot(t, [r["population"] for r in rows], "--", label="population test MSE")
    if "closed_form" in d:
        pts = [(r["t"], r["closed_form_value"]) for r in rows if "closed_form_value" in r]
        ax.plot(*zip(*pts), ":", label="closed form")
    ax.axvline(d["early_stopping"]["t_estimate"], color="grey", lw=0.8)
    ax.set_xlabel("step t")
    ax.set_ylabel("MSE")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


@click.command("gd-risk", context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--samples", "-M", type=click.IntRange(10, 200_000), required=True, help="Training samples M.")
@click.option("--features", "-N", type=click.IntRange(10, 100_000), required=True, help="Input dimension N.")
@click.option("--width", "-q", type=click.IntRange(1, 8), default=2, show_default=True,
              help="First-layer width q (bounded: the proportional, finite-width regime).")
@click.option("--activation", "-a", type=click.Choice(["linear", "tanh", "erf", "softplus", "relu"]),
              default="tanh", show_default=True, help="Activation of the head's hidden layer(s).")
@click.option("--depth", type=click.IntRange(2, 3), default=2, show_default=True,
              help="2: F = a.s(z) + b; 3: one more hidden layer of width 4.")
@click.option("--link", default="tanh(2*s) + 0.3*s", show_default=True, metavar="EXPR",
              help="Teacher link of s = <x, w*> (parsed by the restricted parser, never evaluated).")
@click.option("--noise", type=FiniteFloat(min=0, max=1e6), default=0.5, show_default=True, help="Label noise standard deviation sigma.")
@click.option("--steps", "-T", type=click.IntRange(1, 2000), default=40, show_default=True, help="GD steps T.")
@click.option("--lr", "lr", default="auto", show_default=True, metavar="auto|ETA",
              help="First-layer step on the summed loss; auto = 0.2 x the stability bound (printed).")
@click.option("--head-lr", type=FiniteFloat(min=0, max=10), default=0.5, show_default=True,
              help="Step of the head's parameters on the mean loss, 0..10 (0 freezes the head).")
@click.option("--window", type=click.IntRange(1, 2000), default=None,
              help="Memory window of the estimator (lags kept); default: all (memory ~ T^2).")
@click.option("--seed", type=click.IntRange(0, 2**31), default=0, show_default=True, help="Seed of data and init.")
@click.option("--simulate", is_flag=True, help="Also print the population test MSE and the relative error.")
@click.option("--linear", is_flag=True,
              help="Width-1 linear case: print the Marchenko-Pastur closed form beside the run "
                   "(needs --width 1 --activation linear and a link c*s).")
@click.option("--plot", "plot", default=None, metavar="FILE",
              help="Save the curves (.png/.pdf/.svg; needs matplotlib).")
@json_option
def gd_risk(samples, features, width, activation, depth, link, noise, steps, lr, head_lr, window, seed, simulate,
            linear, plot, as_json):
    """Test error of gradient descent at every step, estimated from the training data alone.

    Trains a first layer of width q on M samples in N dimensions (isotropic Gaussian inputs,
    0.2 <= M/N <= 20) with a small head above it, by full-batch GD (reference numpy trainer), on a
    single-index teacher y = link(<x, w*>) + noise. At every step it prints the training MSE and a
    cavity (leave-one-out) estimate of the test MSE, in the finite-width proportional regime of
    Han & Imaizumi (2025). The estimator is our derivation, checked against leave-one-out
    retraining, not the paper's algorithm. With --simulate it also prints the population test MSE
    and the relative error; then the early-stopping step chosen by the estimate, the true optimum
    and the excess risk. --linear adds the exact large-N curve of the width-1 linear case.

    \b
    Examples:
      asympt gd-risk --samples 4000 --features 2000 --width 2 --steps 40 --simulate
      asympt gd-risk -M 1500 -N 1000 -q 1 -a linear --link "s" --noise 0.5 --steps 60 --simulate --linear
      asympt gd-risk -M 2000 -N 1000 --depth 3 --activation erf --link "s**3 / 3 + s" --window 30 --steps 40 --json
    """
    from asympt.core.errors import InvalidInput
    from asympt.proportional.experiment import plan, run

    if plot is not None:
        _check_plot(plot)
    eta = _lr(lr)
    if linear and (width != 1 or activation != "linear" or depth != 2):
        raise InvalidInput("--linear is the width-1 linear case: it needs --width 1 --activation linear --depth 2 "
                           f"(got --width {width} --activation {activation} --depth {depth})")
    if window is not None and window > steps:
        raise InvalidInput(f"--window must be <= --steps ({steps}): {window}")
    plan(samples, features, width, steps, window, simulate)
    show = samples * features * (steps + 1) >= 2 * 10**8 and not as_json
    if show:
        with click.progressbar(length=steps + 1, label="training", file=sys.stderr) as bar:
            data = run(samples, features, width, activation, depth, link, noise, steps, eta, head_lr, seed, window,
                       simulate, linear, progress=lambda: bar.update(1))
    else:
        data = run(samples, features, width, activation, depth, link, noise, steps, eta, head_lr, seed, window,
                   simulate, linear)
    if plot is not None:
        _plot(data, plot)
        data["plot"] = plot
    from .main import _emit

    _emit(data, as_json, _render)
