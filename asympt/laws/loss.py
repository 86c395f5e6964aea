"""Large-time law of the population loss under kernel gradient flow on S^(d-1).

Gradient flow on L = 1/2 ||f - f*||^2 in the linearised regime with f_0 = 0 gives (theory section 7)

    L(t) = 1/2 sum_k e_k exp(-2 mu_k t),

with mu_k the kernel eigenvalues (:mod:`asympt.laws.decay`) and e_k the target's per-degree energies
(:mod:`asympt.targets`). If on one parity class of degrees (density 1/2) mu_k ~ A k^-alpha and
e_k ~ B k^-beta, that class contributes

    L_p(t) ~ C_p t^-xi,   xi = (beta - 1)/alpha,   C_p = 1/2 (B/(2 alpha)) Gamma(xi) (2A)^-xi,

and the slowest classes win (Velikanov & Yarotsky 2021 for the spectral form; Bietti & Bach 2021
for the eigenvalue exponents). Energy on degrees with mu_k = 0 exactly is never learned: a plateau
L_inf = 1/2 sum_{mu_k = 0} e_k. Finitely many occupied degrees give an exponential law; kernels
smooth at u = +-1 give logarithmic laws (theory section 7, 'Analytic activations').

:func:`loss_law` never forces a number: its result says which of power, exponential, logarithmic
or plateau applies, and why.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import sympy

from asympt.core.symbolic import log_positive, safe_str, tidy_constant
from asympt.core.errors import InvalidInput, NotSupported

__all__ = ["LossLaw", "ParityTerm", "loss_law"]

KINDS = ("power", "log-periodic", "power-like", "exponential", "logarithmic", "sub-polynomial",
         "super-polynomial", "plateau")


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
    key: tuple = ()  # slowness order (see the pair table above _pair); () for classes without a law
    form: str = ""  # the leading form in words
    tag: str = ""  # theory tag of the claim: V, D or U
    params: tuple = ()  # (name, value) pairs of the law's constants


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
    approach_kind: str | None = None  # the law of L(t) - L_inf (= kind unless kind == "plateau")
    never_learned: str = ""  # the degrees with mu_k = 0 exactly, in words ("" if none)
    status: str = ""  # theory tag of the approach law: V (verified), D (derived, not proved), U
    params: tuple = ()  # (name, value) constants of the approach law: ("D", .), ("log_exponent", .), ...

    def value(self, t):
        """The law's value at time t (mpmath), or None when the law has no explicit constant.

        power: C t^-xi; logarithmic: D (ln 2t)^-a; exponential: amplitude exp(-rate t); each plus L_inf.
        """
        import mpmath

        def num(x):
            return mpmath.mpf(sympy.N(x, mpmath.mp.dps + 5))

        t = mpmath.mpf(t)
        kind = self.approach_kind or self.kind
        base = num(self.L_inf)
        par = dict(self.params)
        if kind == "power" and self.xi is not None and self.C is not None:
            return num(self.C) * t ** (-num(self.xi)) + base
        if kind == "logarithmic" and "D" in par:
            return num(par["D"]) * mpmath.log(2 * t) ** (-num(par["log_exponent"])) + base
        if kind == "exponential" and self.rate is not None:
            return num(self.amplitude) * mpmath.exp(-num(self.rate) * t) + base
        return None

    def __str__(self):
        return "\n".join(self.explanation + ("Result: " + self.summary(),))

    def summary(self) -> str:
        """One line: the law in words and symbols."""
        if self.kind == "power":
            return f"L(t) ~ C t^-xi, xi = {self.xi}" + ("" if self.C is None else f", C = {_fmt(self.C, 10)}")
        head = ""
        if self.L_inf != 0:
            head = f"plateau L(t) -> L_inf = {_fmt(self.L_inf, 10)}"
            if self.never_learned:
                head += f" (never learned: {self.never_learned})"
            if self.approach_kind is None:
                return head
            head += "; approach: "
        kind = self.approach_kind or self.kind
        if kind == "power":
            return head + f"C t^-xi, xi = {self.xi}, C = {_fmt(self.C, 10)}"
        if kind == "exponential" and self.rate is not None:
            return head + f"exponential, (e_k/2) exp(-{_fmt(self.rate, 8)} t)"
        words = {"log-periodic": "t^-xi times a log-periodic factor", "power-like": "t^(-xi + o(1))",
                 "logarithmic": "logarithmic (slower than every power)",
                 "sub-polynomial": "slower than every power of t, faster than every power of ln t",
                 "super-polynomial": "faster than every power of t"}.get(kind, kind)
        xi = "" if self.xi is None else f", xi = {_fmt(self.xi, 10)}"
        return head + words + xi

    def __repr__(self):
        return f"LossLaw({self.summary()})"

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
            if self.xi is not None and self.approach_kind == "power":
                s += r",\quad L(t) - L_\infty \simeq " + sympy.latex(self.C) + r"\, t^{-" + sympy.latex(self.xi) + "}"
            elif self.approach_kind:
                s += r",\quad L(t) - L_\infty\ \text{" + self.approach_kind + "}"
            return s
        if self.kind == "exponential" and self.rate is not None:
            return r"L(t) \simeq " + sympy.latex(self.amplitude * sympy.exp(-self.rate * t))
        if self.kind == "log-periodic" and self.xi is not None:
            return r"L(t) = t^{-" + sympy.latex(self.xi) + r"}\,\ell(t)\,F(\ln t),\ F\ \text{periodic}"
        if self.kind == "power-like" and self.xi is not None:
            return r"L(t) = t^{-" + sympy.latex(self.xi) + r" + o(1)}"
        return r"L(t)\ \text{" + self.kind + "}"


def _fmt(x, digits=12):
    if x is None:
        return "-"
    x = sympy.nsimplify(x) if isinstance(x, float) else x
    if getattr(x, "is_Float", False) or (getattr(x, "is_number", False) and x.has(sympy.Float)):
        return str(sympy.N(x, digits))  # a computed value: its decimal only (no 35-digit echo)
    if getattr(x, "is_Rational", False) and safe_str(x) is not None:
        return str(x)
    text = safe_str(x)
    dec = sympy.N(x, digits)
    return f"{text} = {dec}" if text is not None else f"{dec} (exact form too long to print)"


def _dec(x, digits=12):
    return None if x is None else sympy.N(x, digits)


def loss_law(kernel, dim: int, target, *, data: str = "sphere", lr=None, decay=None) -> LossLaw:
    """Large-time law of L(t) = 1/2 sum_k e_k exp(-2 mu_k t) for ``kernel`` and ``target`` on S^(dim-1).

    ``target`` is a :class:`asympt.targets.Target` or a spec string (``neuron``, ``sobolev:2``, ...;
    see :func:`asympt.targets.parse_target`). ``data='euclidean'`` applies the intrinsic-dimension
    rule of theory section 8 (inputs in R^d with a density, network with a first-layer bias).
    ``lr`` (learning rate eta) switches to discrete gradient descent, L_n ~ L(eta n).
    ``decay``: the :class:`~asympt.laws.decay.DecayLaw` of ``kernel`` on S^(dim-1), when the caller has it
    already (computed by ``decay_law(kernel, dim)``; it is shared by every target of that kernel and
    dimension, see :class:`asympt.laws.shared.KernelLaws`); by default it is computed here.

    >>> from asympt.kernels.networks import ntk
    >>> law = loss_law(ntk("relu"), 3, "neuron")        # theory section 7 worked case: xi = 1, C = 1/24
    >>> law.kind, law.xi, law.C
    ('power', 1, 1/24)
    """
    from asympt.kernels.kernel import check_kernel

    from .decay import DecayLaw, decay_law
    from asympt.targets import parse_target

    kernel = check_kernel(kernel)
    if isinstance(target, str):
        target = parse_target(target, default_activation=kernel.network.activation.name)
    if data not in ("sphere", "euclidean"):
        raise InvalidInput(f"data must be 'sphere' or 'euclidean': {data!r}")
    if data == "euclidean":
        return _euclidean(kernel, dim, target)
    if decay is None:
        dl = decay_law(kernel, dim)
    elif not isinstance(decay, DecayLaw) or decay.dim != dim:
        raise InvalidInput(f"decay must be the DecayLaw of this kernel on S^(dim-1), dim = {dim}: {decay!r}")
    else:
        dl = decay
    target = _attach_spectrum(kernel, dim, target, dl)
    from asympt import targets as T

    if isinstance(target, T.RKHS) and dl.alpha is None:
        tl = None  # e_k = mu_k^(2r) e_k(g) with a kernel smooth at +-1: handled by the pair table
    else:
        tl = target.asymptotic(dim)
    expl = _kernel_lines(kernel, dim, dl) + [f"Eigenvalues: {_describe_decay(dl, kernel)}",
                                             f"Target: {target.describe()}; {_describe_target(tl)}"]
    if getattr(tl, "kind", None) == "finite":
        law = _finite_target(kernel, dim, target, dl, expl)
    else:
        law = _general(kernel, dim, target, dl, tl, expl)
    if lr is not None:
        law = _discrete(kernel, dim, law, lr, target)
    return law


# ---- helpers ----------------------------------------------------------------------------------

def _attach_spectrum(kernel, dim, target, dl):
    """rkhs:R targets are defined through the kernel's own eigenvalues."""
    from asympt import targets as T

    if not isinstance(target, T.RKHS) or target.mu is not None:
        return target
    from asympt.spectrum import eigenvalues

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


