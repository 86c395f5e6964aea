"""The early stage of training: mild width already suffices for the first, fast drop of the loss.

Wang & Ma (2022, NeurIPS, "Early stage convergence and global convergence of training mildly
parameterized neural networks") show that with mild over-parameterisation the loss drops by a
significant amount early in training, driven by the top of the kernel spectrum and by the activation
patterns of the neurons on the data ("neuron partition"). This module gives quantitative *proxies* of
that phenomenon on a given sample; it does not implement their theorem, whose constants we do not
claim.

* **Early drop.** With the infinite-width kernel on the sample (G/n = V diag(lam) V^T), gradient descent
  with step eta gives L(s) = 1/(2n) sum_i (v_i . y)^2 (1 - eta lam_i)^(2s). t_e = eta s_e, s_e the first
  step at which L <= L_0 / 2; the prediction is L(t_e)/L_0, and likewise at t_late (the first step at
  which L <= ``late_fraction`` L_0).
* **Neuron partition at initialisation** (bias-free ReLU, w ~ N(0, sigma I)): a sample x_i is active on
  Bin(m, 1/2) neurons; x_i and x_j are both active on a neuron with probability (pi - theta_ij)/(2 pi),
  theta_ij = arccos(x_i . x_j); for labelled data the fractions of neurons active only on one class,
  on both or on neither are Gaussian orthant probabilities, estimated by Monte Carlo with a standard
  error.
* **Activation flips, first order** ([derived] here, checked against real networks in
  tests/dynamics/test_early.py). Freezing the patterns, neuron k's pre-activation on x_i moves by
  Delta h = -(sigma_w1^2 sigma_w2 a_k/(n sqrt(m))) sum_j R_j 1[w_k.x_j > 0] (x_j . x_i), with
  R = eta sum_{s < t} r_s the integrated residual of the kernel dynamics. Over random (a, w),
  E[Delta h^2] = (sigma_w1^2 sigma_w2/(n sqrt(m)))^2 R^T D_i K0 D_i R (D_i = diag(x_j . x_i)_j,
  K0 = (pi - theta)/(2 pi)); the pre-activation h ~ N(0, sigma_w1^2) has density 1/(sigma_w1 sqrt(2 pi))
  at 0 and E|a| = sqrt(2/pi), so the fraction of (neuron, sample) patterns that have flipped by t is

      phi(t) ~= (sigma_w1 sigma_w2 / (pi sqrt(m))) (1/n) sum_i sqrt(R^T D_i K0 D_i R) / n,

  which falls like m^-1/2 (E|.| replaced by the root mean square: an overestimate of a few per cent;
  the curvature of the flow is ignored, so late flips are overestimated more).
"""

from __future__ import annotations

import math

from asympt.core.errors import InvalidInput, NotSupported, check_int
from .horizon import DataKernel, _check_float, _fmt, simulation_setup

__all__ = ["early_stage", "flip_forecast", "partition_stats", "simulate_early"]


