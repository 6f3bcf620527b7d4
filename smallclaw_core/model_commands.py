"""``smallclaw models`` (what each backend offers, what is pulled), ``models pull`` and ``doctor``."""

from __future__ import annotations

import argparse
import inspect
import sys
from typing import Any

from .console import EXIT_ERROR, EXIT_OK, _app, _print_json
from .terminal import printable

def cmd_models(args: argparse.Namespace) -> int:
    import anyio

    from .errors import SmallClawError
    from .modelfiles import list_pulled, models_dir

    app = _app(args)

    async def collect() -> list[dict[str, Any]]:
        rows = []
        for name in app.backends.names():
            try:
                models = await app.backend(name).list_models()
                rows.append({"backend": name, "models": [
                    {"name": m.name, "tools": m.supports_tools, "context_length": m.context_length}
                    for m in models]})
            except SmallClawError as exc:
                rows.append({"backend": name, "error": str(exc), "models": []})
        await app.aclose()
        return rows

    rows = anyio.run(collect)
    pulled = list_pulled()
    if args.json:
        _print_json({"backends": rows, "pulled": [
            {"name": m.name, "repo": m.repo, "file": m.file, "path": str(m.path), "size": m.size,
             "sha256": m.sha256, "revision": m.revision} for m in pulled]})
        return EXIT_OK
    if not rows:
        print("no model backend plugins are installed")
    for row in rows:
        print(f"{row['backend']}:")
        if row.get("error"):
            print(f"  unavailable: {printable(row['error'])}")  # a server's own words
        for m in row["models"]:
            extra = []
            if m["tools"] is not None:
                extra.append("tools" if m["tools"] else "no native tools")
            if m["context_length"]:
                extra.append(f"ctx {m['context_length']}")
            print(f"  {row['backend']}:{printable(m['name'])}" + (f"  ({', '.join(extra)})" if extra else ""))
    from .progress import size_text

    print(f"pulled (in {models_dir()}):")
    if not pulled:
        print("  none yet: smallclaw models pull <owner>/<repo>/<file>.gguf")
    for m in pulled:
        print(f"  {m.name}  {size_text(m.size)}" + ("" if m.sha256 else "  (not verified)"))
    return EXIT_OK


def cmd_models_pull(args: argparse.Namespace) -> int:
    from .errors import SmallClawError
    from .modelfiles import find_pulled, pull
    from .progress import size_text

    app = _app(args)
    try:
        model, downloaded = pull(args.spec, endpoint=app.config.models.hub_endpoint, revision=args.revision,
                                 verify=not args.no_verify)
    except KeyboardInterrupt:
        print("\ninterrupted: run the same command again to continue the download", file=sys.stderr)
        return 130
    if downloaded:
        print(f"pulled {model.name} ({size_text(model.size)}, sha256 {model.sha256})")
    else:
        print(f"{model.name} is already pulled")
    print(f"  file: {model.path}")
    try:
        # the file name alone is enough while no other pulled model has it
        short = model.file if find_pulled(model.file) == model else model.name
    except SmallClawError:
        short = model.name
    print(f'  use it: [models] executor = "llamacpp:{short}"')
    return EXIT_OK


def _print_checks(checks) -> int:
    """Print doctor lines; return how many failed (warnings do not count)."""
    failed = 0
    for c in checks:
        label = "ok  " if c.ok else ("warn" if c.warning else "FAIL")
        failed += 0 if c.ok or c.warning else 1
        print(f"  {label} {printable(c.what)}" + (f": {printable(c.detail, lines=True)}" if c.detail else ""))
        if not c.ok and c.fix:
            print(f"       fix: {printable(c.fix, lines=True)}")
    return failed


async def _size_checks(app: Any, backend_name: str, model: str, roles: list[str]) -> list[Any]:
    """For the executor: which tool protocol it gets and why; a warning when it is too small for real work."""
    from .errors import SmallClawError
    from .models import DoctorCheck, too_small_advice
    from .toolprotocol import protocol_choice

    if "executor" not in roles:
        return []
    try:
        info = await app.backend(backend_name).describe(model)
    except SmallClawError:
        return []  # the backend's own checks already said why
    json_protocol, why = protocol_choice(app.config.models.tool_protocol, info)
    checks = [DoctorCheck("tool protocol", True, f"{'constrained JSON' if json_protocol else 'native tool calls'}: "
                                                 f"{why}")]
    advice = too_small_advice(info)
    if advice is not None:
        checks.append(DoctorCheck("model size", False, advice, warning=True))
    return checks


def cmd_doctor(args: argparse.Namespace) -> int:
    import anyio

    from .app import ROLES, parse_model_spec
    from .errors import SmallClawError

    app = _app(args)
    failures = 0

    async def run() -> None:
        nonlocal failures
        print(f"data directory: {app.home}")
        for msg in app.messages:
            print(f"  note: {msg}")
        for p in app.plugins.failed:
            failures += 1
            print(f"  FAIL plugin {p.name}: {p.error}")
        specs: dict[str, list[str]] = {}
        for role in ROLES:
            spec = getattr(app.config.models, role) or app.config.models.executor
            if spec:
                specs.setdefault(spec, []).append(role)
        if not specs:
            try:
                said = len(app.messages)
                ref = await app.model_for("executor")
                specs[str(ref)] = list(ROLES)
                print(f"no [models] configured: chose {ref} automatically")
                for msg in app.messages[said:]:
                    print(f"  note: {msg}")
            except SmallClawError as exc:
                failures += 1
                print(f"  FAIL choosing a model: {printable(exc, lines=True)}")
        for spec, roles in specs.items():
            print(f"{spec} ({', '.join(roles)}):")
            try:
                backend_name, model = parse_model_spec(spec)
                checks = await app.backend(backend_name).doctor(model)
            except SmallClawError as exc:
                failures += 1
                print(f"  FAIL {printable(exc, lines=True)}")
                continue
            failures += _print_checks(checks + await _size_checks(app, backend_name, model, roles))
        for name in app.doctor_checks.names():
            print(f"{name}:")
            try:
                checks = app.doctor_checks[name](app)
                if inspect.isawaitable(checks):
                    checks = await checks
            except Exception as exc:  # a plugin's check must not hide the others
                failures += 1
                print(f"  FAIL the check failed to run: {type(exc).__name__}: {printable(exc, lines=True)}")
                continue
            failures += _print_checks(checks or [])
        await app.aclose()

    anyio.run(run)
    print("all checks passed" if not failures else f"{failures} check(s) failed")
    return EXIT_OK if not failures else EXIT_ERROR


