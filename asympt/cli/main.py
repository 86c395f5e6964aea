"""Command-line interface: ``asympt kernel | spectrum | xi | ...``.

Commands are thin: click validates the input, the library computes, :mod:`asympt.cli.report`
renders. Heavy imports (SymPy, SciPy) happen inside the commands so that ``asympt --help``
stays fast. Every error asympt raises on purpose becomes one line ``Error: ...`` and exit code 1;
click's own usage errors exit with code 2.
"""

from __future__ import annotations

import functools
import json
import sys

import click

from asympt import __version__
from .types import LIMITS, FiniteFloat, NumberList, Text, check_activation, check_argv, plot_option

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


# Commands that live in their own modules, imported only when called (keeps ``asympt --help`` fast).
# A module that is not present in this checkout is simply not listed.
_LAZY_COMMANDS = {
    "check": "asympt.cli.check:check",
    "table": "asympt.cli.table:table",
    "spectral-bias": "asympt.cli.dynamics:spectral_bias",
    "regime": "asympt.cli.dynamics:regime",
    "gd-risk": "asympt.cli.proportional:gd_risk",
    "horizon": "asympt.cli.horizon:horizon",
}


def _lazy_available(name: str) -> bool:
    import importlib.util

    module = _LAZY_COMMANDS[name].split(":")[0]
    return importlib.util.find_spec(module) is not None


class _AsymptGroup(click.Group):
    def list_commands(self, ctx):
        lazy = [n for n in _LAZY_COMMANDS if _lazy_available(n)]
        return sorted(set(super().list_commands(ctx)) | set(lazy))

    def get_command(self, ctx, name):
        cmd = super().get_command(ctx, name)
        if cmd is not None or name not in _LAZY_COMMANDS or not _lazy_available(name):
            return cmd
        import importlib

        module, attr = _LAZY_COMMANDS[name].split(":")
        return getattr(importlib.import_module(module), attr)

    def parse_args(self, ctx, args):
        check_argv(args)
        return super().parse_args(ctx, args)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as err:  # noqa: BLE001 - turn our errors into one line
            from asympt.core.errors import AsymptError

            if isinstance(err, AsymptError):
                raise click.ClickException(str(err)) from None
            if isinstance(err, (KeyboardInterrupt, SystemExit)):
                raise
            raise click.ClickException(f"internal error ({type(err).__name__}): {err}. "
                                       "Please report this with the command line.") from None


@click.group(cls=_AsymptGroup, context_settings=CONTEXT)
@click.version_option(__version__, prog_name="asympt")
def main():
    """asympt: large-time loss exponents of wide networks trained in the kernel (NTK) regime.

    A wide network trained by gradient flow has, at large times, a loss L(t) ~ C t^(-xi). asympt
    derives xi (and C) from the network's kernel k(u), u = x.x', on the sphere S^(d-1):
    activation -> NNGP/NTK -> singular expansion -> Gegenbauer eigenvalues -> loss law.

    \b
    Examples:
      asympt kernel --activation relu --layers 3 --series 6
      asympt kernel --activation erf --bias 0.5 --at 0.3 --json
    """


#: commands that compute many eigenvalues (a tighter depth limit)
_EIGEN_COMMANDS = ("spectrum", "curve", "spectral_bias")


