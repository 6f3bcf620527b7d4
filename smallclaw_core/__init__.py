"""SmallClaw: background multi-step tasks for small local language models.

This package is the public API plugins import::

    from smallclaw_core import hookimpl, tool, Tool, ToolError
"""

from .errors import (
    ConfigError, DocumentError, IllegalTransition, LeaseLost, ModelError, ModelProcessDied, NeedsApproval,
    PluginError, SmallClawError, TaskNotFound, ToolError, TransportError,
)
from .checks import Check, CheckDeriver, Facts, MalformedCheck, deriver, parse_check
from .hookspecs import hookimpl
from .intent import FileRef, Intent, Role, Value, read_intent
from .models import (
    Backend, DoctorCheck, Message, ModelInfo, ModelOptions, ModelReply, ModelRequest, ToolCall,
    ToolSpec, Usage, call_arguments,
)
from .notifications import Notification
from .tasks import JournalEntry, Lease, Origin, Step, Task
from .tools import Tool, ToolContext, ToolFailure, tool
from .verification import LoopVerdict, StepContext, Verdict, fix_hint

__version__ = "0.1.0"

#: what plugins may use beyond the names above, imported when first asked for (so that
#: ``smallclaw --help`` stays light): where each lives
_LAZY = {
    "chat_turn": "chat",  # answer one chat message (a channel plugin's job)
    "atomic_write": "paths",  # replace a file so readers see the old or the new bytes
    # the one way into a task's workspace: no symlink followed, regular files only, reads capped
    "Workspace": "workspace", "WorkspaceError": "workspace", "OutsideWorkspace": "workspace",
    "NotRegular": "workspace", "ThroughLink": "workspace", "TooLarge": "workspace",
    # run a blocking function off the event loop, with a deadline (plain-function tools run so)
    "in_worker_thread": "tools",
    "to_json_protocol": "toolprotocol", "from_json_protocol": "toolprotocol",
    "plain_history": "toolprotocol", "close_truncated_json": "toolprotocol",
    "find_pulled": "modelfiles", "latest_pulled": "modelfiles", "list_pulled": "modelfiles",
    # for store plugins: the contract, the file store to build on, the document converter
    "TaskStoreContract": "storage", "SessionStoreContract": "storage", "Claim": "storage", "Change": "storage",
    "TaskStore": "store", "StoreProblem": "storage", "SessionStore": "sessions",
    "task_from_dict": "documents", "task_to_json": "documents", "copy_document": "documents",
    "entry_to_dict": "documents", "structure": "documents", "unstructure": "documents",
    "stamp": "tasks",  # a write's updated_at, later than the task's last
    # validators for a config section's fields: a value out of range is an error naming file and key
    "at_least": "config", "above": "config", "between": "config", "one_of": "config",
}


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'smallclaw_core' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f".{module}", __name__), name)

__all__ = [
    "Backend", "Check", "CheckDeriver", "Facts", "FileRef", "Intent", "MalformedCheck", "Role", "Value",
    "deriver", "parse_check", "read_intent", "ConfigError", "DocumentError", "DoctorCheck", "IllegalTransition", "JournalEntry",
    "Lease", "LeaseLost",
    "LoopVerdict", "Message", "ModelError", "ModelInfo", "ModelOptions", "ModelProcessDied", "ModelReply", "ModelRequest",
    "NeedsApproval", "Notification", "Origin", "PluginError", "SmallClawError", "Step", "StepContext",
    "Task", "TaskNotFound", "Tool", "ToolCall", "ToolContext", "ToolError", "ToolFailure", "ToolSpec",
    "TransportError", "Usage", "Verdict", "call_arguments", "fix_hint", "hookimpl", "tool", "__version__", *_LAZY,
]
