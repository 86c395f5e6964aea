"""asympt curve and xi output: trusted digits, the asymptotic regime, the stability warning (issue 18.5),
readable reprs (issue 17.8), and large d (issue 17.2).

Independent sides: an exact gradient-descent sum L_n = 1/2 sum_k e_k (1 - eta mu_k)^(2n) over the exact
ReLU NTK eigenvalues; the law's constants recomputed here in log space from theory section 7's formulas.
"""

import json

import mpmath
import pytest
import sympy
from click.testing import CliRunner

from asympt.cli.main import main
from asympt.laws.curve import loss_curve
from asympt.laws.loss import loss_law
from asympt.kernels.networks import ntk


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_d50_law_is_flagged_as_pre_asymptotic():
    # issue 18.5: at d = 50 C t^(-3/50) is off by 1.7 at t = 1e16; the output must say the regime is not reached
    res = run("curve", "--dim", "50", "--tmin", "1e3", "--tmax", "1e16", "--points", "2")
    assert res.exit_code == 0, res.output
    assert "NOT within 10 %" in res.output and "L/law" in res.output


@pytest.mark.slow
def test_d3_regime_is_stated():
    res = run("curve", "--dim", "3", "--tmin", "1e2", "--tmax", "1e4", "--points", "2", "--json")
    data = json.loads(res.output)
    # theory section 7 worked case: 24 t L = 0.734594, 0.977005 at 1e2, 1e4; 0.911656-like at 1e3 -> within 10 %
    assert data["regime"]["t_regime"] == 1e3


@pytest.mark.slow
def test_local_exponent_digits_follow_the_error_bound():
    # issue 18.5: abs, 3 layers, d = 3 at t = 1e8: L has few trusted digits, so must the exponent
    pts = loss_curve(ntk("abs", 3), 3, "neuron", [1e8])
    row = pts[0].to_json()
    shown = row["local_exponent"]
    digits = len(shown.replace(".", "").lstrip("0"))
    err = float(row["local_exponent_error"])
    assert err > 0 and 10 ** -(digits) >= err / 10  # no digit beyond the bound's order is printed


def test_lr_warning_matches_the_exact_gradient_descent_sum():
    # issue 18.5: eta mu_max = 1.995 (mu_0 = 1/2 at d = 3, eta = 3.99): the top mode decays as 0.995^(2n);
    # the warning's step n* must be where the exact GD loss comes within 10 % of C (eta n)^-1
    from asympt.spectrum.closed_forms import exact_eigenvalues
    from asympt.targets import parse_target

    eta = mpmath.mpf("3.99")
    law = loss_law(ntk("relu"), 3, "neuron", lr=3.99)
    warn = [n for n in law.notes if n.startswith("Warning")]
    assert warn and "0.995^(2n)" in warn[0]
    n_star = float(warn[0].split("from n ~ ")[1].split(" ")[0])
    K = 3000
    mus = [mpmath.mpf(sympy.N(m, 30)) for m in exact_eigenvalues(ntk("relu"), 3, K)]
    es = parse_target("neuron:relu").energies(3, K, dps=30)
    tail = mpmath.mpf(1) / 6 - mpmath.fsum(es)  # beyond K, (1 - eta mu)^(2n) = 1 - O(n mu_K) ~ 1 at these n

    def L(n):
        return (mpmath.fsum(e * (1 - eta * m) ** (2 * n) for e, m in zip(es, mus)) + tail) / 2

    def ratio(n):
        return L(n) / (mpmath.mpf(1) / 24 / (eta * n))

    assert ratio(int(n_star / 2)) > 1.1  # still dominated by the top mode
    assert abs(ratio(int(2 * n_star)) - 1) < 0.1
    assert ratio(int(1000 / 3.99)) > 10  # the observation: L_n far above the law at eta n = 1000


def test_reprs_are_readable():
    law = loss_law(ntk("relu"), 3, "neuron")
    assert repr(law) == "LossLaw(L(t) ~ C t^-xi, xi = 1, C = 1/24)"
    assert str(law).splitlines()[-1].startswith("Result: L(t) ~ C t^-xi")
    curve = loss_curve(ntk("relu"), 3, "neuron", [100])
    assert "mpf(" not in repr(curve) and "-dlogL/dlogt" in repr(curve)
    assert curve._repr_latex_().startswith("$\\begin{array}")


def test_spectrum_of_a_smooth_kernel_prints_no_none():
    res = run("spectrum", "--dim", "3", "--activation", "erf", "--kmax", "3")
    assert res.exit_code == 0 and "None" not in res.output and "k > -1" not in res.output
    assert "rho" in res.output and "all even k" in res.output


