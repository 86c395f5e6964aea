"""A small, fast, vectorized two-layer network trained by full-batch gradient descent (numpy).

The Monte Carlo side of :mod:`asympt.dynamics`. The network is written in the scales of Luo, Xu, Ma &
Zhang (2021, JMLR 22(71), "Phase diagram for two-layer ReLU neural networks at infinite-width limit"):

    f(x) = (1/alpha) sum_{k=1}^m a_k s(w_k . x),     a_k ~ N(0, beta1^2),  w_k ~ N(0, beta2^2 I_d),

with x in R^d (normally on S^(d-1)); an optional input bias appends the constant coordinate
``input_bias`` to x (so it is trained with w). NTK parameterisation is alpha = sqrt(m), beta1 = beta2 = 1;
LeCun is alpha = 1, beta1 = m^-1/2, beta2 = d^-1/2.

Training: full-batch gradient descent on L = 1/(2n) sum_i (f(x_i) - y_i)^2 with learning rates
``lr * lr_a`` for a and ``lr * lr_w`` for W (plain GD: lr_a = lr_w = 1). Gradients (r = f(X) - y, H = X W^T):

    dL/da = s(H)^T r / (n alpha),     dL/dW = ((s'(H) * r a^T)^T X) / (n alpha),

two n x m x d products and two n x m products per step; float32 by default. The *antisymmetric*
initialisation draws m/2 neurons and appends copies with a -> -a and the same w, so f_0 = 0 (up to
rounding in the summation order, ~1e-8 in float32)
(Chizat, Oyallon & Bach 2019 use this doubling trick for lazy training).

The empirical tangent kernel (the quantity whose drift measures laziness) of the current parameters,
with the learning rates as layer weights, is

    Theta(x, x') = (1/alpha^2) [ lr_a s(w.x).s(w.x') + lr_w (x.x') sum_k a_k^2 s'(w_k.x) s'(w_k.x') ].

Per-degree measurement (:func:`degree_coefficients`): on fresh points, the residual is fitted by
least squares on zonal functions P_k(z_j . x) (random centres z_j, N(d,k) of them per degree k <= K,
which span the degree-k harmonics), and the degree-k part is projected on a given zonal direction using
the addition theorem <P_k(z.x), P_k(v.x)> = P_k(z.v)/N(d,k). Components above K only add noise.

Independence: numpy and scipy, the activations of :mod:`asympt.numerics.finite_net`, and from
:mod:`asympt.core.sphere` only the multiplicities N(d,k) and the Gegenbauer recurrence (through
:func:`asympt.numerics.data.gegenbauer_table`; harmonic-analysis facts tested on their own in
tests/test_sphere.py, and checked here by :class:`DegreeProjector` recovering known coefficients). It never
imports the formula side (kernels, spectra, laws), and the formula side never calls it: the rates it
measures are compared with mu_k from the exact or mpmath tiers of :mod:`asympt.spectrum`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from asympt.core.errors import InvalidInput
from asympt.core.sphere import multiplicity

from .data import gegenbauer_table, sample_sphere

__all__ = ["DegreeProjector", "TwoLayerNet", "activation_signs", "multiplicity", "sample_sphere", "teacher",
           "zonal_target"]


def teacher(kind: str, X, direction) -> np.ndarray:
    """Teacher values on the rows of X (float64): ``relu`` max(v.x, 0), ``halfspace`` 1[v.x > 0],
    ``sign`` sign(v.x) (labels +-1) or ``linear`` v.x, with v = ``direction`` (normalised here).

    >>> teacher("halfspace", np.array([[1.0, 0.0], [-1.0, 0.0]]), np.array([2.0, 0.0]))
    array([1., 0.])
    """
    v = np.asarray(direction, dtype=float)
    z = np.asarray(X, dtype=float) @ (v / np.linalg.norm(v))
    if kind == "relu":
        return np.maximum(z, 0.0)
    if kind == "halfspace":
        return (z > 0).astype(float)
    if kind == "sign":
        return np.where(z > 0, 1.0, -1.0)
    if kind == "linear":
        return z
    raise InvalidInput(f"teacher must be relu, halfspace, sign or linear: {kind!r}")


def activation_signs(net: "TwoLayerNet", X) -> np.ndarray:
    """Activation pattern 1[w_k.x_i (+ bias) > 0] of every neuron on every row of X (bool, n x m)."""
    return (net._inputs(X) @ net.W.T) > 0


@dataclass
class ZonalTarget:
    """y(x) = sum_k amp_k P_k(v_k . x): one zonal harmonic per degree (directions v_k on the sphere)."""

    dim: int
    degrees: tuple
    amplitudes: tuple
    directions: np.ndarray  # (len(degrees), dim)

    def __call__(self, X):
        X = np.asarray(X, dtype=float)
        kmax = max(self.degrees)
        y = np.zeros(X.shape[0])
        for j, (k, amp) in enumerate(zip(self.degrees, self.amplitudes)):
            y += amp * gegenbauer_table(X @ self.directions[j], self.dim, kmax)[k]
        return y

    def energy(self, j) -> float:
        """||amp P_k(v.x)||^2 in L^2(sigma) = amp^2 / N(d, k)."""
        return self.amplitudes[j] ** 2 / multiplicity(self.dim, self.degrees[j])


def zonal_target(dim: int, degrees, rng, norm: float = 0.5) -> ZonalTarget:
    """Target with one zonal harmonic per degree, each of L^2 norm ``norm`` (amp = norm sqrt(N(d,k)))."""
    degrees = tuple(int(k) for k in degrees)
    dirs = sample_sphere(len(degrees), dim, rng)
    amps = tuple(norm * math.sqrt(multiplicity(dim, k)) for k in degrees)
    return ZonalTarget(dim, degrees, amps, dirs)


class DegreeProjector:
    """Linear map r(X) -> coefficients c_j = <r_k, y_k> / ||y_k||^2 along each target term y_k.

    Built once for fresh points X (rows on the sphere): the degree <= kmax part of r is fitted by least
    squares on zonal functions with N(d,k) random centres per degree (see the module docstring), and
    the fit followed by the projection is one matrix V (terms x points), so c = V r. With r = -y (the
    residual of a zero network) every c_j is -1 up to rounding.
    """

    def __init__(self, X, target: ZonalTarget, kmax: int, rng):
        X = np.asarray(X, dtype=float)
        d = X.shape[1]
        if max(target.degrees) > kmax:
            raise InvalidInput(f"target degree {max(target.degrees)} exceeds the fitted degree kmax = {kmax}")
        cols, centres = [], []
        for k in range(kmax + 1):
            Z = sample_sphere(multiplicity(d, k), d, rng)
            cols.append(gegenbauer_table(X @ Z.T, d, k)[k])          # (points, N(d,k))
            centres.append(Z)
        A = np.concatenate(cols, axis=1)
        if A.shape[0] < 2 * A.shape[1]:
            raise InvalidInput(f"need at least {2 * A.shape[1]} fresh points for degree <= {kmax}: {A.shape[0]}")
        pinv = np.linalg.pinv(A)                               # (basis, points)
        starts = np.cumsum([0] + [c.shape[1] for c in cols])
        rows = []
        for j, (k, amp) in enumerate(zip(target.degrees, target.amplitudes)):
            # <sum_i b_i P_k(z_i.x), amp P_k(v.x)> = amp sum_i b_i P_k(z_i.v) / N(d,k)
            pk = gegenbauer_table(centres[k] @ target.directions[j], d, k)[k]
            rows.append(amp * (pk @ pinv[starts[k]:starts[k + 1]]) / multiplicity(d, k) / target.energy(j))
        self.matrix = np.array(rows)
        self.points = X

    def __call__(self, residual_values) -> np.ndarray:
        return self.matrix @ np.asarray(residual_values, dtype=float)


def _relu(x):
    return np.maximum(x, 0)


def _drelu(x):
    return (x > 0).astype(x.dtype)


def _derf(x):
    return x.dtype.type(2 / math.sqrt(math.pi)) * np.exp(-x * x)


def activation_functions(name: str):
    """(s, s') keeping the array's dtype (float32 stays float32); other names from np_activations."""
    key = name.strip().lower()
    if key == "relu":
        return _relu, _drelu
    if key == "erf":
        from scipy.special import erf

        return erf, _derf
    from .np_activations import get_activation

    return get_activation(name)


@dataclass
class TwoLayerNet:
    """f(x) = (1/alpha) sum_k a_k s(w_k.x) (see the module docstring); build with :meth:`init`."""

    a: np.ndarray            # (m,)
    W: np.ndarray            # (m, d_in)
    alpha: float
    activation: str
    input_bias: float = 0.0
    lr_a: float = 1.0
    lr_w: float = 1.0
    _fns: tuple = field(default=None, repr=False)

    @classmethod
    def init(cls, dim: int, width: int, *, activation: str = "relu", alpha: float | None = None,
             beta1: float = 1.0, beta2: float = 1.0, input_bias: float = 0.0, antisymmetric: bool = True,
             seed=0, dtype=np.float32, lr_a: float = 1.0, lr_w: float = 1.0) -> "TwoLayerNet":
        """Draw a ~ N(0, beta1^2), w ~ N(0, beta2^2 I); alpha defaults to sqrt(width) (NTK)."""
        if width < 2 or (antisymmetric and width % 2):
            raise InvalidInput(f"width must be an even integer >= 2 with antisymmetric init: {width!r}")
        rng = np.random.default_rng(seed)
        d_in = dim + (1 if input_bias else 0)
        half = width // 2 if antisymmetric else width
        a = beta1 * rng.standard_normal(half)
        W = beta2 * rng.standard_normal((half, d_in))
        if antisymmetric:
            a = np.concatenate([a, -a])
            W = np.concatenate([W, W])
        alpha = math.sqrt(width) if alpha is None else float(alpha)
        return cls(a.astype(dtype), W.astype(dtype), alpha, activation, float(input_bias), lr_a, lr_w)

    @property
    def fns(self):
        if self._fns is None:
            self._fns = activation_functions(self.activation)
        return self._fns

    def _inputs(self, X):
        X = np.asarray(X, dtype=self.W.dtype)
        if self.input_bias:
            X = np.concatenate([X, np.full((X.shape[0], 1), self.input_bias, dtype=X.dtype)], axis=1)
        return X

    def forward(self, X, chunk: int = 20000) -> np.ndarray:
        X = self._inputs(X)
        phi, _ = self.fns
        out = np.empty(X.shape[0], dtype=self.W.dtype)
        for s in range(0, X.shape[0], chunk):
            out[s:s + chunk] = phi(X[s:s + chunk] @ self.W.T) @ self.a / self.alpha
        return out

    def copy(self) -> "TwoLayerNet":
        return TwoLayerNet(self.a.copy(), self.W.copy(), self.alpha, self.activation, self.input_bias,
                           self.lr_a, self.lr_w, self._fns)

    def tangent_gram(self, X) -> np.ndarray:
        """Empirical tangent kernel (learning-rate weighted) on the points X, float64 (n x n)."""
        X = self._inputs(X).astype(np.float64)
        phi, dphi = self.fns
        H = X @ self.W.astype(np.float64).T
        S, D = phi(H), dphi(H)
        Da = D * self.a.astype(np.float64)
        return (self.lr_a * (S @ S.T) + self.lr_w * (X @ X.T) * (Da @ Da.T)) / self.alpha**2

    def train(self, X, y, lr: float, steps: int, *, callback=None, every: int = 1):
        """Full-batch GD for ``steps`` steps; ``callback(step, net, residual)`` at step 0 and every ``every``.

        Returns the list of training losses 1/(2n) |r|^2 before each step and after the last.
        """
        Xi = self._inputs(X)
        y = np.asarray(y, dtype=self.W.dtype)
        n = Xi.shape[0]
        phi, dphi = self.fns
        fast_relu = phi is _relu
        dt = self.W.dtype.type
        losses = []
        c = dt(1.0 / (n * self.alpha))
        H = np.empty((n, self.W.shape[0]), dtype=self.W.dtype)     # preallocated n x m buffers
        D = np.empty_like(H)
        for step in range(steps + 1):
            np.matmul(Xi, self.W.T, out=H)
            if fast_relu:                            # in place: S = max(H, 0), D = 1[H > 0]
                np.maximum(H, 0, out=H)
                np.greater(H, 0, out=D)
                S = H
            else:
                D[...] = dphi(H)
                S = phi(H)
            r = S @ self.a / dt(self.alpha) - y
            losses.append(0.5 * float(r @ r) / n)
            if not math.isfinite(losses[-1]):
                raise FloatingPointError(f"training diverged at step {step} (lr = {lr} too large?)")
            if callback is not None and step % every == 0:
                callback(step, self, r)
            if step == steps:
                break
            ga = (r @ S) * c
            gW = (D.T @ (r[:, None] * Xi)) * (self.a[:, None] * c)
            self.a -= dt(lr * self.lr_a) * ga
            self.W -= dt(lr * self.lr_w) * gW
        return losses

    def train_adaptive(self, X, y, *, c: float = 0.2, max_steps: int = 3000, tol: float = 1e-3,
                       max_rel: float = 0.05) -> dict:
        """GD with step c n / lambda_max(Theta_t) (Theta_t the current tangent Gram on X), for small n.

        The step is also capped so that no layer's parameters change by more than ``max_rel`` of their
        norm in one step: from a tiny initialisation (condensed regime) the kernel step alone would
        move the weights by many times their size at once and stop tracking gradient flow.

        Runs until the loss falls to ``tol`` times its initial value or ``max_steps`` steps. The step
        follows the kernel as it changes, so the run tracks gradient flow up to a time change (c < 2 is
        stable for the linearised model). Returns the relative input-weight change
        RD = max_t |W_t - W_0| / |W_0| (Luo et al. 2021's order parameter), the relative Frobenius drift
        of the tangent Gram |Theta_end - Theta_0| / |Theta_0|, the loss ratio and the steps taken.
        """
        Xi = self._inputs(X).astype(self.W.dtype)
        y = np.asarray(y, dtype=self.W.dtype)
        n = Xi.shape[0]
        phi, dphi = self.fns
        W0 = self.W.copy()
        w0norm = float(np.linalg.norm(W0))
        gram0 = self.tangent_gram(X)
        rd = 0.0
        loss0 = None
        step = 0
        for step in range(max_steps + 1):
            H = Xi @ self.W.T
            S, D = phi(H), dphi(H)
            r = S @ self.a / self.alpha - y
            loss = 0.5 * float(r @ r) / n
            if loss0 is None:
                loss0 = loss
            if not math.isfinite(loss):
                raise FloatingPointError(f"training diverged at step {step}")
            if loss <= tol * loss0 or step == max_steps:
                break
            Da = D * self.a
            gram = (self.lr_a * (S @ S.T) + self.lr_w * (Xi @ Xi.T) * (Da @ Da.T)) / self.alpha**2
            lam = float(np.linalg.eigvalsh(gram.astype(np.float64))[-1])
            lr = c * n / lam
            ga = (r @ S) / (n * self.alpha)
            gW = ((D * r[:, None]).T @ Xi) * (self.a[:, None] / (n * self.alpha))
            for g, p, mult in ((ga, self.a, self.lr_a), (gW, self.W, self.lr_w)):
                gn = float(np.linalg.norm(g)) * mult
                if gn > 0:
                    lr = min(lr, max_rel * float(np.linalg.norm(p)) / gn)
            self.a -= lr * self.lr_a * ga
            self.W -= lr * self.lr_w * gW
            rd = max(rd, float(np.linalg.norm(self.W - W0)) / w0norm)
        gram1 = self.tangent_gram(X)
        drift = float(np.linalg.norm(gram1 - gram0) / np.linalg.norm(gram0))
        return {"rd": rd, "kernel_drift": drift, "loss_ratio": loss / loss0 if loss0 else 0.0, "steps": step,
                "converged": loss <= tol * loss0}
