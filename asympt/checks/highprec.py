"""High-precision rows of ``asympt check``: mu_k / (A k^-alpha) -> 1 (mpmath tier) and the exact curve's
local exponent -> xi, each with a tolerance from the next term of its asymptotic expansion, and a skip
("regime not reached") decided from that next-term bound and the prediction alone.

* mu_k / A k^-alpha = 1 + c/k + O(1/k^2) (theory section 5): ratios at k = 25, 50, 100, 200 are
  extrapolated pairwise with the O(1/k) rate (Richardson, :func:`asympt.checks.verdict.richardson_1k`); the
  tolerance is the change of the extrapolation between the last two pairs (the O(1/k^2) term) + 1e-7. The
  expansion is in its regime only when these changes shrink (by at least 2x per doubling of k; an
  O(1/k^2) term shrinks 4x) and the tolerance is below half of the predicted limit 1; otherwise (large d,
  where the 1/k corrections are ~ d^2/k) the row is a skip. Both tests are invariant under a wrong
  constant A (they use ratios of changes, and the tolerance against the limit 1 of the prediction).
* local exponent -dlog L/dlog t at t = 1e2, 1e4, 1e6: s(t) - xi = O(t^-1/alpha) at worst; the tolerance
  is the geometric tail q/(1 - q) |s(1e6) - s(1e4)|, q = 100^(-1/alpha), alpha read off the exact mu_k;
  a skip when it is half of xi or more.
"""

from __future__ import annotations

import math

from .rows import CheckRow, fmt
from .verdict import richardson_1k

__all__ = ["high_precision_checks"]


def high_precision_checks(kernel, dim, target, law, plot, predicted=None):
    import mpmath
    import sympy

    from asympt.laws.curve import loss_curve
    from asympt.laws.decay import decay_law
    from asympt.spectrum import eigenvalues

    predicted = predicted or {}
    rows = []
    dl = decay_law(kernel, dim)
    alpha_exact = None  # decay rate of the exact mu_k between k ~ 100 and 200 (rate of the next term below)
    if dl.kind != "power":
        rows.append(CheckRow("high-precision", "mu_k / A k^-alpha -> 1", "-", "-", "-", "skip",
                             f"decay law is {dl.kind}, not a power law"))
    else:
        ks = [25, 50, 100, 200]
        spec = eigenvalues(kernel, dim, ks[-1] + 1, tier="mpmath", digits=10)
        scale = float(predicted.get("A_factor", 1.0))
        ratios = []
        for k in ks:
            kk = k if dl.approx(k) not in (None, 0) else k + 1
            mu = spec[kk].value
            ratios.append((kk, float(mu / (scale * mpmath.mpf(str(sympy.N(dl.approx(kk), 30)))))))
        # mu_k / law = 1 + c/k + O(1/k^2) (theory section 5): Richardson in k removes the 1/k term; the
        # change of the extrapolated limit between the last two pairs estimates the next term
        (k1, _), (k2, _) = ratios[-2], ratios[-1]
        alpha_exact = -math.log(float(spec[k2].value / spec[k1].value)) / math.log(k2 / k1)
        lims = richardson_1k(ratios)
        tol = abs(lims[-1] - lims[-2]) + 1e-7  # + the 10 computed digits
        ok = abs(lims[-1] - 1) <= tol
        # regime not reached (decided from the Richardson sequence and the predicted limit 1 only): the
        # O(1/k^2) estimate does not shrink at least 2x between the last two doublings of k, or it is half of
        # the limit or more
        shrink = abs(lims[-1] - lims[-2]) / abs(lims[-2] - lims[-3]) if lims[-2] != lims[-3] else 0.0
        undecided = shrink > 0.5 or tol >= 0.5
        why = (f"asymptotic regime not reached by k = {k2}: the Richardson changes "
               f"{fmt(abs(lims[-2] - lims[-3]), 2)} -> {fmt(abs(lims[-1] - lims[-2]), 2)} shrink by "
               f"{fmt(1 / shrink if shrink else math.inf, 2)}x (an O(1/k^2) term shrinks 4x, at least 2x needed)"
               + (f" and the bound {fmt(tol, 2)} is half of the limit 1 or more" if tol >= 0.5 else "") + "; "
               if undecided else "")
        rows.append(CheckRow(
            "high-precision", "mu_k / A k^-alpha -> 1",
            f"alpha = {dl.alpha}, A = {dl.A(ratios[-1][0])}" + ("" if scale == 1 else f" x {scale:g}"),
            ", ".join(f"k={k}: {r:.6f}" for k, r in ratios) + f"; extrapolated {lims[-1]:.6f}",
            f"+-{fmt(tol, 2)}", "skip" if undecided else "pass" if ok else "fail",
            why + "mpmath tier, 10 digits; ratios extrapolated to k = infinity with the O(1/k) rate (Richardson, "
            "pairs k, 2k); tolerance = change of the extrapolation between the last two pairs (the O(1/k^2) term) "
            "+ 1e-7",
            {"ratios": [[k, r] for k, r in ratios], "extrapolated": lims, "tolerance": tol,
             "richardson_shrink": shrink}))
    if law is not None and law.kind == "power" and law.xi is not None:
        times = [1e2, 1e4, 1e6]
        pts = loss_curve(kernel, dim, target, times, digits=10, law=law)
        xi_closed = predicted.get("xi", law.xi)
        xi = float(xi_closed)
        slopes = [float(p.slope) for p in pts]
        # s(t) - xi = O(t^-1/alpha) at worst (relative corrections O(1/K*), learning front K* ~ t^(1/alpha));
        # over the next decades the local exponent moves at most the geometric tail q / (1 - q) of its last
        # step, q = 100^(-1/alpha); alpha is read off the exact mu_k (k ~ 100..200), not the closed form
        alpha = alpha_exact
        if alpha is None or alpha <= 0:
            rows.append(CheckRow("high-precision", "exact local exponent -> xi", f"xi = {xi_closed}", "-", "-", "skip",
                                 "no power-law decay of mu_k: no rate for the next term"))
        else:
            q = 100 ** (-1 / alpha)
            bound = abs(slopes[2] - slopes[1]) * q / (1 - q) + 1e-6
            ok = abs(slopes[2] - xi) <= bound
            # a tolerance of half of xi or more cannot tell xi from 0 or 2 xi: the regime is not reached by
            # t = 1e6 (large d), so the row refuses to judge (decided from the bound and xi alone)
            undecided = bound >= abs(xi) / 2
            rows.append(CheckRow(
                "high-precision", "exact local exponent -> xi",
                f"xi = {xi_closed}", ", ".join(f"t=1e{int(math.log10(t))}: {s:.5f}" for t, s in zip(times, slopes)),
                f"+-{fmt(bound, 2)} at 1e6", "skip" if undecided else "pass" if ok else "fail",
                (f"asymptotic regime not reached by t = 1e6: the remaining movement +-{fmt(bound, 2)} is at least "
                 f"half of xi = {fmt(xi, 3)}; " if undecided else "")
                + "-dlog L/dlog t of the exact curve, 10 digits; tolerance = remaining movement at the theory's slowest "
                f"rate t^(-1/alpha): |s(1e6) - s(1e4)| q/(1 - q), q = 100^(-1/alpha), alpha = {fmt(alpha, 3)} the "
                "exact mu_k's decay rate at k ~ 100..200; + 1e-6",
                {"t": times, "local_exponent": slopes, "tolerance": bound, "q": q}))
    return rows

