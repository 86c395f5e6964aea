"""Sampled data and sampled targets for the cross-checks.

Data distributions (all seeded through ``numpy.random.default_rng``):

* ``sphere``: uniform probability measure on S^(d-1) (normalised Gaussians);
* ``vmf``: a mixture of three von Mises-Fisher laws on S^(d-1) (concentrations 2, 5 and 10, random
  mean directions, equal weights). Its density is smooth and positive everywhere, so by the
  universality argument of theory section 8 the eigenvalue and loss exponents are those of the
  uniform sphere; only constants change. vMF samples use Wood's (1994) rejection sampler for the
  cosine to the mean direction;
* ``gaussian``: standard Gaussian in R^d; ``cube``: uniform on [-1, 1]^d. These need a network with
  a first-layer bias (theory section 8: x -> (x, sigma_b/sigma_w) puts the data on a piece of S^d).

Targets are evaluated on the samples from their definition, never from their spherical-harmonic
energies (except the Sobolev class, which *is* defined by its energies: one random function of the
class is drawn, with the degree-k part a random zonal harmonic of exactly the class energy e_k).

Entry points: :func:`sample`, :func:`sample_sphere`, :func:`target_values`, :func:`gegenbauer_table`.
"""

from __future__ import annotations

import math

import numpy as np

from asympt.core.errors import InvalidInput

__all__ = ["DATA", "EUCLIDEAN", "gegenbauer_table", "sample", "sample_sphere", "sample_vmf", "sampled_degree_cap",
           "target_values"]

DATA = ("sphere", "vmf", "gaussian", "cube")
EUCLIDEAN = ("gaussian", "cube")


def _check(n, dim):
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise InvalidInput(f"number of points must be a positive integer: {n!r}")
    if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)) or dim < 2:
        raise InvalidInput(f"dimension must be an integer >= 2: {dim!r}")


def sample_sphere(n: int, dim: int, seed=0) -> np.ndarray:
    """n points uniform on S^(dim-1) (normalised Gaussians), shape (n, dim).

    The one sphere sampler of the measured side. ``seed`` is anything ``numpy.random.default_rng``
    takes: an int or a sequence of ints (a fresh generator, reproducible), or a ``Generator``, which is
    used as it is and advanced (successive draws from one generator differ).

    >>> X = sample_sphere(5, 3, seed=1)
    >>> bool(np.allclose(np.linalg.norm(X, axis=1), 1.0))
    True
    >>> rng = np.random.default_rng(0)
    >>> bool((sample_sphere(2, 3, rng) != sample_sphere(2, 3, rng)).all())
    True
    """
    _check(n, dim)
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, dim))
    return X / np.linalg.norm(X, axis=1, keepdims=True)


def sample_vmf(n: int, mean, kappa: float, rng) -> np.ndarray:
    """n points of the von Mises-Fisher law with unit ``mean`` and concentration ``kappa`` > 0.

    Wood (1994): the cosine w = x.mean has density proportional to exp(kappa w) (1 - w^2)^((d-3)/2),
    sampled by rejection from a Beta proposal; the tangential part is uniform on the orthogonal sphere.
    """
    mean = np.asarray(mean, dtype=float)
    d = mean.shape[0]
    b = (d - 1) / (2 * kappa + math.sqrt(4 * kappa ** 2 + (d - 1) ** 2))
    x0 = (1 - b) / (1 + b)
    c = kappa * x0 + (d - 1) * math.log(1 - x0 ** 2)
    w = np.empty(n)
    filled = 0
    while filled < n:
        m = 2 * (n - filled) + 16
        z = rng.beta((d - 1) / 2, (d - 1) / 2, size=m)
        ww = (1 - (1 + b) * z) / (1 - (1 - b) * z)
        accept = kappa * ww + (d - 1) * np.log(1 - x0 * ww) - c >= np.log(rng.uniform(size=m))
        got = ww[accept][: n - filled]
        w[filled:filled + got.size] = got
        filled += got.size
    v = rng.standard_normal((n, d))
    v -= np.outer(v @ mean, mean)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    return w[:, None] * mean[None, :] + np.sqrt(np.maximum(0.0, 1 - w ** 2))[:, None] * v


def sample(kind: str, n: int, dim: int, seed=0) -> np.ndarray:
    """n points of the data distribution ``kind`` (see :data:`DATA`) in dimension ``dim``.

    >>> X = sample("vmf", 4, 3, seed=1)
    >>> X.shape, bool(np.allclose(np.linalg.norm(X, axis=1), 1))
    ((4, 3), True)
    """
    _check(n, dim)
    rng = np.random.default_rng(seed)
    if kind == "sphere":
        return sample_sphere(n, dim, rng)
    if kind == "vmf":
        means = rng.standard_normal((3, dim))
        means /= np.linalg.norm(means, axis=1, keepdims=True)
        comp = rng.integers(0, 3, size=n)
        X = np.empty((n, dim))
        for j, kappa in enumerate((2.0, 5.0, 10.0)):
            idx = np.flatnonzero(comp == j)
            if idx.size:
                X[idx] = sample_vmf(idx.size, means[j], kappa, rng)
        return X
    if kind == "gaussian":
        return rng.standard_normal((n, dim))
    if kind == "cube":
        return rng.uniform(-1.0, 1.0, size=(n, dim))
    raise InvalidInput(f"unknown data distribution {kind!r}; expected one of {', '.join(DATA)}")


