"""How long does a finite network follow the kernel law? The whole analysis behind `asympt horizon`.

Formula side: the exact weight displacement of every layer in the kernel regime
(:mod:`asympt.dynamics.displacement`) and the kernel's loss curve on the population. Measured side:
two-layer networks of small widths trained on the same data as their infinite-width kernel
(:mod:`asympt.dynamics.simulate`); t_tol is the first time at which the network loss and the kernel
loss differ by the relative tolerance, fitted in the width and extrapolated, labelled "empirical,
extrapolated" (:mod:`asympt.dynamics.departure`). Beside it, the width scalings that theories
suggest: an O(1/m) change of the tangent kernel during training (Dyer & Gur-Ari 2019; Huang & Yau
2020, the neural tangent hierarchy) and O(1/sqrt(m)) fluctuations of the kernel at initialisation
(Bordelon & Pehlevan 2023); both are turned into t_tol(m) by rescaling the smallest width's measured
deviation curve. Bowman & Montufar (2022, damped deviations) predict that the deviation is
concentrated on the small-eigenvalue directions; the deviation per eigenvalue band is measured at t_tol.

:func:`horizon` returns a :class:`Horizon` at full precision; :func:`check_rows` gives the rows of
``asympt check --only horizon``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from asympt.core.errors import InvalidInput, check_int

from .common import check_float, check_tol, resolve_target, teacher_kind, trainer_scales
from .datakernel import DataKernel
from .departure import LABEL, DepartureFit, HorizonFit, departure_time, fit_departure, fit_horizon
from .displacement import Displacement, displacement, layer_kernels, onset, population_curve
from .simulate import HorizonSimulation, memory_estimate, simulate_horizon, static_departure

__all__ = ["DataKernel", "Horizon", "check_rows", "departure_time", "displacement", "fit_departure", "fit_horizon",
           "horizon", "layer_kernels", "memory_estimate", "simulate_horizon", "static_departure"]

ONSET_RULE = "first t with local exponent within 20 % of xi (exact curve)"


@dataclass(frozen=True, eq=False)
class Horizon:
    """Everything `asympt horizon` reports, at full precision (see :func:`horizon`).

    ``law`` holds the kernel law's exact kind, xi, C and L_inf as text; ``population_curve`` pairs
    (t, L(t)); ``t_on`` the onset of the power law on the exact curve. With a simulation:
    ``kernel_curve`` rows (t, kernel loss on the data, population loss, network losses per width),
    ``per_width`` summaries, the two fits (or the reason they failed, a string), the theory scalings,
    the static (initialisation) part and the visible decades, as JSON-ready dicts of floats.
    """

    dim: int
    kernel: str
    target: str
    width: int
    tol: float
    lr: float
    t_max: float
    law: dict
    displacement: Displacement = field(repr=False)
    population_curve: tuple = field(repr=False)
    t_on: float | None = None
    simulation: HorizonSimulation | None = field(default=None, repr=False)
    kernel_curve: tuple = field(default=(), repr=False)
    per_width: tuple = field(default=(), repr=False)
    fit_single_runs: HorizonFit | str | None = None
    fit: DepartureFit | str | None = None
    theory: dict = field(default_factory=dict, repr=False)
    decades: dict = field(default_factory=dict, repr=False)

    def to_dict(self) -> dict:
        """The JSON structure of `asympt horizon --json` (floats at full precision)."""
        out = {"dim": self.dim, "kernel": self.kernel, "target": self.target, "width": self.width, "tol": self.tol,
               "lr": self.lr, "t_max": self.t_max, "law": dict(self.law), "displacement": self.displacement.to_dict(),
               "population_curve": [{"t": t, "L": L} for t, L in self.population_curve],
               "onset": {"t_on": self.t_on, "rule": ONSET_RULE}}
        if self.simulation is None:
            return out
        sim = self.simulation
        out["simulation"] = {"widths": list(sim.widths), "samples": sim.samples, "seeds": sim.seeds,
                             "seed": sim.seed, "steps": sim.steps, "t_max": sim.t_max}
        out["kernel_curve"] = [dict(r) for r in self.kernel_curve]
        out["widths"] = [dict(r) for r in self.per_width]
        out["fit_single_runs"] = _fit_dict(self.fit_single_runs)
        out["fit"] = _fit_dict(self.fit)
        out["theory"] = dict(self.theory)
        out["decades"] = dict(self.decades)
        return out


def _fit_dict(fit) -> dict:
    return {"error": fit, "label": LABEL} if isinstance(fit, str) else fit.to_dict()


def _attempt(fn, *args):
    """fn(*args), or the message of the InvalidInput it raised (a fit that cannot be made is reported)."""
    try:
        return fn(*args)
    except InvalidInput as err:
        return str(err)


def horizon(kernel, dim: int, target, *, width: int, tol: float = 0.1, calibrate=(250, 1000), samples: int = 1000,
            seeds: int = 2, seed: int = 0, lr: float | None = None, t_max: float = 400.0, progress=None) -> Horizon:
    """Predicted displacement, measured departure time t_tol(m) and its extrapolation to ``width``.

    See the module docstring. ``calibrate`` lists the small widths that are trained (empty: formula
    side only). The extrapolated t_tol is labelled "empirical, extrapolated".
    """
    import numpy as np

    from asympt.kernels.kernel import check_kernel
    from asympt.laws.loss import loss_law

    kernel = check_kernel(kernel)
    dim = check_int("dim", dim, minimum=2, maximum=1000)
    width = check_int("width", width, minimum=2, maximum=10**9)
    target = resolve_target(kernel, target)
    tol = check_tol(tol)
    t_max = check_float("t_max", t_max)
    if t_max > 1e5:
        raise InvalidInput(f"t_max must be <= 1e5: {t_max}")
    if calibrate:                                   # refuse what cannot be simulated before computing anything
        trainer_scales(kernel)
        teacher_kind(target)
    lr = 1.0 / float(kernel.value_at_one) if lr is None else check_float("lr", lr)
    law = loss_law(kernel, dim, target)
    times = sorted({t_max * f for f in (0.01, 0.03, 0.1, 0.3, 1.0)})
    disp = displacement(kernel, dim, target, times, lr=lr, widths=sorted({*calibrate, width}))
    pop = population_curve(kernel, dim, target, lr)
    base = dict(dim=dim, kernel=kernel.network.describe(), target=target.describe(), width=width, tol=tol, lr=lr,
                t_max=t_max, law={"kind": law.kind, "xi": None if law.xi is None else str(law.xi),
                                  "C": None if law.C is None else str(law.C), "L_inf": str(law.L_inf)},
                displacement=disp, population_curve=tuple((t, pop(t)) for t in times), t_on=onset(pop, law))
    if not calibrate:
        return Horizon(**base)
    sim = simulate_horizon(kernel, dim, target, calibrate, samples=samples, seeds=seeds, seed=seed, lr=lr,
                           t_max=t_max, tol=tol, record_times=times, progress=progress)
    grid = sorted({0} | {min(sim.steps, int(round(t / lr))) for t in times})
    runs = sim.runs
    kcurve = np.mean([r.kernel_loss for r in sim.at_width(runs[0].width)], axis=0)
    kernel_curve = tuple({"t": s * lr, "L_kernel_on_data": float(kcurve[s]), "L_population": pop(s * lr),
                          **{f"L_net_m{m}": float(np.mean([r.loss[s] for r in sim.at_width(m)])) for m in sim.widths}}
                         for s in grid)
    fit = _attempt(fit_departure, runs, lr, tol, width)
    theory = _theory_scalings(sim, fit, width)
    theory["static"] = _static_rows(kernel, dim, target, sim, width, t_max, fit, progress)
    return Horizon(**base, simulation=sim, kernel_curve=kernel_curve, per_width=tuple(_per_width(sim)),
                   fit_single_runs=_attempt(fit_horizon, [r.width for r in runs], [r.t_tol for r in runs], width),
                   fit=fit, theory=theory,
                   decades=_decades(base["t_on"], None if isinstance(fit, str) else fit.t_tol, sim))


def _per_width(sim: HorizonSimulation):
    """Per width: t_tol per seed, their geometric mean, the deviation at t_max, displacements, bands."""
    import numpy as np

    lr = sim.lr
    for m in sim.widths:
        rs = sim.at_width(m)
        tts = [r.t_tol for r in rs]
        reached = [t for t in tts if t is not None]
        meas = {}
        for s in sorted(rs[0].displacement):
            for j, l in enumerate((1, 2)):
                vals = [r.displacement[s]["measured"][j] for r in rs]
                ondata = [r.displacement[s]["kernel_on_data"][l] for r in rs]
                meas.setdefault(str(l), []).append({"t": s * lr, "mean": float(np.mean(vals)),
                                                   "sd": float(np.std(vals, ddof=1)) if len(vals) > 1 else None,
                                                   "kernel_on_data": float(np.mean(ondata))})
        bands = [r.bands for r in rs]
        yield {"width": m, "t_tol": tts, "reached": len(reached),
               "t_tol_mean": float(np.exp(np.mean(np.log(reached)))) if reached else None,
               "deviation_at_t_max": float(np.mean([r.deviation[-1] for r in rs])), "displacement_measured": meas,
               "band_deviation_at_t_tol": [{"band": label, "lam_range": list(lam),
                                            "relative_deviation": _mean_or_none([x[i][2] for x in bands])}
                                           for i, (label, lam, _) in enumerate(bands[0])]}


def _mean_or_none(values):
    return None if any(v is None for v in values) else float(sum(values) / len(values))


def _theory_scalings(sim: HorizonSimulation, fit, width) -> dict:
    """Width scalings suggested by theory, applied to the smallest width's measured deviation curve."""
    import numpy as np

    m1 = sim.widths[0]
    rs = sim.at_width(m1)
    dev = np.mean([r.deviation for r in rs], axis=0)
    tts = [r.t_tol for r in rs if r.t_tol is not None]
    if not tts:
        return {"note": f"width {m1} never reached the tolerance: no deviation curve to rescale"}
    t1 = float(np.exp(np.mean(np.log(tts))))
    t = np.arange(dev.size) * sim.lr
    sel = (t >= t1 / 3) & (t <= min(3 * t1, t[-1])) & (dev > 0)
    if sel.sum() < 3:
        return {"note": "too few points around t_tol at the smallest width to fit the deviation growth"}
    p, _ = np.polyfit(np.log(t[sel]), np.log(dev[sel]), 1)
    if p <= 0:
        return {"note": f"the deviation does not grow around t_tol at width {m1} (slope {p:.2f})"}
    out = {"deviation_growth_p": float(p), "fitted_on": [float(t[sel][0]), float(t[sel][-1])], "rows": []}
    ci = None if isinstance(fit, str) else fit.t_tol_ci
    for name, power, source in (("1/m (kernel change during training)", 1.0, "Dyer & Gur-Ari 2019; Huang & Yau 2020"),
                                ("1/sqrt(m) (kernel fluctuation at initialisation)", 0.5, "Bordelon & Pehlevan 2023")):
        q = power / p
        pred = t1 * (width / m1) ** q
        row = {"law": name, "source": source, "width_exponent": float(q), "t_tol_at_width": float(pred)}
        if not isinstance(fit, str):
            row["measured_width_exponent"] = fit.width_exponent
        if ci:
            row["compared"] = ("inside" if ci[0] <= pred <= ci[1] else "outside") + \
                f" the extrapolation's interval [{ci[0]:.3g}, {ci[1]:.3g}]"
        out["rows"].append(row)
    return out


