"""``asympt check``: the closed forms against computations that share none of their formulas.

Loaded lazily by :mod:`asympt.cli.main`; heavy imports happen inside the command.
"""

from __future__ import annotations

import json
import sys

import click

from .main import build_kernel, dim_up_to, network_options
from .types import LIMITS

_GROUPS = ("spectrum", "loss", "finite-width", "high-precision", "horizon")
_DEFAULT_GROUPS = _GROUPS[:4]  # "horizon" trains networks for minutes: only with --only horizon


def render(rep: dict) -> str:
    """Plain-text report: the setting, one table row per check, then the details of each row."""
    s = rep["setting"]
    law = s.get("law", {})
    head = [f"asympt check: {s['kernel']}",
            f"  d = {s['dim']}, target {s['target']}, data {s['data']}"
            + (f", N = {s['n']}" if s.get("n") is not None else "")  # N only when the sampled groups ran
            + f", seed {s['seed']}",
            f"  predicted law: {law.get('kind')}" + (f", xi = {law['xi']}" if law.get("xi") else "")
            + (f", C = {law['C']}" if law.get("C") not in (None, "-") else ""), ""]
    cols = ("check", "predicted", "measured", "tolerance", "verdict")
    caps = (44, 20, 20, 16, 7)
    rows = [(f"{r['group']}: {r['name']}", r["predicted"], r["measured"], r["tolerance"], r["verdict"].upper())
            for r in rep["rows"]]
    widths = [min(cap, max([len(c)] + [len(x[i]) for x in rows])) for i, (c, cap) in enumerate(zip(cols, caps))]

    def cut(text, w):
        return text if len(text) <= w else text[: w - 1] + "~"

    lines = head + ["  ".join(c.ljust(w) for c, w in zip(cols, widths)),
                    "  ".join("-" * w for w in widths)]
    lines += ["  ".join(cut(x, w).ljust(w) for x, w in zip(row, widths)).rstrip() for row in rows]
    lines.append("")
    lines.append(f"{rep['passed']} passed, {rep['failed']} failed, {rep['skipped']} skipped")
    lines.append("")
    lines.append("Details (~ marks text cut in the table):")
    for i, r in enumerate(rep["rows"], 1):
        lines.append(f"  [{i}] {r['name']}: predicted {r['predicted']}; measured {r['measured']}; "
                     f"tolerance {r['tolerance']}; {r['verdict']}")
        if r["detail"]:
            lines.append(f"      {r['detail']}")
    return "\n".join(lines)


_PLOT_FORMATS = ("eps", "jpeg", "jpg", "pdf", "pgf", "png", "ps", "svg", "svgz", "tif", "tiff", "webp")


def check_plot_target(path: str) -> None:
    """Refuse, before any computation, a --plot target that cannot be written: matplotlib missing, '-',
    an unknown extension, a missing or read-only directory, a name the file system refuses."""
    import importlib.util
    import os

    if path.strip() in ("", "-"):
        raise click.BadParameter("give a file name (plots are binary; they are not written to stdout)",
                                 param_hint="--plot")
    ext = os.path.splitext(path)[1].lower().lstrip(".")
    if ext not in _PLOT_FORMATS:
        raise click.BadParameter(f"{path!r}: the extension must be one of {', '.join(_PLOT_FORMATS)}",
                                 param_hint="--plot")
    if importlib.util.find_spec("matplotlib") is None:
        raise click.ClickException("--plot needs matplotlib: pip install 'asympt[plot]'")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise click.ClickException(f"--plot {path!r}: directory {folder!r} does not exist")
    if os.path.isdir(path):
        raise click.ClickException(f"--plot {path!r} is a directory")
    existed = os.path.exists(path)
    try:  # the only reliable test: open the file for writing (read-only dirs, too-long names, ...)
        with open(path, "ab"):
            pass
    except OSError as err:
        raise click.ClickException(f"--plot {path!r}: cannot write: {err.strerror or err}") from None
    if not existed:
        os.remove(path)


@click.command("check")
@dim_up_to(LIMITS.dim_check)
@network_options
@click.option("--target", default="neuron", show_default=True, metavar="SPEC",
              help="Target class, as for 'asympt xi': neuron, neuron:NAME, halfspace, cap:THETA0, sobolev:S, "
                   "harmonic:K (one sampled function of the class).")
@click.option("--data", type=click.Choice(["sphere", "vmf", "gaussian", "cube"]), default="sphere",
              show_default=True,
              help="sphere: uniform on S^(d-1); vmf: a von Mises-Fisher mixture on S^(d-1) (non-uniform); "
                   "cube / gaussian: points in R^d (need --bias; theory section 8, which needs bounded data: "
                   "the exponent rows skip Gaussian data).")
