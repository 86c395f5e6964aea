"""Finite-width rows of ``asympt check``: real numpy networks' empirical NTK against the analytic kernel
(relative Frobenius error ~ width^-1/2, the mean over seeds) and their full-batch gradient descent against
the kernel prediction on the same points. Slopes over widths are judged with per-seed Student-t
intervals (:func:`asympt.checks.verdict.slope_interval`)."""

from __future__ import annotations

import math

from asympt.core.errors import NotSupported

from .rows import CheckRow
from .verdict import slope_interval

__all__ = ["finite_width_checks"]


def _finite_net_args(kernel):
    net = kernel.network
    name = net.activation.name
    if net.activation.family not in ("homogeneous", "erf", "sin", "cos") and name not in (
            "tanh", "sigmoid", "softplus", "gelu", "silu"):
        raise NotSupported(f"no numpy network for activation {name!r}")
    return dict(layers=net.layers, sigma_w=[float(s) for s in net.sigma_w],
                sigma_b=[float(s) for s in net.sigma_b], activation=name), sorted(net.train)




def finite_width_checks(kernel, dim, target, widths, seed, network=None, family: int = 1):
    """The three finite-width rows; ``family`` is the run's family size m (the NTK slope interval is at
    level 1 - 0.05/m)."""
    import numpy as np

    from asympt.numerics.data import sample, target_values
    from asympt.numerics.finite_net import FiniteNetwork

    rows = []
    if getattr(kernel.network, "layer_weights", None) is not None:
        return [CheckRow("finite-width", "finite-width networks", "-", "-", "-", "skip",
                         "layer-weighted kernels have no plain numpy network here (see asympt regime --simulate)")]
    if kernel.network.convention != "he":
        return [CheckRow("finite-width", "finite-width networks", "-", "-", "-", "skip",
                         "the numpy network uses the He-convention scales")]
    try:
        args, train = _finite_net_args(kernel)
    except NotSupported as err:
        return [CheckRow("finite-width", "finite-width networks", "-", "-", "-", "skip", str(err))]
    make = network or (lambda d, m, s, **kw: FiniteNetwork.init(d, m, seed=s, **kw))
    widths = sorted(widths)
    X = sample("sphere", 100, dim, seed=seed + 10)
    Th = kernel(np.clip(X @ X.T, -1, 1))
    seeds = 6
    errs = np.empty((len(widths), seeds))
    last = []
    for i, m in enumerate(widths):
        for s in range(seeds):
            net = make(dim, m, seed * 1000 + 100 * i + s, **args)
            E = net.empirical_ntk(X, train=train)
            errs[i, s] = np.linalg.norm(E - Th) / np.linalg.norm(Th)
            if i == len(widths) - 1:
                last.append(E)
    slope, ci, upper, slopes = slope_interval(widths, errs, family)
    ok = upper < 0 and ci[0] <= -0.5 <= ci[1]
    level = f"{100 * (1 - 0.05 / family):.3g} %"
    rows.append(CheckRow(
        "finite-width", "NTK error vs width",
        "slope -1/2 (O(width^-1/2) fluctuations)", f"{slope:.3f} [{ci[0]:.2f}, {ci[1]:.2f}]",
        f"{level} CI contains -1/2, upper 95 % bound < 0", "pass" if ok else "fail",
        f"relative Frobenius error of the empirical NTK of real networks (widths {', '.join(map(str, widths))}, "
        "100 sphere points) vs the analytic kernel: " + ", ".join(f"{e:.2e}" for e in errs.mean(axis=1))
        + f"; per-seed log-log slopes over {seeds} seeds, Student-t interval at {level} (family-wise 5 % over {family} "
        "comparisons of the run); a width-independent error passes "
        f"with probability <= 5 % (one-sided bound {upper:.2f})",
        {"widths": widths, "errors": errs.tolist(), "slope": slope, "ci": list(ci), "ci_level": 1 - 0.05 / family,
         "upper95": upper, "family_size": family,
         "seed_slopes": slopes}))
    # the mean of the empirical NTKs equals the analytic kernel within its standard error (exact for
    # 2 layers, O(1/width) otherwise); R = ||mean - Theta||_F / (||sd||_F / sqrt(S)) ~ 1
    last = np.asarray(last)
    R = float(np.linalg.norm(last.mean(axis=0) - Th) / (np.linalg.norm(last.std(axis=0, ddof=1)) / math.sqrt(seeds)))
    rows.append(CheckRow(
        "finite-width", "mean empirical NTK = kernel",
        "R ~ 1", f"R = {R:.2f}", "R <= 2", "pass" if R <= 2 else "fail",
        f"R = ||mean of {seeds} empirical NTKs - analytic Theta||_F / (||their sd||_F / sqrt({seeds})) at width "
        f"{widths[-1]}; a kernel off by 5 % gives R ~ 2.5 at the default widths",
        {"R": R, "width": widths[-1], "seeds": seeds}))
    # gradient descent of the real network vs the kernel prediction on the same points
    try:
        y = target_values(target, X, seed=seed + 11)
    except ValueError as err:
        rows.append(CheckRow("finite-width", "GD vs kernel prediction", "-", "-", "-", "skip", str(err)))
        return rows
    n = X.shape[0]
    w, V = np.linalg.eigh(Th / n)
    lr, steps, gd_seeds = 1.0 / float(w[-1]), 200, 6
    gw = widths[-3:]
    devs = np.empty((len(gw), gd_seeds))
    for i, m in enumerate(gw):
        for s in range(gd_seeds):
            net = make(dim, m, seed * 1000 + 500 + 10 * i + s, **args)
            res = net.train_gd(X, y, lr, steps, train=train, record_every=10)
            c = V.T @ (net.forward(X) - y)
            pred = np.array([0.5 * np.mean((V @ (c * (1 - lr * w) ** st)) ** 2) for st in res.steps])
            use = pred >= 1e-3 * pred[0]
            devs[i, s] = float(np.max(np.abs(res.loss[use] / pred[use] - 1)))
    g_slope, g_ci, g_upper, g_slopes = slope_interval(gw, devs)
    final = float(devs[-1].mean())
    ok = g_upper < 0 and final < 0.25
    rows.append(CheckRow(
        "finite-width", "GD vs kernel prediction",
        "deviation shrinks with width (~ width^-1/2)",
        f"slope {g_slope:.2f} [{g_ci[0]:.2f}, {g_ci[1]:.2f}]; {final:.3f} at m={gw[-1]}",
        "upper 95 % bound < 0, < 0.25", "pass" if ok else "fail",
        f"full-batch GD of real networks ({steps} steps, eta = 1/lambda_max, 100 points, widths "
        f"{', '.join(map(str, gw))}, {gd_seeds} seeds) vs the kernel prediction (I - eta Theta/n)^s r_0 with the "
        f"analytic Theta; max relative deviation where the predicted loss exceeds 1e-3 of its start; mean "
        "deviations " + ", ".join(f"{d:.3f}" for d in devs.mean(axis=1)) + "; a width-independent deviation "
        f"passes with probability <= 5 % (one-sided bound {g_upper:.2f})",
        {"deviations": devs.tolist(), "widths": gw, "lr": lr, "steps": steps, "slope": g_slope, "ci95": list(g_ci),
         "upper95": g_upper, "seed_slopes": g_slopes}))
    return rows


