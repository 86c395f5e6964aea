"""Exact Funk-Hecke (Gegenbauer) eigenvalues of dot-product kernels on S^(d-1): the exact tier.

Concept. For a dot-product kernel k(u), u = x.x', on the sphere S^(d-1) with the uniform probability
measure, every degree-k spherical harmonic is an eigenfunction with eigenvalue

    mu_k = c_d int_{-1}^{1} k(t) P_k(t) (1 - t^2)^((d-3)/2) dt,   c_d = Gamma(d/2) / (sqrt(pi) Gamma((d-1)/2)),

P_k the Gegenbauer polynomial normalised by P_k(1) = 1 (d = 2: c_2 = 1/pi, P_k(cos th) = cos(k th)).
This module gives mu_k as exact SymPy numbers (rationals, powers of pi, sqrt, Gamma values) for every
d >= 2 and k >= 0, for the building blocks of theory section 5 and for network kernels built from them.

Method (theory section 5; each formula is cited again where it is coded):

* Monomials: mu_k[u^p] = p! Gamma(d/2) / (2^p ((p-k)/2)! Gamma((p+k+d)/2)) for k <= p, p - k even, else 0.
  Every atom below is a power series in u^2 (or u times one); summing item 4 against it gives a
  2F1 at argument 1, closed by Gauss summation 2F1(a, b; c; 1) = Gamma(c) Gamma(c-a-b) / (Gamma(c-a)
  Gamma(c-b)) (DLMF 15.4.20):

      2F1(al, be; 1/2; u^2):    mu_2m   = Gamma(d/2) (al)_m (be)_m Gamma(d/2-al-be)
                                          / (Gamma(m+d/2-al) Gamma(m+d/2-be))
      u 2F1(al, be; 3/2; u^2):  mu_2m+1 = Gamma(d/2)/2 (al)_m (be)_m Gamma(1+d/2-al-be)
                                          / (Gamma(m+1+d/2-al) Gamma(m+1+d/2-be))

  This covers arcsin u = u 2F1(1/2, 1/2; 3/2; u^2), sqrt(1 - u^2) = 2F1(-1/2, 1/2; 1/2; u^2), every
  (1 - u^2)^e, and the NNGP maps E_a of x_+^a (Cho & Saul 2009; theory section 2). With u^2 replaced by
  s u^2, |s| < 1 (erf kernels), the sum is a 2F1 at s that is not a closed form: it is returned as a
  SymPy ``hyper`` object only when asked for (``allow_hyper=True``).
* (1 - u)^g: Rodrigues' formula and k integrations by parts (theory 5.1); (1 + u)^g: times (-1)^k.
* e^(q u): Gamma(d/2) (2/q)^(d/2-1) I_(k+d/2-1)(q) (Watson 1944; DLMF 10.32.2 with Funk-Hecke).
* Multiplication by u: mu_k[u g] = (k mu_(k-1)[g] + (k+d-2) mu_(k+1)[g]) / (2k+d-2), mu_0[u g] = mu_1[g]
  (three-term recurrence of P_k).

Exactness and speed. In :func:`exact_eigenvalues` every sequence is held as a rational combination of
a few SymPy constants (one per parity class for the Gamma forms): Gamma ratios advance by rational
factors in k, so the work is Python ``Fraction`` arithmetic and a kernel's mu_k comes out as, e.g., the
rational 5/64 (d = 3 ReLU NTK) or 14/(9 pi^2) (d = 2). Structural zeros (odd k >= 3 of the 2-layer ReLU
NTK) are exact ``0``, never thresholds.

Conventions: :mod:`asympt.core.conventions`. Entry points: :func:`eigenvalues` (the tier),
:func:`exact_eigenvalues` (the plain list, kept for callers that want SymPy values only).

References: Cho & Saul 2009 (arc-cosine kernels); Bietti & Mairal 2019, Bietti & Bach 2021 (NTK
spectra on the sphere); DLMF 15.4.20 (Gauss summation), 18.5.5 (Rodrigues), 10.32.2 (I_nu).

The catalogue lives in :mod:`.gamma_forms` (items 1-5) and :mod:`.special_forms` (items 6-8), the
recogniser in :mod:`.recogniser`; this module re-exports their public names and gives the exact tier's
:func:`eigenvalues` (a :class:`~asympt.spectrum.result.TierResult`).
"""

from __future__ import annotations

from .gamma_forms import (
    M_constant, M_log_constant, gamma_ratio, mu_abs_power, mu_log_term, mu_monomial, mu_one_minus_u_pow,
    mu_one_minus_u_pow_mp, mu_one_plus_u_pow, mu_positive_power,
)
from .recogniser import exact_eigenvalues
from .special_forms import (
    mu_arcsin, mu_E_a, mu_exp, mu_kappa0, mu_kappa1, mu_sqrt_one_minus_u2, mu_times_u, times_u,
)

__all__ = [
    "M_constant",
    "M_log_constant",
    "eigenvalues",
    "exact_eigenvalues",
    "gamma_ratio",
    "mu_E_a",
    "mu_abs_power",
    "mu_arcsin",
    "mu_exp",
    "mu_kappa0",
    "mu_kappa1",
    "mu_log_term",
    "mu_monomial",
    "mu_one_minus_u_pow",
    "mu_one_minus_u_pow_mp",
    "mu_one_plus_u_pow",
    "mu_positive_power",
    "mu_sqrt_one_minus_u2",
    "mu_times_u",
    "times_u",
]


def eigenvalues(kernel, dim: int, kmax: int, *, digits: int = 15, allow_hyper: bool = False):
    """The exact tier as a :class:`~asympt.spectrum.result.TierResult` (None when k(u) is not recognised).

    ``exact`` holds the SymPy values of :func:`exact_eigenvalues` (None where an integer in the value has
    more than ~300 digits: printing it is useless and Python refuses int -> str beyond 4300 digits);
    ``values`` are those numbers to ``digits`` + 10 digits, ``errors`` are 0.

    >>> from asympt.kernels.networks import ntk
    >>> r = eigenvalues(ntk("relu"), 3, 2)
    >>> r.tier, [str(v) for v in r.exact], r.trusted_digits(0)
    ('exact', ['1/2', '1/3', '5/64'], None)
    """
    import mpmath
    import sympy

    from .result import TierResult

    exact = exact_eigenvalues(kernel, dim, kmax, allow_hyper=allow_hyper)
    if exact is None:
        return None
    with mpmath.workdps(digits + 10):
        values = tuple(mpmath.mpf(sympy.N(v, digits + 10)) if v != 0 else mpmath.mpf(0) for v in exact)
    shown = tuple(v if _small_exact(v) else None for v in exact)
    return TierResult("exact", values, tuple(mpmath.mpf(0) for _ in exact), shown)


_MAX_EXACT_BITS = 1000          # ~300 digits


def _small_exact(value) -> bool:
    """Whether every integer in the SymPy number ``value`` has at most ~300 digits."""
    import sympy

    if value == 0:
        return True
    ints = [abs(int(a)) for a in value.atoms(sympy.Rational) for a in (a.p, a.q)]
    return all(i.bit_length() <= _MAX_EXACT_BITS for i in ints)
