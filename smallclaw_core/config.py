"""Configuration: ``config.toml`` in the data directory, read into attrs classes.

The data directory is found by ``paths.data_dir`` (``--home``, ``$SMALLCLAW_HOME``, the
nearest ``.localclaw``, else the user's data directory). Every core section is an attrs
class below; plugins declare their own sections through the
``register_config_sections`` hook. An unknown key or a wrong type is an error that
names the file, the key and what was expected.
"""

from __future__ import annotations

import tomllib
import types
import typing
from pathlib import Path
from typing import Any

import attrs
import cattrs
import tomli_w

from .errors import ConfigError
from .paths import data_dir  # noqa: F401  (re-exported: where the config file lives)

CONFIG_FILE = "config.toml"


@attrs.define
class PluginsConfig:
    #: entry-point names of plugins not to load
    disabled: list[str] = attrs.field(factory=list)


@attrs.define
class ModelsConfig:
    """A model per role, as ``backend:model``; empty means "choose automatically"."""

    executor: str = ""
    planner: str = ""
    verifier: str = ""
    summarizer: str = ""
    #: how tools are offered: "auto" (native where supported), "native", or "json"
    tool_protocol: str = "auto"
    num_ctx: int = 8192
    temperature: float = 0.3
    #: seconds a single model call may take
    timeout: float = 120.0
    #: where `smallclaw models pull` downloads from; empty means $HF_ENDPOINT, else
    #: https://huggingface.co
    hub_endpoint: str = ""


@attrs.define
class ChatConfig:
    """``[chat]``: chat sessions (the board's chat, the terminal chat, Telegram)."""

    #: tool calls one answer may make
    max_tool_calls: int = 12
    #: characters of one tool output kept in the conversation (head and tail)
    tool_output_limit: int = 4000


@attrs.define
class GatewayConfig:
    host: str = "127.0.0.1"
    port: int = 8765
    #: extra origins allowed to change state (the board's own origin always is)
    allowed_origins: list[str] = attrs.field(factory=list)
    allowed_hosts: list[str] = attrs.field(factory=list)
    ping_interval: float = 15.0
    event_buffer: int = 2000


@attrs.define
class StoreConfig:
    #: fsync every write; turn off only for throwaway data
    durable: bool = True
    #: where tasks, journals and sessions live: empty for files in the data directory, or a
    #: URL a store plugin handles (``postgresql://host/db``); $SMALLCLAW_STORE_URL overrides it
    url: str = ""


@attrs.define
class WorkspaceConfig:
    #: where tools work; empty means ``workspace/`` beside a project's ``.localclaw``, or
    #: ``workspace/`` inside any other data directory (the user's data directory, $SMALLCLAW_HOME)
    root: str = ""
    #: one subdirectory per task
    per_task: bool = True
    #: the name this machine's runners go by in a shared store; empty: its host name
    host: str = ""
    #: the root is shared storage every runner host sees, so a task may move to another host;
    #: otherwise a task stays on the host that started it
    shared: bool = False


CORE_SECTIONS: dict[str, type] = {
    "plugins": PluginsConfig,
    "models": ModelsConfig,
    "chat": ChatConfig,
    "gateway": GatewayConfig,
    "store": StoreConfig,
    "workspace": WorkspaceConfig,
}


@attrs.define
class Config:
    path: Path
    sections: dict[str, Any] = attrs.field(factory=dict)
    #: sections present in the file that no loaded plugin claims
    unclaimed: list[str] = attrs.field(factory=list)

    def section(self, name: str) -> Any:
        return self.sections[name]

    def __getattr__(self, name: str) -> Any:
        # any section by name, a plugin's too: ``config.runner`` when the runner is loaded
        try:
            return self.sections[name]
        except KeyError:
            raise AttributeError(f"no configuration section [{name}] is loaded") from None

    @property
    def models(self) -> ModelsConfig:
        return self.sections["models"]

    @property
    def chat(self) -> ChatConfig:
        return self.sections["chat"]

    @property
    def gateway(self) -> GatewayConfig:
        return self.sections["gateway"]

    @property
    def plugins(self) -> PluginsConfig:
        return self.sections["plugins"]

    @property
    def workspace(self) -> WorkspaceConfig:
        return self.sections["workspace"]

    @property
    def store(self) -> StoreConfig:
        return self.sections["store"]


