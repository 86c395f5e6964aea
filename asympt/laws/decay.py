"""Asymptotic law of the Gegenbauer eigenvalues of a dot-product kernel on S^(d-1).

If k(u) = analytic + c_+ (1 - u)^g+ + ... near u = 1 and analytic + c_- (1 + u)^g- + ... near
u = -1 (non-integer g, or a (1 -+ u)^n log(1 -+ u) term for integer n), then (theory section 5)

    mu_k = [c_+ M(g+, d) + (-1)^k c_- M(g-, d)] k^-(d - 1 + 2g) (1 + O(1/k)),

M(g, d) = 2^(g+d-2) Gamma(d/2) Gamma(g + (d-1)/2) / (sqrt(pi) Gamma(-g)) (Bietti & Bach 2021 give
the exponent; the constants are the exact Funk-Hecke coefficients of (1 -+ u)^g). When the two ends
have different exponents, the smaller one wins on both parities. A parity class whose part of
k(u) is a polynomial of degree m has **exact** zeros mu_k = 0 for k > m (certified structurally by
:meth:`DotProductKernel.polynomial_degree`, never by a threshold).

Eigen-index form (theory section 1): ordering the eigenvalues with multiplicity N(d, k),
lambda_n ~ Lambda n^-nu with nu = alpha/(d - 1) and Lambda = (sum_p A_p^(1/nu) / (d-1)!)^nu, which
gives A ((d-1)!/2)^-nu when A_even = A_odd and A ((d-1)!)^-nu for one parity class.

Entry point: :func:`decay_law`. Its result holds the leading singular terms as :class:`EndTerm`
records; the eigen-index constant :attr:`DecayLaw.Lambda` is computed once per law and then remembered,
so a law computed once can serve every target of a (kernel, d) (``loss_law(..., decay=...)``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import sympy

from asympt.core.symbolic import log_positive, tidy_constant
from asympt.core.errors import NotSupported, check_int

__all__ = ["DecayLaw", "EndTerm", "ParityLaw", "decay_law"]


@dataclass(frozen=True)
class ParityLaw:
    """mu_k on degrees k = parity (mod 2).

    kind: ``"power"`` (mu_k ~ A k^-alpha, ``log_power`` > 0 only as a label of the source term),
    ``"zero"`` (exact zeros for k > ``zero_above``), ``"faster"`` (the leading terms cancel on this
    parity but the part is not a polynomial: decay faster than k^-alpha, law not determined here),
    ``"analytic"`` (no power-law singular term: faster than any power).
    """

    parity: int
    kind: str
    A: sympy.Expr | None = None
    alpha: sympy.Expr | None = None
    zero_above: int | None = None
    note: str = ""


@dataclass(frozen=True)
class EndTerm:
    """One singular term ``coeff (1 - end u)^gamma [log(1 - end u)]^log_power`` of k(u) at u = ``end``.

    ``end`` is +1 or -1; ``gamma`` is the singular exponent (theory section 5), ``log_power`` 0 or 1.
    """

    end: int
    coeff: sympy.Expr
    gamma: sympy.Expr
    log_power: int = 0


@dataclass(frozen=True)
class DecayLaw:
    """Eigenvalue law of a kernel on S^(d-1); see the module docstring.

    ``terms``: the leading singular terms (:class:`EndTerm`, the smallest gamma over both ends);
    ``all_terms``: every singular term computed at both ends (for the Gamma-ratio approximants).
    """

    dim: int
    even: ParityLaw
    odd: ParityLaw
    terms: tuple[EndTerm, ...] = field(default=())
    all_terms: tuple[EndTerm, ...] = field(default=())
    smoothness: str = ""

    @property
    def parities(self):
        return (self.even, self.odd)

    @property
    def kind(self) -> str:
        kinds = {p.kind for p in self.parities}
        if "power" in kinds:
            return "power"
        if kinds == {"zero"}:
            return "finite"
        if "analytic" in kinds:
            return "analytic"
        return "faster"

    @property
    def alpha(self):
        vals = [p.alpha for p in self.parities if p.kind == "power"]
        return min(vals) if vals else None

    def A(self, parity: int):
        law = self.parities[parity % 2]
        return law.A if law.kind == "power" else sympy.S.Zero

    @property
    def zero_degrees(self) -> str:
        """Words for the set of exact zero eigenvalues."""
        parts = []
        for p, name in ((self.even, "even"), (self.odd, "odd")):
            if p.kind == "zero":
                parts.append(f"{name} k > {p.zero_above}" if p.zero_above >= 0 else f"all {name} k")
        return "; ".join(parts) if parts else "none"

    def is_zero(self, k: int) -> bool:
        """True when mu_k = 0 is certified structurally."""
        law = self.parities[k % 2]
        return law.kind == "zero" and k > law.zero_above

    @property
    def nu(self):
        a = self.alpha
        return None if a is None else a / (self.dim - 1)

    @cached_property
    def Lambda(self):  # noqa: N802 - the paper's symbol
        """Constant of lambda_n ~ Lambda n^-nu (eigenvalues ordered with multiplicity).

        Computed on first use and remembered by this (immutable) law: a d = 30 Lambda costs about 0.2 s.
        """
        a = self.alpha
        if a is None:
            return None
        nu = a / (self.dim - 1)
        amps = [p.A for p in self.parities if p.kind == "power" and p.alpha == a]
        if any(_has_big(A) for A in amps) or self.dim > 150:
            # large d: a 40-digit value from logarithms (the exact form has thousands of digits)
            import mpmath

            with mpmath.workdps(60):
                n = mpmath.mpf(sympy.N(nu, 70))
                logs = [log_positive(A) for A in amps]
                m = max(logs)
                s = mpmath.fsum(mpmath.exp((lg - m) / n) for lg in logs)
                val = mpmath.exp(n * (m / n + mpmath.log(s) - mpmath.loggamma(self.dim)))
                return sympy.Float(mpmath.nstr(val, 45), 40)
        total = sum(sympy.Pow(A, 1 / nu) for A in amps) / sympy.factorial(self.dim - 1)
        return tidy_constant(total**nu)

    def approx(self, k: int):
        """Leading law A_p k^-alpha_p at degree k (SymPy), 0 at certified zeros."""
        law = self.parities[k % 2]
        if law.kind == "zero" and k > law.zero_above:
            return sympy.S.Zero
        if law.kind != "power":
            return None
        return law.A * sympy.Integer(k) ** (-law.alpha)

    def gamma_ratio_mp(self, k: int):
        """Uniform approximant sum_ends c (+-1)^k mu_k[(1 -+ u)^g] (theory section 9.5) as mpmath.

        Much closer to mu_k than A k^-alpha at moderate k (d = 10 bias NTK: 1.0011 vs 1.32 at k = 100).
        """
        import mpmath

        from asympt.spectrum.closed_forms import mu_log_term, mu_one_minus_u_pow_mp

        law = self.parities[k % 2]
        if law.kind == "zero" and k > law.zero_above:
            return mpmath.mpf(0)
        if law.kind != "power":
            return None
        tot = mpmath.mpf(0)
        for t in self.terms:
            if self.dim - 1 + 2 * t.gamma != law.alpha:
                continue
            c = mpmath.mpf(sympy.N(t.coeff, mpmath.mp.dps + 5))
            sign = 1 if t.end == 1 else (-1) ** k
            if t.log_power:
                tot += sign * c * mpmath.mpf(sympy.N(mu_log_term(int(t.gamma), self.dim, k), mpmath.mp.dps + 5))
            else:
                tot += sign * c * mu_one_minus_u_pow_mp(t.gamma, self.dim, k)
        return tot

    def gamma_ratio_mp_real(self, k, parity: int):
        """The Gamma-ratio approximant for real k >= 1 on degrees of the given parity (mpmath).

        Unlike :meth:`gamma_ratio_mp` (leading terms, exact Funk-Hecke values at integer k), this sums
        every computed singular term, with (-1)^k replaced by (-1)^parity and the Gamma ratio continued
        to real k, so that it is analytic in k (needed by Euler-Maclaurin sums over one parity class);
        it is meant for k beyond the largest exponent.
        """
        import mpmath

        law = self.parities[parity % 2]
        if law.kind != "power":
            return mpmath.mpf(0)
        d = self.dim
        key = (parity, mpmath.mp.prec)
        cache = self.__dict__.setdefault("_gr_cache", {})
        if key not in cache:
            parts = []
            # every computed singular term (subleading ones make the approximant O(k^-2) better
            # per term), not only the leading pair
            for t in (self.all_terms or self.terms):
                c = mpmath.mpf(sympy.N(t.coeff, mpmath.mp.dps + 5))
                sign = 1 if t.end == 1 else (-1) ** parity
                g = mpmath.mpf(sympy.N(t.gamma, mpmath.mp.dps + 5))
                pref = mpmath.power(2, g + d - 2) * mpmath.gamma(mpmath.mpf(d) / 2) * \
                    mpmath.gamma(g + mpmath.mpf(d - 1) / 2) / mpmath.sqrt(mpmath.pi)
                if t.log_power:
                    n = int(t.gamma)
                    parts.append((sign * c * (-1) ** (n + 1) * mpmath.factorial(n) * pref, n, True))
                else:
                    parts.append((sign * c * pref * mpmath.rgamma(-g), g, False))
            cache[key] = parts
        tot = mpmath.mpf(0)
        for amp, g, is_log in cache[key]:
            tot += amp * mpmath.exp(mpmath.loggamma(k - g) - mpmath.loggamma(k + g + d - 1))
        return tot

    def to_json(self) -> dict:
        def s(x):
            return None if x is None else str(x)

        def f(x):
            return None if x is None else float(sympy.N(x, 17))

        return {
            "dim": self.dim,
            "kind": self.kind,
            "alpha": s(self.alpha),
            "A_even": s(self.A(0)), "A_even_decimal": f(self.A(0)),
            "A_odd": s(self.A(1)), "A_odd_decimal": f(self.A(1)),
            "zero_degrees": self.zero_degrees,
            "nu": s(self.nu),
            "Lambda": s(self.Lambda), "Lambda_decimal": f(self.Lambda),
            "parities": [{"parity": p.parity, "kind": p.kind, "A": s(p.A), "alpha": s(p.alpha),
                          "zero_above": p.zero_above, "note": p.note} for p in self.parities],
        }


def _end_term(kernel, end):
    """Leading singular term at u = end (an :class:`EndTerm`), or None if k is analytic there; raises
    :class:`NotSupported` with the kernel's reason when no expansion is available."""
    exp = kernel.singular(end, order=kernel.leading_order)
    if not exp.terms:
        return None
    t = exp.leading
    return EndTerm(end, t.coeff, t.exponent, t.log_power)


