"""Reference tables: the grid of settings, resumable computation, and the CSV/JSON/Markdown/LaTeX renderers."""
