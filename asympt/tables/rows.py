"""The rows of one kernel: loss laws computed once per (kernel, d) and written as strings.

A row holds the law :func:`asympt.laws.loss.loss_law` gives (kind, xi, C, L_inf, alpha, beta, nu, kappa;
theory sections 5, 7, 8) with the eigenvalue constants A_even, A_odd of
:func:`asympt.laws.decay.decay_law`. Exact forms are printed as ``asympt xi --json`` prints them (SymPy's
``sstr``, empty for a computed Float or a form longer than 400 characters); decimals have 12 significant
digits from a 30-digit evaluation.

Sharing: :func:`compute_group` builds the kernel once and asks a :class:`~asympt.laws.shared.KernelLaws`
for its laws, which computes each (kernel, d) decay law once for every target and data kind of that d.
The work is passed explicitly; no function of another module is replaced. A row equals what a plain
``loss_law(kernel, d, target)`` call gives (``tests/test_table.py`` compares with that path).

Threads: mpmath's working precision (``mp.dps``, changed by ``workdps`` blocks all over the formulas) is
one value per process, so two rows computed at once by two threads of one process could change each
other's precision. :func:`compute_group` therefore computes one row at a time per process
(:data:`ROW_LOCK`); that costs no speed, since the work is pure Python and holds the GIL anyway.
Parallel speed comes from processes (``--jobs``, Dask workers).
"""

from __future__ import annotations

import threading

from asympt.core.errors import AsymptError, InvalidInput

from .grid import BIASES, DIGITS, KEY_COLUMNS, VALUE_COLUMNS

__all__ = ["ROW_LOCK", "compute_group", "format_decimal"]

#: one row at a time per process (mpmath's working precision is process-wide; see the module docstring)
ROW_LOCK = threading.RLock()


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


def exact_form(expr) -> str:
    """The exact form ``asympt xi --json`` prints for a law's number: SymPy's ``sstr``, or '' for None,
    for a Float (a computed value has no exact form) and for a form longer than 400 characters.

    >>> import sympy
    >>> exact_form(sympy.Rational(3, 10)), exact_form(sympy.Float("0.5", 20)), exact_form(None)
    ('3/10', '', '')
    """
    import sympy

    from asympt.core.symbolic import safe_str

    if expr is None:
        return ""
    expr = sympy.sympify(expr)
    if expr.is_Float:
        return ""
    return safe_str(expr) or ""


def _error_row(key, kind, note):
    row = dict(zip(KEY_COLUMNS, key))
    row.update({c: "" for c in VALUE_COLUMNS})
    row["kind"] = kind
    row["note"] = " ".join(str(note).split())
    return row


def _kind_of_error(err) -> str:
    return "undefined" if isinstance(err, InvalidInput) else "not supported"


def _law_row(key, law, decay):
    """A row of strings from a :class:`~asympt.laws.loss.LossLaw` and the decay law of its (kernel, d)."""
    row = dict(zip(KEY_COLUMNS, key))
    row.update({
        "kind": law.kind,
        "xi": exact_form(law.xi), "xi_decimal": format_decimal(law.xi),
        "C": format_decimal(law.C), "C_exact": exact_form(law.C),
        "L_inf": format_decimal(law.L_inf), "L_inf_exact": exact_form(law.L_inf),
        "alpha": exact_form(law.alpha), "beta": exact_form(law.beta), "nu": exact_form(law.nu),
        "kappa": exact_form(law.kappa),
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


def compute_group(group, rows, verify: bool = False, verify_n: int = 1500, *, seconds: list | None = None) -> list:
    """Rows (dicts of strings) for one kernel ``group`` = (activation, layers, bias, train).

    ``rows`` lists (data, target, dim). The kernel is built once and each (kernel, d) decay law is
    computed once (:class:`~asympt.laws.shared.KernelLaws`). Errors asympt raises on purpose become
    honest rows of kind ``undefined`` (the setting does not exist, e.g. the NTK of the step function) or
    ``not supported`` (the law is not derived), with the reason in ``note``; any other exception
    propagates. Safe to call from several threads (one row at a time per process: :data:`ROW_LOCK`).
    ``seconds``: a list that receives (key, wall-clock seconds, CPU seconds of this process) for each row
    (building the kernel counts in the first row; tests/benchmarks/bench_table.py uses it).
    """
    import time

    from asympt.kernels.networks import ntk
    from asympt.laws.shared import KernelLaws
    from asympt.targets import parse_target

    act, layers, bias, train = group
    start, cpu = time.perf_counter(), time.process_time()
    with ROW_LOCK:
        try:
            kernel = ntk(act, int(layers), bias=BIASES[bias], train=train)
        except AsymptError as err:
            return [_with_verdict(_error_row(group + r, _kind_of_error(err), err), verify, None) for r in rows]
        laws = KernelLaws(kernel)
    out = []
    for data, target_spec, dim in rows:
        key = group + (data, target_spec, dim)
        with ROW_LOCK:
            try:
                target = parse_target(target_spec, default_activation=kernel.network.activation.name)
                law = laws.loss_law(dim, target, data=data)
                try:
                    dl = laws.decay_law(dim) if data == "sphere" else None
                except AsymptError:
                    dl = None
                row = _law_row(key, law, dl)
            except (AsymptError, NotImplementedError) as err:  # NotImplementedError: SymPy series limits
                row = _error_row(key, _kind_of_error(err), err)
            out.append(_with_verdict(row, verify, (kernel, dim, target_spec, data, verify_n)))
        if seconds is not None:
            now, now_cpu = time.perf_counter(), time.process_time()
            seconds.append((key, now - start, now_cpu - cpu))
            start, cpu = now, now_cpu
    return out


def _with_verdict(row, verify, args):
    if not verify:
        return row
    if row["kind"] in ("undefined", "not supported") or args is None:
        row["verdict"], row["verify_detail"] = "skip", "no law to check"
        return row
    from asympt.checks.run import verify_row

    kernel, dim, target_spec, data, n = args
    res = verify_row(kernel, dim, target_spec, data=data, n=n, seed=0)
    row["verdict"] = str(res["verdict"])
    row["verify_detail"] = " ".join(str(res.get("detail", "")).split())
    return row
