"""The fast paths of the singular expansions and of k(1), each against a computation that does not use it.

* leaky ReLU and |x| at rho = +-1 go through the connection formula of E_0, E_1; here the truncated
  series is evaluated near the end point and compared with the closed form (mpmath, 40 digits), with a
  tolerance from the first omitted order;
* ends whose image is interior (first-layer bias at u = -1) and analytic families (erf) are not expanded;
  here the full layer-by-layer expansion (the general algorithm) finds no singular term either, and the
  erf arcsin arguments stay below 1 on [-1, 1];
* k(1) of deep fractional-power kernels comes from the recursion at u = 1 (Gamma closed forms of E_a(1));
  here it is compared with the 2F1 closed form of k(u) evaluated by mpmath just below u = 1.
"""

import mpmath
import pytest
import sympy

from asympt.kernels import expansions
from asympt.kernels.dual_kernels import _rho, dual_map
from asympt.kernels.layers import variances
from asympt.kernels.networks import network, ntk


def _eval_series(ser, s):
    total = mpmath.mpf(0)
    for (e, m), c in ser.terms.items():
        total += mpmath.mpf(sympy.N(c, 45)) * mpmath.power(s, mpmath.mpf(sympy.N(e, 45))) * mpmath.log(s) ** m
    return total


@pytest.mark.parametrize("name", ["leaky_relu", "leaky_relu:0.3", "abs"])
@pytest.mark.parametrize("which", ["V", "Vd"])
@pytest.mark.parametrize("side", ["+", "-"])
def test_combined_endpoint_matches_closed_form(name, which, side):
    net = network(name, 2)
    dm = dual_map(net.activation)
    order = sympy.Rational(7, 2)
    ser = expansions._unit_endpoint(net.activation, which, side, order)
    closed = dm.Ed() if which == "Vd" else dm.E()
    f = sympy.lambdify(_rho, closed, modules="mpmath")
    with mpmath.workdps(40):
        for s in (mpmath.mpf("1e-3"), mpmath.mpf("1e-4")):
            rho = 1 - s if side == "+" else -1 + s
            # the remainder is O(s^(7/2)); a factor 100 covers its constant for these maps (|coefficients| < 10)
            assert abs(_eval_series(ser, s) - f(rho)) <= 100 * s ** mpmath.mpf(3.5)


def test_interior_end_has_no_singular_term_by_the_full_expansion():
    """3-layer ReLU NTK with bias at u = -1: the general layer-by-layer expansion agrees with the shortcut."""
    k = ntk("relu", 3, bias=1)
    order = k.leading_order
    fast = k.singular(-1, order=order)
    assert fast.terms == () and fast.analytic
    full = expansions.local_expansion(k, -1, order=order)
    singular = [(e, m) for (e, m), c in full.terms.items() if (m > 0 or not e.is_Integer) and c != 0]
    assert singular == []
    assert full.order == fast.order


@pytest.mark.parametrize("layers, bias", [(3, 1), (4, 1), (4, None)])
def test_erf_layer_arguments_stay_inside_the_arcsin_domain(layers, bias):
    """The reason erf kernels are analytic at u = +-1 at every depth: |2 Sigma^l / (1 + 2 q_l)| < 1."""
    net = network("erf", layers, bias=bias)
    qs = [float(q) for q in variances(net)]
    sw2 = [float(s) ** 2 for s in net.sigma_w]
    sb2 = [float(s) ** 2 for s in net.sigma_b]
    for u in (-1.0, 1.0):
        c = sw2[0] * u + sb2[0]
        for l in range(net.layers - 1):
            z = 2 * c / (1 + 2 * qs[l])
            assert abs(z) < 1 - 1e-3
            c = sw2[l + 1] * 2 / mpmath.pi * mpmath.asin(z) + sb2[l + 1]
    assert ntk("erf", layers, bias=bias).singular(1).terms == ()


@pytest.mark.slow
def test_value_at_one_of_a_deep_fractional_kernel_against_the_closed_form():
    k = ntk("relu^3/2", 4, bias=1)
    exact = k.value_at_one
    assert not exact.has(sympy.hyper)
    with mpmath.workdps(30):
        h = mpmath.mpf(10) ** -24
        near = k.mp(1 - h)            # the 2F1 closed form of k(u) (lambdified), just below u = 1
        # the leading singular term is c t log t (t = 1 - u, gamma = a - 1/2 = 1): |k(1) - k(1 - h)| <~ h log(1/h)
        assert abs(near - mpmath.mpf(sympy.N(exact, 40))) <= 1e3 * h * mpmath.log(1 / h)


def test_a_refused_singular_expansion_is_remembered_and_raised_again(monkeypatch):
    """The kernel caches a refusal like a result: the expansion code runs once, the error comes back each time."""
    import pytest

    from asympt.core.errors import NotSupported
    from asympt.kernels import expansions
    from asympt.kernels.networks import ntk

    calls = []

    def refuse(kernel, at, order=None):
        calls.append(at)
        raise NotSupported("no expansion here")

    monkeypatch.setattr(expansions, "singular_expansion", refuse)
    k = ntk("relu", 3)
    for _ in range(3):
        with pytest.raises(NotSupported, match="no expansion here"):
            k.singular(1)
    assert calls == [1]
