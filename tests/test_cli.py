"""Command-line behaviour: one-line errors with non-zero exits, JSON that parses, a fast --help."""

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from asympt.cli.main import main


def run(*args):
    return CliRunner().invoke(main, list(args))


BAD_INPUT = [
    (("kernel", "-a", "nosuchthing"), "activation", 1),
    (("kernel", "-a", "relu^-1"), "relu^a", 1),
    (("kernel", "-a", "__import__('os').system('true')"), "only the variable x", 1),
    (("kernel", "-a", "x**100000"), "powers", 1),
    (("kernel", "-a", "x" + "+x" * 400), "activation", 2),
    (("kernel", "--layers", "1"), "--layers", 2),
    (("kernel", "--sigma-w", "-1"), "sigma_w", 1),
    (("kernel", "--bias", "-0.5"), "--bias", 2),
    (("kernel", "--train", "7"), "train", 1),
    (("kernel", "-a", "step", "--train", "all"), "step", 1),
]


@pytest.mark.parametrize(("args", "needle", "code"), BAD_INPUT)
def test_bad_input_is_one_line_error(args, needle, code):
    res = run(*args)
    assert res.exit_code == code
    assert res.exception is None or isinstance(res.exception, SystemExit)
    assert "Traceback" not in res.output
    err_lines = [line for line in res.output.splitlines() if line.startswith("Error")]
    assert len(err_lines) == 1 and needle in err_lines[0]


def test_malicious_expression_is_not_evaluated(tmp_path, monkeypatch):
    marker = tmp_path / "pwned"
    res = run("kernel", "-a", f"__import__('pathlib').Path('{marker}').touch()")
    assert res.exit_code == 1
    assert not marker.exists()


