"""Printed digits of ``kernel --at`` against closed forms typed in from theory sections 2-3 (issue 18.2).

Every reference is computed here with mpmath at 80 digits from the formulas, not from asympt's kernel
expressions: the arc-cosine functions kappa_0, kappa_1, the x_+^a map E_a through 2F1, the erf map
through arcsin, and the NTK recursion Theta^(l+1) = Sigma^(l+1) + Sigmadot^(l+1) Theta^l.
"""

import mpmath
import pytest
from click.testing import CliRunner

from asympt.cli.main import main
from asympt.kernels.kernel import format_value
from asympt.kernels.networks import ntk

U = mpmath.mpf(3) / 10  # evaluated inside workdps below


def _k0(r):
    return 1 - mpmath.acos(r) / mpmath.pi


def _k1(r):
    return (mpmath.sqrt(1 - r**2) + r * (mpmath.pi - mpmath.acos(r))) / mpmath.pi


def _relu_he(u):
    return u + (2 * u * mpmath.asin(u) + mpmath.sqrt(1 - u**2)) / mpmath.pi


def _relu_bias_4(u):
    # sigma_w = (1, sqrt2, sqrt2, sqrt2), sigma_b = 1 everywhere: V(q, c) = q kappa1(c/q)/2, Vd = kappa0/2
    sig, q = u + 1, mpmath.mpf(2)
    theta = sig
    for _ in range(3):
        rho = sig / q
        dot = _k0(rho)
        sig = q * _k1(rho) + 1
        theta = sig + dot * theta
        q = q + 1
    return theta


def _E(a, r):
    a = mpmath.mpf(a)
    return 2**a / (4 * mpmath.pi) * (mpmath.gamma((a + 1) / 2) ** 2 * mpmath.hyp2f1(-a / 2, -a / 2, 0.5, r**2)
                                     + 2 * r * mpmath.gamma(a / 2 + 1) ** 2
                                     * mpmath.hyp2f1((1 - a) / 2, (1 - a) / 2, 1.5, r**2))


def _relu15(u):
    a = mpmath.mpf(3) / 2
    return 2 * (_E(a, u) + a**2 * u * _E(a - 1, u))


def _erf3(u):
    def V(q, c):
        return 2 * (2 / mpmath.pi) * mpmath.asin(2 * c / (1 + 2 * q))

    def Vd(q, c):
        return 2 * (4 / mpmath.pi) / mpmath.sqrt((1 + 2 * q) ** 2 - 4 * c**2)

    q1 = mpmath.mpf(1)
    s2, d2 = V(q1, u), Vd(q1, u)
    th2 = s2 + d2 * u
    q2 = V(q1, q1)
    return V(q2, s2) + Vd(q2, s2) * th2


def _abs(u):
    return 2 * (2 / mpmath.pi) * (mpmath.sqrt(1 - u**2) + 2 * u * mpmath.asin(u))


CASES = [("relu", 2, None, _relu_he), ("relu", 4, 1, _relu_bias_4), ("relu^1.5", 2, None, _relu15),
         ("erf", 3, None, _erf3), ("abs", 2, None, _abs)]


def _check(printed: str, ref, digits: int):
    """printed has exactly ``digits`` significant digits and agrees with ref to its last digit."""
    mant = printed.lstrip("-").replace(".", "").lstrip("0")
    assert len(mant) == digits, printed
    with mpmath.workdps(80):
        val = mpmath.mpf(printed)
        assert abs(val - ref) <= abs(ref) * mpmath.mpf(10) ** (-(digits - 1)), (printed, ref)


@pytest.mark.parametrize("digits", [30, 50])
@pytest.mark.parametrize("act,layers,bias,ref", CASES, ids=[c[0] + f"-L{c[1]}" for c in CASES])
def test_values_have_earned_digits(act, layers, bias, ref, digits):
    k = ntk(act, layers, bias=bias)
    printed = format_value(k.evaluate("0.3", digits), digits)
    with mpmath.workdps(80):
        _check(printed, ref(mpmath.mpf(3) / 10), digits)


def test_cli_prints_thirty_correct_digits():
    res = CliRunner().invoke(main, ["kernel", "--activation", "relu", "--at", "0.3", "--digits", "30",
                                    "--series", "0"])
    assert res.exit_code == 0, res.output
    line = [ln for ln in res.output.splitlines() if ln.startswith("k(0.3) = ")][0]
    with mpmath.workdps(80):
        _check(line.split(" = ")[1], _relu_he(mpmath.mpf(3) / 10), 30)


@pytest.mark.parametrize("bad", ["nan", "inf", "1e1000000000", "2", "0x1"])
def test_cli_refuses_bad_points(bad):
    res = CliRunner().invoke(main, ["kernel", "--at", bad, "--series", "0"])
    assert res.exit_code in (1, 2) and "Error" in res.output and "internal" not in res.output
