"""How long does a finite network follow the kernel law? Weight displacement and the departure time.

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
On n samples the same computation with the Gram matrices G = n V diag(lam) V^T and G_l gives
D_l^2 = z^T (V^T G_l V / n) z / n, z_i = (1 - (1 - eta lam_i)^s) (v_i . y) / lam_i.

Large-time law: with mu_k ~ A k^-alpha, mu_k^[l] ~ A_l k^-alpha_l, e_k ~ B k^-beta on a parity class
(density 1/2 of the degrees), the sum behaves as (1/2)(B A_l/(alpha A^2)) Gamma(-p)(2^p - 2)(A t)^p
with p = (2 alpha - alpha_l - beta + 1)/alpha when 0 < p < 2 (substitute s = A t k^-alpha; the
s-integral of s^(-p-1)(1 - e^-s)^2 is Gamma(-p)(2^p - 2)). For the layer that carries the leading
singularity (alpha_l = alpha) p = 1 - xi, so D ~ t^((1 - xi)/2); p = 0 gives a logarithm, p < 0 a
finite limit (the RKHS norm of f* in that layer). The relative displacement of the first layer is
RD(t) = D_1(t) / sqrt(m d_in) (its N(0, 1) initial weights have norm ~ sqrt(m d_in)): the kernel
regime holds while RD is small, and RD falls like m^-1/2 at fixed t.

**Departure time** (measured, not a theorem): two-layer networks of small widths are trained on the
same data as their infinite-width kernel; t_tol is the first time at which the network loss and the
kernel loss differ by the relative tolerance. log t_tol is fitted linearly in log m (least squares,
Student-t intervals from the seed scatter) and extrapolated, labelled "empirical, extrapolated". Beside
it, the width scalings that theories suggest: an O(1/m) change of the tangent kernel during training
(Dyer & Gur-Ari 2019; Huang & Yau 2020, the neural tangent hierarchy) and O(1/sqrt(m)) fluctuations of
the kernel at initialisation (Bordelon & Pehlevan 2023); both are turned into t_tol(m) by rescaling the
smallest width's measured deviation curve. Bowman & Montufar (2022, damped deviations) predict that the
deviation is concentrated on the small-eigenvalue directions; the deviation per eigenvalue band is
measured at t_tol.
"""

from __future__ import annotations

import functools
import math

from asympt.core.errors import InvalidInput, NotSupported, check_int

__all__ = ["DataKernel", "check_rows", "departure_time", "displacement", "fit_departure", "fit_horizon", "horizon",
           "layer_kernels", "memory_estimate", "simulate_horizon", "simulation_setup", "static_departure"]

_MAX_BYTES = 1.5e9          # refuse simulations whose estimated memory exceeds this


def _fmt(x, digits=4):
    if x is None:
        return None
    x = float(x)
    if not math.isfinite(x):
        return None
    return float(f"{x:.{digits}g}")


def _check_float(name, value, *, positive=True):
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise InvalidInput(f"{name} must be a number: {value!r}") from None
    if not math.isfinite(v) or (positive and v <= 0):
        raise InvalidInput(f"{name} must be a {'positive ' if positive else ''}finite number: {value!r}")
    return v


# ---- formula side ------------------------------------------------------------------------------------

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


def _spectrum(kernel, dim, K):
    import warnings

    from asympt.spectrum import eigenvalues

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")            # the float64 tier's error bars are carried below
        spec = eigenvalues(kernel, dim, K, tier="float64", digits=6)
    return [0.0 if e.structural_zero else float(e) for e in spec], [float(e.abs_error) for e in spec]


def _g(mu, t, lr):
    """1 - exp(-mu t) (lr None) or 1 - (1 - lr mu)^(t/lr) (gradient descent, t = lr * steps)."""
    if lr is None:
        return -math.expm1(-mu * t)
    return 1.0 - (1.0 - lr * mu) ** (t / lr)


def _target(kernel, target):
    from asympt.targets import parse_target

    if isinstance(target, str):
        return parse_target(target, default_activation=kernel.network.activation.name)
    return target


def displacement(kernel, dim: int, target, times, *, lr=None, widths=(), kmax: int | None = None) -> dict:
    """Predicted weight change ||theta_l(t) - theta_l(0)|| of every layer in the kernel regime.

    ``times`` are gradient-flow times t (with ``lr`` = eta: gradient descent, t = eta x steps).
    Degrees up to ``kmax`` (default: doubled from 64 until the tail bound t^2 mu_K^[l] T(K+1) is below
    1e-4 of D^2, at most 4096) are summed; the bound assumes mu_k^[l] <= mu_K^[l] beyond K. ``widths``
    adds RD(t) = D_1 / sqrt(m d_in). Returns a JSON-ready dict (per layer: D(t), bound, large-time law).

    >>> from asympt.kernels.networks import ntk
    >>> out = displacement(ntk("relu"), 3, "neuron", [1e6])
    >>> [row["law"]["kind"] for row in out["layers"]]      # xi = 1: the first layer grows like log t
    ['logarithmic', 'finite']
    """
    from asympt.kernels.kernel import check_kernel

    kernel = check_kernel(kernel)
    dim = check_int("dim", dim, minimum=2, maximum=10**4)
    target = _target(kernel, target)
    times = [_check_float("time", t) for t in times]
    if not times or len(times) > 10_000:
        raise InvalidInput(f"times must list between 1 and 10000 positive times: {len(times)} given")
    if any(t > 1e12 for t in times):
        raise InvalidInput(f"times must be <= 1e12: {max(times)}")
    if lr is not None:
        lr = _check_float("lr", lr)
    parts = layer_kernels(kernel)
    tmax = max(times)
    K = _start_degree(kernel, dim, tmax) if kmax is None else check_int("kmax", kmax, minimum=1, maximum=20_000)
    while True:
        mu, _ = _spectrum(kernel, dim, K)
        mus_l = [_spectrum(kl, dim, K)[0] for _, kl in parts]
        if lr is not None and lr * max(mu) >= 2:
            raise InvalidInput(f"lr = {lr:g} is unstable: lr max mu_k = {lr * max(mu):.3g} >= 2")
        e = [float(x) for x in target.energies(dim, K, dps=15)]
        tail = float(target.tail_mp(dim, K + 1, 15))
        rows = []
        for (l, _), ml in zip(parts, mus_l):
            vals, bounds = [], []
            for t in times:
                s = sum(ek * _g(m, t, lr) ** 2 * mlk / m**2 for ek, m, mlk in zip(e, mu, ml) if m > 0)
                b = t * t * max(ml[-2:]) * tail
                vals.append(s)
                bounds.append(b)
            rows.append((l, vals, bounds))
        worst = max(b / v for _, vs, bs in rows for v, b in zip(vs, bs) if v > 0) if rows else 0.0
        if kmax is not None or worst <= 1e-4 or K >= 4096:
            break
        K *= 2
    d_in = dim + (1 if kernel.network.first_layer_bias else 0)
    layers = []
    for (l, vals, bounds), (_, kl) in zip(rows, parts):
        row = {"layer": l, "kernel": kl.network.describe_training(),
               "D": [_fmt(math.sqrt(v), 6) for v in vals],
               "D_error": [_fmt(math.sqrt(v + b) - math.sqrt(v), 2) for v, b in zip(vals, bounds)],
               "law": _large_time_law(kernel, kl, dim, target, lr)}
        if widths:
            norm0 = (lambda m: math.sqrt(m * d_in)) if l == 1 else (lambda m: math.sqrt(m))
            row["RD"] = {str(m): [_fmt(math.sqrt(v) / norm0(m), 4) for v in vals] for m in widths}
        layers.append(row)
    full = [sum(r[1][i] for r in rows) for i in range(len(times))]
    return {"dim": dim, "kernel": kernel.network.describe(), "target": target.describe(), "times": times,
            "lr": lr, "kmax": K, "layers": layers, "all_parameters_D": [_fmt(math.sqrt(v), 6) for v in full],
            "formula": "D_l(t)^2 = sum_k e_k g_k(t)^2 mu_k^[l] / mu_k^2, g_k = 1 - exp(-mu_k t) "
                       "(GD: 1 - (1 - eta mu_k)^(t/eta)); e_k summed over the N(d,k) harmonics"}


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


