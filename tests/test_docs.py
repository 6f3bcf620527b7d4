"""The docs keep up with the code: every hook, CLI command and config key is documented.

As in datasette's test_docs.py, the lists come from the code (the hookspecs, the argument
parser, the config classes), so adding a hook, a command or a key without documenting it
fails here.
"""

from __future__ import annotations

import inspect
import re
import tempfile
import types
from pathlib import Path

import attrs
import pytest

from smallclaw_core import hookspecs
from smallclaw_core.app import App
from smallclaw_core.cli import build_parser
from smallclaw_core.config import CORE_SECTIONS
from smallclaw_core.plugins import create_plugin_manager

ROOT = Path(__file__).parent.parent
DOCS = ROOT / "docs"
HOOKS_MD = DOCS / "hooks.md"


def hook_specs() -> dict[str, inspect.Signature]:
    marker = f"{hookspecs.hookspec.project_name}_spec"
    return {name: inspect.signature(fn) for name, fn in vars(hookspecs).items()
            if callable(fn) and hasattr(fn, marker)}


def hook_sections() -> dict[str, str]:
    """The text under each ``### name(args)`` heading of hooks.md, by heading."""
    sections: dict[str, str] = {}
    current = None
    for line in HOOKS_MD.read_text().splitlines():
        if line.startswith("### "):
            current = line[4:].strip().strip("`")
            sections[current] = ""
        elif current is not None:
            sections[current] += line + "\n"
    return sections


def all_docs_text() -> str:
    return "\n".join(p.read_text() for p in sorted(DOCS.glob("*.md")))


def test_there_are_hooks_to_check():
    assert {"register_tools", "register_backends", "task_event"} <= set(hook_specs())


@pytest.mark.parametrize("name", sorted(hook_specs()))
def test_every_hook_is_documented_with_its_arguments(name):
    signature = hook_specs()[name]
    heading = f"{name}({', '.join(signature.parameters)})"
    sections = hook_sections()
    assert heading in sections, f"docs/hooks.md has no '### {heading}' section"
    body = sections[heading]
    spec_opts = getattr(getattr(hookspecs, name), f"{hookspecs.hookspec.project_name}_spec")
    firstresult = "yes" if spec_opts.get("firstresult") else "no"
    assert f"firstresult: {firstresult}" in body, f"the {name} section should say 'firstresult: {firstresult}'"
    assert "**When:**" in body, f"the {name} section should say when the hook is called"
    if "register" in signature.parameters:
        assert "**register:**" in body, f"the {name} section should say what register takes"
    assert "```python" in body, f"the {name} section should have an example"


def test_no_documented_hook_is_gone():
    documented = {heading.split("(")[0] for heading in hook_sections()}
    assert documented == set(hook_specs())


def example_modules() -> list[tuple[str, types.ModuleType]]:
    """Each hook section's Python example, executed as a plugin module."""
    modules = []
    for heading, body in hook_sections().items():
        for i, code in enumerate(re.findall(r"```python\n(.*?)```", body, re.S)):
            module = types.ModuleType(f"hooks_md_{heading.split('(')[0]}_{i}")
            exec(compile(code, f"docs/hooks.md ({heading})", "exec"), module.__dict__)
            modules.append((heading, module))
    return modules


def test_the_hook_examples_are_valid_plugins(tmp_path):
    modules = example_modules()
    assert len(modules) == len(hook_specs())
    # check_pending() refuses a misspelt hook name or an argument the spec does not have
    host = create_plugin_manager(only=[], extra=[m for _, m in modules])
    implemented = {name for p in host.plugins for name in p.hooks}
    assert implemented == set(hook_specs())


def test_the_example_tool_and_section_work(tmp_path):
    modules = dict(example_modules())
    plugin_of = {heading.split("(")[0]: module for heading, module in modules.items()}
    app = App.load(tmp_path, only=[], extra_plugins=[plugin_of["register_config_sections"],
                                                     plugin_of["register_tools"]])
    assert app.config.section("weather").city == "Lyon"
    assert app.tools["word_count"].function("three little words") == "3"


def cli_commands() -> list[str]:
    """Every command as a user types it: ``smallclaw init``, ``smallclaw task add``, ..."""
    # the builtin plugins' commands (the runner's ``run``) are part of the product
    with tempfile.TemporaryDirectory() as home:
        app_commands = App.load(home, only=["runner", "gateway"]).commands
    parser = build_parser({n: app_commands[n] for n in app_commands.names()})
    out = []
    for action in parser._subparsers._group_actions:
        for name, sub in action.choices.items():
            if sub._subparsers is None:
                out.append(f"smallclaw {name}")
                continue
            for subaction in sub._subparsers._group_actions:
                out.extend(f"smallclaw {name} {subname}" for subname in subaction.choices)
    return out


def test_there_are_commands_to_check():
    commands = cli_commands()
    assert "smallclaw task add" in commands and "smallclaw serve" in commands
    assert "smallclaw run" in commands


@pytest.mark.parametrize("command", cli_commands())
def test_every_command_is_in_the_docs(command):
    assert re.search(rf"`{re.escape(command)}(`| )", all_docs_text()), f"no docs/*.md mentions `{command}`"


def _builtin_sections() -> dict[str, type]:
    from smallclaw_core.runner.config import LoopConfig, RunnerConfig

    return {**CORE_SECTIONS, "runner": RunnerConfig, "loop": LoopConfig}


@pytest.mark.parametrize("section", sorted(_builtin_sections()))
def test_every_config_key_is_documented_with_its_default(section):
    text = (DOCS / "configuration.md").read_text()
    match = re.search(rf"^### \[{section}\]\n(.*?)(?=^### |\Z)", text, re.S | re.M)
    assert match, f"docs/configuration.md has no '### [{section}]' section"
    body = match.group(1)
    for field in attrs.fields(_builtin_sections()[section]):
        default = field.default.factory() if isinstance(field.default, attrs.Factory) else field.default
        shown = {True: "true", False: "false"}.get(default, None) if isinstance(default, bool) else None
        shown = shown or (f'"{default}"' if isinstance(default, str) else str(default).replace("'", '"'))
        row = f"| `{field.name}` | `{shown}` |"
        assert row in body, f"[{section}] {field.name} should be documented as {row}"


def test_the_index_links_every_page():
    index = (DOCS / "index.md").read_text()
    linked = set(re.findall(r"\]\(([\w.-]+\.md)\)", index))
    pages = {p.name for p in DOCS.glob("*.md")} - {"index.md"}
    assert pages <= linked, f"docs/index.md does not link {sorted(pages - linked)}"


def test_links_between_pages_resolve():
    broken = []
    for page in DOCS.glob("*.md"):
        for target in re.findall(r"\]\(([\w.-]+\.md)(?:#[\w-]*)?\)", page.read_text()):
            if not (DOCS / target).exists():
                broken.append(f"{page.name} -> {target}")
    assert not broken, f"links to pages that do not exist: {broken}"


def test_every_journal_kind_is_documented():
    from smallclaw_core.tasks import JOURNAL_KINDS

    text = (DOCS / "api.md").read_text()
    table = text.split("### Journal entries", 1)[1].split("\n\n|", 1)[1].split("\n\n", 1)[0]
    documented = set(re.findall(r"`([a-z_]+)`", "\n".join(line.split("|")[1] for line in table.splitlines()[2:])))
    assert documented == set(JOURNAL_KINDS), f"api.md's journal kinds differ: {documented ^ set(JOURNAL_KINDS)}"
