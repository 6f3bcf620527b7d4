"""Configuration: ``config.toml`` in the data directory, read into attrs classes.

The data directory is found by ``paths.data_dir`` (``--home``, ``$SMALLCLAW_HOME``, the
nearest ``.localclaw``, else the user's data directory). Every core section is an attrs
class below; plugins declare their own sections through the
``register_config_sections`` hook. An unknown key, a wrong type or a value out of its
range (``at_least``, ``above``, ``between``, ``one_of``: attrs validators that say what
they expect) is an error that names the file, the key and what was expected.
"""

from __future__ import annotations

import os
import tomllib
import types
import typing
from pathlib import Path
from typing import Any, Callable

import attrs
import cattrs
import tomli_w

from .errors import ConfigError
from .paths import PRIVATE_FILE_MODE, private_dir
from .paths import data_dir  # noqa: F401  (re-exported: where the config file lives)

CONFIG_FILE = "config.toml"


# --- what a value may be ----------------------------------------------------------------


class ValueOutOfRange(ValueError):
    """A config value of the right type that makes no sense (a negative timeout)."""

    def __init__(self, key: str, expected: str, value: Any):
        self.key = key
        self.expected = expected
        self.value = value
        super().__init__(f"{key} should be {expected}, got {value!r}")


@attrs.frozen
class Expect:
    """An attrs validator that says in words what a value should be (``field(validator=at_least(1))``)."""

    accepts: Callable[[Any], bool]
    expected: str

    def __call__(self, instance: Any, attribute: Any, value: Any) -> None:
        if not self.accepts(value):
            raise ValueOutOfRange(attribute.name, self.expected, value)


def at_least(low: float) -> Expect:
    """A number of ``low`` or more: counts, and durations where 0 means "none"."""
    return Expect(lambda v: v >= low, f"at least {low}")


def above(low: float) -> Expect:
    """A number above ``low``: timeouts and intervals, where 0 would mean "never" or "always"."""
    return Expect(lambda v: v > low, f"above {low}")


def between(low: float, high: float) -> Expect:
    """A number from ``low`` to ``high``, both included (a port)."""
    return Expect(lambda v: low <= v <= high, f"from {low} to {high}")


def one_of(*choices: str) -> Expect:
    """One of a few words."""
    return Expect(lambda v: v in choices, "one of " + ", ".join(f'"{c}"' for c in choices))


# --- the core sections ------------------------------------------------------------------


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
    tool_protocol: str = attrs.field(default="auto", validator=one_of("auto", "native", "json"))
    num_ctx: int = attrs.field(default=8192, validator=at_least(256))
    temperature: float = attrs.field(default=0.3, validator=at_least(0))
    #: seconds a single model call may take
    timeout: float = attrs.field(default=120.0, validator=above(0))
    #: where `smallclaw models pull` downloads from; empty means $HF_ENDPOINT, else
    #: https://huggingface.co
    hub_endpoint: str = ""


@attrs.define
class ChatConfig:
    """``[chat]``: chat sessions (the board's chat, the terminal chat, Telegram)."""

    #: tool calls one answer may make
    max_tool_calls: int = attrs.field(default=12, validator=at_least(1))
    #: characters of one tool output kept in the conversation (head and tail)
    tool_output_limit: int = attrs.field(default=4000, validator=at_least(100))


@attrs.define
class GatewayConfig:
    host: str = "127.0.0.1"
    #: 0: any free port (tests)
    port: int = attrs.field(default=8765, validator=between(0, 65535))
    #: extra origins allowed to change state (the board's own origin always is)
    allowed_origins: list[str] = attrs.field(factory=list)
    allowed_hosts: list[str] = attrs.field(factory=list)
    ping_interval: float = attrs.field(default=15.0, validator=above(0))
    event_buffer: int = attrs.field(default=2000, validator=at_least(1))


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
    #: bytes of a file kept when a step changes or removes it, so the step can be undone; a larger
    #: file is named "too large to keep" (it is still diffed by name and size, and hashed)
    keep_bytes: int = attrs.field(default=4 * 2**20, validator=at_least(0))
    #: characters of unified diff journaled for one step's change (the rest is cut, and says so)
    diff_bytes: int = attrs.field(default=64 * 1024, validator=at_least(0))
    #: folders whose contents a step's change leaves out (and an undo leaves alone)
    not_tracked: list[str] = attrs.field(factory=lambda: [
        ".git", "node_modules", "__pycache__", ".venv", "venv", ".mypy_cache", ".pytest_cache"])


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
        for leaf in _leaves(exc):
            if isinstance(leaf, ValueOutOfRange):
                given = table.get(leaf.key, leaf.value)  # as written: -1, not the -1.0 it became
                raise ConfigError(f"{path}: {name}.{leaf.key} should be {leaf.expected}, got {given!r}") from exc
        detail = "; ".join(cattrs.transform_error(exc, format_exception=_explain)) \
            if isinstance(exc, cattrs.BaseValidationError) else str(exc)
        raise ConfigError(f"{path}: [{name}]: {detail}") from exc


def _leaves(exc: BaseException) -> list[BaseException]:
    """The exceptions inside cattrs' exception groups."""
    if isinstance(exc, BaseExceptionGroup):
        return [leaf for inner in exc.exceptions for leaf in _leaves(inner)]
    return [exc]


def _explain(exc: BaseException, type_: Any) -> str:
    # attrs validators say what was expected in their own message; show it as it is
    if isinstance(exc, (ValueError, TypeError)) and exc.args and isinstance(exc.args[0], str):
        return exc.args[0].split("\n")[0]
    return cattrs.v.format_exception(exc, type_)


def read_raw(path: Path) -> dict[str, Any]:
    """The file's tables as TOML gives them; a missing file is an empty one."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read it: {exc.strerror or exc}") from exc
    try:
        text = data.decode("utf-8-sig")  # a byte order mark, as some editors write, is harmless
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        hint = " (it looks like UTF-16)" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ""
        raise ConfigError(f"{path}: not UTF-8 text{hint}: byte {exc.start} (line {line}) is "
                          f"0x{data[exc.start]:02x}; save the file as UTF-8") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc


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
    """Write ``config.toml`` with every key at its default, readable by this user only."""
    private_dir(path.parent)
    header = (
        "# SmallClaw configuration. Every key is shown with its default.\n"
        "# [models] names a model per role as backend:model, e.g. \"ollama:qwen3:4b\" or\n"
        "# \"llamacpp:default\"; empty means: Ollama when reachable, else the embedded model.\n\n"
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE_MODE)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        os.fchmod(fd, PRIVATE_FILE_MODE)  # an older file keeps its mode through O_TRUNC
        fh.write(header + tomli_w.dumps(default_document(plugin_sections)))
