"""Finite-width networks in the proportional regime (Han & Imaizumi 2025, arXiv 2505.04898).

* :class:`CavityEstimator`: a per-iteration estimate of the test MSE of gradient descent from the
  training data alone, for a first layer of width q <= 8 and a small head (:func:`head`). It is
  **our derivation (a dynamic cavity / leave-one-out argument), checked against brute-force
  leave-one-out retraining**, not the paper's own algorithm.
* :mod:`.linear`: the width-1 linear case in closed form (a Marchenko-Pastur integral) and its
  large-time laws at n = d.
* :mod:`.trainer`: the reference numpy trainer and the population test MSE used by ``asympt gd-risk``.

What was checked, and what we found wrong or incomplete in the project notes (NOTES_PROPORTIONAL.md):

* The cavity recursions (chi, J, Gamma, u) were re-derived step by step (estimator module docstring)
  and agree with the notes, with the convention that H multiplies from the left (it matters for
  q >= 2) and that g_(s,i) is the full-model gradient at z_(s,i). Checked against brute-force
  leave-one-out retraining: mean |u_hat - z_loo| / mean |z - z_loo| = 0.045 at M = 600 (linear and
  tanh heads), 0.014-0.031 at M/N = 0.25 and 10; a cavity without the Onsager memory (chi = I)
  gives 1.1 and the training fields give 1.
* ReLU heads: the notes' "Hessian rank-one a.e. (fine)" is wrong for this estimator: the ratio is
  0.09-0.18 at M = 600 and 0.13 at M = 2000 (not shrinking). Two repairs were tried and made it
  worse: a Gaussian-smoothed delta in every Hessian (0.54 at M = 2000), and the smoothed kink term only
  in the sample average Gamma (0.18-0.27). ReLU runs but is flagged as rough; the cause is open.
* Width-1 linear law at n = d: the constants (2 pi)^(-1/2) and 2 (2 - sqrt 2)/sqrt(pi) = 0.6610 are
  right, but the noise part has a constant next term, V = 0.6610 (eta t)^(1/2) - 1/2 + O((eta t)^(-1/2)),
  derived from the density's regular part (int_0^4 (sqrt(4-l) - 2) l^(-3/2) dl / (2 pi) = 1/pi - 1/2) and
  the cut at l = 4 (-1/pi). Without it the leading law is 7.5 % low at eta t = 100 and 2.5 % low at
  eta t = 10^4 (the notes' "65.6 against 66.1 at t = 1e5" is this -1/2). The bias part's relative
  corrections are -1/(32 eta t) - 3/(16 t).
* A single GD run at M = 6000, N = 4000 fluctuates by about 2 % around the closed form (through the
  direction of w_0 - mu* and the label noise): the 1 % agreement holds for the risk averaged over those
  given the design (and for the mean of 8 runs), not for every single run.
* GCV shortcut: in the large-n limit (Marchenko-Pastur quadrature) it is off by -9 % to +7 % along the
  curve at M/N = 1.5 and by factors at M/N = 0.7, so it fails T3, as the notes claimed from one run.
* Stability: the notes' auto step 0.4 / (1 + sqrt(M/N))^2 assumes a head curvature <= 1; here it is
  divided by the head's Gauss-Newton bound L (||a||^2 sup s'^2 for two layers).
* Memory window: the notes suggested one; truncating the per-sample memory to lags < w biases the
  estimate down toward the training error beyond t ~ 1.5 w (measured at M = 2000, N = 1000, T = 60:
  w = 40: -0.4 % at t = 60; w = 20: -1.3 % at t = 40, -8 % at t = 60; w = 10: -10 % at t = 40).
* The deep layers' own O(1/n) leave-one-out effect is ignored, as in the notes; T1 with trained two-
  and three-layer heads passes anyway.
"""

from __future__ import annotations

from .estimator import CavityEstimator, EstimateStep, estimator_memory_bytes
from .heads import ACTIVATIONS, Head, head
from .linear import LinearRisk, large_time_laws, linear_gd_risk
from .trainer import Problem, make_problem, population_mse, train

__all__ = sorted(["ACTIVATIONS", "CavityEstimator", "EstimateStep", "Head", "LinearRisk", "Problem",
                  "estimator_memory_bytes", "head", "large_time_laws", "linear_gd_risk", "make_problem",
                  "population_mse", "train"])
