"""``smallclaw models pull`` against a stand-in for the Hugging Face Hub's file endpoint.

``HubStandIn`` is a test double, not the Hub: a real HTTP server on 127.0.0.1 that
answers ``/{owner}/{repo}/resolve/{revision}/{file}`` as the Hub does for an LFS file (a
redirect to its storage carrying ``X-Linked-Etag`` with the sha256 and ``X-Linked-Size``),
serves the storage URL with ``Range`` support, and can drop the connection in the middle
of the file. The command runs as a user runs it, in its own process.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import signal
import struct
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import anyio
import pytest

from smallclaw_core.app import App
from smallclaw_core.modelfiles import find_pulled, list_pulled, pull
from smallclaw_core.errors import DownloadError, ModelError

REPO = "smol-org/Tiny-GGUF"
FILE = "tiny-q4.gguf"
SPEC = f"{REPO}/{FILE}"
MB = 1 << 20


def fake_gguf(size: int) -> bytes:
    """A GGUF header SmallClaw can read (llama, 2048-token window), then ``size`` bytes in all."""
    def text(value: str) -> bytes:
        raw = value.encode()
        return struct.pack("<Q", len(raw)) + raw

    header = b"GGUF" + struct.pack("<IQQ", 3, 0, 2)
    header += text("general.architecture") + struct.pack("<I", 8) + text("llama")
    header += text("llama.context_length") + struct.pack("<I", 4) + struct.pack("<I", 2048)
    return header + random.Random(7).randbytes(size - len(header))


class HubStandIn:
    """A stand-in for the Hub's file endpoint and its storage (a test double)."""

    def __init__(self, files: dict[str, bytes]):
        self.files = files
        #: bytes after which the next storage answers end the connection, one entry per answer
        self.drops: list[int] = []
        #: a sha256 to announce instead of the file's own (a corrupting mirror)
        self.announce: str | None = None
        self.send_sha = True
        #: answer every storage request with the whole file, as a server without Range support does
        self.ignore_range = False
        #: (method, path, Range header) of every request
        self.requests: list[tuple[str, str, str | None]] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def by_sha(self, sha: str) -> bytes | None:
        return next((d for d in self.files.values() if hashlib.sha256(d).hexdigest() == sha), None)

    def storage_requests(self) -> list[tuple[str, str, str | None]]:
        return [r for r in self.requests if r[1].startswith("/storage/")]

    def __enter__(self) -> "HubStandIn":
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        hub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_HEAD(self) -> None:
                self.answer(body=False)

            def do_GET(self) -> None:
                self.answer(body=True)

            def answer(self, body: bool) -> None:
                hub.requests.append((self.command, self.path, self.headers.get("Range")))
                match = re.fullmatch(r"/([^/]+/[^/]+)/resolve/([^/]+)/(.+)", self.path)
                if match:
                    data = hub.files.get(f"{match.group(1)}/{match.group(3)}")
                    if data is None:
                        return self.plain(404, b'{"error":"Entry not found"}', {"X-Error-Code": "EntryNotFound"})
                    sha = hashlib.sha256(data).hexdigest()
                    announced = hub.announce or sha
                    headers = {"Location": f"{hub.url}/storage/{sha}", "X-Repo-Commit": "0" * 40}
                    if hub.send_sha:
                        headers.update({"X-Linked-Etag": f'"{announced}"', "ETag": f'"{announced}"',
                                        "X-Linked-Size": str(len(data))})
                    return self.plain(302, b"", headers)
                if self.path.startswith("/storage/"):
                    data = hub.by_sha(self.path.rsplit("/", 1)[1])
                    if data is None:
                        return self.plain(404, b"no such object", {})
                    return self.storage(data, body)
                self.plain(404, b"not found", {})

            def plain(self, status: int, data: bytes, headers: dict[str, str]) -> None:
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

            def storage(self, data: bytes, body: bool) -> None:
                start = 0
                wanted = None if hub.ignore_range else self.headers.get("Range")
                if wanted:
                    start = int(re.fullmatch(r"bytes=(\d+)-", wanted).group(1))
                    if start >= len(data):
                        return self.plain(416, b"", {"Content-Range": f"bytes */{len(data)}"})
                    self.send_response(206)
                    self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
                else:
                    self.send_response(200)
                self.send_header("Accept-Ranges", "bytes")
                self.send_header("Content-Length", str(len(data) - start))
                self.end_headers()
                if not body:
                    return
                drop = hub.drops.pop(0) if hub.drops else None
                part = data[start:] if drop is None else data[start:start + drop]
                for i in range(0, len(part), 64 * 1024):
                    self.wfile.write(part[i:i + 64 * 1024])
                if drop is not None:
                    self.wfile.flush()
                    self.close_connection = True  # the rest never comes

        return Handler


