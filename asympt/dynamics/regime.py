"""Initialisation regime of a two-layer network: phase-diagram coordinates, laziness, and the kernel it trains with.

Network (Luo, Xu, Ma & Zhang 2021, JMLR 22(71), "Phase diagram for two-layer ReLU neural networks at
infinite-width limit"): f(x) = (1/alpha) sum_{k=1}^m a_k s(w_k.x), a_k ~ N(0, beta1^2),
w_k ~ N(0, beta2^2 I_d), gradient flow on the mean squared error. Coordinates

    gamma  = lim_{m -> oo} -log(beta1 beta2 / alpha) / log m,
    gamma' = lim_{m -> oo} -log(beta1 / beta2) / log m.

Regimes (their theorems, two-layer ReLU): **linear** (the relative change of the input weights
RD = |W_t - W_0| / |W_0| -> 0) when gamma < 1 or gamma' > gamma - 1; **condensed** (RD -> oo) when
gamma > 1 and gamma' < gamma - 1; **critical** (RD = O(1)) on the boundary {gamma = 1, gamma' <= 0} or
{gamma' = gamma - 1, gamma >= 1}. Li, Luo & Zhou (2024, "Demystifying lazy training of neural
networks from a macroscopic viewpoint") call training theta-lazy when the output scale
kappa_theta = m beta1 beta2 / alpha = m^(1 - gamma) grows, lim log kappa_theta / log m > 0, i.e.
gamma < 1 (our two-layer reading of their definition); laziness is set by kappa_theta, not the width.

Heuristic width exponent of RD ([derived], a scaling argument; only its sign is a theorem):
RD ~ m^s with s = gamma - 1 (gamma' <= 0), gamma - 1 - 2 gamma' (gamma' > 0, gamma <= 1),
2 (gamma - 1 - gamma') (gamma' > 0, gamma > 1); s < 0 exactly in the linear regime.

Kernel ([derived], checked by :func:`asympt.dynamics.spectral_bias.simulate_rates` in
tests/dynamics): in the linear regime plain gradient descent on (a, w) follows the tangent kernel

    Theta(u) = (1/beta2^2) K^[1](u) + (1/beta1^2) K^[2](u),

K^[l] the layer-l part of asympt's network with sigma_w = (beta2, beta1 sqrt(m)/alpha)
(:func:`asympt.dynamics.spectral_bias.twolayer_kernel`). For ReLU this is
(m/alpha^2) [beta2^2 k1(u) + beta1^2 u k0(u)] with the plain Gaussian arc-cosine kernels
k0 = (pi - arccos u)/(2 pi), k1 = (sqrt(1-u^2) + (pi - arccos u) u)/(2 pi): the readout part decays like
k^-(d+2), the first-layer part like k^-d, and their weight ratio beta1^2/beta2^2 = m^(-2 gamma') (up to
constants) moves the crossover degree k* where they are equal. The loss exponent xi that the
initialisation produces is the one of this layer-weighted kernel; it differs from the plain NTK's
when the layers are weighted differently (e.g. LeCun: weights m/d and 1).

Named schemes (scales at width m, input dimension d): ntk alpha = sqrt(m), beta1 = beta2 = 1;
mean-field alpha = m, beta1 = beta2 = 1; lecun alpha = 1, beta1 = m^-1/2, beta2 = d^-1/2;
he alpha = 1, beta1 = sqrt(2/m), beta2 = sqrt(2/d); xavier alpha = 1, beta1 = sqrt(2/(m+1)),
beta2 = sqrt(2/(d+m)). The coordinates of the last three are our computation from the definitions.
The phase diagram is about gradient flow; a large fixed step can leave the lazy regime.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from fractions import Fraction

import sympy

from asympt.core.errors import InvalidInput, NotSupported
from asympt.core.parse import Grammar, parse_restricted

from .spectral_bias import twolayer_kernel, width_symbol

__all__ = ["INITS", "Regime", "SimulatedPoint", "classify", "coordinates", "init_kernel", "init_scales", "parse_coordinate",
           "parse_scale", "regime", "simulate_regime"]

m = width_symbol
INITS = ("ntk", "mean-field", "lecun", "he", "xavier")
_MAX_EXP = 100


# ---- scales: the project's restricted parser with the scale grammar --------------------------------------

_D = sympy.Symbol("d", positive=True)
_SCALE_MESSAGE = "scale must be a monomial c*m**p (numbers, m, d, *, /, **, sqrt): {text}"
_SCALES = Grammar("scale", names={"m": m, "d": _D}, functions={"sqrt": sympy.sqrt}, max_exponent=_MAX_EXP,
                  max_constant=10**12, max_length=200, message=_SCALE_MESSAGE)


def parse_scale(text: str, dim: int | None = None):
    """Parse a positive monomial c * m**p (SymPy expression in the width m); never evaluates the text.

    Accepted: numbers, ``m``, ``d`` (the input dimension, needs ``dim``), ``+ - * /``, ``**`` or ``^``
    with a numeric exponent, ``sqrt(.)``; the result must be c * m**p with c > 0
    (:func:`asympt.core.parse.parse_restricted` with the scale grammar).

    >>> parse_scale("m**0.5"), parse_scale("2*m^(-1/2)"), parse_scale("1/sqrt(d)", dim=4)
    (sqrt(m), 2/sqrt(m), 1/2)
    >>> parse_scale("m + 1")
    Traceback (most recent call last):
    ...
    asympt.core.errors.InvalidInput: scale must be a monomial c*m**p (numbers, m, d, *, /, **, sqrt): 'm + 1'
    """
    expr = parse_restricted(text, _SCALES, caret_is_power=True)
    if expr.has(_D):
        if dim is None:
            raise InvalidInput(f"scale uses d: give the dimension: {text!r}")
        expr = expr.subs(_D, sympy.Integer(dim))
    c, p = expr.as_coeff_exponent(m)
    if c.free_symbols or not p.is_number or sympy.simplify(expr - c * m**p) != 0:
        raise InvalidInput(_SCALE_MESSAGE.format(text=repr(text[:60])))
    if not c.is_positive:
        raise InvalidInput(f"scale must be positive: {text!r}")
    return expr


# ---- coordinates and regime ----------------------------------------------------------------------------

def init_scales(init: str, dim: int) -> tuple:
    """(alpha, beta1, beta2) of a named scheme as SymPy expressions in the width m (module docstring).

    >>> init_scales("lecun", 3)
    (1, 1/sqrt(m), sqrt(3)/3)
    """
    d = sympy.Integer(dim)
    one = sympy.Integer(1)
    table = {"ntk": (sympy.sqrt(m), one, one), "mean-field": (m, one, one),
             "lecun": (one, 1 / sympy.sqrt(m), 1 / sympy.sqrt(d)),
             "he": (one, sympy.sqrt(2 / m), sympy.sqrt(2 / d)),
             "xavier": (one, sympy.sqrt(2 / (m + 1)), sympy.sqrt(2 / (d + m)))}
    if init not in table:
        raise InvalidInput(f"init must be one of {list(INITS)}: {init!r}")
    return table[init]


def _exponent(expr):
    """lim log(expr) / log m as m -> oo (exact)."""
    expr = sympy.sympify(expr)
    if not expr.has(m):
        return sympy.Integer(0)
    lead = sympy.limit(sympy.log(expr) / sympy.log(m), m, sympy.oo)
    if not lead.is_real or not lead.is_finite:
        raise InvalidInput(f"scale must behave like a power of m: {expr}")
    return sympy.nsimplify(lead)


def coordinates(alpha, beta1, beta2) -> tuple:
    """(gamma, gamma') of the scales (SymPy expressions in m), exact.

    >>> coordinates(*init_scales("ntk", 3)), coordinates(*init_scales("xavier", 3))
    ((1/2, 0), (1, 0))
    """
    g = -_exponent(beta1 * beta2 / alpha)
    gp = -_exponent(beta1 / beta2)
    return g, gp


def classify(gamma, gamma_prime) -> tuple:
    """(regime, reason) from Luo et al. 2021's phase diagram (module docstring).

    >>> classify(sympy.Rational(3, 2), sympy.Rational(1, 2))
    ('critical', "gamma' = gamma - 1 = 1/2 and gamma = 3/2 >= 1 (boundary)")
    """
    g, gp = sympy.nsimplify(gamma), sympy.nsimplify(gamma_prime)
    if g < 1:
        return "linear", f"gamma = {g} < 1"
    if gp > g - 1:
        return "linear", f"gamma' = {gp} > gamma - 1 = {g - 1}"
    if g == 1:
        return "critical", f"gamma = 1 and gamma' = {gp} <= 0 (boundary)"
    if gp == g - 1:
        return "critical", f"gamma' = gamma - 1 = {gp} and gamma = {g} >= 1 (boundary)"
    return "condensed", f"gamma = {g} > 1 and gamma' = {gp} < gamma - 1 = {g - 1}"


def rd_exponent(gamma, gamma_prime):
    """Heuristic width exponent s of RD ~ m^s ([derived] scaling argument; only the sign is a theorem)."""
    g, gp = sympy.nsimplify(gamma), sympy.nsimplify(gamma_prime)
    if gp <= 0:
        return g - 1
    if g <= 1:
        return g - 1 - 2 * gp
    return 2 * (g - 1 - gp)


def _representative(gamma, gamma_prime):
    """Scales with unit constants at the point: alpha = 1, beta1 = m^-(g+g')/2, beta2 = m^-(g-g')/2."""
    g, gp = sympy.nsimplify(gamma), sympy.nsimplify(gamma_prime)
    return sympy.Integer(1), m ** (-(g + gp) / 2), m ** (-(g - gp) / 2)


_COORD_TEXT = re.compile(r"^\s*[+-]?(?:\d{1,30}(?:\.\d{0,30})?|\.\d{1,30})(?:[eE][+-]?\d{1,2})?"
                         r"(?:\s*/\s*\d{1,30})?\s*$")


def parse_coordinate(value, name: str):
    """A phase-diagram coordinate as an exact Rational, checked before conversion: a finite number of
    magnitude <= 1000 (a decimal string, p/q, int, float, Fraction or SymPy Rational)."""
    if isinstance(value, sympy.Basic):
        if not value.is_Rational:
            raise InvalidInput(f"{name} must be a rational number: {value}")
        r = value
    elif isinstance(value, str):
        if len(value) > 100 or not _COORD_TEXT.match(value):
            raise InvalidInput(f"{name} must be a number such as 1.5 or 3/2 (exponents up to e99): {value[:40]!r}")
        p, _, q = value.partition("/")
        if q and int(q) == 0:
            raise InvalidInput(f"{name} has a zero denominator: {value!r}")
        f = Fraction(p.strip()) / (Fraction(q.strip()) if q else 1)
        r = sympy.Rational(f.numerator, f.denominator)
    elif isinstance(value, (int, Fraction)) and not isinstance(value, bool):
        r = sympy.Rational(value)
    elif isinstance(value, float) and math.isfinite(value):
        r = sympy.Rational(Fraction(repr(value)))
    else:
        raise InvalidInput(f"{name} must be a finite number: {value!r}")
    if abs(r) > 1000:
        raise InvalidInput(f"{name} must have magnitude <= 1000: {value!r}")
    return r


def _resolve(init, alpha, beta1, beta2, gamma, gamma_prime, dim):
    """(source, alpha, beta1, beta2) from exactly one way of giving the initialisation."""
    given = [init is not None, any(v is not None for v in (alpha, beta1, beta2)),
             any(v is not None for v in (gamma, gamma_prime))]
    if sum(given) != 1:
        raise InvalidInput("give exactly one of: init, scales (alpha, beta1, beta2), or (gamma, gamma_prime)")
    if init is not None:
        return f"init {init}", *init_scales(init, dim if dim is not None else 1)
    if given[1]:
        vals = [parse_scale(v, dim) if isinstance(v, str) else (sympy.Integer(1) if v is None else sympy.nsimplify(v))
                for v in (alpha, beta1, beta2)]
        return "scales", *vals
    if gamma is None or gamma_prime is None:
        raise InvalidInput("give both gamma and gamma_prime")
    g, gp = parse_coordinate(gamma, "gamma"), parse_coordinate(gamma_prime, "gamma_prime")
    return "coordinates (representative scales alpha = 1, beta1 = m^-(g+g')/2, beta2 = m^-(g-g')/2)", \
        *_representative(g, gp)


def init_kernel(init=None, *, activation="relu", dim: int, width=None, alpha=None, beta1=None, beta2=None,
                gamma=None, gamma_prime=None, bias=0):
    """The layer-weighted tangent kernel an initialisation trains with (linear regime only).

    Raises :class:`~asympt.errors.NotSupported` at critical and condensed points, where the kernel
    theory does not describe training. ``width`` is needed when the layer weights depend on m.

    >>> from asympt import eigenvalues
    >>> k = init_kernel("lecun", dim=3, width=800)      # (m/d) k1(u) + u k0(u)
    >>> [e.exact for e in eigenvalues(k, 3, 2)]
    [801/16, 803/36, 807/256]
    """
    src, a, b1, b2 = _resolve(init, alpha, beta1, beta2, gamma, gamma_prime, dim)
    g, gp = coordinates(a, b1, b2)
    reg, why = classify(g, gp)
    if reg != "linear":
        raise NotSupported(f"the initialisation ({src}) is at a {reg} point (gamma, gamma') = ({g}, {gp}): {why}; "
                           "xi is not defined by the kernel theory there")
    return twolayer_kernel(activation, alpha=a, beta1=b1, beta2=b2, width=width, input_bias=bias)


def _part_laws(activation, a, b1, b2, width, bias, dim):
    """Decay laws and kernels of the two layer parts (first layer, readout) of the weighted kernel."""
    from asympt.laws.decay import decay_law
    from asympt.kernels.networks import ntk

    k = twolayer_kernel(activation, alpha=a, beta1=b1, beta2=b2, width=width, input_bias=bias)
    net = k.network
    parts = []
    for layer in (1, 2):
        kp = ntk(activation, 2, sigma_w=list(net.sigma_w), sigma_b=list(net.sigma_b), train=str(layer),
                 layer_weights=net.layer_weights or (1, 1))
        parts.append((kp, decay_law(kp, dim)))
    return k, parts


@dataclass(frozen=True)
class Regime:
    """Everything `asympt regime` reports (see :func:`regime`): exact coordinates and, in the linear
    regime with a dimension, the layer-weighted kernel, its two parts' decay laws and xi.

    ``alpha``, ``beta1``, ``beta2``, ``gamma``, ``gamma_prime`` are exact SymPy numbers or expressions in
    m; ``parts`` holds per part (first layer, readout) its decay exponent, kind, exact zeros and the
    constants A of both parities (floats); ``crossover`` the visible decay exponent and, when the two
    parts cross, the crossover degree k* (float) and what dominates before it.
    """

    source: str
    alpha: object
    beta1: object
    beta2: object
    gamma: object
    gamma_prime: object
    regime: str
    reason: str
    width: int | None
    dim: int | None
    activation: str
    refusal: str = ""
    note: str = ""
    kernel: dict | None = None
    parts: tuple = ()
    crossover: dict = field(default_factory=dict)
    xi: object = None
    law_kind: str | None = None
    xi_before_crossover: object = None

    @property
    def theta_lazy(self) -> bool:
        return bool(self.gamma < 1)

    @property
    def rd_exponent_heuristic(self):
        return rd_exponent(self.gamma, self.gamma_prime)

    @property
    def crossover_degree(self) -> float | None:
        return self.crossover.get("crossover_degree")

    def to_dict(self) -> dict:
        """The JSON structure of `asympt regime --json` (exact values as text, floats at full precision)."""
        out = {"source": self.source, "alpha": str(self.alpha), "beta1": str(self.beta1), "beta2": str(self.beta2),
               "gamma": str(self.gamma), "gamma_prime": str(self.gamma_prime), "regime": self.regime,
               "reason": self.reason, "theta_lazy": self.theta_lazy, "log_kappa_theta_over_log_m": str(1 - self.gamma),
               "rd_exponent_heuristic": str(self.rd_exponent_heuristic), "width": self.width, "dim": self.dim,
               "activation": self.activation}
        if self.refusal:
            return {**out, "xi": None, "refusal": self.refusal}
        if self.note:
            return {**out, "note": self.note}
        out.update(kernel=dict(self.kernel), parts=[dict(p) for p in self.parts], **self.crossover,
                   xi=None if self.xi is None else str(self.xi), law_kind=self.law_kind)
        if self.crossover_degree is not None:
            out["xi_before_crossover"] = None if self.xi_before_crossover is None else str(self.xi_before_crossover)
        return out


def regime(init=None, *, alpha=None, beta1=None, beta2=None, gamma=None, gamma_prime=None, dim=None, width=None,
           activation="relu", bias=0, target="neuron") -> Regime:
    """Everything `asympt regime` prints (see the module docstring and :class:`Regime`).

    >>> out = regime("mean-field")
    >>> out.regime, out.gamma, out.theta_lazy
    ('critical', 1, False)
    """
    src, a, b1, b2 = _resolve(init, alpha, beta1, beta2, gamma, gamma_prime, dim)
    g, gp = coordinates(a, b1, b2)
    reg, why = classify(g, gp)
    head = dict(source=src, alpha=a, beta1=b1, beta2=b2, gamma=g, gamma_prime=gp, regime=reg, reason=why,
                width=width, dim=dim, activation=str(activation))
    if reg != "linear":
        return Regime(**head, refusal=f"{reg} regime: the weights move at leading order (RD does not vanish as m "
                                      "grows), so the kernel theory does not describe training and xi is not "
                                      "defined by it here")
    if dim is None:
        return Regime(**head, note="give dim (and width when the weights depend on it) for the kernel and xi")
    from asympt.laws.loss import loss_law

    k, parts = _part_laws(activation, a, b1, b2, width, bias, dim)
    c1, c2 = k.network.layer_weights or (1, 1)
    wsym = (sympy.simplify(1 / b2**2), sympy.simplify(1 / b1**2))
    kernel = {"network": k.network.describe(), "weights": [str(c) for c in (c1, c2)],
              "weights_in_m": [str(c) for c in wsym],
              "formula": "Theta = c_1 K^[1] + c_2 K^[2] (K^[l]: layer-l part of asympt's network with "
                         "sigma_w = (beta2, beta1 sqrt(m)/alpha))"}
    if str(activation) == "relu" and not bias:
        wa = sympy.simplify(m * b2**2 / a**2)
        ww = sympy.simplify(m * b1**2 / a**2)
        at = (lambda e: e.subs(m, width) if width is not None else e)  # noqa: E731
        kernel["relu_form"] = (f"Theta(u) = ({at(wa)}) k1(u) + ({at(ww)}) u k0(u), k0, k1 the plain Gaussian "
                               "arc-cosine kernels (readout part, first-layer part)")
    laws = tuple({"part": name, "alpha": str(dl.alpha) if dl.alpha is not None else None, "kind": dl.kind,
                  "zero_degrees": dl.zero_degrees, "A": [float(sympy.N(dl.A(p), 17)) for p in (0, 1)]}
                 for name, (kp, dl) in zip(("first layer", "readout"), parts))
    cross = _crossover(parts, dim)
    law = loss_law(k, dim, target)
    before = None
    if cross.get("crossover_degree") is not None:
        before = loss_law(parts[cross["head_part"]][0], dim, target).xi
    return Regime(**head, kernel=kernel, parts=laws, crossover=cross, xi=law.xi, law_kind=law.kind,
                  xi_before_crossover=before)


def _crossover(parts, dim):
    """Degree k* where the two parts' leading laws A_l k^-alpha_l are equal (on a parity both carry)."""
    (_, d1), (_, d2) = parts
    res = {"visible_alpha": None, "crossover_degree": None}
    best = None
    for p in (0, 1):
        l1, l2 = d1.parities[p], d2.parities[p]
        if l1.kind != "power" or l2.kind != "power":
            continue
        if l1.alpha == l2.alpha:
            best = best or (p, None, l1.alpha, l1.alpha, None)
            continue
        (ih, h), (it, t) = ((0, l1), (1, l2)) if l1.alpha > l2.alpha else ((1, l2), (0, l1))
        ks = float((sympy.N(h.A / t.A, 30)) ** (1 / sympy.N(h.alpha - t.alpha, 30)))
        best = (p, ks, h.alpha, t.alpha, ih)
        break
    if best is None:
        alphas = [d.alpha for d in (d1, d2) if d.alpha is not None]
        res["visible_alpha"] = str(min(alphas)) if alphas else None
        return res
    p, ks, ah, at, ih = best
    if ks is None or ks <= 2:       # no degree range where the faster-decaying part dominates
        res["visible_alpha"] = str(at)
        return res
    res.update(visible_alpha=str(ah), asymptotic_alpha=str(at), crossover_degree=ks,
               crossover_parity="even" if p == 0 else "odd", head_part=ih,
               note=f"mu_k ~ k^-{ah} for k << k* = {ks:.4g} ({['first layer', 'readout'][ih]} part dominates), "
                    f"k^-{at} beyond")
    return res


# ---- simulation ----------------------------------------------------------------------------------------

def _circle_points(n, rng):
    """n points on S^1: equispaced angles with a uniform jitter of +-0.3 of the spacing.

    Exactly equispaced points would alias the ReLU NTK's exact zero modes (odd degrees >= 3) onto
    the Gram matrix and make it singular; the jitter keeps the points apart and the Gram well conditioned.
    """
    import numpy as np

    th = 2 * np.pi * (np.arange(n) + rng.uniform(-0.3, 0.3, n)) / n
    return np.c_[np.cos(th), np.sin(th)]


@dataclass(frozen=True)
class SimulatedPoint:
    """Networks trained at one phase-diagram point (:func:`simulate_regime`): per width (``rows``, dicts)
    RD, the tangent-kernel drift, the loss ratio, the steps and convergence; ``slope`` of log RD against
    log m (None when some RD is 0), beside the regime and the heuristic exponent."""

    gamma: object
    gamma_prime: object
    regime: str
    reason: str
    rows: tuple
    slope: float | None

    def to_dict(self) -> dict:
        return {"gamma": str(self.gamma), "gamma_prime": str(self.gamma_prime), "regime": self.regime,
                "reason": self.reason, "rd_exponent_heuristic": str(rd_exponent(self.gamma, self.gamma_prime)),
                "rows": [dict(r) for r in self.rows], "slope": self.slope}


def simulate_regime(points, widths, *, n: int = 6, seed: int = 0, c: float = 0.5, max_steps: int = 2000,
                    tol: float = 1e-3, activation: str = "relu") -> list:
    """Train two-layer networks at each point and width; RD, kernel drift and the log-log slope of RD in m.

    ``points`` holds (gamma, gamma') pairs (simulated with the representative scales alpha = 1,
    beta1 = m^-(g+g')/2, beta2 = m^-(g-g')/2) or (alpha, beta1, beta2) triples of SymPy expressions in
    m. Setting: n jittered equispaced points on the circle S^1 and labels N(0, 1), both drawn from
    ``seed``; antisymmetric initialisation (f_0 = 0); GD with step c n / lambda_max(Theta_t) until
    the loss is ``tol`` times the initial loss (or ``max_steps``). RD = max_t |W_t - W_0| / |W_0|.
    Returns one :class:`SimulatedPoint` per point.
    """
    import numpy as np

    from asympt.numerics.twolayer import TwoLayerNet

    widths = [int(w) for w in widths]
    if len(widths) < 2 or any(w < 2 or w % 2 for w in widths) or len(set(widths)) != len(widths):
        raise InvalidInput(f"widths must be at least two different even integers >= 2: {widths}")
    rng = np.random.default_rng(seed)
    X = _circle_points(n, rng)
    y = rng.standard_normal(n)
    out = []
    for point in points:
        if len(point) == 2:
            g, gp = sympy.nsimplify(point[0]), sympy.nsimplify(point[1])
            scales = _representative(g, gp)
        else:
            scales = tuple(sympy.sympify(v) for v in point)
            g, gp = coordinates(*scales)
        reg, why = classify(g, gp)
        rows = []
        for w in widths:
            a, b1, b2 = (float(sympy.sympify(v).subs(m, w)) for v in scales)
            net = TwoLayerNet.init(2, w, activation=activation, alpha=a, beta1=b1, beta2=b2, seed=[seed, w],
                                   dtype=np.float64)
            rows.append({"width": w, **net.train_adaptive(X, y, c=c, max_steps=max_steps, tol=tol)})
        rds = np.array([r["rd"] for r in rows])
        slope = float(np.polyfit(np.log(widths), np.log(rds), 1)[0]) if (rds > 0).all() else None
        out.append(SimulatedPoint(g, gp, reg, why, tuple(rows), slope))
    return out


def simulate_drift(kappas, widths, *, n: int = 6, seed: int = 0, c: float = 0.1, max_steps: int = 4000,
                   tol: float = 1e-3, activation: str = "relu") -> list:
    """theta-lazy check: f = (kappa/m) sum a s(w.x), a, w ~ N(0, 1) (alpha = m/kappa) at each kappa and width.

    Returns rows with RD and the relative tangent-Gram drift (same setting as :func:`simulate_regime`).
    """
    import numpy as np

    from asympt.numerics.twolayer import TwoLayerNet

    rng = np.random.default_rng(seed)
    X = _circle_points(n, rng)
    y = rng.standard_normal(n)
    rows = []
    for kappa in kappas:
        for w in widths:
            net = TwoLayerNet.init(2, int(w), activation=activation, alpha=w / kappa, beta1=1.0, beta2=1.0,
                                   seed=[seed, int(w)], dtype=np.float64)
            rows.append({"kappa": kappa, "width": int(w), **net.train_adaptive(X, y, c=c, max_steps=max_steps,
                                                                                 tol=tol)})
    return rows

