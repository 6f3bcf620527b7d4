// SmallClaw board: tasks by status, a live task panel and a chat panel.
// State comes from the REST API once, then from the event stream (/api/events);
// on "ready" or "resync" (a first connection, or a gap the server cannot replay)
// everything is fetched again. Text from tasks is always set with textContent.

const COLUMNS = [
  { id: "queued", title: "Queued", statuses: ["queued"] },
  { id: "running", title: "In progress", statuses: ["running"] },
  { id: "needs", title: "Needs you", statuses: ["needs_assistance"] },
  { id: "paused", title: "Paused", statuses: ["paused"] },
  { id: "complete", title: "Complete", statuses: ["complete"] },
  { id: "failed", title: "Failed / Cancelled", statuses: ["failed", "cancelled"] },
];
const FINISHED = new Set(["complete", "failed", "cancelled"]);
const $ = (id) => document.getElementById(id);

const state = {
  token: null,
  tasks: new Map(),      // id -> card summary
  selected: null,        // id of the task in the detail panel
  detail: null,          // the full task in the detail panel
  journal: new Map(),    // seq -> entry, for the selected task
  session: null,         // this browser's chat session key
  source: null,          // the EventSource
  waitingReply: false,
  shell: null,           // how commands run (GET /api/shell), null without the shell tools
  changes: [],           // what each step of the selected task changed (GET /api/tasks/{id}/changes)
  changesStale: true,    // a change or undo entry arrived since they were fetched
  openSteps: new Set(),  // steps of the selected task whose changes are shown
  undoNotes: new Map(),  // step index (or "all") -> {text, error, force}: what the last undo said
  candidates: null,      // the current step's attempts that did not agree (GET /api/tasks/{id}/candidates)
  candidatesFor: null,   // the status, step and round they were fetched for: fetched again when these move
  pickNote: null,        // {text} or {error}: what the last "Use this one" said
};

// --- small DOM helper -----------------------------------------------------------------

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "text") node.textContent = value;
    else if (key === "className") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "style") Object.assign(node.style, value);  // CSSOM: allowed by the CSP
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function ago(ts) {
  if (!ts) return "";
  const s = Math.max(0, Date.now() / 1000 - ts);
  if (s < 60) return `${Math.floor(s)}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86400)}d ago`;
}

function when(ts) {
  return ts ? new Date(ts * 1000).toLocaleString() : "—";
}

// --- the token and the API ------------------------------------------------------------

function takeToken() {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get("token");
  if (fromUrl) {
    localStorage.setItem("smallclaw.token", fromUrl);
    url.searchParams.delete("token");
    history.replaceState(null, "", url.pathname + url.search + url.hash);
  }
  return localStorage.getItem("smallclaw.token");
}

class ApiError extends Error {
  constructor(status, message, data) { super(message); this.status = status; this.data = data || {}; }
}

async function api(method, path, body) {
  const options = { method, headers: { Authorization: `Bearer ${state.token}` } };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const response = await fetch(path, options);
  if (response.status === 401) { showLogin(); throw new ApiError(401, "the token was refused"); }
  if (response.status === 204) return null;
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(response.status, data.error || `${method} ${path} failed (${response.status})`, data);
  return data;
}

function showLogin() {
  $("login").hidden = false;
  setConnection("the token is missing or wrong", "down");
  if (state.source) { state.source.close(); state.source = null; }
}

// --- the board ------------------------------------------------------------------------

function buildColumns() {
  const board = $("board");
  board.replaceChildren(...COLUMNS.map((c) => el("section", { className: "column", "data-column": c.id, "aria-labelledby": `col-${c.id}` },
    el("h2", { id: `col-${c.id}` }, c.title, el("span", { className: "count", "data-count": c.id, text: "0" })),
    el("ol", { "data-list": c.id }))));
}

function columnOf(status) {
  return COLUMNS.find((c) => c.statuses.includes(status)) || COLUMNS[0];
}