def decay_law(kernel, dim: int) -> DecayLaw:
    """Asymptotic law of the eigenvalues mu_k of ``kernel`` on S^(dim-1).

    >>> from asympt.kernels.networks import ntk
    >>> law = decay_law(ntk("relu"), 3)          # theory section 5 table: A_even = 2^(d-1) Gamma(d/2)^2 / pi^2
    >>> law.alpha, law.A(0), law.A(1), law.zero_degrees
    (3, 1/pi, 0, 'odd k > 1')
    """
    from asympt.kernels.kernel import check_kernel
    from asympt.spectrum.closed_forms import M_constant, M_log_constant

    kernel = check_kernel(kernel)
    dim = check_int("dim", dim, minimum=2, maximum=10**6)
    d = sympy.Integer(dim)
    act = kernel.network.activation
    ends = {}
    for end in (1, -1):
        try:
            ends[end] = _end_term(kernel, end)
        except NotSupported as err:   # the kernel's own reason (e.g. log log terms of deep relu^1/2)
            raise NotSupported(f"no singular expansion available for activation {act.name!r} at u = {end:+d}: "
                               f"{err}") from None

    def M(gam, logp):
        if logp:
            if logp != 1:
                raise NotSupported(f"singular term with log power {logp} (only log^1 is supported)")
            return M_log_constant(int(gam), dim)
        return M_constant(gam, dim)

    live = [t for t in ends.values() if t is not None]
    gmin = min((t.gamma for t in live), default=None)
    contributions = [t for t in live if t.gamma == gmin]  # the leading terms over both ends
    laws = []
    for p in (0, 1):
        deg = kernel.polynomial_degree(p)
        if deg is not None:
            laws.append(ParityLaw(p, "zero", zero_above=deg,
                                  note=("the parity part of k(u) is a polynomial of degree "
                                        f"{deg}" if deg >= 0 else "the parity part of k(u) vanishes")))
            continue
        if not contributions:
            laws.append(ParityLaw(p, "analytic", note="k(u) is smooth at u = +-1 (" + act.smoothness.describe()
                                  + "): mu_k decays faster than any power of k"))
            continue
        A = sympy.S.Zero
        alpha = d - 1 + 2 * contributions[0].gamma
        for t in contributions:
            A += (1 if t.end == 1 else (-1) ** p) * t.coeff * M(t.gamma, t.log_power)
        A = tidy_constant(A)
        if A == 0:
            laws.append(ParityLaw(p, "faster", alpha=alpha,
                                  note="the leading singular terms cancel on this parity; mu_k decays faster "
                                       f"than k^-{alpha} and the next term is not computed"))
            continue
        laws.append(ParityLaw(p, "power", A=A, alpha=alpha))
    full = []
    for e in (1, -1):
        try:
            for t in kernel.singular(e, order=kernel.leading_order).terms:
                full.append(EndTerm(e, t.coeff, t.exponent, t.log_power))
        except NotSupported:
            pass
    return DecayLaw(dim, laws[0], laws[1], terms=tuple(contributions), smoothness=act.smoothness.describe(),
                    all_terms=tuple(full))



