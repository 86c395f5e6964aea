"""Reference tables: the grid of settings, resumable computation, and the CSV/JSON/Markdown/LaTeX renderers.

``grid`` (the settings and the row columns), ``rows`` (the rows of one kernel, laws shared per (kernel, d)),
``render`` (the four formats), ``files`` (reading tables back; locks and atomic writes), ``build`` (resume,
executors, :func:`build_table`). The names below are the package's public interface.
"""

from .build import RESUME_SAMPLE, ResumeRefused, build_table
from .files import MAX_READ_BYTES, compare_rows, journal_path, read_header, read_rows
from .grid import (ACTIVATIONS, BIASES, COLUMNS, GRIDS, KEY_COLUMNS, KINDS, TARGETS, VALUE_COLUMNS, VERIFY_COLUMNS,
                   Grid, expand_output, files_of_command, grid_groups, grid_rows, row_key, slug)
from .render import FORMATS, columns_for, format_of, render
from .rows import ROW_LOCK, compute_group, format_decimal

__all__ = ["ACTIVATIONS", "BIASES", "COLUMNS", "FORMATS", "GRIDS", "KEY_COLUMNS", "KINDS", "MAX_READ_BYTES",
           "RESUME_SAMPLE", "ROW_LOCK", "ResumeRefused", "TARGETS", "VALUE_COLUMNS", "VERIFY_COLUMNS", "Grid",
           "build_table", "columns_for", "compare_rows", "compute_group", "expand_output", "files_of_command",
           "format_decimal", "format_of", "grid_groups", "grid_rows", "journal_path", "read_header", "read_rows",
           "render", "row_key", "slug"]
