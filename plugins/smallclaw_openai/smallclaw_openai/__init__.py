"""SmallClaw plugin: the ``openai`` backend, for OpenAI-compatible servers.

llama.cpp's server, llama-cpp-python's server, LM Studio, vLLM and Ollama's ``/v1`` all
speak ``POST /v1/chat/completions``. Configured by ``[openai]``, or, like the rest of the
ecosystem, by ``$OPENAI_BASE_URL`` and ``$OPENAI_API_KEY`` where ``[openai]`` leaves them
empty; used for ``[models]`` entries such as ``openai:local-model``. The backend lives in ``smallclaw_openai.backend``
so that loading the plugin does not import httpx.
"""

from __future__ import annotations

import attrs

from smallclaw_core import above, hookimpl, one_of


@attrs.define
class OpenAIConfig:
    """The ``[openai]`` section."""

    #: the server's address, with or without the trailing /v1; empty means
    #: $OPENAI_BASE_URL, else http://127.0.0.1:8080 (a local llama.cpp server)
    base_url: str = ""
    #: sent as "Authorization: Bearer ..." when set; empty means $OPENAI_API_KEY, if set
    #: (local servers usually need none)
    api_key: str = ""
    #: seconds to wait for a connection and for short requests (the model list);
    #: a chat call is bounded by [models] timeout
    timeout: float = attrs.field(default=10.0, validator=above(0))
    #: whether the server does native tool calls; false makes SmallClaw use its JSON
    #: tool protocol (right for servers that ignore "tools", like llama-cpp-python's
    #: default chat formats)
    native_tools: bool = True
    #: how to ask for JSON that fits a schema: "json_schema" (OpenAI, llama.cpp, vLLM,
    #: LM Studio), "json_object" (llama-cpp-python's server), or "auto": the first,
    #: then the second if the server rejects it
    schema_style: str = attrs.field(default="auto", validator=one_of("auto", "json_schema", "json_object"))


@hookimpl
def register_config_sections(register):
    register("openai", OpenAIConfig)


@hookimpl
def register_backends(register):
    register("openai", _factory)


def _factory(app):
    from .backend import OpenAIBackend

    return OpenAIBackend.from_app(app)


# after Ollama, before the embedded model
_factory.priority = 30
