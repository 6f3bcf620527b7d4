"""The gateway's locks: token file, an authorization matrix over the app's own routes, Host and Origin."""

from __future__ import annotations

import os
import re
import stat

import pytest
from litestar.routes import HTTPRoute
from litestar.testing import TestClient

from smallclaw_core import ConfigError
from smallclaw_core.app import App
from smallclaw_core.gateway import create_app
from smallclaw_core.gateway.security import allowed_hosts, ensure_token, is_loopback
from smallclaw_core.gateway.server import board_url

TOKEN = "the-right-token"
BASE = "http://127.0.0.1:8765"
PLUGINS = ["gateway", "kanban"]


@pytest.fixture
def core(tmp_path):
    return App.load(tmp_path / "home", only=PLUGINS, overrides={"store": {"durable": False}})


@pytest.fixture
def web(core):
    return create_app(core, token=TOKEN)


@pytest.fixture
def client(web):
    with TestClient(web, base_url=BASE) as c:
        yield c


# --- the token file -------------------------------------------------------------------


def test_token_is_created_private_and_reused(tmp_path):
    token = ensure_token(tmp_path)
    path = tmp_path / "token"
    assert len(token) >= 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert ensure_token(tmp_path) == token


def test_a_loosened_token_file_is_made_private_again(tmp_path):
    token = ensure_token(tmp_path)
    os.chmod(tmp_path / "token", 0o644)
    assert ensure_token(tmp_path) == token
    assert stat.S_IMODE((tmp_path / "token").stat().st_mode) == 0o600


def test_an_empty_token_file_gets_a_token(tmp_path):
    (tmp_path / "token").write_text("\n")
    assert ensure_token(tmp_path)


def test_a_token_file_that_is_not_text_is_a_clear_error_not_a_traceback(tmp_path):
    (tmp_path / "token").write_bytes(b"caf\xe9\n")  # an editor saved it in Latin-1
    with pytest.raises(ConfigError) as caught:
        ensure_token(tmp_path)
    assert str(caught.value) == (f"{tmp_path / 'token'}: not a token (byte 3 is not text); delete the file "
                                 "and the next `smallclaw serve` makes a new one")


def test_create_app_uses_the_data_directory_token(core):
    token = ensure_token(core.home)
    with TestClient(create_app(core), base_url=BASE) as c:
        assert c.get("/api/tasks", headers={"Authorization": f"Bearer {token}"}).status_code == 200
        assert c.get("/api/tasks", headers={"Authorization": "Bearer nope"}).status_code == 401


# --- the authorization matrix ---------------------------------------------------------


def concrete(path: str) -> str:
    """A request path for a route path: parameters get harmless values."""
    return re.sub(r"\{(\w+):(\w+)\}", lambda m: "1" if m.group(2) == "int" else "web_x", path)


def routes(web):
    """Every (method, path, handler) the app serves, from its own route table."""
    out = []
    for route in web.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for method, entry in route.route_handler_map.items():
            handler = entry[0] if isinstance(entry, tuple) else entry  # (handler, kwargs model)
            out.append((method, concrete(route.path), handler))
    return out


def is_public(path: str, handler) -> bool:
    """Health, and the board's static files (marked public, outside /api)."""
    return path == "/api/health" or (not path.startswith("/api") and handler.opt.get("public", False))


def test_the_matrix_covers_the_api_the_schema_and_the_board(web):
    paths = {p for _, p, _ in routes(web)}
    assert {"/api/tasks", "/api/events", "/api/health", "/schema"} <= paths
    assert "/" in paths and any(p.endswith(".js") for p in paths), "the kanban board's files should be served"
    public = {p for _, p, h in routes(web) if is_public(p, h)}
    assert public == {"/api/health", "/", "/board.js", "/board.css"}


@pytest.mark.parametrize("credentials", [
    {}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"}, {"Authorization": "Bearer "},
])
def test_every_route_but_health_and_static_refuses_a_missing_or_wrong_token(client, web, credentials):
    checked = 0
    for method, path, handler in routes(web):
        r = client.request(method, path, headers=credentials)
        if is_public(path, handler):
            assert r.status_code != 401, (method, path)
        else:
            assert r.status_code == 401, (method, path, r.status_code)
            assert r.json()["status"] == 401 and "token" in r.json()["error"]
            checked += 1
    assert checked >= 15


def test_every_route_accepts_the_right_token(client, web):
    for method, path, handler in routes(web):
        if path == "/api/events":
            continue  # an endless stream; tests/test_gateway_events.py covers it
        r = client.request(method, path, headers={"Authorization": f"Bearer {TOKEN}"})
        assert r.status_code not in (401, 403), (method, path, r.status_code, r.text)
        assert r.status_code < 500, (method, path, r.text)


