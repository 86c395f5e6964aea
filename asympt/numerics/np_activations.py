"""Activations and their derivatives as vectorized numpy functions, for the finite networks of the checks.

Part of the independent (measured) side: numpy, scipy.special and the standard library only, never
sympy and never the formula side. :data:`ACTIVATIONS` maps a name to (phi, phi'); families with a
parameter ("relu^a", "leaky_relu:SLOPE") are reached through :func:`get_activation`. The same names as
asympt's activations (leaky_relu's default slope 1/100, GELU exact x Phi(x)), typed in again on purpose:
asympt.kernels.activations holds SymPy expressions for the formula side, and this deliberate independent
copy keeps the Monte Carlo checks from sharing any code with what they check.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Callable

import numpy as np
from scipy import special

__all__ = ["ACTIVATIONS", "get_activation"]

Array = np.ndarray


def _relu(x):
    return np.maximum(x, 0.0)


def _step(x):
    return (x > 0).astype(float)           # Heaviside with H(0) = 0, as asympt's step


def _zero(x):
    return np.zeros_like(x, dtype=float)   # derivative of step: 0 almost everywhere


def _power(a: float):
    """x_+^a and its derivative a x_+^(a-1) (0 for x <= 0); a = 0 is the step, a = 1 the ReLU."""
    if a == 0:
        return _step, _zero
    if a == 1:
        return _relu, _step

    def phi(x):
        pos = x > 0
        return np.where(pos, np.where(pos, x, 1.0) ** a, 0.0)

    def dphi(x):
        pos = x > 0
        return np.where(pos, a * np.where(pos, x, 1.0) ** (a - 1), 0.0)

    return phi, dphi


def _leaky(slope: float):
    return (lambda x: np.where(x > 0, x, slope * x),
            lambda x: np.where(x > 0, 1.0, slope))


_SQRT_2 = math.sqrt(2.0)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


def _gelu(x):                          # exact GELU x Phi(x), as asympt's gelu
    return 0.5 * x * (1.0 + special.erf(x / _SQRT_2))


def _dgelu(x):
    return 0.5 * (1.0 + special.erf(x / _SQRT_2)) + x * _INV_SQRT_2PI * np.exp(-0.5 * x * x)


def _silu(x):
    return x * special.expit(x)


def _dsilu(x):
    s = special.expit(x)
    return s * (1.0 + x * (1.0 - s))


def _dsigmoid(x):
    s = special.expit(x)
    return s * (1.0 - s)


#: name -> (phi, phi'), vectorized numpy functions. Families with a parameter are reached through
#: :func:`get_activation` ("relu^a", "leaky_relu:SLOPE").
ACTIVATIONS: dict[str, tuple[Callable[[Array], Array], Callable[[Array], Array]]] = {
    "relu": (_relu, _step),
    "step": (_step, _zero),
    "relu2": _power(2.0),
    "relu3": _power(3.0),
    "leaky_relu": _leaky(0.01),        # default slope 1/100, as asympt's leaky_relu
    "abs": (np.abs, lambda x: np.sign(x).astype(float)),
    "identity": (lambda x: np.asarray(x, dtype=float), lambda x: np.ones_like(x, dtype=float)),
    "erf": (special.erf, lambda x: _TWO_OVER_SQRT_PI * np.exp(-x * x)),
    "tanh": (np.tanh, lambda x: 1.0 - np.tanh(x) ** 2),
    "sin": (np.sin, np.cos),
    "cos": (np.cos, lambda x: -np.sin(x)),
    "gelu": (_gelu, _dgelu),
    "silu": (_silu, _dsilu),
    "sigmoid": (special.expit, _dsigmoid),
    "softplus": (lambda x: np.logaddexp(0.0, x), special.expit),
}


def _number(text: str, what: str) -> float:
    try:
        return float(Fraction(text.strip()))
    except (ValueError, ZeroDivisionError):
        raise ValueError(f"{what} must be a number like 1.5 or 3/2: {text!r}") from None


def get_activation(name: str, slope: float | None = None, power: float | None = None):
    """Return ``(phi, dphi)`` for an activation name.

    Args:
        name: a key of :data:`ACTIVATIONS`, ``"relu^A"`` (A a number or p/q, e.g. ``"relu^3/2"``)
            or ``"leaky_relu:SLOPE"``.
        slope: negative-side slope of ``"leaky_relu"`` (default 0.01).
        power: exponent a of ``"relu"`` / ``"relu^a"`` / ``"power"``: phi = x_+^a, phi' = a x_+^(a-1);
            a must exceed -1/2 (else E[phi(z)^2] is infinite); a = 0 gives the step.

    Raises:
        ValueError: unknown name, or an argument that does not apply to it.

    >>> phi, dphi = get_activation("relu^3/2")
    >>> phi(np.array([-1.0, 4.0])), dphi(np.array([-1.0, 4.0]))     # 4^1.5 = 8, 1.5 * 4^0.5 = 3
    (array([0., 8.]), array([0., 3.]))
    """
    if not isinstance(name, str):
        raise ValueError(f"activation must be a name (str): {name!r}")
    key = name.strip().lower()
    if key.startswith("relu^") or key.startswith("relu**"):
        if power is not None:
            raise ValueError(f"activation {name!r} already names its power; do not also pass power={power!r}")
        power = _number(key.split("^", 1)[1] if "^" in key else key.split("**", 1)[1], "exponent a of relu^a")
        key = "power"
    if key.startswith("leaky_relu:"):
        if slope is not None:
            raise ValueError(f"activation {name!r} already names its slope; do not also pass slope={slope!r}")
        slope = _number(key.split(":", 1)[1], "leaky_relu slope")
        key = "leaky_relu"
    if power is not None:
        if key not in ("relu", "power", "relu^a"):
            raise ValueError(f"power applies to the relu^a family only, not to activation {name!r}")
        if not math.isfinite(power) or power <= -0.5:
            raise ValueError(f"power a of relu^a must be a finite number > -1/2: {power!r}")
        return _power(float(power))
    if slope is not None:
        if key != "leaky_relu":
            raise ValueError(f"slope applies to leaky_relu only, not to activation {name!r}")
        if not math.isfinite(slope):
            raise ValueError(f"leaky_relu slope must be finite: {slope!r}")
        return _leaky(float(slope))
    if key not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, 'relu^A' or "
                         f"'leaky_relu:SLOPE': {name!r}")
    return ACTIVATIONS[key]
