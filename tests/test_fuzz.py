"""Fuzzing the command line: random option combinations for every sub-command, each run in its own
process under a time and a memory limit, must end with exit code 0, 1 or 2, without a traceback,
without "internal error", and in time.

The default variant draws a few dozen cases, most with at least one hostile value (nan, inf, empty,
huge exponents, huge ranges, invalid UTF-8, code, oversized text) next to small valid settings; the
slow variant (``-m slow``) draws many more, with the full documented ranges.
"""

import os
import resource
import subprocess
import sys

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from asympt.cli.types import LIMITS  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
#: per case: the issue's bar is 60 s and 2 GB. The 60 s are CPU seconds of the child (the wall clock of a
#: shared CI machine is not the program's time); the wall clock only guards against a hang
TIME_LIMIT = 60
WALL_LIMIT = 240
MEMORY_LIMIT = 2 * 2**30
#: asympt check documents minutes (it shows a progress bar on a terminal)
CHECK_TIME_LIMIT = 300

HOSTILE = ["nan", "inf", "-inf", "", " ", "1e1000000000", "-1e-1000000000", "9" * 5000, "1" * 50, "0", "-1",
           "1/0", "0x10", "1_000", "__import__('os').system('true')", "x#__import__('os')", "ｘ**2", "𝑥",
           "a" * 2000, "1e40", "3..1000000000", "0..100000000", "1,", ",", "..", "π", "\t", "1e-41",
           b"\xff\xfe", b"x\x80", "relu^1e1000000000", "sobolev:1e1000000000", "cap:1e999"]

ACTIVATIONS = ["relu", "step", "relu^3/2", "relu^5", "relu^6", "relu^20", "leaky_relu:0.2", "abs", "erf", "gelu",
               "sin", "identity", "x**3 - x", "tanh", "1/(x**2+1)", "exp(x**2)", "relu2"]
TARGETS = ["neuron", "halfspace", "sobolev:2", "cap:1", "cap:pi/3", "harmonic:3", "powerlaw:2", "rkhs:1",
           "neuron:erf", "sobolev:1e1000000000"]


def ints(lo, hi):
    return st.integers(lo, hi).map(str)


def hostile():
    return st.sampled_from(HOSTILE)


def opt(name, valid, p_hostile=0.3):
    """(name, value) with the value valid or hostile."""
    return st.tuples(st.just(name), st.one_of(valid, hostile()) if p_hostile else valid)


NETWORK = {
    "--activation": st.sampled_from(ACTIVATIONS),
    "--layers": ints(1, 7),
    "--bias": st.sampled_from(["0", "0.5", "1", "1e6", "2e6"]),
    "--sigma-w": st.sampled_from(["1", "1,1", "2,0.5", "3/2", "-1", "1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1"]),
    "--sigma-b": st.sampled_from(["0", "0,1", "1"]),
    "--train": st.sampled_from(["all", "last", "last-weights", "1,3", "7"]),
    "--convention": st.sampled_from(["he", "neural_tangents", "other"]),
}


def small_dim(big=False):
    return ints(2, LIMITS.dim + 5) if big else ints(2, 5)


