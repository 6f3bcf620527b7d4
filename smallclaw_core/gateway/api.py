"""The REST API under ``/api``: tasks, sessions, plugins, models and health.

Every change goes through ``app.tasks`` (``control.py``), so it is validated,
journaled and announced on the event bus exactly as a CLI change is. Handlers that
touch the disk run in a worker thread, keeping the event loop free for streams.
"""

from __future__ import annotations

import importlib.util
import logging
from typing import Annotated

import msgspec
from litestar import Response, delete, get, post, put
from litestar.params import Parameter
from litestar.status_codes import HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT

from ..control import task_summary
from ..documents import unstructure
from ..errors import SmallClawError
from ..models import too_small_advice
from ..plugins import PluginInfo
from ..sessions import is_session_key
from ..tasks import Origin, Task
from .context import Gateway
from .schema import (
    TOKEN, Accepted, Card, CardOnly, Health, Models, SessionHistory, SessionList, Status, TaskCandidates,
    TaskChanges, TaskDetail, TaskPage, TaskWithCard, UndoDone, errors,
)

log = logging.getLogger("smallclaw.gateway")

SESSION_KEY = r"^[A-Za-z0-9_.:-]{1,128}$"
#: seconds an undo waits for a running task to pause, before it answers 409 (undo again then)
UNDO_WAIT = 15.0
StepText = Annotated[str, msgspec.Meta(min_length=1, max_length=4000)]
CheckText = Annotated[str, msgspec.Meta(max_length=1000)]


# --- request bodies -------------------------------------------------------------------


class Body(msgspec.Struct, forbid_unknown_fields=True):
    """A request body whose text is stored as sent, except a NUL, which no text needs.

    Other control characters are kept (and escaped when a terminal shows them); a NUL
    would cut the text short in C code and make a file name unusable, so it is a 400.
    """

    def __post_init__(self) -> None:
        for name in self.__struct_fields__:
            value = getattr(self, name)
            for text in (value if isinstance(value, list) else [value]):
                if isinstance(text, str) and "\x00" in text:
                    raise ValueError(f"{name} contains a NUL character (\\x00); remove it")


class NewTask(Body):
    """A task to create. Without steps, the runner plans it."""

    goal: Annotated[str, msgspec.Meta(min_length=1, max_length=20000, description="what should be done")]
    steps: Annotated[list[StepText], msgspec.Meta(max_length=20)] = []
    #: a check per step, same positions, e.g. "file_exists: report.md"
    checks: Annotated[list[CheckText | None], msgspec.Meta(max_length=20)] | None = None
    title: Annotated[str, msgspec.Meta(max_length=200)] | None = None
    #: the web chat session that gets the result
    session: Annotated[str, msgspec.Meta(pattern=SESSION_KEY)] | None = None


class Resume(Body):
    """How to resume: an optional note for the model, and a decision when a command waits for approval."""

    note: Annotated[str, msgspec.Meta(max_length=4000)] | None = None
    approve: bool | None = None


class Pick(Body):
    """Which attempt's result to take, when a step's attempts did not agree."""

    attempt: Annotated[int, msgspec.Meta(ge=1, le=100)]


class PlanEdit(Body):
    """The new remaining steps (done steps are kept)."""

    steps: Annotated[list[StepText], msgspec.Meta(min_length=1, max_length=20)]
    checks: Annotated[list[CheckText | None], msgspec.Meta(max_length=20)] | None = None


class Undo(Body):
    """Which changes to undo: a step's (by index, 0 for the first), every step's, or (neither) the last
    step's that changed anything; ``force`` puts back files changed since too."""

    step: Annotated[int, msgspec.Meta(ge=0, le=1000)] | None = None
    all: bool = False
    force: bool = False


class ChatMessage(Body):
    text: Annotated[str, msgspec.Meta(min_length=1, max_length=20000)]


# --- views ----------------------------------------------------------------------------


