"""Large-time law of the population loss under kernel gradient flow on S^(d-1).

Gradient flow on L = 1/2 ||f - f*||^2 in the linearised regime with f_0 = 0 gives (THEORY section 7)

    L(t) = 1/2 sum_k e_k exp(-2 mu_k t),

with mu_k the kernel eigenvalues (:mod:`asympt.decay`) and e_k the target's per-degree energies
(:mod:`asympt.targets`). If on one parity class of degrees (density 1/2) mu_k ~ A k^-alpha and
e_k ~ B k^-beta, that class contributes

    L_p(t) ~ C_p t^-xi,   xi = (beta - 1)/alpha,   C_p = 1/2 (B/(2 alpha)) Gamma(xi) (2A)^-xi,

and the slowest classes win (Velikanov & Yarotsky 2021 for the spectral form; Bietti & Bach 2021
for the eigenvalue exponents). Energy on degrees with mu_k = 0 exactly is never learned: a plateau
L_inf = 1/2 sum_{mu_k = 0} e_k. Finitely many occupied degrees give an exponential law; kernels
smooth at u = +-1 give logarithmic laws (THEORY section 7, 'Analytic activations').

:func:`loss_law` never forces a number: its result says which of power, exponential, logarithmic
or plateau applies, and why.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy

from ._symbolic import safe_str, tidy_constant
from .errors import InvalidInput, NotSupported

__all__ = ["LossLaw", "ParityTerm", "loss_law"]

KINDS = ("power", "exponential", "logarithmic", "plateau")


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


@dataclass(frozen=True)
class LossLaw:
    """Outcome of :func:`loss_law`.

    ``kind`` is one of power, exponential, logarithmic, plateau. ``xi`` and ``C`` are set for a power
    law (for a plateau: the law of the approach L(t) - L_inf when it is a power law); ``L_inf`` is the
    unlearnable energy; ``explanation`` lists the chain of reasoning, one line per step.
    """

    kind: str
    dim: int
    xi: sympy.Expr | None = None
    C: sympy.Expr | None = None
    L_inf: sympy.Expr = sympy.S.Zero
    alpha: sympy.Expr | None = None
    beta: sympy.Expr | None = None
    nu: sympy.Expr | None = None
    kappa: sympy.Expr | None = None
    Lambda: sympy.Expr | None = None
    K: sympy.Expr | None = None
    approach: str = ""
    data: str = "sphere"
    terms: tuple = field(default=())
    explanation: tuple = field(default=())
    notes: tuple = field(default=())
    rate: sympy.Expr | None = None  # exponential: L ~ amp exp(-rate t)
    amplitude: sympy.Expr | None = None
    lr: object = None

    def __str__(self):
        return "\n".join(self.explanation)

    def _repr_latex_(self):
        return "$" + self.latex() + "$"

    def latex(self) -> str:
        try:
            return self._latex()
        except ValueError:  # exact constants too large to print: fall back to decimals
            C = None if self.C is None else sympy.N(self.C, 12)
            xi = self.xi
            if self.kind == "power":
                return r"L(t) \simeq " + sympy.latex(C) + r"\, t^{-" + sympy.latex(xi) + "}"
            return r"L(t) \to L_\infty = " + sympy.latex(sympy.N(self.L_inf, 12))

    def _latex(self) -> str:
        t = sympy.Symbol("t", positive=True)
        if self.kind == "power":
            return r"L(t) \simeq " + sympy.latex(self.C) + r"\, t^{-" + sympy.latex(self.xi) + "}"
        if self.kind == "plateau":
            s = r"L(t) \to L_\infty = " + sympy.latex(self.L_inf)
            if self.xi is not None:
                s += r",\quad L(t) - L_\infty \simeq " + sympy.latex(self.C) + r"\, t^{-" + sympy.latex(self.xi) + "}"
            return s
        if self.kind == "exponential" and self.rate is not None:
            return r"L(t) \simeq " + sympy.latex(self.amplitude * sympy.exp(-self.rate * t))
        return r"L(t)\ \text{decays logarithmically}"


def _fmt(x, digits=12):
    if x is None:
        return "-"
    x = sympy.nsimplify(x) if isinstance(x, float) else x
    if getattr(x, "is_Rational", False) and safe_str(x) is not None:
        return str(x)
    text = safe_str(x)
    dec = sympy.N(x, digits)
    return f"{text} = {dec}" if text is not None else f"{dec} (exact form too long to print)"


def _dec(x, digits=12):
    return None if x is None else sympy.N(x, digits)


def loss_law(kernel, dim: int, target, *, data: str = "sphere", lr=None) -> LossLaw:
    """Large-time law of L(t) = 1/2 sum_k e_k exp(-2 mu_k t) for ``kernel`` and ``target`` on S^(dim-1).

    ``target`` is a :class:`asympt.targets.Target` or a spec string (``neuron``, ``sobolev:2``, ...;
    see :func:`asympt.targets.parse_target`). ``data='euclidean'`` applies the intrinsic-dimension
    rule of THEORY section 8 (inputs in R^d with a density, network with a first-layer bias).
    ``lr`` (learning rate eta) switches to discrete gradient descent, L_n ~ L(eta n).

    >>> from asympt.networks import ntk
    >>> law = loss_law(ntk("relu"), 3, "neuron")        # THEORY section 7 worked case: xi = 1, C = 1/24
    >>> law.kind, law.xi, law.C
    ('power', 1, 1/24)
    """
    from .decay import decay_law
    from .kernel import check_kernel
    from .targets import parse_target

    kernel = check_kernel(kernel)
    if isinstance(target, str):
        target = parse_target(target, default_activation=kernel.network.activation.name)
    if data not in ("sphere", "euclidean"):
        raise InvalidInput(f"data must be 'sphere' or 'euclidean': {data!r}")
    if data == "euclidean":
        return _euclidean(kernel, dim, target)
    dl = decay_law(kernel, dim)
    target = _attach_spectrum(kernel, dim, target, dl)
    tl = target.asymptotic(dim)
    expl = _kernel_lines(kernel, dim, dl) + [f"Eigenvalues: {_describe_decay(dl)}",
                                             f"Target: {target.describe()}; {_describe_target(tl)}"]
    if getattr(tl, "kind", None) == "finite":
        law = _finite_target(kernel, dim, target, dl, expl)
    elif dl.kind in ("analytic", "faster") and all(p.kind != "power" for p in dl.parities):
        law = _logarithmic(kernel, dim, target, dl, tl, expl)
    else:
        law = _power(kernel, dim, target, dl, tl, expl)
    if lr is not None:
        law = _discrete(kernel, dim, law, lr)
    return law


# ---- helpers ----------------------------------------------------------------------------------

def _attach_spectrum(kernel, dim, target, dl):
    """rkhs:R targets are defined through the kernel's own eigenvalues."""
    from . import targets as T

    if not isinstance(target, T.RKHS) or target.mu is not None:
        return target
    from .spectrum import eigenvalues

    cache = {}

    def mu(k):
        if k not in cache:
            spec = eigenvalues(kernel, dim, max(k, 2 * len(cache) + 8), digits=20)
            for e in spec:
                cache[e.k] = e.exact if e.exact is not None else sympy.Float(str(e.approx), 20)
        return cache[k]

    return target.with_spectrum(mu, dim=dim, alpha=dl.alpha, A_even=dl.A(0), A_odd=dl.A(1))

