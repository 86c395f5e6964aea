"""Detection power and false-failure rate of the verdicts of :mod:`asympt.checks.run`.

For one setting and many seeds, :func:`run_study` runs the sampled-data checks with the *correct*
predictions and keeps, per seed and row, what the verdict is computed from (measured value, centre,
tolerance). A wrong prediction changes only the centre, so the verdict that ``asympt check`` would give
for nu(1 + eps), xi(1 + eps) or mu_k(1 + eps) follows from the same numbers (:func:`detected`; the tests
check it against real runs with wrong predictions). Per row and sign of eps, the detection threshold is the
smallest eps of :data:`EPS_GRID` that fails in at least 90 % of the seeds; the false-failure rate is the
fraction of seeds in which the correct prediction fails.

The stored study (``power_study.json`` next to this file, with the command that produced it) is reported
in the ``power`` section of ``asympt check --json``. Regenerate it with

    nice python -m asympt.checks.power --setting d3 --n 4000 --seeds 20 --out asympt/checks/power_study.json

(one setting, one N per call; results are merged into ``--out``).
"""

from __future__ import annotations

import json
import math
import os

__all__ = ["EPS_GRID", "SETTINGS", "detected", "records", "run_study", "summarise", "stored_study"]

EPS_GRID = tuple(round(0.0025 * i, 4) for i in range(1, 121))  # 0.25 % .. 30 %
SETTINGS = {
    "d3": {"activation": "relu", "bias": 0, "dim": 3, "target": "neuron", "data": "sphere"},
    "d5": {"activation": "relu", "bias": 1, "dim": 5, "target": "neuron", "data": "sphere"},
}
PATH = os.path.join(os.path.dirname(__file__), "power_study.json")


def records(report) -> dict:
    """The numbers each verdict is computed from, for one report run with the correct predictions."""
    out = {"verdicts": {r.name.split(",")[0]: r.verdict for r in report.rows}}
    for r in report.rows:
        key = r.name.split(",")[0]
        v = r.values
        if key in ("nu fit", "xi fit") and "tolerance" in v:
            sym = key[:2]
            out[sym] = {"measured": v[f"{sym}_fit"], "closed": float(_frac(v[f"{sym}_closed"])),
                        "shift": v["shift"] if v.get("uniform") else 0.0, "tol": v["tolerance"],
                        "parts": {"three_sigma": v["three_sigma"], "finite_n_bias": v["finite_n_bias"],
                                  "trend": v["trend"], "far_movement": v["far_movement"]}}
        if key == "degree blocks vs mu_k":
            out["blocks"] = [{"k": b["k"], "mean": b["block_mean"], "mu": b["mu_k"], "tol": b["tolerance_abs"]}
                             for b in v["blocks"]]
    return out


def _frac(text):
    from fractions import Fraction

    return Fraction(text)


def detected(rec: dict, eps: float) -> bool:
    """Whether the row fails when its prediction is multiplied by (1 + eps): nu / xi records
    ({measured, closed, shift, tol}) or one degree block ({mean, mu, tol})."""
    if "closed" in rec:
        return abs(rec["measured"] - (rec["closed"] * (1 + eps) + rec["shift"])) > rec["tol"]
    return abs(rec["mean"] - rec["mu"] * (1 + eps)) > rec["tol"]


def _threshold(recs, sign):
    for e in EPS_GRID:
        if sum(detected(r, sign * e) for r in recs) >= 0.9 * len(recs):
            return e
    return None


def summarise(per_seed: list) -> dict:
    """Detection thresholds (per sign) and false-failure rates from the per-seed records."""
    S = len(per_seed)
    out = {"seeds": S, "rows": {}}
    names = sorted({k for p in per_seed for k in p["verdicts"]})
    for name in names:
        fails = sum(p["verdicts"].get(name) == "fail" for p in per_seed)
        ran = sum(p["verdicts"].get(name) in ("pass", "fail") for p in per_seed)
        out["rows"][name] = {"false_failure_rate": fails / ran if ran else None, "runs": ran}
    out["any_row_false_failure_rate"] = sum(any(v == "fail" for v in p["verdicts"].values()) for p in per_seed) / S
    for sym, name in (("nu", "nu fit"), ("xi", "xi fit")):
        recs = [p[sym] for p in per_seed if sym in p]
        if len(recs) == S:
            out["rows"][name]["detects_relative_error"] = {"minus": _threshold(recs, -1), "plus": _threshold(recs, 1)}
            out["rows"][name]["median_tolerance"] = sorted(r["tol"] for r in recs)[S // 2]
    if all("blocks" in p for p in per_seed):
        ks = [b["k"] for b in per_seed[0]["blocks"]]
        det = {}
        for j, k in enumerate(ks):
            recs = [p["blocks"][j] for p in per_seed if len(p["blocks"]) > j]
            det[f"k={k}"] = {"minus": _threshold(recs, -1), "plus": _threshold(recs, 1)}
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