def partition_stats(X, labels=None, *, width: int, mc: int = 20000, seed: int = 0) -> dict:
    """Neuron-partition statistics at initialisation of a bias-free ReLU layer on the rows of X.

    Exact: per-sample active count Bin(m, 1/2) (mean m/2, sd sqrt(m)/2); pairwise co-activation
    probability (pi - theta_ij)/(2 pi) (mean, min, max over pairs). With ``labels`` (two classes:
    label > 0 and label <= 0), fractions of neurons active only on the positive class, only on the
    negative class, on both and on neither, by Monte Carlo over ``mc`` neurons w ~ N(0, I) with their
    standard errors.

    >>> import numpy as np
    >>> out = partition_stats(np.array([[1.0, 0.0], [0.0, 1.0]]), width=100)
    >>> out["active_per_sample"]["mean"], out["pair_coactive_probability"]["mean"]   # (pi - pi/2)/(2 pi)
    (50.0, 0.25)
    """
    import numpy as np

    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[0] < 2 or not np.isfinite(X).all():
        raise InvalidInput("X must be a finite n x d array with n >= 2")
    width = check_int("width", width, minimum=1, maximum=10**9)
    mc = check_int("mc", mc, minimum=100, maximum=10**6)
    n = X.shape[0]
    U = np.clip(X @ X.T, -1.0, 1.0)
    P = (math.pi - np.arccos(U)) / (2 * math.pi)
    iu = np.triu_indices(n, 1)
    p = P[iu]
    out = {"width": width, "samples": n,
           "active_per_sample": {"law": "Bin(m, 1/2)", "mean": width / 2, "sd": _fmt(math.sqrt(width) / 2),
                                 "P_inactive_on_all": _fmt(0.5**width, 3)},
           "pair_coactive_probability": {"law": "(pi - theta_ij) / (2 pi)", "mean": _fmt(p.mean()),
                                         "min": _fmt(p.min()), "max": _fmt(p.max()),
                                         "expected_coactive_neurons_mean": _fmt(width * p.mean())}}
    if labels is not None:
        lab = np.asarray(labels, dtype=float)
        if lab.shape != (n,) or not np.isfinite(lab).all():
            raise InvalidInput(f"labels must be {n} finite numbers")
        pos, neg = lab > 0, lab <= 0
        if not pos.any() or not neg.any():
            raise InvalidInput("labels must contain both classes (label > 0 and label <= 0)")
        rng = np.random.default_rng(seed)
        W = rng.standard_normal((mc, X.shape[1]))
        A = (W @ X.T) > 0
        on_pos, on_neg = A[:, pos].any(axis=1), A[:, neg].any(axis=1)
        fr = {"only_positive": on_pos & ~on_neg, "only_negative": on_neg & ~on_pos, "both": on_pos & on_neg,
              "neither": ~on_pos & ~on_neg}
        out["class_fractions"] = {k: {"value": _fmt(v.mean()), "se": _fmt(math.sqrt(v.mean() * (1 - v.mean()) / mc), 2)}
                                  for k, v in fr.items()}
        gap = np.abs(A[:, pos].mean(axis=1) - A[:, neg].mean(axis=1))
        out["class_fractions"]["mean_class_preference"] = {"value": _fmt(gap.mean()),
                                                           "se": _fmt(gap.std(ddof=1) / math.sqrt(mc), 2),
                                                           "meaning": "mean over neurons of |share of positive "
                                                                      "samples active - share of negative ones|"}
        out["class_fractions"]["method"] = f"Monte Carlo over {mc} neurons w ~ N(0, I)"
        out["class_sizes"] = [int(pos.sum()), int(neg.sum())]
    return out


def flip_forecast(dk: DataKernel, s: int, lr: float, width: int, sigma_w1: float = 1.0, sigma_w2: float = 1.0) -> float:
    """First-order fraction of flipped activation patterns after s steps (module docstring)."""
    import numpy as np

    R = dk.integrated_residual(s, lr)
    U = dk.U
    K0 = (math.pi - np.arccos(U)) / (2 * math.pi)
    Q = U * R[None, :]                                   # row i: D_i R
    q = np.einsum("ij,ij->i", Q @ K0, Q)
    n = dk.n
    return float(sigma_w1 * sigma_w2 / (math.pi * math.sqrt(width)) * np.sqrt(np.clip(q, 0, None)).mean() / n)


def _kernel_times(dk, lr, late_fraction, max_steps):
    import numpy as np

    L0 = float(dk.loss([0], lr)[0])
    s_e = s_l = None
    chunk = 2048
    for start in range(0, max_steps + 1, chunk):
        steps = np.arange(start, min(start + chunk, max_steps + 1))
        L = dk.loss(steps, lr)
        if s_e is None:
            hit = np.nonzero(L <= L0 / 2)[0]
            s_e = int(steps[hit[0]]) if hit.size else None
        hit = np.nonzero(L <= late_fraction * L0)[0]
        if hit.size:
            s_l = int(steps[hit[0]])
            break
    return L0, s_e, s_l


def _network(kernel):
    net = kernel.network
    if net.first_layer_bias:
        raise NotSupported("the early-stage partition and flip formulas are for bias-free networks (--bias 0)")
    if net.activation.name != "relu":
        raise NotSupported(f"the early-stage partition and flip formulas are for ReLU: {net.activation.name}")
    return simulation_setup(kernel)


