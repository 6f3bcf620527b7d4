"""The REST API through Litestar's test client: every route, every error path."""

from __future__ import annotations

import time

import pytest
from litestar import get
from litestar.testing import TestClient

from smallclaw_core import hookimpl
from smallclaw_core.app import App
from smallclaw_core.gateway import create_app
from smallclaw_core.tasks import NEEDS_ASSISTANCE, RUNNING
from smallclaw_core.testing import ScriptedModel, ScriptedModelPlugin

TOKEN = "test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
BASE = "http://127.0.0.1:8765"


class BrokenRoutePlugin:
    """A plugin whose route fails, and one that works: for the 500 path and register_routes."""

    @hookimpl
    def register_routes(self, register, app):
        @get("/api/test/broken", sync_to_thread=False)
        def broken() -> dict:
            raise RuntimeError("secret internals")

        @get("/api/test/hello", sync_to_thread=False)
        def hello() -> dict:
            return {"hello": "plugin"}

        register(broken)
        register(hello)


@pytest.fixture
def model():
    return ScriptedModel()


@pytest.fixture
def core(tmp_path, model):
    app = App.load(tmp_path / "home", extra_plugins=[ScriptedModelPlugin(model), BrokenRoutePlugin()],
                   only=["gateway"],
                   overrides={"store": {"durable": False}, "models": {"executor": "scripted:test"}})
    return app


@pytest.fixture
def client(core):
    with TestClient(create_app(core, token=TOKEN), base_url=BASE) as c:
        c.headers.update(AUTH)
        yield c


def make(client, goal="write a report", **extra):
    r = client.post("/api/tasks", json={"goal": goal, **extra})
    assert r.status_code == 201, r.text
    return r.json()["task"]


def assert_error(r, status, *words):
    assert r.status_code == status, r.text
    body = r.json()
    assert body["status"] == status
    assert isinstance(body["error"], str) and body["error"]
    for w in words:
        assert w in body["error"]
    assert "Traceback" not in r.text


# --- health, plugins, models ----------------------------------------------------------


def test_health_needs_no_token(core):
    with TestClient(create_app(core, token=TOKEN), base_url=BASE) as c:
        r = c.get("/api/health")
    assert r.status_code == 200 and r.json() == {"status": "ok"}


def test_plugins_lists_the_gateway_and_its_service(client):
    rows = {p["name"]: p for p in client.get("/api/plugins").json()}
    assert "http" in rows["gateway"]["contributes"]["services"]
    assert "register_routes" in rows["BrokenRoutePlugin"]["hooks"]


def test_models_names_the_executor(client):
    body = client.get("/api/models").json()
    assert body["executor"] == "scripted:test"
    scripted = next(r for r in body["backends"] if r["backend"] == "scripted")
    assert scripted["models"][0]["name"] == "test"


def test_models_says_plainly_when_the_executor_is_too_small(tmp_path):
    class Tiny(ScriptedModel):
        async def describe(self, model):
            info = await super().describe(model)
            info.size = 98_000_000
            return info

    core = App.load(tmp_path, extra_plugins=[ScriptedModelPlugin(Tiny())], only=["gateway"],
                    overrides={"store": {"durable": False}, "models": {"executor": "scripted:test"}})
    with TestClient(create_app(core, token=TOKEN), base_url=BASE) as c:
        c.headers.update(AUTH)
        body = c.get("/api/models").json()
    assert "too small for real work" in body["advice"] and "qwen2.5-coder:1.5b" in body["advice"]


def test_models_gives_no_advice_for_a_model_of_useful_size(client):
    assert client.get("/api/models").json()["advice"] is None


def test_models_says_when_no_model_is_available(tmp_path):
    core = App.load(tmp_path, only=["gateway"], overrides={"store": {"durable": False}})
    with TestClient(create_app(core, token=TOKEN), base_url=BASE) as c:
        c.headers.update(AUTH)
        body = c.get("/api/models").json()
    assert body["executor"] is None and "no model" in body["problem"]


# --- creating and listing ---------------------------------------------------------------