def network_options(f):
    """Options shared by every command that builds a network kernel."""
    options = [
        click.option("--activation", "-a", default="relu", show_default=True, metavar="NAME|EXPR",
                     callback=check_activation,
                     help=f"relu, step, relu^A (-1/2 < A <= {LIMITS.relu_power}), relu2, relu3, leaky_relu[:SLOPE], "
                          "abs, identity, erf, tanh, sigmoid, softplus, gelu, silu, sin, cos, or an expression in x such as "
                          "'x**3 - x' (parsed, never evaluated)."),
        click.option("--layers", "-L", type=click.IntRange(min=2, max=LIMITS.layers), default=2, show_default=True,
                     help=f"Number of weight layers (2 = one hidden layer). xi: 2..{LIMITS.layers_xi} for every "
                          f"named activation and relu^A with A <= 3 (relu^A with A > 3: "
                          f"2..{LIMITS.layers_high_power}; expressions: 2..{LIMITS.layers_smooth}, "
                          f"2..{LIMITS.layers_smooth_bias} with a bias). Other commands: 2..{LIMITS.layers} for "
                          f"relu, step, abs and leaky_relu (relu^A: 2..{LIMITS.layers_power} for 1 < A < 3, "
                          f"2..{LIMITS.layers_high_power} for A >= 3), 2..{LIMITS.layers_smooth} for other "
                          f"activations (2..{LIMITS.layers_smooth_bias} with a bias); at most "
                          f"{LIMITS.layers_kernel} in kernel, and {LIMITS.layers_eigen} (other activations "
                          f"{LIMITS.layers_eigen_smooth}) in spectrum, curve and spectral-bias."),
        click.option("--bias", type=FiniteFloat(min=0, max=1e6), default=None,
                     help="Bias scale sigma_b used in every layer, 0..1e6 (default: no bias)."),
        click.option("--sigma-w", default=None, type=NumberList("S|S1,S2,.."),
                     help="Weight scale(s): one value (decimal or p/q, magnitude <= 1e6) for all layers or one "
                          "per layer (default He: 1 in the first layer, sqrt(2) after)."),
        click.option("--sigma-b", default=None, type=NumberList("S|S1,S2,.."),
                     help="Bias scale(s) per layer, as for --sigma-w (alternative to --bias)."),
        click.option("--train", default="all", show_default=True, type=Text("all|last|last-weights|1,3,.."),
                     help="Which layers train: all (NTK), last (random features / NNGP), or layer numbers."),
        click.option("--convention", type=click.Choice(["he", "neural_tangents"]), default="he",
                     show_default=True,
                     help="he: defaults above; neural_tangents: the same sigma_w, sigma_b on every layer "
                          "(readout included), as that library's 'ntk' parameterisation with x.x'/d = u."),
    ]

    @functools.wraps(f)
    def checked(*args, **kwargs):  # the combination of options, checked before any work
        from .types import check_network_cost

        check_network_cost(kwargs.get("activation"), kwargs.get("layers", 2), kwargs.get("bias"),
                           kwargs.get("sigma_b"), eigen=f.__name__ in _EIGEN_COMMANDS,
                           kernel=f.__name__ == "kernel", series=kwargs.get("nseries"), xi=f.__name__ == "xi")
        return f(*args, **kwargs)

    for opt in reversed(options):
        checked = opt(checked)
    return checked


def _scales(text):
    if text is None:
        return None
    parts = [p.strip() for p in str(text).split(",") if p.strip()]
    if not parts:
        return None
    return parts if len(parts) > 1 else parts[0]


def build_kernel(activation, layers, bias, sigma_w, sigma_b, train, convention):
    from asympt.kernels.networks import ntk

    return ntk(activation, layers, _scales(sigma_w), _scales(sigma_b), bias=_bias_value(bias), train=train,
               convention=convention)


def _bias_value(bias):
    if bias is None:
        return None
    from asympt.core.parse import parse_rational

    return parse_rational(repr(float(bias)), "bias")


def json_option(f):
    return click.option("--json", "as_json", is_flag=True, help="Machine-readable JSON output.")(f)


def _emit(data, as_json, render):
    if as_json:
        click.echo(json.dumps(data, indent=2, sort_keys=True))
    else:
        click.echo(render(data))


@main.command()
@network_options
@click.option("--at", "points", multiple=True, metavar="U",
              help="Evaluate k at u = U, a decimal or p/q in [-1, 1] taken exactly (repeatable).")
@click.option("--series", "nseries", type=click.IntRange(0, LIMITS.series), default=6, show_default=True,
              help=f"Number of power-series coefficients at u = 0 (0 to skip), 0..{LIMITS.series} "
                   f"(0..{LIMITS.series_deep} with a bias or beyond 2 layers).")
@click.option("--digits", type=click.IntRange(5, 100), default=15, show_default=True,
              help="Digits for the values printed with --at (evaluated at digits + 25 working digits; "
                   "only digits covered by the measured error are shown).")
