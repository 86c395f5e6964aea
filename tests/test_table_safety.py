"""Safety of ``asympt table`` output: locks, foreign files, bounded reads, checks of resumed rows,
no stray directories or journals, and kill-and-resume giving the same bytes."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from asympt import __version__
from asympt import tables as T
from asympt.cli.main import main
from asympt.core.errors import AsymptError, InvalidInput
from asympt.tables.files import locked

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ONE = T.Grid(activations=("relu",), layers=(2,), biases=("1",), trains=("last",), datas=("sphere",),
             targets=("neuron", "halfspace"), dims=(3, 5))
SMALL_ARGS = ["--activations", "relu", "--dims", "3,5", "--layers", "2", "--bias", "1", "--train", "last",
              "--data", "sphere", "--targets", "neuron,halfspace", "--quiet"]


def build(tmp_path, names, grid=ONE, **kw):
    outs = [str(tmp_path / n) for n in names]
    return T.build_table(grid, outs, command="asympt table (test)", version=__version__, **kw), outs


def cli(tmp_path, *args):
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        return CliRunner().invoke(main, ["table", *SMALL_ARGS, *args])
    finally:
        os.chdir(cwd)


def one_line_error(res, code=1):
    assert res.exit_code == code, res.output
    assert "Traceback" not in res.output and "internal error" not in res.output
    errors = [ln for ln in res.output.splitlines() if ln.startswith("Error")]
    assert len(errors) == 1, res.output
    return errors[0]


# ---- files asympt did not write --------------------------------------------------------------------

@pytest.mark.parametrize("name,content", [
    ("notes.md", b"# my notes\n\nnot a table\n"),
    ("data.csv", b"a,b,c\n1,2,3\n"),
    ("blob.csv", bytes(range(256)) * 10),
    ("deep.json", b"[" * 100000 + b"]" * 100000),
    ("data.json", b'{"rows": [], "columns": []}'),
])
def test_foreign_files_are_refused_and_left_unchanged(tmp_path, name, content):
    (tmp_path / name).write_bytes(content)
    line = one_line_error(cli(tmp_path, "-o", name))
    assert name in line and ("not written by asympt" in line or "not a text file" in line)
    assert (tmp_path / name).read_bytes() == content
    with pytest.raises(InvalidInput):   # also refused with --fresh
        build(tmp_path, [name], resume=False)
    assert (tmp_path / name).read_bytes() == content


def test_links_devices_and_huge_files_are_refused(tmp_path):
    os.symlink("/dev/full", tmp_path / "full.csv")
    assert "symbolic link" in one_line_error(cli(tmp_path, "-o", "full.csv"))
    (tmp_path / "big.csv").write_bytes(b"#" * 10)
    os.truncate(tmp_path / "big.csv", T.MAX_READ_BYTES + 1)   # sparse: no disk used
    assert "larger" in one_line_error(cli(tmp_path, "-o", "big.csv"))
    (tmp_path / "dir.csv").mkdir()
    one_line_error(cli(tmp_path, "-o", "dir.csv"))


def test_journal_that_is_a_link_is_refused(tmp_path):
    os.symlink("/dev/zero", tmp_path / "t.csv.partial")
    assert "symbolic link" in one_line_error(cli(tmp_path, "-o", "t.csv"))


# ---- resumed rows are checked ------------------------------------------------------------------------

def _edit(path, key_prefix, column, value):
    rows = T.read_rows(path)
    cols = list(T.COLUMNS)
    lines = open(path, encoding="utf-8").read().splitlines()
    for i, ln in enumerate(lines):
        if ln.startswith(key_prefix):
            cells = ln.split(",")
            cells[cols.index(column)] = value
            lines[i] = ",".join(cells)
            break
    else:
        raise AssertionError(key_prefix)
    open(path, "w", encoding="utf-8").write("\n".join(lines) + "\n")
    return rows


def test_a_hand_edited_value_does_not_survive_regeneration(tmp_path):
    _, (csv_path, json_path, md_path) = build(tmp_path, ["t.csv", "t.json", "t.md"])
    original = {f: open(f, encoding="utf-8").read() for f in (csv_path, json_path, md_path)}
    row = next(r for r in T.read_rows(csv_path) if r["kind"] == "power" and r["dim"] == 3)
    assert "/" in row["xi"] or row["xi"].isdigit()   # a plain rational: the cheap check applies
    # xi edited in the CSV only: inconsistent with xi_decimal and with the JSON -> recomputed
    _edit(csv_path, "relu,2,1,last,sphere,neuron,3,", "xi", "7/2")
    again, _ = build(tmp_path, ["t.csv", "t.json", "t.md"], resume_sample=0)
    assert again["rechecked"] == 1 and again["computed"] == 1
    assert {f: open(f, encoding="utf-8").read() for f in original} == original


def test_a_consistent_edit_is_caught_by_the_recomputed_sample(tmp_path):
    _, (csv_path,) = build(tmp_path, ["t.csv"])
    original = open(csv_path, encoding="utf-8").read()
    _edit(csv_path, "relu,2,1,last,sphere,neuron,3,", "note", "edited by hand")
    edited = open(csv_path, encoding="utf-8").read()
    with pytest.raises(InvalidInput, match="differs from a recomputation"):
        build(tmp_path, ["t.csv"], resume_sample=len(T.grid_rows(ONE)))
    assert open(csv_path, encoding="utf-8").read() == edited      # refused: nothing written
    fresh, _ = build(tmp_path, ["t.csv"], resume=False)
    assert fresh["computed"] == fresh["rows"] and open(csv_path, encoding="utf-8").read() == original


def test_the_cli_says_how_to_recompute_when_a_resumed_row_is_refused(tmp_path, monkeypatch):
    """The library's message names no option; the command adds its own (--fresh)."""
    def refused(*args, **kwargs):
        raise T.ResumeRefused("row x of the existing outputs differs from a recomputation")

    monkeypatch.setattr(T, "build_table", refused)
    line = one_line_error(cli(tmp_path, "-o", "t.csv"))
    assert line.endswith("differs from a recomputation: rerun with --fresh"), line