def _large_time_law(kernel, layer_kernel, dim, target, lr):
    """Leading large-t law of D_l(t)^2 from the decay laws of mu_k, mu_k^[l] and e_k (module docstring)."""
    import sympy

    from asympt.laws.decay import decay_law

    dl, dll = decay_law(kernel, dim), decay_law(layer_kernel, dim)
    tl = target.asymptotic(dim)
    if getattr(tl, "kind", "power") != "power":
        return {"kind": "finite", "note": f"target law is {tl.kind}: D_l(t) tends to a finite limit"}
    terms = []
    for p in (0, 1):
        law, lawl = dl.parities[p], dll.parities[p]
        B = tl.amplitude(p)
        if law.kind != "power" or lawl.kind != "power" or B == 0:
            continue
        a, al, A, Al, beta = law.alpha, lawl.alpha, law.A, lawl.A, tl.beta
        pe = sympy.nsimplify((2 * a - al - beta + 1) / a)
        terms.append((pe, B, A, Al, a))
    if not terms:
        return {"kind": "finite", "note": "no parity class carries both energy and a power law: finite limit"}
    pmax = max(t[0] for t in terms)
    lead = [t for t in terms if t[0] == pmax]
    if pmax > 0:
        if pmax >= 2:
            return {"kind": "undetermined", "note": f"exponent p = {pmax} >= 2: the sum is not governed by the front"}
        c = sum(sympy.Rational(1, 2) * B * Al / (a * A**2) * sympy.gamma(-pmax) * (2**pmax - 2) * A**pmax
                for pe, B, A, Al, a in lead)
        return {"kind": "power", "exponent_D": str(pmax / 2), "exponent_D2": str(pmax),
                "constant_D2": str(sympy.powsimp(c)), "constant_D2_value": _fmt(sympy.N(c, 15), 10),
                "constant_D_value": _fmt(sympy.sqrt(sympy.N(c, 15)), 10),
                "law": f"D_l(t) ~ sqrt(C) t^({pmax / 2}), C = {_fmt(sympy.N(c, 15), 6)}"
                       + (" (t = eta x steps)" if lr is not None else "")}
    if pmax == 0:
        c = sympy.powsimp(sum(B * Al / (2 * a * A**2) for pe, B, A, Al, a in lead))  # (1/2) per parity x log t / alpha
        return {"kind": "logarithmic", "constant_D2": str(c), "constant_D2_value": _fmt(sympy.N(c, 15), 10),
                "law": f"D_l(t)^2 ~ {_fmt(sympy.N(c, 15), 6)} log t + const"}
    return {"kind": "finite", "exponent_D2": str(pmax),
            "note": "the sum converges: D_l(t) tends to the norm of f* in layer l's kernel (corrections ~ t^p)"}


# ---- the kernel on the training data (formula side: asympt's kernel evaluated on the sample) ------------

