"""Width-1 linear case in closed form: the test risk of gradient descent as a Marchenko-Pastur integral.

Model: n samples x_i with i.i.d. entries of variance 1/d, delta = n/d, y = <x, mu*> + sigma xi, and GD
w_(t+1) = w_t - eta X^T (X w_t - y) from w_0. With e_t = w_t - mu* and A = X^T X,

    e_t = (I - eta A)^t e_0 + A^(-1) (I - (I - eta A)^t) X^T xi sigma,

and the test risk sigma^2 + ||e_t||^2 / d tends (d -> oo, e_0 independent of X) to

    R(t) = sigma^2 + s2 B(t) + sigma^2 V(t),
    B(t) = int (1 - eta l)^(2t) nu(dl),     V(t) = int (1 - (1 - eta l)^t)^2 / l nu(dl),

with s2 = ||e_0||^2 / d and nu the Marchenko-Pastur law of A: density sqrt((l+ - l)(l - l-)) / (2 pi l)
on [l-, l+] = [(sqrt(delta) - 1)^2, (sqrt(delta) + 1)^2] plus an atom 1 - delta at 0 when delta < 1
(directions GD never moves: they stay in B). (Marchenko & Pastur 1967; the GD form as in Ali, Kolter &
Tibshirani 2019 for gradient flow.) The integrals are computed with mpmath after l = (1 + delta) +
2 sqrt(delta) cos(phi), which turns nu(dl) into 2 delta sin(phi)^2 / (pi l) dphi (smooth even at
delta = 1, where l- = 0), with breakpoints at l - l- = 2^k / (eta t) where the integrand varies.

Large-time laws at delta = 1 (derived in the package docs, checked by quadrature in the tests):
near 0 the density is 1 / (pi sqrt(l)) (1 - l/8 + ...), so for eta t -> oo

    B(t) = (2 pi eta t)^(-1/2) (1 - 1/(32 eta t) - 3/(16 t) + ...),
    V(t) = (2 (2 - sqrt 2) / sqrt(pi)) (eta t)^(1/2) - 1/2 + o(1).

For delta != 1 both parts converge exponentially: B -> max(0, 1 - delta), V -> 1/(delta - 1) for
delta > 1 and delta / (1 - delta) for delta < 1 (the ridgeless limit).
"""

from __future__ import annotations

from dataclasses import dataclass

import mpmath

from asympt.core.errors import InvalidInput, check_int
from asympt.core.precision import Approx

__all__ = ["LinearRisk", "large_time_laws", "linear_gd_risk", "stability_bound"]


@dataclass(frozen=True)
class LinearRisk:
    """Closed-form risk curve: per step t the bias part B(t), the noise part V(t) and
    R(t) = sigma^2 + s2 B(t) + sigma^2 V(t), each an :class:`~asympt.core.precision.Approx`."""

    delta: float
    lr: float
    noise2: float
    signal2: float
    steps: tuple
    bias: tuple
    variance: tuple
    risk: tuple

    def to_json(self) -> dict:
        return {"delta": self.delta, "lr": self.lr, "noise2": self.noise2, "signal2": self.signal2,
                "rows": [{"t": t, "bias": b.to_json(), "variance": v.to_json(), "risk": r.to_json()}
                         for t, b, v, r in zip(self.steps, self.bias, self.variance, self.risk)]}


def stability_bound(delta: float) -> float:
    """eta < 2 / l+ = 2 / (1 + sqrt(delta))^2: the largest eigenvalue of X^T X in the limit."""
    return 2.0 / (1.0 + delta ** 0.5) ** 2


def _parts(delta, eta, t):
    """(B(t), V(t), error estimate) at the current mpmath precision."""
    delta, eta = mpmath.mpf(delta), mpmath.mpf(eta)
    c, r = 1 + delta, 2 * mpmath.sqrt(delta)
    lminus = (mpmath.sqrt(delta) - 1) ** 2

    def lam(phi):
        return c + r * mpmath.cos(phi)

    def weight(phi):                   # nu(dl)/dphi on the continuous part
        if delta == 1:                 # l = 2 (1 + cos phi): the 1/l of the density cancels exactly
            return (1 - mpmath.cos(phi)) / mpmath.pi
        return 2 * delta * mpmath.sin(phi) ** 2 / (mpmath.pi * lam(phi))

    def fb(phi):
        return (1 - eta * lam(phi)) ** (2 * t) * weight(phi)

    def fv(phi):
        lv = lam(phi)
        if lv == 0:
            return mpmath.mpf(0)
        return (1 - (1 - eta * lv) ** t) ** 2 / lv * weight(phi)

    pts = [mpmath.mpf(0)]
    if t > 0:
        k = 0
        while True:
            lv = lminus + mpmath.mpf(2) ** k / (eta * t)
            if lv >= c + r:
                break
            pts.append(mpmath.acos((lv - c) / r))
            k += 1
    pts.append(mpmath.pi)
    pts = sorted(set(pts))
    b, eb = mpmath.quad(fb, pts, error=True)
    v, ev = mpmath.quad(fv, pts, error=True)
    if delta < 1:
        b += 1 - delta
    return b, v, max(eb, ev)