def _kernel_lines(kernel, dim, dl) -> list:
    """The first links of the chain: the kernel and its singular expansion at u = +-1."""
    lines = []
    expr = kernel.expr
    text = safe_str(expr, 160) if expr is not None else None
    if text:
        lines.append(f"Kernel: k(u) = {text}, u = x.x'")
    elif expr is not None:
        lines.append(f"Kernel: k(u) is a closed form of {sympy.count_ops(expr)} operations in u = x.x' "
                     "(print it with 'asympt kernel'); k(1) = " + _fmt(kernel.value_at_one, 8))
    else:
        lines.append("Kernel: k(u) has no closed form (evaluated through Hermite series of the activation)")
    parts = []
    for end, name in ((1, "u = +1, t = 1 - u"), (-1, "u = -1, t = 1 + u")):
        try:
            se = kernel.singular(end, order=kernel.leading_order)
        except NotSupported:
            continue
        if se.terms:
            lead = se.leading
            lg = " log t" if lead.log_power else ""
            parts.append(f"near {name}: {_fmt(lead.coeff, 8)} t^{lead.nu}{lg}")
        else:
            parts.append(f"analytic at {name.split(',')[0]}")
    if parts:
        rule = ""
        if dl.alpha is not None:
            rule = f"; mu_k ~ [c_+ + (-1)^k c_-] M(gamma, d) k^-(d-1+2 gamma), alpha = {dl.alpha}"
        lines.append("Singular expansion (leading non-analytic terms): " + "; ".join(parts) + rule)
    return lines


