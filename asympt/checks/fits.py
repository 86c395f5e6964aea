"""The measured side's numerics of ``asympt check``: power-law fits, eigen-decompositions of the sampled
Gram matrix and its subsamples, the fit window, and the memory estimate."""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["Sample", "decompose", "default_gram", "estimate_memory", "fit_power", "index_fit", "n_top",
           "symmetrise", "time_fit", "window"]


def fit_power(x, y, lo, hi, npts: int = 40):
    """Exponent p of y ~ c x^-p fitted over lo <= x <= hi on ``npts`` geometric points (x increasing).

    For integer index arrays (x = 1, 2, ...) the points are rounded to distinct indices. Returns
    (p, c) or (nan, nan) when the window holds fewer than 5 points.
    """
    import numpy as np

    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    grid = np.geomspace(lo, hi, npts)
    idx = np.unique(np.clip(np.searchsorted(x, grid), 0, len(x) - 1))
    idx = idx[(x[idx] >= lo * (1 - 1e-12)) & (x[idx] <= hi * (1 + 1e-12)) & (y[idx] > 0)]
    if idx.size < 5:
        return float("nan"), float("nan")
    slope, icpt = np.polyfit(np.log(x[idx]), np.log(y[idx]), 1)
    return float(-slope), float(math.exp(icpt))


def index_fit(value_at, lo, hi, npts: int = 40):
    """Exponent of lambda_n ~ n^-p over the eigen-index window [lo, hi]; ``value_at`` maps an integer
    array of 1-based indices to eigenvalues. The same index points are used for every spectrum."""
    import numpy as np

    n = np.unique(np.clip(np.ceil(np.geomspace(lo, hi, npts) - 1e-9), lo, hi)).astype(np.int64)
    v = np.asarray(value_at(n), dtype=float)
    keep = v > 0
    if keep.sum() < 5:
        return float("nan")
    return float(-np.polyfit(np.log(n[keep]), np.log(v[keep]), 1)[0])


def time_fit(curve, t_lo, t_hi, npts: int = 40):
    import numpy as np

    t = np.geomspace(t_lo, t_hi, npts)
    L = np.asarray(curve(t), dtype=float)
    keep = L > 0
    if keep.sum() < 5:
        return float("nan")
    return float(-np.polyfit(np.log(t[keep]), np.log(L[keep]), 1)[0])


def estimate_memory(n: int) -> float:
    """Peak resident bytes of the sampled checks at N = ``n``: the Gram matrix, the eigensolver's copies
    and workspace, one N/2 sub-matrix with its eigenvectors, and ~150 MB of interpreter and libraries
    (measured peak RSS: 248 MB at N = 2000, estimate 282 MB; tests/benchmarks/bench_check.py records N = 8000)."""
    full = 8.0 * n * n
    if n <= 3000:
        solver = 2.5 * full  # syevd: eigenvectors + workspace
    else:
        p = 2 * (n // 10) + 20
        solver = 0.5 * full + 3 * 8.0 * n * p  # float32 copy + subspace blocks
    half = 8.0 * (n // 2) ** 2
    return full + solver + 2.5 * half + 150e6


# ---- samples -------------------------------------------------------------------------------------

@dataclass
class Sample:
    """Eigen-decomposition of one sample: values (decreasing), target energies on the eigenvectors."""

    N: int
    vals: object
    coef2: object
    rest: float  # energy (1/N |y|^2 units) outside the computed eigenvectors
    lam_floor: float
    complete: bool

    def at(self, n):
        import numpy as np

        n = np.asarray(n, dtype=np.int64)
        out = np.zeros(n.shape)
        ok = n <= len(self.vals)
        out[ok] = self.vals[n[ok] - 1]
        return out

    def curve(self, times):
        """L_N(t) from the computed eigenpairs (midpoint), and the half-width of the bracket that the
        eigenpairs not computed leave."""
        import numpy as np

        t = np.asarray(times, dtype=float)[:, None]
        main = 0.5 * np.sum(self.coef2[None, :] * np.exp(-2 * self.vals[None, :] * t), axis=1)
        hi = main + 0.5 * self.rest
        lo = main + 0.5 * self.rest * np.exp(-2 * self.lam_floor * t[:, 0])
        return (hi + lo) / 2, (hi - lo) / 2

    def resolves(self, t_hi):
        """True when the pairs not computed change L_N(t) by at most 1 % up to ``t_hi``."""
        if self.complete:
            return True
        mid, half = self.curve([t_hi])
        return bool(half[0] <= 0.01 * mid[0])


def decompose(K, y, n_top=None, seed=0) -> Sample:
    """Eigenpairs of K (already divided by its size) and the target's energies on them."""
    import numpy as np

    from asympt.numerics.nystrom import top_eigenpairs

    N = K.shape[0]
    n_top = N if n_top is None else n_top
    vals, vecs, _res = top_eigenpairs(K, n_top, seed=seed)
    c = (vecs.T @ y) / math.sqrt(N)
    total = float(y @ y) / N
    rest = max(0.0, total - float(c @ c))
    complete = vecs.shape[1] == N
    return Sample(N, np.maximum(vals, 0.0), c * c, 0.0 if complete else rest,
                   float(vals[-1]) if not complete else 0.0, complete)


def n_top(size: int, full: int | None = None):
    """How many eigenpairs to compute: all (dense LAPACK) up to 4000 points (3000 for a subsample), else
    the top tenth of the full sample (what the window N/20 and the loss bracket need)."""
    if full is None:
        return None if size <= 4000 else max(size // 10, 50)
    return None if size <= 3000 else max(full // 10, 50)


def default_gram(kernel, X, euclid):
    from asympt.numerics.nystrom import euclidean_gram
    from asympt.numerics.nystrom import gram as sphere_gram

    return euclidean_gram(kernel, X) if euclid else sphere_gram(kernel, X)


def symmetrise(K, chunk: int = 1024):
    """K <- (K + K^T) / 2 in place, block by block (no second N x N array)."""
    n = K.shape[0]
    for i in range(0, n, chunk):
        a = slice(i, min(n, i + chunk))
        for j in range(i, n, chunk):
            b = slice(j, min(n, j + chunk))
            avg = (K[a, b] + K[b, a].T) / 2
            K[a, b] = avg
            K[b, a] = avg.T


def window(n_points: int, dim_int: int, samples=()):
    """Eigen-index window [max(D_2, N/100), N/20] (see the module docstring), ended earlier where any
    sample's eigenvalues reach the eigensolver's round-off (1e3 size eps lambda_1); None when shorter
    than a factor 4."""
    import numpy as np

    from asympt.core.sphere import cumulative_multiplicity

    hi = n_points // 20
    for s in samples:
        v = np.asarray(s.vals[:hi])
        above = np.flatnonzero(v > 1e3 * s.N * np.finfo(float).eps * max(v[0] if v.size else 0.0, 1e-300))
        hi = min(hi, int(above[-1]) + 1 if above.size else 0)
    lo = max(cumulative_multiplicity(dim_int, 2), n_points // 100)
    return (lo, hi) if hi >= 4 * lo else None


