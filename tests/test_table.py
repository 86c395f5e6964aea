"""Reference tables (asympt.tables, ``asympt table``).

Independent references: exponents typed from the theory notes section 7 (sphere summary table, worked case,
plateaus) and section 8 (euclidean closed forms); constants C and A_p recomputed here with mpmath from
theory section 5 (A_p table) and section 6 (neuron energies B), with C = rho (B/(2 alpha)) Gamma(xi)
(2A)^-xi of section 7. The drift test recomputes a sample of rows of every committed table in tables/.
"""

import dataclasses
import glob
import os
from fractions import Fraction

import mpmath
import pytest
import sympy
from click.testing import CliRunner

from asympt import __version__
from asympt import tables as T
from asympt.cli.table import table as table_cmd

ROOT = os.path.join(os.path.dirname(__file__), "..")
TABLES = os.path.join(ROOT, "tables")


def rows_for(group, specs):
    """{(data, target, dim): row} for one kernel group."""
    return {(r["data"], r["target"], r["dim"]): r for r in T.compute_group(group, specs)}


def frac(text):
    return Fraction(text)


# ---- exponents: theory section 7 sphere summary table and section 8 --------------------------------

def test_relu_two_layer_rows_match_theory_summary_table():
    dims = (3, 7)
    specs = [(data, t, d) for data in ("sphere",) for t in T.TARGETS for d in dims]
    ntk_nb = rows_for(("relu", 2, "none", "all"), specs)
    rf_nb = rows_for(("relu", 2, "none", "last"), specs)
    for d in dims:
        # ReLU NTK, no bias: alpha = d on even k only; ReLU neuron 3/d, step neuron and Sobolev: plateau
        assert ntk_nb[("sphere", "neuron", d)]["kind"] == "power"
        assert frac(ntk_nb[("sphere", "neuron", d)]["xi"]) == Fraction(3, d)
        assert frac(ntk_nb[("sphere", "neuron", d)]["alpha"]) == d
        assert ntk_nb[("sphere", "neuron", d)]["A_odd"] == "0"
        assert ntk_nb[("sphere", "halfspace", d)]["kind"] == "plateau"
        for s in (1, 2, 3):
            assert ntk_nb[("sphere", f"sobolev:{s}", d)]["kind"] == "plateau"
        # ReLU random features, no bias: alpha = d + 2, 3/(d+2), plateaus
        assert frac(rf_nb[("sphere", "neuron", d)]["xi"]) == Fraction(3, d + 2)
        assert frac(rf_nb[("sphere", "neuron", d)]["alpha"]) == d + 2
        assert rf_nb[("sphere", "halfspace", d)]["kind"] == "plateau"


@pytest.mark.slow
def test_bias_and_depth_rows_match_theory_summary_table():
    dims = (3, 6)
    specs = [("sphere", t, d) for t in T.TARGETS for d in dims]
    for group, shift in ((("relu", 2, "1", "all"), 0), (("relu", 3, "none", "all"), 0),
                         (("relu", 2, "1", "last"), 2)):
        rows = rows_for(group, specs)
        for d in dims:
            m = d + shift          # alpha: d for the NTK, d + 2 for random features
            assert frac(rows[("sphere", "neuron", d)]["xi"]) == Fraction(3, m), group
            assert frac(rows[("sphere", "halfspace", d)]["xi"]) == Fraction(1, m), group
            for s in (1, 2, 3):
                r = rows[("sphere", f"sobolev:{s}", d)]
                assert r["kind"] == "power" and frac(r["xi"]) == Fraction(2 * s, m), group
                assert frac(r["beta"]) == 2 * s + 1 and frac(r["kappa"]) == Fraction(2 * s, d - 1)


@pytest.mark.parametrize("act,a", [("relu^3/2", Fraction(3, 2)),
                                   pytest.param("relu^3", Fraction(3), marks=pytest.mark.slow)])
