"""Heads: grad_z and Hess_z of the per-sample loss against central finite differences of predict()."""

import numpy as np
import pytest

from asympt.core.errors import InvalidInput
from asympt.proportional import head

CASES = [("linear", "linear"), ("two-layer", "tanh"), ("two-layer", "erf"), ("two-layer", "softplus"),
         ("two-layer", "relu"), ("two-layer", "linear"), ("three-layer", "tanh"), ("three-layer", "erf"),
         ("three-layer", "softplus")]


def _theta(h, rng):
    th = h.init(rng)
    return {k: v + 0.3 * rng.standard_normal(np.shape(v)) for k, v in th.items()}


def _loss(h, Z, y, th):
    return 0.5 * (y - h.predict(Z, th)) ** 2


@pytest.mark.parametrize(("kind", "act"), CASES)
def test_z_derivatives_match_finite_differences(kind, act):
    rng = np.random.default_rng(1)
    q, n = 3, 7
    h = head(kind, act, width=q)
    th = _theta(h, rng)
    Z = rng.standard_normal((n, q)) + 0.05     # ReLU: away from the kink with probability one
    y = rng.standard_normal(n)
    _, g, H = h.derivatives(Z, y, th)
    eps = 1e-4
    for k in range(q):
        e = np.zeros(q)
        e[k] = eps
        gk = (_loss(h, Z + e, y, th) - _loss(h, Z - e, y, th)) / (2 * eps)
        np.testing.assert_allclose(g[:, k], gk, atol=1e-6)       # central difference error O(eps^2)
        for j in range(q):
            f = np.zeros(q)
            f[j] = eps
            hkj = (_loss(h, Z + e + f, y, th) - _loss(h, Z + e - f, y, th) - _loss(h, Z - e + f, y, th)
                   + _loss(h, Z - e - f, y, th)) / (4 * eps * eps)
            np.testing.assert_allclose(H[:, k, j], hkj, atol=2e-5)


@pytest.mark.parametrize(("kind", "act"), CASES)
def test_param_grad_matches_finite_differences(kind, act):
    rng = np.random.default_rng(2)
    h = head(kind, act, width=2)
    th = _theta(h, rng)
    Z = rng.standard_normal((9, 2)) + 0.05
    y = rng.standard_normal(9)
    pg = h.param_grad(Z, y, th)
    eps = 1e-6
    for key, val in th.items():
        flat = np.array(val, dtype=float).ravel()
        for k in range(flat.size):
            up, dn = flat.copy(), flat.copy()
            up[k] += eps
            dn[k] -= eps
            lu = _loss(h, Z, y, {**th, key: up.reshape(np.shape(val))}).mean()
            ld = _loss(h, Z, y, {**th, key: dn.reshape(np.shape(val))}).mean()
            assert abs(np.ravel(pg[key])[k] - (lu - ld) / (2 * eps)) < 1e-6


@pytest.mark.parametrize(("args", "msg"), [(("deep", "tanh"), "kind"), (("two-layer", "gelu"), "activation"),
                                           (("two-layer", "tanh", 9), "<= 8")])
def test_bad_heads_are_refused(args, msg):
    with pytest.raises(InvalidInput, match=msg):
        head(*args)
