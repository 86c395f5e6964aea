"""Deep fully connected networks -> NNGP and NTK as dot-product kernels on the sphere.

Recursion (infinite width, NTK parameterisation; Neal 1996, Lee et al. 2018, Jacot et al. 2018;
theory section 3), with q_l = Sigma^l(x, x) constant on the sphere:

    Sigma^1 = sw_1^2 u + sb_1^2
    Sigma^(l+1) = sw_(l+1)^2 V(q_l, Sigma^l) + sb_(l+1)^2,   Sigmadot^(l+1) = sw_(l+1)^2 Vd(q_l, Sigma^l)
    Theta = sum over trained layers l of C_l prod_(m > l) Sigmadot^m,

where C_l is the part of Sigma^l due to the trained parameters of layer l (its weights give
Sigma^l - sb_l^2, its bias sb_l^2). ``train="all"`` gives the NTK Theta^L, ``train="last"`` the
NNGP / random-features kernel Sigma^L.

Entry points: :func:`network` (a validated :class:`Network` spec), :func:`ntk`, :func:`nngp`,
which return :class:`asympt.kernels.kernel.DotProductKernel`.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from .activations import Activation, activation
from asympt.core.conventions import CONVENTIONS, he_scales
from asympt.core.errors import InvalidInput, check_int

__all__ = ["Network", "network", "nngp", "ntk"]

_MAX_LAYERS = 12


@dataclass(frozen=True)
class Network:
    """A validated network specification (all scales exact SymPy numbers).

    Attributes:
        activation: the :class:`~asympt.kernels.activations.Activation` of every hidden layer.
        layers: number L of weight layers (L = 2: one hidden layer).
        sigma_w, sigma_b: per-layer weight and bias scales (length L).
        train: frozenset of (layer, "w" | "b") pairs that are trained, layers numbered from 1.
        convention: ``"he"`` or ``"neural_tangents"``.
        layer_weights: None (every trained layer counts once: the NTK) or one positive exact weight
            c_l per layer; the kernel is then the layer-weighted tangent kernel sum_l c_l K^[l], K^[l]
            the contribution of layer l's trained parameters. A layer trained with learning rate
            c_l (or whose parameters are N(0, 1/c_l) before normalisation) has this kernel
            (Luo, Xu, Ma & Zhang 2021; Li, Luo & Zhou 2024; see asympt.dynamics.regime).
    """

    activation: Activation
    layers: int
    sigma_w: tuple
    sigma_b: tuple
    train: frozenset
    convention: str = "he"
    layer_weights: tuple | None = None

    @property
    def has_bias(self) -> bool:
        return any(b != 0 for b in self.sigma_b)

    @property
    def first_layer_bias(self) -> bool:
        return self.sigma_b[0] != 0

    def trained_layers(self) -> list[int]:
        return sorted({layer for layer, _ in self.train})

    def describe_training(self) -> str:
        layers = self.trained_layers()
        if layers == list(range(1, self.layers + 1)) and len(self.train) == 2 * self.layers:
            return "all layers (NTK)"
        if layers == [self.layers]:
            return "last layer only (random features / NNGP kernel)"
        return "layers " + ", ".join(str(x) for x in layers)

    def describe(self) -> str:
        hidden = self.layers - 1
        sw = ", ".join(str(s) for s in self.sigma_w)
        sb = ", ".join(str(s) for s in self.sigma_b)
        text = (f"{self.layers}-layer network ({hidden} hidden layer{'s' if hidden != 1 else ''}), "
                f"activation {self.activation.name}, sigma_w = ({sw}), sigma_b = ({sb}), "
                f"trained: {self.describe_training()}")
        if self.layer_weights is not None:
            text += ", layer weights c = (" + ", ".join(str(c) for c in self.layer_weights) + ")"
        return text


def _scale_list(name, value, layers, default):
    if value is None:
        return [sympy.sympify(v) for v in default]
    if isinstance(value, (list, tuple)):
        vals = list(value)
        if len(vals) == 1:
            vals = vals * layers
        if len(vals) != layers:
            raise InvalidInput(f"{name} must have one value or one per layer ({layers}): got {len(vals)}")
    else:
        vals = [value] * layers
    out = []
    for v in vals:
        try:
            if isinstance(v, sympy.Basic):
                s = v
            elif isinstance(v, str):
                from asympt.core.parse import parse_rational  # restricted: numbers and p/q only

                s = parse_rational(v, name)
            elif isinstance(v, bool):
                raise TypeError
            elif isinstance(v, int):
                s = sympy.Integer(v)
            elif isinstance(v, float):
                s = sympy.nsimplify(v, rational=True) if v == v else sympy.nan
            else:
                raise TypeError
        except TypeError:
            raise InvalidInput(f"{name} must be a number or a list of numbers: {v!r}") from None
        if not s.is_real or s.is_negative or s.has(sympy.nan, sympy.oo, sympy.zoo):
            raise InvalidInput(f"{name} must be non-negative: {v!r}")
        out.append(s)
    return out


def _parse_train(train, layers) -> frozenset:
    both = lambda ls: frozenset((l, p) for l in ls for p in ("w", "b"))  # noqa: E731
    if train is None or train == "all":
        return both(range(1, layers + 1))
    if train == "last":
        return both([layers])
    if train == "last-weights":
        return frozenset({(layers, "w")})
    if isinstance(train, str):
        parts = [p.strip() for p in train.split(",") if p.strip()]
        try:
            ls = [int(p) for p in parts]
        except ValueError:
            raise InvalidInput(f"train must be 'all', 'last', 'last-weights' or layer numbers like '1,3': "
                               f"{train!r}") from None
    else:
        try:
            ls = [int(p) for p in train]
        except (TypeError, ValueError):
            raise InvalidInput(f"train must be 'all', 'last' or a list of layer numbers: {train!r}") from None
    if not ls:
        raise InvalidInput("train must name at least one layer")
    bad = [l for l in ls if not 1 <= l <= layers]
    if bad:
        raise InvalidInput(f"train: layer numbers must be between 1 and {layers}: {bad}")
    return both(ls)


def network(act="relu", layers: int = 2, sigma_w=None, sigma_b=None, *, bias=None, train="all",
            convention: str = "he", layer_weights=None) -> Network:
    """Validate and normalise a network specification.

    ``bias`` is a shortcut for the same sigma_b on every layer. Defaults: He scales
    (sigma_w = 1, sqrt(2), sqrt(2), ...) and no bias; with ``convention="neural_tangents"``
    sigma_w defaults to 1 on every layer and a scalar applies to every layer, the readout included.
    ``layer_weights`` (one positive number per layer, or None) weights each layer's contribution to
    the tangent kernel; all weights 1 is the same network as None.

    >>> network("relu", 3).sigma_w
    (1, sqrt(2), sqrt(2))
    >>> network("relu", 1)
    Traceback (most recent call last):
    ...
    asympt.core.errors.InvalidInput: layers must be an integer >= 2: 1
    """
    act = activation(act)
    layers = check_int("layers", layers, minimum=2, maximum=_MAX_LAYERS)
    if convention not in CONVENTIONS:
        raise InvalidInput(f"convention must be one of {list(CONVENTIONS)}: {convention!r}")
    if bias is not None and sigma_b is not None:
        raise InvalidInput("give either bias or sigma_b, not both")
    if bias is not None:
        sigma_b = bias
    default_w = he_scales(layers) if convention == "he" else [1] * layers
    sw = _scale_list("sigma_w", sigma_w, layers, default_w)
    sb = _scale_list("sigma_b", sigma_b, layers, [0] * layers)
    if any(s == 0 for s in sw):
        raise InvalidInput("sigma_w must be positive in every layer (a zero weight scale disconnects the network)")
    tr = _parse_train(train, layers)
    lw = None
    if layer_weights is not None:
        if not isinstance(layer_weights, (list, tuple)) or len(layer_weights) != layers:
            raise InvalidInput(f"layer_weights must be a list of {layers} positive numbers (one per layer): "
                               f"{layer_weights!r}")
        lw = tuple(_scale_list("layer_weights", list(layer_weights), layers, None))
        if any(c == 0 for c in lw):
            raise InvalidInput(f"layer_weights must be positive: {layer_weights!r}")
        if all(c == 1 for c in lw):
            lw = None
    if not act.has_derivative_kernel and any(l < layers for l, _ in tr):
        raise InvalidInput(f"activation {act.name} has no finite derivative kernel E[s'(z)^2]: "
                           "only the last layer can be trained (train='last')")
    return Network(act, layers, tuple(sw), tuple(sb), tr, convention, lw)


def ntk(act="relu", layers: int = 2, sigma_w=None, sigma_b=None, *, bias=None, train="all",
        convention: str = "he", layer_weights=None):
    """Neural tangent kernel (train="all" by default) as a :class:`~asympt.kernels.kernel.DotProductKernel`.

    ``layer_weights`` gives the layer-weighted tangent kernel sum_l c_l K^[l] (see :class:`Network`).

    >>> k = ntk("relu")
    >>> k.value_at_one
    2
    >>> ntk("relu", layer_weights=(3, 1)).value_at_one      # 3 * (first-layer part 1) + readout part 1
    4
    """
    from .kernel import DotProductKernel

    return DotProductKernel(network(act, layers, sigma_w, sigma_b, bias=bias, train=train, convention=convention,
                                    layer_weights=layer_weights))


def nngp(act="relu", layers: int = 2, sigma_w=None, sigma_b=None, *, bias=None, convention: str = "he"):
    """NNGP kernel Sigma^L (= the kernel of training the last layer, weights and bias).

    >>> nngp("relu").value_at_one
    1
    """
    return ntk(act, layers, sigma_w, sigma_b, bias=bias, train="last", convention=convention)
