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
           b"\xff\xfe", b"x\x80", "relu^1e1000000000", "sobolev:1e1000000000", "cap:1e999",
           # injection markers: any of these, if evaluated, creates the file MARKER in the working directory
           "__import__('os').system('touch PWNED')", "open('PWNED','w')", "x+__import__('os').system('touch PWNED')",
           "exec(\"open('PWNED','w')\")", "sobolev:__import__('os').system('touch PWNED')",
           "neuron:open('PWNED','w')", "$(touch PWNED)", "`touch PWNED`", "PWNED;touch PWNED"]
MARKER = "PWNED"

ACTIVATIONS = ["relu", "step", "relu^3/2", "relu^5", "relu^6", "relu^20", "leaky_relu:0.2", "abs", "erf", "gelu",
               "sin", "identity", "x**3 - x", "tanh", "1/(x**2+1)", "exp(x**2)", "relu2"]
TARGETS = ["neuron", "halfspace", "sobolev:2", "cap:1", "cap:pi/3", "harmonic:3", "powerlaw:2", "rkhs:1",
           "neuron:erf", "sobolev:1e1000000000"]


def ints(lo, hi):
    return st.integers(lo, hi).map(str)


def hostile():
    return st.sampled_from(HOSTILE)


def opt(name, valid, hostile_share=2):
    """(name, value) with the value valid or hostile: one hostile draw in ``hostile_share``."""
    if not hostile_share:
        return st.tuples(st.just(name), valid)
    return st.tuples(st.just(name), st.one_of(*([valid] * (hostile_share - 1)), hostile()))


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
    """Small dimensions, and with ``big`` also the documented ranges (the commands' own caps and xi's, +5)."""
    if not big:
        return ints(2, 5)
    return st.one_of(ints(2, 30), ints(2, LIMITS.dim_curve + 5), ints(2, LIMITS.dim + 5))


