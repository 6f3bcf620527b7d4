"""Where the data lives: --home, $SMALLCLAW_HOME, the nearest .localclaw, the user's data directory.

Each rule is checked through the function and as a user meets it: the ``smallclaw``
command run from a subfolder, with and without ``$SMALLCLAW_HOME``. Commands that only
read leave an empty folder empty.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from smallclaw_core.app import App
from smallclaw_core.paths import data_dir, find_project_dir, user_cache_dir, user_data_dir


@pytest.fixture
def user(tmp_path) -> dict[str, str]:
    """An environment whose user lives in tmp_path/user: no SmallClaw variable, no Ollama."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SMALLCLAW_", "XDG_")) and k not in ("OLLAMA_HOST", "HF_ENDPOINT")}
    env["HOME"] = str(tmp_path / "user")
    env["SMALLCLAW_MODELS_DIR"] = str(tmp_path / "models")
    # a port nothing listens on: the automatic model choice must not find an Ollama of this machine
    env["OLLAMA_HOST"] = "127.0.0.1:9"
    (tmp_path / "user").mkdir()
    return env


def smallclaw(cwd: Path, env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "smallclaw_core.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)
    assert "Traceback" not in proc.stderr, proc.stderr
    if check:
        assert proc.returncode == 0, f"{args}: {proc.stdout}{proc.stderr}"
    return proc


def everything_under(path: Path) -> list[str]:
    return sorted(str(p.relative_to(path)) for p in path.rglob("*"))


# --- the rules, through the function ---------------------------------------------------


def test_the_explicit_directory_wins_then_the_environment(tmp_path):
    (tmp_path / ".localclaw").mkdir()
    env = {"SMALLCLAW_HOME": str(tmp_path / "env"), "HOME": str(tmp_path)}
    assert data_dir(tmp_path / "arg", cwd=tmp_path, environ=env) == tmp_path / "arg"
    assert data_dir(None, cwd=tmp_path, environ=env) == tmp_path / "env"
    assert data_dir("~/x", cwd=tmp_path, environ={}) == Path("~/x").expanduser()


def test_the_nearest_localclaw_in_this_folder_or_a_parent(tmp_path):
    project = tmp_path / "project"
    deep = project / "src" / "pkg" / "deeper"
    deep.mkdir(parents=True)
    (project / ".localclaw").mkdir()
    env = {"HOME": str(tmp_path / "user")}
    assert data_dir(cwd=project, environ=env) == project / ".localclaw"
    assert data_dir(cwd=deep, environ=env) == project / ".localclaw"
    # a nearer one wins; a file of that name is not a data directory
    (project / "src" / ".localclaw").mkdir()
    (deep / ".localclaw").write_text("not a directory")
    assert data_dir(cwd=deep, environ=env) == project / "src" / ".localclaw"
    assert find_project_dir(tmp_path) is None


def test_else_the_user_data_directory_of_the_platform(tmp_path):
    home = tmp_path / "user"
    assert user_data_dir({"HOME": str(home)}, "linux") == home / ".local/share/smallclaw"
    assert user_data_dir({"HOME": str(home), "XDG_DATA_HOME": str(tmp_path / "xdg")}, "linux") \
        == tmp_path / "xdg/smallclaw"
    # the XDG specification: a relative path is ignored
    assert user_data_dir({"HOME": str(home), "XDG_DATA_HOME": "relative"}, "linux") == home / ".local/share/smallclaw"
    assert user_data_dir({"HOME": str(home)}, "darwin") == home / "Library/Application Support/smallclaw"
    assert user_data_dir({"HOME": str(home), "LOCALAPPDATA": str(tmp_path / "AppData/Local")}, "win32") \
        == tmp_path / "AppData/Local/smallclaw"
    assert user_cache_dir({"HOME": str(home)}, "linux") == home / ".cache/smallclaw"
    assert user_cache_dir({"HOME": str(home), "XDG_CACHE_HOME": str(tmp_path / "c")}, "linux") == tmp_path / "c/smallclaw"
    assert user_cache_dir({"HOME": str(home)}, "darwin") == home / "Library/Caches/smallclaw"
    (tmp_path / "nowhere").mkdir()
    assert data_dir(cwd=tmp_path / "nowhere", environ={"HOME": str(home)}) == user_data_dir({"HOME": str(home)})


def test_the_workspace_is_beside_a_localclaw_and_inside_any_other_data_directory(tmp_path):
    project = App.load(tmp_path / "project" / ".localclaw", only=[])
    assert project.workspace_root == tmp_path / "project" / "workspace"
    user = App.load(tmp_path / "share" / "smallclaw", only=[])
    assert user.workspace_root == tmp_path / "share" / "smallclaw" / "workspace"
    configured = App.load(tmp_path / "x", only=[], overrides={"workspace": {"root": str(tmp_path / "w")}})
    assert configured.workspace_root == tmp_path / "w"


# --- the rules, as a user meets them -------------------------------------------------------


def test_without_anything_the_user_data_directory_is_used_from_any_folder(tmp_path, user):
    elsewhere = tmp_path / "somewhere" / "else"
    elsewhere.mkdir(parents=True)
    task = json.loads(smallclaw(tmp_path, user, "task", "add", "remember the milk", "--json").stdout)
    store = tmp_path / "user" / ".local" / "share" / "smallclaw"
    assert (store / "tasks" / task["id"] / "task.json").is_file()
    listed = json.loads(smallclaw(elsewhere, user, "task", "list", "--json").stdout)
    assert [t["id"] for t in listed] == [task["id"]]
    assert not (tmp_path / ".localclaw").exists() and not (elsewhere / ".localclaw").exists()
    # XDG_DATA_HOME moves it
    moved = {**user, "XDG_DATA_HOME": str(tmp_path / "xdg")}
    assert json.loads(smallclaw(elsewhere, moved, "task", "list", "--json").stdout) == []
    smallclaw(elsewhere, moved, "task", "add", "another", "--json")
    assert (tmp_path / "xdg" / "smallclaw" / "tasks").is_dir()


def test_init_here_makes_a_project_used_from_its_subfolders(tmp_path, user):
    project = tmp_path / "project"
    deep = project / "src" / "deeper"
    deep.mkdir(parents=True)
    out = smallclaw(project, user, "init", "--here").stdout
    assert out.strip() == f"wrote {project / '.localclaw' / 'config.toml'}"
    task = json.loads(smallclaw(deep, user, "task", "add", "fix the build", "--json").stdout)
    assert (project / ".localclaw" / "tasks" / task["id"]).is_dir()
    assert [t["id"] for t in json.loads(smallclaw(deep, user, "task", "list", "--json").stdout)] == [task["id"]]
    doctor = smallclaw(deep, user, "doctor", check=False).stdout
    assert f"data directory: {project / '.localclaw'}" in doctor
    # outside the project, the user's data directory: the project's task is not there
    assert json.loads(smallclaw(tmp_path, user, "task", "list", "--json").stdout) == []
    # a second init --here keeps the file
    assert "already exists" in smallclaw(deep.parent.parent, user, "init", "--here").stdout


def test_smallclaw_home_wins_over_a_project_from_a_subfolder(tmp_path, user):
    project = tmp_path / "project"
    deep = project / "a" / "b"
    deep.mkdir(parents=True)
    smallclaw(project, user, "init", "--here")
    in_project = json.loads(smallclaw(deep, user, "task", "add", "project work", "--json").stdout)
    env = {**user, "SMALLCLAW_HOME": str(tmp_path / "elsewhere")}
    other = json.loads(smallclaw(deep, env, "task", "add", "other work", "--json").stdout)
    assert [t["id"] for t in json.loads(smallclaw(deep, env, "task", "list", "--json").stdout)] == [other["id"]]
    assert (tmp_path / "elsewhere" / "tasks" / other["id"]).is_dir()
    # and --home wins over both, before or after the command
    third = tmp_path / "third"
    made = json.loads(smallclaw(deep, env, "task", "add", "third work", "--home", str(third), "--json").stdout)
    assert [t["id"] for t in json.loads(smallclaw(deep, env, "--home", str(third), "task", "list", "--json").stdout)] \
        == [made["id"]]
    assert [t["id"] for t in json.loads(smallclaw(deep, env, "task", "list", "--json", "--home", str(third)).stdout)] \
        == [made["id"]]
    # without the variable, the project again
    assert [t["id"] for t in json.loads(smallclaw(deep, user, "task", "list", "--json").stdout)] \
        == [in_project["id"]]


def test_init_writes_where_the_other_commands_read(tmp_path, user):
    out = smallclaw(tmp_path, user, "init").stdout
    path = tmp_path / "user" / ".local" / "share" / "smallclaw" / "config.toml"
    assert out.strip() == f"wrote {path}" and path.is_file()
    proc = smallclaw(tmp_path, user, "init", "--here", "--home", str(tmp_path / "x"), check=False)
    assert proc.returncode == 2 and "choose one" in proc.stderr
    noted = smallclaw(tmp_path, {**user, "SMALLCLAW_HOME": str(tmp_path / "env")}, "init", "--here").stdout
    assert "$SMALLCLAW_HOME is set" in noted and (tmp_path / ".localclaw" / "config.toml").is_file()


def test_an_existing_localclaw_keeps_working(tmp_path, user):
    # a data directory made before these rules: created by running in the project folder
    project = tmp_path / "project"
    project.mkdir()
    old = json.loads(smallclaw(project, {**user, "SMALLCLAW_HOME": str(project / ".localclaw")},
                               "task", "add", "old task", "--json").stdout)
    listed = json.loads(smallclaw(project, user, "task", "list", "--json").stdout)
    assert [t["id"] for t in listed] == [old["id"]]


# --- commands that only read create nothing ------------------------------------------------


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["plugins"], ["doctor"], ["task", "list"],
                                  ["task", "list", "--help"], ["models"]])
