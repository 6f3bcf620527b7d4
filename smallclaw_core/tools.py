"""Tools are typed functions: the docstring is what the model reads, the signature its schema.

    from smallclaw_core import hookimpl, tool

    @tool
    def word_count(text: str) -> str:
        '''Count the words in a text.'''
        return str(len(text.split()))

    @hookimpl
    def register_tools(register):
        register(word_count)

A function may take a parameter named ``ctx``: it receives a ``ToolContext`` (the
workspace, the task, the app) and is left out of the schema. A tool signals a failure
the model can recover from by raising ``ToolError``; the message goes back to the model.

A plain (not ``async``) function runs in a worker thread of its own, with a deadline
(``deadline``, 60 s unless the tool says otherwise): a call that blocks (a FIFO, a slow
disk) then fails with an error the model reads, and the server goes on answering.
"""

from __future__ import annotations

import asyncio
import contextvars
import inspect
import logging
import queue
import threading
import types
import typing
from pathlib import Path
from typing import Any, Callable, TypeVar

import anyio
import attrs

from .errors import ToolError
from .models import ToolSpec

T = TypeVar("T")

log = logging.getLogger("smallclaw.tools")

#: seconds a plain-function tool may run in its worker thread before the call fails
DEADLINE = 60.0
#: seconds the files a side-effecting call may change are given to be kept before it runs anyway
KEEP_DEADLINE = 120.0

_JSON_TYPES: dict[Any, str] = {str: "string", int: "integer", float: "number", bool: "boolean"}


class ToolFailure(str):
    """A tool's output that reports a failure (a command that exited non-zero), returned rather than raised.

    The model reads it like any output; the journal marks the call as failed, so
    verification knows the action did not succeed.
    """


@attrs.define
class ToolContext:
    """What a running tool may know about where it runs."""

    workspace: Path
    task_id: str | None = None
    session_key: str | None = None
    app: Any = None
    #: approvals the user granted for this task (see ``NeedsApproval``)
    approvals: frozenset[str] = frozenset()
    #: where the conversation comes from (an ``Origin``), for tools that start tasks
    origin: Any = None

    @property
    def files(self) -> Any:
        """The workspace as a ``smallclaw_core.Workspace``: open files through it, never by name."""
        from .workspace import Workspace

        return Workspace(self.workspace)


@attrs.define
class Tool:
    """A tool a model can call."""

    name: str
    description: str
    parameters: dict[str, Any]
    function: Callable[..., Any]
    #: True when a call changes something outside the conversation (files, processes):
    #: the runner then journals a start record before it runs, so that crash recovery
    #: never re-runs an effect blindly.
    side_effects: bool = False
    wants_context: bool = False
    #: True for a tool that finishes the round (the runner's ``step_done``): its output
    #: becomes the round's answer and no further model call is made
    ends_round: bool = False
    #: True for a tool small models tend to misuse (a snippet editor they call to create
    #: files): the runner offers it only to executors of about 1.5B parameters or more
    advanced: bool = False
    #: seconds a plain-function tool may run (in a worker thread) before its call fails
    deadline: float = DEADLINE
    #: the argument naming the one workspace file a call changes (``path`` for the file tools);
    #: without it, a side-effecting call may change anything in the workspace. Either way the
    #: workspace's watchers hear of it before the call runs, so what it changes can be undone
    writes: str | None = None
    #: True when a call changes nothing outside the workspace it is given (``ctx.workspace``):
    #: the file tools, and commands run in the sandbox. Only such tools (and tools without side
    #: effects) are offered to a step's independent attempts, which run in throwaway copies of the
    #: workspace: an attempt must never send a message or post to a server a second time
    confined: bool = False

    def spec(self) -> ToolSpec:
        return ToolSpec(self.name, self.description, self.parameters)

    async def call(self, arguments: dict[str, Any], ctx: ToolContext) -> str:
        """Run the tool; the caller turns exceptions into error results.

        A plain function runs in a worker thread, so nothing it does blocks the event loop;
        past ``deadline`` the call fails (the thread is left to finish on its own)."""
        kwargs = dict(arguments)
        if self.wants_context:
            kwargs["ctx"] = ctx
        if self.side_effects and ctx is not None:
            await _before_change(ctx.workspace, arguments.get(self.writes) if self.writes else None)
        if inspect.iscoroutinefunction(self.function):
            result = await self.function(**kwargs)
        else:
            try:
                result = await in_worker_thread(lambda: self.function(**kwargs), deadline=self.deadline)
            except TimeoutError:
                raise ToolError(f"{self.name} did not finish within {self.deadline:g} s and was given up; "
                                "try another way (a FIFO or a device file cannot be read)") from None
        if inspect.isawaitable(result):
            result = await result
        if result is None:
            return ""
        return result if isinstance(result, str) else str(result)  # a ToolFailure stays one


