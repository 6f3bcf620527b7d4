"""Shared fixtures: a fresh data directory and an app with a scripted model."""

from __future__ import annotations


import pytest

from smallclaw_core import beneath
from smallclaw_core.app import App
from smallclaw_core.testing import ScriptedModel, ScriptedModelPlugin


@pytest.fixture
def home(tmp_path, monkeypatch):
    path = tmp_path / ".localclaw"
    monkeypatch.setenv("SMALLCLAW_HOME", str(path))
    monkeypatch.delenv("SMALLCLAW_PLUGINS", raising=False)
    return path


FAST_RUNNER = {"transport_backoff": 0.01, "transport_backoff_cap": 0.05, "poll_interval": 0.05}


@pytest.fixture
def make_app(home):
    """Build an app whose models are a ScriptedModel (a test double); returns (app, model)."""
    made = []

    def build(model: ScriptedModel | None = None, *, plugins=(), only=None, **sections):
        model = model or ScriptedModel()
        overrides = {"models": {"executor": "scripted:test"}, "runner": dict(FAST_RUNNER),
                     "store": {"durable": False}}
        for name, values in sections.items():
            overrides.setdefault(name, {}).update(values)
        app = App.load(home, extra_plugins=[ScriptedModelPlugin(model), *plugins], only=only, overrides=overrides)
        made.append(app)
        return app, model

    yield build


@pytest.fixture(params=["openat2", "walk"])
def resolver(request, monkeypatch):
    """Each workspace test once with openat2 (where the kernel has it) and once with the component walk."""
    if request.param == "walk":
        monkeypatch.setattr(beneath, "_openat2", lambda: None)
    elif not beneath.kernel_resolves_beneath():
        pytest.skip("this kernel has no openat2")
    return request.param


@pytest.fixture
def note_sender():
    """A tool that acts outside the workspace (side effects, not ``confined``): it "sends" a note by
    appending it to ``sent`` (a test double). Returns (the tool, sent)."""
    from smallclaw_core.tools import tool

    sent: list[str] = []

    @tool(side_effects=True)
    def send_note(text: str) -> str:
        """Send a note to the team.

        Args:
            text: the note
        """
        sent.append(text)
        return "sent"

    return send_note, sent