# ---- kernels smooth at u = +-1: the class of the decay ------------------------------------------

@dataclass(frozen=True)
class SmoothClass:
    """How fast mu_k decays when k(u) has no power-law singular term at u = +-1.

    kind:
      * ``"geometric"``: mu_k = rho^-k up to a power of k. k(u) = sum_n b_n u^n with b_n >= 0
        (Schoenberg), so by Pringsheim's theorem the singularity nearest to [-1, 1] in the sense of the
        Bernstein ellipses is the real point u = R (and possibly -R), R the radius of convergence;
        rho = R + sqrt(R^2 - 1) is the parameter of that ellipse. ``rho`` is exact (SymPy) where the
        singularity is known in closed form (erf networks), else a Float with ``rho_error``.
      * ``"stretched"``: ln mu_k = -c k^(2/3) (1 + o(1)), c = (3/2) (2 tau_q)^(2/3) for an activation
        analytic in the strip |Im x| < tau, tau_q = tau/sqrt(q) (theory section 7, derived, not proved).
      * ``"super"``: k(u) entire: ln mu_k = -c k ln k (1 + o(1)), c = 1 for the sin/cos kernels
        (mu_k ~ e^-q Gamma(d/2) (q/2)^k / Gamma(k + d/2), theory section 7).
    ``c`` or ``rho`` is None when the constant is not derived for this network (the class still is).
    ``status`` is the theory tag of the claim: "V", "D" or "U".
    """

    kind: str
    rho: object = None
    rho_error: object = 0
    R: object = None
    c: object = None
    status: str = "D"
    note: str = ""

    def describe(self) -> str:
        tag = {"V": "verified", "D": "derived, not proved", "U": "heuristic"}[self.status]
        if self.kind == "geometric":
            if self.rho is None:
                return f"mu_k decays geometrically (rate not computed: {self.note}) [{tag}]"
            err = "" if self.rho_error == 0 else f" +- {sympy.N(self.rho_error, 2)}"
            return (f"mu_k ~ k^-p rho^-k, rho = R + sqrt(R^2 - 1) = {_short(self.rho)}{err} from the "
                    f"singularity of k(u) at u = R = {_short(self.R)} (Pringsheim; {self.note}) [{tag}]")
        if self.kind == "stretched":
            cc = "c not derived for this network" if self.c is None else f"c = (3/2)(2 tau_q)^(2/3) = {_short(self.c)}"
            return f"ln mu_k ~ -c k^(2/3) (stretched exponential; {cc}) [{tag}]"
        cc = "c not derived for this network" if self.c is None else f"c = {self.c}"
        return f"ln mu_k ~ -c k ln k (k(u) entire: super-exponential; {cc}) [{tag}]"