async def _before_change(folder: Path, path: Any) -> None:
    """Tell the workspace's watchers what a side-effecting call may change (a step keeps it first, to
    be undone): the one file it names, else anything. Keeping reads files: it runs off the event loop."""
    from .workspace import before_change, watched

    if not watched(folder):
        return
    named = path if isinstance(path, str) else None
    try:
        await in_worker_thread(lambda: before_change(folder, named), deadline=KEEP_DEADLINE)
    except TimeoutError:
        log.warning("keeping what %s may change took over %g s; the call goes on", folder, KEEP_DEADLINE)


class _Workers:
    """Daemon threads for blocking calls: a free one takes the next call, else one more is started.

    Reusing threads spares each call a thread's start; a call that never returns keeps
    its thread, and the next call gets another. A thread idle for a minute ends.
    """

    def __init__(self) -> None:
        self.calls: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self.lock = threading.Lock()
        self.free = 0

    def submit(self, call: Callable[[], None]) -> None:
        with self.lock:
            start = self.free == 0
            if not start:
                self.free -= 1  # that free thread takes this call
        self.calls.put(call)
        if start:
            threading.Thread(target=self._work, name="smallclaw tool call", daemon=True).start()

    def _work(self) -> None:
        while True:
            try:
                call = self.calls.get(timeout=60)
            except queue.Empty:
                with self.lock:
                    if self.free > 0:
                        self.free -= 1
                        return
                continue
            call()
            with self.lock:
                self.free += 1


_workers = _Workers()


async def in_worker_thread(function: Callable[[], T], *, deadline: float) -> T:
    """``function()`` in a daemon worker thread; ``TimeoutError`` once ``deadline`` seconds pass.

    The thread cannot be stopped: past the deadline (or when the caller is cancelled) it is
    left to finish or block on its own. Being a daemon, it never keeps the process from
    exiting; a hung call keeps only its own thread, so it cannot starve the calls after it.
    It runs in a copy of the caller's context, so what it writes for a task the runner drives
    carries the runner's lease (``Tasks.driving``), even after the caller gave up on it.
    """
    loop = asyncio.get_running_loop()
    future: asyncio.Future[tuple[bool, Any]] = loop.create_future()
    context = contextvars.copy_context()

    def settle(outcome: tuple[bool, Any]) -> None:
        if not future.done():  # the caller may have given up
            future.set_result(outcome)

    def call() -> None:
        try:
            outcome = (True, context.run(function))
        except BaseException as exc:  # handed to the caller, raised there
            outcome = (False, exc)
        try:
            loop.call_soon_threadsafe(settle, outcome)
        except RuntimeError:
            pass  # the event loop is closed: nobody waits any more

    _workers.submit(call)
    with anyio.fail_after(deadline):
        ok, value = await future
    if not ok:
        raise value
    return value