def card(task: Task) -> Card:
    """A task as the board's card shows it: the bus summary plus what needs the user."""
    return {**task_summary(task), "awaiting_approval": task.awaiting_approval}


def _session_key(key: str) -> str:
    if not is_session_key(key):
        from ..control import InvalidRequest

        shown = repr(key) if len(key) <= 128 else f"{key[:40]!r}... ({len(key)} characters)"
        raise InvalidRequest(f"invalid session key {shown}: use letters, digits and _ . : - (at most 128)")
    return key


# --- health, plugins, models ----------------------------------------------------------


@get("/api/health", sync_to_thread=False, summary="Is the server up (no token needed)", security=[])
def health() -> Health:
    return {"status": "ok"}


@get("/api/plugins", sync_to_thread=True, summary="Plugins, their hooks and what they registered",
     security=TOKEN, responses=errors())
def plugins(gateway: Gateway) -> list[PluginInfo]:
    import attrs

    core = gateway.core
    core.collect_all()
    return [attrs.asdict(p) for p in core.plugins.plugins]


@get("/api/models", summary="The models each backend offers, and the executor in use", security=TOKEN,
     responses=errors())
async def models(gateway: Gateway) -> Models:
    core = gateway.core
    rows = []
    for name in core.backends.names():
        try:
            found = await core.backend(name).list_models()
            rows.append({"backend": name, "error": None, "models": [
                {"name": m.name, "tools": m.supports_tools, "context_length": m.context_length} for m in found]})
        except SmallClawError as exc:
            rows.append({"backend": name, "error": str(exc), "models": []})
    advice = None
    try:
        ref = await core.model_for("executor")
        executor: str | None = str(ref)
        problem = None
        advice = too_small_advice(await core.model_info(ref))
    except SmallClawError as exc:
        executor, problem = None, str(exc)
    return {"executor": executor, "problem": problem, "advice": advice, "backends": rows}


# --- tasks ----------------------------------------------------------------------------


@get("/api/tasks", sync_to_thread=True, summary="List tasks, newest first", security=TOKEN, responses=errors(400))
def list_tasks(
    gateway: Gateway,
    status: Status | None = None,
    limit: Annotated[int, Parameter(ge=1, le=1000)] = 200,
    offset: Annotated[int, Parameter(ge=0)] = 0,
) -> TaskPage:
    tasks = gateway.core.tasks.list(status)
    tasks.reverse()
    page = tasks[offset: offset + limit]
    return {"tasks": [card(t) for t in page], "total": len(tasks), "limit": limit, "offset": offset}


@post("/api/tasks", sync_to_thread=True, summary="Create a task", security=TOKEN, responses=errors(400))
def create_task(gateway: Gateway, data: NewTask) -> TaskWithCard:
    origin = Origin(channel="web", session=data.session and _session_key(data.session))
    task = gateway.core.tasks.create(data.goal, data.steps, title=data.title, origin=origin,
                                     checks=data.checks)
    return {"task": unstructure(task), "card": card(task)}


@get("/api/tasks/{task_id:str}", sync_to_thread=True,
     summary="A task, with a page of its journal (the latest entries unless journal_after is given)",
     security=TOKEN, responses=errors(400, 404))
def get_task(
    gateway: Gateway,
    task_id: str,
    journal_after: Annotated[int | None, Parameter(ge=0)] = None,
    journal_limit: Annotated[int, Parameter(ge=1, le=1000)] = 100,
) -> TaskDetail:
    core = gateway.core
    task = core.tasks.get(task_id)
    if journal_after is None:
        entries = core.store.journal_tail(task.id, journal_limit)
    else:
        entries = core.store.journal(task.id, after=journal_after, limit=journal_limit)
    return {
        "task": unstructure(task),
        "card": card(task),
        "journal": [unstructure(e) for e in entries],
        "journal_last_seq": entries[-1].seq if entries else journal_after,
    }


