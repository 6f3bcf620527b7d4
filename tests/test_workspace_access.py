"""Nothing in SmallClaw opens a workspace path by name: every file access goes through ``Workspace``.

A scan of the code (``smallclaw_core/``, every plugin's package, the example plugin). Within
each function, a value is a *workspace path* when it is a name or attribute called
``workspace...`` (``workspace``, ``ctx.workspace``, ``app.workspace_for(...)``,
``workspace_root``) or is built from one (``workspace / name``, ``Path(workspace)``,
``os.path.join(workspace, x)``, ``.parent``, ``.resolve()``, a loop over
``os.walk(workspace)``, ...). A filesystem call on one (``open``, ``os.*``, ``shutil.*``,
``tempfile.mkstemp(dir=...)``, ``.read_text()``, ``.exists()``, ``.iterdir()``...) is
reported, unless it is in the short allow-list below, each entry with the reason it opens
no file of a workspace. ``Workspace(...)`` and ``ctx.files`` are the way in: what they
return is not a path. Names are followed within a function, not into the functions a
path is handed to (a helper opening its ``path`` parameter is not seen).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: the way in itself
WAY_IN = {"smallclaw_core/workspace.py", "smallclaw_core/beneath.py"}

#: module functions that touch the filesystem when given a workspace path
FS_FUNCTIONS = {
    "os": {"open", "walk", "scandir", "listdir", "stat", "lstat", "remove", "unlink", "rename", "replace",
           "renames", "makedirs", "mkdir", "rmdir", "removedirs", "chmod", "chown", "link", "symlink", "readlink",
           "truncate", "utime", "mkfifo", "access", "fwalk"},
    "os.path": {"exists", "lexists", "isfile", "isdir", "islink", "getsize", "getmtime", "getatime", "getctime",
                "samefile"},
    "shutil": {"copy", "copy2", "copyfile", "copytree", "move", "rmtree", "copymode", "copystat", "chown"},
    "tempfile": {"mkstemp", "mkdtemp", "NamedTemporaryFile", "TemporaryFile", "SpooledTemporaryFile"},
    "glob": {"glob", "iglob"},
    "io": {"open", "FileIO"},
    "builtins": {"open"},
}
#: methods of ``pathlib.Path`` that touch the filesystem
PATH_METHODS = {"open", "read_text", "read_bytes", "write_text", "write_bytes", "exists", "is_file", "is_dir",
                "is_symlink", "is_fifo", "is_socket", "stat", "lstat", "iterdir", "glob", "rglob", "mkdir", "rmdir",
                "unlink", "rename", "replace", "touch", "chmod", "samefile", "readlink", "symlink_to",
                "hardlink_to", "owner", "group", "walk"}
#: calls and attributes whose result is still a path when given one (``realpath`` and ``resolve``
#: compute a path, they open nothing: what is then done with it is what counts)
PATH_KEEPING_CALLS = {"Path", "PurePath", "PosixPath", "str", "fspath", "join", "abspath", "normpath",
                      "realpath", "expanduser", "inside"}
PATH_KEEPING_METHODS = {"resolve", "absolute", "joinpath", "with_name", "with_suffix", "expanduser",
                        "relative_to", "parent", "parents", "pop"}

#: (file, function, what is called): reviewed uses of a workspace path that open no file in it
ALLOWED = {
    # the workspace folder itself is SmallClaw's (commands cannot replace it): made when missing
    ("smallclaw_core/app.py", "workspace_for", "is_dir"),
    ("smallclaw_core/app.py", "workspace_for", "mkdir"),
    # the command policy reads names before a command runs (what a glob matches, whether a
    # path names anything, which links lead out), never a file's bytes; what the command then
    # reaches is the kernel's to confine (Landlock)
    ("plugins/smallclaw_shell_tools/smallclaw_shell_tools/policy.py", "_path_problem", "glob"),
    ("plugins/smallclaw_shell_tools/smallclaw_shell_tools/policy.py", "_unreachable", "lexists"),
    ("plugins/smallclaw_shell_tools/smallclaw_shell_tools/policy.py", "outward_links", "scandir"),
}


def sources() -> list[Path]:
    files = sorted((ROOT / "smallclaw_core").rglob("*.py"))
    files += sorted(p for p in (ROOT / "plugins").glob("*/smallclaw_*/**/*.py"))
    files += sorted((ROOT / "examples").glob("*/*.py"))  # what the tutorial teaches plugin authors
    return [p for p in files if str(p.relative_to(ROOT)) not in WAY_IN]


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


class _Scope:
    """The workspace paths of one function (flow-insensitive: a name once a path stays one)."""

    def __init__(self, tainted: set[str]):
        self.tainted = set(tainted)

    def is_path(self, node: ast.AST | None) -> bool:
        if node is None:
            return False
        if isinstance(node, ast.Name):
            return "workspace" in node.id.lower() or node.id in self.tainted
        if isinstance(node, ast.Attribute):
            if "workspace" in node.attr.lower() and node.attr != "Workspace":
                return True
            return node.attr in PATH_KEEPING_METHODS and self.is_path(node.value)
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and "workspace" in func.attr.lower():
                return True  # app.workspace_for(task_id)
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if isinstance(func, ast.Attribute) and name in PATH_KEEPING_METHODS and self.is_path(func.value):
                return True
            if name in PATH_KEEPING_CALLS:
                return any(self.is_path(a) for a in node.args)
            if isinstance(func, ast.Attribute) and name in ("walk", "fwalk", "scandir", "listdir", "iterdir",
                                                             "glob", "rglob"):
                return self.is_path(func.value) or any(self.is_path(a) for a in node.args)
            return False
        if isinstance(node, ast.BinOp):
            return self.is_path(node.left) or self.is_path(node.right)
        if isinstance(node, ast.JoinedStr):
            return any(self.is_path(v.value) for v in node.values if isinstance(v, ast.FormattedValue))
        if isinstance(node, (ast.Subscript, ast.Starred)):
            return self.is_path(node.value)
        if isinstance(node, ast.IfExp):
            return self.is_path(node.body) or self.is_path(node.orelse)
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            return any(self.is_path(e) for e in node.elts)
        if isinstance(node, ast.NamedExpr):
            return self.is_path(node.value)
        return False

    def mark(self, target: ast.AST) -> bool:
        grew = False
        for name in ast.walk(target):
            if isinstance(name, ast.Name) and name.id not in self.tainted:
                self.tainted.add(name.id)
                grew = True
        return grew

    def spread(self, body: ast.AST) -> None:
        """Mark every name assigned a workspace path (to a fixed point)."""
        grew = True
        while grew:
            grew = False
            for node in ast.walk(body):
                pairs: list[tuple[ast.AST, ast.AST | None]] = []
                if isinstance(node, ast.Assign):
                    pairs = [(t, node.value) for t in node.targets]
                elif isinstance(node, (ast.AnnAssign, ast.AugAssign, ast.NamedExpr)):
                    pairs = [(node.target, node.value)]
                elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
                    pairs = [(node.target, node.iter)]
                elif isinstance(node, (ast.With, ast.AsyncWith)):
                    pairs = [(i.optional_vars, i.context_expr) for i in node.items if i.optional_vars is not None]
                for target, value in pairs:
                    if self.is_path(value):
                        grew |= self.mark(target)


def _filesystem_call(call: ast.Call, scope: _Scope) -> str | None:
    """What filesystem function ``call`` is, when it is given a workspace path; else None."""
    func = call.func
    arguments = list(call.args) + [k.value for k in call.keywords]
    if isinstance(func, ast.Name) and func.id == "open":
        return "open" if call.args and scope.is_path(call.args[0]) else None
    if isinstance(func, ast.Attribute):
        module = _dotted(func.value)
        if module in FS_FUNCTIONS and func.attr in FS_FUNCTIONS[module]:
            return func.attr if any(scope.is_path(a) for a in arguments) else None
        if func.attr in PATH_METHODS and scope.is_path(func.value) and not _workspace_api(call):
            return func.attr
    return None


#: ``Workspace`` methods named like ``Path``'s, with the positional arguments they take at least
WORKSPACE_API = {"read_bytes": 1, "read_text": 1, "stat": 1, "is_file": 1, "is_dir": 1, "exists": 1, "walk": 1,
                 "write_bytes": 2, "write_text": 2, "rename": 2}
WORKSPACE_KEYWORDS = {"limit", "partial", "skip", "hidden", "make_parents", "durable"}


def _workspace_api(call: ast.Call) -> bool:
    """A call on an object *named* workspace (``facts.workspace``) that can only be ``Workspace``'s own
    method: it names the file (``read_text("a.txt")``, ``Path.read_text`` takes none) or uses its
    keywords. A path *built* from the workspace (``workspace / name``) is never one."""
    receiver = call.func.value
    if not (isinstance(receiver, ast.Name) and "workspace" in receiver.id.lower()
            or isinstance(receiver, ast.Attribute) and "workspace" in receiver.attr.lower()):
        return False
    least = WORKSPACE_API.get(call.func.attr)
    return least is not None and (len(call.args) >= least or any(k.arg in WORKSPACE_KEYWORDS
                                                                 for k in call.keywords))


def _units(tree: ast.Module):
    """(name, node) for each function and method (nested ones and lambdas belong to it: closures
    share its names), and for the module's other statements."""
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node.name, node
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    yield item.name, item
        else:
            yield "<module>", node


