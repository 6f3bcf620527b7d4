"""What an attacker or a careless script sends the API: bodies nested 100,000 deep, ids of 5,000
characters or with a NUL, session keys that are paths, goals with terminal escapes. Each is a clear
4xx, never a 500, and the server keeps answering."""

from __future__ import annotations

import pytest
from litestar import post
from litestar.testing import TestClient

from smallclaw_core import hookimpl
from smallclaw_core.app import App
from smallclaw_core.gateway import create_app
from smallclaw_core.gateway.bodies import MAX_JSON_DEPTH, nested_deeper_than

TOKEN = "test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
BASE = "http://127.0.0.1:8765"
JSON = {"content-type": "application/json"}


class EchoRoutePlugin:
    """A plugin route that takes any JSON body (a test double): the limit must cover it too."""

    @hookimpl
    def register_routes(self, register, app):
        @post("/api/test/echo", sync_to_thread=False)
        def echo(data: dict) -> dict:
            return {"keys": sorted(data)}

        register(echo)


@pytest.fixture
def core(tmp_path):
    return App.load(tmp_path / "home", extra_plugins=[EchoRoutePlugin()], only=["gateway"],
                    overrides={"store": {"durable": False}})


@pytest.fixture
def client(core):
    # raise_server_exceptions=False: a 500 must show as the 500 a client gets, not as the test's error
    with TestClient(create_app(core, token=TOKEN), base_url=BASE, raise_server_exceptions=False) as c:
        c.headers.update(AUTH)
        yield c


@pytest.fixture
def task_id(client):
    r = client.post("/api/tasks", json={"goal": "write a report", "steps": ["write report.md"]})
    assert r.status_code == 201, r.text
    return r.json()["task"]["id"]


def refused(r, status: int, *words: str) -> str:
    assert r.status_code == status, r.text
    body = r.json()
    assert body["status"] == status and "internal error" not in body["error"]
    for word in words:
        assert word in body["error"], body["error"]
    return body["error"]


# --- bodies nested too deep ---------------------------------------------------------------------


def deep(levels: int, opener: str = "[") -> str:
    closer = {"[": "]", "{": "}"}[opener]
    inner = '{"a":' * levels + "1" + "}" * levels if opener == "{" else opener * levels + closer * levels
    return inner


BODY_ROUTES = [
    ("post", "/api/tasks"),
    ("post", "/api/tasks/{id}/resume"),
    ("post", "/api/tasks/{id}/pick"),
    ("put", "/api/tasks/{id}/steps"),
    ("post", "/api/sessions/web_x/messages"),
    ("post", "/api/test/echo"),  # a plugin's route
]


@pytest.mark.parametrize("method, path", BODY_ROUTES)
@pytest.mark.parametrize("body", [
    deep(100_000),  # the body as a whole
    '{"goal": ' + deep(100_000) + "}",  # inside a field
    '{"goal": "x", "steps": ["a"], "text": "x", "extra": ' + deep(5_000, "{") + "}",  # objects
])
def test_a_body_nested_100000_deep_is_a_400_on_every_route_that_takes_one(client, task_id, method, path, body):
    r = client.request(method.upper(), path.format(id=task_id), content=body, headers=JSON)
    refused(r, 400, "nested more than", str(MAX_JSON_DEPTH))
    assert client.get("/api/health").json() == {"status": "ok"}  # and the server is still there


def test_brackets_inside_strings_do_not_count_and_real_bodies_pass(client):
    goal = "fix the parser for " + "[" * 5_000 + " and {{{" * 100
    r = client.post("/api/tasks", json={"goal": goal, "steps": ["a \"quoted\" [step]"]})
    assert r.status_code == 201, r.text
    assert r.json()["task"]["goal"] == goal
    r = client.post("/api/test/echo", content='{"a": ' + deep(MAX_JSON_DEPTH - 1) + "}", headers=JSON)
    assert r.status_code == 201, r.text  # exactly at the limit is fine


def test_the_depth_is_measured_not_guessed():
    assert not nested_deeper_than(b"[" * 64 + b"]" * 64)
    assert nested_deeper_than(b"[" * 65 + b"]" * 65)
    # many brackets side by side are wide, not deep
    assert not nested_deeper_than(b"[" + b"[1]," * 10_000 + b"[1]]")
    # an escaped quote does not end a string early
    assert not nested_deeper_than(b'{"a": "\\"' + b"[" * 100 + b'"}')
    assert nested_deeper_than(b'{"a": "\\\\", "b": ' + b"[" * 100 + b"]" * 100 + b"}")


