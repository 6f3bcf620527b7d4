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
