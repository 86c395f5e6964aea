"""Finite-width networks in the proportional regime (Han & Imaizumi 2025, arXiv 2505.04898).

* :class:`CavityEstimator`: a per-iteration estimate of the test MSE of gradient descent from the
  training data alone, for a first layer of width q <= 8 and a small head (:func:`head`). It is
  **our derivation (a dynamic cavity / leave-one-out argument), checked against brute-force
  leave-one-out retraining**, not the paper's own algorithm.
* :mod:`.linear`: the width-1 linear case in closed form (a Marchenko-Pastur integral) and its
  large-time laws at n = d.
* :mod:`.trainer`: the reference numpy trainer and the population test MSE used by ``asympt gd-risk``.
"""

from __future__ import annotations

from .estimator import CavityEstimator, EstimateStep, estimator_memory_bytes
from .heads import ACTIVATIONS, Head, head
from .linear import LinearRisk, large_time_laws, linear_gd_risk
from .trainer import Problem, make_problem, population_mse, train

__all__ = sorted(["ACTIVATIONS", "CavityEstimator", "EstimateStep", "Head", "LinearRisk", "Problem",
                  "estimator_memory_bytes", "head", "large_time_laws", "linear_gd_risk", "make_problem",
                  "population_mse", "train"])
