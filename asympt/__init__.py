"""asympt: large-time loss exponents of wide networks trained in the kernel (NTK / lazy) regime.

The public API is loaded lazily (PEP 562) so that ``import asympt`` and ``asympt --help`` stay fast:

>>> import asympt
>>> k = asympt.ntk("relu")                     # He 2-layer ReLU NTK on the sphere
>>> k.value_at_one
2
>>> asympt.loss_law(k, dim=3, target="neuron").xi       # theory section 7 worked case
1
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_EXPORTS = {
    "Approx": "asympt.core.precision",
    "DecayLaw": "asympt.laws.decay",
    "DotProductKernel": "asympt.kernels.kernel",
    "LossLaw": "asympt.laws.loss",
    "Spectrum": "asympt.spectrum",
    "activation": "asympt.kernels.activations",
    "decay_law": "asympt.laws.decay",
    "eigenvalues": "asympt.spectrum",
    "loss_curve": "asympt.laws.curve",
    "loss_law": "asympt.laws.loss",
    "multiplicity": "asympt.core.sphere",
    "network": "asympt.kernels.networks",
    "nngp": "asympt.kernels.networks",
    "ntk": "asympt.kernels.networks",
    "parse_target": "asympt.targets",
    "Target": "asympt.targets",
    "u": "asympt.core.conventions",
    # concrete targets (what parse_target returns) and the law of their energies
    "Neuron": "asympt.targets",
    "Cap": "asympt.targets",
    "Sobolev": "asympt.targets",
    "PowerLaw": "asympt.targets",
    "Harmonic": "asympt.targets",
    "RKHS": "asympt.targets",
    "TargetLaw": "asympt.targets",
    # every error asympt raises on purpose derives from AsymptError
    "AsymptError": "asympt.core.errors",
    "InvalidInput": "asympt.core.errors",
    "NotSupported": "asympt.core.errors",
    "PrecisionLost": "asympt.core.errors",
    "RegimeNotReached": "asympt.core.errors",
}

__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'asympt' has no attribute {name!r}")


def __dir__():
    return __all__
