"""What written files hold, judged without a model: placeholders, a program's text, a copy, a typed-in download.

Each guard is tried on the wrong answer it exists for and on near misses it must leave
alone (JSON braces, a Markdown link, a template the user asked for, a copy asked for).
"""

from __future__ import annotations

import anyio
import pytest

from smallclaw_core.runner.content import CopyOfInput, FetchStandIn, Placeholder, ProgramText, WrongFormat
from smallclaw_core.tasks import JournalEntry, Step, Task
from smallclaw_core.verification import StepContext


def judge(guard, tmp_path, step, before=None, after=None, evidence=(), goal=None):
    for name, text in (before or {}).items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    found = sorted(before or {})
    for name, text in (after or {}).items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    task = Task(id="t", title="t", goal=goal or step, steps=[Step(step, found=found)])
    ctx = StepContext(task=task, step_index=0, workspace=tmp_path, app=None, evidence=list(evidence),
                      step_evidence=list(evidence), changed=sorted(after or {}))
    return anyio.run(guard.verify, ctx)


@pytest.mark.parametrize("content", ["Average: {avg}", "Total: <total>", "Name: [insert name]", "{{ result }}",
                                     "TODO", "The result is %d"])
def test_a_placeholder_where_a_result_belongs_fails(tmp_path, content):
    v = judge(Placeholder(), tmp_path, "Write the average of the numbers in n.txt to avg.txt",
              {"n.txt": "1\n2\n"}, {"avg.txt": content})
    assert v is not None and not v.passed and "placeholder" in v.reason


@pytest.mark.parametrize("step, after", [
    ("Create person.json with name Ann", {"person.json": '{"name": "Ann", "tags": {}}'}),
    ("Write a link to notes.md", {"notes.md": "[the docs](https://example.org) <br>"}),
    ("Write a Python script greet.py", {"greet.py": 'name = "x"\nprint(f"Hello {name}")\n'}),
    ("Write a greeting template to greet.txt with a {name} placeholder", {"greet.txt": "Hello {name}!"}),
    ("Write the line 'cost: {price}' to a.txt", {"a.txt": "cost: {price}"}),
    ("Copy the lines of t.txt with braces to b.txt", {"b.txt": "x = {y}"}),
])
def test_braces_the_task_or_the_file_type_explain_are_not_placeholders(tmp_path, step, after):
    before = {"t.txt": "x = {y}\n"} if "t.txt" in step else {}
    assert judge(Placeholder(), tmp_path, step, before, after) is None


def test_a_data_file_holding_a_programs_text_fails(tmp_path):
    script = "print(sum(range(1, 101)))\n"
    v = judge(ProgramText(), tmp_path, "Run sum.py and save what it prints to out.txt", {"sum.py": script},
              {"out.txt": script})
    assert not v.passed and "holds the text of sum.py" in v.reason
    assert judge(ProgramText(), tmp_path / "b", "Run sum.py and save what it prints to out.txt",
                 {"sum.py": script}, {"out.txt": "5050\n"}) is None
    assert judge(ProgramText(), tmp_path / "c", "Copy sum.py to code.txt", {"sum.py": script},
                 {"code.txt": script}) is None
    # a copy of lines the step selects is not a copy of the program the model wrote to select them
    program = "with open('j.txt') as f:\n    print(''.join(l for l in f if l.startswith('2026-')))\n"
    v = judge(ProgramText(), tmp_path / "d", "Copy the lines of j.txt that start with 2026- into d.txt",
              {"j.txt": "2026-01 a\nnote\n", "pick.py": program}, {"d.txt": program})
    assert not v.passed and "holds the text of pick.py" in v.reason


def test_a_copy_of_the_input_where_something_was_to_be_done_fails(tmp_path):
    v = judge(CopyOfInput(), tmp_path, "Write the lines of list.txt in reverse order to reversed.txt",
              {"list.txt": "one\ntwo\n"}, {"reversed.txt": "one\ntwo\n"})
    assert not v.passed and "holds exactly what list.txt holds" in v.reason
    assert judge(CopyOfInput(), tmp_path / "b", "Write the lines of list.txt in reverse order to reversed.txt",
                 {"list.txt": "one\ntwo\n"}, {"reversed.txt": "two\none\n"}) is None
    assert judge(CopyOfInput(), tmp_path / "c", "Copy notes.txt to backup.txt", {"notes.txt": "x\n"},
                 {"backup.txt": "x\n"}) is None
    assert judge(CopyOfInput(), tmp_path / "d", "Make a backup of notes.txt as old.txt", {"notes.txt": "x\n"},
                 {"old.txt": "x\n"}) is None


