"""Everyday file tasks with a real model, judged by the files they leave.

Each task starts from a few seeded files in a fresh workspace and a goal in plain
words, the way a user would type it. It runs the real path, one task at a time:
``smallclaw task add`` (the model plans it), then ``smallclaw run --until-idle``,
each in its own process with its own data directory. Then the workspace is judged:

- ``success``: the artifact the goal asks for is there and right, and the task ended
  ``complete``;
- ``false-done``: the task ended ``complete`` but the artifact is missing or wrong
  (for a task that cannot be done here: it ended ``complete`` at all);
- ``honest-pause``: the task paused ``needs_assistance`` without the artifact (for a
  task that cannot be done: with a reason that names what is missing);
- ``other``: anything else (the artifact is right but the task paused, a timeout, a
  pause whose reason does not say what is missing).

    python bench/tasks.py --model llamacpp:/path/to/model.gguf   # or a .gguf path, or ollama:qwen2.5-coder:0.5b
    python bench/tasks.py --model ... --only count_lines,json_edit --repeat 2
    python bench/tasks.py --model ... --set held-out   # tasks written last, never worked on (or extra, all)

Prints a table (task, outcome, seconds, rounds, model calls, prompt tokens
evaluated) with totals, and writes JSON to ``bench/results/``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path
from typing import Any, Callable

import attrs

Judge = Callable[[Path], tuple[bool, str]]


def _text(ws: Path, name: str) -> str | None:
    path = ws / name
    return path.read_text(encoding="utf-8", errors="replace") if path.is_file() else None


def file_is(name: str, expected: str) -> Judge:
    """The file holds exactly ``expected`` (surrounding whitespace ignored)."""
    def judge(ws: Path) -> tuple[bool, str]:
        text = _text(ws, name)
        if text is None:
            return False, f"{name} is missing"
        if text.strip() != expected.strip():
            return False, f"{name} holds {text.strip()[:80]!r}, expected {expected.strip()[:80]!r}"
        return True, ""
    return judge


def number_in(name: str, value: int | float) -> Judge:
    """The file's text is the number ``value`` (and nothing else but whitespace)."""
    def judge(ws: Path) -> tuple[bool, str]:
        text = _text(ws, name)
        if text is None:
            return False, f"{name} is missing"
        try:
            ok = float(text.strip()) == float(value)
        except ValueError:
            ok = False
        return ok, "" if ok else f"{name} holds {text.strip()[:80]!r}, expected {value}"
    return judge


def _lines(ws: Path, name: str) -> list[str] | None:
    """The file's lines that are not blank, stripped; None when there is no file."""
    text = _text(ws, name)
    return None if text is None else [line.strip() for line in text.strip().splitlines() if line.strip()]


def lines_are(name: str, expected: list[str]) -> Judge:
    def judge(ws: Path) -> tuple[bool, str]:
        got = _lines(ws, name)
        if got is None:
            return False, f"{name} is missing"
        return got == expected, "" if got == expected else f"{name} has lines {got[:8]}, expected {expected[:8]}"
    return judge


def all_of(*judges: Judge) -> Judge:
    def judge(ws: Path) -> tuple[bool, str]:
        for j in judges:
            ok, why = j(ws)
            if not ok:
                return ok, why
        return True, ""
    return judge


def json_file(name: str, expected: dict[str, Any]) -> Judge:
    def judge(ws: Path) -> tuple[bool, str]:
        text = _text(ws, name)
        if text is None:
            return False, f"{name} is missing"
        try:
            value = json.loads(text)
        except ValueError as exc:
            return False, f"{name} is not valid JSON any more: {exc}"
        return value == expected, "" if value == expected else f"{name} is {value}, expected {expected}"
    return judge