@pytest.fixture
def tiny() -> bytes:
    return fake_gguf(5 * MB)


@pytest.fixture
def hub(tiny):
    with HubStandIn({SPEC: tiny}) as server:
        yield server


@pytest.fixture
def user(tmp_path, hub) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMALLCLAW_") and k != "HF_TOKEN"}
    env.update(SMALLCLAW_HOME=str(tmp_path / "home"), SMALLCLAW_MODELS_DIR=str(tmp_path / "models"),
               HF_ENDPOINT=hub.url)
    return env


def smallclaw(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "smallclaw_core.cli", *args], env=env, capture_output=True,
                          text=True, timeout=120)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def files_in(path: Path) -> list[str]:
    return sorted(str(p.relative_to(path)) for p in path.rglob("*") if p.is_file())


def test_a_pull_downloads_verifies_and_lists_the_model(tmp_path, hub, user, tiny):
    proc = smallclaw(user, "models", "pull", SPEC)
    assert proc.returncode == 0, proc.stderr
    sha = hashlib.sha256(tiny).hexdigest()
    target = tmp_path / "models" / REPO / FILE
    assert target.read_bytes() == tiny
    assert files_in(tmp_path / "models") == [f"{REPO}/.{FILE}.json", f"{REPO}/{FILE}"]
    assert f"pulled {SPEC} (5.0 MB, sha256 {sha})" in proc.stdout
    assert f'[models] executor = "llamacpp:{FILE}"' in proc.stdout
    # the progress bar, written as lines when stderr is not a terminal
    bars = [line for line in proc.stderr.splitlines() if line.startswith(f"{FILE} [")]
    assert bars and "100%" in bars[-1] and "5.0 MB / 5.0 MB" in bars[-1] and "#" * 30 in bars[-1]
    record = json.loads((target.parent / f".{FILE}.json").read_text())
    assert record["sha256"] == sha and record["size"] == len(tiny) and record["revision"] == "main"
    assert record["url"] == f"{hub.url}/{SPEC.replace(FILE, 'resolve/main/' + FILE)}"
    # the Hub was asked the way huggingface_hub asks: HEAD without following, then the storage
    assert [(m, p.split("/")[1]) for m, p, _ in hub.requests] == [("HEAD", "smol-org"), ("GET", "storage")]

    listed = json.loads(smallclaw(user, "models", "--json").stdout)["pulled"]
    assert listed == [{"name": SPEC, "repo": REPO, "file": FILE, "path": str(target), "size": len(tiny),
                       "sha256": sha, "revision": "main"}]
    assert f"  {SPEC}  5.0 MB" in smallclaw(user, "models").stdout

    # pulled already: nothing is downloaded again
    again = smallclaw(user, "models", "pull", SPEC)
    assert again.returncode == 0 and f"{SPEC} is already pulled" in again.stdout
    assert len(hub.storage_requests()) == 1


def test_a_dropped_connection_is_continued_from_where_it_stopped(tmp_path, hub, user, tiny):
    hub.drops = [2 * MB]
    proc = smallclaw(user, "models", "pull", SPEC)
    assert proc.returncode == 0, proc.stderr
    assert "the connection dropped" in proc.stderr and "continuing from 2.0 MB" in proc.stderr
    ranges = [r for _, _, r in hub.storage_requests()]
    assert ranges == [None, f"bytes={2 * MB}-"]
    assert (tmp_path / "models" / REPO / FILE).read_bytes() == tiny


