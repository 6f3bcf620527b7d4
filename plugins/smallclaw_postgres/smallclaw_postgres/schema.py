"""The tables in the ``smallclaw`` schema, and the migrations that make them: one SQL script per version.

A task is its document as ``jsonb`` plus the columns the queue reads without parsing it
(status, lease and its epoch, host, deliveries owed, version); the journal is one row per
entry, numbered per task by ``append_entry`` under the task row's lock (and refused there
when the runner's lease is no longer the task's: version 2); sessions are one row per
record. Triggers announce every task write, deletion and journal entry on the channel
``smallclaw`` (``t <id> <updated_at>``, ``d <id>``, ``j <id> <seq>``), which gateways and
runners on every machine LISTEN to.

Every process that opens the store checks the version at its first connection: an older
schema is migrated (``smallclaw store migrate`` does it by hand), a newer one refused. Two
machines starting at once migrate one after the other: the migration holds a transaction
advisory lock, as migration tools do.
"""

from __future__ import annotations

import psycopg

from .database import StoreUnavailable

CHANNEL = "smallclaw"
#: the transaction advisory lock migrations hold ("smallclaw" as a number)
MIGRATION_LOCK = 0x736D616C6C636C6177 % (2**63)

V1 = """
CREATE SCHEMA IF NOT EXISTS smallclaw;

CREATE TABLE smallclaw.schema_version (version integer NOT NULL);
INSERT INTO smallclaw.schema_version VALUES (0);

CREATE TABLE smallclaw.tasks (
    id text PRIMARY KEY,
    status text NOT NULL,
    created_at double precision NOT NULL,
    updated_at double precision NOT NULL,
    -- the lease: who runs (or delivers) the task until when; lease_host is the owner's host
    lease_owner text,
    lease_host text,
    lease_expires double precision,
    -- the runner host whose workspace holds the task's files
    host text,
    -- deliveries owed to the user
    owed integer NOT NULL DEFAULT 0,
    -- the document's version, one more at every write
    version bigint NOT NULL DEFAULT 1,
    -- the journal's last seq
    last_seq bigint NOT NULL DEFAULT 0,
    doc jsonb NOT NULL
);
CREATE INDEX tasks_by_age ON smallclaw.tasks (created_at, id);
CREATE INDEX tasks_to_run ON smallclaw.tasks (created_at, id) WHERE status IN ('queued', 'running');
CREATE INDEX tasks_owing ON smallclaw.tasks (created_at, id) WHERE owed > 0;

CREATE TABLE smallclaw.journal (
    task_id text NOT NULL REFERENCES smallclaw.tasks (id) ON DELETE CASCADE,
    seq bigint NOT NULL,
    kind text NOT NULL,
    ts double precision NOT NULL,
    step integer,
    round integer,
    data jsonb NOT NULL,
    -- host:pid of the process that appended the entry
    writer text NOT NULL,
    PRIMARY KEY (task_id, seq)
);

CREATE TABLE smallclaw.sessions (
    id bigserial PRIMARY KEY,
    key text NOT NULL,
    at double precision NOT NULL,
    record jsonb NOT NULL
);
CREATE INDEX sessions_by_key ON smallclaw.sessions (key, id);

-- each host's clock against the database's, for doctor
CREATE TABLE smallclaw.hosts (
    host text PRIMARY KEY,
    clock_offset double precision NOT NULL,
    seen_at timestamptz NOT NULL DEFAULT now()
);

-- moves at every task write or deletion: the store's change stamp
CREATE SEQUENCE smallclaw.changes;

CREATE FUNCTION smallclaw.task_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM nextval('smallclaw.changes');
    IF TG_OP = 'DELETE' THEN
        PERFORM pg_notify('smallclaw', 'd ' || OLD.id);
        RETURN OLD;
    END IF;
    PERFORM pg_notify('smallclaw', 't ' || NEW.id || ' ' || NEW.updated_at::text);
    RETURN NEW;
END $$;

CREATE TRIGGER task_written AFTER INSERT OR DELETE ON smallclaw.tasks
    FOR EACH ROW EXECUTE FUNCTION smallclaw.task_changed();
-- a journal append moves last_seq, not the version: that is announced by the entry itself
CREATE TRIGGER task_updated AFTER UPDATE ON smallclaw.tasks
    FOR EACH ROW WHEN (OLD.version IS DISTINCT FROM NEW.version) EXECUTE FUNCTION smallclaw.task_changed();

CREATE FUNCTION smallclaw.entry_appended() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('smallclaw', 'j ' || NEW.task_id || ' ' || NEW.seq::text);
    RETURN NEW;
END $$;

CREATE TRIGGER entry_appended AFTER INSERT ON smallclaw.journal
    FOR EACH ROW EXECUTE FUNCTION smallclaw.entry_appended();

-- one round trip an entry: the next seq under the task row's lock, the row, and (for a
-- record nothing depends on) a commit that does not wait for the disk
CREATE FUNCTION smallclaw.append_entry(p_task text, p_kind text, p_ts double precision, p_step integer,
                                       p_round integer, p_data jsonb, p_writer text, p_durable boolean)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    next_seq bigint;
BEGIN
    IF NOT p_durable THEN
        PERFORM set_config('synchronous_commit', 'off', true);
    END IF;
    UPDATE smallclaw.tasks SET last_seq = last_seq + 1 WHERE id = p_task RETURNING last_seq INTO next_seq;
    IF next_seq IS NULL THEN
        RAISE EXCEPTION 'no task %', p_task USING ERRCODE = 'no_data_found';
    END IF;
    INSERT INTO smallclaw.journal VALUES (p_task, next_seq, p_kind, p_ts, p_step, p_round, p_data, p_writer);
    RETURN next_seq;
END $$;
"""

