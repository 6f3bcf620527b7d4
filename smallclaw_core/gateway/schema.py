"""What the API sends, as types: the OpenAPI document at /schema is generated from them.

The handlers build plain dicts; these TypedDicts only describe them (Litestar reads the
handlers' return types). Documents stored by SmallClaw are described by their own attrs
classes (``Task``, ``JournalEntry``, ``Message``), so the schema cannot drift from them;
tests/test_openapi.py checks the views built here against real answers.

Every ``/api`` route but ``/api/health`` needs the token: ``TOKEN`` is the security
requirement each declares, and every error is the ``ErrorBody`` the gateway really sends.
"""

# no `from __future__ import annotations`: Litestar resolves these types at runtime
from typing import Literal, NotRequired, TypedDict

from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Components, SecurityScheme

from ..models import Message
from ..tasks import STATUSES, JournalEntry, Origin, Task

Status = Literal[STATUSES]  # type: ignore[valid-type]  # the statuses, from their one definition

BEARER = "bearer"
QUERY_TOKEN = "token_query"
#: the token in "Authorization: Bearer <token>"
TOKEN: list[dict[str, list[str]]] = [{BEARER: []}]
#: the event stream also takes ?token=, because EventSource cannot send headers
TOKEN_OR_QUERY: list[dict[str, list[str]]] = [{BEARER: []}, {QUERY_TOKEN: []}]

COMPONENTS = Components(security_schemes={
    BEARER: SecurityScheme(
        type="http", scheme="bearer",
        description="The token in the token file of the data directory; `smallclaw serve` prints it in the "
                    "board's address."),
    QUERY_TOKEN: SecurityScheme(
        type="apiKey", name="token", security_scheme_in="query",
        description="The same token as a query parameter, for EventSource, which cannot set headers."),
})


class ErrorBody(TypedDict):
    """Every error answer: a message fit to show a user, and the HTTP status again."""

    error: str
    status: int
    #: 404 for a task id: ids that start like it or look like it
    close_matches: NotRequired[list[str]]
    #: 409: the task's status, which does not allow the change
    current: NotRequired[str]
    #: 409 on an undo: the files that stopped it (changed since, or not kept)
    files: NotRequired[list[str]]


_ERRORS = {
    400: "invalid request: a parameter or the body does not fit (the message says which)",
    401: "the token is missing or wrong",
    403: "a Host or Origin this server does not answer to",
    404: "no such task (with close matches), or nothing at this address",
    409: "the task's status does not allow this change (current says which it is), or an undo would lose "
         "work (files names the files)",
    500: "an internal error; the server log has the details",
    503: "not available in this server: no model, or no chat",
}


def errors(*codes: int) -> dict[int, ResponseSpec]:
    """The error answers a route sends: always 401, 403 and 500, and these."""
    return {code: ResponseSpec(data_container=ErrorBody, description=_ERRORS[code], generate_examples=False)
            for code in sorted({401, 403, 500, *codes})}


# --- the views -------------------------------------------------------------------------


class Health(TypedDict):
    status: Literal["ok"]


class ModelRow(TypedDict):
    name: str
    #: native tool calling: true, false, or null when the backend cannot tell
    tools: bool | None
    context_length: int | None


class BackendModels(TypedDict):
    backend: str
    #: why the backend could not list its models, or null
    error: str | None
    models: list[ModelRow]


class Models(TypedDict):
    #: the executor in use, as backend:model, or null when none is available
    executor: str | None
    #: why no executor is available, or null
    problem: str | None
    #: said when the executor is too small for real work (and what to use instead), or null
    advice: str | None
    backends: list[BackendModels]


class Card(TypedDict):
    """A task as the board's card shows it (also the ``task`` of a ``task`` event)."""

    id: str
    title: str
    status: Status
    steps_done: int
    steps_total: int
    current_step: int
    pause_reason: str | None
    pause_requested: bool
    #: the command a task waits to have approved, or null
    awaiting_approval: str | None
    origin: Origin
    #: the runner host that last ran the task (its workspace holds the files), or null
    host: str | None
    created_at: float
    updated_at: float


