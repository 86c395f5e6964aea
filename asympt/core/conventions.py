"""Every normalisation asympt uses, in one place.

* Inputs x on the unit sphere S^(d-1) of R^d, ``dim = d`` the *ambient* dimension; sigma is the
  uniform **probability** measure. A dot-product kernel is K(x, x') = k(u), ``u = x.x'``.
* Gegenbauer polynomials are normalised by P_k(1) = 1; Funk-Hecke eigenvalues mu_k have
  multiplicity N(d, k) (see :mod:`asympt.core.sphere`).
* Networks use the NTK parameterisation (Jacot, Gabriel & Hongler 2018): all weights and biases
  N(0, 1), h^1 = sigma_w1 W^1 x + sigma_b1 b^1 (no 1/sqrt(d): |x| = 1), later layers
  h^(l+1) = (sigma_w,l+1 / sqrt(n_l)) W^(l+1) phi(h^l) + sigma_b,l+1 b^(l+1), scalar output.
* Default scales ("he"): sigma_w = 1 in the first layer, sqrt(2) in every later layer, no bias.
  With these, Sigma^l(x, x) = 1 for ReLU and Theta^L(1) = L.
* ``convention="neural_tangents"`` reproduces the ``ntk`` parameterisation of the neural-tangents
  library (Novak et al. 2020): the same sigma_w and sigma_b on every layer, the readout included,
  with input covariance equal to u (feed sqrt(d) x to that library so that x.x'/d = u).
* Loss: gradient flow on L = 1/2 ||f - f*||^2_{L^2(sigma)}, so L(t) = 1/2 sum_k e_k exp(-2 mu_k t).
"""

from __future__ import annotations

import sympy

__all__ = ["CONVENTIONS", "he_scales", "u"]

#: The kernel variable u = x.x' (a real SymPy symbol shared by every expression asympt builds).
u = sympy.Symbol("u", real=True)

CONVENTIONS = ("he", "neural_tangents")


def he_scales(layers: int) -> list:
    """He weight scales sigma_w for ``layers`` weight layers: 1 first, sqrt(2) after.

    >>> he_scales(3)
    [1, sqrt(2), sqrt(2)]
    """
    return [sympy.Integer(1)] + [sympy.sqrt(2)] * (layers - 1)
