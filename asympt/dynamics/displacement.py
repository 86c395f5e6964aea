"""Weight displacement of every layer in the kernel regime, and the kernel's loss curve on the population.

**Displacement** ([derived] here, tested against real networks in tests/dynamics/test_horizon.py).
In the kernel regime, gradient flow on L = 1/2 ||f - f*||^2 from f_0 = 0 moves the parameters by
theta_t - theta_0 = J^* c_t with f_t = K c_t (J the Jacobian, K = J J^* the tangent kernel), so the
change of the parameters of layer l is the norm of c_t in that layer's kernel K^[l]
(K = sum_l K^[l], theory section 3):

    D_l(t)^2 = ||theta_l(t) - theta_l(0)||^2 = sum_k e_k g_k(t)^2 mu_k^[l] / mu_k^2,

with e_k the target's energy of degree k (theory section 6: e_k = ||P_k f*||^2 is already summed over
the N(d,k) harmonics of degree k, so no further multiplicity factor appears), mu_k and mu_k^[l] the
Funk-Hecke eigenvalues of the whole kernel and of layer l's part, and g_k(t) = 1 - exp(-mu_k t)
(gradient flow) or 1 - (1 - eta mu_k)^s at t = eta s (gradient descent with step eta; the same
identity holds step by step). Degrees with mu_k = 0 are never learned and do not move the weights.

Large-time law: with mu_k ~ A k^-alpha, mu_k^[l] ~ A_l k^-alpha_l, e_k ~ B k^-beta on a parity class
(density 1/2 of the degrees), the sum behaves as (1/2)(B A_l/(alpha A^2)) Gamma(-p)(2^p - 2)(A t)^p
with p = (2 alpha - alpha_l - beta + 1)/alpha when 0 < p < 2 (substitute s = A t k^-alpha; the
s-integral of s^(-p-1)(1 - e^-s)^2 is Gamma(-p)(2^p - 2)). For the layer that carries the leading
singularity (alpha_l = alpha) p = 1 - xi, so D ~ t^((1 - xi)/2); p = 0 gives a logarithm, p < 0 a
finite limit (the RKHS norm of f* in that layer). The relative displacement of the first layer is
RD(t) = D_1(t) / sqrt(m d_in) (its N(0, 1) initial weights have norm ~ sqrt(m d_in)): the kernel
regime holds while RD is small, and RD falls like m^-1/2 at fixed t.

Results are frozen dataclasses at full precision; rounding happens where they are rendered.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

from asympt.core.errors import InvalidInput, check_int

from .common import check_float, resolve_target

__all__ = ["Displacement", "DisplacementLaw", "LayerDisplacement", "PopulationCurve", "displacement", "gd_factor",
           "layer_kernels", "onset", "population_curve", "spectrum_values"]

FORMULA = ("D_l(t)^2 = sum_k e_k g_k(t)^2 mu_k^[l] / mu_k^2, g_k = 1 - exp(-mu_k t) "
           "(GD: 1 - (1 - eta mu_k)^(t/eta)); e_k summed over the N(d,k) harmonics")


def layer_kernels(kernel) -> list:
    """[(l, K^[l])]: the contribution of each trained layer l to ``kernel`` (same scales, train = l).

    >>> from asympt.kernels.networks import ntk
    >>> [(l, k.value_at_one) for l, k in layer_kernels(ntk("relu"))]     # He NTK: 1 + 1 = k(1) = 2
    [(1, 1), (2, 1)]
    """
    from asympt.kernels.kernel import check_kernel

    return list(_layer_kernels(check_kernel(kernel).network))


@functools.lru_cache(maxsize=32)
def _layer_kernels(net):
    """Cached per network, so that the kernels' cached expansions and parity parts are reused."""
    import dataclasses

    from asympt.kernels.kernel import DotProductKernel

    return tuple((l, DotProductKernel(dataclasses.replace(net, train=frozenset(p for p in net.train if p[0] == l))))
                 for l in net.trained_layers())


def spectrum_values(kernel, dim: int, K: int):
    """(mu_0..mu_K as floats, exact zeros as 0.0; their absolute error bars) from the float64 tier."""
    import warnings

    from asympt.spectrum import eigenvalues

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")            # the float64 tier's error bars are carried below
        spec = eigenvalues(kernel, dim, K, tier="float64", digits=6)
    return [0.0 if e.structural_zero else float(e) for e in spec], [float(e.abs_error) for e in spec]