def test_power_relu_rows_match_theory_general_rule_sphere_and_euclidean(act, a):
    # sphere (x_+^a NTK with bias): 3/(d+2a-2)-type rule with b = a for the x_+^a neuron, (2b+1)/(d-1+2 gamma),
    # gamma = a - 1/2 (NTK) or a + 1/2 (RF); euclidean (theory section 8): (2b+1)/(d + 2a -+ 1)
    d = 4
    specs = [(data, t, d) for data in ("sphere", "euclidean") for t in ("neuron", "halfspace", "sobolev:2")]
    for train, gamma in (("all", a - Fraction(1, 2)), ("last", a + Fraction(1, 2))):
        rows = rows_for((act, 2, "1", train), specs)
        for data, m in (("sphere", d - 1), ("euclidean", d)):
            assert frac(rows[(data, "neuron", d)]["xi"]) == (2 * a + 1) / (m + 2 * gamma), (act, train, data)
            assert frac(rows[(data, "halfspace", d)]["xi"]) == 1 / (m + 2 * gamma), (act, train, data)
            assert frac(rows[(data, "sobolev:2", d)]["xi"]) == 4 / (m + 2 * gamma), (act, train, data)
        assert rows[("euclidean", "neuron", d)]["C"] == ""          # C depends on the density: not given


def test_relu_euclidean_closed_forms_of_theory_section_8():
    specs = [("euclidean", t, d) for t in ("neuron", "halfspace") for d in (2, 5)]
    rows = rows_for(("relu", 2, "1", "all"), specs)
    for d in (2, 5):
        assert frac(rows[("euclidean", "neuron", d)]["xi"]) == Fraction(3, d + 1)
        assert frac(rows[("euclidean", "halfspace", d)]["xi"]) == Fraction(1, d + 1)


def test_worked_case_and_plateaus_of_theory_section_7():
    rows = rows_for(("relu", 2, "none", "all"), [("sphere", "neuron", 3), ("sphere", "halfspace", 3)])
    r = rows[("sphere", "neuron", 3)]
    assert (r["kind"], r["xi"], r["C_exact"], r["C"]) == ("power", "1", "1/24", "0.0416666666667")
    p = rows[("sphere", "halfspace", 3)]
    assert p["kind"] == "plateau" and frac(p["L_inf_exact"]) == Fraction(1, 32) and p["L_inf"] == "0.03125"
    # ReLU neuron under step random features: 1/96; under the ReLU^2 NTK: 1/1536
    step_rf = rows_for(("relu^0", 2, "none", "last"), [("sphere", "neuron:relu", 3)])
    assert frac(step_rf[("sphere", "neuron:relu", 3)]["L_inf_exact"]) == Fraction(1, 96)
    relu2 = rows_for(("relu^2", 2, "none", "all"), [("sphere", "neuron:relu", 3), ("sphere", "halfspace", 5)])
    assert frac(relu2[("sphere", "neuron:relu", 3)]["L_inf_exact"]) == Fraction(1, 1536)
    assert frac(relu2[("sphere", "halfspace", 5)]["xi"]) == Fraction(1, 7)      # ReLU^2 NTK: 1/(d+2)


# ---- constants to 10 digits, recomputed from theory sections 5-7 with mpmath ---------------------------

def _K(d, b):
    """Neuron t_+^b energy constant 2^(d-1) Gamma(b+1)^2 Gamma(d/2)^2 / (pi^2 (d-2)!) (theory section 6)."""
    return 2 ** (d - 1) * mpmath.gamma(b + 1) ** 2 * mpmath.gamma(mpmath.mpf(d) / 2) ** 2 / (
        mpmath.pi**2 * mpmath.factorial(d - 2))


def _C(A, B, alpha, xi):
    return mpmath.mpf(1) / 2 * (B / (2 * alpha)) * mpmath.gamma(xi) * (2 * A) ** (-xi)


def _agree(text, ref, digits=10):
    return abs(mpmath.mpf(text) - ref) <= abs(ref) * mpmath.mpf(10) ** (-digits)