def _json_type(annotation: Any) -> dict[str, Any]:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return _json_type(args[0])
        return {}
    if origin is typing.Literal:
        return {"enum": list(typing.get_args(annotation))}
    if origin in (list, tuple, set):
        args = typing.get_args(annotation)
        return {"type": "array", "items": _json_type(args[0]) if args else {}}
    if origin is dict or annotation is dict:
        return {"type": "object"}
    if annotation in _JSON_TYPES:
        return {"type": _JSON_TYPES[annotation]}
    return {"type": "string"}


def _param_docs(doc: str) -> tuple[str, dict[str, str]]:
    """Split a docstring into its description and ``name: text`` lines under Args."""
    lines = inspect.cleandoc(doc or "").splitlines()
    description: list[str] = []
    params: dict[str, str] = {}
    in_args = False
    for line in lines:
        stripped = line.strip()
        if stripped.lower() in ("args:", "arguments:", "parameters:"):
            in_args = True
            continue
        if in_args and ":" in stripped:
            name, text = stripped.split(":", 1)
            params[name.strip().split(" ")[0]] = text.strip()
        elif not in_args:
            description.append(line)
    return "\n".join(description).strip(), params


def tool(
    function: Callable[..., Any] | None = None,
    *,
    name: str | None = None,
    side_effects: bool = False,
    ends_round: bool = False,
    advanced: bool = False,
    deadline: float = DEADLINE,
    writes: str | None = None,
    confined: bool = False,
) -> Any:
    """Make a ``Tool`` from a typed function (usable bare or with arguments)."""

    def build(fn: Callable[..., Any]) -> Tool:
        signature = inspect.signature(fn)
        hints = typing.get_type_hints(fn)
        description, param_docs = _param_docs(fn.__doc__ or "")
        if not description:
            raise ValueError(f"tool {fn.__name__} needs a docstring: it is what the model reads")
        properties: dict[str, Any] = {}
        required: list[str] = []
        wants_context = False
        for pname, param in signature.parameters.items():
            if pname == "ctx":
                wants_context = True
                continue
            schema = _json_type(hints.get(pname, str))
            if pname in param_docs:
                schema["description"] = param_docs[pname]
            if param.default is inspect.Parameter.empty:
                required.append(pname)
            elif param.default is not None:
                schema["default"] = param.default
            properties[pname] = schema
        if writes is not None and writes not in properties:
            raise ValueError(f"tool {fn.__name__}: writes={writes!r} names no argument of it")
        parameters: dict[str, Any] = {"type": "object", "properties": properties}
        if required:
            parameters["required"] = required
        return Tool(
            name=name or fn.__name__,
            description=description,
            parameters=parameters,
            function=fn,
            side_effects=side_effects,
            wants_context=wants_context,
            ends_round=ends_round,
            advanced=advanced,
            deadline=deadline,
            writes=writes,
            confined=confined,
        )

    if function is not None:
        return build(function)
    return build


def check_arguments(t: Tool, arguments: Any) -> str | None:
    """Return an error message when ``arguments`` do not fit the tool's schema."""
    if not isinstance(arguments, dict):
        return f"arguments for {t.name} must be an object"
    props = t.parameters.get("properties", {})
    missing = [p for p in t.parameters.get("required", []) if p not in arguments]
    if missing:
        return f"{t.name} is missing required argument(s): {', '.join(missing)}"
    unknown = [a for a in arguments if a not in props]
    if unknown:
        return f"{t.name} has no argument(s) {', '.join(unknown)}; it takes {', '.join(props) or 'none'}"
    for key, value in arguments.items():
        expected = props[key].get("type")
        ok = {
            "string": isinstance(value, str),
            "integer": isinstance(value, int) and not isinstance(value, bool),
            "number": isinstance(value, (int, float)) and not isinstance(value, bool),
            "boolean": isinstance(value, bool),
            "array": isinstance(value, list),
            "object": isinstance(value, dict),
        }.get(expected, True)
        if not ok:
            return f"argument {key!r} of {t.name} must be of type {expected}"
    return None