@json_option
def kernel(activation, layers, bias, sigma_w, sigma_b, train, convention, points, nseries, digits, as_json):
    """The kernel k(u) of a network: closed form, power series, singular expansions, values.

    \b
    Example:
      asympt kernel --activation relu --layers 3 --at 0.3 --at -0.5
    """
    from . import report
    from asympt.core.parse import parse_rational
    from asympt.kernels.kernel import format_value

    exact_points = []
    for text in points:  # validated before any work: finite, at most 60 digits, in [-1, 1]
        val = parse_rational(text, "--at")
        if not -1 <= val <= 1:
            raise click.BadParameter(f"{text!r} is not in [-1, 1]", param_hint="'--at'")
        exact_points.append((text.strip(), val))
    k = build_kernel(activation, layers, bias, sigma_w, sigma_b, train, convention)
    data = report.kernel_report(k, points=(), nseries=nseries, digits=digits)
    if exact_points:
        data["values"] = [{"u": text, "value": format_value(k.evaluate(val, digits), digits)}
                          for text, val in exact_points]
    _emit(data, as_json, report.render_kernel)


def dim_option(f, maximum: int = LIMITS.dim):
    lower = (f" (cap targets: at most {LIMITS.dim_cap_target}; step networks of 3+ layers: at most "
             f"{LIMITS.dim_deep_step})" if maximum > LIMITS.dim_deep_step else "")
    return click.option("--dim", "-d", type=click.IntRange(min=2, max=maximum), required=True,
                        help=f"Ambient data dimension d, 2..{maximum}{lower}; inputs on the sphere S^(d-1).")(f)


def dim_up_to(maximum: int):
    """``--dim`` with this command's measured cap (``LIMITS.dim_*``)."""
    return lambda f: dim_option(f, maximum)


def spectrum_dim_option(f):
    return dim_option(f, LIMITS.spectrum_dim)


@main.command()
@spectrum_dim_option
@network_options
@click.option("--kmax", type=click.IntRange(0, LIMITS.kmax), default=30, show_default=True,
              help=f"Largest degree k, 0..{LIMITS.kmax}.")
@click.option("--digits", type=click.IntRange(1, 300), default=15, show_default=True,
              help="Correct significant digits required for every mu_k (only trusted digits are printed).")
@click.option("--tier", type=click.Choice(["auto", "exact", "mpmath", "float64"]), default="auto",
              show_default=True,
              help="exact: closed forms (SymPy); mpmath: Gauss-Legendre in theta at any precision; "
                   "float64: vectorized numpy with error bars; auto: the fastest that meets --digits.")
@json_option
def spectrum(dim, activation, layers, bias, sigma_w, sigma_b, train, convention, kmax, digits, tier, as_json):
    """Gegenbauer (Funk-Hecke) eigenvalues mu_k of the kernel on S^(d-1), with their asymptotic law.

    mu_k has multiplicity N(d,k); the table shows mu_k (exact where a closed form exists), the law
    A_p k^-alpha and the ratio to it, and the ratio to the exact Gamma-ratio approximant.

    \b
    Example:
      asympt spectrum --dim 10 --activation relu --bias 1 --kmax 200 --digits 30
    """
    from . import report

    k = build_kernel(activation, layers, bias, sigma_w, sigma_b, train, convention)
    data = report.spectrum_report(k, dim, kmax, digits, tier)
    _emit(data, as_json, report.render_spectrum)


@main.command()
@dim_option
@network_options
@click.option("--target", default="neuron", show_default=True, type=Text("SPEC"),
              help="neuron (a teacher neuron with the network's activation), neuron:NAME, halfspace, "
                   "cap:THETA0, sobolev:S, harmonic:K, powerlaw:BETA, rkhs:R.")
@click.option("--data", type=click.Choice(["sphere", "euclidean"]), default="sphere", show_default=True,
              help="sphere: uniform on S^(d-1); euclidean: inputs in R^d with a density (needs --bias).")
@click.option("--lr", type=FiniteFloat(min=0, min_open=True, max=1e6), default=None,
              help="Learning rate eta of discrete gradient descent, in (0, 1e6] (default: gradient flow).")
@click.option("--latex", is_flag=True, help="Print the law as LaTeX.")
@click.option("--init", type=click.Choice(["ntk", "mean-field", "lecun", "he", "xavier"]), default=None,
              help="Two-layer initialisation scheme: use the layer-weighted kernel it trains with "
                   "(see 'asympt regime'); refused at critical / condensed points.")
@click.option("--width", type=click.IntRange(2, 10**9), default=None,
              help="Width m for --init (needed when the layer weights depend on it: lecun, he, xavier).")