def gd_factor(mu: float, t: float, lr: float | None) -> float:
    """g(t) = 1 - exp(-mu t) (``lr`` None: gradient flow) or 1 - (1 - lr mu)^(t/lr) (GD, t = lr x steps)."""
    if lr is None:
        return -math.expm1(-mu * t)
    return 1.0 - (1.0 - lr * mu) ** (t / lr)


# ---- results ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class DisplacementLaw:
    """Leading large-t law of D_l(t)^2 (module docstring).

    ``kind``: "power" (D^2 ~ C t^p, 0 < p < 2), "logarithmic" (D^2 ~ C log t), "finite" (a limit)
    or "undetermined" (p >= 2). ``exponent_D2`` p and ``constant_D2`` C are exact SymPy numbers,
    ``constant_D2_value`` C to 15 digits; ``note`` explains a finite or undetermined law.
    """

    kind: str
    exponent_D2: object = None
    constant_D2: object = None
    constant_D2_value: float | None = None
    note: str = ""
    gradient_descent: bool = False

    @property
    def exponent_D(self):
        return None if self.exponent_D2 is None else self.exponent_D2 / 2

    @property
    def constant_D_value(self) -> float | None:
        return None if self.constant_D2_value is None else math.sqrt(self.constant_D2_value)

    def to_dict(self) -> dict:
        """JSON-ready (keys of the text report; exact values as strings, floats at full precision)."""
        out = {"kind": self.kind}
        if self.kind == "power":
            out.update(exponent_D=str(self.exponent_D), exponent_D2=str(self.exponent_D2),
                       constant_D2=str(self.constant_D2), constant_D2_value=self.constant_D2_value,
                       constant_D_value=self.constant_D_value)
        elif self.kind == "logarithmic":
            out.update(constant_D2=str(self.constant_D2), constant_D2_value=self.constant_D2_value)
        elif self.exponent_D2 is not None:
            out["exponent_D2"] = str(self.exponent_D2)
        if self.note:
            out["note"] = self.note
        return out


@dataclass(frozen=True)
class LayerDisplacement:
    """D_l(t) of one layer at the requested times, its truncation error and its large-time law.

    ``RD`` maps a width m to RD(t) = D_l(t) / |theta_l(0)| (sqrt(m d_in) for the first layer, sqrt(m)
    for the readout).
    """

    layer: int
    kernel: str
    D: tuple
    D_error: tuple
    law: DisplacementLaw
    RD: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        out = {"layer": self.layer, "kernel": self.kernel, "D": list(self.D), "D_error": list(self.D_error),
               "law": self.law.to_dict()}
        if self.RD:
            out["RD"] = {str(m): list(v) for m, v in self.RD.items()}
        return out


@dataclass(frozen=True)
class Displacement:
    """Predicted ||theta_l(t) - theta_l(0)|| of every layer (see :func:`displacement`)."""

    dim: int
    kernel: str
    target: str
    times: tuple
    lr: float | None
    kmax: int
    layers: tuple
    all_parameters_D: tuple
    formula: str = FORMULA

    def layer(self, l: int) -> LayerDisplacement:
        return next(r for r in self.layers if r.layer == l)

    def to_dict(self) -> dict:
        return {"dim": self.dim, "kernel": self.kernel, "target": self.target, "times": list(self.times),
                "lr": self.lr, "kmax": self.kmax, "layers": [r.to_dict() for r in self.layers],
                "all_parameters_D": list(self.all_parameters_D), "formula": self.formula}


# ---- the formula ---------------------------------------------------------------------------------------

def _sums(kernel, parts, dim, target, times, lr, K):
    """Per layer: (D^2 at each time, tail bound t^2 mu_K^[l] T(K+1)), the eigenvalues and energies to K."""
    mu, _ = spectrum_values(kernel, dim, K)
    if lr is not None and lr * max(mu) >= 2:
        raise InvalidInput(f"lr = {lr:g} is unstable: lr max mu_k = {lr * max(mu):.3g} >= 2")
    e = [float(x) for x in target.energies(dim, K, dps=15)]
    tail = float(target.tail_mp(dim, K + 1, 15))
    rows = []
    for l, kl in parts:
        ml = spectrum_values(kl, dim, K)[0]
        vals = [sum(ek * gd_factor(m, t, lr) ** 2 * mlk / m**2 for ek, m, mlk in zip(e, mu, ml) if m > 0)
                for t in times]
        rows.append((l, vals, [t * t * max(ml[-2:]) * tail for t in times]))
    return rows