@pytest.mark.parametrize("d", [pytest.param(3, marks=pytest.mark.slow), 10,
                               pytest.param(17, marks=pytest.mark.slow)])
def test_constants_agree_with_closed_forms_to_ten_digits(d):
    with mpmath.workdps(30):
        g2 = mpmath.gamma(mpmath.mpf(d) / 2) ** 2
        pi2 = mpmath.pi**2
        cases = {
            # (group, target): (A of the occupied parity, alpha, B, xi, column of A)
            (("relu", 2, "none", "all"), "neuron"): (2 ** (d - 1) * g2 / pi2, d, _K(d, 1), mpmath.mpf(3) / d, "A_even"),
            (("relu", 2, "1", "all"), "neuron"): (2 ** (d - 1.5) * g2 / pi2, d, _K(d, 1), mpmath.mpf(3) / d, "A_even"),
            (("relu", 3, "none", "all"), "neuron"): (7 * 2 ** (d - 3) * g2 / pi2, d, _K(d, 1), mpmath.mpf(3) / d,
                                                     "A_even"),
            (("relu", 3, "none", "all"), "halfspace"): (5 * 2 ** (d - 3) * g2 / pi2, d, _K(d, 0), mpmath.mpf(1) / d,
                                                        "A_odd"),
            (("relu", 2, "none", "last"), "neuron"): (
                2**d * mpmath.gamma(mpmath.mpf(d) / 2) * mpmath.gamma(mpmath.mpf(d) / 2 + 1) / pi2, d + 2, _K(d, 1),
                mpmath.mpf(3) / (d + 2), "A_even"),
        }
        for (group, target), (A, alpha, B, xi, col) in cases.items():
            r = rows_for(group, [("sphere", target, d)])[("sphere", target, d)]
            assert r["kind"] == "power"
            assert _agree(r[col], A), (group, target, r[col], A)
            assert _agree(r["xi_decimal"], xi)
            assert _agree(r["C"], _C(A, B, alpha, xi)), (group, target, r["C"], _C(A, B, alpha, xi))


# ---- formatting, honesty of error rows ----------------------------------------------------------

def test_undefined_and_unsupported_settings_are_rows_with_reasons():
    step = T.compute_group(("relu^0", 2, "none", "all"), [("sphere", "neuron", 3)])[0]
    assert step["kind"] == "undefined" and "derivative" in step["note"] and step["xi"] == ""
    # a smooth kernel on R^d data: the law is not derived, and the row says what is missing
    smooth = T.compute_group(("erf", 2, "1", "all"), [("euclidean", "neuron", 3)])
    assert smooth[0]["kind"] == "not supported" and smooth[0]["xi"] == "" and "smooth" in smooth[0]["note"]
    # an odd kernel (no bias): the even degrees are never learned, the rest decays like a power of 1/ln t
    odd = T.compute_group(("erf", 2, "none", "all"), [("sphere", "halfspace", 3)])
    assert odd[0]["kind"] == "plateau" and odd[0]["L_inf_exact"] == "1/8" and odd[0]["xi"] == ""


def test_grid_excludes_euclidean_without_bias_and_keeps_order():
    g = T.Grid(activations=("relu",), layers=(2,), dims=(3, 4))
    keys = T.grid_rows(g)
    assert not any(k[4] == "euclidean" and k[2] == "none" for k in keys)
    assert len(keys) == len(set(keys)) == 2 * 5 * 2 + 2 * 5 * 2 * 2   # no-bias: sphere; bias: both data
    assert keys == sorted(keys, key=keys.index) and keys[0] == ("relu", 2, "none", "all", "sphere", "neuron", 3)


TINY = T.Grid(activations=("relu", "relu^0"), layers=(2,), biases=("1",), trains=("last",),
              targets=("neuron", "halfspace"), dims=(3, 5))


def _build(tmp_path, names, **kw):
    outs = [str(tmp_path / n) for n in names]
    return T.build_table(TINY, outs, command="asympt table (test)", version=__version__, **kw), outs