def linear_gd_risk(delta: float, lr: float, noise2: float, signal2: float, steps, dps: int = 15) -> LinearRisk:
    """The closed-form risk curve R(t) of width-1 linear GD at the requested steps.

    Args:
        delta: n / d (> 0).
        lr: step eta on the summed loss; must be below 2 / (1 + sqrt(delta))^2.
        noise2: sigma^2. signal2: ||w_0 - mu*||^2 / d.
        steps: iterable of non-negative integer steps t.
        dps: decimal digits; each value carries max(quadrature error estimate, difference between
            dps and dps + 10) as its error.

    >>> r = linear_gd_risk(1.5, 0.1, 0.25, 1.0, [0])
    >>> str(r.risk[0])                 # at t = 0: sigma^2 + s2
    '1.25000000000000'
    """
    for name, v in (("delta", delta), ("lr", lr), ("noise2", noise2), ("signal2", signal2)):
        if not (isinstance(v, (int, float)) and mpmath.isfinite(v)) or v < 0:
            raise InvalidInput(f"{name} must be a finite number >= 0: {v!r}")
    if delta <= 0 or lr <= 0:
        raise InvalidInput(f"delta and lr must be > 0: delta = {delta!r}, lr = {lr!r}")
    if lr >= stability_bound(delta):
        raise InvalidInput(f"lr must be below the stability bound 2/(1+sqrt(delta))^2 = {stability_bound(delta):.6g}: "
                           f"{lr!r}")
    dps = check_int("dps", dps, 5, 200)
    steps = tuple(check_int("step", t, 0) for t in steps)
    bias, var, risk = [], [], []
    for t in steps:
        with mpmath.workdps(dps + 10):
            b_hi, v_hi, e_hi = _parts(delta, lr, t)
            with mpmath.workdps(dps):
                b_lo, v_lo, _ = _parts(delta, lr, t)
            eb = abs(b_hi - b_lo) + e_hi
            ev = abs(v_hi - v_lo) + e_hi
            s2, n2 = mpmath.mpf(signal2), mpmath.mpf(noise2)
            R = n2 + s2 * b_hi + n2 * v_hi
            bias.append(Approx(+b_hi, eb))
            var.append(Approx(+v_hi, ev))
            risk.append(Approx(R, s2 * eb + n2 * ev))
    return LinearRisk(float(delta), float(lr), float(noise2), float(signal2), steps, tuple(bias), tuple(var),
                      tuple(risk))


def large_time_laws():
    """Exact constants of the large-time laws at delta = n/d = 1 (SymPy expressions in eta t).

    Returns a dict: ``bias_coeff`` c_B with B(t) ~ c_B (eta t)^(-1/2); ``bias_next`` the relative
    corrections; ``noise_coeff`` c_V with V(t) ~ c_V (eta t)^(1/2); ``noise_offset`` the constant
    next term of V.

    >>> laws = large_time_laws()
    >>> laws["bias_coeff"], laws["noise_offset"]
    (sqrt(2)/(2*sqrt(pi)), -1/2)
    >>> round(float(laws["noise_coeff"]), 4)
    0.661
    """
    import sympy

    eta, t = sympy.symbols("eta t", positive=True)
    return {
        "bias_coeff": 1 / sympy.sqrt(2 * sympy.pi),
        "bias_next": -1 / (32 * eta * t) - sympy.Rational(3, 16) / t,
        "noise_coeff": 2 * (2 - sympy.sqrt(2)) / sympy.sqrt(sympy.pi),
        "noise_offset": sympy.Rational(-1, 2),
        "eta": eta,
        "t": t,
    }