def _static_rows(kernel, dim, target, sim: HorizonSimulation, width, t_max, fit, progress) -> dict:
    """The fluctuation-at-initialisation part of t_tol, computed at every calibrated width and at ``width``."""
    rows = []
    for m in sorted({*sim.widths, width}):
        st = static_departure(kernel, dim, target, m, samples=sim.samples, seeds=sim.seeds, seed=sim.seed,
                              lr=sim.lr, t_max=t_max, tol=sim.tol, progress=progress)
        if st.note:
            rows.append({"width": m, "note": st.note})
            continue
        meas = None if isinstance(fit, str) else fit.t_tol_calibrated.get(m)
        rows.append({"width": m, "t_tol_static": st.t_tol_seed_averaged, "t_tol_measured": meas,
                     "t_limit": st.t_limit})
    verdicts = []
    for r in rows:
        a, b = r.get("t_tol_static"), r.get("t_tol_measured")
        if a is not None and b is not None:
            verdicts.append("fluctuation at initialisation" if a <= 1.5 * b else "kernel change during training")
    return {"law": "kernel fluctuation at initialisation alone (linearised width-m network with its own initial "
                   "tangent kernel, same data; Bordelon & Pehlevan 2023)", "rows": rows,
            "reading": ("departure at the calibrated widths driven by: " + ", ".join(verdicts)) if verdicts else ""}


