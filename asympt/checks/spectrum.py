"""Spectrum rows of ``asympt check``: Nystrom eigenvalues of the sample against the Funk-Hecke mu_k
(degree-block means, the counting function) and the fitted exponent nu."""

from __future__ import annotations

import math

from .exact import closed_nu, far_factor
from .fits import index_fit
from .rows import CheckRow, fmt
from .exponent import exponent_row, subsample_values
from .verdict import limit_interval

__all__ = ["spectrum_rows"]


def _block_rows(dim, samples, pop, predicted, m):
    """Degree blocks: the leading nonzero degrees, in decreasing order of mu_k, while the blocks end inside
    every quarter's top tenth (a block needs N(d, k) <= N/40 resolved eigenvalues)."""
    import numpy as np

    from asympt.core.sphere import multiplicity

    full, halves, quarters = samples
    mus = list(pop.mus)
    for k, v in (predicted.get("mu") or {}).items():
        if 0 <= int(k) < len(mus):
            mus[int(k)] = float(v)
    order = [k for k in sorted(range(len(pop.mus)), key=lambda k: -pop.mus[k]) if pop.mus[k] > 0][:4]
    sizes = [multiplicity(dim, k) for k in order]
    ok_order = all(pop.mus[a] > pop.mus[b] * (1 + 1e-9) for a, b in zip(order, order[1:]))
    pos = np.cumsum([0] + sizes)
    limit = quarters[0].N // 10
    lines = []
    for j, k in enumerate(order):
        if pos[j + 1] > limit:
            break
        raw = subsample_values(lambda s, j=j: float(np.mean(s.vals[pos[j]:pos[j + 1]])), samples)
        iv = limit_interval(raw["full"], raw["halves"], raw["quarters"], m)
        mu = mus[k]
        lines.append({"k": k, "multiplicity": sizes[j], "mu_k": mu, "block_mean": raw["full"],
                      "rel_diff": raw["full"] / mu - 1, "interval": [iv.lo, iv.hi],
                      "rel_interval": [iv.lo / mu - 1, iv.hi / mu - 1], "verdict": iv.verdict(mu),
                      "subsamples": raw, **{k2: v for k2, v in iv.parts().items() if k2 != "interval"}})
    if not lines:
        return CheckRow("spectrum", "degree blocks vs mu_k", "-", "-", "-", "skip",
                        f"the first degree block (N(d,k) = {sizes[0] if sizes else '-'}) does not fit in the "
                        f"top tenth of N/4 = {quarters[0].N} points: raise --n")
    verdicts = [ln["verdict"] for ln in lines]
    verdict = "skip" if not ok_order or "skip" in verdicts else ("fail" if "fail" in verdicts else "pass")
    return CheckRow(
        "spectrum", "degree blocks vs mu_k",
        "mu_k " + ", ".join(f"k={ln['k']}: {fmt(ln['mu_k'], 5)}" for ln in lines),
        "rel. diff " + ", ".join(f"{ln['rel_diff']:+.1e}" for ln in lines),
        "rel. " + ", ".join(f"{fmt(ln['rel_interval'][0], 2)}..{fmt(ln['rel_interval'][1], 2)}" for ln in lines),
        verdict,
        "mean of the N(d,k) Nystrom eigenvalues of each leading degree vs mu_k; a block passes when mu_k lies "
        "in the block mean's interval (finite-N bias bracket from the trend between N/4, N/2 and N, +- z "
        f"sigma over 2 halves and 4 quarters, family-wise 5 % over {m} comparisons): "
        + "; ".join(f"k={ln['k']}: mu_k/mean - 1 accepted in [{fmt(ln['rel_interval'][0], 2)}, "
                    f"{fmt(ln['rel_interval'][1], 2)}], {ln['verdict']}" for ln in lines)
        + ("" if ok_order else "; leading mu_k not strictly decreasing: blocks not identifiable"),
        {"blocks": lines, "family_size": m})


