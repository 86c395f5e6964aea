"""``asympt check`` refuses bad output paths, missing optional dependencies and oversized runs before
computing, and never reports a false failure when the sample is too small for the dimension."""

import json
import os

import pytest
from click.testing import CliRunner

from asympt.checks.run import estimate_memory, run_checks, slope_interval
from asympt.cli.main import main
from asympt.core.errors import InvalidInput
from asympt.kernels.networks import ntk


def _check(*args):
    return CliRunner().invoke(main, ["check", "--dim", "3", "--n", "4000", *args])


@pytest.mark.parametrize("path,message", [("-", "give a file name"), ("out.txt", "extension must be one of"),
                                          ("", "give a file name")])
def test_plot_target_refused_before_computing(path, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = _check("--plot", path)
    assert res.exit_code == 2 and message in res.output and "Traceback" not in res.output
    assert not os.listdir(tmp_path)        # in particular no file named '-.png'


def test_plot_needs_matplotlib_or_a_writable_place(tmp_path, monkeypatch):
    import importlib.util

    have_mpl = importlib.util.find_spec("matplotlib") is not None
    for target in (str(tmp_path / "no" / "such" / "p.png"), str(tmp_path / ("a" * 300 + ".png"))):
        res = _check("--plot", target)
        assert res.exit_code == 1 and res.output.startswith("Error: ") and len(res.output.splitlines()) == 1
        assert ("matplotlib" in res.output) != have_mpl or "does not exist" in res.output or "cannot write" in res.output
    if have_mpl and os.geteuid() != 0:   # root writes anywhere (the check would then run in full)
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o500)
        res = _check("--plot", str(ro / "p.png"))
        assert res.exit_code == 1 and "cannot write" in res.output


def test_memory_is_estimated_and_refused_before_allocating():
    assert 1.0e9 < estimate_memory(8000) < 2.0e9      # the default budget admits N = 8000
    res = CliRunner().invoke(main, ["check", "--dim", "3", "--n", "40000", "--only", "spectrum"])
    assert res.exit_code == 1 and "GB" in res.output and "--max-memory" in res.output
    with pytest.raises(InvalidInput, match="GB"):
        run_checks(ntk("relu"), 3, "neuron", n=20000, groups=("spectrum",))


def test_high_dimension_small_sample_skips_instead_of_failing():
    # d = 20: degrees 0..2 hold 230 harmonics, more than N/10 = 20 resolved eigenvalues of N = 200 points
    rep = run_checks(ntk("relu"), 20, "neuron", n=200, groups=("spectrum",))
    assert rep.ok
    rows = {r.name.split(",")[0]: r for r in rep.rows}
    assert rows["nu fit"].verdict == "skip" and "N too small" in rows["nu fit"].detail
    for r in rep.rows:   # every count compared is within the resolved top tenth of the sample
        for c in r.values.get("counts", []):
            assert c["predicted"] <= 20


def test_slope_test_false_pass_rate_against_a_width_independent_null():
    # per-seed errors that do not depend on the width (log-normal scatter 10 %): the slope test must pass
    # (upper one-sided 95 % bound < 0) in at most 5 % of draws; a true width^-1/2 law passes almost always
    import numpy as np

    rng = np.random.default_rng(0)
    widths = (250, 1000, 4000)
    null = [slope_interval(widths, np.exp(0.1 * rng.standard_normal((3, 6))))[2] < 0 for _ in range(800)]
    assert np.mean(null) <= 0.065   # 5 % + 2 binomial SE of 800 draws
    w = np.asarray(widths, float)[:, None]
    law = [slope_interval(widths, w ** -0.5 * np.exp(0.1 * rng.standard_normal((3, 6))))[2] < 0 for _ in range(200)]
    assert np.mean(law) > 0.99


def test_json_output_carries_the_power_section(tmp_path):
    res = CliRunner().invoke(main, ["check", "--dim", "3", "--bias", "1", "--n", "600", "--only", "spectrum",
                                    "--json"])
    out = json.loads(res.output)
    assert "power" in out