def test_all_formats_are_consistent_and_regeneration_is_byte_identical(tmp_path):
    names = ["t.csv", "t.json", "md/t_{activation}.md", "tex/t_{activation}.tex"]
    summary, outs = _build(tmp_path, names)
    assert summary["computed"] == summary["rows"] == len(T.grid_rows(TINY))
    first = {f: open(f, encoding="utf-8").read() for f in summary["files"]}
    assert not glob.glob(str(tmp_path / "*.partial"))
    csv_rows, json_rows = T.read_rows(outs[0]), T.read_rows(outs[1])
    assert csv_rows == json_rows and [T.row_key(r) for r in csv_rows] == T.grid_rows(TINY)
    for f in summary["files"]:
        head = T.read_header(f)
        assert head == {"version": __version__, "command": "asympt table (test)"}, f
    # a fresh recomputation (no rows reused) gives the same bytes
    again, _ = _build(tmp_path, names, resume=False)
    assert again["computed"] == again["rows"]
    assert {f: open(f, encoding="utf-8").read() for f in again["files"]} == first


def test_markdown_and_latex_structure(tmp_path):
    summary, _ = _build(tmp_path, ["t_{activation}.md", "t_{activation}.tex"])
    for f in summary["files"]:
        text = open(f, encoding="utf-8").read()
        if f.endswith(".md"):
            blocks, cur = [], []
            for ln in text.splitlines() + [""]:
                if ln.startswith("|"):
                    cur.append(ln)
                elif cur:
                    blocks.append(cur)
                    cur = []
            assert blocks and "## relu" in text and "](#" in text
            for block in blocks:        # every row has its table's header cell count
                assert len({ln.replace("\\|", "").count("|") for ln in block}) == 1, block[0]
                assert set(block[1]) <= set("|-:")
        else:
            assert text.count(r"\begin{longtable}") == text.count(r"\end{longtable}") > 0
            assert text.count(r"\toprule") == text.count(r"\midrule") == text.count(r"\bottomrule")
            assert text.count("{") - text.count(r"\{") == text.count("}") - text.count(r"\}")
            assert text.isascii()
            for part in text.split(r"\begin{longtable}{")[1:]:
                ncols = len(part.split("}")[0])
                body = [ln for ln in part.split(r"\end{longtable}")[0].splitlines() if ln.endswith(r"\\")]
                assert body and all(ln.count(" & ") == ncols - 1 for ln in body)
            assert text.rstrip().endswith(r"\end{document}") and r"\usepackage{booktabs}" in text


def test_resume_skips_rows_already_in_the_output(tmp_path):
    summary, outs = _build(tmp_path, ["t.csv"])
    text = open(outs[0], encoding="utf-8").read()
    # mark one row in a column no cheap check reads (the note): with no random recomputation a resumed
    # run keeps it (skipped, not recomputed) and computes only the missing row
    lines = text.splitlines()
    victim = next(i for i, ln in enumerate(lines) if ln.startswith("relu,2,1,last,sphere,neuron,5,"))
    missing = next(i for i, ln in enumerate(lines) if ln.startswith("relu^0,2,1,last,sphere,halfspace,3,"))
    lines[victim] = lines[victim] + "MARKED"
    del lines[missing]
    open(outs[0], "w", encoding="utf-8").write("\n".join(lines) + "\n")
    again, _ = _build(tmp_path, ["t.csv"], resume_sample=0)
    assert again["computed"] == 1 and again["reused"] == again["rows"] - 1
    new = open(outs[0], encoding="utf-8").read()
    assert "MARKED" in new and new.count("\n") == text.count("\n")
    # an interrupted run leaves a journal; its rows count as present
    journal = T.journal_path(outs[0])
    row = T.read_rows(outs[0])[0]
    os.remove(outs[0])
    with open(journal, "w", encoding="utf-8") as fh:
        import json

        fh.write(json.dumps(dict(row, note="FROM-JOURNAL")) + "\n" + '{"cut short')
    third, _ = _build(tmp_path, ["t.csv"], resume_sample=0)
    assert third["reused"] == 1 and T.read_rows(outs[0])[0]["note"] == "FROM-JOURNAL"
    assert not os.path.exists(journal)


