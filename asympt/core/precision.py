"""Numbers that carry their precision.

:class:`Approx` is a value with an absolute error bound; ``str()`` prints only the digits the
bound covers (an exact zero prints as ``0``). :func:`evaluate_twice` estimates the rounding error
of an mpmath computation by running it at two precisions (this catches rounding and cancellation,
not truncation, which needs its own bound).
"""

from __future__ import annotations

from dataclasses import dataclass

import mpmath

__all__ = ["Approx", "evaluate_twice", "format_sig"]


@dataclass(frozen=True)
class Approx:
    """value +- abs_error (abs_error == 0 means exact)."""

    value: mpmath.mpf
    abs_error: mpmath.mpf

    @property
    def digits(self) -> int:
        """Number of correct significant digits (capped at 60; 60 for exact values)."""
        v, e = abs(mpmath.mpf(self.value)), abs(mpmath.mpf(self.abs_error))
        if e == 0:
            return 60
        if v == 0:
            return 0
        return max(0, min(60, int(mpmath.floor(mpmath.log10(v / e)))))

    def __float__(self):
        return float(self.value)

    def __str__(self):
        return format_sig(self.value, self.abs_error)

    def to_json(self) -> dict:
        return {"value": str(self), "abs_error": mpmath.nstr(self.abs_error, 3)}


def format_sig(value, abs_error=None, max_digits: int = 15) -> str:
    """Format ``value`` with only the significant digits covered by ``abs_error``.

    >>> format_sig(mpmath.mpf(1) / 3, mpmath.mpf("1e-6"))
    '0.33333'
    >>> format_sig(mpmath.mpf(0), mpmath.mpf(0))
    '0'
    """
    value = mpmath.mpf(value)
    if abs_error is None:
        digits = max_digits
    else:
        abs_error = abs(mpmath.mpf(abs_error))
        if value == 0:
            return "0" if abs_error == 0 else f"0 +- {mpmath.nstr(abs_error, 2)}"
        if abs_error == 0:
            digits = max_digits
        else:
            digits = int(mpmath.floor(mpmath.log10(abs(value) / abs_error)))
            if digits < 1:
                return f"{mpmath.nstr(value, 2)} (no digit certain; error {mpmath.nstr(abs_error, 2)})"
            digits = min(digits, max_digits)
    if value == 0:
        return "0"
    return mpmath.nstr(value, digits, strip_zeros=False, min_fixed=-4, max_fixed=6)


def evaluate_twice(f, dps: int, guard: int = 10) -> Approx:
    """Run ``f()`` at dps and dps + guard digits; the difference bounds the rounding error."""
    with mpmath.workdps(dps + guard):
        ref = +f()
        with mpmath.workdps(dps):
            low = +f()
        err = abs(ref - low)
    return Approx(ref, err)