function renderCard(task) {
  const done = task.steps_done || 0;
  const total = task.steps_total || 0;
  const pct = total ? Math.round((100 * done) / total) : 0;
  const needsYou = task.status === "needs_assistance" || !!task.awaiting_approval;
  const button = el("button", {
    type: "button", className: "card", "data-task": task.id, "data-status": task.status,
    "aria-current": state.selected === task.id ? "true" : null,
    onclick: () => openDetail(task.id),
  },
  el("span", { className: "card-title", text: task.title }),
  el("div", { className: "progress", role: "progressbar", "aria-label": "steps done", "aria-valuemin": "0",
    "aria-valuemax": String(total), "aria-valuenow": String(done) }, el("span", { style: { width: `${pct}%` } })),
  el("span", { className: "card-meta" },
    el("span", { "data-progress": "", text: total ? `${done}/${total} steps` : "planning" }),
    task.host ? el("span", { "data-host": "", title: "the runner host whose workspace holds its files", text: task.host }) : null,
    el("span", { "data-ago": String(task.updated_at), text: ago(task.updated_at) })),
  needsYou ? el("span", { className: "badge", text: "needs you" }) : null,
  task.pause_requested ? el("span", { className: "badge soft", text: "pausing…" }) : null);
  return el("li", {}, button);
}

function renderBoard() {
  const byColumn = new Map(COLUMNS.map((c) => [c.id, []]));
  for (const task of state.tasks.values()) byColumn.get(columnOf(task.status).id).push(task);
  for (const column of COLUMNS) {
    const tasks = byColumn.get(column.id).sort((a, b) => b.updated_at - a.updated_at);
    const list = document.querySelector(`[data-list="${column.id}"]`);
    const focused = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.task : null;
    list.replaceChildren(...tasks.map(renderCard));
    document.querySelector(`[data-count="${column.id}"]`).textContent = String(tasks.length);
    if (focused) {
      const again = document.querySelector(`.card[data-task="${CSS.escape(focused)}"]`);
      if (again) again.focus();
    }
  }
}

let boardQueued = false;
function scheduleBoard() {
  // many events can arrive at once (a replay); draw once per frame
  if (boardQueued) return;
  boardQueued = true;
  requestAnimationFrame(() => { boardQueued = false; renderBoard(); });
}

// A card can arrive late: a request's answer after the event stream already told of a later change
// (a picked attempt's task can finish before the pick's answer is read). The newer write wins: the
// store makes a task's updated_at grow with every write.
function newer(old, card) {
  return !old || !(old.updated_at > card.updated_at);
}

function keepCard(card) {
  const old = state.tasks.get(card.id);
  if (!newer(old, card)) return false;
  state.tasks.set(card.id, card);
  return true;
}

async function loadTasks() {
  const data = await api("GET", "/api/tasks?limit=1000");
  const held = state.tasks;
  state.tasks = new Map(data.tasks.map((t) => [t.id, newer(held.get(t.id), t) ? t : held.get(t.id)]));
  renderBoard();
}

// --- the detail panel -----------------------------------------------------------------

async function openDetail(id) {
  const opening = state.selected !== id;
  state.selected = id;
  if (opening) {
    state.journal = new Map();
    state.changes = [];
    state.changesStale = true;
    state.openSteps = new Set();
    state.undoNotes = new Map();
    state.candidates = null;
    state.candidatesFor = null;
    state.pickNote = null;
  }
  $("detail").hidden = false;
  await refreshDetail();
  scheduleBoard();
  if (opening) $("detail-title").focus();
}

function closeDetail() {
  const id = state.selected;
  state.selected = null;
  state.detail = null;
  $("detail").hidden = true;
  renderBoard();
  const card = id && document.querySelector(`.card[data-task="${CSS.escape(id)}"]`);
  if (card) card.focus();
}

async function refreshDetail() {
  const id = state.selected;
  if (!id) return;
  const last = Math.max(0, ...state.journal.keys());
  const query = last ? `journal_after=${last}&journal_limit=1000` : "journal_limit=200";
  let data;
  try {
    data = await api("GET", `/api/tasks/${encodeURIComponent(id)}?${query}`);
  } catch (err) {
    if (err.status === 404) { state.tasks.delete(id); closeDetail(); return; }
    throw err;
  }
  if (state.selected !== id) return;
  if (state.changesStale) {
    state.changesStale = false;
    const changes = await api("GET", `/api/tasks/${encodeURIComponent(id)}/changes`);
    if (state.selected !== id) return;
    state.changes = changes.changes;
  }
  // attempts to choose between exist only while the task waits; the entry names its step and round
  const t = data.task;
  const waiting = t.status === "paused" || t.status === "needs_assistance";
  const key = waiting ? `${t.status}:${t.current_step}:${t.last_round_seq}` : null;
  if (key === null) {
    state.candidates = null;
    state.candidatesFor = null;
  } else if (key !== state.candidatesFor) {
    const offered = await api("GET", `/api/tasks/${encodeURIComponent(id)}/candidates`);
    if (state.selected !== id) return;
    state.candidates = offered.candidates.length ? offered : null;
    state.candidatesFor = key;
  }
  if (!keepCard(data.card)) { scheduleDetail(); return; }  // an event told of a later change: ask again
  state.detail = data.task;
  for (const entry of data.journal) state.journal.set(entry.seq, entry);
  renderDetail();
}