def entry(kind, **data):
    return JournalEntry(seq=0, ts=0.0, kind=kind, data=data)


def test_a_file_typed_after_a_failed_download_fails(tmp_path):
    evidence = [entry("tool_call", id="1", name="run_shell", arguments={"command": "curl https://x.org/a.csv?a=1"}),
                entry("tool_result", id="1", name="run_shell", error=True,
                      result="exit code 6 (0.1 s)\ncurl: (6) Could not resolve host: x.org"),
                entry("tool_call", id="2", name="write_file", arguments={"path": "a.csv", "content": "a,b\n1,2"}),
                entry("tool_result", id="2", name="write_file", error=False, result="wrote 7 bytes to a.csv")]
    v = judge(FetchStandIn(), tmp_path, "Download https://x.org/a.csv and save it as a.csv", evidence=evidence)
    assert not v.passed and "Could not resolve host" in v.reason
    ok = evidence[:2] + [entry("tool_call", id="3", name="run_shell", arguments={"command": "curl -o a.csv https://x"}),
                         entry("tool_result", id="3", name="run_shell", error=False, result="exit code 0")] + evidence[2:]
    assert judge(FetchStandIn(), tmp_path, "Download it", evidence=ok) is None


def test_code_written_into_a_data_file_fails_unless_the_task_is_about_code(tmp_path):
    code = "with open('todo.txt', 'a') as f:\n    f.write('buy bread\\n')\n"
    v = judge(ProgramText(), tmp_path, "Add the line 'buy bread' to todo.txt", {"todo.txt": "buy milk\n"},
              {"todo.txt": code})
    assert not v.passed and "holds program code" in v.reason
    assert judge(ProgramText(), tmp_path / "b", "Add the line 'print(x)' to notes.txt", {"notes.txt": "a\n"},
                 {"notes.txt": "a\nprint(x)\n"}) is None
    assert judge(ProgramText(), tmp_path / "c", "Write usage notes to usage.md", {},
                 {"usage.md": "Run it:\n\n    import smallclaw\n"}) is None


def test_code_lines_taken_from_the_input_are_data(tmp_path):
    assert judge(ProgramText(), tmp_path, "Copy the lines of app.py that contain import into imports.txt",
                 {"app.py": "import os\nx = 1\n"}, {"imports.txt": "import os\n"}) is None


@pytest.mark.parametrize("step, source, target, asked_for_a_copy", [
    # the step names an operation on the data: a copy of the input is certainly not its result
    ("Make people.csv from people.tsv: same rows, comma-separated instead of tab-separated", "people.tsv",
     "people.csv", False),
    ("Put the same names as names.txt into sorted.txt, in alphabetical order", "names.txt", "sorted.txt", False),
    ("Write the same lines as log.txt to upper.txt but in upper case", "log.txt", "upper.txt", False),
    ("Keep the same entries of list.txt in last.txt, reversed", "list.txt", "last.txt", False),
    # a copy named, or the same text asked for and nothing done to it: a copy may be what was asked
    ("Write the same text as a.txt to b.txt", "a.txt", "b.txt", True),
    ("b.txt should hold the same content as a.txt", "a.txt", "b.txt", True),
    ("Make a duplicate of a.txt called b.txt", "a.txt", "b.txt", True),
    ("Copy the column header line of a.txt to b.txt", "a.txt", "b.txt", True),
])
def test_the_same_text_is_a_copy_only_where_the_step_names_no_operation_on_it(tmp_path, step, source, target,
                                                                        asked_for_a_copy):
    v = judge(CopyOfInput(), tmp_path, step, {source: "b\tx\na\ty\n"}, {target: "b\tx\na\ty\n"})
    assert (v is None) == asked_for_a_copy, v


