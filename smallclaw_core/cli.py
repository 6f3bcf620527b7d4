"""The ``smallclaw`` command.

Imports stay lazy: ``smallclaw --help`` must not pull in Litestar, httpx or any model
library, so the heavy parts are imported inside the commands that need them.
"""

from __future__ import annotations

import argparse
import inspect
import os
import sys
from pathlib import Path
from typing import Any

from .console import EXIT_ERROR, EXIT_OK, EXIT_USAGE, _app, _loaded, _print_json
from .model_commands import cmd_doctor, cmd_models, cmd_models_pull
from .task_commands import _simple, cmd_task_add, cmd_task_diff, cmd_task_list, cmd_task_show, cmd_task_undo
from .tasks import STATUSES
from .terminal import printable


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
            print(f"  FAILED TO LOAD: {printable(p['error'], lines=True)}")
            continue
        print(f"  hooks: {', '.join(p['hooks']) or '-'}")
        for kind, names in p["contributes"].items():
            if names:
                print(f"  {kind}: {', '.join(names)}")
    return EXIT_OK


# --- serve, chat, models, doctor ----------------------------------------------------


def cmd_serve(args: argparse.Namespace) -> int:
    from .serve import serve

    return serve(args)


def cmd_store(args: argparse.Namespace) -> int:
    app = _app(args)
    print(f"tasks: {app.store.describe()}")
    return EXIT_OK


def cmd_store_migrate(args: argparse.Namespace) -> int:
    app = _app(args)
    print(f"tasks: {app.store.describe()}")
    for line in app.store.migrate():
        print(line)
    return EXIT_OK


def cmd_chat(args: argparse.Namespace) -> int:
    from .terminal_chat import run_chat

    return run_chat(args)


# --- the parser ---------------------------------------------------------------------


HOME_HELP = ("data directory (default: $SMALLCLAW_HOME, else the nearest .localclaw in this folder or a parent, "
             "else the user data directory, e.g. ~/.local/share/smallclaw)")
LOG_LEVEL_HELP = "how much serve and run log: debug, info (default), warning or error"


def _number(low: int, high: int) -> Any:
    """An argparse type: a whole number from ``low`` to ``high``, else a usage error saying so."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is not from {low} to {high}")
        return value

    return parse


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
    p.add_argument("--port", type=_number(0, 65535), help="port (default 8765; 0: any free port)")
    p.add_argument("--no-runner", action="store_true", help="serve the board without running tasks")
    p.add_argument("--no-gateway", action="store_true", help="run tasks without serving the API and the board")
    p.set_defaults(func=cmd_serve)

    store = command(sub, "store", "the task store: where tasks are kept, its schema")
    store.set_defaults(func=cmd_store)
    ssub = store.add_subparsers(dest="store_command", metavar="ACTION")
    p = command(ssub, "migrate", "bring the store's schema up to date (also done at start when it is older)")
    p.set_defaults(func=cmd_store_migrate)

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
    p.add_argument("--status", choices=STATUSES)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_task_list)

    p = command(tsub, "show", "show a task: status, plan, journal tail, summary")
    p.add_argument("id")
    p.add_argument("--journal", type=_number(0, 100_000), default=15, metavar="N",
                   help="journal entries to show (default 15)")
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

    p = command(tsub, "pick", "take one attempt's result when a task's attempts did not agree, and go on")
    p.add_argument("id")
    p.add_argument("attempt", type=int, help="the attempt's number, as the pause reason or `task show` lists them")
    p.set_defaults(func=_simple("pick"))

    p = command(tsub, "plan", "replace the remaining steps of a queued or paused task")
    p.add_argument("id")
    p.add_argument("--step", action="append", required=True)
    p.add_argument("--check", action="append")
    p.set_defaults(func=_simple("plan"))

    p = command(tsub, "diff", "show what each step changed in the workspace (files, sizes, unified diffs)")
    p.add_argument("id")
    p.add_argument("--step", type=int, metavar="N", help="only step N (counting from 1)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_task_diff)

    p = command(tsub, "undo", "put back what a step changed (default: the last step that changed anything)")
    p.add_argument("id")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--step", type=int, metavar="N", help="undo step N (counting from 1)")
    which.add_argument("--all", action="store_true", help="undo every step, the last first")
    p.add_argument("--force", action="store_true",
                   help="put back even files changed since (by a later step or someone else); they are lost")
    p.add_argument("--wait", type=float, default=150.0, metavar="S",
                   help="seconds to wait for a running task to pause at the end of its round (default 150)")
    p.set_defaults(func=cmd_task_undo)

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
        print(f"smallclaw: {printable(exc, lines=True)}", file=sys.stderr)
        return EXIT_USAGE
    except (ConfigError, IllegalTransition) as exc:
        print(f"smallclaw: {printable(exc, lines=True)}", file=sys.stderr)
        return EXIT_USAGE if isinstance(exc, IllegalTransition) else EXIT_ERROR
    except SmallClawError as exc:
        print(f"smallclaw: {printable(exc, lines=True)}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