def test_create_with_steps_checks_title_and_session(client, core):
    events = []
    core.bus.on_publish = events.append
    task = make(client, "count the words", steps=["read the file", "count"], checks=[None, "file_exists: n.txt"],
                title="Words", session="web_abc")
    assert task["title"] == "Words" and task["status"] == "queued"
    assert [s["description"] for s in task["steps"]] == ["read the file", "count"]
    assert task["steps"][1]["check"] == "file_exists: n.txt"
    assert task["origin"] == {"channel": "web", "session": "web_abc", "chat_id": None}
    stored = core.tasks.get(task["id"])
    assert stored.goal == "count the words"
    assert any(e.type == "task" and e.task_id == task["id"] for e in events)


def test_create_without_steps_leaves_planning_to_the_runner(client):
    task = make(client, "tidy the notes")
    assert task["steps"] == [] and task["title"] == "tidy the notes"


@pytest.mark.parametrize("body, words", [
    ({"goal": ""}, ["goal"]),
    ({"goal": "   "}, ["goal"]),
    ({}, ["goal"]),
    ({"goal": 5}, ["goal"]),
    ({"goal": "x", "steps": [""]}, ["steps"]),
    ({"goal": "x", "steps": ["s"] * 21}, ["steps"]),
    ({"goal": "x", "steps": "not a list"}, ["steps"]),
    ({"goal": "x", "session": "bad key!"}, ["session"]),
    ({"goal": "x", "surprise": 1}, ["surprise"]),
])
def test_create_rejects_bad_bodies(client, body, words):
    assert_error(client.post("/api/tasks", json=body), 400, *words)


def test_create_rejects_malformed_json(client):
    assert_error(client.post("/api/tasks", content=b"{not json", headers={"Content-Type": "application/json"}), 400)


def test_list_filters_pages_and_puts_newest_first(client, core):
    ids = [make(client, f"goal {i}")["id"] for i in range(5)]
    client.post(f"/api/tasks/{ids[1]}/pause")
    body = client.get("/api/tasks").json()
    assert body["total"] == 5 and [t["id"] for t in body["tasks"]] == ids[::-1]
    paused = client.get("/api/tasks", params={"status": "paused"}).json()
    assert [t["id"] for t in paused["tasks"]] == [ids[1]]
    page = client.get("/api/tasks", params={"limit": 2, "offset": 1}).json()
    assert [t["id"] for t in page["tasks"]] == [ids[3], ids[2]] and page["total"] == 5
    card = body["tasks"][0]
    assert {"steps_done", "steps_total", "updated_at", "awaiting_approval", "status", "title"} <= set(card)


@pytest.mark.parametrize("params", [{"status": "sleeping"}, {"limit": 0}, {"limit": 5000}, {"offset": -1},
                                    {"limit": "many"}])
def test_list_rejects_bad_parameters(client, params):
    assert_error(client.get("/api/tasks", params=params), 400)


# --- one task ------------------------------------------------------------------------


def test_get_returns_the_task_and_a_page_of_its_journal(client, core):
    task = make(client, steps=["a", "b"])
    for i in range(10):
        core.tasks.journal(task["id"], "note", {"text": f"n{i}"})
    body = client.get(f"/api/tasks/{task['id']}").json()
    assert body["task"]["id"] == task["id"] and body["task"]["summary"] is None
    seqs = [e["seq"] for e in body["journal"]]
    assert seqs == list(range(1, 13))  # created, plan, ten notes
    tail = client.get(f"/api/tasks/{task['id']}", params={"journal_limit": 3}).json()
    assert [e["seq"] for e in tail["journal"]] == [10, 11, 12]
    page = client.get(f"/api/tasks/{task['id']}", params={"journal_after": 4, "journal_limit": 2}).json()
    assert [e["seq"] for e in page["journal"]] == [5, 6] and page["journal_last_seq"] == 6
    end = client.get(f"/api/tasks/{task['id']}", params={"journal_after": 12}).json()
    assert end["journal"] == [] and end["journal_last_seq"] == 12


def test_get_accepts_a_unique_id_prefix(client):
    task = make(client)
    assert client.get(f"/api/tasks/{task['id'][:-2]}").json()["task"]["id"] == task["id"]


@pytest.mark.parametrize("method, suffix, body", [
    ("GET", "", None), ("POST", "/pause", None), ("POST", "/resume", {}), ("POST", "/cancel", None),
    ("DELETE", "", None), ("PUT", "/steps", {"steps": ["x"]}), ("GET", "/candidates", None),
    ("POST", "/pick", {"attempt": 1}),
])
def test_unknown_task_is_404_everywhere(client, method, suffix, body):
    make(client)
    r = client.request(method, f"/api/tasks/zzzznotatask{suffix}", json=body)
    assert_error(r, 404, "zzzznotatask")