@post("/api/tasks/{task_id:str}/pause", sync_to_thread=True, status_code=200,
      summary="Pause: a queued task at once, a running one at the end of its round", security=TOKEN,
      responses=errors(400, 404, 409))
def pause_task(gateway: Gateway, task_id: str) -> CardOnly:
    return {"card": card(gateway.core.tasks.pause(task_id))}


@post("/api/tasks/{task_id:str}/resume", sync_to_thread=True, status_code=200,
      summary="Resume a paused or needs_assistance task, with an optional note and approval decision",
      security=TOKEN, responses=errors(400, 404, 409))
def resume_task(gateway: Gateway, task_id: str, data: Resume | None = None) -> CardOnly:
    data = data or Resume()
    return {"card": card(gateway.core.tasks.resume(task_id, data.note, approve=data.approve))}


@post("/api/tasks/{task_id:str}/pick", sync_to_thread=True, status_code=200,
      summary="Take one attempt's result when a step's attempts did not agree, and go on from the next step",
      security=TOKEN, responses=errors(400, 404, 409))
def pick_attempt(gateway: Gateway, task_id: str, data: Pick) -> CardOnly:
    return {"card": card(gateway.core.tasks.pick(task_id, data.attempt))}


@get("/api/tasks/{task_id:str}/candidates", sync_to_thread=True,
     summary="What each attempt at the current step made, when they did not agree and the task waits for a "
             "choice (empty otherwise)", security=TOKEN, responses=errors(400, 404))
def task_candidates(gateway: Gateway, task_id: str) -> TaskCandidates:
    core = gateway.core
    offered = core.tasks.candidates(core.tasks.get(task_id))
    if offered is None:
        return {"step": None, "candidates": []}
    return {"step": offered.get("step"), "candidates": [_candidate_view(c) for c in offered.get("candidates", [])]}


def _candidate_view(c: dict) -> dict:
    """A ``candidates`` journal entry's attempt with its files listed (a null text is a removal,
    unless the path is named in ``not_kept``, or an older entry says not everything was kept)."""
    not_kept = c.get("not_kept", {} if c.get("kept", True) else None)
    files = []
    for path, text in sorted((c.get("change") or {}).items()):
        if text is not None:
            files.append({"path": path, "action": "write", "text": text, "size": len(text.encode("utf-8"))})
        elif not_kept is not None and path not in not_kept:
            files.append({"path": path, "action": "remove"})
        else:
            why = not_kept.get(path) if not_kept else "removed, or too large or not text to keep"
            files.append({"path": path, "action": "not_kept", "note": why})
    return {"attempt": c.get("attempt"), "summary": c.get("summary", ""), "failed": c.get("failed"),
            "kept": c.get("kept", True), "files": files}


@post("/api/tasks/{task_id:str}/cancel", sync_to_thread=True, status_code=200, summary="Cancel a task",
      security=TOKEN, responses=errors(400, 404, 409))
def cancel_task(gateway: Gateway, task_id: str) -> CardOnly:
    return {"card": card(gateway.core.tasks.cancel(task_id))}


@delete("/api/tasks/{task_id:str}", sync_to_thread=True, status_code=HTTP_204_NO_CONTENT,
        summary="Delete a task and its journal (cancel a running one first)", security=TOKEN,
        responses=errors(400, 404, 409))
def delete_task(gateway: Gateway, task_id: str) -> None:
    gateway.core.tasks.delete(task_id)


@put("/api/tasks/{task_id:str}/steps", sync_to_thread=True,
     summary="Replace the steps not done yet (queued, paused or needs_assistance tasks)", security=TOKEN,
     responses=errors(400, 404, 409))
def edit_plan(gateway: Gateway, task_id: str, data: PlanEdit) -> TaskWithCard:
    task = gateway.core.tasks.edit_plan(task_id, list(data.steps), checks=data.checks)
    return {"task": unstructure(task), "card": card(task)}


