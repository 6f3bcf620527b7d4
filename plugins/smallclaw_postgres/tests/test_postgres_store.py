"""What only the PostgreSQL store has: its schema and migrations, the change feed across a lost
connection, doctor's checks, the commands, and the URL never shown with its password."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import anyio
import psycopg
import pytest

from smallclaw_core import JournalEntry, Lease, LeaseLost, Task, unstructure
from smallclaw_core.app import App
from smallclaw_postgres import schema
from smallclaw_postgres.database import StoreUnavailable, describe_url
from smallclaw_postgres.doctor import store_checks
from smallclaw_postgres.feed import parse
from smallclaw_postgres.tasks import PostgresTaskStore


@pytest.fixture
def blank_url(postgres_server):
    """A database without the schema."""
    name = f"blank_{os.getpid()}_{id(object())}"
    url = postgres_server.create_database(name)
    yield url
    with psycopg.connect(postgres_server.url(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def version(url: str) -> int:
    with psycopg.connect(url, autocommit=True) as conn:
        return schema.version_of(conn)


def test_the_schema_is_made_at_the_first_connection_and_a_newer_one_is_refused(blank_url):
    assert version(blank_url) == 0
    store = PostgresTaskStore(blank_url, host="here")
    store.create(Task(id="t1", title="t", goal="g"))  # the first call migrates
    assert version(blank_url) == schema.VERSION
    assert store.migrate() == [f"the schema is up to date (version {schema.VERSION})"]
    store.close()
    with psycopg.connect(blank_url, autocommit=True) as conn:
        conn.execute("UPDATE smallclaw.schema_version SET version = %s", (schema.VERSION + 1,))
    with pytest.raises(StoreUnavailable, match="newer than this smallclaw-postgres knows"):
        PostgresTaskStore(blank_url, host="here").get("t1")


def test_two_processes_migrating_at_once_both_succeed(blank_url):
    code = ("import sys; from smallclaw_postgres.tasks import PostgresTaskStore; "
            "print(PostgresTaskStore(sys.argv[1]).migrate()[0])")
    procs = [subprocess.Popen([sys.executable, "-c", code, blank_url], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(3)]
    outputs = [p.communicate(timeout=60) for p in procs]
    assert all(p.returncode == 0 for p in procs), outputs
    migrated = [out.strip().split(" (")[0] for out, _ in outputs]
    assert migrated.count(f"migrated the schema from version 0 to {schema.VERSION}") == 1
    assert version(blank_url) == schema.VERSION


def test_a_version_1_database_keeps_its_tasks_and_leases_and_fences_from_version_2(blank_url):
    with psycopg.connect(blank_url, autocommit=True) as conn, conn.transaction():
        conn.execute(schema.MIGRATIONS[0])
        conn.execute("UPDATE smallclaw.schema_version SET version = 1")
    old = Task(id="t1", title="t", goal="g", status="running", lease=Lease("far:1:a", time.time() + 60))
    doc = unstructure(old)
    del doc["lease_epoch"], doc["lease"]["epoch"]  # a document from before leases had epochs
    with psycopg.connect(blank_url, autocommit=True) as conn:
        conn.execute("INSERT INTO smallclaw.tasks (id, status, created_at, updated_at, lease_owner, lease_host, "
                     "lease_expires, doc) VALUES ('t1', 'running', 1, 1, 'far:1:a', 'far', %s, %s::jsonb)",
                     (old.lease.expires, json.dumps(doc)))
        conn.execute("SELECT smallclaw.append_entry('t1', 'note', 1, NULL, NULL, '{}', 'far:1', true)")
    store = PostgresTaskStore(blank_url, host="here")
    assert store.migrate() == [f"migrated the schema from version 1 to {schema.VERSION}"]
    held = store.get("t1").lease
    assert held.owner == "far:1:a" and held.epoch == 0  # the lease taken before version 2 still holds
    assert store.append("t1", JournalEntry(kind="note"), lease=held).seq == 2
    store.update("t1", lambda t: t.take_lease("near:1:b", time.time() + 60))  # a takeover
    with pytest.raises(LeaseLost, match="near:1:b holds lease 1"):
        store.append("t1", JournalEntry(kind="note"), lease=held)
    assert [e.seq for e in store.journal("t1")] == [1, 2]
    store.close()


def test_a_copy_cached_late_by_another_thread_is_never_taken_for_the_current_task(postgres_url):
    """The lease keeper renews from a thread of its own: a thread that cached an older version
    late (between another read's question and its answer) must not make that read stale, or an
    update would write over what was written since."""
    store = PostgresTaskStore(postgres_url, host="here")
    store.create(Task(id="t1", title="t", goal="g", status="running"))
    old = store.get("t1")
    store.update("t1", lambda t: setattr(t, "rounds", 1))  # version 2, cached
    store._keep("t1", 1, old)  # a late cache of version 1 is not taken over version 2
    assert store._cached_version("t1") == 2
    asked = store._cached_version

    def late(task_id: str) -> int:
        version = asked(task_id)
        with store._cache_lock:
            store._cache[task_id] = (1, old)  # replaced as the question goes out
        return version

    store._cached_version = late
    assert store.get("t1").rounds == 1
    store.update("t1", lambda t: setattr(t, "rounds", t.rounds + 1))
    assert [t.rounds for t in store.list()] == [2]
    del store._cached_version
    assert store.get("t1").rounds == 2 and store._cached_version("t1") == 3
    store.close()


def test_smallclaw_store_migrate_and_describe_never_show_the_password(blank_url, tmp_path):
    url = blank_url.replace("postgres@", "postgres:s3cret@")  # trust auth ignores it
    env = {**os.environ, "SMALLCLAW_HOME": str(tmp_path), "SMALLCLAW_STORE_URL": url}
    done = subprocess.run([sys.executable, "-m", "smallclaw_core.cli", "store", "migrate"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert f"migrated the schema from version 0 to {schema.VERSION}" in done.stdout
    assert "PostgreSQL at postgres@127.0.0.1:" in done.stdout and "s3cret" not in done.stdout + done.stderr
    assert describe_url("postgresql://u:pw@db.lan:6543/tasks") == "u@db.lan:6543/tasks"


def test_an_unreachable_server_is_one_clear_line(tmp_path):
    from smallclaw_postgres.testing import free_port

    env = {**os.environ, "SMALLCLAW_HOME": str(tmp_path),
           "SMALLCLAW_STORE_URL": f"postgresql://nobody:pw@127.0.0.1:{free_port()}/none"}
    done = subprocess.run([sys.executable, "-m", "smallclaw_core.cli", "task", "list"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.startswith("smallclaw: cannot reach the task store at nobody@127.0.0.1:")
    assert "Traceback" not in done.stderr and "pw" not in done.stderr


def test_an_unknown_scheme_names_the_stores_installed(tmp_path, monkeypatch):
    monkeypatch.setenv("SMALLCLAW_STORE_URL", "mysql://db/x")
    from smallclaw_core import ConfigError

    with pytest.raises(ConfigError, match="no task store handles mysql:// URLs; stores installed: file, postgres"):
        App.load(tmp_path, only=["postgres"])


def test_notifications_parse():
    assert parse("t abc 1716200000.123").updated_at == 1716200000.123
    assert parse("j abc 7").seq == 7 and parse("d abc").deleted
    assert parse("x y") is None and parse("j abc notanumber") is None


def test_the_feed_comes_back_after_its_connection_is_cut_and_says_to_look_again(postgres_url):
    store = PostgresTaskStore(postgres_url, host="here")
    writer = PostgresTaskStore(postgres_url, host="there")
    writer.create(Task(id="t1", title="t", goal="g"))

    async def follow() -> list:
        results = []
        async with store.watch(0.3) as feed:
            writer.append("t1", JournalEntry(kind="note"))
            results.append(await feed.wait())
            with psycopg.connect(postgres_url, autocommit=True) as conn:  # cut the LISTEN connection
                conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                             "WHERE query LIKE 'LISTEN%%' AND pid <> pg_backend_pid()")
            writer.append("t1", JournalEntry(kind="note"))  # sent while nobody listens
            for _ in range(5):
                got = await feed.wait()
                results.append(got)
                if got is None:
                    break
            writer.append("t1", JournalEntry(kind="note"))
            results.append(await feed.wait())
        return results

    results = anyio.run(follow)
    assert [(c.task_id, c.seq) for c in results[0]] == [("t1", 1)]
    assert None in results[1:-1]  # the lost notification: look at everything
    assert [(c.task_id, c.seq) for c in results[-1]] == [("t1", 3)]


def test_doctor_checks_the_connection_the_schema_and_the_clocks(postgres_url, tmp_path):
    app = App.load(tmp_path, only=["postgres", "runner"], overrides={"store": {"url": postgres_url},
                                                                      "workspace": {"host": "here"}})
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("INSERT INTO smallclaw.hosts (host, clock_offset) VALUES ('near', 0.4)")
    checks = {c.what: c for c in store_checks(app)}
    assert checks["connection"].ok and "PostgreSQL 1" in checks["connection"].detail
    assert checks["schema"].ok and checks["schema"].detail == f"version {schema.VERSION}"
    assert checks["clock skew"].ok and not checks["clock skew"].warning
    assert "near +0.400 s" in checks["clock skew"].detail
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("INSERT INTO smallclaw.hosts (host, clock_offset) VALUES ('far', 25.0)")
    skew = {c.what: c for c in store_checks(app)}["clock skew"]
    assert not skew.ok and "more than a third of [runner] lease_seconds" in skew.detail
    file_app = App.load(tmp_path / "other", only=["postgres"])
    assert [c.ok for c in store_checks(file_app)] == [True]