_converter = cattrs.Converter(forbid_extra_keys=True)


def _type_name(tp: Any) -> str:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_type_name(a) for a in typing.get_args(tp))
    if origin is list:
        (item,) = typing.get_args(tp) or (Any,)
        plural = {str: "strings", int: "integers", float: "numbers", bool: "booleans"}
        return f"a list of {plural.get(item, _type_name(item))}"
    if origin is dict:
        return "a table"
    return {str: "a string", int: "an integer", float: "a number", bool: "true or false",
            type(None): "nothing"}.get(tp, getattr(tp, "__name__", str(tp)))


def _fits(value: Any, tp: Any) -> bool:
    origin = typing.get_origin(tp)
    if tp is Any:
        return True
    if origin in (typing.Union, types.UnionType):
        return any(_fits(value, a) for a in typing.get_args(tp))
    if origin is list:
        (item,) = typing.get_args(tp) or (Any,)
        return isinstance(value, list) and all(_fits(v, item) for v in value)
    if origin is dict or tp is dict:
        return isinstance(value, dict)
    if tp is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if tp is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if tp is type(None):
        return value is None
    if isinstance(tp, type):
        return isinstance(value, tp)
    return True


def structure_section(path: Path, name: str, table: Any, cls: type) -> Any:
    """Check a table key by key against ``cls``, then structure it."""
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [{name}] must be a table, not {type(table).__name__}")
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in attrs.fields(cls)}
    for key, value in table.items():
        if key not in fields:
            known = ", ".join(fields) or "none"
            raise ConfigError(f"{path}: unknown key {name}.{key} (known keys in [{name}]: {known})")
        tp = hints.get(key, Any)
        if not _fits(value, tp):
            raise ConfigError(
                f"{path}: {name}.{key} should be {_type_name(tp)}, got {value!r}"
            )
    try:
        return _converter.structure(table, cls)
    except Exception as exc:
        detail = "; ".join(cattrs.transform_error(exc, format_exception=_explain)) \
            if isinstance(exc, cattrs.BaseValidationError) else str(exc)
        raise ConfigError(f"{path}: [{name}]: {detail}") from exc


def _explain(exc: BaseException, type_: Any) -> str:
    # attrs validators say what was expected in their own message; show it as it is
    if isinstance(exc, (ValueError, TypeError)) and exc.args and isinstance(exc.args[0], str):
        return exc.args[0].split("\n")[0]
    return cattrs.v.format_exception(exc, type_)


def read_raw(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        return {}
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read it: {exc}") from exc


def load_config(path: Path, plugin_sections: dict[str, type] | None = None,
                raw: dict[str, Any] | None = None) -> Config:
    raw = read_raw(path) if raw is None else raw
    known = {**CORE_SECTIONS, **(plugin_sections or {})}
    config = Config(path=path)
    for name, value in raw.items():
        if name not in known:
            if not isinstance(value, dict):
                raise ConfigError(f"{path}: unknown key {name!r} at the top level (expected a [section])")
            config.unclaimed.append(name)
    for name, cls in known.items():
        config.sections[name] = structure_section(path, name, raw.get(name, {}), cls)
    return config


def default_document(plugin_sections: dict[str, type] | None = None) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    for name, cls in {**CORE_SECTIONS, **(plugin_sections or {})}.items():
        doc[name] = {k: v for k, v in _converter.unstructure(cls()).items() if v is not None}
    return doc


def write_default(path: Path, plugin_sections: dict[str, type] | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    header = (
        "# SmallClaw configuration. Every key is shown with its default.\n"
        "# [models] names a model per role as backend:model, e.g. \"ollama:qwen3:4b\" or\n"
        "# \"llamacpp:default\"; empty means: Ollama when reachable, else the embedded model.\n\n"
    )
    path.write_text(header + tomli_w.dumps(default_document(plugin_sections)))
