"""SmallClaw as a user installs it: wheels of the core and every plugin, installed (not editable) into
a fresh virtual environment, ``smallclaw serve`` started from there, the board loaded in Chromium.

Editable installs read files from the source tree, so they hide what a wheel forgot (the
board's files were once missing from the kanban wheel). Here nothing comes from the
checkout: the wheels are built with ``pip wheel --no-deps``, installed from their files
with their dependencies from the package index (pinned to the versions of the test
environment, so pip's cache serves them, llama-cpp-python's compiled wheel included),
and the server runs in an empty folder outside the checkout.
"""

from __future__ import annotations

import email
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
PLUGINS = sorted(p for p in (ROOT / "plugins").iterdir() if (p / "pyproject.toml").is_file())
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]

pytestmark = [pytest.mark.slow, pytest.mark.browser]
sync_api = pytest.importorskip("playwright.sync_api")
if not Path(CHROMIUM).exists():
    pytest.skip("Chromium is not installed at /usr/bin/chromium", allow_module_level=True)


def run(*args: str | Path, **kwargs) -> subprocess.CompletedProcess:
    proc = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=1500, **kwargs)
    assert proc.returncode == 0, f"{' '.join(map(str, args))}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def metadata(wheel: Path) -> email.message.Message:
    with zipfile.ZipFile(wheel) as z:
        name = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
        return email.message_from_bytes(z.read(name))


@pytest.fixture(scope="module")
def wheels(tmp_path_factory) -> dict[str, Path]:
    # built from a copy: setuptools builds in the source folder, and a build/ left there by an
    # earlier build could put files into a wheel that the sources no longer have
    source = tmp_path_factory.mktemp("source") / "smallclaw"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".hypothesis", ".pytest_cache",
        "test-artifacts", ".localclaw", "workspace"))
    out = tmp_path_factory.mktemp("wheels")
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--wheel-dir", out, source,
        *(source / "plugins" / p.name for p in PLUGINS))
    built = {metadata(w)["Name"]: w for w in out.glob("*.whl")}
    assert set(built) == {"smallclaw", *(f"smallclaw-{p.name.removeprefix('smallclaw_').replace('_', '-')}"
                                         for p in PLUGINS)}
    return built


@pytest.fixture(scope="module")
def venv(tmp_path_factory, wheels) -> Path:
    """A fresh environment with the wheels installed from their files, nothing editable."""
    place = tmp_path_factory.mktemp("venv")
    run(sys.executable, "-m", "venv", place / "env")
    python = place / "env" / "bin" / "python"
    # the test environment's versions, so every dependency comes out of pip's cache
    frozen = run(sys.executable, "-m", "pip", "freeze", "--exclude-editable").stdout
    pins = [line for line in frozen.splitlines() if "==" in line and not line.lower().startswith("smallclaw")]
    (place / "constraints.txt").write_text("\n".join(pins) + "\n")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PIP_REQUIRE_VIRTUALENV")}
    run(python, "-m", "pip", "install", "--quiet", "--find-links", next(iter(wheels.values())).parent,
        "--constraint", place / "constraints.txt", *wheels.values(), env=env, cwd=place)
    return place / "env"


def test_the_wheels_carry_their_files_licence_and_bounds(wheels):
    for name, wheel in wheels.items():
        meta = metadata(wheel)
        assert meta["License-Expression"] == "Apache-2.0", name
        with zipfile.ZipFile(wheel) as z:
            files = z.namelist()
        assert any(f.endswith(".dist-info/licenses/LICENSE") for f in files), name
        if name != "smallclaw":
            requires = meta.get_all("Requires-Dist")
            assert any(r.replace(" ", "") in ("smallclaw<0.2,>=0.1", "smallclaw>=0.1,<0.2") for r in requires), requires
    with zipfile.ZipFile(wheels["smallclaw-kanban"]) as z:
        assert {"smallclaw_kanban/static/index.html", "smallclaw_kanban/static/board.js",
                "smallclaw_kanban/static/board.css"} <= set(z.namelist())
    with zipfile.ZipFile(wheels["smallclaw"]) as z:
        assert "smallclaw_core/py.typed" in z.namelist()
    assert any(r.replace(" ", "").startswith("llama-cpp-python<0.4,>=0.3.0")
               for r in metadata(wheels["smallclaw-llamacpp"]).get_all("Requires-Dist"))


