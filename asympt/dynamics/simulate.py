"""Finite networks next to their kernel on the same data: the measured side of the horizon.

Two-layer networks (the numpy trainer :mod:`asympt.numerics.twolayer`, which never imports the
formula side) of several widths are trained on the same sample as their infinite-width kernel
(:class:`asympt.dynamics.datakernel.DataKernel`). :func:`simulate_horizon` records the loss curves,
the departure time t_tol, the layer displacements and the deviation per eigenvalue band;
:func:`static_departure` isolates the part of t_tol caused by the kernel's fluctuation at
initialisation (Bordelon & Pehlevan 2023).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from asympt.core.errors import InvalidInput, check_int

from .common import check_float, check_tol, resolve_target, teacher_data, teacher_kind, trainer_scales
from .datakernel import DataKernel
from .departure import departure_time

__all__ = ["HorizonRun", "HorizonSimulation", "StaticDeparture", "memory_estimate", "simulate_horizon",
           "static_departure"]

MAX_BYTES = 1.5e9          # refuse simulations whose estimated memory exceeds this
_BANDS = ((0, 10), (10, 100), (100, 1000), (1000, None))


def memory_estimate(samples: int, width: int, layers: int = 2) -> float:
    """Bytes: float64 n x n Gram, eigenvectors, U and per-layer projections; float32 n x m buffers."""
    return 8.0 * samples**2 * (3 + layers) + 4.0 * samples * width * 5


@dataclass(frozen=True, eq=False)
class HorizonRun:
    """One trained network (width, seed) beside its kernel on the same data; curves indexed by step.

    ``displacement`` maps a recorded step s to {"measured": (D_1, D_2), "kernel_on_data": {l: D_l}};
    ``bands`` is the deviation per eigenvalue band at ``bands_time`` (empty when not measured).
    """

    seed: int
    width: int
    loss: object = field(repr=False)
    kernel_loss: object = field(repr=False)
    t_tol: float | None = None
    first_crossing: float | None = None
    deviation: object = field(default=None, repr=False)
    displacement: dict = field(default_factory=dict, repr=False)
    bands: tuple = field(default=(), repr=False)
    bands_time: float | None = None


@dataclass(frozen=True, eq=False)
class HorizonSimulation:
    """Everything :func:`simulate_horizon` measured (``runs`` over seeds x widths)."""

    dim: int
    kernel: str
    target: str
    widths: tuple
    samples: int
    seeds: int
    seed: int
    lr: float
    steps: int
    t_max: float
    tol: float
    runs: tuple = field(repr=False)

    def at_width(self, m: int) -> list:
        return [r for r in self.runs if r.width == m]


def _replica(kind, samples, dim, seed, i, kernel, layers=True):
    """Replica i: its generator, data (X, y) and kernel on the data, the same in every simulation."""
    import numpy as np

    rng = np.random.default_rng([seed, i])
    X, y = teacher_data(kind, samples, dim, rng)
    return rng, X, DataKernel(kernel, X, y, layers=layers)


def simulate_horizon(kernel, dim: int, target, widths, *, samples: int = 1000, seeds: int = 2, seed: int = 0,
                     lr: float | None = None, t_max: float = 400.0, tol: float = 0.1,
                     record_times=None, bands: bool = True, progress=None) -> HorizonSimulation:
    """Train the network of ``kernel`` at each width and measure t_tol, D_l(t) and the loss ratio.

    Replica i draws data X (``samples`` points on S^(dim-1)), the teacher direction and the weights from
    (seed, i); all widths of a replica and the kernel share X, y. ``lr`` defaults to 1 / k(1) (stable:
    lam_max(G/n) <= trace = k(1)); times are t = lr x steps up to ``t_max``. Measured per run: the loss
    curves, t_tol = the time from which on |L_net / L_kernel - 1| >= tol up to t_max (None if the
    deviation is below tol at t_max; the first crossing is reported too), the layer
    displacements at ``record_times`` (default t_max) and, at t_tol, the relative deviation of the
    residual on eigenvalue bands of G (top 10, 10-100, beyond 100 eigenvectors).
    """
    import numpy as np

    from asympt.kernels.kernel import check_kernel
    from asympt.numerics import twolayer as tl

    kernel = check_kernel(kernel)
    dim = check_int("dim", dim, minimum=2, maximum=1000)
    target = resolve_target(kernel, target)
    kind = teacher_kind(target)
    widths = sorted({check_int("width", int(m), minimum=2, maximum=10**5) for m in widths})
    if any(m % 2 for m in widths):
        raise InvalidInput(f"widths must be even (antisymmetric initialisation pairs the neurons): {widths}")
    samples = check_int("samples", samples, minimum=10, maximum=20_000)
    seeds = check_int("seeds", seeds, minimum=1, maximum=100)
    t_max = check_float("t_max", t_max)
    tol = check_tol(tol)
    est = memory_estimate(samples, max(widths))
    if est > MAX_BYTES:
        raise InvalidInput(f"samples x width need about {est / 1e9:.2f} GB (limit {MAX_BYTES / 1e9:g} GB): "
                           f"{samples} samples, width {max(widths)}")
    sc = trainer_scales(kernel)
    lr = 1.0 / float(kernel.value_at_one) if lr is None else check_float("lr", lr)
    steps = int(math.ceil(t_max / lr))
    if steps > 200_000:
        raise InvalidInput(f"t_max / lr = {steps} steps is too many (<= 200000)")
    if widths and max(widths) * samples * steps > 4e12:
        raise InvalidInput("width x samples x steps must be <= 4e12 (hours of computing)")
    rec_steps = sorted({min(steps, max(1, int(round(t / lr)))) for t in (record_times or [t_max])})
    runs = []
    for i in range(seeds):
        rng, X, dk = _replica(kind, samples, dim, seed, i, kernel)
        lam_max = float(dk.lam[-1])
        if lr * lam_max >= 2:
            raise InvalidInput(f"lr = {lr:g} is unstable on this sample: lr lam_max = {lr * lam_max:.3g} >= 2")
        ker_loss = dk.loss(np.arange(steps + 1), lr)
        for m in widths:
            if progress:
                progress(f"seed {i + 1}/{seeds}, width {m}: {steps} steps on {samples} points")
            net = tl.TwoLayerNet.init(dim, m, alpha=sc.alpha(m), beta2=sc.beta2, input_bias=sc.input_bias,
                                      lr_w=sc.lr_w, seed=int(rng.integers(2**31)))
            W0, a0 = net.W.astype(np.float64), net.a.astype(np.float64)
            disp, resid = {}, {}
            stride = max(1, int(math.ceil(steps * samples / 2e7)))     # residuals kept: <= 80 MB per run

            def cb(step, nt, r, W0=W0, a0=a0, disp=disp, resid=resid, stride=stride):
                if step in rec_steps:
                    disp[step] = (float(np.linalg.norm(nt.W.astype(np.float64) - W0)) / sc.sigma_w1,
                                  float(np.linalg.norm(nt.a.astype(np.float64) - a0)))
                if step % stride == 0:
                    resid[step] = r.copy()
            losses = np.array(net.train(X, dk.y, lr, steps, callback=cb), dtype=float)
            dev = np.abs(losses / ker_loss - 1.0)
            hit = np.nonzero(dev >= tol)[0]
            # departure: from s_tol on the deviation stays >= tol (early excursions that come back, from the
            # kernel's fluctuation at initialisation, are reported as first_crossing but are not departures)
            t_tol = departure_time(losses / ker_loss, lr, tol)
            extra = {}
            if bands:
                s_tol = None if t_tol is None else int(math.ceil(t_tol / lr))
                s_b = (s_tol if s_tol is not None else steps) // stride * stride
                extra = {"bands": _band_deviation(resid[s_b], dk, s_b, lr), "bands_time": s_b * lr}
            runs.append(HorizonRun(
                seed=i, width=m, loss=losses, kernel_loss=ker_loss, t_tol=t_tol,
                first_crossing=None if not hit.size else int(hit[0]) * lr, deviation=dev,
                displacement={s: {"measured": disp[s], "kernel_on_data": dk.displacement(s, lr)}
                              for s in rec_steps if s in disp}, **extra))
    return HorizonSimulation(dim=dim, kernel=kernel.network.describe(), target=target.describe(),
                             widths=tuple(widths), samples=samples, seeds=seeds, seed=seed, lr=lr, steps=steps,
                             t_max=steps * lr, tol=tol, runs=tuple(runs))


def _band_deviation(r_net, dk, s, lr) -> tuple:
    """Per band b of G's eigenvectors (largest eigenvalues first): |P_b (r_net - r_ker)| / |P_b y|.

    The deviation is measured in units of the band's share of the target, so bands can be compared.
    Returns (band label, (lam_min, lam_max), relative deviation or None) per band.
    """
    import numpy as np

    r_ker = dk.residual(s, lr)
    diff = dk.V.T @ (np.asarray(r_net, dtype=float) - r_ker)
    learned = dk.c                                       # V^T y
    out = []
    n = dk.n
    for lo, hi in _BANDS:
        if lo >= n:
            break
        hi_ = n if hi is None else min(hi, n)
        idx = slice(n - hi_, n - lo)                     # eigh sorts ascending: the top band is at the end
        nb = float(np.linalg.norm(learned[idx]))
        out.append((f"{lo + 1}-{hi_}", (float(dk.lam[n - hi_]), float(dk.lam[n - lo - 1])),
                    float(np.linalg.norm(diff[idx])) / nb if nb > 0 else None))
    return tuple(out)


@dataclass(frozen=True)
class StaticDeparture:
    """t_tol of the linearised width-m network with its own initial tangent kernel (:func:`static_departure`);
    ``note`` says why nothing was computed."""

    width: int
    t_tol_per_seed: tuple = ()
    t_tol_seed_averaged: float | None = None
    t_limit: float | None = None
    note: str = ""


def static_departure(kernel, dim: int, target, width: int, *, samples: int = 1000, seeds: int = 2, seed: int = 0,
                     lr: float | None = None, t_max: float = 400.0, tol: float = 0.1, horizon_factor: float = 20.0,
                     progress=None) -> StaticDeparture:
    """Departure time caused by the kernel's fluctuation at initialisation alone, computed at ``width``.

    The linearised (lazy) network of width m trains with its own empirical tangent kernel at
    initialisation, Theta_0 (O(1/sqrt(m)) away from the limit; Bordelon & Pehlevan 2023 study its
    effect on learning curves): L_lin(s) = 1/(2n) sum_i (v_i . y)^2 (1 - eta lam_i)^(2s) with the
    eigenpairs of Theta_0/n. Its departure from the infinite-width kernel curve on the same data
    (replica i uses the same data as :func:`simulate_horizon` with the same ``seed``) is computed
    directly at the requested width, up to ``horizon_factor`` x t_max; training-time changes of the
    kernel (the O(1/m) effects of Dyer & Gur-Ari 2019) are left out, so this is one part of t_tol.
    Cost O(n^2 m) for the Gram matrix; refused above 1.5 GB.
    """
    import numpy as np

    from asympt.kernels.kernel import check_kernel
    from asympt.numerics import twolayer as tl

    kernel = check_kernel(kernel)
    target = resolve_target(kernel, target)
    kind = teacher_kind(target)
    width = check_int("width", width, minimum=2, maximum=10**6)
    if width % 2:
        raise InvalidInput(f"width must be even (antisymmetric initialisation): {width}")
    if 8.0 * samples * width * 3 > MAX_BYTES:
        return StaticDeparture(width, note=f"width {width} x {samples} samples needs more than "
                                           f"{MAX_BYTES / 1e9:g} GB: not computed")
    sc = trainer_scales(kernel)
    lr = 1.0 / float(kernel.value_at_one) if lr is None else check_float("lr", lr)
    s_max = int(math.ceil(horizon_factor * t_max / lr))
    steps = np.arange(s_max + 1)
    t_tols, ratios = [], []
    for i in range(seeds):
        rng, X, dk = _replica(kind, samples, dim, seed, i, kernel, layers=False)
        if progress:
            progress(f"seed {i + 1}/{seeds}: empirical tangent kernel at width {width}")
        net = tl.TwoLayerNet.init(dim, width, alpha=sc.alpha(width), beta2=sc.beta2, input_bias=sc.input_bias,
                                  lr_w=sc.lr_w, seed=int(rng.integers(2**31)))
        lam, V = np.linalg.eigh(net.tangent_gram(X) / samples)
        lin = DataKernel.from_spectrum(lam, V.T @ dk.y, samples)
        ratio = lin.loss(steps, lr) / dk.loss(steps, lr)
        t_tols.append(departure_time(ratio, lr, tol))
        ratios.append(ratio)
    return StaticDeparture(width=width, t_tol_per_seed=tuple(t_tols),
                           t_tol_seed_averaged=departure_time(np.mean(ratios, axis=0), lr, tol), t_limit=s_max * lr)
