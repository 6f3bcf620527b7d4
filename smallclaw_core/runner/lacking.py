"""What the calls of a task ran into that this machine lacks, read from what they printed.

A task that cannot be done here pauses, however the model failed; the user needs to hear
why, and the words of the goal do not always say ("Play song.mp3 out loud" names no
program; "orders_count.txt should say how many lines orders.txt has" does not say it reads
orders.txt). What ran does: ``/bin/sh: 1: tesseract: not found``, ``No module named
'PIL'``, ``Could not resolve host``, ``wc: orders.txt: No such file or directory``. These
facts only add to a pause's reason (``intents.with_blockers``), never cause one, and each is
checked against the machine as it is now (a program found on the PATH is not reported).
Failed calls are read whole; a command that exited 0 only for the shell's own "not found".
"""

from __future__ import annotations

import re
import shutil
from typing import Any, Callable, Iterable

_NOT_FOUND = re.compile(r"(?:^|[\s:])([\w][\w.+-]*): (?:command )?not found\b", re.M)
#: the shell's own words for a program it could not find, which a command that goes on after it prints
#: and still exits 0 (``echo ... | fax ...; echo sent``)
_SHELL_NOT_FOUND = re.compile(r"^(?:/bin/|/usr/bin/)?(?:ba|da)?sh: (?:\d+: |line \d+: )?([\w][\w.+-]*): "
                              r"(?:command )?not found$", re.M)
_EXEC_MISSING = re.compile(r"FileNotFoundError: \[Errno 2\] No such file or directory: '([\w.+-]+)'")
_MODULE = re.compile(r"No module named '([\w.]+)'")
_NETWORK = re.compile(r"Could not resolve host[^\n]*|Temporary failure in name resolution|Name or service not known"
                      r"|Network is unreachable|No address associated with hostname|urlopen error[^\n]*")
#: Python modules that exist to reach the network: one missing where commands have no network says more
#: than "install it" (installed, it would not reach the network either)
NETWORK_CLIENTS = frozenset({"requests", "httpx", "aiohttp", "urllib3", "httplib2", "pycurl", "websocket",
                             "websockets", "feedparser"})
_NO_FILE = re.compile(r"(?:([\w./-]+): No such file or directory\b|No such file or directory: '([^'\n]+)'"
                      r"|no file '([^'\n]+)' in the workspace)")


def _outputs(entries: Iterable[Any]) -> list[str]:
    """What the task's failed tool calls printed (blocked ones aside: they did not run)."""
    return [str(e.data.get("result", "")) for e in entries
            if e.kind == "tool_result" and e.data.get("error") and not e.data.get("not_run")]


def _shell_outputs(entries: Iterable[Any]) -> list[str]:
    """What the task's commands printed, those that exited 0 too."""
    return [str(e.data.get("result", "")) for e in entries
            if e.kind == "tool_result" and e.data.get("name") == "run_shell" and not e.data.get("not_run")]


def lacking(entries: Iterable[Any], exists: Callable[[str], bool], named: Iterable[str],
            offline: bool = False) -> list[tuple[str, str]]:
    """Facts about what the task's calls (journal ``entries``) needed and this machine lacks: programs not
    installed, Python modules not installed, no network (where commands are ``offline``, a program that
    reached for a network client such as requests needed it), and files the goal ``named`` that are not
    in the workspace (``exists``); each as (what it is about, a short sentence saying it)."""
    text = "\n".join(_outputs(entries))
    # a name in capitals is a here-document's end or a variable run as a command (``EOF: not found``), not a program
    found = _NOT_FOUND.findall(text) + _SHELL_NOT_FOUND.findall("\n".join(_shell_outputs(entries)))
    programs = dict.fromkeys(m for m in found if "." not in m and not m.isupper() and shutil.which(m) is None)
    programs.update(dict.fromkeys(m for m in _EXEC_MISSING.findall(text)
                                  if "." not in m and "/" not in m and shutil.which(m) is None))
    facts = [(p, f"{p} is not installed here (a command needed it)") for p in list(programs)[:3]]
    facts += [(m, f"{m} (a Python module) is not installed here") for m in list(dict.fromkeys(_MODULE.findall(text)))[:2]]
    network = _NETWORK.search(text)
    clients = [m for m in dict.fromkeys(_MODULE.findall(text)) if m.split(".")[0] in NETWORK_CLIENTS]
    if network:
        said = network.group(0).strip()[:80]
        facts.append((said, f"commands here could not reach the network ({said})"))
    elif clients and offline:
        facts.append(("network", f"commands here have no network access ([shell] network = false), and a "
                                  f"program reached for {clients[0]}, a network client"))
    names = set(named)
    files = dict.fromkeys(n.removeprefix("./") for groups in _NO_FILE.findall(text) for n in groups if n)
    facts += [(n, f"{n} is not in the workspace (a call tried to read it)") for n in files
              if n in names and not exists(n)]
    return facts
