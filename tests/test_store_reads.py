"""What the store reads and writes fast, and that the shortcuts never change an answer.

The journal is read backwards for entries after a seq; an append trusts the last seq
it wrote while the file keeps its size; a task read compares bytes with the cached
ones; every write leaves the cache holding what it wrote. Each is checked against
the plain answer, including with a second store (another process's view) writing.
"""

from __future__ import annotations

import json
import os

import pytest

from smallclaw_core import journalfile
from smallclaw_core.documents import copy_document, entry_to_dict, entry_to_line, task_from_dict, task_to_json
from smallclaw_core.models import ToolCall
from smallclaw_core.store import JOURNAL_FILE, TASK_FILE, TaskStore
from smallclaw_core.tasks import Delivery, JournalEntry, Lease, Step, Task


@pytest.fixture
def store(tmp_path) -> TaskStore:
    return TaskStore(tmp_path, durable=False)


def test_entries_after_a_seq_across_many_chunks(store, monkeypatch):
    monkeypatch.setattr(journalfile, "CHUNK", 97)  # lines cross chunk edges everywhere
    store.create(Task(id="t1", title="t", goal="g"))
    for n in range(120):
        store.append("t1", JournalEntry(kind="note", data={"n": n, "pad": "x" * (n % 23)}))
    everything = store.journal("t1")
    assert [e.seq for e in everything] == list(range(1, 121))
    for after in (0, 1, 2, 50, 118, 119, 120, 500):
        got = store.journal("t1", after=after)
        assert [e.seq for e in got] == [e.seq for e in everything if e.seq > after]
        assert [e.data for e in got] == [e.data for e in everything if e.seq > after]
    assert [e.seq for e in store.journal("t1", after=10, limit=3)] == [11, 12, 13]


def test_a_damaged_line_does_not_stop_the_search_and_a_torn_tail_is_left_out(store, monkeypatch):
    monkeypatch.setattr(journalfile, "CHUNK", 50)
    store.create(Task(id="t1", title="t", goal="g"))
    for n in range(10):
        store.append("t1", JournalEntry(kind="note", data={"n": n}))
    path = store.task_dir("t1") / JOURNAL_FILE
    lines = path.read_bytes().split(b"\n")
    lines[7] = b"damaged beyond reading"  # seq 8
    path.write_bytes(b"\n".join(lines) + b'{"kind":"note","data":{},"seq":11,"ts"')
    assert [e.seq for e in store.journal("t1", after=5)] == [6, 7, 9, 10]
    assert [e.seq for e in store.journal("t1", after=8)] == [9, 10]


def test_appends_number_on_from_another_writers_lines(tmp_path):
    mine, theirs = TaskStore(tmp_path, durable=False), TaskStore(tmp_path, durable=False)
    mine.create(Task(id="t1", title="t", goal="g"))
    assert mine.append("t1", JournalEntry(kind="note")).seq == 1
    assert mine.append("t1", JournalEntry(kind="note")).seq == 2
    assert theirs.append("t1", JournalEntry(kind="note")).seq == 3
    assert mine.append("t1", JournalEntry(kind="note")).seq == 4
    # a torn line left by a crashed writer is cut, and numbering goes on after the last whole line
    path = mine.task_dir("t1") / JOURNAL_FILE
    with open(path, "ab") as fh:
        fh.write(b'{"kind":"note","data":{"half')
    assert mine.append("t1", JournalEntry(kind="note")).seq == 5
    assert [e.seq for e in theirs.journal("t1")] == [1, 2, 3, 4, 5]
    assert all(json.loads(line) for line in path.read_bytes().splitlines())


def test_a_task_read_after_another_writer_within_one_tick_is_fresh(tmp_path):
    mine, theirs = TaskStore(tmp_path, durable=False), TaskStore(tmp_path, durable=False)
    mine.create(Task(id="t1", title="t", goal="g"))
    for n in range(1, 30):
        # the same size each time, faster than the file system's timestamps move
        (mine if n % 2 else theirs).update("t1", lambda t: setattr(t, "rounds", n % 10))
        assert mine.get("t1").rounds == n % 10
        assert theirs.get("t1").rounds == n % 10


