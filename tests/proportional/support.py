"""Independent reference computations for the proportional-regime tests.

* brute-force leave-one-out retraining (the reference trainer run n times without one sample);
* the width-1 linear risk from the eigenvalues of the sampled X^T X (finite design, exact GD per mode);
* the Marchenko-Pastur integrals by scipy quadrature in l (not asympt's mpmath code, not its phi substitution);
* the GCV shortcut train / (1 - tr S_t / n)^2 in the same large-n limit.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from scipy.integrate import quad

from asympt.proportional import CavityEstimator, head, make_problem, train


def tanh_link(s):
    return np.tanh(2 * s) + 0.3 * s


def identity_link(s):
    return np.asarray(s, dtype=float)


def run_with_estimator(n, d, h, link, noise, lr, steps, head_lr=0.0, seed=0, window=None, theta0=None):
    """Train with the reference trainer while the estimator follows; return (problem, records, estimator)."""
    P = make_problem(n, d, h, link, noise, seed)
    if theta0 is not None:
        P = dataclasses.replace(P, theta0=theta0)
    est = CavityEstimator(P.X, P.y, lr, h, window=window)
    rec = {}

    def cb(t, W, theta):
        rec[t] = (est.step(W, theta), W.copy(), {k: v.copy() for k, v in theta.items()})

    train(P, h, lr, steps, head_lr=head_lr, callback=cb)
    return P, rec, est


def brute_force_loo(P, h, lr, steps, head_lr, indices):
    """z_loo[i] = W_(T,-i)^T x_i: GD retrained from the same initialisation without sample i."""
    out = {}
    for i in indices:
        keep = np.ones(P.X.shape[0], bool)
        keep[i] = False
        Pi = dataclasses.replace(P, X=P.X[keep], y=P.y[keep])
        Wi, _ = train(Pi, h, lr, steps, head_lr=head_lr)
        out[int(i)] = P.X[i] @ Wi
    return out


def loo_ratio(rec_T, z_loo):
    """mean |u_hat - z_loo| / mean |z - z_loo| over the retrained indices (the T1 statistic)."""
    idx = list(z_loo)
    zl = np.array([z_loo[i] for i in idx])
    err = np.abs(rec_T.cavity[idx] - zl).mean()
    size = np.abs(rec_T.z[idx] - zl).mean()
    return err / size, err, size


def mp_integral(delta, f):
    """int f(l) nu(dl) for the Marchenko-Pastur law of X^T X (entries variance 1/d, delta = n/d), scipy quad."""
    lm, lp = (np.sqrt(delta) - 1) ** 2, (np.sqrt(delta) + 1) ** 2

    def dens(lv):
        return np.sqrt(max((lp - lv) * (lv - lm), 0.0)) / (2 * np.pi * lv)

    v = quad(lambda lv: f(lv) * dens(lv), lm, lp, limit=400, epsabs=1e-13, epsrel=1e-11)[0]
    if delta < 1:
        v += (1 - delta) * f(0.0)
    return v


def gcv_limit(delta, eta, s2, sigma2, t):
    """Large-n limit of the GCV shortcut train_t / (1 - tr(S_t)/n)^2 for width-1 linear GD from w_0 with
    ||w_0 - mu*||^2/d = s2: r_t = (I - eta X X^T)^t r_0 gives the training error, tr S_t = sum_k 1 - (1 - eta l_k)^t."""
    tr = (s2 * mp_integral(delta, lambda lv: lv * (1 - eta * lv) ** (2 * t))
          + sigma2 * mp_integral(delta, lambda lv: (1 - eta * lv) ** (2 * t))) / delta
    tr += max(0.0, 1 - 1 / delta) * sigma2
    df = mp_integral(delta, lambda lv: 1 - (1 - eta * lv) ** t) / delta
    return tr / (1 - df) ** 2


def design_eigenvalues(n, d, seed):
    """Eigenvalues of X^T X (d of them, zeros included when n < d) for X with N(0, 1/d) entries."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    X /= np.sqrt(d)
    if d <= n:
        return np.linalg.eigvalsh(X.T @ X)
    return np.concatenate([np.linalg.eigvalsh(X @ X.T), np.zeros(d - n)])


def design_risk_parts(lam, eta, t):
    """(B, V) given the design: (1/d) tr (I - eta A)^(2t) and (1/d) tr A^+ (I - (I - eta A)^t)^2, i.e. the
    risk of GD averaged over isotropic e_0 and label noise, exactly, for this X."""
    f = (1 - eta * lam) ** t
    pos = lam > 1e-12 * lam.max()
    return float(np.mean(f ** 2)), float(np.sum((1 - f[pos]) ** 2 / lam[pos]) / lam.size)


def linear_head():
    h = head("linear", width=1)
    return h, {"a": np.ones(1), "b": np.zeros(())}


def auto_lr(delta):
    return 0.4 / (1 + np.sqrt(delta)) ** 2