def _decades(t_on, t_end, sim: HorizonSimulation) -> dict:
    """Decades of the power law visible before t_tol; the fitted slope is called xi only with >= 1 decade."""
    import numpy as np

    if t_on is None:
        return {"decades": 0.0, "note": "no power law (or it starts beyond the times computed): nothing to fit"}
    if t_end is None:
        return {"t_on": t_on, "note": "no extrapolated t_tol"}
    out = {"t_on": t_on, "t_tol": t_end, "decades": max(0.0, math.log10(t_end / t_on))}
    m = sim.widths[-1]
    rs = sim.at_width(m)
    loss = np.mean([r.loss for r in rs], axis=0)
    t = np.arange(loss.size) * sim.lr
    tt = [r.t_tol for r in rs if r.t_tol is not None]
    hi = min(tt) if tt else t[-1]
    sel = (t >= t_on) & (t <= hi) & (t > 0)
    if sel.sum() >= 3 and t[sel][-1] / t[sel][0] > 1.5:
        vis = math.log10(t[sel][-1] / t[sel][0])
        out["network_slope"] = -float(np.polyfit(np.log(t[sel]), np.log(loss[sel]), 1)[0])
        out["network_slope_window"] = [float(t[sel][0]), float(t[sel][-1])]
        out["network_slope_label"] = ("xi (fitted)" if vis >= 1 else
                                      f"local slope, not xi: only {vis:.2f} decades between onset and t_tol "
                                      f"at width {m}")
    return out


