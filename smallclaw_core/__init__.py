"""SmallClaw: background multi-step tasks for small local language models.

This package is the public API plugins import::

    from smallclaw_core import hookimpl, tool, Tool, ToolError
"""

from .errors import (
    ConfigError, DocumentError, IllegalTransition, ModelError, NeedsApproval, PluginError,
    SmallClawError, TaskNotFound, ToolError, TransportError,
)
from .hookspecs import hookimpl
from .models import (
    Backend, DoctorCheck, Message, ModelInfo, ModelOptions, ModelReply, ModelRequest, ToolCall,
    ToolSpec, Usage,
)
from .notifications import Notification
from .tasks import JournalEntry, Origin, Step, Task
from .tools import Tool, ToolContext, ToolFailure, tool
from .verification import LoopVerdict, StepContext, Verdict

__version__ = "0.1.0"

__all__ = [
    "Backend", "ConfigError", "DocumentError", "DoctorCheck", "IllegalTransition", "JournalEntry",
    "LoopVerdict", "Message", "ModelError", "ModelInfo", "ModelOptions", "ModelReply", "ModelRequest",
    "NeedsApproval", "Notification", "Origin", "PluginError", "SmallClawError", "Step", "StepContext",
    "Task", "TaskNotFound", "Tool", "ToolCall", "ToolContext", "ToolError", "ToolFailure", "ToolSpec",
    "TransportError", "Usage", "Verdict", "hookimpl", "tool", "__version__",
]