def test_an_interrupted_pull_resumes_on_the_next_run(tmp_path, hub, user, tiny):
    hub.drops = [MB, MB, MB]  # every try of the first run ends early
    first = smallclaw(user, "models", "pull", SPEC)
    assert first.returncode == 1
    part = tmp_path / "models" / REPO / f"{FILE}.part"
    assert part.stat().st_size == 3 * MB and part.read_bytes() == tiny[:3 * MB]
    assert "3.0 MB are kept" in first.stderr and "run the same command again to continue" in first.stderr
    assert not (tmp_path / "models" / REPO / FILE).exists()
    assert json.loads(smallclaw(user, "models", "--json").stdout)["pulled"] == []

    second = smallclaw(user, "models", "pull", SPEC)
    assert second.returncode == 0, second.stderr
    ranges = [r for _, _, r in hub.storage_requests()]
    assert ranges == [None, f"bytes={MB}-", f"bytes={2 * MB}-", f"bytes={3 * MB}-"]
    assert (tmp_path / "models" / REPO / FILE).read_bytes() == tiny
    assert not part.exists()


def test_a_bad_checksum_is_refused_and_nothing_is_left(tmp_path, hub, user):
    hub.announce = "ab" * 32
    proc = smallclaw(user, "models", "pull", SPEC)
    assert proc.returncode == 1
    assert f"the server announced {'ab' * 32}" in proc.stderr and "nothing was kept" in proc.stderr
    assert files_in(tmp_path / "models") == []
    assert json.loads(smallclaw(user, "models", "--json").stdout)["pulled"] == []


def test_a_file_without_a_checksum_needs_no_verify(tmp_path, hub, user, tiny):
    hub.send_sha = False
    proc = smallclaw(user, "models", "pull", SPEC)
    assert proc.returncode == 1 and "--no-verify" in proc.stderr
    assert files_in(tmp_path / "models") == [] and [r for r in hub.storage_requests() if r[0] == "GET"] == []
    assert smallclaw(user, "models", "pull", SPEC, "--no-verify").returncode == 0
    assert (tmp_path / "models" / REPO / FILE).read_bytes() == tiny


def test_mistakes_are_clear_messages(tmp_path, hub, user):
    proc = smallclaw(user, "models", "pull", f"{REPO}/missing.gguf")
    assert proc.returncode == 1 and f"there is no {REPO}/missing.gguf at revision main" in proc.stderr
    proc = smallclaw(user, "models", "pull", "just-a-file.gguf")
    assert proc.returncode == 1 and "<owner>/<repo>/<file>.gguf" in proc.stderr
    proc = smallclaw(user, "models", "pull", f"{REPO}/README.md")
    assert proc.returncode == 1 and "should name a GGUF file" in proc.stderr
    dead = {**user, "HF_ENDPOINT": "http://127.0.0.1:9"}
    proc = smallclaw(dead, "models", "pull", SPEC)
    assert proc.returncode == 1 and "cannot reach 127.0.0.1:9" in proc.stderr
    assert files_in(tmp_path / "models") == []


def test_the_endpoint_comes_from_the_config_before_hf_endpoint(tmp_path, hub, user, tiny):
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text(f'[models]\nhub_endpoint = "{hub.url}"\n')
    env = {**user, "HF_ENDPOINT": "http://127.0.0.1:9"}
    assert smallclaw(env, "models", "pull", SPEC).returncode == 0
    assert (tmp_path / "models" / REPO / FILE).read_bytes() == tiny


def test_a_server_that_ignores_range_is_read_from_the_start(tmp_path, hub, tiny):
    root = tmp_path / "models"
    part = root / REPO / f"{FILE}.part"
    part.parent.mkdir(parents=True)
    part.write_bytes(b"x" * 1000)  # not what the server sends: its 200 answer replaces it
    hub.ignore_range = True
    with open(os.devnull, "w") as quiet:
        model, downloaded = pull(SPEC, endpoint=hub.url, root=root, stream=quiet)
    assert downloaded and model.path.read_bytes() == tiny and not part.exists()
    assert [r for _, _, r in hub.storage_requests()] == ["bytes=1000-"]


# --- using a pulled model -----------------------------------------------------------------


