"""Nystrom eigenvalues of a dot-product kernel on sampled points of the sphere.

For N points x_i drawn from the uniform probability measure on S^(d-1), the eigenvalues of the
scaled Gram matrix K_ij / N, K_ij = k(x_i . x_j), converge to the eigenvalues of the integral
operator f -> E_y[k(x.y) f(y)], i.e. to mu_k repeated N(d, k) times (Koltchinskii & Gine 2000).
This is the independent side of the spectrum checks: it shares no formula with the Funk-Hecke
route (no Gegenbauer polynomials, no quadrature), only the kernel's values.

The Gram matrix is built in row blocks (``chunk`` rows at a time) through the kernel's vectorized
evaluator, so the temporary memory is chunk x N floats on top of the N x N matrix; LAPACK
(``scipy.linalg.eigh``) gives the eigenvalues, only the top ``n_top`` when that is asked.

Two eigensolvers: LAPACK's divide and conquer (all pairs) for small problems, and for the leading
``n_top`` pairs of a large Gram matrix a block subspace iteration with Rayleigh-Ritz (Rutishauser 1970;
Halko, Martinsson & Tropp 2011), which runs on matrix products only (BLAS 3) and returns the residual
norm ||K v - lambda v|| of every Ritz pair, a rigorous bound on the distance of lambda to the spectrum.

Data in R^d (theory section 8): :func:`euclidean_gram` evaluates the network kernel off the sphere.
For a two-layer network whose activation is positively homogeneous of degree a (x_+^a, ReLU, step,
leaky ReLU, |x|) with first-layer bias, x~ = (x, sigma_b1/sigma_w1) gives

    Theta(x, x') = (|x~| |x~'|)^a k_0(x~.x~' / (|x~| |x~'|)) + sigma_b2^2,

k_0 the same network's kernel without biases (all layers or only the last one trained); for erf the
two-layer dual maps with unequal variances are used (Williams 1997). Both are checked against the
empirical NTK of finite networks in the tests.

Entry points: :func:`sample_sphere`, :func:`nystrom_eigenvalues`, :func:`degree_blocks`,
:func:`top_eigenpairs`, :func:`euclidean_gram`.
"""

from __future__ import annotations

import numpy as np

from .data import sample_sphere  # noqa: F401  (re-exported: the sampler of the spectrum checks)

__all__ = ["degree_blocks", "euclidean_gram", "nystrom_eigenvalues", "sample_sphere", "top_eigenpairs"]


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


def top_eigenpairs(A: np.ndarray, n_top: int, *, seed=0, tol: float = 1e-6, max_iter: int = 12,
                   overwrite: bool = False, dense_limit: int = 3000):
    """The ``n_top`` largest eigenpairs of the symmetric positive semi-definite matrix A.

    Returns ``(values, vectors, residuals)``, values in decreasing order, vectors (N, n_top) orthonormal,
    residuals[i] = ||A v_i - values[i] v_i||_2 (each value lies within its residual of an eigenvalue of A).
    Small problems (N <= ``dense_limit`` or n_top > N / 3) use LAPACK's ``syevd`` on the whole matrix; larger ones a
    block subspace iteration with p = 2 n_top + 20 columns, stopped when none of the top values changes
    by more than ``tol`` (relative to itself) between sweeps.
    """
    from scipy.linalg import eigh

    N = A.shape[0]
    n_top = int(min(n_top, N))
    if N <= dense_limit or 3 * n_top > N:
        vals, vecs = eigh(A, driver="evd", overwrite_a=overwrite, check_finite=False)
        vals, vecs = vals[::-1][:n_top].copy(), vecs[:, ::-1][:, :n_top].copy()
        # LAPACK's backward-stable solver: residuals of order N eps ||A||
        return vals, vecs, np.full(n_top, N * np.finfo(float).eps * max(abs(vals[0]), 1e-300))
    p = min(N, 2 * n_top + 20)
    rng = np.random.default_rng(seed)
    # Sweeps in float32 (half the time and memory traffic of float64; the subspace only has to be
    # approximately right), orthonormalised by Cholesky-QR, until the Ritz values settle to 1e-4;
    # then float64 sweeps until they change by less than ``tol``, and the float64 Rayleigh-Ritz
    # values and residuals, which bound the error rigorously whatever the sweeps did.
    A32 = A.astype(np.float32)
    Q = _orthonormal(A32 @ rng.standard_normal((N, p)).astype(np.float32))
    old = None
    for _ in range(max_iter):
        Y = A32 @ Q
        w = np.linalg.eigvalsh((Q.T @ Y).astype(float))[::-1][:n_top]
        Q = _orthonormal(Y)
        if old is not None and np.max(np.abs(w - old) / np.abs(w)) <= 1e-4:
            break
        old = w
    del A32
    Q = Q.astype(float)
    old = None
    for _ in range(max_iter):
        AQ = A @ Q
        w, S = eigh(Q.T @ AQ)
        w = w[::-1]
        if old is not None and np.max(np.abs(w[:n_top] - old[:n_top]) / np.abs(w[:n_top])) <= tol:
            break
        old = w
        Q = _orthonormal(AQ)
    w, S = w[:n_top], S[:, ::-1][:, :n_top]
    V = Q @ S
    res = np.linalg.norm(AQ @ S - V * w, axis=0)
    return w.copy(), V, res