def test_a_read_only_command_leaves_an_empty_folder_empty(tmp_path, user, args):
    empty = tmp_path / "empty"
    empty.mkdir()
    before = everything_under(tmp_path)
    proc = smallclaw(empty, user, *args, check=False)
    assert proc.returncode in (0, 1), proc.stderr  # doctor fails when no model is installed
    assert everything_under(tmp_path) == before, f"smallclaw {' '.join(args)} wrote to disk"


def test_version_is_the_installed_distributions(tmp_path, user):
    from importlib.metadata import version

    import smallclaw_core

    out = smallclaw(tmp_path, user, "--version").stdout.strip()
    assert out == f"smallclaw {version('smallclaw')}" == f"smallclaw {smallclaw_core.__version__}"


# --- the data directory is this user's only --------------------------------------------------


NOBODY = 65534


def as_nobody(*command: str) -> subprocess.CompletedProcess:
    """Run ``command`` as another local user (uid and gid 65534, no groups): the reader to keep out."""
    return subprocess.run(list(command), user=NOBODY, group=NOBODY, extra_groups=[], capture_output=True,
                          text=True, timeout=30)


@pytest.fixture
def open_folder():
    """A folder every user may pass through, as a home folder or /srv often is (pytest's own is 0700)."""
    import shutil
    import tempfile

    base = Path(tempfile.mkdtemp(prefix="smallclaw-modes-"))
    base.chmod(0o755)
    old_umask = os.umask(0o022)  # the usual umask: what is created is world-readable unless said otherwise
    try:
        yield base
    finally:
        os.umask(old_umask)
        shutil.rmtree(base, ignore_errors=True)


