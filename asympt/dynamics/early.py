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
from dataclasses import dataclass, field

from asympt.core.errors import InvalidInput, NotSupported, check_int

from .common import check_float, trainer_scales
from .datakernel import DataKernel

__all__ = ["EarlySimulation", "EarlyStage", "Partition", "TEACHERS", "early_analysis", "early_stage",
           "flip_forecast", "partition_stats", "simulate_early"]

SOURCE = ("phenomenon: Wang & Ma (2022); numbers: kernel prediction on this sample and our first-order "
          "flip formula (not their theorem's constants)")

#: Target names of the early stage and the trainer's teacher for each.
TEACHERS = {"sign": "sign", "halfspace": "halfspace", "neuron": "relu", "neuron:relu": "relu", "linear": "linear"}


@dataclass(frozen=True)
class Partition:
    """Neuron-partition statistics at initialisation (:func:`partition_stats`); dicts of floats."""

    width: int
    samples: int
    active_per_sample: dict
    pair_coactive_probability: dict
    class_fractions: dict | None = None
    class_sizes: tuple | None = None

    def to_dict(self) -> dict:
        out = {"width": self.width, "samples": self.samples, "active_per_sample": dict(self.active_per_sample),
               "pair_coactive_probability": dict(self.pair_coactive_probability)}
        if self.class_fractions is not None:
            out["class_fractions"] = {k: dict(v) if isinstance(v, dict) else v
                                      for k, v in self.class_fractions.items()}
            out["class_sizes"] = list(self.class_sizes)
        return out