def command_cases(big=False):
    """Strategy of (argv list, tmp-dir flag) for every sub-command."""
    def build(cmd, fixed, optional, k):
        picks = [opt(n, v) if v is not None else st.just((n,)) for n, v in optional.items()]
        return st.lists(st.one_of(*picks), max_size=k).map(
            lambda picks: [cmd] + fixed + [str(x) if not isinstance(x, bytes) else x for p in picks for x in p])

    net = dict(NETWORK)
    dim = small_dim(big)
    common = {"--dim": dim, **net}
    cases = [
        st.tuples(st.just("kernel"), st.lists(st.one_of(
            *[opt(n, v) for n, v in {**net, "--at": st.sampled_from(["0", "0.3", "-1", "1", "2"]),
                                    "--series": ints(0, 41), "--digits": ints(4, 101)}.items()]),
            max_size=4)).map(lambda t: [t[0]] + [x for p in t[1] for x in p]),
        build("spectrum", [], {**common, "--kmax": ints(0, LIMITS.kmax + 1 if big else 40),
                               "--digits": ints(1, 60 if big else 20),
                               "--tier": st.sampled_from(["auto", "exact", "mpmath", "float64", "x"])}, 4),
        build("xi", [], {**common, "--target": st.sampled_from(TARGETS),
                         "--data": st.sampled_from(["sphere", "euclidean"]),
                         "--lr": st.sampled_from(["0.1", "1e-3", "0", "1e7"]),
                         "--init": st.sampled_from(["ntk", "lecun", "mean-field"]),
                         "--width": ints(1, 10**4)}, 4),
        build("curve", [], {**common, "--target": st.sampled_from(TARGETS[:4]),
                            "--tmin": st.sampled_from(["1", "1e-7", "100"]),
                            "--tmax": st.sampled_from(["1e3", "1e6", "1e16", "0.5"]),
                            "--points": ints(1, 10 if not big else 60), "--digits": ints(4, 20),
                            "--plot": st.sampled_from(["-", "p.png", "p.xyz", "no/such/dir/p.png", "a" * 300])}, 4),
        build("spectral-bias", [], {**common, "--degrees": st.sampled_from(["0..4", "1,2", "0..100000000", "5..2",
                                                                             "-1..3", "0..1001"]),
                                    "--lr": st.sampled_from(["0.5", "2", "nan"]),
                                    "--steps": ints(0, 10**9),
                                    "--target": st.sampled_from(TARGETS[:3]),
                                    "--simulate": None, "--json": None,
                                    "--width": ints(1, 10**6), "--samples": ints(1, 10**7),
                                    "--seeds": ints(0, 1001)}, 3),
        build("regime", [], {"--init": st.sampled_from(["ntk", "mean-field", "lecun", "he", "xavier"]),
                             "--alpha": st.sampled_from(["m**0.5", "m", "m + 1", "m**1e1000000000"]),
                             "--beta1": st.sampled_from(["1", "m**-0.5", "1/sqrt(d)"]),
                             "--gamma": st.sampled_from(["1.5", "1/2", "1e1000000000", "0"]),
                             "--gamma-prime": st.sampled_from(["0.5", "-1", "3/2"]),
                             "--dim": dim, "--width": ints(1, 10**4),
                             "--activation": st.sampled_from(ACTIVATIONS[:6]),
                             "--widths": st.sampled_from(["4,8", "500,2000", "3", "1,2,3,4,5,6,7,8,9,10", "0..9"])},
              4),
        # a small grid first (the full grid takes minutes by design); later options override it
        build("table", ["-o", "t.csv", "--activations", "relu", "--dims", "3", "--layers", "2", "--bias", "1",
                        "--train", "last", "--targets", "neuron", "--quiet"], {"--activations": st.sampled_from(["relu", "swish", "relu,abs"]),
                                         "--dims": st.sampled_from(["3", "3..1000000000", "1", "3,4"]),
                                         "--layers": st.sampled_from(["2", "5"]),
                                         "--bias": st.sampled_from(["none", "1", "2"]),
                                         "--train": st.sampled_from(["last", "all"]),
                                         "--targets": st.sampled_from(["neuron", "halfspace"]),
                                         "-o": st.sampled_from(["t.md", "{activation}/x.md", "t.txt", "-",
                                                                "/dev/full", "no/such.json"]),
                                         "--verify-n": ints(1, 10**6),
                                         "--executor": st.sampled_from(["local", "dask"]),
                                         "--scheduler": st.sampled_from(["tcp://127.0.0.1:1", "x y"]),
                                         "--fresh": None, "--json": None}, 4),
        # check takes minutes by design: the default variant sends it hostile values only
        build("check", ["--dim", "3", "--n", "200", "--quiet"] if big else ["--quiet"],
              {"--dim": st.sampled_from(["1", "nan", "10**6", "3"]) if not big else dim,
               "--n": ints(1, 10**5) if not big else ints(200, 2000),
               "--target": st.sampled_from(TARGETS),
               "--only": st.sampled_from(["spectrum", "nothing"]),
               "--widths": st.sampled_from(["1,2", "250,1000,4000", "0..9"]),
               "--plot": st.sampled_from(["-", "p.png", "no/such/p.png"]),
               "--data": st.sampled_from(["sphere", "cube", "x"])}, 3).filter(
            lambda a: big or any(x in HOSTILE or x in ("1", "nan", "10**6", "nothing", "x", "-", "no/such/p.png")
                                 for x in a[1:])),
    ]
    return st.one_of(*cases)


