"""The ``smallclaw task`` commands: add, list, show, pause, resume, cancel, delete, plan, pick, diff, undo.

Everything a task holds is shown through ``printable``: goals, titles, notes and journal
text come from users, the board, Telegram and the model, and may carry terminal escapes.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any, Callable

from .console import EXIT_OK, _ago, _app, _print_json
from .models import describe_call
from .terminal import printable as shown


def cmd_task_add(args: argparse.Namespace) -> int:
    from .documents import unstructure
    from .tasks import Origin

    app = _app(args)
    origin = Origin(channel="cli", session=session_key(args.session))
    task = app.tasks.create(args.goal, args.step or [], title=args.title, origin=origin,
                            checks=args.check or None)
    if args.json:
        _print_json(unstructure(task))
    else:
        plan = f"{len(task.steps)} steps" if task.steps else "to be planned"
        print(f"created task {task.id} ({plan}): {shown(task.title)}")
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
            print(f"{t.id}  {t.status:<16} {progress:>5}  {_ago(t.updated_at):>8}  {shown(t.title)}")
    for p in problems:
        where = f" (moved to {p.moved_to})" if p.moved_to else ""
        print(f"warning: task {shown(p.task_id)}: {shown(p.message)}{shown(where)}", file=sys.stderr)
    return EXIT_OK


def _format_entry(e: Any) -> str:
    data = e.data
    if e.kind == "tool_call":
        text = describe_call(data.get("name"), data.get("arguments", {}))
    elif e.kind == "tool_result":
        text = ("ERROR " if data.get("error") else "") + str(data.get("result", ""))
    elif e.kind == "change":
        text = f"step {data.get('step', 0) + 1}: " + ", ".join(f"{f['action']} {f['path']}" for f in data.get("files", []))
    elif e.kind == "verification":
        text = f"{'YES' if data.get('passed') else 'NO'} ({data.get('source', '')}): {data.get('reason', '')}"
    elif e.kind == "candidates":
        text = "; ".join(f"#{c['attempt']}: {c.get('failed') or c.get('summary')}" for c in data.get("candidates", []))
    else:
        text = data.get("message") or data.get("reason") or data.get("note") or data.get("text") \
            or json.dumps(data, ensure_ascii=False)
    text = shown(" ".join(str(text).split())[:150])
    return f"  #{e.seq:<4} {time.strftime('%H:%M:%S', time.localtime(e.ts))} {shown(e.kind):<12} {text}"


def cmd_task_show(args: argparse.Namespace) -> int:
    from .documents import unstructure

    app = _app(args)
    task = app.tasks.get(args.id)
    tail = app.store.journal_tail(task.id, args.journal)
    if args.json:
        _print_json({"task": unstructure(task), "journal": [unstructure(e) for e in tail]})
        return EXIT_OK
    print(f"{task.id}  {shown(task.title)}")
    print(f"  status: {task.status}" + (" (pause requested)" if task.pause_requested else ""))
    if task.pause_reason:
        print(f"  reason: {shown(task.pause_reason)}")
    if task.awaiting_approval:
        print(f"  waiting for approval of: {shown(task.awaiting_approval)}")
        print(f"    approve: smallclaw task resume {task.id} --approve   refuse: --refuse")
    offered = app.tasks.candidates(task)
    if offered:
        print(f"  attempts at step {task.current_step + 1} that did not agree (pick one: smallclaw task pick {task.id} N):")
        for c in offered["candidates"]:
            mark = f"did not vote: {c['failed']}" if c.get("failed") else c.get("summary", "")
            print(f"    #{c['attempt']}: {shown(' '.join(str(mark).split())[:150])}")
    print(f"  origin: {shown(task.origin.channel)}"
          + (f" ({shown(task.origin.session)})" if task.origin.session else ""))
    print(f"  goal: {shown(task.goal, lines=True)}")
    print(f"  progress: {task.steps_done}/{len(task.steps)} steps, {task.rounds} rounds")
    marks = {"done": "x", "skipped": "-", "running": ">", "pending": " "}
    for i, step in enumerate(task.steps):
        current = "*" if i == task.current_step and not task.finished else " "
        check = f"  [check: {shown(step.check)}]" if step.check else ""
        print(f"  {current}[{marks.get(step.state, '?')}] {i + 1}. {shown(step.description)}{check}")
        for note in step.notes[-2:]:
            print(f"         note: {shown(note)}")
    if task.summary:
        print("  summary:")
        for line in task.summary.splitlines():
            print(f"    {shown(line)}")
    if tail:
        print(f"  journal (last {len(tail)}):")
        for e in tail:
            print(_format_entry(e))
    return EXIT_OK


def session_key(key: str | None) -> str | None:
    """A ``--session`` as given, or a clear error when no session could have that key."""
    from .control import InvalidRequest
    from .sessions import is_session_key

    if key is not None and not is_session_key(key):
        raise InvalidRequest(f"invalid session key {key[:128]!r}: use 1 to 128 of letters, digits and _ . : -")
    return key


def cmd_task_diff(args: argparse.Namespace) -> int:
    from .undo import history

    app = _app(args)
    task = app.tasks.get(args.id)
    past = history(app, task.id)
    entries = [e for e in past.changes if args.step is None or e.data.get("step") == args.step - 1]
    if args.json:
        _print_json([{"seq": e.seq, "ts": e.ts, "undone": e.seq in past.undone, **e.data} for e in entries])
        return EXIT_OK
    if not entries:
        print(f"task {task.id}: " + ("no step changed a file" if args.step is None else f"step {args.step} changed no file"))
    for e in entries:
        d = e.data
        undone = "  (undone)" if e.seq in past.undone else ""
        print(f"step {d.get('step', 0) + 1}: {d.get('created', 0)} created, {d.get('changed', 0)} changed, "
              f"{d.get('removed', 0)} removed{undone}")
        for f in d.get("files", []):
            print(f"  {f['action']:<8} {shown(f['path'])}{'/' if f.get('kind') == 'dir' else ''}  {_sizes(f)}")
        for f in d.get("files", []):
            if f.get("diff"):
                print("".join(f"    {shown(line)}\n" for line in f["diff"].splitlines()), end="")
                if f.get("diff_cut"):
                    print("    [the rest of the diff was cut: [workspace] diff_bytes]")
    return EXIT_OK


def _sizes(f: dict[str, Any]) -> str:
    """A changed path's sizes, kind and what was not kept, in a few words."""
    before, after = f.get("before") or {}, f.get("after") or {}
    kind = f.get("kind")
    if kind not in ("file", "dir"):
        return f"(a {kind}, never opened)"
    if kind == "dir":
        return ""
    sizes = " -> ".join(f"{v['size']:,} bytes" for v in (before, after) if v)
    notes = "; ".join(dict.fromkeys(v["note"] for v in (before, after) if v.get("note")))
    return f"({sizes}{', binary' if f.get('binary') else ''}{'; ' + shown(notes) if notes else ''})"