def test_pause_resume_with_a_note(client, core):
    task = make(client, steps=["a"])
    r = client.post(f"/api/tasks/{task['id']}/pause")
    assert r.status_code == 200 and r.json()["card"]["status"] == "paused"
    assert_error(client.post(f"/api/tasks/{task['id']}/pause"), 409, "paused")
    r = client.post(f"/api/tasks/{task['id']}/resume", json={"note": "use the other folder"})
    assert r.json()["card"]["status"] == "queued"
    stored = core.tasks.get(task["id"])
    assert stored.pending_notes == ["use the other folder"]
    assert_error(client.post(f"/api/tasks/{task['id']}/resume"), 409, "queued")


def test_pausing_a_running_task_is_a_request(client, core):
    task = make(client, steps=["a"])
    core.tasks.update(task["id"], lambda t: t.set_status(RUNNING))
    card = client.post(f"/api/tasks/{task['id']}/pause").json()["card"]
    assert card["status"] == "running" and card["pause_requested"] is True


@pytest.mark.parametrize("approve, approved", [(True, True), (False, False)])
def test_resume_approves_or_refuses_a_waiting_command(client, core, approve, approved):
    task = make(client, steps=["a"])

    def ask(t):
        t.set_status(NEEDS_ASSISTANCE, "approve rm -rf build?")
        t.awaiting_approval = "rm -rf build"

    core.tasks.update(task["id"], ask)
    listed = client.get("/api/tasks").json()["tasks"][0]
    assert listed["awaiting_approval"] == "rm -rf build" and listed["status"] == "needs_assistance"
    client.post(f"/api/tasks/{task['id']}/resume", json={"approve": approve})
    stored = core.tasks.get(task["id"])
    assert stored.awaiting_approval is None
    assert (stored.approvals == ["rm -rf build"]) is approved


def test_resume_rejects_bad_bodies(client):
    task = make(client)
    client.post(f"/api/tasks/{task['id']}/pause")
    assert_error(client.post(f"/api/tasks/{task['id']}/resume", json={"approve": "maybe"}), 400, "approve")
    assert_error(client.post(f"/api/tasks/{task['id']}/resume", json={"nope": 1}), 400)


def test_cancel_then_cancel_again_is_409(client):
    task = make(client)
    assert client.post(f"/api/tasks/{task['id']}/cancel").json()["card"]["status"] == "cancelled"
    assert_error(client.post(f"/api/tasks/{task['id']}/cancel"), 409, "cancelled")


def test_delete(client, core):
    task = make(client)
    r = client.delete(f"/api/tasks/{task['id']}")
    assert r.status_code == 204 and r.content == b""
    assert_error(client.get(f"/api/tasks/{task['id']}"), 404)


def test_deleting_a_running_task_is_409(client, core):
    task = make(client, steps=["a"])
    core.tasks.update(task["id"], lambda t: t.set_status(RUNNING))
    assert_error(client.delete(f"/api/tasks/{task['id']}"), 409, "cancel it first")


def test_edit_plan(client, core):
    task = make(client, steps=["a", "b"])
    r = client.put(f"/api/tasks/{task['id']}/steps", json={"steps": ["c", "d", "e"], "checks": [None, "x", None]})
    assert r.status_code == 200
    assert [s["description"] for s in r.json()["task"]["steps"]] == ["c", "d", "e"]
    assert core.tasks.get(task["id"]).steps[1].check == "x"
    assert_error(client.put(f"/api/tasks/{task['id']}/steps", json={"steps": []}), 400, "steps")
    assert_error(client.put(f"/api/tasks/{task['id']}/steps", json={"steps": ["  "]}), 400, "empty")
    core.tasks.update(task["id"], lambda t: t.set_status(RUNNING))
    assert_error(client.put(f"/api/tasks/{task['id']}/steps", json={"steps": ["z"]}), 409, "pause it first")


# --- attempts that did not agree: the candidates and pick --------------------------------


