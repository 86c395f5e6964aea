"""Independent numerical cross-checks of asympt's formulas.

Each submodule computes what the formula side predicts by a different route and never imports the
formula side (``finite_net``: Monte Carlo over real finite-width networks; ``nystrom``: Gram-matrix eigenvalues on
sampled points; numpy and scipy only).
Names are re-exported lazily, so importing this package costs nothing until a name is used.
"""

from __future__ import annotations

import importlib

__all__ = ["ACTIVATIONS", "FiniteNetwork", "TrainResult", "degree_blocks", "get_activation", "nystrom_eigenvalues",
           "parse_train", "sample_sphere"]

_LAZY = {name: "finite_net" for name in ("ACTIVATIONS", "FiniteNetwork", "TrainResult", "get_activation",
                                         "parse_train")}
_LAZY.update({name: "nystrom" for name in ("degree_blocks", "nystrom_eigenvalues")})
_LAZY["sample_sphere"] = "data"


def __getattr__(name):
    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
