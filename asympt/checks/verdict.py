"""The verdict policy of ``asympt check``: how a tolerance is built and when a row fails.

The rule (every sampled-data comparison)
---------------------------------------
A statistic v (a fitted exponent, a degree-block mean, L_N(t) / L(t) - 1) is measured on the N sampled
points (v_N), on the two disjoint halves (h_1, h_2) and on the four disjoint quarters (q_1..q_4; quarters
1-2 lie in half 1). Nothing else enters the interval below: no predicted, exact or measured-minus-exact
value, so rescaling or replacing the measured side moves the interval with the measurement and does not
widen it.

1. **Spread.** sigma^2 = [sum (q_j - mean q)^2 / 4 + sum (h_j - mean h)^2 / 2] / dof, dof = 3 + 1 = 4 (the
   quarters' and halves' sample variances scaled to N as 1/size and pooled).
2. **Finite-N bias bracket.** With a bias b N^-p of unknown size, p >= 1/2 (no slower than the
   subsample noise), and t2 = mean h - v_N the trend from N/2 to N, the limit lies between v_N (p large)
   and v_N - t2 / (2^(1/2) - 1) (p = 1/2) when the two trends t1 = mean q - mean h and t2 have the same sign
   (a monotone approach). Otherwise the direction is unknown and the bracket is v_N +- |t2| / (2^(1/2) - 1).
3. **Noise of the bracket.** An end v_N - c t2 has variance (1 + c)^2 sigma^2 + c^2 sigma^2 - 2 c (1 + c)
   cov(v_N, mean h) <= ((1 + c)^2 + c^2) sigma^2 when the full sample and its halves are not negatively
   correlated (they share every point); each end is widened by z sigma sqrt((1 + c)^2 + c^2).
4. **Family-wise level.** z is the Student-t quantile with dof degrees of freedom at 1 - alpha / (2 m),
   alpha = 0.05 and m the number of statistical comparisons the run makes (Bonferroni: up to 4 block
   means and nu for the spectrum group, 3 loss times and xi for the loss group, the NTK slope interval
   for the finite-width group). The correct prediction then fails on *any* row with probability <= 5 %
   (given the bias model of 2), not 5 % per row.
5. **Exact-side error** (exponent rows): how far the exact fit still moves between its two farthest
   windows is added to both ends.

The row passes when the prediction lies in the interval; the tolerance shown is the interval's
distance from v_N on each side.

High-precision and finite-width rows have their own independent error estimates (see
:func:`richardson_1k`, :func:`slope_interval` and :mod:`asympt.checks.highprec`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["ALPHA", "C_SLOW", "Interval", "family_size", "limit_interval", "quantile", "richardson_1k",
           "slope_interval"]

ALPHA = 0.05  # family-wise false-failure level of one run
C_SLOW = 1.0 / (math.sqrt(2.0) - 1.0)  # remaining bias / t2 at the slowest rate p = 1/2 (geometric tail)
GROUP_COMPARISONS = {"spectrum": 5, "loss": 4, "finite-width": 1}


def family_size(groups) -> int:
    """m of rule 4: the statistical comparisons a run of these check groups can make (at least 1)."""
    return max(1, sum(GROUP_COMPARISONS.get(g, 0) for g in groups))


def quantile(dof: int, m: int, alpha: float = ALPHA) -> float:
    """Two-sided Student-t quantile at level alpha / m (rule 4)."""
    from scipy import stats

    return float(stats.t.ppf(1 - alpha / (2 * m), dof))


@dataclass(frozen=True)
class Interval:
    """Where the limit of a statistic lies (rules 1-5): [lo, hi], with the parts it is built from."""

    value: float  # v_N
    lo: float
    hi: float
    sigma: float
    dof: int
    z: float
    trend: tuple  # (t1, t2)
    monotone: bool
    extra: float  # exact-side error added to both ends
    m: int  # family size (rule 4)

    @property
    def finite(self) -> bool:
        return math.isfinite(self.lo) and math.isfinite(self.hi)

    def contains(self, centre: float) -> bool:
        return self.finite and self.lo <= centre <= self.hi

    def verdict(self, centre: float) -> str:
        if not (self.finite and math.isfinite(centre)):
            return "skip"
        return "pass" if self.contains(centre) else "fail"

    @property
    def below(self) -> float:
        """Tolerance below v_N (v_N - lo)."""
        return self.value - self.lo

    @property
    def above(self) -> float:
        """Tolerance above v_N (hi - v_N)."""
        return self.hi - self.value

    def parts(self) -> dict:
        return {"interval": [self.lo, self.hi], "sigma": self.sigma, "dof": self.dof, "z": self.z,
                "trend": list(self.trend), "monotone": self.monotone, "exact_error": self.extra, "family_size": self.m,
                "tolerance_below": self.below, "tolerance_above": self.above}


def limit_interval(full: float, halves, quarters, m: int, extra: float = 0.0) -> Interval:
    """Interval of rules 1-5 from the statistic on N, its two halves and four quarters (NaN ends when
    fewer than two quarters and one half gave a finite value)."""
    import numpy as np

    h = np.asarray([v for v in halves if math.isfinite(v)], dtype=float)
    q = np.asarray([v for v in quarters if math.isfinite(v)], dtype=float)
    nan = float("nan")
    if q.size < 2 or h.size < 1 or not math.isfinite(full):
        return Interval(full, nan, nan, nan, 0, nan, (nan, nan), False, extra, m)
    ss, dof = float(np.sum((q - q.mean()) ** 2)) / 4, q.size - 1
    if h.size >= 2:
        ss += float(np.sum((h - h.mean()) ** 2)) / 2
        dof += h.size - 1
    sigma = math.sqrt(ss / dof)
    t2 = float(h.mean()) - full
    t1 = float(q.mean() - h.mean())
    z = quantile(dof, m)
    far = math.sqrt((1 + C_SLOW) ** 2 + C_SLOW ** 2)  # rule 3 at c = C_SLOW
    monotone = t1 * t2 > 0
    if monotone:  # ends v_N (c = 0, noise sigma) and v_N - C_SLOW t2 (noise far * sigma)
        ends = sorted([(full, 1.0), (full - C_SLOW * t2, far)])
    else:
        ends = [(full - C_SLOW * abs(t2), far), (full + C_SLOW * abs(t2), far)]
    lo = ends[0][0] - z * sigma * ends[0][1] - extra
    hi = ends[1][0] + z * sigma * ends[1][1] + extra
    return Interval(full, lo, hi, sigma, dof, z, (t1, t2), monotone, extra, m)


def slope_interval(widths, values, m: int = 1):
    """Per-seed log-log slopes of ``values`` (shape widths x seeds) against the widths, their mean and
    Student-t intervals: returns (mean, (lo, hi) two-sided at level 1 - ALPHA / m, one-sided upper 95 %
    bound, per-seed slopes)."""
    import numpy as np
    from scipy import stats

    logw = np.log(np.asarray(widths, dtype=float))
    vals = np.asarray(values, dtype=float)
    slopes = np.array([np.polyfit(logw, np.log(vals[:, s]), 1)[0] for s in range(vals.shape[1])])
    S = slopes.size
    mean = float(slopes.mean())
    se = float(slopes.std(ddof=1)) / math.sqrt(S)
    two = quantile(S - 1, m) * se
    one = float(stats.t.ppf(0.95, S - 1)) * se
    return mean, (mean - two, mean + two), mean + one, slopes.tolist()


def richardson_1k(points):
    """Limits of r(k) = r_inf + c/k + O(1/k^2) from consecutive pairs (k1, r1), (k2, r2):
    (k2 r2 - k1 r1) / (k2 - k1).

    >>> richardson_1k([(10, 1 + 3 / 10), (20, 1 + 3 / 20)])
    [1.0]
    """
    return [(k2 * r2 - k1 * r1) / (k2 - k1) for (k1, r1), (k2, r2) in zip(points, points[1:])]
