"""What the dynamics modules share: input checks, the target, and the trainer's scales for a kernel.

One guard decides which of asympt's networks the numpy trainer (:mod:`asympt.numerics.twolayer`)
can realise, :func:`trainer_scales`; the spectral-bias, horizon and early-stage simulations all
call it. The conversion ([derived]; checked against finite networks in tests/dynamics): asympt's
two-layer network f = (sigma_w2/sqrt(m)) sum a_k s(sigma_w1 w_k.x + sigma_b1 b_k), all N(0, 1), is the
trainer's f = (1/alpha) sum a_k s(W_k.(x, sigma_b1/sigma_w1)) with W = sigma_w1 (w, b), beta1 = 1,
beta2 = sigma_w1, alpha = sqrt(m)/sigma_w2 and the first-layer step multiplied by sigma_w1^2 (the same
gradient flow in asympt's parameters); asympt's first-layer displacement is |Delta W| / sigma_w1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from asympt.core.errors import InvalidInput, NotSupported

__all__ = ["TrainerScales", "check_float", "check_tol", "resolve_target", "teacher_data", "teacher_kind",
           "trainer_scales"]


def check_float(name: str, value, *, positive: bool = True) -> float:
    """``value`` as a finite float (positive unless ``positive`` is False), else InvalidInput."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise InvalidInput(f"{name} must be a number: {value!r}") from None
    if not math.isfinite(v) or (positive and v <= 0):
        raise InvalidInput(f"{name} must be a {'positive ' if positive else ''}finite number: {value!r}")
    return v


def check_tol(tol) -> float:
    """A relative tolerance in (0, 1)."""
    tol = check_float("tol", tol)
    if tol >= 1:
        raise InvalidInput(f"tol must be a relative tolerance in (0, 1): {tol}")
    return tol


def resolve_target(kernel, target):
    """A :class:`asympt.targets.Target` from a spec string (default activation: the kernel's)."""
    from asympt.targets import parse_target

    if isinstance(target, str):
        return parse_target(target, default_activation=kernel.network.activation.name)
    return target


@dataclass(frozen=True)
class TrainerScales:
    """Scales of :class:`asympt.numerics.twolayer.TwoLayerNet` that realise one of asympt's networks.

    ``alpha_over_sqrt_m`` is alpha / sqrt(m) (alpha itself depends on the width); ``lr_w`` multiplies
    the first-layer step; ``sigma_w1`` converts the trainer's first-layer displacement to asympt's.
    """

    beta2: float
    input_bias: float
    alpha_over_sqrt_m: float
    lr_w: float
    sigma_w1: float

    def alpha(self, width: int) -> float:
        return self.alpha_over_sqrt_m * math.sqrt(width)


def trainer_scales(net) -> TrainerScales:
    """The one simulation guard: refuse what the trainer cannot train, else its scales (module docstring).

    ``net`` is an :class:`asympt.kernels.networks.Network` (or a kernel, whose network is used).
    """
    net = getattr(net, "network", net)
    if net.layers != 2:
        raise NotSupported(f"the simulation trains two-layer networks only (layers = 2): layers = {net.layers}")
    if net.sigma_b[1] != 0:
        raise NotSupported("the simulation has no output bias: the readout bias sigma_b2 must be 0")
    if net.layer_weights is not None or len(net.train) != 4:
        raise NotSupported("the simulation trains every parameter with one step size (train = all)")
    sw1, sw2, sb1 = (float(s) for s in (net.sigma_w[0], net.sigma_w[1], net.sigma_b[0]))
    return TrainerScales(beta2=sw1, input_bias=sb1 / sw1, alpha_over_sqrt_m=1.0 / sw2, lr_w=sw1**2, sigma_w1=sw1)


_TEACHERS = {"halfspace": "halfspace", "neuron:relu": "relu"}


def teacher_kind(target) -> str:
    """The trainer's teacher for a target class: a ReLU neuron or a half-space."""
    spec = getattr(target, "spec", "")
    if spec not in _TEACHERS:
        raise NotSupported(f"the simulation trains on a relu neuron or a half-space target: {spec!r}")
    return _TEACHERS[spec]


def teacher_data(kind: str, samples: int, dim: int, rng):
    """(X, y): ``samples`` uniform points on S^(dim-1) and the teacher's values, both drawn from ``rng``
    (the points first, then the teacher direction), as every horizon simulation draws them."""
    from asympt.numerics import twolayer as tl

    X = tl.sample_sphere(samples, dim, rng)
    v = tl.sample_sphere(1, dim, rng)[0]
    return X, tl.teacher(kind, X, v)
