"""Every distribution declares what a package index needs: licence, bounds on the core, one version.

The wheels themselves are built and installed in tests/test_packaging.py (slow); these
checks read the pyproject files and fail in a second when one of them forgets something.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

import smallclaw_core

ROOT = Path(__file__).resolve().parent.parent
PLUGINS = sorted(p for p in (ROOT / "plugins").iterdir() if (p / "pyproject.toml").is_file())
LICENSE = (ROOT / "LICENSE").read_text()


def project(folder: Path) -> dict:
    return tomllib.loads((folder / "pyproject.toml").read_text())


@pytest.mark.parametrize("folder", [ROOT, *PLUGINS], ids=lambda p: p.name)
def test_each_distribution_declares_the_licence_and_ships_it(folder):
    doc = project(folder)
    assert doc["project"]["license"] == "Apache-2.0"
    assert doc["project"]["license-files"] == ["LICENSE"]
    assert (folder / "LICENSE").read_text() == LICENSE
    assert "Apache License" in LICENSE and "Version 2.0, January 2004" in LICENSE
    # PEP 639's license expression needs setuptools 77; a licence classifier would contradict it
    assert any(r.startswith("setuptools>=") and int(r.split(">=")[1].split(".")[0]) >= 77
               for r in doc["build-system"]["requires"])
    assert not any(c.startswith("License ::") for c in doc["project"].get("classifiers", []))


@pytest.mark.parametrize("folder", PLUGINS, ids=lambda p: p.name)
def test_each_plugin_bounds_the_core_it_works_with(folder):
    deps = project(folder)["project"]["dependencies"]
    core = [d for d in deps if re.match(r"smallclaw\b(?!-)", d)]
    assert core == ["smallclaw>=0.1,<0.2"], deps
    major, minor = smallclaw_core.__version__.split(".")[:2]
    assert f">={major}.{minor}" in core[0] and f"<{major}.{int(minor) + 1}" in core[0]


def test_the_core_version_is_written_once():
    doc = project(ROOT)
    assert "version" not in doc["project"] and doc["project"]["dynamic"] == ["version"]
    assert doc["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "smallclaw_core.__version__"}


def test_llama_cpp_python_is_bounded_to_the_series_the_plugin_knows():
    deps = project(ROOT / "plugins" / "smallclaw_llamacpp")["project"]["dependencies"]
    assert "llama-cpp-python>=0.3.0,<0.4" in deps


def test_the_kanban_distribution_ships_its_static_files():
    data = project(ROOT / "plugins" / "smallclaw_kanban")["tool"]["setuptools"]["package-data"]
    assert data == {"smallclaw_kanban": ["static/*"]}
    assert {p.name for p in (ROOT / "plugins/smallclaw_kanban/smallclaw_kanban/static").iterdir()} \
        == {"index.html", "board.js", "board.css"}