def test_two_local_processes_give_the_same_file(tmp_path):
    one, outs = _build(tmp_path, ["one.csv"])
    two = T.build_table(TINY, [str(tmp_path / "two.csv")], command="asympt table (test)", version=__version__,
                        jobs=2)
    assert two["computed"] == one["computed"]
    assert open(outs[0], encoding="utf-8").read() == open(tmp_path / "two.csv", encoding="utf-8").read()


def test_dask_local_cluster_gives_the_same_file(tmp_path):
    distributed = pytest.importorskip("distributed")
    _, outs = _build(tmp_path, ["local.csv"])
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as c:
        res = T.build_table(TINY, [str(tmp_path / "dask.csv")], command="asympt table (test)", version=__version__,
                            executor="dask", scheduler=c.scheduler_address)
    assert res["computed"] == res["rows"]
    assert open(outs[0], encoding="utf-8").read() == open(tmp_path / "dask.csv", encoding="utf-8").read()


def _fake_check(monkeypatch, calls):
    def verify_row(kernel, dim, target, data="sphere", n=1500, seed=0):
        calls.append((kernel.network.activation.name, dim, target, data, n, seed))
        return {"verdict": "pass" if dim == 3 else "fail", "detail": f"fake check d={dim}"}

    import asympt.checks.run as check

    monkeypatch.setattr(check, "verify_row", verify_row)


def test_verify_adds_the_verdict_of_verify_row(tmp_path, monkeypatch):
    # verify_row is replaced by a stand-in (fast, with known verdicts): this tests the plumbing only;
    # test_verify_with_the_real_cross_checks (slow) runs the real one
    calls = []
    _fake_check(monkeypatch, calls)
    grid = T.Grid(activations=("relu^0",), layers=(2,), biases=("none",), trains=("all", "last"),
                  datas=("sphere",), targets=("neuron",), dims=(3, 4))
    T.build_table(grid, [str(tmp_path / "v.csv")], command="c", version="v", verify=True, verify_n=200)
    rows = {(r["train"], r["dim"]): r for r in T.read_rows(str(tmp_path / "v.csv"))}
    assert rows[("all", 3)]["verdict"] == "skip"                     # undefined setting: nothing to check
    assert rows[("last", 3)]["verdict"] == "pass" and rows[("last", 4)]["verdict"] == "fail"
    assert rows[("last", 4)]["verify_detail"] == "fake check d=4"
    assert sorted(calls) == [("step", 3, "neuron", "sphere", 200, 0), ("step", 4, "neuron", "sphere", 200, 0)]


# ---- command line -------------------------------------------------------------------------------