def partition_stats(X, labels=None, *, width: int, mc: int = 20000, seed: int = 0) -> Partition:
    """Neuron-partition statistics at initialisation of a bias-free ReLU layer on the rows of X.

    Exact: per-sample active count Bin(m, 1/2) (mean m/2, sd sqrt(m)/2); pairwise co-activation
    probability (pi - theta_ij)/(2 pi) (mean, min, max over pairs). With ``labels`` (two classes:
    label > 0 and label <= 0), fractions of neurons active only on the positive class, only on the
    negative class, on both and on neither, by Monte Carlo over ``mc`` neurons w ~ N(0, I) with their
    standard errors.

    >>> import numpy as np
    >>> out = partition_stats(np.array([[1.0, 0.0], [0.0, 1.0]]), width=100)
    >>> out.active_per_sample["mean"], out.pair_coactive_probability["mean"]   # (pi - pi/2)/(2 pi)
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
    p = ((math.pi - np.arccos(U)) / (2 * math.pi))[np.triu_indices(n, 1)]
    active = {"law": "Bin(m, 1/2)", "mean": width / 2, "sd": math.sqrt(width) / 2, "P_inactive_on_all": 0.5**width}
    pair = {"law": "(pi - theta_ij) / (2 pi)", "mean": float(p.mean()), "min": float(p.min()), "max": float(p.max()),
            "expected_coactive_neurons_mean": float(width * p.mean())}
    if labels is None:
        return Partition(width, n, active, pair)
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
    classes = {k: {"value": float(v.mean()), "se": math.sqrt(v.mean() * (1 - v.mean()) / mc)} for k, v in fr.items()}
    gap = np.abs(A[:, pos].mean(axis=1) - A[:, neg].mean(axis=1))
    classes["mean_class_preference"] = {"value": float(gap.mean()), "se": float(gap.std(ddof=1) / math.sqrt(mc)),
                                        "meaning": "mean over neurons of |share of positive samples active - share "
                                                   "of negative ones|"}
    classes["method"] = f"Monte Carlo over {mc} neurons w ~ N(0, I)"
    return Partition(width, n, active, pair, classes, (int(pos.sum()), int(neg.sum())))


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


def _scales(kernel):
    """The early-stage formulas' network: bias-free ReLU, two layers (the trainer's guard)."""
    net = kernel.network
    if net.first_layer_bias:
        raise NotSupported("the early-stage partition and flip formulas are for bias-free networks (bias = 0)")
    if net.activation.name != "relu":
        raise NotSupported(f"the early-stage partition and flip formulas are for ReLU: {net.activation.name}")
    return trainer_scales(kernel)


@dataclass(frozen=True)
class EarlySimulation:
    """Real networks on the same data (:func:`simulate_early`): per width the seed means and spreads of
    L(t_e)/L_0, L(t_late)/L_0 and the flipped fractions (``rows``, dicts of floats), and the log-log slope
    of the flips at t_e against the width when two widths or more were trained."""

    widths: tuple
    seeds: int
    seed: int
    rows: tuple
    flip_slope: float | None = None

    def to_dict(self) -> dict:
        out = {"widths": list(self.widths), "seeds": self.seeds, "seed": self.seed, "rows": [dict(r) for r in self.rows]}
        if len(self.widths) >= 2:
            out["flip_slope"] = self.flip_slope
        return out


@dataclass(frozen=True)
class EarlyStage:
    """Kernel prediction of the early drop, the partition and the flip forecast on a sample (full precision).

    ``curve`` holds (t, L(t)/L_0) of the kernel on the sample up to 1.5 t_late (for figures);
    ``t_late`` and what depends on it are None when the kernel curve does not reach the late fraction.
    """

    samples: int
    dim: int
    width: int
    lr: float
    kernel: str
    L0: float
    t_e: float
    steps_e: int
    early_drop_predicted: float
    flip_forecast_t_e: float
    partition: Partition = field(repr=False)
    late_fraction: float
    t_late: float | None = None
    steps_late: int | None = None
    late_loss_predicted: float | None = None
    flip_forecast_t_late: float | None = None
    curve: tuple = field(default=(), repr=False)
    target: str | None = None
    simulation: EarlySimulation | None = None
    source: str = SOURCE

    def to_dict(self) -> dict:
        """The JSON structure of `asympt horizon --early --json` (floats at full precision)."""
        out = {"samples": self.samples, "dim": self.dim, "width": self.width, "lr": self.lr, "kernel": self.kernel,
               "L0": self.L0, "t_e": self.t_e, "steps_e": self.steps_e, "early_drop_predicted": self.early_drop_predicted,
               "flip_forecast_t_e": self.flip_forecast_t_e}
        if self.steps_late is not None:
            out.update(t_late=self.t_late, steps_late=self.steps_late, late_fraction=self.late_fraction,
                       late_loss_predicted=self.late_loss_predicted, flip_forecast_t_late=self.flip_forecast_t_late)
        out["partition"] = self.partition.to_dict()
        out["source"] = self.source
        if self.target is not None:
            out["target"] = self.target
        if self.simulation is not None:
            out["simulation"] = self.simulation.to_dict()
        return out


def early_stage(kernel, X, y, *, width: int, lr: float = 0.5, late_fraction: float = 0.05,
                max_steps: int = 200_000, mc: int = 20000, seed: int = 0) -> EarlyStage:
    """Kernel prediction of the early drop, partition statistics and the flip forecast on (X, y)."""
    import numpy as np

    from asympt.kernels.kernel import check_kernel

    kernel = check_kernel(kernel)
    sc = _scales(kernel)
    sw2 = 1.0 / sc.alpha_over_sqrt_m
    width = check_int("width", width, minimum=2, maximum=10**9)
    lr = check_float("lr", lr)
    late_fraction = check_float("late_fraction", late_fraction)
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
        raise InvalidInput(f"the kernel curve does not halve the loss within {max_steps} steps: raise lr")
    s_end = int(1.5 * (s_l if s_l is not None else s_e)) + 1
    grid = np.unique(np.round(np.geomspace(1, s_end, 60)).astype(int))
    curve = tuple((float(s * lr), float(v / L0)) for s, v in zip(grid, dk.loss(grid, lr)))
    late = {}
    if s_l is not None:
        late = dict(t_late=s_l * lr, steps_late=s_l, late_loss_predicted=float(dk.loss([s_l], lr)[0] / L0),
                    flip_forecast_t_late=flip_forecast(dk, s_l, lr, width, sc.sigma_w1, sw2))
    labels = y - np.median(y) if np.unique(y).size > 2 else y
    return EarlyStage(samples=X.shape[0], dim=X.shape[1], width=width, lr=lr, kernel=kernel.network.describe(), L0=L0,
                      t_e=s_e * lr, steps_e=s_e, early_drop_predicted=float(dk.loss([s_e], lr)[0] / L0),
                      flip_forecast_t_e=flip_forecast(dk, s_e, lr, width, sc.sigma_w1, sw2),
                      partition=partition_stats(X, labels, width=width, mc=mc, seed=seed), late_fraction=late_fraction,
                      curve=curve, **late)


def simulate_early(kernel, X, y, *, widths, lr: float, steps_e: int, steps_late: int | None = None, seeds: int = 6,
                   seed: int = 0, progress=None) -> EarlySimulation:
    """Train real networks on (X, y): L(t_e)/L_0, L(t_late)/L_0 and the flip fractions, with seed spread."""
    import numpy as np

    from asympt.numerics import twolayer as tl

    sc = _scales(kernel)
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
            net = tl.TwoLayerNet.init(X.shape[1], m, alpha=sc.alpha(m), beta2=sc.beta2, lr_w=sc.lr_w,
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
                row[k] = float(np.mean(v))
                row[k + "_sd"] = float(np.std(v, ddof=1)) if len(v) > 1 else None
        rows.append(row)
    slope = None
    if len(widths) >= 2:
        sl = float(np.polyfit(np.log([r["width"] for r in rows]), np.log([r["flip_e"] for r in rows]), 1)[0])
        slope = sl if math.isfinite(sl) else None
    return EarlySimulation(tuple(widths), seeds, seed, tuple(rows), slope)


def early_analysis(kernel, dim: int, target: str, *, width: int, samples: int = 100, seeds: int = 2, seed: int = 0,
                   lr: float = 0.5, simulate: bool = False, widths=None, late_fraction: float = 0.05,
                   progress=None) -> EarlyStage:
    """`asympt horizon --early`: draw the sample, predict, and (``simulate``) train networks at ``widths``.

    ``target`` is one of :data:`TEACHERS`; the sample (``samples`` points on S^(dim-1)) and the teacher
    direction are drawn from (seed, 7). Each simulated width gets its own flip forecast and the relative
    deviations of the measured early and late losses from the kernel prediction.
    """
    import dataclasses

    import numpy as np

    from asympt.numerics import twolayer as tl

    if target not in TEACHERS:
        raise InvalidInput(f"the early stage's target must be one of {', '.join(TEACHERS)}: {target!r}")
    dim = check_int("dim", dim, minimum=2, maximum=10_000)
    rng = np.random.default_rng([seed, 7])
    X = tl.sample_sphere(samples, dim, rng)
    y = tl.teacher(TEACHERS[target], X, tl.sample_sphere(1, dim, rng)[0])
    out = early_stage(kernel, X, y, width=width, lr=lr, late_fraction=late_fraction, seed=seed)
    out = dataclasses.replace(out, target=target)
    if not simulate:
        return out
    sim = simulate_early(kernel, X, y, widths=list(widths) if widths else [width], lr=out.lr, steps_e=out.steps_e, steps_late=out.steps_late,
                         seeds=seeds, seed=seed, progress=progress)
    dk = DataKernel(kernel, X, y, layers=False)
    sc = _scales(kernel)
    rows = []
    for row in sim.rows:
        m = row["width"]
        row = dict(row, flip_forecast_t_e=flip_forecast(dk, out.steps_e, out.lr, m, sc.sigma_w1,
                                                        1.0 / sc.alpha_over_sqrt_m),
                   flip_forecast_t_late=None if out.steps_late is None else
                   flip_forecast(dk, out.steps_late, out.lr, m, sc.sigma_w1, 1.0 / sc.alpha_over_sqrt_m),
                   early_dev=abs(row["early"] / out.early_drop_predicted - 1))
        if "late" in row:
            row["late_dev"] = abs(row["late"] / out.late_loss_predicted - 1)
        rows.append(row)
    return dataclasses.replace(out, simulation=dataclasses.replace(sim, rows=tuple(rows)))
