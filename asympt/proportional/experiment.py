"""The computation behind ``asympt gd-risk``: train, estimate, optionally simulate and compare.

:func:`parse_link` turns the user's link text into a numpy function through asympt's restricted
expression parser (:func:`asympt.kernels.activations.parse_expression`; never eval or sympify);
:func:`plan` validates sizes and the step before anything is allocated; :func:`run` does the work and
returns a JSON-ready dict.
"""

from __future__ import annotations

import math

import numpy as np

from asympt.core.errors import InvalidInput
from .estimator import CavityEstimator, estimator_memory_bytes
from .heads import head as make_head

__all__ = ["MEMORY_LIMIT", "parse_link", "plan", "run", "shown_steps"]

#: Refuse runs whose estimated memory exceeds this many bytes.
MEMORY_LIMIT = 2 * 10**9
POPULATION_SAMPLES = 200_000


def parse_link(text: str):
    """(numpy function, SymPy expression) of a link written in s (or x), e.g. ``tanh(2*s) + 0.3*s``.

    >>> f, e = parse_link("tanh(2*s) + 0.3*s")
    >>> e
    3*x/10 + tanh(2*x)
    >>> parse_link("__import__('os')")
    Traceback (most recent call last):
    ...
    asympt.core.errors.InvalidInput: link: only the variable s (or x) and pi may appear, got a call to '__import__' (allowed functions: cos, erf, exp, gelu, sigmoid, silu, sin, softplus, tanh)
    """
    import dataclasses

    import sympy

    from asympt.core.parse import parse_restricted
    from asympt.kernels.activations import ACTIVATION_GRAMMAR, x

    if not isinstance(text, str) or not text.strip() or len(text) > 300:
        raise InvalidInput(f"link must be an expression in s of at most 300 characters: {text!r}")
    # the activations' grammar (same functions and bounds) with s as the variable: one restricted parser
    grammar = dataclasses.replace(ACTIVATION_GRAMMAR, what="link", names={"s": x, "x": x, "pi": sympy.pi},
                                  vocabulary="the variable s (or x) and pi",
                                  syntax_message="link is not a valid expression in s: {text}")
    expr = parse_restricted(text.strip(), grammar)
    if expr.free_symbols - {x}:
        raise InvalidInput(f"link must depend on s only: {text!r}")
    # the printer's own namespace only: lambdify's "numpy" module would run ``from numpy import *``, which
    # loads numpy.testing and its dependencies (~15 MB), and "scipy" all of scipy.special (~25 MB); SciPy
    # is imported only for erf
    from sympy.printing.numpy import NumPyPrinter, SciPyPrinter

    if expr.has(sympy.erf):
        import scipy.special

        f = sympy.lambdify(x, expr, modules=[{"numpy": np, "scipy": scipy}], printer=SciPyPrinter)
    else:
        f = sympy.lambdify(x, expr, modules=[{"numpy": np}], printer=NumPyPrinter)
    grid = np.linspace(-10.0, 10.0, 2001)
    with np.errstate(all="ignore"):
        vals = np.broadcast_to(np.asarray(f(grid), dtype=float), grid.shape)
    if not np.all(np.isfinite(vals)):
        raise InvalidInput(f"link must be finite for |s| <= 10: {text!r}")
    return (lambda s: np.broadcast_to(np.asarray(f(s), dtype=float), np.shape(s))), expr


def _linear_slope(expr):
    """c if the link is exactly c*s (needed by the closed form), else None."""
    import sympy

    from asympt.kernels.activations import x

    if not expr.is_polynomial(x):
        return None
    p = sympy.Poly(expr, x)
    if p.degree() != 1 or p.coeff_monomial(1) != 0:
        return None
    return float(p.coeff_monomial(x))


def shown_steps(steps: int, most: int = 60) -> list[int]:
    """The steps printed (and given the closed form): all up to ``most``, else an even grid with the ends.

    >>> shown_steps(5)
    [0, 1, 2, 3, 4, 5]
    >>> len(shown_steps(1000)) <= 62
    True
    """
    if steps <= most:
        return list(range(steps + 1))
    k = math.ceil(steps / most)
    return sorted(set(range(0, steps + 1, k)) | {steps})


def plan(samples, features, width, steps, window=None, simulate=False):
    """Validate the sizes; return the estimated peak memory in bytes."""
    ratio = samples / features
    if not 0.2 <= ratio <= 20:
        raise InvalidInput(f"samples / features must lie in [0.2, 20] (proportional regime): "
                           f"{samples}/{features} = {ratio:.4g}")
    need = samples * features * 8 * 2 + estimator_memory_bytes(samples, steps + 1, width, window)
    need += samples * (steps + 1) * width * 8 * 2 + samples * width * width * 8 * max(steps, 1) * 2
    if simulate:
        need += POPULATION_SAMPLES * (width + 1) * 8 * 3
    if need > MEMORY_LIMIT:
        raise InvalidInput(f"this run needs about {need / 1e9:.1f} GB (limit {MEMORY_LIMIT / 1e9:.0f} GB): "
                           "lower samples, features or steps, or set a memory window")
    return need


