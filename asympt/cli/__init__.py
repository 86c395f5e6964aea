"""The ``asympt`` command: parsing, calling the library, rendering. ``main`` is the click group.

Sub-commands are loaded lazily (the table of commands in ``main``) so ``asympt --help`` stays fast.
"""
