"""Kernel-side parts of issue 17: bounded input, compact exact series, readable reprs."""

import mpmath
import pytest
import sympy
from click.testing import CliRunner

from asympt.kernels.activations import activation
from asympt.cli.main import main
from asympt.core.errors import InvalidInput
from asympt.kernels.networks import nngp, ntk


def _relu3(u):
    """3-layer He ReLU NTK from theory section 3: Theta^(l+1) = kappa1(rho_l) + Theta^l kappa0(rho_l)."""
    k0 = lambda r: 1 - mpmath.acos(r) / mpmath.pi  # noqa: E731
    k1 = lambda r: (mpmath.sqrt(1 - r**2) + r * (mpmath.pi - mpmath.acos(r))) / mpmath.pi  # noqa: E731
    th2 = k1(u) + u * k0(u)
    return k1(k1(u)) + th2 * k0(k1(u))


def test_series_is_exact_and_compact():
    coeffs = ntk("relu", 3).series(6)
    with mpmath.workdps(40):
        ref = mpmath.taylor(_relu3, 0, 5)  # numerical differentiation of an analytic function: ~25 digits
        for c, r in zip(coeffs, ref):
            assert len(sympy.sstr(c)) <= 400
            assert abs(mpmath.mpf(sympy.N(c, 40)) - r) < mpmath.mpf(10) ** -18


def test_repr_and_latex():
    k = ntk("relu", 3)
    text = repr(k)
    assert text.startswith("DotProductKernel(NTK; 3-layer network") and len(text) < 600
    assert "no closed form" in repr(ntk("gelu"))
    assert nngp("erf")._repr_latex_().startswith("$k(u) = ")


@pytest.mark.parametrize("text,match", [
    ("exp(x**2)", "exp\\(c x\\^2\\)"), ("x#__import__('os')", "comments"), ("\uff58", "ASCII"),
    ("\U0001d465 + 1", "ASCII"), ("relu^1e1000000000", "at most 60 digits"),
    ("leaky_relu:1e1000000000", "at most 60 digits"), ("x**1e100000", "magnitude"),
])
def test_hostile_activations_refused(text, match):
    with pytest.raises(InvalidInput, match=match):
        activation(text)


def test_integrable_growth_accepted():
    assert activation("1/(1 + exp(x**2))").expr.has(sympy.exp)
    assert activation("exp(0.2*x**2)").family == "numeric"


def test_cli_refusals_are_one_line():
    res = CliRunner().invoke(main, ["kernel", "--activation", "exp(x**2)", "--series", "0"])
    assert res.exit_code == 1 and res.output.startswith("Error:") and res.output.count("\n") == 1


def test_rational_activation_series_finishes():
    res = CliRunner().invoke(main, ["kernel", "--series", "3", "--activation", "1/(x**2+1)"])
    assert res.exit_code == 0, res.output
    assert "k(1) = 1.437119694" in res.output  # E[1/(z^2+1)^2] * 2 + 2 E[(2z/(z^2+1)^2)^2]: see below
    with mpmath.workdps(20):
        f = lambda z: 1 / (z**2 + 1)  # noqa: E731
        fp = lambda z: -2 * z / (z**2 + 1) ** 2  # noqa: E731
        k1 = 2 * mpmath.quad(lambda z: f(z) ** 2 * mpmath.npdf(z), [-mpmath.inf, mpmath.inf]) \
            + 2 * mpmath.quad(lambda z: fp(z) ** 2 * mpmath.npdf(z), [-mpmath.inf, mpmath.inf])
        assert mpmath.nstr(k1, 10) == "1.437119695"