def toml_file(name: str, expected: dict[str, Any]) -> Judge:
    def judge(ws: Path) -> tuple[bool, str]:
        text = _text(ws, name)
        if text is None:
            return False, f"{name} is missing"
        try:
            value = tomllib.loads(text)
        except ValueError as exc:
            return False, f"{name} is not valid TOML any more: {exc}"
        return value == expected, "" if value == expected else f"{name} is {value}, expected {expected}"
    return judge


def exists(name: str) -> Judge:
    def judge(ws: Path) -> tuple[bool, str]:
        return (ws / name).is_file(), f"{name} is missing"
    return judge


def gone(name: str) -> Judge:
    def judge(ws: Path) -> tuple[bool, str]:
        return not (ws / name).exists(), f"{name} is still there"
    return judge


def unique_lines_are(name: str, expected: set[str]) -> Judge:
    """The file's lines are ``expected``, each once, in any order."""
    def judge(ws: Path) -> tuple[bool, str]:
        got = _lines(ws, name)
        if got is None:
            return False, f"{name} is missing"
        ok = sorted(got) == sorted(expected)
        return ok, "" if ok else f"{name} has lines {got[:8]}, expected {sorted(expected)} once each"
    return judge


def untouched(name: str, content: str) -> Judge:
    def judge(ws: Path) -> tuple[bool, str]:
        return _text(ws, name) == content, f"{name} was changed"
    return judge


@attrs.define
class BenchTask:
    name: str
    kind: str
    goal: str
    files: dict[str, str] = attrs.field(factory=dict)
    #: how the artifact is judged (feasible tasks)
    judge: Judge | None = None
    #: for tasks that cannot be done here: words of which the pause reason must name one
    missing: tuple[str, ...] = ()
    #: a program that must be absent for the task to be infeasible
    absent_program: str | None = None

    @property
    def feasible(self) -> bool:
        return self.judge is not None


DATA_LINES = "alpha\nbravo\ncharlie\ndelta\necho\nfoxtrot\ngolf\n"
CONFIG_JSON = '{\n  "name": "demo",\n  "debug": false,\n  "port": 8080\n}\n'
SETTINGS_TOML = 'title = "demo"\nport = 8000\nverbose = false\n'
ESSAY = "Small models can do real work when the framework checks every step they take.\n"
LOG = ("2026-11-01 10:00:01 INFO started\n2026-11-01 10:00:02 INFO loading config\n"
       "2026-11-01 10:00:05 ERROR disk quota exceeded on /var/data\n2026-11-01 10:00:06 INFO retrying\n")
SALES = "item,amount\napples,12\npears,30\nplums,8\n"

