"""asympt: symbolic-numeric asymptotics of kernel-regime training of wide networks."""

__version__ = "0.1.0"
