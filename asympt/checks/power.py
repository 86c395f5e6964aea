"""Detection power and false-failure rate of the verdicts of :mod:`asympt.checks.run`.

For one setting and many seeds, :func:`run_study` runs the sampled-data checks with the *correct*
predictions and keeps, per seed and row, the raw numbers its verdict is computed from (the statistic on
N, its two halves and four quarters; the exact side's shift and error). Verdicts are recomputed from them
with :func:`asympt.checks.verdict.limit_interval` at the family size m of the default ``asympt check``
run (:func:`judge_record`). A wrong prediction changes only the centre, so the verdict that ``asympt
check`` would give for nu(1 + eps), xi(1 + eps) or mu_k(1 + eps) follows from the same numbers
(:func:`detected`; the tests check it against real runs with wrong predictions). Per row and sign of eps, the detection threshold is the
smallest eps of :data:`EPS_GRID` that fails in at least 90 % of the seeds; the false-failure rate is the
fraction of seeds in which the correct prediction fails.

The stored study (``power_study.json`` next to this file, with the command that produced it) is reported
in the ``power`` section of ``asympt check --json``. Regenerate it with

    nice python -m asympt.checks.power --setting d3 --n 4000 --seeds 20 --out asympt/checks/power_study.json

(one setting, one N per call; results are merged into ``--out``).
"""

from __future__ import annotations

import json
import os

__all__ = ["EPS_GRID", "SETTINGS", "detected", "judge_record", "records", "run_study", "summarise", "stored_study"]

EPS_GRID = tuple(round(0.0025 * i, 4) for i in range(1, 121))  # 0.25 % .. 30 %
SETTINGS = {
    "d3": {"activation": "relu", "bias": 0, "dim": 3, "target": "neuron", "data": "sphere"},
    "d5": {"activation": "relu", "bias": 1, "dim": 5, "target": "neuron", "data": "sphere"},
}
PATH = os.path.join(os.path.dirname(__file__), "power_study.json")


def _family() -> int:
    """m of the default ``asympt check`` run (the verdicts below are those of the default run)."""
    from .run import DEFAULT_GROUPS
    from .verdict import family_size

    return family_size(DEFAULT_GROUPS)


def records(report) -> dict:
    """The raw numbers each verdict is computed from (the statistic on N, its halves and quarters, the
    exact side's parts), for one report run with the correct predictions."""
    out = {"verdicts": {r.name.split(",")[0]: r.verdict for r in report.rows}}
    for r in report.rows:
        key = r.name.split(",")[0]
        v = r.values
        if key in ("nu fit", "xi fit") and "subsamples" in v and "shift" in v:
            sym = key[:2]
            out[sym] = {"raw": v["subsamples"], "closed": float(_frac(v[f"{sym}_closed"])),
                        "shift": v["shift"] if v.get("uniform") else 0.0, "extra": v["exact_error"]}
        if key == "degree blocks vs mu_k" and "blocks" in v:
            out["blocks"] = [{"k": b["k"], "mu": b["mu_k"], "raw": b["subsamples"]} for b in v["blocks"]]
        if key == "L_N(t) vs exact L(t)" and "subsamples" in v:
            out["curve"] = v["subsamples"]
    return out


def _frac(text):
    from fractions import Fraction

    return Fraction(text)


def _interval(rec, m):
    from .verdict import limit_interval

    raw = rec["raw"]
    return limit_interval(raw["full"], raw["halves"], raw["quarters"], m, rec.get("extra", 0.0))


def detected(rec: dict, eps: float, m: int | None = None) -> bool:
    """Whether the row fails when its prediction is multiplied by (1 + eps): nu / xi records
    ({raw, closed, shift, extra}) or one degree block ({raw, mu}); m defaults to the default run's."""
    iv = _interval(rec, _family() if m is None else m)
    if "closed" in rec:
        return not iv.contains(rec["closed"] * (1 + eps) + rec["shift"])
    return not iv.contains(rec["mu"] * (1 + eps))


def judge_record(rec: dict, m: int | None = None) -> dict:
    """Verdicts of the statistical rows recomputed from the raw numbers (the default run's family size);
    the counting function keeps its stored verdict."""
    from .verdict import limit_interval

    m = _family() if m is None else m
    out = dict(rec["verdicts"])
    for sym, name in (("nu", "nu fit"), ("xi", "xi fit")):
        if sym in rec:
            out[name] = "fail" if detected(rec[sym], 0.0, m) else "pass"
    if "blocks" in rec:
        out["degree blocks vs mu_k"] = "fail" if any(detected(b, 0.0, m) for b in rec["blocks"]) else "pass"
    if "curve" in rec:
        ivs = [limit_interval(r["full"], r["halves"], r["quarters"], m) for r in rec["curve"]]
        out["L_N(t) vs exact L(t)"] = "pass" if all(iv.contains(0.0) for iv in ivs) else "fail"
    return out


def _threshold(recs, sign, m):
    for e in EPS_GRID:
        if sum(detected(r, sign * e, m) for r in recs) >= 0.9 * len(recs):
            return e
    return None