def findings(path: Path, root: Path = ROOT) -> list[tuple[str, str, str, int]]:
    """(file, function, call, line) for each filesystem call on a workspace path in ``path``."""
    rel = str(path.relative_to(root))
    out = []
    for name, unit in _units(ast.parse(path.read_text(), filename=rel)):
        scope = _Scope(set())
        scope.spread(unit)
        for node in ast.walk(unit):
            if isinstance(node, ast.Call) and (what := _filesystem_call(node, scope)):
                out.append((rel, name, what, node.lineno))
    return sorted(set(out))


def test_nothing_opens_a_workspace_path_by_name():
    found = [f for p in sources() for f in findings(p)]
    unreviewed = [f"{file}:{line}: {fn}() calls {what} on a workspace path" for file, fn, what, line in found
                  if (file, fn, what) not in ALLOWED]
    assert not unreviewed, ("open workspace files through smallclaw_core.Workspace (ctx.files), not by name:\n"
                            + "\n".join(unreviewed))


def test_the_allow_list_is_still_needed():
    """An entry nothing matches any more is removed, so the list stays short and true."""
    found = {(file, fn, what) for p in sources() for file, fn, what, _ in findings(p)}
    assert not ALLOWED - found, f"allow-list entries that match nothing: {sorted(ALLOWED - found)}"


