"""Layer-weighted kernels and the conversion between the simulated two-layer network and asympt's kernels.

References are typed in from ../shared/NOTES_DYNAMICS.md (mpmath tables for the plain-Gaussian
kernels, d = 3) or computed independently here (finite-width Monte Carlo of the trainer's own
tangent kernel; sums of separately built per-layer kernels).
"""

import numpy as np
import pytest
import sympy
from sympy import Rational as R

import asympt
from asympt.dynamics.regime import init_kernel, init_scales
from asympt.dynamics.spectral_bias import twolayer_kernel, width_symbol
from asympt.core.errors import InvalidInput
from asympt.kernels.networks import network, ntk
from asympt.numerics.twolayer import TwoLayerNet, sample_sphere

m = width_symbol

# NOTES_DYNAMICS.md, d = 3 table (plain Gaussian k0, k1: half of the theory notes' kappa0, kappa1)
NTK_PLAIN = [R(1, 4), R(1, 6), R(5, 128), 0, R(1, 384), 0, R(23, 32768), 0, R(19, 65536)]
RF_PLAIN = [R(3, 16), R(1, 12), R(3, 256), 0, R(1, 3072)]
HIDDEN_PLAIN = [R(1, 16), R(1, 12), R(7, 256), 0, R(7, 3072)]


def exact(kernel, kmax, dim=3):
    return [e.exact for e in asympt.eigenvalues(kernel, dim, kmax)]


def test_ntk_parameterisation_is_half_the_he_kernel_and_matches_the_notes_table():
    k = twolayer_kernel("relu", alpha=sympy.sqrt(m))
    assert exact(k, 8) == NTK_PLAIN
    assert exact(ntk("relu"), 4) == [2 * v for v in NTK_PLAIN[:5]]     # the theory notes' He NTK: 1/2, 1/3, 5/64, 0, 1/192


def test_per_layer_parts_match_the_notes_table():
    net = twolayer_kernel("relu", alpha=sympy.sqrt(m)).network
    readout = ntk("relu", sigma_w=list(net.sigma_w), train="2")
    first = ntk("relu", sigma_w=list(net.sigma_w), train="1")
    assert exact(readout, 4) == RF_PLAIN
    assert exact(first, 4) == HIDDEN_PLAIN


def test_lecun_kernel_is_the_mixture_m_over_d_rf_plus_hidden():
    width, d = 800, 3
    k = init_kernel("lecun", dim=d, width=width)
    want = [R(width, d) * a + b for a, b in zip(RF_PLAIN, HIDDEN_PLAIN)]
    assert exact(k, 4) == want
    # and the (wrong) NTK-parameterisation kernel would be RF + hidden, a different spectrum shape
    ratio_mix = float(want[2] / want[1])
    ratio_ntk = float(NTK_PLAIN[2] / NTK_PLAIN[1])
    assert ratio_mix == pytest.approx(0.141326, abs=1e-6) and ratio_ntk == pytest.approx(0.2344, abs=1e-4)


def test_layer_weights_default_is_identical_and_weights_add_per_layer_parts():
    assert ntk("relu", 3, layer_weights=(1, 1, 1)).expr == ntk("relu", 3).expr
    assert network("relu", 3, layer_weights=(1, 1, 1)) == network("relu", 3)
    c = (3, R(1, 2), 5)
    weighted = ntk("relu", 3, bias=R(1, 2), layer_weights=c)
    parts = [ntk("relu", 3, bias=R(1, 2), train=str(l)) for l in (1, 2, 3)]
    us = np.linspace(-0.99, 0.99, 9)
    want = sum(float(ci) * p(us) for ci, p in zip(c, parts))
    assert np.allclose(weighted(us), want, rtol=1e-13, atol=1e-14)


@pytest.mark.parametrize("act", ["gelu"])
def test_layer_weights_reach_the_numeric_evaluators(act):
    """Activations without a closed form go through numeric_duals (float64 and mpmath recursions)."""
    import mpmath

    c = (4, R(1, 3))
    weighted = ntk(act, 2, layer_weights=c)
    parts = [ntk(act, 2, train=str(l)) for l in (1, 2)]
    us = np.array([-0.7, 0.0, 0.4])
    assert np.allclose(weighted(us), sum(float(ci) * p(us) for ci, p in zip(c, parts)), rtol=1e-10)
    with mpmath.workdps(20):
        got = weighted.mp(mpmath.mpf("0.4"))
        want = sum(mpmath.mpf(ci.p) / ci.q * p.mp(mpmath.mpf("0.4")) for ci, p in zip(map(R, c), parts))
        assert abs(got - want) < mpmath.mpf(10) ** -15 * abs(want)


def test_layer_weights_validation():
    with pytest.raises(InvalidInput, match="one per layer"):
        network("relu", 2, layer_weights=(1,))
    with pytest.raises(InvalidInput, match="non-negative|positive"):
        network("relu", 2, layer_weights=(1, -2))
    with pytest.raises(InvalidInput, match="positive"):
        network("relu", 2, layer_weights=(1, 0))


@pytest.mark.parametrize("init", ["lecun", "ntk"])
def test_conversion_against_the_trainers_empirical_tangent_kernel(init):
    """Monte Carlo: the trainer's own tangent Gram (width 40000, float64) vs the converted kernel."""
    d, width = 3, 40_000
    a, b1, b2 = (float(sympy.sympify(v).subs(m, width)) for v in init_scales(init, d))
    net = TwoLayerNet.init(d, width, alpha=a, beta1=b1, beta2=b2, antisymmetric=False, seed=3, dtype=np.float64)
    X = sample_sphere(6, d, np.random.default_rng(1))
    gram = net.tangent_gram(X)
    k = init_kernel(init, dim=d, width=width)
    want = k(np.clip(X @ X.T, -1, 1))
    # relative Monte Carlo error ~ few / sqrt(width) = ~1.5%
    assert np.abs(gram - want).max() <= 0.04 * np.abs(want).max()


def test_erf_conversion_matches_the_notes_table():
    k = twolayer_kernel("erf", alpha=sympy.sqrt(m))
    spec = asympt.eigenvalues(k, 3, 5)
    vals = [float(e) for e in spec]
    assert [e.structural_zero for e in spec] == [True, False, True, False, True, False]
    assert vals[1] == pytest.approx(0.315653359, rel=1e-8)
    assert vals[3] == pytest.approx(0.0108307098, rel=1e-8)
    assert vals[5] == pytest.approx(8.772e-4, rel=1e-3)
