"""The infinite-width kernel on a fixed training sample: the kernel-regime curves on the same data.

Formula side evaluated on a sample: asympt's kernel on the points X, eigendecomposed in float64.
On n samples the displacement of :mod:`asympt.dynamics.displacement` becomes, with the Gram matrices
G = n V diag(lam) V^T and G_l, D_l^2 = z^T (V^T G_l V / n) z / n, z_i = (1 - (1 - eta lam_i)^s) (v_i . y) / lam_i.
"""

from __future__ import annotations

import math

from .displacement import layer_kernels

__all__ = ["DataKernel"]



class DataKernel:
    """The infinite-width kernel on a fixed sample X (n x d, rows on the sphere) with targets y.

    Eigendecomposition G / n = V diag(lam) V^T (float64); the kernel-regime gradient-descent curves on
    the same data: loss(s) = 1/(2n) sum_i c_i^2 (1 - eta lam_i)^(2s), c = V^T y (f_0 = 0), the
    integrated residual R(s) = eta sum_{u<s} r_u and each layer's displacement (module docstring).
    """

    def __init__(self, kernel, X, y, *, layers: bool = True):
        import numpy as np

        X = np.asarray(X, dtype=float)
        self.n = X.shape[0]
        U = np.clip(X @ X.T, -1.0, 1.0)
        G = kernel(U)
        self.lam, self.V = np.linalg.eigh(G / self.n)
        self.lam = np.clip(self.lam, 0.0, None)          # rounding can make tiny eigenvalues negative
        self.y = np.asarray(y, dtype=float)
        self.c = self.V.T @ self.y
        self.layer_M = {}
        if layers:
            for l, kl in layer_kernels(kernel):
                self.layer_M[l] = self.V.T @ (kl(U) / self.n) @ self.V
        self.U = U

    @classmethod
    def from_spectrum(cls, lam, c, n: int) -> "DataKernel":
        """A kernel on n samples given only by its eigenvalues ``lam`` (of G/n) and c = V^T y: the loss
        curve is available, the displacement and residuals are not (no eigenvectors)."""
        import numpy as np

        self = cls.__new__(cls)
        self.n, self.lam, self.c = n, np.clip(np.asarray(lam, dtype=float), 0.0, None), np.asarray(c, dtype=float)
        self.V = self.U = self.y = None
        self.layer_M = {}
        return self

    def loss(self, steps, lr):
        """Kernel-regime loss 1/(2n) |r_s|^2 at the step counts ``steps`` (array)."""
        import numpy as np

        s = np.asarray(steps, dtype=float)
        base = np.abs(1.0 - lr * self.lam)[None, :]
        c2 = self.c**2
        out = np.empty(s.size)
        chunk = max(1, int(2e6 // self.n))               # bounded memory: chunk x n at a time
        for i in range(0, s.size, chunk):
            out[i:i + chunk] = (base ** (2 * s[i:i + chunk, None]) * c2).sum(axis=1)
        return 0.5 * out / self.n

    def _z(self, s, lr):
        import numpy as np

        lam = self.lam
        with np.errstate(divide="ignore", invalid="ignore"):
            z = np.where(lam > 1e-14, (1.0 - (1.0 - lr * lam) ** s) / np.where(lam > 1e-14, lam, 1.0), lr * s)
        return z * self.c

    def displacement(self, s, lr) -> dict:
        """{l: D_l} after s steps of GD with step lr, on this sample."""
        z = self._z(s, lr)
        return {l: math.sqrt(max(float(z @ M @ z) / self.n, 0.0)) for l, M in self.layer_M.items()}

    def integrated_residual(self, s, lr):
        """R(s) = eta sum_{u<s} r_u (r = f - y) in data coordinates."""
        return -(self.V @ self._z(s, lr))

    def residual(self, s, lr):
        return -(self.V @ ((1.0 - lr * self.lam) ** s * self.c))