TASKS: list[BenchTask] = [
    BenchTask("write_hello", "write", "Write the text 'hello world' to hello.txt.",
              judge=file_is("hello.txt", "hello world")),
    BenchTask("json_create", "write", "Create person.json containing a JSON object with name \"Alice\" and age 30.",
              judge=json_file("person.json", {"name": "Alice", "age": 30})),
    BenchTask("count_lines", "count", "Count the lines in data.txt and write the number to count.txt.",
              {"data.txt": DATA_LINES}, judge=number_in("count.txt", 7)),
    BenchTask("count_words", "count", "Count the words in essay.txt and write the number to words.txt.",
              {"essay.txt": ESSAY}, judge=number_in("words.txt", len(ESSAY.split()))),
    BenchTask("upper_case", "transform", "Write the contents of names.txt in upper case to upper.txt.",
              {"names.txt": "ada\ngrace\nlinus\n"}, judge=lines_are("upper.txt", ["ADA", "GRACE", "LINUS"])),
    BenchTask("sort_lines", "transform", "Sort the lines of fruits.txt alphabetically and write them to sorted.txt.",
              {"fruits.txt": "pear\napple\nmango\nbanana\n"},
              judge=lines_are("sorted.txt", ["apple", "banana", "mango", "pear"])),
    BenchTask("find_error", "read", "Find the line in app.log that contains ERROR and write that line to error.txt.",
              {"app.log": LOG}, judge=file_is("error.txt", LOG.splitlines()[2])),
    BenchTask("replace_word", "edit", "In greeting.txt, replace the word World with SmallClaw.",
              {"greeting.txt": "Hello, World!\n"}, judge=file_is("greeting.txt", "Hello, SmallClaw!")),
    BenchTask("json_edit", "structured", "In config.json, set \"debug\" to true. Keep everything else as it is.",
              {"config.json": CONFIG_JSON},
              judge=json_file("config.json", {"name": "demo", "debug": True, "port": 8080})),
    BenchTask("toml_edit", "structured", "In settings.toml, change port to 9000. Keep everything else as it is.",
              {"settings.toml": SETTINGS_TOML},
              judge=toml_file("settings.toml", {"title": "demo", "port": 9000, "verbose": False})),
    BenchTask("script_sum", "script", "Write a Python script sum.py that prints the sum of the numbers from 1 to "
              "100, run it, and write its output to sum.txt.",
              judge=all_of(exists("sum.py"), number_in("sum.txt", 5050))),
    BenchTask("combine_numbers", "two-step", "Add the number in a.txt to the number in b.txt and write the total "
              "to total.txt.", {"a.txt": "17\n", "b.txt": "25\n"}, judge=number_in("total.txt", 42)),
    BenchTask("csv_total", "two-step", "sales.csv has the columns item and amount. Write the sum of the amount "
              "column to total.txt.", {"sales.csv": SALES}, judge=number_in("total.txt", 50)),
    BenchTask("copy_backup", "two-step", "Make a folder named backup and copy notes.txt into it.",
              {"notes.txt": "remember the milk\n"},
              judge=all_of(file_is("backup/notes.txt", "remember the milk"),
                           untouched("notes.txt", "remember the milk\n"))),
    BenchTask("three_step", "three-step", "Write the numbers 1 to 5 to numbers.txt, one per line. Then write a "
              "Python script double.py that reads numbers.txt and prints each number doubled, one per line. "
              "Run it and write its output to doubled.txt.",
              judge=all_of(lines_are("numbers.txt", ["1", "2", "3", "4", "5"]), exists("double.py"),
                           lines_are("doubled.txt", ["2", "4", "6", "8", "10"]))),
    BenchTask("no_network", "infeasible", "Download https://example.com/data.csv and save it as data.csv.",
              missing=("network", "internet", "connect", "resolve", "offline", "unreachable", "no route")),
    BenchTask("missing_input", "infeasible", "Summarize report.txt in three sentences and write them to "
              "summary.txt.", missing=("report.txt",)),
    BenchTask("missing_program", "infeasible", "Use ffmpeg to convert song.wav to song.mp3.",
              {"song.wav": "RIFF....WAVEfmt "}, missing=("ffmpeg",), absent_program="ffmpeg"),
]