def summarise(per_seed: list) -> dict:
    """Detection thresholds (per sign) and false-failure rates from the per-seed records (verdicts
    recomputed from the raw numbers with the default run's family size)."""
    S = len(per_seed)
    m = _family()
    judged = [judge_record(p, m) for p in per_seed]
    out = {"seeds": S, "family_size": m, "rows": {}}
    names = sorted({k for v in judged for k in v})
    for name in names:
        fails = sum(v.get(name) == "fail" for v in judged)
        ran = sum(v.get(name) in ("pass", "fail") for v in judged)
        out["rows"][name] = {"false_failure_rate": fails / ran if ran else None, "runs": ran}
    out["any_row_false_failure_rate"] = sum(any(x == "fail" for x in v.values()) for v in judged) / S
    for sym, name in (("nu", "nu fit"), ("xi", "xi fit")):
        recs = [p[sym] for p in per_seed if sym in p]
        if len(recs) == S:
            out["rows"][name]["detects_relative_error"] = {"minus": _threshold(recs, -1, m),
                                                           "plus": _threshold(recs, 1, m)}
            widths = sorted((_interval(r, m).hi - _interval(r, m).lo) / 2 / r["closed"] for r in recs)
            out["rows"][name]["median_relative_half_width"] = widths[S // 2]
    if all("blocks" in p for p in per_seed):
        ks = [b["k"] for b in per_seed[0]["blocks"]]
        det = {}
        for j, k in enumerate(ks):
            recs = [p["blocks"][j] for p in per_seed if len(p["blocks"]) > j]
            det[f"k={k}"] = {"minus": _threshold(recs, -1, m), "plus": _threshold(recs, 1, m)}
        out["rows"]["degree blocks vs mu_k"]["detects_relative_error"] = det
    return out


def run_study(setting: str, n: int, seeds, progress=print) -> dict:
    """Run the sampled checks of ``SETTINGS[setting]`` at N = ``n`` for each seed; per-seed records and
    the summary."""
    import time

    from .run import run_checks
    from asympt.kernels.networks import ntk

    s = SETTINGS[setting]
    kernel = ntk(s["activation"], bias=s["bias"])
    per_seed = []
    t0 = time.perf_counter()
    for seed in seeds:
        rep = run_checks(kernel, s["dim"], s["target"], data=s["data"], n=n, seed=seed, groups=("spectrum", "loss"))
        rec = records(rep)
        rec["seed"] = seed
        per_seed.append(rec)
        progress(f"{setting} N={n} seed {seed}: {rec['verdicts']} ({time.perf_counter() - t0:.0f} s)")
    return {"setting": s, "n": n, "summary": summarise(per_seed), "per_seed": per_seed,
            "seconds": time.perf_counter() - t0}


def stored_study(path: str = PATH) -> dict | None:
    """The stored study (None when absent)."""
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, ValueError):
        return None


def power_section(setting: dict) -> dict:
    """The ``power`` section of ``asympt check --json``: the stored summaries, and which one (if any) is
    this run's setting."""
    study = stored_study()
    if not study:
        return {"note": "no stored power study (python -m asympt.checks.power)"}
    runs = [{"setting": r["setting"], "n": r["n"], "summary": r["summary"], "command": r.get("command")}
            for r in study.get("runs", [])]
    return {"method": study.get("method"), "runs": runs}


def main(argv=None):
    import argparse
    import sys

    ap = argparse.ArgumentParser(description="Detection power of asympt check (see the module docstring).")
    ap.add_argument("--setting", choices=sorted(SETTINGS), required=True)
    ap.add_argument("--n", type=int, required=True)
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--first-seed", type=int, default=100)
    ap.add_argument("--out", default=PATH)
    args = ap.parse_args(argv)
    res = run_study(args.setting, args.n, range(args.first_seed, args.first_seed + args.seeds),
                    progress=lambda m: print(m, file=sys.stderr, flush=True))
    res["command"] = ("python -m asympt.checks.power " + " ".join(argv if argv is not None else sys.argv[1:]))
    study = stored_study(args.out) or {}
    study["method"] = __doc__.split("\n\n")[1].replace("\n", " ")
    runs = study.get("runs", [])
    same = [r for r in runs if r["setting"] == res["setting"] and r["n"] == res["n"]]
    if same:  # more seeds of a stored study: merge (a seed run twice keeps its new record)
        old = same[0]
        seeds = {p["seed"] for p in res["per_seed"]}
        res["per_seed"] = sorted([p for p in old["per_seed"] if p["seed"] not in seeds] + res["per_seed"],
                                 key=lambda p: p["seed"])
        res["summary"] = summarise(res["per_seed"])
        res["seconds"] += old.get("seconds", 0.0)
        res["command"] = "; ".join(c for c in (old.get("command"), res["command"]) if c)
    study["runs"] = [r for r in runs if r not in same] + [res]
    with open(args.out, "w", encoding="utf-8") as fh:
        json.dump(study, fh, indent=1, sort_keys=True)
    print(json.dumps(res["summary"], indent=1))


if __name__ == "__main__":
    main()
