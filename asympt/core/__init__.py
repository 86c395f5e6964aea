"""Foundations every stage uses: errors, precision bookkeeping, conventions, sphere geometry, SymPy helpers.

Nothing here imports from another part of asympt (see tests/test_layout.py for the import contract).
"""
