"""SmallClaw plugin: tasks, journals and sessions in PostgreSQL, shared by runners and gateways on several machines.

Chosen with ``[store] url = "postgresql://user@host/db"`` (or ``$SMALLCLAW_STORE_URL``).

    database.py  connections: a small pool of synchronous ones, the URL without its password
    schema.py    the tables, triggers and functions, and their migrations
    tasks.py     the task store: documents, claims with SKIP LOCKED, the journal
    sessions.py  the session store
    feed.py      the change feed: LISTEN/NOTIFY
    clocks.py    each host's clock against the database's
    doctor.py    the connection, the schema version and the clock skew, for ``smallclaw doctor``
    testing.py   a throwaway PostgreSQL server for tests and benchmarks
"""

from __future__ import annotations

from typing import Any

from smallclaw_core import hookimpl


def open_store(app: Any, url: str) -> tuple[Any, Any]:
    """The task and session stores at ``url``; nothing connects before the first call."""
    from .sessions import PostgresSessionStore
    from .tasks import PostgresTaskStore

    tasks = PostgresTaskStore(url, durable=app.config.store.durable, host=app.host)
    return tasks, PostgresSessionStore(tasks.db)


@hookimpl
def register_stores(register):
    register("postgresql", open_store)
    register("postgres", open_store)


@hookimpl
def register_doctor_checks(register):
    from .doctor import store_checks

    register("postgres", store_checks)
