"""The plugin host: builds a pluggy manager from entry points and collects registries.

Everything is a plugin, builtins included: the core distribution declares its runner
and gateway in the ``smallclaw`` entry-point group exactly as a third-party
distribution declares its own. ``SMALLCLAW_EXTRA_PLUGINS`` (a comma list of module
names) registers modules that are not installed as distributions, for development
and tests. ``SMALLCLAW_PLUGINS`` (a comma list of entry-point
names) limits which plugins load; ``[plugins] disabled`` in the config removes some.
A plugin that fails to import is reported, with its distribution and the error, and
the others load without it.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import logging
import os
import traceback
from typing import Any, Callable, Iterable

import attrs
import pluggy

from . import hookspecs
from .errors import PluginError

GROUP = "smallclaw"

log = logging.getLogger("smallclaw.plugins")


@attrs.define
class PluginInfo:
    name: str
    module: str
    distribution: str | None = None
    version: str | None = None
    hooks: list[str] = attrs.field(factory=list)
    error: str | None = None
    #: what the plugin registered, by registry: {"tools": ["read_file", ...]}
    contributes: dict[str, list[str]] = attrs.field(factory=dict)


@attrs.define
class PluginHost:
    pm: pluggy.PluginManager
    plugins: list[PluginInfo]

    @property
    def hook(self) -> Any:
        return self.pm.hook

    @property
    def failed(self) -> list[PluginInfo]:
        return [p for p in self.plugins if p.error]

    def info(self, name: str) -> PluginInfo | None:
        return next((p for p in self.plugins if p.name == name), None)

    def collect(self, hook_name: str, registry: "Registry", **kwargs: Any) -> "Registry":
        """Call one registry hook plugin by plugin, recording who registered what."""
        caller = getattr(self.pm.hook, hook_name)
        for impl in reversed(caller.get_hookimpls()):
            plugin_name = impl.plugin_name

            def register(name_or_value: Any, *args: Any, _plugin: str = plugin_name, **kw: Any) -> None:
                registry.add(_plugin, name_or_value, *args, **kw)

            # like pluggy itself, pass an implementation only the arguments it names
            impl.function(register=register, **{k: v for k, v in kwargs.items() if k in impl.argnames})
            info = self.info(plugin_name)
            if info is not None:
                info.contributes.setdefault(registry.kind, [])
                for name, (owner, _) in registry.items.items():
                    if owner == plugin_name and name not in info.contributes[registry.kind]:
                        info.contributes[registry.kind].append(name)
        return registry


class Registry:
    """Named things contributed by plugins; a duplicate name is an error naming both."""

    def __init__(self, kind: str, name_of: Callable[..., tuple[str, Any]] | None = None):
        self.kind = kind
        self.items: dict[str, tuple[str, Any]] = {}
        self._name_of = name_of or _default_name_of

    def add(self, plugin: str, *args: Any, **kwargs: Any) -> None:
        name, value = self._name_of(*args, **kwargs)
        if not isinstance(name, str) or not name:
            raise PluginError(f"plugin {plugin} registered a {self.kind[:-1]} without a name")
        if name in self.items:
            other = self.items[name][0]
            raise PluginError(
                f"{self.kind[:-1]} {name!r} is registered twice: by plugin {other} and by plugin {plugin}"
            )
        self.items[name] = (plugin, value)

    def __getitem__(self, name: str) -> Any:
        return self.items[name][1]

    def __contains__(self, name: object) -> bool:
        return name in self.items

    def get(self, name: str, default: Any = None) -> Any:
        item = self.items.get(name)
        return item[1] if item else default

    def names(self) -> list[str]:
        return list(self.items)

    def values(self) -> list[Any]:
        return [v for _, v in self.items.values()]

    def owner(self, name: str) -> str:
        return self.items[name][0]


def _default_name_of(value: Any, *args: Any, **kwargs: Any) -> tuple[str, Any]:
    if isinstance(value, str):
        if args:
            return value, args[0] if len(args) == 1 and not kwargs else (args, kwargs)
        return value, kwargs
    return getattr(value, "name", None), value


def _selected(env: str | None) -> set[str] | None:
    if env is None or not env.strip():
        return None
    return {n.strip() for n in env.split(",") if n.strip()}


def create_plugin_manager(
    disabled: Iterable[str] = (),
    *,
    only: Iterable[str] | None = None,
    extra: Iterable[Any] = (),
    entry_points: Iterable[importlib.metadata.EntryPoint] | None = None,
    report: Callable[[str], None] | None = None,
) -> PluginHost:
    """Build a plugin manager: entry points (builtins included), then ``extra`` objects.

    ``only`` defaults to ``$SMALLCLAW_PLUGINS``. Import failures are reported through
    ``report`` (stderr by default) and recorded in ``PluginHost.plugins``.
    """
    report = report or log.warning
    pm = pluggy.PluginManager(GROUP)
    pm.add_hookspecs(hookspecs)
    selected = set(only) if only is not None else _selected(os.environ.get("SMALLCLAW_PLUGINS"))
    disabled = set(disabled)
    infos: list[PluginInfo] = []
    eps = list(entry_points) if entry_points is not None else list(importlib.metadata.entry_points(group=GROUP))
    seen: set[str] = set()
    for ep in sorted(eps, key=lambda e: e.name):
        if ep.name in seen:
            continue
        seen.add(ep.name)
        dist = getattr(ep, "dist", None)
        dist_name = dist.metadata["Name"] if dist is not None else None
        version = dist.version if dist is not None else None
        if selected is not None and ep.name not in selected and dist_name not in selected:
            continue
        if ep.name in disabled or (dist_name and dist_name in disabled):
            continue
        info = PluginInfo(name=ep.name, module=ep.value, distribution=dist_name, version=version)
        infos.append(info)
        try:
            module = ep.load()
            pm.register(module, name=ep.name)
        except Exception as exc:  # a broken plugin must not take the others down
            info.error = f"{type(exc).__name__}: {exc}"
            where = f" (distribution {dist_name} {version})" if dist_name else ""
            report(f"plugin {ep.name!r}{where} failed to load: {info.error}")
            if os.environ.get("SMALLCLAW_DEBUG"):
                traceback.print_exc()
    for module_name in filter(None, (m.strip() for m in os.environ.get("SMALLCLAW_EXTRA_PLUGINS", "").split(","))):
        info = PluginInfo(name=module_name, module=module_name)
        infos.append(info)
        try:
            pm.register(importlib.import_module(module_name), name=module_name)
        except Exception as exc:
            info.error = f"{type(exc).__name__}: {exc}"
            report(f"plugin {module_name!r} (from SMALLCLAW_EXTRA_PLUGINS) failed to load: {info.error}")
    for obj in extra:
        name = getattr(obj, "__name__", None) or type(obj).__name__
        pm.register(obj, name=name)
        infos.append(PluginInfo(name=name, module=name))
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        raise PluginError(f"a plugin implements a hook that does not exist: {exc}") from exc
    for info in infos:
        plugin = pm.get_plugin(info.name)
        if plugin is not None:
            info.hooks = sorted(impl_name for impl_name, _ in _hooks_of(pm, plugin))
    return PluginHost(pm=pm, plugins=infos)


def _hooks_of(pm: pluggy.PluginManager, plugin: Any) -> list[tuple[str, Any]]:
    return [(caller.name, caller) for caller in (pm.get_hookcallers(plugin) or [])]