def _orthonormal(Y):
    """Orthonormal basis of the columns of Y: Cholesky-QR twice (BLAS 3), Householder QR as fallback."""
    try:
        for _ in range(2):
            G = Y.T @ Y
            R = np.linalg.cholesky(G).T
            from scipy.linalg import solve_triangular

            Y = solve_triangular(R, Y.T, trans="T", lower=False).T
        return Y
    except np.linalg.LinAlgError:
        return np.linalg.qr(Y)[0]


def _check_r_d(net):
    """The R^d kernels below cover 2-layer networks trained on all parameters or on the last layer."""
    from asympt.core.errors import NotSupported

    if net.layers != 2:
        raise NotSupported("data in R^d: the kernel off the sphere is implemented for 2-layer networks only")
    if getattr(net, "layer_weights", None) is not None:
        raise NotSupported("data in R^d: layer-weighted kernels are not implemented off the sphere")
    allowed = ({(1, "w"), (1, "b"), (2, "w"), (2, "b")}, {(2, "w"), (2, "b")}, {(2, "w")})
    if set(net.train) not in allowed:
        raise NotSupported("data in R^d: train all parameters (train='all') or the last layer (train='last')")


def _homogeneous_parts(kernel):
    """(k_0, a, ratio, readout_bias^2) of the factorisation above."""
    from asympt.kernels.networks import ntk

    net = kernel.network
    act = net.activation
    _check_r_d(net)
    layer1 = {p for l, p in net.train if l == 1}
    train = "all" if layer1 else ("last" if (2, "b") in net.train else "last-weights")
    a = act.degree
    k0 = ntk(act, 2, sigma_w=list(net.sigma_w), sigma_b=[0, 0], train=train, convention=net.convention)
    ratio = float(net.sigma_b[0] / net.sigma_w[0])
    rb2 = float(net.sigma_b[1]) ** 2 if (2, "b") in net.train else 0.0
    return k0, float(a), ratio, rb2


def euclidean_gram(kernel, X: np.ndarray, Y: np.ndarray | None = None, chunk: int = 1024) -> np.ndarray:
    """Gram matrix Theta(x_i, y_j) of a 2-layer network kernel for inputs anywhere in R^d.

    Homogeneous activations use the factorisation of the module docstring; erf uses
    V(q, q', c) = (2/pi) asin(2c / sqrt((1 + 2q)(1 + 2q'))) and
    Vd(q, q', c) = (4/pi) ((1 + 2q)(1 + 2q') - 4c^2)^(-1/2), with c = sigma_w1^2 x.x' + sigma_b1^2.
    """
    from asympt.core.errors import NotSupported

    net = kernel.network
    act = net.activation
    X = np.asarray(X, dtype=float)
    same = Y is None
    Y = X if Y is None else np.asarray(Y, dtype=float)
    out = np.empty((X.shape[0], Y.shape[0]))
    if act.family == "homogeneous" and act.degree is not None:
        k0, a, ratio, rb2 = _homogeneous_parts(kernel)
        rx = np.sqrt(np.sum(X * X, axis=1) + ratio ** 2)
        ry = np.sqrt(np.sum(Y * Y, axis=1) + ratio ** 2)
        for start in range(0, X.shape[0], chunk):
            stop = min(X.shape[0], start + chunk)
            R = np.outer(rx[start:stop], ry)
            U = np.clip((X[start:stop] @ Y.T + ratio ** 2) / R, -1.0, 1.0)
            if same:  # x~.x~ / |x~|^2 = 1 exactly; rounding would cost half the digits of sqrt(1 - u^2)
                U[np.arange(stop - start), np.arange(start, stop)] = 1.0
            out[start:stop] = R ** a * k0(U) + rb2
        return out
    if act.name == "erf" and net.layers == 2:
        # Not a copy of the formula side's erf dual map (asympt.kernels.dual_kernels), which takes equal
        # variances q = q' (on the sphere every input has the same norm): off the sphere each input has its
        # own variance, so Williams' (1997) two-variance form is needed, vectorised over a Gram block. It is
        # checked against the empirical NTK of finite erf networks (tests/check/test_check_data.py) and
        # reduces to the sphere kernel on unit inputs.
        sw1, sb1, sw2, sb2 = (float(v) for v in (net.sigma_w[0], net.sigma_b[0], net.sigma_w[1], net.sigma_b[1]))
        _check_r_d(net)
        layer1 = {p for l, p in net.train if l == 1}
        qx = 1 + 2 * (sw1 ** 2 * np.sum(X * X, axis=1) + sb1 ** 2)
        qy = 1 + 2 * (sw1 ** 2 * np.sum(Y * Y, axis=1) + sb1 ** 2)
        for start in range(0, X.shape[0], chunk):
            stop = min(X.shape[0], start + chunk)
            C = sw1 ** 2 * (X[start:stop] @ Y.T) + sb1 ** 2
            Q = np.outer(qx[start:stop], qy)
            block = sw2 ** 2 * (2 / np.pi) * np.arcsin(np.clip(2 * C / np.sqrt(Q), -1, 1))
            if (2, "b") in net.train:
                block += sb2 ** 2
            if layer1:
                block += C * sw2 ** 2 * (4 / np.pi) / np.sqrt(np.maximum(Q - 4 * C * C, 1e-300))
            out[start:stop] = block
        return out
    raise NotSupported(f"data in R^d: no kernel off the sphere for activation {act.name!r} "
                       "(2-layer homogeneous activations and erf are supported)")
