"""Work shared between table rows (issue 14): explicit, thread-safe, and equal to the unshared path.

The rows of one kernel share its decay law per d through :class:`asympt.laws.shared.KernelLaws`, passed
to ``loss_law(..., decay=...)``; nothing is patched. The references here are computed without any
sharing: ``loss_law(kernel, d, target)`` and ``decay_law(kernel, d)`` called afresh for every row, with
the exact forms that ``asympt xi --json`` prints (:func:`plain_row`). Thread safety is checked by bytes:
groups run in 4 threads of one process, and in one Dask worker with 4 threads, must write the file a
serial run writes.
"""

from concurrent.futures import ThreadPoolExecutor

import pytest

from asympt import __version__
from asympt import tables as T
from asympt.core.errors import AsymptError, InvalidInput

#: 4 kernel groups (2 activations x bias) with sphere and euclidean rows: 36 rows, a few seconds
SMALL = T.Grid(activations=("relu", "erf"), layers=(2,), trains=("all",), targets=("neuron", "halfspace", "sobolev:2"),
               dims=(3, 5))


def plain_row(key) -> dict:
    """The row of ``key`` as ``asympt xi --json`` computes it: a new kernel, ``loss_law`` and ``decay_law``
    without a shared decay law, the exact forms of :func:`asympt.cli.report.xi_report`."""
    from asympt.cli.report import xi_report
    from asympt.kernels.networks import ntk
    from asympt.laws.decay import decay_law
    from asympt.laws.loss import loss_law
    from asympt.tables.rows import _note
    from asympt.targets import parse_target

    act, layers, bias, train, data, spec, dim = key
    row = dict(zip(T.KEY_COLUMNS, key))
    try:
        kernel = ntk(act, layers, bias=T.BIASES[bias], train=train)
        target = parse_target(spec, default_activation=kernel.network.activation.name)
        law = loss_law(kernel, dim, target, data=data)
    except (AsymptError, NotImplementedError) as err:
        row.update({c: "" for c in T.VALUE_COLUMNS})
        row["kind"] = "undefined" if isinstance(err, InvalidInput) else "not supported"
        row["note"] = " ".join(str(err).split())
        return row
    rep = xi_report(kernel, dim, target, law)

    def exact(name):
        return "" if rep[name] is None or rep[name]["exact"] is None else rep[name]["exact"]

    dl = None
    if data == "sphere":
        try:
            dl = decay_law(kernel, dim)
        except AsymptError:
            dl = None
    dec = T.format_decimal
    row.update({"kind": rep["kind"], "xi": exact("xi"), "xi_decimal": dec(law.xi), "C": dec(law.C),
                "C_exact": exact("C"), "L_inf": dec(law.L_inf), "L_inf_exact": exact("L_inf"),
                "alpha": exact("alpha"), "beta": exact("beta"), "nu": exact("nu"), "kappa": exact("kappa"),
                "A_even": "" if dl is None else dec(dl.A(0)), "A_odd": "" if dl is None else dec(dl.A(1)),
                "note": _note(law)})
    return row


def test_shared_rows_equal_the_unshared_path():
    group = ("relu", 2, "1", "all")
    specs = [(data, t, d) for data in ("sphere", "euclidean") for t in ("neuron", "sobolev:1") for d in (3, 4)]
    shared = T.compute_group(group, specs)
    assert shared == [plain_row(group + s) for s in specs]
    assert {r["kind"] for r in shared} == {"power"}


def test_kernel_laws_equal_loss_law_and_share_one_decay_law():
    from asympt.kernels.networks import ntk
    from asympt.laws.loss import loss_law
    from asympt.laws.shared import KernelLaws

    kernel = ntk("relu", 2, bias=1)
    laws = KernelLaws(kernel)
    for spec in ("neuron", "sobolev:2"):
        assert laws.loss_law(5, spec) == loss_law(ntk("relu", 2, bias=1), 5, spec)
    assert laws.decay_law(5) is laws.decay_law(5)
    assert laws.loss_law(5, "neuron", data="euclidean") == loss_law(kernel, 5, "neuron", data="euclidean")
    with pytest.raises(InvalidInput, match="decay must be the DecayLaw"):
        loss_law(kernel, 4, "neuron", decay=laws.decay_law(5))


def test_kernel_laws_remember_an_error(monkeypatch):
    import asympt.laws.decay as decay
    from asympt.kernels.networks import ntk
    from asympt.laws.shared import KernelLaws

    calls = []
    real = decay.decay_law

    def counting(kernel, dim):
        calls.append(dim)
        return real(kernel, dim)

    monkeypatch.setattr(decay, "decay_law", counting)
    laws = KernelLaws(ntk("relu"))
    for _ in range(3):
        with pytest.raises(InvalidInput, match="dim"):
            laws.loss_law(1, "neuron")
    assert calls == [1]


def _serial_text(tmp_path):
    out = tmp_path / "serial.csv"
    T.build_table(SMALL, [str(out)], command="asympt table (test)", version=__version__)
    return out.read_text(encoding="utf-8")


def _originals():
    import asympt.kernels.kernel as kernel
    import asympt.laws.decay as decay
    import asympt.laws.loss as loss

    return {"decay_law": decay.decay_law, "loss_law": loss.loss_law,
            "singular": kernel.DotProductKernel.singular, "Lambda": decay.DecayLaw.__dict__["Lambda"]}


def test_four_threads_write_the_bytes_of_a_serial_run(tmp_path):
    before = _originals()
    serial = _serial_text(tmp_path)
    groups = T.grid_groups(SMALL)
    with ThreadPoolExecutor(4) as ex:
        results = list(ex.map(lambda g: T.compute_group(*g), groups))
    rows = {T.row_key(r): r for rs in results for r in rs}
    text = T.render([rows[k] for k in T.grid_rows(SMALL)], "csv", version=__version__, command="asympt table (test)")
    assert text == serial
    assert _originals() == before  # nothing replaced for the process (the old sharing patched decay_law)


def test_a_dask_worker_with_four_threads_writes_the_bytes_of_a_serial_run(tmp_path):
    distributed = pytest.importorskip("distributed")
    serial = _serial_text(tmp_path)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=4, processes=False, dashboard_address=None) as c:
        res = T.build_table(SMALL, [str(tmp_path / "dask.csv")], command="asympt table (test)", version=__version__,
                            executor="dask", scheduler=c.scheduler_address)
    assert res["computed"] == res["rows"] == len(T.grid_rows(SMALL))
    assert (tmp_path / "dask.csv").read_text(encoding="utf-8") == serial