def _describe_decay(dl) -> str:
    parts = []
    for p, name in ((dl.even, "even"), (dl.odd, "odd")):
        if p.kind == "power":
            parts.append(f"{name} k: mu_k ~ A k^-alpha, A = {_fmt(p.A, 8)}, alpha = {p.alpha}")
        elif p.kind == "zero":
            parts.append(f"{name} k: mu_k = 0 exactly for k > {p.zero_above} ({p.note})")
        else:
            parts.append(f"{name} k: {p.note}")
    return "; ".join(parts)


def _describe_target(tl) -> str:
    if tl.beta is None:
        return tl.note or "energies decay faster than any power of k"
    osc = " (oscillating amplitude; mean value used)" if getattr(tl, "oscillating", False) else ""
    return (f"e_k ~ B k^-beta with beta = {tl.beta}, B_even = {_fmt(tl.B_even, 8)}, "
            f"B_odd = {_fmt(tl.B_odd, 8)}{osc}")


def parity_norm2(target, dim, parity):
    """||f*_p||^2 = sum of e_k over k of parity p (f*_p the even/odd part of f*).

    Neurons and caps: (||g||^2 + (-1)^p E_t[g(t) g(-t)]) / 2, with the cross term exactly 0 when g
    vanishes on a half-line (t_+^b, step, caps with theta0 <= pi/2), else by mpmath quadrature
    (returned as a 30-digit Float). Power-law and Sobolev classes: Dirichlet-series sums (exact).
    """
    import mpmath

    from . import targets as T

    half = sympy.Rational(1, 2)
    sign = 1 if parity == 0 else -1
    if isinstance(target, T.PowerLaw):
        b = target.beta
        even = 2 ** (-b) * sympy.zeta(b)
        return even if parity == 0 else sympy.zeta(b) - even
    if isinstance(target, T.Sobolev):
        odd = target.T * (1 - 2 ** (1 - 2 * target.s)) * sympy.zeta(2 * target.s)  # Dirichlet eta(2s)
        return odd if parity == 1 else target.norm2(dim) - odd - target.energy(dim, 0)
    if isinstance(target, T.Harmonic):
        return sympy.Integer(sum(1 for k in target.degrees if k % 2 == parity))
    if isinstance(target, T.Cap) and (target.theta0 <= sympy.pi / 2) == True:  # noqa: E712
        return target.norm2(dim) * half
    if isinstance(target, T.Neuron):
        kind = T._neuron_kind(target.act)
        if kind in ("power",):  # x_+^a and the step: g(t) g(-t) = 0
            return target.norm2(dim) * half
        if target.act.parity in ("even", "odd"):  # abs, identity, erf, sin, ...: one parity only
            return target.norm2(dim) if (target.act.parity == "even") == (parity == 0) else sympy.S.Zero
        if kind == "leaky":  # g = s t + (1 - s) t_+: E[g(t) g(-t)] = -s E[t^2] = -s/d exactly
            slope = target.act.param("slope")
            return (target.norm2(dim) - sign * slope / sympy.Integer(dim)) * half
        g = sympy.lambdify(T.x, target.act.expr, modules="mpmath")
    elif isinstance(target, T.Cap):
        t0 = sympy.cos(target.theta0)
        g = lambda t: 1 if t > t0 else 0  # noqa: E731
    else:
        raise NotSupported(f"target {target.describe()!r}: its parity split is not available")
    with mpmath.workdps(40):
        cd = mpmath.gamma(mpmath.mpf(dim) / 2) / (mpmath.sqrt(mpmath.pi) * mpmath.gamma(mpmath.mpf(dim - 1) / 2))
        cross = mpmath.quad(lambda t: cd * (1 - t * t) ** (mpmath.mpf(dim - 3) / 2) * g(t) * g(-t), [-1, 0, 1])
        n2 = mpmath.mpf(sympy.N(target.norm2(dim), 45))
        val = (n2 + sign * cross) / 2
    return sympy.Float(mpmath.nstr(val, 32), 30)


