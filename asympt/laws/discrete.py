"""Discrete gradient descent: the law of L_n under steps of size eta, from the gradient-flow law.

Under gradient descent mode k decays as (1 - eta mu_k)^(2n) instead of exp(-2 eta mu_k t) at t = eta n;
the small mu_k that set the large-time law behave as under gradient flow, so L_n ~ L(eta n) once the
modes with eta mu_k > 1 have died out, provided eta mu_max < 2 (else the iteration diverges).
"""

from __future__ import annotations

from dataclasses import replace

import sympy

from asympt.core.errors import InvalidInput

__all__ = ["discrete_law", "stability_warning"]


def discrete_law(kernel, dim, law, lr, target=None):
    """``law`` (gradient flow) for discrete gradient descent with step ``lr``: L_n ~ L(t = eta n) once the
    modes with eta mu_k > 1 have died out; refused when eta mu_max >= 2 (divergence), with a warning
    near that bound (:func:`stability_warning`)."""
    import mpmath

    from asympt.spectrum import eigenvalues

    try:
        eta = sympy.nsimplify(lr, rational=True) if not isinstance(lr, sympy.Basic) else lr
    except (TypeError, ValueError, sympy.SympifyError):
        raise InvalidInput(f"lr must be a positive number: {lr!r}") from None
    if not (eta > 0):
        raise InvalidInput(f"lr must be a positive number: {lr!r}")
    spec = eigenvalues(kernel, dim, 12, digits=10)
    mu_max = max(float(e) for e in spec)
    # mu_k decreases beyond the first degrees for every kernel with a non-negative power series
    with mpmath.workdps(20):
        bound = 2 / mpmath.mpf(mu_max)
    if float(eta) * mu_max >= 2:
        raise InvalidInput(f"lr = {lr}: gradient descent diverges, eta * mu_max = {float(eta) * mu_max:.4g} >= 2 "
                           f"(mu_max = {mu_max:.6g}; stable for eta < {mpmath.nstr(bound, 6)})")
    line = (f"Discrete gradient descent with step eta = {eta}: stable since eta * mu_max = "
            f"{float(eta) * mu_max:.4g} < 2; L_n ~ L(t = eta n) once the modes with eta mu_k > 1 have died out "
            "(small mu_k, which set the law, behave as under gradient flow).")
    lines = (line,)
    notes = law.notes
    warn = stability_warning(target, kernel, dim, law, spec, float(eta))
    if warn:
        lines += (warn,)
        notes = notes + (warn,)
    return replace(law, lr=eta, derivation=replace(law.derivation, explanation=law.explanation + lines, notes=notes))


def stability_warning(target, kernel, dim, law, spec, eta):
    """Warn when modes with eta mu_k > 1 decay more slowly under GD than under gradient flow.

    Under GD mode k decays as |1 - eta mu_k|^(2n) instead of exp(-2 eta mu_k n); for eta mu_k > 1 this is
    slower (eta mu_max = 1.995: 0.995^(2n) against exp(-3.99 n)). Returns a warning with the step n* after
    which these modes' excess (e_k/2)(|1 - eta mu_k|^(2n) - exp(-2 eta mu_k n)) falls below 10 % of the law,
    or '' when there is no such mode.
    """
    import math

    if target is None:
        return ""
    slow = []
    for ev in spec:
        m = float(ev)
        if m <= 0:
            continue
        q = abs(1 - eta * m)
        if q > math.exp(-eta * m) and eta * m > 1:
            try:
                e = float(target.energy_mp(dim, ev.k, dps=20))
            except Exception:  # noqa: BLE001 - a target without per-degree energies: no warning can be sized
                return ""
            if e > 0:
                slow.append((ev.k, m, q, e))
    if not slow:
        return ""

    def excess(n):
        return sum(e / 2 * (q ** (2 * n) - math.exp(-2 * eta * m * n)) for _, m, q, e in slow)

    def law_at(n):
        if law.approach_kind == "power" and law.xi is not None:
            return float(law.C) * (eta * n) ** (-float(law.xi)) + float(law.L_inf)
        return float(law.L_inf) if law.L_inf != 0 else None

    k, m, q, e = max(slow, key=lambda r: r[2])
    n_star = None
    n = 1.0
    while n < 1e15:
        ref = law_at(n)
        if ref is not None and excess(n) <= 0.1 * ref:
            n_star = n
            break
        n *= 1.25
    where = (f"the loss is within 10 % of the law only from n ~ {n_star:.2g} (eta n ~ {eta * n_star:.2g})"
             if n_star is not None else "its excess over the law could not be sized (no power law)")
    return (f"Warning: close to the stability bound, eta mu_max = {eta * m:.4g}: mode k = {k} decays as "
            f"|1 - eta mu_k|^(2n) = {q:.4g}^(2n) instead of exp(-2 eta mu_k n); {where}.")
