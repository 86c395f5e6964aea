"""The sampled-data checks of ``asympt check``: N points, the Gram matrix of the network kernel, its
eigenpairs on the whole sample, two halves and four quarters, and the rows built from them
(:mod:`.spectrum`: degree blocks, counting function, nu; :mod:`.loss`: L_N(t), xi).

The verdict of every statistic follows :mod:`asympt.checks.verdict`; the fitted exponents share one row
builder (:func:`asympt.checks.exponent.exponent_row`).
"""

from __future__ import annotations


from asympt.core.errors import InvalidInput, NotSupported

from .exact import FAR, population
from .fits import decompose, default_gram, n_top, symmetrise, window
from .rows import CheckRow

__all__ = ["UNBOUNDED_REASON", "sampled_checks"]

# theory section 8 derives the intrinsic-dimension rule for a density on a bounded open set; Gaussian data
# are unbounded (measured at d = 3, N = 4000: nu 1.707 against 4/3, the window exponent still rising with N),
# so the exponent rows refuse to judge them instead of passing or failing
UNBOUNDED_REASON = ("Gaussian data are unbounded: theory section 8 derives the exponents for a density on a "
                    "bounded set only, so there is no prediction to judge (use cube data)")


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