def test_the_installed_wheels_serve_the_board(venv, tmp_path):
    bin_dir = venv / "bin"
    work = tmp_path / "somewhere"  # an empty folder outside the checkout
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMALLCLAW_") and k != "PYTHONPATH"}
    env.update(SMALLCLAW_HOME=str(tmp_path / "home"), SMALLCLAW_MODELS_DIR=str(tmp_path / "models"),
               OLLAMA_HOST="127.0.0.1:9")

    # installed, not linked to the checkout
    where = run(bin_dir / "python", "-c", "import smallclaw_core, smallclaw_kanban; "
                "print(smallclaw_core.__file__); print(smallclaw_kanban.__file__)", cwd=work, env=env).stdout
    assert all(str(venv) in line and str(ROOT) not in line for line in where.split()), where
    from importlib.metadata import version

    assert run(bin_dir / "smallclaw", "--version", cwd=work, env=env).stdout.strip() == \
        f"smallclaw {version('smallclaw')}"
    import json

    listed = json.loads(run(bin_dir / "smallclaw", "plugins", "--json", cwd=work, env=env).stdout)
    assert {p["name"] for p in listed} >= {"runner", "gateway", "kanban", "llamacpp", "ollama", "openai",
                                           "shell_tools", "telegram"}
    assert [p for p in listed if p["error"]] == []

    port = free_port()
    log = open(tmp_path / "serve.out", "w+")
    # --no-runner: the board and the API only; no model is loaded on this shared machine
    proc = subprocess.Popen([bin_dir / "smallclaw", "serve", "--port", str(port), "--no-runner"], cwd=work, env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    try:
        url = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and url is None and proc.poll() is None:
            time.sleep(0.2)
            log.seek(0)
            url = next((line.split("board: ", 1)[1].strip() for line in log.read().splitlines()
                        if line.startswith("board: ")), None)
        log.seek(0)
        assert url, f"smallclaw serve did not print the board URL:\n{log.read()}"
        base = f"http://127.0.0.1:{port}"
        for path, kind in (("/", "text/html"), ("/board.js", "text/javascript"), ("/board.css", "text/css")):
            answer = httpx.get(base + path)
            assert answer.status_code == 200 and answer.headers["content-type"].startswith(kind), path

        with sync_api.sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                page = browser.new_page(viewport={"width": 1280, "height": 800})
                errors: list[str] = []
                failed: list[str] = []
                page.on("pageerror", lambda exc: errors.append(str(exc)))
                page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
                page.goto(url)
                sync_api.expect(page.locator("#connection")).to_have_text("live", timeout=15_000)
                sync_api.expect(page.locator("#model")).to_contain_text("llamacpp:default", timeout=15_000)
                # the board works: a task made from its form appears as a card
                page.get_by_role("button", name="New task").click()
                page.get_by_label("Goal").fill("Installed from wheels")
                page.locator("#steps").fill("one step")
                page.get_by_role("button", name="Create task").click()
                sync_api.expect(page.locator(".card", has_text="Installed from wheels")).to_have_count(1)
                # the stylesheet applied: its colour variables are set
                assert page.evaluate("getComputedStyle(document.documentElement)"
                                     ".getPropertyValue('--accent').trim()") == "#1b5fbf"
                assert not errors and not failed, (errors, failed)
            finally:
                browser.close()
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
    assert (tmp_path / "home" / "logs" / "smallclaw.log").is_file()
