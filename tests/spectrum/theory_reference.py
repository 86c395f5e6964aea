"""Closed-form Funk-Hecke eigenvalues typed from theory section 5 item 8, shared by the tier tests.

These are references, not asympt code: they follow the printed formulas (and item 7 for the
multiplication by u), independently of asympt.spectrum.closed_forms.
"""

import mpmath
from mpmath import gamma, mpf, pi, rf

__all__ = ["arcsin_mu", "kappa0_mu", "kappa1_mu", "power_nngp_mu", "relu_ntk_mu", "times_u"]


def kappa0_mu(d, k):
    d = mpf(d)
    if k == 0:
        return mpf(1) / 2
    if k % 2 == 0:
        return mpf(0)
    m = (k - 1) // 2
    return gamma(d / 2) ** 2 * gamma(m + mpf(1) / 2) ** 2 / (2 * pi**2 * gamma(m + (d + 1) / 2) ** 2)


def kappa1_mu(d, k):
    d = mpf(d)
    if k == 1:
        return 1 / (2 * d)
    if k % 2 == 1:
        return mpf(0)
    m = k // 2
    return gamma(d / 2) * gamma(d / 2 + 1) * gamma(m - mpf(1) / 2) ** 2 / (4 * pi**2 * gamma(m + (d + 1) / 2) ** 2)


def times_u(mu, d, k):
    """theory section 5 item 7: mu_k[u g] = (k mu_(k-1)[g] + (k + d - 2) mu_(k+1)[g]) / (2k + d - 2)."""
    if k == 0:
        return mu(d, 1)
    return (k * mu(d, k - 1) + (k + d - 2) * mu(d, k + 1)) / (2 * k + d - 2)


def relu_ntk_mu(d, k):
    """He 2-layer ReLU NTK = u kappa0(u) + kappa1(u) (theory section 3)."""
    return times_u(kappa0_mu, d, k) + kappa1_mu(d, k)


def arcsin_mu(a, d, k):
    """mu_k[arcsin(a u)] (theory section 5 item 8)."""
    if k % 2 == 0:
        return mpf(0)
    m, d = (k - 1) // 2, mpf(d)
    return (gamma(d / 2) / 2 * a ** (2 * m + 1) * rf(mpf(1) / 2, m) ** 2 / gamma(2 * m + 1 + d / 2)
            * mpmath.hyp2f1(m + mpf(1) / 2, m + mpf(1) / 2, 2 * m + 1 + d / 2, a * a))


def power_nngp_mu(a, d, k):
    """mu_k[2 E_a], the He NNGP of x_+^a (theory section 5 item 8)."""
    d = mpf(d)
    P = 2**a * gamma(d / 2) * gamma(d / 2 + a) / (4 * pi)
    m = k // 2
    if k % 2 == 0:
        return 2 * P * (gamma((a + 1) / 2) * rf(-a / 2, m) / gamma(m + (d + a) / 2)) ** 2
    return 2 * P * (gamma(a / 2 + 1) * rf((1 - a) / 2, m) / gamma(m + (d + a + 1) / 2)) ** 2