def _has_big(expr) -> bool:
    return any(abs(n) > 10**30 for n in expr.atoms(sympy.Integer))


def _short(x) -> str:
    from asympt.core.symbolic import safe_str

    if x is None:
        return "-"
    text = safe_str(x, 40) if not getattr(x, "is_Float", False) else None
    dec = sympy.N(x, 10)
    return f"{text} = {dec}" if text and text != str(dec) else str(dec)


def _erf_singularity(net):
    """Radius R of the power series of an erf network's kernel: the first real u > 1 where the argument
    2 Sigma^l / (1 + 2 q_l) of some layer's arcsin reaches 1 (Pringsheim: the nearest singularity is real).

    Every layer map Sigma^(l+1) = sw^2 (2/pi) arcsin(2 Sigma^l/(1 + 2 q_l)) + sb^2 is increasing in u, and the
    derivative maps (4/pi)((1+2q)^2 - 4 Sigma^2)^(-1/2) are singular at the same points, so NTK and NNGP
    share R. Returns (R, abs_error): exact (error 0) for two layers, R = 1 + 1/(2 sigma_w1^2), else
    bisection at 40 digits (error 1e-30).
    """
    import mpmath

    from asympt.kernels.kernel import variances

    sw, sb = net.sigma_w, net.sigma_b
    if net.layers == 2:
        return 1 + 1 / (2 * sw[0] ** 2), sympy.S.Zero
    qs = variances(net)
    with mpmath.workdps(40):
        swm = [mpmath.mpf(sympy.N(s**2, 45)) for s in sw]
        sbm = [mpmath.mpf(sympy.N(s**2, 45)) for s in sb]
        qm = [mpmath.mpf(sympy.N(q, 45)) for q in qs]

        def first_excess(u):
            """Index of the first layer whose arcsin argument exceeds 1 at u (None if none)."""
            s = swm[0] * u + sbm[0]
            for l in range(net.layers - 1):
                z = 2 * s / (1 + 2 * qm[l])
                if z >= 1:
                    return l
                s = swm[l + 1] * 2 / mpmath.pi * mpmath.asin(z) + sbm[l + 1]
            return None

        lo = mpmath.mpf(1)
        hi = 1 + 1 / (2 * swm[0])  # the first layer's own singularity
        if first_excess(hi) is None:  # cannot happen (layer 1 reaches 1 there), kept as a guard
            return sympy.Float(str(hi), 30), sympy.S.Zero
        for _ in range(120):
            mid = (lo + hi) / 2
            if first_excess(mid) is None:
                lo = mid
            else:
                hi = mid
        return sympy.Float(mpmath.nstr((lo + hi) / 2, 35), 35), sympy.Float("1e-30")


