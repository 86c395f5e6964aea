"""``asympt check``: the closed forms against computations that share none of their formulas.

:mod:`.run` (entry points :func:`~.run.run_checks`, :func:`~.run.verify_row`) drives the check groups:
:mod:`.sampled` with :mod:`.spectrum` and :mod:`.loss` (Nystrom eigenvalues and empirical loss curves of
sampled data, on the numerics of :mod:`.fits` against the exact side of :mod:`.exact`), :mod:`.finite_width`
and :mod:`.highprec`. Every verdict follows the policy of :mod:`.verdict`; rows are :mod:`.rows`; the
detection power of the verdicts is measured by :mod:`.power`.
"""