def test_a_wrong_token_in_the_query_is_refused_and_the_right_one_accepted(client):
    assert client.get("/api/tasks", params={"token": "wrong"}).status_code == 401
    assert client.get("/api/tasks", params={"token": TOKEN}).status_code == 200


# --- Host (DNS rebinding) -------------------------------------------------------------


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8765", "127.0.0.1:9999", "", "127.0.0.1.evil.example:8765"])
def test_a_foreign_host_is_refused_on_every_route(client, web, host):
    for method, path, _ in routes(web):
        r = client.request(method, path, headers={"Host": host, "Authorization": f"Bearer {TOKEN}"})
        assert r.status_code == 403, (method, path, host)
        assert r.json()["status"] == 403 and "host" in r.json()["error"]


@pytest.mark.parametrize("host", ["127.0.0.1:8765", "localhost:8765", "[::1]:8765", "LOCALHOST:8765"])
def test_loopback_hosts_with_our_port_are_served(client, host):
    r = client.get("/api/tasks", headers={"Host": host, "Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 200


def test_allowed_hosts_from_the_config(tmp_path):
    core = App.load(tmp_path, only=["gateway"], overrides={"gateway": {"allowed_hosts": ["box.lan"]}})
    with TestClient(create_app(core, token=TOKEN), base_url=BASE) as c:
        assert c.get("/api/health", headers={"Host": "box.lan:8765"}).status_code == 200
        assert c.get("/api/health", headers={"Host": "other.lan:8765"}).status_code == 403


# --- Origin (cross-site requests) -----------------------------------------------------


@pytest.mark.parametrize("origin", ["http://evil.example", "null", "http://127.0.0.1:9999", "https://localhost.evil"])
def test_a_foreign_origin_cannot_change_anything(client, web, origin):
    auth = {"Authorization": f"Bearer {TOKEN}", "Origin": origin}
    changing = [(m, p) for m, p, _ in routes(web) if m not in ("GET", "HEAD", "OPTIONS")]
    assert len(changing) >= 6
    for method, path in changing:
        r = client.request(method, path, headers=auth, json={"goal": "x"})
        assert r.status_code == 403, (method, path)
        assert "origin" in r.json()["error"]


def test_the_boards_own_origin_and_no_origin_may_change_things(client):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    assert client.post("/api/tasks", json={"goal": "a"}, headers={**auth, "Origin": BASE}).status_code == 201
    assert client.post("/api/tasks", json={"goal": "b"}, headers={**auth, "Origin": "http://localhost:8765"}
                       ).status_code == 201
    assert client.post("/api/tasks", json={"goal": "c"}, headers=auth).status_code == 201  # curl, the CLI


def test_a_foreign_origin_may_still_read_with_the_token(client):
    # reading needs the token anyway; browsers keep the answer from a foreign page (no CORS)
    r = client.get("/api/tasks", headers={"Authorization": f"Bearer {TOKEN}", "Origin": "http://evil.example"})
    assert r.status_code == 200 and "access-control-allow-origin" not in r.headers


def test_allowed_origins_from_the_config(tmp_path):
    core = App.load(tmp_path, only=["gateway"], overrides={
        "gateway": {"allowed_origins": ["https://proxy.example"]}, "store": {"durable": False}})
    with TestClient(create_app(core, token=TOKEN), base_url=BASE) as c:
        r = c.post("/api/tasks", json={"goal": "x"},
                   headers={"Authorization": f"Bearer {TOKEN}", "Origin": "https://proxy.example"})
        assert r.status_code == 201


# --- addresses ------------------------------------------------------------------------


@pytest.mark.parametrize("host, loopback", [
    ("127.0.0.1", True), ("127.3.4.5", True), ("::1", True), ("[::1]", True), ("localhost", True),
    ("0.0.0.0", False), ("192.168.1.5", False), ("::", False), ("example.com", False),
])
def test_is_loopback(host, loopback):
    assert is_loopback(host) is loopback


def test_a_specific_bind_address_is_an_allowed_host():
    assert "192.168.1.5:8765" in allowed_hosts(8765, "192.168.1.5")
    assert not any(h.startswith("0.0.0.0") for h in allowed_hosts(8765, "0.0.0.0"))


def test_board_url_is_jupyter_style():
    assert board_url("127.0.0.1", 8765, "abc") == "http://127.0.0.1:8765/?token=abc"
    assert board_url("::1", 9000, "abc") == "http://[::1]:9000/?token=abc"
