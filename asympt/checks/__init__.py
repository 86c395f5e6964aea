"""Helpers of :mod:`asympt.checks.run`: the detection-power study of its verdicts (:mod:`.power`)."""
