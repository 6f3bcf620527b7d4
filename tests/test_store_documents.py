"""The task documents on disk: migration, newer and corrupt files, leftovers, and what listing reads."""

from __future__ import annotations

import builtins
import io
import json
import os
import shutil
from pathlib import Path

import pytest

from smallclaw_core import DocumentError, TaskNotFound
from smallclaw_core.documents import task_from_dict, task_to_json
from smallclaw_core.store import JOURNAL_FILE, QUARANTINE, TASK_FILE, TaskStore
from smallclaw_core.tasks import SCHEMA_VERSION, JournalEntry, Origin, Step, Task

FIXTURES = Path(__file__).parent / "fixtures"
V1_ID = "lx2v9k1a0b1c2"
FUTURE_ID = "lz0future0001"


@pytest.fixture
def store(tmp_path) -> TaskStore:
    return TaskStore(tmp_path)


def place(store: TaskStore, fixture: str, task_id: str) -> Path:
    """Put a fixture document where the store keeps task ``task_id``."""
    directory = store.root / task_id
    directory.mkdir(parents=True)  # the store makes its folder only when it writes
    shutil.copy(FIXTURES / fixture, directory / TASK_FILE)
    (directory / JOURNAL_FILE).touch()
    return directory / TASK_FILE


def test_a_document_round_trips(store):
    task = Task(id="t1", title="t", goal="g", steps=[Step("a", check="file_exists: a")],
                origin=Origin("telegram", "telegram_1", "1"))
    store.create(task)
    assert store.get("t1") == task
    assert json.loads((store.root / "t1" / TASK_FILE).read_bytes())["schema_version"] == SCHEMA_VERSION


def test_a_version_1_document_is_migrated(store):
    path = place(store, "task_v1.json", V1_ID)
    task = store.get(V1_ID)
    assert task.schema_version == SCHEMA_VERSION
    assert task.current_step == 1
    assert task.origin == Origin(channel="telegram", session="telegram_4242", chat_id=None)
    assert task.status == "paused" and task.pause_reason == "paused by the user"
    assert [s.description for s in task.steps] == ["Read notes.md", "Write summary.md"]
    assert task.steps[1].check == "file_exists: summary.md"
    assert task.steps[0].notes == ["read 40 lines"]
    # reading does not rewrite; the next write stores the current version
    assert json.loads(path.read_bytes())["schema_version"] == 1
    store.update(V1_ID, lambda t: setattr(t, "title", "renamed"))
    doc = json.loads(path.read_bytes())
    assert doc["schema_version"] == SCHEMA_VERSION
    assert doc["current_step"] == 1 and "currentStepIndex" not in doc
    assert store.get(V1_ID).title == "renamed"


def test_a_document_without_a_version_is_taken_as_version_1():
    doc = json.loads((FIXTURES / "task_v1.json").read_text())
    del doc["schema_version"]
    assert task_from_dict(doc).current_step == 1


def test_a_newer_document_is_refused_and_left_as_it_is(store):
    store.create(Task(id="a1", title="ordinary", goal="g"))
    path = place(store, "task_v99.json", FUTURE_ID)
    before = path.read_bytes()
    with pytest.raises(DocumentError, match=rf"newer SmallClaw \(schema_version 99, this one reads up to {SCHEMA_VERSION}\)"):
        store.get(FUTURE_ID)
    with pytest.raises(DocumentError):
        store.update(FUTURE_ID, lambda t: setattr(t, "title", "overwritten"))
    # listing shows the others and reports this one, without moving or rewriting it
    assert [t.id for t in store.list()] == ["a1"]
    assert [(p.task_id, p.moved_to) for p in store.problems] == [(FUTURE_ID, None)]
    assert "upgrade SmallClaw" in store.problems[0].message
    assert path.read_bytes() == before
    assert store.recover()[0].task_id == FUTURE_ID
    assert path.read_bytes() == before


@pytest.mark.parametrize("content", [
    b'{"id": "bad", "title": "half a docu',
    b"",
    b"[1, 2, 3]",
    b'{"schema_version": 2, "id": "bad", "title": "t", "goal": "g", "steps": "not a list"}',
])
def test_a_corrupt_document_is_reported_and_moved_aside(store, content):
    store.create(Task(id="a1", title="first", goal="g"))
    store.create(Task(id="c3", title="third", goal="g"))
    bad = store.root / "bad"
    bad.mkdir()
    (bad / TASK_FILE).write_bytes(content)
    (bad / JOURNAL_FILE).write_bytes(b'{"kind":"note","seq":1}\n')
    assert [t.id for t in store.list()] == ["a1", "c3"]
    (problem,) = store.problems
    assert problem.task_id == "bad"
    assert str(bad / TASK_FILE) in problem.message
    moved = Path(problem.moved_to)
    assert moved.parent == store.root / QUARANTINE
    # nothing is dropped: the document and its journal are kept in quarantine
    assert (moved / TASK_FILE).read_bytes() == content
    assert (moved / JOURNAL_FILE).exists()
    assert not bad.exists()
    assert store.list() and store.problems == []
    assert "bad" not in store.ids()


def test_leftover_temp_files_are_ignored_by_list_and_cleaned_by_recover(store):
    store.create(Task(id="a1", title="t", goal="g"))
    directory = store.root / "a1"
    # what a writer killed between creating and renaming its temp file leaves
    (directory / f".{TASK_FILE}.12345.abcd1234.tmp").write_bytes(b'{"id": "a1", "tit')
    (directory / f".{TASK_FILE}.12346.abcd1235.tmp").write_bytes(task_to_json(Task(id="a1", title="x", goal="y")))
    # and a delete interrupted between its rename and its removal
    (store.root / ".deleted-old-abc123").mkdir()
    assert [t.title for t in store.list()] == ["t"] and store.problems == []
    assert store.recover() == []
    assert list(directory.glob("*.tmp")) + list(directory.glob(".*.tmp")) == []
    assert not (store.root / ".deleted-old-abc123").exists()
    assert store.get("a1").title == "t"