def _describe_decay(dl, kernel=None) -> str:
    parts = []
    smooth = None
    for p, name in ((dl.even, "even"), (dl.odd, "odd")):
        if p.kind == "power":
            parts.append(f"{name} k: mu_k ~ A k^-alpha, A = {_fmt(p.A, 8)}, alpha = {p.alpha}")
        elif p.kind == "zero":
            where = f"every {name} k" if p.zero_above < 0 else f"{name} k > {p.zero_above}"
            parts.append(f"{name} k: mu_k = 0 exactly for {where} ({p.note})")
        elif p.kind == "analytic" and kernel is not None:
            if smooth is None:
                from .decay import smooth_class

                try:
                    smooth = smooth_class(kernel, dl.dim).describe()
                except NotSupported as err:
                    smooth = str(err)
            parts.append(f"{name} k: k(u) is smooth at u = +-1, {smooth}")
        else:
            parts.append(f"{name} k: {p.note}")
    return "; ".join(parts)


def _describe_target(tl) -> str:
    if tl is None:
        return "energies follow the kernel's eigenvalues"
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

    from asympt import targets as T

    half = sympy.Rational(1, 2)
    sign = 1 if parity == 0 else -1
    if isinstance(target, T.Neuron) and target.act.parity in ("even", "odd"):  # one parity class only
        if (target.act.parity == "even") != (parity == 0):
            return sympy.S.Zero
        n2 = target.norm2(dim)
        if n2.has(sympy.Integral):  # no closed form: the target's own quadrature (SymPy's N of an Integral is slow)
            return sympy.Float(mpmath.nstr(target.norm2_mp(dim, dps=35), 32), 30)
        return n2
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
        n2 = target.norm2(dim)
        if n2.has(sympy.Integral):  # the target's own quadrature: SymPy's N of the Integral took 8-230 s (gelu)
            n2 = target.norm2_mp(dim, dps=40)
    elif isinstance(target, T.Cap):
        t0 = sympy.cos(target.theta0)
        g = lambda t: 1 if t > t0 else 0  # noqa: E731
        n2 = target.norm2(dim)
    else:
        raise NotSupported(f"target {target.describe()!r}: its parity split is not available")
    with mpmath.workdps(40):
        cd = mpmath.gamma(mpmath.mpf(dim) / 2) / (mpmath.sqrt(mpmath.pi) * mpmath.gamma(mpmath.mpf(dim - 1) / 2))
        cross = mpmath.quad(lambda t: cd * (1 - t * t) ** (mpmath.mpf(dim - 3) / 2) * g(t) * g(-t), [-1, 0, 1])
        if not isinstance(n2, mpmath.mpf):
            n2 = mpmath.mpf(sympy.N(n2, 45))
        val = (n2 + sign * cross) / 2
    return sympy.Float(mpmath.nstr(val, 32), 30)


