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

from asympt.core.errors import InvalidInput, NotSupported
from asympt.core.symbolic import tidy_constant

from . import prose
from .energies import learnable_low, parity_energy_beyond, singularity_order
from .pairs import TAGS, ParityTerm, kernel_class, pair, target_class
from .prose import fmt

__all__ = ["KINDS", "Approach", "Derivation", "Exponents", "LossLaw", "ParityTerm", "attach_spectrum", "loss_law"]

KINDS = ("power", "log-periodic", "power-like", "exponential", "logarithmic", "sub-polynomial",
         "super-polynomial", "plateau")


@dataclass(frozen=True)
class Exponents:
    """The exponents behind xi: mu_k ~ A k^-alpha, e_k ~ B k^-beta, and the eigen-index forms
    lambda_n ~ Lambda n^-nu (eigenvalues ordered with multiplicity), nu = alpha/(d - 1),
    kappa = (beta - 1)/(d - 1), xi = kappa/nu (theory section 1). None where not defined.

    ``decay``: the :class:`~asympt.laws.decay.DecayLaw` that gives Lambda, for a power law (else None);
    Lambda is computed when first read (about 1 s at d = 100 for deep kernels) and then remembered.
    """

    alpha: sympy.Expr | None = None
    beta: sympy.Expr | None = None
    nu: sympy.Expr | None = None
    kappa: sympy.Expr | None = None
    decay: object = None

    @property
    def Lambda(self):  # noqa: N802 - the paper's symbol
        return None if self.decay is None else self.decay.Lambda


@dataclass(frozen=True)
class Approach:
    """The law of L(t) - L_inf (of L(t) itself when there is no plateau).

    ``kind``: its kind (power, exponential, logarithmic, ...; None when nothing is learnable);
    ``form``: the leading form in words; ``status``: theory tag, V (verified), D (derived, not proved)
    or U (heuristic); ``params``: (name, value) constants (("D", .), ("log_exponent", .), ...);
    ``rate``, ``amplitude``: an exponential law amplitude exp(-rate t).
    """

    kind: str | None = None
    form: str = ""
    status: str = ""
    params: tuple = ()
    rate: sympy.Expr | None = None
    amplitude: sympy.Expr | None = None


@dataclass(frozen=True)
class Derivation:
    """How the law was found: ``explanation`` (the chain of reasoning, one line per step), ``notes``
    (caveats a reader must see) and ``terms`` (one :class:`ParityTerm` per parity class of degrees)."""

    explanation: tuple = ()
    notes: tuple = ()
    terms: tuple = ()


@dataclass(frozen=True)
class LossLaw:
    """Outcome of :func:`loss_law`.

    ``kind`` is one of :data:`KINDS`. ``xi`` and ``C`` are set for a power law (for a plateau: the law
    of the approach L(t) - L_inf when it is a power law); ``L_inf`` is the unlearnable energy and
    ``never_learned`` the degrees with mu_k = 0 exactly, in words ("" if none); ``lr`` the step of
    discrete gradient descent (None: gradient flow). The rest is grouped: ``exponents``
    (:class:`Exponents`), ``approach_law`` (:class:`Approach`), ``derivation`` (:class:`Derivation`);
    their fields read as attributes of the law too (``law.alpha``, ``law.approach_kind``,
    ``law.explanation``, ...).
    """

    kind: str
    dim: int
    xi: sympy.Expr | None = None
    C: sympy.Expr | None = None
    L_inf: sympy.Expr = sympy.S.Zero
    data: str = "sphere"
    never_learned: str = ""
    lr: object = None
    exponents: Exponents = field(default_factory=Exponents)
    approach_law: Approach = field(default_factory=Approach)
    derivation: Derivation = field(default_factory=Derivation)

    # the fields of the groups, read as attributes of the law
    alpha = property(lambda self: self.exponents.alpha, doc="eigenvalue exponent: mu_k ~ A k^-alpha")
    beta = property(lambda self: self.exponents.beta, doc="energy exponent: e_k ~ B k^-beta")
    nu = property(lambda self: self.exponents.nu, doc="eigen-index exponent nu = alpha/(d - 1)")
    kappa = property(lambda self: self.exponents.kappa, doc="kappa = (beta - 1)/(d - 1), xi = kappa/nu")
    Lambda = property(lambda self: self.exponents.Lambda, doc="lambda_n ~ Lambda n^-nu")  # noqa: N815
    approach = property(lambda self: self.approach_law.form, doc="the approach law in words")
    approach_kind = property(lambda self: self.approach_law.kind, doc="kind of L(t) - L_inf")
    status = property(lambda self: self.approach_law.status, doc="theory tag of the approach law")
    params = property(lambda self: self.approach_law.params, doc="constants of the approach law")
    rate = property(lambda self: self.approach_law.rate, doc="exponential law: rate")
    amplitude = property(lambda self: self.approach_law.amplitude, doc="exponential law: amplitude")
    explanation = property(lambda self: self.derivation.explanation, doc="the derivation, one line per step")
    notes = property(lambda self: self.derivation.notes, doc="caveats")
    terms = property(lambda self: self.derivation.terms, doc="one ParityTerm per parity class")

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
        return prose.summary(self)

    def latex(self) -> str:
        return prose.latex(self)

    def __repr__(self):
        return f"LossLaw({self.summary()})"

    def _repr_latex_(self):
        return "$" + self.latex() + "$"


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
    target = attach_spectrum(kernel, dim, target, dl)
    from asympt import targets as T

    if isinstance(target, T.RKHS) and dl.alpha is None:
        tl = None  # e_k = mu_k^(2r) e_k(g) with a kernel smooth at +-1: handled by the pair table
    else:
        tl = target.asymptotic(dim)
    expl = prose.kernel_lines(kernel, dim, dl) + [f"Eigenvalues: {prose.describe_decay(dl, kernel)}",
                                             f"Target: {target.describe()}; {prose.describe_target(tl)}"]
    if getattr(tl, "kind", None) == "finite":
        law = _finite_target(kernel, dim, target, dl, expl)
    else:
        law = _general(kernel, dim, target, dl, tl, expl)
    if lr is not None:
        from .discrete import discrete_law

        law = discrete_law(kernel, dim, law, lr, target)
    return law


