"""The names ``import asympt`` promises exist, are the objects their modules define, and load lazily."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import asympt


@pytest.mark.parametrize("name", sorted(asympt._EXPORTS))
def test_every_export_resolves_to_its_module_object(name):
    module = importlib.import_module(asympt._EXPORTS[name])
    assert getattr(asympt, name) is getattr(module, name)
    assert name in dir(asympt)


def test_concrete_targets_are_targets_and_errors_are_one_family():
    for cls in (asympt.Neuron, asympt.Cap, asympt.Sobolev, asympt.PowerLaw, asympt.Harmonic, asympt.RKHS):
        assert issubclass(cls, asympt.Target)
    for err in (asympt.InvalidInput, asympt.NotSupported, asympt.PrecisionLost, asympt.RegimeNotReached):
        assert issubclass(err, asympt.AsymptError)
    assert isinstance(asympt.parse_target("neuron"), asympt.Neuron)
    with pytest.raises(asympt.AsymptError):
        asympt.parse_target("no-such-target")


def test_unknown_attribute_is_an_attribute_error():
    with pytest.raises(AttributeError):
        asympt.no_such_name


def test_import_asympt_loads_no_heavy_module():
    """``import asympt`` stays light: SymPy, mpmath, NumPy and SciPy load on first use only."""
    code = "import sys, asympt; print(sorted(m for m in ('sympy', 'mpmath', 'numpy', 'scipy') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
