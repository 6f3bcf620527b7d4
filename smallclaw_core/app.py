"""The app: one object holding the config, plugins, store, event bus and registries.

Everything that runs (the CLI, the runner, the gateway, tests) builds one with
``App.load()``; nothing is created at import time.
"""

from __future__ import annotations

import logging
import os
from functools import cached_property
from pathlib import Path
from typing import Any, Iterable

import attrs

from .config import Config, load_config, read_raw, CONFIG_FILE
from .errors import ConfigError, SmallClawError
from .events import Event, EventBus
from .logs import TimedBackend, log_task_event
from .models import Backend
from .plugins import PluginHost, Registry, create_plugin_manager
from .sessions import SessionStore
from .paths import data_dir, is_project_dir, tighten
from .storage import open_store, this_host
from .store import TaskStore

log = logging.getLogger("smallclaw")

ROLES = ("executor", "planner", "verifier", "summarizer")


@attrs.define
class ModelRef:
    """A model chosen for a role: the backend object and the model name it knows."""

    backend_name: str
    model: str
    backend: Any = None

    def __str__(self) -> str:
        return f"{self.backend_name}:{self.model}"


def parse_model_spec(spec: str) -> tuple[str, str]:
    """``ollama:qwen3:4b`` -> (``ollama``, ``qwen3:4b``); the first colon splits."""
    backend, sep, model = spec.partition(":")
    if not sep or not backend or not model:
        raise ConfigError(f"model {spec!r} should look like backend:model, e.g. ollama:qwen3:4b or llamacpp:default")
    return backend, model


