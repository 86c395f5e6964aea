"""Per-iteration test-error estimate of gradient descent from the training data alone (cavity method).

Setting (the finite-width proportional regime of Han & Imaizumi 2025, arXiv 2505.04898): n samples
x_i in R^d with i.i.d. entries of variance 1/d, n/d fixed; a first layer W in R^(d x q) (q <= 8)
gives the pre-activations z_i = W^T x_i; a small head F(z; theta) follows. Gradient descent on the
summed squared loss, W_(t+1) = W_t - eta sum_i x_i g_(t,i)^T with g = grad_z l_i, l_i = (y_i - F)^2 / 2
(the head's theta follows its own GD, any step of order 1/n).

**This is our derivation, checked against brute-force leave-one-out retraining; it is not the
paper's algorithm, which we have not read.** The paper proves that a consistent estimate exists;
the form below is a dynamic cavity (leave-one-out) argument in the spirit of Han & Xu (2024,
arXiv 2412.09498), whose two "Onsager" objects are chi and Gamma here.

Derivation. Let W_(t,-i) be GD without sample i, D_t = W_t - W_(t,-i). Linearising the other samples'
gradients, D_(t+1) = D_t - eta sum_(j != i) x_j x_j^T D_t H_(t,j) - eta x_i g_(t,i)^T. The propagator of
this recursion does not depend on x_i, so x_i^T (propagator)(x_i v^T) concentrates on
||x_i||^2 chi(t, s) v with a q x q response chi (a partial trace over the d coordinates). Hence the
cavity field u_(t,i) = W_(t,-i)^T x_i = z_(t,i) - D_t^T x_i, distributed like a fresh pre-activation, is

    u_(t,i) = z_(t,i) + eta ||x_i||^2 sum_(s<t) chi(t, s) g_(s,i).

The response of sample j's own field to a perturbation of the weights is J_j (its own gradient
feeds back through chi), and its average through the Hessians is the memory kernel Gamma:

    J_j(s, s) = I,   J_j(t, s) = -eta ||x_j||^2 sum_(r=s..t-1) chi(t, r) H_(r,j) J_j(r, s)
    Gamma(t, s) = (1/d) sum_j H_(t,j) J_j(t, s)
    chi(s+1, s) = I,  chi(t, s) = chi(t-1, s) - eta sum_(s'=s+1..t-1) Gamma(t-1, s') chi(s', s)

(the last line: contract D_t^T x_i = D_(t-1)^T x_i - eta sum_j H_(t-1,j) (D_(t-1)^T x_j) x_j^T x_i and use
E (x_j^T x_i)^2 = ||x_i||^2 / d for the part of D_(t-1)^T x_j that is driven by x_i). The estimate is

    G_hat(t) = (1/n) sum_i (y_i - F(u_(t,i); theta_t))^2.

It ignores the O(1/n) cavity effect of sample i on the head's parameters. In the code 1/d is replaced by
v = mean_i ||x_i||^2 / d (equal to 1/d up to O((nd)^(-1/2)) in the convention above), which makes the
estimate invariant under X -> c X, lr -> lr / c^2; anisotropic designs are refused (``check_design``).

Cost and memory. Step t costs O(n t^2 q^3) (the new row J_i(t, .)), so T steps cost O(n T^3 q^3);
the store of K_i(r, s) = H_(r,i) J_i(r, s) for s <= r holds n T (T+1) q^2 / 2 numbers (float32). With
``window=w`` only the lags t - s < w are kept (J_i(t, s) = 0 and Gamma(t, s) = 0 beyond them): memory
at most n w^2 q^2 numbers, cost O(n T w^2 q^3). chi itself (T^2 q^2 numbers) and the gradients g (n T q) are
kept in full. The accuracy cost of a window is measured in tests/proportional and in the docs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from asympt.core.errors import InvalidInput, check_int
from .heads import Head

__all__ = ["CavityEstimator", "EstimateStep", "estimator_memory_bytes"]


@dataclass(frozen=True)
class EstimateStep:
    """What :meth:`CavityEstimator.step` returns at iteration t.

    Attributes:
        t: iteration index (0 = initialisation).
        train_mse: (1/n) sum_i (y_i - F(z_(t,i)))^2.
        test_mse: the estimate G_hat(t) of the test MSE E (y - F(W_t^T x; theta_t))^2 on a fresh (x, y).
        test_mse_se: sampling standard error of that estimate, std_i (y_i - F(u_(t,i)))^2 / sqrt(n) (the
            estimate is a mean over n per-sample leave-one-out losses; finite-n fluctuations are of this size).
        cavity: corrected (leave-one-out) pre-activations u_(t,i), shape (n, q).
        z: in-sample pre-activations z_(t,i) = W_t^T x_i, shape (n, q).
    """

    t: int
    train_mse: float
    test_mse: float
    test_mse_se: float
    cavity: np.ndarray
    z: np.ndarray


#: bytes of the float64 per-step temporaries of CavityEstimator.step (it works in blocks of samples)
_BLOCK_BYTES = 2**20


def estimator_memory_bytes(n: int, steps: int, width: int, window: int | None = None) -> int:
    """Upper bound on the bytes held by the estimator after ``steps`` calls of step() (float32 K store,
    float64 gradients and response matrices), not counting the data X.

    >>> estimator_memory_bytes(4000, 40, 2) // 10**6      # the issue's benchmark size: 4000 * 820 * 4 * 4 bytes + ...
    55
    >>> estimator_memory_bytes(4000, 40, 2, window=10) // 10**6
    9
    """
    if window is None or window >= steps:
        k_store = n * (steps * (steps + 1) // 2) * width * width * 4
    else:
        k_store = n * window * window * width * width * 4
    return k_store + n * steps * width * 8 + steps * steps * width * width * 8


def _isotropy_ratio(X, entry_var: float, iterations: int = 30) -> float:
    """Top eigenvalue of X^T X by power iteration over its isotropic edge v (sqrt(n) + sqrt(d))^2 (a lower
    bound on the true ratio: power iteration approaches the top eigenvalue from below)."""
    n, d = X.shape
    v = np.random.default_rng(0).standard_normal(d)
    lam = 0.0
    for _ in range(iterations):
        w = X.T @ (X @ v)
        lam = float(np.linalg.norm(w))
        if lam == 0:
            return 0.0
        v = w / lam
    return lam / (entry_var * (np.sqrt(n) + np.sqrt(d)) ** 2)


class CavityEstimator:
    """Cavity (leave-one-out) estimate of the test MSE at every GD iteration (our derivation; see the
    module docstring).

    Call :meth:`step` once per iteration with the current first-layer weights W_t (d x q) and head
    parameters theta_t, in order t = 0, 1, 2, ..., from inside your own GD loop. The first layer must
    follow W_(t+1) = W_t - lr * X^T G_t with G_t the (n, q) matrix of per-sample gradients grad_z of
    (y_i - F)^2 / 2 (summed loss; a loop on the mean loss with step alpha has lr = alpha / n). With
    ``check_updates`` (default) each W_(t+1) is compared with that rule and a mismatch raises.

    Args:
        X: (n, d) design with i.i.d. entries of variance 1/d (isotropic, proportional regime).
        y: (n,) labels.
        lr: first-layer step eta on the summed loss.
        head: the network above the first layer: :func:`asympt.proportional.head`, or any object with
            ``width`` (q), ``predict(Z, theta)`` -> F (n,) and ``derivatives(Z, y, theta)`` -> (F, g, H) with
            g = grad_z and H = Hess_z of (y - F)^2 / 2, shapes (n, q) and (n, q, q).
        window: keep the per-sample response only for lags < window (None: all; memory ~ T^2).
        check_design: refuse X whose top eigenvalue of X^T X exceeds 1.25 times the Marchenko-Pastur edge
            v (sqrt(n) + sqrt(d))^2 of i.i.d. entries with the same variance v (30 power iterations): a
            cheap guard against anisotropic designs, which this estimator does not treat.
        steps: the last iteration T that will be estimated (step() is then called for t = 0..T, and a
            call beyond T raises). Without a window, the float32 per-sample store of all steps is then one
            array allocated up front, and the response of step T (which no later step reads) is not kept.

    >>> import numpy as np
    >>> from asympt.proportional import CavityEstimator, head
    >>> rng = np.random.default_rng(0); n, d = 300, 200
    >>> X = rng.standard_normal((n, d)) / np.sqrt(d); y = X @ rng.standard_normal(d)
    >>> h = head("linear", width=1); theta = {"a": np.ones(1), "b": np.zeros(())}
    >>> est = CavityEstimator(X, y, lr=0.1, head=h); W = np.zeros((d, 1))
    >>> for t in range(3):
    ...     out = est.step(W, theta)
    ...     W = W - 0.1 * X.T @ est.last_gradient
    >>> out.test_mse > out.train_mse       # the in-sample error is optimistic
    True
    """

    def __init__(self, X, y, lr: float, head: Head, *, window: int | None = None, check_updates: bool = True,
                 check_design: bool = True, steps: int | None = None):
        X = np.asarray(X, dtype=float)
        y = np.asarray(y, dtype=float)
        if X.ndim != 2 or y.shape != (X.shape[0],):
            raise InvalidInput(f"X must be (n, d) and y (n,): got {X.shape} and {y.shape}")
        if not (np.isfinite(lr) and lr > 0):
            raise InvalidInput(f"lr must be a finite number > 0: {lr!r}")
        if not (np.all(np.isfinite(X)) and np.all(np.isfinite(y))):
            raise InvalidInput("X and y must be finite")
        if window is not None:
            window = check_int("window", window, 1)
        self.X, self.y, self.lr, self.head, self.window = X, y, float(lr), head, window
        self.check_updates = check_updates
        self.n, self.d = X.shape
        self.q = head.width
        self.norms2 = np.einsum("ij,ij->i", X, X)
        # E (x_j^T x_i)^2 = v ||x_i||^2 for entries of variance v: v = 1/d in the convention above; estimated
        # from the data so that any isotropic scale works (Gamma(t, s) = v sum_j H_(t,j) J_j(t, s)).
        self.entry_var = float(self.norms2.mean()) / self.d
        if check_design:
            self.design_ratio = _isotropy_ratio(X, self.entry_var)
            if self.design_ratio > 1.25:
                raise InvalidInput(f"X does not look isotropic: the top eigenvalue of X^T X is {self.design_ratio:.3g} "
                                   "times the i.i.d.-entries value v (sqrt(n) + sqrt(d))^2; the estimator assumes "
                                   "i.i.d. entries (pass check_design=False to override)")
        self.t = 0
        self._chi: dict[tuple[int, int], np.ndarray] = {}
        self._gamma: dict[tuple[int, int], np.ndarray] = {}
        self._g: list[np.ndarray] = []          # g_(s,i), (n, q) each
        self._K: dict[int, tuple[int, np.ndarray]] = {}   # r -> (lo, K_i(r, s)[b, c] at [b, s - lo, c, i])
        self._W_prev = None
        self.last_gradient = None
        # With the number of steps T known and no window, the float32 K store of steps 0..T-1 is one array
        # allocated here (n q^2 T (T+1)/2 entries), not T arrays of growing size interleaved with the
        # step's temporaries on the heap (which fragments: measured +30 MB of RSS at n = 4000, T = 40).
        self._steps = None if steps is None else check_int("steps", steps, 0)
        self._buffer, self._used = None, 0
        if self._steps is not None and window is None:
            self._buffer = np.empty(self.n * self.q * self.q * self._steps * (self._steps + 1) // 2, dtype=np.float32)

    # --------------------------------------------------------------------------------------------
    def _lo(self, t: int) -> int:
        return 0 if self.window is None else max(0, t - self.window + 1)

    def step(self, W, theta) -> EstimateStep:
        """Advance to iteration t with the current weights; return the estimate at t."""
        W = np.asarray(W, dtype=float)
        if W.shape != (self.d, self.q):
            raise InvalidInput(f"W must have shape (d, q) = {(self.d, self.q)}: got {W.shape}")
        if not np.all(np.isfinite(W)):
            raise InvalidInput(f"W is not finite at step {self.t} (did gradient descent diverge?)")
        t, eta, q = self.t, self.lr, self.q
        if self._steps is not None and t > self._steps:
            raise InvalidInput(f"this estimator was set up for steps t = 0..{self._steps}: step {t} is beyond it")
        if self.check_updates and self._W_prev is not None:
            expected = self._W_prev - eta * (self.X.T @ self.last_gradient)
            scale = np.linalg.norm(W - self._W_prev) + np.linalg.norm(expected - self._W_prev)
            if np.linalg.norm(W - expected) > 1e-6 * scale + 1e-12:
                raise InvalidInput(f"W at step {t} does not follow W - lr * X^T G with lr = {eta:g} on the summed "
                                   "loss (a mean-loss step alpha means lr = alpha / n)")
        Z = self.X @ W
        F, g, H = self.head.derivatives(Z, self.y, theta)
        eye = np.eye(q)
        # chi(t, s) for s < t from Gamma(t-1, .) and chi(. , s).
        for s in range(t - 1, -1, -1):
            if s == t - 1:
                self._chi[(t, s)] = eye
                continue
            acc = self._chi[(t - 1, s)].copy()
            for sp in range(s + 1, t):
                G = self._gamma.get((t - 1, sp))
                if G is not None:
                    acc -= eta * G @ self._chi[(sp, s)]
            self._chi[(t, s)] = acc
        # cavity fields u_t = z_t + eta ||x||^2 sum_s chi(t, s) g_s
        U = Z.copy()
        if t > 0:
            corr = np.zeros_like(Z)
            for s in range(t):
                corr += self._g[s] @ self._chi[(t, s)].T
            U += eta * self.norms2[:, None] * corr
        Fu = self.head.predict(U, theta)
        # The new row J_i(t, s), s in [lo, t]; K_i(t, s) = H_(t,i) J_i(t, s); Gamma(t, s) = (1/d) sum_i K_i(t, s).
        # Layout [b, s, c, i] with the sample index last: the contraction with chi(t, r) is one GEMM per r.
        lo = self._lo(t)
        S = t - lo + 1
        Hn = np.ascontiguousarray(H.transpose(1, 2, 0))           # [b, a, i]
        chi32 = {r: self._chi[(t, r)].astype(np.float32) for r in range(lo, t)}
        last = t == self._steps                                  # K(T, .) is read by no later step
        Kt = None if last else self._store((q, S, q, self.n))
        gsum = np.zeros((q, S, q))
        # in blocks of samples, so that the float64 temporaries J and K stay at about _BLOCK_BYTES each
        width = max(256, _BLOCK_BYTES // (8 * q * q * S))
        for i0 in range(0, self.n, width):
            i1 = min(i0 + width, self.n)
            J = np.zeros((q, S, q, i1 - i0))
            J[:, -1] = eye[:, :, None]
            for r in range(lo, t):
                lo_r, Kr = self._K[r]
                m = r - lo + 1                              # entries s = lo..r of K(r, .)
                block = Kr[:, lo - lo_r: lo - lo_r + m, :, i0:i1].reshape(q, -1)
                J[:, :m] += (chi32[r] @ block).reshape(q, m, q, i1 - i0)
            if S > 1:
                J[:, :-1] *= -eta * self.norms2[i0:i1]
            K = np.einsum("bai,asci->bsci", Hn[:, :, i0:i1], J)
            gsum += K.sum(axis=3)
            if Kt is not None:
                Kt[..., i0:i1] = K
        gam = gsum * self.entry_var                              # [b, s, c]
        for k, s in enumerate(range(lo, t + 1)):
            self._gamma[(t, s)] = np.ascontiguousarray(gam[:, k, :])
        if Kt is not None:
            self._K[t] = (lo, Kt)
        for r in [r for r in self._K if r < self._lo(t + 1)]:
            del self._K[r]
        self._g.append(g)
        self.last_gradient = g
        self._W_prev = W
        self.t += 1
        loo = (self.y - Fu) ** 2
        return EstimateStep(t, float(np.mean((self.y - F) ** 2)), float(loo.mean()),
                            float(loo.std() / np.sqrt(self.n)), U, Z)

    def _store(self, shape):
        """A float32 array of ``shape`` for K(t, .): a slice of the preallocated store when there is room."""
        size = int(np.prod(shape))
        if self._buffer is None or self._used + size > self._buffer.size:
            return np.empty(shape, dtype=np.float32)
        out = self._buffer[self._used: self._used + size].reshape(shape)
        self._used += size
        return out

    # --------------------------------------------------------------------------------------------
    def response_matrices(self):
        """(chi, Gamma) as arrays of shape (T, T, q, q) over the steps taken so far; chi[t, s] = 0 for s >= t,
        Gamma[t, s] = 0 for s > t or beyond the window."""
        T, q = self.t, self.q
        chi = np.zeros((T, T, q, q))
        gam = np.zeros((T, T, q, q))
        for (a, b), m in self._chi.items():
            chi[a, b] = m
        for (a, b), m in self._gamma.items():
            gam[a, b] = m
        return chi, gam

    def memory_bytes(self) -> int:
        """Bytes now held by the per-sample store (K, g) and the response matrices (chi, Gamma)."""
        return (sum(K.nbytes for _, K in self._K.values()) + sum(g.nbytes for g in self._g)
                + sum(m.nbytes for m in self._chi.values()) + sum(m.nbytes for m in self._gamma.values()))

