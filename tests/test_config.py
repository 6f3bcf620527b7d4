"""Configuration: errors name the file, the key and what was expected; init writes a config that loads."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import attrs
import pytest

from smallclaw_core import ConfigError, hookimpl
from smallclaw_core.app import App
from smallclaw_core.config import (
    CONFIG_FILE, CORE_SECTIONS, data_dir, default_document, load_config, write_default,
)
from smallclaw_core.runner.config import LoopConfig, RunnerConfig

#: the runner plugin's sections, for tests that load a config without the plugin host
RUNNER_SECTIONS = {"runner": RunnerConfig, "loop": LoopConfig}


def write(home: Path, text: str) -> Path:
    path = home / CONFIG_FILE
    path.write_text(text)
    return path


def test_no_file_means_every_default(tmp_path):
    config = load_config(tmp_path / CONFIG_FILE)
    for name, cls in CORE_SECTIONS.items():
        assert config.section(name) == cls()


def test_values_are_read_into_the_sections(tmp_path):
    path = write(tmp_path, '[models]\nexecutor = "ollama:qwen3:4b"\ntemperature = 1\n'
                           '[gateway]\nport = 9000\nallowed_origins = ["http://a"]\n')
    config = load_config(path)
    assert config.models.executor == "ollama:qwen3:4b"
    assert config.models.temperature == 1.0  # an integer is fine where a number is expected
    assert config.gateway.port == 9000
    assert config.gateway.allowed_origins == ["http://a"]
    assert config.chat == CORE_SECTIONS["chat"]()


def test_an_unknown_key_names_file_key_and_the_known_keys(tmp_path):
    path = write(tmp_path, "[runner]\nmax_tool_call = 5\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path, RUNNER_SECTIONS)
    message = str(caught.value)
    assert message.startswith(f"{path}: unknown key runner.max_tool_call")
    assert "max_tool_calls" in message  # what was expected


@pytest.mark.parametrize("section, key, value, expected", [
    ("gateway", "port", '"8765"', "should be an integer, got '8765'"),
    ("store", "durable", '"yes"', "should be true or false, got 'yes'"),
    ("models", "temperature", "true", "should be a number, got True"),
    ("runner", "max_rounds", "4.5", "should be an integer, got 4.5"),
    ("gateway", "allowed_origins", '"http://a"', "should be a list of strings, got 'http://a'"),
    ("gateway", "allowed_hosts", "[1, 2]", "should be a list of strings, got [1, 2]"),
    ("models", "executor", "3", "should be a string, got 3"),
])
def test_a_wrong_type_names_file_key_and_expectation(tmp_path, section, key, value, expected):
    path = write(tmp_path, f"[{section}]\n{key} = {value}\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path, RUNNER_SECTIONS)
    assert str(caught.value) == f"{path}: {section}.{key} {expected}"


@pytest.mark.parametrize("section, key, value, expected", [
    ("shell", "timeout", "-1", "should be above 0, got -1"),
    ("shell", "output_limit", "-5", "should be at least 100, got -5"),
    ("shell", "memory_limit", "-1", "should be at least 0, got -1"),
    ("models", "timeout", "0", "should be above 0, got 0"),
    ("models", "tool_protocol", '"xml"', 'should be one of "auto", "native", "json", got \'xml\''),
    ("gateway", "port", "70000", "should be from 0 to 65535, got 70000"),
    ("gateway", "port", "-1", "should be from 0 to 65535, got -1"),
    ("gateway", "ping_interval", "0", "should be above 0, got 0"),
    ("chat", "max_tool_calls", "0", "should be at least 1, got 0"),
    ("runner", "poll_interval", "-0.5", "should be above 0, got -0.5"),
    ("runner", "lease_seconds", "0", "should be above 0, got 0"),
    ("runner", "max_rounds", "-3", "should be at least 1, got -3"),
    ("runner", "planner", '"nobody"', 'should be one of "auto", "model", "sentences", got \'nobody\''),
    ("loop", "window", "0", "should be at least 1, got 0"),
    ("telegram", "min_interval", "-1", "should be at least 0, got -1"),
    ("telegram", "max_parts", "0", "should be at least 1, got 0"),
    ("llamacpp", "max_tokens", "0", "should be at least 1, got 0"),
    ("llamacpp", "gpu_layers", "-2", "should be at least -1, got -2"),
    ("ollama", "connect_timeout", "-5", "should be above 0, got -5"),
    ("openai", "timeout", "0", "should be above 0, got 0"),
    ("openai", "schema_style", '"yaml"', 'should be one of "auto", "json_schema", "json_object", got \'yaml\''),
])
def test_a_value_out_of_range_names_file_key_and_what_is_expected(tmp_path, section, key, value, expected):
    """Plugins' sections too: loaded with every installed plugin, as ``smallclaw`` loads them."""
    path = write(tmp_path, f"[{section}]\n{key} = {value}\n")
    with pytest.raises(ConfigError) as caught:
        App.load(tmp_path)
    assert str(caught.value) == f"{path}: {section}.{key} {expected}"