let detailTimer = null;
function scheduleDetail() {
  clearTimeout(detailTimer);
  detailTimer = setTimeout(() => refreshDetail().catch(report), 60);
}

function folded(label, text) {
  // long texts (prompts, tool output) stay one click away
  return el("details", {}, el("summary", { text: label }), el("pre", { text }));
}

function describeEntry(entry) {
  const d = entry.data || {};
  switch (entry.kind) {
    case "tool_call":
      return [el("code", { text: `${d.name}(${JSON.stringify(d.arguments || {})})` })];
    case "tool_result": {
      const text = String(d.result ?? "");
      const head = `${d.name || "tool"} ${d.error ? "failed" : "returned"}`;
      return text.length > 160 ? [folded(`${head}: ${text.slice(0, 120)}…`, text)] : [head + (text ? ": " : ""), text ? el("pre", { text }) : null];
    }
    case "verification":
      return [`${d.passed ? "YES" : "NO"}${d.source ? ` (${d.source})` : ""}: ${d.reason || ""}`];
    case "plan_change":
      return [`plan by ${d.by || "?"}: `, el("pre", { text: (d.steps || []).map((s, i) => `${i + 1}. ${s}`).join("\n") })];
    case "summary":
      return [el("pre", { text: d.text || d.summary || JSON.stringify(d) })];
    case "round":
      return [folded(`round ${d.round}, step ${(d.step ?? 0) + 1}`, d.prompt || "")];
    case "step_done":
      return [`step ${(d.step ?? 0) + 1} done${d.description ? `: ${d.description}` : ""}`];
    case "change":
      return [`step ${(d.step ?? 0) + 1}: ${changeCounts(d)}: ${(d.files || []).map((f) => f.path).join(", ")}`];
    case "candidates":
      return [`step ${(d.step ?? 0) + 1}: ${(d.candidates || []).length} attempts did not agree: ` +
        (d.candidates || []).map((c) => `#${c.attempt}: ${c.failed ? `did not vote (${c.failed})` : c.summary}`).join("; ")];
    case "model_call":
      return [`${d.model || "model"}: ${d.seconds ?? "?"} s, ${d.prompt_tokens ?? "?"} prompt → ${d.completion_tokens ?? "?"} tokens` +
        (d.tool_calls ? `, ${d.tool_calls} tool call(s)` : "")];
    case "delivery":
      return [`${d.target || "delivery"}: ${d.phase || ""}${d.error ? ` (${d.error})` : ""}`];
    default: {
      const text = d.message || d.reason || d.note || d.text || (d.approval ? `${d.approval.approved ? "approved" : "refused"}: ${d.approval.command}` : "");
      return [text || JSON.stringify(d)];
    }
  }
}

function renderJournal() {
  const entries = [...state.journal.values()].sort((a, b) => b.seq - a.seq);
  return el("ol", { className: "journal", "aria-label": "Journal, newest first" },
    entries.map((e) => el("li", { "data-kind": e.kind, "data-seq": String(e.seq), className: e.data && e.data.error ? "failed" : "" },
      el("span", { className: "when", text: new Date(e.ts * 1000).toLocaleTimeString() }),
      el("span", { className: "kind", text: e.kind.replace("_", " ") }),
      ...describeEntry(e))));
}

// --- what each step changed, and undo ---------------------------------------------------

function changeCounts(c) {
  const parts = [["created", c.created], ["changed", c.changed], ["removed", c.removed]].filter(([, n]) => n);
  return parts.map(([what, n]) => `${n} ${what}`).join(", ") || "nothing";
}

