"""The import contract of the package layout (issue 14): imports go only downward, and there is no cycle.

The pipeline, bottom to top::

    core < kernels < spectrum < targets < laws < {numerics, proportional} < dynamics < checks < tables < cli

``numerics`` is the independent, measured side of every check: it may build the network or Gram matrix it
measures (``kernels``) and evaluate the target it is given (``targets``), never a spectrum or a law.
``proportional`` is self-contained apart from ``core`` and ``kernels``. Every import counts, including
imports inside functions (a function-level import is still a dependency).
"""

from __future__ import annotations

import ast
from pathlib import Path


ROOT = Path(__file__).resolve().parents[1] / "asympt"

LAYER = {"core": 0, "kernels": 1, "spectrum": 2, "targets": 3, "laws": 4, "numerics": 5, "proportional": 5,
         "dynamics": 6, "checks": 7, "tables": 8, "cli": 9}
# packages a package may import besides itself, when the layer order alone would allow more
RESTRICTED = {"numerics": {"core", "kernels", "targets"}, "proportional": {"core", "kernels"}}
TOP_LEVEL = {"__init__", "__main__"}        # asympt/__init__.py (lazy exports) and asympt/__main__.py


def _modules():
    out = {}
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT.parent).with_suffix("")
        parts = list(rel.parts)
        is_pkg = parts[-1] == "__init__"
        if is_pkg:
            parts = parts[:-1]
        out[".".join(parts)] = (path, is_pkg)
    return out


MODULES = _modules()


def _imports(name: str):
    """Absolute names of the asympt modules that module `name` imports, anywhere in its body."""
    path, is_pkg = MODULES[name]
    package = name if is_pkg else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "asympt")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            if mod.split(".")[0] != "asympt":
                continue
            subs = [f"{mod}.{a.name}" for a in node.names if f"{mod}.{a.name}" in MODULES]
            if subs:
                found.update(subs)
            elif mod == "asympt" and all(a.name == "__version__" for a in node.names):
                continue                      # the version string, not the package's lazy exports
            else:
                found.add(mod)
    while True:                               # an import of asympt.a.b.c names the deepest existing module
        fixed = {m if m in MODULES else m.rpartition(".")[0] for m in found}
        if fixed == found:
            return found
        found = fixed


def _package(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[1] not in TOP_LEVEL else None


def _upward():
    bad = []
    for name in MODULES:
        src = _package(name)
        if src is None:
            continue
        for dep in _imports(name):
            dst = _package(dep)
            if dst is None:
                if dep == "asympt":
                    bad.append(f"{name} -> asympt (the lazy top-level exports)")
                continue
            if dst == src:
                continue
            allowed = RESTRICTED.get(src)
            if (allowed is not None and dst not in allowed) or LAYER[dst] > LAYER[src] or \
                    (LAYER[dst] == LAYER[src]):
                bad.append(f"{name} -> {dep}")
    return sorted(bad)


def _cycles():
    graph = {m: {d for d in _imports(m) if d in MODULES and d != m} for m in MODULES}
    # a package's __init__ importing its own modules is how packages re-export; only module-level cycles count
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v, counter=[0]):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in graph:
        if v not in index:
            visit(v)
    return out


def test_every_module_belongs_to_a_layer():
    assert {_package(m) for m in MODULES} - {None} <= set(LAYER)


def test_no_upward_import():
    assert _upward() == []


def test_no_import_cycle():
    assert _cycles() == []


def test_the_contract_check_can_fail(monkeypatch):
    """The checker sees a function-level upward import and a cycle when they are there."""
    monkeypatch.setitem(MODULES, "asympt.core.fake", (Path(__file__), False))
    text = "def f():\n    from asympt.laws import loss\n"
    monkeypatch.setattr(Path, "read_text", lambda self, *a, **k: text if self == Path(__file__)
                        else Path.open(self).read())
    assert "asympt.core.fake -> asympt.laws.loss" in _upward()


def test_no_module_sets_another_modules_attribute():
    """No library module assigns to an attribute of another module (monkey-patching outside tests)."""
    bad = []
    for name, (path, _) in MODULES.items():
        tree = ast.parse(path.read_text())
        imported = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                imported.update((a.asname or a.name) for a in node.names)
            elif isinstance(node, ast.Import):
                imported.update((a.asname or a.name).split(".")[0] for a in node.names)
        for node in ast.walk(tree):
            targets = node.targets if isinstance(node, ast.Assign) else \
                [node.target] if isinstance(node, (ast.AugAssign, ast.AnnAssign)) else []
            for t in targets:
                for el in (t.elts if isinstance(t, ast.Tuple) else [t]):
                    if isinstance(el, ast.Attribute) and isinstance(el.value, ast.Name) and \
                            el.value.id in imported:
                        bad.append(f"{name}:{el.lineno} assigns {el.value.id}.{el.attr}")
    assert bad == []


_FLAG = __import__("re").compile(r"(?<![\w-])--[a-z][a-z-]*")


def _flag_messages(source: str) -> list:
    """String pieces of ``raise`` statements that name a command-line flag (``--lr``)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Raise) and node.exc is not None:
            for sub in ast.walk(node.exc):
                if isinstance(sub, ast.Constant) and isinstance(sub.value, str) and _FLAG.search(sub.value):
                    found.append(sub.value)
    return found


def test_library_errors_do_not_name_command_line_flags():
    """Errors raised outside asympt/cli speak of the Python parameters: the CLI may be one caller of many."""
    bad = []
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        if rel.parts[0] == "cli":
            continue
        bad += [f"{rel}: {text[:60]!r}" for text in _flag_messages(path.read_text(encoding="utf-8"))]
    assert bad == [], "\n".join(bad)


def test_the_flag_check_can_fail():
    assert _flag_messages('def f(lr):\n    raise ValueError(f"--lr must be positive: {lr}")\n')
    assert not _flag_messages('def f(lr):\n    raise ValueError(f"lr must be positive: {lr}")\n')