def test_cli_writes_files_and_records_the_command(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(table_cmd, ["--activations", "relu", "--dims", "3", "--layers", "2", "--bias", "1",
                                         "--train", "all", "--targets", "neuron", "-o", "a.csv", "-o", "a.md",
                                         "--jobs", "1", "--json"])
    assert res.exit_code == 0, res.output
    assert '"computed": 2' in res.output
    head = T.read_header("a.csv")
    assert head["command"] == ("asympt table --activations relu --dims 3 --layers 2 --bias 1 --train all "
                               "--targets neuron -o a.csv -o a.md")
    assert T.read_header("a.md") == head


@pytest.mark.parametrize("args,code,text", [
    (["--activations", "swish", "-o", "x.csv"], 2, "expected one of relu^0"),
    (["--dims", "1", "-o", "x.csv"], 2, "--dims"),
    (["--dims", "3..1000000000", "-o", "x.csv"], 2, "--dims"),
    (["--dims", "", "-o", "x.csv"], 2, "--dims"),
    (["--executor", "dask", "-o", "x.csv"], 2, "--scheduler"),
    (["--dims", "3", "--activations", "relu", "-o", "x.txt"], 1, "must end in one of"),
])
def test_cli_bad_input_is_one_line(tmp_path, monkeypatch, args, code, text):
    monkeypatch.chdir(tmp_path)
    from asympt.cli.main import main

    res = CliRunner().invoke(main, ["table"] + args)
    assert res.exit_code == code and text in res.output and "Traceback" not in res.output


# ---- drift of the committed tables ---------------------------------------------------------------

def committed_tables():
    return sorted(glob.glob(os.path.join(TABLES, "**", "*.*"), recursive=True))


def _sample_keys(rows):
    """A deterministic sample: one row with a computed law per activation, the i-th activation taking
    target i (mod 5) and alternating sphere / euclidean data where that exists, so that every target,
    both data kinds and every kind of law appear; the same rows on every run."""
    by_act = {}
    for r in rows:
        if r["kind"] != "undefined":
            by_act.setdefault(r["activation"], []).append(r)
    keys = []
    for i, act in enumerate(sorted(by_act)):
        rs = by_act[act]
        want = [r for r in rs if r["target"] == T.TARGETS[i % len(T.TARGETS)]
                and r["data"] == ("sphere", "euclidean")[i % 2]] or rs
        keys.append(T.row_key(want[(37 * i + 11) % len(want)]))
    by_key = {T.row_key(r): r for r in rows}
    for kind in sorted({r["kind"] for r in rows} - {by_key[k]["kind"] for k in keys} - {"undefined"}):
        of_kind = [r for r in rows if r["kind"] == kind]
        keys.append(T.row_key(of_kind[len(of_kind) // 3]))
    return keys


def recompute(keys):
    """The rows of ``keys`` as plain ``asympt xi`` computes them: no law shared between rows
    (:func:`test_table_sharing.plain_row`), so that the drift test also checks the table's sharing."""
    from test_table_sharing import plain_row

    return [plain_row(k) for k in keys]


def test_committed_tables_exist_and_name_their_command():
    files = committed_tables()
    data = [f for f in files if f.endswith((".csv", ".json"))]
    assert data, "no committed tables in tables/"
    for f in files:
        if f.endswith("README.md"):
            continue
        head = T.read_header(f)
        assert head["command"].startswith("asympt table") and head["version"], f


def test_committed_tables_do_not_drift():
    """Recompute a sample of rows of the committed tables (plain ``asympt xi`` path, nothing shared) and
    compare them with every CSV/JSON file;
    Markdown and LaTeX files must be the rendering of the committed rows, byte for byte, with the
    recomputed sample rows put in. Every file in tables/ must come from a recorded command."""
    files = [f for f in committed_tables() if not f.endswith("README.md")]
    data_files = [f for f in files if f.endswith((".csv", ".json"))]
    commands = {}
    for f in data_files:
        commands.setdefault(T.read_header(f)["command"], []).append(f)
    covered, diffs = set(), []
    for command, group in commands.items():
        made = T.files_of_command(command)
        covered |= {os.path.normpath(os.path.join(ROOT, name)) for name, _ in made}
        rows = T.read_rows(group[0])
        fresh = recompute(_sample_keys(rows))
        for f in group:
            diffs += [f"{os.path.basename(f)}: {d}" for d in T.compare_rows(T.read_rows(f), fresh)]
        by_key = {T.row_key(r): r for r in rows}
        for r in fresh:
            by_key[T.row_key(r)] = dict(by_key[T.row_key(r)], **r)
        merged = list(by_key.values())
        version = T.read_header(group[0])["version"]
        for name, act in made:
            g = os.path.join(ROOT, name)
            if name.endswith((".csv", ".json")) or not os.path.exists(g):
                continue
            part = [r for r in merged if act is None or r["activation"] == act]
            text = T.render(part, T.format_of(g), version=version, command=command)
            if text != open(g, encoding="utf-8").read():
                diffs.append(f"{os.path.relpath(g, TABLES)}: differs from the rendering of the committed rows")
    assert not diffs, "\n".join(diffs[:20])
    assert {os.path.normpath(f) for f in files} <= covered, "files in tables/ that no recorded command writes"


def test_drift_comparison_catches_a_changed_formula(monkeypatch):
    """A perturbed loss law (C off by one part in 1e9, or xi changed) must be reported."""
    import asympt.laws.loss as loss

    key = ("relu", 2, "none", "all", "sphere", "neuron", 3)
    committed = recompute([key])
    real = loss.loss_law

    def perturbed(*args, **kwargs):
        law = real(*args, **kwargs)
        return dataclasses.replace(law, C=law.C * (1 + sympy.Rational(1, 10**9)))

    monkeypatch.setattr(loss, "loss_law", perturbed)
    diffs = T.compare_rows(committed, recompute([key]))
    assert any(": C: committed '0.0416666666667' != fresh '0.0416666667083'" in d for d in diffs), diffs
    assert any(": C_exact:" in d for d in diffs)

    def wrong_xi(*args, **kwargs):
        law = real(*args, **kwargs)
        return dataclasses.replace(law, xi=law.xi + 1)

    monkeypatch.setattr(loss, "loss_law", wrong_xi)
    diffs = T.compare_rows(committed, recompute([key]))
    assert any(": xi: committed '1' != fresh '2'" in d for d in diffs), diffs


@pytest.mark.slow
def test_latex_compiles_with_pdflatex(tmp_path):
    import shutil
    import subprocess

    if shutil.which("pdflatex") is None:
        pytest.skip("pdflatex is not installed")
    summary, _ = _build(tmp_path, ["t_{activation}.tex"])
    for f in summary["files"]:
        res = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-output-directory",
                              str(tmp_path), f], capture_output=True, text=True, timeout=300)
        assert res.returncode == 0, res.stdout[-2000:]
        assert "Overfull \\hbox" not in res.stdout


@pytest.mark.slow
def test_verify_with_the_real_cross_checks():
    # asympt.checks.run.verify_row (Nystrom spectrum and empirical loss fits at N = 1500, seed 0)
    pytest.importorskip("asympt.checks.run")
    row = T.compute_group(("relu", 2, "1", "all"), [("sphere", "neuron", 3)], verify=True)[0]
    assert row["verdict"] == "pass", row["verify_detail"]


# ---- the committed full grid ----------------------------------------------------------------------

FULL = os.path.join(TABLES, "full", "loss_laws_full.csv")


def test_full_grid_table_has_every_row_of_the_full_grid_in_order():
    rows = T.read_rows(FULL)
    want = [g + r for g, rs in T.grid_groups(T.GRIDS["full"]) for r in rs]
    assert [T.row_key(r) for r in rows] == want
    assert len(want) == 24840


def test_full_grid_rows_of_the_default_grid_equal_the_default_tables():
    """Two runs (the default grid and the full grid) that share 2520 settings give them byte-equal rows."""
    full = {T.row_key(r): r for r in T.read_rows(FULL)}
    default = T.read_rows(os.path.join(TABLES, "loss_laws.csv"))
    assert len(default) == 2520
    differ = [T.row_key(r) for r in default if full[T.row_key(r)] != r]
    assert differ == [], differ[:5]


def test_the_once_stalled_group_recomputes_to_the_committed_rows():
    """sin, 4 layers, a bias: the group that kept the full grid from finishing (k(1) simplified for minutes).
    Two of its rows, recomputed the plain `asympt xi` way, equal the committed full-grid rows."""
    committed = {T.row_key(r): r for r in T.read_rows(FULL)}
    keys = [("sin", 4, "1", "all", "sphere", "neuron", 7), ("sin", 4, "1", "last", "sphere", "halfspace", 100)]
    fresh = recompute(keys)
    for k, r in zip(keys, fresh):
        assert T.compare_rows([committed[k]], [r]) == []
