"""Training dynamics next to the kernel law: per-degree spectral bias and the initialisation regime.

* :mod:`asympt.dynamics.spectral_bias`: per-degree rates mu_k of gradient descent on the sphere
  (Bowman & Montufar 2022), the conversion between a simulated two-layer network and asympt's kernels,
  and the finite-width simulation that checks them;
* :mod:`asympt.dynamics.regime`: phase-diagram coordinates (gamma, gamma') of a two-layer network's
  initialisation (Luo, Xu, Ma & Zhang 2021), theta-laziness (Li, Luo & Zhou 2024), the layer-weighted
  kernel and the loss exponent xi that the initialisation produces;
* :mod:`asympt.dynamics.horizon`: the exact weight displacement of every layer in the kernel regime,
  and the measured time t_tol(m) at which a width-m network leaves the kernel curve, extrapolated;
* :mod:`asympt.dynamics.early`: the early stage (Wang & Ma 2022): kernel prediction of the early drop,
  neuron partition at initialisation, first-order forecast of activation flips.

The formula side never calls the trainer (:mod:`asympt.numerics.twolayer`); only the ``simulate_*``
functions do, and they report the measurement beside the prediction.
"""

from __future__ import annotations

import importlib

__all__ = ["check_rows", "displacement", "early_stage", "fit_departure", "horizon", "init_kernel", "parse_scale",
           "partition_stats", "regime", "simulate_early", "simulate_horizon", "simulate_regime",
           "simulate_spectral_bias", "spectral_bias", "twolayer_kernel"]

_LAZY = {"check_rows": "horizon", "displacement": "horizon", "early_stage": "early", "fit_departure": "horizon",
         "horizon": "horizon", "partition_stats": "early", "simulate_early": "early", "simulate_horizon": "horizon",
         "init_kernel": "regime", "parse_scale": "regime", "regime": "regime", "simulate_regime": "regime",
         "simulate_spectral_bias": "spectral_bias", "spectral_bias": "spectral_bias",
         "twolayer_kernel": "spectral_bias"}


def __getattr__(name):
    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