function bytes(n) {
  if (n < 1024) return `${n} byte${n === 1 ? "" : "s"}`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

function fileFacts(f) {
  // the sizes on each side, and what kind of file it is when not plain text
  if (f.kind !== "file" && f.kind !== "dir") return `a ${f.kind === "link" ? "symbolic link" : f.kind}, never opened`;
  if (f.kind === "dir") return "folder";
  const sizes = [f.before, f.after].filter(Boolean).map((v) => bytes(v.size)).join(" → ");
  return f.binary ? `binary, ${sizes}` : sizes;
}

function diffLines(text) {
  return el("pre", { className: "diff", tabindex: "0", "aria-label": "unified diff" },
    text.replace(/\n$/, "").split("\n").map((line) => {
      const kind = line.startsWith("+++") || line.startsWith("---") || line.startsWith("\\") ? "meta"
        : line.startsWith("@@") ? "hunk" : line.startsWith("+") ? "add" : line.startsWith("-") ? "del" : "ctx";
      return el("span", { className: kind, text: line || " " });
    }));
}

function renderFileChange(f) {
  const notes = [...new Set([f.before, f.after].filter((v) => v && v.note).map((v) => v.note))];
  return el("li", { className: "file", "data-action": f.action, "data-path": f.path },
    el("div", { className: "file-head" },
      el("span", { className: "action", text: f.action }),
      el("code", { className: "path", text: f.path + (f.kind === "dir" ? "/" : "") }),
      el("span", { className: "facts", text: fileFacts(f) })),
    notes.map((n) => el("span", { className: "note", text: n })),
    f.diff ? diffLines(f.diff) : null,
    f.diff_cut ? el("span", { className: "note", text: "the rest of the diff was cut ([workspace] diff_bytes)" }) : null);
}

async function undo(t, key, body) {
  const path = `/api/tasks/${encodeURIComponent(t.id)}/undo`;
  try {
    const data = await api("POST", path, body);
    state.undoNotes.set(key, { text: data.undone.message });
  } catch (err) {
    if (err.status !== 409 && err.status !== 400) throw err;
    const forceable = err.status === 409 && !body.force && (err.data.files || []).length > 0;
    state.undoNotes.set(key, { error: err.message, force: forceable });
  }
  state.changesStale = true;
  scheduleDetail();
}

function undoNote(t, key, body) {
  const note = state.undoNotes.get(key);
  if (!note) return null;
  return el("div", { className: note.error ? "undo-note refused" : "undo-note", role: note.error ? "alert" : "status",
    "data-undo-note": String(key) },
  el("span", { text: note.error || note.text }),
  note.force ? el("div", { className: "row" }, control("Undo anyway (lose those changes)",
    () => undo(t, key, { ...body, force: true }), "danger")) : null);
}

function renderStepChanges(t, i, entries) {
  const live = entries.filter((c) => !c.undone);
  return el("div", { className: "changes", "data-changes": String(i) },
    entries.map((c) => el("div", { className: c.undone ? "change undone" : "change" },
      c.undone ? el("span", { className: "badge soft", text: "undone" }) : null,
      c.truncated ? el("span", { className: "note", text: "the workspace had more files than a snapshot looks at" }) : null,
      el("ul", { className: "files" }, c.files.map(renderFileChange)))),
    live.length ? el("div", { className: "row" }, control(`Undo step ${i + 1}`, () => undo(t, i, { step: i }), "danger")) : null,
    undoNote(t, i, { step: i }));
}

function stepChangesToggle(t, i) {
  const entries = state.changes.filter((c) => c.step === i);
  if (!entries.length) return null;
  const open = state.openSteps.has(i);
  const live = entries.filter((c) => !c.undone);
  const files = live.reduce((n, c) => n + c.files.length, 0);
  const label = live.length ? `Changes: ${files} file${files === 1 ? "" : "s"}` : "Changes (undone)";
  return [el("button", { type: "button", className: "changes-toggle", "aria-expanded": String(open),
    "data-step-changes": String(i), onclick: () => {
      if (open) state.openSteps.delete(i); else state.openSteps.add(i);
      renderDetail();
    } }, label),
  open ? renderStepChanges(t, i, entries) : null];
}

// --- attempts that did not agree: what each made, and "Use this one" ---------------------------

async function pick(t, c) {
  const step = t.current_step + 1;
  try {
    const data = await api("POST", `/api/tasks/${encodeURIComponent(t.id)}/pick`, { attempt: c.attempt });
    keepCard(data.card);
    const next = step < t.steps.length ? `it goes on with step ${step + 1}` : "it finishes";
    state.pickNote = { text: `Used attempt ${c.attempt}'s result for step ${step}; ${next}.` };
  } catch (err) {
    // no longer applies (the task moved on, was resumed, or the attempt is gone): say why, show what is current
    if (err.status !== 400 && err.status !== 409) throw err;
    state.pickNote = { error: `Attempt ${c.attempt} could not be used: ${err.message}` };
  }
  state.candidatesFor = null;
  state.changesStale = true;
  scheduleBoard();
  scheduleDetail();
}

function pickNote() {
  const note = state.pickNote;
  if (!note) return null;
  return el("div", { className: note.error ? "undo-note refused" : "undo-note", role: note.error ? "alert" : "status",
    "data-pick-note": "" }, el("span", { text: note.error || note.text }));
}

function renderCandidateFile(f) {
  const label = { write: "writes", remove: "removes", not_kept: "not kept" }[f.action] || f.action;
  return el("li", { className: "file", "data-action": f.action, "data-path": f.path },
    el("div", { className: "file-head" },
      el("span", { className: "action", text: label }),
      el("code", { className: "path", text: f.path }),
      f.action === "write" ? el("span", { className: "facts", text: f.size ? bytes(f.size) : "empty" }) : null),
    f.action === "write" && f.text ? el("pre", { className: "candidate-text", tabindex: "0",
      "aria-label": `the text it writes to ${f.path}`, text: f.text }) : null,
    f.action === "remove" ? el("span", { className: "note", text: "the file is removed from the workspace" }) : null,
    f.note ? el("span", { className: "note", text: f.note }) : null);
}

function renderCandidate(t, c) {
  const head = `candidate-${c.attempt}`;
  return el("li", { className: "candidate", "data-candidate": String(c.attempt) },
    el("div", { className: "candidate-head" },
      el("strong", { id: head, text: `Attempt ${c.attempt}` }),
      el("span", { className: "candidate-summary", text: c.summary })),
    c.failed ? el("span", { className: "note warning", text: `did not vote: ${c.failed}` }) : null,
    c.files.length ? el("ul", { className: "files" }, c.files.map(renderCandidateFile))
      : el("span", { className: "note", text: "it changed no file" }),
    c.kept ? el("div", { className: "row" }, el("button", { type: "button", className: "primary",
      "aria-describedby": head, onclick: async (ev) => {
        const button = ev.currentTarget;
        button.disabled = true;
        try { await pick(t, c); } catch (err) { report(err); } finally { button.disabled = false; }
      } }, "Use this one"))
      : el("span", { className: "note warning",
        text: "a file it made was too large or not text, so it cannot be used from here: make the change yourself, then resume" }));
}

function renderCandidates(t) {
  const offered = state.candidates;
  if (!offered) return null;
  return el("section", { className: "candidates", "aria-labelledby": "candidates-title", "data-candidates": String(offered.step) },
    el("h3", { id: "candidates-title", text: `Step ${offered.step + 1}: ${offered.candidates.length} attempts did not agree` }),
    el("p", { className: "hint", text: "Each ran in its own copy of the workspace; none of it is in the workspace yet. " +
      "Use one result, or resume with a note, or edit the remaining steps." }),
    el("ol", { className: "candidate-list" }, offered.candidates.map((c) => renderCandidate(t, c))));
}

function control(label, action, className = "") {
  return el("button", { type: "button", className, onclick: async (ev) => {
    ev.currentTarget.disabled = true;
    try { await action(); } catch (err) { report(err); } finally { ev.currentTarget && (ev.currentTarget.disabled = false); }
  } }, label);
}

function renderDetail() {
  const t = state.detail;
  if (!t) return;
  $("detail-title").textContent = t.title;
  const path = `/api/tasks/${encodeURIComponent(t.id)}`;
  const canResume = t.status === "paused" || t.status === "needs_assistance";
  const canEdit = ["queued", "paused", "needs_assistance"].includes(t.status);
  const note = el("textarea", { id: "resume-note", rows: "2", placeholder: "A note for the model, e.g. 'use the other folder'" });
  const resume = async (approve) => {
    await api("POST", `${path}/resume`, { note: note.value || null, approve });
    note.value = "";  // sent: do not offer it again at the next pause
    scheduleDetail();
  };

  const parts = [
    el("dl", { className: "facts" },
      el("dt", { text: "Status" }), el("dd", { className: "status-pill", "data-field": "status", text: t.status.replace("_", " ") + (t.pause_requested ? " (pausing at the end of this round)" : "") }),
      t.pause_reason ? [el("dt", { text: "Why" }), el("dd", { text: t.pause_reason })] : null,
      el("dt", { text: "Origin" }), el("dd", { text: t.origin.channel + (t.origin.session ? ` · ${t.origin.session}` : "") }),
      t.host ? [el("dt", { text: "Host" }), el("dd", { "data-field": "host", text: t.host })] : null,
      state.shell ? [el("dt", { text: "Commands" }), el("dd", {
        "data-field": "shell", className: state.shell.fallback ? "warning" : "", text: state.shell.description })] : null,
      t.tool_protocol === "json" ? [el("dt", { text: "Tool calls" }), el("dd", {
        "data-field": "tool-protocol",
        text: "JSON protocol: the model answered native tool calling without calls, so it now replies in JSON" })] : null,
      el("dt", { text: "Progress" }), el("dd", { text: `${t.steps.filter((s) => s.state === "done" || s.state === "skipped").length}/${t.steps.length} steps, ${t.rounds} rounds` }),
      el("dt", { text: "Created" }), el("dd", { text: when(t.created_at) }),
      el("dt", { text: "Started" }), el("dd", { text: when(t.started_at) }),
      el("dt", { text: "Finished" }), el("dd", { text: when(t.finished_at) }),
      el("dt", { text: "Last activity" }), el("dd", { text: `${when(t.updated_at)} (${ago(t.updated_at)})` }),
      el("dt", { text: "Id" }), el("dd", {}, el("code", { text: t.id }))),
    t.awaiting_approval ? el("div", { className: "approval", role: "group", "aria-label": "Approval needed" },
      el("strong", { text: "Waiting for your approval to run:" }), el("pre", { text: t.awaiting_approval }),
      el("div", { className: "row" },
        control("Approve and resume", () => resume(true), "primary"),
        control("Refuse and resume", () => resume(false), "danger"))) : null,
    el("div", { className: "controls", role: "group", "aria-label": "Task controls" },
      t.status === "queued" || (t.status === "running" && !t.pause_requested)
        ? control("Pause", () => api("POST", `${path}/pause`).then(scheduleDetail)) : null,
      !FINISHED.has(t.status) ? control("Cancel", () => api("POST", `${path}/cancel`).then(scheduleDetail), "danger") : null,
      state.changes.some((c) => !c.undone) ? control("Undo every step", async () => {
        if (!confirm(`Put back what every step of "${t.title}" changed?`)) return;
        await undo(t, "all", { all: true });
      }, "danger") : null,
      t.status !== "running" ? control("Delete", async () => {
        if (!confirm(`Delete task "${t.title}" and its journal?`)) return;
        await api("DELETE", path);
        state.tasks.delete(t.id);
        closeDetail();
      }, "danger") : null),
    undoNote(t, "all", { all: true }),
    pickNote(),
    renderCandidates(t),
    canResume ? el("div", { className: "resume" },
      el("label", { for: "resume-note", text: "Resume with a note (optional)" }), note,
      el("div", { className: "row" }, control("Resume", () => resume(null), "primary"))) : null,
    el("h3", { text: "Goal" }), el("div", { className: "goal", text: t.goal }),
    el("h3", { text: "Plan" }),
    t.steps.length ? el("ol", { className: "plan" }, t.steps.map((s, i) => el("li", {
      "data-state": s.state, className: i === t.current_step && !FINISHED.has(t.status) ? "current" : "" },
    el("span", { className: "state", text: s.state }), s.description,
    s.check ? el("span", { className: "note", text: `check: ${s.check}` }) : null,
    (s.notes || []).slice(-3).map((n) => el("span", { className: "note", text: n })),
    stepChangesToggle(t, i))))
      : el("p", { className: "hint", text: "No plan yet: the model plans it when the task starts." }),
    canEdit ? renderPlanEditor(t, path) : null,
    t.summary ? [el("h3", { text: "Summary" }), el("div", { className: "summary", "data-field": "summary", text: t.summary })] : null,
    t.error ? [el("h3", { text: "Error" }), el("div", { className: "summary error", text: t.error })] : null,
    el("h3", { text: "Journal" }),
    renderJournal(),
  ];
  const keepNote = document.getElementById("resume-note");
  const draft = keepNote ? keepNote.value : "";
  const editor = document.getElementById("plan-editor");
  const planDraft = editor && document.activeElement === editor ? editor.value : null;
  $("detail-body").replaceChildren(...parts.flat(2).filter(Boolean));
  if (draft && document.getElementById("resume-note")) document.getElementById("resume-note").value = draft;
  if (planDraft !== null && document.getElementById("plan-editor")) {
    const again = document.getElementById("plan-editor");
    again.value = planDraft;
    again.focus();
  }
}

function renderPlanEditor(t, path) {
  const remaining = t.steps.slice(t.current_step).filter((s) => s.state !== "done" && s.state !== "skipped");
  const area = el("textarea", { id: "plan-editor", rows: String(Math.max(3, remaining.length + 1)) });
  area.value = remaining.map((s) => s.description).join("\n");
  return el("details", { className: "edit-plan" },
    el("summary", { text: "Edit the remaining steps" }),
    el("label", { for: "plan-editor", text: "One step per line (done steps are kept)" }), area,
    el("div", { className: "row" }, control("Save plan", async () => {
      const steps = area.value.split("\n").map((s) => s.trim()).filter(Boolean);
      await api("PUT", `${path}/steps`, { steps });
      scheduleDetail();
    }, "primary")));
}

// --- chat -----------------------------------------------------------------------------

function newSessionKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(6));
  return "web_" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function chatMessage(role, text) {
  const log = $("chat-log");
  const pending = log.querySelector(".msg.pending");
  const node = el("li", { className: `msg ${role}`, text });
  if (pending && role === "user") log.insertBefore(node, pending);  // the question goes above "thinking…"
  else {
    if (pending) pending.remove();
    log.append(node);
  }
  log.scrollTop = log.scrollHeight;
}