#: Ten tasks written after the core set had been worked on. Their first run (2/10, 4 false
#: completions) led to the checks for first/last lines, extremes, duplicates, a key's value,
#: a column, joins, renames, counting files and dropping lines: they are no longer held out.
EXTRA: list[BenchTask] = [
    BenchTask("append_line", "edit", "Add the line 'buy bread' to the end of todo.txt.",
              {"todo.txt": "buy milk\ncall mom\n"}, judge=lines_are("todo.txt", ["buy milk", "call mom", "buy bread"]),
              ),
    BenchTask("rename_file", "edit", "Rename draft.txt to final.txt.", {"draft.txt": "the plan\n"},
              judge=all_of(file_is("final.txt", "the plan"), gone("draft.txt"))),
    BenchTask("first_lines", "read", "Write the first 3 lines of data.txt to head.txt.", {"data.txt": DATA_LINES},
              judge=lines_are("head.txt", ["alpha", "bravo", "charlie"])),
    BenchTask("unique_lines", "transform", "Remove the duplicate lines from colors.txt and write the result to "
              "unique.txt.", {"colors.txt": "red\nblue\nred\ngreen\nblue\n"},
              judge=unique_lines_are("unique.txt", {"red", "blue", "green"})),
    BenchTask("json_read", "structured", "Read the port from config.json and write it to port.txt.",
              {"config.json": CONFIG_JSON}, judge=number_in("port.txt", 8080)),
    BenchTask("max_value", "count", "Write the largest number in numbers.txt to max.txt.",
              {"numbers.txt": "4\n17\n9\n"}, judge=number_in("max.txt", 17)),
    BenchTask("count_files", "count", "Count the .txt files in the docs folder and write the number to count.txt.",
              {"docs/a.txt": "a\n", "docs/b.txt": "b\n", "docs/c.md": "c\n"}, judge=number_in("count.txt", 2),
              ),
    BenchTask("csv_column", "two-step", "Write the item column of sales.csv, without its header, to items.txt.",
              {"sales.csv": SALES}, judge=lines_are("items.txt", ["apples", "pears", "plums"])),
    BenchTask("merge_files", "two-step", "Join part1.txt and part2.txt into whole.txt, part1.txt first.",
              {"part1.txt": "first half\n", "part2.txt": "second half\n"},
              judge=lines_are("whole.txt", ["first half", "second half"])),
    BenchTask("drop_debug", "edit", "Remove every line that contains DEBUG from app.log.",
              {"app.log": "INFO a\nDEBUG b\nINFO c\nDEBUG d\n"}, judge=lines_are("app.log", ["INFO a", "INFO c"]),
              ),
]
#: Written after everything above, and not worked on: what a new everyday task meets.
HELD_OUT: list[BenchTask] = [
    BenchTask("count_matching", "count", "How many lines of notes.txt contain the word todo? Write the number to "
              "todo_count.txt.", {"notes.txt": "todo: call bob\ndone: shop\ntodo: pay rent\nidea: garden\n"},
              judge=number_in("todo_count.txt", 2)),
    BenchTask("reverse_lines", "transform", "Write the lines of list.txt in reverse order to reversed.txt.",
              {"list.txt": "one\ntwo\nthree\n"}, judge=lines_are("reversed.txt", ["three", "two", "one"])),
    BenchTask("json_names", "structured", "people.json holds a list of people. Write their names to names.txt, one "
              "per line.", {"people.json": '[{"name": "Ann", "age": 31}, {"name": "Bob", "age": 27}]\n'},
              judge=lines_are("names.txt", ["Ann", "Bob"])),
    BenchTask("make_csv", "write", "Create scores.csv with the header name,score and the rows ann,3 and bob,5.",
              judge=lines_are("scores.csv", ["name,score", "ann,3", "bob,5"])),
    BenchTask("lower_in_place", "edit", "Make every letter in shout.txt lower case.", {"shout.txt": "HELLO THERE\n"},
              judge=file_is("shout.txt", "hello there")),
    BenchTask("commas", "edit", "Replace every comma in data.txt with a semicolon.", {"data.txt": "a,b,c\n1,2,3\n"},
              judge=lines_are("data.txt", ["a;b;c", "1;2;3"])),
    BenchTask("emails", "read", "Write the email addresses in contacts.txt to emails.txt, one per line.",
              {"contacts.txt": "Ann <ann@example.org>, phone 555\nBob bob@example.net\n"},
              judge=lines_are("emails.txt", ["ann@example.org", "bob@example.net"])),
    BenchTask("archive", "two-step", "Create a folder named archive and move old.txt into it.",
              {"old.txt": "last year\n"}, judge=all_of(file_is("archive/old.txt", "last year"), gone("old.txt"))),
]
SETS = {"core": TASKS, "extra": EXTRA, "held-out": HELD_OUT, "all": TASKS + EXTRA + HELD_OUT}


def smallclaw() -> list[str]:
    exe = Path(sys.executable).with_name("smallclaw")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "smallclaw_core.cli"]


