"""Reference numpy trainer: full-batch GD of a width-q first layer and a small head on a single-index teacher.

Data (isotropic, proportional regime): x_i with i.i.d. N(0, 1/d) entries, a teacher direction w* with
||w*||^2 = d (so s = <x, w*> ~ N(0, 1)), labels y = link(s) + noise * xi with xi ~ N(0, 1). The first
layer starts from W_0 with i.i.d. N(0, 1) entries (pre-activations of order one) and moves by
W <- W - lr * X^T G (summed loss, G = per-sample grad_z of (y - F)^2 / 2); the head's parameters move
by their mean-loss gradient with step ``head_lr``. Both updates use the iterate at t (simultaneous GD).

The population test MSE of an iterate is sigma^2 + E (link(s) - F(W^T x))^2 over the Gaussian vector
(s, W^T x) with covariance [w*, W]^T [w*, W] / d; :func:`population_mse` evaluates it on a large fixed
Gaussian sample and returns its Monte Carlo standard error.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from asympt.core.errors import InvalidInput
from .heads import Head

__all__ = ["Problem", "make_problem", "population_mse", "train"]


@dataclass(frozen=True)
class Problem:
    """A sampled single-index regression problem and an initialisation."""

    X: np.ndarray
    y: np.ndarray
    w_star: np.ndarray
    W0: np.ndarray
    theta0: dict
    noise: float
    link: object = field(repr=False)       # vectorised numpy function of s


def make_problem(n: int, d: int, head: Head, link, noise: float, seed: int = 0, W0=None) -> Problem:
    """Draw X, w*, y and the initial weights with one seed."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    X /= np.sqrt(d)                      # in place: one n x d array at the peak
    w_star = rng.standard_normal(d)
    w_star *= np.sqrt(d) / np.linalg.norm(w_star)
    y = np.asarray(link(X @ w_star), dtype=float) + noise * rng.standard_normal(n)
    if W0 is None:
        W0 = rng.standard_normal((d, head.width))
    theta0 = head.init(rng)
    return Problem(X, y, w_star, np.asarray(W0, dtype=float), theta0, float(noise), link)


def population_mse(problem: Problem, head: Head, W, theta, samples: int = 200_000, seed: int = 12345):
    """(mean, standard error) of sigma^2 + E (link(s) - F(W^T x; theta))^2 on a fresh Gaussian sample.

    (s, z) = (<x, w*>, W^T x) is exactly Gaussian with covariance C = [w*, W]^T [w*, W] / d; the same
    ``seed`` gives the same base sample at every call (common random numbers along a trajectory).
    """
    V = np.column_stack([problem.w_star, W])
    C = V.T @ V / V.shape[0]
    L = np.linalg.cholesky(C + 1e-12 * np.eye(C.shape[0]))
    rng = np.random.default_rng(seed)
    err = np.empty(samples)
    # in blocks of rows: the same Gaussian stream as one (samples, q + 1) draw, without its temporaries
    for start in range(0, samples, _BLOCK):
        stop = min(start + _BLOCK, samples)
        S = rng.standard_normal((stop - start, C.shape[0])) @ L.T
        err[start:stop] = (np.asarray(problem.link(S[:, 0]), dtype=float) - head.predict(S[:, 1:], theta)) ** 2
    return problem.noise ** 2 + float(err.mean()), float(err.std() / np.sqrt(samples))


#: rows per block of :func:`population_mse` (bounds its temporaries to a few MB)
_BLOCK = 8192


def train(problem: Problem, head: Head, lr: float, steps: int, *, head_lr: float = 0.0, callback=None):
    """Run ``steps`` GD steps from the problem's initialisation; call ``callback(t, W, theta)`` at
    t = 0..steps (before each update and after the last). Returns the final (W, theta).

    Raises InvalidInput if the iterates stop being finite (step above the stability bound).
    """
    X, y = problem.X, problem.y
    W = problem.W0.copy()
    theta = {k: np.array(v, dtype=float) for k, v in problem.theta0.items()}
    for t in range(steps + 1):
        if callback is not None:
            callback(t, W, theta)
        if t == steps:
            break
        Z = X @ W
        g = _grad_z(head, Z, y, theta)
        if head_lr > 0:
            pg = head.param_grad(Z, y, theta)
            theta = {k: theta[k] - head_lr * pg[k] for k in theta}
        W = W - lr * (X.T @ g)
        if not np.all(np.isfinite(W)):
            raise InvalidInput(f"gradient descent diverged at step {t + 1}: lower the learning rate lr")
    return W, theta


def _grad_z(head: Head, Z, y, theta):
    """grad_z of (y - F)^2 / 2 without the Hessian (the trainer does not need it)."""
    return head.derivatives(Z, y, theta)[1]
