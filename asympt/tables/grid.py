"""Reference tables of loss laws over a grid of settings (``asympt table``).

A row is one setting (activation, layers, bias, trained layers, data, target, dimension d) and its
large-time loss law from :func:`asympt.laws.loss.loss_law` (kind, xi, C, L_inf, alpha, beta, nu, kappa)
with the eigenvalue constants A_even, A_odd of :func:`asympt.laws.decay.decay_law` (theory sections 5, 7, 8).
The quantities are assembled by :func:`asympt.cli.report.xi_report`, the same function behind
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
import re
import stat
from dataclasses import dataclass

from asympt.core.errors import InvalidInput
from asympt.laws.loss import KINDS as _LAW_KINDS

__all__ = ["BIASES", "COLUMNS", "GRIDS", "Grid", "build_table", "compare_rows", "compute_group",
           "format_decimal", "grid_rows", "read_rows", "render", "row_key"]

# ---- grid -------------------------------------------------------------------------------------

#: Activations of the full grid, in table order: relu^a for a = 0, 1/2, 1, 3/2, 2, 3, then the others.
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
    """Share the per-(kernel, d) work of :func:`asympt.laws.loss.loss_law` between the rows of one kernel.

    ``loss_law`` recomputes, for every row, the decay law of (kernel, d) and the text of the kernel's
    first derivation lines. Inside this block both pure functions remember their result (or the error
    they raised) per (kernel, d): one :class:`~asympt.laws.decay.DecayLaw`, with its eigen-index constant
    Lambda computed once, serves all targets and data of that kernel and dimension. Results are
    identical to uncached calls (``asympt xi`` computes them without the cache; the drift test
    compares); the original functions are restored on exit. Yields the shared ``decay_law``.
    """
    import functools

    from asympt.laws import decay
    from asympt.laws import loss

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
    from asympt.core.errors import InvalidInput as Invalid

    return "undefined" if isinstance(err, Invalid) else "not supported"


def _law_row(key, kernel, dim, target, law, decay):
    """A row from the same report ``asympt xi --json`` prints (exact forms as there, decimals re-rounded)."""
    from asympt.cli import report

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
    if law.kind not in ("power", "plateau"):
        text = law.approach
    elif law.kind == "plateau":
        text = ("energy on degrees with mu_k = 0 is never learned; L(t) - L_inf ~ C t^-xi" if law.xi is not None
                else "energy on degrees with mu_k = 0 is never learned; " + law.approach)
    elif law.data == "euclidean":
        text = "intrinsic-dimension rule (theory section 8, derived); C depends on the data density: not given"
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
    from asympt.core.errors import AsymptError
    from asympt.laws.loss import loss_law
    from asympt.kernels.networks import ntk
    from asympt.targets import parse_target

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
    from asympt.checks import run as check

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
    """Rows of a table file written by :func:`render` as CSV or JSON ([] if it does not exist).

    The read is bounded (:data:`MAX_READ_BYTES`); a file that is not a table written by asympt
    raises :class:`~asympt.core.errors.InvalidInput`.
    """
    text = _read_text(path)
    if text is None:
        return []
    _check_ours(path, text)
    return _parse_rows(path, text)[1]


def _parse_rows(path, text) -> tuple:
    """(columns, rows) of the CSV or JSON ``text`` of ``path`` ((None, []) for Markdown and LaTeX)."""
    fmt = format_of(path)
    bad = f"{path}: not a table written by asympt table"
    if fmt == "csv":
        body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
        try:
            reader = csv.DictReader(io.StringIO(body))
            rows = list(reader)
            cols = tuple(reader.fieldnames or ())
        except csv.Error as err:
            raise InvalidInput(f"{bad} (CSV: {err})") from None
        return cols, [_normalise(r) for r in rows if _row_ok(r, cols)]
    if fmt == "json":
        try:
            obj = json.loads(text)
        except (ValueError, RecursionError):
            raise InvalidInput(f"{bad} (invalid or too deeply nested JSON)") from None
        if not isinstance(obj, dict) or not isinstance(obj.get("rows"), list) \
                or not isinstance(obj.get("columns"), list):
            raise InvalidInput(bad)
        cols = tuple(c for c in obj["columns"] if isinstance(c, str))
        return cols, [_normalise(r) for r in obj["rows"] if _row_ok(r, cols)]
    return None, []


def _row_ok(row, cols) -> bool:
    """A row of strings with exactly the columns ``cols`` and integer layers and dim."""
    if not isinstance(row, dict) or set(row) != set(cols) or not set(KEY_COLUMNS) <= set(row):
        return False
    for c, v in row.items():
        if c in ("layers", "dim"):
            if not (isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 10**6
                    or isinstance(v, str) and re.fullmatch(r"\d{1,6}", v)):
                return False
        elif not isinstance(v, str):
            return False
    return True


def read_header(path) -> dict:
    """{"version", "command"} recorded in a table file of any format."""
    text = _read_text(path)
    if text is None:
        raise InvalidInput(f"{path}: no such file")
    if format_of(path) == "json":
        try:
            obj = json.loads(text)
            return {"version": str(obj["asympt_version"]), "command": str(obj["command"])}
        except (ValueError, RecursionError, KeyError, TypeError):
            raise InvalidInput(f"{path}: no asympt header") from None
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
    """Rows of a journal (one JSON row per line; lines cut short by an interruption are skipped)."""
    text = _read_text(jp, what="journal")
    if text is None:
        return []
    out = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        try:
            row = json.loads(line)
        except (ValueError, RecursionError):  # a line cut short by an interruption
            continue
        if _row_ok(row, [c for c in row] if isinstance(row, dict) else ()) and set(COLUMNS) <= set(row):
            out.append(_normalise(row))
    return out


# ---- safety of the output files -----------------------------------------------------------------

#: largest existing output or journal read back, in bytes (the full grid's JSON is about 12 MB)
MAX_READ_BYTES = 64 * 2**20
#: resumed rows recomputed, at random, to check that the files were not edited (the edits the cheap
#: checks of :func:`_trusted` cannot see: a value changed consistently in every format)
RESUME_SAMPLE = 2
#: every ``kind`` a row can have: the laws' kinds plus the two a table row adds
KINDS = _LAW_KINDS + ("undefined", "not supported")


def _read_text(path, limit: int = MAX_READ_BYTES, what: str = "output") -> str | None:
    """Text of an existing regular file, or None when there is none; a bounded read with one-line errors
    for a symbolic link, a device or directory, a file too large, or bytes that are not UTF-8."""
    path = str(path)
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as err:
        raise InvalidInput(f"{path}: cannot be read ({err.strerror})") from None
    if stat.S_ISLNK(st.st_mode):
        raise InvalidInput(f"{path}: the {what} is a symbolic link; asympt table reads and replaces regular "
                           "files only")
    if not stat.S_ISREG(st.st_mode):
        raise InvalidInput(f"{path}: the {what} exists and is not a regular file")
    if st.st_size > limit:
        raise InvalidInput(f"{path}: the {what} is larger ({st.st_size} bytes) than any table asympt writes "
                           f"(limit {limit} bytes)")
    try:
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    except OSError as err:
        raise InvalidInput(f"{path}: cannot be read ({err.strerror})") from None
    if len(data) > limit:
        raise InvalidInput(f"{path}: the {what} is larger than any table asympt writes (limit {limit} bytes)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInput(f"{path}: the {what} is not a text file written by asympt table (not UTF-8); "
                           "remove it or choose another name") from None


def _check_ours(path, text) -> None:
    """Refuse a file asympt table did not write: its first lines must carry the title and the
    'generated by asympt' header of :func:`render` (any format)."""
    head = text[:2000]
    mark = '"asympt_version": ' if format_of(path) == "json" else "generated by asympt "
    if _TITLE not in head or mark not in head.lower():
        raise InvalidInput(f"{path}: exists and was not written by asympt table (no asympt header); refusing to "
                           "overwrite it: remove it or choose another name")


def _decimal_consistent(row) -> bool:
    """Decimal columns agree with their exact forms where these are plain rationals (no parsing of
    anything else: file text never reaches SymPy's parser)."""
    import sympy

    for exact, dec in (("xi", "xi_decimal"), ("C_exact", "C"), ("L_inf_exact", "L_inf")):
        m = re.fullmatch(r"(-?\d{1,60})(?:/(\d{1,60}))?", row.get(exact, ""))
        if m:
            value = sympy.Rational(int(m.group(1)), int(m.group(2) or 1))
            if format_decimal(value) != row.get(dec, ""):
                return False
    return True


def _trusted(row) -> bool:
    """Cheap checks of a row read back from an output or journal."""
    return row.get("kind") in KINDS and _decimal_consistent(row)


def _resume_rows(files, journal, version, wanted, verify):
    """{key: row} of rows to reuse, and the number of rows refused by the checks.

    A file is reused only if it is a table asympt wrote (else refused), with this version and these
    columns (else its rows are recomputed). Rows must pass :func:`_trusted` and agree between every
    CSV/JSON output that holds them; journal rows (from an interrupted run) take precedence.
    """
    seen, refused = {}, set()
    for f, _ in files:
        text = _read_text(f)
        if text is None:
            continue
        _check_ours(f, text)
        cols, rows = _parse_rows(f, text)
        if cols is None:
            continue
        head = read_header(f) if format_of(f) == "json" else _csv_header(text)
        if head.get("version") != version or cols != columns_for(rows, verify):
            continue
        for r in rows:
            k = row_key(r)
            if k not in wanted or (verify and not r.get("verdict")):
                continue
            if not _trusted(r) or (k in seen and seen[k] != r):
                refused.add(k)
            seen.setdefault(k, r)
    for r in _read_journal_file(journal):
        k = row_key(r)
        if k in wanted and (not verify or r.get("verdict")) and _trusted(r):
            seen[k] = r
            refused.discard(k)
    return {k: r for k, r in seen.items() if k not in refused}, len(refused)


def _csv_header(text) -> dict:
    for line in text.splitlines()[:5]:
        low = line.lower()
        if "generated by asympt " in low:
            rest = line[low.index("generated by asympt ") + len("generated by asympt "):]
            return {"version": rest.partition(" with")[0].strip()}
    return {}


def _recheck_sample(have, n, verify, verify_n):
    """Recompute ``n`` reused rows picked at random; refuse the run if one differs."""
    import random

    if n <= 0 or not have:
        return
    rng = random.SystemRandom()
    for key in rng.sample(sorted(have), min(n, len(have))):
        fresh = compute_group(key[:4], [key[4:]])[0]
        old = have[key]
        for c in VALUE_COLUMNS:
            if str(old.get(c, "")) != str(fresh.get(c, "")):
                raise InvalidInput(
                    f"row {'|'.join(map(str, key))} of the existing outputs differs from a recomputation "
                    f"({c}: {str(old.get(c, ''))[:40]!r} != {str(fresh.get(c, ''))[:40]!r}): the files were edited "
                    "or written by another version; rerun with --fresh to recompute every row")


@contextlib.contextmanager
def _locked(paths):
    """Exclusive locks on ``paths`` (one ``PATH.lock`` file each, taken without waiting).

    A second run into any of the same files fails at once with a one-line error instead of mixing its
    output with the first run's. The lock files are removed on exit; a run killed with SIGKILL leaves
    a lock file that no process holds, which the next run takes over (flock locks die with their process).
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - no flock (Windows): no lock
        yield
        return
    held = []
    try:
        for p in sorted({os.path.abspath(p) for p in paths}):
            lp = p + ".lock"
            while True:
                try:
                    fd = os.open(lp, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
                except OSError as err:
                    raise InvalidInput(f"{lp}: cannot create the lock file ({err.strerror})") from None
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError:
                    os.close(fd)
                    raise InvalidInput(f"{os.path.relpath(p)}: another 'asympt table' run is writing this file "
                                       f"(lock {os.path.relpath(lp)}); wait for it to finish") from None
                try:  # the file we locked must still be the one at lp (not unlinked by a finishing run)
                    same = os.path.samestat(os.fstat(fd), os.stat(lp))
                except FileNotFoundError:
                    same = False
                if same:
                    held.append((lp, fd))
                    break
                os.close(fd)
        yield
    finally:
        for lp, fd in reversed(held):
            with contextlib.suppress(OSError):
                os.unlink(lp)
            os.close(fd)


def _dirs_to_create(paths) -> list:
    """Directories (absolute, outermost first) that writing ``paths`` would create."""
    out = []
    for p in paths:
        d = os.path.dirname(os.path.abspath(p))
        chain = []
        while d and not os.path.isdir(d):
            if os.path.lexists(d):
                raise InvalidInput(f"{p}: {d} exists and is not a directory")
            chain.append(d)
            parent = os.path.dirname(d)
            if parent == d:
                break
            d = parent
        for c in reversed(chain):
            if c not in out:
                out.append(c)
    return out


@contextlib.contextmanager
def _created_dirs(paths):
    """Create the directories ``paths`` need; on failure remove those created here (when empty)."""
    made = []
    try:
        for d in _dirs_to_create(paths):
            try:
                os.mkdir(d)
            except FileExistsError:
                continue
            except OSError as err:
                raise InvalidInput(f"{d}: cannot create the directory ({err.strerror})") from None
            made.append(d)
        yield
    except BaseException:
        for d in reversed(made):
            with contextlib.suppress(OSError):
                os.rmdir(d)
        raise


def _write_file(path, text) -> None:
    """Write ``text`` to ``path`` atomically (PATH.tmp, then rename); OS errors become one line."""
    tmp = path + ".tmp"
    try:
        if os.path.islink(tmp) or (os.path.lexists(tmp) and not os.path.isfile(tmp)):
            raise InvalidInput(f"{tmp}: exists and is not a regular file")
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except OSError as err:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        raise InvalidInput(f"{path}: cannot be written ({err.strerror})") from None


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
                progress=None, resume_sample: int = RESUME_SAMPLE, connect_timeout: float = 5.0) -> dict:
    """Compute the rows of ``grid`` missing from ``outputs`` and write every output file.

    ``outputs``: paths ending in .csv, .json, .md or .tex; a path containing ``{activation}`` is
    written once per activation (e.g. ``tables/markdown/loss_laws_{activation}.md``). Rows already
    present in existing CSV or JSON outputs (or in the ``.partial`` journal an interrupted run left next
    to the first output) are reused. Groups of rows (one kernel each) run on ``jobs`` local processes,
    or on the Dask scheduler at ``scheduler`` when ``executor == "dask"``. ``progress(n)`` is called
    with the number of rows each finished group adds. ``resume=False`` recomputes every row.

    Safety: the output files (and the journal) are locked for the run (a second run into them fails at
    once); an existing file that asympt did not write is refused, never overwritten; existing files are
    read with a size bound; resumed rows must carry this version's columns, pass cheap consistency
    checks and agree between formats (else they are recomputed: counted in "rechecked"), and
    ``resume_sample`` of them, picked at random, are recomputed (a difference refuses the run: use
    ``resume=False``). Directories created for the outputs are removed again if the run fails.
    Returns {"computed": n, "reused": n, "rows": n, "files": [...], "rechecked": n}.
    """
    outputs = [str(p) for p in outputs]
    if not outputs:
        raise InvalidInput("at least one output file is needed")
    for p in outputs:
        format_of(p)
    files = [f for p in outputs for f in expand_output(p, grid.activations)]
    if len({os.path.abspath(f) for f, _ in files}) != len(files):
        raise InvalidInput("the same output file is named twice")
    keys = grid_rows(grid)
    wanted = set(keys)
    journal = journal_path(outputs[0].replace("{activation}", "all"))
    paths = [f for f, _ in files] + [journal]
    with _created_dirs(paths), _locked(paths):
        for f, _ in files:  # refuse foreign files before any work (also with resume=False)
            text = _read_text(f)
            if text is not None:
                _check_ours(f, text)
        if executor == "dask":
            _dask_client_class()
        have, refused = {}, 0
        if resume:
            have, refused = _resume_rows(files, journal, version, wanted, verify)
            _recheck_sample(have, resume_sample, verify, verify_n)
        elif os.path.lexists(journal):
            _read_text(journal, what="journal")  # refuses a link or a device before removing it
            os.remove(journal)
        todo = []
        for group, rows in grid_groups(grid):
            missing = [r for r in rows if group + r not in have]
            if missing:
                todo.append((group, missing))
        if progress is not None and have:
            progress(len(have))
        computed = 0
        jf = None
        try:
            for rows in _run_groups(todo, jobs, executor, scheduler, verify, verify_n, connect_timeout):
                if jf is None:  # the journal exists only once there is a row to keep
                    jf = _open_journal(journal)
                for r in rows:
                    have[row_key(r)] = r
                    jf.write(json.dumps(r, ensure_ascii=True) + "\n")
                jf.flush()
                computed += len(rows)
                if progress is not None:
                    progress(len(rows))
        except OSError as err:
            raise InvalidInput(f"{journal}: cannot be written ({err.strerror})") from None
        finally:
            if jf is not None:
                jf.close()
        ordered = [have[k] for k in keys]
        for f, act in files:
            rows = ordered if act is None else [r for r in ordered if r["activation"] == act]
            _write_file(f, render(rows, format_of(f), version=version, command=command, verify=verify))
        with contextlib.suppress(FileNotFoundError):
            os.remove(journal)
    return {"computed": computed, "reused": len(keys) - computed, "rows": len(keys), "files": [f for f, _ in files],
            "rechecked": refused}


def _open_journal(journal):
    if os.path.islink(journal) or (os.path.lexists(journal) and not os.path.isfile(journal)):
        raise InvalidInput(f"{journal}: the journal exists and is not a regular file")
    return open(journal, "a", encoding="utf-8")


def _dask_client_class():
    try:
        from distributed import Client
    except ImportError:
        raise InvalidInput("--executor dask needs Dask: pip install 'asympt[dask]' (dask[distributed])") from None
    return Client


def _run_groups(todo, jobs, executor, scheduler, verify, verify_n, connect_timeout=5.0):
    """Yield the row lists of finished groups (in completion order)."""
    if not todo:
        return
    if jobs > 1 or executor == "dask":
        # longest first (rough cost model, measured: deeper kernels and a bias make the exact constants
        # larger), so that the last tasks are short ones; the files are written in table order anyway
        todo = sorted(todo, key=lambda t: -len(t[1]) * int(t[0][1]) ** 2 * (2 if t[0][2] != "none" else 1))
    if executor == "dask":
        Client = _dask_client_class()  # noqa: N806 - a class
        from concurrent.futures import as_completed

        try:
            client = Client(scheduler, timeout=connect_timeout)
        except (OSError, TimeoutError) as err:
            raise InvalidInput(f"cannot reach the Dask scheduler at {scheduler} within {connect_timeout:g} s "
                               f"({type(err).__name__})") from None
        with client:
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
