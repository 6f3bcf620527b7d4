"""The core chat loop, shared by chat sessions and background tasks.

One *round*: send the conversation to the model, run the tools it asks for, give it
the results, and repeat until it answers without tools or reaches the per-round
tool-call cap. A tool's failure goes back to the model as an error result; every
model call has a timeout. The conversation list is only ever appended to, so the
prompt's prefix stays the same from one call to the next and the model server can
reuse its cache.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import time
from typing import TYPE_CHECKING, Any, Callable

import anyio
import attrs

from .errors import NeedsApproval, SmallClawError, ToolError, TransportError
from .models import Message, ModelOptions, ModelReply, ModelRequest, ToolCall, Usage
from .textcalls import closest_tool, recover_calls
from .tools import Tool, ToolContext, ToolFailure, check_arguments, tool
from .verification import LoopVerdict

if TYPE_CHECKING:
    from .app import App, ModelRef

CHAT_SYSTEM_PROMPT = (
    "You are SmallClaw, a helpful assistant running on the user's own computer. "
    "Answer briefly. For work that takes several steps, use start_background_task: "
    "it runs in the background and its result comes back to this chat."
)


#: how the answer to a call that was not run begins (blocked, ended, waiting for approval)
NOT_RUN = "Not run: "


def cut_middle(text: str, limit: int) -> str:
    """Keep the head and the tail of a long text, with a note of what was cut."""
    if limit <= 0 or len(text) <= limit:
        return text
    head = limit * 2 // 3
    tail = limit - head
    cut = len(text) - head - tail
    return f"{text[:head]}\n[... {cut} characters cut ...]\n{text[-tail:]}"


def call_key(call: ToolCall) -> str:
    """A stable hash of a call: tool name plus canonical arguments."""
    def normal(value: Any) -> Any:
        if isinstance(value, str):
            return " ".join(value.split())
        if isinstance(value, dict):
            return {k: normal(v) for k, v in value.items()}
        if isinstance(value, list):
            return [normal(v) for v in value]
        return value

    canonical = json.dumps([call.name, normal(call.arguments)], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


@attrs.define
class RoundResult:
    answer: str = ""
    #: how the round ended: "answer" (the model replied without tools), "done" (a tool that
    #: ends the round was called), "repeat" (a repeated call ended it for a check),
    #: "cap" (the tool-call cap), "pause" (a loop detector)
    stopped: str = "answer"
    tool_calls: int = 0
    pause_reason: str | None = None
    usage: list[Usage] = attrs.field(factory=list)
    #: (call key, result hash) of every call of the round, for progress detection
    fingerprints: list[tuple[str, str]] = attrs.field(factory=list)
    #: the output of the round's last call that succeeded
    last_output: str = ""


@attrs.define
class RoundObserver:
    """Callbacks the runner uses to journal and police a round (all optional).

    ``before_call`` may answer ``allow``, ``block`` (the model sees the message instead
    of a result), ``pause`` (the round stops, the task needs the user) or ``end`` (the
    round stops here and the step is checked).
    """

    tool_started: Callable[[ToolCall, Tool | None], Any] | None = None
    tool_finished: Callable[[ToolCall, str, bool], Any] | None = None
    model_called: Callable[[ModelReply, float], Any] | None = None
    before_call: Callable[[ToolCall], LoopVerdict] | None = None
    after_call: Callable[[ToolCall, str], LoopVerdict | None] | None = None
    message_added: Callable[[Message], Any] | None = None
    #: calls the model wrote as text under native tool calling, and that text
    recovered: Callable[[list[ToolCall], str], Any] | None = None


async def _maybe(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


async def model_call(ref: "ModelRef", request: ModelRequest, *, json_protocol: bool = False) -> ModelReply:
    """One model call with its timeout; a timeout is a transport error."""
    show = None
    if json_protocol:
        from .toolprotocol import from_json_protocol, to_json_protocol

        # raw protocol JSON is not for the user's eyes: show only a final answer
        show, request.on_text = request.on_text, None
        request = to_json_protocol(request)
        request.on_text = None
    try:
        with anyio.fail_after(request.timeout):
            reply = await ref.backend.chat(request)
    except TimeoutError:
        raise TransportError(f"{ref} did not answer within {request.timeout:g} s") from None
    except (SmallClawError, anyio.get_cancelled_exc_class()):
        raise
    except (OSError, ConnectionError) as exc:
        raise TransportError(f"{ref}: {exc}") from exc
    if json_protocol:
        reply = from_json_protocol(reply)
        if show is not None and reply.content and not reply.tool_calls:
            await _maybe(show(reply.content))
    return reply


async def wants_json_protocol(app: "App", ref: "ModelRef") -> bool:
    mode = app.config.models.tool_protocol
    if mode in ("json", "native"):
        return mode == "json"
    info = await app.model_info(ref)
    if info is None:
        return False  # unknown: try native; the backend says if it cannot
    from .toolprotocol import uses_json_protocol

    return uses_json_protocol(mode, info)


class _Calls:
    """Runs the calls of one round: policing, running, observing, answering in the conversation."""

    def __init__(self, messages: list[Message], tools: dict[str, Tool], ctx: ToolContext, obs: RoundObserver,
                 output_limit: int, result: RoundResult):
        self.messages = messages
        self.tools = tools
        self.ctx = ctx
        self.obs = obs
        self.output_limit = output_limit
        self.result = result

    async def add(self, message: Message) -> None:
        self.messages.append(message)
        if self.obs.message_added:
            await _maybe(self.obs.message_added(message))

    async def answer(self, c: ToolCall, text: str) -> None:
        await self.add(Message("tool", text, tool_call_id=c.id, name=c.name))

    async def run(self, c: ToolCall, *, policed: bool = True) -> bool:
        """Run one call and answer it; True when the round must end after it."""
        obs, result = self.obs, self.result
        verdict = obs.before_call(c) if (obs.before_call and policed) else LoopVerdict()
        if verdict.action in ("pause", "end"):
            result.stopped = "pause" if verdict.action == "pause" else "repeat"
            result.pause_reason = verdict.message if verdict.action == "pause" else None
            if obs.tool_started:
                await _maybe(obs.tool_started(c, self.tools.get(c.name)))
            if obs.tool_finished:
                await _maybe(obs.tool_finished(c, NOT_RUN + verdict.message, True))
            await self.answer(c, NOT_RUN + verdict.message)
            return True
        t = self.tools.get(c.name)
        if verdict.action == "block":
            output, failed = NOT_RUN + verdict.message, True
            if obs.tool_started:
                await _maybe(obs.tool_started(c, t))
        else:
            try:
                output, failed = await _run_tool(c, self.tools, self.ctx, obs, self.output_limit)
            except NeedsApproval as exc:
                exc.call = c
                # the start record gets its answer, so recovery does not mistake it for a crash
                if obs.tool_finished:
                    await _maybe(obs.tool_finished(c, f"{NOT_RUN}waiting for the user's approval ({exc})", True))
                raise
            raw = output
            if obs.after_call and not (t is not None and t.ends_round):
                late = obs.after_call(c, output)
                if late is not None and late.action == "warn":
                    output = f"{output}\n\n[{late.message}]"
            if not (t is not None and t.ends_round):  # reporting is not progress
                result.fingerprints.append((call_key(c), hashlib.sha256(raw.encode()).hexdigest()[:16]))
        if obs.tool_finished:
            await _maybe(obs.tool_finished(c, output, failed))
        await self.answer(c, output)
        if t is not None and t.ends_round and not failed:
            result.stopped = "done"
            result.answer = output
            return True
        if not failed:
            result.last_output = output
        return False


async def run_round(
    ref: "ModelRef",
    messages: list[Message],
    tools: dict[str, Tool],
    tool_ctx: ToolContext,
    *,
    max_tool_calls: int = 12,
    timeout: float = 120.0,
    options: ModelOptions | None = None,
    output_limit: int = 4000,
    json_protocol: bool = False,
    observer: RoundObserver | None = None,
    on_text: Callable[[str], Any] | None = None,
    first_calls: list[ToolCall] | None = None,
) -> RoundResult:
    """Run one round of the chat loop, appending to ``messages`` as it goes.

    ``first_calls`` are run before the model is asked (calls the user approved, whose
    assistant message is already in ``messages``). Raises ``TransportError``/``ModelError``
    from the model and ``NeedsApproval`` from a tool that needs the user's approval;
    everything else a tool raises becomes an error result the model sees.
    """
    obs = observer or RoundObserver()
    result = RoundResult()
    calls = _Calls(messages, tools, tool_ctx, obs, output_limit, result)
    specs = [t.spec() for t in tools.values()]
    for c in first_calls or ():
        result.tool_calls += 1
        if await calls.run(c, policed=False):
            return result

    while True:
        request = ModelRequest(model=ref.model, messages=list(messages), tools=specs,
                               options=options or ModelOptions(), timeout=timeout, on_text=on_text)
        started = time.perf_counter()
        reply = await model_call(ref, request, json_protocol=json_protocol)
        if not json_protocol and tools and not reply.tool_calls:
            # a small model writes its native call as text: {"name": ..., "arguments": ...}
            written = reply.content
            reply, found = recover_calls(reply)
            if found and obs.recovered:
                await _maybe(obs.recovered(found, written))
        result.usage.append(reply.usage)
        if obs.model_called:
            await _maybe(obs.model_called(reply, time.perf_counter() - started))
        wanted = reply.tool_calls
        for i, c in enumerate(wanted):
            if not c.id:
                c.id = f"call_{len(messages)}_{i}"
        await calls.add(Message("assistant", reply.content, tool_calls=list(wanted)))
        if not wanted:
            result.answer = reply.content.strip()
            return result
        for i, c in enumerate(wanted):
            if result.tool_calls >= max_tool_calls:
                for late in wanted[i:]:
                    await calls.answer(late, f"{NOT_RUN}the limit of {max_tool_calls} tool calls for this "
                                             "round is reached. Report what you have done so far.")
                result.stopped = "cap"
                result.answer = reply.content.strip()
                return result
            result.tool_calls += 1
            if await calls.run(c):
                for late in wanted[i + 1:]:  # every call gets its answer, even when the round ends early
                    await calls.answer(late, NOT_RUN + "the round ended before this call.")
                if not result.answer and result.stopped != "done":
                    result.answer = reply.content.strip()
                return result


async def _run_tool(c: ToolCall, tools: dict[str, Tool], ctx: ToolContext, obs: RoundObserver,
                    output_limit: int) -> tuple[str, bool]:
    t = tools.get(c.name)
    if t is None:
        names = ", ".join(sorted(tools)) or "none"
        if obs.tool_started:
            await _maybe(obs.tool_started(c, None))
        closest = closest_tool(c.name, sorted(tools))
        hint = f" The closest is {closest}; call it by that name." if closest else ""
        return f"Error: there is no tool named {c.name!r}; nothing was run.{hint} Available tools: {names}.", True
    problem = check_arguments(t, c.arguments)
    if obs.tool_started:
        await _maybe(obs.tool_started(c, t))
    if problem:
        return f"Error: {problem}.", True
    try:
        output = await t.call(c.arguments, ctx)
        failed = isinstance(output, ToolFailure)
    except NeedsApproval:
        raise
    except ToolError as exc:
        output, failed = f"Error: {exc}", True
    except (SmallClawError, Exception) as exc:  # a tool bug must not end the round
        output, failed = f"Error: {c.name} failed: {type(exc).__name__}: {exc}", True
    return cut_middle(output, output_limit), failed


# --- chat sessions ------------------------------------------------------------------


@tool(side_effects=True)
async def start_background_task(goal: str, ctx: ToolContext, steps: list[str] | None = None) -> str:
    """Start a background task for work with several steps; its result comes back to this chat.

    Args:
        goal: what the task should achieve, in full
        steps: optional plan steps
    """
    from .tasks import Origin

    app = ctx.app
    origin = ctx.origin or Origin(channel="chat", session=ctx.session_key)
    task = app.tasks.create(goal, steps or [], origin=origin)
    return f"Started background task {task.id}: {task.title}. Its result will be posted here."


async def chat_turn(app: "App", session_key: str, text: str, *, origin: Any = None,
                    on_text: Callable[[str], Any] | None = None) -> str:
    """Answer one user message in a chat session, using the same loop as tasks.

    The session's history is persisted; a chat request goes before the next
    background round on the same model.
    """
    from .scheduling import gate_for
    from .tasks import Origin

    origin = origin or Origin(channel="chat", session=session_key)
    history = app.sessions.history(session_key)
    messages = [Message("system", CHAT_SYSTEM_PROMPT)] + [m for m in history if m.role != "system"]
    user = Message("user", text)
    messages.append(user)
    app.sessions.append(session_key, user)
    app.bus.publish("session_message", None, session=session_key, message={"role": "user", "content": text})
    ref = await app.model_for("executor")
    tools = {"start_background_task": start_background_task}
    ctx = ToolContext(workspace=app.workspace_for(None), session_key=session_key, app=app, origin=origin)

    def persist(message: Message) -> None:
        app.sessions.append(session_key, message)

    cfg = app.config
    async with gate_for(app, ref.backend_name).interactive():
        result = await run_round(
            ref, messages, tools, ctx,
            max_tool_calls=cfg.chat.max_tool_calls, timeout=cfg.models.timeout,
            options=ModelOptions(num_ctx=cfg.models.num_ctx, temperature=cfg.models.temperature),
            output_limit=cfg.chat.tool_output_limit,
            json_protocol=await wants_json_protocol(app, ref),
            observer=RoundObserver(message_added=persist), on_text=on_text,
        )
    app.bus.publish("session_message", None, session=session_key,
                    message={"role": "assistant", "content": result.answer})
    return result.answer