def _limits(cpu):  # pragma: no cover - runs in the child
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu + 5, cpu + 10))


def run_case(argv, cwd, root=ROOT):
    env = dict(os.environ, PYTHONPATH=root, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1",
               MKL_NUM_THREADS="1", PYTHONIOENCODING="utf-8")
    args = [sys.executable, "-m", "asympt"] + [a if isinstance(a, bytes) else os.fsencode(a) for a in argv]
    cpu_limit = CHECK_TIME_LIMIT if argv and argv[0] == "check" else TIME_LIMIT
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        res = subprocess.run(args, cwd=cwd, env=env, capture_output=True, timeout=max(WALL_LIMIT, 2 * cpu_limit),
                             preexec_fn=lambda: _limits(cpu_limit), stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        pytest.fail(f"no answer within {max(WALL_LIMIT, 2 * cpu_limit)} s: asympt {_show(argv)}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    out = (res.stdout + res.stderr).decode("utf-8", "replace")
    where = f"asympt {_show(argv)} -> exit {res.returncode} after {cpu:.1f} CPU s:\n{out[-1500:]}"
    assert cpu < cpu_limit, "too slow: " + where
    assert res.returncode in (0, 1, 2), where
    assert "Traceback" not in out, where
    assert "internal error" not in out, where
    if res.returncode and not (argv[0] == "check" and res.returncode == 1 and "Error" not in out):
        errors = [ln for ln in out.splitlines() if ln.startswith("Error")]
        assert len(errors) == 1, where
    return res


def _show(argv):
    return " ".join(repr(a) if isinstance(a, bytes) else (a if a and " " not in a else repr(a)) for a in argv)


@pytest.mark.parametrize("body", ["raise RuntimeError('boom')",
                                  "print('Error: internal error (X): y. Please report'); raise SystemExit(1)",
                                  "import time; time.sleep(0)\nraise SystemExit(3)"])
def test_the_oracle_can_fail(tmp_path, body):
    """run_case reports a traceback, an internal error and a strange exit code (a stand-in package)."""
    (tmp_path / "asympt").mkdir()
    (tmp_path / "asympt" / "__init__.py").write_text("")
    (tmp_path / "asympt" / "__main__.py").write_text(body + "\n")
    with pytest.raises(AssertionError):
        run_case([], str(tmp_path), root=str(tmp_path))


@pytest.mark.parametrize("argv", [
    ["xi", "--dim", "3", "--sigma-w", "1e1000000000"], ["xi", "--dim", "3", "--lr", "nan"],
    ["kernel", "--at", "nan"], ["curve", "--dim", "3", "--points", "2", "--tmax", "inf"],
    ["xi", "--dim", "3", "--sigma-w", ""], ["regime", "--gamma", "1e1000000000", "--gamma-prime", "0"],
    ["spectral-bias", "--dim", "3", "--degrees", "0..100000000"], ["kernel", "-a", b"\xff\xfe"],
    ["xi", "--dim", "3", "--layers", "12"], ["xi", "--dim", "3", "-a", "relu^20"],
    ["curve", "--dim", "3", "--plot", "-"], ["table", "-o", "t.csv", "--dims", "3..1000000000"],
])
def test_issue_cases_are_one_line_errors(argv, tmp_path):
    res = run_case(argv, str(tmp_path))
    assert res.returncode in (1, 2)


@settings(max_examples=36, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(argv=command_cases())
def test_fuzz_every_command(argv):
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        run_case(argv, d)


@pytest.mark.slow
@settings(max_examples=600, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(argv=command_cases(big=True))
def test_fuzz_every_command_many_cases(argv):
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        run_case(argv, d)