# ---- rows for `asympt check --only horizon` ------------------------------------------------------------

def _skipped(name, note) -> dict:
    return {"name": name, "predicted": None, "measured": None, "tolerance": None, "verdict": "skipped", "note": note}


def check_rows(kernel, dim: int, target, *, widths=(250, 500, 1000), samples: int = 1000, seeds: int = 2,
               seed: int = 0, t_max: float = 400.0, tol: float = 0.1, lr: float | None = None, progress=None) -> list:
    """Rows for ``asympt check --only horizon``: prediction, measurement, tolerance, verdict.

    1. *displacement*: D_1 at t_max/8 (kernel regime), exact formula vs the mean of the trained networks
       at the largest width. Tolerance (independent of the gap and of the prediction): 3 standard errors
       of the seed spread + the finite-sample term (twice the seed spread of the kernel's own D_1 on each
       seed's sample) + the finite-width movement
       |mean D_1(largest width) - mean D_1(smallest width)|.
    2. *t_tol extrapolation* (needs 3 widths or more): t_tol(m) fitted on every width but the largest
       and extrapolated to it, against the departure time measured there (seed-averaged curve).
       Tolerance: the one-standard-error envelope of the extrapolation (seed spread), widened by the
       envelope of the measured value; verdict "skipped" when an envelope is not available.
    Each row is a dict with name, predicted, measured, tolerance (absolute, or [low, high] for
    t_tol), verdict ("pass", "fail" or "skipped") and note; numbers at full precision.
    """
    import numpy as np

    from asympt.kernels.kernel import check_kernel

    kernel = check_kernel(kernel)
    target = resolve_target(kernel, target)
    widths = sorted(widths)
    lr = 1.0 / float(kernel.value_at_one) if lr is None else check_float("lr", lr)
    t_disp = t_max / 8
    sim = simulate_horizon(kernel, dim, target, widths, samples=samples, seeds=seeds, seed=seed, lr=lr, t_max=t_max,
                           tol=tol, record_times=[t_disp], bands=False, progress=progress)
    s_disp = min(sim.steps, max(1, int(round(t_disp / lr))))
    pred = displacement(kernel, dim, target, [s_disp * lr], lr=lr).layer(1).D[0]
    big = [r.displacement[s_disp]["measured"][0] for r in sim.at_width(widths[-1])]
    small = [r.displacement[s_disp]["measured"][0] for r in sim.at_width(widths[0])]
    ondata = [r.displacement[s_disp]["kernel_on_data"][1] for r in sim.at_width(widths[-1])]
    meas = float(np.mean(big))
    se = float(np.std(big, ddof=1)) / math.sqrt(len(big)) if len(big) > 1 else 0.0
    fin_n = 2 * float(np.std(ondata, ddof=1)) if len(ondata) > 1 else 0.0   # the kernel's own spread over samples
    fin_m = abs(meas - float(np.mean(small))) if len(widths) > 1 else 0.0
    tol_d = 3 * se + fin_n + fin_m
    rows = [{"name": f"horizon: displacement D_1(t = {s_disp * lr:.4g}) at width {widths[-1]}",
             "predicted": pred, "measured": meas, "tolerance": tol_d,
             "verdict": "pass" if abs(meas - pred) <= tol_d else "fail",
             "note": f"3 se ({3 * se:.2g}) + finite n, 2 sd of the kernel on the samples ({fin_n:.2g}) + "
                     f"width movement ({fin_m:.2g})"}]
    if len(widths) < 3:
        rows.append(_skipped("horizon: t_tol extrapolation", "needs 3 widths or more (fit on all but the largest)"))
        return rows
    try:
        fit = fit_departure([r for r in sim.runs if r.width != widths[-1]], lr, tol, widths[-1])
        last = fit_departure([r for r in sim.runs if r.width in (widths[-2], widths[-1])], lr, tol, widths[-1])
    except InvalidInput as err:
        rows.append(_skipped("horizon: t_tol extrapolation", str(err)))
        return rows
    measured = last.t_tol_calibrated.get(widths[-1])
    menv = last.envelope.get(widths[-1])
    ci = fit.t_tol_ci
    row = {"name": f"horizon: t_tol at width {widths[-1]} (empirical, extrapolated from {widths[:-1]})",
           "predicted": fit.t_tol, "measured": measured, "tolerance": list(ci) if ci else None}
    if ci is None or measured is None:
        row.update(verdict="skipped", note="no interval (one seed, or the tolerance is not reached: raise t_max)")
    else:
        lo, hi = (min(menv[0], measured), max(menv[1] or measured, measured)) if menv else (measured, measured)
        row["measured_envelope"] = [lo, hi]
        row.update(verdict="pass" if ci[0] <= hi and lo <= ci[1] else "fail",
                   note="pass when the one-standard-error envelopes (seed spread) of the extrapolation and of "
                        "the measurement overlap")
    rows.append(row)
    return rows
