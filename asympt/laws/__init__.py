"""Stage 4-5 of the pipeline: eigenvalue decay law, the large-time loss law L(t), and exact loss curves.

``decay`` (mu_k ~ A k^-alpha and the smooth-kernel classes), ``loss`` (xi, C, L_inf and the other law
kinds), ``curve`` (exact L(t) by summation over degrees, beside the law).
"""