def run(samples, features, width, activation, depth, link, noise, steps, lr="auto", head_lr=0.5, seed=0,
        window=None, simulate=False, linear=False, progress=None):
    """Train with the reference trainer, estimate at every step, and (optionally) compare.

    ``progress`` is an optional callable invoked once per step (progress bar).
    """
    from . import linear as lin
    from .trainer import make_problem, population_mse

    if not (math.isfinite(noise) and noise >= 0):
        raise InvalidInput(f"noise must be a finite number >= 0: {noise!r}")
    link_f, link_expr = parse_link(link)
    if linear:
        if width != 1 or activation != "linear" or depth != 2:
            raise InvalidInput("linear=True is the width-1 linear case: it needs width 1, activation linear and "
                               f"depth 2 (got width {width}, activation {activation}, depth {depth})")
        slope = _linear_slope(link_expr)
        if slope is None:
            raise InvalidInput(f"linear=True needs a linear link c*s without constant (the closed form's teacher): "
                               f"{link!r}")
    if activation == "linear" and depth == 2:
        h = make_head("linear", width=width)
    else:
        h = make_head("two-layer" if depth == 2 else "three-layer", activation, width)
    memory = plan(samples, features, width, steps, window, simulate)
    delta = samples / features
    P = make_problem(samples, features, h, link_f, noise, seed)
    theta0 = P.theta0
    if linear:
        theta0 = {"a": np.ones(1), "b": np.zeros(())}
        P = type(P)(P.X, P.y, P.w_star, P.W0, theta0, P.noise, P.link)
        head_lr = 0.0
    curv = h.curvature_bound(theta0)
    bound = 2.0 / ((1.0 + math.sqrt(delta)) ** 2 * max(curv, 1e-12))
    if lr == "auto":
        eta, lr_note = 0.2 * bound, "auto: 0.2 x the stability bound"
    else:
        eta, lr_note = float(lr), "given"
        if not (math.isfinite(eta) and 0 < eta < bound):
            raise InvalidInput(f"lr must lie in (0, {bound:.4g}), the stability bound 2 / ((1 + sqrt(M/N))^2 L) "
                               f"with L = {curv:.4g} the head's Gauss-Newton curvature bound: {lr!r}")
    if not (math.isfinite(head_lr) and 0 <= head_lr <= 10):
        raise InvalidInput(f"head_lr must lie in [0, 10]: {head_lr!r}")

    est = CavityEstimator(P.X, P.y, eta, h, window=window, steps=steps)
    rows = []
    W, theta = P.W0.copy(), {k: np.array(v, dtype=float) for k, v in theta0.items()}
    for t in range(steps + 1):
        out = est.step(W, theta)
        row = {"t": t, "train": out.train_mse, "estimate": out.test_mse, "estimate_se": out.test_mse_se}
        if simulate:
            pop, se = population_mse(P, h, W, theta, POPULATION_SAMPLES)
            row.update(population=pop, population_se=se, rel_error=(out.test_mse - pop) / pop)
        rows.append(row)
        if progress is not None:
            progress()
        if t == steps:
            break
        if head_lr > 0:
            pg = h.param_grad(out.z, P.y, theta)
            theta = {k: theta[k] - head_lr * pg[k] for k in theta}
        W = W - eta * (P.X.T @ est.last_gradient)
        if not np.all(np.isfinite(W)) or not math.isfinite(out.train_mse):
            raise InvalidInput(f"gradient descent diverged at step {t + 1}: lower the learning rate lr")
    data = {"samples": samples, "features": features, "ratio": delta, "width": width, "depth": depth,
            "activation": h.activation, "link": str(link), "noise": noise, "steps": steps, "seed": seed,
            "lr": eta, "lr_note": lr_note, "stability_bound": bound, "head_lr": head_lr, "window": window,
            "memory_estimate_mb": round(memory / 1e6, 1), "rows": rows,
            "method": "cavity (leave-one-out) estimator: our derivation, checked against leave-one-out retraining"}
    est_curve = np.array([r["estimate"] for r in rows])
    t_hat = int(np.argmin(est_curve))
    stop = {"t_estimate": t_hat, "estimate_at_t": rows[t_hat]["estimate"]}
    if simulate:
        pop = np.array([r["population"] for r in rows])
        t_opt = int(np.argmin(pop))
        stop.update(t_optimum=t_opt, population_at_t=float(pop[t_hat]), population_min=float(pop[t_opt]),
                    excess_risk=float(pop[t_hat] / pop[t_opt] - 1.0),
                    mean_abs_rel_error=float(np.mean(np.abs([r["rel_error"] for r in rows]))))
    data["early_stopping"] = stop
    if linear:
        s2 = float(np.sum((P.W0[:, 0] - slope * P.w_star) ** 2) / features)
        if eta >= lin.stability_bound(delta):
            raise InvalidInput(f"lr = {eta:g} is above the closed form's stability bound "
                               f"{lin.stability_bound(delta):.4g}")
        shown = shown_steps(steps)
        cf = lin.linear_gd_risk(delta, eta, noise ** 2, s2, shown)
        for r, val in zip([rows[t] for t in shown], cf.risk):
            r["closed_form"] = str(val)
            r["closed_form_value"] = float(val)
        data["closed_form"] = {"signal2": s2, "noise2": noise ** 2,
                               "formula": "R(t) = sigma^2 + s2 int (1-eta l)^(2t) nu(dl) "
                                          "+ sigma^2 int (1-(1-eta l)^t)^2 / l nu(dl), nu = Marchenko-Pastur(M/N)"}
    data["warnings"] = []
    if samples < 1000:
        data["warnings"].append(f"M = {samples} is small: the estimate's finite-size error is of order "
                                "M^(-1/2) (several % below M = 2000)")
    if window is not None and steps > 1.5 * window:
        data["warnings"].append(f"window = {window}: beyond t = 1.5 x window the truncated memory biases the estimate "
                                "down toward the training error (measured -1 % at t = 2w, -8 % at t = 3w for "
                                "w = 20, and worse for small w)")
    if h.activation == "relu":
        data["warnings"].append("ReLU head: the cavity fields miss leave-one-out retraining by 9-18 % of the "
                                "correction (smooth heads: 2-5 %); treat the estimate as rough")
    return data
