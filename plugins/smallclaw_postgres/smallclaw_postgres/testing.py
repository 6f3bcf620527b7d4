"""A throwaway PostgreSQL server for tests and benchmarks: a real server, not a test double.

``TemporaryPostgres`` runs ``initdb`` and ``pg_ctl`` from the installed PostgreSQL (Debian's
``postgresql`` package) in a temporary directory, listening on a free port of 127.0.0.1
and on a unix socket in that directory, and removes it all on ``stop()``. ``initdb``
refuses to run as root, so under root the server runs as the ``postgres`` user
(``runuser -u postgres --``). ``unavailable()`` says why a server cannot be started here,
or None.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

#: settings that make a test server fast: nothing waits for the disk (the data is thrown away)
FAST = ("-c fsync=off -c synchronous_commit=off -c full_page_writes=off")


def find_bindir() -> Path | None:
    """Where initdb and pg_ctl are: $PG_BINDIR, PATH, or the newest /usr/lib/postgresql/N/bin."""
    for candidate in filter(None, [os.environ.get("PG_BINDIR")]):
        if (Path(candidate) / "initdb").exists():
            return Path(candidate)
    found = shutil.which("initdb")
    if found:
        return Path(os.path.realpath(found)).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(versions[-1]).parent if versions else None


def _as_root() -> bool:
    return os.geteuid() == 0


def unavailable() -> str | None:
    """Why no server can be started here, or None."""
    if find_bindir() is None:
        return "PostgreSQL is not installed (Debian: apt-get install postgresql; `make test` does it)"
    if _as_root():
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no postgres user to run the server as"
        if shutil.which("runuser") is None:
            return "running as root and runuser is missing"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TemporaryPostgres:
    """``with TemporaryPostgres() as pg: pg.url("postgres")``; ``durable=True`` keeps fsync on (benchmarks)."""

    def __init__(self, *, durable: bool = False):
        self.durable = durable
        self.bindir = find_bindir()
        self.root: Path | None = None
        self.port = 0

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        command = [str(self.bindir / args[0]), *args[1:]]
        if _as_root():
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)

    def start(self) -> "TemporaryPostgres":
        reason = unavailable()
        if reason:
            raise RuntimeError(reason)
        self.root = Path(tempfile.mkdtemp(prefix="smallclaw-pg-"))
        os.chmod(self.root, 0o755)
        if _as_root():
            entry = pwd.getpwnam("postgres")
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
        data = self.root / "data"
        done = self._run("initdb", "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale",
                         "--no-sync")
        if done.returncode:
            raise RuntimeError(f"initdb failed: {done.stderr.strip() or done.stdout.strip()}")
        self.port = free_port()
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c max_connections=200"
        if not self.durable:
            options += " " + FAST
        done = self._run("pg_ctl", "-D", str(data), "-o", options, "-l", str(self.root / "server.log"), "-w",
                         "-t", "60", "start")
        if done.returncode:
            log = (self.root / "server.log").read_text() if (self.root / "server.log").exists() else ""
            raise RuntimeError(f"pg_ctl start failed: {done.stderr.strip()} {log[-500:]}")
        return self

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{dbname}"

    def create_database(self, name: str, template: str | None = None) -> str:
        """A new database (copied from ``template`` when given); its URL."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return self.url(name)

    def stop(self) -> None:
        if self.root is None:
            return
        self._run("pg_ctl", "-D", str(self.root / "data"), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)
        self.root = None

    def __enter__(self) -> "TemporaryPostgres":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
