"""Training dynamics next to the kernel law: per-degree spectral bias, the initialisation regime, the horizon.

* :mod:`asympt.dynamics.spectral_bias`: per-degree rates mu_k of gradient descent on the sphere
  (Bowman & Montufar 2022), the conversion between a simulated two-layer network and asympt's kernels,
  and the finite-width simulation that checks them;
* :mod:`asympt.dynamics.regime`: phase-diagram coordinates (gamma, gamma') of a two-layer network's
  initialisation (Luo, Xu, Ma & Zhang 2021), theta-laziness (Li, Luo & Zhou 2024), the layer-weighted
  kernel and the loss exponent xi that the initialisation produces;
* :mod:`asympt.dynamics.displacement`: the exact weight displacement of every layer in the kernel regime
  and the kernel's loss curve on the population; :mod:`asympt.dynamics.datakernel` the same kernel on a
  training sample;
* :mod:`asympt.dynamics.simulate` and :mod:`asympt.dynamics.departure`: networks trained beside their
  kernel, the measured time t_tol(m) at which they leave the kernel curve, and its fit in the width;
  :mod:`asympt.dynamics.horizon` puts the two sides together (`asympt horizon`);
* :mod:`asympt.dynamics.early`: the early stage (Wang & Ma 2022): kernel prediction of the early drop,
  neuron partition at initialisation, first-order forecast of activation flips;
* :mod:`asympt.dynamics.common`: input checks and the one guard for what the trainer can simulate.

Every result is a frozen dataclass at full precision (``to_dict()`` gives the JSON structure); rounding
to the digits a quantity carries happens where it is rendered (:mod:`asympt.cli`). The formula side
never calls the trainer (:mod:`asympt.numerics.twolayer`); only the ``simulate_*`` functions do, and
they report the measurement beside the prediction.
"""

from __future__ import annotations

import importlib

_LAZY = {"check_rows": "horizon", "horizon": "horizon", "Horizon": "horizon",
         "displacement": "displacement", "Displacement": "displacement", "layer_kernels": "displacement",
         "DataKernel": "datakernel", "departure_time": "departure", "fit_departure": "departure",
         "fit_horizon": "departure", "simulate_horizon": "simulate", "static_departure": "simulate",
         "early_analysis": "early", "early_stage": "early", "EarlyStage": "early", "partition_stats": "early",
         "simulate_early": "early", "init_kernel": "regime", "parse_scale": "regime", "regime": "regime",
         "Regime": "regime", "simulate_regime": "regime", "simulate_spectral_bias": "spectral_bias",
         "spectral_bias": "spectral_bias", "SpectralBias": "spectral_bias", "twolayer_kernel": "spectral_bias",
         "trainer_scales": "common"}
__all__ = sorted(_LAZY)


def __getattr__(name):
    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