def test_the_scan_catches_the_ways_back(tmp_path):
    """The forms a file access by name takes are all reported (the scan itself can fail)."""
    code = '''
import os, shutil, tempfile
from pathlib import Path

def a(workspace, name):
    return (workspace / name).read_text()

def b(ctx, name):
    path = Path(ctx.workspace) / name
    with open(path) as fh:
        return fh.read()

def c(app, task):
    root = app.workspace_for(task.id)
    for folder, dirs, names in os.walk(root):
        for n in names:
            os.path.getsize(os.path.join(folder, n))

def d(workspace, name):
    target = workspace / name
    fd, tmp = tempfile.mkstemp(dir=target.parent)
    os.replace(tmp, target)

def e(ctx):
    return [p.name for p in ctx.workspace.iterdir() if p.is_file()]

def f(ctx, name):
    files = ctx.files  # the way in: not reported
    return files.read_text(name)

def g(facts, name):
    return facts.workspace.read_text(name, limit=100)  # a Workspace kept as "workspace": not reported

def h(facts, name):
    return (facts.workspace / name).read_text()  # a path built from it: reported
'''
    module = tmp_path / "smallclaw_core" / "sample.py"
    module.parent.mkdir()
    module.write_text(code)
    got = {(fn, what) for _, fn, what, _ in findings(module, tmp_path)}
    assert {("a", "read_text"), ("b", "open"), ("c", "walk"), ("c", "getsize"), ("d", "mkstemp"),
            ("d", "replace"), ("e", "iterdir"), ("h", "read_text")} <= got, got
    assert not {what for fn, what in got if fn in ("f", "g")}