def displacement(kernel, dim: int, target, times, *, lr=None, widths=(), kmax: int | None = None) -> Displacement:
    """Predicted weight change ||theta_l(t) - theta_l(0)|| of every layer in the kernel regime.

    ``times`` are gradient-flow times t (with ``lr`` = eta: gradient descent, t = eta x steps).
    Degrees up to ``kmax`` (default: doubled from 64 until the tail bound t^2 mu_K^[l] T(K+1) is below
    1e-4 of D^2, at most 4096) are summed; the bound assumes mu_k^[l] <= mu_K^[l] beyond K. ``widths``
    adds RD(t) = D_1 / sqrt(m d_in).

    >>> from asympt.kernels.networks import ntk
    >>> out = displacement(ntk("relu"), 3, "neuron", [1e6])
    >>> [row.law.kind for row in out.layers]      # xi = 1: the first layer grows like log t
    ['logarithmic', 'finite']
    """
    from asympt.kernels.kernel import check_kernel

    kernel = check_kernel(kernel)
    dim = check_int("dim", dim, minimum=2, maximum=10**4)
    target = resolve_target(kernel, target)
    times = [check_float("time", t) for t in times]
    if not times or len(times) > 10_000:
        raise InvalidInput(f"times must list between 1 and 10000 positive times: {len(times)} given")
    if any(t > 1e12 for t in times):
        raise InvalidInput(f"times must be <= 1e12: {max(times)}")
    if lr is not None:
        lr = check_float("lr", lr)
    parts = layer_kernels(kernel)
    K = _start_degree(kernel, dim, max(times)) if kmax is None else check_int("kmax", kmax, minimum=1, maximum=20_000)
    while True:
        rows = _sums(kernel, parts, dim, target, times, lr, K)
        worst = max((b / v for _, vs, bs in rows for v, b in zip(vs, bs) if v > 0), default=0.0)
        if kmax is not None or worst <= 1e-4 or K >= 4096:
            break
        K *= 2
    d_in = dim + (1 if kernel.network.first_layer_bias else 0)
    layers = []
    for (l, vals, bounds), (_, kl) in zip(rows, parts):
        norm0 = (lambda m: math.sqrt(m * d_in)) if l == 1 else math.sqrt   # noqa: E731
        layers.append(LayerDisplacement(
            layer=l, kernel=kl.network.describe_training(), D=tuple(math.sqrt(v) for v in vals),
            D_error=tuple(math.sqrt(v + b) - math.sqrt(v) for v, b in zip(vals, bounds)),
            law=_large_time_law(kernel, kl, dim, target, lr),
            RD={m: tuple(math.sqrt(v) / norm0(m) for v in vals) for m in widths}))
    full = [sum(r[1][i] for r in rows) for i in range(len(times))]
    return Displacement(dim=dim, kernel=kernel.network.describe(), target=target.describe(), times=tuple(times),
                        lr=lr, kmax=K, layers=tuple(layers), all_parameters_D=tuple(math.sqrt(v) for v in full))


def _start_degree(kernel, dim, tmax):
    """A first K with mu_K t_max ~ 1e-3 from the decay law (then doubled while the tail bound is too big)."""
    from asympt.laws.decay import decay_law

    K = 64
    try:
        dl = decay_law(kernel, dim)
        laws = [p for p in dl.parities if p.kind == "power"]
        if laws:
            A = max(float(p.A) for p in laws)
            a = min(float(p.alpha) for p in laws)
            K = int(min(4096, max(64, 2 ** math.ceil(math.log2((A * tmax / 1e-3) ** (1 / a))))))
    except Exception:                                   # noqa: BLE001 - only a starting guess
        K = 64
    return K