def early_stage(kernel, X, y, *, width: int, lr: float = 0.5, late_fraction: float = 0.05,
                max_steps: int = 200_000, mc: int = 20000, seed: int = 0) -> dict:
    """Kernel prediction of the early drop, partition statistics and the flip forecast on (X, y)."""
    import numpy as np

    from asympt.kernels.kernel import check_kernel

    kernel = check_kernel(kernel)
    beta2, _, a_over, _, sw1 = _network(kernel)
    sw2 = 1.0 / a_over
    width = check_int("width", width, minimum=2, maximum=10**9)
    lr = _check_float("lr", lr)
    late_fraction = _check_float("late_fraction", late_fraction)
    if late_fraction >= 0.5:
        raise InvalidInput(f"late_fraction must be below 1/2 (the early drop): {late_fraction}")
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    if X.ndim != 2 or y.shape != (X.shape[0],) or not (np.isfinite(X).all() and np.isfinite(y).all()):
        raise InvalidInput("X must be a finite n x d array and y n finite numbers")
    if X.shape[0] > 5000:
        raise InvalidInput(f"the early-stage analysis takes at most 5000 samples: {X.shape[0]}")
    if not np.allclose(np.linalg.norm(X, axis=1), 1.0, atol=1e-6):
        raise InvalidInput("the rows of X must lie on the unit sphere")
    dk = DataKernel(kernel, X, y, layers=False)
    if lr * dk.lam[-1] >= 2:
        raise InvalidInput(f"lr = {lr:g} is unstable: lr lam_max = {lr * dk.lam[-1]:.3g} >= 2")
    L0, s_e, s_l = _kernel_times(dk, lr, late_fraction, max_steps)
    if s_e is None:
        raise InvalidInput(f"the kernel curve does not halve the loss within {max_steps} steps: raise --lr")
    out = {"samples": X.shape[0], "dim": X.shape[1], "width": width, "lr": lr, "kernel": kernel.network.describe(),
           "L0": _fmt(L0, 6), "t_e": s_e * lr, "steps_e": s_e,
           "early_drop_predicted": _fmt(dk.loss([s_e], lr)[0] / L0, 4),
           "flip_forecast_t_e": _fmt(flip_forecast(dk, s_e, lr, width, sw1, sw2), 4)}
    if s_l is not None:
        out.update(t_late=s_l * lr, steps_late=s_l, late_fraction=late_fraction,
                   late_loss_predicted=_fmt(dk.loss([s_l], lr)[0] / L0, 4),
                   flip_forecast_t_late=_fmt(flip_forecast(dk, s_l, lr, width, sw1, sw2), 4))
    out["partition"] = partition_stats(X, y - np.median(y) if np.unique(y).size > 2 else y, width=width, mc=mc,
                                       seed=seed)
    out["source"] = ("phenomenon: Wang & Ma (2022); numbers: kernel prediction on this sample and our first-order "
                     "flip formula (not their theorem's constants)")
    return out


def simulate_early(kernel, X, y, *, widths, lr: float, steps_e: int, steps_late: int | None = None, seeds: int = 6,
                   seed: int = 0, progress=None) -> dict:
    """Train real networks on (X, y): L(t_e)/L_0, L(t_late)/L_0 and the flip fractions, with seed spread."""
    import numpy as np

    from asympt.numerics import twolayer as tl

    beta2, input_bias, a_over, lr_w, sw1 = _network(kernel)
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    seeds = check_int("seeds", seeds, minimum=1, maximum=100)
    widths = sorted({check_int("width", int(m), minimum=2, maximum=10**5) for m in widths})
    if any(m % 2 for m in widths):
        raise InvalidInput(f"widths must be even (antisymmetric initialisation): {widths}")
    total = steps_late or steps_e
    if max(widths) * X.shape[0] * total > 2e11:
        raise InvalidInput("width x samples x steps must be <= 2e11")
    rows = []
    for m in widths:
        vals = {"early": [], "late": [], "flip_e": [], "flip_late": []}
        for i in range(seeds):
            if progress:
                progress(f"width {m}, seed {i + 1}/{seeds}: {total} steps")
            net = tl.TwoLayerNet.init(X.shape[1], m, alpha=a_over * math.sqrt(m), beta2=beta2, lr_w=lr_w,
                                      seed=[seed, m, i])
            P0 = tl.activation_signs(net, X)
            flips = {}

            def cb(step, nt, r, P0=P0, flips=flips):
                if step in (steps_e, steps_late):
                    flips[step] = float((tl.activation_signs(nt, X) != P0).mean())
            losses = net.train(X, y, lr, total, callback=cb)
            vals["early"].append(losses[steps_e] / losses[0])
            vals["flip_e"].append(flips[steps_e])
            if steps_late:
                vals["late"].append(losses[steps_late] / losses[0])
                vals["flip_late"].append(flips[steps_late])
        row = {"width": m}
        for k, v in vals.items():
            if v:
                row[k] = _fmt(np.mean(v), 4)
                row[k + "_sd"] = _fmt(np.std(v, ddof=1), 2) if len(v) > 1 else None
        rows.append(row)
    return {"widths": widths, "seeds": seeds, "seed": seed, "rows": rows}