def model_spec(value: str) -> str:
    """A GGUF path becomes ``llamacpp:<path>``; ``backend:model`` stays as it is."""
    if value.lower().endswith(".gguf") and not value.startswith("llamacpp:"):
        return f"llamacpp:{Path(value).expanduser().resolve()}"
    return value


def run_one(task: BenchTask, spec: str, root: Path, timeout: float, extra_config: str) -> dict[str, Any]:
    home = root / ".localclaw"
    home.mkdir(parents=True)
    workspace = root / "workspace"
    (home / "config.toml").write_text(
        f'[models]\nexecutor = {json.dumps(spec)}\n\n[workspace]\nroot = {json.dumps(str(workspace))}\n'
        + extra_config, encoding="utf-8")
    env = {**os.environ, "SMALLCLAW_HOME": str(home)}
    env.pop("SMALLCLAW_PLUGINS", None)
    cli = smallclaw()
    added = subprocess.run([*cli, "task", "add", task.goal, "--json"], env=env, capture_output=True, text=True,
                           check=True)
    task_id = json.loads(added.stdout)["id"]
    ws = workspace / task_id
    for name, content in task.files.items():
        (ws / name).parent.mkdir(parents=True, exist_ok=True)
        (ws / name).write_text(content, encoding="utf-8")
    started = time.perf_counter()
    try:
        ran = subprocess.run([*cli, "run", "--until-idle", "--timeout", str(timeout)], env=env,
                             capture_output=True, text=True, timeout=timeout + 60)
        timed_out = ran.returncode != 0 and "still running" in ran.stdout
        log = (ran.stdout + ran.stderr)[-2000:]
    except subprocess.TimeoutExpired:
        timed_out, log = True, "killed after the timeout"
    seconds = time.perf_counter() - started
    shown = subprocess.run([*cli, "task", "show", task_id, "--json", "--journal", "100000"], env=env,
                           capture_output=True, text=True, check=True)
    doc = json.loads(shown.stdout)
    t, journal = doc["task"], doc["journal"]
    calls = [e for e in journal if e["kind"] == "model_call"]
    status = t["status"]
    if task.feasible:
        ok, why = task.judge(ws)
        if ok and status == "complete":
            outcome = "success"
        elif status == "complete":
            outcome = "false-done"
        elif status == "needs_assistance" and not ok:
            outcome = "honest-pause"
        else:
            outcome = "other"
    else:
        reason = (t.get("pause_reason") or "").lower()
        named = any(word in reason for word in task.missing)
        ok, why = False, "" if named else "the pause reason does not name what is missing"
        if status == "complete":
            outcome, why = "false-done", "a task that cannot be done here ended complete"
        elif status == "needs_assistance" and named:
            outcome = "honest-pause"
        else:
            outcome = "other"
    if timed_out:
        outcome, why = "other", "timed out"
    return {
        "task": task.name, "kind": task.kind, "feasible": task.feasible, "outcome": outcome,
        "artifact_ok": ok, "why": why, "status": status, "pause_reason": t.get("pause_reason"),
        "seconds": round(seconds, 1), "rounds": t.get("rounds", 0), "steps": len(t.get("steps", [])),
        "model_calls": len(calls),
        "prompt_evaluated": sum(e["data"].get("prompt_evaluated") or 0 for e in calls),
        "prompt_tokens": sum(e["data"].get("prompt_tokens") or 0 for e in calls),
        "task_id": task_id, "data_dir": str(home), "log": log if outcome == "other" else "",
    }


OUTCOMES = ("success", "false-done", "honest-pause", "other")


