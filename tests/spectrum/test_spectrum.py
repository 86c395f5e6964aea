"""The tier dispatcher: exact where possible, every tier agreeing with the others, structural zeros."""

import mpmath
import pytest
import sympy
from click.testing import CliRunner

from asympt.cli.main import main
from asympt.core.errors import InvalidInput
from asympt.kernels.networks import nngp, ntk
from asympt.spectrum import eigenvalues


def test_auto_uses_exact_closed_forms():
    spec = eigenvalues(ntk("relu"), 3, 4)
    assert spec.tier == "exact"
    # theory section 5: d = 3 ReLU NTK mu_0 = 1/2, mu_1 = 1/3, mu_2 = 5/64 (rationals)
    assert [spec[k].exact for k in range(3)] == [sympy.Rational(1, 2), sympy.Rational(1, 3), sympy.Rational(5, 64)]


@pytest.mark.filterwarnings("ignore:float64 tier")
@pytest.mark.parametrize("tier", ["exact", "mpmath", "float64"])
def test_parity_zeros_are_exact_in_every_tier(tier):
    spec = eigenvalues(ntk("relu"), 5, 12, tier=tier, digits=10)
    for e in spec:
        if e.k % 2 == 1 and e.k >= 3:
            assert e.structural_zero and e.value == 0 and e.abs_error == 0 and str(e) == "0"
        else:
            assert not e.structural_zero and e.value > 0


@pytest.mark.parametrize("kernel", [lambda: ntk("relu", bias=1), lambda: ntk("relu", 3)])
def test_no_zeros_with_bias_or_depth(kernel):
    spec = eigenvalues(kernel(), 5, 15, tier="mpmath", digits=20)
    for e in spec:
        assert not e.structural_zero
        assert e.value > 0 and e.abs_error < e.value * mpmath.mpf(10) ** -20


@pytest.mark.parametrize(("dim", "kernel"), [(2, lambda: ntk("relu")), (3, lambda: nngp("step")),
                                             (10, lambda: ntk("relu2"))])
def test_exact_and_quadrature_tiers_agree(dim, kernel):
    # closed forms (Gamma products) against Gauss-Legendre quadrature in theta: different algorithms
    kernel = kernel()
    exact = eigenvalues(kernel, dim, 30, tier="exact", digits=30)
    quad = eigenvalues(kernel, dim, 30, tier="mpmath", digits=30)
    with mpmath.workdps(40):
        for a, b in zip(exact, quad):
            assert abs(a.value - b.value) <= b.abs_error + abs(a.value) * mpmath.mpf(10) ** -32
            assert b.approx.digits >= 30


def test_float64_tier_within_its_error_bars_against_exact():
    kernel = ntk("relu")
    exact = eigenvalues(kernel, 10, 200, tier="exact")
    with pytest.warns(UserWarning, match="fewer than 3 digits"):  # d = 10: float64 runs out near k ~ 30
        fast = eigenvalues(kernel, 10, 200, tier="float64", digits=3)
    for a, b in zip(exact, fast):
        assert abs(float(a.value) - float(b.value)) <= float(b.abs_error) + 1e-300


def test_trace_identity():
    # sum_k N(d,k) mu_k = k(1); the tail beyond K of the d = 3 ReLU NTK is ~ 2/(pi K)
    spec = eigenvalues(ntk("relu"), 3, 400)
    assert abs(spec.trace_partial() - 2) < 3 / 400


@pytest.mark.parametrize(("kwargs", "needle"), [(dict(dim=1, kmax=3), "dim"), (dict(dim=3, kmax=-1), "kmax"),
                                                (dict(dim=3, kmax=3, digits=10**6), "digits"),
                                                (dict(dim=3, kmax=3, tier="quad"), "tier"),
                                                (dict(dim=3.5, kmax=3), "dim")])
def test_bad_arguments(kwargs, needle):
    with pytest.raises(InvalidInput, match=needle):
        eigenvalues(ntk("relu"), **kwargs)


def test_exact_tier_refuses_kernels_without_closed_form():
    with pytest.raises(InvalidInput, match="no closed form"):
        eigenvalues(ntk("relu", 3), 3, 5, tier="exact")


@pytest.mark.parametrize("args", [["--dim", "1"], ["--dim", "3", "--kmax", "-1"], ["--dim", "3", "--digits", "100000"]])
def test_cli_bad_input_one_line(args):
    res = CliRunner().invoke(main, ["spectrum", *args])
    assert res.exit_code == 2 and "Traceback" not in res.output


def test_cli_json_values_are_strings_with_error_bounds():
    import json

    res = CliRunner().invoke(main, ["spectrum", "--dim", "10", "--bias", "1", "--kmax", "4", "--digits", "25", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    row = data["rows"][4]
    assert isinstance(row["mu"], str) and len(row["mu"].replace(".", "").split("e")[0].lstrip("0")) >= 25
    assert float(row["abs_error"]) < 1e-25 * float(row["mu"])