def singularity_order(target):
    """('ridge', b) for a t_+^b-type singularity across a hypersurface, ('sobolev', s), or None."""
    from asympt import targets as T

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

    from asympt import targets as T

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

_TAGS = {"V": "verified", "D": "derived, not proved", "U": "heuristic, not verified"}


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


def _kernel_class(kernel, dim, dl, p) -> _KClass:
    from .decay import smooth_class

    law = dl.parities[p]
    if law.kind == "zero":
        return _KClass("zero", zero_above=law.zero_above, text=law.note)
    if law.kind == "power":
        return _KClass("power", A=law.A, alpha=law.alpha, text=f"mu_k ~ A k^-alpha, A = {_fmt(law.A, 8)}, "
                                                                f"alpha = {law.alpha}")
    if law.kind == "faster":
        return _KClass("cancel", alpha=law.alpha, text=law.note)
    sc = smooth_class(kernel, dim)
    if sc.kind == "geometric":
        return _KClass("geometric", rho=sc.rho, text=sc.describe(), tag=sc.status)
    return _KClass(sc.kind, c=sc.c, text=sc.describe(), tag=sc.status)


def _target_class(target, dim, tl, p) -> _TClass:
    from asympt import targets as T

    if isinstance(target, T.RKHS) and tl is None:
        return _TClass("rkhs", r=target.r, text=f"e_k = mu_k^(2r) e_k(g), r = {target.r}")
    if tl.kind == "power":
        B = tl.B_even if p == 0 else tl.B_odd
        if B == 0:
            return _TClass("finite", text="e_k = o(k^-beta) on this parity (exact zeros beyond the first degrees)")
        return _TClass("power", B=B, beta=tl.beta, text=f"e_k ~ B k^-beta, B = {_fmt(B, 8)}, beta = {tl.beta}")
    if tl.kind == "finite":
        return _TClass("finite", max_degree=tl.max_degree, text=tl.note)
    if isinstance(target, T.Neuron):
        sc = T.smooth_parity_class(target.act, p)
        if sc.kind == "geometric":
            return _TClass("geometric", sigma=sc.sigma, text=f"e_k ~ sigma^-k, sigma = {_fmt(sc.sigma, 8)} ({sc.note})")
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


