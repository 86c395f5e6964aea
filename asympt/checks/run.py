"""Cross-checks of the closed forms against computations that share none of their formulas.

:func:`run_checks` compares, for one setting (kernel, dimension, target class, data law):

* **spectrum** (Nystrom): the eigenvalues lambda_n of the Gram matrix K_ij / N on N sampled points
  against the Funk-Hecke mu_k with multiplicities (degree blocks, counting function) and the fitted
  exponent of lambda_n ~ Lambda n^-nu against the closed-form nu (:mod:`.spectrum`);
* **loss**: the empirical gradient-flow loss L_N(t) = 1/2 sum_i c_i^2 exp(-2 lambda_i t) of the sampled
  target (c_i its coefficients on the Gram eigenvectors) against the exact population curve and the
  fitted exponent against the closed-form xi (:mod:`.loss`). On non-uniform sphere data and on data in a
  bounded set of R^d this is the universality check of theory section 8 (exponents independent of the
  density); Gaussian data are unbounded, outside section 8, and their exponent rows are skips;
* **finite-width**: real numpy networks' empirical NTK and gradient descent against the analytic kernel
  (:mod:`.finite_width`);
* **high-precision**: mu_k / (A k^-alpha) -> 1 (mpmath tier) and the exact curve's local exponent -> xi
  (:mod:`.highprec`).

The tolerance rule
------------------
A tolerance is built only from error estimates that do not contain the answer being judged: the spread
of the statistic over disjoint subsamples (two halves, four quarters), its finite-N trend between N/4,
N/2 and N, the exact side's own error computed another way, and for the high-precision rows the next term
of the asymptotic expansion. Never the measured-minus-predicted or measured-minus-exact difference. The
sampled rows follow :mod:`asympt.checks.verdict` (bias bracket, noise of the bracket, Student-t quantile
at the family-wise level 5 % / m over the m statistical comparisons of the run). Per row:

* degree blocks: block mean of the N(d,k) Nystrom eigenvalues; mu_k must lie in its interval (per block);
* counting function: exact integer counts at gaps between consecutive mu_k (no tolerance);
* nu fit: the window exponent's interval (+ the exact fit's far movement) must contain nu + shift, shift =
  exact fit over the window - exact fit far out (the pre-asymptotic shift, from the exact spectrum alone);
  on non-uniform or Euclidean data the shift joins the exact-side error instead;
* L_N(t) vs exact L(t): the interval of L_N(t)/L(t) - 1 must contain 0 at three times;
* xi fit: as nu, with the exact curve in place of the exact spectrum;
* NTK error vs width: per-seed log-log slopes, Student-t interval at level 1 - 0.05/m containing -1/2 and
  a one-sided 95 % bound < 0; mean empirical NTK: a z-type ratio <= 2; GD vs kernel prediction: one-sided
  95 % bound of the slope < 0 (false pass <= 5 % against a width-independent null);
* mu_k / A k^-alpha -> 1 and the local exponent -> xi: the next term of the expansion, and a skip when
  that bound says the regime is not reached.

Windows are chosen without looking at the prediction: eigen-index window n in [max(D_2, N/100), N/20]
(D_2 the number of spherical harmonics of degree <= 2 on the intrinsic sphere), ended where any
sample's eigenvalues reach round-off; the times whose learning front 1/(2 lambda_n) lies in it. Fits
are least squares of log y on log x over 40 geometric points of the window.

Detection power and false-failure rate of these verdicts are measured by :mod:`asympt.checks.power`
(stored study in ``asympt/checks/power_study.json``, reported in the ``power`` section of
``asympt check --json``).

The measured side can be replaced (``sampler=``, ``gram=``, ``target_fn=``, ``network=`` of
:func:`run_checks`): the tests feed corrupted measurements (another kernel's Gram matrix, a rescaled
one, shuffled targets, data from another dimension, a network in the wrong parameterisation) and see
the relevant rows fail.

Entry points: :func:`run_checks`, :func:`verify_row`, :class:`CheckReport`.
"""