class DataKernel:
    """The infinite-width kernel on a fixed sample X (n x d, rows on the sphere) with targets y.

    Eigendecomposition G / n = V diag(lam) V^T (float64); the kernel-regime gradient-descent curves on
    the same data: loss(s) = 1/(2n) sum_i c_i^2 (1 - eta lam_i)^(2s), c = V^T y (f_0 = 0), the
    integrated residual R(s) = eta sum_{u<s} r_u and each layer's displacement (module docstring).
    """

    def __init__(self, kernel, X, y, *, layers: bool = True):
        import numpy as np

        X = np.asarray(X, dtype=float)
        self.n = X.shape[0]
        U = np.clip(X @ X.T, -1.0, 1.0)
        G = kernel(U)
        self.lam, self.V = np.linalg.eigh(G / self.n)
        self.lam = np.clip(self.lam, 0.0, None)          # rounding can make tiny eigenvalues negative
        self.y = np.asarray(y, dtype=float)
        self.c = self.V.T @ self.y
        self.layer_M = {}
        if layers:
            for l, kl in layer_kernels(kernel):
                self.layer_M[l] = self.V.T @ (kl(U) / self.n) @ self.V
        self.U = U

    def loss(self, steps, lr):
        """Kernel-regime loss 1/(2n) |r_s|^2 at the step counts ``steps`` (array)."""
        import numpy as np

        s = np.asarray(steps, dtype=float)
        base = np.abs(1.0 - lr * self.lam)[None, :]
        c2 = self.c**2
        out = np.empty(s.size)
        chunk = max(1, int(2e6 // self.n))               # bounded memory: chunk x n at a time
        for i in range(0, s.size, chunk):
            out[i:i + chunk] = (base ** (2 * s[i:i + chunk, None]) * c2).sum(axis=1)
        return 0.5 * out / self.n

    def _z(self, s, lr):
        import numpy as np

        lam = self.lam
        with np.errstate(divide="ignore", invalid="ignore"):
            z = np.where(lam > 1e-14, (1.0 - (1.0 - lr * lam) ** s) / np.where(lam > 1e-14, lam, 1.0), lr * s)
        return z * self.c

    def displacement(self, s, lr) -> dict:
        """{l: D_l} after s steps of GD with step lr, on this sample."""
        z = self._z(s, lr)
        return {l: math.sqrt(max(float(z @ M @ z) / self.n, 0.0)) for l, M in self.layer_M.items()}

    def integrated_residual(self, s, lr):
        """R(s) = eta sum_{u<s} r_u (r = f - y) in data coordinates."""
        return -(self.V @ self._z(s, lr))

    def residual(self, s, lr):
        return -(self.V @ ((1.0 - lr * self.lam) ** s * self.c))


# ---- simulation ---------------------------------------------------------------------------------

def simulation_setup(kernel):
    """Trainer scales (beta2, input_bias, alpha / sqrt(m), lr_w, sigma_w1) that realise ``kernel``'s network.

    asympt's two-layer network f = (sigma_w2/sqrt(m)) sum a_k s(sigma_w1 w_k.x + sigma_b1 b_k), all
    N(0, 1), is the trainer's f = (1/alpha) sum a_k s(W_k.(x, sigma_b1/sigma_w1)) with W = sigma_w1 (w, b),
    alpha = sqrt(m)/sigma_w2 and the first-layer step multiplied by sigma_w1^2 (same gradient flow in
    asympt's parameters); asympt's first-layer displacement is |Delta W| / sigma_w1.
    """
    from asympt.kernels.kernel import check_kernel

    net = check_kernel(kernel).network
    if net.layers != 2:
        raise NotSupported(f"the simulation trains two-layer networks only: layers = {net.layers}")
    if net.sigma_b[1] != 0:
        raise NotSupported("the simulation has no output bias: sigma_b2 must be 0")
    if net.layer_weights is not None or len(net.train) != 4:
        raise NotSupported("the simulation trains every parameter with one step size (train = all)")
    sw1, sw2, sb1 = (float(s) for s in (net.sigma_w[0], net.sigma_w[1], net.sigma_b[0]))
    return sw1, sb1 / sw1, 1.0 / sw2, sw1**2, sw1


def _teacher_kind(target) -> str:
    spec = getattr(target, "spec", "")
    kinds = {"halfspace": "halfspace", "neuron:relu": "relu"}
    if spec not in kinds:
        raise NotSupported(f"the simulation trains on a relu neuron or a half-space target: {spec!r}")
    return kinds[spec]


def memory_estimate(samples: int, width: int, layers: int = 2) -> float:
    """Bytes: float64 n x n Gram, eigenvectors, U and per-layer projections; float32 n x m buffers."""
    return 8.0 * samples**2 * (3 + layers) + 4.0 * samples * width * 5


def simulate_horizon(kernel, dim: int, target, widths, *, samples: int = 1000, seeds: int = 2, seed: int = 0,
                     lr: float | None = None, t_max: float = 400.0, tol: float = 0.1,
                     record_times=None, bands: bool = True, progress=None) -> dict:
    """Train the network of ``kernel`` at each width and measure t_tol, D_l(t) and the loss ratio.

    Replica i draws data X (``samples`` points on S^(dim-1)), the teacher direction and the weights from
    (seed, i); all widths of a replica and the kernel share X, y. ``lr`` defaults to 1 / k(1) (stable:
    lam_max(G/n) <= trace = k(1)); times are t = lr x steps up to ``t_max``. Measured per run: the loss
    curves, t_tol = the time from which on |L_net / L_kernel - 1| >= tol up to t_max (None if the
    deviation is below tol at t_max; the first crossing is reported too), the layer
    displacements at ``record_times`` (default t_max) and, at t_tol, the relative deviation of the
    residual on eigenvalue bands of G (top 10, 10-100, beyond 100 eigenvectors).
    """
    import numpy as np

    from asympt.kernels.kernel import check_kernel
    from asympt.numerics import twolayer as tl

    kernel = check_kernel(kernel)
    dim = check_int("dim", dim, minimum=2, maximum=1000)
    target = _target(kernel, target)
    kind = _teacher_kind(target)
    widths = sorted({check_int("width", int(m), minimum=2, maximum=10**5) for m in widths})
    if any(m % 2 for m in widths):
        raise InvalidInput(f"widths must be even (antisymmetric initialisation pairs the neurons): {widths}")
    samples = check_int("samples", samples, minimum=10, maximum=20_000)
    seeds = check_int("seeds", seeds, minimum=1, maximum=100)
    t_max = _check_float("t_max", t_max)
    tol = _check_float("tol", tol)
    if tol >= 1:
        raise InvalidInput(f"tol must be a relative tolerance in (0, 1): {tol}")
    est = memory_estimate(samples, max(widths))
    if est > _MAX_BYTES:
        raise InvalidInput(f"samples x width need about {est / 1e9:.2f} GB (limit {_MAX_BYTES / 1e9:g} GB): "
                           f"{samples} samples, width {max(widths)}")
    beta2, input_bias, a_over, lr_w, sw1 = simulation_setup(kernel)
    k1 = float(kernel.value_at_one)
    lr = 1.0 / k1 if lr is None else _check_float("lr", lr)
    steps = int(math.ceil(t_max / lr))
    if steps > 200_000:
        raise InvalidInput(f"t_max / lr = {steps} steps is too many (<= 200000)")
    if widths and max(widths) * samples * steps > 4e12:
        raise InvalidInput("width x samples x steps must be <= 4e12 (hours of computing)")
    rec_steps = sorted({min(steps, max(1, int(round(t / lr)))) for t in (record_times or [t_max])})
    runs = []
    for i in range(seeds):
        rng = np.random.default_rng([seed, i])
        X = tl.sample_sphere(samples, dim, rng)
        v = tl.sample_sphere(1, dim, rng)[0]
        y = tl.teacher(kind, X, v)
        dk = DataKernel(kernel, X, y)
        lam_max = float(dk.lam[-1])
        if lr * lam_max >= 2:
            raise InvalidInput(f"lr = {lr:g} is unstable on this sample: lr lam_max = {lr * lam_max:.3g} >= 2")
        ker_loss = dk.loss(np.arange(steps + 1), lr)
        for m in widths:
            if progress:
                progress(f"seed {i + 1}/{seeds}, width {m}: {steps} steps on {samples} points")
            net = tl.TwoLayerNet.init(dim, m, alpha=a_over * math.sqrt(m), beta2=beta2, input_bias=input_bias,
                                      lr_w=lr_w, seed=int(rng.integers(2**31)))
            W0, a0 = net.W.astype(np.float64), net.a.astype(np.float64)
            disp, resid = {}, {}
            stride = max(1, int(math.ceil(steps * samples / 2e7)))     # residuals kept: <= 80 MB per run

            def cb(step, nt, r, W0=W0, a0=a0, disp=disp, resid=resid, stride=stride):
                if step in rec_steps:
                    disp[step] = (float(np.linalg.norm(nt.W.astype(np.float64) - W0)) / sw1,
                                  float(np.linalg.norm(nt.a.astype(np.float64) - a0)))
                if step % stride == 0:
                    resid[step] = r.copy()
            losses = np.array(net.train(X, y, lr, steps, callback=cb), dtype=float)
            dev = np.abs(losses / ker_loss - 1.0)
            hit = np.nonzero(dev >= tol)[0]
            # departure: from s_tol on the deviation stays >= tol (early excursions that come back, from the
            # kernel's fluctuation at initialisation, are reported as first_crossing but are not departures)
            t_tol = departure_time(losses / ker_loss, lr, tol)
            s_tol = None if t_tol is None else int(math.ceil(t_tol / lr))
            run = {"seed": i, "width": m, "t_tol": t_tol,
                   "first_crossing": None if not hit.size else int(hit[0]) * lr,
                   "deviation": dev, "loss": losses, "kernel_loss": ker_loss,
                   "displacement": {s: {"measured": disp[s], "kernel_on_data": dk.displacement(s, lr)}
                                    for s in rec_steps if s in disp}}
            if bands:
                s_b = (s_tol if s_tol is not None else steps) // stride * stride
                run["bands"] = _band_deviation(resid[s_b], dk, s_b, lr)
                run["bands_time"] = s_b * lr
            runs.append(run)
    return {"dim": dim, "kernel": kernel.network.describe(), "target": target.describe(), "widths": widths,
            "samples": samples, "seeds": seeds, "seed": seed, "lr": lr, "steps": steps, "t_max": steps * lr,
            "tol": tol, "runs": runs}


_BANDS = ((0, 10), (10, 100), (100, 1000), (1000, None))


def _band_deviation(r_net, dk, s, lr) -> list:
    """Per band b of G's eigenvectors (largest eigenvalues first): |P_b (r_net - r_ker)| / |P_b y|.

    The deviation is measured in units of the band's share of the target, so bands can be compared.
    """
    import numpy as np

    r_ker = dk.residual(s, lr)
    diff = dk.V.T @ (np.asarray(r_net, dtype=float) - r_ker)
    learned = dk.c                                       # V^T y
    out = []
    n = dk.n
    for lo, hi in _BANDS:
        if lo >= n:
            break
        hi_ = n if hi is None else min(hi, n)
        idx = slice(n - hi_, n - lo)                     # eigh sorts ascending: the top band is at the end
        nb = float(np.linalg.norm(learned[idx]))
        out.append({"band": f"{lo + 1}-{hi_}", "lam_range": [_fmt(dk.lam[n - hi_]), _fmt(dk.lam[n - lo - 1])],
                    "relative_deviation": _fmt(float(np.linalg.norm(diff[idx])) / nb if nb > 0 else None, 3)})
    return out


# ---- fitting and extrapolation ------------------------------------------------------------------

def fit_horizon(widths, t_tols, target_width, level: float = 0.95) -> dict:
    """Least-squares fit log t_tol = c + q log m over all runs; extrapolation to ``target_width``.

    Returns q with its ``level`` confidence interval (Student t, n - 2 degrees of freedom) and the
    extrapolated t_tol with the confidence interval of the fitted mean and the prediction interval of
    one new run. Needs at least two distinct widths and three runs.

    >>> out = fit_horizon([100, 100, 400, 400], [10.0, 12.0, 20.0, 24.0], 1600)
    >>> round(out["q"], 3), round(out["t_tol"], 1)                  # doubling per 4x width: q = 1/2
    (0.5, 43.8)
    """
    import numpy as np
    from scipy import stats

    pts = [(float(m), float(t)) for m, t in zip(widths, t_tols) if t is not None and t > 0]
    if len({m for m, _ in pts}) < 2 or len(pts) < 3:
        raise InvalidInput("the fit of t_tol(m) needs t_tol at two widths or more and three runs or more "
                           f"(got {len(pts)} runs reaching the tolerance)")
    x = np.log([m for m, _ in pts])
    yv = np.log([t for _, t in pts])
    n = len(x)
    xm = x.mean()
    sxx = float(((x - xm) ** 2).sum())
    q = float(((x - xm) * (yv - yv.mean())).sum() / sxx)
    c = float(yv.mean() - q * xm)
    res = yv - (c + q * x)
    dof = n - 2
    s2 = float((res**2).sum() / dof) if dof > 0 else float("nan")
    tq = float(stats.t.ppf(0.5 + level / 2, dof)) if dof > 0 else float("inf")
    x0 = math.log(target_width)
    se_q = math.sqrt(s2 / sxx) if dof > 0 else float("inf")
    se_mean = math.sqrt(s2 * (1 / n + (x0 - xm) ** 2 / sxx)) if dof > 0 else float("inf")
    se_pred = math.sqrt(s2 * (1 + 1 / n + (x0 - xm) ** 2 / sxx)) if dof > 0 else float("inf")
    y0 = c + q * x0
    return {"q": q, "q_ci": [q - tq * se_q, q + tq * se_q], "t_tol": math.exp(y0),
            "t_tol_ci": [math.exp(y0 - tq * se_mean), math.exp(y0 + tq * se_mean)],
            "t_tol_prediction_interval": [math.exp(y0 - tq * se_pred), math.exp(y0 + tq * se_pred)],
            "level": level, "runs": n, "dof": dof, "residual_sd_log": math.sqrt(s2) if dof > 0 else None,
            "extrapolation_factor": target_width / max(m for m, _ in pts)}


# ---- the whole analysis ---------------------------------------------------------------------------

def _population_curve(kernel, dim, target, lr, K=None):
    """(mu, e, tail): the data for L(t) = 1/2 sum_k e_k (1 - eta mu_k)^(2t/eta) + 1/2 (energy above K)."""
    K = K or (1024 if dim == 2 else 512)
    mu, _ = _spectrum(kernel, dim, K)
    e = [float(x) for x in target.energies(dim, K, dps=15)]
    tail = float(target.tail_mp(dim, K + 1, 15))
    return mu, e, tail


def _pop_loss(mu, e, tail, t, lr):
    out = tail
    for m, ek in zip(mu, e):
        out += ek * ((1.0 - lr * m) ** (2 * t / lr) if lr else math.exp(-2 * m * t))
    return 0.5 * out


def _onset(mu, e, tail, law, lr):
    """First time on a log grid from which on the exact curve's local exponent stays within 20 % of xi."""
    if law.kind != "power" or law.xi is None:
        return None, None
    xi = float(law.xi)
    Linf = float(law.L_inf)
    mu_pos = [m for m in mu if m > 0]
    t_hi = 0.01 / min(mu_pos)                       # beyond this the truncation at K shows
    grid = [t for t in (10 ** (j / 20) for j in range(-20, 241)) if t <= t_hi]
    Ls = [_pop_loss(mu, e, tail, t, lr) - Linf for t in grid]
    ok = []
    for j in range(1, len(grid)):
        good = Ls[j] > 0 and Ls[j - 1] > 0
        x = -math.log(Ls[j] / Ls[j - 1]) / math.log(grid[j] / grid[j - 1]) if good else float("nan")
        ok.append(good and abs(x / xi - 1) <= 0.2)
    for j in range(len(ok)):
        if all(ok[j:]) and len(ok) - j >= 5:
            return grid[j], xi
    return None, xi


def horizon(kernel, dim: int, target, *, width: int, tol: float = 0.1, calibrate=(250, 1000), samples: int = 1000,
            seeds: int = 2, seed: int = 0, lr: float | None = None, t_max: float = 400.0, progress=None) -> dict:
    """Predicted displacement, measured departure time t_tol(m) and its extrapolation to ``width``.

    See the module docstring. ``calibrate`` lists the small widths that are trained (empty: formula
    side only). Returns a JSON-ready dict; the extrapolated t_tol is labelled "empirical, extrapolated".
    """
    import numpy as np

    from asympt.kernels.kernel import check_kernel
    from asympt.laws.loss import loss_law

    kernel = check_kernel(kernel)
    dim = check_int("dim", dim, minimum=2, maximum=1000)
    width = check_int("width", width, minimum=2, maximum=10**9)
    target = _target(kernel, target)
    tol = _check_float("tol", tol)
    if tol >= 1:
        raise InvalidInput(f"tol must be a relative tolerance in (0, 1): {tol}")
    t_max = _check_float("t_max", t_max)
    if t_max > 1e5:
        raise InvalidInput(f"t_max must be <= 1e5: {t_max}")
    if calibrate:                                   # refuse what cannot be simulated before computing anything
        simulation_setup(kernel)
        _teacher_kind(target)
    k1 = float(kernel.value_at_one)
    lr = 1.0 / k1 if lr is None else _check_float("lr", lr)
    law = loss_law(kernel, dim, target)
    times = sorted({_fmt(t_max * f, 6) for f in (0.01, 0.03, 0.1, 0.3, 1.0)})
    out = {"dim": dim, "kernel": kernel.network.describe(), "target": target.describe(), "width": width, "tol": tol,
           "lr": lr, "t_max": t_max,
           "law": {"kind": law.kind, "xi": str(law.xi) if law.xi is not None else None,
                   "C": str(law.C) if law.C is not None else None, "L_inf": str(law.L_inf)}}
    out["displacement"] = displacement(kernel, dim, target, times, lr=lr, widths=sorted({*calibrate, width}))
    mu, e, tail = _population_curve(kernel, dim, target, lr)
    t_on, xi = _onset(mu, e, tail, law, lr)
    out["population_curve"] = [{"t": t, "L": _fmt(_pop_loss(mu, e, tail, t, lr), 6)} for t in times]
    out["onset"] = {"t_on": _fmt(t_on), "rule": "first t with local exponent within 20 % of xi (exact curve)"}
    if not calibrate:
        return out
    sim = simulate_horizon(kernel, dim, target, calibrate, samples=samples, seeds=seeds, seed=seed, lr=lr,
                           t_max=t_max, tol=tol, record_times=times, progress=progress)
    steps = sim["steps"]
    grid = sorted({0} | {min(steps, int(round(t / lr))) for t in times})
    runs = sim["runs"]
    out["simulation"] = {k: sim[k] for k in ("widths", "samples", "seeds", "seed", "steps", "t_max")}
    kcurve = np.mean([r["kernel_loss"] for r in runs if r["width"] == runs[0]["width"]], axis=0)
    out["kernel_curve"] = [{"t": _fmt(s * lr, 6), "L_kernel_on_data": _fmt(kcurve[s], 6),
                            "L_population": _fmt(_pop_loss(mu, e, tail, s * lr, lr), 6),
                            **{f"L_net_m{m}": _fmt(np.mean([r["loss"][s] for r in runs if r["width"] == m]), 6)
                               for m in sim["widths"]}} for s in grid]
    per_width = []
    for m in sim["widths"]:
        rs = [r for r in runs if r["width"] == m]
        tts = [r["t_tol"] for r in rs]
        reached = [t for t in tts if t is not None]
        meas = {}
        for s in sorted(rs[0]["displacement"]):
            for j, l in enumerate((1, 2)):
                vals = [r["displacement"][s]["measured"][j] for r in rs]
                ondata = [r["displacement"][s]["kernel_on_data"][l] for r in rs]
                meas.setdefault(str(l), []).append({"t": _fmt(s * lr, 6), "mean": _fmt(np.mean(vals), 4),
                                                   "sd": _fmt(np.std(vals, ddof=1), 2) if len(vals) > 1 else None,
                                                   "kernel_on_data": _fmt(np.mean(ondata), 4)})
        bands = [r["bands"] for r in rs]
        per_width.append({"width": m, "t_tol": [_fmt(t) for t in tts], "reached": len(reached),
                          "t_tol_mean": _fmt(np.exp(np.mean(np.log(reached)))) if reached else None,
                          "deviation_at_t_max": _fmt(np.mean([r["deviation"][-1] for r in rs]), 3),
                          "displacement_measured": meas,
                          "band_deviation_at_t_tol": [{"band": b["band"], "lam_range": b["lam_range"],
                                                       "relative_deviation": _fmt(np.mean([x[i]["relative_deviation"]
                                                                                           for x in bands]), 3)}
                                                      for i, b in enumerate(bands[0])]})
    out["widths"] = per_width
    ws = [r["width"] for r in runs]
    tt = [r["t_tol"] for r in runs]
    try:
        fit = fit_horizon(ws, tt, width)
    except InvalidInput as err:
        fit = {"error": str(err)}
    fit["label"] = "empirical, extrapolated"
    out["fit_single_runs"] = _tidy(fit)
    try:
        model = fit_departure(runs, lr, tol, width)
    except InvalidInput as err:
        model = {"error": str(err)}
    model["label"] = "empirical, extrapolated"
    out["fit"] = _tidy(model)
    out["theory"] = _theory_scalings(runs, sim, model, width, tol, lr)
    out["theory"]["static"] = _static_rows(kernel, dim, target, sim, width, lr, t_max, tol, model, progress)
    t_end = model.get("t_tol")
    out["decades"] = _decades(t_on, xi, t_end, runs, sim, lr)
    return out


def _tidy(v):
    """Round every float of a nested dict / list to 4 significant digits (JSON-ready)."""
    if isinstance(v, dict):
        return {k: _tidy(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_tidy(x) for x in v]
    if isinstance(v, float):
        return _fmt(v)
    return v


def _theory_scalings(runs, sim, fit, width, tol, lr):
    """Width scalings suggested by theory, applied to the smallest width's measured deviation curve."""
    import numpy as np

    m1 = sim["widths"][0]
    rs = [r for r in runs if r["width"] == m1]
    dev = np.mean([r["deviation"] for r in rs], axis=0)
    tts = [r["t_tol"] for r in rs if r["t_tol"] is not None]
    if not tts:
        return {"note": f"width {m1} never reached the tolerance: no deviation curve to rescale"}
    t1 = float(np.exp(np.mean(np.log(tts))))
    t = np.arange(dev.size) * lr
    sel = (t >= t1 / 3) & (t <= min(3 * t1, t[-1])) & (dev > 0)
    if sel.sum() < 3:
        return {"note": "too few points around t_tol at the smallest width to fit the deviation growth"}
    p, c = np.polyfit(np.log(t[sel]), np.log(dev[sel]), 1)
    if p <= 0:
        return {"note": f"the deviation does not grow around t_tol at width {m1} (slope {p:.2f})"}
    out = {"deviation_growth_p": _fmt(p, 3), "fitted_on": [_fmt(t[sel][0]), _fmt(t[sel][-1])], "rows": []}
    ci = fit.get("t_tol_ci")
    for name, power, source in (("1/m (kernel change during training)", 1.0, "Dyer & Gur-Ari 2019; Huang & Yau 2020"),
                                ("1/sqrt(m) (kernel fluctuation at initialisation)", 0.5, "Bordelon & Pehlevan 2023")):
        q = power / p
        pred = t1 * (width / m1) ** q
        row = {"law": name, "source": source, "width_exponent": _fmt(q, 3), "t_tol_at_width": _fmt(pred)}
        if "width_exponent" in fit:
            row["measured_width_exponent"] = _fmt(fit["width_exponent"], 3)
        if ci:
            row["compared"] = ("inside" if ci[0] <= pred <= ci[1] else "outside") + \
                f" the extrapolation's interval [{ci[0]:.3g}, {ci[1]:.3g}]"
        out["rows"].append(row)
    return out


def _static_rows(kernel, dim, target, sim, width, lr, t_max, tol, model, progress):
    """The fluctuation-at-initialisation part of t_tol, computed at every calibrated width and at ``width``."""
    rows = []
    for m in sorted({*sim["widths"], width}):
        st = static_departure(kernel, dim, target, m, samples=sim["samples"], seeds=sim["seeds"], seed=sim["seed"],
                              lr=lr, t_max=t_max, tol=tol, progress=progress)
        if "note" in st:
            rows.append({"width": m, "note": st["note"]})
            continue
        meas = model.get("t_tol_calibrated", {}).get(str(m)) if isinstance(model, dict) else None
        rows.append({"width": m, "t_tol_static": st["t_tol_seed_averaged"], "t_tol_measured": _fmt(meas),
                     "t_limit": st["t_limit"]})
    verdicts = []
    for r in rows:
        a, b = r.get("t_tol_static"), r.get("t_tol_measured")
        if a is not None and b is not None:
            verdicts.append("fluctuation at initialisation" if a <= 1.5 * b else "kernel change during training")
    return {"law": "kernel fluctuation at initialisation alone (linearised width-m network with its own initial "
                   "tangent kernel, same data; Bordelon & Pehlevan 2023)", "rows": rows,
            "reading": ("departure at the calibrated widths driven by: " + ", ".join(verdicts)) if verdicts else ""}


def _decades(t_on, xi, t_end, runs, sim, lr):
    """Decades of the power law visible before t_tol; the fitted slope is called xi only with >= 1 decade."""
    import numpy as np

    if t_on is None:
        return {"decades": 0.0, "note": "no power law (or it starts beyond the times computed): nothing to fit"}
    if t_end is None:
        return {"t_on": _fmt(t_on), "note": "no extrapolated t_tol"}
    dec = max(0.0, math.log10(t_end / t_on))
    out = {"t_on": _fmt(t_on), "t_tol": _fmt(t_end), "decades": _fmt(dec, 2)}
    m = sim["widths"][-1]
    rs = [r for r in runs if r["width"] == m]
    loss = np.mean([r["loss"] for r in rs], axis=0)
    t = np.arange(loss.size) * lr
    tt = [r["t_tol"] for r in rs if r["t_tol"] is not None]
    hi = min(tt) if tt else t[-1]
    sel = (t >= t_on) & (t <= hi) & (t > 0)
    if sel.sum() >= 3 and t[sel][-1] / t[sel][0] > 1.5:
        slope = -float(np.polyfit(np.log(t[sel]), np.log(loss[sel]), 1)[0])
        vis = math.log10(t[sel][-1] / t[sel][0])
        out["network_slope"] = _fmt(slope, 3)
        out["network_slope_window"] = [_fmt(t[sel][0]), _fmt(t[sel][-1])]
        out["network_slope_label"] = ("xi (fitted)" if vis >= 1 else
                                      f"local slope, not xi: only {vis:.2f} decades between onset and t_tol "
                                      f"at width {m}")
    return out


def departure_time(ratio, lr: float, tol: float):
    """Time from which on |ratio - 1| >= tol up to the end of the curve (linear interpolation in log t).

    ``ratio`` is L_net / L_kernel at steps 0, 1, ...; None when |ratio - 1| < tol at the last step.
    Earlier excursions that come back below tol are not departures.

    >>> round(departure_time([1.0, 1.05, 1.0, 1.05, 1.15, 1.2], 1.0, 0.1), 4)   # between steps 3 and 4: sqrt(12)
    3.4641
    """
    import numpy as np

    dev = np.abs(np.asarray(ratio, dtype=float) - 1.0)
    if dev[-1] < tol:
        return None
    below = np.nonzero(dev < tol)[0]
    if not below.size:
        return 0.0
    j = int(below[-1])
    if j == 0:
        return lr * (tol - dev[0]) / (dev[1] - dev[0])
    lo, hi = math.log(j), math.log(j + 1)
    frac = (tol - dev[j]) / (dev[j + 1] - dev[j])
    return round(lr * math.exp(lo + frac * (hi - lo)), 12)


def fit_departure(runs, lr, tol, target_width) -> dict:
    """t_tol(m) from the seed-averaged ratio curves, a power law in m through them, and its interval.

    Per width, the ratio L_net/L_kernel is averaged over seeds (the static O(1/sqrt(m)) offsets of the
    initial kernel have random signs and partly cancel) and its departure time is measured
    (:func:`departure_time`); log t_tol is fitted linearly in log m and extrapolated. Interval (a
    one-standard-error envelope): the departure times of |mean - 1| +- se (se = seed spread of the
    ratio / sqrt(S)) at each width, and the extremes over every line through one of them per width.
    With one seed there is no interval.
    """
    import itertools

    import numpy as np

    widths = sorted({r["width"] for r in runs})
    S = len({r["seed"] for r in runs})

    def line(ms, ts):
        w, c = np.polyfit(np.log(ms), np.log(ts), 1)
        return float(w), float(c)

    main, env = {}, {}
    for m in widths:
        sel = np.array([r["loss"] / r["kernel_loss"] for r in runs if r["width"] == m])
        mean = sel.mean(axis=0)
        t = departure_time(mean, lr, tol)
        if t is None or t <= 0:
            continue
        main[m] = t
        if S >= 2:
            se = sel.std(axis=0, ddof=1) / math.sqrt(S)
            dev = np.abs(mean - 1.0)
            early = departure_time(1.0 + dev + se, lr, tol)
            late = departure_time(1.0 + np.maximum(dev - se, 0.0), lr, tol)
            env[m] = (early if early and early > 0 else t, late)    # late None: beyond the simulated times
    if len(main) < 2:
        raise InvalidInput(f"t_tol(m) needs the tolerance reached at two widths or more (reached at {sorted(main)}): "
                           "raise --tmax or lower --tol")
    ms = list(main)
    w, c = line(ms, [main[m] for m in ms])
    t0 = math.exp(c + w * math.log(target_width))
    out = {"t_tol_calibrated": {str(m): main[m] for m in ms}, "width_exponent": w, "t_tol": t0,
           "extrapolation_factor": target_width / max(ms),
           "t_tol_calibrated_envelope": {str(m): list(env[m]) for m in ms if m in env}}
    if env and len(env) == len(ms) and all(v[1] is not None for v in env.values()):
        preds = []
        for combo in itertools.product(*[env[m] for m in ms]):
            wi, ci = line(ms, combo)
            preds.append(math.exp(ci + wi * math.log(target_width)))
        out["t_tol_ci"] = [min(preds + [t0]), max(preds + [t0])]
        out["interval"] = "one-standard-error envelope (seed spread of the ratio curves)"
    else:
        out["t_tol_ci"] = None
        out["interval"] = ("none: one seed" if S < 2 else
                           "none: the mean - se curve stays within tol up to t_max at some width (raise --tmax)")
    return out


def check_rows(kernel, dim: int, target, *, widths=(250, 500, 1000), samples: int = 1000, seeds: int = 2,
               seed: int = 0, t_max: float = 400.0, tol: float = 0.1, lr: float | None = None, progress=None) -> list:
    """Rows for ``asympt check --only horizon``: prediction, measurement, tolerance, verdict.

    1. *displacement*: D_1 at t_max/8 (kernel regime), exact formula vs the mean of the trained networks
       at the largest width. Tolerance (independent of the gap and of the prediction): 3 standard errors
       of the seed spread + the finite-sample term (twice the seed spread of the kernel's own D_1 on each
       seed's sample) + the finite-width movement
       |mean D_1(largest width) - mean D_1(smallest width)|.
    2. *t_tol extrapolation* (needs 3 widths or more): t_tol(m) fitted on every width but the largest
       and extrapolated to it, against the departure time measured there (seed-averaged curve).
       Tolerance: the one-standard-error envelope of the extrapolation (seed spread), widened by the
       envelope of the measured value; verdict "skipped" when an envelope is not available.
    Each row is a dict with name, predicted, measured, tolerance (absolute, or [low, high] for
    t_tol), verdict ("pass", "fail" or "skipped") and note.
    """
    import numpy as np

    from asympt.kernels.kernel import check_kernel

    kernel = check_kernel(kernel)
    target = _target(kernel, target)
    widths = sorted(widths)
    k1 = float(kernel.value_at_one)
    lr = 1.0 / k1 if lr is None else _check_float("lr", lr)
    t_disp = t_max / 8
    sim = simulate_horizon(kernel, dim, target, widths, samples=samples, seeds=seeds, seed=seed, lr=lr, t_max=t_max,
                           tol=tol, record_times=[t_disp], bands=False, progress=progress)
    runs = sim["runs"]
    s_disp = min(sim["steps"], max(1, int(round(t_disp / lr))))
    pred = displacement(kernel, dim, target, [s_disp * lr], lr=lr)["layers"][0]["D"][0]

    def at(m, key):
        if key == "measured":
            return [r["displacement"][s_disp]["measured"][0] for r in runs if r["width"] == m]
        return [r["displacement"][s_disp]["kernel_on_data"][1] for r in runs if r["width"] == m]
    big, small = at(widths[-1], "measured"), at(widths[0], "measured")
    meas = float(np.mean(big))
    se = float(np.std(big, ddof=1)) / math.sqrt(len(big)) if len(big) > 1 else 0.0
    ondata = at(widths[-1], "data")                  # the kernel's own displacement on each seed's sample
    fin_n = 2 * float(np.std(ondata, ddof=1)) if len(ondata) > 1 else 0.0
    fin_m = abs(meas - float(np.mean(small))) if len(widths) > 1 else 0.0
    tol_d = 3 * se + fin_n + fin_m
    rows = [{"name": f"horizon: displacement D_1(t = {_fmt(s_disp * lr)}) at width {widths[-1]}",
             "predicted": _fmt(pred, 5), "measured": _fmt(meas, 5), "tolerance": _fmt(tol_d, 3),
             "verdict": "pass" if abs(meas - pred) <= tol_d else "fail",
             "note": f"3 se ({_fmt(3 * se, 2)}) + finite n, 2 sd of the kernel on the samples ({_fmt(fin_n, 2)}) + "
                     f"width movement ({_fmt(fin_m, 2)})"}]
    if len(widths) < 3:
        rows.append({"name": "horizon: t_tol extrapolation", "predicted": None, "measured": None, "tolerance": None,
                     "verdict": "skipped", "note": "needs 3 widths or more (fit on all but the largest)"})
        return rows
    try:
        fit = fit_departure([r for r in runs if r["width"] != widths[-1]], lr, tol, widths[-1])
        last = fit_departure([r for r in runs if r["width"] in (widths[-2], widths[-1])], lr, tol, widths[-1])
        measured = last["t_tol_calibrated"].get(str(widths[-1]))
        menv = last["t_tol_calibrated_envelope"].get(str(widths[-1]))
    except InvalidInput as err:
        rows.append({"name": "horizon: t_tol extrapolation", "predicted": None, "measured": None, "tolerance": None,
                     "verdict": "skipped", "note": str(err)})
        return rows
    ci = fit.get("t_tol_ci")
    row = {"name": f"horizon: t_tol at width {widths[-1]} (empirical, extrapolated from {widths[:-1]})",
           "predicted": _fmt(fit["t_tol"]), "measured": _fmt(measured), "tolerance": [_fmt(x) for x in ci] if ci else None}
    if ci is None or measured is None:
        row.update(verdict="skipped", note="no interval (one seed, or the tolerance is not reached: raise t_max)")
    else:
        lo, hi = (min(menv[0], measured), max(menv[1] or measured, measured)) if menv else (measured, measured)
        row["measured_envelope"] = [_fmt(lo), _fmt(hi)]
        row.update(verdict="pass" if ci[0] <= hi and lo <= ci[1] else "fail",
                   note="pass when the one-standard-error envelopes (seed spread) of the extrapolation and of "
                        "the measurement overlap")
    rows.append(row)
    return rows


def static_departure(kernel, dim: int, target, width: int, *, samples: int = 1000, seeds: int = 2, seed: int = 0,
                     lr: float | None = None, t_max: float = 400.0, tol: float = 0.1, horizon_factor: float = 20.0,
                     progress=None) -> dict:
    """Departure time caused by the kernel's fluctuation at initialisation alone, computed at ``width``.

    The linearised (lazy) network of width m trains with its own empirical tangent kernel at
    initialisation, Theta_0 (O(1/sqrt(m)) away from the limit; Bordelon & Pehlevan 2023 study its
    effect on learning curves): L_lin(s) = 1/(2n) sum_i (v_i . y)^2 (1 - eta lam_i)^(2s) with the
    eigenpairs of Theta_0/n. Its departure from the infinite-width kernel curve on the same data
    (replica i uses the same data as :func:`simulate_horizon` with the same ``seed``) is computed
    directly at the requested width, up to ``horizon_factor`` x t_max; training-time changes of the
    kernel (the O(1/m) effects of Dyer & Gur-Ari 2019) are left out, so this is one part of t_tol.
    Cost O(n^2 m) for the Gram matrix; refused above 1.5 GB.
    """
    import numpy as np

    from asympt.kernels.kernel import check_kernel
    from asympt.numerics import twolayer as tl

    kernel = check_kernel(kernel)
    target = _target(kernel, target)
    kind = _teacher_kind(target)
    width = check_int("width", width, minimum=2, maximum=10**6)
    if width % 2:
        raise InvalidInput(f"width must be even (antisymmetric initialisation): {width}")
    if 8.0 * samples * width * 3 > _MAX_BYTES:
        return {"note": f"width {width} x {samples} samples needs more than {_MAX_BYTES / 1e9:g} GB: not computed"}
    beta2, input_bias, a_over, lr_w, _ = simulation_setup(kernel)
    lr = 1.0 / float(kernel.value_at_one) if lr is None else _check_float("lr", lr)
    s_max = int(math.ceil(horizon_factor * t_max / lr))
    out = []
    for i in range(seeds):
        rng = np.random.default_rng([seed, i])
        X = tl.sample_sphere(samples, dim, rng)
        v = tl.sample_sphere(1, dim, rng)[0]
        y = tl.teacher(kind, X, v)
        dk = DataKernel(kernel, X, y, layers=False)
        if progress:
            progress(f"seed {i + 1}/{seeds}: empirical tangent kernel at width {width}")
        net = tl.TwoLayerNet.init(dim, width, alpha=a_over * math.sqrt(width), beta2=beta2, input_bias=input_bias,
                                  lr_w=lr_w, seed=int(rng.integers(2**31)))
        lam, V = np.linalg.eigh(net.tangent_gram(X) / samples)
        c = V.T @ dk.y
        lin = DataKernel.__new__(DataKernel)
        lin.n, lin.lam, lin.c = samples, np.clip(lam, 0, None), c
        steps = np.arange(s_max + 1)
        ratio = lin.loss(steps, lr) / dk.loss(steps, lr)
        out.append({"seed": i, "t_tol": departure_time(ratio, lr, tol), "ratio": ratio})
    mean = np.mean([r["ratio"] for r in out], axis=0)
    return {"width": width, "t_tol_per_seed": [_fmt(r["t_tol"]) for r in out],
            "t_tol_seed_averaged": _fmt(departure_time(mean, lr, tol)), "t_limit": s_max * lr}
