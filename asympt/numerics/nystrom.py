"""Nystrom eigenvalues of a dot-product kernel on sampled points of the sphere.

For N points x_i drawn from the uniform probability measure on S^(d-1), the eigenvalues of the
scaled Gram matrix K_ij / N, K_ij = k(x_i . x_j), converge to the eigenvalues of the integral
operator f -> E_y[k(x.y) f(y)], i.e. to mu_k repeated N(d, k) times (Koltchinskii & Gine 2000).
This is the independent side of the spectrum checks: it shares no formula with the Funk-Hecke
route (no Gegenbauer polynomials, no quadrature), only the kernel's values.

The Gram matrix is built in row blocks (``chunk`` rows at a time) through the kernel's vectorized
evaluator, so the temporary memory is chunk x N floats on top of the N x N matrix; LAPACK
(``scipy.linalg.eigh``) gives the eigenvalues, only the top ``n_top`` when that is asked.

Entry points: :func:`sample_sphere`, :func:`nystrom_eigenvalues`, :func:`degree_blocks`.
"""

from __future__ import annotations

import numpy as np

__all__ = ["degree_blocks", "nystrom_eigenvalues", "sample_sphere"]


def sample_sphere(n: int, dim: int, seed=0) -> np.ndarray:
    """n points uniform on S^(dim-1) (normalised Gaussians), shape (n, dim).

    >>> X = sample_sphere(5, 3, seed=1)
    >>> bool(np.allclose(np.linalg.norm(X, axis=1), 1.0))
    True
    """
    if n < 1 or dim < 2:
        raise ValueError(f"sample_sphere needs n >= 1 and dim >= 2: n={n!r}, dim={dim!r}")
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, dim))
    return X / np.linalg.norm(X, axis=1, keepdims=True)


def gram(kernel_fn, X: np.ndarray, chunk: int = 1024) -> np.ndarray:
    """K_ij = k(x_i . x_j) in row blocks; ``kernel_fn`` maps an array of u in [-1, 1] to k(u)."""
    n = X.shape[0]
    K = np.empty((n, n))
    for start in range(0, n, chunk):
        stop = min(n, start + chunk)
        U = np.clip(X[start:stop] @ X.T, -1.0, 1.0)
        K[start:stop] = kernel_fn(U)
    return K


def nystrom_eigenvalues(kernel_fn, X: np.ndarray, *, n_top: int | None = None, chunk: int = 1024) -> np.ndarray:
    """Eigenvalues of K/N in decreasing order (all, or the ``n_top`` largest)."""
    from scipy.linalg import eigh

    n = X.shape[0]
    K = gram(kernel_fn, X, chunk) / n
    K = (K + K.T) / 2  # exact symmetry for LAPACK
    if n_top is not None and n_top < n:
        vals = eigh(K, eigvals_only=True, subset_by_index=[n - n_top, n - 1])
    else:
        vals = eigh(K, eigvals_only=True)
    return vals[::-1].copy()


def degree_blocks(eigs: np.ndarray, multiplicities) -> list:
    """Split the leading eigenvalues into consecutive blocks of the given sizes; return block means.

    With mu_k sorted in decreasing order and distinct, block j of size N(d, k_j) estimates mu_(k_j).
    """
    out, pos = [], 0
    for m in multiplicities:
        if pos + m > len(eigs):
            break
        out.append(float(np.mean(eigs[pos:pos + m])))
        pos += m
    return out