def place(root: Path, repo: str, data: bytes, name: str = FILE, pulled_at: float | None = None) -> Path:
    """Put a model where a pull would have left it."""
    path = root / repo / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    record = {"repo": repo, "file": name, "sha256": hashlib.sha256(data).hexdigest(), "revision": "main",
              "pulled_at": pulled_at or time.time()}
    (path.parent / f".{name}.json").write_text(json.dumps(record))
    return path


def test_a_pulled_model_is_named_by_its_file_or_its_full_name(tmp_path, tiny):
    root = tmp_path / "models"
    path = place(root, REPO, tiny)
    assert find_pulled(SPEC, root).path == path
    assert find_pulled(FILE, root).path == path
    assert find_pulled("other.gguf", root) is None
    (path.parent / f"{FILE}.part").write_bytes(b"half")  # a download in progress is not a model
    assert [m.name for m in list_pulled(root)] == [SPEC]
    other = place(root, "someone/Else-GGUF", tiny)
    with pytest.raises(ModelError, match="pulled from several repositories"):
        find_pulled(FILE, root)
    assert find_pulled(f"someone/Else-GGUF/{FILE}", root).path == other


needs_llama = pytest.mark.skipif(
    __import__("importlib").util.find_spec("llama_cpp") is None, reason="llama-cpp-python is not installed")


@needs_llama
def test_the_llamacpp_backend_resolves_and_describes_a_pulled_model(tmp_path, monkeypatch, tiny):
    monkeypatch.setenv("SMALLCLAW_MODELS_DIR", str(tmp_path / "models"))
    path = place(tmp_path / "models", REPO, tiny)
    app = App.load(tmp_path / "home", only=["llamacpp"], overrides={"models": {"executor": f"llamacpp:{FILE}"}})

    async def main():
        ref = await app.model_for("executor")
        info = await ref.backend.describe(ref.model)
        listed = [m.name for m in await ref.backend.list_models()]
        await app.aclose()
        return ref, info, listed

    ref, info, listed = anyio.run(main)
    assert str(ref) == f"llamacpp:{FILE}"
    assert info.context_length == 2048 and info.details["path"] == str(path)
    assert SPEC in listed


@needs_llama
def test_without_a_configured_model_a_pulled_one_is_preferred_and_named(tmp_path, monkeypatch, tiny):
    monkeypatch.setenv("SMALLCLAW_MODELS_DIR", str(tmp_path / "models"))
    monkeypatch.setenv("OLLAMA_HOST", "127.0.0.1:9")
    place(tmp_path / "models", "older/Model-GGUF", tiny, "older.gguf", pulled_at=1000.0)
    place(tmp_path / "models", REPO, tiny, pulled_at=2000.0)
    app = App.load(tmp_path / "home", only=["llamacpp", "ollama"])
    ref = anyio.run(app.model_for, "executor")
    assert str(ref) == f"llamacpp:{SPEC}"
    assert any(m.startswith(f"using model llamacpp:{SPEC} (chosen automatically") for m in app.messages)


@needs_llama
def test_serve_says_which_pulled_model_it_chose_and_downloads_nothing(tmp_path, hub, user, tiny):
    place(tmp_path / "models", REPO, tiny)
    env = {**user, "OLLAMA_HOST": "127.0.0.1:9", "SMALLCLAW_PLUGINS": "gateway,kanban,llamacpp,ollama"}
    log = open(tmp_path / "serve.out", "w+")
    proc = subprocess.Popen([sys.executable, "-m", "smallclaw_core.cli", "serve", "--port", "0", "--no-runner"],
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        text = ""
        while time.monotonic() < deadline and "board: " not in text and proc.poll() is None:
            time.sleep(0.2)
            log.seek(0)
            text = log.read()
        assert "board: " in text, text
        assert f"using model llamacpp:{SPEC} (chosen automatically" in text
        assert f"model: llamacpp:{SPEC}" in text
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
    assert hub.requests == []  # nothing is ever pulled by itself


def test_a_pull_in_the_library_reports_a_refusal_as_a_download_error(tmp_path, hub):
    with pytest.raises(DownloadError, match="there is no"):
        pull(f"{REPO}/nope.gguf", endpoint=hub.url, root=tmp_path / "models")