class TaskPage(TypedDict):
    tasks: list[Card]
    total: int
    limit: int
    offset: int


class TaskWithCard(TypedDict):
    task: Task
    card: Card


class CardOnly(TypedDict):
    card: Card


class TaskDetail(TypedDict):
    task: Task
    card: Card
    journal: list[JournalEntry]
    #: the seq of the last entry sent (ask again with journal_after=this), or null
    journal_last_seq: int | None


class FileVersion(TypedDict):
    """A path's state on one side of a change."""

    kind: Literal["file", "dir", "link", "fifo", "socket", "device"]
    size: int
    #: a file's permission bits, sha256, and whether its bytes were kept (to undo with)
    mode: NotRequired[int]
    sha256: NotRequired[str | None]
    kept: NotRequired[bool]
    #: why its bytes were not kept, e.g. "too large to keep: ..."
    note: NotRequired[str]


class FileChange(TypedDict):
    path: str
    action: Literal["created", "changed", "removed"]
    kind: Literal["file", "dir", "link", "fifo", "socket", "device"]
    before: FileVersion | None
    after: FileVersion | None
    binary: bool
    #: the unified diff of a text file whose bytes were kept
    diff: NotRequired[str]
    #: the diff was cut at [workspace] diff_bytes
    diff_cut: NotRequired[bool]


class StepChange(TypedDict):
    """What one step changed (a ``change`` journal entry), and whether it was undone."""

    seq: int
    ts: float
    step: int
    #: the snapshot the change was measured from (so a change is journaled once, even across a crash)
    snapshot: str
    undone: bool
    created: int
    changed: int
    removed: int
    #: the workspace had more paths than a snapshot looks at
    truncated: bool
    files: list[FileChange]


class TaskChanges(TypedDict):
    changes: list[StepChange]
    #: an undo was interrupted (a crash): the next undo finishes it
    pending_undo: bool


class CandidateFile(TypedDict):
    """One file of an attempt's result: the text it writes, or that it removes the file."""

    path: str
    #: ``not_kept``: too large or not text, so the attempt cannot be picked as it is
    action: Literal["write", "remove", "not_kept"]
    #: the whole new text (action ``write``)
    text: NotRequired[str]
    #: the new text's size in bytes, UTF-8 (action ``write``)
    size: NotRequired[int]
    #: why the content was not kept (action ``not_kept``)
    note: NotRequired[str]


class Candidate(TypedDict):
    """What one attempt at the step made."""

    attempt: int
    summary: str
    #: why it did not vote (a check said NO, it changed nothing...), or null; it can still be picked
    failed: str | None
    #: every file's content was kept: ``POST /api/tasks/{id}/pick`` can apply it
    kept: bool
    files: list[CandidateFile]


class TaskCandidates(TypedDict):
    """The current step's attempts that did not agree, while the task waits for a choice."""

    #: the step they were made at (0 for the first), or null when nothing waits to be picked
    step: int | None
    candidates: list[Candidate]


class UndoResult(TypedDict):
    #: the steps undone, by index (0 for the first)
    steps: list[int]
    put_back: list[str]
    removed: list[str]
    #: path -> why it was left as it was
    left: dict[str, str]
    #: this call finished an undo a crash had interrupted
    finished_earlier: bool
    message: str


class UndoDone(TypedDict):
    card: Card
    undone: UndoResult


class SessionRow(TypedDict):
    key: str
    updated_at: float
    bytes: int


class SessionList(TypedDict):
    sessions: list[SessionRow]


class SessionRecord(TypedDict):
    message: Message
    #: on a delivered task result: the delivery's key and the task
    delivery: NotRequired[str]
    task_id: NotRequired[str]
    #: on a task's own conversation: the round it belongs to, and the marks of its stable head
    round: NotRequired[int]
    head: NotRequired[bool]
    reset: NotRequired[bool]


class SessionHistory(TypedDict):
    session: str
    messages: list[SessionRecord]
    total: int


class Accepted(TypedDict):
    session: str
    accepted: bool

