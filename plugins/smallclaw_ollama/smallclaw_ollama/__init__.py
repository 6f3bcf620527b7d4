"""SmallClaw plugin: the ``ollama`` model backend (Ollama's native ``/api/chat``).

Configured by the ``[ollama]`` section; used for ``[models]`` entries such as
``ollama:qwen3:4b``, and chosen automatically when Ollama is reachable and has a model.
The backend itself lives in ``smallclaw_ollama.backend`` so that loading the plugin
does not import httpx.
"""

from __future__ import annotations

import attrs

from smallclaw_core import above, hookimpl


@attrs.define
class OllamaConfig:
    """The ``[ollama]`` section."""

    #: where Ollama listens; empty means $OLLAMA_HOST, else http://127.0.0.1:11434
    base_url: str = ""
    #: how long Ollama keeps the model loaded after a call ("5m", "1h", "-1" for ever);
    #: empty leaves Ollama's default
    keep_alive: str = ""
    #: ask thinking models to think (true) or not (false); unset leaves the model's default
    think: bool | None = None
    #: seconds to wait for a connection before calling Ollama unreachable
    connect_timeout: float = attrs.field(default=5.0, validator=above(0))


@hookimpl
def register_config_sections(register):
    register("ollama", OllamaConfig)


@hookimpl
def register_backends(register):
    register("ollama", _factory)


def _factory(app):
    from .backend import OllamaBackend

    return OllamaBackend.from_app(app)


# the automatic choice reads the priority from the registered factory before the
# backend is built: lower is tried first, and a reachable Ollama beats the embedded model
_factory.priority = 10
