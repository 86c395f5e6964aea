"""Activation registry and the restricted expression parser."""

import pytest
import sympy

from asympt.kernels.activations import activation, available, parse_expression, x
from asympt.core.errors import InvalidInput


@pytest.mark.parametrize(
    ("spec", "family", "degree", "parity"),
    [
        ("relu", "homogeneous", 1, None),
        ("ReLU", "homogeneous", 1, None),
        ("step", "homogeneous", 0, None),
        ("relu2", "homogeneous", 2, None),
        ("relu^1.5", "homogeneous", sympy.Rational(3, 2), None),
        ("relu^3/2", "homogeneous", sympy.Rational(3, 2), None),
        ("relu**(-0.25)", "homogeneous", sympy.Rational(-1, 4), None),
        ("leaky_relu:0.1", "homogeneous", 1, None),
        ("abs", "homogeneous", 1, "even"),
        ("identity", "homogeneous", 1, "odd"),
        ("erf", "erf", None, "odd"),
        ("sin", "sin", None, "odd"),
        ("cos", "cos", None, "even"),
        ("tanh", "numeric", None, "odd"),
        ("gelu", "numeric", None, None),
        ("x**3 - x", "polynomial", None, "odd"),
        ("erf(x) + 0.1*x", "numeric", None, "odd"),
    ],
)
def test_registry(spec, family, degree, parity):
    act = activation(spec)
    assert act.family == family
    assert act.parity == parity
    if degree is not None:
        assert act.degree == degree


def test_leaky_slope_is_exact():
    assert activation("leaky_relu:0.1").param("slope") == sympy.Rational(1, 10)
    assert activation("leaky_relu").param("slope") == sympy.Rational(1, 100)


def test_available_lists_families():
    names = available()
    assert "relu" in names and "relu^A" in names and "gelu" in names


def test_parser_builds_exact_sympy():
    assert parse_expression("x**3 - x") == x**3 - x
    assert parse_expression("0.5*x") == x / 2
    assert parse_expression("sigmoid(x)") == 1 / (1 + sympy.exp(-x))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("__import__('os').system('true')", "__import__"),
        ("().__class__", "syntax"),
        ("x.real", "syntax"),
        ("open('f')", "open"),
        ("lambda: 0", "syntax"),
        ("x**1000", "powers"),
        ("x**x", "powers"),
        ("y + 1", "unknown name"),
        ("'abc'", "numeric constants"),
        ("x +", "not a registered name"),
        ("relu^-1", "a > -1/2"),
        ("relu^abc", "number"),
        ("1/(x-1)", "pole"),
        ("3", "depend on x"),
        ("9" * 20 + "*x", "magnitude"),
        ("x" + "+x" * 120, "too large"),
    ],
)
def test_bad_activations_are_rejected_without_evaluation(text, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InvalidInput, match=message):
        activation(text)
    assert list(tmp_path.iterdir()) == []  # nothing was executed


def test_parser_never_calls_eval(monkeypatch):
    import builtins

    def boom(*a, **k):  # pragma: no cover - would mean eval was used
        raise AssertionError("eval called")

    monkeypatch.setattr(builtins, "eval", boom)
    monkeypatch.setattr(sympy, "sympify", boom)
    activation.cache_clear()
    assert activation("tanh(x) + 0.25*x").family == "numeric"
