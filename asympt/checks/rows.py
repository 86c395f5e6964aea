"""Rows and report of ``asympt check`` (:class:`CheckRow`, :class:`CheckReport`) and the number formatting
their text uses."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

__all__ = ["CheckReport", "CheckRow", "fmt", "short"]


@dataclass
class CheckRow:
    """One line of the report: what was predicted, what was measured, the tolerance and the verdict."""

    group: str
    name: str
    predicted: str
    measured: str
    tolerance: str
    verdict: str  # "pass", "fail" or "skip"
    detail: str = ""
    values: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        return {"group": self.group, "name": self.name, "predicted": self.predicted, "measured": self.measured,
                "tolerance": self.tolerance, "verdict": self.verdict, "detail": self.detail,
                "values": self.values}


@dataclass
class CheckReport:
    setting: dict
    rows: list
    plot: dict = field(default_factory=dict)

    @property
    def failed(self) -> list:
        return [r for r in self.rows if r.verdict == "fail"]

    @property
    def ok(self) -> bool:
        return not self.failed

    def to_json(self) -> dict:
        return {"setting": self.setting, "rows": [r.to_json() for r in self.rows],
                "passed": sum(r.verdict == "pass" for r in self.rows),
                "failed": len(self.failed), "skipped": sum(r.verdict == "skip" for r in self.rows),
                "ok": self.ok}



def fmt(x, digits=3):
    """x with ``digits`` significant digits (a string; '-' for None and non-finite values)."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "-"
    return f"{float(x):.{digits}g}"


def short(value) -> str:
    """A value of a horizon row as short text."""
    if value is None:
        return "-"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(short(v) for v in value) + "]"
    if isinstance(value, float):
        return f"{value:.3g}"
    return str(value)