# ---- helpers ----------------------------------------------------------------------------------

def attach_spectrum(kernel, dim, target, dl):
    """``target`` with the kernel's eigenvalues attached when it is an rkhs:R target (defined through
    them: exact where the spectrum is exact, else 20 digits), otherwise ``target`` unchanged."""
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
        kc = kernel_class(kernel, dim, dl, p)
        tc = target_class(target, dim, tl, p)
        if tc.kind == "none":
            terms.append(ParityTerm(p, "empty", note=f"{tc.text}", law="none"))
            continue
        if kc.kind == "zero":
            lost = parity_energy_beyond(target, dim, p, kc.zero_above)
            L_inf += lost / 2
            low = learnable_low(target, dim, p, kc.zero_above) if kc.zero_above >= 0 else []
            exp_degrees += low
            where = f"every {name} k" if kc.zero_above < 0 else f"{name} k > {kc.zero_above}"
            note = (f"mu_k = 0 for {where} ({kc.text}): target energy {fmt(lost, 8)} there is never learned"
                    if lost != 0 else f"mu_k = 0 for {where}, and the target has no energy there (nothing lost)")
            terms.append(ParityTerm(p, "plateau" if lost != 0 else "finite", L_inf=lost / 2, note=note, law="plateau"))
            continue
        if tc.kind == "finite":
            top = tc.max_degree
            if top is None:  # a kink neuron of integer order: exact zeros beyond b + 1
                b = getattr(getattr(target, "act", None), "degree", None)
                top = int(b) + 1 if b is not None else 0
            exp_degrees += learnable_low(target, dim, p, top)
            terms.append(ParityTerm(p, "finite", note=f"finitely many occupied degrees ({tc.text})", law="exponential"))
            continue
        term = pair(kc, tc, p)
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
            form = form if len(win) == 1 else form + f" (both parities: D = {fmt(coef, 8)})"
    elif exp_degrees:
        approach_kind = "exponential"
        rate, amp, kslow, mu = _slowest_mode(kernel, dim, exp_degrees)
        form = (f"finitely many learnable occupied degrees; the slowest is k = {kslow}: "
                f"L(t) - L_inf ~ (e_k/2) exp(-2 mu_k t), mu_{kslow} = {mu}")
    L_inf = tidy_constant(L_inf)
    for t in terms:
        nm = "even" if t.parity == 0 else "odd"
        if t.key:
            expl.append(f"Loss, {nm} k ({t.law}, {TAGS[t.tag]}): {t.form}")
        else:
            expl.append(f"Loss, {nm} k: {t.note}")
    never = _never_learned(dl)
    if L_inf != 0:
        kind = "plateau"
        expl.append(f"Plateau: never learned ({never}): L_inf = 1/2 sum of e_k there = {fmt(L_inf)}")
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
    return LossLaw(kind, dim, xi, C, L_inf, never_learned=never,
                   exponents=Exponents(alpha, beta, nu, kappa, dl if approach_kind == "power" else None),
                   approach_law=Approach(approach_kind, approach, tag, law_params, rate, amp),
                   derivation=Derivation(tuple(expl), (), tuple(terms)))


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
        expl.append(f"Plateau: energy on degrees with mu_k = 0 is never learned ({never}): L_inf = {fmt(L_inf)}")
    return LossLaw(kind, dim, L_inf=L_inf, never_learned=never,
                   approach_law=Approach("exponential" if rates else None, "exponential" if rates else "", "V",
                                         rate=rate, amplitude=amp),
                   derivation=Derivation(tuple(expl), tuple(notes)))


def _euclidean(kernel, dim, target) -> LossLaw:
    net = kernel.network
    if not net.first_layer_bias:
        raise InvalidInput("data 'euclidean' needs a network with a first-layer bias: theory section 8 "
                           "maps R^d inputs to the sphere S^d through the bias coordinate")
    plus = kernel.singular(1)
    if not plus.terms:
        raise NotSupported("data 'euclidean': the kernel is smooth at u = 1 (no power-law singularity), so the "
                           "intrinsic-dimension rule (theory section 8) gives no exponent; the eigenvalue decay of an "
                           "analytic kernel on a domain of R^d (faster than every power of n) and its loss law are "
                           "not derived")

    gam = plus.leading.exponent
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
    return LossLaw("power", dim, xi=sympy.nsimplify(xi), data="euclidean",
                   derivation=Derivation(expl, ("C depends on the density: not given",)))