def singularity_order(target):
    """('ridge', b) for a t_+^b-type singularity across a hypersurface, ('sobolev', s), or None."""
    from . import targets as T

    if isinstance(target, T.Sobolev):
        return ("sobolev", target.s)
    if isinstance(target, T.Cap):
        return ("ridge", sympy.S.Zero)
    if isinstance(target, T.Neuron) and target.act.smoothness.kind == "kink":
        return ("ridge", sympy.Rational(target.act.smoothness.order))
    return None


def _parity_energy_beyond(target, dim, parity, m):
    """sum of e_k over k = parity (mod 2), k > m: the energy a kernel with exact zeros there never learns."""
    import mpmath

    from . import targets as T

    if isinstance(target, T.RKHS):
        return sympy.S.Zero  # e_k = mu_k^(2r) e_k(g) vanishes wherever mu_k = 0
    total = parity_norm2(target, dim, parity)
    for k in range(parity, m + 1, 2):
        try:
            total -= target.energy(dim, k)
        except NotSupported:  # no closed form: 30 digits
            total -= sympy.Float(mpmath.nstr(target.energy_mp(dim, k, dps=40), 32), 30)
    if total.has(sympy.Integral) or total.has(sympy.Float):
        # a quadrature-valued norm: a 25-digit decimal, not a half-symbolic expression
        return sympy.Float(sympy.N(total, 30), 25)
    return tidy_constant(total)


def _power(kernel, dim, target, dl, tl, expl) -> LossLaw:
    terms = []
    L_inf = sympy.S.Zero
    for law in dl.parities:
        p = law.parity
        B = tl.B_even if p == 0 else tl.B_odd
        if law.kind == "zero":
            lost = _parity_energy_beyond(target, dim, p, law.zero_above)
            L_inf += lost / 2
            status = "plateau" if lost != 0 else "finite"
            note = (f"mu_k = 0 for k > {law.zero_above}: target energy {_fmt(lost, 8)} there is never learned"
                    if lost != 0 else
                    f"mu_k = 0 for k > {law.zero_above}, and the target has no energy there (nothing lost)")
            terms.append(ParityTerm(p, status, L_inf=lost / 2, note=note))
            continue
        if tl.beta is None or B == 0:
            terms.append(ParityTerm(p, "finite" if B == 0 else "faster",
                                    note="no power-law target energy on this parity"))
            continue
        if law.kind != "power":
            terms.append(ParityTerm(p, "faster", B=B, beta=tl.beta, note=law.note))
            continue
        xi = sympy.nsimplify((tl.beta - 1) / law.alpha)
        C = sympy.Rational(1, 2) * (B / (2 * law.alpha)) * sympy.gamma(xi) * (2 * law.A) ** (-xi)
        terms.append(ParityTerm(p, "power", xi, tidy_constant(C), law.A, law.alpha, B, tl.beta))
    powers = [t for t in terms if t.status == "power"]
    if any(t.status == "faster" and t.beta is not None for t in terms) and not powers:
        raise NotSupported("the kernel's eigenvalues decay faster than any power on the degrees that carry "
                           "the target's energy; the loss law for this combination is not derived")
    xi = C = None
    if powers:
        xi = min(t.xi for t in powers)
        C = tidy_constant(sum(t.C for t in powers if t.xi == xi))
    L_inf = tidy_constant(L_inf)
    alpha = dl.alpha
    nu = dl.nu
    beta = tl.beta
    kappa = None if beta is None or nu is None else (beta - 1) / (dim - 1)
    if L_inf != 0:
        kind = "plateau"
        approach = (f"L(t) - L_inf ~ C t^-xi (xi = {xi})" if xi is not None else
                    "L(t) - L_inf decays exponentially (finitely many learnable occupied degrees)")
    elif xi is not None:
        kind, approach = "power", ""
    else:
        return _finite_modes(kernel, dim, target, dl, expl)
    for t in terms:
        name = "even" if t.parity == 0 else "odd"
        if t.status == "power":
            expl.append(f"Loss, {name} k: xi = (beta - 1)/alpha = ({t.beta} - 1)/{t.alpha} = {t.xi}; "
                        f"C = 1/2 (B/(2 alpha)) Gamma(xi) (2A)^-xi = {_fmt(t.C)}")
        else:
            expl.append(f"Loss, {name} k: {t.note}")
    return LossLaw(kind, dim, xi, C, L_inf, alpha, beta, nu, kappa, dl.Lambda, None, approach,
                   terms=tuple(terms), explanation=tuple(expl))


