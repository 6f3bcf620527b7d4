"""The ``smallclaw`` command.

Imports stay lazy: ``smallclaw --help`` must not pull in Litestar, httpx or any model
library, so the heavy parts are imported inside the commands that need them.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import sys
import time
from pathlib import Path
from typing import Any, Callable

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


#: the app loaded to find plugin commands, handed to the command so it is not loaded twice
_loaded: dict[str | None, Any] = {}


def _app(args: argparse.Namespace):
    app = _loaded.pop(args.home, None)
    if app is not None:
        return app
    from .app import App

    return App.load(args.home)


def _print_json(value: Any) -> None:
    print(json.dumps(value, indent=2, ensure_ascii=False, default=str))


def _ago(ts: float | None) -> str:
    if not ts:
        return "-"
    delta = max(0, time.time() - ts)
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if delta >= size:
            return f"{int(delta // size)}{unit} ago"
    return f"{int(delta)}s ago"


# --- init and plugins ---------------------------------------------------------------


def cmd_init(args: argparse.Namespace) -> int:
    from .app import App
    from .config import CONFIG_FILE, write_default
    from .paths import HOME_VARIABLE, PROJECT_DIR, data_dir
    from .plugins import Registry

    if args.here:
        if args.home:
            print("smallclaw: choose one: --here (./.localclaw) or --home DIR", file=sys.stderr)
            return EXIT_USAGE
        home = (Path.cwd() / PROJECT_DIR).resolve()
        if os.environ.get(HOME_VARIABLE):
            print(f"note: ${HOME_VARIABLE} is set, so commands use it rather than {home} until you unset it")
    else:
        home = data_dir(args.home)
    path = home / CONFIG_FILE
    if path.exists() and not args.force:
        print(f"{path} already exists (use --force to overwrite it)")
        return EXIT_OK
    home.mkdir(parents=True, exist_ok=True)
    app = App.load(home) if not path.exists() else None
    sections = Registry("sections")
    if app is not None:
        app.plugins.collect("register_config_sections", sections)
    write_default(path, {n: sections[n] for n in sections.names()})
    print(f"wrote {path}")
    return EXIT_OK


def cmd_plugins(args: argparse.Namespace) -> int:
    import attrs

    app = _app(args)
    app.collect_all()
    rows = [attrs.asdict(p) for p in app.plugins.plugins]
    if args.json:
        _print_json(rows)
        return EXIT_OK
    for p in rows:
        version = p["version"] or ""
        print(f"{p['name']} {version}".rstrip() + (f"  ({p['distribution']})" if p["distribution"] else ""))
        if p["error"]:
            print(f"  FAILED TO LOAD: {p['error']}")
            continue
        print(f"  hooks: {', '.join(p['hooks']) or '-'}")
        for kind, names in p["contributes"].items():
            if names:
                print(f"  {kind}: {', '.join(names)}")
    return EXIT_OK


# --- tasks --------------------------------------------------------------------------


def cmd_task_add(args: argparse.Namespace) -> int:
    from .documents import unstructure
    from .tasks import Origin

    app = _app(args)
    origin = Origin(channel="cli", session=args.session)
    task = app.tasks.create(args.goal, args.step or [], title=args.title, origin=origin,
                            checks=args.check or None)
    if args.json:
        _print_json(unstructure(task))
    else:
        plan = f"{len(task.steps)} steps" if task.steps else "to be planned"
        print(f"created task {task.id} ({plan}): {task.title}")
    return EXIT_OK


def cmd_task_list(args: argparse.Namespace) -> int:
    from .control import task_summary

    app = _app(args)
    tasks = app.tasks.list(args.status)
    problems = app.store.problems
    if args.json:
        _print_json([task_summary(t) for t in tasks])
    else:
        if not tasks:
            print("no tasks" + (f" with status {args.status}" if args.status else ""))
        for t in tasks:
            progress = f"{t.steps_done}/{len(t.steps)}" if t.steps else "-"
            print(f"{t.id}  {t.status:<16} {progress:>5}  {_ago(t.updated_at):>8}  {t.title}")
    for p in problems:
        where = f" (moved to {p.moved_to})" if p.moved_to else ""
        print(f"warning: task {p.task_id}: {p.message}{where}", file=sys.stderr)
    return EXIT_OK


def _format_entry(e: Any) -> str:
    data = e.data
    if e.kind == "tool_call":
        text = f"{data.get('name')}({json.dumps(data.get('arguments', {}), ensure_ascii=False)})"
    elif e.kind == "tool_result":
        text = ("ERROR " if data.get("error") else "") + str(data.get("result", ""))
    elif e.kind == "verification":
        text = f"{'YES' if data.get('passed') else 'NO'} ({data.get('source', '')}): {data.get('reason', '')}"
    else:
        text = data.get("message") or data.get("reason") or data.get("note") or data.get("text") \
            or json.dumps(data, ensure_ascii=False)
    text = " ".join(str(text).split())
    return f"  #{e.seq:<4} {time.strftime('%H:%M:%S', time.localtime(e.ts))} {e.kind:<12} {text[:150]}"


def cmd_task_show(args: argparse.Namespace) -> int:
    from .documents import unstructure

    app = _app(args)
    task = app.tasks.get(args.id)
    tail = app.store.journal_tail(task.id, args.journal)
    if args.json:
        _print_json({"task": unstructure(task), "journal": [unstructure(e) for e in tail]})
        return EXIT_OK
    print(f"{task.id}  {task.title}")
    print(f"  status: {task.status}" + (" (pause requested)" if task.pause_requested else ""))
    if task.pause_reason:
        print(f"  reason: {task.pause_reason}")
    if task.awaiting_approval:
        print(f"  waiting for approval of: {task.awaiting_approval}")
        print(f"    approve: smallclaw task resume {task.id} --approve   refuse: --refuse")
    print(f"  origin: {task.origin.channel}" + (f" ({task.origin.session})" if task.origin.session else ""))
    print(f"  goal: {task.goal}")
    print(f"  progress: {task.steps_done}/{len(task.steps)} steps, {task.rounds} rounds")
    marks = {"done": "x", "skipped": "-", "running": ">", "pending": " "}
    for i, step in enumerate(task.steps):
        current = "*" if i == task.current_step and not task.finished else " "
        check = f"  [check: {step.check}]" if step.check else ""
        print(f"  {current}[{marks.get(step.state, '?')}] {i + 1}. {step.description}{check}")
        for note in step.notes[-2:]:
            print(f"         note: {note}")
    if task.summary:
        print("  summary:")
        for line in task.summary.splitlines():
            print(f"    {line}")
    if tail:
        print(f"  journal (last {len(tail)}):")
        for e in tail:
            print(_format_entry(e))
    return EXIT_OK


def _simple(action: str) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        app = _app(args)
        if action == "pause":
            task = app.tasks.pause(args.id)
            when = "at the end of the current round" if task.status == "running" else "now"
            print(f"task {task.id} will pause {when}" if task.status == "running" else f"task {task.id} paused")
        elif action == "resume":
            approve = True if args.approve else False if args.refuse else None
            task = app.tasks.resume(args.id, args.note, approve=approve)
            print(f"task {task.id} resumed ({task.status})")
        elif action == "cancel":
            task = app.tasks.cancel(args.id)
            print(f"task {task.id} cancelled")
        elif action == "delete":
            app.tasks.delete(args.id)
            print(f"task {args.id} deleted")
        elif action == "plan":
            task = app.tasks.edit_plan(args.id, args.step, checks=args.check or None)
            print(f"task {task.id} now has {len(task.steps)} steps")
        return EXIT_OK

    return run


# --- serve, chat, models, doctor ----------------------------------------------------


def cmd_serve(args: argparse.Namespace) -> int:
    from .serve import serve

    return serve(args)


def cmd_chat(args: argparse.Namespace) -> int:
    from .terminal_chat import run_chat

    return run_chat(args)


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
            print(f"  unavailable: {row['error']}")
        for m in row["models"]:
            extra = []
            if m["tools"] is not None:
                extra.append("tools" if m["tools"] else "no native tools")
            if m["context_length"]:
                extra.append(f"ctx {m['context_length']}")
            print(f"  {row['backend']}:{m['name']}" + (f"  ({', '.join(extra)})" if extra else ""))
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
        print(f"  {label} {c.what}" + (f": {c.detail}" if c.detail else ""))
        if not c.ok and c.fix:
            print(f"       fix: {c.fix}")
    return failed


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
                print(f"  FAIL choosing a model: {exc}")
        for spec, roles in specs.items():
            print(f"{spec} ({', '.join(roles)}):")
            try:
                backend_name, model = parse_model_spec(spec)
                checks = await app.backend(backend_name).doctor(model)
            except SmallClawError as exc:
                failures += 1
                print(f"  FAIL {exc}")
                continue
            failures += _print_checks(checks)
        for name in app.doctor_checks.names():
            print(f"{name}:")
            try:
                checks = app.doctor_checks[name](app)
                if inspect.isawaitable(checks):
                    checks = await checks
            except Exception as exc:  # a plugin's check must not hide the others
                failures += 1
                print(f"  FAIL the check failed to run: {type(exc).__name__}: {exc}")
                continue
            failures += _print_checks(checks or [])
        await app.aclose()

    anyio.run(run)
    print("all checks passed" if not failures else f"{failures} check(s) failed")
    return EXIT_OK if not failures else EXIT_ERROR


# --- the parser ---------------------------------------------------------------------


HOME_HELP = ("data directory (default: $SMALLCLAW_HOME, else the nearest .localclaw in this folder or a parent, "
             "else the user data directory, e.g. ~/.local/share/smallclaw)")
LOG_LEVEL_HELP = "how much serve and run log: debug, info (default), warning or error"


def _global_options(parser: argparse.ArgumentParser, default: Any) -> None:
    """Options accepted before and after the command (``smallclaw task list --home X``)."""
    parser.add_argument("--home", metavar="DIR", default=default, help=HOME_HELP)
    parser.add_argument("--log-level", metavar="LEVEL", choices=["debug", "info", "warning", "error"],
                        default=default, help=LOG_LEVEL_HELP)


def build_parser(plugin_commands: dict[str, dict[str, Any]] | None = None) -> argparse.ArgumentParser:
    from . import __version__

    parser = argparse.ArgumentParser(
        prog="smallclaw",
        description="Background multi-step tasks for small local language models.",
    )
    parser.add_argument("--version", action="version", version=f"smallclaw {__version__}")
    _global_options(parser, None)
    # every command accepts them too; SUPPRESS leaves the value given before the command alone
    common = argparse.ArgumentParser(add_help=False)
    _global_options(common, argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(group: Any, name: str, text: str) -> argparse.ArgumentParser:
        return group.add_parser(name, help=text, parents=[common])

    p = command(sub, "init", "write a default config.toml in the data directory (--here: in ./.localclaw)")
    p.add_argument("--here", action="store_true",
                   help="make ./.localclaw, a data directory for this folder and the folders below it")
    p.add_argument("--force", action="store_true", help="overwrite an existing config")
    p.set_defaults(func=cmd_init)

    p = command(sub, "plugins", "list plugins, their hooks and what they register")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_plugins)

    p = command(sub, "serve", "run the server: the runner, the API and the board")
    p.add_argument("--host", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default 8765)")
    p.add_argument("--no-runner", action="store_true", help="serve the board without running tasks")
    p.set_defaults(func=cmd_serve)

    p = command(sub, "chat", "chat with the model in the terminal; /task <goal> starts a task")
    p.add_argument("--session", help="session key to continue (default: a new one)")
    p.set_defaults(func=cmd_chat)

    models = command(sub, "models", "list the models each backend offers and the pulled ones; pull one")
    models.add_argument("--json", action="store_true")
    models.set_defaults(func=cmd_models)
    msub = models.add_subparsers(dest="models_command", metavar="ACTION")
    p = command(msub, "pull", "download a GGUF model from the Hugging Face Hub into the user's cache")
    p.add_argument("spec", metavar="OWNER/REPO/FILE.gguf",
                   help="e.g. Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q4_k_m.gguf")
    p.add_argument("--revision", default="main", help="branch, tag or commit (default main)")
    p.add_argument("--no-verify", action="store_true",
                   help="accept a file whose server names no sha256 (the Hub always does)")
    p.set_defaults(func=cmd_models_pull)

    p = command(sub, "doctor", "check the model backends and what plugins check (the shell sandbox), "
                          "and say how to fix them")
    p.set_defaults(func=cmd_doctor)

    task = command(sub, "task", "add, list, show and control background tasks")
    tsub = task.add_subparsers(dest="task_command", metavar="ACTION")
    task.set_defaults(func=lambda a: (task.print_help(), EXIT_USAGE)[1])

    p = command(tsub, "add", "create a task from a goal, optionally with its steps")
    p.add_argument("goal")
    p.add_argument("--step", action="append", help="a plan step (repeat for several); default: planned by the model")
    p.add_argument("--check", action="append", help="a check for the step of the same position, e.g. 'file_exists: out.txt'")
    p.add_argument("--title")
    p.add_argument("--session", help="session key whose chat gets the result")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_task_add)

    p = command(tsub, "list", "list tasks")
    p.add_argument("--status", choices=["queued", "running", "paused", "needs_assistance", "complete", "failed", "cancelled"])
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_task_list)

    p = command(tsub, "show", "show a task: status, plan, journal tail, summary")
    p.add_argument("id")
    p.add_argument("--journal", type=int, default=15, metavar="N", help="journal entries to show (default 15)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_task_show)

    for action, text in (("pause", "pause a task (a running one stops at the end of its round)"),
                         ("cancel", "cancel a task"), ("delete", "delete a task and its journal")):
        p = command(tsub, action, text)
        p.add_argument("id")
        p.set_defaults(func=_simple(action))

    p = command(tsub, "resume", "resume a paused or needs_assistance task")
    p.add_argument("id")
    p.add_argument("--note", help="an instruction for the model, e.g. 'use the other folder'")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--approve", action="store_true", help="approve the command the task is waiting on")
    group.add_argument("--refuse", action="store_true", help="refuse the command the task is waiting on")
    p.set_defaults(func=_simple("resume"))

    p = command(tsub, "plan", "replace the remaining steps of a queued or paused task")
    p.add_argument("id")
    p.add_argument("--step", action="append", required=True)
    p.add_argument("--check", action="append")
    p.set_defaults(func=_simple("plan"))

    for name, spec in (plugin_commands or {}).items():
        if name in sub.choices:
            continue
        p = command(sub, name, spec.get("help") or "")
        if spec.get("arguments"):
            spec["arguments"](p)
        p.set_defaults(func=None, plugin_command=spec["run"])
    return parser


def _plugin_commands(home: str | None) -> dict[str, dict[str, Any]]:
    # Only entry-point modules are imported here; they keep heavy imports lazy.
    try:
        from .app import App

        app = App.load(home)
        commands = {n: app.commands[n] for n in app.commands.names()}
        _loaded[home] = app
        return commands
    except Exception:  # a broken config must not break --help; commands report it
        return {}


def _peek_home(argv: list[str]) -> str | None:
    for i, arg in enumerate(argv):
        if arg == "--home" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--home="):
            return arg.split("=", 1)[1]
    return None


def main(argv: list[str] | None = None) -> int:
    from .logs import configure_command_logging

    # warnings on stderr as "smallclaw: ..."; serve and run replace this with the full logging
    configure_command_logging()
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(_plugin_commands(_peek_home(argv)))
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_USAGE
    from .errors import ConfigError, IllegalTransition, SmallClawError, TaskNotFound

    try:
        if getattr(args, "plugin_command", None):
            app = _app(args)
            result = args.plugin_command(args, app)
            if inspect.isawaitable(result):
                import anyio

                async def wait() -> Any:
                    return await result

                result = anyio.run(wait)
            return int(result or 0)
        return int(args.func(args) or 0)
    except TaskNotFound as exc:
        print(f"smallclaw: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except (ConfigError, IllegalTransition) as exc:
        print(f"smallclaw: {exc}", file=sys.stderr)
        return EXIT_USAGE if isinstance(exc, IllegalTransition) else EXIT_ERROR
    except SmallClawError as exc:
        print(f"smallclaw: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