V2 = """
-- fencing: the epoch of the task's lease (every acquire or takeover takes the next one); a
-- runner's writes name the lease they are made under, and are refused unless it is this one
ALTER TABLE smallclaw.tasks ADD COLUMN lease_epoch bigint NOT NULL DEFAULT 0;

DROP FUNCTION smallclaw.append_entry(text, text, double precision, integer, integer, jsonb, text, boolean);

-- as in version 1, and with p_owner (a runner's entry) the task's lease must be p_owner's
-- epoch p_epoch (or that lease let go, with none given since: the entries that follow the
-- write that stopped the task), or the entry is refused (SQLSTATE SC001)
CREATE FUNCTION smallclaw.append_entry(p_task text, p_kind text, p_ts double precision, p_step integer,
                                       p_round integer, p_data jsonb, p_writer text, p_durable boolean,
                                       p_owner text, p_epoch bigint)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    next_seq bigint;
BEGIN
    IF NOT p_durable THEN
        PERFORM set_config('synchronous_commit', 'off', true);
    END IF;
    UPDATE smallclaw.tasks SET last_seq = last_seq + 1
    WHERE id = p_task AND (p_owner IS NULL OR (lease_epoch = p_epoch AND (lease_owner = p_owner OR lease_owner IS NULL)))
    RETURNING last_seq INTO next_seq;
    IF next_seq IS NULL THEN
        IF NOT EXISTS (SELECT 1 FROM smallclaw.tasks WHERE id = p_task) THEN
            RAISE EXCEPTION 'no task %', p_task USING ERRCODE = 'no_data_found';
        END IF;
        RAISE EXCEPTION 'task %: lease % of % is no longer the task''s', p_task, p_epoch, p_owner
            USING ERRCODE = 'SC001';
    END IF;
    INSERT INTO smallclaw.journal VALUES (p_task, next_seq, p_kind, p_ts, p_step, p_round, p_data, p_writer);
    RETURN next_seq;
END $$;
"""

#: the script that brings version N-1 to N is MIGRATIONS[N - 1]
MIGRATIONS: list[str] = [V1, V2]
VERSION = len(MIGRATIONS)


def version_of(conn: psycopg.Connection) -> int:
    """The schema's version in this database, 0 when there is none."""
    row = conn.execute("SELECT to_regclass('smallclaw.schema_version') IS NOT NULL").fetchone()
    if not row or not row[0]:
        return 0
    found = conn.execute("SELECT version FROM smallclaw.schema_version").fetchone()
    return int(found[0]) if found else 0


def migrate(conn: psycopg.Connection) -> list[str]:
    """Bring the schema up to ``VERSION``; what was done, in words. A newer schema is refused."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
        found = version_of(conn)
        refuse_newer(found)
        for number in range(found + 1, VERSION + 1):
            conn.execute(MIGRATIONS[number - 1])
            conn.execute("UPDATE smallclaw.schema_version SET version = %s", (number,))
    if found == VERSION:
        return [f"the schema is up to date (version {VERSION})"]
    return [f"migrated the schema from version {found} to {VERSION}"]


def refuse_newer(found: int) -> None:
    if found > VERSION:
        raise StoreUnavailable(f"the task store's schema is version {found}, newer than this smallclaw-postgres "
                               f"knows ({VERSION}); upgrade smallclaw-postgres on this machine")


def ensure(conn: psycopg.Connection) -> None:
    """At a process's first connection: migrate an older schema, refuse a newer one."""
    found = version_of(conn)
    refuse_newer(found)
    if found < VERSION:
        migrate(conn)