def _finite_modes(kernel, dim, target, dl, expl) -> LossLaw:
    raise NotSupported("the target's energy sits on finitely many degrees; use a harmonic:K target "
                       "for the exponential law")


def _finite_target(kernel, dim, target, dl, expl) -> LossLaw:
    from .spectrum import eigenvalues

    tl = target.asymptotic(dim)
    if hasattr(target, "degrees"):
        degrees = sorted(target.degrees)
    else:  # e.g. a polynomial neuron: every degree up to max_degree that carries energy
        degrees = [k for k in range(tl.max_degree + 1) if target.energy(dim, k) != 0]
    kmax = max(degrees)
    spec = eigenvalues(kernel, dim, kmax, digits=20)
    L_inf = sympy.S.Zero
    rates = []
    for k in degrees:
        e = target.energy(dim, k)
        ev = spec[k]
        if ev.structural_zero or (ev.exact is not None and ev.exact == 0):
            L_inf += e / 2
        else:
            rates.append((ev, e, k))
    notes = []
    if not rates:
        kind = "plateau"
        rate = amp = None
    else:
        ev, e, k = min(rates, key=lambda r: float(r[0]))
        if ev.exact is not None:
            mu = ev.exact
        else:
            mu = sympy.Float(str(ev.approx), max(ev.approx.digits, 1))
        rate, amp = 2 * mu, e / 2
        kind = "plateau" if L_inf != 0 else "exponential"
        expl.append(f"Loss: finitely many occupied degrees; the slowest learnable one is k = {k}: "
                    f"L(t) ~ (e_k/2) exp(-2 mu_k t), mu_{k} = {ev}")
    if L_inf != 0:
        expl.append(f"Plateau: energy on degrees with mu_k = 0 is never learned: L_inf = {_fmt(L_inf)}")
    return LossLaw(kind, dim, L_inf=L_inf, rate=rate, amplitude=amp, explanation=tuple(expl), notes=tuple(notes),
                   approach="exponential" if rates else "")


_LOG_NOTE = ("The leading law converges slowly (THEORY section 7: ratio 1.43 at t = 1e5, 1.05 at t = 1e100 for "
             "erf); the K*(t) form, L(t) ~ 1/2 sum_{k >= K*(t)} e_k with 2 mu_K* t = 1, is the accurate "
             "statement (asympt curve computes it).")


