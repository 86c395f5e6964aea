"""Reference tables of loss laws over a grid of settings (``asympt table``).

A row is one setting (activation, layers, bias, trained layers, data, target, dimension d) and its
large-time loss law from :func:`asympt.loss.loss_law` (kind, xi, C, L_inf, alpha, beta, nu, kappa)
with the eigenvalue constants A_even, A_odd of :func:`asympt.decay.decay_law` (THEORY sections 5, 7, 8).
The quantities are assembled by :func:`asympt.report.xi_report`, the same function behind
``asympt xi --json``, so a table row and ``asympt xi`` never disagree.

Determinism: rows come in the fixed order of the grid definition; every value is a string (exact forms
such as ``3/10`` as SymPy prints them, decimals with 12 significant digits from a 30-digit evaluation);
files carry the asympt version and the command that made them, never a date. Regenerating a table
gives the same bytes whatever ``--jobs`` or executor is used.

Speed: rows are grouped by kernel (activation, layers, bias, training); one worker computes one group,
building the kernel once and computing each (kernel, d) decay law once for all the group's rows
(:func:`_shared_decay_laws`). Groups run in local processes (``concurrent.futures``) or on a Dask
cluster through ``distributed.Client``'s executor interface.

Entry points: :func:`grid_rows`, :func:`compute_group`, :func:`build_table`, :func:`render`,
:func:`read_rows`, :func:`compare_rows`.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
from dataclasses import dataclass

from .errors import InvalidInput

__all__ = ["BIASES", "COLUMNS", "GRIDS", "Grid", "build_table", "compare_rows", "compute_group",
           "format_decimal", "grid_rows", "read_rows", "render", "row_key"]

# ---- grid -------------------------------------------------------------------------------------

#: Activations of the full grid, in table order: relu^a for a = 0, 1/2, 1, 3/2, 2, 3, then the others.
ACTIVATIONS = ("relu^0", "relu^1/2", "relu", "relu^3/2", "relu^2", "relu^3", "leaky_relu", "abs", "erf",
               "tanh", "gelu", "sin")
DIMS_FULL = tuple(range(2, 21)) + (25, 30, 50, 100)
TARGETS = ("neuron", "halfspace", "sobolev:1", "sobolev:2", "sobolev:3")
#: bias column value -> the ``bias`` argument of :func:`asympt.networks.ntk` (sigma_b in every layer)
BIASES = {"none": None, "1": 1}
KEY_COLUMNS = ("activation", "layers", "bias", "train", "data", "target", "dim")
VALUE_COLUMNS = ("kind", "xi", "xi_decimal", "C", "C_exact", "L_inf", "L_inf_exact", "alpha", "beta", "nu",
                 "kappa", "A_even", "A_odd", "note")
VERIFY_COLUMNS = ("verdict", "verify_detail")
COLUMNS = KEY_COLUMNS + VALUE_COLUMNS
DIGITS = 12


@dataclass(frozen=True)
class Grid:
    """A grid of settings. ``data = "euclidean"`` is crossed with ``bias = "1"`` only (THEORY section 8
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


# ---- one row ----------------------------------------------------------------------------------

def format_decimal(expr, digits: int = DIGITS) -> str:
    """``expr`` to ``digits`` significant digits ('' for None), fewer when it is a Float of lower precision.

    Exact SymPy numbers are evaluated with 10 guard digits; a Float (a quadrature value) keeps at most
    its own precision minus 5 digits.

    >>> import sympy
    >>> format_decimal(sympy.Rational(1, 24)), format_decimal(sympy.Integer(3) / 10), format_decimal(0)
    ('0.0416666666667', '0.3', '0')
    >>> format_decimal(sympy.Float("0.123456789", 10))
    '0.12346'
    """
    import mpmath
    import sympy

    if expr is None:
        return ""
    expr = sympy.sympify(expr)
    if expr == 0:
        return "0"
    floats = list(expr.atoms(sympy.Float))
    if floats:
        digits = max(1, min(digits, min(mpmath.libmp.prec_to_dps(f._prec) for f in floats) - 5))
    val = sympy.N(expr, digits + 10)
    if not val.is_real:
        raise InvalidInput(f"table value is not a real number: {expr}")
    with mpmath.workdps(digits + 10):
        return mpmath.nstr(mpmath.mpf(val), digits)


@contextlib.contextmanager
def _shared_decay_laws():
    """Share the per-(kernel, d) work of :func:`asympt.loss.loss_law` between the rows of one kernel.

    ``loss_law`` recomputes, for every row, the decay law of (kernel, d) and the text of the kernel's
    first derivation lines. Inside this block both pure functions remember their result (or the error
    they raised) per (kernel, d): one :class:`~asympt.decay.DecayLaw`, with its eigen-index constant
    Lambda computed once, serves all targets and data of that kernel and dimension. Results are
    identical to uncached calls (``asympt xi`` computes them without the cache; the drift test
    compares); the original functions are restored on exit. Yields the shared ``decay_law``.
    """
    import functools

    from . import decay, loss

    original_decay, original_lines = decay.decay_law, loss._kernel_lines
    laws, lines = {}, {}
    alive = []  # keep every kernel alive while its id() is a cache key

    class _Shared(decay.DecayLaw):
        @functools.cached_property
        def Lambda(self):  # noqa: N802 - the paper's symbol
            return decay.DecayLaw.Lambda.fget(self)

    def remembered(cache, key, compute):
        if key not in cache:
            try:
                cache[key] = (True, compute())
            except Exception as err:  # noqa: BLE001 - re-raised below, for every row that asks
                cache[key] = (False, err)
        ok, value = cache[key]
        if not ok:
            raise value
        return value

    def shared_decay(kernel, dim):
        alive.append(kernel)

        def compute():
            dl = original_decay(kernel, dim)
            return _Shared(**{f: getattr(dl, f) for f in dl.__dataclass_fields__})
        return remembered(laws, (id(kernel), dim), compute)

    def shared_lines(kernel, dim, dl):
        alive.append(dl)
        return list(remembered(lines, (id(kernel), dim, id(dl)),
                               lambda: tuple(original_lines(kernel, dim, dl))))

    decay.decay_law, loss._kernel_lines = shared_decay, shared_lines
    try:
        yield shared_decay
    finally:
        decay.decay_law, loss._kernel_lines = original_decay, original_lines


def _error_row(key, kind, note):
    row = dict(zip(KEY_COLUMNS, key))
    row.update({c: "" for c in VALUE_COLUMNS})
    row["kind"] = kind
    row["note"] = " ".join(str(note).split())
    return row


def _kind_of_error(err) -> str:
    from .errors import InvalidInput as Invalid

    return "undefined" if isinstance(err, Invalid) else "not supported"


def _law_row(key, kernel, dim, target, law, decay):
    """A row from the same report ``asympt xi --json`` prints (exact forms as there, decimals re-rounded)."""
    from . import report

    rep = report.xi_report(kernel, dim, target, law)

    def exact(name):
        v = rep[name]
        return "" if v is None or v["exact"] is None else v["exact"]

    row = dict(zip(KEY_COLUMNS, key))
    row.update({
        "kind": rep["kind"],
        "xi": exact("xi"), "xi_decimal": format_decimal(law.xi),
        "C": format_decimal(law.C), "C_exact": exact("C"),
        "L_inf": format_decimal(law.L_inf), "L_inf_exact": exact("L_inf"),
        "alpha": exact("alpha"), "beta": exact("beta"), "nu": exact("nu"), "kappa": exact("kappa"),
        "A_even": "" if decay is None else format_decimal(decay.A(0)),
        "A_odd": "" if decay is None else format_decimal(decay.A(1)),
        "note": _note(law),
    })
    return row


def _note(law) -> str:
    if law.kind == "logarithmic":
        text = law.approach
    elif law.kind == "plateau":
        text = ("energy on degrees with mu_k = 0 is never learned; L(t) - L_inf ~ C t^-xi" if law.xi is not None
                else "energy on degrees with mu_k = 0 is never learned; " + law.approach)
    elif law.data == "euclidean":
        text = "intrinsic-dimension rule (THEORY section 8, derived); C depends on the data density: not given"
    else:
        text = ""
    return " ".join(text.split())


def compute_group(group, rows, verify: bool = False, verify_n: int = 1500) -> list:
    """Rows (dicts of strings) for one kernel ``group`` = (activation, layers, bias, train).

    ``rows`` lists (data, target, dim). The kernel is built once and each (kernel, d) decay law is
    computed once. Errors asympt raises on purpose become honest rows of kind ``undefined`` (the setting
    does not exist, e.g. the NTK of the step function) or ``not supported`` (the law is not derived),
    with the reason in ``note``; any other exception propagates.
    """
    from .errors import AsymptError
    from .loss import loss_law
    from .networks import ntk
    from .targets import parse_target

    act, layers, bias, train = group
    out = []
    try:
        kernel = ntk(act, int(layers), bias=BIASES[bias], train=train)
    except AsymptError as err:
        return [_with_verdict(_error_row(group + r, _kind_of_error(err), err), verify, None) for r in rows]
    _remember_singular_errors(kernel)
    with _shared_decay_laws() as shared_decay:
        for data, target_spec, dim in rows:
            key = group + (data, target_spec, dim)
            try:
                target = parse_target(target_spec, default_activation=kernel.network.activation.name)
                law = loss_law(kernel, dim, target, data=data)
                try:
                    dl = shared_decay(kernel, dim) if data == "sphere" else None
                except AsymptError:
                    dl = None
                row = _law_row(key, kernel, dim, target, law, dl)
            except (AsymptError, NotImplementedError) as err:  # NotImplementedError: SymPy series limits
                row = _error_row(key, _kind_of_error(err), err)
            out.append(_with_verdict(row, verify, (kernel, dim, target_spec, data, verify_n)))
    return out


def _remember_singular_errors(kernel):
    """Make this kernel object remember a failed singular expansion as it remembers a successful one.

    :meth:`DotProductKernel.singular` caches its results but recomputes (about 1 s) an expansion that
    raises, once per row; the wrapper, set on this one instance only, re-raises the same error.
    """
    method = kernel.singular
    failed = {}

    def singular(at=1, order=None, **kwargs):
        key = (at, order, tuple(sorted(kwargs.items())))
        if key in failed:
            raise failed[key]
        try:
            return method(at, order=order, **kwargs)
        except Exception as err:  # noqa: BLE001 - remembered and re-raised unchanged
            failed[key] = err
            raise

    kernel.__dict__["singular"] = singular


def _with_verdict(row, verify, args):
    if not verify:
        return row
    if row["kind"] in ("undefined", "not supported") or args is None:
        row["verdict"], row["verify_detail"] = "skip", "no law to check"
        return row
    from . import check

    kernel, dim, target_spec, data, n = args
    res = check.verify_row(kernel, dim, target_spec, data=data, n=n, seed=0)
    row["verdict"] = str(res["verdict"])
    row["verify_detail"] = " ".join(str(res.get("detail", "")).split())
    return row


# ---- rendering --------------------------------------------------------------------------------

_TITLE = "asympt reference table: large-time loss laws L(t) ~ C t^-xi of kernel-regime training"


def columns_for(rows, verify=False) -> tuple:
    return COLUMNS + (VERIFY_COLUMNS if verify or any("verdict" in r for r in rows) else ())


def render(rows, fmt: str, *, version: str, command: str, verify: bool = False) -> str:
    """Text of the table in ``fmt`` (csv, json, md, tex); rows must already be in table order."""
    cols = columns_for(rows, verify)
    if fmt == "csv":
        return _render_csv(rows, cols, version, command)
    if fmt == "json":
        return _render_json(rows, cols, version, command)
    if fmt == "md":
        return _render_md(rows, cols, version, command)
    if fmt == "tex":
        return _render_tex(rows, cols, version, command)
    raise InvalidInput(f"format must be one of csv, json, md, tex: {fmt!r}")


def _header_lines(version, command):
    return [_TITLE,
            f"generated by asympt {version} with: {command}",
            "do not edit: regenerate with that command; columns and conventions: tables/README.md"]


def _render_csv(rows, cols, version, command):
    buf = io.StringIO()
    for line in _header_lines(version, command):
        buf.write(f"# {line}\n")
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(cols)
    for r in rows:
        w.writerow([r.get(c, "") for c in cols])
    return buf.getvalue()


def _render_json(rows, cols, version, command):
    """JSON with one row per line (diff-friendly); json.loads gives {..., "rows": [{column: value}]}."""
    head = {"title": _TITLE, "asympt_version": version, "command": command,
            "note": "do not edit: regenerate with the command; columns and conventions: tables/README.md",
            "columns": list(cols)}
    lines = ["{"]
    for k, v in head.items():
        lines.append(f" {json.dumps(k)}: {json.dumps(v, ensure_ascii=True)},")
    body = [" " + json.dumps({c: r.get(c, "") for c in cols}, ensure_ascii=True) for r in rows]
    lines.append(' "rows": [')
    lines.append(",\n".join(body))
    lines.append(" ]")
    lines.append("}")
    return "\n".join(lines) + "\n"


_SHORT = [("d", "dim"), ("target", "target"), ("kind", "kind"), ("xi", "xi"), ("xi ≈", "xi_decimal"),
          ("C", "C"), ("L_inf", "L_inf"), ("alpha", "alpha"), ("beta", "beta"), ("nu", "nu"),
          ("kappa", "kappa"), ("A_even", "A_even"), ("A_odd", "A_odd")]


def _sections(rows):
    """[(group key, data, rows)] in table order."""
    out = []
    for r in rows:
        sec = (r["activation"], r["layers"], r["bias"], r["train"], r["data"])
        if not out or out[-1][0] != sec:
            out.append((sec, []))
        out[-1][1].append(r)
    return out


def _section_title(sec):
    act, layers, bias, train, data = sec
    what = "NTK, all layers trained" if train == "all" else "random features, last layer trained"
    b = "no bias" if bias == "none" else f"bias sigma_b = {bias}"
    where = "sphere S^(d-1)" if data == "sphere" else "R^d with a density"
    return f"{act}, {layers} layers, {b}, {what}; data on {where}"


def _anchor(title):
    keep = "".join(ch for ch in title.lower() if ch.isalnum() or ch in " -_")
    return keep.replace(" ", "-")


def _shown(srows, verify):
    """Columns of one section: the fixed ones, and the others unless empty in every row of the section."""
    fixed = ("dim", "target", "kind")
    cols = [(h, c) for h, c in _SHORT if c in fixed or any(r[c] != "" for r in srows)]
    if verify:
        cols.append(("verdict", "verdict"))
    return cols


def _render_md(rows, cols, version, command):
    verify = "verdict" in cols
    lines = [f"# {_TITLE}", "",
             f"Generated by asympt {version} with `{command}`.  ",
             "Do not edit: regenerate with that command. Columns and conventions: tables/README.md "
             "(sphere S^(d-1) with the uniform probability measure, P_k(1) = 1, He scales, NTK parameterisation). "
             "Decimals have 12 significant digits; exact forms of C and L_inf are in the CSV and JSON files.", ""]
    secs = _sections(rows)
    lines.append("Contents:")
    lines.append("")
    for sec, _ in secs:
        t = _section_title(sec)
        lines.append(f"- [{t}](#{_anchor(t)})")
    lines.append("")
    for sec, srows in secs:
        t = _section_title(sec)
        lines += [f"## {t}", ""]
        notes = []
        shown = _shown(srows, verify)
        head = [h for h, _ in shown] + ["note"]
        lines.append("| " + " | ".join(head) + " |")
        lines.append("|" + "|".join("---:" if h in ("d",) else "---" for h in head) + "|")
        for r in srows:
            cells = [_md_cell(r.get(c, "")) for _, c in shown] + [_note_ref(r["note"], notes)]
            lines.append("| " + " | ".join(cells) + " |")
        if notes:
            lines.append("")
            for i, n in enumerate(notes, 1):
                lines.append(f"{i}. {_md_cell(n)}")
        lines.append("")
    return "\n".join(lines)


def _note_ref(note, notes: list) -> str:
    """'[i]' for a row's note (numbered in order of first use within the section, kept in ``notes``)."""
    if not note:
        return ""
    if note not in notes:
        notes.append(note)
    return f"[{notes.index(note) + 1}]"


def _md_cell(text) -> str:
    return str(text).replace("|", "\\|").replace("*", "\\*").replace("_", "\\_") if text != "" else ""


_TEX_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
                "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def _tex(text) -> str:
    return "".join(_TEX_SPECIAL.get(ch, ch) for ch in str(text))


_TEX_HEAD = {"dim": "$d$", "xi": r"$\xi$", "xi_decimal": r"$\xi$ (decimal)", "C": "$C$", "L_inf": r"$L_\infty$",
             "alpha": r"$\alpha$", "beta": r"$\beta$", "nu": r"$\nu$", "kappa": r"$\kappa$",
             "A_even": r"$A_\mathrm{even}$", "A_odd": r"$A_\mathrm{odd}$"}


def _render_tex(rows, cols, version, command):
    verify = "verdict" in cols
    lines = [f"% {line}" for line in _header_lines(version, command)]
    lines += [r"\documentclass[10pt]{article}",
              r"\usepackage[a4paper,landscape,margin=1.2cm]{geometry}",
              r"\usepackage{booktabs}", r"\usepackage{longtable}",
              r"\begin{document}", r"\scriptsize",
              r"\noindent " + _tex(f"{_TITLE}. Generated by asympt {version} with: {command}. "
                                   "Columns and conventions: tables/README.md.") + r"\par", ""]
    for sec, srows in _sections(rows):
        notes = []
        shown = _shown(srows, verify)
        head = [_TEX_HEAD.get(c, _tex(h)) for h, c in shown] + ["note"]
        spec = "r" + "l" * (len(head) - 1)
        lines.append(r"\subsection*{" + _tex(_section_title(sec)) + "}")
        lines.append(r"\begin{longtable}{" + spec + "}")
        lines.append(r"\toprule")
        lines.append(" & ".join(head) + r" \\")
        lines.append(r"\midrule")
        lines.append(r"\endhead")
        for r in srows:
            cells = [_tex(r.get(c, "")) for _, c in shown] + [_note_ref(r["note"], notes)]
            lines.append(" & ".join(cells) + r" \\")
        lines.append(r"\bottomrule")
        lines.append(r"\end{longtable}")
        if notes:
            lines.append(r"\begin{enumerate}")
            for n in notes:
                lines.append(r"\item " + _tex(n))
            lines.append(r"\end{enumerate}")
        lines.append("")
    lines.append(r"\end{document}")
    return "\n".join(lines) + "\n"


# ---- reading and comparing ----------------------------------------------------------------------

def _normalise(row) -> dict:
    out = dict(row)
    for c in ("layers", "dim"):
        if c in out and out[c] != "":
            out[c] = int(out[c])
    return out


def read_rows(path) -> list:
    """Rows of a table file written by :func:`render` as CSV or JSON ([] if it does not exist)."""
    if not os.path.exists(path):
        return []
    fmt = format_of(path)
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    if fmt == "csv":
        body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
        return [_normalise(r) for r in csv.DictReader(io.StringIO(body))]
    if fmt == "json":
        try:
            return [_normalise(r) for r in json.loads(text)["rows"]]
        except (ValueError, KeyError, TypeError):
            raise InvalidInput(f"{path}: not a table written by asympt table") from None
    return []


def read_header(path) -> dict:
    """{"version", "command"} recorded in a table file of any format."""
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    if format_of(path) == "json":
        obj = json.loads(text)
        return {"version": obj["asympt_version"], "command": obj["command"]}
    for line in text.splitlines():
        marker = "generated by asympt "
        low = line.lower()
        if marker in low:
            rest = line[low.index(marker) + len(marker):]
            version, _, command = rest.partition(" with")
            command = command.lstrip(": ").strip().strip("`").rstrip(".").rstrip("`")
            return {"version": version.strip(), "command": command}
    raise InvalidInput(f"{path}: no 'generated by asympt' header")


def compare_rows(committed, fresh, columns=None) -> list:
    """Differences between two lists of rows, matched by key: ['key: column: committed != fresh', ...]."""
    cols = columns or [c for c in COLUMNS if c not in KEY_COLUMNS]
    have = {row_key(r): r for r in committed}
    diffs = []
    for r in fresh:
        k = row_key(r)
        if k not in have:
            diffs.append(f"{'|'.join(map(str, k))}: missing from the committed table")
            continue
        for c in cols:
            a, b = str(have[k].get(c, "")), str(r.get(c, ""))
            if a != b:
                diffs.append(f"{'|'.join(map(str, k))}: {c}: committed {a!r} != fresh {b!r}")
    return diffs


# ---- building ---------------------------------------------------------------------------------

FORMATS = {".csv": "csv", ".json": "json", ".md": "md", ".tex": "tex"}


def format_of(path) -> str:
    ext = os.path.splitext(str(path))[1].lower()
    if ext not in FORMATS:
        raise InvalidInput(f"output file must end in one of {', '.join(FORMATS)}: {path!r}")
    return FORMATS[ext]


def journal_path(path) -> str:
    return str(path) + ".partial"


def _read_journal_file(jp) -> list:
    if not os.path.exists(jp):
        return []
    out = []
    with open(jp, encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if not line:
                continue
            try:
                out.append(_normalise(json.loads(line)))
            except ValueError:  # a line cut short by an interruption
                continue
    return out


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


def build_table(grid: Grid, outputs, *, command: str, version: str, jobs: int = 1, executor: str = "local",
                scheduler=None, verify: bool = False, verify_n: int = 1500, resume: bool = True,
                progress=None) -> dict:
    """Compute the rows of ``grid`` missing from ``outputs`` and write every output file.

    ``outputs``: paths ending in .csv, .json, .md or .tex; a path containing ``{activation}`` is
    written once per activation (e.g. ``tables/markdown/loss_laws_{activation}.md``). Rows already
    present in existing CSV or JSON outputs (or in the ``.partial`` journal an interrupted run left next
    to the first output) are reused. Groups of rows (one kernel each) run on ``jobs`` local processes,
    or on the Dask scheduler at ``scheduler`` when ``executor == "dask"``. ``progress(n)`` is called
    with the number of rows each finished group adds. ``resume=False`` recomputes every row.
    Returns {"computed": n, "reused": n, "rows": n, "files": [...]}.
    """
    outputs = [str(p) for p in outputs]
    if not outputs:
        raise InvalidInput("at least one output file is needed")
    for p in outputs:
        format_of(p)
    files = [f for p in outputs for f in expand_output(p, grid.activations)]
    keys = grid_rows(grid)
    wanted = set(keys)
    have = {}
    journal = journal_path(outputs[0].replace("{activation}", "all"))
    if not resume and os.path.exists(journal):
        os.remove(journal)
    if resume:
        for f, _ in files:
            for r in read_rows(f):
                k = row_key(r)
                if k in wanted and (not verify or r.get("verdict")):
                    have[k] = r
        for r in _read_journal_file(journal):
            k = row_key(r)
            if k in wanted and (not verify or r.get("verdict")):
                have[k] = r
    todo = []
    for group, rows in grid_groups(grid):
        missing = [r for r in rows if group + r not in have]
        if missing:
            todo.append((group, missing))
    if progress is not None and have:
        progress(len(have))
    computed = 0
    d = os.path.dirname(journal)
    if d:
        os.makedirs(d, exist_ok=True)
    with open(journal, "a", encoding="utf-8") as jf:
        for rows in _run_groups(todo, jobs, executor, scheduler, verify, verify_n):
            for r in rows:
                have[row_key(r)] = r
                jf.write(json.dumps(r, ensure_ascii=True) + "\n")
            jf.flush()
            computed += len(rows)
            if progress is not None:
                progress(len(rows))
    ordered = [have[k] for k in keys]
    for f, act in files:
        rows = ordered if act is None else [r for r in ordered if r["activation"] == act]
        text = render(rows, format_of(f), version=version, command=command, verify=verify)
        d = os.path.dirname(f)
        if d:
            os.makedirs(d, exist_ok=True)
        tmp = f + ".tmp"
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(tmp, f)
    os.remove(journal)
    return {"computed": computed, "reused": len(keys) - computed, "rows": len(keys), "files": [f for f, _ in files]}


def _run_groups(todo, jobs, executor, scheduler, verify, verify_n):
    """Yield the row lists of finished groups (in completion order)."""
    if not todo:
        return
    if jobs > 1 or executor == "dask":
        # longest first (rough cost model, measured: deeper kernels and a bias make the exact constants
        # larger), so that the last tasks are short ones; the files are written in table order anyway
        todo = sorted(todo, key=lambda t: -len(t[1]) * int(t[0][1]) ** 2 * (2 if t[0][2] != "none" else 1))
    if executor == "dask":
        try:
            from distributed import Client
        except ImportError:
            raise InvalidInput("--executor dask needs Dask: pip install 'asympt[dask]' "
                               "(dask[distributed])") from None
        from concurrent.futures import as_completed

        with Client(scheduler) as client:
            ex = client.get_executor(pure=False)
            futs = [ex.submit(compute_group, g, rows, verify, verify_n) for g, rows in todo]
            for f in as_completed(futs):
                yield f.result()
        return
    if executor != "local":
        raise InvalidInput(f"executor must be 'local' or 'dask': {executor!r}")
    if jobs <= 1:
        for g, rows in todo:
            yield compute_group(g, rows, verify, verify_n)
        return
    from concurrent.futures import ProcessPoolExecutor, as_completed

    with ProcessPoolExecutor(max_workers=jobs) as ex:
        futs = [ex.submit(compute_group, g, rows, verify, verify_n) for g, rows in todo]
        for f in as_completed(futs):
            yield f.result()