def gegenbauer_table(t: np.ndarray, dim: int, kmax: int) -> np.ndarray:
    """P_k^(d)(t) for k = 0..kmax (normalised P_k(1) = 1), shape (kmax + 1,) + t.shape.

    :func:`asympt.core.sphere.gegenbauer_table` (three-term recurrence) with the shape of ``t`` kept.

    >>> P = gegenbauer_table(np.array([0.3]), 3, 2)       # Legendre: 1, t, (3t^2 - 1)/2
    >>> np.round(P[:, 0], 12).tolist()
    [1.0, 0.3, -0.365]
    """
    from asympt.core.sphere import gegenbauer_table as table

    t = np.clip(np.asarray(t, dtype=float), -1.0, 1.0)  # dot products of unit vectors may round past +-1
    return table(dim, kmax, t.reshape(-1)).reshape((kmax + 1,) + t.shape)


def _neuron_values(act, z):
    from .np_activations import get_activation

    try:
        phi, _ = get_activation(act.name)
    except ValueError:  # an activation given as an expression: evaluate its (parsed) SymPy form
        import sympy

        from asympt.kernels.activations import x as _x

        phi = sympy.lambdify(_x, act.expr, modules="numpy")
    return np.broadcast_to(np.asarray(phi(z), dtype=float), z.shape)


def sampled_degree_cap(dim: int) -> int:
    """Highest degree of the sampled Sobolev realisation (its energy above it is not drawn)."""
    return {2: 2000, 3: 600, 4: 200}.get(dim, 100)


def target_values(target, X: np.ndarray, *, seed=0, kmax: int | None = None) -> np.ndarray:
    """Values of one function of the target class on the rows of X.

    * neuron: sigma(v.x), v the first coordinate vector (the data laws are rotation invariant or
      random, so any fixed direction is as good);
    * cap / halfspace: 1{v.x > cos theta0};
    * harmonic:K1,K2,..: sum_K sqrt(N(d, K)) P_K(v.x) (energy 1 on each listed degree);
    * sobolev:s: sum_k +-sqrt(e_k N(d, k)) P_k(v_(k mod 16).x), random signs and 16 random directions
      (degree k rides on direction k mod 16), truncated at ``kmax`` (default 600 on S^2, fewer in higher
      dimension); e_k are the class energies, so degree k carries exactly e_k.
    """
    from asympt.core.sphere import multiplicity
    from asympt.targets import Cap, Harmonic, Neuron, Sobolev

    X = np.asarray(X, dtype=float)
    n, dim = X.shape
    z = X[:, 0]
    if isinstance(target, (Harmonic, Sobolev)) and not np.allclose(np.sum(X * X, axis=1), 1.0, atol=1e-9):
        raise InvalidInput(f"target {target.spec!r} is defined on the sphere S^(d-1); the points are not unit vectors")
    if isinstance(target, Neuron):
        return np.asarray(_neuron_values(target.act, z), dtype=float)
    if isinstance(target, Cap):
        return (z > math.cos(float(target.theta0))).astype(float)
    if isinstance(target, Harmonic):
        P = gegenbauer_table(z, dim, max(target.degrees))
        return sum(math.sqrt(multiplicity(dim, k)) * P[k] for k in target.degrees)
    if isinstance(target, Sobolev):
        rng = np.random.default_rng(seed)
        if kmax is None:
            kmax = sampled_degree_cap(dim)
        ndir = 16
        V = rng.standard_normal((ndir, dim))
        V /= np.linalg.norm(V, axis=1, keepdims=True)
        signs = rng.choice((-1.0, 1.0), size=kmax + 1)
        s, T = float(target.s), float(target.T)
        y = np.zeros(n)
        for j in range(ndir):  # degrees k = j, j + 16, ... ride on direction v_j
            ks = np.arange(j, kmax + 1, ndir)
            ks = ks[ks >= 1]
            if not ks.size:
                continue
            P = gegenbauer_table(X @ V[j], dim, int(ks[-1]))
            for k in ks:
                e_k = T * (k ** (-2 * s) - (k + 1) ** (-2 * s))
                y += signs[k] * math.sqrt(e_k * multiplicity(dim, int(k))) * P[k]
        return y
    raise InvalidInput(f"no sampled realisation of target {target.spec!r} (neuron, halfspace, cap, harmonic, sobolev)")
