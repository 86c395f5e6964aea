"""``asympt gd-risk``: output, JSON, early stopping and one-line errors."""

import json

import pytest
from click.testing import CliRunner

from asympt.cli.main import main


def _run(*args):
    return CliRunner().invoke(main, ["gd-risk", *args])


def test_text_output_with_simulation_and_closed_form():
    r = _run("-M", "300", "-N", "200", "-q", "1", "-a", "linear", "--link", "s", "--steps", "6", "--simulate",
             "--linear")
    assert r.exit_code == 0, r.output
    assert "early-stopping step chosen by the estimate" in r.output
    assert "closed form" in r.output and "our derivation" in r.output
    assert "stability bound" in r.output


def test_json_rows_and_estimate_is_above_training_error():
    r = _run("-M", "300", "-N", "200", "-q", "2", "--steps", "8", "--simulate", "--json")
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert len(d["rows"]) == 9 and d["lr_note"].startswith("auto")
    last = d["rows"][-1]
    assert last["estimate"] > last["train"]
    assert d["early_stopping"]["t_estimate"] in range(9)
    assert d["lr"] < d["stability_bound"]


def test_depth_three_and_window_run():
    r = _run("-M", "300", "-N", "200", "-q", "2", "--depth", "3", "-a", "erf", "--steps", "6", "--window", "3",
             "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["window"] == 3


@pytest.mark.parametrize(("args", "msg"), [
    (["-M", "300", "-N", "10"], "[0.2, 20]"),
    (["-M", "300", "-N", "200", "--link", "__import__('os').system('true')"], "link:"),
    (["-M", "300", "-N", "200", "--link", "s + y"], "unknown name 'y'"),
    (["-M", "300", "-N", "200", "--link", "exp(exp(s))"], "finite"),
    (["-M", "300", "-N", "200", "--lr", "3"], "stability bound"),
    (["-M", "300", "-N", "200", "--lr", "fast"], "--lr"),
    (["-M", "300", "-N", "200", "--linear"], "--linear"),
    (["-M", "300", "-N", "200", "--linear", "-q", "1", "-a", "linear", "--link", "s + 1"], "linear link"),
    (["-M", "200000", "-N", "100000", "--steps", "200"], "GB"),
    (["-M", "300", "-N", "200", "--steps", "5", "--window", "9"], "--window"),
    (["-M", "300", "-N", "200", "--plot", "/nonexistent/dir/x.png"], "--plot"),
])
def test_errors_are_one_line(args, msg):
    r = _run(*args)
    assert r.exit_code == 1, r.output
    assert r.output.startswith("Error: ") and msg in r.output
    assert r.output.count("\n") == 1 and "Traceback" not in r.output


@pytest.mark.parametrize("args", [["--noise", "inf"], ["--noise", "-1"], ["--head-lr", "11"], ["--head-lr", "nan"]])
def test_bad_numbers_are_refused_by_the_option_type(args):
    r = _run("-M", "300", "-N", "200", *args)
    assert r.exit_code == 2 and args[0] in r.output and "Traceback" not in r.output, r.output


def test_plot_is_checked_before_computing(tmp_path):
    """Without matplotlib the error comes at once; with it, a bad suffix is refused before training."""
    import importlib.util

    r = _run("-M", "300", "-N", "200", "--plot", str(tmp_path / "x.txt"))
    assert r.exit_code == 1
    if importlib.util.find_spec("matplotlib") is None:
        assert "needs matplotlib" in r.output
    else:
        assert ".png" in r.output


def test_usage_errors_exit_2():
    assert _run("-M", "300").exit_code == 2
    assert _run("-M", "300", "-N", "200", "-q", "9").exit_code == 2


def test_plot_is_written(tmp_path):
    pytest.importorskip("matplotlib")
    out = tmp_path / "risk.png"
    r = _run("-M", "300", "-N", "200", "-q", "1", "-a", "linear", "--link", "s", "--steps", "4", "--simulate",
             "--plot", str(out))
    assert r.exit_code == 0, r.output
    assert out.stat().st_size > 1000
