"""Training dynamics next to the kernel law: per-degree spectral bias and the initialisation regime.

* :mod:`asympt.dynamics.spectral_bias`: per-degree rates mu_k of gradient descent on the sphere
  (Bowman & Montufar 2022), the conversion between a simulated two-layer network and asympt's kernels,
  and the finite-width simulation that checks them;
* :mod:`asympt.dynamics.regime`: phase-diagram coordinates (gamma, gamma') of a two-layer network's
  initialisation (Luo, Xu, Ma & Zhang 2021), theta-laziness (Li, Luo & Zhou 2024), the layer-weighted
  kernel and the loss exponent xi that the initialisation produces.

The formula side never calls the trainer (:mod:`asympt.numerics.twolayer`); only the ``simulate_*``
functions do, and they report the measurement beside the prediction.
"""

from __future__ import annotations

import importlib

__all__ = ["init_kernel", "parse_scale", "regime", "simulate_regime", "simulate_spectral_bias", "spectral_bias",
           "twolayer_kernel"]

_LAZY = {"init_kernel": "regime", "parse_scale": "regime", "regime": "regime", "simulate_regime": "regime",
         "simulate_spectral_bias": "spectral_bias", "spectral_bias": "spectral_bias",
         "twolayer_kernel": "spectral_bias"}


def __getattr__(name):
    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
