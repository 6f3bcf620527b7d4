"""Fixtures for the Telegram plugin's tests, chiefly a stand-in for the Telegram Bot API.

``StandInBotAPI`` is a test double: a small ``http.server`` on 127.0.0.1 that speaks
the Bot API's JSON envelope (``{"ok": ..., "result": ...}``), records every call, hands
out scripted ``getUpdates`` batches (long polling included) and can be told to answer
a method with an error (a 429 with ``retry_after``, a 500) or to run a hook when a
message arrives. It is not Telegram.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

import pytest

TOKEN = "123456789:STAND-IN-token-AAAAAAAAAAAAAAAAAAAAAAAA"


class StandInBotAPI:
    """A stand-in for the Bot API served over real HTTP on 127.0.0.1 (a test double)."""

    def __init__(self, token: str = TOKEN):
        self.token = token
        self.calls: list[dict[str, Any]] = []
        self.sent: list[dict[str, Any]] = []
        self.errors: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        #: called with the payload of each accepted sendMessage before it is answered
        self.on_send: Callable[[dict[str, Any]], None] | None = None
        self.updates: list[dict[str, Any]] = []
        self._ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._cond = threading.Condition()
        self._closed = False
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b"{}"
                try:
                    payload = json.loads(raw or b"{}")
                except ValueError:
                    payload = {}
                status, body = standin.answer(self.path, payload)
                data = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    # --- scripting ------------------------------------------------------------------

    def fail(self, method: str, status: int, body: dict[str, Any]) -> None:
        """Answer the next call of ``method`` with this error."""
        with self._cond:
            self.errors.setdefault(method, []).append((status, body))

    def push_message(self, user_id: int, chat_id: int, text: str, *, reply_to: int | None = None) -> int:
        """Queue an incoming message for getUpdates; returns its update id."""
        with self._cond:
            update_id = next(self._ids)
            message: dict[str, Any] = {
                "message_id": next(self._message_ids), "date": int(time.time()),
                "from": {"id": user_id, "is_bot": False, "first_name": "User"},
                "chat": {"id": chat_id, "type": "private"}, "text": text,
            }
            if reply_to is not None:
                message["reply_to_message"] = {"message_id": reply_to, "chat": {"id": chat_id, "type": "private"},
                                               "date": int(time.time()), "text": "(earlier message)"}
            self.updates.append({"update_id": update_id, "message": message})
            self._cond.notify_all()
            return update_id

    def texts(self, chat_id: int | None = None) -> list[str]:
        return [m["text"] for m in self.sent if chat_id is None or str(m["chat_id"]) == str(chat_id)]

    def calls_of(self, method: str) -> list[dict[str, Any]]:
        return [c for c in self.calls if c["method"] == method]

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return True
            time.sleep(0.02)
        return predicate()

    # --- the wire -------------------------------------------------------------------

    def answer(self, path: str, payload: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        prefix = f"/bot{self.token}/"
        if not path.startswith(prefix):
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        method = path[len(prefix):]
        with self._cond:
            self.calls.append({"method": method, "payload": payload, "at": time.monotonic()})
            scripted = self.errors.get(method)
            if scripted:
                return scripted.pop(0)
        if method == "getUpdates":
            return 200, {"ok": True, "result": self._updates(payload)}
        if method == "sendMessage":
            if not payload.get("text"):
                return 400, {"ok": False, "error_code": 400, "description": "Bad Request: message text is empty"}
            if len(payload["text"].encode("utf-16-le")) // 2 > 4096:  # stricter than Telegram, which skips tags
                return 400, {"ok": False, "error_code": 400, "description": "Bad Request: message is too long"}
            message = {"message_id": next(self._message_ids), "chat": {"id": payload.get("chat_id")},
                       "date": int(time.time()), "text": payload["text"]}
            if self.on_send is not None:
                self.on_send(payload)
            with self._cond:
                self.sent.append({**payload, "message_id": message["message_id"]})
            return 200, {"ok": True, "result": message}
        if method == "getMe":
            return 200, {"ok": True, "result": {"id": 1, "is_bot": True, "username": "standin_bot"}}
        return 200, {"ok": True, "result": True}

    def _updates(self, payload: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(payload.get("offset") or 0)
        deadline = time.monotonic() + min(float(payload.get("timeout") or 0), 5.0)
        with self._cond:
            while True:
                # like Telegram, an offset confirms (forgets) every earlier update
                self.updates = [u for u in self.updates if u["update_id"] >= offset]
                if self.updates or self._closed:
                    return list(self.updates)
                left = deadline - time.monotonic()
                if left <= 0:
                    return []
                self._cond.wait(left)

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def bot_api():
    standin = StandInBotAPI()
    try:
        yield standin
    finally:
        standin.close()


@pytest.fixture
def telegram_settings(bot_api):
    """``[telegram]`` overrides pointing at the stand-in, paced fast for tests."""
    return {"token": TOKEN, "api_base": bot_api.url, "allowed_users": [42], "notify_chats": [],
            "min_interval": 0.0, "poll_timeout": 0, "request_timeout": 5.0}