function showThinking() {
  const log = $("chat-log");
  if (!log.querySelector(".msg.pending")) log.append(el("li", { className: "msg assistant pending", text: "thinking…" }));
  log.scrollTop = log.scrollHeight;
}

async function loadChat() {
  $("session-key").textContent = state.session;
  const data = await api("GET", `/api/sessions/${encodeURIComponent(state.session)}`);
  $("chat-log").replaceChildren();
  for (const record of data.messages) {
    const m = record.message || {};
    if ((m.role === "user" || m.role === "assistant") && m.content) chatMessage(m.role, m.content);
  }
}

async function sendChat(ev) {
  ev.preventDefault();
  const box = $("chat-text");
  const text = box.value.trim();
  if (!text) return;
  box.value = "";
  // before the request: the reply can arrive on the stream before the POST returns
  showThinking();
  try {
    await api("POST", `/api/sessions/${encodeURIComponent(state.session)}/messages`, { text });
  } catch (err) {
    chatMessage("error", err.message);
    box.value = text;
  }
}

// --- the event stream -----------------------------------------------------------------

function setConnection(text, kind) {
  const node = $("connection");
  node.textContent = text;
  node.className = `connection ${kind || ""}`;
}

async function loadShell() {
  // the shell tools' mode (sandbox, ask...): shown in the task panel; absent without the plugin
  try { state.shell = await api("GET", "/api/shell"); } catch (err) { state.shell = null; }
}