def test_what_get_returns_is_the_callers_own(store):
    store.create(Task(id="t1", title="t", goal="g", steps=[Step("a")]))
    store.update("t1", lambda t: t.steps.append(Step("b")))
    first = store.get("t1")
    first.steps[0].notes.append("changed by the caller")
    first.loop_state["x"] = {"y": [1]}
    again = store.get("t1")
    assert again.steps[0].notes == [] and again.loop_state == {}
    assert [s.description for s in again.steps] == ["a", "b"]


def test_a_task_file_stays_readable_and_round_trips(store):
    task = Task(id="t1", title="ünïcode \"quoted\"", goal="g\nline two",
                steps=[Step("a", notes=["n"], check="file_exists: a"), Step("b", started_at=1.5, started_seq=3)],
                loop_state={"repeat": {"recent": [["a", 1.5, None, True]]}}, lease=Lease("me", 2.0),
                approval_call=ToolCall("run_shell", {"command": "ls"}), pending_deliveries=[Delivery("complete", 2)])
    data = task_to_json(task)
    assert task_from_dict(json.loads(data)) == task
    text = data.decode()
    assert '\n "steps": [\n  {"description":"a"' in text  # a key per line, a step per line
    assert "ünïcode" in text


def test_a_copy_shares_nothing_that_can_change(store):
    task = Task(id="t1", title="t", goal="g", steps=[Step("a", notes=["n"])], loop_state={"d": {"l": [[1]]}},
                approval_call=ToolCall("x", {"a": [1]}))
    copy = copy_document(task)
    assert copy == task
    assert copy.steps[0] is not task.steps[0] and copy.steps[0].notes is not task.steps[0].notes
    assert copy.loop_state["d"]["l"][0] is not task.loop_state["d"]["l"][0]
    assert copy.approval_call.arguments is not task.approval_call.arguments
    with pytest.raises(TypeError):
        copy_document(object())


def test_an_entry_line_keeps_its_seq_last_and_odd_data_still_writes():
    entry = JournalEntry(kind="note", data={"seq": 999, "t": (1, 2)}, seq=7, step=1)
    line = entry_to_line(entry)
    assert journalfile.seq_of(line) == 7
    assert json.loads(line)["data"] == {"seq": 999, "t": [1, 2]}
    event = entry_to_dict(entry)
    assert event["seq"] == 7 and event["data"]["seq"] == 999
    plain = JournalEntry(kind="note", data={"a": [1]}, seq=3)
    event = entry_to_dict(plain)
    event["data"]["a"].append(2)
    assert plain.data == {"a": [1]}  # an event's data is its own


def test_the_cache_holds_what_was_written(store):
    store.create(Task(id="t1", title="t", goal="g"))
    store.update("t1", lambda t: setattr(t, "goal", "new"))
    path = store.task_dir("t1") / TASK_FILE
    # a file written behind the store's back, with the same size and within the same tick
    doc = json.loads(path.read_bytes())
    doc["goal"] = "NEW"
    tmp = path.with_name("x.tmp")
    tmp.write_text(json.dumps(doc, indent=1))
    os.replace(tmp, path)
    assert store.get("t1").goal == "NEW"


def test_a_record_of_cost_waits_for_the_next_synced_append(tmp_path, monkeypatch):
    store = TaskStore(tmp_path, durable=True)
    store.create(Task(id="t1", title="t", goal="g"))
    synced = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: synced.append(fd) or real_fsync(fd))
    store.append("t1", JournalEntry(kind="model_call", data={"seconds": 1.0}), sync=False)
    assert synced == []
    store.append("t1", JournalEntry(kind="tool_call", data={"name": "x"}))
    assert len(synced) == 1  # one fsync makes both lines durable
    assert [e.kind for e in store.journal("t1")] == ["model_call", "tool_call"]
