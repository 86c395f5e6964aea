"""The project's one restricted parser (asympt.core.parse) under the two grammars that use it.

Expected values are typed in by hand; hostile inputs must be refused with InvalidInput and never run
(a payload that would create a file is checked to leave none).
"""

import time

import pytest
import sympy
from sympy import Rational as R

from asympt.core.errors import InvalidInput
from asympt.core.parse import Grammar, parse_restricted
from asympt.dynamics.regime import parse_scale
from asympt.dynamics.spectral_bias import width_symbol as m

x = sympy.Symbol("x", real=True)
ACT = Grammar("activation", names={"x": x, "pi": sympy.pi}, functions={"erf": sympy.erf, "exp": sympy.exp},
              integer_powers=True, max_exponent=12, max_constant=10**6, max_denominator=10**12,
              vocabulary="the variable x (and pi)")


@pytest.mark.parametrize(("text", "want"), [
    ("erf(x) + 0.1*x", sympy.erf(x) + x / 10), ("x**3 - x", x**3 - x), ("-x**-2", -1 / x**2),
    ("exp(pi*x)/2", sympy.exp(sympy.pi * x) / 2), ("0.125", R(1, 8)), ("+x", x)])
def test_activation_grammar_values(text, want):
    assert sympy.simplify(parse_restricted(text, ACT) - want) == 0


@pytest.mark.parametrize(("text", "msg"), [
    ("x**1000", "powers must be integers"), ("x**x", "powers"), ("x**0.5", "powers"), ("y + 1", "unknown name"),
    ("'abc'", "numeric constants"), ("x +", "not a valid expression"), ("9" * 20 + "*x", "magnitude"),
    ("x" + "+x" * 120, "too large"), ("open('f')", "only the variable x"), ("x.real", "syntax Attribute"),
    ("lambda: 0", "syntax Lambda"), ("[x]", "syntax List"), ("x if x else 0", "syntax IfExp"),
    ("x#1", "comments"), ("x;1", "statements"), ("\uff58", "ASCII"), ("x^2", "BitXor"), ("1/(x-x)", "division"),
    ("erf(x, 2)", "exactly one argument"), ("erf(x=1)", "exactly one argument"), ("x < 1", "syntax Compare")])
def test_activation_grammar_refusals(text, msg):
    with pytest.raises(InvalidInput, match=msg):
        parse_restricted(text, ACT)


def test_payloads_are_never_evaluated(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for text in ("__import__('pathlib').Path('PWNED').touch()", "().__class__.__base__.__subclasses__()",
                 "[c for c in ().__class__.__base__.__subclasses__()]", "exec('open(\"PWNED\", \"w\")')"):
        with pytest.raises(InvalidInput):
            parse_restricted(text, ACT)
        with pytest.raises(InvalidInput):
            parse_scale(text)
    assert not (tmp_path / "PWNED").exists()


def test_numeric_towers_are_refused_quickly():
    t0 = time.perf_counter()
    for text in ("((2**100)**100)**100", "10**100**100", "9**99**99"):
        with pytest.raises(InvalidInput):
            parse_scale(text)
    with pytest.raises(InvalidInput):
        parse_restricted("2**12**12", ACT)
    assert time.perf_counter() - t0 < 5          # generous: refusals happen before any big power is formed


@pytest.mark.parametrize(("text", "want"), [("2-1", 1), ("m*m/m", m), ("(m**2)**(1/4)", sympy.sqrt(m)),
                                            ("sqrt(d*m)", sympy.sqrt(3 * m))])
def test_scale_grammar_accepts_monomials_written_any_way(text, want):
    assert sympy.simplify(parse_scale(text, dim=3) - want) == 0


def test_one_fixed_message_for_the_scale_shape():
    for text in ("m + 1", "exp(m)", "m**m", "x", "m.real"):
        with pytest.raises(InvalidInput, match=r"^scale must be a monomial c\*m\*\*p"):
            parse_scale(text)
