"""The sampled-data checks of ``asympt check``: N points, the Gram matrix of the network kernel, its
eigenpairs on the whole sample, two halves and four quarters, and the rows built from them
(:mod:`.spectrum`: degree blocks, counting function, nu; :mod:`.loss`: L_N(t), xi).

The verdict of every statistic follows :mod:`asympt.checks.verdict`; the fitted exponents share one row
builder (:func:`exponent_row`).
"""

from __future__ import annotations

import math

from asympt.core.errors import InvalidInput, NotSupported

from .exact import FAR, far_factor, population
from .fits import decompose, default_gram, n_top, symmetrise, window
from .rows import CheckRow, fmt
from .verdict import limit_interval

__all__ = ["UNBOUNDED_REASON", "exponent_row", "sampled_checks", "subsample_values"]

# theory section 8 derives the intrinsic-dimension rule for a density on a bounded open set; Gaussian data
# are unbounded (measured at d = 3, N = 4000: nu 1.707 against 4/3, the window exponent still rising with N),
# so the exponent rows refuse to judge them instead of passing or failing
UNBOUNDED_REASON = ("Gaussian data are unbounded: theory section 8 derives the exponents for a density on a "
                    "bounded set only, so there is no prediction to judge (use --data cube)")


def subsample_values(stat, samples) -> dict:
    """The statistic on the whole sample, its halves and its quarters (the raw numbers of a verdict)."""
    full, halves, quarters = samples
    return {"full": stat(full), "halves": [stat(s) for s in halves], "quarters": [stat(s) for s in quarters]}


def _judge_exponent(raw, closed, exact, m, uniform):
    """Verdict of a fitted exponent: (verdict, interval or None, parts). ``exact`` = (fit over the window,
    fit F times further out, fit F/4 times further out) of the exact side.

    Uniform sphere data: the prediction in the window is closed + shift, shift = exact window fit - exact
    fit far out, and the far fit's movement is the exact side's error. Other data (universality): the
    shift is not known, so |shift| joins the exact side's error and the prediction is the closed form.
    """
    exact_now, exact_far, exact_far4 = exact
    parts = {"subsamples": raw, "family_size": m}
    if not all(math.isfinite(v) for v in exact):
        parts["skip_reason"] = ("the exact spectrum does not reach far enough out for the pre-asymptotic shift "
                                "(float64 tier accuracy or degree cap)")
        return "skip", None, parts
    shift = exact_now - exact_far
    far_unc = abs(exact_far - exact_far4)
    iv = limit_interval(raw["full"], raw["halves"], raw["quarters"], m, far_unc + (0.0 if uniform else abs(shift)))
    if not iv.finite:
        parts["skip_reason"] = ("no spread estimate: the halves and quarters of the sample are too small for the "
                                "window (raise --n)")
        return "skip", None, parts
    centre = float(closed) + (shift if uniform else 0.0)
    parts.update({"shift": shift, "far_movement": far_unc, "predicted_window": centre, "uniform": uniform,
                  **iv.parts()})
    return iv.verdict(centre), iv, parts


def verdict_words(data, iv) -> str:
    """How an exponent row was judged, with its parts (prose of the detail line)."""
    where = ("the prediction in the window is closed form + shift, shift = exact window fit - exact fit far "
             "out; exact-side error = the far fit's movement" if data == "sphere" else
             "universality: the prediction is the closed form; exact-side error = the uniform sphere's shift "
             "and far movement")
    if iv is None:
        return where
    t1, t2 = iv.trend
    return (f"{where}; accepted: [{fmt(iv.lo, 4)}, {fmt(iv.hi, 4)}] = measured with its finite-N bias "
            f"bracket (trend N/4 -> N/2 -> N: {fmt(t1, 2)}, {fmt(t2, 2)}{'' if iv.monotone else ', not monotone'}) "
            f"+- z sigma, sigma {fmt(iv.sigma, 2)} (2 halves, 4 quarters, dof {iv.dof}), z {fmt(iv.z, 3)} "
            f"(family-wise 5 % over {iv.m} comparisons), exact-side error {fmt(iv.extra, 2)}")