def print_table(rows: list[dict[str, Any]]) -> None:
    header = f"{'task':<18} {'outcome':<13} {'secs':>6} {'rounds':>6} {'calls':>5} {'evaluated':>9}  note"
    print(header)
    print("-" * len(header))
    for r in rows:
        note = r["why"] if r["outcome"] != "success" else ""
        if r["outcome"] == "honest-pause" and r["pause_reason"]:
            note = "paused: " + " ".join(r["pause_reason"].split())
        print(f"{r['task']:<18} {r['outcome']:<13} {r['seconds']:>6.1f} {r['rounds']:>6} {r['model_calls']:>5} "
              f"{r['prompt_evaluated']:>9}  {note[:110]}")
    print("-" * len(header))
    counts = {o: sum(1 for r in rows if r["outcome"] == o) for o in OUTCOMES}
    feasible = [r for r in rows if r["feasible"]]
    infeasible = [r for r in rows if not r["feasible"]]
    won = sum(1 for r in feasible if r["outcome"] == "success")
    print("totals: " + ", ".join(f"{o} {n}" for o, n in counts.items()))
    if feasible:
        print(f"feasible tasks: {won}/{len(feasible)} success ({100 * won / len(feasible):.0f}%)")
    if infeasible:
        honest = sum(1 for r in infeasible if r["outcome"] == "honest-pause")
        print(f"tasks that cannot be done here: {honest}/{len(infeasible)} paused naming what is missing")
    one_step = [r["seconds"] for r in feasible if r["kind"] in ("write", "count", "transform", "read", "edit",
                                                                  "structured") and r["outcome"] == "success"]
    if one_step:
        print(f"median seconds of a successful one-step file task: {statistics.median(one_step):.1f}")
    print(f"median seconds per task: {statistics.median(r['seconds'] for r in rows):.1f}; "
          f"total {sum(r['seconds'] for r in rows):.0f} s; model calls {sum(r['model_calls'] for r in rows)}; "
          f"prompt tokens evaluated {sum(r['prompt_evaluated'] for r in rows)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", required=True, help="backend:model (e.g. ollama:qwen2.5-coder:0.5b) or a .gguf path")
    parser.add_argument("--set", choices=sorted(SETS), default="core",
                        help="core: the first 18 tasks (default); extra: 10 written later, then worked on; "
                             "held-out: 8 written last and not worked on; all: every one")
    parser.add_argument("--only", help="comma-separated task names (from any set)")
    parser.add_argument("--repeat", type=int, default=1, help="run each task this many times")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds one task may take")
    parser.add_argument("--config", default="", help="extra config.toml text appended for every task")
    parser.add_argument("--keep", action="store_true", help="keep the data directories (printed per task)")
    parser.add_argument("--label", default="", help="a label stored in the results file")
    args = parser.parse_args()
    spec = model_spec(args.model)
    chosen = SETS[args.set]
    if args.only:
        every = SETS["all"]
        names = {n.strip() for n in args.only.split(",")}
        unknown = names - {t.name for t in every}
        if unknown:
            parser.error(f"unknown task(s): {', '.join(sorted(unknown))}; known: {', '.join(t.name for t in every)}")
        chosen = [t for t in every if t.name in names]
    rows: list[dict[str, Any]] = []
    scratch = Path(tempfile.mkdtemp(prefix="smallclaw-bench-tasks-"))
    print(f"model {spec}; {len(chosen)} tasks x {args.repeat}; data under {scratch}", flush=True)
    for n in range(args.repeat):
        for task in chosen:
            if task.absent_program and shutil.which(task.absent_program):
                print(f"{task.name}: skipped ({task.absent_program} is installed here)")
                continue
            row = run_one(task, spec, scratch / f"{task.name}-{n}", args.timeout, args.config)
            rows.append(row)
            print(f"  {task.name:<18} {row['outcome']:<13} {row['seconds']:>6.1f} s  rounds {row['rounds']}  "
                  f"{row['why'] or ''}", flush=True)
    print()
    print_table(rows)
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = out / f"tasks-{stamp}.json"
    path.write_text(json.dumps({"model": spec, "label": args.label, "set": args.set, "machine": platform.machine(),
                                "cpus": os.cpu_count(), "rows": rows}, indent=2), encoding="utf-8")
    print(f"\nwrote {path}")
    if not args.keep:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
