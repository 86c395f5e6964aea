"""``asympt table``: reference tables of loss laws over a grid of settings (library: :mod:`asympt.tables`)."""

from __future__ import annotations

import re
import sys

import click

from .types import LIMITS, Text, check_output_path, dims_range

def _list(text, conv, name):
    if text is None:
        return None
    items = [t.strip() for t in text.split(",") if t.strip()]
    if not items:
        raise click.BadParameter(f"{name} needs at least one value", param_hint=f"--{name}")
    out = []
    for t in items:
        try:
            out.append(conv(t))
        except (ValueError, KeyError) as err:
            raise click.BadParameter(f"{t!r}: {err}", param_hint=f"--{name}") from None
    return tuple(out)


def _dims(text):
    """'3,5..8' -> [3, 5, 6, 7, 8], bounded (LIMITS.table_dim, LIMITS.table_dims) before expansion."""
    return dims_range(text, 2, LIMITS.table_dim, LIMITS.table_dims)


def _choice(allowed):
    def conv(t):
        if t not in allowed:
            raise ValueError(f"expected one of {', '.join(allowed)} (the values of the full grid)")
        return t
    return conv


@click.command(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--output", "-o", "outputs", multiple=True, required=True, type=Text("FILE"),
              help="Output file; the format follows the suffix: .csv, .json, .md (Markdown), .tex (LaTeX, "
                   "booktabs). Repeat to write several formats from one run. A path containing "
                   "{activation} is written once per activation.")
@click.option("--grid", "grid_name", type=click.Choice(["default", "full"]), default="default", show_default=True,
              help="default: the committed grid (d <= 30); full: also d = 50 and 100 (slow, see tables/README.md).")
@click.option("--activations", default=None, type=Text(), metavar="A1,A2,..",
              help="Restrict the activations (names as in the grid, e.g. relu,relu^3/2,erf).")
@click.option("--dims", default=None, type=Text(), metavar="D1,D2..D3", help=f"Restrict the dimensions, e.g. 3,5..8,100 (2..{LIMITS.table_dim}, at most "
                   f"{LIMITS.table_dims} values).")
@click.option("--layers", "layers_", default=None, type=Text(), metavar="L1,..", help="Restrict the layer counts (2, 3, 4).")
@click.option("--bias", "biases", default=None, type=Text(), metavar="none,1", help="Restrict the bias values (none, 1).")
@click.option("--train", "trains", default=None, type=Text(), metavar="all,last", help="Restrict the training (all, last).")
@click.option("--data", "datas", default=None, type=Text(), metavar="sphere,euclidean", help="Restrict the data.")
@click.option("--targets", default=None, type=Text(), metavar="T1,..", help="Restrict the targets (neuron, halfspace, sobolev:S).")
@click.option("--jobs", "-j", type=click.IntRange(1, 256), default=1, show_default=True,
              help="Local worker processes (one kernel's rows per task).")