def waiting_with_candidates(client, core):
    """A task paused at step 1 the way the runner leaves it when its attempts did not agree."""
    task = make(client, steps=["write greeting.txt", "say it is done"])
    core.tasks.journal(task["id"], "candidates", {"step": 0, "candidates": [
        {"attempt": 1, "failed": None, "summary": "greeting.txt: '<b>hi</b>'", "change": {"greeting.txt": "<b>hi</b>\n"},
         "kept": True, "not_kept": {}},
        {"attempt": 2, "failed": "a check said NO", "summary": "greeting.txt: 'hello'; removed old.txt",
         "change": {"greeting.txt": "hello\n", "old.txt": None}, "kept": True, "not_kept": {}},
        {"attempt": 3, "failed": None, "summary": "big.bin: ...", "change": {"big.bin": None},
         "kept": False, "not_kept": {"big.bin": "not text (70000 bytes)"}},
    ]}, step=0, round=3)
    core.tasks.update(task["id"], lambda t: t.set_status(NEEDS_ASSISTANCE, "3 attempts did not agree"))
    return task


def test_candidates_list_what_each_attempt_would_write(client, core):
    task = waiting_with_candidates(client, core)
    r = client.get(f"/api/tasks/{task['id']}/candidates")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["step"] == 0 and [c["attempt"] for c in body["candidates"]] == [1, 2, 3]
    first, second, third = body["candidates"]
    assert first["files"] == [{"path": "greeting.txt", "action": "write", "text": "<b>hi</b>\n", "size": 10}]
    assert second["failed"] == "a check said NO"
    assert second["files"][1] == {"path": "old.txt", "action": "remove"}
    assert third["kept"] is False
    assert third["files"] == [{"path": "big.bin", "action": "not_kept", "note": "not text (70000 bytes)"}]
    # a task that waits for nothing has nothing to choose from
    assert client.get(f"/api/tasks/{make(client)['id']}/candidates").json() == {"step": None, "candidates": []}


def test_pick_applies_the_chosen_attempt_and_queues_the_next_step(client, core):
    task = waiting_with_candidates(client, core)
    workspace = core.workspace_for(task["id"])
    (workspace / "old.txt").write_text("old\n")
    r = client.post(f"/api/tasks/{task['id']}/pick", json={"attempt": 2})
    assert r.status_code == 200, r.text
    assert r.json()["card"]["status"] == "queued"
    assert (workspace / "greeting.txt").read_text() == "hello\n" and not (workspace / "old.txt").exists()
    stored = core.tasks.get(task["id"])
    assert stored.current_step == 1 and stored.steps[0].state == "done"
    # picked: nothing waits any more, and picking again says so
    assert client.get(f"/api/tasks/{task['id']}/candidates").json()["candidates"] == []
    assert_error(client.post(f"/api/tasks/{task['id']}/pick", json={"attempt": 1}), 409,
                 "is queued and not waiting for a choice")


@pytest.mark.parametrize("body, status, words", [
    ({"attempt": 9}, 400, ["step 1 has no attempt 9 to pick (attempts: 1, 2, 3)"]),
    ({"attempt": 0}, 400, ["attempt"]),
    ({"attempt": "two"}, 400, ["attempt"]),
    ({}, 400, ["attempt"]),
    ({"attempt": 3}, 400, ["attempt 3 changed a file too large or not text"]),
])
def test_pick_refuses_a_number_it_cannot_apply(client, core, body, status, words):
    task = waiting_with_candidates(client, core)
    assert_error(client.post(f"/api/tasks/{task['id']}/pick", json=body), status, *words)
    stored = core.tasks.get(task["id"])
    assert stored.status == NEEDS_ASSISTANCE and stored.current_step == 0  # nothing was taken
    assert not (core.workspace_for(task["id"]) / "greeting.txt").exists()


def test_pick_on_a_task_not_waiting_with_candidates_is_409(client, core):
    queued = make(client, steps=["a"])
    assert_error(client.post(f"/api/tasks/{queued['id']}/pick", json={"attempt": 1}), 409,
                 f"task {queued['id']} is queued and not waiting for a choice")
    # waiting for the user, but not for a choice between attempts (an approval, a failed check...)
    stuck = make(client, steps=["a"])
    core.tasks.update(stuck["id"], lambda t: t.set_status(NEEDS_ASSISTANCE, "the check said NO twice"))
    r = client.post(f"/api/tasks/{stuck['id']}/pick", json={"attempt": 1})
    assert_error(r, 409, "is needs_assistance and not waiting for a choice")
    assert r.json()["current"] == "needs_assistance"
    # candidates of an earlier step do not apply to the current one
    old = waiting_with_candidates(client, core)
    core.tasks.update(old["id"], lambda t: setattr(t, "current_step", 1))
    assert_error(client.post(f"/api/tasks/{old['id']}/pick", json={"attempt": 1}), 409, "not waiting for a choice")


