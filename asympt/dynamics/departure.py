"""The departure time t_tol of a network from its kernel curve, and its fit in the width.

Measured, not a theorem: t_tol is the first time from which on the network loss and the kernel
loss differ by the relative tolerance (:func:`departure_time`). log t_tol is fitted linearly in
log m and extrapolated, labelled "empirical, extrapolated": through the seed-averaged ratio curves
with a one-standard-error envelope (:func:`fit_departure`), or through single runs with Student-t
intervals (:func:`fit_horizon`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from asympt.core.errors import InvalidInput

__all__ = ["DepartureFit", "HorizonFit", "LABEL", "departure_time", "fit_departure", "fit_horizon"]

#: How every extrapolated t_tol is labelled.
LABEL = "empirical, extrapolated"


def departure_time(ratio, lr: float, tol: float):
    """Time from which on |ratio - 1| >= tol up to the end of the curve (linear interpolation in log t).

    ``ratio`` is L_net / L_kernel at steps 0, 1, ...; None when |ratio - 1| < tol at the last step.
    Earlier excursions that come back below tol are not departures.

    >>> round(departure_time([1.0, 1.05, 1.0, 1.05, 1.15, 1.2], 1.0, 0.1), 4)   # between steps 3 and 4: sqrt(12)
    3.4641
    """
    import numpy as np

    dev = np.abs(np.asarray(ratio, dtype=float) - 1.0)
    if dev[-1] < tol:
        return None
    below = np.nonzero(dev < tol)[0]
    if not below.size:
        return 0.0
    j = int(below[-1])
    if j == 0:
        return float(lr * (tol - dev[0]) / (dev[1] - dev[0]))
    lo, hi = math.log(j), math.log(j + 1)
    frac = float((tol - dev[j]) / (dev[j + 1] - dev[j]))
    return round(lr * math.exp(lo + frac * (hi - lo)), 12)


@dataclass(frozen=True)
class DepartureFit:
    """t_tol(m) ~ exp(c) m^width_exponent through the seed-averaged curves, extrapolated to ``width``.

    ``t_tol_calibrated`` and ``envelope`` (early, late; late None beyond the simulated times) are keyed
    by width; ``t_tol_ci`` is None when no interval is available, ``interval`` says why or how.
    """

    width: int
    t_tol_calibrated: dict
    width_exponent: float
    t_tol: float
    extrapolation_factor: float
    envelope: dict
    t_tol_ci: tuple | None
    interval: str

    def to_dict(self) -> dict:
        return {"t_tol_calibrated": {str(m): t for m, t in self.t_tol_calibrated.items()},
                "width_exponent": self.width_exponent, "t_tol": self.t_tol,
                "extrapolation_factor": self.extrapolation_factor,
                "t_tol_calibrated_envelope": {str(m): list(v) for m, v in self.envelope.items()},
                "t_tol_ci": list(self.t_tol_ci) if self.t_tol_ci else None, "interval": self.interval,
                "label": LABEL}


def _line(ms, ts):
    import numpy as np

    w, c = np.polyfit(np.log(ms), np.log(ts), 1)
    return float(w), float(c)


def fit_departure(runs, lr, tol, target_width) -> DepartureFit:
    """t_tol(m) from the seed-averaged ratio curves, a power law in m through them, and its interval.

    Per width, the ratio L_net/L_kernel is averaged over seeds (the static O(1/sqrt(m)) offsets of the
    initial kernel have random signs and partly cancel) and its departure time is measured
    (:func:`departure_time`); log t_tol is fitted linearly in log m and extrapolated. Interval (a
    one-standard-error envelope): the departure times of |mean - 1| +- se (se = seed spread of the
    ratio / sqrt(S)) at each width, and the extremes over every line through one of them per width.
    With one seed there is no interval. ``runs`` are :class:`asympt.dynamics.simulate.HorizonRun` (width,
    seed, loss and kernel_loss curves are used).
    """
    import itertools

    import numpy as np

    widths = sorted({r.width for r in runs})
    S = len({r.seed for r in runs})
    main, env = {}, {}
    for m in widths:
        sel = np.array([r.loss / r.kernel_loss for r in runs if r.width == m])
        mean = sel.mean(axis=0)
        t = departure_time(mean, lr, tol)
        if t is None or t <= 0:
            continue
        main[m] = t
        if S >= 2:
            se = sel.std(axis=0, ddof=1) / math.sqrt(S)
            dev = np.abs(mean - 1.0)
            early = departure_time(1.0 + dev + se, lr, tol)
            late = departure_time(1.0 + np.maximum(dev - se, 0.0), lr, tol)
            env[m] = (early if early and early > 0 else t, late)    # late None: beyond the simulated times
    if len(main) < 2:
        raise InvalidInput(f"t_tol(m) needs the tolerance reached at two widths or more (reached at {sorted(main)}): "
                           "raise t_max or lower tol")
    ms = list(main)
    w, c = _line(ms, [main[m] for m in ms])
    t0 = math.exp(c + w * math.log(target_width))
    if env and len(env) == len(ms) and all(v[1] is not None for v in env.values()):
        preds = [t0]
        for combo in itertools.product(*[env[m] for m in ms]):
            wi, ci = _line(ms, combo)
            preds.append(math.exp(ci + wi * math.log(target_width)))
        ci, interval = (min(preds), max(preds)), "one-standard-error envelope (seed spread of the ratio curves)"
    else:
        ci = None
        interval = ("none: one seed" if S < 2 else
                    "none: the mean - se curve stays within tol up to t_max at some width (raise t_max)")
    return DepartureFit(width=target_width, t_tol_calibrated=main, width_exponent=w, t_tol=t0,
                        extrapolation_factor=target_width / max(ms), envelope={m: env[m] for m in ms if m in env},
                        t_tol_ci=ci, interval=interval)


@dataclass(frozen=True)
class HorizonFit:
    """Least-squares fit log t_tol = c + q log m over single runs, extrapolated (see :func:`fit_horizon`)."""

    q: float
    q_ci: tuple
    t_tol: float
    t_tol_ci: tuple
    t_tol_prediction_interval: tuple
    level: float
    runs: int
    dof: int
    residual_sd_log: float | None
    extrapolation_factor: float

    def to_dict(self) -> dict:
        return {"q": self.q, "q_ci": list(self.q_ci), "t_tol": self.t_tol, "t_tol_ci": list(self.t_tol_ci),
                "t_tol_prediction_interval": list(self.t_tol_prediction_interval), "level": self.level,
                "runs": self.runs, "dof": self.dof, "residual_sd_log": self.residual_sd_log,
                "extrapolation_factor": self.extrapolation_factor, "label": LABEL}


def fit_horizon(widths, t_tols, target_width, level: float = 0.95) -> HorizonFit:
    """Least-squares fit log t_tol = c + q log m over all runs; extrapolation to ``target_width``.

    Returns q with its ``level`` confidence interval (Student t, n - 2 degrees of freedom) and the
    extrapolated t_tol with the confidence interval of the fitted mean and the prediction interval of
    one new run. Needs at least two distinct widths and three runs.

    >>> out = fit_horizon([100, 100, 400, 400], [10.0, 12.0, 20.0, 24.0], 1600)
    >>> round(out.q, 3), round(out.t_tol, 1)                  # doubling per 4x width: q = 1/2
    (0.5, 43.8)
    """
    import numpy as np
    from scipy import stats

    pts = [(float(m), float(t)) for m, t in zip(widths, t_tols) if t is not None and t > 0]
    if len({m for m, _ in pts}) < 2 or len(pts) < 3:
        raise InvalidInput("the fit of t_tol(m) needs t_tol at two widths or more and three runs or more "
                           f"(got {len(pts)} runs reaching the tolerance)")
    x = np.log([m for m, _ in pts])
    yv = np.log([t for _, t in pts])
    n = len(x)
    xm = x.mean()
    sxx = float(((x - xm) ** 2).sum())
    q = float(((x - xm) * (yv - yv.mean())).sum() / sxx)
    c = float(yv.mean() - q * xm)
    res = yv - (c + q * x)
    dof = n - 2
    s2 = float((res**2).sum() / dof) if dof > 0 else float("nan")
    tq = float(stats.t.ppf(0.5 + level / 2, dof)) if dof > 0 else float("inf")
    x0 = math.log(target_width)
    se_q = math.sqrt(s2 / sxx) if dof > 0 else float("inf")
    se_mean = math.sqrt(s2 * (1 / n + (x0 - xm) ** 2 / sxx)) if dof > 0 else float("inf")
    se_pred = math.sqrt(s2 * (1 + 1 / n + (x0 - xm) ** 2 / sxx)) if dof > 0 else float("inf")
    y0 = c + q * x0
    return HorizonFit(q=q, q_ci=(q - tq * se_q, q + tq * se_q), t_tol=math.exp(y0),
                      t_tol_ci=(math.exp(y0 - tq * se_mean), math.exp(y0 + tq * se_mean)),
                      t_tol_prediction_interval=(math.exp(y0 - tq * se_pred), math.exp(y0 + tq * se_pred)),
                      level=level, runs=n, dof=dof, residual_sd_log=math.sqrt(s2) if dof > 0 else None,
                      extrapolation_factor=target_width / max(m for m, _ in pts))
