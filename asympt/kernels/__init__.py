"""Stage 1 of the pipeline: activation -> dual kernels -> deep NNGP / NTK dot-product kernel k(u).

``activations`` (registry and restricted expression parser), ``dual_kernels`` (closed-form duals),
``numeric_duals`` (Hermite-series duals without a closed form), ``networks`` (architecture and the layer
recursion), ``kernel`` (the ``DotProductKernel`` object), ``expansions`` and ``gseries`` (power series at
u = 0 and singular expansions at u = +-1).
"""
