"""Loss rows of ``asympt check``: the gradient-flow loss L_N(t) of the sampled target on the sample
against the exact population curve, and the fitted exponent xi."""

from __future__ import annotations

import math

from .exact import far_factor
from .fits import time_fit
from .rows import CheckRow, fmt
from .exponent import exponent_row, subsample_values
from .verdict import limit_interval

__all__ = ["loss_rows"]


def _time_window(samples, win):
    """Times whose learning front 1/(2 lambda_n) lies in the eigen-index window, shortened where some
    sample's uncomputed eigenpairs could move L_N(t) by > 1 %; (t_lo, t_hi) or a skip reason."""
    import numpy as np

    full, halves, quarters = samples
    lo, hi = win
    t_lo, t_hi = 0.5 / full.vals[lo - 1], 0.5 / full.vals[hi - 1]
    ts = np.geomspace(t_lo, t_hi, 60)
    everyone = [full] + halves + quarters
    ok = np.array([all(s.resolves(t) for s in everyone) for t in ts])
    if not ok[0] or not ok.any():
        return "the computed eigenpairs do not resolve the loss over a time window"
    t_hi = float(ts[np.flatnonzero(ok)[-1]])
    if t_hi <= 4 * t_lo:
        return "the resolved time window is shorter than a factor 4"
    return t_lo, t_hi


def _curve_row(samples, pop, t_lo, times, m):
    """L_N(t) / L(t) - 1 at three times (uniform sphere only: the constants depend on the density); stay
    where the exact loss is at least 1e-3 of its value at the first probe time."""
    import numpy as np

    keep = times[pop.curve(times) >= 1e-3 * pop.curve(times[:1])[0]]
    probe = np.geomspace(t_lo, keep[-1], 3)
    L_pop = pop.curve(probe)
    raws = [subsample_values(lambda s, i=i: float(s.curve(probe[i:i + 1])[0][0] / L_pop[i] - 1), samples)
            for i in range(3)]
    ivs = [limit_interval(r["full"], r["halves"], r["quarters"], m) for r in raws]
    verdicts = [iv.verdict(0.0) for iv in ivs]
    verdict = "skip" if "skip" in verdicts else ("fail" if "fail" in verdicts else "pass")
    r_full = [r["full"] for r in raws]
    return CheckRow(
        "loss", "L_N(t) vs exact L(t)",
        "L(t) = " + ", ".join(fmt(v, 4) for v in L_pop) + " at t = " + ", ".join(fmt(t, 3) for t in probe),
        "rel. diff " + ", ".join(f"{r:+.1e}" for r in r_full),
        ", ".join(f"[{fmt(iv.lo, 2)}, {fmt(iv.hi, 2)}]" for iv in ivs), verdict,
        "gradient-flow loss of the sampled target on the sample vs the exact population curve 1/2 sum e_k "
        "exp(-2 mu_k t); at each time L_N(t)/L(t) - 1 has an interval (finite-N bias bracket from its trend "
        f"between N/4, N/2 and N, +- z sigma over 2 halves and 4 quarters, family-wise 5 % over {m} "
        "comparisons) that must contain 0: " + "; ".join(
            f"t = {fmt(t, 3)}: [{fmt(iv.lo, 2)}, {fmt(iv.hi, 2)}] (trend {fmt(iv.trend[0], 2)}, {fmt(iv.trend[1], 2)})"
            for t, iv in zip(probe, ivs)),
        {"t": probe.tolist(), "exact": L_pop.tolist(), "empirical": [float(v) for v in samples[0].curve(probe)[0]],
         "rel_diff": r_full, "intervals": [[iv.lo, iv.hi] for iv in ivs], "verdicts": verdicts,
         "sigma": [iv.sigma for iv in ivs], "trend": [list(iv.trend) for iv in ivs], "z": ivs[0].z,
         "family_size": m, "subsamples": raws})


def loss_rows(dim, data, law, samples, win, pop, predicted, plot, m):
    """The L_N(t) row (uniform sphere with exact energies) and the xi fit."""
    import numpy as np

    full = samples[0]
    rows = []
    if not win:
        return [CheckRow("loss", "xi fit", "-", "-", "-", "skip",
                         f"N too small for the window [max(D_2, N/100), N/20] in d = {dim}")]
    tw = _time_window(samples, win)
    if isinstance(tw, str):
        return [CheckRow("loss", "xi fit", "-", "-", "-", "skip", tw)]
    t_lo, t_hi = tw
    times = np.geomspace(t_lo, t_hi, 40)
    L_emp = full.curve(times)[0]
    plot["loss"] = {"t": times.tolist(), "empirical": L_emp.tolist()}
    have_pop = pop is not None and pop.energies is not None
    if have_pop and data == "sphere":
        plot["loss"]["exact"] = pop.curve(times).tolist()
        rows.append(_curve_row(samples, pop, t_lo, times, m))
    xi_closed = predicted.get("xi", law.xi if law is not None and law.kind == "power" else None)
    if xi_closed is None:
        rows.append(CheckRow("loss", "xi fit", "no law" if law is None else f"{law.kind} law", "-", "-", "skip",
                             "no power law to 0 to fit (plateau / exponential / logarithmic: see the curve row)"))
        return rows
    raw = subsample_values(lambda s: time_fit(lambda t: s.curve(t)[0], t_lo, t_hi), samples)
    xi_hat = raw["full"]
    lo, hi = win
    far = far_factor(pop, hi) if have_pop else None
    exact = (float("nan"),) * 3
    if far:
        def moved(f):
            # the same window in the learning-front index, moved f times further out (exact spectrum)
            a = 0.5 / pop.at(np.array([f * lo]))[0] * (t_lo * 2 * full.vals[lo - 1])
            b = 0.5 / pop.at(np.array([f * hi]))[0] * (t_hi * 2 * full.vals[hi - 1])
            return time_fit(pop.curve, a, b)

        exact = (time_fit(pop.curve, t_lo, t_hi), moved(far), moved(far // 4))
    euclid = data in ("gaussian", "cube")
    rule = "intrinsic-dimension rule (theory section 8)" if euclid else "closed form (theory section 7)"
    row = exponent_row("loss", "xi", f"xi fit, t in [{fmt(t_lo, 2)}, {fmt(t_hi, 2)}]", xi_closed, xi_hat, raw,
                       exact, far, m, data, "L_N(t) ~ C t^-xi fitted to the empirical loss", rule)
    row.values["window"] = [t_lo, t_hi]
    rows.append(row)
    xi_f = float(xi_closed)
    c_hat = float(L_emp[0] * times[0] ** xi_hat) if math.isfinite(xi_hat) else float("nan")
    plot["loss"]["fit"] = {"xi": xi_f, "xi_fit": xi_hat, "c": c_hat}
    if law is not None and law.C is not None and data == "sphere":
        plot["loss"]["law"] = {"C": float(law.C), "xi": xi_f}
    return rows