def test_every_number_of_every_section_says_what_range_it_takes(tmp_path):
    """A key added later without a range fails here: a negative timeout must never load."""
    from smallclaw_core.config import Expect
    from smallclaw_core.plugins import Registry

    app = App.load(tmp_path)
    sections = Registry("sections")
    app.plugins.collect("register_config_sections", sections)
    classes = {**CORE_SECTIONS, **{n: sections[n] for n in sections.names()}}
    assert {"shell", "telegram", "llamacpp", "ollama", "openai", "runner", "loop"} <= set(classes)
    unchecked = []
    for name, cls in classes.items():
        hints = __import__("typing").get_type_hints(cls)
        for field in attrs.fields(cls):
            if hints[field.name] in (int, float) and not isinstance(field.validator, Expect):
                unchecked.append(f"{name}.{field.name}")
    assert not unchecked, f"numbers without a range: {unchecked}"


def test_the_defaults_are_in_range_and_a_range_error_through_the_cli_is_one_line(tmp_path):
    App.load(tmp_path)  # every default of every installed plugin passes its own check
    write(tmp_path, "[shell]\ntimeout = -1\n")
    proc = run_cli(tmp_path, "task", "list")
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines()[-1] == (
        f"smallclaw: {tmp_path / CONFIG_FILE}: shell.timeout should be above 0, got -1")