def _pair(kc: _KClass, tc: _TClass, p: int) -> ParityTerm:
    """The law of one parity class (see the table above). Raises NotSupported naming what is missing."""
    name = "even" if p == 0 else "odd"
    K, Tg = kc.kind, tc.kind
    half = sympy.Rational(1, 2)
    tag = kc.tag
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
                               f"C = 1/2 (B/(2 alpha)) Gamma(xi) (2A)^-xi = {_fmt(C)}")
    if K == "power":
        a, A = kc.alpha, kc.A
        e = 1 / (a + 1)
        if Tg == "geometric":
            coef = (a + 1) / a * _ln(tc.sigma) ** (a / (a + 1)) * (2 * A * a) ** e
            return ParityTerm(p, "super-polynomial", law="super-polynomial", key=(6, e, 0), tag="D",
                              params=(("exponent", e), ("coefficient", coef)),
                              form=(f"ln L(t) ~ -c t^(1/(alpha+1)), 1/(alpha+1) = {e}, c = ((alpha+1)/alpha) "
                                    f"(ln sigma)^(alpha/(alpha+1)) (2 A alpha)^(1/(alpha+1)) = {_fmt(coef, 8)} "
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
            kstar = "K*(t) = ln(2t)/ln rho" + ("" if kc.rho is None else f", ln rho = {_fmt(_ln(kc.rho), 8)}")
        elif K == "stretched":
            kstar = "K*(t) = (ln(2t)/c)^(3/2)" + ("" if kc.c is None else f", c = {_fmt(kc.c, 8)}")
        else:
            kstar = "K*(t) ln K*(t) = ln(2t)/c_mu" + ("" if kc.c is None else f", c_mu = {kc.c}")
        if Tg == "power":
            b1 = tc.beta - 1
            if K == "geometric":
                a, key = b1, (0, b1, 0)
                coef = None if kc.rho is None else tc.B * _ln(kc.rho) ** b1 / (4 * b1)
                lead = (f"L(t) ~ D (ln t)^-(beta-1), beta - 1 = {b1}"
                        + ("" if coef is None else f", D = B (ln rho)^(beta-1)/(4 (beta-1)) = {_fmt(coef, 8)}"))
            elif K == "stretched":
                a = sympy.Rational(3, 2) * b1
                key = (0, a, 0)
                coef = None if kc.c is None else tidy_constant(tc.B * kc.c ** a / (4 * b1))
                lead = (f"L(t) ~ D (ln t)^-(3(beta-1)/2), 3(beta-1)/2 = {a}"
                        + ("" if coef is None else f", D = B c^(3(beta-1)/2)/(4 (beta-1)) = {_fmt(coef, 8)}"))
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
                                  form=(f"L(t) = t^-xi l(t) F(ln t): xi = ln sigma/ln rho = {_fmt(xi, 10)}, l(t) a power "
                                        "of ln t (from the powers of k in mu_k and e_k), F periodic with period "
                                        "2 ln rho (one parity class) and mean Gamma(xi)/(2 ln rho) (Mellin/Poisson "
                                        "summation of sum_j exp(xi y_j - e^(y_j)), y_j = ln(2 mu_k t)); "
                                        f"F/mean lies in [{mpmath_str(fmin, 4)}, {mpmath_str(fmax, 4)}] and the local "
                                        f"exponent -dlnL/dlnt = xi - F'/F in [{mpmath_str(smin, 5)}, {mpmath_str(smax, 5)}] "
                                        "up to O(1/ln t) from l(t)"))
            if K == "stretched":
                key = (4, sympy.oo if kc.c is None else tidy_constant(ls / kc.c ** sympy.Rational(3, 2)), 0)
                form = (f"-ln L(t) ~ ln(sigma) K*(t) = ln(sigma) (ln(2t)/c)^(3/2), ln sigma = {_fmt(ls, 8)} "
                        f"({kstar}): faster than every power of t, slower than every exp(-t^eps)")
            else:
                key = (1, sympy.oo if kc.c is None else tidy_constant(ls / kc.c), 0)
                form = (f"-ln L(t) ~ ln(sigma) K*(t) ~ ln(sigma) ln t/(c_mu ln ln t), ln sigma = {_fmt(ls, 8)} "
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


def _learnable_low(target, dim, p, m):
    """Occupied degrees k <= m of parity p (they have mu_k != 0 unless certified otherwise)."""
    out = []
    for k in range(p, m + 1, 2):
        try:
            e = target.energy(dim, k)
        except NotSupported:
            e = sympy.Float(mpmath_str(target.energy_mp(dim, k, dps=30)), 25)
        if e != 0:
            out.append((k, e))
    return out


def mpmath_str(v, n=28):
    import mpmath

    return mpmath.nstr(v, n)


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


def _never_learned(dl) -> str:
    parts = []
    for p, name in ((0, "even"), (1, "odd")):
        law = dl.parities[p]
        if law.kind == "zero":
            parts.append(f"every {name} k" if law.zero_above < 0 else f"{name} k > {law.zero_above}")
    return " and ".join(parts)


def _general(kernel, dim, target, dl, tl, expl) -> LossLaw:
    terms = []
    L_inf = sympy.S.Zero
    exp_degrees = []  # (k, e_k) of finitely many learnable occupied degrees
    for p in (0, 1):
        name = "even" if p == 0 else "odd"
        kc = _kernel_class(kernel, dim, dl, p)
        tc = _target_class(target, dim, tl, p)
        if tc.kind == "none":
            terms.append(ParityTerm(p, "empty", note=f"{tc.text}", law="none"))
            continue
        if kc.kind == "zero":
            lost = _parity_energy_beyond(target, dim, p, kc.zero_above)
            L_inf += lost / 2
            low = _learnable_low(target, dim, p, kc.zero_above) if kc.zero_above >= 0 else []
            exp_degrees += low
            where = f"every {name} k" if kc.zero_above < 0 else f"{name} k > {kc.zero_above}"
            note = (f"mu_k = 0 for {where} ({kc.text}): target energy {_fmt(lost, 8)} there is never learned"
                    if lost != 0 else f"mu_k = 0 for {where}, and the target has no energy there (nothing lost)")
            terms.append(ParityTerm(p, "plateau" if lost != 0 else "finite", L_inf=lost / 2, note=note, law="plateau"))
            continue
        if tc.kind == "finite":
            top = tc.max_degree
            if top is None:  # a kink neuron of integer order: exact zeros beyond b + 1
                b = getattr(getattr(target, "act", None), "degree", None)
                top = int(b) + 1 if b is not None else 0
            exp_degrees += _learnable_low(target, dim, p, top)
            terms.append(ParityTerm(p, "finite", note=f"finitely many occupied degrees ({tc.text})", law="exponential"))
            continue
        term = _pair(kc, tc, p)
        terms.append(replace(term, note=f"kernel: {kc.text}; target: {tc.text}"))
    live = [t for t in terms if t.key]
    xi = C = None
    law_params = ()
    approach_kind, form, tag = None, "", ""
    rate = amp = None
    if live:
        best = min(t.key for t in live)
        win = [t for t in live if t.key == best]
        approach_kind = win[0].law
        tag = min(t.tag for t in win)
        xi = win[0].xi
        if approach_kind == "power":
            C = sum(t.C for t in win)
            C = C if len(win) == 1 else tidy_constant(C)
        form = win[0].form
        law_params = tuple((k, v) for k, v in win[0].params if k not in ("coefficient",))
        if approach_kind == "logarithmic" and all(dict(t.params).get("coefficient") is not None for t in win):
            coef = sum(dict(t.params)["coefficient"] for t in win)
            law_params = (("D", coef), ("log_exponent", dict(win[0].params)["log_exponent"]))
            form = form if len(win) == 1 else form + f" (both parities: D = {_fmt(coef, 8)})"
    elif exp_degrees:
        approach_kind = "exponential"
        rate, amp, kslow, mu = _slowest_mode(kernel, dim, exp_degrees)
        form = (f"finitely many learnable occupied degrees; the slowest is k = {kslow}: "
                f"L(t) - L_inf ~ (e_k/2) exp(-2 mu_k t), mu_{kslow} = {mu}")
    L_inf = tidy_constant(L_inf)
    for t in terms:
        nm = "even" if t.parity == 0 else "odd"
        if t.key:
            expl.append(f"Loss, {nm} k ({t.law}, {_TAGS[t.tag]}): {t.form}")
        else:
            expl.append(f"Loss, {nm} k: {t.note}")
    never = _never_learned(dl)
    if L_inf != 0:
        kind = "plateau"
        expl.append(f"Plateau: never learned ({never}): L_inf = 1/2 sum of e_k there = {_fmt(L_inf)}")
    elif approach_kind is None:
        kind = "plateau"
    else:
        kind = approach_kind
    if approach_kind is None:
        approach = "L(t) = L(0) for all t: no learnable degree carries target energy"
    elif kind == "plateau":
        approach = f"L(t) - L_inf: {approach_kind} ({form})"
    else:
        approach = form
    alpha, nu, beta = dl.alpha, dl.nu, (tl.beta if tl is not None else None)
    kappa = None if beta is None or nu is None else (beta - 1) / (dim - 1)
    return LossLaw(kind, dim, xi, C, L_inf, alpha, beta, nu, kappa, dl.Lambda if approach_kind == "power" else None,
                   None, approach, terms=tuple(terms), explanation=tuple(expl), rate=rate, amplitude=amp,
                   approach_kind=approach_kind, never_learned=never, status=tag, params=law_params)


def _trusted_float(approx, cap: int = 20):
    """A SymPy Float holding only the digits an :class:`~asympt.core.precision.Approx` earns (at most ``cap``)."""
    import mpmath

    digits = max(1, min(approx.digits, cap))
    return sympy.Float(mpmath.nstr(approx.value, digits, strip_zeros=False), digits)


def _slowest_mode(kernel, dim, degrees):
    from asympt.spectrum import eigenvalues

    kmax = max(k for k, _ in degrees)
    spec = eigenvalues(kernel, dim, kmax, digits=20)
    best = None
    for k, e in degrees:
        ev = spec[k]
        if ev.structural_zero:
            continue
        mu = ev.exact if ev.exact is not None else _trusted_float(ev.approx)
        if best is None or float(mu) < float(best[3]):
            best = (2 * mu, e / 2, k, mu)
    if best is None:
        return None, None, None, None
    return best


def _finite_target(kernel, dim, target, dl, expl) -> LossLaw:
    from asympt.spectrum import eigenvalues

    tl = target.asymptotic(dim)
    if hasattr(target, "degrees"):
        degrees = sorted(target.degrees)
    else:  # e.g. a polynomial neuron: every degree up to max_degree that carries energy
        degrees = [k for k in range(tl.max_degree + 1) if target.energy(dim, k) != 0]
    live = [k for k in degrees if not dl.is_zero(k)]
    # the spectrum only for degrees not certified zero (smooth kernels without a fast tier stay cheap)
    spec = eigenvalues(kernel, dim, max(live), digits=20) if live else None
    L_inf = sympy.S.Zero
    rates = []
    for k in degrees:
        e = target.energy(dim, k)
        if dl.is_zero(k):
            L_inf += e / 2
            continue
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
            mu = _trusted_float(ev.approx)
        rate, amp = 2 * mu, e / 2
        kind = "plateau" if L_inf != 0 else "exponential"
        expl.append(f"Loss: finitely many occupied degrees; the slowest learnable one is k = {k}: "
                    f"L(t) ~ (e_k/2) exp(-2 mu_k t), mu_{k} = {ev}")
    never = _never_learned(dl)
    if L_inf != 0:
        expl.append(f"Plateau: energy on degrees with mu_k = 0 is never learned ({never}): L_inf = {_fmt(L_inf)}")
    return LossLaw(kind, dim, L_inf=L_inf, rate=rate, amplitude=amp, explanation=tuple(expl), notes=tuple(notes),
                   approach="exponential" if rates else "", approach_kind="exponential" if rates else None,
                   never_learned=never, status="V")


def _euclidean(kernel, dim, target) -> LossLaw:
    net = kernel.network
    if not net.first_layer_bias:
        raise InvalidInput("data 'euclidean' needs a network with a first-layer bias (--bias): theory section 8 "
                           "maps R^d inputs to the sphere S^d through the bias coordinate")
    plus = kernel.singular(1)
    if not plus.terms:
        raise NotSupported("data 'euclidean': the kernel is smooth at u = 1 (no power-law singularity), so the "
                           "intrinsic-dimension rule (theory section 8) gives no exponent; the eigenvalue decay of an "
                           "analytic kernel on a domain of R^d (faster than every power of n) and its loss law are "
                           "not derived")
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
            f"S^{dim}, intrinsic dimension m = {dim} (theory section 8, intrinsic-dimension rule, derived "
            "and supported numerically, not proved).",
            f"Kernel: leading singular exponent at u = 1: gamma = {gam} (k ~ c |x - x'|^(2 gamma) on the diagonal).",
            f"Target: {target.describe()}; {what} = {xi}.",
            "The constant C depends on the data density and is not given.")
    return LossLaw("power", dim, xi=sympy.nsimplify(xi), data="euclidean", explanation=expl,
                   notes=("C depends on the density: not given",))


def _discrete(kernel, dim, law, lr, target=None):
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
    warn = _stability_warning(target, kernel, dim, law, spec, float(eta))
    if warn:
        lines += (warn,)
        notes = notes + (warn,)
    return LossLaw(**{**law.__dict__, "explanation": law.explanation + lines, "notes": notes, "lr": eta})


def _stability_warning(target, kernel, dim, law, spec, eta):
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