@click.option("--executor", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="local: processes on this machine; dask: a Dask cluster (pip install 'asympt[dask]').")
@click.option("--scheduler", default=None, type=Text(), metavar="ADDRESS",
              help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (with --executor dask; an unreachable "
                   f"scheduler is an error after {LIMITS.dask_connect:g} s).")
@click.option("--verify", is_flag=True,
              help="Add a verdict column from the cross-checks (asympt.checks.run.verify_row) for every row.")
@click.option("--verify-n", type=click.IntRange(200, LIMITS.verify_n), default=1500, show_default=True,
              help=f"Sample size of the --verify cross-checks, 200..{LIMITS.verify_n}.")
@click.option("--fresh", is_flag=True,
              help="Recompute every row (ignore rows already in the outputs and any .partial journal).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary (rows computed/reused, files).")
def table(outputs, grid_name, activations, dims, layers_, biases, trains, datas, targets, jobs, executor,
          scheduler, verify, verify_n, fresh, quiet, as_json):
    """Reference table of loss laws (kind, xi, C, L_inf, alpha, beta, nu, kappa, A_even, A_odd) over a grid.

    Rows already present in an existing CSV/JSON output (or in the OUTPUT.partial journal of an
    interrupted run) are skipped, so an interrupted run resumes. Files are byte-identical on
    regeneration and record the asympt version and the command (without --jobs/--executor, which do
    not change the content).

    \b
    Examples:
      asympt table -o tables/asympt_table.csv -o tables/asympt_table.json --jobs 2
      asympt table --activations relu --dims 3,10 --layers 2 -o relu.md
      asympt table --grid full --executor dask --scheduler tcp://127.0.0.1:8786 -o full.csv
    """
    import dataclasses

    from asympt import __version__
    from asympt import tables as T

    grid = T.GRIDS[grid_name]
    changes = {}
    for name, text, conv, field in (
            ("activations", activations, _choice(T.ACTIVATIONS), "activations"),
            ("dims", dims, None, "dims"),
            ("layers", layers_, lambda t: int(_choice(("2", "3", "4"))(t)), "layers"),
            ("bias", biases, _choice(tuple(T.BIASES)), "biases"),
            ("train", trains, _choice(("all", "last")), "trains"),
            ("data", datas, _choice(("sphere", "euclidean")), "datas"),
            ("targets", targets, _choice(T.TARGETS), "targets")):
        if text is None:
            continue
        if name == "dims":
            try:
                vals = tuple(_dims(text))
            except ValueError as err:
                raise click.BadParameter(f"expected integers >= 2 or ranges A..B ({err}): {text[:40]!r}",
                                         param_hint="--dims") from None
        else:
            vals = _list(text, conv, name)
        # keep the grid's order; a value outside the chosen grid is an error
        allowed = getattr(grid, field)
        extra = [v for v in vals if v not in allowed]
        if extra and name != "dims":
            raise click.BadParameter(f"{extra[0]!r} is not in the {grid_name} grid: {', '.join(map(str, allowed))}",
                                     param_hint=f"--{name}")
        ordered = tuple(v for v in allowed if v in vals) + tuple(sorted(set(extra)))
        changes[field] = ordered
    grid = dataclasses.replace(grid, **changes)
    if executor == "dask" and not scheduler:
        raise click.BadParameter("--executor dask needs --scheduler ADDRESS", param_hint="--scheduler")
    if scheduler is not None and not re.fullmatch(r"(?:[a-z]+://)?[\w.\-\[\]:]+(?::\d{1,5})?", scheduler):
        raise click.BadParameter(f"expected an address such as tcp://10.0.0.5:8786: {scheduler[:40]!r}",
                                 param_hint="--scheduler")
    for o in outputs:  # before any work: the files must be writable (contents are checked by build_table)
        T.format_of(o)
        check_output_path(o.replace("{activation}", "x"), "--output")
    command = _command(outputs, grid_name, activations, dims, layers_, biases, trains, datas, targets, verify,
                       verify_n)
    n_rows = len(T.grid_rows(grid))
    show = not quiet and sys.stderr.isatty()
    kw = dict(command=command, version=__version__, jobs=jobs, executor=executor, scheduler=scheduler, verify=verify,
              verify_n=verify_n, resume=not fresh, connect_timeout=LIMITS.dask_connect)
    try:
        if show:
            with click.progressbar(length=n_rows, label="rows", file=sys.stderr) as bar:
                summary = T.build_table(grid, outputs, progress=bar.update, **kw)
        else:
            summary = T.build_table(grid, outputs, **kw)
    except T.ResumeRefused as err:
        raise T.ResumeRefused(f"{err}: rerun with --fresh") from None
    if as_json:
        import json

        click.echo(json.dumps(summary, indent=2, sort_keys=True))
    elif not quiet:
        click.echo(f"{summary['rows']} rows ({summary['computed']} computed, {summary['reused']} reused) -> "
                   + ", ".join(summary["files"]), err=True)


def _command(outputs, grid_name, activations, dims, layers_, biases, trains, datas, targets, verify, verify_n):
    """The canonical command that regenerates the files (options that change the content only)."""
    parts = ["asympt", "table"]
    if grid_name != "default":
        parts += ["--grid", grid_name]
    for opt, val in (("--activations", activations), ("--dims", dims), ("--layers", layers_), ("--bias", biases),
                     ("--train", trains), ("--data", datas), ("--targets", targets)):
        if val is not None:
            parts += [opt, _quote(val)]
    if verify:
        parts.append("--verify")
        if verify_n != 1500:
            parts += ["--verify-n", str(verify_n)]
    for o in outputs:
        parts += ["-o", _quote(o)]
    return " ".join(parts)


def _quote(text):
    import shlex

    return shlex.quote(str(text))