def test_kernel_json_parses_and_carries_exact_values():
    res = run("kernel", "-a", "relu", "--at", "0", "--series", "3", "--json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    text = json.dumps(data)
    # He 2-layer ReLU NTK: k(0) = 1/pi (theory section 3), k(1) = 2
    assert "1/pi" in text
    assert "0.318309886" in text


def test_help_does_not_import_sympy_or_scipy():
    code = ("import sys; from asympt.cli.main import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in ('sympy', 'scipy', 'numpy', 'mpmath') if m in sys.modules]\n"
            "print('HEAVY', heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "HEAVY []" in out


def test_python_dash_m_entry_point():
    out = subprocess.run([sys.executable, "-m", "asympt", "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and "asympt" in out.stdout


def test_xi_main_job_explains_itself_and_gives_theory_values():
    res = run("xi", "--dim", "10", "--activation", "relu")
    assert res.exit_code == 0, res.output
    out = res.output
    # the setting in words, the chain, and xi = 3/d (theory section 7 sphere table)
    for needle in ("Setting", "network", "S^9", "target", "Eigenvalues", "Target", "Loss", "xi = 3/10"):
        assert needle in out


def test_xi_json_and_latex():
    res = run("xi", "--dim", "3", "--activation", "relu", "--json")
    data = json.loads(res.output)
    assert data["kind"] == "power" and data["xi"]["exact"] == "1" and data["C"]["exact"] == "1/24"
    res = run("xi", "--dim", "3", "--activation", "relu", "--target", "halfspace", "--json")
    assert json.loads(res.output)["L_inf"]["exact"] == "1/32"
    res = run("xi", "--dim", "3", "--activation", "relu", "--latex")
    assert res.output.strip() == r"L(t) \simeq \frac{1}{24}\, t^{-1}"


@pytest.mark.parametrize(("args", "needle"), [(("--target", "nope"), "unknown class"),
                                              (("--target", "cap:7"), "cap"),
                                              (("--activation", "erf", "--bias", "1", "--data", "euclidean"), "smooth"),
                                              (("--data", "euclidean"), "bias"),
                                              (("--lr", "100"), "diverges")])
def test_xi_refusals_are_one_line(args, needle):
    res = run("xi", "--dim", "3", *args)
    assert res.exit_code == 1 and "Traceback" not in res.output
    assert needle in res.output.splitlines()[-1]


def test_curve_table():
    res = run("curve", "--dim", "3", "--tmin", "100", "--tmax", "100", "--points", "1", "--json")
    assert res.exit_code == 0, res.output
    row = json.loads(res.output)["rows"][0]
    # theory section 7: 24 t L(t) = 0.734594 at t = 100
    assert abs(24 * 100 * float(row["loss"]) - 0.734594) < 1e-6


@pytest.mark.parametrize("command", ["kernel", "spectrum", "xi", "curve", "check", "table", "regime",
                                     "spectral-bias"])
def test_every_subcommand_help_exits_zero_in_a_real_process(command):
    # click's --help raises its Exit exception; the one-line error handler must let it through
    out = subprocess.run([sys.executable, "-m", "asympt", command, "--help"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "Usage:" in out.stdout and "internal error" not in out.stdout + out.stderr


# ---- validation before any work (issue 17) -------------------------------------------------------

from asympt.cli.types import LIMITS  # noqa: E402

REFUSED_BEFORE_WORK = [
    (("xi", "--dim", "3", "--sigma-w", "1e1000000000"), "exponent"),
    (("xi", "--dim", "3", "-a", "relu^1e1000000000"), "exponent"),
    (("xi", "--dim", "3", "-a", "leaky_relu:1e-1000000000"), "exponent"),
    (("xi", "--dim", "3", "--target", "sobolev:1e1000000000"), "exponent"),
    (("xi", "--dim", "3", "--target", "cap:" + "9" * 100), "digits"),
    (("regime", "--gamma", "1e1000000000", "--gamma-prime", "0"), "exponent"),
    (("regime", "--gamma", "1e30", "--gamma-prime", "0"), "magnitude"),
    (("xi", "--dim", "3", "--sigma-w", ""), "empty"),
    (("xi", "--dim", "3", "--sigma-w", "1,,2"), "empty"),
    (("xi", "--dim", "3", "--target", " "), "empty"),
    (("xi", "--dim", "3", "--sigma-w", "nan"), "number"),
    (("xi", "--dim", "3", "--lr", "nan"), "finite"),
    (("xi", "--dim", "3", "--lr", "inf"), "finite"),
    (("kernel", "--at", "nan"), "finite"),
    (("kernel", "--bias", "inf"), "finite"),
    (("curve", "--dim", "3", "--points", "2", "--tmax", "inf"), "finite"),
    (("curve", "--dim", "3", "--points", "2", "--tmax", "nan"), "finite"),
    (("curve", "--dim", "3", "--tmax", "1e300"), "--tmax"),
    (("curve", "--dim", "3", "--plot", "-"), "file name"),
    (("curve", "--dim", "3", "--plot", "no/such/dir/p.png"), "does not exist"),
    (("curve", "--dim", "3", "--plot", "p.xyz"), "must end in"),
    (("curve", "--dim", "3", "--plot", "a" * 300 + ".png"), "too long"),
    (("spectral-bias", "--dim", "3", "--degrees", "0..100000000"), str(LIMITS.degree)),
    (("spectral-bias", "--dim", "3", "--simulate", "--samples", "10000000", "--width", "1000000"), "limit"),
    (("spectral-bias", "--dim", "3", "--simulate", "--steps", "1000000"), "limit"),
    (("regime", "--init", "ntk", "--widths", "0..9"), "integers"),
    (("xi", "--dim", str(LIMITS.dim + 1)), "--dim"),
    (("xi", "--dim", str(LIMITS.dim_cap_target + 1), "--target", "cap:1"), "target 'cap:1'"),
    (("xi", "--dim", str(LIMITS.dim_deep_step + 1), "-a", "relu^0", "--layers", "3", "--train", "last"),
     "3-layer step network"),
    (("xi", "--dim", str(LIMITS.dim_deep_step + 1), "-a", "heaviside", "--layers", "4", "--train", "last"),
     "4-layer step network"),
    (("curve", "--dim", str(LIMITS.dim_deep_step + 1), "-a", "step", "--layers", "3", "--train", "last"),
     "--dim"),
    (("curve", "--dim", str(LIMITS.dim_curve + 1)), f"x<={LIMITS.dim_curve}"),
    (("spectral-bias", "--dim", str(LIMITS.dim_spectral_bias + 1)), str(LIMITS.dim_spectral_bias)),
    (("horizon", "--dim", str(LIMITS.dim_horizon + 1), "--width", "64", "--calibrate", "none"),
     f"x<={LIMITS.dim_horizon}"),
    (("check", "--dim", str(LIMITS.dim_check + 1), "--quiet"), f"x<={LIMITS.dim_check}"),
    (("spectrum", "--dim", "3", "--kmax", str(LIMITS.kmax + 1)), "--kmax"),
    (("xi", "--dim", "3", "--layers", "12"), "--layers"),
    (("xi", "--dim", "3", "-a", "x*tanh(x)", "--layers", str(LIMITS.layers_smooth + 1)), "layers"),
    (("spectrum", "--dim", "3", "--layers", str(LIMITS.layers_eigen + 1)), "layers"),
    (("xi", "--dim", "3", "-a", "x*tanh(x)", "--bias", "1", "--layers", str(LIMITS.layers_smooth_bias + 1)),
     "layers"),
    (("check", "--dim", "3", "-a", "erf", "--bias", "1", "--layers", str(LIMITS.layers_smooth_bias + 1), "--quiet"),
     "layers"),
    (("xi", "--dim", "3", "-a", "relu^20"), "relu^A"),
    (("kernel", "--layers", str(LIMITS.layers_kernel + 1)), "layers"),
    (("kernel", "--layers", "3", "--series", str(LIMITS.series_deep + 1)), "series"),
    (("kernel", "--bias", "1", "--series", str(LIMITS.series_deep + 1)), "series"),
    (("xi", "--dim", "3", "-a", "relu^5", "--layers", "3"), "layers"),
    (("xi", "--dim", "3", "-a", "x\x01"), "control"),
]


@pytest.mark.parametrize(("args", "needle"), REFUSED_BEFORE_WORK)
def test_bad_and_huge_input_is_refused_in_one_line_before_any_work(args, needle, monkeypatch):
    # any kernel construction would be work: make it fail loudly if reached
    import asympt.kernels.networks

    def no_work(*a, **k):
        raise AssertionError("validation came after work")

    monkeypatch.setattr(asympt.kernels.networks, "ntk", no_work)
    res = run(*args)
    assert res.exit_code in (1, 2), res.output
    assert "Traceback" not in res.output and "internal error" not in res.output, res.output
    err = [line for line in res.output.splitlines() if line.startswith("Error")]
    assert len(err) == 1 and needle in err[0], res.output


def test_invalid_utf8_in_argv_is_one_line():
    out = subprocess.run([sys.executable, "-m", "asympt", "kernel", "-a", b"\xff\xfe"], capture_output=True)
    assert out.returncode == 2 and b"not valid UTF-8" in out.stderr and b"Traceback" not in out.stderr


def test_the_limits_are_stated_in_help():
    assert f"2..{LIMITS.dim}" in run("xi", "--help").output
    assert f"2..{LIMITS.spectrum_dim}" in run("spectrum", "--help").output
    assert f"0..{LIMITS.kmax}" in run("spectrum", "--help").output
    assert f"{LIMITS.relu_power}" in run("kernel", "--help").output
    assert f"0..{LIMITS.degree}" in run("spectral-bias", "--help").output
    assert "asympt[plot]" in run("curve", "--help").output


@pytest.mark.slow
def test_limits_at_the_edge_are_accepted():
    res = run("xi", "--dim", str(LIMITS.dim), "--json")
    assert res.exit_code == 0, res.output
    res = run("kernel", "-a", f"relu^{LIMITS.relu_power}", "--series", "2", "--sigma-w", "1e-3,2/3", "--at", "-1")
    assert res.exit_code == 0, res.output


def test_xi_accepts_every_kernel_of_the_full_table_grid():
    """Every (activation, layers, bias, train) of `asympt table --grid full` is a setting `asympt xi` takes
    (the table computes them; the command must not refuse what the table prints)."""
    from asympt.cli.types import check_network_cost
    from asympt.tables import GRIDS, grid_groups

    for (act, layers, bias, _train), _rows in grid_groups(GRIDS["full"]):
        check_network_cost(act, layers, None if bias == "none" else 1.0, None, xi=True)


def test_the_registry_and_the_cli_name_lists_agree():
    from asympt.cli.types import HOMOGENEOUS, SMOOTH_NAMED
    from asympt.kernels.activations import _NAMED

    assert set(_NAMED) == set(HOMOGENEOUS) | set(SMOOTH_NAMED)


@pytest.mark.parametrize("args", [("-a", "erf", "--bias", "1", "--layers", "3"),
                                  ("-a", "sin", "--bias", "1", "--layers", "4"),
                                  ("-a", "relu3", "--bias", "1", "--layers", "4", "--train", "last")])
def test_deep_settings_of_the_full_grid_run_in_xi(args):
    res = run("xi", "--dim", "20", *args, "--json")
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["kind"] in ("power", "power-like", "super-polynomial")