@click.option("--n", "n", type=click.IntRange(200, 40000), default=4000, show_default=True,
              help="Number of sampled points N (the Gram matrix needs 8 N^2 bytes).")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True, help="Random seed.")
@click.option("--only", "only", type=click.Choice(_GROUPS), multiple=True,
              help="Run only these check groups (repeatable). Default: all but 'horizon' (which trains "
                   "two-layer networks of widths 250, 500, 1000 for a few minutes).")
@click.option("--widths", default="250,1000,4000", show_default=True, metavar="M1,M2,M3",
              help="Hidden widths of the finite-network checks (at least three).")
@click.option("--plot", "plot_file", type=str, default=None, metavar="FILE",
              help="Write the eigenvalue-decay and loss-curve plots to FILE (.png, .pdf, .svg, ...; needs "
                   "matplotlib: pip install 'asympt[plot]'). Checked before any computation.")
@click.option("--max-memory", "max_memory", type=click.FloatRange(0.1, 64), default=2.0, show_default=True,
              metavar="GB", help="Memory budget of the sampled checks; larger --n is refused before allocating.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable JSON output.")
def check(dim, activation, layers, bias, sigma_w, sigma_b, train, convention, target, data, n, seed, only,
          widths, plot_file, max_memory, quiet, as_json):
    """Cross-check the predicted spectrum and loss law against independent computations.

    Samples N points, builds the Gram matrix of the network kernel, and compares its eigenvalues
    (Nystrom) and the sampled target's gradient-flow loss curve with the Funk-Hecke spectrum, the exact
    loss curve and the closed-form exponents nu and xi; trains real finite-width numpy networks; and
    checks mu_k / law -> 1 and the exact curve's local exponent -> xi at high precision. Every row shows
    predicted, measured, tolerance and verdict. Tolerances come only from the spread over disjoint
    subsamples, the trend of the measurement between N/4, N/2 and N, and the exact side's own error
    (never from the measured-minus-predicted gap), at a family-wise level: the correct prediction fails
    on any row in at most 5 % of runs. The details list every part, and --json adds the measured
    detection power. Takes about a minute at N = 8000. The exit code is 1 when a check fails.

    \b
    Examples:
      asympt check --dim 3 --activation relu
      asympt check --dim 3 --activation relu --bias 1 --data cube --target halfspace
      asympt check --dim 3 --data vmf --n 2000 --only spectrum --only loss --json
    """
    from asympt.checks.run import estimate_memory, run_checks
    from asympt.targets import parse_target

    if plot_file is not None:
        check_plot_target(plot_file)

    try:
        ws = tuple(int(w) for w in widths.split(","))
    except ValueError:
        raise click.BadParameter(f"widths must be integers separated by commas: {widths!r}",
                                 param_hint="--widths") from None
    if len(ws) < 3 or min(ws) < 10 or max(ws) > 20000 or len(set(ws)) != len(ws):
        raise click.BadParameter("give at least three distinct widths between 10 and 20000", param_hint="--widths")
    k = build_kernel(activation, layers, bias, sigma_w, sigma_b, train, convention)
    tgt = parse_target(target, default_activation=k.network.activation.name)
    groups = tuple(only) or _DEFAULT_GROUPS
    if any(g in groups for g in ("spectrum", "loss")) and estimate_memory(n) > max_memory * 1e9:
        raise click.ClickException(f"--n {n}: the sampled checks would need about {estimate_memory(n) / 1e9:.1f} GB, "
                                   f"over --max-memory {max_memory:g} GB; lower --n or raise --max-memory")
    show = not quiet and not as_json and sys.stderr.isatty()
    stages = []
    total = 5 * any(g in groups for g in ("spectrum", "loss")) + ("finite-width" in groups) + (
        "high-precision" in groups and data not in ("gaussian", "cube")) + ("horizon" in groups)

    def progress(stage):
        stages.append(stage)
        if show:
            click.echo(f"  [{len(stages)}/{total}] {stage} ...", err=True)

    rep = run_checks(k, dim, tgt, data=data, n=n, seed=seed, groups=groups, widths=ws, progress=progress,
                     max_memory_gb=max_memory)
    out = rep.to_json()
    if as_json:
        from asympt.checks.power import power_section

        out["power"] = power_section(out["setting"])
    if plot_file:
        from .report import plot_check

        plot_check(rep, plot_file)
        out["plot"] = plot_file
    if as_json:
        click.echo(json.dumps(out, indent=2, sort_keys=True))
    else:
        click.echo(render(out))
    if not rep.ok:
        sys.exit(1)