def command_cases(big=False):
    """Strategy of (argv list, tmp-dir flag) for every sub-command."""
    def build(cmd, fixed, optional, k):
        # the slow variant draws more valid values, so that more cases reach the computation
        picks = [opt(n, v, 4 if big else 2) if v is not None else st.just((n,)) for n, v in optional.items()]
        return st.lists(st.one_of(*picks), max_size=k).map(
            lambda picks: [cmd] + fixed + [str(x) if not isinstance(x, bytes) else x for p in picks for x in p])

    net = dict(NETWORK)
    DIM3 = ["--dim", "3"]        # the slow variant starts from a valid --dim (a later --dim overrides it)
    dim = small_dim(big)
    common = {"--dim": dim, **net}
    cases = [
        st.tuples(st.just("kernel"), st.lists(st.one_of(
            *[opt(n, v) for n, v in {**net, "--at": st.sampled_from(["0", "0.3", "-1", "1", "2"]),
                                    "--series": ints(0, 41), "--digits": ints(4, 101)}.items()]),
            max_size=4)).map(lambda t: [t[0]] + [x for p in t[1] for x in p]),
        build("spectrum", DIM3 if big else [], {**common, "--kmax": ints(0, LIMITS.kmax + 1 if big else 40),
                               "--digits": ints(1, 60 if big else 20),
                               "--tier": st.sampled_from(["auto", "exact", "mpmath", "float64", "x"])}, 4),
        build("xi", DIM3 if big else [], {**common, "--target": st.sampled_from(TARGETS),
                         "--data": st.sampled_from(["sphere", "euclidean"]),
                         "--lr": st.sampled_from(["0.1", "1e-3", "0", "1e7"]),
                         "--init": st.sampled_from(["ntk", "lecun", "mean-field"]),
                         "--width": ints(1, 10**4)}, 4),
        build("curve", DIM3 if big else [], {**common, "--target": st.sampled_from(TARGETS[:4]),
                            "--tmin": st.sampled_from(["1", "1e-7", "100"]),
                            "--tmax": st.sampled_from(["1e3", "1e6", "1e16", "0.5"]),
                            "--points": ints(1, 10 if not big else 60), "--digits": ints(4, 20),
                            "--plot": st.sampled_from(["-", "p.png", "p.xyz", "no/such/dir/p.png", "a" * 300])}, 4),
        build("spectral-bias", DIM3 if big else [], {**common, "--degrees": st.sampled_from(["0..4", "1,2", "0..100000000", "5..2",
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
        build("gd-risk", ["-M", "200", "-N", "100", "-T", "3"], {
            "--samples": ints(1, 20_000) if big else st.sampled_from(["9", "200", "2000", "200001"]),
            "--features": ints(1, 10_000) if big else st.sampled_from(["9", "100", "1000", "100001"]),
            "--width": ints(0, 9), "--activation": st.sampled_from(["linear", "tanh", "erf", "softplus", "relu", "gelu"]),
            "--depth": ints(1, 4), "--link": st.sampled_from(["s", "tanh(2*s) + 0.3*s", "erf(s)", "s**3/3 + s", "exp(s)",
                                                            "exp(s**2)", "1/s", "y", "s**100", "gelu(s)"]),
            "--noise": st.sampled_from(["0", "0.5", "-1", "1e300"]), "--steps": ints(0, 200 if big else 20),
            "--lr": st.sampled_from(["auto", "0.01", "1e9", "-1", "0"]), "--head-lr": st.sampled_from(["0", "0.5", "11"]),
            "--window": ints(0, 30), "--seed": ints(0, 5), "--simulate": None, "--linear": None,
            "--plot": st.sampled_from(["p.png", "p.xyz", "no/such/dir/p.png", "-"]), "--json": None}, 4),
        build("horizon", ["--dim", "3"] + (["--calibrate", "none"] if not big else []), {
            "--dim": dim, **net, "--target": st.sampled_from(TARGETS[:3] + ["sign", "linear"]),
            "--width": ints(1, 10**6), "--tol": st.sampled_from(["0.1", "0", "1", "0.5"]),
            "--calibrate": st.sampled_from(["none", "250,1000", "3", "8,16", "0..9"]),
            "--samples": ints(9, 2000), "--seeds": ints(0, 3), "--tmax": st.sampled_from(["10", "400", "1e6"]),
            "--lr": st.sampled_from(["0.5", "0", "1e9"]), "--early": None, "--simulate": None,
            "--widths": st.sampled_from(["64,256", "3", "0..9"]), "--late-fraction": st.sampled_from(["0.05", "0.6"]),
            "--plot": st.sampled_from(["p.png", "-"]), "--json": None}, 3).map(
            lambda a: a if "--width" in a else a + ["--width", "64"]),
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
    assert not os.path.exists(os.path.join(cwd, MARKER)), "injection: " + where
    if res.returncode and not (argv[0] == "check" and res.returncode == 1 and "Error" not in out):
        errors = [ln for ln in out.splitlines() if ln.startswith("Error")]
        assert len(errors) == 1, where
    return res


def _show(argv):
    return " ".join(repr(a) if isinstance(a, bytes) else (a if a and " " not in a else repr(a)) for a in argv)


@pytest.mark.parametrize("body", ["raise RuntimeError('boom')",
                                  "print('Error: internal error (X): y. Please report'); raise SystemExit(1)",
                                  "import time; time.sleep(0)\nraise SystemExit(3)",
                                  "open('PWNED', 'w').close()"])
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


# ----------------------------------------------------------------------------------------------
# Campaign mode: python tests/test_fuzz.py --cases N --seed S --out FILE.jsonl
# ----------------------------------------------------------------------------------------------


def _campaign_case(argv, cpu_limit=TIME_LIMIT, memory_bar=2 * 10**9, address_limit=6 * 2**30):
    """Run one case like run_case, but classify instead of asserting: one dict per case with the exit
    code, the child's own CPU seconds and peak RSS (os.wait4), and the findings."""
    import tempfile
    import time

    env = dict(os.environ, PYTHONPATH=ROOT, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1",
               PYTHONIOENCODING="utf-8")
    args = [sys.executable, "-m", "asympt"] + [a if isinstance(a, bytes) else os.fsencode(a) for a in argv]

    def limits():  # pragma: no cover - runs in the child
        resource.setrlimit(resource.RLIMIT_AS, (address_limit, address_limit))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_limit, cpu_limit + 5))

    with tempfile.TemporaryDirectory() as d, tempfile.TemporaryFile() as out:
        t0 = time.time()
        p = subprocess.Popen(args, cwd=d, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                             preexec_fn=limits)
        deadline = t0 + 4 * cpu_limit + 60
        while True:
            pid, status, usage = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            if time.time() > deadline:
                p.kill()
            time.sleep(0.05)
        p.returncode = os.waitstatus_to_exitcode(status)
        injected = os.path.exists(os.path.join(d, MARKER))
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    cpu = usage.ru_utime + usage.ru_stime
    rss = usage.ru_maxrss * 1024
    errors = [ln for ln in text.splitlines() if ln.startswith("Error")]
    findings = []
    if "Traceback" in text:
        findings.append("traceback")
    if "internal error" in text:
        findings.append("internal error")
    if cpu >= cpu_limit or p.returncode in (-24, -9, 152):        # SIGXCPU / killed at the CPU limit
        findings.append("past 60 s")
    if rss > memory_bar or "MemoryError" in text:
        findings.append("past 2 GB")
    if injected:
        findings.append("injection")
    if p.returncode not in (0, 1, 2) and "past 60 s" not in findings:
        findings.append(f"exit {p.returncode}")
    if p.returncode in (1, 2) and len(errors) != 1 and not (argv[0] == "check" and "Error" not in text):
        findings.append("not one Error line")
    return {"argv": [a.decode("latin-1") if isinstance(a, bytes) else a for a in argv], "rc": p.returncode,
            "cpu": round(cpu, 2), "wall": round(time.time() - t0, 2), "rss_mb": round(rss / 1e6, 1),
            "findings": findings, "tail": text[-400:] if findings else text[-120:]}


def _campaign(cases: int, seed: int, out_path: str, big: bool = True):
    """Draw ``cases`` argument lists from the fuzz strategy with a fixed seed and run each one."""
    import json

    from hypothesis import seed as hseed

    done = 0
    if os.path.exists(out_path):
        with open(out_path) as fh:
            done = sum(1 for _ in fh)

    @hseed(seed)
    @settings(max_examples=cases, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(argv=command_cases(big=big))
    def run(argv):
        run.count += 1
        if run.count <= done:            # resume: the same seed draws the same cases in the same order
            return
        rec = _campaign_case(argv)
        rec["case"] = run.count
        with open(out_path, "a") as fh:
            fh.write(json.dumps(rec) + "\n")

    run.count = 0
    run()


if __name__ == "__main__":  # pragma: no cover - a manual campaign, not a test
    import argparse

    parser = argparse.ArgumentParser(description="Fuzz campaign over every sub-command (see the module docstring).")
    parser.add_argument("--cases", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--out", required=True)
    parser.add_argument("--small", action="store_true", help="the default variant's strategy instead of the slow one")
    ns = parser.parse_args()
    _campaign(ns.cases, ns.seed, ns.out, big=not ns.small)