from __future__ import annotations

from asympt.core.errors import InvalidInput, NotSupported

from .exact import predicted_law
from .fits import estimate_memory, fit_power
from .rows import CheckReport, CheckRow, fmt, short
from .verdict import family_size, richardson_1k, slope_interval

__all__ = ["CheckReport", "CheckRow", "estimate_memory", "fit_power", "richardson_1k", "run_checks",
           "slope_interval", "verify_row"]

GROUPS = ("spectrum", "loss", "finite-width", "high-precision", "horizon")
# run when no group is named; "horizon" trains networks for minutes and is opt-in (--only horizon)
DEFAULT_GROUPS = ("spectrum", "loss", "finite-width", "high-precision")
DATA = ("sphere", "vmf", "gaussian", "cube")
MAX_MEMORY_GB = 2.0  # default memory budget of the sampled checks (refused beyond, before allocating)
SAMPLED = ("spectrum", "loss")


def _setting(kernel, dim, target, data, n, seed, groups):
    # N only when the sampled groups run (the other groups do not sample N points)
    return {"kernel": kernel.network.describe(), "dim": dim, "target": target.spec, "data": data,
            "n": n if any(g in SAMPLED for g in groups) else None, "seed": seed}


def run_checks(kernel, dim: int, target, *, data: str = "sphere", n: int = 4000, seed: int = 0,
               groups=DEFAULT_GROUPS, widths=(250, 1000, 4000), progress=None, predicted=None,
               max_memory_gb: float = MAX_MEMORY_GB, sampler=None, gram=None, target_fn=None,
               network=None) -> CheckReport:
    """Run the cross-checks of one setting; see the module docstring.

    Args:
        kernel: a :class:`~asympt.kernels.kernel.DotProductKernel` (``asympt.ntk(...)``).
        dim: input dimension d (data on S^(d-1), or in R^d for ``gaussian`` / ``cube``).
        target: a target class (``asympt.parse_target``) or its spec string.
        data: ``sphere`` (uniform), ``vmf`` (von Mises-Fisher mixture on the sphere), ``gaussian``
            or ``cube`` (R^d; needs a first-layer bias).
        n: number of sampled points N for the Nystrom and loss checks.
        groups: which check groups to run (subset of ``GROUPS``).
        widths: hidden widths of the finite-network checks (at least three).
        progress: optional callable, called with a short stage name before each stage.
        predicted: optional dict overriding the predictions (keys ``nu``, ``xi``, ``mu`` = {k: mu_k},
            ``A_factor``): used by the tests and the power study to show that a wrong prediction fails.
        max_memory_gb: the sampled checks are refused, before any allocation, when
            :func:`estimate_memory` exceeds this.
        sampler, gram, target_fn, network: replace the measured side (tests of corrupted measurements):
            ``sampler(data, n, dim, seed) -> X``, ``gram(kernel, X) -> K`` (unscaled, K_ij = k(x_i, x_j)),
            ``target_fn(target, X, seed) -> y``, ``network(dim, width, seed, **args) -> FiniteNetwork``.

    Returns:
        :class:`CheckReport`.
    """
    from asympt.targets import parse_target

    from .finite_width import finite_width_checks
    from .highprec import high_precision_checks
    from .sampled import sampled_checks

    if data not in DATA:
        raise InvalidInput(f"data must be one of {', '.join(DATA)}: {data!r}")
    if isinstance(target, str):
        target = parse_target(target, default_activation=kernel.network.activation.name)
    if isinstance(n, bool) or not isinstance(n, int) or n < 200:
        raise InvalidInput(f"n must be an integer >= 200 (number of sampled points): {n!r}")
    bad = [g for g in groups if g not in GROUPS]
    if bad:
        raise InvalidInput(f"unknown check group(s) {bad}; expected some of {', '.join(GROUPS)}")
    sampled = any(g in SAMPLED for g in groups)
    if sampled and estimate_memory(n) > max_memory_gb * 1e9:
        raise InvalidInput(f"n = {n}: the sampled checks would need about {estimate_memory(n) / 1e9:.1f} GB, "
                           f"over the memory limit of {max_memory_gb:g} GB; lower n")
    euclid = data in ("gaussian", "cube")
    if euclid and not kernel.network.first_layer_bias:
        raise InvalidInput(f"data {data!r} lies in R^{dim}: the network needs a first-layer bias, "
                           "theory section 8")
    say = progress or (lambda stage: None)
    predicted = dict(predicted or {})
    law = predicted_law(kernel, dim, target, data)
    m = family_size(groups)
    rows: list = []
    plot: dict = {}
    report = CheckReport(_setting(kernel, dim, target, data, n, seed, groups), rows, plot)
    report.setting["law"] = {"kind": "not derived" if law is None else law.kind,
                             "xi": None if law is None or law.xi is None else str(law.xi),
                             "C": None if law is None or law.C is None else fmt(law.C, 12)}
    report.setting["family_size"] = m
    hooks = {"sampler": sampler, "gram": gram, "target_fn": target_fn}
    if sampled:
        try:
            sampled_checks(kernel, dim, target, data, n, seed, law, groups, predicted, rows, plot, say, hooks, m)
        except NotSupported as err:
            rows.append(CheckRow("spectrum", "sampled-data checks", "-", "-", "-", "skip", str(err)))
    if "finite-width" in groups:
        say("finite-width networks")
        rows.extend(finite_width_checks(kernel, dim, target, widths, seed, network, m))
    if "high-precision" in groups and not euclid:
        say("high-precision")
        rows.extend(high_precision_checks(kernel, dim, target, law, plot, predicted))
    if "horizon" in groups:
        say("horizon: networks of widths 250, 500, 1000 against their kernel")
        rows.extend(_horizon_checks(kernel, dim, target, seed))
    return report


