"""The law of one parity class of degrees, for each pair (kernel class, target class).

The kernel's eigenvalues mu_k on one parity class fall in a class (power, geometric, stretched, super,
exact zeros; :func:`kernel_class`) and so do the target's energies e_k (power, geometric, super, finite;
:func:`target_class`). :func:`pair` gives the large-time law of L_p(t) = 1/2 sum_k e_k exp(-2 mu_k t)
for the pair, with a key that orders the laws from the slowest (see the table below); the slowest
parity classes make the law of L(t) (:func:`asympt.laws.loss.loss_law`).
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from asympt.core.errors import NotSupported
from asympt.core.symbolic import log_positive, tidy_constant

from .energies import mpmath_str
from .prose import fmt

__all__ = ["TAGS", "ParityTerm", "big_pow", "kernel_class", "log_periodic_band", "pair", "target_class"]


@dataclass(frozen=True)
class ParityTerm:
    """Contribution of one parity class of degrees."""

    parity: int
    status: str  # "power", "finite" (finitely many occupied learnable degrees), "plateau", "empty", "faster"
    xi: sympy.Expr | None = None
    C: sympy.Expr | None = None
    A: sympy.Expr | None = None
    alpha: sympy.Expr | None = None
    B: sympy.Expr | None = None
    beta: sympy.Expr | None = None
    L_inf: sympy.Expr = sympy.S.Zero
    note: str = ""
    law: str = ""  # the law of this class: power, log-periodic, power-like, logarithmic, sub-/super-polynomial
    key: tuple = ()  # slowness order (see the pair table above pair); () for classes without a law
    form: str = ""  # the leading form in words
    tag: str = ""  # theory tag of the claim: V, D or U
    params: tuple = ()  # (name, value) pairs of the law's constants


# ---- the law of each (kernel class, target class) pair -----------------------------------------
#
# On one parity class of degrees (density 1/2), with mu_k and e_k of the classes below, the loss
# L_p(t) = 1/2 sum_k e_k exp(-2 mu_k t) behaves as follows (t -> infinity; K = K*(t) solves 2 mu_K t = 1).
# Kernel classes: power mu ~ A k^-alpha | geometric mu ~ rho^-k | stretched ln mu ~ -c k^(2/3) |
# super ln mu ~ -c_mu k ln k.  Target classes: power e ~ B k^-beta | geometric e ~ sigma^-k |
# super ln e ~ -c k ln k | finite.
#   power x power: C t^-xi, xi = (beta - 1)/alpha (Tauberian, theory 7) [V]
#   power x geometric: Laplace method over k: ln L ~ -((alpha+1)/alpha) (ln sigma)^(alpha/(alpha+1)) (2 A alpha t)^(1/(alpha+1))
#   power x super: ln L ~ -c (1 + 1/alpha) k* ln k*, k*^(alpha+1) ln k* = 2 A alpha t/c
#   geometric/stretched/super x power: sharp cut at K*: L ~ B K*^(1-beta)/(4 (beta - 1))
#   geometric x geometric: t^-xi (ln t)^m F(ln t), xi = ln sigma/ln rho, F periodic of period 2 ln rho
#   geometric/stretched/super x geometric/super: L ~ e_K* up to slower factors: -ln L ~ ln(1/e_K*)
#   super x super: L = t^(-c/c_mu + o(1))
# Slowest first: the key (rank, a, b) orders -ln L ~ a ln ln t (rank 0), a ln t/ln ln t (1), a ln t (2),
# ln t ln ln t (3), (ln t)^(3/2) (4), (ln t)^(3/2) ln ln t (5), t^a (6), t (7).

TAGS = {"V": "verified", "D": "derived, not proved", "U": "heuristic, not verified"}


@dataclass(frozen=True)
class _KClass:
    kind: str  # power, geometric, stretched, super, zero, cancel
    A: object = None
    alpha: object = None
    rho: object = None
    c: object = None
    zero_above: int | None = None
    text: str = ""
    tag: str = "V"


@dataclass(frozen=True)
class _TClass:
    kind: str  # power, geometric, super, finite, none, rkhs
    B: object = None
    beta: object = None
    sigma: object = None
    c: object = None
    max_degree: int | None = None
    r: object = None
    text: str = ""


def kernel_class(kernel, dim, dl, p) -> _KClass:
    from .decay import smooth_class

    law = dl.parities[p]
    if law.kind == "zero":
        return _KClass("zero", zero_above=law.zero_above, text=law.note)
    if law.kind == "power":
        return _KClass("power", A=law.A, alpha=law.alpha, text=f"mu_k ~ A k^-alpha, A = {fmt(law.A, 8)}, "
                                                                f"alpha = {law.alpha}")
    if law.kind == "faster":
        return _KClass("cancel", alpha=law.alpha, text=law.note)
    sc = smooth_class(kernel, dim)
    if sc.kind == "geometric":
        return _KClass("geometric", rho=sc.rho, text=sc.describe(), tag=sc.status)
    return _KClass(sc.kind, c=sc.c, text=sc.describe(), tag=sc.status)


def target_class(target, dim, tl, p) -> _TClass:
    from asympt import targets as T

    if isinstance(target, T.RKHS) and tl is None:
        return _TClass("rkhs", r=target.r, text=f"e_k = mu_k^(2r) e_k(g), r = {target.r}")
    if tl.kind == "power":
        B = tl.B_even if p == 0 else tl.B_odd
        if B == 0:
            return _TClass("finite", text="e_k = o(k^-beta) on this parity (exact zeros beyond the first degrees)")
        return _TClass("power", B=B, beta=tl.beta, text=f"e_k ~ B k^-beta, B = {fmt(B, 8)}, beta = {tl.beta}")
    if tl.kind == "finite":
        return _TClass("finite", max_degree=tl.max_degree, text=tl.note)
    if isinstance(target, T.Neuron):
        sc = T.smooth_parity_class(target.act, p)
        if sc.kind == "geometric":
            return _TClass("geometric", sigma=sc.sigma, text=f"e_k ~ sigma^-k, sigma = {fmt(sc.sigma, 8)} ({sc.note})")
        if sc.kind == "super":
            return _TClass("super", c=sc.c, text=f"ln e_k ~ -c k ln k, c = {sc.c} ({sc.note})")
        return _TClass(sc.kind, max_degree=sc.max_degree, text=sc.note)
    raise NotSupported(f"target {target.describe()!r}: the decay class of its energies is not known")


def _ln(x):
    return sympy.log(x)


def _huge(expr) -> bool:
    # 10^40 keeps the exact constants of every d <= 30 (the committed tables) and moves d >~ 35 to log space
    return any(abs(n) > 10**40 for n in sympy.sympify(expr).atoms(sympy.Integer))


def _log_space_C(B, alpha, A, xi):
    """C = 1/2 (B/(2 alpha)) Gamma(xi) (2A)^-xi as a 40-digit Float, computed from logarithms."""
    import mpmath

    with mpmath.workdps(60):
        lnB = log_positive(B)
        lnA = log_positive(2 * A)
        x = mpmath.mpf(sympy.N(xi, 70))
        a = mpmath.mpf(sympy.N(alpha, 70))
        val = mpmath.exp(lnB - mpmath.log(4 * a) + mpmath.loggamma(x) - x * lnA)
        return sympy.Float(mpmath.nstr(val, 45), 40)


def big_pow(base, exponent):
    """base**exponent, left unevaluated when base holds integers above 10^30 (large d: Gamma(d/2)^2 2^d).

    SymPy would factor those integers to simplify a rational power, which takes minutes at d = 1000.
    """
    if any(abs(n) > 10**30 for n in base.atoms(sympy.Integer)) or \
            any(abs(r.p) > 10**30 or r.q > 10**30 for r in base.atoms(sympy.Rational)):
        return sympy.Pow(base, exponent, evaluate=False)
    return base**exponent


def pair(kc: _KClass, tc: _TClass, p: int) -> ParityTerm:
    """The law of one parity class (see the table above). Raises NotSupported naming what is missing."""
    name = "even" if p == 0 else "odd"
    K, Tg = kc.kind, tc.kind
    half = sympy.Rational(1, 2)
    if K == "cancel":
        raise NotSupported(f"{name} k: the leading singular terms of k(u) cancel on this parity; the next singular "
                           "order (needed for the decay of mu_k there) is not computed")
    if Tg == "rkhs":
        xi = 2 * tc.r
        return ParityTerm(p, "power-like", xi=xi, law="power-like", key=(2, xi, 0), tag="D",
                          form=f"L(t) = t^-(2r) l(t) with l slowly varying (e_k mu_k^-2r = e_k(g) is a power of k; "
                               f"the modes with 2 mu_k t ~ 1 carry the loss): xi = 2r = {xi}")
    if K == "power" and Tg == "power":
        xi = sympy.nsimplify((tc.beta - 1) / kc.alpha)
        if _huge(kc.A) or _huge(tc.B):
            # large d: Gamma(d/2)^2 2^d has thousands of digits and SymPy would factor it to take a rational
            # power; the exact form could not be printed anyway, so C is a 40-digit value (log space)
            C = _log_space_C(tc.B, kc.alpha, kc.A, xi)
        else:
            C = tidy_constant(half * (tc.B / (2 * kc.alpha)) * sympy.gamma(xi) * (2 * kc.A) ** (-xi))
        return ParityTerm(p, "power", xi, C, kc.A, kc.alpha, tc.B, tc.beta, law="power",
                          key=(2, xi, 0), tag="V",
                          form=f"xi = (beta - 1)/alpha = ({tc.beta} - 1)/{kc.alpha} = {xi}; "
                               f"C = 1/2 (B/(2 alpha)) Gamma(xi) (2A)^-xi = {fmt(C)}")
    if K == "power":
        a, A = kc.alpha, kc.A
        e = 1 / (a + 1)
        if Tg == "geometric":
            coef = (a + 1) / a * _ln(tc.sigma) ** (a / (a + 1)) * (2 * A * a) ** e
            return ParityTerm(p, "super-polynomial", law="super-polynomial", key=(6, e, 0), tag="D",
                              params=(("exponent", e), ("coefficient", coef)),
                              form=(f"ln L(t) ~ -c t^(1/(alpha+1)), 1/(alpha+1) = {e}, c = ((alpha+1)/alpha) "
                                    f"(ln sigma)^(alpha/(alpha+1)) (2 A alpha)^(1/(alpha+1)) = {fmt(coef, 8)} "
                                    "(Laplace method: the minimum over k of k ln sigma + 2 A t k^-alpha); "
                                    "faster than every power of t"))
        if Tg == "super":
            return ParityTerm(p, "super-polynomial", law="super-polynomial", key=(6, e, 1), tag="D",
                              params=(("exponent", e),),
                              form=(f"ln L(t) ~ -c (1 + 1/alpha) k* ln k* with k*^(alpha+1) ln k* = 2 A alpha t/c, "
                                    f"c = {tc.c}: -ln L ~ t^{e} (ln t)^{tidy_constant(a * e)} up to constants; "
                                    "faster than every power of t"))
    if K in ("geometric", "stretched", "super"):
        # K*(t): 2 mu_K t = 1
        if K == "geometric":
            kstar = "K*(t) = ln(2t)/ln rho" + ("" if kc.rho is None else f", ln rho = {fmt(_ln(kc.rho), 8)}")
        elif K == "stretched":
            kstar = "K*(t) = (ln(2t)/c)^(3/2)" + ("" if kc.c is None else f", c = {fmt(kc.c, 8)}")
        else:
            kstar = "K*(t) ln K*(t) = ln(2t)/c_mu" + ("" if kc.c is None else f", c_mu = {kc.c}")
        if Tg == "power":
            b1 = tc.beta - 1
            if K == "geometric":
                a, key = b1, (0, b1, 0)
                coef = None if kc.rho is None else tc.B * _ln(kc.rho) ** b1 / (4 * b1)
                lead = (f"L(t) ~ D (ln t)^-(beta-1), beta - 1 = {b1}"
                        + ("" if coef is None else f", D = B (ln rho)^(beta-1)/(4 (beta-1)) = {fmt(coef, 8)}"))
            elif K == "stretched":
                a = sympy.Rational(3, 2) * b1
                key = (0, a, 0)
                coef = None if kc.c is None else tidy_constant(tc.B * kc.c ** a / (4 * b1))
                lead = (f"L(t) ~ D (ln t)^-(3(beta-1)/2), 3(beta-1)/2 = {a}"
                        + ("" if coef is None else f", D = B c^(3(beta-1)/2)/(4 (beta-1)) = {fmt(coef, 8)}"))
            else:
                a, key, coef = b1, (0, b1, -b1), None
                lead = f"L(t) ~ B/(4 (beta-1)) K*^-(beta-1) = const (ln ln t/ln t)^(beta-1), beta - 1 = {b1}"
            return ParityTerm(p, "logarithmic", B=tc.B, beta=tc.beta, law="logarithmic", key=key, tag="D",
                              params=(("log_exponent", a),) + (() if coef is None else (("coefficient", coef),)),
                              form=(f"{lead}; the cut at {kstar} is sharp (mu_k falls by a growing factor per degree), "
                                    "so L(t) ~ 1/2 sum_(k >= K*) e_k = B K*^(1-beta)/(4 (beta-1)); slower than every "
                                    "power of t (converges slowly: the K*-form of 'asympt curve' is the accurate one)"))
        if Tg == "geometric":
            ls = _ln(tc.sigma)
            if K == "geometric":
                if kc.rho is None:
                    return ParityTerm(p, "log-periodic", law="log-periodic", key=(2, sympy.oo, 0), tag="D",
                                      form="t^-xi times a log-periodic factor, xi = ln sigma/ln rho; rho is not "
                                           "computed for this network, so xi is not given")
                xi = ls / _ln(kc.rho)
                fmin, fmax, smin, smax = log_periodic_band(xi, 2 * _ln(kc.rho))
                return ParityTerm(p, "log-periodic", xi=xi, law="log-periodic", key=(2, xi, 0), tag="D",
                                  params=(("rho", kc.rho), ("sigma", tc.sigma), ("F_over_mean", (fmin, fmax)),
                                          ("local_exponent", (smin, smax))),
                                  form=(f"L(t) = t^-xi l(t) F(ln t): xi = ln sigma/ln rho = {fmt(xi, 10)}, l(t) a power "
                                        "of ln t (from the powers of k in mu_k and e_k), F periodic with period "
                                        "2 ln rho (one parity class) and mean Gamma(xi)/(2 ln rho) (Mellin/Poisson "
                                        "summation of sum_j exp(xi y_j - e^(y_j)), y_j = ln(2 mu_k t)); "
                                        f"F/mean lies in [{mpmath_str(fmin, 4)}, {mpmath_str(fmax, 4)}] and the local "
                                        f"exponent -dlnL/dlnt = xi - F'/F in [{mpmath_str(smin, 5)}, {mpmath_str(smax, 5)}] "
                                        "up to O(1/ln t) from l(t)"))
            if K == "stretched":
                key = (4, sympy.oo if kc.c is None else tidy_constant(ls / kc.c ** sympy.Rational(3, 2)), 0)
                form = (f"-ln L(t) ~ ln(sigma) K*(t) = ln(sigma) (ln(2t)/c)^(3/2), ln sigma = {fmt(ls, 8)} "
                        f"({kstar}): faster than every power of t, slower than every exp(-t^eps)")
            else:
                key = (1, sympy.oo if kc.c is None else tidy_constant(ls / kc.c), 0)
                form = (f"-ln L(t) ~ ln(sigma) K*(t) ~ ln(sigma) ln t/(c_mu ln ln t), ln sigma = {fmt(ls, 8)} "
                        f"({kstar}): L = t^(-o(1)), slower than every power of t, faster than every power of ln t")
            return ParityTerm(p, "super-polynomial" if K == "stretched" else "sub-polynomial",
                              law="super-polynomial" if K == "stretched" else "sub-polynomial", key=key, tag="D",
                              form=form)
        if Tg == "super":
            if K == "super":
                if kc.c is None:
                    return ParityTerm(p, "power-like", law="power-like", key=(2, sympy.oo, 0), tag="U",
                                      form="L = t^(-c/c_mu + o(1)); c_mu is not derived for this network")
                xi = tidy_constant(tc.c / kc.c)
                return ParityTerm(p, "power-like", xi=xi, law="power-like", key=(2, xi, 0), tag="D",
                                  form=(f"L(t) = t^(-xi + o(1)), xi = c/c_mu = {xi} (e_K* = mu_K*^(c/c_mu) up to "
                                        "factors exp(O(K*)) = t^(O(1/ln ln t))): a power law only in the sense "
                                        "ln L/ln t -> -xi"))
            rank = 3 if K == "geometric" else 5
            return ParityTerm(p, "super-polynomial", law="super-polynomial", key=(rank, sympy.oo, 0), tag="D",
                              form=(f"-ln L(t) ~ c K* ln K*, c = {tc.c}, {kstar}: "
                                    + ("L = t^(-(c/ln rho) ln ln t (1 + o(1)))" if K == "geometric" else
                                       "-ln L ~ (ln t)^(3/2) ln ln t") + "; faster than every power of t"))
    raise NotSupported(f"{name} k: no law for kernel class {K!r} with target class {Tg!r}")


def log_periodic_band(xi, period, grid: int = 400):
    """Range of F/mean and of xi - F'/F for F(x) = sum_j phi(x - j P), phi(y) = exp(xi y - e^y).

    F is the periodic factor of a geometric kernel (mu_k ~ rho^-k) with a geometric target
    (e_k ~ sigma^-k) on a lattice of degrees with spacing h: P = h ln rho, xi = ln sigma/ln rho. Its mean
    over a period is Gamma(xi)/P (Poisson summation: the integral of phi is Gamma(xi)), and
    |F - mean| <= (2/P) sum_(m >= 1) |Gamma(xi + 2 pi i m/P)|. Min and max are taken on ``grid`` points of
    one period (relative error ~ (P/grid)^2 |F''|/F, far below the 4 digits printed). Returns mpmath numbers
    (F_min/mean, F_max/mean, local exponent min, max).
    """
    import mpmath

    with mpmath.workdps(25):
        xi = mpmath.mpf(sympy.N(xi, 30))
        P = mpmath.mpf(sympy.N(period, 30))
        lo, hi = -mpmath.mpf(80) / xi - P, mpmath.log(200 + 2 * xi) + P

        def FdF(x):
            f = df = mpmath.mpf(0)
            j0 = int(mpmath.floor((x - hi) / P))
            j1 = int(mpmath.ceil((x - lo) / P))
            for j in range(j0, j1 + 1):
                y = x - j * P
                ph = mpmath.exp(xi * y - mpmath.exp(y))
                f += ph
                df += (xi - mpmath.exp(y)) * ph
            return f, df

        mean = mpmath.gamma(xi) / P
        vals = [FdF(P * i / grid) for i in range(grid)]
        ratios = [f / mean for f, _ in vals]
        slopes = [xi - df / f for f, df in vals]
        return min(ratios), max(ratios), min(slopes), max(slopes)