# --- generic errors -----------------------------------------------------------------


def test_unknown_path_and_wrong_method_are_json(client):
    assert_error(client.get("/api/nothing-here"), 404)
    assert_error(client.patch("/api/tasks"), 405, "PATCH")


def test_an_unexpected_failure_is_a_500_without_internals(client):
    r = client.get("/api/test/broken")
    assert_error(r, 500, "internal error")
    assert "secret internals" not in r.text


def test_plugin_routes_are_served_and_guarded(client, core):
    assert client.get("/api/test/hello").json() == {"hello": "plugin"}
    with TestClient(create_app(core, token=TOKEN), base_url=BASE) as anonymous:
        assert anonymous.get("/api/test/hello").status_code == 401


# --- sessions and chat ----------------------------------------------------------------


def test_sessions_list_and_history(client, core):
    from smallclaw_core.models import Message

    core.sessions.append("web_one", Message("user", "hi"))
    core.sessions.append("telegram_7", Message("user", "yo"))
    keys = [s["key"] for s in client.get("/api/sessions").json()["sessions"]]
    assert set(keys) == {"web_one", "telegram_7"}
    assert [s["key"] for s in client.get("/api/sessions", params={"prefix": "web_"}).json()["sessions"]] == ["web_one"]
    history = client.get("/api/sessions/web_one").json()
    assert history["messages"][0]["message"]["content"] == "hi"
    assert client.get("/api/sessions/web_new").json()["messages"] == []
    assert_error(client.get("/api/sessions/bad key!"), 400, "session key")


def wait_for(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def test_chat_message_is_answered_in_the_background(client, core, model):
    model.enqueue("Hello from the scripted model.")
    seen = []
    core.bus.on_publish = seen.append
    r = client.post("/api/sessions/web_chat1/messages", json={"text": "hello"})
    assert r.status_code == 202 and r.json() == {"session": "web_chat1", "accepted": True}
    assert wait_for(lambda: any(e.type == "session_message" and e.data["message"]["role"] == "assistant"
                                for e in seen))
    replies = [e.data for e in seen if e.type == "session_message"]
    assert replies[0]["session"] == "web_chat1" and replies[0]["message"]["content"] == "hello"
    assert replies[-1]["message"]["content"] == "Hello from the scripted model."
    history = client.get("/api/sessions/web_chat1").json()["messages"]
    assert [m["message"]["role"] for m in history][:1] == ["user"]


def test_chat_can_start_a_background_task_for_this_session(client, core, model):
    from smallclaw_core.testing import call

    model.enqueue(call("start_background_task", goal="summarise the notes"), "Started it.")
    client.post("/api/sessions/web_chat2/messages", json={"text": "please summarise my notes in the background"})
    assert wait_for(lambda: core.tasks.list())
    task = core.tasks.list()[0]
    assert task.goal == "summarise the notes"
    assert task.origin.channel == "web" and task.origin.session == "web_chat2"


def test_chat_failure_arrives_as_a_session_error(client, core, model):
    model.enqueue(RuntimeError("boom"))
    seen = []
    core.bus.on_publish = seen.append
    client.post("/api/sessions/web_chat3/messages", json={"text": "hello"})
    assert wait_for(lambda: any(e.type == "session_error" for e in seen))
    err = next(e for e in seen if e.type == "session_error")
    assert err.data["session"] == "web_chat3" and "boom" in err.data["error"]


@pytest.mark.parametrize("body", [{"text": ""}, {"text": "   "}, {}, {"text": 3}])
def test_chat_rejects_bad_messages(client, body):
    assert_error(client.post("/api/sessions/web_x/messages", json=body), 400)


def test_chat_rejects_a_bad_session_key(client):
    assert_error(client.post("/api/sessions/bad%20key/messages", json={"text": "hi"}), 400, "session key")
