"""Plugin discovery and the plugin host: real entry points, broken plugins, limits, duplicates.

Discovery goes through a real ``importlib.metadata`` entry point: the fixture
distributions in ``tests/fixtures/`` (each with its own ``pyproject.toml``) are laid
out in a temporary directory as an installer would, a ``.dist-info`` with
``METADATA`` and ``entry_points.txt`` beside the package, and that directory is put
on ``PYTHONPATH`` of a ``smallclaw`` subprocess. Building a wheel would need network
access for the build backend, which tests must not rely on.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from smallclaw_core import PluginError, hookimpl, tool
from smallclaw_core.app import App
from smallclaw_core.plugins import create_plugin_manager

FIXTURES = Path(__file__).parent / "fixtures"


def lay_out_distribution(source: Path, target: Path) -> str:
    """Install the fixture distribution at ``source`` into ``target`` as a site directory would hold it."""
    project = tomllib.loads((source / "pyproject.toml").read_text())["project"]
    name, version = project["name"], project["version"]
    dist_info = target / f"{name.replace('-', '_')}-{version}.dist-info"
    dist_info.mkdir(parents=True)
    (dist_info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    lines = []
    for group, entries in project.get("entry-points", {}).items():
        lines.append(f"[{group}]")
        lines.extend(f"{ep} = {value}" for ep, value in entries.items())
    (dist_info / "entry_points.txt").write_text("\n".join(lines) + "\n")
    for package in tomllib.loads((source / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]:
        shutil.copytree(source / package, target / package)
    return name


@pytest.fixture(scope="module")
def site_dir(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("site")
    lay_out_distribution(FIXTURES / "throwaway_plugin", target)
    lay_out_distribution(FIXTURES / "broken_plugin", target)
    return target


def smallclaw(home: Path, site: Path, *args: str, **env_extra: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if k not in ("SMALLCLAW_PLUGINS", "SMALLCLAW_EXTRA_PLUGINS", "SMALLCLAW_HOME", "PYTHONPATH")}
    env.update(SMALLCLAW_HOME=str(home), PYTHONPATH=str(site), **env_extra)
    return subprocess.run([sys.executable, "-m", "smallclaw_core.cli", *args], env=env,
                          capture_output=True, text=True, timeout=60)


def listed(proc: subprocess.CompletedProcess) -> dict[str, dict]:
    assert proc.returncode == 0, proc.stderr
    return {p["name"]: p for p in json.loads(proc.stdout)}


def test_an_installed_plugin_is_found_and_listed_with_what_it_contributes(tmp_path, site_dir):
    plugins = listed(smallclaw(tmp_path, site_dir, "plugins", "--json"))
    throwaway = plugins["throwaway"]
    assert throwaway["distribution"] == "smallclaw-throwaway"
    assert throwaway["version"] == "0.0.7"
    assert throwaway["error"] is None
    assert throwaway["hooks"] == ["register_config_sections", "register_tools"]
    assert throwaway["contributes"]["tools"] == ["shout"]
    # the builtins come through the same entry-point group
    assert plugins["runner"]["distribution"] == "smallclaw"
    assert plugins["gateway"]["distribution"] == "smallclaw"


def test_the_text_listing_names_plugins_hooks_and_tools(tmp_path, site_dir):
    proc = smallclaw(tmp_path, site_dir, "plugins")
    assert proc.returncode == 0, proc.stderr
    assert "throwaway 0.0.7  (smallclaw-throwaway)" in proc.stdout
    assert "hooks: register_config_sections, register_tools" in proc.stdout
    assert "tools: shout" in proc.stdout


def test_a_broken_plugin_is_reported_with_its_distribution_and_the_others_still_load(tmp_path, site_dir):
    proc = smallclaw(tmp_path, site_dir, "plugins", "--json")
    plugins = listed(proc)
    assert plugins["broken"]["distribution"] == "smallclaw-broken"
    assert plugins["broken"]["error"] == "RuntimeError: the broken fixture plugin refuses to load"
    assert "plugin 'broken' (distribution smallclaw-broken 0.0.3) failed to load" in proc.stderr
    assert "refuses to load" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert plugins["throwaway"]["error"] is None
    # and an ordinary command still works with the broken plugin installed
    proc = smallclaw(tmp_path, site_dir, "task", "list")
    assert proc.returncode == 0 and "no tasks" in proc.stdout


def test_smallclaw_plugins_env_limits_loading(tmp_path, site_dir):
    plugins = listed(smallclaw(tmp_path, site_dir, "plugins", "--json", SMALLCLAW_PLUGINS="throwaway"))
    assert set(plugins) == {"throwaway"}
    # a distribution name works too
    plugins = listed(smallclaw(tmp_path, site_dir, "plugins", "--json",
                               SMALLCLAW_PLUGINS="smallclaw-throwaway, runner"))
    assert set(plugins) == {"throwaway", "runner"}


def test_disabled_in_the_config_is_not_loaded(tmp_path, site_dir):
    (tmp_path / "config.toml").write_text('[plugins]\ndisabled = ["throwaway", "smallclaw-broken"]\n')
    proc = smallclaw(tmp_path, site_dir, "plugins", "--json")
    plugins = listed(proc)
    assert "throwaway" not in plugins and "broken" not in plugins
    assert "runner" in plugins
    assert "failed to load" not in proc.stderr


def test_a_plugin_section_is_validated_only_while_its_plugin_loads(tmp_path, site_dir):
    (tmp_path / "config.toml").write_text('[throwaway]\ngreeting = 3\n')
    proc = smallclaw(tmp_path, site_dir, "plugins")
    assert proc.returncode == 1
    assert "throwaway.greeting should be a string, got 3" in proc.stderr
    assert str(tmp_path / "config.toml") in proc.stderr
    # without the plugin the section is nobody's: a note, not an error
    proc = smallclaw(tmp_path, site_dir, "doctor", SMALLCLAW_PLUGINS="runner")
    assert "section [throwaway] is not read by any loaded plugin" in proc.stdout
    assert "Traceback" not in proc.stderr


def test_duplicate_tool_names_from_two_plugins_are_a_clear_error(tmp_path, site_dir):
    # a development plugin (SMALLCLAW_EXTRA_PLUGINS) registering the installed plugin's tool name
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "second_shouter.py").write_text(
        '"""Registers a tool named like the throwaway plugin\'s."""\n'
        "from smallclaw_core import hookimpl, tool\n\n"
        "@tool(name='shout')\n"
        "def louder(text: str) -> str:\n"
        "    '''Shout louder.'''\n"
        "    return text.upper() + '!'\n\n"
        "@hookimpl\n"
        "def register_tools(register):\n"
        "    register(louder)\n")
    proc = smallclaw(tmp_path, Path(f"{site_dir}{os.pathsep}{extra}"), "plugins",
                     SMALLCLAW_EXTRA_PLUGINS="second_shouter")
    assert proc.returncode == 1
    assert "tool 'shout' is registered twice: by plugin second_shouter and by plugin throwaway" in proc.stderr \
        or "tool 'shout' is registered twice: by plugin throwaway and by plugin second_shouter" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_duplicate_tool_names_in_process(tmp_path):
    @tool
    def fetch(url: str) -> str:
        """Fetch a page."""
        return url

    class First:
        @hookimpl
        def register_tools(self, register):
            register(fetch)

    class Second:
        @hookimpl
        def register_tools(self, register):
            register(fetch)

    app = App.load(tmp_path, extra_plugins=[First(), Second()], only=[])
    with pytest.raises(PluginError, match=r"tool 'fetch' is registered twice: by plugin (First|Second) "
                                          r"and by plugin (First|Second)"):
        app.tools