def test_large_dimension_constants_in_log_space():
    # issue 17.2: d = 1000 was > 300 s. theory section 7: C = 1/2 (B/(2 alpha)) Gamma(xi) (2A)^-xi with
    # A = 2^(d-1) Gamma(d/2)^2/pi^2, B = 2^(d-1) Gamma(d/2)^2/(pi^2 (d-2)!), alpha = d, xi = 3/d (ReLU neuron)
    d = 1000
    law = loss_law(ntk("relu"), d, "neuron")
    with mpmath.workdps(40):
        lnA = (d - 1) * mpmath.log(2) + 2 * mpmath.loggamma(mpmath.mpf(d) / 2) - 2 * mpmath.log(mpmath.pi)
        lnB = lnA - mpmath.loggamma(d - 1)
        xi = mpmath.mpf(3) / d
        C = mpmath.exp(lnB - mpmath.log(4 * d) + mpmath.loggamma(xi) - xi * (mpmath.log(2) + lnA))
        assert law.xi == sympy.Rational(3, d)
        assert abs(mpmath.mpf(sympy.N(law.C, 40)) / C - 1) < mpmath.mpf(10) ** -30


# ---- the law tail beyond the exact degrees (issue 17: fixed Gauss-Legendre nodes + Euler-Maclaurin) ----

def _relu_d3_laws():
    from asympt.laws.curve import _analytic_energy
    from asympt.laws.decay import decay_law
    from asympt.targets import parse_target

    dl = decay_law(ntk("relu"), 3)
    e_of = _analytic_energy(parse_target("neuron:relu"), 3, 0)
    return e_of, (lambda k: dl.gamma_ratio_mp_real(k, 0))


@pytest.mark.parametrize("x0", [1, 20])
def test_law_tail_equals_direct_summation_then_tail(x0):
    # The sum from k0 = 40 against the first 80 terms summed one by one plus the tail from k1 = 200: the
    # Euler-Maclaurin endpoint moves, the nodes change, the direct part is independent. 2 mu t = x0 at k0
    # (x0 = 20: the transition K* ~ 109 lies in the direct part). (mpmath.nsum was no reference: its
    # moment sums sum e_k mu_k^n moved by 1e-16 relative with the cut point.)
    from asympt.laws.curve import _LawTail

    e_of, mu_of = _relu_d3_laws()
    with mpmath.workdps(32):
        k0, k1 = 40, 200
        t = x0 / (2 * mu_of(mpmath.mpf(k0)))
        S, D, eS, eD = _LawTail(e_of, mu_of, k0, t, 28).at(t)
        S1, D1, eS1, eD1 = _LawTail(e_of, mu_of, k1, t, 28).at(t)
        S1 += mpmath.fsum(e_of(k) * -mpmath.expm1(-2 * mu_of(k) * t) for k in range(k0, k1, 2))
        D1 += mpmath.fsum(2 * mu_of(k) * e_of(k) * mpmath.exp(-2 * mu_of(k) * t) for k in range(k0, k1, 2))
        tiny = mpmath.mpf(10) ** -29  # rounding of the ~100-term sums at 32 digits
        assert abs(S - S1) <= eS + eS1 + tiny * abs(S)
        assert abs(D - D1) <= eD + eD1 + tiny * abs(D)
        assert eS < abs(S) * mpmath.mpf(10) ** -20 and eD < abs(D) * mpmath.mpf(10) ** -20  # not a blanket


def test_law_tail_integral_equals_adaptive_quadrature():
    # the fixed Gauss-Legendre nodes against mpmath.quad (tanh-sinh, adaptive) on the same integrand
    from asympt.laws.curve import _LawTail

    e_of, mu_of = _relu_d3_laws()
    with mpmath.workdps(32):
        t, k0 = mpmath.mpf("1e9"), 400
        tail = _LawTail(e_of, mu_of, k0, t, 28)
        integral = mpmath.fsum(a * -mpmath.expm1(-2 * m * t) for a, m in zip(tail.a, tail.m))
        ref = mpmath.quad(lambda k: e_of(k) * -mpmath.expm1(-2 * mu_of(k) * t),
                          [k0, 600, 860, 1500, 4000, 20000, mpmath.inf])
        assert abs(integral - ref) < abs(ref) * mpmath.mpf(10) ** -26


def test_local_exponent_at_large_t_is_the_laws():
    # regression: the derivative sum was lost beyond t ~ 1e12 (local exponent 1e-41 instead of 1).
    # theory section 7 worked case: xi = 1, relative corrections O(t^-2/3) ~ 1e-10 at t = 1e15
    pts = loss_curve(ntk("relu"), 3, "neuron", [1e13, 1e15], digits=12)
    for p in pts:
        assert abs(p.slope - 1) < 1e-6 and p.slope_error < 1e-6


def test_curve_json_rows_carry_the_law_check():
    # issue 13.4: the comparison is in the --json output; the text helper renders it for the report
    from asympt.laws.curve import law_check_text

    res = run("curve", "--dim", "3", "--tmin", "1e6", "--tmax", "1e10", "--points", "3", "--json")
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)["rows"]
    checks = [r["law_check"] for r in rows]
    assert all(c["quantity"] == "local exponent" and c["law"] == "1.0" for c in checks)
    assert checks[0]["inside"] is None and checks[-1]["inside"] is True  # no band before a second point
    text = law_check_text(rows)
    assert text[0].startswith("Law check: local exponent") and "inside its band" in text[-1]
