"""The one result type of the three spectrum tiers (exact, mpmath, float64).

Every tier returns a :class:`TierResult`: mu_0..mu_kmax as numbers, an absolute error bound for each,
and, for the exact tier, the exact SymPy values. It reads as a sequence of
:class:`~asympt.core.precision.Approx` (``result[k]``), so callers that only need value and bound do not
care which tier produced it.
"""

from __future__ import annotations

from dataclasses import dataclass

import mpmath

from asympt.core.errors import InvalidInput
from asympt.core.precision import Approx

__all__ = ["TierResult", "constant_digits"]

TIER_NAMES = ("exact", "mpmath", "float64")


@dataclass(frozen=True)
class TierResult:
    """mu_0..mu_kmax of one tier.

    Attributes:
        tier: ``"exact"``, ``"mpmath"`` or ``"float64"``.
        values: mu_k as mpmath numbers (exact, mpmath tiers) or Python floats (float64 tier).
        errors: absolute error bound of each value (0 for exact values; float64: the tier's a-priori bar).
        exact: the exact SymPy value of each mu_k (exact tier), else None.

    >>> r = TierResult("mpmath", (mpmath.mpf(2), mpmath.mpf("0.5")), (mpmath.mpf("1e-20"), mpmath.mpf(0)))
    >>> len(r), float(r[1].value), r.is_exact(1), r.trusted_digits(0)
    (2, 0.5, False, 20)
    """

    tier: str
    values: tuple
    errors: tuple
    exact: tuple | None = None

    def __post_init__(self):
        if self.tier not in TIER_NAMES:
            raise InvalidInput(f"tier must be one of {TIER_NAMES}: {self.tier!r}")
        if len(self.values) != len(self.errors) or (self.exact is not None and len(self.exact) != len(self.values)):
            raise InvalidInput("values, errors and exact must have one entry per degree")

    def __len__(self) -> int:
        return len(self.values)

    def __getitem__(self, k) -> Approx:
        if isinstance(k, slice):
            return [self[j] for j in range(*k.indices(len(self)))]
        return Approx(_mpf(self.values[k]), _mpf(self.errors[k]))

    def __iter__(self):
        return (self[k] for k in range(len(self)))

    def is_exact(self, k: int) -> bool:
        """Whether mu_k is known exactly (an exact-tier SymPy value)."""
        return self.exact is not None and self.exact[k] is not None

    def trusted_digits(self, k: int):
        """Significant digits of mu_k covered by its error bound (None: exact; 0: none trusted)."""
        if self.is_exact(k):
            return None
        return self[k].digits

    def arrays(self):
        """(values, errors) as float64 numpy arrays."""
        import numpy as np

        return (np.array([float(v) for v in self.values]), np.array([float(e) for e in self.errors]))


def _mpf(x):
    """x as an mpf, keeping an mpf's own precision (mpmath.mpf(x) would round it to the current one)."""
    return x if isinstance(x, mpmath.mpf) else mpmath.mpf(x)


def constant_digits(value):
    """Trusted significant digits of a constant: None when it is exact, else a count.

    Exact SymPy numbers (rationals, pi, Gamma values, radicals) are exact. A constant that carries a
    ``sympy.Float`` (a quadrature or bisection value, e.g. the singularity R of a deep erf kernel) is
    trusted to the Float's own precision minus 5 guard digits, the least over its Floats (the rule of
    ``asympt.tables.grid.format_decimal``); a Python float counts as 15 digits. Spectrum values use :meth:`TierResult.trusted_digits` instead.

    >>> import sympy
    >>> constant_digits(sympy.sqrt(2) / sympy.pi) is None, constant_digits(sympy.Float("1.4217842", 35))
    (True, 30)
    """
    import sympy

    if value is None:
        return None
    if isinstance(value, float):
        return 15
    value = sympy.sympify(value)
    floats = list(value.atoms(sympy.Float))
    if not floats:
        return None
    return max(0, min(mpmath.libmp.prec_to_dps(f._prec) for f in floats) - 5)