def cmd_task_undo(args: argparse.Namespace) -> int:
    from .control import InvalidRequest
    from .undo import undo

    app = _app(args)
    task = app.tasks.get(args.id)
    if args.step is not None and args.step < 1:
        raise InvalidRequest("--step counts from 1, as `smallclaw task show` numbers the steps")
    if task.status == "running":
        print(f"task {task.id} is running: it pauses at the end of its round, then the undo goes on", file=sys.stderr)
    done = undo(app, task.id, step=None if args.step is None else args.step - 1, everything=args.all,
                force=args.force, wait=args.wait)
    print(f"task {task.id}: {shown(done.message)}")
    for path, why in done.left.items():
        print(f"  left as it is: {shown(path)}: {shown(why)}")
    if not app.store.get(task.id).finished and done.steps:
        print(f"the task is told what was undone when it resumes: smallclaw task resume {task.id}")
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
        elif action == "pick":
            task = app.tasks.pick(args.id, args.attempt)
            print(f"task {task.id}: step {task.current_step} done with attempt {args.attempt}'s result ({task.status})")
        elif action == "plan":
            task = app.tasks.edit_plan(args.id, args.step, checks=args.check or None)
            print(f"task {task.id} now has {len(task.steps)} steps")
        return EXIT_OK

    return run


