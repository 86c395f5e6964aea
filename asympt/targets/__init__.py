"""Target functions f* on the sphere S^(d-1) and their per-degree energies e_k.

Concept
-------
The population loss of kernel-regime training is L(t) = 1/2 sum_k e_k exp(-2 mu_k t) (theory section 7),
so a target enters only through its energy on each degree k of spherical harmonics,

    e_k = ||P_k f*||^2_{L^2(sigma)},        sum_k e_k = ||f*||^2       (Parseval),

with sigma the uniform probability measure on S^(d-1) and P_k the projection on degree-k harmonics.
A :class:`Target` gives e_k exactly (SymPy) where a closed form exists, to any precision with mpmath
otherwise, the exact norm ||f*||^2, exact tails sum_{k >= K} e_k = ||f*||^2 - sum_{k < K} e_k (theory 9.7)
and the large-k law e_k ~ B_p k^-beta on each parity class p (:class:`TargetLaw`).

Modules
-------
* :mod:`.base`: the :class:`Target` interface, :class:`TargetLaw` and the shared sphere helpers;
* :mod:`.neuron`: single neurons g(w.x) (closed forms, and the decay classes of smooth g);
* :mod:`.funk_hecke`: the adaptive Funk-Hecke quadrature for neurons without a closed form;
* :mod:`.cap`: spherical caps;
* :mod:`.spectra`: targets given by their energies (Sobolev-type, power law, finite harmonic, source condition);
* :mod:`.parse`: :func:`parse_target`, the text form used by the command line.

References: Bietti & Bach 2021 (ICLR, "Deep equals shallow for ReLU networks in kernel regimes") for the
Funk-Hecke / Gegenbauer decay of single-neuron targets; Velikanov & Yarotsky 2021 (arXiv 2105.00507)
for power-law target spectra; Atkinson & Han 2012, "Spherical harmonics and approximations on the unit
sphere", ch. 2 (Funk-Hecke, Gegenbauer identities); Waldvogel 2006, BIT 46, 195-202 (Fejer weights).
These are pointers; every formula above is checked in tests/test_targets.py against an independent
quadrature or an exact identity.

Entry point: :func:`parse_target` (``neuron``, ``neuron:NAME``, ``halfspace``, ``cap:THETA0``,
``sobolev:S[:T]``, ``harmonic:K[,K2,...]``, ``powerlaw:BETA``, ``rkhs:R[:BASE]``).
"""

from __future__ import annotations

from asympt.kernels.activations import x  # noqa: F401 - the variable of g, used by asympt.laws

from .base import Target, TargetLaw, _multiplicity  # noqa: F401 - _multiplicity: tests
from .cap import Cap
from .neuron import Neuron, SmoothClass, _neuron_kind, smooth_parity_class  # noqa: F401 - _neuron_kind: laws
from .parse import parse_target
from .spectra import RKHS, Harmonic, PowerLaw, Sobolev

__all__ = [
    "Cap",
    "Harmonic",
    "Neuron",
    "PowerLaw",
    "RKHS",
    "SmoothClass",
    "Sobolev",
    "Target",
    "TargetLaw",
    "parse_target",
    "smooth_parity_class",
]
