"""The grid of settings of ``asympt table`` and the vocabulary of a row.

A row is one setting (activation, layers, bias, trained layers, data, target, dimension d) and its
large-time loss law: the key columns :data:`KEY_COLUMNS` and the value columns :data:`VALUE_COLUMNS`
(tables/README.md explains each). Rows come in the fixed order of the grid definition
(:func:`grid_groups`, :func:`grid_rows`); one group is the rows of one kernel (activation, layers,
bias, training), the unit of work of :func:`asympt.tables.rows.compute_group`.
"""

from __future__ import annotations

from dataclasses import dataclass

from asympt.laws.loss import KINDS as _LAW_KINDS

__all__ = ["ACTIVATIONS", "BIASES", "COLUMNS", "GRIDS", "KEY_COLUMNS", "KINDS", "TARGETS", "VALUE_COLUMNS",
           "VERIFY_COLUMNS", "Grid", "expand_output", "files_of_command", "grid_groups", "grid_rows", "row_key",
           "slug"]

ACTIVATIONS = ("relu^0", "relu^1/2", "relu", "relu^3/2", "relu^2", "relu^3", "leaky_relu", "abs", "erf",
               "tanh", "gelu", "sin")
DIMS_FULL = tuple(range(2, 21)) + (25, 30, 50, 100)
TARGETS = ("neuron", "halfspace", "sobolev:1", "sobolev:2", "sobolev:3")
#: bias column value -> the ``bias`` argument of :func:`asympt.kernels.networks.ntk` (sigma_b in every layer)
BIASES = {"none": None, "1": 1}
KEY_COLUMNS = ("activation", "layers", "bias", "train", "data", "target", "dim")
VALUE_COLUMNS = ("kind", "xi", "xi_decimal", "C", "C_exact", "L_inf", "L_inf_exact", "alpha", "beta", "nu",
                 "kappa", "A_even", "A_odd", "note")
VERIFY_COLUMNS = ("verdict", "verify_detail")
COLUMNS = KEY_COLUMNS + VALUE_COLUMNS
DIGITS = 12

#: every ``kind`` a row can have: the laws' kinds plus the two a table row adds
KINDS = _LAW_KINDS + ("undefined", "not supported")


@dataclass(frozen=True)
class Grid:
    """A grid of settings. ``data = "euclidean"`` is crossed with ``bias = "1"`` only (theory section 8
    needs a first-layer bias: without it the setting is undefined)."""

    activations: tuple = ACTIVATIONS
    layers: tuple = (2, 3, 4)
    biases: tuple = ("none", "1")
    trains: tuple = ("all", "last")
    datas: tuple = ("sphere", "euclidean")
    targets: tuple = TARGETS
    dims: tuple = DIMS_FULL


#: ``full``: the grid of issue 6. ``default``: the committed grid; it leaves out d = 50 and d = 100
#: (measured cost: see tables/README.md) and keeps every other value.
GRIDS = {
    "full": Grid(),
    "default": Grid(layers=(2,), dims=(2, 3, 4, 5, 10, 20, 30)),
}


def grid_groups(grid: Grid) -> list:
    """[(group, [(data, target, dim), ...]), ...] in table order; group = (activation, layers, bias, train)."""
    out = []
    for act in grid.activations:
        for layers in grid.layers:
            for bias in grid.biases:
                for train in grid.trains:
                    rows = [(data, target, dim) for data in grid.datas if data == "sphere" or bias != "none"
                            for target in grid.targets for dim in grid.dims]
                    if rows:
                        out.append(((act, layers, bias, train), rows))
    return out


def grid_rows(grid: Grid) -> list:
    """Row keys (tuples in KEY_COLUMNS order) of ``grid`` in table order."""
    return [g + r for g, rows in grid_groups(grid) for r in rows]


def row_key(row) -> tuple:
    """Key tuple of a row dict (or of a key tuple)."""
    if isinstance(row, tuple):
        return tuple(row)
    return tuple(int(row[c]) if c in ("layers", "dim") else row[c] for c in KEY_COLUMNS)


def slug(activation: str) -> str:
    """File-name form of an activation: relu^3/2 -> relu3_2.

    >>> [slug(a) for a in ("relu^0", "relu^3/2", "leaky_relu")]
    ['relu0', 'relu3_2', 'leaky_relu']
    """
    return activation.replace("^", "").replace("/", "_")


def expand_output(path, activations) -> list:
    """[(file, activation or None)]: a path containing ``{activation}`` gives one file per activation."""
    path = str(path)
    if "{activation}" not in path:
        return [(path, None)]
    return [(path.replace("{activation}", slug(a)), a) for a in activations]


def files_of_command(command: str, activations=ACTIVATIONS) -> list:
    """[(file, activation or None)] written by an ``asympt table`` command line (its ``-o`` options)."""
    import shlex

    args = shlex.split(command)
    outs = [args[i + 1] for i, a in enumerate(args[:-1]) if a in ("-o", "--output")]
    return [f for o in outs for f in expand_output(o, activations)]