def test_rows_under_a_different_header_are_recomputed(tmp_path):
    _, (csv_path,) = build(tmp_path, ["t.csv"])
    original = open(csv_path, encoding="utf-8").read()
    open(csv_path, "w", encoding="utf-8").write(original.replace(",A_odd,note", ",A_odd2,note"))
    again, _ = build(tmp_path, ["t.csv"], resume_sample=0)
    assert again["computed"] == again["rows"]
    assert open(csv_path, encoding="utf-8").read() == original
    open(csv_path, "w", encoding="utf-8").write(original.replace(f"asympt {__version__} with", "asympt 0.0.1 with"))
    again, _ = build(tmp_path, ["t.csv"], resume_sample=0)
    assert again["computed"] == again["rows"] and open(csv_path, encoding="utf-8").read() == original


# ---- locks, directories, journals -----------------------------------------------------------------

def test_a_second_run_into_locked_outputs_fails_at_once(tmp_path):
    outs = [str(tmp_path / "t.csv"), str(tmp_path / "t.md")]
    with locked([outs[1]]):
        with pytest.raises(InvalidInput, match="another 'asympt table' run"):
            T.build_table(ONE, outs, command="c", version=__version__)
    assert not os.path.exists(outs[0]) and not os.path.exists(outs[1])
    T.build_table(ONE, outs, command="c", version=__version__)   # free again; no lock files left
    assert sorted(os.listdir(tmp_path)) == ["t.csv", "t.md"]