def test_a_config_that_is_not_utf8_names_the_file_and_the_byte(tmp_path):
    path = tmp_path / CONFIG_FILE
    path.write_bytes(b'[models]\nexecutor = "ollama:caf\xe9"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value) == f"{path}: not UTF-8 text: byte 31 (line 2) is 0xe9; save the file as UTF-8"
    path.write_bytes("[models]\nexecutor = 'x'\n".encode("utf-16"))
    with pytest.raises(ConfigError, match=r"not UTF-8 text \(it looks like UTF-16\): byte 0 \(line 1\)"):
        load_config(path)
    # a byte order mark, as Notepad writes, is fine
    path.write_bytes(b'\xef\xbb\xbf[models]\nexecutor = "ollama:x"\n')
    assert load_config(path).models.executor == "ollama:x"


@pytest.mark.parametrize("command", [["task", "list"], ["doctor"], ["serve", "--port", "0"]])
def test_a_config_that_is_not_utf8_is_one_line_from_every_command(tmp_path, command):
    (tmp_path / CONFIG_FILE).write_bytes(b"# r\xe9glages\n[gateway]\nport = 0\n")
    proc = run_cli(tmp_path, *command)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines()[-1] == (
        f"smallclaw: {tmp_path / CONFIG_FILE}: not UTF-8 text: byte 3 (line 1) is 0xe9; save the file as UTF-8")


def test_a_section_that_is_not_a_table(tmp_path):
    path = write(tmp_path, 'models = "ollama"\n')
    with pytest.raises(ConfigError, match=r"\[models\] must be a table"):
        load_config(path)


def test_bad_toml_names_the_file_and_the_place(tmp_path):
    path = write(tmp_path, "[models\nexecutor = 1\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value).startswith(f"{path}: not valid TOML:")
    assert "line 1" in str(caught.value)


def test_an_unknown_top_level_key(tmp_path):
    path = write(tmp_path, 'colour = "blue"\n')
    with pytest.raises(ConfigError, match=r"unknown key 'colour' at the top level"):
        load_config(path)


def test_a_section_of_a_plugin_that_is_not_installed_is_a_message_not_a_crash(tmp_path):
    write(tmp_path, '[telegrm]\ntoken = "x"\n')
    app = App.load(tmp_path, only=[])
    assert app.config.unclaimed == ["telegrm"]
    assert app.messages == [f"{tmp_path / CONFIG_FILE}: section [telegrm] is not read by any loaded plugin"]


@attrs.define
class WeatherConfig:
    city: str = "Lyon"
    days: int = 3


class WeatherPlugin:
    @hookimpl
    def register_config_sections(self, register):
        register("weather", WeatherConfig)


def test_a_plugin_section_is_validated_like_a_core_one(tmp_path):
    write(tmp_path, '[weather]\ncity = "Oslo"\n')
    app = App.load(tmp_path, extra_plugins=[WeatherPlugin()], only=[])
    assert app.config.section("weather") == WeatherConfig(city="Oslo", days=3)
    assert app.config.unclaimed == []

    write(tmp_path, '[weather]\ndays = "three"\n')
    with pytest.raises(ConfigError, match=r"weather\.days should be an integer, got 'three'"):
        App.load(tmp_path, extra_plugins=[WeatherPlugin()], only=[])
    write(tmp_path, '[weather]\nzip = 1\n')
    with pytest.raises(ConfigError, match=r"unknown key weather\.zip \(known keys in \[weather\]: city, days\)"):
        App.load(tmp_path, extra_plugins=[WeatherPlugin()], only=[])


def test_overrides_are_validated_too(tmp_path):
    app = App.load(tmp_path, only=["runner"], overrides={"runner": {"max_rounds": 5}})
    assert app.config.runner.max_rounds == 5
    with pytest.raises(ConfigError, match=r"runner\.max_rounds should be an integer"):
        App.load(tmp_path, only=["runner"], overrides={"runner": {"max_rounds": "five"}})


def test_disabled_must_be_a_list(tmp_path):
    write(tmp_path, '[plugins]\ndisabled = "ollama"\n')
    with pytest.raises(ConfigError, match=r"plugins\.disabled should be a list of strings, got 'ollama'"):
        App.load(tmp_path, only=[])


def test_the_default_document_round_trips(tmp_path):
    path = tmp_path / CONFIG_FILE
    write_default(path, {"weather": WeatherConfig})
    raw = tomllib.loads(path.read_text())
    assert raw == default_document({"weather": WeatherConfig})
    config = load_config(path, {"weather": WeatherConfig})
    for name, cls in {**CORE_SECTIONS, "weather": WeatherConfig}.items():
        assert config.section(name) == cls()


def test_data_dir_prefers_the_argument_then_the_environment_then_a_localclaw_folder(tmp_path, monkeypatch):
    # every rule, from subfolders and with the user's data directory: tests/test_data_dir.py
    monkeypatch.setenv("SMALLCLAW_HOME", str(tmp_path / "env"))
    assert data_dir(tmp_path / "arg") == (tmp_path / "arg").resolve()
    assert data_dir() == (tmp_path / "env").resolve()
    monkeypatch.delenv("SMALLCLAW_HOME")
    (tmp_path / ".localclaw").mkdir()
    monkeypatch.chdir(tmp_path)
    assert data_dir() == (tmp_path / ".localclaw").resolve()


def run_cli(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMALLCLAW_")}
    env["SMALLCLAW_HOME"] = str(home)
    return subprocess.run([sys.executable, "-m", "smallclaw_core.cli", *args], env=env,
                          capture_output=True, text=True, timeout=60)


def test_init_writes_a_config_that_loads_back(tmp_path):
    home = tmp_path / "home"
    proc = run_cli(home, "init")
    assert proc.returncode == 0, proc.stderr
    path = home / CONFIG_FILE
    assert proc.stdout.strip() == f"wrote {path}"
    app = App.load(home)  # with every installed plugin, whose sections init wrote too
    for name, cls in CORE_SECTIONS.items():
        assert app.config.section(name) == cls()
    assert app.config.unclaimed == []
    # a second init keeps the user's file
    path.write_text(path.read_text().replace("port = 8765", "port = 9999"))
    proc = run_cli(home, "init")
    assert "already exists" in proc.stdout
    assert App.load(home).config.gateway.port == 9999
    proc = run_cli(home, "init", "--force")
    assert App.load(home).config.gateway.port == 8765


def test_a_config_error_reaches_the_user_as_a_message(tmp_path):
    write(tmp_path, "[gateway]\nport = \"high\"\n")
    proc = run_cli(tmp_path, "task", "list")
    assert proc.returncode == 1
    assert proc.stderr.strip() == (
        f"smallclaw: {tmp_path / CONFIG_FILE}: gateway.port should be an integer, got 'high'")
    write(tmp_path, "[gateway\n")
    proc = run_cli(tmp_path, "task", "list")
    assert proc.returncode == 1
    assert "not valid TOML" in proc.stderr and "Traceback" not in proc.stderr
