"""Helpers of :mod:`asympt.check`: the detection-power study of its verdicts (:mod:`.power`)."""