def test_no_stray_directory_or_empty_journal_after_a_failure(tmp_path, monkeypatch):
    (tmp_path / "t.csv").write_text("foreign\n")
    line = one_line_error(cli(tmp_path, "-o", "t.csv", "-o", "{activation}/x.md"))
    assert "not written by asympt" in line
    assert sorted(os.listdir(tmp_path)) == ["t.csv"]

    import asympt.checks.run as check

    def failing(*a, **k):
        raise InvalidInput("verification failed on purpose")

    monkeypatch.setattr(check, "verify_row", failing)
    with pytest.raises(AsymptError):
        build(tmp_path, ["sub/v.csv"], verify=True, verify_n=200)
    assert sorted(os.listdir(tmp_path)) == ["t.csv"]


def _run(args, cwd):
    env = dict(os.environ, PYTHONPATH=ROOT, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    return subprocess.Popen([sys.executable, "-m", "asympt", "table", *args], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.mark.slow
def test_identical_concurrent_runs_lose_nothing(tmp_path):
    args = SMALL_ARGS + ["--activations", "relu,abs", "-o", "t.csv", "-o", "t.json"]
    ref = tmp_path / "ref"
    ref.mkdir()
    assert _run(args, ref).wait(timeout=300) == 0
    run = tmp_path / "run"
    run.mkdir()
    procs = [_run(args, run) for _ in range(3)]
    results = [(p.wait(timeout=300), p.stderr.read().decode()) for p in procs]
    assert any(code == 0 for code, _ in results)
    for code, err in results:
        assert "Traceback" not in err and "internal error" not in err
        assert code == 0 or (code == 1 and "another 'asympt table' run" in err), err
    for f in ("t.csv", "t.json"):
        assert (run / f).read_bytes() == (ref / f).read_bytes()
    assert sorted(os.listdir(run)) == ["t.csv", "t.json"]


@pytest.mark.slow
def test_kill_and_resume_is_byte_identical(tmp_path):
    args = SMALL_ARGS + ["--activations", "relu,abs,leaky_relu,relu^2", "-o", "t.csv", "-o", "t.json",
                         "-o", "t_{activation}.md"]
    ref = tmp_path / "ref"
    ref.mkdir()
    assert _run(args, ref).wait(timeout=600) == 0
    run = tmp_path / "run"
    run.mkdir()
    journal = run / "t.csv.partial"
    kills = 0
    for _ in range(3):   # kill as soon as the journal holds a row, then resume
        p = _run(args, run)
        t0 = time.time()
        while p.poll() is None and time.time() - t0 < 300:
            if journal.exists() and journal.stat().st_size > 0:
                p.send_signal(signal.SIGKILL)
                kills += 1
                break
            time.sleep(0.05)
        p.wait(timeout=300)
    assert kills >= 1
    assert _run(args, run).wait(timeout=600) == 0
    for f in os.listdir(ref):
        assert (run / f).read_bytes() == (ref / f).read_bytes(), f
    assert not journal.exists()
    assert json.loads((run / "t.json").read_text())["command"].startswith("asympt table")


def test_an_unreachable_dask_scheduler_is_a_one_line_error_after_the_timeout(tmp_path, monkeypatch):
    """A stand-in ``distributed`` whose Client fails as the real one does when nothing listens."""
    import types

    seen = {}

    class Client:
        def __init__(self, address, timeout=None):
            seen["timeout"] = timeout
            raise OSError(f"Timed out trying to connect to {address} after {timeout} s")

    monkeypatch.setitem(sys.modules, "distributed", types.ModuleType("distributed"))
    monkeypatch.setattr(sys.modules["distributed"], "Client", Client, raising=False)
    line = one_line_error(cli(tmp_path, "-o", "t.csv", "--executor", "dask", "--scheduler", "tcp://127.0.0.1:1"))
    assert "cannot reach the Dask scheduler" in line
    from asympt.cli.types import LIMITS

    assert seen["timeout"] == LIMITS.dask_connect
    assert os.listdir(tmp_path) == []