def _horizon_checks(kernel, dim, target, seed):
    """Rows of :func:`asympt.dynamics.horizon.check_rows` (exact displacement, departure time) as CheckRows."""
    from asympt.dynamics.horizon import check_rows

    try:
        got = check_rows(kernel, dim, target, seed=seed)
    except NotSupported as err:
        return [CheckRow("horizon", "horizon checks", "-", "-", "-", "skip", str(err))]
    verdicts = {"pass": "pass", "fail": "fail", "skipped": "skip"}
    return [CheckRow("horizon", r["name"].removeprefix("horizon: "), short(r["predicted"]), short(r["measured"]),
                     short(r["tolerance"]), verdicts[r["verdict"]], r.get("note", "")) for r in got]


def verify_row(kernel, dim: int, target, data: str = "sphere", n: int = 1500, seed: int = 0) -> dict:
    """Quick cross-check of one table row: the Nystrom and loss checks at N = ``n``, with the verdicts of
    :func:`run_checks`. Euclidean rows are checked on data uniform in the cube [-1, 1]^d (theory section 8
    needs bounded support).

    Returns {"verdict": "pass" | "fail" | "skip", "detail": str}; "skip" when no check applied.
    """
    data = {"euclidean": "cube"}.get(data, data)
    try:
        rep = run_checks(kernel, dim, target, data=data, n=n, seed=seed, groups=SAMPLED)
    except NotSupported as err:
        return {"verdict": "skip", "detail": str(err)}
    ran = [r for r in rep.rows if r.verdict != "skip"]
    exponents = [r for r in ran if r.name.startswith(("nu fit", "xi fit", "L_N(t)"))]
    if not exponents:
        why = "; ".join(r.detail for r in rep.rows if r.verdict == "skip")[:300]
        return {"verdict": "skip", "detail": f"no exponent or curve check applies at N = {n}: {why}"}
    if rep.failed:
        return {"verdict": "fail", "detail": "; ".join(f"{r.name}: {r.measured} vs {r.predicted}" for r in rep.failed)}
    return {"verdict": "pass", "detail": f"{len(ran)} checks passed at N = {n}"}
