"""Stage 1 of the pipeline: activation -> dual kernels -> deep NNGP / NTK dot-product kernel k(u).

``activations`` (registry and restricted expression parser), ``dual_kernels`` (closed-form duals),
``hermite`` (Hermite coefficients of smooth activations at any precision, with tail bounds),
``numeric_duals`` (Hermite-series duals without a closed form), ``layers`` (the layer recursion in any
arithmetic, and the layer variances), ``networks`` (architecture), ``kernel`` (the ``DotProductKernel``
object), ``parity`` (exact polynomial parity parts), ``expansions`` and ``gseries`` (power series at
u = 0 and singular expansions at u = +-1).

Imports inside the package run one way: networks -> kernel -> {expansions, numeric_duals, parity} ->
layers -> dual_kernels -> activations (hermite below numeric_duals, gseries below expansions).
"""