def _large_time_law(kernel, layer_kernel, dim, target, lr) -> DisplacementLaw:
    """Leading large-t law of D_l(t)^2 from the decay laws of mu_k, mu_k^[l] and e_k (module docstring)."""
    import sympy

    from asympt.laws.decay import decay_law

    gd = lr is not None
    dl, dll = decay_law(kernel, dim), decay_law(layer_kernel, dim)
    tl = target.asymptotic(dim)
    if getattr(tl, "kind", "power") != "power":
        return DisplacementLaw("finite", note=f"target law is {tl.kind}: D_l(t) tends to a finite limit",
                               gradient_descent=gd)
    terms = []
    for p in (0, 1):
        law, lawl = dl.parities[p], dll.parities[p]
        B = tl.amplitude(p)
        if law.kind != "power" or lawl.kind != "power" or B == 0:
            continue
        a, al, A, Al, beta = law.alpha, lawl.alpha, law.A, lawl.A, tl.beta
        terms.append((sympy.nsimplify((2 * a - al - beta + 1) / a), B, A, Al, a))
    if not terms:
        return DisplacementLaw("finite", note="no parity class carries both energy and a power law: finite limit",
                               gradient_descent=gd)
    pmax = max(t[0] for t in terms)
    lead = [t for t in terms if t[0] == pmax]
    if pmax >= 2:
        return DisplacementLaw("undetermined", exponent_D2=pmax, gradient_descent=gd,
                               note=f"exponent p = {pmax} >= 2: the sum is not governed by the front")
    if pmax > 0:
        c = sympy.powsimp(sum(sympy.Rational(1, 2) * B * Al / (a * A**2) * sympy.gamma(-pmax) * (2**pmax - 2)
                              * A**pmax for _, B, A, Al, a in lead))
        return DisplacementLaw("power", exponent_D2=pmax, constant_D2=c, constant_D2_value=float(sympy.N(c, 15)),
                               gradient_descent=gd)
    if pmax == 0:       # (1/2) per parity x log t / alpha
        c = sympy.powsimp(sum(B * Al / (2 * a * A**2) for _, B, A, Al, a in lead))
        return DisplacementLaw("logarithmic", exponent_D2=0, constant_D2=c, constant_D2_value=float(sympy.N(c, 15)),
                               gradient_descent=gd)
    return DisplacementLaw("finite", exponent_D2=pmax, gradient_descent=gd,
                           note="the sum converges: D_l(t) tends to the norm of f* in layer l's kernel "
                                "(corrections ~ t^p)")


# ---- the kernel's loss on the population ------------------------------------------------------------------

@dataclass(frozen=True)
class PopulationCurve:
    """L(t) = 1/2 sum_k e_k (1 - eta mu_k)^(2t/eta) + 1/2 (energy above K) (gradient flow: exp(-2 mu_k t))."""

    mu: tuple
    energies: tuple
    tail: float
    lr: float | None

    def __call__(self, t: float) -> float:
        out = self.tail
        for m, ek in zip(self.mu, self.energies):
            out += ek * ((1.0 - self.lr * m) ** (2 * t / self.lr) if self.lr else math.exp(-2 * m * t))
        return 0.5 * out


def population_curve(kernel, dim: int, target, lr, K: int | None = None) -> PopulationCurve:
    """The kernel-regime loss curve on the population, degrees up to K (default 1024 on S^1, else 512)."""
    K = K or (1024 if dim == 2 else 512)
    mu, _ = spectrum_values(kernel, dim, K)
    e = [float(x) for x in target.energies(dim, K, dps=15)]
    return PopulationCurve(tuple(mu), tuple(e), float(target.tail_mp(dim, K + 1, 15)), lr)


def onset(curve: PopulationCurve, law) -> float | None:
    """First time on a log grid from which on the exact curve's local exponent stays within 20 % of xi."""
    if law.kind != "power" or law.xi is None:
        return None
    xi = float(law.xi)
    Linf = float(law.L_inf)
    t_hi = 0.01 / min(m for m in curve.mu if m > 0)     # beyond this the truncation at K shows
    grid = [t for t in (10 ** (j / 20) for j in range(-20, 241)) if t <= t_hi]
    Ls = [curve(t) - Linf for t in grid]
    ok = []
    for j in range(1, len(grid)):
        good = Ls[j] > 0 and Ls[j - 1] > 0
        x = -math.log(Ls[j] / Ls[j - 1]) / math.log(grid[j] / grid[j - 1]) if good else float("nan")
        ok.append(good and abs(x / xi - 1) <= 0.2)
    for j in range(len(ok)):
        if all(ok[j:]) and len(ok) - j >= 5:
            return grid[j]
    return None
