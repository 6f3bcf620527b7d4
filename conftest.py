"""Fixtures for every test, the core's and the plugins'."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(autouse=True, scope="session")
def no_pulled_models(tmp_path_factory):
    """An empty models directory: models the developer pulled must not change what tests choose."""
    saved = os.environ.get("SMALLCLAW_MODELS_DIR")
    os.environ["SMALLCLAW_MODELS_DIR"] = str(tmp_path_factory.mktemp("pulled-models"))
    yield
    if saved is None:
        os.environ.pop("SMALLCLAW_MODELS_DIR", None)
    else:
        os.environ["SMALLCLAW_MODELS_DIR"] = saved


# --- a real PostgreSQL server for the store contract tests ----------------------------

_databases = iter(range(1, 1_000_000))


@pytest.fixture(scope="session")
def postgres_server():
    """One throwaway PostgreSQL server for the whole run (a real server: initdb, pg_ctl), with a
    template database whose schema is in place; skipped only when PostgreSQL cannot run here."""
    try:
        from smallclaw_postgres.tasks import PostgresTaskStore
        from smallclaw_postgres.testing import TemporaryPostgres, unavailable
    except ImportError:
        pytest.skip("the smallclaw-postgres plugin is not installed (pip install -e plugins/smallclaw_postgres)")
    reason = unavailable()
    if reason:
        pytest.skip(reason)
    server = TemporaryPostgres().start()
    try:
        store = PostgresTaskStore(server.create_database("smallclaw_template"))
        store.migrate()
        store.close()
        yield server
    finally:
        server.stop()


@pytest.fixture
def postgres_url(postgres_server):
    """A fresh database with the schema in place, dropped after the test."""
    import psycopg

    name = f"test_{next(_databases)}"
    url = postgres_server.create_database(name, template="smallclaw_template")
    yield url
    with psycopg.connect(postgres_server.url(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture(params=["file", "postgres"])
def store_url(request):
    """Each store in turn: "" (the file store) and a fresh PostgreSQL database."""
    if request.param == "file":
        return ""
    return request.getfixturevalue("postgres_url")
