"""Validation of command-line input, before any work: click parameter types and the documented limits.

Every limit the command line enforces is a field of :data:`LIMITS`, in this one place, so that a limit
can be raised when the code behind it gets faster; the ``--help`` texts quote these fields. The bounds
were measured to finish in well under 60 s on a 2-core machine (the figures are in the field comments).

The types here refuse, with one line and exit code 2 (click's usage errors):

* text that is empty, longer than ``LIMITS.text``, not valid UTF-8, or that holds a number literal with
  more than ``LIMITS.number_digits`` digits or a decimal exponent beyond ``LIMITS.number_exponent``
  (``1e1000000000`` would otherwise become a billion-digit integer inside :class:`fractions.Fraction`);
* numbers that are not finite (``nan``, ``inf``) or outside their documented range;
* lists and ranges that are too long, before they are expanded.

Nothing here converts user text with ``eval``, ``sympify`` or ``parse_expr``: the text options are only
checked here and parsed later by the project's restricted parsers.

Over 500 lines on purpose: every command-line limit, with the measurement behind it, lives in this one module.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass

import click

__all__ = ["LIMITS", "Limits", "FiniteFloat", "IntList", "Number", "NumberList", "Text", "check_activation",
           "check_argv", "check_output_path", "dims_range", "require_module"]


@dataclass(frozen=True)
class Limits:
    """Bounds of the command-line input (measured on the reference 2-core machine, single thread)."""

    #: characters of one text option (activation, target, scales); the parsers have tighter rules of their own
    text: int = 300
    #: digits of one number literal inside a text option
    number_digits: int = 40
    #: size of the decimal exponent of a number literal (1e-40 .. 1e40)
    number_exponent: int = 40
    #: --dim: the option's range, that of xi (CPU seconds of one run, 2-core machine, one thread, measured
    #: 2026-12-06 at d = 10000: relu, relu --bias 1, --layers 3 and 4, erf, erf --bias 1, gelu, gelu --layers 3,
    #: tanh, relu^3/2, --train last, --lr, --init lecun, --data euclidean, targets sobolev:2, halfspace,
    #: harmonic:3, powerlaw:2, rkhs:1, neuron:erf: 0.9-1.8 s each; --layers 4 --bias 1: 5.5 s; relu^5 --bias 1:
    #: 4.5 s). The exceptions are refused by :func:`check_dim_cost`: see the fields below.
    dim: int = 10_000
    #: --dim of xi with a cap:THETA0 target (xi --dim 1000 --target cap:1: 9 s; --dim 10000: > 40 s)
    dim_cap_target: int = 1000
    #: --dim with the step activation (relu^0) and 3 or more layers (xi -a step --train last, after the
    #: log-space constants stopped calling expand_log: 0.6-0.9 s at --dim 30, 0.8 s (3 layers) and 4.3 s
    #: (4 layers) at --dim 200; --dim 1000: 1.4 s with 3 layers but > 120 s with 4; --dim 10000, 3 layers: 82 s)
    dim_deep_step: int = 200
    #: --dim of curve (curve --dim 1000: 3 s, --dim 10000: 12 s; but with --bias 1 --target sobolev:2 > 60 s
    #: at --dim 1000)
    dim_curve: int = 200
    #: --dim of spectral-bias (spectral-bias --dim 10000: 1 s)
    dim_spectral_bias: int = 10_000
    #: --dim of horizon (horizon --dim 1000 --width 4000 --calibrate none: 1.9 s; the library's own bound)
    dim_horizon: int = 1000
    #: --dim of check (not re-measured: its Monte Carlo side takes minutes by design)
    dim_check: int = 200
    #: --dim of regime (regime --dim 10000 --init lecun --width 4096: 1.3 s)
    dim_regime: int = 10_000
    #: --dim of spectrum (spectrum --dim 100 --kmax 30: 2 s; --dim 200: an error past 4300 digits)
    spectrum_dim: int = 100
    #: --layers with a homogeneous activation (relu family, step, abs, leaky_relu, identity)
    #: (xi --dim 3 --layers 5: 4 s, with --bias 1: 7 s, at --dim 200: > 60 s; --layers 6: > 75 s)
    layers: int = 4
    #: --layers with any other activation (erf, gelu, sin, expressions, ...): without a bias
    #: (xi -a gelu --layers 3: 2 s) and with one (xi -a erf --layers 3 --bias 1: 61 s; --layers 2: 3 s)
    layers_smooth: int = 3
    layers_smooth_bias: int = 2
    #: the same for the commands that compute many eigenvalues (spectrum, curve, spectral-bias):
    #: spectrum --dim 100 --kmax 200 --layers 3 --bias 1: 33 s; --layers 4 --kmax 30: > 60 s
    layers_eigen: int = 3
    layers_eigen_smooth: int = 2
    #: --layers of the kernel command (its report expands the closed form: kernel --layers 4 --bias 1:
    #: > 30 s of CPU; xi at the same depth: 10 s)
    layers_kernel: int = 3
    #: kernel --series without a bias at 2 layers, and with a bias or beyond 2 layers (kernel --layers 3
    #: --bias 1: 8 s at --series 6, > 33 s at 12; --layers 2 --bias 1: > 55 s at --series 20; --layers 2
    #: without a bias at --series 40: 3 s, -a erf: 4 s)
    series: int = 40
    series_deep: int = 6
    #: --layers with relu^A, 1 < A < 3 and A >= 3 (xi --dim 200 -a relu^5 --layers 4 --bias 1: > 45 s)
    layers_power: int = 3
    layers_high_power: int = 2
    #: --layers of xi with a named activation (the registry: relu, step, relu2, relu3, abs, identity,
    #: leaky_relu, erf, sin, cos, tanh, sigmoid, softplus, silu, gelu) or relu^A with A <= 3, with or without a
    #: bias, both train modes. Measured 2026-12-06, CPU s of one run at --dim 20 and --dim 10000, 3 and 4 layers
    #: (after k(+-1) stopped being simplified): smooth activations 0.5-1.4 s (sin, 4 layers, bias: 1.3 s);
    #: relu^3/2, relu^5/2, relu^4 at most 3.5 s; relu3 with a bias 13-14 s at --dim 10000 (2.6 s at --dim 20);
    #: leaky_relu with a bias 13-14 s at --dim 10000. relu^5 with 3 layers and a bias did not finish in 90 s at
    #: --dim 10000 (19 s with --train last), so relu^A with A > 3 keeps layers_high_power.
    layers_xi: int = 4
    #: points of curve and its --digits (curve --dim 3 --tmax 1e16 --points 20, after the law tail moved to
    #: Gauss-Legendre panels: 3.8 s CPU at --digits 15, 4.2 s at 25, 5.4 s at 40; --dim 2 --bias 1
    #: --target halfspace: 6.2 s at 25, 8.3 s at 40)
    curve_points: int = 20
    curve_digits: int = 40
    #: A of the relu^A activation (xi --dim 3 -a relu^5: 5 s; relu^6: 42 s; relu^8: > 75 s)
    relu_power: int = 5
    #: --kmax of spectrum (--dim 3 --kmax 1000: 2 s, but with -a erf: 6 s at --kmax 200, > 75 s at 1000)
    kmax: int = 200
    #: largest degree of spectral-bias --degrees (--degrees 0..1000: 4 s)
    degree: int = 1000
    #: times of curve --tmin/--tmax lie in [time_min, time_max]
    time_min: float = 1e-6
    time_max: float = 1e16
    #: --dims of table: largest dimension and number of dimensions
    table_dim: int = 100
    table_dims: int = 64
    #: sample size of table --verify (the cross-checks hold n x n matrices)
    verify_n: int = 4000
    #: samples x width of the spectral-bias simulation (float32 matrices of this many entries)
    sim_cells: int = 4 * 10**7
    #: samples x width x (dim + 1) x steps x seeds of the spectral-bias simulation
    #: (the default 16000 x 800 x 4 x 100 = 5e9: 20 s)
    sim_work: int = 10**10
    #: widths of the regime simulation
    regime_width: int = 200_000
    regime_widths: int = 8
    #: connect timeout (s) for the Dask scheduler of table --executor dask
    dask_connect: float = 5.0


LIMITS = Limits()

_NUMBER = re.compile(r"(\d*)(?:\.(\d*))?[eE]([-+]?)(\d+)")
_DIGITS = re.compile(r"\d+")


def _fail(message, param, ctx):
    raise click.BadParameter(message, ctx=ctx, param=param)


def check_text(value: str, what: str = "value") -> str | None:
    """The reason ``value`` is refused as a text option, or None."""
    if any("\udc80" <= ch <= "\udcff" for ch in value):
        return "is not valid UTF-8"
    if not value.strip():
        return "must not be empty"
    if len(value) > LIMITS.text:
        return f"must be at most {LIMITS.text} characters ({len(value)} given)"
    if any(ord(ch) < 32 and ch not in "\t" for ch in value):
        return "must not contain control characters"
    return number_reason(value)


def number_reason(value: str) -> str | None:
    """The reason a number literal inside ``value`` is too large to convert, or None."""
    for m in _DIGITS.finditer(value):
        if len(m.group()) > LIMITS.number_digits:
            return f"numbers must have at most {LIMITS.number_digits} digits"
    for m in _NUMBER.finditer(value):
        if not (m.group(1) or m.group(2)):
            continue
        exp = m.group(4).lstrip("0") or "0"
        if len(exp) > 4 or int(exp) > LIMITS.number_exponent:
            return (f"decimal exponents must lie between -{LIMITS.number_exponent} and {LIMITS.number_exponent} "
                    f"(got {_short(m.group())})")
    return None


def _short(text, n=40):
    text = str(text)
    return text if len(text) <= n else text[:n] + "..."


class Text(click.ParamType):
    """A non-empty, bounded text option, passed on unchanged to a restricted parser."""

    name = "text"

    def __init__(self, metavar: str | None = None):
        self._metavar = metavar

    def get_metavar(self, param, ctx=None):  # click 8.1 and 8.2 signatures
        return self._metavar

    def convert(self, value, param, ctx):
        if not isinstance(value, str):
            return value
        why = check_text(value)
        if why:
            _fail(f"{_short(value)!r} {why}", param, ctx)
        return value


_NUM_TEXT = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_RATIONAL = re.compile(rf"^\s*{_NUM_TEXT}(?:\s*/\s*{_NUM_TEXT})?\s*$")


class Number(Text):
    """A finite number written as a decimal or p/q (kept as text for the exact parser)."""

    name = "number"

    def __init__(self, metavar: str | None = None, max_abs: float = 1e6):
        super().__init__(metavar)
        self.max_abs = max_abs

    def convert(self, value, param, ctx):
        value = super().convert(value, param, ctx)
        if not isinstance(value, str):
            return value
        self.check_one(value, param, ctx)
        return value

    def check_one(self, text, param, ctx):
        if not _RATIONAL.match(text):
            _fail(f"{_short(text)!r} is not a number such as 0.5, 2e-3 or 3/2", param, ctx)
        parts = [float(p) for p in text.split("/")]
        if len(parts) == 2 and parts[1] == 0:
            _fail(f"{_short(text)!r} has a zero denominator", param, ctx)
        v = parts[0] / parts[1] if len(parts) == 2 else parts[0]
        if not math.isfinite(v) or abs(v) > self.max_abs:
            _fail(f"{_short(text)!r} must have magnitude <= {self.max_abs:g}", param, ctx)


class NumberList(Number):
    """One number or a comma-separated list (one per layer), each as for :class:`Number`."""

    name = "numbers"

    def __init__(self, metavar=None, max_abs: float = 1e6, max_items: int = 16):
        super().__init__(metavar, max_abs)
        self.max_items = max_items

    def convert(self, value, param, ctx):
        value = Text.convert(self, value, param, ctx)
        if not isinstance(value, str):
            return value
        parts = value.split(",")
        if len(parts) > self.max_items:
            _fail(f"at most {self.max_items} values ({len(parts)} given)", param, ctx)
        for p in parts:
            if not p.strip():
                _fail(f"{_short(value)!r} has an empty entry", param, ctx)
            self.check_one(p, param, ctx)
        return value


class FiniteFloat(click.FloatRange):
    """click.FloatRange that also refuses nan, inf and over-long text."""

    name = "number"

    def convert(self, value, param, ctx):
        if isinstance(value, str):
            if len(value) > 60 or not value.strip():
                _fail(f"{_short(value)!r} is not a number", param, ctx)
            try:
                f = float(value)
            except ValueError:
                _fail(f"{_short(value)!r} is not a number", param, ctx)
            if not math.isfinite(f):
                _fail(f"{value!r}: only finite numbers are accepted", param, ctx)
        elif isinstance(value, float) and not math.isfinite(value):
            _fail(f"{value!r}: only finite numbers are accepted", param, ctx)
        return super().convert(value, param, ctx)


class IntList(Text):
    """Comma-separated integers in [lo, hi], at most ``max_items`` of them -> tuple of ints."""

    name = "integers"

    def __init__(self, lo: int, hi: int, max_items: int, metavar: str | None = None):
        super().__init__(metavar)
        self.lo, self.hi, self.max_items = lo, hi, max_items

    def convert(self, value, param, ctx):
        if isinstance(value, (tuple, list)):
            return tuple(value)
        value = super().convert(value, param, ctx)
        parts = [p.strip() for p in value.split(",")]
        if len(parts) > self.max_items:
            _fail(f"at most {self.max_items} values ({len(parts)} given)", param, ctx)
        out = []
        for p in parts:
            if not re.fullmatch(r"\d{1,12}", p):
                _fail(f"{_short(value)!r}: expected integers separated by commas", param, ctx)
            v = int(p)
            if not self.lo <= v <= self.hi:
                _fail(f"{v} is not in the range {self.lo}..{self.hi}", param, ctx)
            out.append(v)
        return tuple(out)


def dims_range(text: str, lo: int, hi: int, max_items: int) -> list:
    """'3,5..8' -> [3, 5, 6, 7, 8]: each value in [lo, hi], at most ``max_items`` values, checked before
    any range is expanded. Raises ValueError with the reason."""
    if check_text(text):
        raise ValueError(check_text(text))
    spans = []
    total = 0
    for part in text.split(","):
        part = part.strip()
        a, sep, b = part.partition("..")
        if not re.fullmatch(r"\d{1,12}", a.strip()) or (sep and not re.fullmatch(r"\d{1,12}", b.strip())):
            raise ValueError(f"expected integers or ranges A..B, got {_short(part)!r}")
        a = int(a)
        b = int(b) if sep else a
        for v in (a, b):
            if not lo <= v <= hi:
                raise ValueError(f"{v} is not in the range {lo}..{hi}")
        if b < a:
            raise ValueError(f"empty range {a}..{b}")
        total += b - a + 1
        if total > max_items:
            raise ValueError(f"at most {max_items} values")
        spans.append((a, b))
    return [v for a, b in spans for v in range(a, b + 1)]


_POWER = re.compile(r"^\s*relu\s*(?:\^|\*\*)\s*\(?\s*(.+?)\s*\)?\s*$", re.IGNORECASE)


def check_activation(ctx, param, value):
    """Callback of --activation: bounded text, and relu^A with A <= LIMITS.relu_power."""
    if value is None:
        return value
    value = Text().convert(value, param, ctx)
    m = _POWER.match(value)
    if m and _RATIONAL.match(m.group(1)):
        parts = [float(p) for p in m.group(1).split("/")]
        a = parts[0] / parts[1] if len(parts) == 2 and parts[1] != 0 else parts[0]
        if math.isfinite(a) and a > LIMITS.relu_power:
            _fail(f"relu^A is limited to A <= {LIMITS.relu_power} (higher powers do not finish in time): "
                  f"{_short(value)!r}", param, ctx)
    return value


#: activations whose kernels have closed forms of the arc-cosine family (cheap in depth)
HOMOGENEOUS = ("relu", "step", "heaviside", "relu2", "relu3", "abs", "identity")
#: the other named activations of the registry (asympt.kernels.activations; a test keeps the two in step)
SMOOTH_NAMED = ("erf", "sin", "cos", "tanh", "sigmoid", "softplus", "silu", "gelu")


def layer_limit(activation: str, bias, sigma_b, eigen: bool = False, kernel: bool = False,
                xi: bool = False) -> int:
    """Largest --layers for this activation and bias (``eigen``: spectrum, curve, spectral-bias;
    ``kernel``: the kernel command; ``xi``: the xi command, see ``LIMITS.layers_xi``)."""
    low = (activation or "").strip().lower()
    power = _POWER.match(low)
    a = 1.0
    if low in ("relu2", "relu3"):
        a = float(low[-1])
    elif power and _RATIONAL.match(power.group(1)):
        a = _float_of(power.group(1))
    homogeneous = low in HOMOGENEOUS or low.startswith("leaky_relu") or bool(power)
    if xi and (low in SMOOTH_NAMED or (homogeneous and a <= 3)):
        return LIMITS.layers_xi
    biased = bool(bias) or (sigma_b is not None and any(_float_of(p) != 0 for p in sigma_b.split(",")))
    if not homogeneous:
        return LIMITS.layers_eigen_smooth if eigen else (LIMITS.layers_smooth_bias if biased else LIMITS.layers_smooth)
    limit = LIMITS.layers_eigen if eigen else LIMITS.layers_kernel if kernel else LIMITS.layers
    if eigen and a != int(a):
        # deep x_+^a kernels with fractional a are not analytic in theta: the Gauss-Legendre tier does not
        # converge in time (spectrum -a relu^0.75 --layers 3 --kmax 4: > 120 s)
        limit = min(limit, LIMITS.layers_eigen_smooth)
    if a >= 3:
        limit = min(limit, LIMITS.layers_high_power)
    elif a > 1:
        limit = min(limit, LIMITS.layers_power)
    return limit


def check_network_cost(activation: str, layers: int, bias, sigma_b, eigen: bool = False,
                       kernel: bool = False, series: int | None = None, xi: bool = False) -> None:
    """Refuse a depth the kernel code cannot finish in time for this activation, and a --dim the command
    cannot finish (:func:`check_dim_cost`, read from the click context of the running command)."""
    from asympt.core.errors import InvalidInput

    ctx = click.get_current_context(silent=True)     # the command and its --dim, --target (if any)
    if ctx is not None and ctx.info_name in DIM_FIELDS:
        check_dim_cost(ctx.info_name, ctx.params.get("dim"), ctx.params.get("target"), activation, layers)
    limit = layer_limit(activation, bias, sigma_b, eigen, kernel, xi)
    biased = bool(bias) or (sigma_b is not None and any(_float_of(p) != 0 for p in sigma_b.split(",")))
    if kernel and series is not None and (layers > 2 or biased) and series > LIMITS.series_deep:
        raise InvalidInput(f"--series {series} with {layers} layers{' and a bias' if biased else ''} is beyond what "
                           f"asympt finishes in time: at most {LIMITS.series_deep} coefficients with a bias or beyond "
                           f"2 layers ({LIMITS.series} otherwise)")
    if layers > limit:
        raise InvalidInput(f"--layers {layers} is beyond what this command finishes in time for activation "
                           f"{_short(activation)!r}{' with a bias' if bias or sigma_b else ''}: at most {limit} "
                           f"(see --help of --layers)")


#: the LIMITS field that bounds --dim for each command (xi: ``dim``, the option's own range)
DIM_FIELDS = {"xi": "dim", "curve": "dim_curve", "spectral-bias": "dim_spectral_bias", "horizon": "dim_horizon",
              "check": "dim_check", "regime": "dim_regime"}


def dim_limit(command: str, target: str | None = None, activation: str | None = None, layers: int = 2) -> int:
    """Largest --dim that ``command`` finishes in time (with this target, activation and depth)."""
    limit = getattr(LIMITS, DIM_FIELDS.get(command, "dim"))
    if target is not None and target.strip().lower().startswith("cap"):
        limit = min(limit, LIMITS.dim_cap_target)
    if layers >= 3 and _is_step(activation):
        limit = min(limit, LIMITS.dim_deep_step)
    return limit


def _is_step(activation: str | None) -> bool:
    """The step activation, by name (step, or its alias heaviside) or as relu^0."""
    low = (activation or "").strip().lower()
    power = _POWER.match(low)
    return low in ("step", "heaviside") or bool(power and _RATIONAL.match(power.group(1)) and _float_of(power.group(1)) == 0)


def check_dim_cost(command: str, dim: int | None, target: str | None = None, activation: str | None = None,
                   layers: int = 2) -> None:
    """Refuse, before any work, a --dim this command does not finish in time (see LIMITS)."""
    from asympt.core.errors import InvalidInput

    if dim is None:
        return
    limit = dim_limit(command, target, activation, layers)
    if dim > limit:
        if limit < dim_limit(command, target):
            what = f"{command} with a {layers}-layer step network"
        elif limit < dim_limit(command):
            what = f"{command} with target {_short(target)!r}"
        else:
            what = command
        raise InvalidInput(f"--dim {dim} is beyond what {what} finishes in time: at most {limit} "
                           f"(xi accepts up to {LIMITS.dim})")


def _float_of(text: str) -> float:  
    """float of a checked decimal or p/q text (see :class:`Number`)."""
    parts = [float(p) for p in text.split("/")]
    return parts[0] / parts[1] if len(parts) == 2 and parts[1] else parts[0]


#: options whose value is a file name (not scanned for number literals)
PATH_OPTIONS = ("-o", "--output", "--plot")


def check_argv(args) -> None:
    """Checks of the whole command line, before any option is converted: every argument must be valid
    UTF-8 (Python maps invalid bytes to lone surrogates), and no argument other than a file name may
    hold a number literal beyond ``LIMITS.number_digits`` digits or ``LIMITS.number_exponent`` in its
    exponent (a safety net for every command, the ones with their own types included)."""
    after_path = False
    for i, a in enumerate(args):
        if not isinstance(a, str):
            continue
        if any("\udc80" <= ch <= "\udcff" for ch in a):
            shown = a.encode("utf-8", "surrogateescape")[:40]
            raise click.UsageError(f"argument {i + 1} is not valid UTF-8: {shown!r}")
        is_path = after_path or any(a.startswith(p + "=") for p in PATH_OPTIONS if p.startswith("--"))
        after_path = a in PATH_OPTIONS
        if is_path or not a.strip():
            continue
        why = number_reason(a)
        if why:
            prev = args[i - 1] if i and isinstance(args[i - 1], str) and args[i - 1].startswith("-") else None
            opt = a.partition("=")[0] if a.startswith("--") else prev
            where = f"value of {opt}" if opt else f"argument {i + 1}"
            raise click.UsageError(f"{where} ({_short(a)!r}): {why}")


def check_output_path(path: str, what: str = "output", create_dirs: bool = True) -> None:
    """Raise InvalidInput unless ``path`` can be written: a file name (not '-' nor a directory), not too
    long, in an existing writable directory (or, with ``create_dirs``, one that can be created).
    Writes nothing."""
    from asympt.core.errors import InvalidInput

    if path in ("", "-"):
        raise InvalidInput(f"{what}: give a file name (standard output is not supported): {path!r}")
    if any("\udc80" <= ch <= "\udcff" for ch in path) or "\0" in path:
        raise InvalidInput(f"{what}: the file name is not valid text: {path!r}")
    name = os.path.basename(path)
    if not name or len(os.fsencode(name)) > 255 or len(os.fsencode(path)) > 4000:
        raise InvalidInput(f"{what}: the file name is too long or empty: {_short(path)!r}")
    if os.path.isdir(path):
        raise InvalidInput(f"{what}: {path!r} is a directory")
    d = os.path.dirname(os.path.abspath(path))
    if not create_dirs and not os.path.isdir(d):
        raise InvalidInput(f"{what}: the directory of {_short(path)!r} does not exist or is not a directory")
    probe = d
    while not os.path.exists(probe):
        parent = os.path.dirname(probe)
        if parent == probe:
            break
        probe = parent
    if not os.path.isdir(probe):
        raise InvalidInput(f"{what}: {probe!r} is not a directory")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise InvalidInput(f"{what}: directory {probe!r} is not writable")
    if os.path.exists(path) and not os.access(path, os.W_OK):
        raise InvalidInput(f"{what}: {path!r} is not writable")


def require_module(module: str, extra: str, what: str) -> None:
    """Raise InvalidInput when ``module`` cannot be imported (checked before computing)."""
    import importlib.util

    from asympt.core.errors import InvalidInput

    if importlib.util.find_spec(module) is None:
        raise InvalidInput(f"{what} needs {module}: pip install 'asympt[{extra}]'")


#: file suffixes matplotlib writes without extra packages
PLOT_SUFFIXES = (".png", ".pdf", ".svg", ".eps", ".ps", ".jpg", ".jpeg", ".tif", ".tiff")


def check_plot_path(ctx, param, value):
    """Callback of --plot: a writable file with a known image suffix, and matplotlib installed (checked
    before any computation)."""
    if value is None:
        return value
    from asympt.core.errors import InvalidInput

    try:
        check_output_path(value, "--plot", create_dirs=False)
        if os.path.splitext(value)[1].lower() not in PLOT_SUFFIXES:
            raise InvalidInput(f"--plot: the file must end in one of {', '.join(PLOT_SUFFIXES)}: {_short(value)!r}")
        require_module("matplotlib", "plot", "--plot")
    except InvalidInput as err:
        raise click.BadParameter(str(err).removeprefix("--plot: "), ctx=ctx, param=param) from None
    return value


def plot_option(what: str):
    """The --plot FILE option (checked by :func:`check_plot_path`)."""
    return click.option("--plot", "plot_file", default=None, metavar="FILE", callback=check_plot_path,
                        help=f"{what} to FILE (.png, .pdf, .svg, ...; needs matplotlib: pip install 'asympt[plot]').")
