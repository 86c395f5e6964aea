"""Local expansions of network kernels: power series at u = 0, singular expansions at u = +-1.

Near u = 1 (t = 1 - u) and u = -1 (t = 1 + u) a dot-product kernel reads

    k = (analytic in t) + sum_j c_j t^(gamma_j) log(t)^(m_j),

and only the non-analytic terms (gamma not an integer, or m > 0) shape the eigenvalue decay:
mu_k ~ [c(+1) + (-1)^k c(-1)] M(gamma, d) k^-(d - 1 + 2 gamma) (Bietti & Bach 2021; theory section 5).

Method (theory section 4, "propagation rule"): the layer recursion of :mod:`asympt.kernels.networks` is
run in :class:`~asympt.kernels.gseries.GSeries` arithmetic. Each layer's covariance Sigma^l is expanded
around its value at the base point; the dual map is expanded there: Taylor series at interior
points (|c0| < q), and the one-variable Puiseux/log expansion at the end points c0 = +-q, where
the arc-cosine singularities live. Each one-layer expansion is exact (SymPy series of the closed
form, or the hypergeometric connection formula DLMF 15.8.4 for x_+^a with real a).

Entry points: :func:`local_expansion`, :func:`power_series`, :func:`singular_expansion`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import sympy

from .dual_kernels import _rho, dual_map
from asympt.core.errors import NotSupported
from asympt.core.symbolic import tidy
from .gseries import GSeries

__all__ = ["SingularExpansion", "SingularTerm", "local_expansion", "power_series", "singular_expansion"]

_d = sympy.Symbol("delta", positive=True)
_dr = sympy.Symbol("delta", real=True)


@dataclass(frozen=True)
class SingularTerm:
    """coeff * t^exponent * log(t)^log_power with t = 1 - u (at u = 1) or 1 + u (at u = -1).

    ``exponent`` is the singular exponent gamma of theory section 4 (mu_k ~ k^-(d - 1 + 2 gamma)); it is
    not the eigen-index exponent nu of lambda_n ~ n^-nu (theory section 1).
    """

    coeff: sympy.Expr
    exponent: sympy.Expr
    log_power: int = 0

    def __str__(self):
        var = "t"
        lg = f" log({var})" + (f"^{self.log_power}" if self.log_power > 1 else "") if self.log_power else ""
        return f"({sympy.simplify(self.coeff)}) {var}^({self.exponent}){lg}"


@dataclass(frozen=True)
class SingularExpansion:
    """Singular part of k near u = ``at`` (t = 1 - u at +1, 1 + u at -1).

    ``terms`` lists the non-analytic terms known exactly (most singular first); ``analytic`` is
    True when no non-analytic term exists below ``order`` and the kernel is known to be analytic
    there; ``smooth_not_analytic`` flags C-infinity kernels (analytic activations in a strip) whose
    non-analyticity is not a power law.
    """

    at: int
    value: sympy.Expr
    terms: tuple
    order: sympy.Expr
    analytic: bool
    note: str = ""

    @property
    def leading(self):
        return self.terms[0] if self.terms else None


def _is_zero(expr) -> bool:
    expr = sympy.sympify(expr)
    if expr == 0:
        return True
    try:
        val = sympy.N(expr, 50)
    except (TypeError, ValueError):
        return False
    if val.is_number and abs(val) > sympy.Float("1e-40"):
        return False
    return sympy.simplify(expr) == 0


def _classify(net, c0, q):
    """'+' if c0 == q, '-' if c0 == -q, else 'interior'."""
    if _is_zero(c0 - q):
        return "+"
    if _is_zero(c0 + q):
        return "-"
    return "interior"


# ---- one-layer expansions ---------------------------------------------------------------------


@lru_cache(maxsize=512)
def _taylor(act, which, q, c0, n):
    """Taylor coefficients of V (which='V') or Vd at c0, degrees 0..n-1, as a GSeries in delta."""
    dm = dual_map(act)
    f = dm.V_sym(q, c0 + _dr) if which == "V" else dm.Vd_sym(q, c0 + _dr)
    coeffs = []
    g = f
    fact = sympy.Integer(1)
    for j in range(n):
        val = g.subs(_dr, 0)
        coeffs.append(tidy(val / fact) if j < 3 else val / fact)
        g = sympy.diff(g, _dr)
        fact *= j + 1
    return GSeries({(sympy.Integer(j), 0): c for j, c in enumerate(coeffs)}, n)


@lru_cache(maxsize=256)
def _unit_endpoint(act, which, side, order):
    """Expansion of the unit-variance map E (which='V') or Ed at rho = +-(1 - s), in s, to O(s^order)."""
    dm = dual_map(act)
    if dm.homogeneous_degree is None:
        raise NotSupported(f"activation {act.name}: no end-point expansion (not homogeneous)")
    a = dm.a
    if which == "Vd":
        if dm.kind == "power":
            return _Ea_endpoint(a - 1, side, order).scale(a**2)
    elif dm.kind in ("power", "step"):
        return _Ea_endpoint(a, side, order)
    if dm.kind in ("leaky", "abs", "identity"):
        return _combined_endpoint(dm, which, side, order)
    return _sympy_endpoint(dm.Ed() if which == "Vd" else dm.E(), side, order)


def _combined_endpoint(dm, which, side, order):
    """Leaky ReLU, |x| and the identity at rho = +-(1 - s) through the arc-cosine maps E_0, E_1.

    max(x, c x) = c x + (1 - c) x_+ and |x| = x_+ + (-x)_+ give (theory section 2)
    E_leaky(rho) = c rho + (1 - c)^2 E_1(rho), Ed_leaky = c + (1 - c)^2 E_0(rho),
    E_abs(rho) = 2 (E_1(rho) + E_1(-rho)), Ed_abs(rho) = 2 (E_0(rho) - E_0(-rho)); E_a(-rho) at
    rho = +-(1 - s) is the expansion of E_a at the other end. The connection formula of E_a replaces a
    SymPy series of the closed form (seconds per map, minutes through deep layers).
    """
    s = GSeries.monomial(1, 1)
    one = GSeries.constant(1)
    rho = (one - s) if side == "+" else (s - one)
    other = "-" if side == "+" else "+"
    if dm.kind == "identity":
        return (one if which == "Vd" else rho).truncate(order)
    if dm.kind == "leaky":
        c = dm.act.param("slope")
        if which == "Vd":
            return (_Ea_endpoint(0, side, order).scale((1 - c) ** 2) + c).truncate(order)
        return (rho.scale(c) + _Ea_endpoint(1, side, order).scale((1 - c) ** 2)).truncate(order)
    if which == "Vd":
        return (_Ea_endpoint(0, side, order) - _Ea_endpoint(0, other, order)).scale(2).truncate(order)
    return (_Ea_endpoint(1, side, order) + _Ea_endpoint(1, other, order)).scale(2).truncate(order)


def _sympy_endpoint(E, side, order):
    rho_of_s = 1 - _d if side == "+" else -1 + _d
    n = int(sympy.ceiling(order)) + 1
    ser = sympy.series(E.subs(_rho, rho_of_s), _d, 0, n)
    return GSeries.from_sympy(ser, _d).truncate(order)


@lru_cache(maxsize=128)
def _Ea_endpoint(a, side, order):
    """E_a(+-(1 - s)) to O(s^order): integer a by SymPy series of the closed form; otherwise the
    connection formula of 2F1 at z = rho^2 -> 1 (DLMF 15.8.4), with log terms for half-integer a."""
    a = sympy.Rational(a)
    # Integer a is covered by the same connection formula (the 1/Gamma factors vanish where the
    # hypergeometric series terminate); it is ~100x faster than sympy.series of the arc-cosine form.
    s = GSeries.monomial(1, 1)
    w = s.scale(2) + GSeries.monomial(-1, 2)  # 1 - rho^2 = s (2 - s)
    rho = (GSeries.constant(1) - s) if side == "+" else (s - GSeries.constant(1))
    K = 2**a / (4 * sympy.pi)
    A0 = sympy.gamma((a + 1) / 2) ** 2
    A1 = sympy.gamma(a / 2 + 1) ** 2
    nmax = int(sympy.ceiling(order)) + 2
    gam = a + sympy.Rational(1, 2)
    if gam.is_Integer:
        return _Ea_endpoint_log(a, side, order, s, w, rho, K, A0, A1, nmax)
    total = GSeries({}, order)
    for pref, (al, be, ga) in ((K * A0, (-a / 2, -a / 2, sympy.Rational(1, 2))),
                               (K * A1 * 2, ((1 - a) / 2, (1 - a) / 2, sympy.Rational(3, 2)))):
        G1 = sympy.gamma(ga) * sympy.gamma(ga - al - be) / (sympy.gamma(ga - al) * sympy.gamma(ga - be))
        inv_ab = 1 / (sympy.gamma(al) * sympy.gamma(be))
        G2 = sympy.gamma(ga) * sympy.gamma(al + be - ga) * inv_ab
        part = _hyp_series(al, be, al + be - ga + 1, w, nmax).scale(G1)
        if G2 != 0:
            part = part + (w.power(ga - al - be) * _hyp_series(ga - al, ga - be, ga - al - be + 1, w, nmax)).scale(G2)
        if ga == sympy.Rational(3, 2):
            part = part * rho
        total = total + part.scale(pref)
    return total.truncate(order)


def _Ea_endpoint_log(a, side, order, s, w, rho, K, A0, A1, nmax):
    """Half-integer a: gamma = a + 1/2 = n is an integer and the singular term is c s^n log s.

    Regular terms below s^n come from the finite part of the connection formula; the log
    coefficient is the residue of c_+(a) = Gamma(a+1)^2 Gamma(-a-1/2) / (2 sqrt2 pi^(3/2)) at a
    (theory section 4). At rho = -1 the coefficient -cos(pi a) c_+ stays finite, so E_a is
    analytic there; we return its (vanishing) Taylor part to O(s^n).
    """
    n = int(a + sympy.Rational(1, 2))
    if side == "-":
        # E_a(-1) = 0 and E_a^(j)(-1) = 0 for j < n (Price: E_a' = a^2 E_(a-1), E_b(-1) = 0)
        return GSeries({}, min(order, n))
    total = GSeries({}, n)
    for pref, (al, be, ga) in ((K * A0, (-a / 2, -a / 2, sympy.Rational(1, 2))),
                               (K * A1 * 2, ((1 - a) / 2, (1 - a) / 2, sympy.Rational(3, 2)))):
        G1 = sympy.gamma(ga) * sympy.gamma(ga - al - be) / (sympy.gamma(ga - al) * sympy.gamma(ga - be))
        part = _hyp_series(al, be, al + be - ga + 1, w, n, allow_neg_c=True).scale(G1)
        if ga == sympy.Rational(3, 2):
            part = part * rho
        total = total + part.scale(pref)
    ell = (-1) ** (n + 1) * sympy.gamma(a + 1) ** 2 / (2 * sympy.sqrt(2) * sympy.pi ** sympy.Rational(3, 2)
                                                       * sympy.factorial(n))
    total = GSeries(dict(total.terms), n) + GSeries({(sympy.Integer(n), 1): ell}, n)
    return GSeries(total.terms, min(order, n) if order >= n else order)


def _hyp_series(al, be, ga, w, nterms, allow_neg_c=False):
    """2F1(al, be; ga; w) for a GSeries w -> 0, to nterms terms in w."""
    out = GSeries.constant(1)
    term_c = sympy.Integer(1)
    wp = GSeries.constant(1)
    lw = w.lead()[0]
    for j in range(1, nterms + 1):
        denom = (ga + j - 1) * j
        if denom == 0:
            if allow_neg_c:
                break
            raise NotSupported("hypergeometric series with a non-positive integer parameter")
        term_c = term_c * (al + j - 1) * (be + j - 1) / denom
        wp = wp * w
        out = out + wp.scale(term_c)
    return GSeries(out.terms, sympy.Min(out.order, lw * (nterms + 1)))


@lru_cache(maxsize=512)
def _endpoint(act, which, q, side, order):
    """Expansion of V(q, c) (or Vd) at c = q - delta (side '+') or c = -q + delta, in delta."""
    dm = dual_map(act)
    if dm.homogeneous_degree is not None:
        a = dm.homogeneous_degree
        unit = _unit_endpoint(act, which, side, order)
        power = a if which == "V" else a - 1
        # E(rho) with s = delta / q; log(s) = log(delta) - log(q)
        terms = {}
        for (e, m), c in unit.terms.items():
            scale = q ** (power - e)
            if m == 0:
                terms[(e, 0)] = terms.get((e, 0), 0) + c * scale
            else:
                for j in range(m + 1):
                    key = (e, j)
                    terms[key] = terms.get(key, 0) + c * scale * sympy.binomial(m, j) * (-sympy.log(q)) ** (m - j)
        return GSeries(terms, unit.order)
    c = q - _d if side == "+" else -q + _d
    f = dm.V_sym(q, c) if which == "V" else dm.Vd_sym(q, c)
    n = int(sympy.ceiling(order)) + 1
    return GSeries.from_sympy(sympy.series(f, _d, 0, n), _d).truncate(order)


def _layer_map(net, which, q, sigma: GSeries, order):
    """V(q, sigma(t)) (or Vd) as a GSeries in t."""
    act = net.activation
    c0 = sigma.coeff(0)
    delta = sigma - c0
    lead = delta.lead()
    kind = _classify(net, c0, q)
    if lead is None:
        # sigma is constant to the known order
        f = dual_map(act)
        val = f.V_sym(q, c0) if which == "V" else f.Vd_sym(q, c0)
        return GSeries.constant(tidy(val), delta.order)
    e_in = lead[0]
    if kind == "interior":
        n = int(sympy.ceiling(order / e_in)) + 1
        outer = _taylor(act, which, q, c0, n)
        return outer.compose(delta)
    n_outer = sympy.Rational(order) / e_in
    outer = _endpoint(act, which, q, kind, n_outer)
    inner = -delta if kind == "+" else delta
    return outer.compose(inner)


def local_expansion(kernel_or_net, at, order=3):
    """Expansion of the network kernel at u = ``at`` in t = |u - at| (u = at -+ t), to O(t^order).

    ``at`` is 0 (series in t = u), 1 (t = 1 - u) or -1 (t = 1 + u).
    """
    net = getattr(kernel_or_net, "network", kernel_or_net)
    dm = dual_map(net.activation)
    if not dm.closed_form:
        raise NotSupported(f"activation {net.activation.name}: exact local expansions need a closed-form dual "
                           "kernel (available: arc-cosine family, leaky ReLU, abs, erf, sin, cos, polynomials)")
    from .layers import variances

    qs = variances(net)
    direction = {0: 1, 1: -1, -1: 1}[at]
    sw1, sb1 = net.sigma_w[0], net.sigma_b[0]
    order = sympy.Rational(order)
    s1 = GSeries({(sympy.Integer(0), 0): sw1**2 * at + sb1**2, (sympy.Integer(1), 0): direction * sw1**2}, order)
    from .layers import recursion

    def V(l, q, c):
        return _layer_map(net, "V", q, c, order)

    def Vd(l, q, c):
        return _layer_map(net, "Vd", q, c, order)

    _, theta = recursion(net, s1, V, Vd, qs)
    return theta.truncate(order)


def power_series(kernel_or_net, n: int) -> tuple:
    """Exact Taylor coefficients b_0..b_(n-1) of k(u) at u = 0."""
    ser = local_expansion(kernel_or_net, 0, order=n)
    out = []
    from asympt.core.symbolic import compact

    for j in range(n):
        c = tidy(ser.coeff(j))
        out.append(compact(c))
    return tuple(out)


def singular_expansion(kernel_or_net, at: int = 1, order=None) -> SingularExpansion:
    """Non-analytic terms of k near u = ``at`` (+1 or -1) with exact coefficients."""
    if at not in (1, -1):
        from asympt.core.errors import InvalidInput

        raise InvalidInput(f"at must be +1 or -1: {at!r}")
    net = getattr(kernel_or_net, "network", kernel_or_net)
    act = net.activation
    if act.family == "numeric" or act.family not in ("homogeneous", "polynomial", "erf", "sin", "cos"):
        note = ("no power-law singular term: the activation is analytic, so the kernel is C-infinity at "
                "u = +-1 (" + act.smoothness.describe() + ")")
        return SingularExpansion(at, sympy.nan, (), sympy.oo, False, note)
    if order is None:
        order = default_order(net, leading=False)
    _check_supported(net, at)
    if act.family in _ANALYTIC_FAMILIES:
        # every layer map is analytic on the whole closed range |c| <= q (erf: the arcsin argument
        # 2c/(1 + 2q) stays below 1; sin, cos, polynomials: entire), so is their composition
        return SingularExpansion(at, _end_value(net, at), (), sympy.Rational(order), True, "analytic at this end")
    if net.layers >= 3 and _analytic_by_structure(net, at):
        # the image of the end point is interior from the first layer on (a first-layer bias): every later
        # layer map is evaluated where it is analytic; expanding it (exact Taylor coefficients of nested
        # radicals through every layer) took minutes at 4 layers and gives no singular term
        return SingularExpansion(at, _end_value(net, at), (), sympy.Rational(order), True,
                                 f"analytic at this end to the order computed (no non-analytic term below "
                                 f"t^{sympy.Rational(order)})")
    ser = local_expansion(net, at, order=order)
    terms = []
    for (e, m), c in ser.sorted_terms():
        if m > 0 or not e.is_Integer:
            if not _is_zero(c):
                cs = tidy(c)
                terms.append(SingularTerm(cs, e, m))
    analytic = not terms and act.smoothness.kind in ("polynomial", "geometric", "entire")
    note = ""
    if not terms:
        if analytic:
            note = "analytic at this end"
        else:
            note = f"analytic at this end to the order computed (no non-analytic term below t^{ser.order})"
            analytic = _analytic_by_structure(net, at)
    return SingularExpansion(at, ser.coeff(0), tuple(terms), ser.order, analytic, note)


#: families whose dual maps V(q, c), Vd(q, c) are analytic for every |c| <= q (theory section 2)
_ANALYTIC_FAMILIES = ("erf", "sin", "cos", "polynomial")


def _end_value(net, at):
    """k(at) exactly: the layer recursion at the end point (no expansion)."""
    from .layers import recursion, variances

    dm = dual_map(net.activation)
    s1 = net.sigma_w[0] ** 2 * at + net.sigma_b[0] ** 2
    _, theta = recursion(net, s1, lambda l, q, c: dm.V_sym(q, c), lambda l, q, c: dm.Vd_sym(q, c), variances(net))
    return theta


def expected_gamma(net):
    """Leading exponent at u = +1 of an x_+^a network kernel without first-layer bias, or None.

    theory section 4: for a > 1/2 the slope of every layer map at rho = 1 is finite, so the NTK keeps
    gamma = a - 1/2 and the NNGP a + 1/2 at every depth. For a < 1/2 the NNGP layer map is
    1 - rho' ~ C (1 - rho)^(a + 1/2) (infinite slope), so composing L - 1 of them gives
    gamma_L = (a + 1/2)^(L - 1) (3-layer step: 1/4).
    """
    act = net.activation
    if act.family != "homogeneous" or act.param("kind") not in ("power", "step"):
        return None
    a = sympy.Rational(act.degree)
    ntk_part = any(layer < net.layers for layer, _ in net.train)
    if a > sympy.Rational(1, 2):
        return a - sympy.Rational(1, 2) if ntk_part else a + sympy.Rational(1, 2)
    if a < sympy.Rational(1, 2):
        return (a + sympy.Rational(1, 2)) ** (net.layers - 1)
    return None


def default_order(net, leading: bool = False):
    """Order of the singular expansions: a + 2 (leading) or max(3, ceil(a) + 3), smaller for deep
    kernels with a fine exponent lattice (see ``DotProductKernel.leading_order``)."""
    sm = net.activation.smoothness
    if sm.kind != "kink":
        return None if leading else 3
    a = sympy.Rational(sm.order)
    default = a + 2 if leading else max(3, int(sympy.ceiling(a)) + 3)
    if net.layers >= 3 and (a < sympy.Rational(1, 2) or not (2 * a).is_Integer):
        gam = expected_gamma(net)
        if a < sympy.Rational(1, 2):
            return sympy.Rational(3, 2)  # output known to ~ (a + 1/2)^(L-1) + 1/2 > gamma_L
        if gam is not None:
            return max(sympy.Integer(2), gam + sympy.Rational(3, 4))
    return default


def _check_supported(net, at):
    """Refuse (with the reason) expansions that need log(log t) terms: x_+^(1/2) at 3+ layers, u = +1."""
    act = net.activation
    if at != 1 or net.layers < 3 or act.family != "homogeneous" or act.param("kind") != "power":
        return
    if sympy.Rational(act.degree) == sympy.Rational(1, 2):
        raise NotSupported("relu^1/2 with 3 or more layers: the layer map is (1 - rho) log(1 - rho) at rho = 1 "
                           "(gamma = a + 1/2 = 1) and composing it with itself creates log(log(1 - u)) terms; "
                           "this singular expansion is not supported")


def _analytic_by_structure(net, at) -> bool:
    """Structural reasons for analyticity at u = at: the image of the end point stays interior.

    For homogeneous activations the only singular points of the layer maps are rho = +-1; if
    the first layer's correlation at u = at is interior (bias) or the next layer's is, every later
    map is evaluated at interior points and the kernel is analytic there.
    """
    from .layers import variances

    qs = variances(net)
    sw1, sb1 = net.sigma_w[0], net.sigma_b[0]
    c = sw1**2 * at + sb1**2
    # walk the image points: singularities can only be created where c == +-q
    dm = dual_map(net.activation)
    for l in range(2, net.layers + 1):
        q = qs[l - 2]
        if _classify(net, c, q) != "interior":
            return False
        c = net.sigma_w[l - 1] ** 2 * dm.V_sym(q, c) + net.sigma_b[l - 1] ** 2
    return True
