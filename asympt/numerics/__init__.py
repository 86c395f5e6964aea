"""Independent numerical cross-checks of asympt's formulas.

Each submodule computes what the formula side predicts by a different route (``finite_net``: Monte Carlo
over real finite-width networks; ``twolayer``: a two-layer network trained by gradient descent; ``nystrom``:
Gram-matrix eigenvalues on sampled points; ``data``: sampled data and targets). The measured side never
imports a spectrum or a law: only :mod:`asympt.core` (errors, multiplicities, the Gegenbauer recurrence),
:mod:`asympt.kernels` (to build the network or Gram matrix it measures) and :mod:`asympt.targets` (the
target function it is given), as tests/test_layout.py enforces.
Names are re-exported lazily, so importing this package costs nothing until a name is used.
"""

from __future__ import annotations

import importlib

__all__ = ["ACTIVATIONS", "FiniteNetwork", "TrainResult", "degree_blocks", "get_activation", "nystrom_eigenvalues",
           "parse_train", "sample_sphere"]

_LAZY = {name: "finite_net" for name in ("FiniteNetwork", "TrainResult", "parse_train")}
_LAZY.update({name: "np_activations" for name in ("ACTIVATIONS", "get_activation")})
_LAZY.update({name: "nystrom" for name in ("degree_blocks", "nystrom_eigenvalues")})
_LAZY["sample_sphere"] = "data"


def __getattr__(name):
    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