async function reloadAll() {
  await loadShell();
  await loadTasks();
  if (state.selected) { state.journal = new Map(); state.changesStale = true; await refreshDetail(); }
  await loadChat();
}

function connect() {
  const source = new EventSource(`/api/events?token=${encodeURIComponent(state.token)}`);
  state.source = source;
  const on = (type, fn) => source.addEventListener(type, (ev) => {
    try { fn(JSON.parse(ev.data)); } catch (err) { report(err); }
  });
  source.onopen = () => setConnection("live", "live");
  source.onerror = () => {
    if (source.readyState === EventSource.CLOSED) {
      // the server refused the stream (a wrong token, or it restarted badly): try again later
      setConnection("disconnected; retrying…", "down");
      source.close();
      setTimeout(() => { if (state.source === source) connect(); }, 5000);
    } else {
      setConnection("reconnecting…", "down");
    }
  };
  on("ready", () => reloadAll().catch(report));
  on("resync", () => reloadAll().catch(report));
  on("task", (ev) => {
    const card = ev.data.task;
    const old = state.tasks.get(card.id) || {};
    if (!newer(old, card)) return;
    state.tasks.set(card.id, { awaiting_approval: old.awaiting_approval ?? null, ...card });
    scheduleBoard();
    if (card.id === state.selected) scheduleDetail();
  });
  on("journal", (ev) => {
    if (ev.task_id !== state.selected) return;
    const entry = ev.data.entry;
    state.journal.set(entry.seq, entry);
    if (entry.kind === "change" || entry.kind === "undo") state.changesStale = true;
    scheduleDetail();
  });
  on("task_deleted", (ev) => {
    state.tasks.delete(ev.task_id);
    scheduleBoard();
    if (ev.task_id === state.selected) closeDetail();
  });
  on("session_message", (ev) => {
    if (ev.data.session !== state.session) return;
    const m = ev.data.message || {};
    if (m.content) chatMessage(m.role === "user" ? "user" : "assistant", m.content);
  });
  on("session_error", (ev) => {
    if (ev.data.session === state.session) chatMessage("error", ev.data.error);
  });
}

