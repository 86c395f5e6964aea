"""Finite-width fully connected networks in numpy: the Monte Carlo side of asympt's kernel checks.

A real network of finite width in the NTK parameterisation (Jacot, Gabriel & Hongler 2018;
theory section 3, :mod:`asympt.core.conventions`), inputs x in R^d (normally on S^(d-1)):

    h^1     = sw_1 W^1 x + sb_1 b^1                       (no 1/sqrt(d): |x| = 1)
    h^(l+1) = (sw_(l+1) / sqrt(n_l)) W^(l+1) phi(h^l) + sb_(l+1) b^(l+1),     f(x) = h^L (scalar),

all W, b entries i.i.d. N(0, 1), L >= 2 weight layers, layers numbered 1..L. As the widths n_l grow,
the empirical NNGP and NTK below converge to asympt's Sigma^L and Theta^L with O(n^-1/2) fluctuations.

Backpropagation (vectorized over the batch). With a_0 = x, a_l = phi(h^l), c_1 = sw_1 and
c_l = sw_l / sqrt(n_(l-1)) for l >= 2:

    delta_L = 1,   delta_l = phi'(h^l) * (c_(l+1) W^(l+1)^T delta_(l+1)),
    df/dW^l = c_l delta_l a_(l-1)^T,   df/db^l = sb_l delta_l.

Hence the NTK Gram never needs the n x P Jacobian; layer by layer,

    Theta(x, y) = sum over trained layers l of
                  c_l^2 (delta_l(x).delta_l(y)) (a_(l-1)(x).a_(l-1)(y))   [weights of layer l]
                + sb_l^2 (delta_l(x).delta_l(y))                             [bias of layer l],

in memory O(points x width + points^2). The last layer's two terms add up to the empirical NNGP
(sw_L^2 / n_(L-1)) phi(h^(L-1)(x)).phi(h^(L-1)(y)) + sb_L^2, the random-features kernel.

Training: full-batch gradient descent on L(theta) = 1/2 mean_i (f(x_i) - y_i)^2 (the empirical form of
the 1/2 ||f - f*||^2_{L^2(sigma)} of :mod:`asympt.core.conventions`), either of the network itself or of
its first-order Taylor model around initialisation f_lin = f_0 + J_0 (theta - theta_0), the lazy /
kernel regime of Lee et al. 2019 ("Wide neural networks of any depth evolve as linear models under
gradient descent"). On the training set the linearised model evolves exactly as
f_(t+1) = f_t - (lr / n) Theta_0 (f_t - y), so it is run in function space with the factorised Gram.

Independence: this module imports numpy and its sibling :mod:`asympt.numerics.np_activations` (numpy and
scipy.special) only. It never imports sympy or any other asympt module, and the formula side never calls
it, so agreement between the two is evidence.
Entry points: :class:`FiniteNetwork` (``init``, ``forward``, ``jacobian``, ``empirical_ntk``,
``empirical_nngp``, ``train_gd``), :data:`ACTIVATIONS`, :func:`get_activation`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

from .np_activations import ACTIVATIONS, get_activation

__all__ = ["ACTIVATIONS", "FiniteNetwork", "TrainResult", "get_activation", "parse_train"]

Array = np.ndarray
Pair = tuple  # (layer, "w" | "b")


# ---- trained parameters --------------------------------------------------------------------------

def parse_train(train, layers: int) -> tuple[Pair, ...]:
    """Normalise a choice of trained parameters to a sorted tuple of (layer, "w" | "b") pairs.

    ``train`` is ``"all"`` (or None), ``"last"`` (last layer, weights and bias), ``"last-weights"``,
    a string of layer numbers such as ``"1"`` or ``"1,3"`` (weights and bias of those layers), an
    iterable of layer numbers, or an iterable of (layer, "w" | "b") pairs. Layers are numbered 1..L.
    The strings mirror those of :func:`asympt.kernels.networks.ntk`, but are parsed here independently.

    >>> parse_train("1,3", layers=3)
    ((1, 'w'), (1, 'b'), (3, 'w'), (3, 'b'))
    >>> parse_train("last-weights", layers=3)
    ((3, 'w'),)
    """
    def both(ls):
        return {(int(l), p) for l in ls for p in ("w", "b")}

    if train is None or train == "all":
        pairs = both(range(1, layers + 1))
    elif train == "last":
        pairs = both([layers])
    elif train == "last-weights":
        pairs = {(layers, "w")}
    elif isinstance(train, str):
        try:
            pairs = both(int(p) for p in train.split(",") if p.strip())
        except ValueError:
            raise ValueError(f"train must be 'all', 'last', 'last-weights', layer numbers like '1,3' or "
                             f"(layer, 'w'|'b') pairs: {train!r}") from None
    else:
        pairs = set()
        for item in train:
            if isinstance(item, tuple) and len(item) == 2 and item[1] in ("w", "b"):
                pairs.add((int(item[0]), item[1]))
            elif isinstance(item, (int, np.integer)) and not isinstance(item, bool):
                pairs |= both([item])
            else:
                raise ValueError(f"train entries must be layer numbers or (layer, 'w'|'b') pairs: {item!r}")
    if not pairs:
        raise ValueError(f"train must select at least one parameter group: {train!r}")
    bad = sorted({l for l, _ in pairs if not 1 <= l <= layers})
    if bad:
        raise ValueError(f"train: layer numbers must be between 1 and {layers}: {bad}")
    return tuple(sorted(pairs, key=lambda p: (p[0], p[1] == "b")))


def _scales(name, value, layers, default) -> tuple[float, ...]:
    if value is None:
        vals = list(default)
    elif np.ndim(value) == 0:
        vals = [value] * layers
    else:
        vals = list(value)
        if len(vals) == 1:
            vals = vals * layers
    if len(vals) != layers:
        raise ValueError(f"{name} must be one number or one per layer ({layers}): got {len(vals)}")
    out = tuple(float(v) for v in vals)
    if not all(math.isfinite(v) and v >= 0 for v in out):
        raise ValueError(f"{name} must be finite and non-negative: {value!r}")
    return out


def _as_batch(X, d: int, name: str) -> Array:
    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        X = X[None, :]
    if X.ndim != 2 or X.shape[1] != d:
        raise ValueError(f"{name} must have shape (n, {d}): got {X.shape}")
    return X


# ---- the network -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class TrainResult:
    """Outcome of :meth:`FiniteNetwork.train_gd`.

    Attributes:
        steps: the recorded step numbers (0 = initialisation, then every ``record_every``, and the last).
        loss: 1/2 mean_i (f(x_i) - y_i)^2 at those steps (f centred if ``center=True``).
        predictions: f on the training inputs after the last step (centred if ``center=True``).
        network: the trained network, or None for the linearised model (its parameters are not formed).
    """

    steps: Array
    loss: Array
    predictions: Array
    network: "FiniteNetwork | None"


@dataclass(frozen=True, eq=False)
class FiniteNetwork:
    """One draw of a finite-width network (see the module docstring for the formulas).

    Attributes:
        weights: W^1 (n_1, d), W^2 (n_2, n_1), ..., W^L (1, n_(L-1)).
        biases: b^1 (n_1,), ..., b^L (1,).
        sigma_w, sigma_b: per-layer scales (floats, length L).
        activation: the activation's name; ``slope`` / ``power`` as in :func:`get_activation`.

    Build one with :meth:`init`.

    >>> net = FiniteNetwork.init(d=3, width=4, layers=3, activation="tanh", sigma_b=0.5, seed=1)
    >>> X = np.random.default_rng(0).standard_normal((5, 3))
    >>> J = net.jacobian(X)                                  # explicit per-sample gradients
    >>> bool(np.allclose(net.empirical_ntk(X), J @ J.T))     # factorised Gram == J J^T
    True
    >>> bool(np.allclose(net.empirical_nngp(X), net.empirical_ntk(X, train="last")))
    True
    """

    weights: tuple
    biases: tuple
    sigma_w: tuple
    sigma_b: tuple
    activation: str = "relu"
    slope: float | None = None
    power: float | None = None
    _phi: Callable = field(init=False, repr=False)
    _dphi: Callable = field(init=False, repr=False)

    def __post_init__(self):
        phi, dphi = get_activation(self.activation, slope=self.slope, power=self.power)
        object.__setattr__(self, "_phi", phi)
        object.__setattr__(self, "_dphi", dphi)

    # -- construction ---------------------------------------------------------------------------
    @classmethod
    def init(cls, d: int, width: int | Sequence[int], layers: int, sigma_w=None, sigma_b=None,
             activation: str = "relu", seed=None, *, slope: float | None = None,
             power: float | None = None) -> "FiniteNetwork":
        """Draw a network with ``numpy.random.default_rng(seed)``.

        Args:
            d: input dimension.
            width: hidden width n (every hidden layer) or a sequence of L - 1 widths.
            layers: number L >= 2 of weight layers.
            sigma_w: one scale for every layer or one per layer; default He scales
                (1 in the first layer, sqrt(2) after), as asympt's ``convention="he"``.
            sigma_b: one scale or one per layer; default 0 (no bias).
            activation, slope, power: see :func:`get_activation`.
            seed: anything ``numpy.random.default_rng`` accepts. Draw order: W^1, b^1, W^2, b^2, ...
        """
        if isinstance(d, bool) or not isinstance(d, (int, np.integer)) or d < 1:
            raise ValueError(f"d must be a positive integer: {d!r}")
        if isinstance(layers, bool) or not isinstance(layers, (int, np.integer)) or layers < 2:
            raise ValueError(f"layers must be an integer >= 2: {layers!r}")
        widths = [width] * (layers - 1) if np.ndim(width) == 0 else list(width)
        if len(widths) != layers - 1 or not all(isinstance(n, (int, np.integer)) and not isinstance(n, bool)
                                                and n >= 1 for n in widths):
            raise ValueError(f"width must be a positive integer or {layers - 1} of them: {width!r}")
        sw = _scales("sigma_w", sigma_w, layers, [1.0] + [math.sqrt(2.0)] * (layers - 1))
        sb = _scales("sigma_b", sigma_b, layers, [0.0] * layers)
        rng = np.random.default_rng(seed)
        dims = [int(d)] + [int(n) for n in widths] + [1]
        Ws, bs = [], []
        for l in range(layers):
            Ws.append(rng.standard_normal((dims[l + 1], dims[l])))
            bs.append(rng.standard_normal(dims[l + 1]))
        return cls(tuple(Ws), tuple(bs), sw, sb, activation, slope, power)

    @property
    def layers(self) -> int:
        """Number L of weight layers."""
        return len(self.weights)

    @property
    def input_dim(self) -> int:
        return self.weights[0].shape[1]

    @property
    def widths(self) -> tuple[int, ...]:
        """Hidden widths n_1, ..., n_(L-1)."""
        return tuple(W.shape[0] for W in self.weights[:-1])

    def _c(self, l: int) -> float:
        """Weight multiplier of layer l (1-based): sw_1, then sw_l / sqrt(n_(l-1))."""
        if l == 1:
            return self.sigma_w[0]
        return self.sigma_w[l - 1] / math.sqrt(self.weights[l - 1].shape[1])

    # -- forward and backward -------------------------------------------------------------------
    def _forward(self, X: Array):
        """Pre-activations [h^1..h^L] and inputs to each layer [a_0 = X, a_1, ..., a_(L-1)]."""
        A, hs, acts = X, [], [X]
        for l in range(1, self.layers + 1):
            h = self._c(l) * (A @ self.weights[l - 1].T)
            if self.sigma_b[l - 1] != 0:
                h = h + self.sigma_b[l - 1] * self.biases[l - 1]
            hs.append(h)
            if l < self.layers:
                A = self._phi(h)
                acts.append(A)
        return hs, acts

    def _backward(self, hs) -> list:
        """delta_l = df/dh^l for l = 1..L, each of shape (n, n_l)."""
        n = hs[0].shape[0]
        deltas = [None] * self.layers
        delta = np.ones((n, 1))
        deltas[-1] = delta
        for l in range(self.layers - 1, 0, -1):      # l = L-1, ..., 1
            delta = self._dphi(hs[l - 1]) * (self._c(l + 1) * (delta @ self.weights[l]))
            deltas[l - 1] = delta
        return deltas

    def forward(self, X) -> Array:
        """Network output f(x) for each row of X (shape (n, d)); returns shape (n,)."""
        X = _as_batch(X, self.input_dim, "X")
        return self._forward(X)[0][-1][:, 0]

    # -- gradients and kernels ------------------------------------------------------------------
    def parameter_shapes(self, train="all") -> list[tuple[Pair, tuple]]:
        """[((layer, "w"|"b"), shape), ...] in the order used by :meth:`jacobian` and :meth:`parameters`."""
        return [((l, p), (self.weights if p == "w" else self.biases)[l - 1].shape)
                for l, p in parse_train(train, self.layers)]

    def parameters(self, train="all") -> Array:
        """The selected parameters, flattened and concatenated (order of :meth:`parameter_shapes`)."""
        return np.concatenate([(self.weights if p == "w" else self.biases)[l - 1].ravel()
                               for l, p in parse_train(train, self.layers)])

    def with_parameters(self, theta, train="all") -> "FiniteNetwork":
        """A copy with the selected parameters replaced by the flat vector ``theta``."""
        theta = np.asarray(theta, dtype=float)
        shapes = self.parameter_shapes(train)
        size = sum(int(np.prod(shape)) for _, shape in shapes)
        if theta.shape != (size,):
            raise ValueError(f"theta must be a vector of {size} entries for train={train!r}: "
                             f"got shape {theta.shape}")
        Ws, bs, k = list(self.weights), list(self.biases), 0
        for (l, p), shape in shapes:
            size = int(np.prod(shape))
            block = theta[k:k + size].reshape(shape).copy()
            k += size
            (Ws if p == "w" else bs)[l - 1] = block
        return FiniteNetwork(tuple(Ws), tuple(bs), self.sigma_w, self.sigma_b, self.activation,
                             self.slope, self.power)

    def jacobian(self, X, train="all") -> Array:
        """Per-sample gradients df(x_i)/dtheta by backpropagation, shape (n, P_train).

        Columns follow :meth:`parameter_shapes` (W^l row-major). Forms the full matrix: use it on
        small networks; :meth:`empirical_ntk` gives J J^T without it.
        """
        X = _as_batch(X, self.input_dim, "X")
        hs, acts = self._forward(X)
        deltas = self._backward(hs)
        n, blocks = X.shape[0], []
        for l, p in parse_train(train, self.layers):
            delta = deltas[l - 1]
            if p == "w":
                blocks.append((self._c(l) * delta[:, :, None] * acts[l - 1][:, None, :]).reshape(n, -1))
            else:
                blocks.append(self.sigma_b[l - 1] * delta)
        return np.concatenate(blocks, axis=1)

    def empirical_ntk_parts(self, X, Y=None) -> dict:
        """Contribution of each parameter group to the NTK Gram: {(l, "w"|"b"): array (n_X, n_Y)}.

        Weights of layer l: c_l^2 (delta_l(x).delta_l(y)) (a_(l-1)(x).a_(l-1)(y)); bias:
        sb_l^2 delta_l(x).delta_l(y). The sum over all groups is the empirical NTK.
        """
        X = _as_batch(X, self.input_dim, "X")
        hx, ax = self._forward(X)
        dx = self._backward(hx)
        if Y is None:
            ay, dy = ax, dx
        else:
            Y = _as_batch(Y, self.input_dim, "Y")
            hy, ay = self._forward(Y)
            dy = self._backward(hy)
        parts = {}
        for l in range(1, self.layers + 1):
            dd = dx[l - 1] @ dy[l - 1].T
            parts[(l, "w")] = self._c(l) ** 2 * dd * (ax[l - 1] @ ay[l - 1].T)
            parts[(l, "b")] = self.sigma_b[l - 1] ** 2 * dd
        return parts

    def empirical_ntk(self, X, Y=None, train="all") -> Array:
        """Empirical NTK Gram J(X) J(Y)^T of the selected parameters (Jacot et al. 2018), (n_X, n_Y).

        Computed layer by layer (module docstring), never forming J. For the identity activation f is
        linear in x, so the kernel is a bilinear form in (x, y):

        >>> lin = FiniteNetwork.init(d=3, width=5, layers=3, activation="identity", seed=0)
        >>> x, y, z = np.eye(3)
        >>> K = lambda a, b: lin.empirical_ntk(a, b)[0, 0]
        >>> bool(np.isclose(K(x, 2 * y - z), 2 * K(x, y) - K(x, z)))
        True
        """
        parts = self.empirical_ntk_parts(X, Y)
        return sum(parts[p] for p in parse_train(train, self.layers))

    def empirical_nngp(self, X, Y=None) -> Array:
        """Last-layer feature Gram (sw_L^2 / n_(L-1)) phi(h^(L-1)(x)).phi(h^(L-1)(y)) + sb_L^2.

        Equals the empirical NTK of the last layer's weights and bias (``train="last"``) and
        converges to the NNGP kernel Sigma^L. With width 1, He scales and the identity activation,
        it is 2 (w x.x)^2 for the single first-layer weight w:

        >>> net = FiniteNetwork.init(d=2, width=1, layers=2, activation="identity", seed=3)
        >>> x = np.array([0.6, 0.8])
        >>> bool(np.isclose(net.empirical_nngp(x)[0, 0], 2 * (net.weights[0] @ x)[0] ** 2))
        True
        """
        X = _as_batch(X, self.input_dim, "X")
        ax = self._forward(X)[1][-1]
        ay = ax if Y is None else self._forward(_as_batch(Y, self.input_dim, "Y"))[1][-1]
        L = self.layers
        return self._c(L) ** 2 * (ax @ ay.T) + self.sigma_b[L - 1] ** 2

    # -- training ---------------------------------------------------------------------------------
    def train_gd(self, X, y, lr: float, steps: int, *, train="all", record_every: int = 1,
                 linearized: bool = False, center: bool = False) -> TrainResult:
        """Full-batch gradient descent on L = 1/2 mean_i (f(x_i) - y_i)^2.

        One step: theta <- theta - lr * dL/dtheta = theta - (lr / n) J^T (f - y), so on the training
        set the predictions move by -(lr / n) Theta (f - y) to first order (gradient flow with time
        t = lr * steps has df/dt = -(1/n) Theta (f - y)).

        Args:
            X, y: training inputs (n, d) and targets (n,).
            lr, steps: learning rate and number of steps.
            train: the trained parameters (see :func:`parse_train`); the others stay at init.
            record_every: record the loss every this many steps (step 0 and the last are always kept).
            linearized: train the first-order Taylor model f_0 + J_0 (theta - theta_0) instead
                (Lee et al. 2019). Run exactly in function space, f <- f - (lr / n) Theta_0 (f - y),
                with the factorised empirical NTK Theta_0 at initialisation.
            center: use f - f_0 (the output at initialisation subtracted, so the model starts at 0,
                as theory section 7 assumes).

        Returns:
            :class:`TrainResult`.
        """
        X = _as_batch(X, self.input_dim, "X")
        y = np.asarray(y, dtype=float)
        n = X.shape[0]
        if y.shape != (n,):
            raise ValueError(f"y must have shape ({n},): got {y.shape}")
        if not (isinstance(steps, (int, np.integer)) and steps >= 0):
            raise ValueError(f"steps must be a non-negative integer: {steps!r}")
        if not (isinstance(record_every, (int, np.integer)) and record_every >= 1):
            raise ValueError(f"record_every must be a positive integer: {record_every!r}")
        if not (math.isfinite(lr) and lr > 0):
            raise ValueError(f"lr must be a positive number: {lr!r}")
        pairs = parse_train(train, self.layers)
        f0 = self.forward(X)
        offset = f0 if center else np.zeros(n)
        rec_steps, losses = [], []

        def record(t, r):
            if t % record_every == 0 or t == steps:
                rec_steps.append(t)
                losses.append(0.5 * float(np.mean(r * r)))

        if linearized:
            theta0 = self.empirical_ntk(X, train=pairs)
            f = f0 - offset
            for t in range(steps + 1):
                r = f - y
                record(t, r)
                if t < steps:
                    f = f - (lr / n) * (theta0 @ r)
            return TrainResult(np.array(rec_steps), np.array(losses), f, None)

        Ws, bs = [W.copy() for W in self.weights], [b.copy() for b in self.biases]
        net = FiniteNetwork(tuple(Ws), tuple(bs), self.sigma_w, self.sigma_b, self.activation,
                            self.slope, self.power)
        for t in range(steps + 1):
            hs, acts = net._forward(X)
            r = hs[-1][:, 0] - offset - y
            record(t, r)
            if t == steps:
                break
            deltas = net._backward(hs)
            for l, p in pairs:                       # in place: Ws/bs are shared with net
                g = deltas[l - 1] * (r / n)[:, None]  # (n, n_l), residual-weighted
                if p == "w":
                    Ws[l - 1] -= lr * net._c(l) * (g.T @ acts[l - 1])
                elif net.sigma_b[l - 1] != 0:
                    bs[l - 1] -= lr * net.sigma_b[l - 1] * g.sum(axis=0)
        return TrainResult(np.array(rec_steps), np.array(losses), r + y, net)
