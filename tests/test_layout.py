"""The shape of the core: imports flow one way (no cycles), and no module is too long to read in one sitting."""

from __future__ import annotations

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parent.parent / "smallclaw_core"
LONGEST = 450


def modules() -> dict[str, Path]:
    found = {}
    for path in CORE.rglob("*.py"):
        parts = path.relative_to(CORE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """Every module of the core this one imports, at the top or inside a function."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            candidates = [target] + [f"{target}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            candidates = [a.name for a in node.names]
        else:
            continue
        out |= {c for c in candidates if c in known and c != name}
    return out


def test_no_import_cycles_in_the_core():
    known = modules()
    graph = {name: imports(name, path, known) for name, path in known.items()}
    # a package's __init__ importing its own modules is how a package is built, not a cycle
    graph = {n: {t for t in ts if not n.startswith(t + ".") and not t.startswith(n + ".")} for n, ts in graph.items()}
    cycles = []

    def visit(node, trail):
        for nxt in sorted(graph[node]):
            if nxt in trail:
                cycles.append(trail[trail.index(nxt):] + [nxt])
            elif nxt not in done:
                visit(nxt, trail + [nxt])
        done.add(node)

    done: set[str] = set()
    for start in sorted(graph):
        if start not in done:
            visit(start, [start])
    assert not cycles, f"import cycles: {cycles[:5]}"


def test_no_core_module_is_too_long_to_read():
    long = {str(p.relative_to(CORE.parent)): n for p in CORE.rglob("*.py")
            if (n := len(p.read_text().splitlines())) > LONGEST}
    assert not long, f"modules over {LONGEST} lines: {long}"


def test_plugins_use_the_public_api_only():
    """A plugin imports ``smallclaw_core`` itself, never its modules: those may change."""
    plugins = CORE.parent / "plugins"
    offenders = []
    for path in plugins.glob("*/smallclaw_*/**/*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            module = node.module if isinstance(node, ast.ImportFrom) else None
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if (module or "").startswith("smallclaw_core.") or any(n.startswith("smallclaw_core.") for n in names):
                offenders.append(f"{path.relative_to(CORE.parent)}:{node.lineno}")
    assert not offenders, f"plugins reaching into core modules: {offenders}"


def test_the_lazy_public_names_resolve():
    import smallclaw_core

    for name in smallclaw_core._LAZY:
        assert callable(getattr(smallclaw_core, name)), name