@get("/api/tasks/{task_id:str}/changes", sync_to_thread=True,
     summary="What each step changed in the workspace: paths, sizes, unified diffs, and whether it was undone",
     security=TOKEN, responses=errors(400, 404))
def task_changes(gateway: Gateway, task_id: str) -> TaskChanges:
    from ..undo import history

    core = gateway.core
    past = history(core, core.tasks.get(task_id).id)
    return {"changes": [{"seq": e.seq, "ts": e.ts, "undone": e.seq in past.undone, **e.data} for e in past.changes],
            "pending_undo": past.pending is not None}


@post("/api/tasks/{task_id:str}/undo", sync_to_thread=True, status_code=200,
      summary="Put back what a step (or every step) changed; a running task is paused first",
      security=TOKEN, responses=errors(400, 404, 409))
def undo_task(gateway: Gateway, task_id: str, data: Undo | None = None) -> UndoDone:
    from ..undo import undo

    data = data or Undo()
    core = gateway.core
    done = undo(core, task_id, step=data.step, everything=data.all, force=data.force, wait=UNDO_WAIT)
    result = {"steps": done.steps, "put_back": done.put_back, "removed": done.removed, "left": done.left,
              "finished_earlier": done.finished_earlier, "message": done.message}
    return {"card": card(core.tasks.get(task_id)), "undone": result}


# --- sessions -------------------------------------------------------------------------


@get("/api/sessions", sync_to_thread=True, summary="Chat sessions, most recent first", security=TOKEN,
     responses=errors(400))
def list_sessions(gateway: Gateway, prefix: Annotated[str | None, Parameter(max_length=128)] = None
                  ) -> SessionList:
    return {"sessions": gateway.core.sessions.summaries(prefix)}


@get("/api/sessions/{key:str}", sync_to_thread=True, summary="A session's history (an unknown session is empty)",
     security=TOKEN, responses=errors(400))
def session_history(gateway: Gateway, key: str,
                    limit: Annotated[int, Parameter(ge=1, le=1000)] = 200) -> SessionHistory:
    records = [r for r in gateway.core.sessions.records(_session_key(key)) if "message" in r]
    return {"session": key, "messages": records[-limit:], "total": len(records)}


@post("/api/sessions/{key:str}/messages", status_code=HTTP_202_ACCEPTED,
      summary="Send a chat message; the reply arrives as a session_message event", security=TOKEN,
      responses=errors(400, 503))
async def post_message(gateway: Gateway, key: str, data: ChatMessage) -> Response[Accepted]:
    _session_key(key)
    if gateway.jobs is None or importlib.util.find_spec("smallclaw_core.chat") is None:
        return Response({"error": "chat is not available in this server", "status": 503}, status_code=503)
    text = data.text.strip()
    if not text:
        from ..control import InvalidRequest

        raise InvalidRequest("a message cannot be empty")
    gateway.jobs.start_soon(_chat_turn, gateway, key, text)
    return Response({"session": key, "accepted": True}, status_code=HTTP_202_ACCEPTED)


async def _chat_turn(gateway: Gateway, key: str, text: str) -> None:
    """One chat turn in the background; failures reach the board as a ``session_error`` event."""
    from ..chat import chat_turn

    core = gateway.core
    async with gateway.chat_lock(key):
        try:
            await chat_turn(core, key, text, origin=Origin(channel="web", session=key))
        except SmallClawError as exc:
            core.bus.publish("session_error", None, session=key, error=str(exc))
        except Exception as exc:  # a bug in a turn must not take the server down
            log.exception("chat turn in session %s failed", key)
            core.bus.publish("session_error", None, session=key,
                             error=f"the chat failed ({type(exc).__name__}: {exc})")


API_HANDLERS = [
    health, plugins, models, list_tasks, create_task, get_task, pause_task, resume_task, pick_attempt, task_candidates,
    cancel_task, delete_task, edit_plan, task_changes, undo_task, list_sessions, session_history, post_message,
]
