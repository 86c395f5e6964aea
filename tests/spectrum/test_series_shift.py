"""The big-integer Taylor shift of spectrum.series against exact rational arithmetic.

sum_n b_n (alpha u + beta)^n is expanded here with Fractions and binomial coefficients (no fixed point,
no divide and conquer); the fixed-point result must agree within its stated rounding bound.
"""

from fractions import Fraction
from math import comb

import mpmath
import pytest

from asympt.spectrum import series


def _exact_shift(b, alpha, beta):
    n = len(b)
    return [sum(b[m] * comb(m, j) * alpha**j * beta ** (m - j) for m in range(j, n)) for j in range(n)]


@pytest.mark.parametrize("n, alpha", [(7, Fraction(1, 2)), (70, Fraction(1, 4)), (300, Fraction(3, 4))])
def test_shift_matches_exact_binomial_expansion(n, alpha):
    beta = 1 - alpha
    # positive coefficients decaying over 12 decades, as Hermite squares do; dyadic, so that the inputs
    # are exact in binary and the comparison sees the shift's own rounding only
    b = [Fraction(1 + (7 * m) % 5, 2 ** (40 * m // n)) for m in range(n)]
    prec = 100
    with mpmath.workprec(prec + 40):
        got = series._shift([mpmath.mpf(v.numerator) / v.denominator for v in b],
                            mpmath.mpf(alpha.numerator) / alpha.denominator,
                            mpmath.mpf(beta.numerator) / beta.denominator, prec)
        want = _exact_shift(b, alpha, beta)
        smallest = min(b)
        # absolute fixed point at prec + 40 bits below the smallest coefficient (module docstring)
        bound = mpmath.mpf(smallest.numerator) / smallest.denominator * mpmath.ldexp(1, -prec - 30)
        for g, w in zip(got, want):
            assert abs(g - mpmath.mpf(w.numerator) / w.denominator) <= bound


def test_fixed_point_product_is_exact_before_rounding():
    a = [3 << 40, 5 << 40, 7 << 40] + [1 << 40] * 40
    b = [2 << 40] * 30 + [9 << 40]
    got = series._poly_mul_fixed(a, b, 40)
    want = [0] * (len(a) + len(b) - 1)
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            want[i + j] += (x * y) >> 40
    assert got == want
