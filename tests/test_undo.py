"""What each step changed, in the journal, and undoing it: a scripted task through the real runner and shell tools.

The model is a ScriptedModel (a test double); the runner, the shell tools (commands
under the kernel's sandbox), the store and the workspace are the real ones. A task of
three steps creates, edits, removes and renames files, a binary one and one over
``[workspace] keep_bytes`` among them; its steps are then undone one by one, a middle
one past a later conflicting change, all at once, and through a SIGKILL.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import anyio
import pytest

from smallclaw_core.app import App
from smallclaw_core.changes import ChangeConflict
from smallclaw_core.control import InvalidRequest
from smallclaw_core.runner import Runner
from smallclaw_core.testing import ScriptedModel, ScriptedModelPlugin, call, request_kind, verdict
from smallclaw_core.undo import history, undo

ROOT = Path(__file__).resolve().parent.parent
CAP = 2000
FAST = {"transport_backoff": 0.01, "transport_backoff_cap": 0.05, "poll_interval": 0.05}
STEPS = ["write the notes, the picture and the data", "edit the notes, rename the data, drop the old file",
         "finish the notes and write the report"]


def executor_script() -> list:
    return [
        # step 1: a text file, a binary one by a command, a big one over the cap, a JSON file
        call("write_file", path="notes.txt", content="alpha\nbeta\ngamma\n"),
        call("run_shell", command="printf 'PNG\\000\\001\\002\\377' > pic.bin && head -c 5000 /dev/zero | "
                                  "tr '\\0' 'z' > big.txt && mkdir -p out && echo '{\"a\": 1}' > out/data.json"),
        "wrote the notes, the picture and the data",
        # step 2: an edit, a rename, a removal, a big file that existed before the task grows
        call("write_file", path="notes.txt", content="alpha\nBETA\ngamma\ndelta\n"),
        call("run_shell", command="mv out/data.json out/config.json && rm old.txt && echo more >> huge.log"),
        "edited, renamed and removed",
        # step 3: the notes again (a later change to a file step 2 changed), a report
        call("write_file", path="notes.txt", content="alpha\nBETA\ngamma\ndelta\nepsilon\n"),
        call("write_file", path="report.md", content="# Report\n\nall done\n"),
        "finished",
    ]


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def done_task(tmp_path, monkeypatch, store_url):
    """The three-step task, run to completion: (app, task id, workspace, the workspace before it ran),
    with each store: the task files, and PostgreSQL (the kept bytes then in the data directory)."""
    monkeypatch.delenv("SMALLCLAW_PLUGINS", raising=False)
    monkeypatch.delenv("SMALLCLAW_EXTRA_PLUGINS", raising=False)
    monkeypatch.delenv("SMALLCLAW_STORE_URL", raising=False)
    app, model = make_app(tmp_path, store_url=store_url)
    model.enqueue_for("executor", *executor_script())
    task = app.tasks.create("tidy the notes", STEPS)
    ws = app.workspace_for(task.id)
    (ws / "old.txt").write_text("an old file\n")
    (ws / "huge.log").write_bytes(b"log line\n" * 1000)  # 9,000 bytes: over the cap
    before = tree(ws)
    anyio.run(lambda: Runner(app).run_until_idle(30))
    assert app.store.get(task.id).status == "complete", app.store.get(task.id).pause_reason
    return app, task.id, ws, before


def make_app(tmp_path: Path, model: ScriptedModel | None = None, runner: dict | None = None, shell: dict | None = None,
             store_url: str = ""):
    """The runner and the shell tools with a scripted model; the config in config.toml, so another
    process (the crash test's) loads the same."""
    def respond(request):
        kind = request_kind(request)
        return verdict(True, "the files show it") if kind == "verifier" else "All done."

    home = tmp_path / ".localclaw"
    home.mkdir(exist_ok=True)
    (home / "config.toml").write_text(f'[store]\ndurable = false\nurl = "{store_url}"\n\n'
                                      f'[workspace]\nroot = "{tmp_path / "workspaces"}"\nkeep_bytes = {CAP}\n')
    model = model or ScriptedModel(respond)
    plugins = ["runner", "shell_tools"] + (["postgres"] if store_url else [])
    app = App.load(home, only=plugins, extra_plugins=[ScriptedModelPlugin(model)],
                   overrides={"models": {"executor": "scripted:test"}, "runner": {**FAST, **(runner or {})},
                              "shell": shell or {}})
    return app, model


def changes_of(app, task_id):
    return [e for e in app.store.journal(task_id) if e.kind == "change"]


def test_every_step_journals_what_it_changed(done_task):
    app, task_id, ws, _ = done_task
    entries = changes_of(app, task_id)
    assert [e.step for e in entries] == [0, 1, 2]
    files = [{f["path"]: f for f in e.data["files"]} for e in entries]
    first, second, third = files
    assert {p: f["action"] for p, f in first.items()} == {
        "notes.txt": "created", "pic.bin": "created", "big.txt": "created", "out": "created",
        "out/data.json": "created"}
    assert first["notes.txt"]["diff"] == "--- /dev/null\n+++ b/notes.txt\n@@ -0,0 +1,3 @@\n+alpha\n+beta\n+gamma\n"
    assert first["pic.bin"]["binary"] and "diff" not in first["pic.bin"] and first["pic.bin"]["after"]["size"] == 7
    assert not first["big.txt"]["after"]["kept"] and "too large to keep" in first["big.txt"]["after"]["note"]
    assert {p: f["action"] for p, f in second.items()} == {
        "notes.txt": "changed", "out/data.json": "removed", "out/config.json": "created", "old.txt": "removed",
        "huge.log": "changed"}
    assert "-beta\n+BETA\n" in second["notes.txt"]["diff"] and "+delta\n" in second["notes.txt"]["diff"]
    assert second["huge.log"]["before"]["size"] == 9000 and second["huge.log"]["after"]["size"] == 9005
    assert {p: f["action"] for p, f in third.items()} == {"notes.txt": "changed", "report.md": "created"}
    assert (entries[1].data["created"], entries[1].data["changed"], entries[1].data["removed"]) == (1, 2, 2)
    # the journal holds the diffs, the task's folder the bytes: none of the files' bytes beyond the diffs
    # the task's folder in the file store; the data directory's changes/<id> with a database store
    folder = app.store.task_dir(task_id) / "changes" if hasattr(app.store, "task_dir") else app.home / "changes" / task_id
    kept = folder / "kept"
    pic = hashlib.sha256((ws / "pic.bin").read_bytes()).hexdigest()
    assert (kept / pic).read_bytes() == (ws / "pic.bin").read_bytes()


def test_undo_the_last_step(done_task):
    app, task_id, ws, _ = done_task
    done = undo(app, task_id)
    assert done.steps == [2] and done.put_back == ["notes.txt"] and done.removed == ["report.md"]
    assert (ws / "notes.txt").read_text() == "alpha\nBETA\ngamma\ndelta\n" and not (ws / "report.md").exists()
    entries = [e for e in app.store.journal(task_id) if e.kind == "undo"]
    assert [e.data["state"] for e in entries] == ["started", "done"] and entries[1].data["of"] == entries[0].seq
    assert "undid step 3" in entries[1].data["message"]
    # the next undo takes the step before: the last one not undone yet
    assert undo(app, task_id, force=True).steps == [1]


def test_undo_a_middle_step_past_a_later_change_is_refused_then_forced(done_task):
    app, task_id, ws, _ = done_task
    with pytest.raises(ChangeConflict) as refused:
        undo(app, task_id, step=1)
    message = str(refused.value)
    assert "notes.txt (step 3 changed it since" in message
    assert "huge.log (too large to keep" in message  # its earlier bytes were over the cap
    assert refused.value.files == ["huge.log", "notes.txt"]
    assert (ws / "notes.txt").read_text().endswith("epsilon\n")  # nothing was touched
    assert not [e for e in app.store.journal(task_id) if e.kind == "undo"]
    done = undo(app, task_id, step=1, force=True)
    assert (ws / "notes.txt").read_text() == "alpha\nbeta\ngamma\n"
    assert (ws / "old.txt").read_text() == "an old file\n"
    assert (ws / "out" / "data.json").read_text() == '{"a": 1}\n' and not (ws / "out" / "config.json").exists()
    assert "huge.log" in done.left and (ws / "huge.log").read_bytes().endswith(b"more\n")
    assert (ws / "report.md").exists()  # step 3's own work stays


def test_undo_the_whole_task(done_task):
    app, task_id, ws, before = done_task
    (ws / "huge.log").write_bytes(b"log line\n" * 1000)  # the one file SmallClaw could not keep, put back by hand
    done = undo(app, task_id, everything=True)
    assert done.steps == [0, 1, 2]
    assert tree(ws) == before and sorted(p.name for p in ws.iterdir()) == ["huge.log", "old.txt"]
    with pytest.raises(InvalidRequest, match="nothing to undo"):
        undo(app, task_id)


def test_undo_refuses_to_lose_the_users_own_edit(done_task):
    app, task_id, ws, _ = done_task
    (ws / "report.md").write_text("I rewrote the report myself\n")
    with pytest.raises(ChangeConflict, match=r"report.md \(changed outside the task"):
        undo(app, task_id)
    assert (ws / "report.md").read_text() == "I rewrote the report myself\n"


def test_an_undo_killed_mid_write_is_finished_by_the_next(tmp_path, monkeypatch):
    """SIGKILL while the third file is being put back: the journal says started, each file is whole
    (as it was, or as it should be), and the next undo finishes it."""
    monkeypatch.delenv("SMALLCLAW_PLUGINS", raising=False)
    app, model = make_app(tmp_path)
    model.enqueue_for("executor", call("run_shell", command="for f in a b c d e f; do echo changed >> $f.txt; done; "
                                                            "echo new > g.txt"), "changed them all")
    task = app.tasks.create("change the files", ["append a line to every file"])
    ws = app.workspace_for(task.id)
    for name in "abcdef":
        (ws / f"{name}.txt").write_text(f"the original {name}\n" * 50)
    before = tree(ws)
    anyio.run(lambda: Runner(app).run_until_idle(30))
    after_task = tree(ws)
    assert len([p for p in after_task if after_task[p] != before.get(p)]) == 7
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "tests"), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run([sys.executable, "-m", "undo_crash", str(app.home), task.id, "3"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == -signal.SIGKILL, proc.stdout + proc.stderr
    assert [e.data["state"] for e in app.store.journal(task.id) if e.kind == "undo"] == ["started"]
    left_over = list(ws.glob(".smallclaw-tmp-*"))
    assert len(left_over) == 1 and 0 < left_over[0].stat().st_size < len(before["c.txt"])  # killed half way
    now = {p: data for p, data in tree(ws).items() if ".smallclaw-tmp-" not in p}
    for path, data in now.items():
        assert data in (before.get(path), after_task.get(path)), f"{path} is half-written"
    assert sum(now[p] == before[p] for p in before) == 2 and "g.txt" not in now  # two put back, g removed first
    done = undo(app, task.id)
    assert done.finished_earlier and "finished the interrupted undo of step 1" in done.message
    assert tree(ws) == before  # no temporary file left either
    assert [e.data["state"] for e in app.store.journal(task.id) if e.kind == "undo"] == ["started", "done"]
    assert sorted(history(app, task.id).undone) == [e.seq for e in changes_of(app, task.id)]


def test_undoing_a_running_task_pauses_it_first_and_tells_it_on_resume(tmp_path, monkeypatch):
    monkeypatch.delenv("SMALLCLAW_PLUGINS", raising=False)
    monkeypatch.delenv("SMALLCLAW_EXTRA_PLUGINS", raising=False)
    in_round, release = threading.Event(), threading.Event()

    async def slow_write(request):
        in_round.set()
        await anyio.to_thread.run_sync(release.wait)
        return call("write_file", path="draft.txt", content="a first draft\n")

    app, model = make_app(tmp_path)
    model.enqueue_for("executor", call("write_file", path="plan.txt", content="the plan\n"), slow_write,
                      "drafted", "the draft again", "done")
    task = app.tasks.create("draft it", ["write the plan and a draft", "polish the draft"])
    runner = Runner(app)
    thread = threading.Thread(target=lambda: anyio.run(lambda: runner.run_until_idle(30)))
    thread.start()
    try:
        assert in_round.wait(10)
        result: dict = {}
        undoing = threading.Thread(target=lambda: result.update(done=undo(app, task.id, wait=20)))
        undoing.start()
        for _ in range(100):
            if app.store.get(task.id).pause_requested:
                break
            threading.Event().wait(0.02)
        assert app.store.get(task.id).pause_requested  # paused through app.tasks, at the end of the round
        release.set()
        undoing.join(20)
    finally:
        release.set()
        thread.join(30)
    done = result["done"]
    assert done.steps == [0] and done.removed == ["draft.txt", "plan.txt"]
    stored = app.store.get(task.id)
    assert stored.status == "paused" and not (app.workspace_for(task.id) / "plan.txt").exists()
    assert stored.pending_notes == ["The user undid step 1: removed draft.txt, plan.txt."]
    app.tasks.resume(task.id)
    anyio.run(lambda: Runner(app).run_until_idle(30))
    prompts = [r.messages[-1].content for r in model.requests_for("executor") if r.messages[-1].role == "user"]
    assert "Note from the user: The user undid step 1: removed draft.txt, plan.txt." in prompts[-1]


def test_the_api_shows_each_steps_change_and_undoes_it(done_task):
    from litestar.testing import TestClient

    from smallclaw_core.gateway import create_app

    app, task_id, ws, _ = done_task
    auth = {"Authorization": "Bearer undo-token"}
    with TestClient(create_app(app, token="undo-token"), base_url="http://127.0.0.1:8765") as client:
        shown = client.get(f"/api/tasks/{task_id}/changes", headers=auth).json()
        assert [(c["step"], c["undone"]) for c in shown["changes"]] == [(0, False), (1, False), (2, False)]
        assert not shown["pending_undo"]
        notes = next(f for f in shown["changes"][2]["files"] if f["path"] == "notes.txt")
        assert notes["action"] == "changed" and "+epsilon" in notes["diff"]
        refused = client.post(f"/api/tasks/{task_id}/undo", json={"step": 1}, headers=auth)
        assert refused.status_code == 409 and refused.json()["files"] == ["huge.log", "notes.txt"]
        assert "step 3 changed it since" in refused.json()["error"]
        done = client.post(f"/api/tasks/{task_id}/undo", headers=auth)
        assert done.status_code == 200, done.text
        assert done.json()["undone"]["steps"] == [2] and done.json()["undone"]["removed"] == ["report.md"]
        assert done.json()["card"]["id"] == task_id
        forced = client.post(f"/api/tasks/{task_id}/undo", json={"all": True, "force": True}, headers=auth)
        assert forced.status_code == 200 and forced.json()["undone"]["steps"] == [0, 1]
        assert [c["undone"] for c in client.get(f"/api/tasks/{task_id}/changes", headers=auth).json()["changes"]] \
            == [True, True, True]
        nothing = client.post(f"/api/tasks/{task_id}/undo", headers=auth)
        assert nothing.status_code == 400 and "nothing to undo" in nothing.json()["error"]
        assert client.post(f"/api/tasks/{task_id}/undo", json={"step": -1}, headers=auth).status_code == 400
    assert sorted(p.name for p in ws.iterdir()) == ["huge.log", "old.txt"]


def test_the_cli_shows_the_diff_and_undoes(done_task, capsys):
    from smallclaw_core.cli import main

    app, task_id, ws, _ = done_task
    home = ["--home", str(app.home)]
    assert main([*home, "task", "diff", task_id, "--step", "2"]) == 0
    out = capsys.readouterr().out
    assert "step 2: 1 created, 2 changed, 2 removed" in out
    assert "changed  huge.log  (9,000 bytes -> 9,005 bytes; too large to keep" in out
    assert "    -beta\n    +BETA\n" in out and "removed  old.txt" in out
    assert main([*home, "task", "undo", task_id, "--step", "2"]) == 1
    err = capsys.readouterr().err
    assert "notes.txt (step 3 changed it since" in err and "huge.log" in err and "Nothing was changed" in err
    assert main([*home, "task", "undo", task_id, "--step", "2", "--force"]) == 0
    out = capsys.readouterr().out
    assert "undid step 2: put back notes.txt, old.txt, out/data.json; removed out/config.json" in out
    assert "left as it is: huge.log: too large to keep" in out
    assert main([*home, "task", "diff", task_id]) == 0
    assert "(undone)" in capsys.readouterr().out
    assert main([*home, "task", "undo", task_id, "--step", "0"]) == 1
    assert "--step counts from 1" in capsys.readouterr().err
    assert main([*home, "task", "show", task_id]) == 0
    assert "undid step 2" in capsys.readouterr().out


def test_a_step_left_open_by_a_crash_is_journaled_by_the_undo(tmp_path, monkeypatch):
    """A runner killed mid-step leaves changes/open.json: the undo journals that step's change first."""
    from smallclaw_core.stepchanges import StepChanges

    monkeypatch.delenv("SMALLCLAW_PLUGINS", raising=False)
    app, _ = make_app(tmp_path)
    task = app.tasks.create("a task", ["one step"])
    ws = app.workspace_for(task.id)
    (ws / "kept.txt").write_text("as it was\n")
    steps = StepChanges(app, task.id)
    steps.follow(app.store.get(task.id))
    from smallclaw_core.workspace import before_change

    before_change(ws, "kept.txt")  # what write_file does first
    (ws / "kept.txt").write_text("written by the step\n")
    (ws / "new.txt").write_text("new\n")
    steps._unwatch()  # the process dies here: no close, open.json stays
    assert (app.store.task_dir(task.id) / "changes" / "open.json").exists() and not changes_of(app, task.id)
    done = undo(app, task.id)
    assert done.steps == [0] and done.put_back == ["kept.txt"] and done.removed == ["new.txt"]
    assert (ws / "kept.txt").read_text() == "as it was\n"
    assert [e.step for e in changes_of(app, task.id)] == [0]


def test_a_task_deleted_mid_step_is_not_made_again(tmp_path, monkeypatch):
    from smallclaw_core.stepchanges import StepChanges

    monkeypatch.delenv("SMALLCLAW_PLUGINS", raising=False)
    app, _ = make_app(tmp_path)
    task = app.tasks.create("a task", ["one step"])
    with StepChanges(app, task.id) as steps:
        steps.follow(app.store.get(task.id))
        (app.workspace_for(task.id) / "x.txt").write_text("x\n")
        app.store.delete(task.id)
    assert not app.store.task_dir(task.id).exists() and app.store.ids() == []


def test_a_change_is_journaled_once_even_when_a_crash_came_right_after_it(tmp_path, monkeypatch):
    from smallclaw_core.stepchanges import StepChanges

    class Killed(BaseException):
        pass

    monkeypatch.delenv("SMALLCLAW_PLUGINS", raising=False)
    app, _ = make_app(tmp_path)
    task = app.tasks.create("a task", ["one", "two"])
    steps = StepChanges(app, task.id)
    steps.follow(app.store.get(task.id))
    (app.workspace_for(task.id) / "a.txt").write_text("a\n")
    unlink = os.unlink

    def dies_at_open_json(path, *args, **kwargs):
        if str(path).endswith("open.json"):
            raise Killed()
        return unlink(path, *args, **kwargs)

    monkeypatch.setattr(os, "unlink", dies_at_open_json)
    with pytest.raises(Killed):
        steps.close()  # journaled, then killed before open.json went
    monkeypatch.setattr(os, "unlink", unlink)
    assert len(changes_of(app, task.id)) == 1
    again = StepChanges(app, task.id)
    again.adopt()
    moved_on = app.store.get(task.id)
    moved_on.current_step = 1
    again.follow(moved_on)
    again.close()
    assert len(changes_of(app, task.id)) == 1


def test_what_agreeing_attempts_and_a_picked_attempt_apply_is_the_steps_change(tmp_path, monkeypatch):
    """Results applied from throwaway copies go through Workspace: they are kept, journaled, undone."""
    monkeypatch.delenv("SMALLCLAW_PLUGINS", raising=False)
    app, model = make_app(tmp_path, runner={"attempts": "always", "attempts_max": 2, "attempt_style": "tools"}, shell={"policy": "allow"})
    model.enqueue_for("executor", call("write_file", path="out.txt", content="agreed\n"), call("step_done", report="ok"),
                      call("run_shell", command="echo agreed > out.txt"), call("step_done", report="ok"),
                      call("write_file", path="out.txt", content="a\n"), call("step_done", report="ok"),
                      call("write_file", path="out.txt", content="b\n"), call("step_done", report="ok"))
    task = app.tasks.create("g", ["Write a word to out.txt", "Write another word to out.txt", "Say it is done"])
    ws = app.workspace_for(task.id)
    (ws / "out.txt").write_text("the user's\n")
    anyio.run(lambda: Runner(app).run_until_idle(30))
    assert app.store.get(task.id).status == "needs_assistance"  # step 2's attempts did not agree
    [first] = changes_of(app, task.id)
    assert first.step == 0 and first.data["files"][0]["before"]["kept"]
    app.tasks.pick(task.id, 2)
    assert (ws / "out.txt").read_text() == "b\n"
    assert [e.step for e in changes_of(app, task.id)] == [0, 1]
    from smallclaw_core.runner.record import how_done
    assert how_done(app, app.store.get(task.id)) == [
        "Step 1: attempts 1 and 2 of 2 made the same change, independently", "Step 2: the user picked attempt 2"]
    assert undo(app, task.id).put_back == ["out.txt"] and (ws / "out.txt").read_text() == "agreed\n"
    assert undo(app, task.id).put_back == ["out.txt"] and (ws / "out.txt").read_text() == "the user's\n"


def test_a_task_still_running_after_the_wait_is_not_undone(tmp_path, monkeypatch):
    from smallclaw_core.errors import IllegalTransition
    from smallclaw_core.tasks import Lease

    monkeypatch.delenv("SMALLCLAW_PLUGINS", raising=False)
    app, _ = make_app(tmp_path)
    task = app.tasks.create("a task", ["one step"])

    def running(t):
        t.set_status("running")
        t.lease = Lease("another runner", 1e12)

    app.tasks.update(task.id, running)
    with pytest.raises(IllegalTransition, match="still running: it pauses at the end of its round; undo it then"):
        undo(app, task.id, wait=0.2)
    assert app.store.get(task.id).pause_requested  # asked through app.tasks, honoured at the round's end
