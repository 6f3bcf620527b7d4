"""A plugin whose tool never returns, for the serve tests (a test double).

``jam`` blocks its thread for good, as a call stuck in the kernel would; its deadline
is one second. Loaded in a subprocess through SMALLCLAW_EXTRA_PLUGINS (tests/ on PYTHONPATH).
"""

import threading

from smallclaw_core import hookimpl, tool


@tool(deadline=1.0)
def jam(path: str) -> str:
    """Wait for a file that never comes.

    Args:
        path: the file
    """
    threading.Event().wait()
    return "never"


@hookimpl
def register_tools(register):
    register(jam)