def _logarithmic(kernel, dim, target, dl, tl, expl) -> LossLaw:
    act = kernel.network.activation
    sm = act.smoothness
    if tl.beta is None:
        raise NotSupported("both the kernel and the target are smooth (no power law on either side); "
                           "the loss law for this combination is not derived (try a non-smooth target such as "
                           "--target halfspace or --target sobolev:2)")
    beta = tl.beta
    lead = None
    net = kernel.network
    if sm.kind == "geometric":
        if act.name == "erf" and net.layers == 2 and not net.has_bias:
            q = net.sigma_w[0] ** 2
            R = (1 + 2 * q) / (2 * q)
            r = R + sympy.sqrt(R**2 - 1)
            lead = (f"mu_k ~ rho^-k with rho = R + sqrt(R^2 - 1) = {_fmt(r, 8)} (R = {R}, the singularity of k(u)); "
                    f"L(t) ~ varrho B (ln rho)^(beta-1) / (2 (beta-1) (ln t)^(beta-1)) (varrho: density of occupied degrees), "
                    f"exponent beta - 1 = "
                    f"{beta - 1}")
        else:
            lead = ("mu_k decays geometrically; L(t) ~ const (ln t)^-(beta-1) with beta - 1 = "
                    f"{beta - 1}; the constant needs the kernel's nearest complex singularity, not computed here")
    elif sm.kind == "strip":
        lead = (f"ln mu_k ~ -c' k^(2/3) (stretched exponential, THEORY section 7); L(t) ~ const "
                f"(ln t)^-(3(beta-1)/2) with 3(beta-1)/2 = {sympy.Rational(3, 2) * (beta - 1)} [derived, not proved]")
    elif sm.kind == "entire":
        lead = (f"mu_k ~ (q/2)^k / Gamma(k + d/2) (super-exponential); L(t) ~ const (ln ln t / ln t)^(beta-1) "
                f"with beta - 1 = {beta - 1} (very slow; solve 2 mu_K t = 1 numerically)")
    else:
        raise NotSupported(f"no logarithmic law for activation {act.name!r} ({sm.describe()})")
    expl.append("Loss: the kernel is smooth at u = +-1, so mu_k decays faster than any power and "
                "L(t) decays logarithmically: " + lead)
    expl.append(_LOG_NOTE)
    return LossLaw("logarithmic", dim, beta=beta, approach=lead, explanation=tuple(expl), notes=(_LOG_NOTE,))


def _euclidean(kernel, dim, target) -> LossLaw:
    net = kernel.network
    if not net.first_layer_bias:
        raise InvalidInput("data 'euclidean' needs a network with a first-layer bias (--bias): THEORY section 8 "
                           "maps R^d inputs to the sphere S^d through the bias coordinate")
    plus = kernel.singular(1)
    if not plus.terms:
        raise NotSupported("data 'euclidean': the kernel has no power-law singularity at u = 1; "
                           "the intrinsic-dimension rule does not apply")
    gam = plus.leading.nu
    order = singularity_order(target)
    if order is None:
        raise NotSupported(f"data 'euclidean': target {target.describe()!r} has no ridge-singularity order "
                           "or Sobolev tail the rule can use")
    kind_s, val = order
    m = sympy.Integer(dim)
    if kind_s == "ridge":
        xi = (2 * val + 1) / (m + 2 * gam)
        what = f"ridge singularity of order b = {val}: xi = (2b + 1)/(m + 2 gamma)"
    else:
        xi = 2 * val / (m + 2 * gam)
        what = f"Sobolev tail s = {val}: xi = 2s/(m + 2 gamma)"
    expl = (f"Data: inputs in R^{dim} with a density; with the first-layer bias they live on an open piece of "
            f"S^{dim}, intrinsic dimension m = {dim} (THEORY section 8, intrinsic-dimension rule, derived "
            "and supported numerically, not proved).",
            f"Kernel: leading singular exponent at u = 1: gamma = {gam} (k ~ c |x - x'|^(2 gamma) on the diagonal).",
            f"Target: {target.describe()}; {what} = {xi}.",
            "The constant C depends on the data density and is not given.")
    return LossLaw("power", dim, xi=sympy.nsimplify(xi), data="euclidean", explanation=expl,
                   notes=("C depends on the density: not given",))


def _discrete(kernel, dim, law, lr):
    import mpmath

    from .spectrum import eigenvalues

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
            f"{float(eta) * mu_max:.4g} < 2; L_n ~ L(t = eta n), so L_n ~ C (eta n)^-xi with the same C.")
    return LossLaw(**{**law.__dict__, "explanation": law.explanation + (line,), "lr": eta})