@json_option
def xi(dim, activation, layers, bias, sigma_w, sigma_b, train, convention, target, data, lr, latex, init, width,
       as_json):
    """Large-time loss law L(t) ~ C t^-xi (or plateau / exponential / logarithmic) of kernel training.

    With --init the kernel is the one the initialisation produces for a two-layer network
    f = (1/alpha) sum a_k s(w_k.x) trained by plain gradient descent (layer-weighted NTK).

    \b
    Examples:
      asympt xi --dim 10 --activation relu
      asympt xi --dim 3 --activation relu --target halfspace          # plateau
      asympt xi --dim 5 --activation relu --bias 1 --target sobolev:2 --json
      asympt xi --dim 10 --activation relu --init lecun --width 4096
    """
    from . import report
    from asympt.laws.loss import loss_law
    from asympt.targets import parse_target

    if init is not None:
        from asympt.dynamics.regime import init_kernel
        from asympt.core.errors import InvalidInput

        if layers != 2 or sigma_w is not None or sigma_b is not None or train != "all" or convention != "he":
            raise InvalidInput("--init sets the scales of a two-layer network: do not combine it with --layers, "
                               "--sigma-w, --sigma-b, --train or --convention")
        k = init_kernel(init, activation=activation, dim=dim, width=width, bias=_bias_value(bias) or 0)
    else:
        k = build_kernel(activation, layers, bias, sigma_w, sigma_b, train, convention)
    tgt = parse_target(target, default_activation=k.network.activation.name)
    law = loss_law(k, dim, tgt, data=data, lr=lr)
    if latex and not as_json:
        click.echo(law.latex())
        return
    out = report.xi_report(k, dim, tgt, law)
    _emit(out, as_json, report.render_xi)


@main.command()
@dim_up_to(LIMITS.dim_curve)
@network_options
@click.option("--target", default="neuron", show_default=True, type=Text("SPEC"),
              help="Target class, as for 'asympt xi'.")
@click.option("--tmin", type=FiniteFloat(LIMITS.time_min, LIMITS.time_max), default=1.0, show_default=True,
              help=f"First time, {LIMITS.time_min:g}..{LIMITS.time_max:g}.")
@click.option("--tmax", type=FiniteFloat(LIMITS.time_min, LIMITS.time_max), default=1e6, show_default=True,
              help=f"Last time, {LIMITS.time_min:g}..{LIMITS.time_max:g}.")
@click.option("--points", type=click.IntRange(1, LIMITS.curve_points), default=7, show_default=True,
              help=f"Number of log-spaced times, 1..{LIMITS.curve_points}.")
@click.option("--digits", type=click.IntRange(5, LIMITS.curve_digits), default=15, show_default=True,
              help="Working digits (printed values show only the digits their error bound covers).")
@plot_option("Write a log-log plot")
@json_option
def curve(dim, activation, layers, bias, sigma_w, sigma_b, train, convention, target, tmin, tmax, points, digits,
          plot_file, as_json):
    """Exact loss curve L(t) = 1/2 sum_k e_k exp(-2 mu_k t) beside its asymptotic law.

    The local exponent -dlog L/dlog t tends to xi where the law is a power law.

    \b
    Example:
      asympt curve --dim 3 --activation relu --target neuron --tmin 1e2 --tmax 1e6 --points 3
    """
    from . import report
    from asympt.laws.curve import loss_curve
    from asympt.laws.loss import loss_law
    from asympt.targets import parse_target

    if tmax < tmin:
        raise click.BadParameter(f"--tmax ({tmax}) must be >= --tmin ({tmin})", param_hint="--tmax")
    k = build_kernel(activation, layers, bias, sigma_w, sigma_b, train, convention)
    tgt = parse_target(target, default_activation=k.network.activation.name)
    law = loss_law(k, dim, tgt)
    if points == 1:
        times = [tmin]
    else:
        import math

        times = [float(f"{math.exp(math.log(tmin) + i * (math.log(tmax) - math.log(tmin)) / (points - 1)):.12g}")
                 for i in range(points)]
    pts = loss_curve(k, dim, tgt, times, digits=digits, law=law)
    from asympt.laws.curve import asymptotic_regime

    regime = asymptotic_regime(k, dim, tgt, law, t_hi=max(1e12, tmax))
    data = report.curve_report(k, dim, tgt, law, pts, regime)
    if plot_file:
        report.plot_curve(data, plot_file)
    _emit(data, as_json, report.render_curve)


def run():  # pragma: no cover - console entry
    main(prog_name="asympt")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