def test_listing_does_not_read_journals(store, monkeypatch):
    for i in range(5):
        store.create(Task(id=f"t{i}", title=f"task {i}", goal="g"))
        for n in range(3):
            store.append(f"t{i}", JournalEntry(kind="note", data={"n": n}))
    opened: list[str] = []
    real_open, real_os_open = builtins.open, os.open

    def guarded(opener):
        def open_(file, *args, **kwargs):
            name = os.fspath(file) if not isinstance(file, int) else ""
            opened.append(str(name))
            if str(name).endswith(JOURNAL_FILE):
                raise AssertionError(f"listing opened a journal: {name}")
            return opener(file, *args, **kwargs)
        return open_

    monkeypatch.setattr(builtins, "open", guarded(real_open))
    monkeypatch.setattr(io, "open", guarded(real_open))
    monkeypatch.setattr(os, "open", guarded(real_os_open))
    tasks = TaskStore(store.root.parent).list()  # a cold store: every task.json is read
    monkeypatch.undo()
    assert [t.id for t in tasks] == [f"t{i}" for i in range(5)]
    assert sum(name.endswith(TASK_FILE) for name in opened) == 5  # the guard did see the reads
    assert not any(name.endswith(JOURNAL_FILE) for name in opened)


def test_list_filters_by_status_and_sorts_oldest_first(store):
    store.create(Task(id="b", title="b", goal="g", created_at=2.0))
    store.create(Task(id="a", title="a", goal="g", created_at=3.0))
    store.create(Task(id="c", title="c", goal="g", created_at=1.0, status="paused"))
    assert [t.id for t in store.list()] == ["c", "b", "a"]
    assert [t.id for t in store.list("queued")] == ["b", "a"]
    assert [t.id for t in store.list(["paused", "complete"])] == ["c"]


def test_a_change_made_by_another_store_is_seen(tmp_path):
    mine, theirs = TaskStore(tmp_path), TaskStore(tmp_path)
    mine.create(Task(id="t1", title="old", goal="g"))
    assert mine.list()[0].title == "old"
    theirs.update("t1", lambda t: setattr(t, "title", "new"))  # same size, maybe the same mtime tick
    assert mine.get("t1").title == "new"
    assert mine.list()[0].title == "new"


def test_get_hands_out_copies(store):
    store.create(Task(id="t1", title="t", goal="g"))
    store.get("t1").steps.append(Step("not saved"))
    store.list()[0]
    assert store.get("t1").steps == []


def test_an_unknown_id_names_close_matches(store):
    store.create(Task(id="mwz4f44cdafacf", title="t", goal="g"))
    store.create(Task(id="mwz4f44cdbbbbb", title="t", goal="g"))
    with pytest.raises(TaskNotFound) as caught:
        store.get("mwz4f44cdafacx")
    assert caught.value.close_matches[0] == "mwz4f44cdafacf"
    assert "did you mean mwz4f44cdafacf" in str(caught.value)
    assert store.resolve_id("mwz4f44cda") == "mwz4f44cdafacf"  # a unique prefix
    with pytest.raises(TaskNotFound) as caught:
        store.resolve_id("mwz4f44cd")  # ambiguous: both are offered
    assert sorted(caught.value.close_matches) == ["mwz4f44cdafacf", "mwz4f44cdbbbbb"]
    for bad in ("", "../t", ".quarantine", "a/b"):
        with pytest.raises(TaskNotFound):
            store.get(bad)


def test_delete_removes_the_task_and_its_journal(store):
    store.create(Task(id="t1", title="t", goal="g"))
    store.append("t1", JournalEntry(kind="note"))
    store.delete("t1")
    assert store.ids() == [] and store.list() == []
    assert [p.name for p in store.root.iterdir() if not p.name.startswith(".")] == []
    with pytest.raises(TaskNotFound):
        store.get("t1")
    with pytest.raises(TaskNotFound):
        store.journal("t1")


def test_journal_reads_after_a_seq_and_the_tail(store):
    store.create(Task(id="t1", title="t", goal="g"))
    for n in range(10):
        store.append("t1", JournalEntry(kind="note", data={"n": n}))
    assert [e.seq for e in store.journal("t1", after=7)] == [8, 9, 10]
    assert [e.seq for e in store.journal("t1", after=2, limit=2)] == [3, 4]
    assert [e.seq for e in store.journal_tail("t1", 3)] == [8, 9, 10]
    assert store.journal_tail("t1", 0) == []


def test_journal_after_skips_early_entries_without_changing_what_it_returns(store):
    from smallclaw_core.journalfile import seq_of as _seq_of

    task = store.create(Task(id="j1", title="t", goal="g"))
    for i in range(30):
        # a "seq" key inside data must not be taken for the entry's own
        store.append(task.id, JournalEntry(kind="note", data={"seq": 999, "i": i, "text": '"seq":5'}))
    everything = store.journal(task.id)
    assert len(everything) == 30
    for after in (0, 1, 7, 29, 30, 40):
        assert [e.seq for e in store.journal(task.id, after=after)] == [e.seq for e in everything if e.seq > after]
    assert _seq_of(b'{"kind":"x","data":{"seq":999},"seq":12,"ts":1.0}\n') == 12
    assert _seq_of(b"not an entry\n") == 0