class App:
    def __init__(self, home: Path, config: Config, plugins: PluginHost):
        self.home = home
        self.config = config
        self.plugins = plugins
        #: where tasks and sessions live: the file store, or the one ``[store] url`` names
        self.store, self.sessions = open_store(self, self.stores)
        self.bus = EventBus(buffer=config.gateway.event_buffer, on_publish=self._on_event)
        self._backends: dict[str, Backend] = {}
        self._chosen: dict[str, ModelRef] = {}
        self.messages: list[str] = []  # things to tell the user at start-up
        from .control import Tasks

        self.tasks = Tasks(self)

    # --- construction -----------------------------------------------------------

    @classmethod
    def load(cls, home: str | os.PathLike[str] | None = None, *, extra_plugins: Iterable[Any] = (),
             only: Iterable[str] | None = None, overrides: dict[str, dict[str, Any]] | None = None) -> "App":
        """Read the config, load the plugins, and validate every section.

        Nothing is created on disk: the data directory and its folders appear with the
        first thing written there.
        """
        root = data_dir(home)
        notice = tighten(root)  # every goal and journal is in there
        if notice:
            log.warning("%s", notice)
        path = root / CONFIG_FILE
        raw = read_raw(path)
        for section, values in (overrides or {}).items():
            raw.setdefault(section, {}).update(values)
        disabled = raw.get("plugins", {}).get("disabled", []) if isinstance(raw.get("plugins"), dict) else []
        if not isinstance(disabled, list):
            raise ConfigError(f"{path}: plugins.disabled should be a list of strings, got {disabled!r}")
        host = create_plugin_manager(disabled, only=only, extra=extra_plugins)
        sections = Registry("sections")
        host.collect("register_config_sections", sections)
        config = load_config(path, {n: sections[n] for n in sections.names()}, raw=raw)
        app = cls(root, config, host)
        for name in config.unclaimed:
            app.messages.append(f"{path}: section [{name}] is not read by any loaded plugin")
        return app

    # --- registries -------------------------------------------------------------

    @cached_property
    def stores(self) -> Registry:
        """Task stores by URL scheme: the core's ``file``, and what plugins register."""
        registry = Registry("stores")
        registry.add("smallclaw", "file", open_file_store)
        return self.plugins.collect("register_stores", registry)

    @property
    def host(self) -> str:
        """The name this machine's runners go by (``[workspace] host``, else the host name)."""
        return this_host(self)

    @cached_property
    def tools(self) -> Registry:
        return self.plugins.collect("register_tools", Registry("tools"))

    @cached_property
    def backends(self) -> Registry:
        return self.plugins.collect("register_backends", Registry("backends"))

    @cached_property
    def verifiers(self) -> Registry:
        return self.plugins.collect("register_verifiers", Registry("verifiers"))

    @cached_property
    def check_kinds(self) -> Registry:
        return self.plugins.collect("register_check_kinds", Registry("check_kinds"))

    @cached_property
    def check_derivers(self) -> Registry:
        return self.plugins.collect("register_check_derivers", Registry("check_derivers"))

    @cached_property
    def loop_detectors(self) -> Registry:
        return self.plugins.collect("register_loop_detectors", Registry("loop_detectors"))

    @cached_property
    def notifiers(self) -> Registry:
        return self.plugins.collect("register_notifiers", Registry("notifiers"), app=self)

    @cached_property
    def commands(self) -> Registry:
        return self.plugins.collect("register_commands", Registry("commands", _command_entry))

    @cached_property
    def services(self) -> Registry:
        """Long-running services by name, each a ``smallclaw_core.services.Service``."""
        from .services import service_entry

        return self.plugins.collect("register_services", Registry("services", service_entry))

    @cached_property
    def watcher(self) -> Any:
        """The ``ChangeWatcher`` that notices what other processes change in the store."""
        from .watcher import ChangeWatcher

        return ChangeWatcher(self)

    @cached_property
    def doctor_checks(self) -> Registry:
        """Checks plugins add to ``smallclaw doctor``, by name."""
        return self.plugins.collect("register_doctor_checks", Registry("doctor_checks"))

    @cached_property
    def routes(self) -> Registry:
        """Gateway route handlers from plugins, named by their paths."""
        return self.plugins.collect("register_routes", Registry("routes", _route_entry), app=self)

    def collect_all(self) -> None:
        """Run every registry hook now (``smallclaw plugins`` shows what each gave)."""
        for name in ("stores", "tools", "backends", "verifiers", "check_kinds", "check_derivers", "loop_detectors",
                     "notifiers", "commands", "services", "doctor_checks", "routes"):
            getattr(self, name)

    # --- models -----------------------------------------------------------------

    def backend(self, name: str) -> Backend:
        if name not in self._backends:
            factory = self.backends.get(name)
            if factory is None:
                known = ", ".join(self.backends.names()) or "none installed"
                raise ConfigError(f"no model backend named {name!r} (installed: {known})")
            # every call is logged with its timing, whichever plugin made the backend
            self._backends[name] = TimedBackend(name, factory(self))
        return self._backends[name]

    async def model_for(self, role: str) -> ModelRef:
        """The model serving ``role``: configured, else the executor's, else chosen automatically."""
        if role in self._chosen:
            return self._chosen[role]
        spec = getattr(self.config.models, role) or self.config.models.executor
        if spec:
            backend_name, model = parse_model_spec(spec)
            ref = ModelRef(backend_name, model, self.backend(backend_name))
        else:
            ref = await self._choose_automatically()
        self._chosen[role] = ref
        return ref

    async def _choose_automatically(self) -> ModelRef:
        if "executor" in self._chosen:
            return self._chosen["executor"]
        tried = []
        candidates = sorted(self.backends.names(), key=lambda n: getattr(self.backends[n], "priority", 50))
        for name in candidates:
            backend = self.backend(name)
            pick = getattr(backend, "default_model", None)
            if pick is None:
                continue
            try:
                model = await pick()
            except SmallClawError as exc:
                tried.append(f"{name}: {exc}")
                continue
            if model:
                ref = ModelRef(name, model, backend)
                skipped = f"; skipped {'; '.join(tried)}" if tried else ""
                self.messages.append(
                    f"using model {ref} (chosen automatically{skipped}; set [models] executor to change)")
                self._chosen["executor"] = ref
                return ref
            tried.append(f"{name}: not reachable or no model")
        raise ConfigError(
            "no model is available: " + ("; ".join(tried) or "no model backend plugin is installed")
            + ". Install smallclaw-llamacpp for the embedded model, or start Ollama."
        )

    async def model_info(self, ref: ModelRef) -> Any:
        """What the backend says about a chosen model (cached), or ``None`` when it cannot say."""
        cache = self.__dict__.setdefault("_model_info", {})
        key = str(ref)
        if key not in cache:
            try:
                cache[key] = await ref.backend.describe(ref.model)
            except SmallClawError:
                return None  # not cached: the next call asks again
        return cache[key]

    async def aclose(self) -> None:
        for backend in self._backends.values():
            close = getattr(backend, "aclose", None)
            if close is not None:
                await close()
        self._backends.clear()

    # --- events -----------------------------------------------------------------

    def _on_event(self, event: Event) -> None:
        log_task_event(event)
        try:
            self.plugins.hook.task_event(event=event, app=self)
        except Exception:  # a plugin's observer must not break the publisher
            log.exception("a task_event hook failed")

    # --- places -----------------------------------------------------------------

    @property
    def workspace_root(self) -> Path:
        """``[workspace] root``, else ``workspace/`` beside a project's ``.localclaw`` (in the
        project folder), else ``workspace/`` inside the data directory."""
        root = self.config.workspace.root
        if root:
            return Path(root).expanduser().resolve()
        return ((self.home.parent if is_project_dir(self.home) else self.home) / "workspace").resolve()

    def workspace_for(self, task_id: str | None) -> Path:
        """The task's folder (made if missing): ``<workspace root>/<id>``, or the root itself
        when ``[workspace] per_task`` is off."""
        root = self.workspace_root
        path = root / task_id if (task_id and self.config.workspace.per_task) else root
        if not path.is_dir():  # a stat: the runner asks several times a round
            path.mkdir(parents=True, exist_ok=True)
        return path


def open_file_store(app: App, url: str = "") -> tuple[TaskStore, SessionStore]:
    """The file store in the data directory (the default)."""
    return TaskStore(app.home, durable=app.config.store.durable), SessionStore(app.home, durable=app.config.store.durable)


def _route_entry(handler: Any) -> tuple[str, Any]:
    paths = sorted(getattr(handler, "paths", None) or [getattr(handler, "path", "")])
    methods = sorted(getattr(handler, "http_methods", None) or [])
    name = ", ".join(p for p in paths if p) or repr(handler)
    return (f"{'/'.join(methods)} {name}" if methods else name), handler


def _command_entry(name: str, run: Any = None, help: str = "", arguments: Any = None) -> tuple[str, Any]:
    return name, {"run": run, "help": help, "arguments": arguments}