def exponent_row(group, sym, label, closed, fitted, raw, exact, far, m, data, what, rule_words):
    """One row for a fitted exponent (nu or xi): the verdict of :func:`_judge_exponent` and its prose."""
    uniform = data == "sphere"
    verdict, iv, parts = _judge_exponent(raw, closed, exact, m, uniform)
    exact_now, exact_far, exact_far4 = exact
    predicted = f"{closed} = {fmt(float(closed), 4)}"
    if "predicted_window" in parts:
        predicted += f" (window: {fmt(parts['predicted_window'], 4)})"
    detail = (parts["skip_reason"] + "; " if verdict == "skip" else "") + (
        f"{what}; {rule_words}; exact: {fmt(exact_now, 4)} over the window, {fmt(exact_far, 4)} {far}x and "
        f"{fmt(exact_far4, 4)} {far // 4 if far else '-'}x further out; " + verdict_words(data, iv))
    tol = "-" if iv is None else f"[{iv.lo:.3f}, {iv.hi:.3f}]"
    values = {f"{sym}_closed": str(closed), f"{sym}_fit": fitted, f"{sym}_exact_window": exact_now,
              f"{sym}_exact_far": exact_far, f"{sym}_exact_far4": exact_far4, "far_factor": far, **parts}
    return CheckRow(group, label, predicted, f"{fitted:.3f}", tol, verdict, detail, values)


def sampled_checks(kernel, dim, target, data, n, seed, law, groups, predicted, rows, plot, say, hooks, m):
    """Sample, decompose and append the spectrum and loss rows to ``rows`` (m: the run's family size)."""
    import numpy as np

    from asympt.numerics.data import sample, target_values

    from .loss import loss_rows
    from .spectrum import spectrum_rows

    if data == "gaussian":  # nothing to judge: refuse before sampling
        for group, name in (("spectrum", "nu fit"), ("loss", "xi fit")):
            if group in groups:
                rows.append(CheckRow(group, name, "-", "-", "-", "skip", UNBOUNDED_REASON))
        return
    euclid = data in ("gaussian", "cube")
    dim_int = dim + 1 if euclid else dim  # intrinsic sphere S^(dim_int - 1)
    sampler = hooks.get("sampler") or sample
    gram_fn = hooks.get("gram") or (lambda k, X: default_gram(k, X, euclid))
    target_fn = hooks.get("target_fn") or (lambda t, X, seed: target_values(t, X, seed=seed))
    say(f"sampling {n} points ({data})")
    X = sampler(data, n, dim, seed)
    try:
        y = np.asarray(target_fn(target, X, seed + 1), dtype=float)
    except ValueError as err:
        raise NotSupported(f"target {target.spec!r}: {err}") from None
    say("Gram matrix")
    K = np.asarray(gram_fn(kernel, X), dtype=float)
    del X
    K /= n
    symmetrise(K)
    say("eigenpairs")
    full = decompose(K, y, n_top(n), seed)
    rng = np.random.default_rng(seed + 2)
    perm = rng.permutation(n)
    say("2 halves and 4 quarters of the sample")
    halves, quarters = [], []
    for parts, store in ((2, halves), (4, quarters)):
        size = n // parts
        for j in range(parts):
            idx = np.sort(perm[j * size:(j + 1) * size])
            store.append(decompose(K[np.ix_(idx, idx)] * (n / size), y[idx], n_top(size, n), seed))
    del K
    win = window(n, dim_int, [full] + halves + quarters)
    say("exact spectrum")
    hi = win[1] if win else n // 20
    try:
        pop = population(kernel, dim_int, target, 4 * FAR[0] * hi + 1)
    except (NotSupported, InvalidInput) as err:
        pop = None
        rows.append(CheckRow("spectrum", "exact spectrum", "-", "-", "-", "skip", f"no exact spectrum: {err}"))
    plot["nystrom"] = full.vals[: min(len(full.vals), n // 5)].tolist()
    if pop is not None:
        plot["exact"] = pop.at(np.arange(1, len(plot["nystrom"]) + 1)).tolist()
    samples = (full, halves, quarters)
    if "spectrum" in groups:
        rows.extend(spectrum_rows(kernel, dim, data, samples, win, pop, predicted, plot, m))
    if "loss" in groups:
        rows.extend(loss_rows(dim, data, law, samples, win, pop, predicted, plot, m))
