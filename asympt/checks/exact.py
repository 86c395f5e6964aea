"""The exact (population) side of ``asympt check`` on the uniform sphere: Funk-Hecke mu_k with
multiplicities, the target's per-degree energies and the exact loss curve, the closed-form nu and the
predicted loss law."""

from __future__ import annotations

import math
from dataclasses import dataclass

from asympt.core.errors import NotSupported

__all__ = ["FAR", "Population", "closed_nu", "far_factor", "population", "predicted_law"]


@dataclass
class Population:
    """Exact mu_k (and target energies) on S^(dim-1); eigenvalues with multiplicity are indexed lazily
    through the cumulative multiplicities (no array of size sum N(d, k) is built)."""

    dim: int
    mus: list  # mu_0..mu_K (floats)
    energies: list  # e_0..e_K (floats) or None
    tail: float  # energy beyond K
    block_mu: object  # nonzero mu_k sorted decreasing
    block_end: object  # cumulative multiplicities of those blocks (float64)

    @property
    def count(self) -> float:
        return float(self.block_end[-1]) if len(self.block_end) else 0.0

    def at(self, n):
        """The n-th largest eigenvalue (1-based, with multiplicity); 0 beyond the computed degrees."""
        import numpy as np

        n = np.asarray(n, dtype=float)
        b = np.searchsorted(self.block_end, n, side="left")
        out = np.zeros(n.shape)
        ok = b < len(self.block_mu)
        out[ok] = self.block_mu[b[ok]]
        return out

    def curve(self, times):
        import numpy as np

        mu = np.asarray(self.mus)
        e = np.asarray(self.energies)
        t = np.asarray(times, dtype=float)[:, None]
        return 0.5 * np.sum(e[None, :] * np.exp(-2 * mu[None, :] * t), axis=1) + 0.5 * self.tail


def population(kernel, dim, target, count: float, kmax_cap: int = 3000):
    """Exact mu_k (and target energies) on S^(dim-1) up to the degree where ``count`` nonzero
    eigenvalues (with multiplicity) are reached (parity zeros allowed for: twice that)."""
    import warnings

    import numpy as np

    from asympt.core.sphere import multiplicity
    from asympt.spectrum import eigenvalues

    K, total = 0, 0
    while total < 2 * count and K < kmax_cap:
        total += multiplicity(dim, K)
        K += 1
    K = max(K, 8)
    with warnings.catch_warnings():  # the float64 tier's error bars are used below instead
        warnings.simplefilter("ignore")
        spec = eigenvalues(kernel, dim, K, tier="float64", digits=4)
    mus = []
    for e in spec:  # stop where the float64 error bar exceeds 1e-3 of mu_k (cancellation at large k)
        v = float(e)
        if v != 0 and float(e.abs_error) > 1e-3 * abs(v):
            break
        mus.append(max(0.0, v))
    K = len(mus) - 1
    nz = [(m, float(multiplicity(dim, k))) for k, m in enumerate(mus) if m > 0]
    nz.sort(key=lambda p: -p[0])
    block_mu = np.asarray([m for m, _ in nz])
    block_end = np.cumsum([c for _, c in nz]) if nz else np.zeros(0)
    energies, tail = None, 0.0
    if target is not None:
        from asympt.numerics.data import sampled_degree_cap
        from asympt.targets import Sobolev

        energies = [float(e) for e in target.energies(dim, K, dps=15)]
        if isinstance(target, Sobolev):
            # the sampled realisation stops at degree cap: the exact side describes that function
            cap = sampled_degree_cap(dim)
            energies = [e if k <= cap else 0.0 for k, e in enumerate(energies)]
            ss, T = float(target.s), float(target.T)
            tail = T * ((K + 1) ** (-2 * ss) - (cap + 1) ** (-2 * ss)) if cap > K else 0.0
        else:
            tail = max(0.0, float(target.norm2_mp(dim, 20)) - math.fsum(energies))
    return Population(dim, mus, energies, tail, block_mu, block_end)


FAR = (1024, 256, 64, 16, 4)


def far_factor(pop, hi):
    """The largest factor F in 1024, 256, 64, 16, 4 for which the exact spectrum covers the window moved
    F times further out in the eigen-index (with a 4x margin for the loss curve's learning front). At
    F = 4 the far movement is measured against the window itself (F / 4 = 1): the whole shift."""
    for f in FAR:
        if pop is not None and pop.count >= 4 * f * hi:
            return f
    return None


def predicted_law(kernel, dim, target, data):
    """The predicted loss law, or None when asympt does not derive one (the checks that need it skip)."""
    from asympt.laws.loss import loss_law

    try:
        return loss_law(kernel, dim, target, data="euclidean" if data in ("gaussian", "cube") else "sphere")
    except NotSupported:
        return None


def closed_nu(kernel, dim, data):
    """Closed-form eigen-index exponent nu (None when the decay is not a power law)."""
    import sympy

    from asympt.laws.decay import decay_law

    if data in ("gaussian", "cube"):
        plus = kernel.singular(1)
        if not plus.terms:
            return None
        gam = plus.leading.exponent
        return sympy.nsimplify((dim + 2 * gam) / sympy.Integer(dim))
    dl = decay_law(kernel, dim)
    return dl.nu if dl.kind == "power" else None