def smooth_class(kernel, dim: int) -> SmoothClass:
    """The decay class of mu_k for a kernel with no power-law singular term (see :class:`SmoothClass`).

    >>> from asympt.kernels.networks import ntk
    >>> sc = smooth_class(ntk("erf"), 3)       # theory section 7: R = 3/2, rho = (3 + sqrt(5))/2
    >>> sc.kind, sc.R, sympy.simplify(sc.rho - (3 + sympy.sqrt(5)) / 2)
    ('geometric', 3/2, 0)
    """
    net = kernel.network
    act = net.activation
    sm = act.smoothness
    two = net.layers == 2
    if sm.kind == "geometric":
        if act.family == "erf":
            R, err = _erf_singularity(net)
            rho = R + sympy.sqrt(R**2 - 1)
            if err != 0:
                rho = sympy.Float(sympy.N(rho, 35), 35)
                err = err * 2 * R / sympy.sqrt(R**2 - 1) + sympy.Float("1e-30")  # d rho/dR <= 2R/sqrt(R^2-1)
            note = ("erf: arcsin singularity, R = 1 + 1/(2 sigma_w1^2)" if two else
                    "erf: first real point where a layer's arcsin argument reaches 1, by bisection")
            return SmoothClass("geometric", tidy_constant(rho) if err == 0 else rho, err, R, status="V" if two else "D",
                               note=note)
        if act.name == "gelu" and two:
            # Phi / GELU dual maps are arcsin(q rho/(1 + q))-type: singular at rho = (1 + q)/q (theory 7, [D]);
            # rho = (sw^2 u + sb^2)/q gives u = (1 + sw^2)/sw^2
            sw2 = net.sigma_w[0] ** 2
            R = (1 + sw2) / sw2
            return SmoothClass("geometric", tidy_constant(R + sympy.sqrt(R**2 - 1)), 0, R, status="D",
                               note="GELU: the Phi-type singularity at rho = (1 + q)/q")
        return SmoothClass("geometric", note="the real singularity of k(u) is not computed for this network")
    if sm.kind == "strip":
        c = None
        if two and not net.first_layer_bias and sm.tau is not None:
            q = net.sigma_w[0] ** 2
            c = tidy_constant(sympy.Rational(3, 2) * (2 * sm.tau / sympy.sqrt(q)) ** sympy.Rational(2, 3))
        return SmoothClass("stretched", c=c, status="D",
                           note="saddle point over the Hermite series (theory section 7)")
    if sm.kind == "entire":
        return SmoothClass("super", c=sympy.S.One if two else None, status="D" if two else "U",
                           note="entire kernel of exponential type" if two else "composition of entire maps")
    raise NotSupported(f"activation {act.name!r} ({sm.describe()}): no decay class for its kernel")
