"""Spectral bias: gradient descent learns the degree-k part of the residual at the rate mu_k.

For data uniform on S^(d-1) and a dot-product tangent kernel k(u) with Funk-Hecke eigenvalues mu_k
(multiplicity N(d,k); theory section 1), full-batch gradient descent with step eta on the empirical
loss 1/(2n) sum_i (f(x_i) - y_i)^2 multiplies the degree-k component of the residual by
(1 - eta mu_k) per step in the kernel regime (gradient flow: exp(-mu_k t)). Bowman & Montufar (2022,
ICLR, "Implicit bias of MSE gradient optimization in underparameterized neural networks") show that
this holds along the top eigenfunctions even when the samples outnumber the parameters, because the
deviations of the finite-width kernel are damped by exp(-(t - s) mu_k): large eigenvalues are learned
faithfully, small ones less so. Exact zeros mu_k = 0 (odd k >= 3 for bias-free ReLU, even k for odd
activations) are never learned.

Per degree k, :func:`spectral_bias` gives mu_k, N(d,k), the per-step factor 1 - eta mu_k, the half-life
ln 2 / -ln|1 - eta mu_k| in steps, the fraction of the degree-k residual learned after N steps,
1 - (1 - eta mu_k)^N, and the stability bound eta < 2 / max_k mu_k.

Conversion between a simulated network and asympt's kernels ([derived], checked numerically in
tests/dynamics): the two-layer network of :mod:`asympt.numerics.twolayer`,
f(x) = (1/alpha) sum_k a_k s(w_k.x + b), a ~ N(0, beta1^2), w ~ N(0, beta2^2 I), trained by plain
GD on (a, w), is asympt's network with sigma_w = (beta2, beta1 sqrt(m)/alpha) whose parameters are
the normalised a/beta1, w/beta2; the chain rule makes the tangent kernel of (a, w) the layer-weighted
kernel with weights c_1 = 1/beta2^2 (first layer) and c_2 = 1/beta1^2 (readout):
:func:`twolayer_kernel`. Conversely asympt's own network (sigma_w1, sigma_w2, sigma_b1) is simulated
with beta1 = 1, beta2 = sigma_w1, alpha = sqrt(m)/sigma_w2 and the first-layer step multiplied by
sigma_w1^2, so that its kernel is exactly asympt's NTK (:func:`simulate_spectral_bias`).
With a, w ~ N(0, 1) and alpha = sqrt(m) (the usual NTK parameterisation) the kernel is
k1(u) + u k0(u) with the plain Gaussian arc-cosine kernels, half of asympt's He-normalised ReLU NTK.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

import sympy

from asympt.core.errors import InvalidInput, NotSupported, check_int

from .common import check_float, resolve_target, trainer_scales

__all__ = ["DegreeRate", "SimulatedRates", "SpectralBias", "TargetCurve", "simulate_rates", "simulate_spectral_bias",
           "spectral_bias", "twolayer_kernel", "width_symbol"]

#: The width m as a SymPy symbol (scales of a two-layer network may be monomials in m).
width_symbol = sympy.Symbol("m", positive=True)


def _at_width(expr, width, what):
    if isinstance(expr, bool) or not isinstance(expr, (int, float, sympy.Basic)):
        raise InvalidInput(f"{what} must be a number or a SymPy expression in m: {expr!r}")
    if isinstance(expr, int):
        expr = sympy.Integer(expr)
    elif isinstance(expr, float):
        if not math.isfinite(expr):
            raise InvalidInput(f"{what} must be finite: {expr!r}")
        expr = sympy.Rational(Fraction(repr(expr)))
    if expr.has(width_symbol):
        if width is None:
            raise InvalidInput(f"{what} depends on the width m: give the width")
        expr = expr.subs(width_symbol, sympy.Integer(width))
    expr = sympy.nsimplify(expr) if expr.has(sympy.Float) else expr
    if not (expr.is_positive or expr.is_zero):
        raise InvalidInput(f"{what} must be a non-negative number: {expr}")
    return expr


def twolayer_kernel(activation="relu", *, alpha, beta1=1, beta2=1, width=None, input_bias=0):
    """Tangent kernel of f = (1/alpha) sum a_k s(w_k.x + input_bias w_k0) trained by plain GD on (a, w).

    ``alpha``, ``beta1``, ``beta2`` are positive numbers or SymPy expressions in
    :data:`width_symbol` (then ``width`` is needed). Returns asympt's 2-layer network kernel with
    sigma_w = (beta2, beta1 sqrt(m)/alpha), sigma_b = (beta2 input_bias, 0) and layer weights
    (1/beta2^2, 1/beta1^2) ([derived], see the module docstring).

    >>> from asympt import eigenvalues
    >>> m = width_symbol
    >>> k = twolayer_kernel("relu", alpha=sympy.sqrt(m))          # NTK parameterisation, a, w ~ N(0, 1)
    >>> [e.exact for e in eigenvalues(k, 3, 4)]                   # half the He NTK's 1/2, 1/3, 5/64, 0, 1/192
    [1/4, 1/6, 5/128, 0, 1/384]
    """
    from asympt.kernels.networks import ntk

    for name, val in (("alpha", alpha), ("beta1", beta1), ("beta2", beta2)):
        if isinstance(val, bool) or not isinstance(val, (int, float, sympy.Basic)):
            raise InvalidInput(f"{name} must be a number or a SymPy expression in m: {val!r}")
    alpha, beta1, beta2 = (sympy.nsimplify(v, rational=True) if isinstance(v, float) else sympy.sympify(v)
                           for v in (alpha, beta1, beta2))   # numbers and SymPy objects only, never strings
    if not all(v.is_positive for v in (alpha, beta1, beta2)):
        raise InvalidInput(f"alpha, beta1 and beta2 must be positive: {alpha}, {beta1}, {beta2}")
    sw2 = _at_width(sympy.simplify(beta1 * sympy.sqrt(width_symbol) / alpha), width, "beta1 sqrt(m)/alpha")
    b2 = _at_width(beta2, width, "beta2")
    c1 = _at_width(sympy.simplify(1 / beta2**2), width, "1/beta2^2")
    c2 = _at_width(sympy.simplify(1 / beta1**2), width, "1/beta1^2")
    ib = _at_width(input_bias, None, "input_bias")
    return ntk(activation, 2, sigma_w=[b2, sw2], sigma_b=[b2 * ib, 0], layer_weights=(c1, c2))



# ---- formula side ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class DegreeRate:
    """Degree k under gradient descent: mu_k (exact text and float), the per-step factor 1 - eta mu_k,
    the half-life in steps, the fractions of the residual (and of its energy) learned after N steps."""

    k: int
    multiplicity: int
    mu: str
    mu_value: float
    never_learned: bool
    factor: float
    half_life: float | None
    learned_after: float | None
    energy_learned_after: float | None
    note: str

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass(frozen=True)
class TargetCurve:
    """Learned energy fraction of a target over time: ``curve`` holds (t, learned fraction, remaining
    energy per degree / ||f*||^2); ``tail_above`` is the energy above the listed degrees (None: not computed)."""

    target: str
    norm2: float
    energies: tuple
    tail_above: float | None
    curve: tuple

    def to_dict(self) -> dict:
        return {"target": self.target, "norm2": self.norm2, "energies": list(self.energies),
                "tail_above": self.tail_above,
                "curve": [{"t": t, "learned_fraction": f, "remaining_by_degree": list(r)} for t, f, r in self.curve]}


@dataclass(frozen=True)
class SpectralBias:
    """Per-degree rates of gradient descent (see :func:`spectral_bias`), at full precision."""

    dim: int
    kernel: str
    lr: float
    lr_note: str
    steps: int
    stability_bound: float
    max_mu_degree: int
    rows: tuple
    warnings: tuple
    target: TargetCurve | None = None

    def to_dict(self) -> dict:
        """The JSON structure of `asympt spectral-bias --json` (floats at full precision)."""
        out = {"dim": self.dim, "kernel": self.kernel, "lr": self.lr, "lr_note": self.lr_note, "steps": self.steps,
               "stability_bound": self.stability_bound, "max_mu_degree": self.max_mu_degree,
               "rows": [r.to_dict() for r in self.rows], "warnings": list(self.warnings)}
        if self.target is not None:
            out["target"] = self.target.to_dict()
        return out


def spectral_bias(kernel, dim: int, degrees=tuple(range(9)), *, lr=None, steps: int = 100, target=None,
                  times=None) -> SpectralBias:
    """Per-degree rates of gradient descent for ``kernel`` on S^(dim-1) (see the module docstring).

    ``lr`` defaults to 0.5 / max mu_k (max over k <= max(degrees, 16)); ``steps`` is N. With a
    ``target`` (a :class:`asympt.targets.Target` or spec string), the learned energy fraction
    1 - sum_k e_k (1 - eta mu_k)^(2t) / ||f*||^2 at the ``times`` (degrees above max(degrees) are
    counted as not learned, so the fraction is a lower bound).

    >>> from asympt.kernels.networks import ntk
    >>> out = spectral_bias(ntk("relu"), 3, degrees=[2, 3], lr=2, steps=10)
    >>> out.rows[0].mu, out.rows[0].factor, out.rows[1].never_learned
    ('5/64', 0.84375, True)
    """
    from asympt.kernels.kernel import check_kernel
    from asympt.spectrum import eigenvalues

    kernel = check_kernel(kernel)
    dim = check_int("dim", dim, minimum=2)
    degrees = sorted({check_int("degree", int(k) if not isinstance(k, bool) else k, minimum=0, maximum=10_000)
                      for k in degrees})
    if not degrees:
        raise InvalidInput("degrees must name at least one degree")
    steps = check_int("steps", steps, minimum=0, maximum=10**9)
    K = max(max(degrees), 16)
    spec = eigenvalues(kernel, dim, K)
    mus = [float(e) for e in spec]
    mu_max = max(mus)
    k_top = mus.index(mu_max)
    bound = 2.0 / mu_max
    if lr is None:
        lr, lr_note = 0.5 / mu_max, f"default 0.5 / max mu_k = 0.5 / mu_{k_top}"
    else:
        lr, lr_note = check_float("lr", lr), "given"
    warnings = []
    if lr >= bound:
        warnings.append(f"lr = {lr:.6g} exceeds the stability bound 2 / max mu_k = 2 / mu_{k_top} = {bound:.6g}: "
                        f"the degree-{k_top} residual grows (|1 - eta mu| >= 1)")
    rows = []
    for k in degrees:
        e, mu = spec[k], mus[k]
        factor = 1.0 - lr * mu
        common = dict(k=k, multiplicity=e.multiplicity, mu=str(e.exact) if e.exact is not None else str(e.approx),
                      mu_value=mu, never_learned=bool(e.structural_zero), factor=factor)
        if e.structural_zero:
            rows.append(DegreeRate(**common, half_life=None, learned_after=0.0, energy_learned_after=0.0,
                                   note="exact zero eigenvalue: never learned (plateau)"))
        elif abs(factor) >= 1:
            rows.append(DegreeRate(**common, half_life=None, learned_after=None, energy_learned_after=None,
                                   note="unstable: |1 - eta mu| >= 1"))
        else:
            rows.append(DegreeRate(**common, half_life=math.log(2) / -math.log(abs(factor)) if factor != 0 else 0.0,
                                   learned_after=1 - factor**steps, energy_learned_after=1 - factor ** (2 * steps),
                                   note="oscillating (eta mu > 1)" if factor < 0 else ""))
    curve = None if target is None else _target_curve(kernel, dim, target, spec, lr, steps, max(degrees), times)
    return SpectralBias(dim=dim, kernel=kernel.network.describe(), lr=lr, lr_note=lr_note, steps=steps,
                        stability_bound=bound, max_mu_degree=k_top, rows=tuple(rows), warnings=tuple(warnings),
                        target=curve)


def _target_curve(kernel, dim, target, spec, lr, steps, K, times) -> TargetCurve:
    target = resolve_target(kernel, target)
    es = [float(e) for e in target.energies(dim, K, dps=20)]
    norm2 = float(target.norm2_mp(dim, 20))
    tail = float(target.tail_mp(dim, K + 1, 20)) if K + 1 <= 10_000 else None
    if times is None:
        times = sorted({0, steps} | {int(round(steps * f)) for f in (0.01, 0.03, 0.1, 0.3)})
    curve = []
    for t in times:
        rem = [e * (1.0 - lr * float(spec[k])) ** (2 * t) for k, e in enumerate(es)]
        learned = 1.0 - (sum(rem) + (tail or 0.0)) / norm2 if norm2 > 0 else 0.0
        curve.append((t, learned, tuple(r / norm2 for r in rem)))
    return TargetCurve(target.describe(), norm2, tuple(es), tail, tuple(curve))


# ---- simulation side ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SimulatedRates:
    """Measured per-degree rates of a trained two-layer network (see :func:`simulate_rates`).

    ``rows`` (dicts, one per degree): the prediction (mu, predicted rate -log(1 - eta mu_k), predicted
    coefficient after N steps) beside the measurement (coefficient per seed at N, fitted rates and
    their ratio to the prediction, with its seed spread); ``coefficients`` maps a degree to the
    residual coefficient per seed at ``times``.
    """

    dim: int
    width: int
    samples: int
    parameters: int
    lr: float
    steps: int
    seeds: int
    seed: int
    fresh_points: int
    fitted_degrees: int
    kernel: str
    rows: tuple
    scales: dict
    times: tuple = field(repr=False)
    coefficients: dict = field(repr=False)
    loss_start: tuple
    loss_end: tuple

    @property
    def underparameterised(self) -> bool:
        return self.samples > self.parameters

    def to_dict(self) -> dict:
        return {"dim": self.dim, "width": self.width, "samples": self.samples, "parameters": self.parameters,
                "underparameterised": self.underparameterised, "lr": self.lr, "steps": self.steps,
                "seeds": self.seeds, "seed": self.seed, "fresh_points": self.fresh_points,
                "fitted_degrees": self.fitted_degrees, "kernel": self.kernel, "rows": [dict(r) for r in self.rows],
                "scales": dict(self.scales), "times": list(self.times),
                "coefficients": {str(k): [list(c) for c in v] for k, v in self.coefficients.items()},
                "loss_start": list(self.loss_start), "loss_end": list(self.loss_end)}


def simulate_spectral_bias(net, dim: int, *, width: int, samples: int, degrees=(1, 2, 3, 4), lr: float, steps: int,
                           seeds: int = 1, seed: int = 0, fresh: int = 10_000, norm: float = 0.5,
                           fit_floor: float = 0.05, dtype: str = "float32", record_until: int = 40) -> SimulatedRates:
    """Train asympt's two-layer network ``net`` (a :class:`asympt.kernels.networks.Network`) and measure rates.

    Target: one zonal harmonic P_k(v_k.x) per degree in ``degrees``, each of L^2 norm ``norm``; data:
    ``samples`` uniform points; antisymmetric initialisation (f_0 = 0), full-batch GD with step ``lr``.
    The residual's coefficient c_k(t) along each target term (c_k(0) = 1) is measured on ``fresh``
    new points (:class:`asympt.numerics.twolayer.DegreeProjector`), at every step up to
    ``record_until`` and every 5 steps after. The measured rate is the least-squares slope of
    -log c_k(t) over the steps where the prediction (1 - eta mu_k)^t exceeds ``fit_floor``; the
    predicted rate is -log(1 - eta mu_k), mu_k from asympt's spectrum of ``net``'s kernel (never
    from the trainer). Replica i (of ``seeds``) draws data, target and weights from (seed, i).
    """
    from asympt.kernels.kernel import DotProductKernel

    sc = trainer_scales(net)
    return simulate_rates(DotProductKernel(net), net.activation.name, dim, width=width, samples=samples,
                          degrees=degrees, lr=lr, steps=steps, scales=(sc.alpha(width), 1.0, sc.beta2),
                          input_bias=sc.input_bias, lr_w=sc.lr_w, seeds=seeds, seed=seed, fresh=fresh, norm=norm,
                          fit_floor=fit_floor, dtype=dtype, record_until=record_until)
def simulate_rates(kernel, activation: str, dim: int, *, width: int, samples: int, degrees, lr: float, steps: int,
                   scales, input_bias: float = 0.0, lr_w: float = 1.0, seeds: int = 1, seed: int = 0,
                   fresh: int = 10_000, norm: float = 0.5, fit_floor: float = 0.05, dtype: str = "float32",
                   record_until: int = 40) -> SimulatedRates:
    """The engine of :func:`simulate_spectral_bias` for any scales (alpha, beta1, beta2) of the trainer.

    ``kernel`` is the formula side's prediction for that network (e.g. :func:`twolayer_kernel`); it
    supplies mu_k and the exact zeros. ``lr_w`` multiplies the first-layer step.
    """
    import numpy as np

    from asympt.core.sphere import multiplicity
    from asympt.numerics import twolayer as tl
    from asympt.spectrum import eigenvalues

    dim = check_int("dim", dim, minimum=2, maximum=1000)
    width = check_int("width", width, minimum=2, maximum=10**6)
    if width % 2:
        raise InvalidInput(f"width must be even (antisymmetric initialisation pairs the neurons): {width}")
    samples = check_int("samples", samples, minimum=2, maximum=10**7)
    seeds = check_int("seeds", seeds, minimum=1, maximum=1000)
    steps = check_int("steps", steps, minimum=1, maximum=10**6)
    if samples * width > 5 * 10**8:
        raise InvalidInput(f"samples x width must be <= 5e8 (memory): {samples} x {width}")
    lr = check_float("lr", lr)
    degrees = tuple(sorted({check_int("degree", int(k), minimum=0, maximum=40) for k in degrees}))
    try:
        tl.activation_functions(activation)
    except ValueError:
        raise NotSupported(f"the trainer has no activation {activation!r}") from None
    alpha, beta1, beta2 = (float(v) for v in scales)
    spec = eigenvalues(kernel, dim, max(degrees))
    mus = {k: float(spec[k]) for k in degrees}
    zero = {k: bool(spec[k].structural_zero) for k in degrees}
    # fitted degrees for the projection: a few above the target's, capped so the basis stays small
    kfit = max(degrees)
    while kfit < max(degrees) + 4 and sum(multiplicity(dim, j) for j in range(kfit + 2)) <= fresh // 20:
        kfit += 1
    if sum(multiplicity(dim, j) for j in range(kfit + 1)) > fresh // 2:
        raise InvalidInput(f"fresh = {fresh} points are too few to resolve degrees <= {kfit} on S^{dim - 1}")
    record = set(range(min(steps, record_until) + 1)) | set(range(0, steps + 1, 5)) | {steps}
    runs = []
    for i in range(seeds):
        rng = np.random.default_rng([seed, i])
        X = tl.sample_sphere(samples, dim, rng)
        tgt = tl.zonal_target(dim, degrees, rng, norm)
        Xf = tl.sample_sphere(fresh, dim, rng)
        yf = tgt(Xf)
        proj = tl.DegreeProjector(Xf, tgt, kfit, rng)
        c0 = proj(-yf)
        model = tl.TwoLayerNet.init(dim, width, activation=activation, alpha=alpha, beta1=beta1, beta2=beta2,
                                    input_bias=input_bias, antisymmetric=True, seed=int(rng.integers(2**31)),
                                    dtype=np.dtype(dtype).type, lr_w=lr_w)
        coeffs = {}

        def cb(step, mdl, r, coeffs=coeffs, proj=proj, Xf=Xf, yf=yf, c0=c0):
            if step in record:
                coeffs[step] = proj(mdl.forward(Xf).astype(float) - yf) / c0

        try:
            losses = model.train(X, tgt(X), lr, steps, callback=cb, every=1)
        except FloatingPointError as err:
            raise NotSupported(f"simulation diverged: {err}") from None
        runs.append({"coeffs": coeffs, "loss0": losses[0], "loss_end": losses[-1]})
    ts = np.array(sorted(runs[0]["coeffs"]))
    rows = []
    for j, k in enumerate(degrees):
        mu = mus[k]
        factor = 1.0 - lr * mu
        pred_rate = -math.log(factor) if 0 < factor < 1 else None
        row = {"k": k, "mu": str(spec[k].exact) if spec[k].exact is not None else str(spec[k].approx),
               "mu_value": mu, "never_learned": zero[k], "predicted_rate": pred_rate,
               "predicted_coeff_end": factor**steps if not zero[k] else 1.0}
        cs = np.array([[run["coeffs"][t][j] for t in ts] for run in runs])     # (seeds, times)
        row["coeff_end"] = [float(c) for c in cs[:, -1]]
        row["coeff_end_mean"] = float(cs[:, -1].mean())
        if zero[k]:
            row["max_change"] = float(np.abs(cs - 1).max())
        if pred_rate is not None:
            sel = factor**ts > fit_floor
            rates = []
            for c in cs:
                ok = sel & (c > 0)
                if ok.sum() >= 3:
                    slope = np.polyfit(ts[ok], np.log(c[ok]), 1)[0]
                    rates.append(-float(slope))
            if rates:
                ratios = np.array(rates) / pred_rate
                row.update(rates=rates, rate_mean=float(np.mean(rates)), ratio=[float(r) for r in ratios],
                           ratio_mean=float(ratios.mean()),
                           ratio_spread=float(ratios.std(ddof=1)) if len(ratios) > 1 else None,
                           fit_steps=[int(ts[sel][0]), int(ts[sel][-1])])
        rows.append(row)
    return SimulatedRates(
        dim=dim, width=width, samples=samples, parameters=width * (dim + 1 + (1 if input_bias else 0)), lr=lr,
        steps=steps, seeds=seeds, seed=seed, fresh_points=fresh, fitted_degrees=kfit, kernel=kernel.network.describe(),
        rows=tuple(rows), scales={"alpha": alpha, "beta1": beta1, "beta2": beta2, "input_bias": input_bias,
                                  "lr_w": lr_w},
        times=tuple(int(t) for t in ts),
        coefficients={k: tuple(tuple(float(run["coeffs"][t][j]) for t in ts) for run in runs)
                      for j, k in enumerate(degrees)},
        loss_start=tuple(float(r["loss0"]) for r in runs), loss_end=tuple(float(r["loss_end"]) for r in runs))
