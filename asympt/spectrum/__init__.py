"""Gegenbauer (Funk-Hecke) eigenvalues mu_k of a dot-product kernel on S^(d-1), in three tiers.

mu_k = c_d int_0^pi k(cos t) P_k(cos t) sin^(d-2) t dt, P_k(1) = 1, uniform probability measure;
mu_k is the eigenvalue of f -> int k(x.y) f(y) dsigma(y) with multiplicity N(d, k) (theory section 1).

Tiers (one signature, the tier is an argument as in mpmath's fp/mp contexts):

* ``exact``: closed forms of theory section 5 as SymPy numbers (2-layer arc-cosine kernels, x_+^a
  kernels, ...), :mod:`asympt.spectrum.closed_forms`;
* ``mpmath``: Gauss-Legendre in theta at any precision, every value with an error bound,
  :mod:`asympt.spectrum.highprec`;
* ``float64``: vectorized numpy with an a-priori error bar, :mod:`asympt.spectrum.float64`.

``auto`` takes the exact tier when the kernel has a recognised closed form, float64 when its error
bars meet the requested digits at every k, and mpmath otherwise. In every tier an eigenvalue that is
zero by structure (a parity part of k(u) that is a polynomial of degree < k) is returned as an exact
zero; small values are never thresholded to zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from asympt.core.errors import InvalidInput, check_int

__all__ = ["Eigenvalue", "Spectrum", "eigenvalues", "TIERS"]

TIERS = ("auto", "exact", "mpmath", "float64")
_MAX_KMAX = 100_000
_MAX_DIGITS = 300


@dataclass(frozen=True)
class Eigenvalue:
    """mu_k with its tier: ``exact`` (SymPy number) or ``approx`` (:class:`asympt.core.precision.Approx`)."""

    k: int
    multiplicity: int
    approx: object  # Approx: value and absolute error bound (0 for exact values)
    exact: object = None  # SymPy number when known exactly
    structural_zero: bool = False

    def __float__(self):
        return float(self.approx.value)

    @property
    def value(self):
        return self.approx.value

    @property
    def abs_error(self):
        return self.approx.abs_error

    def __str__(self):
        if self.structural_zero:
            return "0"
        return str(self.approx)


@dataclass(frozen=True)
class Spectrum:
    """mu_0..mu_kmax of a kernel on S^(dim-1); ``spec[k]`` is an :class:`Eigenvalue`."""

    dim: int
    tier: str
    digits: int
    values: tuple = field(repr=False)

    def __getitem__(self, k):
        return self.values[k]

    def __len__(self):
        return len(self.values)

    def __iter__(self):
        return iter(self.values)

    @property
    def kmax(self) -> int:
        return len(self.values) - 1

    def floats(self):
        import numpy as np

        return np.array([float(e) for e in self.values])

    def trace_partial(self):
        """sum_k N(d, k) mu_k over the computed degrees (tends to k(1): the trace identity)."""
        import mpmath

        return mpmath.fsum(mpmath.mpf(e.multiplicity) * e.value for e in self.values)


def _check(dim, kmax, digits, tier):
    if isinstance(dim, bool) or not isinstance(dim, int):
        raise InvalidInput(f"dim must be an integer >= 2: {dim!r}")
    dim = check_int("dim", dim, minimum=2, maximum=10**6)
    kmax = check_int("kmax", kmax, minimum=0, maximum=_MAX_KMAX)
    digits = check_int("digits", digits, minimum=1, maximum=_MAX_DIGITS)
    if tier not in TIERS:
        raise InvalidInput(f"tier must be one of {', '.join(TIERS)}: {tier!r}")
    return dim, kmax, digits


def eigenvalues(kernel, dim: int, kmax: int, *, tier: str = "auto", digits: int = 15) -> Spectrum:
    """mu_0..mu_kmax of ``kernel`` on S^(dim-1) with at least ``digits`` correct digits.

    >>> from asympt.kernels.networks import ntk
    >>> spec = eigenvalues(ntk("relu"), 3, 3, tier="exact")     # theory section 5: 1/2, 1/3, 5/64, 0
    >>> [str(e.exact) for e in spec]
    ['1/2', '1/3', '5/64', '0']
    """
    import mpmath
    import sympy

    from asympt.core.precision import Approx
    from asympt.core.sphere import multiplicity
    from asympt.kernels.kernel import check_kernel

    from .result import TierResult

    kernel = check_kernel(kernel)
    dim, kmax, digits = _check(dim, kmax, digits, tier)
    zeros = _structural_zeros(kernel, dim)

    def build(result: TierResult):
        out = []
        for k in range(kmax + 1):
            N = multiplicity(dim, k)
            if zeros(k):
                out.append(Eigenvalue(k, N, Approx(mpmath.mpf(0), mpmath.mpf(0)), sympy.S.Zero, True))
                continue
            ex = result.exact[k] if result.exact is not None else None
            out.append(Eigenvalue(k, N, result[k], ex, ex is not None and ex == 0))
        return Spectrum(dim, result.tier, digits, tuple(out))

    if tier in ("auto", "exact"):
        from . import closed_forms

        exact = closed_forms.eigenvalues(kernel, dim, kmax, digits=digits)
        if exact is None and tier == "exact":
            raise InvalidInput("tier 'exact': no closed form is known for this kernel "
                               "(closed forms cover 2-layer kernels without bias); use tier 'mpmath'")
        if exact is not None:
            return build(exact)

    if tier in ("auto", "float64") and digits <= 13:
        from . import float64

        result = float64.eigenvalues(kernel, dim, kmax)
        tol = mpmath.mpf(10) ** (-digits)
        bad = [k for k, a in enumerate(result) if not zeros(k) and a.abs_error > abs(a.value) * tol]
        if not bad or tier == "float64":
            spec = build(result)
            if bad:
                import warnings

                warnings.warn(f"float64 tier: fewer than {digits} digits at {len(bad)} degrees "
                              f"(first k = {bad[0]}); use tier 'mpmath'", stacklevel=2)
            return spec
    elif tier == "float64":
        raise InvalidInput(f"digits: float64 cannot deliver {digits} digits (at most 13); use tier 'mpmath'")

    from . import highprec, series

    if series.applicable(kernel):
        # positive power series: no cancellation (theory section 5 item 4), any d and kmax
        result = series.eigenvalues(kernel, dim, kmax, digits=digits, structural_zero=zeros)
        # a degree whose series coefficients and tail are all exact zeros (structural zeros of the
        # activation's Hermite coefficients, e.g. the odd part x/2 of GELU) is an exact zero
        known = zeros
        zeros = lambda k: known(k) or (result.values[k] == 0 and result.errors[k] == 0)  # noqa: E731
    else:
        result = highprec.eigenvalues(kernel, dim, kmax, digits=digits)
    return build(result)


def _structural_zeros(kernel, dim):
    """k -> True where mu_k = 0 is certified by a polynomial parity part of k(u)."""
    degs = {p: kernel.polynomial_degree(p) for p in (0, 1)}

    def is_zero(k):
        m = degs[k % 2]
        return m is not None and k > m

    return is_zero