// --- start ----------------------------------------------------------------------------

function report(err) {
  console.error(err);
  if (err && err.status === 401) return;
  setConnection(err && err.message ? err.message : String(err), "down");
}

function setupForms() {
  const form = $("new-task");
  const toggle = $("new-task-toggle");
  const show = (open) => {
    form.hidden = !open;
    toggle.setAttribute("aria-expanded", String(open));
    if (open) $("goal").focus(); else toggle.focus();
  };
  toggle.addEventListener("click", () => show(form.hidden));
  $("new-task-cancel").addEventListener("click", () => show(false));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    $("new-task-error").textContent = "";
    // a line may end with "[check: file_exists: out.txt]": evidence the step must leave
    const lines = $("steps").value.split("\n").map((s) => s.trim()).filter(Boolean);
    const parsed = lines.map((line) => {
      const m = line.match(/^(.*?)\s*\[check:\s*(.+?)\]\s*$/i);
      return m ? { step: m[1], check: m[2] } : { step: line, check: null };
    });
    const steps = parsed.map((p) => p.step);
    const body = { goal: $("goal").value, steps, session: state.session };
    if (parsed.some((p) => p.check)) body.checks = parsed.map((p) => p.check);
    try {
      const data = await api("POST", "/api/tasks", body);
      keepCard(data.card);
      renderBoard();
      form.reset();
      show(false);
    } catch (err) {
      $("new-task-error").textContent = err.message;
    }
  });
  $("chat-form").addEventListener("submit", sendChat);
  $("chat-text").addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && !ev.shiftKey) { ev.preventDefault(); $("chat-form").requestSubmit(); }
  });
  $("chat-new").addEventListener("click", () => {
    state.session = newSessionKey();
    localStorage.setItem("smallclaw.session", state.session);
    loadChat().catch(report);
  });
  $("detail-close").addEventListener("click", closeDetail);
  document.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape" && !$("detail").hidden) closeDetail();
  });
  $("login-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    localStorage.setItem("smallclaw.token", $("login-token").value.trim());
    window.location.reload();
  });
}

async function showModel() {
  try {
    const data = await api("GET", "/api/models");
    $("model").textContent = data.executor ? `model: ${data.executor}` : "no model available";
    const advice = $("model-advice");
    advice.textContent = data.advice || "";
    advice.hidden = !data.advice;
  } catch (err) { /* the header can live without it */ }
}

function start() {
  buildColumns();
  setupForms();
  state.token = takeToken();
  state.session = localStorage.getItem("smallclaw.session") || newSessionKey();
  localStorage.setItem("smallclaw.session", state.session);
  $("session-key").textContent = state.session;
  if (!state.token) { showLogin(); return; }
  connect();
  showModel();
  // keep "time since last activity" fresh without re-rendering everything
  setInterval(() => {
    for (const node of document.querySelectorAll("[data-ago]")) node.textContent = ago(Number(node.dataset.ago));
  }, 15000);
}

start();
