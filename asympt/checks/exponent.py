"""The one row builder of a fitted exponent (nu in the spectrum group, xi in the loss group).

A statistic is measured on the whole sample, its 2 halves and 4 quarters (:func:`subsample_values`);
:func:`exponent_row` turns those raw numbers, the closed form and the exact side into a verdict with
:func:`asympt.checks.verdict.limit_interval` and writes its prose.
"""

from __future__ import annotations

import math

from .rows import CheckRow, fmt
from .verdict import limit_interval

__all__ = ["exponent_row", "subsample_values", "verdict_words"]


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
                                "window (raise the sample size n)")
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
