"""The one error family of asympt.

Every error raised on purpose derives from :class:`AsymptError`; the CLI turns each into a
one-line ``Error: ...`` message and a non-zero exit, never a traceback.
"""

from __future__ import annotations

__all__ = ["AsymptError", "InvalidInput", "NotSupported", "PrecisionLost", "RegimeNotReached"]


class AsymptError(Exception):
    """Every error asympt raises on purpose."""


class InvalidInput(AsymptError, ValueError):
    """Bad argument: the message names the argument, the rule and the value."""


class NotSupported(AsymptError):
    """A well-formed request that asympt cannot treat (the message says which part and why)."""


class PrecisionLost(AsymptError):
    """The requested digits could not be delivered at the allowed working precision."""


class RegimeNotReached(AsymptError):
    """An asymptotic claim beyond what the numbers verified."""


def check_int(name: str, value, minimum: int | None = None, maximum: int | None = None) -> int:
    """Validate an integer argument and return it.

    >>> check_int("dim", 3, minimum=2)
    3
    >>> check_int("dim", 1, minimum=2)
    Traceback (most recent call last):
    ...
    asympt.core.errors.InvalidInput: dim must be an integer >= 2: 1
    """
    if isinstance(value, bool) or not isinstance(value, int):
        try:
            import numpy as np  # noqa: PLC0415

            if isinstance(value, np.integer):
                value = int(value)
            else:
                raise TypeError
        except (ImportError, TypeError):
            raise InvalidInput(f"{name} must be an integer: {value!r}") from None
    if minimum is not None and value < minimum:
        raise InvalidInput(f"{name} must be an integer >= {minimum}: {value!r}")
    if maximum is not None and value > maximum:
        raise InvalidInput(f"{name} must be an integer <= {maximum}: {value!r}")
    return value