def undo_logging() -> None:
    from smallclaw_core import logs

    for handler in list(logs._installed):
        logging.getLogger().removeHandler(handler)
        handler.close()
    logs._installed.clear()
    logging.getLogger("smallclaw").setLevel(logging.NOTSET)
    logging.getLogger().setLevel(logging.WARNING)


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to act as another user")
def test_another_local_user_cannot_read_a_goal_a_journal_a_chat_the_token_or_the_log(open_folder, user):
    from smallclaw_core.gateway.security import ensure_token
    from smallclaw_core.logs import configure_logging
    from smallclaw_core.models import Message

    home = open_folder / "data"
    env = {**user, "SMALLCLAW_HOME": str(home)}
    smallclaw(open_folder, env, "init")
    made = json.loads(smallclaw(open_folder, env, "task", "add", "the secret plan", "--json").stdout)
    app = App.load(home)
    app.sessions.append("cli_me", Message("user", "my password is hunter2"))
    ensure_token(home)
    try:
        configure_logging(home, "info")
        logging.getLogger("smallclaw.tasks").info("task %s: the secret plan", made["id"])
    finally:
        undo_logging()
    secrets = [home / "config.toml", home / "tasks" / made["id"] / "task.json",
               home / "tasks" / made["id"] / "journal.jsonl", home / "sessions" / "cli_me.jsonl",
               home / "token", home / "logs" / "smallclaw.log"]
    for path in secrets:
        assert path.is_file(), path
        refused = as_nobody("cat", str(path))
        assert refused.returncode != 0 and "Permission denied" in refused.stderr, (path, refused.stdout)
    assert as_nobody("ls", str(home)).returncode != 0
    # and the modes themselves, in case some other user has a way in (a group, an ACL-less copy)
    for path in [home, *home.rglob("*")]:
        mode = path.stat().st_mode & 0o777
        assert mode == (0o700 if path.is_dir() else 0o600), f"{path}: {mode:o}"


def test_an_open_data_directory_is_made_private_at_start_with_one_notice(open_folder, user):
    home = open_folder / "data"
    home.mkdir()
    env = {**user, "SMALLCLAW_HOME": str(home)}
    assert home.stat().st_mode & 0o777 == 0o755
    proc = smallclaw(open_folder, env, "task", "list")
    assert home.stat().st_mode & 0o777 == 0o700
    notices = [line for line in proc.stderr.splitlines() if line]
    assert notices == [f"smallclaw: the data directory {home} was open to other users (mode 755); "
                       "it is now private (700)"]
    assert smallclaw(open_folder, env, "task", "list").stderr == ""  # said once, not at every start


def test_init_writes_a_private_config_even_over_an_open_one(open_folder, user):
    home = open_folder / ".localclaw"
    smallclaw(open_folder, user, "init", "--here")
    assert home.stat().st_mode & 0o777 == 0o700
    config = home / "config.toml"
    assert config.stat().st_mode & 0o777 == 0o600
    config.chmod(0o644)
    smallclaw(open_folder, user, "init", "--force")
    assert config.stat().st_mode & 0o777 == 0o600


def test_a_rotated_log_is_private_too(open_folder, monkeypatch):
    from smallclaw_core import logs

    monkeypatch.setattr(logs, "MAX_BYTES", 300)
    home = open_folder / "data"
    try:
        path = logs.configure_logging(home, "info")
        for i in range(20):
            logging.getLogger("smallclaw.tasks").info("line %d of a log that rotates", i)
    finally:
        undo_logging()
    rotated = sorted(path.parent.iterdir())
    assert len(rotated) >= 2, rotated
    assert {p.stat().st_mode & 0o777 for p in rotated} == {0o600}
    assert path.parent.stat().st_mode & 0o777 == 0o700 and home.stat().st_mode & 0o777 == 0o700