# --- ids that cannot be task ids ----------------------------------------------------------------


ID_ROUTES = [
    ("get", "/api/tasks/{id}"),
    ("post", "/api/tasks/{id}/pause"),
    ("post", "/api/tasks/{id}/resume"),
    ("post", "/api/tasks/{id}/pick"),
    ("post", "/api/tasks/{id}/cancel"),
    ("delete", "/api/tasks/{id}"),
    ("put", "/api/tasks/{id}/steps"),
]
NOT_IDS = ["a" * 5_000, "%00", "a%00b", "%2e%2e", ".quarantine", "é" * 300, "x%0a", "-" * 10]


@pytest.mark.parametrize("method, path", ID_ROUTES)
@pytest.mark.parametrize("not_an_id", NOT_IDS)
def test_an_id_that_cannot_be_a_task_id_is_a_404_on_every_route(client, task_id, method, path, not_an_id):
    body = {"steps": ["x"]} if method == "put" else {"attempt": 1} if path.endswith("pick") else None
    r = client.request(method.upper(), path.format(id=not_an_id), json=body)
    message = refused(r, 404, "no task with id")
    assert len(message) < 200  # 5,000 characters are not echoed back
    assert client.get(f"/api/tasks/{task_id}").status_code == 200


def test_a_prefix_of_a_real_id_still_finds_it(client, task_id):
    assert client.get(f"/api/tasks/{task_id[:8]}").json()["task"]["id"] == task_id


@pytest.mark.parametrize("key", ["s" * 5_000, "web_x%0a", "%00", "a%20b", "%1b[2J"])
def test_a_session_key_that_cannot_be_one_is_a_400_on_every_session_route(client, key):
    message = refused(client.get(f"/api/sessions/{key}"), 400, "invalid session key")
    assert len(message) < 300 and "\x1b" not in message and "\x00" not in message
    refused(client.post(f"/api/sessions/{key}/messages", json={"text": "hi"}), 400, "invalid session key")


@pytest.mark.parametrize("key", ["a%2fb", "..%2f..%2fetc"])
def test_a_session_key_with_a_slash_reaches_no_route(client, key):
    refused(client.get(f"/api/sessions/{key}"), 404, "nothing at")


def test_a_task_for_a_session_that_cannot_exist_is_refused(client):
    # a trailing newline passed a regex with $; the runner would then fail to deliver the result
    r = client.post("/api/tasks", json={"goal": "x", "session": "web_x\n"})
    refused(r, 400)


def test_the_event_stream_filter_refuses_a_long_id_plainly(client):
    refused(client.get("/api/events", params={"task": "a" * 5_000}), 400, "task")


# --- control characters ---------------------------------------------------------------------------


@pytest.mark.parametrize("field, body", [
    ("goal", {"goal": "write a\x00b.txt"}),
    ("title", {"goal": "x", "title": "t\x00"}),
    ("steps", {"goal": "x", "steps": ["ok", "write a\x00b"]}),
    ("checks", {"goal": "x", "steps": ["a"], "checks": ["file_exists: a\x00b"]}),
])
def test_a_nul_in_any_text_of_a_new_task_is_a_400_naming_the_field(client, field, body):
    refused(client.post("/api/tasks", json=body), 400, field, "NUL")
    assert client.get("/api/tasks").json()["total"] == 0


def test_a_nul_in_a_note_a_plan_or_a_chat_message_is_a_400(client, task_id):
    client.post(f"/api/tasks/{task_id}/pause")
    refused(client.post(f"/api/tasks/{task_id}/resume", json={"note": "\x00"}), 400, "note", "NUL")
    refused(client.put(f"/api/tasks/{task_id}/steps", json={"steps": ["a\x00"]}), 400, "steps", "NUL")
    refused(client.post("/api/sessions/web_x/messages", json={"text": "hi\x00"}), 400, "text", "NUL")


def test_other_control_characters_are_stored_as_given(client, core):
    goal = "write \x1b[31mred\x1b[0m and a bell\x07\ton two\nlines"
    r = client.post("/api/tasks", json={"goal": goal, "title": "\x1b]0;retitled\x07"})
    assert r.status_code == 201, r.text
    stored = core.tasks.get(r.json()["task"]["id"])
    assert stored.goal == goal and stored.title == "\x1b]0;retitled\x07"
