"""The OpenAPI document at /schema: valid, the token declared on every /api route, and the bodies
it describes are the ones really sent, errors included.

openapi-spec-validator checks the document against the OpenAPI 3.1 specification; real
answers of the running app are then validated against the schemas the document gives
them, with every object closed to keys it does not document, so a view that grows a key
without its type fails here.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from litestar.testing import TestClient
from openapi_spec_validator import validate

from smallclaw_core import Message, hookimpl
from smallclaw_core.app import App
from smallclaw_core.gateway import create_app

TOKEN = "openapi-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
BASE = "http://127.0.0.1:8765"
METHODS = ("get", "post", "put", "delete", "patch")


class ExtraRoute:
    """A plugin adding its own /api route (a test double)."""

    @hookimpl
    def register_routes(self, register, app):
        from litestar import get

        @get("/api/extra", sync_to_thread=False)
        def extra() -> dict[str, str]:
            return {"extra": "yes"}

        register(extra)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    core = App.load(tmp_path_factory.mktemp("openapi"), only=["gateway", "kanban"],
                    extra_plugins=[ExtraRoute()], overrides={"store": {"durable": False}})
    with TestClient(create_app(core, token=TOKEN), base_url=BASE) as client:
        doc = client.get("/schema/openapi.json", headers=AUTH).json()
        yield client, doc, core


def operations(doc: dict[str, Any]):
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method in METHODS:
                yield path, method, op


def test_the_document_is_valid_openapi(served):
    _, doc, _ = served
    validate(doc)  # raises with the first problem
    assert doc["openapi"].startswith("3.1")


def test_every_api_operation_needs_the_token_but_health(served):
    _, doc, _ = served
    schemes = doc["components"]["securitySchemes"]
    assert schemes["bearer"] == {**schemes["bearer"], "type": "http", "scheme": "bearer"}
    assert schemes["token_query"] == {**schemes["token_query"], "type": "apiKey", "in": "query", "name": "token"}
    checked = 0
    for path, method, op in operations(doc):
        if not path.startswith("/api"):
            continue
        if path == "/api/health":
            assert "security" not in op  # public, as the gateway's guard treats it
            continue
        expected = [{"bearer": []}, {"token_query": []}] if path == "/api/events" else [{"bearer": []}]
        assert op.get("security") == expected, f"{method.upper()} {path}"
        checked += 1
    assert checked >= 14  # the core's routes and the plugin's /api/extra
    assert doc["paths"]["/api/extra"]["get"]["security"] == [{"bearer": []}]


def test_every_error_is_documented_as_the_body_really_sent(served):
    _, doc, _ = served
    body = doc["components"]["schemas"]["ErrorBody"]
    assert body["required"] == ["error", "status"]
    for path, method, op in operations(doc):
        if not path.startswith("/api") or path in ("/api/health", "/api/extra"):
            continue
        codes = {code for code in op["responses"] if code >= "400"}
        assert {"401", "403", "500"} <= codes, f"{method.upper()} {path}: {sorted(codes)}"
        if op.get("parameters") or "requestBody" in op:
            assert "400" in codes, f"{method.upper()} {path}"
        for code in codes:
            schema = op["responses"][code]["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/ErrorBody"}, f"{method.upper()} {path} {code}"


def test_success_bodies_have_real_types(served):
    _, doc, _ = served
    for path, method, op in operations(doc):
        if not path.startswith("/api") or path in ("/api/events", "/api/extra"):
            continue
        for code, response in op["responses"].items():
            if not code.startswith("2") or "content" not in response:
                continue
            schema = response["content"]["application/json"]["schema"]
            named = schema.get("$ref") or schema.get("items", {}).get("$ref")
            assert named, f"{method.upper()} {path} {code} is described as {schema}"


# --- real answers against their documented schemas -------------------------------------------


def closed(schema: Any) -> Any:
    """The schema with every object that lists its properties closed to other keys."""
    if isinstance(schema, dict):
        out = {k: closed(v) for k, v in schema.items()}
        if "properties" in out and "additionalProperties" not in out:
            out["additionalProperties"] = False
        return out
    if isinstance(schema, list):
        return [closed(v) for v in schema]
    return schema


def check(doc: dict[str, Any], path: str, method: str, response: Any) -> None:
    documented = doc["paths"][path][method]["responses"][str(response.status_code)]
    schema = documented["content"]["application/json"]["schema"]
    validator = Draft202012Validator({**closed(schema), "components": closed(copy.deepcopy(doc["components"]))})
    problems = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(response.json())]
    assert not problems, f"{method.upper()} {path} {response.status_code}: {problems}"


def test_real_answers_fit_their_documented_schemas(served):
    client, doc, core = served
    created = client.post("/api/tasks", json={"goal": "Count the words", "steps": ["read", "count"],
                                              "checks": [None, "file_exists: count.txt"], "session": "web_x"},
                          headers=AUTH)
    check(doc, "/api/tasks", "post", created)
    task_id = created.json()["task"]["id"]
    core.tasks.journal(task_id, "note", {"text": "a journal entry"}, step=0, round=1)
    core.sessions.append("web_x", Message("assistant", "done"), delivery="d1", task_id=task_id)

    check(doc, "/api/health", "get", client.get("/api/health"))
    check(doc, "/api/plugins", "get", client.get("/api/plugins", headers=AUTH))
    check(doc, "/api/models", "get", client.get("/api/models", headers=AUTH))
    check(doc, "/api/tasks", "get", client.get("/api/tasks", headers=AUTH))
    check(doc, "/api/tasks/{task_id}", "get", client.get(f"/api/tasks/{task_id}", headers=AUTH))
    check(doc, "/api/tasks/{task_id}/pause", "post", client.post(f"/api/tasks/{task_id}/pause", headers=AUTH))
    check(doc, "/api/tasks/{task_id}/resume", "post",
          client.post(f"/api/tasks/{task_id}/resume", json={"note": "go on"}, headers=AUTH))
    check(doc, "/api/tasks/{task_id}/steps", "put",
          client.put(f"/api/tasks/{task_id}/steps", json={"steps": ["read again"]}, headers=AUTH))
    from smallclaw_core.stepchanges import StepChanges

    with StepChanges(core, task_id) as steps:  # what the runner does around a step
        steps.follow(core.store.get(task_id))
        (core.workspace_for(task_id) / "made.txt").write_text("made by the step\n")
    check(doc, "/api/tasks/{task_id}/changes", "get", client.get(f"/api/tasks/{task_id}/changes", headers=AUTH))
    (core.workspace_for(task_id) / "made.txt").write_text("edited since\n")
    refused = client.post(f"/api/tasks/{task_id}/undo", json={}, headers=AUTH)
    assert refused.status_code == 409 and refused.json()["files"] == ["made.txt"]
    check(doc, "/api/tasks/{task_id}/undo", "post", refused)
    check(doc, "/api/tasks/{task_id}/undo", "post",
          client.post(f"/api/tasks/{task_id}/undo", json={"force": True}, headers=AUTH))
    check(doc, "/api/sessions", "get", client.get("/api/sessions", headers=AUTH))
    check(doc, "/api/sessions/{key}", "get", client.get("/api/sessions/web_x", headers=AUTH))
    check(doc, "/api/tasks/{task_id}/cancel", "post", client.post(f"/api/tasks/{task_id}/cancel", headers=AUTH))

    # the errors, each as documented
    missing = client.get(f"/api/tasks/{task_id[:-1]}x", headers=AUTH)
    assert missing.status_code == 404 and missing.json()["close_matches"] == [task_id]
    check(doc, "/api/tasks/{task_id}", "get", missing)
    conflict = client.post(f"/api/tasks/{task_id}/pause", headers=AUTH)
    assert conflict.status_code == 409 and conflict.json()["current"] == "cancelled"
    check(doc, "/api/tasks/{task_id}/pause", "post", conflict)
    invalid = client.post("/api/tasks", json={"goal": ""}, headers=AUTH)
    assert invalid.status_code == 400
    check(doc, "/api/tasks", "post", invalid)
    refused = client.get("/api/tasks")
    assert refused.status_code == 401
    check(doc, "/api/tasks", "get", refused)
    foreign = client.get("/api/tasks", headers={**AUTH, "Host": "evil.example"})
    assert foreign.status_code == 403
    check(doc, "/api/tasks", "get", foreign)

    # a step whose attempts did not agree: what each made, and one picked
    waiting = client.post("/api/tasks", json={"goal": "Greet", "steps": ["greet"]}, headers=AUTH).json()["task"]["id"]
    core.tasks.journal(waiting, "candidates", {"step": 0, "candidates": [
        {"attempt": 1, "failed": None, "summary": "hi.txt: 'hi'", "change": {"hi.txt": "hi", "old.txt": None},
         "kept": True, "not_kept": {}},
        {"attempt": 2, "failed": "it changed no file", "summary": "pic.bin", "change": {"pic.bin": None},
         "kept": False, "not_kept": {"pic.bin": "not text (9 bytes)"}}]}, step=0, round=2)
    core.tasks.update(waiting, lambda t: t.set_status("needs_assistance", "the attempts did not agree"))
    listed = client.get(f"/api/tasks/{waiting}/candidates", headers=AUTH)
    assert {f["action"] for c in listed.json()["candidates"] for f in c["files"]} == {"write", "remove", "not_kept"}
    check(doc, "/api/tasks/{task_id}/candidates", "get", listed)
    check(doc, "/api/tasks/{task_id}/pick", "post",
          client.post(f"/api/tasks/{waiting}/pick", json={"attempt": 1}, headers=AUTH))
    check(doc, "/api/tasks/{task_id}/candidates", "get", client.get(f"/api/tasks/{waiting}/candidates", headers=AUTH))