def test_check_pending_catches_a_misspelt_hookimpl():
    class Misspelt:
        @hookimpl
        def register_tool(self, register):  # the hook is register_tools
            register(None)

    with pytest.raises(PluginError, match="register_tool"):
        create_plugin_manager(only=[], extra=[Misspelt()])


def test_a_hookimpl_with_a_wrong_argument_is_refused():
    class WrongArgument:
        @hookimpl
        def register_tools(self, registrar):
            pass

    with pytest.raises(Exception, match="registrar"):
        create_plugin_manager(only=[], extra=[WrongArgument()])


def test_registries_record_which_plugin_gave_what(tmp_path):
    @tool
    def add(a: int, b: int) -> str:
        """Add two numbers."""
        return str(a + b)

    class Adder:
        @hookimpl
        def register_tools(self, register):
            register(add)

    app = App.load(tmp_path, extra_plugins=[Adder()], only=[])
    assert app.tools.names() == ["add"]
    assert app.tools.owner("add") == "Adder"
    app.collect_all()
    assert app.plugins.info("Adder").contributes["tools"] == ["add"]
    assert app.plugins.info("Adder").hooks == ["register_tools"]


def test_a_plugin_without_a_name_for_its_tool_is_refused(tmp_path):
    class Nameless:
        @hookimpl
        def register_tools(self, register):
            register(object())

    app = App.load(tmp_path, extra_plugins=[Nameless()], only=[])
    with pytest.raises(PluginError, match="plugin Nameless registered a tool without a name"):
        app.tools


def test_the_manager_is_built_fresh_each_time():
    # a factory, not import-time state: two managers do not share registrations
    class One:
        @hookimpl
        def register_tools(self, register):
            pass

    first = create_plugin_manager(only=[], extra=[One()])
    second = create_plugin_manager(only=[])
    assert first.pm is not second.pm
    assert second.pm.get_plugin("One") is None