def _counting_row(dim, full, pop):
    """#{lambda_n > lambda} at thresholds between consecutive distinct mu_k, while the count stays in the
    top tenth of the sample (beyond, the Nystrom eigenvalues are not resolved)."""
    import numpy as np

    from asympt.core.sphere import multiplicity

    n = full.N
    distinct = sorted({m for m in pop.mus if m > 0}, reverse=True)
    agree, table = 0, []
    for a, b in zip(distinct, distinct[1:]):
        thr = math.sqrt(a * b)
        pred = int(sum(multiplicity(dim, k) for k, m in enumerate(pop.mus) if m >= a * (1 - 1e-12)))
        if pred > n // 10:
            break
        emp = int(np.sum(full.vals > thr))
        table.append({"threshold": thr, "predicted": pred, "empirical": emp})
        if emp != pred or len(table) > 12:
            break
        agree += 1
    if not table:
        return CheckRow("spectrum", "counting function", "-", "-", "-", "skip",
                        f"the first predicted count ({int(multiplicity(dim, 0) + multiplicity(dim, 1))} or "
                        f"more eigenvalues) exceeds N/10 = {n // 10}: raise --n")
    need = min(4, max(1, len(distinct) - 1), len(table) if table[-1]["predicted"] == table[-1]["empirical"]
               else len(table))
    return CheckRow(
        "spectrum", "counting function",
        f"exact counts (multiplicities) at the first {need} gaps",
        f"equal at the first {agree} gaps", "exact", "pass" if agree >= need else "fail",
        "#{lambda_n > lambda} at thresholds between consecutive mu_k vs the sums of multiplicities "
        "N(d,k) (predicted/empirical): " + "; ".join(f"{c['predicted']}/{c['empirical']}" for c in table),
        {"counts": table})


def spectrum_rows(kernel, dim, data, samples, win, pop, predicted, plot, m):
    """Degree blocks and counting function (uniform sphere with an exact spectrum) and the nu fit."""
    full = samples[0]
    rows = []
    if data == "sphere" and pop is not None:
        rows.append(_block_rows(dim, samples, pop, predicted, m))
        rows.append(_counting_row(dim, full, pop))
    nu_closed = predicted.get("nu", closed_nu(kernel, dim, data))
    if nu_closed is None:
        rows.append(CheckRow("spectrum", "nu fit", "no power law (analytic kernel)", "-", "-",
                             "skip", "the kernel is analytic at u = +-1: mu_k decays faster than any power"))
        return rows
    if not win:
        rows.append(CheckRow("spectrum", "nu fit", str(nu_closed), "-", "-", "skip",
                             f"N too small for the window [max(D_2, N/100), N/20] in d = {dim}"))
        return rows
    lo, hi = win
    raw = subsample_values(lambda s: index_fit(s.at, lo, hi), samples)
    nu_hat = raw["full"]
    far = far_factor(pop, hi) if pop is not None else None
    exact = (float("nan"),) * 3
    if far:
        exact = (index_fit(pop.at, lo, hi), index_fit(pop.at, far * lo, far * hi),
                 index_fit(pop.at, far // 4 * lo, far // 4 * hi))
    where = "density-independent (theory section 8)" if data != "sphere" else "Funk-Hecke closed form"
    row = exponent_row("spectrum", "nu", f"nu fit, n in [{lo}, {hi}]", nu_closed, nu_hat, raw, exact, far, m,
                       data, "lambda_n ~ Lambda n^-nu fitted to the Nystrom eigenvalues", where)
    row.values["window"] = [lo, hi]
    rows.append(row)
    plot["nu"] = {"nu": float(nu_closed), "fit": nu_hat, "window": [lo, hi],
                  "c": float(full.vals[lo - 1] * lo ** nu_hat)}
    if data == "sphere" and "nu" not in predicted:
        from asympt.laws.decay import decay_law

        lam_law = decay_law(kernel, dim).Lambda
        if lam_law is not None:
            plot["nu"]["Lambda"] = float(lam_law)
    return rows