def test_a_file_whose_bytes_are_not_the_format_its_name_says_fails(tmp_path):
    import gzip
    import shutil
    import subprocess
    import zipfile

    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "a.txt").write_text("a picture\n")

    def wrote(name):
        task = Task(id="t", title="t", goal="Compress the photos folder", steps=[Step("Compress the photos folder",
                                                                                      found=["photos"])])
        ctx = StepContext(task=task, step_index=0, workspace=tmp_path, app=None, changed=[name])
        return anyio.run(WrongFormat().verify, ctx)

    subprocess.run(["tar", "-cf", "photos.7z", "photos"], cwd=tmp_path, check=True)
    v = wrote("photos.7z")
    assert not v.passed and "not a 7z file: its bytes are tar" in v.reason
    (tmp_path / "song.mp3").write_text("MP3 audio of song.wav\n")
    assert "not a MP3 file: its bytes are text" in wrote("song.mp3").reason
    # the right format, an empty file and a name of no known format pass
    with zipfile.ZipFile(tmp_path / "photos.zip", "w") as z:
        z.write(tmp_path / "photos" / "a.txt", "photos/a.txt")
    assert wrote("photos.zip") is None
    with gzip.open(tmp_path / "a.gz", "wb") as f:
        f.write(b"x")
    assert wrote("a.gz") is None
    if shutil.which("7z"):
        subprocess.run(["7z", "a", "real.7z", "photos"], cwd=tmp_path, check=True, capture_output=True)
        assert wrote("real.7z") is None
    (tmp_path / "empty.png").write_bytes(b"")
    assert wrote("empty.png") is None
    (tmp_path / "notes.txt").write_text("PK is a word\n")
    assert wrote("notes.txt") is None


@pytest.mark.parametrize("step", ["status.json should contain what https://example.net/status.json returns.",
                                  "Fetch https://example.net/status.json and save it as status.json."])
def test_a_file_typed_for_an_address_no_call_ever_used_fails(tmp_path, step):
    """A never-run adversary: no command fetched the address, the model typed the "response" in."""
    typed = [entry("tool_call", id="1", name="write_file", arguments={"path": "status.json", "content": '{"ok": true}'}),
             entry("tool_result", id="1", name="write_file", error=False, result="wrote 12 bytes to status.json"),
             entry("tool_call", id="2", name="step_done", arguments={"report": "fetched https://example.net/status.json"})]
    v = judge(FetchStandIn(), tmp_path, step, after={"status.json": '{"ok": true}'}, evidence=typed)
    assert not v.passed and "no command fetched https://example.net/status.json" in v.reason


def test_a_file_that_holds_the_address_or_a_step_whose_calls_used_it_is_no_stand_in(tmp_path):
    link = [entry("tool_call", id="1", name="write_file", arguments={"path": "links.txt", "content": "example.com"}),
            entry("tool_result", id="1", name="write_file", error=False, result="wrote 11 bytes to links.txt")]
    assert judge(FetchStandIn(), tmp_path, "Write the address example.com into links.txt",
                 after={"links.txt": "example.com\n"}, evidence=link) is None
    script = "import urllib.request\nurllib.request.urlretrieve('https://example.net/s.json', 's.json')\n"
    wrote = [entry("tool_call", id="1", name="write_file", arguments={"path": "get.py", "content": script}),
             entry("tool_result", id="1", name="write_file", error=False, result="wrote to get.py")]
    assert judge(FetchStandIn(), tmp_path / "b", "Write get.py that saves https://example.net/s.json as s.json",
                 after={"get.py": script}, evidence=wrote) is None
    fetched = [entry("tool_call", id="0", name="run_shell", arguments={"command": "curl -s https://example.net/s.json"}),
               entry("tool_result", id="0", name="run_shell", error=False, result='exit code 0\n{"ok": true}'),
               *[entry("tool_call", id="1", name="write_file", arguments={"path": "s.json", "content": '{"ok": true}'}),
                 entry("tool_result", id="1", name="write_file", error=False, result="wrote 12 bytes to s.json")]]
    assert judge(FetchStandIn(), tmp_path / "c", "Save what https://example.net/s.json returns as s.json",
                 after={"s.json": '{"ok": true}'}, evidence=fetched) is None

