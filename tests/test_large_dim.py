"""Large-d loss laws: constants taken in log space must stay positive, finite and real (issue 17.2)."""

import mpmath
import sympy

from asympt.core.symbolic import log_positive
from asympt.laws.loss import loss_law
from asympt.kernels.networks import ntk


def test_log_positive_ignores_the_branch_of_a_forced_split():
    # log((-2) * (-3)) split over its negative factors would carry 2 pi i; the real part is ln 6
    assert abs(log_positive(sympy.Mul(-2, -3, evaluate=False)) - mpmath.log(6)) < mpmath.mpf(10) ** -60


def test_three_layer_bias_law_at_d_1000_has_a_real_constant():
    # this raised "cannot create mpf from ... + 2*pi*I" before log_positive
    law = loss_law(ntk("relu", layers=3, bias=1), 1000, "neuron")
    assert law.kind == "power" and law.xi == sympy.Rational(3, 1000)
    C = sympy.N(law.C, 30)
    assert C.is_real and 0 < C < 1


def test_log_positive_of_large_d_constants_matches_a_direct_evaluation():
    """The factor-by-factor logarithm agrees with mpmath's log of the constant evaluated directly at 90 digits
    (an independent path: sympy.N of the whole product), for Gamma powers with thousands of digits."""
    with mpmath.workdps(70):
        for value in (sympy.gamma(sympy.Rational(301, 2)) ** 2 * 2**300 / sympy.pi**7,
                      sympy.Rational(3, 7) ** sympy.Rational(1, 5) * sympy.factorial(400) / sympy.sqrt(2),
                      sympy.exp(sympy.Rational(5, 3)) * sympy.gamma(sympy.Rational(3, 10)) / 525):
            direct = mpmath.log(mpmath.mpf(sympy.N(value, 90)))
            assert abs(log_positive(value) - direct) < mpmath.mpf(10) ** -55 * abs(direct)
